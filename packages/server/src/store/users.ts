/**
 * The users repository: a user's row, their attributes and their pending (not yet verified)
 * email or phone number. Sign-in aliases are in store/aliases.ts and password history in
 * store/password-history.ts; both belong to the same aggregate and cascade with the user's row.
 *
 * Every function runs its statements on the executor it is given: the database, or the
 * transaction the domain opened with `Store.transaction`. The rules (who may hold what, which
 * status a write leads to) are the domain's (domain/users.ts, domain/aliases.ts).
 */
import type { Executor } from './db.js';
import { dialectOf, fixedStatement } from './compiled.js';
import { sql } from 'kysely';
import { isUniqueViolation } from './constraints.js';
import { revokeAllForUser } from './refresh-tokens.js';
import type { Database } from './schema.js';
import type { User, UserStatus } from '../domain/users.js';

export type UserRow = Database['users'];

/** A user row, with its copy of the attributes, as the domain's User. */
export function userFromRow(row: UserRow): User {
  return {
    sub: row.id,
    poolId: row.pool_id,
    username: row.username,
    status: row.status as UserStatus,
    enabled: row.enabled === 1,
    passwordHash: row.password_hash,
    srpSalt: row.srp_salt,
    srpVerifierSealed: row.srp_verifier_sealed,
    importedPasswordHash: row.imported_password_hash ?? null,
    lockedUntil: row.locked_until === null ? null : Number(row.locked_until),
    attributes: parseAttributes(row.attributes),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The users row's copy of the attributes (schema.ts `attributes`): [name, value] pairs in name order. */
export function parseAttributes(json: string | undefined): Map<string, string> {
  return new Map(json === undefined ? [] : (JSON.parse(json) as Array<[string, string]>));
}

/** Attributes as the users row keeps them: the same text the databases' aggregate would give, up to spacing. */
export function encodeAttributes(pairs: Iterable<readonly [string, string]>): string {
  return JSON.stringify([...pairs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

// ---------------------------------------------------------------------------------------------
// Reads

const attributesStatement = fixedStatement(1, (db, sub: string) => db.selectFrom('users').select('attributes').where('id', '=', sub));

/** A user's attributes (none for an ID that names no one: the same statement either way). */
export async function readAttributes(db: Executor, sub: string): Promise<Map<string, string>> {
  const { rows } = await attributesStatement(db, sub);
  return parseAttributes(rows[0]?.attributes);
}

function toUser(row: UserRow | undefined): User | undefined {
  return row && userFromRow(row);
}

/** The user of a pool whose canonical username (domain/users.ts usernameKey) is `key`. */
const userByKeyStatement = fixedStatement(2, (db, poolId: string, key: string) =>
  db.selectFrom('users').selectAll().where('pool_id', '=', poolId).where('username_key', '=', key),
);

export async function findUserByUsernameKey(db: Executor, poolId: string, key: string): Promise<User | undefined> {
  return toUser((await userByKeyStatement(db, poolId, key)).rows[0]);
}

const userBySubStatement = fixedStatement(2, (db, poolId: string, sub: string) =>
  db.selectFrom('users').selectAll().where('pool_id', '=', poolId).where('id', '=', sub),
);

export async function findUserBySub(db: Executor, poolId: string, sub: string): Promise<User | undefined> {
  return toUser((await userBySubStatement(db, poolId, sub)).rows[0]);
}

/**
 * An access token's user and the refresh family it came from (by `origin_jti`, in whatever pool),
 * in one statement: every call with an access token reads both. Undefined when the pool has no
 * such user; `family` is undefined when no family has that ID.
 */
const userWithFamilyStatement = fixedStatement(3, (db, familyId: string, poolId: string, sub: string) =>
  db
    .selectFrom('users')
    .leftJoin('refresh_tokens as f', (join) => join.on('f.id', '=', familyId))
    .selectAll('users')
    .select(['f.id as family_id', 'f.user_id as family_user_id', 'f.revoked_at as family_revoked_at'])
    .where('users.pool_id', '=', poolId)
    .where('users.id', '=', sub),
);

export async function findUserWithFamily(
  db: Executor,
  poolId: string,
  sub: string,
  familyId: string,
): Promise<{ user: User; family: { userId: string; revokedAt: number | null } | undefined } | undefined> {
  const row = (await userWithFamilyStatement(db, familyId, poolId, sub)).rows[0];
  if (!row) return undefined;
  const { family_id: id, family_user_id: userId, family_revoked_at: revokedAt, ...user } = row;
  return { user: userFromRow(user), family: id === null ? undefined : { userId: userId!, revokedAt: revokedAt === null ? null : Number(revokedAt) } };
}

/** The holder of a sign-in alias (store/aliases.ts keys), with their attributes. */
const userByAliasStatement = fixedStatement(3, (db, poolId: string, name: string, valueKey: string) =>
  db.selectFrom('users').selectAll().where('id', '=', (eb) => eb.selectFrom('sign_in_aliases as s').select('s.user_id').where('s.pool_id', '=', poolId).where('s.name', '=', name).where('s.value_key', '=', valueKey)),
);

export async function findUserByAlias(db: Executor, poolId: string, name: string, valueKey: string): Promise<User | undefined> {
  return toUser((await userByAliasStatement(db, poolId, name, valueKey)).rows[0]);
}

/** A user's status and last change, for recomputing their aliases. */
export async function userStatus(db: Executor, sub: string): Promise<{ status: string; updated_at: number } | undefined> {
  return db.selectFrom('users').select(['status', 'updated_at']).where('id', '=', sub).executeTakeFirst();
}

/**
 * Another user of the pool whose attribute `name` is `value`; with `verified`, only one whose
 * `<name>_verified` is 'true'. `except` leaves the asking user out.
 */
export async function findAttributeHolder(db: Executor, p: { poolId: string; name: string; value: string; except?: string; verified: boolean }): Promise<string | undefined> {
  let q = db.selectFrom('user_attributes as a').select('a.user_id').where('a.pool_id', '=', p.poolId).where('a.name', '=', p.name).where('a.value', '=', p.value);
  if (p.except) q = q.where('a.user_id', '<>', p.except);
  if (p.verified) {
    const flag = `${p.name}_verified`;
    q = q.where((eb) => eb.exists(eb.selectFrom('user_attributes as v').select('v.user_id').whereRef('v.user_id', '=', 'a.user_id').where('v.name', '=', flag).where('v.value', '=', 'true')));
  }
  const row = await q.limit(1).executeTakeFirst();
  return row?.user_id;
}

/** When a FORCE_CHANGE_PASSWORD user's temporary password stops working (null: never, or not such a user). */
export async function temporaryPasswordExpiresAt(db: Executor, sub: string): Promise<number | null> {
  const row = await db.selectFrom('users').select('temporary_password_expires_at').where('id', '=', sub).executeTakeFirst();
  const at = row?.temporary_password_expires_at;
  return at === null || at === undefined ? null : Number(at);
}

// ---------------------------------------------------------------------------------------------
// Writes

export interface NewUserRow {
  sub: string;
  poolId: string;
  username: string;
  usernameKey: string;
  status: UserStatus;
  credentials?: { password_hash: string; srp_salt: string; srp_verifier_sealed: string } | undefined;
  now: number;
}

/** Inserts a user's row; false when the pool already has the username (or the sub) — the unique index decides. */
export async function insertUser(db: Executor, user: NewUserRow): Promise<boolean> {
  try {
    await db
      .insertInto('users')
      .values({
        id: user.sub,
        pool_id: user.poolId,
        username: user.username,
        username_key: user.usernameKey,
        status: user.status,
        enabled: 1,
        password_hash: user.credentials?.password_hash ?? null,
        srp_salt: user.credentials?.srp_salt ?? null,
        srp_verifier_sealed: user.credentials?.srp_verifier_sealed ?? null,
        created_at: user.now,
        updated_at: user.now,
        failed_attempts: 0,
        last_failed_at: null,
        locked_until: null,
      })
      .execute();
    return true;
  } catch (e) {
    if (isUniqueViolation(e)) return false;
    throw e;
  }
}

/**
 * Rewrites the users row's copy of the attributes from user_attributes (schema.ts `attributes`).
 * Every attribute write below ends with it, in the writer's transaction, so the copy never
 * disagrees with the rows a committed reader could see.
 */
const copyAttributesStatement = fixedStatement(1, (db, sub: string) =>
  db
    .updateTable('users')
    .set({
      attributes:
        dialectOf(db) === 'postgres'
          ? sql<string>`(select coalesce(json_agg(json_build_array(a.name, a.value) order by a.name collate "C")::text, '[]') from user_attributes a where a.user_id = users.id)`
          : sql<string>`(select json_group_array(json_array(a.name, a.value) order by a.name) from user_attributes a where a.user_id = users.id)`,
    })
    .where('id', '=', sub),
);

/** Upserts attributes (changed values replace, others stay), in one statement. */
export async function upsertAttributes(db: Executor, poolId: string, sub: string, attributes: ReadonlyMap<string, string>): Promise<void> {
  if (attributes.size === 0) return;
  await db
    .insertInto('user_attributes')
    .values([...attributes].map(([name, value]) => ({ user_id: sub, pool_id: poolId, name, value })))
    .onConflict((oc) => oc.columns(['user_id', 'name']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
    .execute();
  await copyAttributesStatement(db, sub);
}

export async function deleteAttributes(db: Executor, sub: string, names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  await db.deleteFrom('user_attributes').where('user_id', '=', sub).where('name', 'in', [...names]).execute();
  await copyAttributesStatement(db, sub);
}

/** Marks a user's email or phone number unverified (`<attribute>_verified` = 'false', where the flag exists). */
export async function unverifyAttribute(db: Executor, sub: string, attribute: string): Promise<void> {
  const result = await db.updateTable('user_attributes').set({ value: 'false' }).where('user_id', '=', sub).where('name', '=', `${attribute}_verified`).executeTakeFirst();
  if (result.numUpdatedRows > 0n) await copyAttributesStatement(db, sub);
}

/** Records that the user changed (updated_at, UserLastModifiedDate). */
export async function touchUser(db: Executor, sub: string, now: number): Promise<void> {
  await db.updateTable('users').set({ updated_at: now }).where('id', '=', sub).execute();
}

/** Sets the status; returns the user's pool, or undefined when there is no such user. */
export async function setStatus(db: Executor, sub: string, status: UserStatus, now: number): Promise<string | undefined> {
  const row = await db.updateTable('users').set({ status, updated_at: now }).where('id', '=', sub).returning('pool_id').executeTakeFirst();
  return row?.pool_id;
}

/** Compare-and-set of the status: true when the user was in `from` and is now in `to`. */
export async function changeStatus(db: Executor, sub: string, from: UserStatus, to: UserStatus, now: number): Promise<boolean> {
  const result = await db.updateTable('users').set({ status: to, updated_at: now }).where('id', '=', sub).where('status', '=', from).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function enableUser(db: Executor, sub: string, now: number): Promise<void> {
  await db.updateTable('users').set({ enabled: 1, updated_at: now }).where('id', '=', sub).execute();
}

/**
 * Disables a user and revokes every refresh token of theirs (so every access token too), in the
 * caller's transaction. Re-enabling doesn't bring these sessions back (security.md P10).
 */
export async function disableUser(db: Executor, sub: string, now: number): Promise<void> {
  await db.updateTable('users').set({ enabled: 0, updated_at: now }).where('id', '=', sub).execute();
  await revokeAllForUser(db, sub, now);
}

export async function setTemporaryPasswordExpiry(db: Executor, sub: string, at: number | null): Promise<void> {
  await db.updateTable('users').set({ temporary_password_expires_at: at }).where('id', '=', sub).execute();
}

/**
 * Deletes a user. Everything of theirs goes with the row: the foreign keys of attributes, aliases,
 * pending values, password history, codes, refresh tokens, MFA settings, devices and group
 * memberships cascade (store/migrations.ts), each through an index on its user_id.
 */
export async function deleteUser(db: Executor, sub: string): Promise<void> {
  await db.deleteFrom('users').where('id', '=', sub).execute();
}

/** What a password write stores: the new credentials, and what changes with them. */
export interface PasswordWrite {
  password_hash: string;
  srp_salt: string;
  srp_verifier_sealed: string;
  imported_password_hash: null;
  status?: UserStatus;
  temporary_password_expires_at?: number | null;
  updated_at?: number;
  /** A proven password ends any lockout (failed_attempts, last_failed_at, locked_until cleared). */
  resetLockout?: boolean;
}

/**
 * What the row must still hold for a password write to happen (compare-and-set): the status, the
 * password hash (null: none), or the imported hash that was verified. Nothing: unconditional.
 */
export interface PasswordExpectation {
  status?: UserStatus;
  passwordHash?: string | null;
  importedPasswordHash?: string;
}

/**
 * The one compare-and-set on a user's credentials: writes `write` when the row still holds what
 * `expect` says, so of two racing changes the second finds the first's result and writes nothing.
 * True when the row was written.
 */
export async function setPassword(db: Executor, sub: string, write: PasswordWrite, expect: PasswordExpectation = {}): Promise<boolean> {
  const { resetLockout, ...columns } = write;
  let q = db
    .updateTable('users')
    .set({ ...columns, ...(resetLockout ? { failed_attempts: 0, last_failed_at: null, locked_until: null } : {}) })
    .where('id', '=', sub);
  if (expect.status !== undefined) q = q.where('status', '=', expect.status);
  if (expect.passwordHash !== undefined) q = expect.passwordHash === null ? q.where('password_hash', 'is', null) : q.where('password_hash', '=', expect.passwordHash);
  if (expect.importedPasswordHash !== undefined) q = q.where('imported_password_hash', '=', expect.importedPasswordHash);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// ---------------------------------------------------------------------------------------------
// Pending values: an email or phone number waiting for its code (domain/self-service.ts)

export async function pendingValue(db: Executor, sub: string, name: string): Promise<string | undefined> {
  const row = await db.selectFrom('pending_attributes').select('value').where('user_id', '=', sub).where('name', '=', name).executeTakeFirst();
  return row?.value;
}

/**
 * Records the value an email or phone number takes once verified, replacing any earlier one (an
 * upsert: two concurrent updates of one user both end well, the later value winning).
 */
export async function setPendingValue(db: Executor, p: { poolId: string; userId: string; attribute: string; value: string; now: number }): Promise<void> {
  await db
    .insertInto('pending_attributes')
    .values({ user_id: p.userId, pool_id: p.poolId, name: p.attribute, value: p.value, created_at: p.now })
    .onConflict((oc) => oc.columns(['user_id', 'name']).doUpdateSet({ value: p.value, created_at: p.now }))
    .execute();
}

export async function deletePendingValue(db: Executor, sub: string, name: string): Promise<void> {
  await db.deleteFrom('pending_attributes').where('user_id', '=', sub).where('name', '=', name).execute();
}
