/**
 * Where the client keeps its session (tokens, username, identity id, device keys) between runs.
 * Any object with `getItem` / `setItem` / `removeItem`, synchronous or returning promises, fits:
 * `window.localStorage`, React Native's AsyncStorage, or your own.
 */

/**
 * The pluggable storage interface. Methods may be synchronous or return promises.
 *
 * @example
 * ```ts
 * import AsyncStorage from '@react-native-async-storage/async-storage';
 * const client = new MobileClient({ storage: AsyncStorage });
 *
 * // or your own:
 * const storage: KeyValueStorage = {
 *   getItem: (key) => secureStore.get(key),
 *   setItem: (key, value) => secureStore.set(key, value),
 *   removeItem: (key) => secureStore.delete(key),
 * };
 * ```
 */
export interface KeyValueStorage {
  getItem(key: string): string | null | undefined | Promise<string | null | undefined>;
  setItem(key: string, value: string): void | Promise<void>;
  removeItem(key: string): void | Promise<void>;
}

/**
 * Keeps the session in memory only: it ends with the process or page. The default.
 *
 * @example
 * ```ts
 * const client = new MobileClient({ storage: new MemoryStorage() });
 * ```
 */
export class MemoryStorage implements KeyValueStorage {
  readonly #items = new Map<string, string>();
  /**
   * The stored value, or null.
   *
   * @example
   * ```ts
   * const storage = new MemoryStorage();
   * storage.getItem('k'); // null
   * ```
   */
  getItem(key: string): string | null {
    return this.#items.get(key) ?? null;
  }
  /**
   * Stores a value.
   *
   * @example
   * ```ts
   * const storage = new MemoryStorage();
   * storage.setItem('k', 'v');
   * ```
   */
  setItem(key: string, value: string): void {
    this.#items.set(key, value);
  }
  /**
   * Removes a value.
   *
   * @example
   * ```ts
   * const storage = new MemoryStorage();
   * storage.removeItem('k');
   * ```
   */
  removeItem(key: string): void {
    this.#items.delete(key);
  }
}

/**
 * The synchronous Web Storage API (`localStorage`, `sessionStorage`), as {@link LocalStorage} uses it.
 *
 * @example
 * ```ts
 * const storage: WebStorage = window.sessionStorage;
 * ```
 */
export interface WebStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * Keeps the session in the browser's `localStorage` (or another Web Storage object), under a key
 * prefix. Anything on the page can read it: use it only where that is acceptable.
 *
 * @example
 * ```ts
 * const client = new MobileClient({ storage: new LocalStorage() });
 * const perTab = new LocalStorage({ storage: sessionStorage, prefix: 'myapp.' });
 * ```
 */
export class LocalStorage implements KeyValueStorage {
  readonly #storage: WebStorage;
  readonly #prefix: string;
  constructor(options: { storage?: WebStorage; prefix?: string } = {}) {
    const storage = options.storage ?? (globalThis as { localStorage?: WebStorage }).localStorage;
    if (!storage) throw new TypeError('LocalStorage needs window.localStorage or a Storage object in options.storage');
    this.#storage = storage;
    this.#prefix = options.prefix ?? '';
  }
  /**
   * The stored value, or null.
   *
   * @example
   * ```ts
   * const storage = new LocalStorage({ prefix: 'myapp.' });
   * storage.getItem('k'); // null
   * ```
   */
  getItem(key: string): string | null {
    return this.#storage.getItem(this.#prefix + key);
  }
  /**
   * Stores a value.
   *
   * @example
   * ```ts
   * const storage = new LocalStorage({ prefix: 'myapp.' });
   * storage.setItem('k', 'v');
   * ```
   */
  setItem(key: string, value: string): void {
    this.#storage.setItem(this.#prefix + key, value);
  }
  /**
   * Removes a value.
   *
   * @example
   * ```ts
   * const storage = new LocalStorage({ prefix: 'myapp.' });
   * storage.removeItem('k');
   * ```
   */
  removeItem(key: string): void {
    this.#storage.removeItem(this.#prefix + key);
  }
}
