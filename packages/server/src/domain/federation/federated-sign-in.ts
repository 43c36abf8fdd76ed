/**
 * A federated sign-in, after the provider's answer was verified (OIDC and social: oidc.ts,
 * social.ts; SAML: saml*.ts): the provider attributes, through the InboundFederation trigger and
 * the provider's AttributeMapping, become a user-pool user and a hosted session.
 *
 * 1. InboundFederation (`InboundFederation_ExternalProvider`): its `userAttributesToMap` replaces
 *    the provider attributes ({} keeps them) before they are mapped (user-pool-lambda-inbound-federation).
 * 2. The mapping: pool attribute ← provider attribute. A federated email or phone number is never
 *    taken as verified unless the mapping maps `email_verified` / `phone_number_verified` from a
 *    provider attribute that says so (security.md A24): an unmapped flag is `false`.
 * 3. The user: an identity linked to a user (AdminLinkProviderForUser, or the federated user's
 *    own identity) signs in as that user; else a new `<ProviderName>_<subject>` user in status
 *    EXTERNAL_PROVIDER, after PreSignUp (`PreSignUp_ExternalProvider`, which may refuse it, or link
 *    the identity to a native user itself: then the sign-in is that user's), with the `identities`
 *    attribute and membership of the `<poolId>_<ProviderName>` group, then PostConfirmation
 *    (`PostConfirmation_ConfirmSignUp`). A federated user's mapped attributes are refreshed on
 *    every sign-in; a linked native user's attributes are left as they are (their verified email
 *    is theirs, not the provider's).
 * 4. PostAuthentication, and a hosted session (PreTokenGeneration runs when its tokens are minted).
 *
 * Nothing links automatically to an existing account, confirmed or not (A24): only an
 * administrator (AdminLinkProviderForUser, which refuses an unconfirmed destination) links.
 */
import { randomUUID } from 'node:crypto';
import { CognitoError, errors } from '../../errors.js';
import * as groupStore from '../../store/groups.js';
import type { Executor } from '../../store/db.js';
import type { Cognate, Ports } from '../cognate.js';
import type { AppClient } from '../app-clients.js';
import type { HostedSignedIn } from '../oauth/hosted-sign-in.js';
import { startHostedSession } from '../oauth/hosted-sessions.js';
import { postConfirmation } from '../sign-up.js';
import { postAuthentication } from '../token-generation.js';
import { withoutRequired } from '../new-users.js';
import { validateAttributes, type User } from '../users.js';
import type { UserPool } from '../user-pools.js';
import { booleanField, runTrigger, stringMapField } from '../../triggers/triggers.js';
import { findLinkedUser, linkOwnIdentity, settleLink } from './links.js';
import type { IdentityProvider } from './providers.js';
import { servingRole } from '../replicas/serving-region.js';
import { primaryRegion } from '../replicas/replicas.js';

export type ProviderClaims = Record<string, string | string[]>;

/** What the provider sent, by source, for the InboundFederation event; without it, `claims` stand for the ID token (SAML: the assertion). */
export interface ProviderSources {
  tokenResponse?: Record<string, string>;
  idToken?: Record<string, string>;
  userInfo?: Record<string, string>;
  samlResponse?: Record<string, string>;
}

export interface FederatedSignInInput {
  pool: UserPool;
  client: AppClient;
  provider: IdentityProvider;
  /** the provider's stable user id (sub, NameID, …) */
  subject: string;
  /** the verified provider attributes, before mapping */
  claims: ProviderClaims;
  /** the browser's hosted-session cookie */
  previousSecret?: string | undefined;
  /** the provider's answer by source, for the InboundFederation trigger's event */
  sources?: ProviderSources | undefined;
  /** a SAML identity's issuer (the IdP's entity ID), which the `identities` attribute and claim name; OIDC and social: none (null, as Cognito's) */
  issuer?: string | undefined;
}

/** The group Cognito puts a provider's federated users in. */
export const providerGroupName = (pool: UserPool, providerName: string) => `${pool.id}_${providerName}`;

/** The username of a provider's federated user. */
export const federatedUsername = (provider: Pick<IdentityProvider, 'name'>, subject: string) => `${provider.name}_${subject}`;

/** A provider attribute as one string: multi-valued ones (SAML) joined with commas. */
const single = (v: string | string[] | undefined): string | undefined => (v === undefined ? undefined : Array.isArray(v) ? v.join(',') : v);

const flat = (claims: ProviderClaims): Record<string, string> => Object.fromEntries(Object.entries(claims).map(([k, v]) => [k, single(v)!]));

/** A verified-flag value from a provider: `true` only if the provider said so (a JSON boolean true, or the string "true"). */
const saysTrue = (v: string | undefined) => v !== undefined && v.trim().toLowerCase() === 'true';

/**
 * InboundFederation: the function gets the provider's attributes and answers `userAttributesToMap`,
 * which replaces them (an empty object keeps them).
 */
