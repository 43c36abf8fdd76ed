/**
 * The console's policy simulator: would credentials for this role (or for this identity signing in
 * this way) be allowed this action on this resource, and why. It runs the rules the real paths run,
 * not a copy of them:
 *
 * - the role an identity gets: {@link resolveRole} (guest → unauthenticated role; role mappings by
 *   Token or Rules over the login's claims; AmbiguousRoleResolution), as GetCredentialsForIdentity;
 * - whether that role trusts the identity: {@link trustDecision}, as the built-in broker before it
 *   mints credentials;
 * - what the credentials may do: the role's permission policies with the session's condition keys
 *   ({@link sessionContext}), as the verifier behind `POST /identity/verify` evaluates them, with
 *   each statement that applied named ({@link explain}).
 *
 * The simulated identity's facts (claims, tags, identity ID) are the operator's input: this answers
 * "what if", it mints nothing. A request `context` may add request keys but, as for the verifier,
 * never a principal key ({@link principalKeyIn}).
 */
import { CognitoError, errors } from '../errors.js';
import type { IdentityService } from './index.js';
import type { VerifiedLogin } from './logins.js';
import { explain, type Decision, type MatchedStatement, type PolicyContext } from './policy.js';
import { resolveRole } from './roles.js';
import { trustDecision, type TrustRefusal } from './trust.js';
import { principalKeyIn, sessionContext } from './verifier.js';
import { userPoolOfProvider } from './identity-pools.js';

export interface SimulatedLogin {
  /** the Logins key: `cognito-idp.<region>.amazonaws.com/<poolId>`, `accounts.google.com`, an OIDC issuer … */
  provider: string;
  /** for a user pool: the app client (`aud`) the ID token is for — role mappings are keyed by `<provider>:<clientId>` */
  clientId?: string;
  /** the token's claims (role-mapping rules read them); `sub` is the user's ID at the provider */
  claims?: Record<string, unknown>;
  customRoleArn?: string;
}

export interface SimulationInput {
  action: unknown;
  resource: unknown;
  /** a role to evaluate directly … */
  roleArn?: unknown;
  /** … or the identity pool whose role selection picks one (and whose ID is the trust policy's aud) */
  identityPoolId?: unknown;
  /** with `identityPoolId`: the login; none for a guest */
  login?: SimulatedLogin | null;
  identityId?: unknown;
  principalTags?: unknown;
  context?: unknown;
}

export interface SimulationResult {
  allowed: boolean;
  decision: Decision | 'NoRole';
  roleArn?: string;
  /** how the role was chosen */
  roleChosenBy: string;
  trust: TrustRefusal | 'allowed' | 'not-checked';
  matched: MatchedStatement[];
  explanation: string;
}

const ZERO_ID = '00000000-0000-0000-0000-000000000000';

function requiredText(v: unknown, name: string, max: number): string {
  if (typeof v !== 'string' || v.trim() === '') throw errors.invalidParameter(`${name} is required.`);
  if (v.length > max) throw errors.invalidParameter(`${name} must be at most ${max} characters.`);
  return v.trim();
}

function optionalText(v: unknown, name: string, max: number): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  return requiredText(v, name, max);
}

function stringMap(v: unknown, name: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw errors.invalidParameter(`${name} must be an object of strings.`);
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (typeof x !== 'string') throw errors.invalidParameter(`${name} ${k.slice(0, 128)} must be a string.`);
    out[k] = x;
  }
  return out;
}

function requestContext(v: unknown): PolicyContext {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw errors.invalidParameter('context must be an object of condition keys.');
  const ctx: PolicyContext = Object.create(null) as PolicyContext;
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (!(typeof x === 'string' || (Array.isArray(x) && x.every((e) => typeof e === 'string')))) throw errors.invalidParameter(`context ${k.slice(0, 128)} must be a string or a list of strings.`);
    ctx[k] = x as string | string[];
  }
  const principal = principalKeyIn(ctx);
  if (principal !== undefined) throw errors.invalidParameter(`context must not set ${principal.slice(0, 128)}: principal keys come from the simulated identity.`);
  return ctx;
}

/** The login as logins.ts would have verified it (for a user pool: its mapping key and amr forms). */
function verifiedLoginOf(login: SimulatedLogin, sub: string): VerifiedLogin {
  const provider = requiredText(login.provider, 'login.provider', 2048);
  const claims: Record<string, unknown> = { ...(login.claims && typeof login.claims === 'object' && !Array.isArray(login.claims) ? login.claims : {}), sub };
  const userPool = userPoolOfProvider(provider) !== undefined && provider.startsWith('cognito-idp.');
  if (userPool) {
    const clientId = requiredText(login.clientId, 'login.clientId', 128);
    return { key: provider, provider, subject: sub, mappingKey: `${provider}:${clientId}`, amr: `${provider}:CognitoSignIn:${sub}`, claims: { ...claims, aud: clientId } };
  }
  return { key: provider, provider, subject: sub, mappingKey: provider, amr: `${provider}:${String(claims.aud ?? '')}:${sub}`, claims };
}

