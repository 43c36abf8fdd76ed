/**
 * External identity providers of identity pools, verified for real:
 * - OpenID Connect providers (OpenIdConnectProviderARNs): registered with the IAM-compatible
 *   CreateOpenIDConnectProvider (issuer URL and client IDs); tokens are RS256 JWTs checked against
 *   the issuer's discovery document and JWKS (fetched, cached, refetched for an unknown `kid` at
 *   most once a minute), its `iss`, `exp` and `aud` (one of the client IDs).
 * - Social providers (SupportedLoginProviders): Google (`accounts.google.com`) and Apple
 *   (`appleid.apple.com`) as OpenID Connect issuers whose `aud` is the configured app ID;
 *   Facebook (`graph.facebook.com`: `/me` and `/app` with the access token) and Login with Amazon
 *   (`www.amazon.com`: `/auth/o2/tokeninfo`). Their endpoints are configurable
 *   (`socialEndpoints`) so tests and private deployments can point them at a local server.
 * - SAML providers (SamlProviderARNs): registered with CreateSAMLProvider (metadata); see saml.ts.
 */
import { CognitoError, errors } from '../errors.js';
import type { Store } from '../store/db.js';
import * as providerStore from '../store/iam-providers.js';
import type { Clock } from '../ports.js';
import { callProvider, discover, JwksCache, ProviderUnreachable, verifyIdToken } from '../tokens/id-tokens.js';
import { ACCOUNT_ID } from '../domain/account.js';
import { iamErrors } from './iam-errors.js';
import { oidcIssuerOfArn, type IdentityPool } from './identity-pools.js';
import type { VerifiedLogin } from './logins.js';

export interface OidcProvider {
  arn: string;
  url: string;
  clientIds: string[];
}

export interface SamlProvider {
  arn: string;
  name: string;
  metadata: string;
}

export const SOCIAL_DEFAULTS: Record<string, string> = {
  'accounts.google.com': 'https://accounts.google.com',
  'appleid.apple.com': 'https://appleid.apple.com',
  'graph.facebook.com': 'https://graph.facebook.com',
  'www.amazon.com': 'https://api.amazon.com',
};

const invalidToken = (why: string) => errors.notAuthorized(`Invalid login token. ${why}`);
const unreachable = (what: string) => new CognitoError('ExternalServiceException', `The identity provider could not be reached (${what}).`);

async function getJson(url: string): Promise<unknown> {
  try {
    const { status, body } = await callProvider(url);
    return status >= 200 && status < 300 ? body : { __status: status, ...(body && typeof body === 'object' ? body : {}) };
  } catch (err) {
    if (err instanceof ProviderUnreachable) throw unreachable(err.what);
    throw err;
  }
}

