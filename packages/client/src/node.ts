/**
 * The Node-only entry, `@cognate/client/node`: a file-backed {@link KeyValueStorage} for CLIs,
 * servers and tests, and the hosted UI's loopback redirect listener. Everything else lives in `@cognate/client`, which has no Node imports.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { KeyValueStorage } from './storage.js';

/**
 * Keeps the session in one JSON file (mode 0600, written atomically through a temporary file and
 * a rename), so a new process picks up where the last one stopped.
 *
 * @example
 * ```ts
 * import { MobileClient } from '@cognate/client';
 * import { FileStorage } from '@cognate/client/node';
 *
 * const client = new MobileClient({ storage: new FileStorage(`${os.homedir()}/.myapp/session.json`) });
 * const state = await client.initialize(config); // 'signedIn' when the last run signed in
 * ```
 */
export class FileStorage implements KeyValueStorage {
  /**
   * The absolute path of the JSON file.
   *
   * @example
   * ```ts
   * const storage = new FileStorage('/var/lib/myapp/session.json');
   * console.log(storage.file);
   * ```
   */
  readonly file: string;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(file: string) {
    this.file = path.resolve(file);
  }

  async #read(): Promise<Record<string, string>> {
    try {
      const parsed: unknown = JSON.parse(await readFile(this.file, 'utf8'));
      return parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw e;
    }
  }

  /** Runs read-modify-write steps one at a time, so concurrent writes from this process don't lose each other. */
  #serialised<T>(step: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(step, step);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #write(items: Record<string, string>): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(items), { mode: 0o600 });
    await rename(tmp, this.file);
  }

  /**
   * The stored value, or null (also when the file does not exist yet).
   *
   * @example
   * ```ts
   * const storage = new FileStorage('/var/lib/myapp/session.json');
   * await storage.getItem('k'); // null
   * ```
   */
  getItem(key: string): Promise<string | null> {
    return this.#serialised(async () => (await this.#read())[key] ?? null);
  }

  /**
   * Stores a value, rewriting the file atomically.
   *
   * @example
   * ```ts
   * const storage = new FileStorage('/var/lib/myapp/session.json');
   * await storage.setItem('k', 'v');
   * ```
   */
  setItem(key: string, value: string): Promise<void> {
    return this.#serialised(async () => {
      const items = await this.#read();
      items[key] = value;
      await this.#write(items);
    });
  }

  /**
   * Removes a value.
   *
   * @example
   * ```ts
   * const storage = new FileStorage('/var/lib/myapp/session.json');
   * await storage.removeItem('k');
   * ```
   */
  removeItem(key: string): Promise<void> {
    return this.#serialised(async () => {
      const items = await this.#read();
      if (!(key in items)) return;
      delete items[key];
      await this.#write(items);
    });
  }
}

export type { KeyValueStorage } from './storage.js';

export { loopbackRedirect } from './internal/hosted-ui-loopback.js';
export type { LoopbackRedirectOptions } from './internal/hosted-ui-loopback.js';
