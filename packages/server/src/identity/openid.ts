/**
 * Cognate's identity issuer: the OpenID Connect tokens of GetOpenIdToken and
 * GetOpenIdTokenForDeveloperIdentity, signed with the server-wide keys (signing_keys.pool_id = '')
 * and published at `<publicUrl>/identity/.well-known/openid-configuration` and `…/jwks.json`, so an
 * STS (Cognate's own, or another) can verify them. Claims as Cognito's: `sub` = identity ID,
 * `aud` = identity pool ID, `amr` = ["authenticated", provider, provider login] or ["unauthenticated"].
 */
import type { Config } from '../config.js';
import type { Clock } from '../ports.js';
import { errors } from '../errors.js';
import type { SigningKeys } from '../domain/signing-keys.js';
import { signJwt, verifyJwt, type JwtPayload } from '../tokens/jwt.js';
import type { IdentityPool } from './identity-pools.js';
import { identityPoolArn } from './identity-pools.js';
import type { VerifiedLogin } from './logins.js';

/** The `pool_id` of the identity issuer's keys in signing_keys. */
export const IDENTITY_KEYS = '';
/** The provider name of developer-authenticated OpenID tokens in a Logins map (Cognito's). */
export const COGNITO_IDENTITY_PROVIDER = 'cognito-identity.amazonaws.com';
/** GetOpenIdToken's tokens last 10 minutes (Cognito's documented default). */
export const OPENID_TOKEN_SECONDS = 600;

export class IdentityIssuer {
  private creating: Promise<void> | undefined;

  constructor(
    private readonly keys: SigningKeys,
    private readonly config: Pick<Config, 'publicUrl' | 'region'>,
    private readonly clock: Clock,
  ) {}

  /** `<publicUrl>/identity`. */
  issuer(): string {
    return `${this.config.publicUrl}/identity`;
  }

  /** The issuer without its scheme: the Logins key form of it. */
  issuerKey(): string {
    return this.issuer().replace(/^https?:\/\//, '');
  }

  private async signingKey(now: number) {
    try {
      return await this.keys.signingKey(IDENTITY_KEYS, now);
    } catch {
      // The first identity token this server signs: create the issuer's key (once per process; a
      // second node doing the same at the same moment only adds another published key).
      this.creating ??= this.keys.create(IDENTITY_KEYS, now).finally(() => (this.creating = undefined));
      await this.creating;
      return this.keys.signingKey(IDENTITY_KEYS, now);
    }
  }

  async jwks(): Promise<unknown> {
    return this.keys.jwks(IDENTITY_KEYS, this.clock.now());
  }

  /** The `amr` of an identity's tokens: unauthenticated, or authenticated with each provider and login. */
  amr(logins: readonly VerifiedLogin[]): string[] {
    if (logins.length === 0) return ['unauthenticated'];
    const provider = (l: VerifiedLogin) => (l.provider === COGNITO_IDENTITY_PROVIDER ? l.mappingKey : l.provider.split('/')[0]!);
    return ['authenticated', ...new Set(logins.flatMap((l) => [provider(l), l.amr]))];
  }

  /** Mints an OpenID token for an identity. */
  async issue(p: { pool: IdentityPool; identityId: string; logins: readonly VerifiedLogin[]; seconds?: number; principalTags?: Record<string, string> }): Promise<string> {
    const now = this.clock.now();
    const iat = Math.floor(now / 1000);
    const amr = this.amr(p.logins);
    const key = await this.signingKey(now);
    return signJwt(
      {
        sub: p.identityId,
        aud: p.pool.id,
        amr,
        iss: this.issuer(),
        'https://cognito-identity.amazonaws.com/identity-pool-arn': identityPoolArn(this.config.region, p.pool.id),
        ...(p.principalTags && Object.keys(p.principalTags).length > 0
          ? { 'https://aws.amazon.com/tags': { principal_tags: Object.fromEntries(Object.entries(p.principalTags).map(([k, v]) => [k, [v]])) } }
          : {}),
        exp: iat + (p.seconds ?? OPENID_TOKEN_SECONDS),
        iat,
      },
      key,
    );
  }

  /** Verifies a token this issuer minted; `undefined` when it isn't one (or no longer valid). */
  async verify(token: string): Promise<{ ok: true; claims: JwtPayload } | { ok: false; reason: string }> {
    const now = this.clock.now();
    await this.keys.prepare(IDENTITY_KEYS, now, token);
    const result = verifyJwt(token, { keyFor: (kid) => this.keys.keyFor(IDENTITY_KEYS, kid), now, issuer: this.issuer() });
    if (!result.ok) return { ok: false, reason: result.reason };
    const c = result.payload;
    if (typeof c.sub !== 'string' || typeof c.aud !== 'string' || !Array.isArray(c.amr)) return { ok: false, reason: 'claims' };
    return { ok: true, claims: c };
  }

  /**
   * A developer-authenticated login in the enhanced flow: the OpenID token that
   * GetOpenIdTokenForDeveloperIdentity returned, under the key `cognito-identity.amazonaws.com`.
   */
  async verifyDeveloperLogin(pool: IdentityPool, key: string, token: string): Promise<VerifiedLogin> {
    const result = await this.verify(token);
    if (!result.ok) {
      throw errors.notAuthorized(result.reason === 'expired' ? 'Invalid login token. Token expired.' : "Invalid login token. Couldn't verify signed token.");
    }
    const claims = result.claims;
    if (claims.aud !== pool.id) throw errors.notAuthorized('Invalid login token. Incorrect token audience.');
    const amr = claims.amr as unknown[];
    // Only developer-authenticated tokens open an identity this way: any other OpenID token would
    // let its holder skip the provider check and the role mapping of the login it came from.
    if (amr[0] !== 'authenticated' || !pool.settings.DeveloperProviderName || amr[1] !== pool.settings.DeveloperProviderName) {
      throw errors.notAuthorized('Invalid login token. Not a developer-authenticated identity token.');
    }
    return {
      key,
      provider: COGNITO_IDENTITY_PROVIDER,
      subject: claims.sub as string,
      mappingKey: String(amr[1] ?? COGNITO_IDENTITY_PROVIDER),
      amr: String(amr[2] ?? ''),
      claims,
    };
  }
}
