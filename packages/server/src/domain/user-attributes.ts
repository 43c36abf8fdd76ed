/**
 * A signed-in user's writes of their own attributes: UpdateUserAttributes and DeleteUserAttributes.
 * A changed email or phone number waits as a pending value until verified where the pool asks for
 * that (requiresVerificationBeforeUpdate, also the administrator's rule); the old verified email
 * hears of the change (security.md P13).
 */
import { errors } from '../errors.js';
import * as userStore from '../store/users.js';
import type { Ports } from './cognate.js';
import type { AppClient } from './app-clients.js';
import { type CodeDeliveryDetails, composeMessages, emailSender, maskDestination, sendCode } from './messages.js';
import { assertDeletable, validateAttributes, type AttributeType } from './users.js';
import type { UserPool } from './user-pools.js';
import { assertNotHeldByAnother } from './attribute-verification.js';
import { mediumOf, signedIn, verifyPurpose, type Destination, type Verifiable } from './self-service.js';

const UNAUTHORIZED_WRITE = 'A client attempted to write unauthorized attribute';

/** WriteAttributes of the app client (all when unset); the verification flags are never user-writable. */
function assertWritable(client: AppClient, names: readonly string[]): void {
  const writable = client.settings.WriteAttributes;
  for (const name of names) {
    if (name === 'email_verified' || name === 'phone_number_verified') throw errors.notAuthorized(UNAUTHORIZED_WRITE);
    if (writable && writable.length > 0 && !writable.includes(name)) throw errors.notAuthorized(UNAUTHORIZED_WRITE);
  }
}

/** Whether a new value of `attribute` waits for verification before it replaces the old one. */
export function requiresVerificationBeforeUpdate(pool: UserPool, attribute: Verifiable): boolean {
  const settings = pool.settings.UserAttributeUpdateSettings;
  if (settings) return (settings.AttributesRequireVerificationBeforeUpdate ?? []).includes(attribute);
  // Beat (security.md P13): on by default for the attributes the pool verifies.
  return (pool.settings.AutoVerifiedAttributes ?? []).includes(attribute);
}

const NOTICE_SUBJECT = 'Your email address is being changed';

