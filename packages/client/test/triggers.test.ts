/**
 * MobileClient against a Cognate server whose pool calls Lambda triggers (webhooks served by the
 * server's test TriggerHost): signUp's validationData and clientMetadata reach PreSignUp, an
 * auto-confirming PreSignUp gives `confirmed`, a refusing one `userLambdaValidation`; and
 * CUSTOM_AUTH driven by DefineAuthChallenge / CreateAuthChallenge / VerifyAuthChallengeResponse:
 * `customChallenge` with the trigger's public parameters, a wrong answer and another try, with and
 * without the SRP step first, clientMetadata on every step.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { arn, TriggerHost, WEBHOOK_SECRET, type TriggerEvent } from '../../server/test/support/triggers.js';
import { UserState } from '../src/index.js';
import { PASSWORD, clientFor, createPool, databaseKinds, failure, recordingFetch, signedUpUser, startTestServer, type TestPool, type TestServer } from './support.js';

const ANSWER = 'teal';

for (const kind of databaseKinds) {
  describe(`MobileClient with Lambda triggers (${kind})`, () => {
    let server: TestServer;
    let host: TriggerHost;
    let pool: TestPool;

    before(async () => {
      host = await TriggerHost.start();
      const names = ['pre-sign-up', 'define', 'create', 'verify'];
      server = await startTestServer(kind, { triggers: Object.fromEntries(names.map((n) => [arn(n), `${host.webhookUrl}/${n}`])), triggerWebhookSecret: WEBHOOK_SECRET });
      host.handlers.set('pre-sign-up', (event: TriggerEvent) => {
        if (event.request.validationData?.invite === 'none') throw new Error('An invitation is required');
        if (event.request.validationData?.invite === 'auto') event.response.autoConfirmUser = true;
        return event;
      });
      // The developer guide's challenge-and-answer pattern: SRP first when the client asks, three tries.
      host.handlers.set('define', (event: TriggerEvent) => {
        const session = event.request.session as { challengeName: string; challengeResult: boolean }[];
        const last = session.at(-1);
        const tries = session.filter((s) => s.challengeName === 'CUSTOM_CHALLENGE').length;
        if (last?.challengeName === 'SRP_A') event.response.challengeName = 'PASSWORD_VERIFIER';
        else if (last?.challengeName === 'CUSTOM_CHALLENGE' && last.challengeResult) event.response.issueTokens = true;
        else if (tries >= 3 || (last?.challengeName === 'PASSWORD_VERIFIER' && !last.challengeResult)) event.response.failAuthentication = true;
        else event.response.challengeName = 'CUSTOM_CHALLENGE';
        return event;
      });
      host.handlers.set('create', (event: TriggerEvent) => {
        event.response.publicChallengeParameters = { question: 'Favourite colour?', attempt: String(event.request.session.length) };
        event.response.privateChallengeParameters = { answer: ANSWER };
        return event;
      });
      host.handlers.set('verify', (event: TriggerEvent) => {
        event.response.answerCorrect = event.request.challengeAnswer === event.request.privateChallengeParameters.answer;
        return event;
      });
      pool = await createPool(server, {}, undefined, {
        LambdaConfig: { PreSignUp: arn('pre-sign-up'), DefineAuthChallenge: arn('define'), CreateAuthChallenge: arn('create'), VerifyAuthChallengeResponse: arn('verify') },
      });
    });
    after(async () => {
      await server.stop();
      await host.stop();
    });

    it('signUp: validationData and clientMetadata reach PreSignUp; autoConfirmUser gives confirmed (no code), a refusal is userLambdaValidation', async () => {
      const client = clientFor(server);
      await client.initialize(pool.config);
      const up = await client.signUp({
        username: 'ada',
        password: PASSWORD,
        userAttributes: { email: 'ada@example.com' },
        validationData: { invite: 'auto' },
        clientMetadata: { campaign: 'spring' },
      });
      assert.equal(up.signUpConfirmationState, 'confirmed');
      assert.equal(up.codeDeliveryDetails, undefined, 'nothing to confirm, no code sent');
      const event = host.last('pre-sign-up');
      assert.equal(event.triggerSource, 'PreSignUp_SignUp');
      assert.deepEqual(event.request.validationData, { invite: 'auto' });
      assert.deepEqual(event.request.clientMetadata, { campaign: 'spring' });
      assert.equal(event.request.userAttributes.email, 'ada@example.com');
      assert.equal(event.callerContext.clientId, pool.clientId);
      assert.equal((await client.signIn({ username: 'ada', password: PASSWORD })).signInState, 'signedIn', 'confirmed: signs in at once');
      await client.signOut();

      const refused = await failure(() => client.signUp({ username: 'bea', password: PASSWORD, userAttributes: { email: 'bea@example.com' }, validationData: { invite: 'none' } }));
      assert.deepEqual([refused.code, refused.serviceCode, refused.message], ['userLambdaValidation', 'UserLambdaValidationException', 'PreSignUp failed with error An invitation is required.']);
      assert.equal((await failure(() => client.signIn({ username: 'bea', password: PASSWORD }))).code, 'notAuthorized', 'no such user');
    });

    it('CUSTOM_AUTH without a password: customChallenge with the trigger’s parameters, a wrong answer gets another try, the right one signs in', async () => {
      const setup = clientFor(server);
      await setup.initialize(pool.config);
      await signedUpUser(server, pool, setup, 'cleo');
      const rec = recordingFetch();
      const client = clientFor(server, { fetch: rec.fetch });
      const states: UserState[] = [];
      client.addUserStateListener((s) => states.push(s));
      await client.initialize({ ...pool.config, Auth: { Default: { authenticationFlowType: 'CUSTOM_AUTH' } } });

      const first = await client.signIn({ username: 'cleo', clientMetadata: { round: '1' } });
      assert.equal(first.signInState, 'customChallenge');
      assert.deepEqual(first.parameters, { question: 'Favourite colour?', attempt: '0', USERNAME: 'cleo' });
      assert.deepEqual(host.last('create').request.clientMetadata, { round: '1' });
      assert.equal(client.currentUserState, UserState.signedOut, 'a challenge is not a sign-in');

      const again = await client.confirmSignIn('red', { clientMetadata: { round: '2' } });
      assert.equal(again.signInState, 'customChallenge');
      assert.equal(again.parameters.attempt, '1');
      assert.deepEqual(host.last('verify').request.clientMetadata, { round: '2' });

      assert.deepEqual(await client.confirmSignIn(ANSWER), { signInState: 'signedIn', parameters: {} });
      assert.equal(client.currentUserState, UserState.signedIn);
      assert.equal((await client.getTokens()).idToken.claims['cognito:username'], 'cleo');
      assert.deepEqual(rec.actions, ['InitiateAuth:CUSTOM_AUTH', 'RespondToAuthChallenge:CUSTOM_CHALLENGE', 'RespondToAuthChallenge:CUSTOM_CHALLENGE']);
      assert.deepEqual(states, ['signedOut', 'signedIn']);
      assert.equal((await failure(() => client.confirmSignIn(ANSWER))).code, 'invalidState', 'nothing left to answer');
    });

    it('CUSTOM_AUTH with a password: the SRP step is answered by the client, then the custom challenge; three wrong answers fail the sign-in', async () => {
      const setup = clientFor(server);
      await setup.initialize(pool.config);
      await signedUpUser(server, pool, setup, 'dora');
      const rec = recordingFetch();
      const client = clientFor(server, { fetch: rec.fetch });
      await client.initialize({ ...pool.config, Auth: { Default: { authenticationFlowType: 'CUSTOM_AUTH' } } });

      const challenge = await client.signIn({ username: 'dora', password: PASSWORD });
      assert.equal(challenge.signInState, 'customChallenge');
      assert.deepEqual(rec.actions, ['InitiateAuth:CUSTOM_AUTH', 'RespondToAuthChallenge:PASSWORD_VERIFIER']);
      assert.deepEqual(host.last('define').request.session.map((s: { challengeName: string; challengeResult: boolean }) => [s.challengeName, s.challengeResult]), [
        ['SRP_A', true],
        ['PASSWORD_VERIFIER', true],
      ]);
      assert.equal((await client.confirmSignIn(ANSWER)).signInState, 'signedIn');

      // A wrong password ends at the SRP step.
      await client.signOut();
      assert.equal((await failure(() => client.signIn({ username: 'dora', password: 'Wr0ng-Horse!' }))).code, 'notAuthorized');

      // Three wrong answers: DefineAuthChallenge fails the authentication.
      assert.equal((await client.signIn({ username: 'dora', password: PASSWORD })).signInState, 'customChallenge');
      assert.equal((await client.confirmSignIn('red')).signInState, 'customChallenge');
      assert.equal((await client.confirmSignIn('green')).signInState, 'customChallenge');
      const failed = await failure(() => client.confirmSignIn('blue'));
      assert.equal(failed.code, 'notAuthorized');
      assert.equal(client.currentUserState, UserState.signedOut);
      // That sign-in is over: there is no challenge left to answer.
      assert.equal((await failure(() => client.confirmSignIn(ANSWER))).code, 'invalidState');
    });
  });
}
