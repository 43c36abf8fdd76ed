/**
 * Creating a user and claiming their sign-in names, shared by the administrator's AdminCreateUser,
 * a UserMigration function's user and the NEW_PASSWORD_REQUIRED answer. It imports nothing from
 * sign-in or self-service, so every one of them can import it without an import cycle.
 */
import { CognitoError, errors } from '../errors.js';
import type { Executor } from '../store/db.js';
import * as userStore from '../store/users.js';
import type { Cognate, Ports } from './cognate.js';
import { aliasExists } from './aliases.js';
import type { UserStatus } from './users.js';
import type { UserPool } from './user-pools.js';

type Trx = Executor;

/** The pool with no attribute marked required: admins and challenges may leave required ones for later. */
export function withoutRequired(pool: UserPool): UserPool {
  return { ...pool, settings: { ...pool.settings, SchemaAttributes: pool.settings.SchemaAttributes.map((a) => (a.Required ? { ...a, Required: false } : a)) } };
}

/**
 * Another user who holds `value` as a sign-in name: for UsernameAttributes any holder; for
 * AliasAttributes a verified holder of an email or phone number, or any holder of preferred_username.
 */
export async function otherHolder(db: Executor, pool: UserPool, attribute: string, value: string, self: string | undefined): Promise<string | undefined> {
  const verified = !pool.settings.UsernameAttributes?.includes(attribute) && (attribute === 'email' || attribute === 'phone_number');
  return userStore.findAttributeHolder(db, { poolId: pool.id, name: attribute, value, ...(self ? { except: self } : {}), verified });
}

/**
 * Sign-in names in `attributes` that another user already holds: UsernameAttributes values always,
 * aliases when this write makes them active (verified email or phone, any preferred_username).
 * Returns the holders to un-verify when `force` (ForceAliasCreation) moves an alias.
 */
export async function claimSignInNames(db: Executor, pool: UserPool, attributes: ReadonlyMap<string, string>, changed: ReadonlySet<string>, self: string | undefined, force: boolean): Promise<{ attribute: string; holder: string }[]> {
  const moves: { attribute: string; holder: string }[] = [];
  for (const attribute of pool.settings.UsernameAttributes ?? []) {
    const value = attributes.get(attribute);
    if (!value || !changed.has(attribute)) continue;
    if (await otherHolder(db, pool, attribute, value, self)) throw aliasExists(attribute);
  }
  for (const attribute of pool.settings.AliasAttributes ?? []) {
    const value = attributes.get(attribute);
    if (!value) continue;
    const verifiable = attribute === 'email' || attribute === 'phone_number';
    if (verifiable ? attributes.get(`${attribute}_verified`) !== 'true' || !(changed.has(attribute) || changed.has(`${attribute}_verified`)) : !changed.has(attribute)) continue;
    const holder = await otherHolder(db, pool, attribute, value, self);
    if (!holder) continue;
    // ForceAliasCreation moves an email or phone alias to this user; the previous holder keeps
    // the value but can no longer sign in with it (AdminCreateUser, ForceAliasCreation).
    if (force && verifiable) moves.push({ attribute, holder });
    else throw aliasExists(attribute);
  }
  return moves;
}

async function unverify(db: Trx, moves: readonly { attribute: string; holder: string }[], now: number): Promise<void> {
  for (const { attribute, holder } of moves) {
    await userStore.unverifyAttribute(db, holder, attribute);
    await userStore.touchUser(db, holder, now);
  }
}

/**
 * Writes a user an administrator (or a UserMigration function) brings in, claiming their sign-in
 * names: an alias another user holds moves here with `forceAliasCreation`, else fails. `more` runs
 * in the same transaction.
 */
export async function insertNewUser<T>(
  cognate: Ports<'store' | 'users'>,
  pool: UserPool,
  user: { sub: string; username: string; status: UserStatus; attributes: Map<string, string>; credentials?: Awaited<ReturnType<Cognate['users']['credentials']>>; forceAliasCreation: boolean },
  now: number,
  more: (trx: Trx) => Promise<T>,
): Promise<T> {
  return cognate.store.transaction(async (trx) => {
    const moves = await claimSignInNames(trx, pool, user.attributes, new Set(user.attributes.keys()), undefined, user.forceAliasCreation);
    try {
      await cognate.users.insert(trx, pool, user, now, { aliases: user.forceAliasCreation ? 'take' : 'fail' });
    } catch (e) {
      if (e instanceof CognitoError && e.name === 'UsernameExistsException' && e.message === 'User already exists') throw errors.usernameExists('User account already exists');
      throw e;
    }
    await unverify(trx, moves, now);
    return more(trx);
  });
}
