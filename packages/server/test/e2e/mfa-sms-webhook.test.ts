/**
 * SMS MFA end to end through the SMS webhook: the server delivers the MFA code to an HTTP gateway
 * (a local server standing in for the operator's SMS provider), and amazon-cognito-identity-js and
 * Amplify JS v6 finish signing in with the code the gateway received.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AdminCreateUserCommand, AdminSetUserMFAPreferenceCommand, AdminSetUserPasswordCommand, SetUserPoolMfaConfigCommand } from '@aws-sdk/client-cognito-identity-provider';
import { AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession } from 'amazon-cognito-identity-js';
import { Amplify, defaultStorage } from '@aws-amplify/core';
import { cognitoUserPoolsTokenProvider } from '@aws-amplify/auth/cognito';
import { confirmSignIn, signIn, signOut } from '@aws-amplify/auth';
import { databaseKinds } from '../support/postgres.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { newPool, type Pool } from './security/helpers.js';

const PASSWORD = 'Corr3ct-Horse!';
const PHONE = '+15555550188';

for (const kind of databaseKinds) {
  describe(`SMS MFA through the SMS webhook (${kind})`, () => {
    let server: TestServer;
    let gateway: Server;
    let pool: Pool;
    const texts: { to: string; text: string; signature: string | undefined; body: string }[] = [];

    /** Waits (bounded) for the gateway to receive its next text to PHONE, and returns the code in it. */
    async function codeFromGateway(already: number): Promise<string> {
      for (let i = 0; i < 200; i++) {
        const received = texts.filter((t) => t.to === PHONE);
        if (received.length > already) {
          const sms = received[received.length - 1]!;
          const [t, v1] = (sms.signature ?? '').split(',').map((part) => part.split('=')[1]);
          assert.equal(v1, createHmac('sha256', 'gateway-secret').update(`${t}.${sms.body}`).digest('hex'), 'the webhook is signed');
          return /\b(\d{6})\b/.exec(sms.text)?.[1] ?? assert.fail(`no code in ${sms.text}`);
        }
        await new Promise((r) => setTimeout(r, 25));
      }
      return assert.fail('the gateway received no text');
    }
    const sentSoFar = () => texts.filter((t) => t.to === PHONE).length;

    before(async () => {
      gateway = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk) => (body += chunk));
        req.on('end', () => {
          const { to, text } = JSON.parse(body) as { to: string; text: string };
          texts.push({ to, text, signature: req.headers['x-cognate-signature'] as string | undefined, body });
          res.end('{}');
        });
      });
      await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
      server = await startTestServer(kind, { smsWebhookUrl: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/sms`, smsWebhookSecret: 'gateway-secret' });
      pool = await newPool(server);
      await server.admin.send(
        new SetUserPoolMfaConfigCommand({
          UserPoolId: pool.poolId,
          MfaConfiguration: 'OPTIONAL',
          SmsMfaConfiguration: { SmsAuthenticationMessage: 'Your sign-in code: {####}', SmsConfiguration: { SnsCallerArn: 'arn:aws:iam::000000000000:role/sms' } },
        }),
      );
      await server.admin.send(new AdminCreateUserCommand({ UserPoolId: pool.poolId, Username: 'walter', MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'phone_number', Value: PHONE }] }));
      await server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.poolId, Username: 'walter', Password: PASSWORD, Permanent: true }));
      await server.admin.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: pool.poolId, Username: 'walter', SMSMfaSettings: { Enabled: true, PreferredMfa: true } }));
    });
    after(async () => {
      await server.stop();
      await new Promise((resolve) => gateway.close(resolve));
    });

    it('amazon-cognito-identity-js: mfaRequired, then sendMFACode with the code the gateway got', async () => {
      const jsPool = new CognitoUserPool({ UserPoolId: pool.poolId, ClientId: pool.clientId, endpoint: server.url + '/' });
      const user = new CognitoUser({ Username: 'walter', Pool: jsPool });
      const before = sentSoFar();
      const params = await new Promise<Record<string, string>>((resolve, reject) =>
        user.authenticateUser(new AuthenticationDetails({ Username: 'walter', Password: PASSWORD }), {
          onSuccess: () => reject(new Error('signed in without MFA')),
          onFailure: reject,
          mfaRequired: (_name, p) => resolve(p as Record<string, string>),
        }),
      );
      assert.equal(params.CODE_DELIVERY_DESTINATION, '+*******0188');
      const code = await codeFromGateway(before);
      assert.match(texts[texts.length - 1]!.text, /^Your sign-in code: \d{6}$/);
      const session = await new Promise<CognitoUserSession>((resolve, reject) => user.sendMFACode(code, { onSuccess: resolve, onFailure: reject }, 'SMS_MFA'));
      assert.equal(session.getIdToken().payload['cognito:username'], 'walter');
    });

    it('Amplify JS v6: CONFIRM_SIGN_IN_WITH_SMS_CODE, then confirmSignIn with the code the gateway got', async () => {
      const config = { Auth: { Cognito: { userPoolId: pool.poolId, userPoolClientId: pool.clientId, userPoolEndpoint: server.url } } };
      cognitoUserPoolsTokenProvider.setAuthConfig(config.Auth);
      cognitoUserPoolsTokenProvider.setKeyValueStorage(defaultStorage);
      Amplify.configure(config, { Auth: { tokenProvider: cognitoUserPoolsTokenProvider } });
      const before = sentSoFar();
      const start = await signIn({ username: 'walter', password: PASSWORD });
      assert.equal(start.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_SMS_CODE');
      const done = await confirmSignIn({ challengeResponse: await codeFromGateway(before) });
      assert.equal(done.isSignedIn, true);
      await signOut();
    });
  });
}
