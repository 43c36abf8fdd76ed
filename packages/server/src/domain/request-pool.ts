/**
 * The user pool an API request names, read one way by every check made before its action (the
 * serving-region rule, the request-rate limits) and read once per request (protocol/awsjson.ts):
 * its `UserPoolId`; else its `ClientId`'s pool (the cached app-client look-up the action makes
 * anyway); else the pool its `AccessToken`'s `iss` names, read without verifying (it only picks the
 * pool: the action verifies the token against that pool). The first of these members present
 * decides; undefined when it names no pool (an unknown client, a token naming none) or when the
 * request has none of them ({@link namesPool}).
 */
import type { Ports } from './cognate.js';
import { unverifiedPoolId } from './tokens.js';

export interface NamedPool {
  poolId: string;
  /** the member that named it */
  by: 'UserPoolId' | 'ClientId' | 'AccessToken';
}

const body = (input: unknown): Record<string, unknown> => (input !== null && typeof input === 'object' ? (input as Record<string, unknown>) : {});

/** Whether the request has one of the members that name a pool (whether or not that pool exists). */
export function namesPool(input: unknown): boolean {
  const b = body(input);
  return typeof b.UserPoolId === 'string' || typeof b.ClientId === 'string' || typeof b.AccessToken === 'string';
}

export async function poolNamedBy(cognate: Ports<'clients'>, input: unknown): Promise<NamedPool | undefined> {
  const b = body(input);
  if (typeof b.UserPoolId === 'string') return { poolId: b.UserPoolId, by: 'UserPoolId' };
  if (typeof b.ClientId === 'string') {
    const client = await cognate.clients.find(undefined, b.ClientId);
    return client ? { poolId: client.poolId, by: 'ClientId' } : undefined;
  }
  if (typeof b.AccessToken === 'string') {
    const poolId = unverifiedPoolId(b.AccessToken);
    return poolId ? { poolId, by: 'AccessToken' } : undefined;
  }
  return undefined;
}
