/**
 * Users' identities at external providers: the `identities` attribute, AdminLinkProviderForUser
 * and AdminDisableProviderForUser.
 *
 * A federated user (`<ProviderName>_<subject>`, EXTERNAL_PROVIDER) holds one identity, its own:
 * `(provider, Cognito_Subject, subject)`. AdminLinkProviderForUser gives a native user an identity
 * of a provider, by the provider's subject (`Cognito_Subject`) or by another provider attribute
 * (a SAML attribute, `email` …); the next federated sign-in that matches it signs in as the native
 * user, and a link made by an attribute becomes a link by subject (API_AdminDisableProviderForUser:
 * "If the user has already signed in, the ProviderAttributeName must be Cognito_Subject").
 *
 * The `identities` attribute is the JSON list of a user's identities, as Cognito writes it
 * (API_AdminGetUser's example: userId, providerName, providerType, issuer, primary, dateCreated);
 * it is rewritten from the links whenever they change.
 */
import { CognitoError, errors } from '../../errors.js';
import type { Executor } from '../../store/db.js';
import * as linkStore from '../../store/provider-links.js';
import * as providerStore from '../../store/identity-providers.js';
import * as userStore from '../../store/users.js';
import { adminUser } from '../admin-users.js';
import type { Ports } from '../cognate.js';
import type { User } from '../users.js';
import type { UserPool } from '../user-pools.js';

export const COGNITO_SUBJECT = 'Cognito_Subject';

/** The most identities one user may be linked to (API_AdminLinkProviderForUser). */
export const MAX_LINKS = 5;

/** An entry of the `identities` attribute. */
export interface UserIdentity {
  userId: string;
  providerName: string;
  providerType: string;
  issuer: string | null;
  primary: boolean;
  dateCreated: number;
}

/** The `identities` attribute's entries for a user's links (oldest first, the first one primary). */
export async function identitiesOf(db: Executor, poolId: string, sub: string): Promise<UserIdentity[]> {
  const links = await linkStore.ofUser(db, sub);
  if (links.length === 0) return [];
  const providers = await providerStore.list(db, poolId);
  const typeOf = new Map(providers.map((p) => [p.row.name, p.row.type]));
  return links.map((l, i) => ({
    userId: l.attribute_value,
    providerName: l.provider_name,
    providerType: typeOf.get(l.provider_name) ?? 'OIDC',
    issuer: l.issuer ?? null,
    primary: i === 0,
    dateCreated: Number(l.created_at),
  }));
}

/** Rewrites a user's `identities` attribute from their links (removes it when they have none). */
export async function writeIdentities(cognate: Ports<'users'>, trx: Executor, poolId: string, sub: string, now: number): Promise<void> {
  const identities = await identitiesOf(trx, poolId, sub);
  if (identities.length === 0) await cognate.users.deleteAttributes(trx, poolId, sub, ['identities']);
  else await cognate.users.setAttributes(trx, poolId, sub, new Map([['identities', JSON.stringify(identities)]]), { now });
}

/**
 * The user a verified federated identity signs in as through a link: a link by the provider's
 * subject, else by one of the provider attributes the sign-in brought. Undefined when none.
 */
export async function findLinkedUser(
  cognate: Ports<'store' | 'users'>,
  pool: UserPool,
  providerName: string,
  subject: string,
  claims: Record<string, string | string[]>,
): Promise<{ user: User; link: linkStore.ProviderLinkRow } | undefined> {
  const candidates = [{ name: COGNITO_SUBJECT, value: subject }];
  for (const [name, value] of Object.entries(claims)) {
    if (name === COGNITO_SUBJECT) continue;
    for (const v of Array.isArray(value) ? value : [value]) if (typeof v === 'string' && v !== '') candidates.push({ name, value: v });
  }
  // The subject link first: it is exact; attribute links are tried in the order they were made.
  const link = (await linkStore.find(cognate.store.db, pool.id, providerName, COGNITO_SUBJECT, subject)) ?? (await linkStore.findAny(cognate.store.db, pool.id, providerName, candidates.slice(1)));
  if (!link) return undefined;
  const user = await cognate.users.findBySub(pool.id, link.user_id);
  return user ? { user, link } : undefined;
}

/**
 * After a sign-in through a link: an attribute link becomes a link by subject (same user, same
 * date), and the identity's issuer (SAML) is recorded, so the `identities` attribute says it.
 */
