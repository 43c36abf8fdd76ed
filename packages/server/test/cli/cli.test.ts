/**
 * The `cognate` command, run as a real process: create a pool and a client, start the server,
 * sign up through it with the SDK, read the code from the outbox, write awsconfiguration.json.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CognitoIdentityProviderClient, ConfirmSignUpCommand, DescribeUserPoolCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const run = promisify(execFile);

/** Runs `cognate <args>`; resolves with stdout, or rejects with the process's error (stderr, code). */
function cognate(args: string[], env: Record<string, string> = {}) {
  return run(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...process.env, ...env }, timeout: 60_000 });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the cognate command', () => {
  let dataDir: string;
  let server: ChildProcess | undefined;
  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'cognate-cli-'));
  });
  after(async () => {
    server?.kill('SIGTERM');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates a pool and a client, serves them, and shows the outbox and an awsconfiguration.json', async () => {
    const flags = ['--data-dir', dataDir, '--argon2-memory', '4096'];
    const poolId = (await cognate(['pool', 'create', '--name', 'shop', ...flags])).stdout.trim();
    assert.match(poolId, /^us-east-1_[0-9a-zA-Z]{9}$/);
    const [clientId, secret] = (await cognate(['client', 'create', '--pool', poolId, ...flags])).stdout.trim().split(' ');
    assert.match(clientId!, /^[a-z0-9]{26}$/);
    assert.equal(secret, undefined);
    const [, withSecret] = (await cognate(['client', 'create', '--pool', poolId, '--secret', ...flags])).stdout.trim().split(' ');
    assert.match(withSecret!, /^[a-z0-9]{51}$/);
    assert.match((await cognate(['migrate', ...flags])).stdout, /up to date/);

    const port = await freePort();
    server = spawn(process.execPath, ['--import', 'tsx', CLI, 'start', '--port', String(port), '--print-outbox', 'false', ...flags], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    server.stdout!.on('data', (chunk) => (output += chunk));
    // Up to a minute: `tsx` compiles the server on start, slow on a loaded 2-core machine.
    for (let i = 0; i < 600 && !(/AWS_SECRET_ACCESS_KEY=\S+/.test(output) && /Cognate is listening/.test(output)); i++) await new Promise((r) => setTimeout(r, 100));
    const accessKeyId = /AWS_ACCESS_KEY_ID=(\S+)/.exec(output)?.[1];
    const secretAccessKey = /AWS_SECRET_ACCESS_KEY=(\S+)/.exec(output)?.[1];
    assert.ok(accessKeyId && secretAccessKey, 'the first start prints the generated admin key pair');
    assert.match(output, /"msg":"Cognate is listening"/, 'logs are JSON');
    assert.doesNotMatch(output, new RegExp(withSecret!), 'client secrets are never logged');

    const endpoint = `http://127.0.0.1:${port}`;
    const admin = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
    const user = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
    try {
      assert.equal((await admin.send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool?.Name, 'shop');
      const signUp = await user.send(new SignUpCommand({ ClientId: clientId, Username: 'alice', Password: 'Corr3ct-Horse!', UserAttributes: [{ Name: 'email', Value: 'alice@example.com' }] }));
      assert.equal(signUp.CodeDeliveryDetails?.DeliveryMedium, 'EMAIL');
      const outbox = JSON.parse((await cognate(['outbox', '--json', '--pool', poolId, ...flags])).stdout) as { to: string; text: string }[];
      const code = /\d{6}/.exec(outbox.find((m) => m.to === 'alice@example.com')?.text ?? '')?.[0];
      assert.ok(code, 'the outbox shows the code');
      await user.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'alice', ConfirmationCode: code }));
      assert.match((await cognate(['outbox', ...flags])).stdout, /email to alice@example\.com/);
    } finally {
      admin.destroy();
      user.destroy();
    }

    const out = path.join(dataDir, 'awsconfiguration.json');
    await cognate(['config', '--pool', poolId, '--client', clientId!, '--out', out, '--public-url', endpoint, ...flags]);
    const doc = JSON.parse(await readFile(out, 'utf8'));
    assert.deepEqual(doc.CognitoUserPool.Default, { PoolId: poolId, AppClientId: clientId, Region: 'us-east-1', Endpoint: endpoint });
    assert.equal(doc.Auth.Default.authenticationFlowType, 'USER_SRP_AUTH');
  });

  it('fails clearly on bad input', async () => {
    await assert.rejects(cognate(['pool', 'create', '--data-dir', dataDir]), (e: { stderr: string }) => /--name/.test(e.stderr));
    await assert.rejects(cognate(['client', 'create', '--pool', 'us-east-1_Missing00', '--data-dir', dataDir]), (e: { stderr: string; code: number }) => e.code === 1 && /does not exist/.test(e.stderr) && !/\n\s+at /.test(e.stderr));
    await assert.rejects(cognate(['start', '--port', 'abc', '--data-dir', dataDir]), (e: { stderr: string }) => /invalid port/.test(e.stderr));
    await assert.rejects(cognate(['start', '--database-url', 'mysql://x', '--data-dir', dataDir, '--port', '0']), (e: { stderr: string }) => /DATABASE_URL/.test(e.stderr));
  });
});
