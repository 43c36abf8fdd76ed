/**
 * Per-pool RS256 signing keys. Private keys are sealed at rest under the master key; public keys
 * are published in the pool's JWKS. Verification looks keys up in memory only (security.md A13):
 * a pool's keys are loaded when the pool is first seen, and reloaded at most every few seconds.
 *
 * Rotation (`cognate keys rotate`, or `--signing-key-rotation-days`): a new key signs from then on;
 * the old one is retired but stays in the JWKS, and keeps verifying, until every token it signed
 * has expired — the longest access or ID token validity of the pool's clients at the moment of
 * rotation (at least an hour; 24 hours for the identity-token key), plus a margin for nodes still
 * signing with it until they reload and for clocks — then it leaves the JWKS and the database. The
 * database decides which key is active (the newest unretired one), so every node agrees within a
 * reload; two nodes rotating at once can't both win (store/signing-keys.ts retireActiveKeys).
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { BoundedMap } from './cache.js';
import type { Executor, Store } from '../store/db.js';
import * as keyStore from '../store/signing-keys.js';
import type { SigningKeyRow } from '../store/signing-keys.js';
import type { Sealer } from '../crypto/seal.js';
import { clientSettingsOfPool } from '../store/app-clients.js';
import { tokenLifetimes, type AppClientSettings } from './app-clients.js';
import { generateSigningKey, importSigningKey, toJwk, type Jwk, type SigningKey } from '../tokens/jwt.js';

interface PoolKeys {
  current: SigningKey | undefined;
  jwks: Jwk[];
  loadedAt: number;
}

export const RELOAD_MS = 5000;
/** At most one read per pool and second for tokens whose `kid` this node doesn't know ({@link SigningKeys.prepare}). */
const FORCED_RELOAD_MS = 1000;

/**
 * How long a retired key outlives the tokens it signed: other nodes may sign with it until they
 * reload (RELOAD_MS), and verifiers' clocks differ from ours.
 */
export const UNPUBLISH_MARGIN_MS = 5 * 60_000;

/** The longest an identity token (GetOpenIdTokenForDeveloperIdentity's TokenDuration) lives. */
const IDENTITY_TOKEN_MAX_SECONDS = 86_400;
/** Cognito's default access and ID token validity: the floor, for tokens of since-deleted clients. */
const DEFAULT_TOKEN_SECONDS = 3600;

export interface RotationOptions {
  /** Rotate a pool's key once it is this old (checked when the pool's keys are loaded); 0: never. */
  rotateAfterMs?: number;
  /** Told about a scheduled rotation that failed (it is tried again at the next load). */
  onError?: (error: unknown, poolId: string) => void;
}

export interface Rotation {
  kid: string;
  /** The keys retired by this rotation, each published until `unpublishAt`. */
  retired: string[];
  unpublishAt: number;
  /** Retired keys of earlier rotations whose tokens had all expired, deleted now. */
  removed: string[];
}

export class SigningKeys {
  private readonly pools = new Map<string, PoolKeys>();
  private readonly publicKeys = new Map<string, { poolId: string; key: KeyObject }>();
  private readonly loading = new Map<string, Promise<PoolKeys>>();
  private readonly rotating = new Map<string, Promise<Rotation | undefined>>();
  /** Token header segments whose `kid` was found ({@link prepare}); a hint only: keyFor decides. */
  private readonly knownHeaders = new BoundedMap<string, true>(10_000);
  /** When each pool's keys were last read again for an unknown `kid` (monotonic ms). */
  private readonly forcedReloads = new BoundedMap<string, number>(10_000);
  /** When each pool's JWKS was last read afresh (monotonic ms). */
  private readonly jwksReloads = new BoundedMap<string, number>(10_000);

  constructor(private readonly store: Store, private readonly sealer: Sealer, private readonly options: RotationOptions = {}) {}

  /** Creates a pool's first (or next) signing key. */
  async create(poolId: string, now: number): Promise<void> {
    await this.add(this.store.db, await this.generate(poolId, now));
  }

