/**
 * The decoy work for a name that gets no code under PreventUserExistenceErrors ENABLED (an unknown
 * name, or a user who can't get one): a CodeDeliveryDetails shaped like a real one, and the same
 * statements, hashing and writes a real code request or a wrong code makes, so the answer can't be
 * told from a real user's in content or in time (issue 10, security.md P01, P02). The rows it
 * writes (store/recovery.ts) name no one.
 */
import { createHmac, randomInt } from 'node:crypto';
import type { Executor } from '../store/db.js';
import * as recovery from '../store/recovery.js';
import { readAttributes } from '../store/users.js';
import { lifetime as codeLifetime, MAX_CODE_ATTEMPTS, type CodePurpose } from './codes.js';
import type { Cognate } from './cognate.js';
import { codeMessages, emailSender, fillMessage, maskDestination, type CodeDeliveryDetails, type Templates } from './messages.js';
import type { UserPool } from './user-pools.js';
import { isEmail, isPhoneNumber } from './users.js';

/** Real-looking mail domains for simulated deliveries (security.md P02). */
const SIMULATED_DOMAINS = ['gmail.com', 'yahoo.com', 'outlook.com', 'hotmail.com', 'icloud.com', 'aol.com', 'proton.me', 'live.com', 'msn.com', 'mail.com'];

/**
 * A CodeDeliveryDetails for a name that gets no code (unknown, or a user who can't get one) under
 * PreventUserExistenceErrors ENABLED: the medium and attribute a real user of the pool would get, and
 * a destination masked exactly like a real one, derived by HMAC (server-held key) over pool id and
 * name, so it is the same every call and can't be told from a real one.
 */
export function simulatedDelivery(key: Buffer, pool: UserPool, name: string, preferred: 'email' | 'phone_number'): CodeDeliveryDetails {
  const attribute = isPhoneNumber(name) ? 'phone_number' : isEmail(name) ? 'email' : preferred;
  const digest = createHmac('sha256', key).update(`simulated-delivery\0${pool.id}\0${name}`).digest();
  if (attribute === 'phone_number') {
    const looksLike = isPhoneNumber(name) ? name : `+1${200 + (digest.readUInt16BE(0) % 800)}${String(digest.readUInt32BE(2) % 10_000_000).padStart(7, '0')}`;
    return { Destination: maskDestination('SMS', looksLike), DeliveryMedium: 'SMS', AttributeName: 'phone_number' };
  }
  const looksLike = isEmail(name) ? name : `${'abcdefghijklmnopqrstuvwxyz'[digest[0]! % 26]}@${SIMULATED_DOMAINS[digest[1]! % SIMULATED_DOMAINS.length]}`;
  return { Destination: maskDestination('EMAIL', looksLike), DeliveryMedium: 'EMAIL', AttributeName: 'email' };
}

/** Decoy rows older than this go when {@link sendDecoyCode} prunes (about one call in a hundred). */
const DECOY_RETENTION_MS = 24 * 3600_000;

/**
 * The work of {@link sendCode} (and of `outbox.kick()` after it) for a name that gets no code
 * under PreventUserExistenceErrors ENABLED — an unknown name, or a user who can't get one — so the
 * answer takes as long as a real one (issue 10, security.md P01): the same code queries
 * ({@link Codes.issueDecoy}), a code drawn and hashed, a message filled in and sealed, and two
 * committed writes: upserts of the `recovery_requests` rows of HMAC(kind, pool id, name), which
 * name no one and are never read. Nothing is sent. Call it in a transaction of its own, as the
 * real path does; then call {@link kickAfterDecoy} after commit.
 */
