/**
 * `cognate start --workers 2` (issue 16), on SQLite (one WAL file, several processes) and on
 * PostgreSQL: requests spread over both workers succeed; a client setting changed through one
 * worker is obeyed by every worker within the configuration cache's bound (CONFIG_CACHE_MS); a
 * single-use code can't be spent twice across workers (R06); one worker runs the background sweeps
 * (the runner lease), and another takes over when it dies; SIGTERM finishes the requests in flight;
 * /metrics counts every worker's requests, whichever worker serves the scrape.
 * Which worker holds which connection is read from /proc, not from anything the server says.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Agent } from 'node:http';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  ConfirmForgotPasswordCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ForgotPasswordCommand,
  GetUserCommand,
  InitiateAuthCommand,
  UpdateUserPoolClientCommand,
  UpdateUserPoolCommand,
  type ExplicitAuthFlowsType,
} from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds, createTestDatabase, type TestDatabase } from '../../support/postgres.js';
import { CONFIG_CACHE_MS } from '../../../src/domain/user-pools.js';
import { RUNNER_LEASE_MS, RUNNER_RENEW_MS } from '../../../src/domain/runner-lease.js';
import { leaseHolder } from '../../../src/store/leases.js';
import type { Cognate } from '../../../src/index.js';
import { PASSWORD, codeSentTo, holdingHook, type HoldingHook, connectionsByWorker, eventually, openPlace, runnerPid, sleep, startNode, workersOf, type Node, type Place } from './nodes.js';

const FLOWS: ExplicitAuthFlowsType[] = ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'];
const PARALLEL = 24;
const HOLD_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:hold';
const WALKERS = Array.from({ length: PARALLEL }, (_, i) => `walker-${i}`);

for (const kind of databaseKinds) {
  describe(`cognate start --workers 2 (${kind})`, () => {
    let place: Place;
    let database: TestDatabase | undefined;
    let node: Node;
    let hook: HoldingHook;
    let domain: Cognate;
    let poolId: string;
    let clientId: string;

    const signIn = (client: CognitoIdentityProviderClient, username: string, password = PASSWORD) =>
      client.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: username, PASSWORD: password } }));
    /**
     * One sign-in per user, all at once: parallel attempts on one user count against its lockout
     * (security.md A18) before their passwords are checked, so each parallel sign-in is another user's.
     */
    const signInAll = (client: CognitoIdentityProviderClient) => Promise.all(WALKERS.map((username) => signIn(client, username)));

    /** An anonymous client with a pool of its own, whose requests all go on the wire at once (new connections). */
    const freshClient = () =>
      new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: node.url, maxAttempts: 1, credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: 64 }) } });

    /** Both workers hold some of the connections the test's clients opened. */
    const assertSpread = () => {
      const spread = connectionsByWorker(node);
      assert.equal(spread.size, 2, `two workers: ${JSON.stringify([...spread])}`);
      for (const [pid, n] of spread) assert.ok(n > 0, `worker ${pid} holds none of the connections: ${JSON.stringify([...spread])}`);
    };

    before(async () => {
      if (kind === 'postgres') database = await createTestDatabase();
      place = { dataDir: await mkdtemp(path.join(tmpdir(), `cognate-workers-${kind}-`)), databaseUrl: database?.url ?? '' };
      hook = await holdingHook();
      node = await startNode(place, ['--workers', '2', '--triggers', JSON.stringify({ [HOLD_ARN]: hook.url }), '--trigger-webhook-secret', 'scale-hook-secret']);
      domain = await openPlace(place);
      poolId = (await node.admin.send(new CreateUserPoolCommand({ PoolName: 'workers', AutoVerifiedAttributes: ['email'] }))).UserPool!.Id!;
      clientId = (await node.admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app', ExplicitAuthFlows: FLOWS, PreventUserExistenceErrors: 'ENABLED' }))).UserPoolClient!.ClientId!;
      for (const username of [...WALKERS, 'resetter']) {
        await node.admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: username, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: `${username}@example.com` }, { Name: 'email_verified', Value: 'true' }] }));
        await node.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: PASSWORD, Permanent: true }));
      }
    });

    after(async () => {
      await node?.stop('SIGKILL');
      await hook?.close();
      await domain?.close();
      await database?.drop();
      if (place) await rm(place.dataDir, { recursive: true, force: true });
    });

    it('requests spread over both workers all succeed: sign-ins on one worker, their tokens used on any', async () => {
      const results = await signInAll(node.user);
      const users = await Promise.all(results.map((r) => node.user.send(new GetUserCommand({ AccessToken: r.AuthenticationResult!.AccessToken! }))));
      assert.deepEqual(users.map((u) => u.Username), WALKERS);
      assertSpread();
      // /metrics, whichever worker answers it, counts the requests of both.
      for (let scrape = 0; scrape < 4; scrape++) {
        const text = await (await fetch(`${node.url}/metrics`)).text();
        const getUsers = [...text.matchAll(/^cognate_requests_total\{action="GetUser",[^}]*\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
        assert.equal(getUsers, PARALLEL, 'GetUser requests counted over both workers');
      }
    });

    it(`a client setting changed through one worker is obeyed by every worker within ${CONFIG_CACHE_MS} ms`, async () => {
      // Every worker has the client in its cache.
      await signInAll(node.user);
      await node.admin.send(new UpdateUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId, ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }));
      await sleep(CONFIG_CACHE_MS + 100);
      const results = await Promise.allSettled(WALKERS.map((username) => signIn(node.user, username)));
      for (const r of results) {
        assert.equal(r.status, 'rejected', 'a worker still allowed the flow after the bound');
        assert.deepEqual({ name: (r.reason as Error).name, message: (r.reason as Error).message }, { name: 'InvalidParameterException', message: 'USER_PASSWORD_AUTH flow not enabled for this client' });
      }
      assertSpread();
      await node.admin.send(new UpdateUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId, ExplicitAuthFlows: FLOWS }));
      await sleep(CONFIG_CACHE_MS + 100);
    });

    it('R06 across workers: 20 parallel ConfirmForgotPassword with one code, exactly one new password takes', async () => {
      await node.user.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'resetter' }));
      const code = await codeSentTo(domain, poolId, 'resetter@example.com');
      const passwords = Array.from({ length: 20 }, (_, i) => `N3w-Passw0rd-${i}!`);
      const results = await Promise.allSettled(passwords.map((Password) => node.user.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'resetter', ConfirmationCode: code, Password }))));
      const winners = passwords.filter((_, i) => results[i]!.status === 'fulfilled');
      assert.equal(winners.length, 1, JSON.stringify(results.map((r) => (r.status === 'rejected' ? (r.reason as Error).name : 'ok'))));
      for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as Error).name, 'CodeMismatchException');
      assertSpread();
      await assert.rejects(signIn(node.user, 'resetter'), { name: 'NotAuthorizedException' }, 'the old password is gone');
      assert.ok((await signIn(node.user, 'resetter', winners[0]!)).AuthenticationResult?.AccessToken, 'the winning password is the password');
    });

    it('one worker holds the runner lease; when it is killed, the other takes it over and a new worker replaces the dead one', async () => {
      const workers = workersOf(node);
      assert.equal(workers.length, 2);
      const holder = await eventually(() => runnerPid(domain.store), RUNNER_LEASE_MS + RUNNER_RENEW_MS, 'a runner');
      assert.ok(workers.includes(holder), `the runner ${holder} is one of the workers ${workers.join(', ')}`);
      process.kill(holder, 'SIGKILL');
      const next = await eventually(async () => {
        const pid = await runnerPid(domain.store);
        return pid !== undefined && pid !== holder ? pid : undefined;
      }, RUNNER_LEASE_MS + 2 * RUNNER_RENEW_MS + 2000, 'another runner');
      assert.ok(workersOf(node).includes(next));
      await eventually(() => (workersOf(node).length === 2 ? true : undefined), 15_000, 'a replacement worker');
      // The replacement serves: a fresh client's connections spread over both workers, and its requests succeed.
      await eventually(async () => {
        const client = freshClient();
        try {
          await signInAll(client);
          const spread = connectionsByWorker(node);
          return spread.size === 2 && [...spread.values()].every((n) => n > 0) ? true : undefined;
        } finally {
          client.destroy();
        }
      }, 15_000, 'both workers serving');
      assert.equal(node.exited, undefined, 'the primary lives on');
      // A replacement that dies young is part of a crash loop: the next one waits twice as long.
      const young = workersOf(node).find((pid) => !workers.includes(pid));
      assert.ok(young, 'the replacement is a new process');
      process.kill(young, 'SIGKILL');
      await eventually(() => (/"deathsInARow":2,"restartInMs":2000/.test(node.output) ? true : undefined), 10_000, 'a doubled restart pause');
      await eventually(() => (workersOf(node).length === 2 ? true : undefined), 15_000, 'a second replacement');
      // If the young worker held the runner lease, a live worker takes it over before the tests go on.
      await eventually(async () => {
        const pid = await runnerPid(domain.store);
        return pid !== undefined && workersOf(node).includes(pid) ? true : undefined;
      }, RUNNER_LEASE_MS + 2 * RUNNER_RENEW_MS + 2000, 'a live runner');
    });

    it('SIGTERM: every request in flight is answered, the lease is given back, and the node exits 0', async () => {
      // Every sign-in waits in a PreAuthentication trigger (a webhook that holds it) until all of
      // them are in flight; the signal comes then, and the trigger answers a moment later.
      await node.admin.send(new UpdateUserPoolCommand({ UserPoolId: poolId, AutoVerifiedAttributes: ['email'], LambdaConfig: { PreAuthentication: HOLD_ARN } }));
      await sleep(CONFIG_CACHE_MS + 100);
      const client = freshClient();
      const inFlight = Promise.allSettled(WALKERS.map((username) => signIn(client, username)));
      await eventually(() => (hook.held === WALKERS.length ? true : undefined), 20_000, 'every sign-in waiting in its trigger');
      node.process.kill('SIGTERM');
      await sleep(300);
      hook.release();
      const results = await inFlight;
      const failed = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
      assert.deepEqual(failed, [], 'no request in flight was lost');
      const exit = await node.stop('SIGTERM');
      assert.deepEqual(exit, { code: 0, signal: null }, node.output.slice(-2000));
      assert.equal(await leaseHolder(domain.store.db, 'background'), undefined, 'the runner gave its lease back');
      client.destroy();
    });
  });
}
