/**
 * Cognito's request-rate quotas, per user pool and category, driven with the AWS SDK v3 (retries
 * off, so a throttled call surfaces) and fetch against a running server with --rate-limits on
 * (docs/rate-limits.md). The server's clock is held still, so every call of a phase falls in one
 * clock second and the bound is exact on one node; `clock.advance(1000)` starts the next second.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AdminGetUserCommand,
  ConfirmSignUpCommand,
  CreateResourceServerCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  GetUserCommand,
  InitiateAuthCommand,
  ListUserPoolClientsCommand,
  RespondToAuthChallengeCommand,
  UpdateProvisionedLimitCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';

interface Outcome {
  name: string;
  message: string;
  status: number | undefined;
}

/** Runs every call at once; the error name of each ('ok' for a success). */
async function burst(n: number, call: (i: number) => Promise<unknown>): Promise<Outcome[]> {
  return Promise.all(
    Array.from({ length: n }, (_, i) =>
      call(i).then(
        () => ({ name: 'ok', message: '', status: 200 }),
        (e: { name: string; message: string; $metadata?: { httpStatusCode?: number } }) => ({ name: e.name, message: e.message, status: e.$metadata?.httpStatusCode }),
      ),
    ),
  );
}

const throttled = (outcomes: Outcome[]) => outcomes.filter((o) => o.name === 'TooManyRequestsException');
const count = (outcomes: Outcome[], name: string) => outcomes.filter((o) => o.name === name).length;

async function newPool(server: TestServer, name: string): Promise<{ poolId: string; clientId: string }> {
  const poolId = (await server.admin.send(new CreateUserPoolCommand({ PoolName: name }))).UserPool!.Id!;
  const clientId = (
    await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', AllowedOAuthFlows: ['code'], AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: ['openid'], CallbackURLs: ['https://app.example/cb'], SupportedIdentityProviders: ['COGNITO'] }))
  ).UserPoolClient!.ClientId!;
  return { poolId, clientId };
}

/** A JWT-shaped string whose payload names `poolId`'s issuer (it verifies nowhere). */
const fakeAccessToken = (poolId: string) =>
  ['{"alg":"RS256","kid":"x"}', JSON.stringify({ iss: `https://cognito-idp.us-east-1.amazonaws.com/${poolId}`, token_use: 'access' }), 'sig'].map((p) => Buffer.from(p).toString('base64url')).join('.');