export class ExternalProviders {
  private readonly jwks = new JwksCache();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly socialEndpoints: () => Record<string, string>,
  ) {}

  // ---- registration (IAM CreateOpenIDConnectProvider / CreateSAMLProvider) ----

  async createOidc(url: string, clientIds: string[], now: number): Promise<OidcProvider> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw iamErrors.validation(`Invalid OpenID Connect provider URL: ${url.slice(0, 256)}`);
    }
    if ((parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.search || parsed.hash) throw iamErrors.validation(`Invalid OpenID Connect provider URL: ${url.slice(0, 256)}`);
    const issuer = url.replace(/\/+$/, '');
    const arn = `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/${issuer.replace(/^https?:\/\//, '')}`;
    if (!(await providerStore.insertProvider(this.store.db, arn, 'oidc', { url: issuer, clientIds }, now))) throw iamErrors.entityAlreadyExists(`Provider with url ${url} already exists.`);
    return { arn, url: issuer, clientIds };
  }

  async findOidc(arn: string): Promise<OidcProvider | undefined> {
    const doc = await providerStore.findProvider(this.store.db, arn, 'oidc');
    return doc ? { arn, ...doc } : undefined;
  }

  async createSaml(name: string, metadata: string, now: number): Promise<SamlProvider> {
    if (!/^[\w._-]{1,128}$/.test(name)) throw iamErrors.validation(`Invalid SAML provider name: ${name.slice(0, 128)}`);
    const arn = `arn:aws:iam::${ACCOUNT_ID}:saml-provider/${name}`;
    if (!(await providerStore.insertProvider(this.store.db, arn, 'saml', { name, metadata }, now))) throw iamErrors.entityAlreadyExists(`Provider with name ${name} already exists.`);
    return { arn, name, metadata };
  }

  async findSaml(arn: string): Promise<SamlProvider | undefined> {
    const doc = await providerStore.findProvider(this.store.db, arn, 'saml');
    return doc ? { arn, ...doc } : undefined;
  }

  async delete(arn: string): Promise<void> {
    if (!(await providerStore.deleteProvider(this.store.db, arn))) throw iamErrors.noSuchEntity(`Provider ${arn} cannot be found.`);
  }

  // ---- verification (tokens/id-tokens.ts) ----

  /** Verifies an RS256 ID token from `issuer` for one of `audiences`, with identity pools' messages. */
  private async verifyIdToken(issuer: string, acceptedIssuers: string[], audiences: string[], token: string): Promise<Record<string, unknown>> {
    const now = this.clock.now();
    let result;
    try {
      const { jwks_uri } = await discover(issuer, now);
      if (!jwks_uri) throw new ProviderUnreachable(`${new URL(issuer).host} discovery`);
      result = await verifyIdToken(this.jwks, { token, jwksUri: jwks_uri, issuers: acceptedIssuers, audiences, now });
    } catch (err) {
      if (err instanceof ProviderUnreachable) throw unreachable(err.what);
      throw err;
    }
    if (result.ok) return result.claims;
    switch (result.reason) {
      case 'malformed':
        throw invalidToken('Not a valid OpenId Connect identity token.');
      case 'issuer':
        throw invalidToken("Issuer doesn't match providerName");
      case 'expired':
        throw invalidToken(`Token expired: ${String(result.exp)} >= ${Math.floor(now / 1000)}`);
      case 'audience':
        throw invalidToken('Incorrect token audience.');
      case 'claims':
        throw invalidToken('Missing a required claim: sub');
      default:
        throw invalidToken("Couldn't verify signed token.");
    }
  }

  async verifyOidcLogin(pool: IdentityPool, key: string, token: string): Promise<VerifiedLogin | undefined> {
    const arn = (pool.settings.OpenIdConnectProviderARNs ?? []).find((a) => oidcIssuerOfArn(a) === key);
    if (!arn) return undefined;
    const provider = await this.findOidc(arn);
    if (!provider) throw errors.notAuthorized(`The OpenID Connect provider ${key} is not registered.`);
    const claims = await this.verifyIdToken(provider.url, [provider.url], provider.clientIds, token);
    return { key, provider: key, subject: claims.sub as string, mappingKey: key, amr: `${key}:${String(claims.aud)}:${claims.sub as string}`, claims };
  }

  private endpoint(provider: string): string {
    return (this.socialEndpoints()[provider] ?? SOCIAL_DEFAULTS[provider]!).replace(/\/+$/, '');
  }

  async verifySocialLogin(pool: IdentityPool, key: string, token: string): Promise<VerifiedLogin | undefined> {
    const appId = pool.settings.SupportedLoginProviders?.[key];
    if (appId === undefined) return undefined;
    const appIds = appId.split(',').map((s) => s.trim()).filter(Boolean);
    const base = this.endpoint(key);
    let subject: string;
    let claims: Record<string, unknown>;
    switch (key) {
      case 'accounts.google.com':
      case 'appleid.apple.com': {
        const real = SOCIAL_DEFAULTS[key]!;
        const accepted = key === 'accounts.google.com' ? [real, 'accounts.google.com', base] : [real, base];
        claims = await this.verifyIdToken(base, accepted, appIds, token);
        subject = claims.sub as string;
        break;
      }
      case 'graph.facebook.com': {
        const q = encodeURIComponent(token);
        const me = (await getJson(`${base}/me?fields=id&access_token=${q}`)) as { id?: unknown; __status?: number };
        if (!me || typeof me.id !== 'string' || me.__status) throw invalidToken('The Facebook access token is not valid.');
        const app = (await getJson(`${base}/app?access_token=${q}`)) as { id?: unknown };
        if (!app || typeof app.id !== 'string' || !appIds.includes(app.id)) throw invalidToken('Incorrect token audience.');
        subject = me.id;
        claims = { sub: me.id, aud: app.id };
        break;
      }
      case 'www.amazon.com': {
        const info = (await getJson(`${base}/auth/o2/tokeninfo?access_token=${encodeURIComponent(token)}`)) as { aud?: unknown; user_id?: unknown; __status?: number };
        if (!info || typeof info.user_id !== 'string' || info.__status) throw invalidToken('The Login with Amazon access token is not valid.');
        if (typeof info.aud !== 'string' || !appIds.includes(info.aud)) throw invalidToken('Incorrect token audience.');
        subject = info.user_id;
        claims = { sub: info.user_id, aud: info.aud };
        break;
      }
      default:
        // Twitter's OAuth 1.0a tokens need the consumer secret, which identity pools don't hold.
        throw errors.notAuthorized(`Logins from ${key} are not supported by Cognate.`);
    }
    return { key, provider: key, subject, mappingKey: key, amr: `${key}:${String(claims.aud)}:${subject}`, claims };
  }
}
