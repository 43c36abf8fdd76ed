/**
 * A user pool's external identity providers and their IdpIdentifiers (domain/federation/providers.ts).
 * Rows go with their pool (foreign keys cascade); identifiers go with their provider.
 */
import { isUniqueViolation } from './constraints.js';
import type { Executor } from './db.js';
import type { IdentityProvidersTable } from './schema.js';

export type IdentityProviderRow = IdentityProvidersTable;

/** A provider with its identifiers in their order. */
export interface StoredProvider {
  row: IdentityProviderRow;
  identifiers: string[];
}

async function identifiersOf(db: Executor, poolId: string, names: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(names.map((n) => [n, []]));
  if (names.length === 0) return out;
  const rows = await db.selectFrom('identity_provider_identifiers').select(['provider_name', 'identifier']).where('pool_id', '=', poolId).where('provider_name', 'in', names).orderBy('provider_name').orderBy('position').execute();
  for (const r of rows) out.get(r.provider_name)?.push(r.identifier);
  return out;
}

async function withIdentifiers(db: Executor, poolId: string, rows: IdentityProviderRow[]): Promise<StoredProvider[]> {
  const ids = await identifiersOf(db, poolId, rows.map((r) => r.name));
  return rows.map((row) => ({ row, identifiers: ids.get(row.name) ?? [] }));
}

/** The identifiers among `identifiers` another provider of the pool than `except` holds. */
export async function identifiersTaken(db: Executor, poolId: string, identifiers: readonly string[], except?: string): Promise<string[]> {
  if (identifiers.length === 0) return [];
  let q = db.selectFrom('identity_provider_identifiers').select('identifier').where('pool_id', '=', poolId).where('identifier', 'in', identifiers);
  if (except !== undefined) q = q.where('provider_name', '<>', except);
  return (await q.execute()).map((r) => r.identifier);
}

async function insertIdentifiers(db: Executor, poolId: string, name: string, identifiers: readonly string[]): Promise<void> {
  if (identifiers.length === 0) return;
  await db.insertInto('identity_provider_identifiers').values(identifiers.map((identifier, position) => ({ pool_id: poolId, identifier, provider_name: name, position }))).execute();
}

/**
 * Stores a new provider with its identifiers (run it in a transaction). 'duplicate' when the pool
 * has a provider of this name; 'identifier-taken' when another provider holds one of the identifiers.
 */
export async function insert(db: Executor, row: IdentityProviderRow, identifiers: readonly string[]): Promise<'created' | 'duplicate' | 'identifier-taken'> {
  if (await find(db, row.pool_id, row.name)) return 'duplicate';
  if ((await identifiersTaken(db, row.pool_id, identifiers)).length > 0) return 'identifier-taken';
  try {
    await db.insertInto('identity_providers').values(row).execute();
  } catch (e) {
    if (isUniqueViolation(e)) return 'duplicate';
    throw e;
  }
  try {
    await insertIdentifiers(db, row.pool_id, row.name, identifiers);
  } catch (e) {
    if (isUniqueViolation(e)) return 'identifier-taken';
    throw e;
  }
  return 'created';
}

export async function find(db: Executor, poolId: string, name: string): Promise<StoredProvider | undefined> {
  const row = await db.selectFrom('identity_providers').selectAll().where('pool_id', '=', poolId).where('name', '=', name).executeTakeFirst();
  if (!row) return undefined;
  return (await withIdentifiers(db, poolId, [row]))[0];
}

/** The provider an IdpIdentifier names. */
export async function findByIdentifier(db: Executor, poolId: string, identifier: string): Promise<StoredProvider | undefined> {
  const hit = await db.selectFrom('identity_provider_identifiers').select('provider_name').where('pool_id', '=', poolId).where('identifier', '=', identifier).executeTakeFirst();
  return hit ? find(db, poolId, hit.provider_name) : undefined;
}

/** The pool's providers by name, `limit` of them after `after` (all when no limit). */
export async function list(db: Executor, poolId: string, limit?: number, after?: string): Promise<StoredProvider[]> {
  let q = db.selectFrom('identity_providers').selectAll().where('pool_id', '=', poolId).orderBy('name');
  if (after !== undefined) q = q.where('name', '>', after);
  if (limit !== undefined) q = q.limit(limit);
  return withIdentifiers(db, poolId, await q.execute());
}

/** Which of `names` are providers of the pool. */
export async function existingNames(db: Executor, poolId: string, names: readonly string[]): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  const rows = await db.selectFrom('identity_providers').select('name').where('pool_id', '=', poolId).where('name', 'in', names).execute();
  return new Set(rows.map((r) => r.name));
}

/** Rewrites a provider's settings (and its identifiers when given); run it in a transaction. False when it is gone, 'identifier-taken' as for insert. */
export async function update(
  db: Executor,
  poolId: string,
  name: string,
  set: Pick<IdentityProviderRow, 'details' | 'secrets_sealed' | 'attribute_mapping' | 'updated_at'>,
  identifiers: readonly string[] | undefined,
): Promise<'updated' | 'missing' | 'identifier-taken'> {
  const r = await db.updateTable('identity_providers').set(set).where('pool_id', '=', poolId).where('name', '=', name).executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) return 'missing';
  if (identifiers === undefined) return 'updated';
  if ((await identifiersTaken(db, poolId, identifiers, name)).length > 0) return 'identifier-taken';
  await db.deleteFrom('identity_provider_identifiers').where('pool_id', '=', poolId).where('provider_name', '=', name).execute();
  try {
    await insertIdentifiers(db, poolId, name, identifiers);
  } catch (e) {
    if (isUniqueViolation(e)) return 'identifier-taken';
    throw e;
  }
  return 'updated';
}

/** Deletes a provider, its identifiers, its links and its pending requests; false when there was none. */
export async function remove(db: Executor, poolId: string, name: string): Promise<boolean> {
  await db.deleteFrom('identity_provider_identifiers').where('pool_id', '=', poolId).where('provider_name', '=', name).execute();
  await db.deleteFrom('provider_links').where('pool_id', '=', poolId).where('provider_name', '=', name).execute();
  await db.deleteFrom('federation_requests').where('pool_id', '=', poolId).where('provider_name', '=', name).execute();
  const r = await db.deleteFrom('identity_providers').where('pool_id', '=', poolId).where('name', '=', name).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
