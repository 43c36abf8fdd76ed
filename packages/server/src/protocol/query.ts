/**
 * The AWS query protocol (form-encoded POST, XML answers) for the two services identity pools lean
 * on: STS AssumeRoleWithWebIdentity (unsigned: the web identity token is the credential), which
 * exchanges Cognate's OpenID tokens for built-in credentials as Cognito's basic flow does with
 * AWS STS, and the IAM role calls (CreateRole, GetRole, DeleteRole, PutRolePolicy, GetRolePolicy,
 * DeleteRolePolicy, UpdateAssumeRolePolicy; SigV4 with the admin credentials, service `iam`) that give roles their policies.
 */
import { randomUUID } from 'node:crypto';
import { CognitoError } from '../errors.js';
import type { Cognate } from '../domain/cognate.js';
import { verifySigV4 } from './sigv4.js';
import { roleNameOfArn } from '../identity/iam-roles.js';
import { RoleNotTrusted } from '../identity/trust.js';
import { isTransientStoreError } from '../store/faults.js';

export interface QueryRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface QueryResponse {
  status: number;
  body: string;
  /** Extra response headers (Retry-After on a 503); the caller adds Content-Type. */
  headers?: Record<string, string>;
}

const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';

/** An error with the query protocol's code, type and status. */
class QueryError extends Error {
  constructor(readonly code: string, message: string, readonly status = 400, readonly type: 'Sender' | 'Receiver' = 'Sender') {
    super(message);
  }
}

const xml = (s: string) => s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

function element(name: string, content: string | string[] | Record<string, unknown> | undefined): string {
  if (content === undefined) return '';
  if (typeof content === 'string') return `<${name}>${xml(content)}</${name}>`;
  if (Array.isArray(content)) return `<${name}>${content.map((v) => element('member', v)).join('')}</${name}>`;
  return `<${name}>${Object.entries(content).map(([k, v]) => element(k, v as string | string[] | Record<string, unknown> | undefined)).join('')}</${name}>`;
}

function success(action: string, ns: string, result: Record<string, unknown> | undefined, requestId: string): QueryResponse {
  const body = `<${action}Response xmlns="${ns}">${result ? element(`${action}Result`, result) : ''}${element('ResponseMetadata', { RequestId: requestId })}</${action}Response>`;
  return { status: 200, body };
}

function failure(e: QueryError, requestId: string, ns: string): QueryResponse {
  return { status: e.status, body: `<ErrorResponse xmlns="${ns}">${element('Error', { Type: e.type, Code: e.code, Message: e.message })}${element('RequestId', requestId)}</ErrorResponse>` };
}

function required(params: URLSearchParams, name: string): string {
  const v = params.get(name);
  if (v === null || v === '') throw new QueryError('ValidationError', `1 validation error detected: Value null at '${name.charAt(0).toLowerCase() + name.slice(1)}' failed to satisfy constraint: Member must not be null`);
  return v;
}