async function inboundFederation(cognate: Ports<'log' | 'triggers'>, input: FederatedSignInInput): Promise<ProviderClaims> {
  const sources = input.sources ?? (input.provider.type === 'SAML' ? { samlResponse: flat(input.claims) } : { idToken: flat(input.claims) });
  const response = await runTrigger(cognate, input.pool, 'InboundFederation', {
    source: 'InboundFederation_ExternalProvider',
    userName: federatedUsername(input.provider, input.subject),
    clientId: input.client.id,
    request: { providerName: input.provider.name, providerType: input.provider.type, attributes: sources },
    response: { userAttributesToMap: {} },
  });
  if (!response) return input.claims;
  const mapped = stringMapField(response, 'userAttributesToMap');
  if (!mapped || Object.keys(mapped).length === 0) return input.claims;
  return mapped;
}

/**
 * The pool attributes the provider's mapping gives. The app client must be able to write every
 * mapped attribute that has a value ("If your app client does not have write access to a mapped
 * attribute, Amazon Cognito throws an error when it tries to update the attribute",
 * UserPoolClientType.WriteAttributes; all when unset, as elsewhere in Cognate). Verified flags only
 * from a mapped provider fact (A24).
 */
export function mapAttributes(pool: UserPool, client: AppClient, provider: IdentityProvider, claims: ProviderClaims): Map<string, string> {
  const out = new Map<string, string>();
  const writable = client.settings.WriteAttributes;
  for (const [poolAttribute, providerAttribute] of Object.entries(provider.attributeMapping)) {
    if (poolAttribute === 'username') continue;
    const value = single(claims[providerAttribute]);
    if (value === undefined) continue;
    if (writable && writable.length > 0 && !writable.includes(poolAttribute)) throw errors.invalidParameter(`Invalid user attributes: the app client cannot write the mapped attribute ${poolAttribute}.`);
    if (poolAttribute === 'email_verified' || poolAttribute === 'phone_number_verified') out.set(poolAttribute, saysTrue(value) ? 'true' : 'false');
    else out.set(poolAttribute, value);
  }
  for (const [attribute, flag] of [['email', 'email_verified'], ['phone_number', 'phone_number_verified']] as const) {
    if (out.has(attribute) && !out.has(flag) && pool.settings.SchemaAttributes.some((a) => a.Name === flag)) out.set(flag, 'false');
    if (!out.has(attribute)) out.delete(flag);
  }
  return out;
}

/** PreSignUp_ExternalProvider: it may refuse the user, or mark the mapped email or phone number verified. */
async function preSignUp(cognate: Ports<'log' | 'triggers'>, input: FederatedSignInInput, username: string, attributes: Map<string, string>): Promise<void> {
  const response = await runTrigger(cognate, input.pool, 'PreSignUp', {
    source: 'PreSignUp_ExternalProvider',
    userName: username,
    clientId: input.client.id,
    request: { userAttributes: Object.fromEntries(attributes), validationData: null, clientMetadata: null },
    response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
  });
  if (!response) return;
  booleanField(response, 'autoConfirmUser');
  if (booleanField(response, 'autoVerifyEmail') && attributes.has('email')) attributes.set('email_verified', 'true');
  if (booleanField(response, 'autoVerifyPhone') && attributes.has('phone_number')) attributes.set('phone_number_verified', 'true');
}

async function joinProviderGroup(trx: Executor, pool: UserPool, provider: IdentityProvider, sub: string, now: number): Promise<void> {
  const name = providerGroupName(pool, provider.name);
  if (!(await groupStore.findGroupRow(trx, pool.id, name))) {
    await groupStore.insertGroup(trx, { pool_id: pool.id, name, description: `Autogenerated group for users who sign in using ${provider.name}`, role_arn: null, precedence: null, created_at: now, updated_at: now });
  }
  await groupStore.addMembership(trx, { pool_id: pool.id, group_name: name, user_id: sub, created_at: now });
}

/** A federated user's mapped attributes, written again (immutable ones only while unset). */
async function refreshAttributes(cognate: Ports<'clock' | 'store' | 'users'>, pool: UserPool, user: User, mapped: Map<string, string>): Promise<User> {
  const schema = new Map(pool.settings.SchemaAttributes.map((a) => [a.Name, a]));
  const changed = new Map<string, string>();
  for (const [name, value] of mapped) {
    if (user.attributes.get(name) === value) continue;
    if (schema.get(name)?.Mutable === false && user.attributes.has(name)) continue;
    changed.set(name, value);
  }
  if (changed.size === 0) return user;
  // Checked as a creation's values (immutable ones were filtered above) without the required ones: only the changes are here.
  const valid = validateAttributes(withoutRequired(pool), [...changed].map(([Name, Value]) => ({ Name, Value })), 'admin', { creating: true });
  const now = cognate.clock.now();
  await cognate.store.transaction((trx) => cognate.users.setAttributes(trx, pool.id, user.sub, valid, { now }));
  return { ...user, attributes: new Map([...user.attributes, ...valid]) };
}

