/**
 * The outbound request toward an external provider: made when the hosted UI sends a browser to
 * the provider, taken (once) when the provider's answer comes back to /oauth2/idpresponse or
 * /saml2/idpresponse. It carries the app's OAuth request (re-parsed on return), and the OIDC nonce
 * and PKCE verifier toward the provider. Its id is the `state` (or SAML RelayState, and `_` + id
 * the AuthnRequest ID); only its SHA-256 is stored, so a database read names no usable request.
 * Single use, 10 minutes.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as requestStore from '../../store/federation-requests.js';
import type { Ports } from '../cognate.js';
import type { UserPool } from '../user-pools.js';
import type { IdentityProvider } from './providers.js';

export interface FederationRequest {
  /** 32 random bytes base64url: the OAuth `state` toward the provider, or SAML RelayState / AuthnRequest ID ('_' + id) */
  id: string;
  poolId: string;
  clientId: string;
  providerName: string;
  /** AuthorizeRequest.query of the app's request, re-parsed on return */
  returnQuery: string;
  /** OIDC nonce toward the provider */
  nonce: string;
  /** PKCE verifier toward the provider */
  codeVerifier: string;
  created: number;
}

/** How long a browser has at the provider. */
export const FEDERATION_REQUEST_SECONDS = 600;

const ID = /^[A-Za-z0-9_-]{43,128}$/;
const idHash = (id: string) => createHash('sha256').update(id).digest('hex');

export async function beginFederation(cognate: Ports<'clock' | 'store'>, input: { pool: UserPool; clientId: string; provider: IdentityProvider; returnQuery: string }): Promise<FederationRequest> {
  const now = cognate.clock.now();
  const request: FederationRequest = {
    id: randomBytes(32).toString('base64url'),
    poolId: input.pool.id,
    clientId: input.clientId,
    providerName: input.provider.name,
    returnQuery: input.returnQuery,
    nonce: randomBytes(32).toString('base64url'),
    // RFC 7636 §4.1: 43–128 unreserved characters; 32 random bytes base64url are 43.
    codeVerifier: randomBytes(32).toString('base64url'),
    created: now,
  };
  await requestStore.insert(cognate.store.db, {
    id_hash: idHash(request.id),
    pool_id: request.poolId,
    client_id: request.clientId,
    provider_name: request.providerName,
    return_query: request.returnQuery,
    nonce: request.nonce,
    code_verifier: request.codeVerifier,
    created_at: now,
    expires_at: now + FEDERATION_REQUEST_SECONDS * 1000,
  });
  // Expired rows go now and then, on the write path, so no sweeper is needed.
  if (request.id.startsWith('A')) await requestStore.pruneExpired(cognate.store.db, now);
  return request;
}

/** Takes the pool's request with this id: deletes it; undefined if unknown, spent or expired. */
export async function takeFederationRequest(cognate: Ports<'clock' | 'store'>, pool: UserPool, id: string): Promise<FederationRequest | undefined> {
  if (!ID.test(id)) return undefined;
  const row = await cognate.store.transaction((trx) => requestStore.take(trx, pool.id, idHash(id), cognate.clock.now()));
  if (!row) return undefined;
  return {
    id,
    poolId: row.pool_id,
    clientId: row.client_id,
    providerName: row.provider_name,
    returnQuery: row.return_query,
    nonce: row.nonce,
    codeVerifier: row.code_verifier,
    created: Number(row.created_at),
  };
}
