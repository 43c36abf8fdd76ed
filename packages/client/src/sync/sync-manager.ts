/**
 * SyncManager: Cognito Sync for a {@link MobileClient}, in the spirit of the AWS Mobile SDKs'
 * CognitoSyncManager and amazon-cognito-js. Datasets of key/value records follow the identity
 * across devices: kept in the client's storage (so they work offline), synchronised with
 * Cognito Sync's REST API, signed with the identity's credentials the client already obtains.
 *
 * Identity changes: the cache is keyed by identity id. Data written before any identity was known,
 * or by a guest, moves to the next identity this client gets (a guest who signs in); a signed-in
 * user's data stays theirs when another user signs in on the same device.
 */
import { clientContexts, requireIdentityPool, type ClientContext } from '../internal/context.js';
import { getAWSCredentials } from '../internal/credentials.js';
import type { MobileClient } from '../mobile-client.js';
import type { KeyValueStorage } from '../storage.js';
import { checkDatasetName, Dataset, metadataOf, type SyncEnvironment } from './dataset.js';
import { emptyDataset, LocalStore, UNKNOWN_IDENTITY } from './local-store.js';
import { SyncRemote, syncEndpoint } from './remote.js';
import { fromEpochSeconds, type ConflictResolution, type DatasetMetadata, type SyncConflict } from './types.js';

/**
 * Options of {@link SyncManager}.
 *
 * @example
 * ```ts
 * const sync = new SyncManager(client, { maxRetries: 5, conflictResolver: (ds, conflicts) => conflicts.map((c) => c.resolveWithRemoteRecord()) });
 * ```
 */
export interface SyncManagerOptions {
  /** Where datasets are cached; defaults to the client's storage (so a FileStorage or LocalStorage keeps them across runs). */
  storage?: KeyValueStorage;
  /** Cognito Sync's URL; defaults to the identity pool's endpoint for Cognate, `https://cognito-sync.<region>.amazonaws.com` for AWS. */
  endpoint?: string;
  /** How many times a synchronize starts again when another device pushed in between (default 3). */
  maxRetries?: number;
  /** The default for `onConflict` when a synchronize has none (the default default: last writer wins). */
  conflictResolver?: (dataset: Dataset, conflicts: SyncConflict[]) => ConflictResolution[] | false | Promise<ConflictResolution[] | false>;
  /** The DeviceId from RegisterDevice (push sync), sent with UpdateRecords. */
  deviceId?: string;
}

/**
 * Cognito Sync datasets for the client's identity.
 *
 * @example
 * ```ts
 * import { MobileClient, SyncManager } from '@cognate/client';
 *
 * const client = new MobileClient({ storage: new LocalStorage() });
 * await client.initialize(awsconfiguration);
 * const sync = new SyncManager(client);
 * const settings = await sync.openOrCreateDataset('settings');
 * await settings.put('theme', 'dark'); // local, works offline
 * const result = await settings.synchronize({
 *   onConflict: (ds, conflicts) => conflicts.map((c) => c.resolveWithLastWriter()),
 * });
 * ```
 */
export class SyncManager {
  readonly #client: MobileClient;
  readonly #ctx: ClientContext;
  readonly #options: SyncManagerOptions;
  #env: SyncEnvironment | undefined;

  constructor(client: MobileClient, options: SyncManagerOptions = {}) {
    const ctx = clientContexts.get(client);
    if (!ctx) throw new TypeError('SyncManager needs a MobileClient.');
    if (options.maxRetries !== undefined && (!Number.isInteger(options.maxRetries) || options.maxRetries < 0)) throw new TypeError('maxRetries is a whole number ≥ 0.');
    this.#client = client;
    this.#ctx = ctx;
    this.#options = options;
  }