  /**
   * A new key for a pool, its private half sealed, not stored yet: generating an RSA key takes a
   * while, so callers that store it in a transaction generate it before they open one.
   */
  async generate(poolId: string, now: number): Promise<SigningKeyRow> {
    const key = await generateSigningKey();
    return {
      kid: key.kid,
      pool_id: poolId,
      private_key_sealed: this.sealer.sealToString(key.privateKeyPem, `private-key:${key.kid}`),
      public_jwk: JSON.stringify(toJwk(key)),
      created_at: now,
      retired_at: null,
      unpublish_at: null,
    };
  }

  /** Stores a key from {@link generate} on `db` (a transaction, or the database). */
  async add(db: Executor, row: SigningKeyRow): Promise<void> {
    await keyStore.insertSigningKey(db, row);
    this.pools.delete(row.pool_id);
  }

  private async load(poolId: string, now: number): Promise<PoolKeys> {
    const cached = this.pools.get(poolId);
    if (cached && now - cached.loadedAt < RELOAD_MS) return cached;
    let pending = this.loading.get(poolId);
    if (!pending) {
      pending = (async () => {
        const rows = (await keyStore.signingKeysOfPool(this.store.db, poolId)).filter((r) => r.unpublish_at === null || Number(r.unpublish_at) > now);
        const newest = rows.find((r) => r.retired_at === null);
        let current: SigningKey | undefined;
        if (newest) {
          const pem = this.sealer.openString(newest.private_key_sealed, `private-key:${newest.kid}`);
          if (!pem) throw new Error(`signing key ${newest.kid} can't be opened with this master key`);
          current = importSigningKey(newest.kid, pem.toString('utf8'));
        }
        const jwks = rows.map((r) => JSON.parse(r.public_jwk) as Jwk);
        // A key that left the JWKS verifies nothing any more, here either.
        const published = new Set(jwks.map((j) => j.kid));
        for (const [kid, entry] of this.publicKeys) if (entry.poolId === poolId && !published.has(kid)) this.publicKeys.delete(kid);
        for (const jwk of jwks) {
          if (!this.publicKeys.has(jwk.kid)) this.publicKeys.set(jwk.kid, { poolId, key: createPublicKey({ key: jwk, format: 'jwk' }) });
        }
        const entry: PoolKeys = { current, jwks, loadedAt: now };
        this.pools.set(poolId, entry);
        const every = this.options.rotateAfterMs ?? 0;
        if (newest && every > 0 && now - Number(newest.created_at) >= every && !this.rotating.has(poolId)) {
          this.rotate(poolId, now, newest.kid).catch((e: unknown) => this.options.onError?.(e, poolId));
        }
        return entry;
      })().finally(() => this.loading.delete(poolId));
      this.loading.set(poolId, pending);
    }
    return pending;
  }

  /** How long the tokens signed for a pool may live, in ms: what a retired key must outlast. */
  private async longestTokenMs(poolId: string): Promise<number> {
    if (poolId === '') return IDENTITY_TOKEN_MAX_SECONDS * 1000;
    let longest = DEFAULT_TOKEN_SECONDS;
    for (const settings of await clientSettingsOfPool(this.store.db, poolId)) {
      const lifetimes = tokenLifetimes(JSON.parse(settings) as AppClientSettings);
      longest = Math.max(longest, lifetimes.access, lifetimes.id);
    }
    return longest * 1000;
  }

