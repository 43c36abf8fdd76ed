/**
 * Cognate as the STS of its identity pools' basic flow: AssumeRoleWithWebIdentity exchanges an
 * OpenID token Cognate issued (GetOpenIdToken, GetOpenIdTokenForDeveloperIdentity) for built-in
 * credentials, as Cognito's basic flow does with AWS STS. The token is verified against the
 * identity issuer's keys; the role must trust the token's identity (identity/trust.ts, through
 * the built-in broker), exactly as for GetCredentialsForIdentity.
 */
import type { IdentityService } from './index.js';
import type { IssuedCredentials } from './credentials.js';

/** The web identity token was not one Cognate issued, or has expired. */
export class WebIdentityTokenRejected extends Error {
  constructor(readonly reason: 'expired' | 'invalid') {
    super(reason === 'expired' ? 'web identity token expired' : 'web identity token not verified');
  }
}

export interface AssumedWebIdentityRole {
  credentials: IssuedCredentials;
  /** The identity ID (the token's `sub`). */
  subject: string;
  /** The identity pool ID (the token's `aud`). */
  audience: string;
  /** The token's issuer. */
  provider: string;
}

/**
 * Credentials for `roleArn` for the identity a web identity token names: WebIdentityTokenRejected
 * when the token does not verify, RoleNotTrusted (identity/trust.ts) when the role's trust policy
 * does not admit the identity.
 */
export async function assumeRoleWithWebIdentity(identity: IdentityService, p: { roleArn: string; token: string; seconds: number }): Promise<AssumedWebIdentityRole> {
  const verified = await identity.openId.verify(p.token);
  if (!verified.ok) throw new WebIdentityTokenRejected(verified.reason === 'expired' ? 'expired' : 'invalid');
  const c = verified.claims;
  const amr = (c.amr as unknown[]).filter((a): a is string => typeof a === 'string');
  const tagClaim = (c['https://aws.amazon.com/tags'] as { principal_tags?: Record<string, unknown> } | undefined)?.principal_tags ?? {};
  const tags = Object.fromEntries(Object.entries(tagClaim).map(([k, v]) => [k, Array.isArray(v) ? String(v[0]) : String(v)]));
  // The broker evaluates the role's trust policy (identity/trust.ts), as for GetCredentialsForIdentity.
  const credentials = await identity.builtIn.issue({
    identityId: c.sub as string,
    poolId: c.aud as string,
    roleArn: p.roleArn,
    amr,
    tags,
    seconds: p.seconds,
    openIdToken: async () => p.token,
  });
  return { credentials, subject: c.sub as string, audience: c.aud as string, provider: identity.openId.issuer() };
}