/**
 * Simulates one request. Bad input is InvalidParameterException; an identity pool or role that
 * doesn't exist is a result (NoRole / not trusted), not an error, except an unknown identity pool
 * (ResourceNotFoundException).
 */
export async function simulatePolicy(identity: Pick<IdentityService, 'pools' | 'roles' | 'openId'>, input: SimulationInput, region: string): Promise<SimulationResult> {
  const i = input ?? ({} as SimulationInput);
  const action = requiredText(i.action, 'action', 256);
  const resource = requiredText(i.resource, 'resource', 2048);
  const roleArnInput = optionalText(i.roleArn, 'roleArn', 2048);
  const poolId = optionalText(i.identityPoolId, 'identityPoolId', 55);
  const identityId = optionalText(i.identityId, 'identityId', 55) ?? `${region}:${ZERO_ID}`;
  const tags = stringMap(i.principalTags, 'principalTags');
  const context = requestContext(i.context);
  if (!roleArnInput && !poolId) throw errors.invalidParameter('roleArn or identityPoolId is required.');
  if (i.login !== undefined && i.login !== null && (typeof i.login !== 'object' || Array.isArray(i.login))) throw errors.invalidParameter('login must be an object.');

  const pool = poolId ? await identity.pools.get(poolId) : undefined;
  const logins = pool && i.login ? [verifiedLoginOf(i.login, typeof i.login.claims?.sub === 'string' ? i.login.claims.sub : ZERO_ID)] : [];
  const amr = pool ? identity.openId.amr(logins) : [];
  let roleArn = roleArnInput;
  let roleChosenBy = 'given';
  if (!roleArn && pool) {
    try {
      roleArn = resolveRole(pool, logins, i.login?.customRoleArn);
    } catch (e) {
      if (!(e instanceof CognitoError)) throw e;
      return { allowed: false, decision: 'NoRole', roleChosenBy: `no role: ${e.message}`, trust: 'not-checked', matched: [], explanation: `Denied: GetCredentialsForIdentity would fail with ${e.name}: ${e.message}` };
    }
    const mapping = logins[0] ? pool.roles.RoleMappings[logins[0].mappingKey] : undefined;
    roleChosenBy = logins.length === 0 ? 'the pool\'s unauthenticated role (a guest)' : mapping ? `the ${mapping.Type} role mapping for ${logins[0]!.mappingKey}` : 'the pool\'s authenticated role (no role mapping for this login)';
  }
  const role = await identity.roles.find(roleArn!);
  const trust = pool ? trustDecision(role, { identityId, poolId: pool.id, amr }) : role ? 'not-checked' : 'no-role';
  if (!role) return { allowed: false, decision: 'NoRole', roleArn: roleArn!, roleChosenBy, trust, matched: [], explanation: `Denied: the role ${roleArn} does not exist here.` };
  if (trust !== 'allowed' && trust !== 'not-checked') {
    const why = trust === 'no-trust-policy' ? 'the role has no trust policy, so nobody can assume it' : 'the role\'s trust policy does not admit this identity (aud, amr, sub)';
    const { decision, matched } = explain(role.policies, action, resource, { ...context, ...sessionContext({ k: '', s: '', i: identityId, p: pool!.id, r: role.arn, a: amr, t: tags, e: 0 }) });
    return { allowed: false, decision, roleArn: role.arn, roleChosenBy, trust, matched, explanation: `Denied: no credentials — ${why}. (Had it been assumed, its policies would say ${decision}.)` };
  }
  const ctx = { ...context, ...sessionContext({ k: '', s: '', i: identityId, p: pool?.id ?? '', r: role.arn, a: amr, t: tags, e: 0 }) };
  if (!pool) {
    // Without an identity pool the session has no aud or amr: variables naming them resolve to nothing, as IAM treats them.
    delete ctx['cognito-identity.amazonaws.com:aud'];
    delete ctx['cognito-identity.amazonaws.com:amr'];
  }
  const { decision, matched } = explain(role.policies, action, resource, ctx);
  const named = (effect: 'Allow' | 'Deny') => matched.filter((m) => m.effect === effect).map((m) => `${m.policy}#${m.index}${m.sid ? ` (${m.sid})` : ''}`).join(', ');
  const explanation =
    decision === 'Allow' ? `Allowed by ${named('Allow')}.` :
    decision === 'ExplicitDeny' ? `Denied explicitly by ${named('Deny')}.` :
    `Denied implicitly: no statement of ${Object.keys(role.policies).length === 0 ? 'the role (it has no permission policy)' : Object.keys(role.policies).join(', ')} allows ${action} on ${resource}.`;
  return { allowed: decision === 'Allow', decision, roleArn: role.arn, roleChosenBy, trust, matched, explanation };
}
