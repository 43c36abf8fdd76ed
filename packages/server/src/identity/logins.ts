/**
 * Verifying the `Logins` map of GetId, GetCredentialsForIdentity, GetOpenIdToken and UnlinkIdentity:
 * each key names a provider the identity pool trusts and each value is that provider's token,
 * verified for real. What comes out is the provider's canonical name and the user's ID there.
 */
import { errors } from '../errors.js';
import { verifyJwt, type JwtPayload } from '../tokens/jwt.js';
import { unverifiedPoolId } from '../domain/tokens.js';
import type { Ports } from '../domain/cognate.js';
import * as refreshTokenStore from '../store/refresh-tokens.js';
import { userPoolOfProvider, type IdentityPool } from './identity-pools.js';

export interface VerifiedLogin {
  /** The key as the client sent it. */
  key: string;
  /** The canonical provider name, as stored with the identity. */
  provider: string;
  /** The user's ID at the provider. */
  subject: string;
  /** The key role mappings use for this login (`<provider>:<clientId>` for user pools). */
  mappingKey: string;
  /** The third `amr` entry of OpenID tokens, e.g. `cognito-idp…/<poolId>:CognitoSignIn:<sub>`. */
  amr: string;
  /** The token's claims (role-mapping rules and principal tags read them). */
  claims: Record<string, unknown>;
  /**
   * The roles a verified SAML response of a registered SAML provider offers (its
   * `https://aws.amazon.com/SAML/Attributes/Role` values naming that provider). Only the SAML
   * verifier sets it: no claim of any other login chooses a role except through role mappings.
   */
  samlRoles?: readonly string[];
}

const invalidToken = (why: string) => errors.notAuthorized(`Invalid login token. ${why}`);
const unsupported = () => errors.notAuthorized('Token is not from a supported provider of this identity pool.');

/** Whether `key` is an issuer of the user pool's tokens (either form: docs/replicas.md) with the scheme removed: the logins key Amplify sends. */
function isIssuerKey(cognate: Ports<'tokens'>, poolId: string, key: string): boolean {
  return cognate.tokens.issuers(poolId).some((iss) => iss.replace(/^https?:\/\//, '') === key);
}

/** Whether a logins key names one of the pool's user pool providers (in either form), or any user pool. */
function isUserPoolKey(cognate: Ports<'tokens'>, pool: IdentityPool, key: string): boolean {
  if (/^cognito-idp\.[^/]+\.amazonaws\.com\//.test(key)) return true;
  return (pool.settings.CognitoIdentityProviders ?? []).some((p) => key === p.ProviderName || isIssuerKey(cognate, userPoolOfProvider(p.ProviderName)!, key));
}

/** A user pool ID token, checked against the pool's keys, issuer, expiry and the identity pool's clients. */
async function verifyUserPoolLogin(cognate: Ports<'clock' | 'keys' | 'pools' | 'store' | 'tokens' | 'users'>, pool: IdentityPool, key: string, token: string): Promise<VerifiedLogin> {
  const providers = pool.settings.CognitoIdentityProviders ?? [];
  // The key names the user pool in either form: `cognito-idp.<region>.amazonaws.com/<poolId>` or its issuer.
  const configured = providers.filter((p) => {
    const poolId = userPoolOfProvider(p.ProviderName)!;
    return key === p.ProviderName || isIssuerKey(cognate, poolId, key);
  });
  if (configured.length === 0) throw unsupported();
  const provider = configured[0]!.ProviderName;
  const poolId = userPoolOfProvider(provider)!;
  if (unverifiedPoolId(token) !== poolId) {
    if (typeof token === 'string' && token.split('.').length === 3) throw invalidToken("Issuer doesn't match providerName");
    throw invalidToken('Not a valid OpenId Connect identity token.');
  }
  const userPool = await cognate.pools.find(poolId);
  if (!userPool) throw invalidToken("Couldn't verify signed token.");
  const now = cognate.clock.now();
  await cognate.keys.prepare(poolId, now, token);
  const result = verifyJwt(token, { keyFor: (kid) => cognate.keys.keyFor(poolId, kid), now, issuer: cognate.tokens.issuers(poolId) });
  if (!result.ok) {
    switch (result.reason) {
      case 'expired': {
        const exp = readExp(token);
        throw invalidToken(`Token expired: ${exp} >= ${Math.floor(now / 1000)}`);
      }
      case 'issuer':
        throw invalidToken("Issuer doesn't match providerName");
      case 'malformed':
        throw invalidToken('Not a valid OpenId Connect identity token.');
      default:
        throw invalidToken("Couldn't verify signed token.");
    }
  }
  const claims: JwtPayload = result.payload;
  // Cognito identity pools take ID tokens; an access token has no `aud`.
  if (claims.token_use !== 'id' || typeof claims.aud !== 'string' || typeof claims.sub !== 'string') {
    throw invalidToken('Not a valid OpenId Connect identity token.');
  }
  const entry = configured.find((p) => p.ClientId === claims.aud);
  if (!entry) throw invalidToken('Incorrect token audience.');
  if (entry.ServerSideTokenCheck) {
    // The token must still belong to a live sign-in: not signed out (GlobalSignOut, RevokeToken),
    // and its user neither deleted nor disabled.
    const session = typeof claims.origin_jti === 'string'
      ? await refreshTokenStore.find(cognate.store.db, claims.origin_jti)
      : undefined;
    if (!session || session.revoked_at !== null || session.user_id !== claims.sub) throw invalidToken('Token has been revoked.');
    const user = await cognate.users.findBySub(poolId, claims.sub);
    if (!user || !user.enabled) throw invalidToken('Token has been revoked.');
  }
  return {
    key,
    provider,
    subject: claims.sub,
    mappingKey: `${provider}:${claims.aud}`,
    amr: `${provider}:CognitoSignIn:${claims.sub}`,
    claims,
  };
}

function readExp(token: string): number | string {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { exp?: number };
    return payload.exp ?? '?';
  } catch {
    return '?';
  }
}

/**
 * Verifies every login of a Logins map. A developer provider's login is refused here: its token is
 * the OpenID token GetOpenIdTokenForDeveloperIdentity returned, which only the basic flow takes.
 */
export async function verifyLogins(cognate: Ports<'clock' | 'identity' | 'keys' | 'pools' | 'store' | 'tokens' | 'users'>, pool: IdentityPool, logins: Record<string, string> | undefined): Promise<VerifiedLogin[]> {
  const out: VerifiedLogin[] = [];
  for (const [key, token] of Object.entries(logins ?? {})) {
    if (key === 'cognito-identity.amazonaws.com' || key === cognate.identity.openId.issuerKey()) {
      out.push(await cognate.identity.openId.verifyDeveloperLogin(pool, key, token));
      continue;
    }
    if (isUserPoolKey(cognate, pool, key)) {
      out.push(await verifyUserPoolLogin(cognate, pool, key, token));
      continue;
    }
    const external =
      (await cognate.identity.external.verifyOidcLogin(pool, key, token)) ??
      (await cognate.identity.external.verifySocialLogin(pool, key, token)) ??
      (await cognate.identity.saml.verifyLogin(pool, key, token));
    if (external) {
      out.push(external);
      continue;
    }
    throw unsupported();
  }
  const providers = new Set(out.map((l) => l.provider));
  if (providers.size !== out.length) throw errors.invalidParameter('Logins contains the same provider more than once.');
  return out;
}
