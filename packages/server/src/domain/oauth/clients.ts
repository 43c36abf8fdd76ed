/**
 * Which pool and app client an OAuth request is for. Every `/oauth2/*` endpoint and hosted-UI page
 * answers in two places (issue 12, "Routing"):
 * - on a pool's domain, found by `Host` (a prefix domain `<prefix>.auth.<region>.<base>` or a custom
 *   domain): the `client_id` must then be one of that pool's clients;
 * - on the server's own URL (a local set-up, tests): the pool is the one the `client_id` belongs to.
 * A client that doesn't exist, or belongs to another pool than the domain's, is simply not found:
 * the caller answers as the endpoint's spec says for an unknown client.
 */
import type { Ports } from '../cognate.js';
import type { AppClient } from '../app-clients.js';
import type { UserPool } from '../user-pools.js';
import { isIP } from 'node:net';
import { findDomainByHost, type UserPoolDomain } from '../user-pool-domains.js';
import { servingRole } from '../replicas/serving-region.js';

export interface OAuthParty {
  pool: UserPool;
  client: AppClient;
  /** true when the request came in on one of the pool's domains (not the server's own URL) */
  onDomain: boolean;
  /** that domain (its ManagedLoginVersion decides the pages' look) */
  domain?: UserPoolDomain;
  /** true when this node serves the pool as its (ACTIVE) secondary replica: no account pages (docs/replicas.md) */
  secondary?: boolean;
}

const CLIENT_ID = /^[\w+]+$/;

/** The name part of a Host header: `[::1]:9229` → `::1`, `127.0.0.1:9229` → `127.0.0.1`. */
const hostName = (host: string) => (host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, ''));

/** The pool and client of `clientId` as seen from `host` (the request's Host header), or undefined. */
export async function resolveOAuthClient(cognate: Ports<'clients' | 'config' | 'pools' | 'store'>, clientId: unknown, host: string | undefined): Promise<OAuthParty | undefined> {
  if (typeof clientId !== 'string' || clientId.length === 0 || clientId.length > 128 || !CLIENT_ID.test(clientId)) return undefined;
  // An IP address is never a pool's domain: the server's own URL needs no lookup (the token endpoint's hot path).
  const domain = host && !isIP(hostName(host)) ? await findDomainByHost(cognate, host) : undefined;
  const domainPoolId = domain?.poolId;
  const client = await cognate.clients.find(domainPoolId, clientId);
  if (!client || (domainPoolId !== undefined && client.poolId !== domainPoolId)) return undefined;
  const pool = await cognate.pools.find(client.poolId);
  if (!pool) return undefined;
  // OAuth endpoints and pages are unsigned: served as this node's region (docs/replicas.md).
  const role = await servingRole(cognate, pool.id, cognate.config.region);
  if (role === 'absent') return undefined;
  return { pool, client, onDomain: domain !== undefined, ...(domain ? { domain } : {}), ...(role === 'secondary' ? { secondary: true } : {}) };
}