async function assumeRoleWithWebIdentity(cognate: Cognate, params: URLSearchParams): Promise<Record<string, unknown>> {
  const roleArn = required(params, 'RoleArn');
  const sessionName = required(params, 'RoleSessionName');
  const token = required(params, 'WebIdentityToken');
  if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) throw new QueryError('ValidationError', "Value at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*");
  const duration = params.get('DurationSeconds');
  const seconds = duration === null ? 3600 : Number(duration);
  if (!Number.isInteger(seconds) || seconds < 900 || seconds > 43200) throw new QueryError('ValidationError', "Value at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200");
  const verified = await cognate.identity.openId.verify(token);
  if (!verified.ok) {
    if (verified.reason === 'expired') throw new QueryError('ExpiredTokenException', 'Token expired: the web identity token is past its expiration date/time.');
    throw new QueryError('InvalidIdentityToken', "Couldn't verify the web identity token.");
  }
  const c = verified.claims;
  const amr = (c.amr as unknown[]).filter((a): a is string => typeof a === 'string');
  const tagClaim = (c['https://aws.amazon.com/tags'] as { principal_tags?: Record<string, unknown> } | undefined)?.principal_tags ?? {};
  const tags = Object.fromEntries(Object.entries(tagClaim).map(([k, v]) => [k, Array.isArray(v) ? String(v[0]) : String(v)]));
  let creds;
  try {
    // The broker evaluates the role's trust policy (identity/trust.ts), as for GetCredentialsForIdentity.
    creds = await cognate.identity.builtIn.issue({ identityId: c.sub as string, poolId: c.aud as string, roleArn, amr, tags, seconds, openIdToken: async () => token });
  } catch (e) {
    if (e instanceof RoleNotTrusted) throw new QueryError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity', 403);
    throw e;
  }
  const roleName = roleNameOfArn(roleArn) ?? roleArn;
  return {
    Credentials: { AccessKeyId: creds.AccessKeyId, SecretAccessKey: creds.SecretKey, SessionToken: creds.SessionToken, Expiration: new Date(creds.Expiration).toISOString() },
    SubjectFromWebIdentityToken: c.sub as string,
    AssumedRoleUser: { Arn: `arn:aws:sts::000000000000:assumed-role/${roleName}/${sessionName}`, AssumedRoleId: `AROA${roleName.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 17).padEnd(17, 'X')}:${sessionName}` },
    Audience: c.aud as string,
    Provider: cognate.identity.openId.issuer(),
  };
}

function roleShape(role: { arn: string; name: string; createdAt: number; trust: unknown }): Record<string, unknown> {
  return {
    Path: role.arn.slice(role.arn.indexOf(':role') + 5, role.arn.length - role.name.length),
    RoleName: role.name,
    RoleId: `AROA${Buffer.from(role.arn).toString('hex').toUpperCase().slice(0, 17)}`,
    Arn: role.arn,
    CreateDate: new Date(role.createdAt).toISOString(),
    ...(role.trust ? { AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(role.trust)) } : {}),
  };
}