export async function settleLink(cognate: Ports<'clock' | 'store' | 'users'>, pool: UserPool, link: linkStore.ProviderLinkRow, subject: string, issuer: string | null): Promise<void> {
  if (link.attribute_name === COGNITO_SUBJECT && (link.issuer ?? null) === issuer) return;
  await cognate.store.transaction(async (trx) => {
    if (link.attribute_name === COGNITO_SUBJECT) {
      await linkStore.setIssuer(trx, pool.id, link.provider_name, subject, issuer);
    } else {
      if (!(await linkStore.remove(trx, pool.id, link.provider_name, link.attribute_name, link.attribute_value))) return;
      await linkStore.insert(trx, { ...link, attribute_name: COGNITO_SUBJECT, attribute_value: subject, issuer });
    }
    await writeIdentities(cognate, trx, pool.id, link.user_id, cognate.clock.now());
  });
}

/** A federated user's own identity, made when the user is created. */
export async function linkOwnIdentity(cognate: Ports<'users'>, trx: Executor, pool: UserPool, p: { providerName: string; subject: string; sub: string; issuer: string | null; now: number }): Promise<void> {
  const outcome = await linkStore.insert(trx, { pool_id: pool.id, provider_name: p.providerName, attribute_name: COGNITO_SUBJECT, attribute_value: p.subject, user_id: p.sub, issuer: p.issuer, created_at: p.now });
  if (outcome === 'taken') throw new CognitoError('AliasExistsException', 'This federated identity is already linked to another user.');
  await writeIdentities(cognate, trx, pool.id, p.sub, p.now);
}


/** A ProviderUserIdentifierType: `{ProviderName, ProviderAttributeName, ProviderAttributeValue}`. */
export interface ProviderUser {
  ProviderName?: string;
  ProviderAttributeName?: string;
  ProviderAttributeValue?: string;
}

const SOCIAL_TYPES: ReadonlySet<string> = new Set(['Google', 'Facebook', 'LoginWithAmazon', 'SignInWithApple']);
const isCognito = (name: string | undefined) => name?.toLowerCase() === 'cognito';

/** The provider a SourceUser / User names, and its attribute (Cognito_Subject for social providers, API_AdminDisableProviderForUser). */
async function providerIdentity(cognate: Ports<'store'>, pool: UserPool, who: ProviderUser, role: string): Promise<{ providerName: string; attributeName: string; attributeValue: string }> {
  const providerName = who.ProviderName ?? '';
  const attributeName = who.ProviderAttributeName ?? '';
  const attributeValue = who.ProviderAttributeValue ?? '';
  if (providerName === '' || attributeName === '' || attributeValue === '') throw errors.invalidParameter(`${role} needs ProviderName, ProviderAttributeName and ProviderAttributeValue.`);
  const stored = await providerStore.find(cognate.store.db, pool.id, providerName);
  if (!stored) throw errors.invalidParameter(`The provider ${providerName} does not exist for User Pool ${pool.id}`);
  if (SOCIAL_TYPES.has(stored.row.type) && attributeName !== COGNITO_SUBJECT) throw errors.invalidParameter(`The ProviderAttributeName must be ${COGNITO_SUBJECT} for a provider of type ${stored.row.type}.`);
  if (attributeValue.length > 1024) throw errors.invalidParameter('ProviderAttributeValue is too long.');
  return { providerName, attributeName, attributeValue };
}

/**
 * AdminLinkProviderForUser: the destination is a native user of the pool (ProviderName `Cognito`,
 * ProviderAttributeValue the username), the source an identity of one of the pool's providers.
 *
 * Refused: a Cognito source ("Invalid SourceUser …", Cognito's message); a federated destination;
 * a destination that isn't CONFIRMED — an unconfirmed account proves nobody owns its email, so an
 * identity is never linked to it, by an administrator or by a PreSignUp function matching emails
 * (security.md A24). Such an account is reclaimed only by confirming it (the code goes to the
 * address, which the victim holds) or by an administrator deleting it; meanwhile the federated
 * sign-in makes its own user. An identity that already names another user is refused
 * (AliasExistsException); a source that has signed in already (its federated user exists) can't be
 * merged ("Merging is not currently supported …"); linking the same pair again changes nothing. A
 * user holds at most five linked identities (LimitExceededException).
 */
