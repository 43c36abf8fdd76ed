/**
 * Cognito's request-rate quotas, per user pool (docs/rate-limits.md): which bucket a request
 * spends, TooManyRequestsException when it is empty, and GetProvisionedLimit /
 * UpdateProvisionedLimit. The counting is limiter.ts's.
 *
 * LimitDefinition is account-level in Cognito's API (it names no pool). Cognate serves one account:
 * a category's provisioned rate is set once and each user pool gets that rate of its own.
 */
import { CognitoError, errors } from '../../errors.js';
import type { Ports } from '../cognate.js';
import * as repo from '../../store/rate-limits.js';
import { CATEGORIES, CHALLENGE_RESPONSES, MANAGED_LOGIN_CATEGORY, OPERATION_CATEGORY, isCategory, tokenGrantCategory, type Category } from './categories.js';
import type { RateLimiter } from './limiter.js';
import { namesPool, type NamedPool } from '../request-pool.js';

export { RateLimiter } from './limiter.js';
export { CATEGORIES, OPERATION_CATEGORY, type Category } from './categories.js';

/** The scope of calls that name no user pool (CreateUserPool, ListUserPools, the limits themselves). */
const ACCOUNT = '*';

const tooManyRequests = () => new CognitoError('TooManyRequestsException', 'Too many requests');

/** Spends one request of `category` for `scope`, or throws TooManyRequestsException. */
function admit(limiter: RateLimiter, scope: string, category: Category, operation: string): void {
  const second = limiter.second();
  const rate = limiter.rate(category);
  // Cognito's special handling: challenge responses have their own allowance of three times the
  // UserAuthentication rate; only beyond it do they count against the category.
  if (CHALLENGE_RESPONSES.has(operation)) {
    const allowance = { key: `${scope}\u0000UserAuthentication.challenges`, limit: 3 * rate };
    if (limiter.hasRoom(allowance, second)) return limiter.take(allowance, second);
  }
  const main = { key: `${scope}\u0000${category}`, limit: rate };
  const perOperation = (CATEGORIES[category] as { perOperationLimit?: number }).perOperationLimit;
  const single = perOperation === undefined ? undefined : { key: `${scope}\u0000${operation}`, limit: perOperation };
  if (!limiter.hasRoom(main, second) || (single && !limiter.hasRoom(single, second))) throw tooManyRequests();
  limiter.take(main, second);
  if (single) limiter.take(single, second);
}

/**
 * The rate check of an API call, made after the signature and the model checks (so only well-formed,
 * authenticated calls spend a budget) and before the action. `named` is the pool the call names,
 * read once by the caller (domain/request-pool.ts). Memory only, but for the (cached) check that the
 * pool an access token names exists.
 */
export function checkApiRateLimit(cognate: Ports<'config' | 'rateLimits' | 'pools'>, service: string, operation: string, input: unknown, named: NamedPool | undefined): Promise<void> | undefined {
  if (!cognate.config.rateLimits || service !== 'cognito-idp') return undefined;
  const category = OPERATION_CATEGORY.get(operation);
  if (!category) return undefined;
  // A pool an access token names (unverified) must exist, or the call spends the account's budget,
  // so made-up issuers can't multiply the counters.
  if (named?.by === 'AccessToken') return cognate.pools.find(named.poolId).then((pool) => admit(cognate.rateLimits, pool ? named.poolId : ACCOUNT, category, operation));
  const body = (input ?? {}) as Record<string, unknown>;
  let scope = named?.poolId ?? ACCOUNT;
  if (!named && !namesPool(body) && typeof body.ResourceArn === 'string') scope = body.ResourceArn.slice(body.ResourceArn.lastIndexOf('/') + 1) || ACCOUNT;
  admit(cognate.rateLimits, scope, category, operation);
  return undefined;
}

/** The rate check of a token-endpoint request of `poolId`'s client (HTTP 429 there: protocol/oauth/token.ts). */
export function checkTokenEndpointRateLimit(cognate: Ports<'config' | 'rateLimits'>, poolId: string, grantType: string): void {
  if (!cognate.config.rateLimits) return;
  admit(cognate.rateLimits, poolId, tokenGrantCategory(grantType), 'oauth2/token');
}

