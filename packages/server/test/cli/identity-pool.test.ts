/**
 * `cognate identity-pool create` and the CredentialsProvider section of `cognate config`: the pool
 * and its roles made by the command, then served by a server on the same data folder and driven
 * with fromCognitoIdentityPool; the roles' policies enforced by the verifier.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pino from 'pino';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import { loadConfig, startCognate, type RunningCognate } from '../../src/index.js';
import { sign, verify } from '../e2e/identity/sign.js';

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const run = promisify(execFile);
const cognate = (args: string[]) => run(process.execPath, ['--import', 'tsx', CLI, ...args], { timeout: 60_000 });

describe('cognate identity-pool create', () => {
  let dataDir: string;
  let running: RunningCognate | undefined;
  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'cognate-cli-idp-'));
  });
  after(async () => {
    await running?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates an identity pool with roles and policies that a server then serves', async () => {
    const flags = ['--data-dir', dataDir, '--argon2-memory', '4096'];
    const poolId = (await cognate(['pool', 'create', '--name', 'shop', ...flags])).stdout.trim();
    const clientId = (await cognate(['client', 'create', '--pool', poolId, ...flags])).stdout.trim();
    const policy = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::public/*' }] });
    const out = (
      await cognate(['identity-pool', 'create', '--name', 'shop ids', '--allow-guests', '--provider', `${poolId}:${clientId}`, '--unauth-policy', policy, ...flags])
    ).stdout.trim().split('\n');
    const [identityPoolId, authRole, unauthRole] = out;
    assert.match(identityPoolId!, /^us-east-1:[0-9a-f-]{36}$/);
    assert.match(authRole!, /^arn:aws:iam::000000000000:role\/Cognito_shopids_[0-9a-f]{8}_Auth_Role$/);
    assert.match(unauthRole!, /_Unauth_Role$/);

    const file = path.join(dataDir, 'awsconfiguration.json');
    await cognate(['config', '--pool', poolId, '--client', clientId, '--identity-pool', identityPoolId!, '--out', file, '--public-url', 'http://127.0.0.1:9229', ...flags]);
    const doc = JSON.parse(await readFile(file, 'utf8'));
    assert.deepEqual(doc.CredentialsProvider.CognitoIdentity.Default, { PoolId: identityPoolId, Region: 'us-east-1', Endpoint: 'http://127.0.0.1:9229' });
    assert.deepEqual(doc.IdentityManager, { Default: {} });

    running = await startCognate(loadConfig({ port: 0, dataDir, logLevel: 'silent', printOutbox: false }, {}), { log: pino({ level: 'silent' }) });
    const creds = await fromCognitoIdentityPool({ identityPoolId: identityPoolId!, clientConfig: { region: 'us-east-1', endpoint: running.url, maxAttempts: 1 } })();
    assert.match(creds.accessKeyId, /^ASIA/);
    const host = 'public.s3.local';
    const allowed = await verify(running.url, await sign(creds, 's3', { method: 'GET', host, path: '/a.txt' }, Date.now()), 's3:GetObject', 'arn:aws:s3:::public/a.txt');
    assert.equal(allowed.status, 200);
    assert.equal(allowed.json.roleArn, unauthRole);
    const denied = await verify(running.url, await sign(creds, 's3', { method: 'PUT', host, path: '/a.txt' }, Date.now()), 's3:PutObject', 'arn:aws:s3:::public/a.txt');
    assert.equal(denied.status, 403);
  });

  it('fails clearly on bad input', async () => {
    const flags = ['--data-dir', dataDir];
    await assert.rejects(cognate(['identity-pool', 'create', ...flags]), (e: { stderr: string }) => /--name/.test(e.stderr));
    await assert.rejects(cognate(['identity-pool', 'create', '--name', 'x', '--provider', 'us-east-1_Missing00:abc', ...flags]), (e: { stderr: string; code: number }) => e.code === 1 && /does not exist/.test(e.stderr) && !/\n\s+at /.test(e.stderr));
    await assert.rejects(cognate(['identity-pool', 'create', '--name', 'x', '--auth-policy', '{"nope":1}', ...flags]), (e: { stderr: string }) => /Malformed policy document/.test(e.stderr));
    // What CreateIdentityPool's model forbids is refused as the API refuses it (issue 15: ValidationException).
    await assert.rejects(cognate(['identity-pool', 'create', '--name', 'bad/name', ...flags]), (e: { stderr: string; code: number }) => {
      assert.equal(e.code, 1);
      assert.equal(e.stderr, "cognate: ValidationException: 1 validation error detected: Value 'bad/name' at 'identityPoolName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+\n");
      return true;
    });
    await assert.rejects(cognate(['identity-pool', 'create', '--name', 'x', '--developer-provider', 'my dev', ...flags]), (e: { stderr: string }) => /^cognate: ValidationException: .*'developerProviderName'/.test(e.stderr));
  });
});
