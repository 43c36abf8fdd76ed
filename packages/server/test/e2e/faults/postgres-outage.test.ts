/**
 * issue-10 item 9: PostgreSQL stopping under write load must not end Cognate. Cognate runs as a
 * child process (`node dist/cli.js start`) on its own throwaway cluster, which this file stops with
 * `pg_ctl stop -m immediate` and `-m fast` while several AWS SDK clients write (AdminCreateUser,
 * SignUp). During the outage: the process lives, answers are 503 InternalErrorException with
 * Retry-After and no stack, /health/ready is 503 within its 1 s ping timeout. After the restart:
 * ready again, writes succeed without restarting Cognate, and every write answered 200 is there.
 *
 * The same cluster and server then check the other doors (`POST /identity/verify`, the import
 * job's PreSignedUrl PUT, the IAM query protocol: 503 with Retry-After, no 500), and that work in
 * the background survives an outage: a user import job stopped mid-way finishes with every user,
 * and an invitation queued before the outage is mailed after it, without restarting Cognate.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  CreateUserImportJobCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserImportJobCommand,
  GetCSVHeaderCommand,
  ListUsersCommand,
  SignUpCommand,
  StartUserImportJobCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoIdentityClient, CreateIdentityPoolCommand, SetIdentityPoolRolesCommand } from '@aws-sdk/client-cognito-identity';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import { CognitoSyncClient, ListRecordsCommand, UpdateRecordsCommand } from '@aws-sdk/client-cognito-sync';
import { findPostgresBin, freePort, startCluster, type Cluster } from '../../../../../scripts/postgres-cluster.mjs';
import { startSmtpReceiver, type SmtpReceiver } from '../../support/smtp.js';
import { iam, sign, type Creds } from '../identity/sign.js';

const CLI = fileURLToPath(new URL('../../../dist/cli.js', import.meta.url));
const bin = findPostgresBin();
const KEY = { accessKeyId: 'AKIAFAULTSTEST000001', secretAccessKey: 'faults-test-secret-access-key-0000000001' };
const PASSWORD = 'Corr3ct-Horse!';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a PostgreSQL outage under write load', { skip: bin ? false : 'PostgreSQL (initdb, pg_ctl) is not installed' }, () => {
  let dir: string;
  let cluster: Cluster | undefined;
  let server: ChildProcess | undefined;
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let output = '';
  let endpoint: string;
  let admin: CognitoIdentityProviderClient;
  let user: CognitoIdentityProviderClient;
  let poolId: string;
  let clientId: string;
  let smtpPort: number;
  let smtp: SmtpReceiver | undefined;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cognate-faults-'));
    // durable: synchronous_commit on, so a commit acknowledged before `-m immediate` survives it.
    cluster = await startCluster({ bin: bin!, dir, durable: true });
    const port = await freePort();
    // Reserved for the SMTP receiver, which the background-work test starts only during an outage.
    smtpPort = await freePort();
    endpoint = `http://127.0.0.1:${port}`;
    server = spawn(
      process.execPath,
      [CLI, 'start', '--port', String(port), '--data-dir', path.join(dir, 'data'), '--database-url', cluster.url,
        '--admin-access-key-id', KEY.accessKeyId, '--admin-secret-access-key', KEY.secretAccessKey,
        '--print-outbox', 'false', '--rate-limits', 'off', '--smtp-host', '127.0.0.1', '--smtp-port', String(smtpPort), '--argon2-memory', '1024', '--argon2-iterations', '1', '--log-level', 'warn'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    server.stdout!.on('data', (c) => (output += c));
    server.stderr!.on('data', (c) => (output += c));
    server.on('exit', (code, signal) => (exited = { code, signal }));
    for (let i = 0; i < 300 && (await ready()) !== 200; i++) {
      assert.equal(exited, undefined, `cognate exited on start:\n${output}`);
      await sleep(100);
    }
    // maxAttempts 1: the test sees every answer; an application would let the SDK retry the 503s.
    admin = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint, credentials: KEY, maxAttempts: 1 });
    user = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
    poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'outage' }))).UserPool!.Id!;
    clientId = (await admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app' }))).UserPoolClient!.ClientId!;
  });

  after(async () => {
    admin?.destroy();
    user?.destroy();
    if (server && !exited) {
      server.kill('SIGTERM');
      await new Promise((r) => server!.once('exit', r));
    }
    await smtp?.close();
    await cluster?.stop('immediate').catch(() => {});
    await rm(dir, { recursive: true, force: true });
  });

  /** /health/ready's status, or 0 when nothing answers; must answer within 3 s. */
  async function ready(): Promise<number> {
    try {
      return (await fetch(`${endpoint}/health/ready`, { signal: AbortSignal.timeout(3000) })).status;
    } catch {
      return 0;
    }
  }

  function alive(): void {
    assert.equal(exited, undefined, `cognate exited (${JSON.stringify(exited)}):\n${output.slice(-4000)}`);
  }

  for (const mode of ['immediate', 'fast'] as const) {
    it(`pg_ctl stop -m ${mode}: 503s without a stack, not ready, then recovers with nothing acknowledged lost`, async () => {
      const acknowledged = new Set<string>();
      const failures: string[] = [];
      let unavailable = 0;
      let afterRestart = 0;
      let restarted = false;
      let stop = false;
      let n = 0;
      const writer = async (w: number) => {
        while (!stop) {
          const username = `${mode}-${w}-${n++}`;
          try {
            if (n % 2 === 0) await admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: username, MessageAction: 'SUPPRESS' }));
            else await user.send(new SignUpCommand({ ClientId: clientId, Username: username, Password: PASSWORD }));
            acknowledged.add(username);
            if (restarted) afterRestart++;
          } catch (e) {
            const err = e as Error & { $metadata?: { httpStatusCode?: number }; $response?: { headers?: Record<string, string> } };
            const status = err.$metadata?.httpStatusCode;
            if (status === 503 && err.name === 'InternalErrorException' && !/\bat \S+:\d+|\.ts\b|\.js\b|pg|postgres|ECONN/i.test(err.message)) {
              unavailable++;
            } else {
              failures.push(`${username}: ${status} ${err.name}: ${err.message}`);
            }
            await sleep(20);
          }
        }
      };
      const writers = [0, 1, 2, 3, 4, 5].map(writer);
      try {
        for (let i = 0; i < 250 && acknowledged.size < 10; i++) await sleep(20);
        alive();
        assert.ok(acknowledged.size >= 10, `writes succeed before the outage: ${failures.slice(0, 3).join('; ')}`);
        await cluster!.stop(mode);
        await sleep(400);
        alive();

        // The raw answer: 503, Retry-After, a Cognito error body and nothing more.
        const raw = await fetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.SignUp' },
          body: JSON.stringify({ ClientId: clientId, Username: `${mode}-raw`, Password: PASSWORD }),
        });
        assert.equal(raw.status, 503);
        assert.equal(raw.headers.get('retry-after'), '1');
        assert.equal(raw.headers.get('x-amzn-errortype'), 'InternalErrorException');
        const body = (await raw.json()) as Record<string, unknown>;
        assert.deepEqual(Object.keys(body).sort(), ['__type', 'message']);
        assert.equal(body.__type, 'InternalErrorException');

        const started = Date.now();
        assert.equal(await ready(), 503, '/health/ready during the outage');
        assert.ok(Date.now() - started < 2500, 'the readiness ping gives up within its timeout');
        alive();
        assert.ok(unavailable > 0, 'the writers saw 503s during the outage');

        await cluster!.start();
        let status = 0;
        for (let i = 0; i < 100 && (status = await ready()) !== 200; i++) await sleep(100);
        assert.equal(status, 200, '/health/ready after the restart');
        restarted = true;
        for (let i = 0; i < 200 && afterRestart < 12; i++) await sleep(50);
        assert.ok(afterRestart >= 12, `writes succeed after the restart without restarting Cognate (${afterRestart})`);
      } finally {
        stop = true;
        await Promise.all(writers);
      }
      alive();
      assert.deepEqual(failures, [], 'every failed write was a clean 503');

      const stored = new Set<string>();
      let token: string | undefined;
      do {
        const page = await admin.send(new ListUsersCommand({ UserPoolId: poolId, Limit: 60, PaginationToken: token }));
        for (const u of page.Users ?? []) stored.add(u.Username!);
        token = page.PaginationToken;
      } while (token);
      const lost = [...acknowledged].filter((u) => !stored.has(u));
      assert.deepEqual(lost, [], `writes answered 200 but missing after the restart (of ${acknowledged.size})`);
    });
  }
  /** Restarts the cluster and waits until /health/ready says so. */
  async function recover(): Promise<void> {
    await cluster!.start();
    let status = 0;
    for (let i = 0; i < 100 && (status = await ready()) !== 200; i++) await sleep(100);
    assert.equal(status, 200, '/health/ready after the restart');
  }

  it('the verifier, the import upload, the IAM query protocol and Cognito Sync answer 503 with Retry-After, not 500', async () => {
    const at = () => Date.now();
    // Unauthenticated identity credentials whose role the verifier must look up in the database.
    const identityAdmin = new CognitoIdentityClient({ region: 'us-east-1', endpoint, credentials: KEY, maxAttempts: 1 });
    let creds: Creds & { identityId: string };
    let identityPoolId: string;
    try {
      identityPoolId = (await identityAdmin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'outage', AllowUnauthenticatedIdentities: true }))).IdentityPoolId!;
      const trust = JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'cognito-identity.amazonaws.com:aud': identityPoolId } } }],
      });
      const created = await iam(endpoint, KEY, { Action: 'CreateRole', RoleName: 'OutageGuest', AssumeRolePolicyDocument: trust }, at());
      assert.equal(created.status, 200, created.text);
      const policy = JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: ['s3:GetObject', 'cognito-sync:*'], Resource: '*' } });
      assert.equal((await iam(endpoint, KEY, { Action: 'PutRolePolicy', RoleName: 'OutageGuest', PolicyName: 'read', PolicyDocument: policy }, at())).status, 200);
      await identityAdmin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: identityPoolId, Roles: { unauthenticated: 'arn:aws:iam::000000000000:role/OutageGuest' } }));
      creds = await fromCognitoIdentityPool({ identityPoolId, clientConfig: { region: 'us-east-1', endpoint, maxAttempts: 1 } })();
    } finally {
      identityAdmin.destroy();
    }
    const verify = async () => {
      const req = await sign(creds, 's3', { method: 'GET', host: 'photos.s3.local', path: '/a.jpg' }, at());
      return fetch(`${endpoint}/identity/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ method: req.method, path: req.path, query: req.query, headers: req.headers, action: 's3:GetObject', resource: 'arn:aws:s3:::photos/a.jpg' }),
      });
    };
    const getRole = async () => {
      const host = new URL(endpoint).host;
      const body = new URLSearchParams({ Version: '2010-05-08', Action: 'GetRole', RoleName: 'OutageGuest' }).toString();
      const signed = await sign(KEY, 'iam', { method: 'POST', host, path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body }, at());
      const { host: _host, ...headers } = signed.headers;
      void _host;
      return fetch(`${endpoint}/`, { method: 'POST', headers, body });
    };
    // Cognito Sync with the identity's own credentials: its role and identity are read from the database.
    const sync = new CognitoSyncClient({ region: 'us-east-1', endpoint, credentials: creds, maxAttempts: 1 });
    const records = () => sync.send(new ListRecordsCommand({ IdentityPoolId: identityPoolId, IdentityId: creds.identityId, DatasetName: 'outage' }));
    const first = await records();
    await sync.send(new UpdateRecordsCommand({ IdentityPoolId: identityPoolId, IdentityId: creds.identityId, DatasetName: 'outage', SyncSessionToken: first.SyncSessionToken!, RecordPatches: [{ Op: 'replace', Key: 'k', Value: 'before', SyncCount: 0 }] }));
    const job = (await admin.send(new CreateUserImportJobCommand({ UserPoolId: poolId, JobName: 'upload-during-outage', CloudWatchLogsRoleArn: 'arn:aws:iam::123456789012:role/CognitoImport' }))).UserImportJob!;
    const header = (await admin.send(new GetCSVHeaderCommand({ UserPoolId: poolId }))).CSVHeader!;
    const upload = () => fetch(job.PreSignedUrl!, { method: 'PUT', body: header.join(',') + '\n', headers: { 'content-type': 'text/csv' } });

    assert.equal((await verify()).status, 200, 'the verifier allows the request before the outage');
    assert.equal((await getRole()).status, 200, 'GetRole before the outage');

    await cluster!.stop('immediate');
    try {
      // The verifier keeps a role for 2 s (CONFIG_CACHE_MS); after that it must read the database.
      await sleep(2200);
      alive();
      const verified = await verify();
      assert.equal(verified.status, 503, '/identity/verify during the outage');
      assert.equal(verified.headers.get('retry-after'), '1');
      assert.deepEqual(await verified.json(), { __type: 'InternalErrorException', message: 'The service is temporarily unavailable; try again.' });

      const put = await upload();
      assert.equal(put.status, 503, 'the import upload during the outage');
      assert.equal(put.headers.get('retry-after'), '1');
      assert.match(put.headers.get('content-type') ?? '', /xml/);
      assert.match(await put.text(), /<Error><Code>ServiceUnavailable<\/Code><Message>[^<]*<\/Message><\/Error>/);

      const role = await getRole();
      assert.equal(role.status, 503, 'IAM GetRole during the outage');
      assert.equal(role.headers.get('retry-after'), '1');
      assert.match(await role.text(), /<Code>ServiceUnavailable<\/Code>/);

      const during = await records().then(
        () => assert.fail('Sync ListRecords answered during the outage'),
        (e: { $metadata?: { httpStatusCode?: number }; message?: string; stack?: string }) => e,
      );
      assert.equal(during.$metadata?.httpStatusCode, 503, `Sync ListRecords during the outage: ${during.message}`);
      assert.doesNotMatch(during.message ?? '', /at \w|\.ts:|\.js:/, 'no stack in the answer');
      alive();
    } finally {
      await recover();
    }
    assert.equal((await verify()).status, 200, 'the verifier after the restart');
    assert.equal((await upload()).status, 200, 'the upload after the restart');
    const afterwards = await records();
    assert.deepEqual(afterwards.Records?.map((r) => [r.Key, r.Value]), [['k', 'before']], 'Sync after the restart, with what was written before');
    sync.destroy();
  });

  it('an import job stopped mid-way by an outage finishes with every user; a queued invitation is mailed after it', async () => {
    const ROWS = 12_000;
    // Imported users reset their password by email: the pool must verify email automatically.
    const poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'imports', AutoVerifiedAttributes: ['email'] }))).UserPool!.Id!;
    const header = (await admin.send(new GetCSVHeaderCommand({ UserPoolId: poolId }))).CSVHeader!;
    const row = (i: number) => header.map((h) => (h === 'cognito:username' ? `imported-${i}` : h === 'email' ? `imported-${i}@example.com` : h === 'email_verified' ? 'true' : h === 'cognito:mfa_enabled' || h === 'phone_number_verified' ? 'false' : '')).join(',');
    const csv = [header.join(','), ...Array.from({ length: ROWS }, (_, i) => row(i))].join('\n') + '\n';
    const job = (await admin.send(new CreateUserImportJobCommand({ UserPoolId: poolId, JobName: 'through-an-outage', CloudWatchLogsRoleArn: 'arn:aws:iam::123456789012:role/CognitoImport' }))).UserImportJob!;
    assert.equal((await fetch(job.PreSignedUrl!, { method: 'PUT', body: csv, headers: { 'content-type': 'text/csv' } })).status, 200);
    const describe = async () => (await admin.send(new DescribeUserImportJobCommand({ UserPoolId: poolId, JobId: job.JobId! }))).UserImportJob!;

    // An invitation queued before the outage: the SMTP receiver is not up yet, so its first
    // delivery attempt fails and it stays in the outbox.
    await admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'invitee', UserAttributes: [{ Name: 'email', Value: 'invitee@example.com' }], DesiredDeliveryMediums: ['EMAIL'] }));

    await admin.send(new StartUserImportJobCommand({ UserPoolId: poolId, JobId: job.JobId! }));
    let before = await describe();
    for (let i = 0; i < 500 && before.Status !== 'Succeeded' && !(before.ImportedUsers! > 0); i++) {
      await sleep(10);
      before = await describe();
    }
    assert.equal(before.Status, 'InProgress', `the job is still running when the database stops (${before.ImportedUsers} of ${ROWS} imported)`);
    await cluster!.stop('immediate');
    try {
      smtp = await startSmtpReceiver(smtpPort);
      await sleep(1500);
      alive();
      assert.equal(smtp.messages.length, 0, 'nothing can be delivered while the database is away');
    } finally {
      await recover();
    }

    let done = await describe();
    for (let i = 0; i < 400 && ['Pending', 'InProgress'].includes(done.Status!); i++) {
      await sleep(50);
      done = await describe();
    }
    alive();
    assert.equal(done.Status, 'Succeeded', `the job finished after the outage: ${done.CompletionMessage}`);
    assert.deepEqual([done.ImportedUsers, done.SkippedUsers, done.FailedUsers], [ROWS, 0, 0]);
    for (const i of [0, ROWS / 2, ROWS - 1]) {
      assert.equal((await admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: `imported-${i}` }))).UserStatus, 'RESET_REQUIRED');
    }
    const mail = await smtp.waitFor((m) => m.to.includes('invitee@example.com'), 15_000);
    assert.match(mail.text, /invitee/);
    alive();
  });
});
