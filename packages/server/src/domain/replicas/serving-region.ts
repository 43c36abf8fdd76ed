/**
 * The serving-region rule (docs/replicas.md). Every user-pools API request is served *as a region*:
 * the SigV4 credential scope's region when it is signed, else the node's `--region`. For a pool with
 * no replica that changes nothing: it is served in every region, as it always was. Once a pool has
 * a secondary replica:
 *
 * - served as its primary region (the pool ID's prefix), every operation acts as before;
 * - served as the secondary's region, it acts as Cognito's secondary does (developer guide,
 *   "Multi-Region replication for user pools"): sign-in, token refresh, sign-out, devices and every
 *   read work; no user creation, no password reset or change, no profile or attribute change, no
 *   TOTP MFA, and configuration is written only from the primary. While the secondary is INACTIVE
 *   its end-user operations are refused too. A refusal is Cognito's OperationNotEnabledException
 *   ("an operation is not available in the current region or for the current user pool configuration");
 * - served as any other region, the pool does not exist there: ResourceNotFoundException.
 *
 * The pool is found from what the request names: UserPoolId, ClientId, the access token's `iss`
 * (unverified here: it only picks the pool; the action verifies the token against that pool), or
 * for TOTP set-up during sign-in the sealed Session's pool.
 * Cost on the hot path: the cached client (for ClientId) and the cached replica list, no query.
 */
import { CognitoError, errors } from '../../errors.js';
import type { Ports } from '../cognate.js';
import { namesPool, type NamedPool } from '../request-pool.js';
import { openAnySession } from '../sign-in/mfa/session.js';
import { primaryRegion, replicasOf, type Replica } from './replicas.js';

/**
 * Operations a secondary answers whatever its status: reads of the user directory and of the
 * configuration, and the replica's own status. (INACTIVE: "not accepting requests for end-users.
 * Administrator configuration operations are supported.")
 */
const SECONDARY_READS = new Set([
  'AdminGetDevice', 'AdminGetUser', 'AdminGetUserAuthFactors', 'AdminListDevices', 'AdminListGroupsForUser', 'AdminListUserAuthEvents',
  'DescribeIdentityProvider', 'DescribeManagedLoginBranding', 'DescribeManagedLoginBrandingByClient', 'DescribeResourceServer',
  'DescribeRiskConfiguration', 'DescribeTerms', 'DescribeUserImportJob', 'DescribeUserPool', 'DescribeUserPoolClient', 'GetCSVHeader',
  'GetGroup', 'GetIdentityProviderByIdentifier', 'GetLogDeliveryConfiguration', 'GetSigningCertificate', 'GetUICustomization',
  'GetUserPoolMfaConfig', 'ListGroups', 'ListIdentityProviders', 'ListResourceServers', 'ListTerms', 'ListUserImportJobs',
  'ListUserPoolClientSecrets', 'ListUserPoolClients', 'ListUsers', 'ListUsersInGroup',
  'ListUserPoolReplicas', 'UpdateUserPoolReplica',
]);

/**
 * End-user operations an ACTIVE secondary answers: sign-in and its challenges, token refresh and
 * revocation, sign-out, the signed-in user's reads, and devices (remembering one changes no
 * attribute of the user).
 */
const SECONDARY_END_USER = new Set([
  'InitiateAuth', 'RespondToAuthChallenge', 'AdminInitiateAuth', 'AdminRespondToAuthChallenge', 'GetTokensFromRefreshToken', 'RevokeToken',
  'GlobalSignOut', 'AdminUserGlobalSignOut', 'GetUser', 'GetUserAuthFactors', 'ListWebAuthnCredentials',
  'ConfirmDevice', 'GetDevice', 'ListDevices', 'ForgetDevice', 'UpdateDeviceStatus', 'AdminForgetDevice', 'AdminUpdateDeviceStatus',
]);

/**
 * Operations the rule does not apply to: no pool named (CreateUserPool creates in the node's
 * region; ListUserPools filters by region itself), the account-level limits, and the tag
 * operations, whose ARN names the region (domain/user-pool-tags.ts).
 */
const NOT_POOL_SCOPED = new Set(['CreateUserPool', 'ListUserPools', 'DescribeUserPoolDomain', 'GetProvisionedLimit', 'UpdateProvisionedLimit', 'TagResource', 'UntagResource', 'ListTagsForResource']);

const CHALLENGES = new Set(['RespondToAuthChallenge', 'AdminRespondToAuthChallenge']);

/** Whether a challenge answer is one a secondary can't take: TOTP MFA, or a new password. */
function refusedChallenge(input: Record<string, unknown>): string | undefined {
  const name = input.ChallengeName;
  const responses = (input.ChallengeResponses ?? {}) as Record<string, unknown>;
  if (name === 'SOFTWARE_TOKEN_MFA') return 'TOTP MFA';
  if (name === 'SELECT_MFA_TYPE' && responses.ANSWER === 'SOFTWARE_TOKEN_MFA') return 'TOTP MFA';
  if (name === 'SELECT_CHALLENGE' && responses.ANSWER === 'SOFTWARE_TOKEN_MFA') return 'TOTP MFA';
  if (name === 'MFA_SETUP' && responses.EMAIL === undefined) return 'TOTP MFA set-up';
  if (name === 'NEW_PASSWORD_REQUIRED') return 'setting a new password';
  return undefined;
}

