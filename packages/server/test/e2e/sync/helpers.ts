/**
 * Shared pieces of the Cognito Sync suites: an identity pool whose roles allow the identity its own
 * datasets (`cognito-sync:*` on `.../identity/${cognito-identity.amazonaws.com:sub}/*`, the policy
 * Cognito's console writes), `@aws-sdk/client-cognito-sync` clients signed with an identity's
 * credentials from `fromCognitoIdentityPool` or with the admin keys, and a full synchronisation
 * (ListRecords → UpdateRecords) as the Cognito Sync clients do it.
 */
import { CognitoSyncClient, ListRecordsCommand, UpdateRecordsCommand, type RecordPatch, type UpdateRecordsCommandOutput } from '@aws-sdk/client-cognito-sync';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import type { TestServer } from '../../support/server.js';
import { iam, sign } from '../identity/sign.js';
import { identityPoolFor } from '../identity/helpers.js';
import type { Pool } from '../security/helpers.js';

/** The policy of both roles: Sync on the identity's own data only (Cognito's console default). */
export const OWN_DATA_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: ['cognito-sync:*'], Resource: ['arn:aws:cognito-sync:*:*:identitypool/${cognito-identity.amazonaws.com:aud}/identity/${cognito-identity.amazonaws.com:sub}', 'arn:aws:cognito-sync:*:*:identitypool/${cognito-identity.amazonaws.com:aud}/identity/${cognito-identity.amazonaws.com:sub}/*'] },
    { Effect: 'Allow', Action: ['cognito-identity:*'], Resource: '*' },
  ],
});

/** Puts a policy on both default roles. */
export async function setRolePolicy(server: TestServer, policy: string): Promise<void> {
  for (const name of ['Cognito_Auth_Role', 'Cognito_Unauth_Role']) {
    const put = await iam(server.url, server.credentials, { Action: 'PutRolePolicy', RoleName: name, PolicyName: 'sync', PolicyDocument: policy }, server.clock.now());
    if (put.status !== 200) throw new Error(`PutRolePolicy ${name}: ${put.text}`);
  }
}

/** An identity pool with guests allowed whose roles carry {@link OWN_DATA_POLICY}. */
export async function syncPool(server: TestServer, pools: Pool[] = [], input: Parameters<typeof identityPoolFor>[2] = {}): Promise<string> {
  const id = await identityPoolFor(server, pools, input);
  await setRolePolicy(server, OWN_DATA_POLICY);
  return id;
}

export interface Device {
  client: CognitoSyncClient;
  identityId: string;
  identityPoolId: string;
}

const common = (server: TestServer) => ({ region: 'us-east-1', endpoint: server.url, maxAttempts: 1 });

/** A Sync client signed with an identity's credentials (a guest without logins). */
export async function device(server: TestServer, identityPoolId: string, logins?: Record<string, string>): Promise<Device> {
  // Each device its own cache: the provider's default one is shared by the process, so two guests would be one identity.
  const cache = new Map<string, string>();
  const storage = { getItem: (k: string) => cache.get(k) ?? null, setItem: (k: string, v: string) => void cache.set(k, v), removeItem: (k: string) => void cache.delete(k) };
  const provider = fromCognitoIdentityPool({ identityPoolId, ...(logins ? { logins } : {}), cache: storage, clientConfig: common(server) });
  const creds = await provider();
  return { client: new CognitoSyncClient({ ...common(server), credentials: creds }), identityId: creds.identityId, identityPoolId };
}

/** A Sync client signed with the admin keys (developer calls). */
export function developer(server: TestServer): CognitoSyncClient {
  return new CognitoSyncClient({ ...common(server), credentials: server.credentials });
}

/** The identity's dataset coordinates for a command input. */
export const at = (d: Device, DatasetName: string) => ({ IdentityPoolId: d.identityPoolId, IdentityId: d.identityId, DatasetName });

/** Lists (for a SyncSessionToken) and writes patches, as one synchronisation. */
export async function write(d: Device, dataset: string, patches: RecordPatch[]): Promise<UpdateRecordsCommandOutput> {
  const listed = await d.client.send(new ListRecordsCommand(at(d, dataset)));
  return d.client.send(new UpdateRecordsCommand({ ...at(d, dataset), SyncSessionToken: listed.SyncSessionToken, RecordPatches: patches }));
}

/** The error an SDK call fails with: its name, message and HTTP status. */
export async function failure(p: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

/** Credentials of a device, for raw signed requests. */
export async function credentialsOf(d: Device): Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }> {
  const c = await d.client.config.credentials();
  return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}) };
}

/** A raw request signed for `cognito-sync` (or `service`), for the inputs an SDK would never send. */
export async function raw(
  server: TestServer,
  creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
  req: { method: string; path: string; query?: Record<string, string>; body?: string; service?: string },
): Promise<{ status: number; errorType: string | null; json: Record<string, unknown> }> {
  const host = new URL(server.url).host;
  const headers: Record<string, string> = req.body !== undefined ? { 'content-type': 'application/json' } : {};
  if (creds.sessionToken) headers['x-amz-security-token'] = creds.sessionToken;
  const signed = await sign(creds, req.service ?? 'cognito-sync', { method: req.method, host, path: req.path, query: req.query ?? {}, headers, ...(req.body !== undefined ? { body: req.body } : {}) }, server.clock.now());
  const { host: _host, ...sent } = signed.headers;
  void _host;
  const res = await fetch(`${server.url}${req.path}${signed.query ? `?${signed.query}` : ''}`, { method: req.method, headers: sent, ...(req.body !== undefined ? { body: req.body } : {}) });
  const text = await res.text();
  return { status: res.status, errorType: res.headers.get('x-amzn-errortype'), json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** The encoded path of an identity's dataset (or the identity, without a name). */
export const pathOf = (poolId: string, identityId: string, dataset?: string) =>
  `/identitypools/${encodeURIComponent(poolId)}/identities/${encodeURIComponent(identityId)}${dataset !== undefined ? `/datasets/${encodeURIComponent(dataset)}` : ''}`;
