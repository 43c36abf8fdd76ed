/**
 * Threat protection's rows (domain/threat-protection/): risk configurations, the auth-event
 * history and the log-delivery configuration of a pool.
 */
import type { Executor } from './db.js';
import type { AuthEventsTable } from './schema.js';

export type AuthEventRow = AuthEventsTable;

// --- risk configurations ---------------------------------------------------------------------

export async function findRiskConfiguration(db: Executor, poolId: string, target: string): Promise<{ config: string; updated_at: number } | undefined> {
  return db.selectFrom('risk_configurations').select(['config', 'updated_at']).where('pool_id', '=', poolId).where('target', '=', target).executeTakeFirst();
}

/** The client's row and the pool's, whichever exist. */
export async function riskConfigurationsFor(db: Executor, poolId: string, clientId: string | undefined): Promise<{ target: string; config: string }[]> {
  return db
    .selectFrom('risk_configurations')
    .select(['target', 'config'])
    .where('pool_id', '=', poolId)
    .where('target', 'in', clientId ? ['ALL', clientId] : ['ALL'])
    .execute();
}

export async function putRiskConfiguration(db: Executor, row: { pool_id: string; target: string; client_id: string | null; config: string; updated_at: number }): Promise<void> {
  await db
    .insertInto('risk_configurations')
    .values(row)
    .onConflict((oc) => oc.columns(['pool_id', 'target']).doUpdateSet({ config: row.config, updated_at: row.updated_at }))
    .execute();
}

// --- auth events -----------------------------------------------------------------------------

export async function insertAuthEvent(db: Executor, row: AuthEventRow): Promise<void> {
  await db.insertInto('auth_events').values(row).execute();
}

/** A user's events, newest first, from the one after `after` (created_at, id) on. */
export async function listAuthEvents(db: Executor, userId: string, limit: number, after?: { createdAt: number; id: string }): Promise<AuthEventRow[]> {
  let q = db.selectFrom('auth_events').selectAll().where('user_id', '=', userId);
  if (after) q = q.where((eb) => eb.or([eb('created_at', '<', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)])]));
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

export async function findAuthEvent(db: Executor, userId: string, id: string): Promise<AuthEventRow | undefined> {
  return db.selectFrom('auth_events').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
}

export async function setFeedback(db: Executor, id: string, feedback: { value: string; provider: string; at: number }): Promise<void> {
  await db.updateTable('auth_events').set({ feedback_value: feedback.value, feedback_provider: feedback.provider, feedback_at: feedback.at }).where('id', '=', id).execute();
}

/** The signals' history: a user's sign-in events since `since`. */
export async function recentSignIns(db: Executor, userId: string, since: number): Promise<Pick<AuthEventRow, 'response' | 'ip' | 'device_key' | 'created_at' | 'feedback_value'>[]> {
  return db
    .selectFrom('auth_events')
    .select(['response', 'ip', 'device_key', 'created_at', 'feedback_value'])
    .where('user_id', '=', userId)
    .where('event_type', '=', 'SignIn')
    // A token refresh proves nothing about who is there: it neither makes an address known nor counts as a failed attempt.
    .where('source', 'is', null)
    .where('created_at', '>=', since)
    .orderBy('created_at', 'desc')
    .limit(500)
    .execute();
}

/** The newest sign-in of the user still waiting for its challenges, to mark it passed or failed. */
export async function settleInProgress(db: Executor, userId: string, since: number, response: 'Pass' | 'Fail', challenges: string | undefined): Promise<void> {
  const row = await db
    .selectFrom('auth_events')
    .select('id')
    .where('user_id', '=', userId)
    .where('event_type', '=', 'SignIn')
    .where('response', '=', 'InProgress')
    .where('created_at', '>=', since)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  if (row) await db.updateTable('auth_events').set({ response, ...(challenges !== undefined ? { challenges } : {}) }).where('id', '=', row.id).execute();
}

// --- log delivery ----------------------------------------------------------------------------

export async function findLogDelivery(db: Executor, poolId: string): Promise<string | undefined> {
  return (await db.selectFrom('log_delivery_configurations').select('config').where('pool_id', '=', poolId).executeTakeFirst())?.config;
}

export async function putLogDelivery(db: Executor, poolId: string, config: string, now: number): Promise<void> {
  await db
    .insertInto('log_delivery_configurations')
    .values({ pool_id: poolId, config, updated_at: now })
    .onConflict((oc) => oc.column('pool_id').doUpdateSet({ config, updated_at: now }))
    .execute();
}
