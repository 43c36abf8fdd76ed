/**
 * Resource servers and their custom scopes: CreateResourceServer, DescribeResourceServer,
 * UpdateResourceServer, DeleteResourceServer, ListResourceServers. A resource server's scopes
 * appear in access tokens as `<identifier>/<scope name>` (scopes.ts).
 *
 * The API model already holds the identifier, name and scope names to their patterns and lengths
 * and a server to 100 scopes; the rules here are the ones it can't express: an identifier is unique
 * in its pool, a scope name once per server, and a pool holds at most 25 resource servers (Cognito's
 * quota "Resource servers per user pool").
 */
import { errors } from '../../errors.js';
import * as serverStore from '../../store/resource-servers.js';
import type { ResourceServerRow } from '../../store/resource-servers.js';
import type { Ports } from '../cognate.js';

export interface ResourceServerScope {
  ScopeName: string;
  ScopeDescription: string;
}

export interface ResourceServer {
  poolId: string;
  identifier: string;
  name: string;
  scopes: ResourceServerScope[];
}

export interface ResourceServerInput {
  UserPoolId: string;
  Identifier: string;
  Name: string;
  Scopes?: ResourceServerScope[];
}

/** Cognito's default quota of resource servers per user pool. */
export const MAX_RESOURCE_SERVERS_PER_POOL = 25;

const rowToServer = (r: ResourceServerRow): ResourceServer => ({
  poolId: r.pool_id,
  identifier: r.identifier,
  name: r.name,
  scopes: JSON.parse(r.scopes) as ResourceServerScope[],
});

const notFound = (identifier: string) => errors.resourceNotFound(`Resource server ${identifier} does not exist.`);

/** The scopes as given, each name once (only the two members Cognito keeps). */
function checkScopes(scopes: readonly ResourceServerScope[] | undefined): ResourceServerScope[] {
  const seen = new Set<string>();
  const out: ResourceServerScope[] = [];
  for (const s of scopes ?? []) {
    if (seen.has(s.ScopeName)) throw errors.invalidParameter(`Duplicate scope name ${s.ScopeName} in the resource server's scopes.`);
    seen.add(s.ScopeName);
    out.push({ ScopeName: s.ScopeName, ScopeDescription: s.ScopeDescription });
  }
  return out;
}

export async function createResourceServer(cognate: Ports<'clock' | 'pools' | 'store'>, input: ResourceServerInput): Promise<ResourceServer> {
  const scopes = checkScopes(input.Scopes);
  const pool = await cognate.pools.get(input.UserPoolId);
  const db = cognate.store.db;
  if ((await serverStore.countResourceServers(db, pool.id)) >= MAX_RESOURCE_SERVERS_PER_POOL) {
    throw errors.limitExceeded(`The user pool ${pool.id} already has the maximum of ${MAX_RESOURCE_SERVERS_PER_POOL} resource servers.`);
  }
  const now = cognate.clock.now();
  const row: ResourceServerRow = { pool_id: pool.id, identifier: input.Identifier, name: input.Name, scopes: JSON.stringify(scopes), created_at: now, updated_at: now };
  const outcome = await serverStore.insertResourceServer(db, row);
  if (outcome === 'no-pool') throw errors.resourceNotFound(`User pool ${pool.id} does not exist.`);
  if (outcome === 'taken') throw errors.invalidParameter(`A resource server with identifier ${input.Identifier} already exists in this user pool.`);
  return rowToServer(row);
}

export async function describeResourceServer(cognate: Ports<'pools' | 'store'>, input: { UserPoolId: string; Identifier: string }): Promise<ResourceServer> {
  const pool = await cognate.pools.get(input.UserPoolId);
  const row = await serverStore.findResourceServerRow(cognate.store.db, pool.id, input.Identifier);
  if (!row) throw notFound(input.Identifier);
  return rowToServer(row);
}

/** UpdateResourceServer replaces the name and the whole scope list (scopes not given are removed), as Cognito does. */
export async function updateResourceServer(cognate: Ports<'clock' | 'pools' | 'store'>, input: ResourceServerInput): Promise<ResourceServer> {
  const scopes = checkScopes(input.Scopes);
  const pool = await cognate.pools.get(input.UserPoolId);
  const changed = await serverStore.updateResourceServerRow(cognate.store.db, pool.id, input.Identifier, { name: input.Name, scopes: JSON.stringify(scopes), updated_at: cognate.clock.now() });
  if (!changed) throw notFound(input.Identifier);
  return { poolId: pool.id, identifier: input.Identifier, name: input.Name, scopes };
}

export async function deleteResourceServer(cognate: Ports<'pools' | 'store'>, input: { UserPoolId: string; Identifier: string }): Promise<void> {
  const pool = await cognate.pools.get(input.UserPoolId);
  if (!(await serverStore.deleteResourceServerRow(cognate.store.db, pool.id, input.Identifier))) throw notFound(input.Identifier);
}

/** One page of a pool's resource servers in identifier order; `after` is the last identifier of the previous page. */
export async function listResourceServers(cognate: Ports<'pools' | 'store'>, poolId: string, limit: number, after?: string): Promise<{ servers: ResourceServer[]; next?: string }> {
  const pool = await cognate.pools.get(poolId);
  const rows = await serverStore.listResourceServerRows(cognate.store.db, pool.id, limit, after);
  const servers = rows.slice(0, limit).map(rowToServer);
  return rows.length > limit ? { servers, next: servers[servers.length - 1]!.identifier } : { servers };
}

/** Every resource server of a pool (at most MAX_RESOURCE_SERVERS_PER_POOL). */
export async function allResourceServers(cognate: Ports<'store'>, poolId: string): Promise<ResourceServer[]> {
  const rows = await serverStore.listResourceServerRows(cognate.store.db, poolId, MAX_RESOURCE_SERVERS_PER_POOL * 4);
  return rows.map(rowToServer);
}

/** ResourceServerType on the wire. */
export function resourceServerType(s: ResourceServer) {
  return { UserPoolId: s.poolId, Identifier: s.identifier, Name: s.name, Scopes: s.scopes };
}
