/**
 * Per-pool RS256 signing keys. Private keys are sealed at rest under the master key; public keys
 * are published in the pool's JWKS. Verification looks keys up in memory only (security.md A13):
 * a pool's keys are loaded when the pool is first seen, and reloaded at most every few seconds.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Executor, Store } from '../store/db.js';
import * as keyStore from '../store/signing-keys.js';
import type { SigningKeyRow } from '../store/signing-keys.js';
import type { Sealer } from '../crypto/seal.js';
import { generateSigningKey, importSigningKey, toJwk, type Jwk, type SigningKey } from '../tokens/jwt.js';

interface PoolKeys {
  current: SigningKey | undefined;
  jwks: Jwk[];
  loadedAt: number;
}

const RELOAD_MS = 5000;

export class SigningKeys {
  private readonly pools = new Map<string, PoolKeys>();
  private readonly publicKeys = new Map<string, { poolId: string; key: KeyObject }>();
  private readonly loading = new Map<string, Promise<PoolKeys>>();

  constructor(private readonly store: Store, private readonly sealer: Sealer) {}

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
        const rows = await keyStore.signingKeysOfPool(this.store.db, poolId);
        const newest = rows.find((r) => r.retired_at === null);
        let current: SigningKey | undefined;
        if (newest) {
          const pem = this.sealer.openString(newest.private_key_sealed, `private-key:${newest.kid}`);
          if (!pem) throw new Error(`signing key ${newest.kid} can't be opened with this master key`);
          current = importSigningKey(newest.kid, pem.toString('utf8'));
        }
        const jwks = rows.map((r) => JSON.parse(r.public_jwk) as Jwk);
        for (const jwk of jwks) {
          if (!this.publicKeys.has(jwk.kid)) this.publicKeys.set(jwk.kid, { poolId, key: createPublicKey({ key: jwk, format: 'jwk' }) });
        }
        const entry: PoolKeys = { current, jwks, loadedAt: now };
        this.pools.set(poolId, entry);
        return entry;
      })().finally(() => this.loading.delete(poolId));
      this.loading.set(poolId, pending);
    }
    return pending;
  }

  /** The key that signs the pool's new tokens. */
  async signingKey(poolId: string, now: number): Promise<SigningKey> {
    const keys = await this.load(poolId, now);
    if (!keys.current) throw new Error(`user pool ${poolId} has no signing key`);
    return keys.current;
  }

  /** The pool's JWKS document. */
  async jwks(poolId: string, now: number): Promise<{ keys: Jwk[] }> {
    return { keys: (await this.load(poolId, now)).jwks };
  }

  /** Makes sure a pool's public keys are in memory before verifying one of its tokens. */
  async prepare(poolId: string, now: number): Promise<void> {
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
