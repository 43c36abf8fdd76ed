/**
 * The verifier for credentials from the built-in broker: given an HTTP request that a client signed
 * (SigV4) with identity-pool credentials, it checks the signature with the secret sealed in the
 * session token, the token's expiry and integrity, that the role still exists, and evaluates the
 * role's policies for the action and resource the request stands for. Resource servers call it
 * (in-process, or over HTTP at `POST /identity/verify`).
 */
import { CognitoError, errors } from '../errors.js';
import { verifySigV4, type SignedRequest } from '../protocol/sigv4.js';
import type { Clock } from '../ports.js';
import type { BuiltInBroker, SessionClaims } from './credentials.js';
import type { IamRoles } from './iam-roles.js';
import { evaluate, type Decision, type PolicyContext } from './policy.js';

export interface VerifyRequestOptions {
  /** The IAM action the request stands for, e.g. `s3:GetObject`. */
  action: string;
  /** The resource ARN, e.g. `arn:aws:s3:::bucket/key`. */
  resource: string;
  /** Accepted SigV4 service names; any when omitted. */
  services?: readonly string[];
  /** Extra condition keys of the request (e.g. `s3:prefix`); never principal keys ({@link principalKeyIn}). */
  context?: PolicyContext;
}

export type VerifyResult =
  | { allowed: true; identityId: string; identityPoolId: string; roleArn: string; amr: string[]; expiration: number }
  | { allowed: false; reason: 'signature' | 'expired' | 'unknown-credentials' | 'role-revoked' | 'denied'; message: string; decision?: Decision };

/** The policy context of a session: Cognito's condition keys and the principal tags. */
export function sessionContext(c: SessionClaims): PolicyContext {
  const ctx: PolicyContext = {
    'cognito-identity.amazonaws.com:sub': c.i,
    'cognito-identity.amazonaws.com:aud': c.p,
    'cognito-identity.amazonaws.com:amr': c.a,
    'aws:userid': c.i,
  };
  for (const [k, v] of Object.entries(c.t)) ctx[`aws:PrincipalTag/${k}`] = v;
  return ctx;
}

/**
 * Condition keys whose values are facts about the principal: the session sets them (from the sealed
 * SessionToken) or, where it has none, they have none. A caller's `context` may add request facts
 * (resource tags, `aws:SourceIp`, `aws:RequestTag/*`, `s3:prefix` …) but never name one of these,
 * or it could claim another identity's tags, pool, `amr` or `sub`. IAM condition keys are
 * case-insensitive, so the comparison is too. (IAM User Guide, "AWS global condition context
 * keys": the principal properties.)
 */
const PRINCIPAL_KEY_PREFIXES = ['aws:principal', 'cognito-identity.amazonaws.com:', 'sts:'];
const PRINCIPAL_KEYS = new Set([
  'aws:userid', 'aws:username', 'aws:federatedprovider', 'aws:tokenissuetime', 'aws:multifactorauthpresent',
  'aws:multifactorauthage', 'aws:sourceidentity', 'aws:assumedroot', 'aws:ec2instancesourcevpc', 'aws:ec2instancesourceprivateipv4',
]);

/** The first key of a caller's context that names a principal fact, if any. */
export function principalKeyIn(context: PolicyContext | undefined): string | undefined {
  for (const key of Object.keys(context ?? {})) {
    const k = key.toLowerCase();
    if (PRINCIPAL_KEYS.has(k) || PRINCIPAL_KEY_PREFIXES.some((p) => k.startsWith(p))) return key;
  }
  return undefined;
}

/** The service the request's credential scope names (so any service's requests can be checked). */
function scopedService(req: SignedRequest): string {
  const auth = req.headers['authorization'];
  let text = Array.isArray(auth) ? auth[0] : auth;
  if (text === undefined) {
    try {
      text = decodeURIComponent(/(?:^|&)X-Amz-Credential=([^&]*)/.exec(req.rawQuery)?.[1] ?? '');
    } catch {
      text = '';
    }
  }
  return /(?:Credential=)?[^/\s,]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(text)?.[1] ?? 'unknown';
}

export class CredentialsVerifier {
  constructor(private readonly broker: BuiltInBroker, private readonly roles: IamRoles, private readonly clock: Clock) {}

  /**
   * Checks a signed request against its role's policies. A `context` naming a principal fact
   * ({@link principalKeyIn}) is refused with InvalidParameterException before anything else.
   */
  async verify(req: SignedRequest, opts: VerifyRequestOptions): Promise<VerifyResult> {
    const principalKey = principalKeyIn(opts.context);
    if (principalKey !== undefined) {
      throw errors.invalidParameter(`context must not set ${principalKey.slice(0, 128)}: principal keys come only from the credentials.`);
    }
    let session: SessionClaims | undefined;
    try {
      await verifySigV4(req, {
        services: opts.services ?? [scopedService(req)],
        now: this.clock.now(),
        allowUnsignedPayload: true,
        lookup: async (accessKeyId, sessionToken) => {
          if (!sessionToken) return undefined;
          const claims = this.broker.open(sessionToken);
          if (!claims || claims.k !== accessKeyId) return undefined;
          if (claims.e <= this.clock.now()) throw new CognitoError('ExpiredTokenException', 'The security token included in the request is expired');
          session = claims;
          return { secretAccessKey: claims.s, principal: claims };
        },
      });
    } catch (e) {
      if (e instanceof CognitoError && e.name === 'ExpiredTokenException') return { allowed: false, reason: 'expired', message: e.message };
      if (e instanceof CognitoError && e.name === 'UnrecognizedClientException') return { allowed: false, reason: 'unknown-credentials', message: e.message };
      return { allowed: false, reason: 'signature', message: e instanceof CognitoError ? e.message : 'The request signature could not be verified.' };
    }
    const c = session!;
    const role = await this.roles.find(c.r);
    if (!role) return { allowed: false, reason: 'role-revoked', message: `The role ${c.r} no longer exists.` };
    const decision = evaluate(Object.values(role.policies), opts.action, opts.resource, { ...(opts.context ?? {}), ...sessionContext(c) });
    if (decision !== 'Allow') {
      return { allowed: false, reason: 'denied', decision, message: `User: ${c.i} is not authorized to perform: ${opts.action} on resource: ${opts.resource}${decision === 'ExplicitDeny' ? ' with an explicit deny' : ''}` };
    }
    return { allowed: true, identityId: c.i, identityPoolId: c.p, roleArn: c.r, amr: c.a, expiration: c.e };
  }
}
