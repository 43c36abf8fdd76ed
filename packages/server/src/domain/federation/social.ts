/**
 * The four social providers of user pools (Google, Facebook, LoginWithAmazon, SignInWithApple):
 * where their endpoints are, how each is asked for a user's attributes, and Apple's client secret.
 *
 * Their real endpoints are fixed; the server's `socialEndpoints` configuration (the same keys the
 * identity pools use) points one at a local stand-in:
 * - `accounts.google.com`, `appleid.apple.com`: an OpenID issuer; its discovery document gives the
 *   authorize, token, userinfo and JWKS endpoints, and its URL is the ID tokens' `iss`;
 * - `graph.facebook.com`: the base of `/<version>/dialog/oauth`, `/<version>/oauth/access_token`
 *   and `/<version>/me`;
 * - `www.amazon.com`: the base of `/ap/oa`, `/auth/o2/token` and `/user/profile`.
 */
import { createHmac, createPrivateKey, sign } from 'node:crypto';
import type { Config } from '../../config.js';
import { callProvider, discover, ProviderUnreachable } from '../../tokens/id-tokens.js';
import type { IdentityProvider } from './providers.js';

/** Where a provider is asked for what. `issuers` empty: the provider answers no ID token (Facebook, Amazon). */
export interface ProviderEndpoints {
  authorizeUrl: string;
  tokenUrl: string;
  /** the token request: a form POST, or (Facebook) a GET with the parameters in the query */
  tokenRequestMethod: 'POST' | 'GET';
  tokenAuth: 'client_secret_post' | 'client_secret_basic';
  attributesUrl?: string;
  attributesMethod: 'GET' | 'POST';
  jwksUri?: string;
  /** the accepted `iss` of the provider's ID tokens */
  issuers: string[];
  /** PKCE toward the provider (Facebook and Apple don't take it) */
  pkce: boolean;
  /** Apple answers with a form POST (its `user` field only comes that way) */
  formPost: boolean;
}

/** The configuration keys of the social providers (identity pools' provider names). */
const CONFIG_KEY = { Google: 'accounts.google.com', SignInWithApple: 'appleid.apple.com', Facebook: 'graph.facebook.com', LoginWithAmazon: 'www.amazon.com' } as const;

type SocialType = keyof typeof CONFIG_KEY;

export const isSocial = (type: string): type is SocialType => Object.hasOwn(CONFIG_KEY, type);

/** The stand-in configured for a social provider, if any. */
function override(config: Pick<Config, 'socialEndpoints'>, type: SocialType): string | undefined {
  try {
    const map = config.socialEndpoints ? (JSON.parse(config.socialEndpoints) as Record<string, string>) : {};
    return map[CONFIG_KEY[type]]?.replace(/\/+$/, '');
  } catch {
    return undefined;
  }
}

export const FACEBOOK_DEFAULT_VERSION = 'v17.0';

