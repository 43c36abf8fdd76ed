/**
 * Who may use the admin console, and for how long (no HTTP here; security.ts puts it in a cookie).
 *
 * Two kinds of principal sign in: the holder of the admin access key pair (the pair that signs the
 * API's admin calls, `cognate.admin`), and console users (`cognate console-user create`), with a
 * password and a TOTP code. A user pool's users are never looked at: they live in another table.
 *
 * The rules an attacker meets:
 * - every attempt is counted before its secret is checked, per name (an HMAC of the name, so an
 *   unknown name costs the same write as a known one); the sixth within 15 minutes and every one
 *   after is refused without checking, until 15 minutes pass without an attempt;
 * - an unknown name gets the same answer and the same work (an argon2 hash, a TOTP match) as a
 *   known name with a wrong password;
 * - a TOTP code works once (its step is spent in one statement);
 * - a session is 256 random bits in the cookie, stored only as its SHA-256; it ends after
 *   {@link IDLE_MS} without a request and {@link ABSOLUTE_MS} after sign-in, and at sign-out.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Cognate } from '../domain/cognate.js';
import { recordAudit } from './audit.js';
import { constantTimeEqual } from '../crypto/compare.js';
import { matchTotp, newTotpSecret } from '../domain/totp.js';
import { checkPasswordPolicy } from '../domain/passwords.js';
import {
  clearConsoleAttempts,
  deleteConsoleSession,
  deleteConsoleUserAndSessions,
  deleteExpiredConsoleSessions,
  findConsoleUser,
  insertConsoleSession,
  insertConsoleUser,
  listConsoleUsers,
  reserveConsoleAttempt,
  spendConsoleTotpStep,
  touchConsoleSession,
} from '../store/console.js';

/** A session ends after this long without a request. */
export const IDLE_MS = 30 * 60_000;
/** A session ends this long after sign-in, however busy. */
export const ABSOLUTE_MS = 12 * 3600_000;
/** The idle clock is moved at most this often (fewer writes). */
const TOUCH_EVERY_MS = 60_000;
/** Attempts per name within {@link ATTEMPT_WINDOW_MS} before the name is refused. */
export const MAX_ATTEMPTS = 5;
export const ATTEMPT_WINDOW_MS = 15 * 60_000;

/** The password rules for console users (Cognito's default policy). */
const CONSOLE_PASSWORD_POLICY = { MinimumLength: 12, RequireUppercase: false, RequireLowercase: false, RequireNumbers: false, RequireSymbols: false, TemporaryPasswordValidityDays: 7 };

export type SignInResult = { ok: true; principal: string; sessionSecret: string } | { ok: false; reason: 'invalid' | 'locked' };

/** A TOTP secret nobody has: what an unknown name's code is matched against. */
const DECOY_TOTP = newTotpSecret();

function attemptKey(cognate: Cognate, kind: string, name: string): string {
  return createHmac('sha256', cognate.secrets.codeKey).update(`cognate/console/attempts/v1|${kind}|${name}`).digest('hex');
}

/** The SHA-256 of a session secret: what the database holds. */
export function sessionHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

async function startSession(cognate: Cognate, principal: string): Promise<string> {
  const now = cognate.clock.now();
  const secret = randomBytes(32).toString('base64url');
  await insertConsoleSession(cognate.store.db, { id_hash: sessionHash(secret), principal, created_at: now, last_seen_at: now, expires_at: now + ABSOLUTE_MS });
  // Old rows go now and then (a sign-in is rare enough to carry it).
  await deleteExpiredConsoleSessions(cognate.store.db, now, IDLE_MS);
  return secret;
}

/**
 * Signs a console user in with password and TOTP code. Unknown names, wrong passwords and wrong
 * codes all answer `invalid` after the same work.
 */
export async function signInConsoleUser(cognate: Cognate, input: { username: string; password: string; code: string }): Promise<SignInResult> {
  const key = attemptKey(cognate, 'user', input.username);
  const count = await reserveConsoleAttempt(cognate.store.db, key, cognate.clock.now(), ATTEMPT_WINDOW_MS);
  if (count > MAX_ATTEMPTS) return { ok: false, reason: 'locked' };
  const user = input.username.length <= 128 ? await findConsoleUser(cognate.store.db, input.username) : undefined;
  // Without a user, verify() spends the same argon2 work on a dummy hash (P01).
  const passwordOk = await cognate.hasher.verify(user ? user.password_hash : null, input.password);
  const secret = user ? cognate.secrets.atRest.openString(user.totp_secret, `console-totp:${user.username}`)?.toString('utf8') : undefined;
  const step = matchTotp(secret ?? DECOY_TOTP, input.code, cognate.clock.now(), user?.totp_last_step ?? null);
  if (!user || !secret || !passwordOk || step === undefined) return { ok: false, reason: 'invalid' };
  // The code is spent even when the row changed meanwhile: a second sign-in with it is refused here.
  if (!(await spendConsoleTotpStep(cognate.store.db, user.username, step))) return { ok: false, reason: 'invalid' };
  await clearConsoleAttempts(cognate.store.db, key);
  const principal = `user:${user.username}`;
  return { ok: true, principal, sessionSecret: await startSession(cognate, principal) };
}

