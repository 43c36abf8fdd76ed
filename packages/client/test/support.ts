/**
 * Shared helpers for the client's suites: a real Cognate server from the server's test support
 * (SQLite), a pool and app client per suite, and confirmation codes read from the server's outbox.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateUserPoolClientCommand, CreateUserPoolCommand, type CreateUserPoolClientCommandInput, type CreateUserPoolCommandInput } from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, type TestServer } from '../../server/test/support/server.js';
import { MobileClient, type AWSConfiguration, type FetchLike, type MobileClientOptions, type UserState, type UserStateInfo } from '../src/index.js';

export { totp } from '../../server/test/support/mfa.js';
export { databaseKinds } from '../../server/test/support/postgres.js';

export { startTestServer, type TestServer };

export const PASSWORD = 'Corr3ct-Horse!';

export interface TestPool {
  poolId: string;
  clientId: string;
  clientSecret?: string;
  config: AWSConfiguration;
}

/** A pool that verifies email by code, and a public app client allowing SRP, password and refresh flows. */
export async function createPool(
  server: TestServer,
  client: Partial<CreateUserPoolClientCommandInput> = {},
  flow?: 'USER_SRP_AUTH' | 'USER_PASSWORD_AUTH',
  userPool: Partial<CreateUserPoolCommandInput> = {},
): Promise<TestPool> {
  const poolId = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'client-sdk', AutoVerifiedAttributes: ['email'], ...userPool }))).UserPool!.Id!;
  const created = (
    await server.admin.send(
      new CreateUserPoolClientCommand({
        UserPoolId: poolId,
        ClientName: 'app',
        PreventUserExistenceErrors: 'ENABLED',
        ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        ...client,
      }),
    )
  ).UserPoolClient!;
  const clientSecret = created.ClientSecret;
  return {
    poolId,
    clientId: created.ClientId!,
    ...(clientSecret ? { clientSecret } : {}),
    config: {
      CognitoUserPool: { Default: { PoolId: poolId, AppClientId: created.ClientId!, ...(clientSecret ? { AppClientSecret: clientSecret } : {}), Region: 'us-east-1', Endpoint: server.url } },
      ...(flow ? { Auth: { Default: { authenticationFlowType: flow } } } : {}),
    },
  };
}

/** The newest code sent to `to` in the pool (the outbox keeps every message the server queued). */
export async function latestCode(server: TestServer, poolId: string, to: string): Promise<string> {
  const sent = await server.running.cognate.outbox.recent(50, poolId);
  const message = sent.find((m) => m.to === to);
  const code = /\b(\d{6})\b/.exec(message?.text ?? '')?.[1];
  assert.ok(code, `a code for ${to} is in the outbox`);
  return code;
}

/**
 * The ids of the messages in the pool's outbox so far; pass them to {@link codeSentAfter}. (The
 * server's clock stands still in tests, so "newest" is not an order to rely on.)
 */
export async function outboxIds(server: TestServer, poolId: string): Promise<Set<string>> {
  return new Set((await server.running.cognate.outbox.recent(100_000, poolId)).map((m) => m.id));
}

/** The code in the one message to `to` that is not among `before`. */
export async function codeSentAfter(server: TestServer, poolId: string, to: string, before: Set<string>): Promise<string> {
  const fresh = (await server.running.cognate.outbox.recent(100_000, poolId)).filter((m) => m.to === to && !before.has(m.id));
  assert.equal(fresh.length, 1, `one new message to ${to}`);
  return /\b(\d{6})\b/.exec(fresh[0]!.text ?? '')?.[1] ?? assert.fail(`no code in ${fresh[0]!.text}`);
}

/** A client whose clock is the server's ManualClock, so `server.clock.advance()` moves both. */
export function clientFor(server: TestServer, options: MobileClientOptions = {}): MobileClient {
  return new MobileClient({ clock: { now: () => server.clock.now() }, ...options });
}

