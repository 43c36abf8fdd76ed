/**
 * Who calls the Sync API and what they may touch. Every request is SigV4-signed for the service
 * `cognito-sync`, either
 * - with an identity's temporary credentials from the built-in broker (identity/credentials.ts):
 *   the caller may touch only its own identity's data (the IdentityPoolId and IdentityId of the
 *   URI must be the session's), and only where the role's policies allow `cognito-sync:<Action>`
 *   on the resource (`arn:aws:cognito-sync:<region>:<account>:identitypool/<pool>/identity/<id>/dataset/<name>`),
 *   evaluated with the session's condition keys (`${cognito-identity.amazonaws.com:sub}` ...); or
 * - with the admin keys: a developer call, pool-wide.
 * Principal facts come only from the verified session token, never from the request.
 */
import { CognitoError } from '../errors.js';
import type { Cognate } from '../domain/cognate.js';
import { ACCOUNT_ID } from '../domain/account.js';
import { adminSigningSecret, verifySigV4, type SignedRequest } from '../protocol/sigv4.js';
import type { SessionClaims } from '../identity/credentials.js';
import { evaluate } from '../identity/policy.js';
import { sessionContext } from '../identity/verifier.js';
import { syncErrors } from './errors.js';

export type SyncCaller = { kind: 'developer' } | { kind: 'identity'; identityId: string; poolId: string; session: SessionClaims };

/** The signing name of the service (the SDK's `signingName`). */
export const SYNC_SIGNING_NAME = 'cognito-sync';

/** Checks the request's signature and returns who signed it and for which region. */
export async function authenticate(cognate: Pick<Cognate, 'admin' | 'clock' | 'config' | 'identity'>, req: SignedRequest): Promise<{ caller: SyncCaller; region: string }> {
  const admin = adminSigningSecret(cognate.admin);
  const now = cognate.clock.now();
  const verified = await verifySigV4(req, {
    services: [SYNC_SIGNING_NAME],
    now,
    regions: [cognate.config.region, ...cognate.config.extraRegions],
    lookup: async (accessKeyId, sessionToken) => {
      const developer = await admin(accessKeyId, sessionToken);
      if (developer) return developer;
      if (!sessionToken) return undefined;
      const claims = cognate.identity.builtIn.open(sessionToken);
      if (!claims || claims.k !== accessKeyId) return undefined;
      if (claims.e <= now) throw new CognitoError('ExpiredTokenException', 'The security token included in the request is expired', 403);
      return { secretAccessKey: claims.s, principal: claims };
    },
  });
  if (verified.principal === 'admin') return { caller: { kind: 'developer' }, region: verified.region };
  const session = verified.principal as SessionClaims;
  return { caller: { kind: 'identity', identityId: session.i, poolId: session.p, session }, region: verified.region };
}

/** The ARN a Sync request acts on: the dataset, else the identity, else the identity pool. */
export function syncResourceArn(region: string, input: { IdentityPoolId?: string; IdentityId?: string; DatasetName?: string }): string {
  let arn = `arn:aws:cognito-sync:${region}:${ACCOUNT_ID}:identitypool/${input.IdentityPoolId ?? '*'}`;
  if (input.IdentityId !== undefined) arn += `/identity/${input.IdentityId}`;
  if (input.DatasetName !== undefined) arn += `/dataset/${input.DatasetName}`;
  return arn;
}

/**
 * Refuses a call the caller may not make: developer-only actions for identities, another
 * identity's (or pool's) data, and whatever the role's policies don't allow.
 */
export async function authorize(
  cognate: Pick<Cognate, 'identity'>,
  caller: SyncCaller,
  action: { name: string; callers: 'identity' | 'developer' },
  input: { IdentityPoolId?: string; IdentityId?: string; DatasetName?: string },
  region: string,
): Promise<void> {
  if (caller.kind === 'developer') return;
  if (action.callers === 'developer') throw syncErrors.notAuthorized(`${action.name} can only be called with developer credentials.`);
  if (input.IdentityPoolId !== caller.poolId || input.IdentityId !== caller.identityId) {
    throw syncErrors.notAuthorized(`Access to Identity '${input.IdentityId ?? ''}' is forbidden.`);
  }
  const role = await cognate.identity.roles.find(caller.session.r);
  const resource = syncResourceArn(region, input);
  const decision = role ? evaluate(Object.values(role.policies), `cognito-sync:${action.name}`, resource, sessionContext(caller.session)) : 'ImplicitDeny';
  if (decision !== 'Allow') {
    throw syncErrors.notAuthorized(`User: ${caller.identityId} is not authorized to perform: cognito-sync:${action.name} on resource: ${resource}`);
  }
}