/** Signs the admin key pair's holder in (the pair loaded by app.ts; both parts compared in constant time). */
export async function signInWithAdminKey(cognate: Cognate, input: { accessKeyId: string; secretAccessKey: string }): Promise<SignInResult> {
  const key = attemptKey(cognate, 'key', input.accessKeyId);
  const count = await reserveConsoleAttempt(cognate.store.db, key, cognate.clock.now(), ATTEMPT_WINDOW_MS);
  if (count > MAX_ATTEMPTS) return { ok: false, reason: 'locked' };
  const admin = cognate.admin;
  const idOk = admin.accessKeyId !== '' && constantTimeEqual(admin.accessKeyId, input.accessKeyId);
  const secretOk = admin.secretAccessKey !== '' && constantTimeEqual(admin.secretAccessKey, input.secretAccessKey);
  if (!idOk || !secretOk) return { ok: false, reason: 'invalid' };
  await clearConsoleAttempts(cognate.store.db, key);
  const principal = `key:${admin.accessKeyId}`;
  return { ok: true, principal, sessionSecret: await startSession(cognate, principal) };
}

/** The principal of a live session (its idle clock renewed), or undefined. */
export async function sessionPrincipal(cognate: Cognate, secret: string): Promise<string | undefined> {
  const row = await touchConsoleSession(cognate.store.db, sessionHash(secret), cognate.clock.now(), IDLE_MS, TOUCH_EVERY_MS);
  return row?.principal;
}

export async function endSession(cognate: Cognate, secret: string): Promise<void> {
  await deleteConsoleSession(cognate.store.db, sessionHash(secret));
}

export interface NewConsoleUser {
  username: string;
  /** The TOTP secret (base32) to put in an authenticator app, shown once. */
  totpSecret: string;
  /** The same as an otpauth:// URI (for a QR code). */
  otpauthUri: string;
}

const CONSOLE_USERNAME = /^[A-Za-z0-9._@-]{1,128}$/;

/**
 * Creates a console user with `password` and a new TOTP secret (returned once, to be put in an
 * authenticator). Refuses a taken or malformed name and a password shorter than 12 characters.
 */
export async function createConsoleUser(cognate: Cognate, username: string, password: string): Promise<NewConsoleUser> {
  if (!CONSOLE_USERNAME.test(username)) throw new Error('a console user name is 1 to 128 letters, digits and . _ @ -');
  checkPasswordPolicy(password, CONSOLE_PASSWORD_POLICY);
  const totpSecret = newTotpSecret();
  const row = {
    username,
    password_hash: await cognate.hasher.hash(password),
    totp_secret: cognate.secrets.atRest.sealToString(totpSecret, `console-totp:${username}`),
    totp_last_step: null,
    created_at: cognate.clock.now(),
  };
  if (!(await insertConsoleUser(cognate.store.db, row))) throw new Error(`a console user named ${username} already exists`);
  const otpauthUri = `otpauth://totp/${encodeURIComponent(`Cognate console:${username}`)}?secret=${totpSecret}&issuer=${encodeURIComponent('Cognate console')}`;
  return { username, totpSecret, otpauthUri };
}

/** The console users, by name (at most 1,000). */
export function consoleUsers(cognate: Cognate): Promise<{ username: string; created_at: number }[]> {
  return listConsoleUsers(cognate.store.db);
}

/**
 * Removes a console user: their row and every session they have, in one transaction, so an open
 * console tab of theirs is signed out at its next request; audited as `actor`'s. False when there
 * is no such user.
 */
export async function deleteConsoleUser(cognate: Cognate, username: string, actor: string): Promise<boolean> {
  const deleted = await cognate.store.transaction((trx) => deleteConsoleUserAndSessions(trx, username));
  await recordAudit(cognate, { actor, action: 'DeleteConsoleUser', target: `console-users/${username.slice(0, 128)}`, outcome: deleted ? 'ok' : 'NotFound' });
  return deleted;
}
