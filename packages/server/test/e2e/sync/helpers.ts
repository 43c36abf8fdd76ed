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
import { iam } from '../identity/sign.js';
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
  const provider = fromCognitoIdentityPool({ identityPoolId, ...(logins ? { logins } : {}), clientConfig: common(server) });
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