async function createFederatedUser(cognate: Cognate, input: FederatedSignInInput, providerClaims: ProviderClaims, mapped: Map<string, string>): Promise<User> {
  const { pool, provider, subject } = input;
  // A secondary replica creates no user: a federated user signs in there only after a first sign-in at the primary (docs/replicas.md).
  if ((await servingRole(cognate, pool.id, cognate.config.region)) === 'secondary') {
    throw new CognitoError('OperationNotEnabledException', `A first federated sign-in creates the user, which the secondary replica in ${cognate.config.region} can't: sign in through the primary region ${primaryRegion(pool.id)} first.`);
  }
  const username = federatedUsername(provider, subject);
  const attributes = validateAttributes(pool, [...mapped].map(([Name, Value]) => ({ Name, Value })), 'admin', { creating: true });
  await preSignUp(cognate, input, username, attributes);
  // PreSignUp may have linked the identity to a native user (AdminLinkProviderForUser in the
  // function, the developer guide's way to merge users): then the sign-in is that user's.
  const linked = await findLinkedUser(cognate, pool, provider.name, subject, providerClaims);
  if (linked) {
    await settleLink(cognate, pool, linked.link, subject, input.issuer ?? null);
    return linked.user;
  }
  const sub = randomUUID();
  const now = cognate.clock.now();
  try {
    await cognate.store.transaction(async (trx) => {
      await cognate.users.insert(trx, pool, { sub, username, status: 'EXTERNAL_PROVIDER', attributes }, now);
      await linkOwnIdentity(cognate, trx, pool, { providerName: provider.name, subject, sub, issuer: input.issuer ?? null, now });
      await joinProviderGroup(trx, pool, provider, sub, now);
    });
  } catch (e) {
    // Two first sign-ins of one identity crossed: the other made the user.
    if (e instanceof CognitoError && (e.name === 'UsernameExistsException' || e.name === 'AliasExistsException')) {
      const existing = await cognate.users.findByUsername(pool, username);
      if (existing && existing.status === 'EXTERNAL_PROVIDER') return existing;
    }
    throw e;
  }
  await postConfirmation(cognate, pool, sub, 'PostConfirmation_ConfirmSignUp', input.client.id, undefined);
  const user = await cognate.users.findBySub(pool.id, sub);
  if (!user) throw errors.notAuthorized('User does not exist.');
  return user;
}

/** The user this verified identity signs in as: a linked one, the federated user, or a new federated user. */
async function resolveUser(cognate: Cognate, input: FederatedSignInInput, providerClaims: ProviderClaims, mapped: Map<string, string>): Promise<User> {
  const { pool, provider, subject } = input;
  const linked = await findLinkedUser(cognate, pool, provider.name, subject, providerClaims);
  if (linked) {
    await settleLink(cognate, pool, linked.link, subject, input.issuer ?? null);
    return linked.user.status === 'EXTERNAL_PROVIDER' ? refreshAttributes(cognate, pool, linked.user, mapped) : linked.user;
  }
  // A federated user whose identity row went with a deleted provider of the same name.
  const existing = await cognate.users.findByUsername(pool, federatedUsername(provider, subject));
  if (existing && existing.status === 'EXTERNAL_PROVIDER') {
    await cognate.store.transaction((trx) => linkOwnIdentity(cognate, trx, pool, { providerName: provider.name, subject, sub: existing.sub, issuer: input.issuer ?? null, now: cognate.clock.now() }));
    return refreshAttributes(cognate, pool, existing, mapped);
  }
  return createFederatedUser(cognate, input, providerClaims, mapped);
}

export async function federatedSignIn(cognate: Cognate, input: FederatedSignInInput): Promise<HostedSignedIn> {
  const { pool, client, provider } = input;
  if (input.subject === '' || provider.poolId !== pool.id || client.poolId !== pool.id) throw errors.notAuthorized('Invalid federated identity.');
  const providerClaims = await inboundFederation(cognate, input);
  const mapped = mapAttributes(pool, client, provider, providerClaims);
  const user = await resolveUser(cognate, input, providerClaims, mapped);
  if (!user.enabled) throw errors.notAuthorized('User is disabled.');
  // A24: a link never serves an account that isn't confirmed.
  if (user.status !== 'CONFIRMED' && user.status !== 'EXTERNAL_PROVIDER') throw errors.notAuthorized('User is not confirmed.');
  await postAuthentication(cognate, { pool, client, user, clientMetadata: undefined, newDeviceUsed: false });
  // Cognito's tokens for a federated sign-in carry no `amr`.
  const { secret, session } = await startHostedSession(cognate, { pool, client, user, amr: [], authTimeMs: cognate.clock.now(), previousSecret: input.previousSecret });
  return { kind: 'signed-in', user, session, secret };
}
