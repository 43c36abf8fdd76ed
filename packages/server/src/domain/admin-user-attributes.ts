/**
 * The administrator's writes of a user's attributes: AdminUpdateUserAttributes (which may set the
 * verified flags) and AdminDeleteUserAttributes. Users' own writes are in user-attributes.ts; both
 * follow one rule for a changed email or phone number (requiresVerificationBeforeUpdate).
 */
import { errors } from '../errors.js';
import * as userStore from '../store/users.js';
import type { Ports } from './cognate.js';
import { composeMessages, sendCode } from './messages.js';
import { requiresVerificationBeforeUpdate } from './user-attributes.js';
import { assertDeletable, validateAttributes, type AttributeType } from './users.js';
import { aliasExists } from './aliases.js';
import { claimSignInNames, otherHolder } from './new-users.js';
import { assertVerifiedFlagsHaveValues, poolAndUser, type AdminUserInput } from './admin-users.js';

type Verifiable = 'email' | 'phone_number';

const VERIFIABLE: readonly Verifiable[] = ['email', 'phone_number'];

interface Destination {
  medium: 'EMAIL' | 'SMS';
  attribute: Verifiable;
  to: string;
}

/**
 * AdminUpdateUserAttributes: the admin may set the *_verified flags; a blank value deletes an
 * attribute. A changed email or phone number the request doesn't mark verified either waits as a
 * pending value for VerifyUserAttribute, where the pool requires verification before update
 * (the same rule UpdateUserAttributes follows), or becomes the unverified value at once; a code goes
 * out whenever the pool verifies that attribute. ClientMetadata only feeds triggers.
 */
export async function adminUpdateUserAttributes(cognate: Ports<'clock' | 'codes' | 'log' | 'outbox' | 'pools' | 'store' | 'triggers' | 'users'>, input: AdminUserInput & { UserAttributes: AttributeType[]; ClientMetadata?: Record<string, string> }): Promise<void> {
  const { pool, user } = await poolAndUser(cognate, input);
  const blank = input.UserAttributes.filter((a) => (a.Value ?? '') === '').map((a) => a.Name);
  const set = validateAttributes(pool, input.UserAttributes.filter((a) => (a.Value ?? '') !== ''), 'admin', { creating: false });
  if (blank.length > 0) assertDeletable(pool, blank, 'admin');
  const named = new Set(input.UserAttributes.map((a) => a.Name));
  const auto = pool.settings.AutoVerifiedAttributes ?? [];
  const pending: Destination[] = [];
  const toVerify: Destination[] = [];
  for (const attribute of VERIFIABLE) {
    if (blank.includes(attribute)) blank.push(`${attribute}_verified`);
    const value = set.get(attribute);
    if (value === undefined || value === user.attributes.get(attribute) || set.get(`${attribute}_verified`) === 'true') continue;
    const destination: Destination = { medium: attribute === 'email' ? 'EMAIL' : 'SMS', attribute, to: value };
    if (requiresVerificationBeforeUpdate(pool, attribute)) {
      // The old value stays active (and verified) until the new one is verified (security.md P13).
      set.delete(attribute);
      pending.push(destination);
      toVerify.push(destination);
    } else {
      if (!named.has(`${attribute}_verified`)) set.set(`${attribute}_verified`, 'false');
      if (auto.includes(attribute)) toVerify.push(destination);
    }
  }
  const after = new Map(user.attributes);
  for (const [k, v] of set) after.set(k, v);
  for (const k of blank) after.delete(k);
  assertVerifiedFlagsHaveValues(after, named);
  const changed = new Set([...set].filter(([k, v]) => user.attributes.get(k) !== v).map(([k]) => k));
  const messages = toVerify.length > 0 ? await composeMessages(cognate, pool, { occasion: 'UpdateUserAttribute', user: { ...user, attributes: after }, clientMetadata: input.ClientMetadata }) : undefined;
  const now = cognate.clock.now();

  const queued = await cognate.store.transaction(async (trx) => {
    await claimSignInNames(trx, pool, after, changed, user.sub, false);
    for (const { attribute, to } of pending) {
      if ((pool.settings.UsernameAttributes ?? []).includes(attribute) && (await otherHolder(trx, pool, attribute, to, user.sub))) {
        throw aliasExists(attribute);
      }
    }
    await cognate.users.setAttributes(trx, pool.id, user.sub, set);
    await cognate.users.deleteAttributes(trx, pool.id, user.sub, blank);
    // Whatever the request says about an email or phone number replaces an earlier pending value,
    // and a code for an earlier value must not verify this one.
    for (const attribute of VERIFIABLE) {
      if (!named.has(attribute)) continue;
      await userStore.deletePendingValue(trx, user.sub, attribute);
      await cognate.codes.invalidate(trx, { userId: user.sub, purpose: `verify:${attribute}` }, now);
    }
    for (const { attribute, to } of pending) {
      await userStore.setPendingValue(trx, { poolId: pool.id, userId: user.sub, attribute, value: to, now });
    }
    await userStore.touchUser(trx, user.sub, now);
    if (messages) {
      for (const destination of toVerify) {
        await sendCode(cognate, trx, { pool, userId: user.sub, username: user.username, purpose: `verify:${destination.attribute}`, destination, messages, kind: 'UpdateUserAttribute' }, now);
      }
    }
    return toVerify.length > 0;
  });
  if (queued) cognate.outbox.kick();
}

/** AdminDeleteUserAttributes: deleting an email or phone number deletes its verified flag with it. */
export async function adminDeleteUserAttributes(cognate: Ports<'clock' | 'codes' | 'pools' | 'store' | 'users'>, input: AdminUserInput & { UserAttributeNames: string[] }): Promise<void> {
  const { pool, user } = await poolAndUser(cognate, input);
  // Cognito's wording for names the schema lacks, here (AdminDeleteUserAttributes) only.
  const schema = new Set(pool.settings.SchemaAttributes.map((a) => a.Name));
  const unknown = input.UserAttributeNames.filter((name) => !schema.has(name) || name === 'sub' || name === 'identities');
  if (unknown.length > 0) throw errors.invalidParameter(`Invalid user attributes: ${unknown.map((name) => `user.${name}: Attribute does not exist in the schema.`).join(' ')}`);
  assertDeletable(pool, input.UserAttributeNames, 'admin');
  const names = new Set(input.UserAttributeNames);
  for (const attribute of VERIFIABLE) if (names.has(attribute)) names.add(`${attribute}_verified`);
  const now = cognate.clock.now();
  await cognate.store.transaction(async (trx) => {
    await cognate.users.deleteAttributes(trx, pool.id, user.sub, [...names]);
    await userStore.touchUser(trx, user.sub, now);
    for (const attribute of VERIFIABLE) {
      if (!names.has(attribute)) continue;
      // Its pending replacement and live codes go with it.
      await userStore.deletePendingValue(trx, user.sub, attribute);
      await cognate.codes.invalidate(trx, { userId: user.sub, purpose: `verify:${attribute}` }, now);
    }
  });
}
