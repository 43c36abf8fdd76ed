/**
 * `--dev-codes`: refused outside development mode (flag or environment), loud inside it (banner,
 * response header, metric), and then every code is the fixed one — a real client
 * (amazon-cognito-identity-js) signs up and confirms with 123456, and a forgotten password is reset
 * with it. A production server can't be talked into it by a request.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfirmForgotPasswordCommand, ConfirmSignUpCommand, CreateUserPoolClientCommand, CreateUserPoolCommand, ForgotPasswordCommand } from '@aws-sdk/client-cognito-identity-provider';
import { CognitoUserAttribute, CognitoUserPool } from 'amazon-cognito-identity-js';
import { adminClient, cognate, passwordSignIn, publicClient, startServer, type Failed, type RunningServer } from './devflow-helpers.js';

const PASSWORD = 'Corr3ct-Horse!';

async function poolAndClient(url: string): Promise<{ poolId: string; clientId: string }> {
  const admin = adminClient(url);
  try {
    const poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'codes', AutoVerifiedAttributes: ['email'] }))).UserPool!.Id!;
    const clientId = (await admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient!.ClientId!;
    return { poolId, clientId };
  } finally {
    admin.destroy();
  }
}

/** Signs up with amazon-cognito-identity-js and confirms with `code`. */
async function signUpAndConfirm(url: string, p: { poolId: string; clientId: string; username: string; code: string }): Promise<void> {
  const pool = new CognitoUserPool({ UserPoolId: p.poolId, ClientId: p.clientId, endpoint: url + '/' });
  const user = await new Promise<NonNullable<Parameters<Parameters<CognitoUserPool['signUp']>[4]>[1]>['user']>((resolve, reject) =>
    pool.signUp(p.username, PASSWORD, [new CognitoUserAttribute({ Name: 'email', Value: `${p.username}@example.com` })], [], (err, result) => (err ? reject(err) : resolve(result!.user))),
  );
  await new Promise((resolve, reject) => user.confirmRegistration(p.code, false, (err, result) => (err ? reject(err) : resolve(result))));
}

describe('--dev-codes', () => {
  let dir: string;
  let dev: RunningServer | undefined;
  let prod: RunningServer | undefined;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cognate-devflow-codes-'));
  });
  after(async () => {
    await dev?.stop();
    await prod?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('is refused outside development mode, by flag and by environment', async () => {
    const data = ['--data-dir', path.join(dir, 'refused'), '--port', '0'];
    await assert.rejects(cognate(['start', '--dev-codes', '123456', ...data]), (e: Failed) => e.code === 1 && /refused outside development mode/.test(e.stderr) && !/\n\s+at /.test(e.stderr));
    await assert.rejects(cognate(['start', ...data], { COGNATE_DEV_CODES: '123456', COGNATE_ENV: 'production' }), (e: Failed) => /refused outside development mode/.test(e.stderr));
  });

  it('in development mode makes every code 123456, and says so loudly', async () => {
    dev = await startServer(['--data-dir', path.join(dir, 'dev')], { COGNATE_ENV: 'development', COGNATE_DEV_CODES: '123456' });
    assert.match(dev.output(), /DEVELOPMENT MODE: every verification, MFA, one-time and forgot-password code is 123456/);
    const health = await fetch(`${dev.url}/health/live`);
    assert.equal(health.headers.get('x-cognate-dev-codes'), 'on');
    assert.match(await (await fetch(`${dev.url}/metrics`)).text(), /^cognate_dev_codes_enabled 1$/m);

    const { poolId, clientId } = await poolAndClient(dev.url);
    await signUpAndConfirm(dev.url, { poolId, clientId, username: 'dora', code: '123456' });
    assert.ok((await passwordSignIn(dev.url, { clientId, username: 'dora', password: PASSWORD })).result?.AccessToken);

    const client = publicClient(dev.url);
    try {
      const forgot = await client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'dora' }));
      assert.equal(forgot.$metadata.httpStatusCode, 200);
      await client.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'dora', ConfirmationCode: '123456', Password: 'N3w-Horse-Battery' }));
      // Still single-use: the same code can't confirm again.
      await assert.rejects(client.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'dora', ConfirmationCode: '123456', Password: 'Other-Horse-99!' })), (e: Error) => /CodeMismatch|ExpiredCode/.test(e.name));
    } finally {
      client.destroy();
    }
    assert.ok((await passwordSignIn(dev.url, { clientId, username: 'dora', password: 'N3w-Horse-Battery' })).result?.AccessToken);
  });

  it('a production server has no such mode, whatever a request says', async () => {
    const data = path.join(dir, 'prod');
    prod = await startServer(['--data-dir', data]);
    const health = await fetch(`${prod.url}/health/live`, { headers: { 'x-cognate-dev-codes': '123456' } });
    assert.equal(health.headers.get('x-cognate-dev-codes'), null);
    assert.match(await (await fetch(`${prod.url}/metrics`)).text(), /^cognate_dev_codes_enabled 0$/m);
    assert.doesNotMatch(prod.output(), /DEVELOPMENT MODE/);

    const { poolId, clientId } = await poolAndClient(prod.url);
    // The header on the API call itself changes nothing either.
    const signUp = await fetch(prod.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.SignUp', 'x-cognate-dev-codes': '123456' },
      body: JSON.stringify({ ClientId: clientId, Username: 'pat', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'pat@example.com' }] }),
    });
    assert.equal(signUp.status, 200);
    const outbox = JSON.parse((await cognate(['outbox', '--json', '--pool', poolId, '--data-dir', data])).stdout) as { to: string; text: string }[];
    const code = /\d{6}/.exec(outbox.find((m) => m.to === 'pat@example.com')?.text ?? '')?.[0];
    assert.ok(code);
    const client = publicClient(prod.url);
    try {
      if (code !== '123456') {
        await assert.rejects(client.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'pat', ConfirmationCode: '123456' })), (e: Error) => e.name === 'CodeMismatchException');
      }
      await client.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'pat', ConfirmationCode: code }));
    } finally {
      client.destroy();
    }
  });
});
