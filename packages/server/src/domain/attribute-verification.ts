/**
 * Verifying an email or phone number with a code: GetUserAttributeVerificationCode sends one (to a
 * pending new value when there is one), VerifyUserAttribute checks it and makes the value the
 * active, verified one. One verified holder per sign-in value (security.md P13, P14).
 */
import { errors } from '../errors.js';
import type { Executor } from '../store/db.js';
import * as userStore from '../store/users.js';
import type { Ports } from './cognate.js';
import { codeError, type CodeOutcome } from './codes.js';
import { type CodeDeliveryDetails, deliverCode } from './messages.js';
import { aliasExists } from './aliases.js';
import type { User } from './users.js';
import type { UserPool } from './user-pools.js';
import { isVerifiable, mediumOf, signedIn, verifyPurpose, type Verifiable } from './self-service.js';

function verifiableAttribute(name: string): Verifiable {
  if (!isVerifiable(name)) throw errors.invalidParameter(`Invalid attribute name: ${name} can't be verified; only email and phone_number can.`);
  return name;
}

export async function getUserAttributeVerificationCode(
  cognate: Ports<'clients' | 'clock' | 'codes' | 'log' | 'outbox' | 'store' | 'tokens' | 'triggers'>,
  input: { AccessToken: string; AttributeName: string; ClientMetadata?: Record<string, string> },
): Promise<{ CodeDeliveryDetails: CodeDeliveryDetails }> {
  const { pool, user, client } = await signedIn(cognate, input.AccessToken);
  const attribute = verifiableAttribute(input.AttributeName);
  const delivery = await deliverCode(cognate, pool, {
    occasion: 'VerifyUserAttribute',
    user,
    clientId: client.id,
    clientMetadata: input.ClientMetadata,
    purpose: verifyPurpose(attribute),
    kind: 'VerifyUserAttribute',
    destination: async (trx) => {
      // A pending new value is what needs verifying; the code goes there, never to the old value.
      const to = (await userStore.pendingValue(trx, user.sub, attribute)) ?? user.attributes.get(attribute);
      if (!to) throw errors.invalidParameter(`The user has no ${attribute} to verify.`);
      return { medium: mediumOf(attribute), attribute, to };
    },
  });
  return { CodeDeliveryDetails: delivery };
}

/**
 * One verified holder per sign-in value (security.md P14): a value that another user of the pool
 * signs in with can't be verified (or, in pools that sign in with it, taken) by this one.
 */
export async function assertNotHeldByAnother(cognate: Ports<'users'>, db: Executor, pool: UserPool, user: User, attribute: Verifiable, value: string): Promise<void> {
  const signsIn = (pool.settings.UsernameAttributes ?? []).includes(attribute) || (pool.settings.AliasAttributes ?? []).includes(attribute);
  if (!signsIn) return;
  const holder = await cognate.users.findForSignIn(pool, value, db);
  if (holder && holder.sub !== user.sub) {
    throw aliasExists(attribute);
  }
}

export async function verifyUserAttribute(cognate: Ports<'clients' | 'clock' | 'codes' | 'store' | 'tokens' | 'users'>, input: { AccessToken: string; AttributeName: string; Code: string }): Promise<Record<string, never>> {
  const { pool, user } = await signedIn(cognate, input.AccessToken);
  const attribute = verifiableAttribute(input.AttributeName);
  const now = cognate.clock.now();
  const outcome = await cognate.store.transaction(async (trx): Promise<CodeOutcome> => {
    const pending = await userStore.pendingValue(trx, user.sub, attribute);
    const value = pending ?? user.attributes.get(attribute);
    if (!value) throw errors.invalidParameter(`The user has no ${attribute} to verify.`);
    const result = await cognate.codes.consume(trx, { userId: user.sub, purpose: verifyPurpose(attribute), code: input.Code }, now);
    if (result !== 'ok') return result;
    // Only after the right code, so a guess can't probe who holds an address; the throw rolls
    // the consumption back.
    await assertNotHeldByAnother(cognate, trx, pool, user, attribute, value);
    // The pending value becomes the active one only now, already verified (security.md P13).
    await cognate.users.setAttributes(trx, pool.id, user.sub, new Map([[attribute, value], [`${attribute}_verified`, 'true']]));
    if (pending !== undefined) await userStore.deletePendingValue(trx, user.sub, attribute);
    await userStore.touchUser(trx, user.sub, now);
    return result;
  });
  if (outcome !== 'ok') throw codeError(outcome);
  return {};
}