/** Resolves when `client` next enters `state`. */
export function entered(client: MobileClient, state: UserState): Promise<UserStateInfo> {
  return new Promise((resolve) => {
    const stop = client.addUserStateListener((s, info) => {
      if (s !== state) return;
      stop();
      resolve(info);
    });
  });
}

/** Signs `username` up and confirms them through the client, with the code from the outbox. */
export async function signedUpUser(server: TestServer, pool: TestPool, client: MobileClient, username: string, password = PASSWORD): Promise<string> {
  const email = `${username}@example.com`;
  await client.signUp({ username, password, userAttributes: { email } });
  await client.confirmSignUp(username, await latestCode(server, pool.poolId, email));
  return email;
}

/** Runs a call that must fail with a MobileClientError; returns its code and message. */
export async function failure(fn: () => Promise<unknown>): Promise<{ code: string; message: string; serviceCode?: string | undefined }> {
  try {
    await fn();
  } catch (e) {
    const err = e as { name: string; code: string; message: string; serviceCode?: string };
    assert.equal(err.name, 'MobileClientError', `expected a MobileClientError, got ${err.name}: ${err.message}`);
    return { code: err.code, message: err.message, serviceCode: err.serviceCode };
  }
  throw new Error('expected the call to fail');
}

/**
 * Moves the server's clock (and so the client's, see {@link clientFor}) forward, keeping the
 * admin SDK clients' (cognito-idp and cognito-identity) SigV4 dates in step so signed calls still pass the server's 5-minute window.
 */
export function advance(server: TestServer, ms: number): void {
  server.clock.advance(ms);
  for (const client of [server.admin, server.identityAdmin]) {
    const config = client.config as { systemClockOffset?: number };
    config.systemClockOffset = (config.systemClockOffset ?? 0) + ms;
  }
}

/**
 * A stand-in for the operator's SMS provider: the server's SMS webhook posts `{ to, text }` here.
 * `nextCode(to)` waits (bounded) for the next text to `to` not read before and returns its code.
 */
export interface SmsGateway {
  url: string;
  texts: { to: string; text: string }[];
  nextCode(to: string): Promise<string>;
  close(): Promise<void>;
}

export async function startSmsGateway(): Promise<SmsGateway> {
  const texts: { to: string; text: string }[] = [];
  const read = new Map<string, number>();
  const gateway = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const { to, text } = JSON.parse(body) as { to: string; text: string };
      texts.push({ to, text });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/sms`,
    texts,
    async nextCode(to) {
      for (let i = 0; i < 400; i++) {
        const received = texts.filter((t) => t.to === to);
        const seen = read.get(to) ?? 0;
        if (received.length > seen) {
          read.set(to, received.length);
          assert.equal(received.length, seen + 1, `one new text to ${to}`);
          return /\b(\d{6})\b/.exec(received.at(-1)!.text)?.[1] ?? assert.fail(`no code in ${received.at(-1)!.text}`);
        }
        await new Promise((r) => setTimeout(r, 25));
      }
      return assert.fail(`the gateway received no text to ${to}`);
    },
    close: () => new Promise<void>((resolve) => gateway.close(() => resolve())),
  };
}

/**
 * A fetch that records every request's action (from X-Amz-Target; `RespondToAuthChallenge:<name>`
 * and `InitiateAuth:<flow>` with what they answer) before passing it on to the real fetch.
 */
export function recordingFetch(): { fetch: FetchLike; actions: string[] } {
  const actions: string[] = [];
  return {
    actions,
    fetch: (url, init) => {
      const action = init.headers['x-amz-target']!.split('.')[1]!;
      const body = JSON.parse(init.body) as { ChallengeName?: string; AuthFlow?: string };
      actions.push(action === 'RespondToAuthChallenge' ? `${action}:${body.ChallengeName}` : action === 'InitiateAuth' ? `${action}:${body.AuthFlow}` : action);
      return fetch(url, init);
    },
  };
}
