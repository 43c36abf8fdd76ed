/**
 * Authorization codes (domain/oauth/authorization-codes.ts): one row per code, keyed by the code's
 * SHA-256. Redemption is one conditional UPDATE, so of any number of parallel redemptions, on any
 * nodes and either database, exactly one claims the code.
 */
import type { Insertable, Selectable } from 'kysely';
import type { Executor } from './db.js';
import type { AuthorizationCodesTable } from './schema.js';

export type AuthorizationCodeRow = Selectable<AuthorizationCodesTable>;

export async function insert(db: Executor, row: Insertable<AuthorizationCodesTable>): Promise<void> {
  await db.insertInto('authorization_codes').values(row).execute();
}

export async function find(db: Executor, codeHash: string): Promise<AuthorizationCodeRow | undefined> {
  return db.selectFrom('authorization_codes').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
}

/**
 * Marks the code redeemed by the exchange that issues family `familyId`; false when it was
 * redeemed already (or has expired). On PostgreSQL a concurrent claim waits for this one's
 * transaction and then finds nothing to update.
 */
export async function claim(db: Executor, codeHash: string, familyId: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('authorization_codes')
    .set({ redeemed_at: now, family_id: familyId })
    .where('code_hash', '=', codeHash)
    .where('redeemed_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Forgets codes that expired before `before` (redeemed or not: a replay that late is just unknown). */
export async function pruneExpired(db: Executor, before: number): Promise<void> {
  await db.deleteFrom('authorization_codes').where('expires_at', '<', before).execute();
}