for (const kind of databaseKinds) {
  describe(`request-rate limits (${kind})`, { timeout: 180_000 }, () => {
    let server: TestServer;
    let a: { poolId: string; clientId: string };
    let b: { poolId: string; clientId: string };

    before(async () => {
      server = await startTestServer(kind, { rateLimits: true });
      a = await newPool(server, 'noisy');
      b = await newPool(server, 'quiet');
      server.clock.advance(1000);
    });
    after(() => server?.stop());

    it("a burst over a category's rate answers TooManyRequestsException for the excess, and only for it", async () => {
      const outcomes = await burst(20, () => server.admin.send(new DescribeUserPoolCommand({ UserPoolId: a.poolId })));
      assert.equal(count(outcomes, 'ok'), 15, 'UserPoolRead: 15 per second');
      assert.equal(throttled(outcomes).length, 5);
      assert.deepEqual(throttled(outcomes)[0], { name: 'TooManyRequestsException', message: 'Too many requests', status: 400 });
    });

    it("another pool's budget is its own: the noisy pool does not starve it", async () => {
      const outcomes = await burst(15, () => server.admin.send(new DescribeUserPoolCommand({ UserPoolId: b.poolId })));
      assert.equal(count(outcomes, 'ok'), 15);
      // The noisy pool is still out of budget in this second; other categories of it are not.
      assert.equal((await burst(1, () => server.admin.send(new DescribeUserPoolCommand({ UserPoolId: a.poolId }))))[0]!.name, 'TooManyRequestsException');
      assert.equal((await burst(1, () => server.admin.send(new AdminGetUserCommand({ UserPoolId: a.poolId, Username: 'nobody' }))))[0]!.name, 'UserNotFoundException');
    });

    it('the next second has the full rate again', async () => {
      server.clock.advance(1000);
      assert.equal(count(await burst(15, () => server.admin.send(new DescribeUserPoolCommand({ UserPoolId: a.poolId }))), 'ok'), 15);
    });

    it('calls naming their pool through the app client (ClientId) or the access token spend that pool\'s budget', async () => {
      server.clock.advance(1000);
      // UserCreation (50/s): ConfirmSignUp of a user that doesn't exist still spends a request.
      const confirms = await burst(55, (i) => server.anonymous.send(new ConfirmSignUpCommand({ ClientId: a.clientId, Username: `nobody-${i}`, ConfirmationCode: '123456' })));
      assert.equal(throttled(confirms).length, 5);
      assert.equal(count(await burst(5, (i) => server.anonymous.send(new ConfirmSignUpCommand({ ClientId: b.clientId, Username: `nobody-${i}`, ConfirmationCode: '123456' }))), 'TooManyRequestsException'), 0);
      // UserRead (120/s): GetUser's pool comes from the token's issuer.
      const reads = await burst(125, () => server.anonymous.send(new GetUserCommand({ AccessToken: fakeAccessToken(a.poolId) })));
      assert.equal(throttled(reads).length, 5);
      assert.equal(count(reads, 'NotAuthorizedException'), 120);
    });

    it('one operation of a starred category is held to 5 per second per pool, the category to its own rate', async () => {
      server.clock.advance(1000);
      const describes = await burst(7, () => server.admin.send(new DescribeUserPoolClientCommand({ UserPoolId: b.poolId, ClientId: b.clientId })));
      assert.equal(count(describes, 'ok'), 5);
      assert.equal(throttled(describes).length, 2);
      assert.equal(count(await burst(5, () => server.admin.send(new ListUserPoolClientsCommand({ UserPoolId: b.poolId }))), 'ok'), 5, 'UserPoolClientRead (15/s) still has room');
    });

    it('challenge responses have their own allowance of three times UserAuthentication; only the excess counts against it', async () => {
      server.clock.advance(1000);
      const responses = await burst(485, () =>
        server.anonymous.send(new RespondToAuthChallengeCommand({ ClientId: a.clientId, ChallengeName: 'PASSWORD_VERIFIER', Session: 'not-a-session-'.repeat(4), ChallengeResponses: { USERNAME: 'nobody' } })),
      );
      assert.equal(throttled(responses).length, 5, '360 from the allowance, then 120 from the category');
      const signIn = await burst(1, () => server.anonymous.send(new InitiateAuthCommand({ ClientId: a.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'nobody', PASSWORD: 'x' } })));
      assert.equal(signIn[0]!.name, 'TooManyRequestsException', 'the excess used up UserAuthentication');
    });

    it('UpdateProvisionedLimit raises the rate: the same burst then goes through', async () => {
      server.clock.advance(1000);
      const before = await burst(130, () => server.admin.send(new AdminGetUserCommand({ UserPoolId: a.poolId, Username: 'nobody' })));
      assert.equal(throttled(before).length, 10, 'UserRead: 120 per second');
      await server.admin.send(new UpdateProvisionedLimitCommand({ LimitDefinition: { LimitClass: 'API_CATEGORY', Attributes: { Category: 'UserRead' } }, RequestedLimitValue: 130 }));
      server.clock.advance(1000);
      const raised = await burst(130, () => server.admin.send(new AdminGetUserCommand({ UserPoolId: a.poolId, Username: 'nobody' })));
      assert.equal(throttled(raised).length, 0);
      assert.equal(count(raised, 'UserNotFoundException'), 130);
      await server.admin.send(new UpdateProvisionedLimitCommand({ LimitDefinition: { LimitClass: 'API_CATEGORY', Attributes: { Category: 'UserRead' } }, RequestedLimitValue: 120 }));
    });

    it('the token endpoint answers 429 with Retry-After past the UserAuthentication rate (RFC 6585), per pool', async () => {
      server.clock.advance(1000);
      const post = (clientId: string) =>
        fetch(`${server.url}/oauth2/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId, code: 'not-a-code', redirect_uri: 'https://app.example/cb' }),
        });
      const answers = await Promise.all(
        Array.from({ length: 125 }, () => post(a.clientId).then(async (r) => ({ status: r.status, retryAfter: r.headers.get('retry-after'), json: (await r.json()) as { error: string } }))),
      );
      const limited = answers.filter((r) => r.status === 429);
      assert.equal(limited.length, 5);
      assert.equal(limited[0]!.retryAfter, '1');
      assert.deepEqual(limited[0]!.json, { error: 'invalid_request', error_description: 'Too many requests' });
      const served = answers.filter((r) => r.status !== 429);
      assert.ok(served.every((r) => r.status === 400 && r.json.error === 'invalid_grant'), "the others get the grant's own answer");
      const other = await post(b.clientId);
      assert.equal(other.status, 400);
      assert.equal(((await other.json()) as { error: string }).error, 'invalid_grant');
    });

    it('the client-credentials grant spends ClientAuthentication (150/s), apart from UserAuthentication', async () => {
      server.clock.advance(1000);
      await server.admin.send(new CreateResourceServerCommand({ UserPoolId: b.poolId, Identifier: 'api', Name: 'api', Scopes: [{ ScopeName: 'read', ScopeDescription: 'read' }] }));
      const machine = (
        await server.admin.send(
          new CreateUserPoolClientCommand({ UserPoolId: b.poolId, ClientName: 'machine', GenerateSecret: true, AllowedOAuthFlows: ['client_credentials'], AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: ['api/read'] }),
        )
      ).UserPoolClient!;
      server.clock.advance(1000);
      const basic = `Basic ${Buffer.from(`${machine.ClientId}:${machine.ClientSecret}`).toString('base64')}`;
      const statuses = await Promise.all(
        Array.from({ length: 153 }, () =>
          fetch(`${server.url}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic }, body: 'grant_type=client_credentials&scope=api%2Fread' }).then(async (r) => {
            await r.arrayBuffer();
            return r.status;
          }),
        ),
      );
      assert.equal(statuses.filter((s) => s === 200).length, 150);
      assert.equal(statuses.filter((s) => s === 429).length, 3);
      const signIn = await fetch(`${server.url}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', client_id: b.clientId, code: 'not-a-code', redirect_uri: 'https://app.example/cb' }),
      });
      assert.equal(signIn.status, 400, 'UserAuthentication has its own budget');
      await signIn.arrayBuffer();
    });

    it('no database write per request: the counts reach the database as one row per node, second and bucket', async () => {
      server.clock.advance(1000);
      const second = Math.floor(server.clock.now() / 1000);
      assert.equal(count(await burst(15, () => server.admin.send(new ListUserPoolClientsCommand({ UserPoolId: a.poolId }))), 'ok'), 5, '5/s for one operation of UserPoolClientRead');
      assert.equal(count(await burst(10, () => server.admin.send(new DescribeUserPoolCommand({ UserPoolId: a.poolId }))), 'ok'), 10);
      await sleep(600);
      const rows = await server.running.cognate.store.db.selectFrom('rate_limit_counts').selectAll().where('second', '=', second).where('scope', '=', a.poolId).orderBy('bucket').execute();
      assert.deepEqual(
        rows.map((r) => [r.bucket, r.count]),
        [['ListUserPoolClients', 5], ['UserPoolClientRead', 5], ['UserPoolRead', 10]],
      );
      assert.equal(new Set(rows.map((r) => r.node)).size, 1);
    });

    it('two servers on one database share the budget (within one 250 ms sync)', async () => {
      const second = await startTestServer(kind, { rateLimits: true }, server);
      try {
        server.clock.advance(1000);
        second.clock.set(server.clock.now());
        assert.equal(count(await burst(10, () => server.admin.send(new DescribeUserPoolCommand({ UserPoolId: b.poolId }))), 'ok'), 10);
        // Both nodes exchange their counts every 250 ms: after a few exchanges the second knows.
        await sleep(800);
        const there = await burst(10, () => second.admin.send(new DescribeUserPoolCommand({ UserPoolId: b.poolId })));
        assert.equal(count(there, 'ok'), 5, 'the second node admits only what the first left of the 15');
        await sleep(800);
        assert.equal((await burst(1, () => server.admin.send(new DescribeUserPoolCommand({ UserPoolId: b.poolId }))))[0]!.name, 'TooManyRequestsException', 'and the first learns what the second spent');
        // A rate provisioned through one node is enforced by the other within a second.
        await server.admin.send(new UpdateProvisionedLimitCommand({ LimitDefinition: { LimitClass: 'API_CATEGORY', Attributes: { Category: 'UserRead' } }, RequestedLimitValue: 125 }));
        await sleep(1300);
        server.clock.advance(1000);
        second.clock.set(server.clock.now());
        const reads = await burst(127, () => second.admin.send(new AdminGetUserCommand({ UserPoolId: b.poolId, Username: 'nobody' })));
        assert.equal(count(reads, 'UserNotFoundException'), 125);
        assert.equal(throttled(reads).length, 2);
        await server.admin.send(new UpdateProvisionedLimitCommand({ LimitDefinition: { LimitClass: 'API_CATEGORY', Attributes: { Category: 'UserRead' } }, RequestedLimitValue: 120 }));
      } finally {
        await second.stop();
      }
    });

    it('--rate-limits off means off: no call is ever throttled', async () => {
      const open = await startTestServer(kind, { rateLimits: false });
      try {
        const pool = (await open.admin.send(new CreateUserPoolCommand({ PoolName: 'open' }))).UserPool!.Id!;
        const outcomes = await burst(60, () => open.admin.send(new DescribeUserPoolCommand({ UserPoolId: pool })));
        assert.equal(count(outcomes, 'ok'), 60);
      } finally {
        await open.stop();
      }
    });
  });
}
