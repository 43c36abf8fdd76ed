/**
 * Identities of identity pools and the logins linked to them (tables `identities` and
 * `identity_logins`). A login (provider, subject) belongs to at most one identity per identity
 * pool: the key is (pool_id, provider, subject_key), where subject_key is the SHA-256 of the
 * subject (subjects can be long). Deleting an identity deletes its logins (ON DELETE CASCADE),
 * and deleting an identity pool deletes both (migration 0006_identity_pools).
 */
import { createHash } from 'node:crypto';
import type { Executor } from './db.js';
import { fixedStatement } from './compiled.js';

export interface Identity {
  id: string;
  poolId: string;
  authenticated: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface IdentityLogin {
  provider: string;
  subject: string;
}

/** The stored key of a subject. */
export const subjectKey = (subject: string) => createHash('sha256').update(subject, 'utf8').digest('hex');

function rowToIdentity(row: { id: string; pool_id: string; authenticated: number; created_at: number; updated_at: number }): Identity {
  return { id: row.id, poolId: row.pool_id, authenticated: row.authenticated === 1, createdAt: row.created_at, updatedAt: row.updated_at };
}

// ---- identities ----

const identityStatement = fixedStatement(1, (db, id: string) => db.selectFrom('identities').selectAll().where('id', '=', id));

export async function findIdentity(db: Executor, id: string): Promise<Identity | undefined> {
  const row = (await identityStatement(db, id)).rows[0];
  return row ? rowToIdentity(row) : undefined;
}

export async function insertIdentity(db: Executor, identity: { id: string; poolId: string; authenticated: boolean }, now: number): Promise<void> {
  await db
    .insertInto('identities')
    .values({ id: identity.id, pool_id: identity.poolId, authenticated: identity.authenticated ? 1 : 0, created_at: now, updated_at: now })
    .execute();
}

/** Marks an identity signed in (a login was linked to it). */
export async function markAuthenticated(db: Executor, id: string, now: number): Promise<void> {
  await db.updateTable('identities').set({ authenticated: 1, updated_at: now }).where('id', '=', id).execute();
}

export async function touchIdentity(db: Executor, id: string, now: number): Promise<void> {
  await db.updateTable('identities').set({ updated_at: now }).where('id', '=', id).execute();
}

/** Deletes identities; their logins go with them (ON DELETE CASCADE). */
export async function deleteIdentities(db: Executor, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.deleteFrom('identities').where('id', 'in', ids).execute();
}

/** Deletes one identity of a pool (none when it belongs to another pool); its logins go with it. */
export async function deleteIdentityOfPool(db: Executor, poolId: string, id: string): Promise<void> {
  await db.deleteFrom('identities').where('id', '=', id).where('pool_id', '=', poolId).execute();
}

/** A page of a pool's identities in ID order, after `after`; one more than `limit` when there is a next page. */
export async function listIdentities(db: Executor, poolId: string, limit: number, after?: string): Promise<Identity[]> {
  let q = db.selectFrom('identities').selectAll().where('pool_id', '=', poolId).orderBy('id').limit(limit);
  if (after) q = q.where('id', '>', after);
  return (await q.execute()).map(rowToIdentity);
}

// ---- logins ----

/** The logins of an identity, oldest first. */
export async function loginsOf(db: Executor, identityId: string): Promise<IdentityLogin[]> {
  return db.selectFrom('identity_logins').select(['provider', 'subject']).where('identity_id', '=', identityId).orderBy('created_at').orderBy('provider').execute();
}

/** The logins of several identities, oldest first, by identity ID. */
export async function loginsOfMany(db: Executor, identityIds: readonly string[]): Promise<Map<string, IdentityLogin[]>> {
  const out = new Map<string, IdentityLogin[]>(identityIds.map((id) => [id, []]));
  if (identityIds.length === 0) return out;
  const rows = await db.selectFrom('identity_logins').select(['identity_id', 'provider', 'subject']).where('identity_id', 'in', identityIds).orderBy('created_at').execute();
  for (const { identity_id, provider, subject } of rows) out.get(identity_id)?.push({ provider, subject });
  return out;
}

/** The identity of a pool that owns a login, if any. */
const ownerStatement = fixedStatement(3, (db, poolId: string, provider: string, key: string) =>
  db.selectFrom('identity_logins').select('identity_id').where('pool_id', '=', poolId).where('provider', '=', provider).where('subject_key', '=', key));

export async function ownerOfLogin(db: Executor, poolId: string, provider: string, subject: string): Promise<string | undefined> {
  const row = (await ownerStatement(db, poolId, provider, subjectKey(subject))).rows[0];
  return row?.identity_id;
}

/**
 * Links a login to an identity unless the pool already has it linked (to this identity or
 * another): the caller reads {@link ownerOfLogin} afterwards to learn which.
 */
export async function insertLoginIfAbsent(db: Executor, poolId: string, identityId: string, login: IdentityLogin, now: number): Promise<void> {
  await db
    .insertInto('identity_logins')
    .values({ pool_id: poolId, provider: login.provider, subject_key: subjectKey(login.subject), subject: login.subject, identity_id: identityId, created_at: now })
    .onConflict((oc) => oc.columns(['pool_id', 'provider', 'subject_key']).doNothing())
    .execute();
}

/** Removes an identity's logins at a provider (one subject's, when given); returns how many went. */
export async function deleteLogins(db: Executor, identityId: string, provider: string, subject?: string): Promise<number> {
  let q = db.deleteFrom('identity_logins').where('identity_id', '=', identityId).where('provider', '=', provider);
  if (subject !== undefined) q = q.where('subject_key', '=', subjectKey(subject));
  return Number((await q.executeTakeFirst()).numDeletedRows);
}

/** Moves every login of `source` in the pool to `destination`. */
export async function moveLogins(db: Executor, poolId: string, source: string, destination: string): Promise<void> {
  await db.updateTable('identity_logins').set({ identity_id: destination }).where('pool_id', '=', poolId).where('identity_id', '=', source).execute();
}

/**
 * The subjects an identity has at one provider, in subject-key order after `afterKey`; with the
 * key of the last one when there are more.
 */
export async function subjectsAt(db: Executor, identityId: string, provider: string, limit: number, afterKey?: string): Promise<{ subjects: string[]; next?: string }> {
  let q = db.selectFrom('identity_logins').select(['subject', 'subject_key']).where('identity_id', '=', identityId).where('provider', '=', provider).orderBy('subject_key').limit(limit + 1);
  if (afterKey) q = q.where('subject_key', '>', afterKey);
  const rows = await q.execute();
  const page = rows.slice(0, limit);
  return rows.length > limit ? { subjects: page.map((r) => r.subject), next: page[page.length - 1]!.subject_key } : { subjects: page.map((r) => r.subject) };
}