export async function adminLinkProviderForUser(cognate: Ports<'clock' | 'pools' | 'store' | 'users'>, input: { UserPoolId: string; DestinationUser: ProviderUser; SourceUser: ProviderUser }): Promise<void> {
  const pool = await cognate.pools.get(input.UserPoolId);
  if (isCognito(input.SourceUser.ProviderName)) throw errors.invalidParameter('Invalid SourceUser: Cognito users with a username/password may not be passed in as a SourceUser, only as a DestinationUser');
  if (!isCognito(input.DestinationUser.ProviderName)) throw errors.invalidParameter('Invalid DestinationUser: only a Cognito user (ProviderName Cognito) may be a DestinationUser');
  const destinationName = input.DestinationUser.ProviderAttributeValue ?? '';
  if (destinationName === '') throw errors.invalidParameter('DestinationUser needs the ProviderAttributeValue of the username.');
  if (input.DestinationUser.ProviderAttributeName !== undefined && input.DestinationUser.ProviderAttributeName !== COGNITO_SUBJECT) {
    throw errors.invalidParameter(`The ProviderAttributeName of a DestinationUser must be ${COGNITO_SUBJECT} when given.`);
  }
  const source = await providerIdentity(cognate, pool, input.SourceUser, 'SourceUser');
  const destination = await adminUser(cognate, pool, destinationName);
  if (destination.status === 'EXTERNAL_PROVIDER') throw errors.invalidParameter('Invalid DestinationUser: a federated user can not be a DestinationUser.');
  if (destination.status !== 'CONFIRMED') throw errors.invalidParameter(`Invalid DestinationUser: the user is ${destination.status}; only a confirmed user can be linked to a federated identity.`);
  const now = cognate.clock.now();
  await cognate.store.transaction(async (trx) => {
    const existing = await linkStore.find(trx, pool.id, source.providerName, source.attributeName, source.attributeValue);
    if (existing?.user_id === destination.sub) return;
    if (existing) {
      const holder = await userStore.userStatus(trx, existing.user_id);
      if (holder?.status === 'EXTERNAL_PROVIDER') throw errors.invalidParameter('Merging is not currently supported, provide a SourceUser that has not been linked yet');
      throw new CognitoError('AliasExistsException', 'The SourceUser is already linked to another user.');
    }
    if (source.attributeName === COGNITO_SUBJECT && (await cognate.users.findByUsername(pool, `${source.providerName}_${source.attributeValue}`, trx))) {
      throw errors.invalidParameter('Merging is not currently supported, provide a SourceUser that has not been linked yet');
    }
    if ((await linkStore.ofUser(trx, destination.sub)).length >= MAX_LINKS) throw errors.limitExceeded(`A user can be linked to at most ${MAX_LINKS} federated identities.`);
    if ((await linkStore.insert(trx, { pool_id: pool.id, provider_name: source.providerName, attribute_name: source.attributeName, attribute_value: source.attributeValue, user_id: destination.sub, issuer: null, created_at: now })) === 'taken') {
      throw new CognitoError('AliasExistsException', 'The SourceUser is already linked to another user.');
    }
    await writeIdentities(cognate, trx, pool.id, destination.sub, now);
  });
}

/**
 * AdminDisableProviderForUser. For a provider's identity: a link to a native user is removed (the
 * next sign-in with it makes a new federated user); a federated user's own identity disables that
 * user, so signing in with the provider is refused ("User is disabled.") until AdminEnableUser.
 * For `Cognito` / `Cognito_Subject` / a username: the native user is disabled, so the password no
 * longer signs in. No such identity: UserNotFoundException.
 */
export async function adminDisableProviderForUser(cognate: Ports<'clock' | 'pools' | 'store' | 'users'>, input: { UserPoolId: string; User: ProviderUser }): Promise<void> {
  const pool = await cognate.pools.get(input.UserPoolId);
  const now = cognate.clock.now();
  if (isCognito(input.User.ProviderName)) {
    if (input.User.ProviderAttributeName !== COGNITO_SUBJECT) throw errors.invalidParameter(`To disable a Cognito user, the ProviderAttributeName must be ${COGNITO_SUBJECT}.`);
    const user = await cognate.users.findByUsername(pool, input.User.ProviderAttributeValue ?? '');
    if (!user || user.status === 'EXTERNAL_PROVIDER') throw errors.userNotFound();
    await cognate.store.transaction((trx) => userStore.disableUser(trx, user.sub, now));
    return;
  }
  const identity = await providerIdentity(cognate, pool, input.User, 'User');
  await cognate.store.transaction(async (trx) => {
    const link = await linkStore.find(trx, pool.id, identity.providerName, identity.attributeName, identity.attributeValue);
    if (!link) throw errors.userNotFound();
    const holder = await userStore.userStatus(trx, link.user_id);
    if (holder?.status === 'EXTERNAL_PROVIDER') {
      await userStore.disableUser(trx, link.user_id, now);
      return;
    }
    await linkStore.remove(trx, pool.id, identity.providerName, identity.attributeName, identity.attributeValue);
    await writeIdentities(cognate, trx, pool.id, link.user_id, now);
  });
}
