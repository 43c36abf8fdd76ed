/**
 * Which role an identity's credentials carry (Cognito's role-based access control):
 * - a guest gets the pool's unauthenticated role;
 * - a signed-in identity gets the role its login's role mapping picks: Token mappings read the
 *   token's `cognito:preferred_role` and `cognito:roles` (CustomRoleArn picks one of the roles),
 *   Rules mappings take the first rule whose claim matches; when nothing applies,
 *   AmbiguousRoleResolution says AuthenticatedRole (the pool's authenticated role) or Deny;
 * - a SAML login gets a role its verified assertion offers (VerifiedLogin.samlRoles);
 * - without a mapping, the pool's authenticated role.
 * Whatever is chosen must still trust the identity: the broker checks that (identity/trust.ts).
 */
import { CognitoError, errors } from '../errors.js';
import type { IdentityPool, MappingRule } from './identity-pools.js';
import type { VerifiedLogin } from './logins.js';

const noRole = () => new CognitoError('InvalidIdentityPoolConfigurationException', 'Invalid identity pool configuration. Check assigned IAM roles for this pool.');

function claimStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

function ruleMatches(rule: MappingRule, claims: Record<string, unknown>): boolean {
  const value = claims[rule.Claim];
  if (value === undefined) return false;
  const values = claimStrings(value);
  switch (rule.MatchType) {
    case 'Equals':
      return values.length === 1 && values[0] === rule.Value;
    case 'NotEqual':
      return values.length === 1 && values[0] !== rule.Value;
    case 'StartsWith':
      return values.some((v) => v.startsWith(rule.Value));
    case 'Contains':
      return values.some((v) => v.includes(rule.Value));
    default:
      return false;
  }
}

/** The role ARN for credentials, or Cognito's error. */
export function resolveRole(pool: IdentityPool, logins: readonly VerifiedLogin[], customRoleArn: string | undefined): string {
  const { Roles, RoleMappings } = pool.roles;
  if (logins.length === 0) {
    const role = Roles.unauthenticated;
    if (!role) throw noRole();
    // A guest has one role to assume: asking for another is refused, not silently ignored.
    if (customRoleArn !== undefined && customRoleArn !== role) throw errors.notAuthorized('The CustomRoleArn is not a role this identity can assume.');
    return role;
  }
  // SAML: the role comes from the verified assertion (never from a claim); with several, CustomRoleArn picks one.
  const saml = logins.find((l) => l.samlRoles !== undefined);
  if (saml) {
    const roles = saml.samlRoles!;
    if (customRoleArn !== undefined) {
      if (!roles.includes(customRoleArn)) throw errors.notAuthorized('The CustomRoleArn is not one of the roles in the SAML assertion.');
      return customRoleArn;
    }
    if (roles.length === 1) return roles[0]!;
    if (roles.length > 1) throw errors.invalidParameter('The SAML assertion carries several roles: CustomRoleArn is required.');
    throw errors.notAuthorized('The SAML assertion carries no role for this provider.');
  }
  for (const login of logins) {
    const mapping = RoleMappings[login.mappingKey];
    if (!mapping) continue;
    if (mapping.Type === 'Token') {
      const roles = claimStrings(login.claims['cognito:roles']);
      const preferred = login.claims['cognito:preferred_role'];
      if (customRoleArn !== undefined) {
        if (!roles.includes(customRoleArn)) throw errors.notAuthorized('The CustomRoleArn is not one of the roles in the token.');
        return customRoleArn;
      }
      if (typeof preferred === 'string') return preferred;
      if (roles.length === 1) return roles[0]!;
    } else {
      const rule = (mapping.RulesConfiguration?.Rules ?? []).find((r) => ruleMatches(r, login.claims));
      if (rule) return rule.RoleARN;
    }
    if (mapping.AmbiguousRoleResolution === 'Deny') throw errors.notAuthorized('Unable to determine a role for this identity: the role mapping denies it.');
    break;
  }
  const role = Roles.authenticated;
  if (!role) throw noRole();
  if (customRoleArn !== undefined && customRoleArn !== role) throw errors.notAuthorized('The CustomRoleArn is not a role this identity can assume.');
  return role;
}
