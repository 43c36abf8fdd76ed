/**
 * Who may assume a role: the role's trust policy, evaluated for a Cognito identity the way AWS STS
 * does for `sts:AssumeRoleWithWebIdentity` with a `cognito-identity.amazonaws.com` token. Every
 * path that mints built-in credentials goes through {@link requireTrust} (the built-in broker calls
 * it for GetCredentialsForIdentity, guest or signed in, and for Cognate's STS
 * AssumeRoleWithWebIdentity), so a role mapping, a group's RoleArn, `cognito:preferred_role`,
 * CustomRoleArn or a SAML assertion can only pick a role that trusts this identity.
 *
 * - A statement counts only when its Principal names the federated provider
 *   `cognito-identity.amazonaws.com` (or is `*`), its Action covers `sts:AssumeRoleWithWebIdentity`
 *   and its conditions hold on `cognito-identity.amazonaws.com:aud|amr|sub`. An explicit Deny wins.
 * - A role with no trust policy, or one Cognate does not know, cannot be assumed by anybody (an IAM
 *   role without a trust policy admits no one).
 * (IAM User Guide, "Role trust policies"; Cognito Developer Guide, "Role trust and permissions":
 * the aud and amr conditions.)
 */
import { CognitoError } from '../errors.js';
import type { IamRole, IamRoles } from './iam-roles.js';
import { evaluate, type PolicyContext, type PolicyDocument, type PolicyStatement } from './policy.js';

/** The federated principal of Cognito identity tokens in trust policies. */
export const COGNITO_FEDERATED_PRINCIPAL = 'cognito-identity.amazonaws.com';
const ACTION = 'sts:AssumeRoleWithWebIdentity';

/** The facts of the identity that wants the role (those of its OpenID token). */
export interface WebIdentity {
  /** Identity ID (`cognito-identity.amazonaws.com:sub`). */
  identityId: string;
  /** Identity pool ID (`cognito-identity.amazonaws.com:aud`). */
  poolId: string;
  /** `cognito-identity.amazonaws.com:amr`. */
  amr: readonly string[];
}

/** Why a role was refused: the caller words it in its own protocol (Cognito or STS). */
export type TrustRefusal = 'no-role' | 'no-trust-policy' | 'not-trusted';

/** The role's trust policy does not admit the identity. Cognito answers it as below; STS as AccessDenied. */
export class RoleNotTrusted extends CognitoError {
  constructor(readonly roleArn: string, readonly reason: TrustRefusal) {
    // Cognito's answer when GetCredentialsForIdentity meets a role that does not trust the pool.
    super('InvalidIdentityPoolConfigurationException', 'Invalid identity pool configuration. Check assigned IAM roles for this pool.');
  }
}

function principalIsCognito(principal: unknown): boolean {
  if (principal === '*') return true;
  if (principal === null || typeof principal !== 'object' || Array.isArray(principal)) return false;
  const federated = (principal as { Federated?: unknown }).Federated;
  const names = typeof federated === 'string' ? [federated] : Array.isArray(federated) ? federated : [];
  return names.some((n) => n === COGNITO_FEDERATED_PRINCIPAL);
}

/** The trust policy's statements that speak about Cognito identities (a statement without a Principal speaks about no one). */
function forCognito(trust: PolicyDocument): PolicyDocument {
  return { Statement: trust.Statement.filter((s: PolicyStatement) => principalIsCognito(s.Principal)) };
}

/** The condition keys of a web identity, as STS sets them from the token. */
export function webIdentityContext(who: WebIdentity): PolicyContext {
  return {
    'cognito-identity.amazonaws.com:aud': who.poolId,
    'cognito-identity.amazonaws.com:sub': who.identityId,
    'cognito-identity.amazonaws.com:amr': [...who.amr],
  };
}

/** Whether a role (as stored, or undefined when unknown) may be assumed by the identity; the refusal otherwise. */
export function trustDecision(role: IamRole | undefined, who: WebIdentity): TrustRefusal | 'allowed' {
  if (!role) return 'no-role';
  if (!role.trust) return 'no-trust-policy';
  return evaluate([forCognito(role.trust)], ACTION, role.arn, webIdentityContext(who)) === 'Allow' ? 'allowed' : 'not-trusted';
}

/** The role, when its trust policy admits the identity; {@link RoleNotTrusted} otherwise. */
export async function requireTrust(roles: IamRoles, roleArn: string, who: WebIdentity): Promise<IamRole> {
  const role = typeof roleArn === 'string' ? await roles.find(roleArn) : undefined;
  const decision = trustDecision(role, who);
  if (decision !== 'allowed') throw new RoleNotTrusted(String(roleArn), decision);
  return role!;
}
