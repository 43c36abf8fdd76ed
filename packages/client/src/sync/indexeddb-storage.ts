/**
 * A {@link KeyValueStorage} over the browser's IndexedDB: for the SyncManager's cache (up to 20
 * datasets of 1 MB per identity, past what localStorage's few megabytes hold) or the session.
 * The IndexedDB API is typed here, as far as it is used, because the package has no DOM typings.
 */
import type { KeyValueStorage } from '../storage.js';

interface IDBRequestLike<T> {
  result: T;
  error: unknown;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}

interface IDBOpenRequestLike extends IDBRequestLike<IDBDatabaseLike> {
  onupgradeneeded: (() => void) | null;
}

interface IDBObjectStoreLike {
  get(key: string): IDBRequestLike<unknown>;
  put(value: unknown, key: string): IDBRequestLike<unknown>;
  delete(key: string): IDBRequestLike<unknown>;
}

interface IDBDatabaseLike {
  objectStoreNames: { contains(name: string): boolean };
  createObjectStore(name: string): unknown;
  transaction(store: string, mode: 'readonly' | 'readwrite'): { objectStore(name: string): IDBObjectStoreLike };
}

/** `window.indexedDB`, as far as it is used. */
export interface IDBFactoryLike {
  open(name: string, version?: number): IDBOpenRequestLike;
}

const STORE = 'items';

function settle<T>(request: IDBRequestLike<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error instanceof Error ? request.error : new Error(`IndexedDB: ${String(request.error)}`));
  });
}

/**
 * Keeps items in an IndexedDB database (one object store), so the SyncManager's datasets survive
 * reloads and are not bound by localStorage's quota.
 *
 * @example
 * ```ts
 * import { IndexedDBStorage, MobileClient, SyncManager } from '@cognate/client';
 *
 * const client = new MobileClient({ storage: new IndexedDBStorage() });
 * await client.initialize(awsconfiguration);
 * const sync = new SyncManager(client); // datasets in IndexedDB too
 * ```
 */
export class IndexedDBStorage implements KeyValueStorage {
  readonly #db: () => Promise<IDBDatabaseLike>;

  constructor(options: { databaseName?: string; indexedDB?: IDBFactoryLike } = {}) {
    const factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactoryLike }).indexedDB;
    if (!factory) throw new TypeError('IndexedDBStorage needs window.indexedDB or options.indexedDB');
    const name = options.databaseName ?? 'cognate';
    let opened: Promise<IDBDatabaseLike> | undefined;
    this.#db = () => {
      if (!opened) {
        const request = factory.open(name, 1);
        request.onupgradeneeded = () => {
          if (!request.result.objectStoreNames.contains(STORE)) request.result.createObjectStore(STORE);
        };
        opened = settle(request);
        // A failed open may succeed later (a blocked upgrade): don't keep the failure.
        opened.catch(() => (opened = undefined));
      }
      return opened;
    };
  }

  async #store(mode: 'readonly' | 'readwrite'): Promise<IDBObjectStoreLike> {
    return (await this.#db()).transaction(STORE, mode).objectStore(STORE);
  }

  /**
   * The stored value, or null.
   *
   * @example
   * ```ts
   * await new IndexedDBStorage().getItem('k'); // null
   * ```
   */
  async getItem(key: string): Promise<string | null> {
    const value = await settle((await this.#store('readonly')).get(key));
    return typeof value === 'string' ? value : null;
  }

  /**
   * Stores a value.
   *
   * @example
   * ```ts
   * await new IndexedDBStorage().setItem('k', 'v');
   * ```
   */
  async setItem(key: string, value: string): Promise<void> {
    await settle((await this.#store('readwrite')).put(value, key));
  }

  /**
   * Removes a value.
   *
   * @example
   * ```ts
   * await new IndexedDBStorage().removeItem('k');
   * ```
   */
  async removeItem(key: string): Promise<void> {
    await settle((await this.#store('readwrite')).delete(key));
  }
}
