/**
 * The credentials broker behind GetCredentialsForIdentity (a port with two implementations):
 * - built-in: Cognate acts as the STS. The AccessKeyId is `ASIA` and 16 base32 characters, the
 *   SecretKey 40 random characters, and the SessionToken is sealed (AES-GCM under the server's
 *   session key) over everything a verifier needs: the key pair, identity, pool, role, `amr`,
 *   session tags and expiry. Nothing is stored: any node can check any credentials.
 *   It mints only for a role whose trust policy admits the identity (identity/trust.ts).
 * - upstream: exchanges Cognate's OpenID token for credentials at an STS endpoint with
 *   AssumeRoleWithWebIdentity, as Cognito's basic flow does against AWS; that STS judges the trust
 *   of its own roles, and its 4xx refusals are InvalidIdentityPoolConfigurationException.
 */
import { randomBytes } from 'node:crypto';
import { STSClient, AssumeRoleWithWebIdentityCommand } from '@aws-sdk/client-sts';
import { CognitoError } from '../errors.js';
import type { Sealer } from '../crypto/seal.js';
import type { Clock } from '../ports.js';
import { randomString } from '../domain/ids.js';
import { BoundedMap } from '../domain/cache.js';
import type { IamRoles } from './iam-roles.js';
import { requireTrust } from './trust.js';

export const CREDENTIALS_SECONDS = 3600;
const SEAL_PURPOSE = 'cognate/identity-credentials/v1';
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export interface IssuedCredentials {
  AccessKeyId: string;
  SecretKey: string;
  SessionToken: string;
  /** Epoch milliseconds. */
  Expiration: number;
}

export interface CredentialsRequest {
  identityId: string;
  poolId: string;
  roleArn: string;
  /** The `amr` of the identity's OpenID token. */
  amr: string[];
  /** Session tags (principal tags). */
  tags: Record<string, string>;
  /** Lifetime; default one hour (Cognito's). */
  seconds?: number;
  /** The OpenID token for the same identity, minted on demand (the upstream broker needs it). */
  openIdToken(): Promise<string>;
}

export interface CredentialsBroker {
  readonly name: string;
  issue(req: CredentialsRequest): Promise<IssuedCredentials>;
}

/** What a built-in SessionToken carries. */
export interface SessionClaims {
  /** AccessKeyId. */
  k: string;
  /** SecretKey. */
  s: string;
  /** Identity ID (`cognito-identity.amazonaws.com:sub`). */
  i: string;
  /** Identity pool ID (`cognito-identity.amazonaws.com:aud`). */
  p: string;
  /** Role ARN. */
  r: string;
  a: string[];
  t: Record<string, string>;
  /** Expiry, epoch ms. */
  e: number;
}

/** Opened SessionTokens kept by {@link BuiltInBroker.open}: a client signs many requests with one token. */
const MAX_OPENED = 4096;

export class BuiltInBroker implements CredentialsBroker {
  readonly name = 'built-in';
  /** SessionToken → its claims. Opening is deterministic (same token, same claims), so this is only a shortcut. */
  private readonly opened = new BoundedMap<string, SessionClaims>(MAX_OPENED);

  constructor(private readonly sealer: Sealer, private readonly clock: Clock, private readonly roles: IamRoles) {}

  /**
   * Mints credentials for a role whose trust policy admits the identity (identity/trust.ts);
   * RoleNotTrusted otherwise. This is the one place built-in credentials are made, for
   * GetCredentialsForIdentity and for Cognate's STS alike.
   */
  async issue(req: CredentialsRequest): Promise<IssuedCredentials> {
    await requireTrust(this.roles, req.roleArn, { identityId: req.identityId, poolId: req.poolId, amr: req.amr });
    const now = this.clock.now();
    const expiration = now + (req.seconds ?? CREDENTIALS_SECONDS) * 1000;
    const accessKeyId = `ASIA${randomString(BASE32, 16)}`;
    const secret = randomBytes(30).toString('base64');
    const claims: SessionClaims = { k: accessKeyId, s: secret, i: req.identityId, p: req.poolId, r: req.roleArn, a: req.amr, t: req.tags, e: expiration };
    return { AccessKeyId: accessKeyId, SecretKey: secret, SessionToken: this.sealer.sealToString(JSON.stringify(claims), SEAL_PURPOSE), Expiration: expiration };
  }

  /**
   * Opens a SessionToken: `undefined` when it is not one of ours or was altered; the claims
   * (expired or not: the caller decides) otherwise.
   */
  open(sessionToken: string): SessionClaims | undefined {
    if (typeof sessionToken !== 'string' || sessionToken.length > 8192) return undefined;
    const known = this.opened.get(sessionToken);
    if (known) return known;
    const buf = this.sealer.openString(sessionToken, SEAL_PURPOSE);
    if (!buf) return undefined;
    let c: SessionClaims;
    try {
      c = JSON.parse(buf.toString('utf8')) as SessionClaims;
    } catch {
      return undefined;
    }
    if (typeof c.k !== 'string' || typeof c.s !== 'string' || typeof c.e !== 'number') return undefined;
    this.opened.set(sessionToken, Object.freeze(c));
    return c;
  }
}

/** Exchanges the OpenID token at an STS endpoint (AssumeRoleWithWebIdentity). */
export class UpstreamStsBroker implements CredentialsBroker {
  readonly name = 'upstream';
  private client: STSClient | undefined;

  /** Reads the endpoint at first use (a server listening on port 0 learns its own URL late). */
  constructor(private readonly settings: { readonly upstreamStsEndpoint: string; readonly region: string }) {}

  private get sts(): STSClient {
    this.client ??= new STSClient({
      region: this.settings.region,
      ...(this.settings.upstreamStsEndpoint ? { endpoint: this.settings.upstreamStsEndpoint } : {}),
      // AssumeRoleWithWebIdentity is unsigned; the SDK still wants a credentials provider.
      credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' },
      maxAttempts: 2,
    });
    return this.client;
  }

  async issue(req: CredentialsRequest): Promise<IssuedCredentials> {
    let out;
    try {
      out = await this.sts.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: req.roleArn,
          RoleSessionName: 'CognitoIdentityCredentials',
          WebIdentityToken: await req.openIdToken(),
          DurationSeconds: CREDENTIALS_SECONDS,
        }),
      );
    } catch (e) {
      // A 4xx is the STS refusing this role for this identity (AccessDenied: the trust policy;
      // InvalidIdentityToken …): a configuration fault of the pool's roles, as Cognito reports it.
      // Anything else (5xx, no answer) is the STS failing.
      const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        throw new CognitoError('InvalidIdentityPoolConfigurationException', 'Invalid identity pool configuration. Check assigned IAM roles for this pool.');
      }
      const name = String((e as { name?: unknown }).name ?? 'Error').replace(/[^\w.-]/g, '').slice(0, 64);
      throw new CognitoError('ExternalServiceException', `The STS endpoint refused the credentials request (${name}).`);
    }
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
      throw new CognitoError('ExternalServiceException', 'The STS endpoint answered without credentials.');
    }
    return { AccessKeyId: c.AccessKeyId, SecretKey: c.SecretAccessKey, SessionToken: c.SessionToken, Expiration: c.Expiration.getTime() };
  }

  close(): void {
    this.client?.destroy();
  }
}