  /**
   * Rotates a pool's signing key ('' for the identity-token key): a new key signs from now on, the
   * active one is retired (published until its tokens have expired), and retired keys whose tokens
   * have all expired are deleted. With `expectedKid`, only if that key is still the active one
   * (a scheduled rotation another node did first answers undefined); without it, whatever is
   * active now is retired. A pool without a key gets its first.
   */
  async rotate(poolId: string, now: number, expectedKid?: string): Promise<Rotation | undefined> {
    const running = this.rotating.get(poolId);
    if (running) return running;
    const work = (async (): Promise<Rotation | undefined> => {
      const row = await this.generate(poolId, now);
      const unpublishAt = now + (await this.longestTokenMs(poolId)) + UNPUBLISH_MARGIN_MS;
      for (let attempt = 0; attempt < 5; attempt++) {
        const active = (await keyStore.signingKeysOfPool(this.store.db, poolId)).filter((r) => r.retired_at === null);
        const expected = expectedKid ?? active[0]?.kid;
        if (expectedKid !== undefined && !active.some((r) => r.kid === expectedKid)) return undefined;
        const result = await this.store.transaction(async (trx) => {
          if (expected !== undefined && !(await keyStore.retireActiveKeys(trx, poolId, expected, row.kid, now, unpublishAt))) return undefined;
          await keyStore.insertSigningKey(trx, row);
          const removed = await keyStore.deleteUnpublishedKeys(trx, poolId, now);
          return { kid: row.kid, retired: active.map((r) => r.kid), unpublishAt, removed };
        });
        if (result) return result;
        if (expectedKid !== undefined) return undefined;
      }
      throw new Error(`signing key of ${poolId || 'the identity issuer'} was rotated concurrently too often; try again`);
    })().finally(() => {
      this.rotating.delete(poolId);
      this.pools.delete(poolId);
    });
    this.rotating.set(poolId, work);
    return work;
  }

  /** The key that signs the pool's new tokens. */
  async signingKey(poolId: string, now: number): Promise<SigningKey> {
    const keys = await this.load(poolId, now);
    if (!keys.current) throw new Error(`user pool ${poolId} has no signing key`);
    return keys.current;
  }

  /**
   * The pool's JWKS document, read afresh at most once a second per pool: a key another worker or
   * node has just made (a rotation) is published here within a second, not at the next reload.
   */
  async jwks(poolId: string, now: number): Promise<{ keys: Jwk[] }> {
    const at = performance.now();
    const last = this.jwksReloads.get(poolId);
    if (last === undefined || at - last >= FORCED_RELOAD_MS) {
      this.jwksReloads.set(poolId, at);
      this.pools.delete(poolId);
    }
    return { keys: (await this.load(poolId, now)).jwks };
  }

  /**
   * Makes sure a pool's public keys are in memory before verifying one of its tokens. Given the
   * token, and its `kid` is not among them, the keys are read again at once (at most once a second
   * per pool: the `kid` is the caller's to choose): another worker or node rotated the key, and a
   * token it signed must verify here too without waiting for the reload.
   */
  async prepare(poolId: string, now: number, token?: string): Promise<void> {
    await this.load(poolId, now);
    if (token === undefined) return;
    // The header segment is the same for every token of a key: known ones skip the parse.
    const header = token.slice(0, Math.max(0, token.indexOf('.')));
    if (this.knownHeaders.has(header)) return;
    let kid: unknown;
    try {
      kid = (JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { kid?: unknown }).kid;
    } catch {
      return;
    }
    if (typeof kid !== 'string') return;
    if (!this.keyFor(poolId, kid)) {
      await this.reloadForUnknownKid(poolId, now);
      if (!this.keyFor(poolId, kid)) return;
    }
    this.knownHeaders.set(header, true);
  }

  /**
   * Reads a pool's keys again for a token whose `kid` isn't loaded, unless that was done less than
   * a second ago (made-up kids cost the database at most one read a second per pool).
   */
  private async reloadForUnknownKid(poolId: string, now: number): Promise<void> {
    const at = performance.now();
    const last = this.forcedReloads.get(poolId);
    if (last !== undefined && at - last < FORCED_RELOAD_MS) return;
    this.forcedReloads.set(poolId, at);
    this.pools.delete(poolId);
    await this.load(poolId, now);
  }

  /** In-memory lookup of a public key; only keys of `poolId` count. */
  keyFor(poolId: string, kid: string): KeyObject | undefined {
    const entry = this.publicKeys.get(kid);
    return entry && entry.poolId === poolId ? entry.key : undefined;
  }

  forget(poolId: string): void {
    this.pools.delete(poolId);
    for (const [kid, entry] of this.publicKeys) if (entry.poolId === poolId) this.publicKeys.delete(kid);
  }
}
