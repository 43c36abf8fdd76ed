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
import { CognitoError } from '../../errors.js';
import type { Executor } from '../../store/db.js';
import * as linkStore from '../../store/provider-links.js';
import * as providerStore from '../../store/identity-providers.js';
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
    issuer: null,
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

/** The `identities` claim of an ID token: the attribute's entries with string values, as Cognito's tokens carry them. */
export function identitiesClaim(attribute: string | undefined): Record<string, string | null>[] | undefined {
  if (!attribute) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(attribute);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length === 0) return undefined;
  return parsed.map((e: Record<string, unknown>) => ({
    dateCreated: String(e.dateCreated),
    userId: String(e.userId),
    providerName: String(e.providerName),
    providerType: String(e.providerType),
    issuer: typeof e.issuer === 'string' ? e.issuer : null,
    primary: String(e.primary === true),
  }));
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

/** Makes an attribute link into a link by subject after its first sign-in (same user, same date). */
export async function settleLink(cognate: Ports<'store' | 'users'>, pool: UserPool, link: linkStore.ProviderLinkRow, subject: string): Promise<void> {
  if (link.attribute_name === COGNITO_SUBJECT) return;
  await cognate.store.transaction(async (trx) => {
    if (!(await linkStore.remove(trx, pool.id, link.provider_name, link.attribute_name, link.attribute_value))) return;
    await linkStore.insert(trx, { ...link, attribute_name: COGNITO_SUBJECT, attribute_value: subject });
    await writeIdentities(cognate, trx, pool.id, link.user_id, Number(link.created_at));
  });
}

/** A federated user's own identity, made when the user is created. */
export async function linkOwnIdentity(cognate: Ports<'users'>, trx: Executor, pool: UserPool, p: { providerName: string; subject: string; sub: string; now: number }): Promise<void> {
  const outcome = await linkStore.insert(trx, { pool_id: pool.id, provider_name: p.providerName, attribute_name: COGNITO_SUBJECT, attribute_value: p.subject, user_id: p.sub, created_at: p.now });
  if (outcome === 'taken') throw new CognitoError('AliasExistsException', 'This federated identity is already linked to another user.');
  await writeIdentities(cognate, trx, pool.id, p.sub, p.now);
}