/** A social provider's endpoints (see the module comment). */
export async function socialEndpoints(config: Pick<Config, 'socialEndpoints'>, now: number, provider: IdentityProvider & { type: SocialType }): Promise<ProviderEndpoints> {
  const base = override(config, provider.type);
  switch (provider.type) {
    case 'Google':
    case 'SignInWithApple': {
      const apple = provider.type === 'SignInWithApple';
      if (base !== undefined) {
        const doc = await discover(base, now);
        if (!doc.authorization_endpoint || !doc.token_endpoint || !doc.jwks_uri) throw new ProviderUnreachable(`${provider.type} discovery`);
        return {
          authorizeUrl: doc.authorization_endpoint,
          tokenUrl: doc.token_endpoint,
          tokenRequestMethod: 'POST',
          tokenAuth: 'client_secret_post',
          ...(doc.userinfo_endpoint && !apple ? { attributesUrl: doc.userinfo_endpoint } : {}),
          attributesMethod: 'GET',
          jwksUri: doc.jwks_uri,
          issuers: [base],
          pkce: !apple,
          formPost: apple,
        };
      }
      if (apple) {
        return { authorizeUrl: 'https://appleid.apple.com/auth/authorize', tokenUrl: 'https://appleid.apple.com/auth/token', tokenRequestMethod: 'POST', tokenAuth: 'client_secret_post', attributesMethod: 'GET', jwksUri: 'https://appleid.apple.com/auth/keys', issuers: ['https://appleid.apple.com'], pkce: false, formPost: true };
      }
      return {
        authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
        tokenUrl: 'https://oauth2.googleapis.com/token',
        tokenRequestMethod: 'POST',
        tokenAuth: 'client_secret_post',
        attributesUrl: 'https://openidconnect.googleapis.com/v1/userinfo',
        attributesMethod: 'GET',
        jwksUri: 'https://www.googleapis.com/oauth2/v3/certs',
        issuers: ['https://accounts.google.com', 'accounts.google.com'],
        pkce: true,
        formPost: false,
      };
    }
    case 'Facebook': {
      const version = provider.details.api_version ?? FACEBOOK_DEFAULT_VERSION;
      const graph = base ?? 'https://graph.facebook.com';
      return {
        authorizeUrl: `${base ?? 'https://www.facebook.com'}/${version}/dialog/oauth`,
        tokenUrl: `${graph}/${version}/oauth/access_token`,
        tokenRequestMethod: 'GET',
        tokenAuth: 'client_secret_post',
        attributesUrl: `${graph}/${version}/me`,
        attributesMethod: 'GET',
        issuers: [],
        pkce: false,
        formPost: false,
      };
    }
    case 'LoginWithAmazon':
      return {
        authorizeUrl: `${base ?? 'https://www.amazon.com'}/ap/oa`,
        tokenUrl: `${base ?? 'https://api.amazon.com'}/auth/o2/token`,
        tokenRequestMethod: 'POST',
        tokenAuth: 'client_secret_post',
        attributesUrl: `${base ?? 'https://api.amazon.com'}/user/profile`,
        attributesMethod: 'GET',
        issuers: [],
        pkce: true,
        formPost: false,
      };
  }
}

/**
 * Sign in with Apple's client secret: an ES256 JWT from the team (`iss` = team_id, `kid` = key_id,
 * `sub` = the Services ID, `aud` = Apple's issuer), signed with the key Apple issued; 5 minutes.
 */
export function appleClientSecret(provider: IdentityProvider, audience: string, now: number): string {
  const d = provider.details;
  const pem = d.private_key!.includes('-----BEGIN') ? d.private_key! : `-----BEGIN PRIVATE KEY-----\n${d.private_key}\n-----END PRIVATE KEY-----`;
  const iat = Math.floor(now / 1000);
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${part({ alg: 'ES256', kid: d.key_id })}.${part({ iss: d.team_id, iat, exp: iat + 300, aud: audience, sub: d.client_id })}`;
  const signature = sign('sha256', Buffer.from(input), { key: createPrivateKey(pem), dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

/** The provider attributes a mapping asks for: the provider side of the AttributeMapping. */
const mappedAttributes = (provider: IdentityProvider) => [...new Set(Object.values(provider.attributeMapping))];

/**
 * Facebook's Graph API: `/me` with the fields the mapping names (and `id`), the access token and
 * its `appsecret_proof` (HMAC-SHA256 of the token with the app secret).
 */
export async function facebookProfile(provider: IdentityProvider, url: string, accessToken: string): Promise<Record<string, unknown> | undefined> {
  const fields = ['id', ...mappedAttributes(provider).filter((a) => /^[a-z_]+$/.test(a) && a !== 'id')].join(',');
  const proof = createHmac('sha256', provider.details.client_secret ?? '').update(accessToken).digest('hex');
  const { status, body } = await callProvider(`${url}?${new URLSearchParams({ fields, access_token: accessToken, appsecret_proof: proof })}`);
  return status === 200 && body && typeof body === 'object' ? (body as Record<string, unknown>) : undefined;
}

/** Apple's `user` form field (first authorization only): the name, as `firstName` / `lastName`. */
export function appleUserField(raw: string | undefined): Record<string, string> {
  if (!raw || raw.length > 4096) return {};
  try {
    const v = JSON.parse(raw) as { name?: { firstName?: unknown; lastName?: unknown } };
    const out: Record<string, string> = {};
    if (typeof v.name?.firstName === 'string') out.firstName = v.name.firstName;
    if (typeof v.name?.lastName === 'string') out.lastName = v.name.lastName;
    return out;
  } catch {
    return {};
  }
}
