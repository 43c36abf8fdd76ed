/**
 * The signing keys of a user pool (or, for '', of the identity issuer) as the console lists them:
 * which key signs now, which are retired and until when they stay in the JWKS, and which have
 * left it (their tokens have all expired; the next rotation deletes them). Rotating is
 * {@link SigningKeys.rotate}, the same call as `cognate keys rotate`.
 */
import * as keyStore from '../store/signing-keys.js';
import type { Ports } from './cognate.js';

export interface SigningKeyState {
  kid: string;
  state: 'active' | 'retired' | 'unpublished';
  createdAt: number;
  retiredAt?: number;
  /** when a retired key leaves the JWKS */
  unpublishAt?: number;
}

/** The pool's keys, newest first. */
export async function signingKeyList(cognate: Ports<'clock' | 'store'>, poolId: string): Promise<SigningKeyState[]> {
  const now = cognate.clock.now();
  return (await keyStore.signingKeysOfPool(cognate.store.db, poolId)).map((r) => ({
    kid: r.kid,
    state: r.retired_at === null ? 'active' : r.unpublish_at !== null && Number(r.unpublish_at) <= now ? 'unpublished' : 'retired',
    createdAt: Number(r.created_at),
    ...(r.retired_at !== null ? { retiredAt: Number(r.retired_at) } : {}),
    ...(r.unpublish_at !== null ? { unpublishAt: Number(r.unpublish_at) } : {}),
  }));
}