/** The revocation endpoint spends UserToken, as RevokeToken does. */
export function checkRevokeEndpointRateLimit(cognate: Ports<'config' | 'rateLimits'>, poolId: string): void {
  if (!cognate.config.rateLimits) return;
  admit(cognate.rateLimits, poolId, 'UserToken', 'oauth2/revoke');
}

/**
 * The rate check of a managed-login form post or federation answer at `path` for `poolId`: whether
 * it may proceed (the page answers 429 when not: protocol/hosted-ui/page.ts).
 */
export function admitManagedLogin(cognate: Ports<'config' | 'rateLimits'>, poolId: string, path: string): boolean {
  const category = MANAGED_LOGIN_CATEGORY.get(path);
  if (!cognate.config.rateLimits || !category) return true;
  try {
    admit(cognate.rateLimits, poolId, category, path);
    return true;
  } catch {
    return false;
  }
}

export interface LimitDefinition {
  LimitClass: string;
  Attributes: Record<string, string>;
}

export interface LimitType {
  LimitDefinition: LimitDefinition;
  ProvisionedLimitValue: number;
  FreeLimitValue: number;
}

/** The category a LimitDefinition names: `Attributes` must be exactly `{ Category: <name> }`. */
function categoryOf(definition: LimitDefinition): Category {
  if (definition.LimitClass !== 'API_CATEGORY') throw errors.invalidParameter(`Invalid LimitClass: ${String(definition.LimitClass).slice(0, 64)}.`);
  const keys = Object.keys(definition.Attributes);
  const unknown = keys.find((k) => k !== 'Category');
  if (unknown !== undefined) throw errors.invalidParameter(`Invalid attribute for limit class API_CATEGORY: ${unknown.slice(0, 64)}. The only attribute is Category.`);
  const name = definition.Attributes.Category;
  if (name === undefined) throw errors.invalidParameter('LimitDefinition.Attributes must name the Category.');
  if (!isCategory(name)) throw errors.invalidParameter(`Invalid Category: ${name.slice(0, 64)}. Valid categories: ${Object.keys(CATEGORIES).join(', ')}.`);
  return name;
}

const limitOf = (category: Category, provisioned: number): LimitType => ({
  LimitDefinition: { LimitClass: 'API_CATEGORY', Attributes: { Category: category } },
  ProvisionedLimitValue: provisioned,
  FreeLimitValue: CATEGORIES[category].free,
});

export async function getProvisionedLimit(cognate: Ports<'store'>, input: { LimitDefinition: LimitDefinition }): Promise<LimitType> {
  const category = categoryOf(input.LimitDefinition);
  return limitOf(category, (await repo.findProvisioned(cognate.store.db, category)) ?? CATEGORIES[category].free);
}

/**
 * Sets a category's provisioned rate: only adjustable categories, from the free rate up to the
 * configured maximum (`--rate-limit-max-factor` × the free rate; Cognito's is the account's
 * maximum in Service Quotas). Applies on this node at once, on the others within a second.
 */
export async function updateProvisionedLimit(
  cognate: Ports<'store' | 'clock' | 'config' | 'rateLimits'>,
  input: { LimitDefinition: LimitDefinition; RequestedLimitValue: number },
): Promise<LimitType> {
  const category = categoryOf(input.LimitDefinition);
  const { free, adjustable } = CATEGORIES[category];
  if (!adjustable) throw errors.invalidParameter(`The ${category} category is not adjustable. Only adjustable quota categories support provisioning.`);
  const value = input.RequestedLimitValue;
  if (value < free) throw errors.invalidParameter(`RequestedLimitValue must be at least the free limit value of ${category}: ${free}.`);
  const maximum = free * cognate.config.rateLimitMaxFactor;
  if (value > maximum) throw new CognitoError('ServiceQuotaExceededException', `RequestedLimitValue exceeds the maximum limit value of ${category}: ${maximum}.`);
  await repo.setProvisioned(cognate.store.db, category, value, cognate.clock.now());
  cognate.rateLimits.setRate(category, value);
  return limitOf(category, value);
}