async function iamAction(cognate: Cognate, action: string, params: URLSearchParams): Promise<Record<string, unknown> | undefined> {
  const roles = cognate.identity.roles;
  const now = cognate.clock.now();
  switch (action) {
    case 'CreateRole': {
      const role = await roles.create({ name: required(params, 'RoleName'), path: params.get('Path') ?? '/', trust: required(params, 'AssumeRolePolicyDocument') }, now);
      return { Role: roleShape(role) };
    }
    case 'GetRole':
      return { Role: roleShape(await roles.getByName(required(params, 'RoleName'))) };
    case 'DeleteRole':
      await roles.delete(required(params, 'RoleName'));
      return undefined;
    case 'UpdateAssumeRolePolicy':
      await roles.updateTrust(required(params, 'RoleName'), required(params, 'PolicyDocument'), now);
      return undefined;
    case 'PutRolePolicy':
      await roles.putPolicy(required(params, 'RoleName'), required(params, 'PolicyName'), required(params, 'PolicyDocument'), now);
      return undefined;
    case 'GetRolePolicy': {
      const name = required(params, 'RoleName');
      const policyName = required(params, 'PolicyName');
      const doc = (await roles.getByName(name)).policies[policyName];
      if (!doc) throw new QueryError('NoSuchEntity', `The role policy with name ${policyName} cannot be found.`, 404);
      return { RoleName: name, PolicyName: policyName, PolicyDocument: encodeURIComponent(JSON.stringify(doc)) };
    }
    case 'DeleteRolePolicy':
      await roles.deletePolicy(required(params, 'RoleName'), required(params, 'PolicyName'), now);
      return undefined;
    case 'CreateOpenIDConnectProvider': {
      const clientIds: string[] = [];
      for (let i = 1; params.has(`ClientIDList.member.${i}`); i++) clientIds.push(params.get(`ClientIDList.member.${i}`)!);
      const provider = await cognate.identity.external.createOidc(required(params, 'Url'), clientIds, now);
      return { OpenIDConnectProviderArn: provider.arn };
    }
    case 'GetOpenIDConnectProvider': {
      const provider = await cognate.identity.external.findOidc(required(params, 'OpenIDConnectProviderArn'));
      if (!provider) throw new QueryError('NoSuchEntity', 'The OpenID Connect provider cannot be found.', 404);
      return { Url: provider.url.replace(/^https?:\/\//, ''), ClientIDList: provider.clientIds };
    }
    case 'DeleteOpenIDConnectProvider':
      await cognate.identity.external.delete(required(params, 'OpenIDConnectProviderArn'));
      return undefined;
    case 'CreateSAMLProvider': {
      const provider = await cognate.identity.external.createSaml(required(params, 'Name'), required(params, 'SAMLMetadataDocument'), now);
      return { SAMLProviderArn: provider.arn };
    }
    case 'DeleteSAMLProvider':
      await cognate.identity.external.delete(required(params, 'SAMLProviderArn'));
      return undefined;
    default:
      throw new QueryError('InvalidAction', `Could not find operation ${action.slice(0, 64)} for version 2010-05-08`);
  }
}

const IAM_ACTIONS = new Set([
  'CreateRole', 'GetRole', 'DeleteRole', 'UpdateAssumeRolePolicy', 'PutRolePolicy', 'GetRolePolicy', 'DeleteRolePolicy',
  'CreateOpenIDConnectProvider', 'GetOpenIDConnectProvider', 'DeleteOpenIDConnectProvider', 'CreateSAMLProvider', 'DeleteSAMLProvider',
]);

/** Handles one query-protocol request; never throws. */
export async function handleQuery(cognate: Cognate, req: QueryRequest): Promise<QueryResponse> {
  const requestId = randomUUID();
  const params = new URLSearchParams(req.body.toString('utf8'));
  const action = params.get('Action') ?? '';
  const ns = IAM_ACTIONS.has(action) ? IAM_NS : STS_NS;
  try {
    if (action === 'AssumeRoleWithWebIdentity') return success(action, STS_NS, await assumeRoleWithWebIdentity(cognate, params), requestId);
    if (!IAM_ACTIONS.has(action)) throw new QueryError('InvalidAction', `Could not find operation ${action.slice(0, 64)}`);
    const q = req.url.indexOf('?');
    await verifySigV4(
      { method: req.method, rawPath: q < 0 ? req.url : req.url.slice(0, q), rawQuery: q < 0 ? '' : req.url.slice(q + 1), headers: req.headers, body: req.body },
      {
        services: ['iam'],
        now: cognate.clock.now(),
        // IAM is global: its endpoint signs with us-east-1 whatever the server's region.
        regions: ['us-east-1', cognate.config.region, ...cognate.config.extraRegions],
        lookup: async (accessKeyId) =>
          cognate.admin.accessKeyId !== '' && accessKeyId === cognate.admin.accessKeyId ? { secretAccessKey: cognate.admin.secretAccessKey, principal: 'admin' } : undefined,
      },
    );
    return success(action, IAM_NS, await iamAction(cognate, action, params), requestId);
  } catch (e) {
    if (e instanceof QueryError) return failure(e, requestId, ns);
    if (e instanceof CognitoError) {
      if (e.status >= 500) return failure(new QueryError('ServiceFailure', 'An internal error occurred.', 500, 'Receiver'), requestId, ns);
      const code =
        e.name === 'ResourceNotFoundException' ? 'NoSuchEntity'
        : e.message.startsWith('Malformed policy document') ? 'MalformedPolicyDocument'
        : e.message.includes('already exists') ? 'EntityAlreadyExists'
        : e.name === 'InvalidParameterException' ? 'ValidationError'
        : e.name;
      const status = code === 'NoSuchEntity' ? 404 : code === 'EntityAlreadyExists' ? 409 : e.status;
      return failure(new QueryError(code, e.message, status), requestId, ns);
    }
    if (isTransientStoreError(e)) {
      // The query protocol's retryable fault; the AWS SDKs retry a 503.
      cognate.log.warn({ err: e, requestId, action }, 'database unavailable');
      return { ...failure(new QueryError('ServiceUnavailable', 'The service is temporarily unavailable; try again.', 503, 'Receiver'), requestId, ns), headers: { 'retry-after': '1' } };
    }
    cognate.log.error({ err: e, requestId, action }, 'unexpected error');
    return failure(new QueryError('InternalFailure', 'An internal error occurred.', 500, 'Receiver'), requestId, ns);
  }
}