export async function updateUserAttributes(
  cognate: Ports<'clients' | 'clock' | 'codes' | 'log' | 'outbox' | 'store' | 'tokens' | 'triggers' | 'users'>,
  input: { AccessToken: string; UserAttributes: AttributeType[]; ClientMetadata?: Record<string, string> },
): Promise<{ CodeDeliveryDetailsList: CodeDeliveryDetails[] }> {
  const { pool, user, client } = await signedIn(cognate, input.AccessToken);
  assertWritable(client, input.UserAttributes.map((a) => a.Name));
  // A blank value deletes the attribute, as in AdminUpdateUserAttributes, and only where
  // DeleteUserAttributes could: a required attribute is never emptied. (A blank email or phone
  // number stays an invalid value, below.)
  const isBlank = (a: AttributeType) => (a.Value ?? '') === '' && a.Name !== 'email' && a.Name !== 'phone_number';
  const blank = [...new Set(input.UserAttributes.filter(isBlank).map((a) => a.Name))];
  if (blank.length > 0) assertDeletable(pool, blank, 'user');
  const values = validateAttributes(pool, input.UserAttributes.filter((a) => !isBlank(a)), 'user', { creating: false });
  for (const name of blank) values.delete(name);
  const autoVerified = pool.settings.AutoVerifiedAttributes ?? [];

  // What happens to each changed email / phone number: kept pending, or applied unverified.
  const pending: Destination[] = [];
  const applied: Destination[] = [];
  const unchanged: Verifiable[] = [];
  for (const attribute of ['email', 'phone_number'] as const) {
    const value = values.get(attribute);
    if (value === undefined) continue;
    if (value === '') throw errors.invalidParameter(attribute === 'email' ? 'Invalid email address format.' : 'Invalid phone number format.');
    values.delete(attribute);
    const destination: Destination = { medium: mediumOf(attribute), attribute, to: value };
    if (value === user.attributes.get(attribute)) unchanged.push(attribute);
    else if (requiresVerificationBeforeUpdate(pool, attribute)) pending.push(destination);
    else applied.push(destination);
  }

  // A code goes to every pending value, and to an applied one the pool verifies.
  const coded = [...pending, ...applied].filter((d) => pending.includes(d) || autoVerified.includes(d.attribute));
  const messages = coded.length > 0 ? await composeMessages(cognate, pool, { occasion: 'UpdateUserAttribute', user: { ...user, attributes: new Map([...user.attributes, ...values, ...applied.map((d) => [d.attribute, d.to] as const)]) }, clientId: client.id, clientMetadata: input.ClientMetadata }) : undefined;
  const now = cognate.clock.now();
  const deliveries = await cognate.store.transaction(async (trx) => {
    const out: CodeDeliveryDetails[] = [];
    for (const { attribute, to } of [...pending, ...applied]) {
      if ((pool.settings.UsernameAttributes ?? []).includes(attribute)) await assertNotHeldByAnother(cognate, trx, pool, user, attribute, to);
    }
    await cognate.users.setAttributes(trx, pool.id, user.sub, values);
    if (blank.length > 0) await cognate.users.deleteAttributes(trx, pool.id, user.sub, blank);
    // Any change (or a change taken back) kills the codes that would verify the previous value.
    for (const attribute of [...unchanged, ...pending.map((d) => d.attribute), ...applied.map((d) => d.attribute)]) {
      await userStore.deletePendingValue(trx, user.sub, attribute);
      await cognate.codes.invalidate(trx, { userId: user.sub, purpose: verifyPurpose(attribute) }, now);
    }
    for (const destination of applied) {
      await cognate.users.setAttributes(trx, pool.id, user.sub, new Map([[destination.attribute, destination.to], [`${destination.attribute}_verified`, 'false']]));
    }
    for (const destination of pending) {
      await userStore.setPendingValue(trx, { poolId: pool.id, userId: user.sub, attribute: destination.attribute, value: destination.to, now });
    }
    if (messages) {
      for (const destination of coded) {
        out.push(await sendCode(cognate, trx, { pool, userId: user.sub, username: user.username, purpose: verifyPurpose(destination.attribute), destination, messages, kind: 'UpdateUserAttribute' }, now));
      }
    }
    const oldEmail = user.attributes.get('email');
    const newEmail = [...pending, ...applied].find((d) => d.attribute === 'email');
    if (newEmail && oldEmail && user.attributes.get('email_verified') === 'true') {
      // Tell the verified address it is being replaced (security.md P13; ASVS 2.5.5).
      await cognate.outbox.enqueue(trx, {
        poolId: pool.id,
        channel: 'email',
        to: oldEmail,
        kind: 'AttributeChangeNotice',
        ...emailSender(pool),
        subject: NOTICE_SUBJECT,
        text: `A request was made to change the email address of your account ${user.username} to ${maskDestination('EMAIL', newEmail.to)}. If you didn't ask for this, change your password.`,
      });
    }
    await userStore.touchUser(trx, user.sub, now);
    return out;
  });
  cognate.outbox.kick();
  return { CodeDeliveryDetailsList: deliveries };
}

export async function deleteUserAttributes(cognate: Ports<'clients' | 'clock' | 'codes' | 'store' | 'tokens' | 'users'>, input: { AccessToken: string; UserAttributeNames: string[] }): Promise<Record<string, never>> {
  const { pool, user, client } = await signedIn(cognate, input.AccessToken);
  assertWritable(client, input.UserAttributeNames);
  assertDeletable(pool, input.UserAttributeNames, 'user');
  const names = new Set(input.UserAttributeNames);
  const now = cognate.clock.now();
  await cognate.store.transaction(async (trx) => {
    for (const attribute of ['email', 'phone_number'] as const) {
      if (!names.has(attribute)) continue;
      // Its verification flag, pending replacement and live codes go with it.
      names.add(`${attribute}_verified`);
      await userStore.deletePendingValue(trx, user.sub, attribute);
      await cognate.codes.invalidate(trx, { userId: user.sub, purpose: verifyPurpose(attribute) }, now);
    }
    await cognate.users.deleteAttributes(trx, pool.id, user.sub, [...names]);
    await userStore.touchUser(trx, user.sub, now);
  });
  return {};
}

