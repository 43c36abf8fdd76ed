/**
 * MFA state: one user_mfa row per user that has any (created on first need): the factors they
 * turned on and their preference, the software token (sealed, with the last step accepted), legacy
 * MFAOptions, the second-factor failure counter, and the nonce of the last sign-in Session whose
 * MFA was answered.
 */
import { sql, type Selectable } from 'kysely';
import type { Executor } from './db.js';
import { fixedStatement } from './compiled.js';
import type { UserMfaTable } from './schema.js';
import { failureCount } from './lockout.js';

export type UserMfaRow = Selectable<UserMfaTable>;

const findStatement = fixedStatement(1, (db, sub: string) => db.selectFrom('user_mfa').selectAll().where('user_id', '=', sub));

export async function find(db: Executor, sub: string): Promise<UserMfaRow | undefined> {
  return (await findStatement(db, sub)).rows[0];
}

/** Creates the user's row if it doesn't exist yet. */
export async function ensure(db: Executor, user: { sub: string; poolId: string }, now: number): Promise<void> {
  await db
    .insertInto('user_mfa')
    .values({ user_id: user.sub, pool_id: user.poolId, sms_enabled: 0, email_enabled: 0, totp_enabled: 0, webauthn_mfa_enabled: 0, preferred: null, totp_secret_sealed: null, totp_pending_sealed: null, totp_last_step: null, mfa_options: null, mfa_passed_session: null, failed_attempts: 0, last_failed_at: null, updated_at: now })
    .onConflict((oc) => oc.column('user_id').doNothing())
    .execute();
}

/** SetUserMFAPreference's write; turning SMS off also ends the legacy MFAOptions that turned it on. */
export async function setFactors(db: Executor, sub: string, p: { sms: boolean; totp: boolean; email: boolean; webAuthn: boolean; preferred: string | null }, now: number): Promise<void> {
  await db
    .updateTable('user_mfa')
    .set({ sms_enabled: p.sms ? 1 : 0, totp_enabled: p.totp ? 1 : 0, email_enabled: p.email ? 1 : 0, webauthn_mfa_enabled: p.webAuthn ? 1 : 0, preferred: p.preferred, ...(p.sms ? {} : { mfa_options: null }), updated_at: now })
    .where('user_id', '=', sub)
    .execute();
}

/** SetUserSettings' write: the legacy MFAOptions (JSON) turn SMS on, or off with SMS no longer preferred. */
export async function setOptions(db: Executor, sub: string, options: string | null, now: number): Promise<void> {
  await db
    .updateTable('user_mfa')
    .set({ mfa_options: options, sms_enabled: options ? 1 : 0, ...(options ? {} : { preferred: sql<string | null>`case when preferred = 'SMS_MFA' then null else preferred end` }), updated_at: now })
    .where('user_id', '=', sub)
    .execute();
}

/** AssociateSoftwareToken: a secret waiting for VerifySoftwareToken. */
export async function setPendingTotp(db: Executor, sub: string, sealed: string, now: number): Promise<void> {
  await db.updateTable('user_mfa').set({ totp_pending_sealed: sealed, updated_at: now }).where('user_id', '=', sub).execute();
}

/** VerifySoftwareToken: the pending secret (still `pending`) becomes the user's software token. */
export async function promotePendingTotp(db: Executor, sub: string, pending: string, step: number, now: number): Promise<void> {
  await db
    .updateTable('user_mfa')
    .set({ totp_secret_sealed: pending, totp_pending_sealed: null, totp_last_step: step, updated_at: now })
    .where('user_id', '=', sub)
    .where('totp_pending_sealed', '=', pending)
    .execute();
}

/** A software token set up during sign-in (MFA_SETUP): on, preferred unless another factor is, and the Session's MFA passed. */
export async function enableSetUpTotp(db: Executor, sub: string, p: { sealed: string; step: number; session: string }, now: number): Promise<void> {
  await db
    .updateTable('user_mfa')
    .set({ totp_secret_sealed: p.sealed, totp_pending_sealed: null, totp_enabled: 1, totp_last_step: p.step, mfa_passed_session: p.session, preferred: sql<string>`coalesce(preferred, 'SOFTWARE_TOKEN_MFA')`, updated_at: now })
    .where('user_id', '=', sub)
    .execute();
}

/** Email OTP set up during sign-in: on, and preferred unless another factor is. */
export async function enableEmail(db: Executor, sub: string, now: number): Promise<void> {
  await db.updateTable('user_mfa').set({ email_enabled: 1, preferred: sql<string>`coalesce(preferred, 'EMAIL_OTP')`, updated_at: now }).where('user_id', '=', sub).execute();
}

/** Records the TOTP step accepted, only if it is later than the last one: true when this call did (a code works once). */
export async function advanceTotpStep(db: Executor, sub: string, step: number): Promise<boolean> {
  const result = await db
    .updateTable('user_mfa')
    .set({ totp_last_step: step })
    .where('user_id', '=', sub)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Counts a wrong second factor (the row must exist) with the lockout's count rule; returns the new count. */
export async function recordFailure(db: Executor, sub: string, now: number): Promise<number> {
  const row = await db.updateTable('user_mfa').set({ failed_attempts: failureCount(now), last_failed_at: now }).where('user_id', '=', sub).returning('failed_attempts').executeTakeFirst();
  return Number(row?.failed_attempts ?? 0);
}

/** A right second factor: the counter cleared and, when a device step follows, the Session recorded as passed. */
export async function recordPassed(db: Executor, sub: string, passedSession: string | undefined): Promise<void> {
  await db
    .updateTable('user_mfa')
    .set({ failed_attempts: 0, last_failed_at: null, ...(passedSession ? { mfa_passed_session: passedSession } : {}) })
    .where('user_id', '=', sub)
    .execute();
}

/** Spends the recorded passed Session `nonce`: true when it was the recorded one (once). */
export async function spendPassedSession(db: Executor, sub: string, nonce: string): Promise<boolean> {
  const result = await db.updateTable('user_mfa').set({ mfa_passed_session: null }).where('user_id', '=', sub).where('mfa_passed_session', '=', nonce).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
