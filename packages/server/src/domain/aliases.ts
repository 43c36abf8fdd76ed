/**
 * Sign-in aliases: the names a user signs in with besides the username.
 *
 * - `UsernameAttributes` pools (email and/or phone number *as* the username): every user holds
 *   their value, verified or not and confirmed or not, so two users can never share it (SignUp
 *   answers UsernameExistsException for a taken address, as Cognito does).
 * - `AliasAttributes` pools: a confirmed user holds a *verified* email or phone number and any
 *   preferred_username. "Alias gets created once a user account is confirmed. First account which
 *   gets confirmed will have the alias" (Cognito's own answer, amazon-cognito-js#23).
 *
 * Every alias is a row of `sign_in_aliases` keyed by (pool, attribute, folded value), so the
 * database enforces one holder however many requests race (security.md P14, R08). A user's rows are
 * recomputed from their attributes and status in the same transaction as every change to them
 * ({@link syncAliases}); when another user holds a value, the caller chooses what happens:
 *
 * - `fail`: AliasExistsException, "An account with the email already exists." (the write rolls back);
 * - `take`: the alias moves to this user and the previous holder's email or phone number becomes
 *   unverified — Cognito's ForceAliasCreation (ConfirmSignUp, AdminCreateUser);
 * - `yield`: this user's value becomes unverified instead, for paths whose API has no
 *   AliasExistsException (AdminConfirmSignUp, ConfirmForgotPassword).
 *
 * Claiming takes the alias row's lock first (an upsert that returns the current holder), so of
 * two concurrent `take`s the second sees the first's result and un-verifies the right user.
 */
import { createHash } from 'node:crypto';
import { CognitoError } from '../errors.js';
import type { Executor } from '../store/db.js';
import * as aliasStore from '../store/aliases.js';
import * as userStore from '../store/users.js';

/** The (immutable after creation) pool settings aliases depend on. */
export interface AliasSettings {
  aliasAttributes: readonly string[];
  usernameAttributes: readonly string[];
  caseSensitive: boolean;
}

export function aliasSettings(settings: { AliasAttributes?: string[]; UsernameAttributes?: string[]; UsernameConfiguration?: { CaseSensitive: boolean } }): AliasSettings {
  return {
    aliasAttributes: settings.AliasAttributes ?? [],
    usernameAttributes: settings.UsernameAttributes ?? [],
    caseSensitive: settings.UsernameConfiguration?.CaseSensitive ?? false,
  };
}

export const hasAliases = (s: AliasSettings) => s.aliasAttributes.length > 0 || s.usernameAttributes.length > 0;

export type AliasConflictMode = 'fail' | 'take' | 'yield';

const VERIFIABLE = new Set(['email', 'phone_number']);

/**
 * A value as the pool compares it. Email domains are always case-insensitive; the local part,
 * like preferred_username, folds (NFKC and lowercase) only in case-insensitive pools, and is
 * otherwise compared as canonically equivalent text (NFC) (security.md A20, A21). No
 * provider-specific folding (dots, `+tags`). Phone numbers are compared as given (E.164).
 */
export function foldAliasValue(s: AliasSettings, name: string, value: string): string {
  if (name === 'phone_number') return value;
  let v = value;
  if (name === 'email') {
    const at = v.lastIndexOf('@');
    if (at >= 0) v = v.slice(0, at) + v.slice(at).toLowerCase();
  }
  return s.caseSensitive ? v.normalize('NFC') : v.normalize('NFKC').toLowerCase();
}

/** The stored key of an alias: a fixed-length digest, so any value is indexable. */
export const aliasKey = (s: AliasSettings, name: string, value: string) => createHash('sha256').update(`${name}\0${foldAliasValue(s, name, value)}`).digest('hex');

/** The attribute names a sign-in name could be an alias for. */
export function aliasNamesFor(s: AliasSettings, looksLike: { email: boolean; phone: boolean }): string[] {
  const out: string[] = [];
  for (const name of [...s.usernameAttributes, ...s.aliasAttributes]) {
    if (name === 'email' && !looksLike.email) continue;
    if (name === 'phone_number' && !looksLike.phone) continue;
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

/** The aliases a user in this status with these attributes holds, in a fixed order (lock order). */
export function desiredAliases(s: AliasSettings, status: string, attributes: ReadonlyMap<string, string>): { name: string; key: string }[] {
  const out = new Map<string, string>();
  // A federated user signs in at their provider, never by name: their mapped email or phone
  // number is no sign-in name and takes none from a native user (Cognito keeps both users).
  if (status === 'EXTERNAL_PROVIDER') return [];
  for (const name of s.usernameAttributes) {
    const value = attributes.get(name);
    if (value) out.set(name, aliasKey(s, name, value));
  }
  if (status !== 'UNCONFIRMED') {
    for (const name of s.aliasAttributes) {
      const value = attributes.get(name);
      if (!value || out.has(name)) continue;
      if (VERIFIABLE.has(name) && attributes.get(`${name}_verified`) !== 'true') continue;
      out.set(name, aliasKey(s, name, value));
    }
  }
  return [...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, key]) => ({ name, key }));
}

/** AliasExistsException with Cognito's wording ("An account with the email already exists."). */
export class AliasExistsError extends CognitoError {
  constructor(readonly attribute: string) {
    super('AliasExistsException', `An account with the ${attribute} already exists.`);
  }
}

export const aliasExists = (attribute: string) => new AliasExistsError(attribute);

/**
 * Brings a user's alias rows in line with their attributes and status (see the module comment).
 * Call inside the transaction that changed them. Returns the users whose value was un-verified
 * because the alias moved away from them (`take`).
 */
export async function syncAliases(
  db: Executor,
  p: { poolId: string; settings: AliasSettings; sub: string; status: string; attributes: ReadonlyMap<string, string>; mode: AliasConflictMode; now: number },
): Promise<string[]> {
  const desired = desiredAliases(p.settings, p.status, p.attributes);
  const current = await aliasStore.aliasesOf(db, p.sub);
  const wanted = new Set(desired.map((d) => `${d.name}\0${d.key}`));
  for (const row of current) {
    if (wanted.has(`${row.name}\0${row.value_key}`)) continue;
    await aliasStore.releaseAlias(db, { poolId: p.poolId, name: row.name, valueKey: row.value_key, sub: p.sub });
  }
  const held = new Set(current.map((r) => `${r.name}\0${r.value_key}`));
  const movedFrom: string[] = [];
  for (const { name, key } of desired) {
    if (held.has(`${name}\0${key}`)) continue;
    const holder = await aliasStore.claimAlias(db, { poolId: p.poolId, name, valueKey: key, sub: p.sub, now: p.now });
    if (holder === p.sub) continue;
    const verifiable = VERIFIABLE.has(name) && !p.settings.usernameAttributes.includes(name);
    if (p.mode === 'take' && verifiable) {
      await aliasStore.moveAlias(db, { poolId: p.poolId, name, valueKey: key, sub: p.sub, now: p.now });
      await userStore.unverifyAttribute(db, holder, name);
      await userStore.touchUser(db, holder, p.now);
      movedFrom.push(holder);
    } else if (p.mode === 'yield' && verifiable) {
      await userStore.unverifyAttribute(db, p.sub, name);
    } else {
      throw aliasExists(name);
    }
  }
  return movedFrom;
}
