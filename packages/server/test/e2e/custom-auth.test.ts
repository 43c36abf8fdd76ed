/**
 * CUSTOM_AUTH driven by real DefineAuthChallenge / CreateAuthChallenge / VerifyAuthChallengeResponse
 * modules (the developer guide's challenge-and-answer pattern), with amazon-cognito-identity-js and
 * Amplify JS v6, with and without SRP first; plus the session's single use, unknown users and bad input.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AdminCreateUserCommand, AdminSetUserMFAPreferenceCommand, AdminSetUserPasswordCommand, AdminUpdateUserAttributesCommand, InitiateAuthCommand, RespondToAuthChallengeCommand, type LambdaConfigType } from '@aws-sdk/client-cognito-identity-provider';
import { AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession } from 'amazon-cognito-identity-js';
import { Amplify, defaultStorage } from '@aws-amplify/core';
import { cognitoUserPoolsTokenProvider } from '@aws-amplify/auth/cognito';
import { confirmSignIn, fetchAuthSession, signIn, signOut } from '@aws-amplify/auth';
import { databaseKinds } from '../support/postgres.js';
import { failure, startTestServer, type TestServer } from '../support/server.js';
import { arn, TriggerHost, WEBHOOK_SECRET } from '../support/triggers.js';
import { CREATE, DEFINE, VERIFY } from '../support/custom-challenge.js';
import { nextCode } from '../support/mfa.js';
import { newPool, type Pool } from './security/helpers.js';

const PASSWORD = 'Corr3ct-Horse!';
const CUSTOM_FLOWS = ['ALLOW_CUSTOM_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] as const;

function customSignIn(pool: CognitoUserPool, username: string, answers: string[], password?: string): Promise<{ session: CognitoUserSession; challenges: Record<string, string>[] }> {
  const user = new CognitoUser({ Username: username, Pool: pool });
  user.setAuthenticationFlowType('CUSTOM_AUTH');
  const challenges: Record<string, string>[] = [];
  const details = new AuthenticationDetails({ Username: username, ...(password ? { Password: password } : {}) });
  return new Promise((resolve, reject) => {
    const callbacks = {
      onSuccess: (session: CognitoUserSession) => resolve({ session, challenges }),
      onFailure: reject,
      customChallenge(parameters: Record<string, string>) {
        challenges.push(parameters);
        const answer = answers.shift();
        if (answer === undefined) return reject(new Error('no answer left'));
        user.sendCustomChallengeAnswer(answer, callbacks);
      },
    };
    if (password) user.authenticateUser(details, callbacks);
    else user.initiateAuth(details, callbacks);
  });
}

if (typeof (globalThis as { navigator?: unknown }).navigator === 'undefined') {
  Object.defineProperty(globalThis, 'navigator', { value: { userAgent: 'cognate-test (Node)' }, configurable: true });
}

for (const kind of databaseKinds) {
  describe(`custom authentication (${kind})`, () => {
    let server: TestServer;
    let host: TriggerHost;
    let pool: Pool;
    let jsPool: CognitoUserPool;
    const lambda: LambdaConfigType = { DefineAuthChallenge: arn('define'), CreateAuthChallenge: arn('create'), VerifyAuthChallengeResponse: arn('verify') };

    async function user(p: Pool, username: string, colour: string) {
      await server.admin.send(new AdminCreateUserCommand({ UserPoolId: p.poolId, Username: username, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'custom:colour', Value: colour }] }));
      await server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: p.poolId, Username: username, Password: PASSWORD, Permanent: true }));
    }
    const start = (clientId: string, username: string, metadata?: Record<string, string>) =>
      server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'CUSTOM_AUTH', ClientId: clientId, AuthParameters: { USERNAME: username }, ...(metadata ? { ClientMetadata: metadata } : {}) }));
    const answer = (clientId: string, session: string | undefined, username: string, value: string, metadata?: Record<string, string>) =>
      server.anonymous.send(new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: 'CUSTOM_CHALLENGE', Session: session, ChallengeResponses: { USERNAME: username, ANSWER: value }, ...(metadata ? { ClientMetadata: metadata } : {}) }));

    before(async () => {
      host = await TriggerHost.start();
      const triggers = {
        [arn('define')]: await host.module('define', DEFINE),
        [arn('create')]: await host.module('create', CREATE),
        [arn('verify')]: await host.module('verify', VERIFY),
        [arn('define-bogus')]: `${host.webhookUrl}/define-bogus`,
        [arn('create-spy')]: `${host.webhookUrl}/create-spy`,
      };
      server = await startTestServer(kind, { triggers, triggerWebhookSecret: WEBHOOK_SECRET });
      pool = await newPool(server, { LambdaConfig: lambda, Schema: [{ Name: 'colour', AttributeDataType: 'String', Mutable: true }] }, { ExplicitAuthFlows: [...CUSTOM_FLOWS] });
      jsPool = new CognitoUserPool({ UserPoolId: pool.poolId, ClientId: pool.clientId, endpoint: server.url + '/' });
      await user(pool, 'alice', 'teal');
      await user(pool, 'bob', 'amber');
    });
    after(async () => {
      await signOut().catch(() => undefined);
      await server.stop();
      await host.stop();
    });

    it('amazon-cognito-identity-js answers the challenge; a wrong answer gets another try', async () => {
      const { session, challenges } = await customSignIn(jsPool, 'alice', ['red', 'teal']);
      assert.ok(session.isValid());
      assert.equal(session.getIdToken().decodePayload()['cognito:username'], 'alice');
      assert.deepEqual(challenges, [
        { question: 'Favourite colour?', attempt: '0', USERNAME: 'alice' },
        { question: 'Favourite colour?', attempt: '1', USERNAME: 'alice' },
      ]);
    });

    it('amazon-cognito-identity-js with SRP first: PASSWORD_VERIFIER, then the challenge', async () => {
      const { session, challenges } = await customSignIn(jsPool, 'bob', ['amber'], PASSWORD);
      assert.ok(session.isValid());
      assert.equal(challenges[0]!.attempt, '2', 'the session held SRP_A and PASSWORD_VERIFIER');
      const wrong = await customSignIn(jsPool, 'bob', ['amber'], 'Wr0ng-Password!').catch((e: Error & { code?: string }) => e);
      assert.ok(wrong instanceof Error);
      assert.equal((wrong as { code?: string }).code, 'NotAuthorizedException');
    });

    it('three wrong answers end the sign-in with NotAuthorizedException', async () => {
      const err = await customSignIn(jsPool, 'alice', ['red', 'green', 'blue']).catch((e: Error & { code?: string }) => e);
      assert.ok(err instanceof Error);
      assert.equal((err as { code?: string }).code, 'NotAuthorizedException');
      assert.equal(err.message, 'Incorrect username or password.');
    });

    it('a Session is answered once: replaying it is refused, so it buys no extra tries', async () => {
      const first = await start(pool.clientId, 'alice');
      assert.equal(first.ChallengeName, 'CUSTOM_CHALLENGE');
      const second = await answer(pool.clientId, first.Session, 'alice', 'red');
      assert.equal(second.ChallengeName, 'CUSTOM_CHALLENGE');
      assert.deepEqual(await failure(() => answer(pool.clientId, first.Session, 'alice', 'teal')), { name: 'NotAuthorizedException', message: 'Invalid session for the user, session can only be used once.' });
      const done = await answer(pool.clientId, second.Session, 'alice', 'teal');
      assert.ok(done.AuthenticationResult?.AccessToken);
    });

    it('ClientMetadata reaches CreateAuthChallenge, and challengeMetadata comes back to Define in the session', async () => {
      const p = await newPool(server, { LambdaConfig: { ...lambda, CreateAuthChallenge: arn('create-spy') }, Schema: [{ Name: 'colour', AttributeDataType: 'String', Mutable: true }] }, { ExplicitAuthFlows: [...CUSTOM_FLOWS] });
      await user(p, 'carol', 'plum');
      host.handlers.set('create-spy', (e) => ({ ...e, response: { publicChallengeParameters: { q: 'colour' }, privateChallengeParameters: { answer: 'plum' }, challengeMetadata: `ROUND-${e.request.clientMetadata?.round}` } }));
      const first = await start(p.clientId, 'carol', { round: '1' });
      assert.deepEqual(first.ChallengeParameters, { q: 'colour', USERNAME: 'carol' });
      const created = host.last('create-spy');
      assert.equal(created.triggerSource, 'CreateAuthChallenge_Authentication');
      assert.equal(created.request.challengeName, 'CUSTOM_CHALLENGE');
      assert.deepEqual(created.request.session, []);
      assert.deepEqual(created.request.clientMetadata, { round: '1' });
      assert.equal(created.request.userAttributes['custom:colour'], 'plum');
      const second = await answer(p.clientId, first.Session, 'carol', 'mauve', { round: '2' });
      assert.deepEqual(host.last('create-spy').request.session, [{ challengeName: 'CUSTOM_CHALLENGE', challengeResult: false, challengeMetadata: 'ROUND-1' }]);
      assert.ok((await answer(p.clientId, second.Session, 'carol', 'plum')).AuthenticationResult);
    });

    it('an unknown user, with existence hidden, gets a challenge like anyone else and never tokens', async () => {
      const first = await start(pool.clientId, 'nobody');
      assert.equal(first.ChallengeName, 'CUSTOM_CHALLENGE');
      assert.deepEqual(first.ChallengeParameters, { question: 'Favourite colour?', attempt: '0', USERNAME: 'nobody' });
      // Even the answer the functions would take ('no-one-knows') earns no tokens.
      const second = await answer(pool.clientId, first.Session, 'nobody', 'no-one-knows');
      assert.equal(second.ChallengeName, 'CUSTOM_CHALLENGE');
      const third = await answer(pool.clientId, second.Session, 'nobody', 'no-one-knows');
      assert.deepEqual(await failure(() => answer(pool.clientId, third.Session, 'nobody', 'no-one-knows')), { name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
    });

    it('a user with MFA answers the MFA challenge after the custom challenge, before any token', async () => {
      const SMS_CONFIG = { SnsCallerArn: 'arn:aws:iam::000000000000:role/cognate-sms', ExternalId: 'cognate' };
      const mfaPool = await newPool(server, { LambdaConfig: lambda, MfaConfiguration: 'OPTIONAL', SmsConfiguration: SMS_CONFIG, Schema: [{ Name: 'colour', AttributeDataType: 'String', Mutable: true }] }, { ExplicitAuthFlows: [...CUSTOM_FLOWS] });
      await user(mfaPool, 'mo', 'plum');
      await server.admin.send(new AdminUpdateUserAttributesCommand({ UserPoolId: mfaPool.poolId, Username: 'mo', UserAttributes: [{ Name: 'phone_number', Value: '+15550004321' }, { Name: 'phone_number_verified', Value: 'true' }] }));
      await server.admin.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: mfaPool.poolId, Username: 'mo', SMSMfaSettings: { Enabled: true, PreferredMfa: true } }));
      const first = await start(mfaPool.clientId, 'mo');
      const mfa = await answer(mfaPool.clientId, first.Session, 'mo', 'plum');
      assert.equal(mfa.ChallengeName, 'SMS_MFA');
      assert.equal(mfa.AuthenticationResult, undefined);
      const code = await nextCode(server, mfaPool.poolId, '+15550004321');
      const wrong = code === '000000' ? '111111' : '000000';
      assert.equal((await failure(() => server.anonymous.send(new RespondToAuthChallengeCommand({ ClientId: mfaPool.clientId, ChallengeName: 'SMS_MFA', Session: mfa.Session, ChallengeResponses: { USERNAME: 'mo', SMS_MFA_CODE: wrong } })))).name, 'CodeMismatchException');
      const done = await server.anonymous.send(new RespondToAuthChallengeCommand({ ClientId: mfaPool.clientId, ChallengeName: 'SMS_MFA', Session: mfa.Session, ChallengeResponses: { USERNAME: 'mo', SMS_MFA_CODE: code } }));
      assert.ok(done.AuthenticationResult?.AccessToken);
    });

    it('Amplify JS v6 signs in with CUSTOM_WITHOUT_SRP and CUSTOM_WITH_SRP', async () => {
      const config = { Auth: { Cognito: { userPoolId: pool.poolId, userPoolClientId: pool.clientId, userPoolEndpoint: server.url } } };
      cognitoUserPoolsTokenProvider.setAuthConfig(config.Auth);
      cognitoUserPoolsTokenProvider.setKeyValueStorage(defaultStorage);
      Amplify.configure(config, { Auth: { tokenProvider: cognitoUserPoolsTokenProvider } });
      const plain = await signIn({ username: 'alice', options: { authFlowType: 'CUSTOM_WITHOUT_SRP' } });
      assert.equal(plain.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE');
      assert.equal((plain.nextStep as { additionalInfo?: Record<string, string> }).additionalInfo?.question, 'Favourite colour?');
      const wrong = await confirmSignIn({ challengeResponse: 'red' });
      assert.equal(wrong.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE');
      assert.equal((await confirmSignIn({ challengeResponse: 'teal' })).isSignedIn, true);
      assert.equal((await fetchAuthSession()).tokens?.idToken?.payload['cognito:username'], 'alice');
      await signOut();

      const srp = await signIn({ username: 'bob', password: PASSWORD, options: { authFlowType: 'CUSTOM_WITH_SRP' } });
      assert.equal(srp.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE');
      assert.equal((await confirmSignIn({ challengeResponse: 'amber' })).isSignedIn, true);
      await signOut();
    });

    it('refuses bad custom-auth input with Cognito errors', async () => {
      const noTriggers = await newPool(server, {}, { ExplicitAuthFlows: [...CUSTOM_FLOWS] });
      assert.deepEqual(await failure(() => start(noTriggers.clientId, 'alice')), { name: 'InvalidParameterException', message: 'Custom auth lambda trigger is not configured for the user pool.' });
      const noFlow = await newPool(server, { LambdaConfig: lambda }, { ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] });
      assert.deepEqual(await failure(() => start(noFlow.clientId, 'alice')), { name: 'InvalidParameterException', message: 'CUSTOM_AUTH flow not enabled for this client' });
      assert.equal((await failure(() => server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'CUSTOM_AUTH', ClientId: pool.clientId, AuthParameters: {} })))).name, 'InvalidParameterException');
      const first = await start(pool.clientId, 'alice');
      assert.equal((await failure(() => server.anonymous.send(new RespondToAuthChallengeCommand({ ClientId: pool.clientId, ChallengeName: 'CUSTOM_CHALLENGE', Session: first.Session, ChallengeResponses: { USERNAME: 'alice' } })))).name, 'InvalidParameterException');
      assert.equal((await failure(() => answer(pool.clientId, 'short', 'alice', 'teal'))).name, 'InvalidParameterException');
      assert.deepEqual(await failure(() => answer(pool.clientId, 'not-a-session-but-long-enough', 'alice', 'teal')), { name: 'NotAuthorizedException', message: 'Invalid session for the user.' });
      assert.deepEqual(await failure(() => answer(pool.clientId, undefined, 'alice', 'teal')), { name: 'NotAuthorizedException', message: 'Invalid session for the user.' });
      // A Session from another pool's client is no good here.
      const other = await newPool(server, { LambdaConfig: lambda, Schema: [{ Name: 'colour', AttributeDataType: 'String', Mutable: true }] }, { ExplicitAuthFlows: [...CUSTOM_FLOWS] });
      assert.equal((await failure(() => answer(other.clientId, first.Session, 'alice', 'teal'))).message, 'Invalid session for the user.');
      // An expired Session.
      server.clock.advance(3 * 60_000 + 30_000); // the default AuthSessionValidity is 3 minutes
      assert.deepEqual(await failure(() => answer(pool.clientId, first.Session, 'alice', 'teal')), { name: 'NotAuthorizedException', message: 'Invalid session for the user, session is expired.' });
      server.clock.advance(-(3 * 60_000 + 30_000));
      // Define naming a challenge Cognito doesn't have.
      const bogus = await newPool(server, { LambdaConfig: { ...lambda, DefineAuthChallenge: arn('define-bogus') } }, { ExplicitAuthFlows: [...CUSTOM_FLOWS] });
      host.handlers.set('define-bogus', (e) => ({ ...e, response: { challengeName: 'MAGIC_WORD' } }));
      assert.equal((await failure(() => start(bogus.clientId, 'alice'))).name, 'InvalidLambdaResponseException');
      host.handlers.set('define-bogus', (e) => ({ ...e, response: { issueTokens: 'yes' } }));
      assert.equal((await failure(() => start(bogus.clientId, 'alice'))).name, 'InvalidLambdaResponseException');
    });
  });
}