export async function sendDecoyCode(
  cognate: Pick<Cognate, 'codes' | 'secrets'>,
  trx: Executor,
  p: { pool: UserPool; name: string; purpose: CodePurpose; medium: 'EMAIL' | 'SMS'; messages?: Templates },
  now: number,
): Promise<void> {
  const keyOf = (kind: 'code' | 'message') => createHmac('sha256', cognate.secrets.fakeSaltKey).update(`recovery-request\0${kind}\0${p.pool.id}\0${p.name}`).digest('hex');
  const key = keyOf('code');
  // What finding a real user reads besides their row: their attributes (none here).
  await readAttributes(trx, key);
  const { code, codeHash } = await cognate.codes.issueDecoy(trx, { key, purpose: p.purpose }, now);
  const { subject, text } = fillMessage((p.messages ?? codeMessages(p.pool))[p.medium], code, p.name);
  const content = { text, ...(subject !== undefined ? { subject } : {}), ...(p.medium === 'EMAIL' ? emailSender(p.pool) : {}) };
  const messageKey = keyOf('message');
  const sealed = cognate.secrets.atRest.sealToString(Buffer.from(JSON.stringify(content)), `recovery:${messageKey}`);
  // Two writes, as the real path inserts a code and an outbox message; upserts, so one name keeps two rows.
  for (const [k, kind, value] of [[key, 'code', codeHash], [messageKey, 'message', sealed]] as const) {
    await recovery.putDecoy(trx, { key: k, poolId: p.pool.id, kind, purpose: p.purpose, value, now });
  }
}

/**
 * The work of a wrong confirmation code (ConfirmSignUp, ConfirmForgotPassword) for a name that has
 * no code to try under ENABLED (issue 10, security.md P01): the live-code look-up, the hash and
 * comparison, and the write that counting a wrong attempt makes. `mirror` decides when that write
 * happens, as it does for a real user:
 * - 'always' (ConfirmSignUp: the real user it stands for, unconfirmed, holds a live code) — an
 *   upsert of the name's `attempt` row;
 * - 'live' (ConfirmForgotPassword: most real users hold no live code, and a wrong guess then
 *   writes nothing) — only while the name's decoy code from {@link sendDecoyCode} is live: within
 *   the code's lifetime and below the attempts that kill a real code, counted on its row.
 * Call it in a transaction of its own.
 */
export async function tryDecoyCode(
  cognate: Pick<Cognate, 'codes' | 'secrets'>,
  trx: Executor,
  p: { pool: UserPool; name: string; purpose: CodePurpose; code: string; mirror: 'always' | 'live' },
  now: number,
): Promise<void> {
  const keyOf = (kind: 'code' | 'attempt') => createHmac('sha256', cognate.secrets.fakeSaltKey).update(`recovery-request\0${kind}\0${p.pool.id}\0${p.name}`).digest('hex');
  if (p.mirror === 'always') {
    const key = keyOf('attempt');
    await cognate.codes.consumeDecoy(trx, { key, purpose: p.purpose, code: p.code });
    await recovery.putDecoyAttempt(trx, { key, poolId: p.pool.id, purpose: p.purpose, now });
    return;
  }
  const key = keyOf('code');
  const row = await recovery.findDecoy(trx, key);
  await cognate.codes.consumeDecoy(trx, { key, purpose: p.purpose, code: p.code });
  if (!row || row.purpose !== p.purpose || row.created_at + codeLifetime(p.purpose) <= now || row.attempts >= MAX_CODE_ATTEMPTS) return;
  await recovery.countDecoyAttempt(trx, key);
}

/**
 * After a decoy's commit: what the real path does after its commit (a delivery pass, off the
 * response path; it finds nothing of the decoy's), and now and then, also off the response path,
 * the pruning of old decoy rows.
 */
export function kickAfterDecoy(cognate: Pick<Cognate, 'outbox' | 'store' | 'log'>, now: number): void {
  cognate.outbox.kickLater();
  if (randomInt(100) !== 0) return;
  setImmediate(() => {
    recovery.pruneDecoys(cognate.store.db, now - DECOY_RETENTION_MS).catch((e: unknown) => cognate.log.warn({ err: e }, 'pruning recovery_requests failed'));
  });
}