  /** The environment datasets share, built once the client is initialised with an identity pool. */
  #environment(): SyncEnvironment {
    const pool = requireIdentityPool(this.#ctx);
    if (this.#env) return this.#env;
    const ctx = this.#ctx;
    const store = new LocalStore(this.#options.storage ?? ctx.storage, pool.poolId);
    const endpoint = (this.#options.endpoint ?? syncEndpoint(pool.endpoint, pool.region)).replace(/\/+$/, '');
    const env: SyncEnvironment = {
      store,
      now: () => ctx.clock.now(),
      localIdentity: () => this.#settle(store, ctx.session.identityId ?? UNKNOWN_IDENTITY, undefined),
      remoteIdentity: async () => {
        const credentials = await getAWSCredentials(ctx);
        // Credentials fetched without logins are a guest's.
        const authenticated = ctx.credentials ? ctx.credentials.loginsKey !== '{}' : this.#client.isSignedIn;
        const identityId = await this.#settle(store, credentials.identityId, authenticated);
        const remote = new SyncRemote({
          fetch: ctx.fetch,
          endpoint,
          region: pool.region,
          identityPoolId: pool.poolId,
          now: () => ctx.clock.now(),
          credentials: async () => credentials,
          ...(this.#options.deviceId ? { deviceId: this.#options.deviceId } : {}),
        });
        return { identityId, remote };
      },
      maxRetries: this.#options.maxRetries ?? 3,
      conflictResolver: this.#options.conflictResolver,
      running: new Map(),
    };
    this.#env = env;
    return env;
  }

  /**
   * The identity the cache works for now, moving data when it changed: what was written before
   * any identity was known always moves; a guest's moves to the next identity; a signed-in
   * user's stays under their id.
   */
  #settle(store: LocalStore, identityId: string, authenticated: boolean | undefined): Promise<string> {
    return store.locked(async () => {
      const current = await store.current();
      if (identityId === UNKNOWN_IDENTITY) return identityId;
      const now = this.#ctx.clock.now();
      if (current?.identityId === identityId) {
        if (authenticated !== undefined && authenticated !== current.authenticated) await store.setCurrent({ identityId, authenticated });
      } else {
        if (current && !current.authenticated) await store.rekey(current.identityId, identityId, now);
        await store.setCurrent({ identityId, authenticated: authenticated ?? this.#client.isSignedIn });
      }
      await store.rekey(UNKNOWN_IDENTITY, identityId, now);
      return identityId;
    });
  }

  /**
   * The dataset of that name, created here (empty) when this device has none: call
   * {@link Dataset.synchronize} to fetch what the server holds.
   *
   * @example
   * ```ts
   * const game = await sync.openOrCreateDataset('game-1');
   * ```
   * @throws MobileClientError `invalidParameter` for a name Cognito Sync refuses (1–128 of `a-zA-Z0-9_.:-`).
   */
  async openOrCreateDataset(datasetName: string): Promise<Dataset> {
    checkDatasetName(datasetName);
    const env = this.#environment();
    const identityId = await env.localIdentity();
    await env.store.locked(async () => {
      if (!(await env.store.dataset(identityId, datasetName))) await env.store.saveDataset(identityId, emptyDataset(datasetName, env.now()));
    });
    return new Dataset(datasetName, env);
  }

  /**
   * The datasets this device has for the current identity (no network). Call
   * {@link refreshDatasetMetadata} first to learn of datasets other devices created.
   *
   * @example
   * ```ts
   * const names = (await sync.listDatasets()).map((d) => d.datasetName);
   * ```
   */
  async listDatasets(): Promise<DatasetMetadata[]> {
    const env = this.#environment();
    const identityId = await env.localIdentity();
    const out: DatasetMetadata[] = [];
    for (const name of await env.store.datasetNames(identityId)) {
      const dataset = await env.store.dataset(identityId, name);
      if (dataset && dataset.lastSyncCount !== -1) out.push(metadataOf(dataset));
    }
    return out;
  }

  /**
   * Asks the server for the identity's datasets (ListDatasets) and records their metadata here:
   * datasets other devices created appear in {@link listDatasets} (open and synchronize them to
   * get their records).
   *
   * @example
   * ```ts
   * for (const d of await sync.refreshDatasetMetadata()) await (await sync.openOrCreateDataset(d.datasetName)).synchronize();
   * ```
   * @throws MobileClientError `network` offline, or the service's error.
   */
  async refreshDatasetMetadata(): Promise<DatasetMetadata[]> {
    const env = this.#environment();
    const { identityId, remote } = await env.remoteIdentity();
    const datasets = await remote.listDatasets(identityId);
    return env.store.locked(async () => {
      const out: DatasetMetadata[] = [];
      for (const d of datasets) {
        const name = d.DatasetName;
        if (typeof name !== 'string') continue;
        const local = (await env.store.dataset(identityId, name)) ?? emptyDataset(name, fromEpochSeconds(d.CreationDate) ?? env.now());
        const remoteFacts = {
          ...(d.DataStorage !== undefined ? { dataStorage: d.DataStorage } : {}),
          ...(d.NumRecords !== undefined ? { numRecords: d.NumRecords } : {}),
          ...(fromEpochSeconds(d.CreationDate) !== undefined ? { creationDate: fromEpochSeconds(d.CreationDate)! } : {}),
          ...(fromEpochSeconds(d.LastModifiedDate) !== undefined ? { lastModifiedDate: fromEpochSeconds(d.LastModifiedDate)! } : {}),
          ...(d.LastModifiedBy !== undefined ? { lastModifiedBy: d.LastModifiedBy } : {}),
        };
        local.remote = remoteFacts;
        await env.store.saveDataset(identityId, local);
        if (local.lastSyncCount !== -1) out.push(metadataOf(local));
      }
      return out;
    });
  }

  /**
   * Forgets every dataset cached on this device for this identity pool, every identity's, local
   * changes included (the server keeps its copy). Use it when a user leaves a shared device.
   *
   * @example
   * ```ts
   * await client.signOut();
   * await sync.wipeData();
   * ```
   */
  async wipeData(): Promise<void> {
    const env = this.#environment();
    await env.store.locked(() => env.store.wipe());
  }
}

