/**
 * Who calls a Sync action, as the push/streams/events actions need it, and the errors they share.
 * Cognito Sync splits its API by credentials: the push actions (RegisterDevice, Subscribe…) take
 * only an identity's temporary credentials, and only for that identity; the configuration actions
 * (Set/GetIdentityPoolConfiguration, Set/GetCognitoEvents, BulkPublish…) only developer credentials.
 */
import { CognitoError, errors } from '../errors.js';
import type { Executor } from '../store/db.js';
import { findIdentityPool } from '../store/identity-pools.js';
import { findIdentity } from '../store/identities.js';

/** The verified caller: the admin (developer) keys, or an identity's credentials from the broker. */
export type SyncCaller = { kind: 'developer' } | { kind: 'identity'; identityId: string };

/** Sync's NotAuthorizedException: HTTP 403 on the restJson1 wire, as the model says. */
export const syncNotAuthorized = (message: string) => new CognitoError('NotAuthorizedException', message, 403);
/** Sync's ResourceNotFoundException: HTTP 404, as the model says. */
export const syncNotFound = (message: string) => new CognitoError('ResourceNotFoundException', message, 404);
export const syncInvalidParameter = (message: string) => errors.invalidParameter(message);

/** Refuses identity credentials: a developer-only action. */
export function requireDeveloper(caller: SyncCaller): void {
  if (caller.kind !== 'developer') throw syncNotAuthorized('This API can only be called with developer credentials.');
}

/**
 * Refuses developer credentials and any identity but the one the request names (same answer
 * whether the named identity exists or not), then checks that it belongs to the named pool.
 */
export async function requireIdentity(db: Executor, caller: SyncCaller, identityPoolId: string, identityId: string): Promise<void> {
  if (caller.kind !== 'identity') throw syncNotAuthorized('This API can only be called with temporary credentials provided by Cognito Identity.');
  if (caller.identityId !== identityId) throw syncNotAuthorized(`Access to Identity '${identityId}' is forbidden.`);
  const identity = await findIdentity(db, identityId);
  if (!identity || identity.poolId !== identityPoolId) throw syncNotAuthorized(`Access to Identity '${identityId}' is forbidden.`);
}

/** The identity pool must exist. */
export async function requirePool(db: Executor, identityPoolId: string): Promise<void> {
  if (!(await findIdentityPool(db, identityPoolId))) throw syncNotFound(`IdentityPool '${identityPoolId}' not found.`);
}

/** A string member of an input that the model validator has already type-checked; still refuses non-strings. */
export function stringMember(value: unknown, name: string, opts: { min?: number; max?: number; pattern?: RegExp } = {}): string {
  if (typeof value !== 'string') throw syncInvalidParameter(`${name} is required and must be a string.`);
  if (value.length < (opts.min ?? 1)) throw syncInvalidParameter(`${name} must not be empty.`);
  if (opts.max !== undefined && value.length > opts.max) throw syncInvalidParameter(`${name} must be at most ${opts.max} characters.`);
  if (opts.pattern && !opts.pattern.test(value)) throw syncInvalidParameter(`${name} is not valid.`);
  return value;
}

export const IDENTITY_ID = /^[\w-]+:[0-9a-f-]+$/;
export const DATASET_NAME = /^[a-zA-Z0-9_.:-]+$/;
