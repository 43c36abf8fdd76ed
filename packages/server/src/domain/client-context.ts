/**
 * The app client and its pool for an unsigned call that names only a ClientId (SignUp, InitiateAuth,
 * ForgotPassword, RevokeToken ...). Its own module so sign-up, self-service and sign-in all import
 * it without importing each other.
 */
import { errors } from '../errors.js';
import type { Ports } from './cognate.js';
import type { AppClient } from './app-clients.js';
import type { UserPool } from './user-pools.js';

/** The app client and its pool for an unsigned call naming a ClientId. */
export async function clientAndPool(cognate: Ports<'clients' | 'pools'>, clientId: string): Promise<{ client: AppClient; pool: UserPool }> {
  const client = await cognate.clients.find(undefined, clientId);
  if (!client) throw errors.resourceNotFound(`User pool client ${clientId} does not exist.`);
  const pool = await cognate.pools.get(client.poolId);
  return { client, pool };
}