const notEnabled = (message: string) => new CognitoError('OperationNotEnabledException', message);

/** Operations that may name the pool only by a sign-in's sealed Session (TOTP set-up during MFA_SETUP). */
const SESSION_ONLY = new Set(['AssociateSoftwareToken', 'VerifySoftwareToken']);

/**
 * The pool a request names (read once by the caller: domain/request-pool.ts), or for TOTP set-up
 * during sign-in the sealed Session's, and the not-found message for it.
 */
function namedPool(cognate: Ports<'clock' | 'secrets'>, operation: string, input: Record<string, unknown>, named: NamedPool | undefined): { poolId: string; notFound: string } | undefined {
  if (named) return { poolId: named.poolId, notFound: named.by === 'ClientId' ? `User pool client ${String(input.ClientId)} does not exist.` : `User pool ${named.poolId} does not exist.` };
  if (namesPool(input)) return undefined; // an unknown client, a token naming no pool: the action answers
  if (typeof input.Session === 'string' && SESSION_ONLY.has(operation)) {
    let poolId: string;
    try {
      poolId = openAnySession(cognate, input.Session, cognate.clock.now()).p;
    } catch {
      return undefined; // the action answers for a bad session
    }
    return { poolId, notFound: `User pool ${poolId} does not exist.` };
  }
  return undefined;
}

/**
 * Applies the serving-region rule to one cognito-idp request (see the top of this file); returns
 * normally when the operation may go ahead, else throws Cognito's error.
 */
export async function enforceServingRegion(cognate: Ports<'clients' | 'clock' | 'secrets' | 'store'>, operation: string, input: unknown, region: string, pool: NamedPool | undefined): Promise<void> {
  if (NOT_POOL_SCOPED.has(operation) || input === null || typeof input !== 'object') return;
  const named = namedPool(cognate, operation, input as Record<string, unknown>, pool);
  if (!named) return;
  const replicas = await replicasOf(cognate, named.poolId);
  if (replicas.length === 0 || region === primaryRegion(named.poolId)) return;
  const replica = replicas.find((r) => r.region === region);
  if (!replica) throw errors.resourceNotFound(named.notFound);
  checkSecondary(named.poolId, replica, operation, input as Record<string, unknown>);
}

function checkSecondary(poolId: string, replica: Replica, operation: string, input: Record<string, unknown>): void {
  const where = `in region ${replica.region}, a secondary replica of user pool ${poolId}`;
  if (SECONDARY_READS.has(operation)) return;
  if (!SECONDARY_END_USER.has(operation)) {
    throw notEnabled(`${operation} is not available ${where}: call it in the primary region ${primaryRegion(poolId)}.`);
  }
  if (replica.status !== 'ACTIVE') throw notEnabled(`${operation} is not available ${where}: the replica is INACTIVE.`);
  const refused = CHALLENGES.has(operation) ? refusedChallenge(input) : undefined;
  if (refused) throw notEnabled(`${refused} is not available ${where}: sign in through the primary region ${primaryRegion(poolId)}.`);
}

/**
 * How the OAuth endpoints and hosted pages, which are never signed, serve a pool as `region` (the
 * node's): as before ('primary': no replica, or the primary region), as its ACTIVE secondary
 * ('secondary': sign-in and tokens, no account pages), or not at all ('absent': another region, or
 * an INACTIVE secondary — the client is then unknown there).
 */
export async function servingRole(cognate: Ports<'store'>, poolId: string, region: string): Promise<'primary' | 'secondary' | 'absent'> {
  const replicas = await replicasOf(cognate, poolId);
  if (replicas.length === 0 || region === primaryRegion(poolId)) return 'primary';
  return replicas.find((r) => r.region === region)?.status === 'ACTIVE' ? 'secondary' : 'absent';
}

/**
 * For the hosted pages' challenge answers (unsigned, so served as the node's region): on a
 * secondary, the answers the API refuses there (a TOTP code or choice, TOTP set-up, a new password)
 * are refused the same way, before anything is checked or stored.
 */
export async function assertChallengeServed(cognate: Ports<'config' | 'store'>, poolId: string, challengeName: string, responses: Record<string, unknown>): Promise<void> {
  if ((await servingRole(cognate, poolId, cognate.config.region)) !== 'secondary') return;
  const refused = refusedChallenge({ ChallengeName: challengeName, ChallengeResponses: responses });
  if (refused) throw notEnabled(`${refused} is not available in region ${cognate.config.region}, a secondary replica of user pool ${poolId}: sign in through the primary region ${primaryRegion(poolId)}.`);
}
