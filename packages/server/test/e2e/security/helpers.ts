/**
 * Shared pieces of the security suites: pools and clients made with the AWS SDK, users signed up
 * and confirmed with the code from the outbox, and a `fails` helper that keeps an error's
 * `__type` and message.
 */
import assert from 'node:assert/strict';
import {
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  SignUpCommand,
  type CreateUserPoolClientCommandInput,
  type CreateUserPoolCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import type { TestServer } from '../../support/server.js';

export const PASSWORD = 'Corr3ct-Horse!';
export const WRONG = 'Wr0ng-Horse!!';

/** A call that must fail: its error's name (`__type`) and message. */
export async function fails(fn: () => Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await fn();
  } catch (e) {
    return { name: (e as Error).name, message: (e as Error).message };
  }
  assert.fail('expected the call to fail');
}

export interface Pool {
  poolId: string;
  clientId: string;
}

/** A pool that auto-verifies email, and a client allowing every password flow. */
export async function newPool(server: TestServer, input: Partial<CreateUserPoolCommandInput> = {}, client: Partial<CreateUserPoolClientCommandInput> = {}): Promise<Pool> {
  const poolId = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'security', AutoVerifiedAttributes: ['email'], ...input }))).UserPool!.Id!;
  const clientId = (
    await server.admin.send(
      new CreateUserPoolClientCommand({
        UserPoolId: poolId,
        ClientName: 'web',
        PreventUserExistenceErrors: 'ENABLED',
        ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        ...client,
      }),
    )
  ).UserPoolClient!.ClientId!;
  return { poolId, clientId };
}

/** Reads codes from the outbox, each message once. */
export class Codes {
  private readonly seen = new Set<string>();
  constructor(private readonly server: TestServer) {}

  /** The code of the one message to `to` not read before. */
  async next(poolId: string, to: string): Promise<string> {
    const fresh = (await this.server.running.cognate.outbox.recent(100_000, poolId)).filter((m) => m.to === to && !this.seen.has(m.id));
    assert.equal(fresh.length, 1, `one new message to ${to}`);
    this.seen.add(fresh[0]!.id);
    return /\b(\d{6})\b/.exec(fresh[0]!.text ?? '')?.[1] ?? assert.fail(`no code in ${fresh[0]!.text}`);
  }

  /** Marks every message so far as read. */
  async skipAll(poolId: string): Promise<void> {
    for (const m of await this.server.running.cognate.outbox.recent(100_000, poolId)) this.seen.add(m.id);
  }
}

/** Signs a user up; returns their sub. */
export async function signUp(server: TestServer, pool: Pool, username: string, email: string, password = PASSWORD): Promise<string> {
  const out = await server.anonymous.send(new SignUpCommand({ ClientId: pool.clientId, Username: username, Password: password, UserAttributes: username === email ? [] : [{ Name: 'email', Value: email }] }));
  return out.UserSub!;
}

/** Signs a user up and confirms them with the emailed code; returns their sub. */
export async function confirmedUser(server: TestServer, codes: Codes, pool: Pool, username: string, email: string, password = PASSWORD): Promise<string> {
  const sub = await signUp(server, pool, username, email, password);
  await server.anonymous.send(new ConfirmSignUpCommand({ ClientId: pool.clientId, Username: username, ConfirmationCode: await codes.next(pool.poolId, email) }));
  return sub;
}

/**
 * An admin client whose SigV4 clock follows the server's ManualClock, for suites that move it
 * forward (the server checks signature times against its own clock).
 */
export function adminAtServerTime(server: TestServer): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    region: 'us-east-1',
    endpoint: server.url,
    credentials: server.credentials,
    maxAttempts: 1,
    systemClockOffset: server.clock.now() - Date.now(),
  });
}

/** A JWT's payload, unverified (the tests only read claims of tokens the server just issued). */
export const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

/** Attribute lists as a plain object. */
export const attrs = (list: { Name?: string; Value?: string }[] | undefined) => Object.fromEntries((list ?? []).map((a) => [a.Name, a.Value]));
