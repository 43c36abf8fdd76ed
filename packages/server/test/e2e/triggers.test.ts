/**
 * Lambda triggers through all three invokers — ES modules, an HMAC-signed webhook, and the Lambda
 * Invoke API (@aws-sdk/client-lambda against a local stub) — with Cognito's event shapes, their
 * answers honoured, and failing, slow and malformed functions failing the operation with Cognito's
 * errors and leaving nothing written.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminConfirmSignUpCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  CreateGroupCommand,
  AdminAddUserToGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  ForgotPasswordCommand,
  GetUserAttributeVerificationCodeCommand,
  InitiateAuthCommand,
  ResendConfirmationCodeCommand,
  RespondToAuthChallengeCommand,
  AdminSetUserMFAPreferenceCommand,
  AdminUpdateUserAttributesCommand,
  SignUpCommand,
  UpdateUserAttributesCommand,
  UpdateUserPoolCommand,
  VerifyUserAttributeCommand,
  type ExplicitAuthFlowsType,
  type LambdaConfigType,
} from '@aws-sdk/client-cognito-identity-provider';
import { compactDecrypt } from 'jose';
import { databaseKinds } from '../support/postgres.js';
import { failure, startTestServer, type TestServer } from '../support/server.js';
import { arn, Raw, TriggerHost, WEBHOOK_SECRET, type TriggerEvent } from '../support/triggers.js';

const PASSWORD = 'Corr3ct-Horse!';
const FLOWS: ExplicitAuthFlowsType[] = ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'];

const KMS_KEY_ID = 'arn:aws:kms:us-east-1:123456789012:key/cognate-test-sender-key';
const SENDER_KEY = Buffer.alloc(32, 7);

const decode = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, any>;

for (const kind of databaseKinds) {
  describe(`Lambda triggers (${kind})`, () => {
    let server: TestServer;
    let host: TriggerHost;
    let pools = 0;

    /** A pool with these triggers and a client that may sign in with a password. */
    async function poolWith(lambda: LambdaConfigType, extra: Record<string, unknown> = {}) {
      const poolId = (await server.admin.send(new CreateUserPoolCommand({ PoolName: `triggers-${++pools}`, LambdaConfig: lambda, ...extra }))).UserPool!.Id!;
      const clientId = (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, PreventUserExistenceErrors: 'ENABLED', ClientName: 'app', ExplicitAuthFlows: FLOWS }))).UserPoolClient!.ClientId!;
      return { poolId, clientId };
    }
    const signUp = (clientId: string, username: string, extra: Record<string, unknown> = {}) =>
      server.anonymous.send(new SignUpCommand({ ClientId: clientId, Username: username, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: `${username}@example.com` }], ...extra }));
    const getUser = (poolId: string, username: string) => server.admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: username }));
    const passwordSignIn = (clientId: string, username: string, metadata?: Record<string, string>) =>
      server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: username, PASSWORD: PASSWORD }, ...(metadata ? { ClientMetadata: metadata } : {}) }));
    async function confirmedUser(poolId: string, clientId: string, username: string) {
      await signUp(clientId, username);
      await server.admin.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: username }));
    }
    /** The pool must not know the user: nothing was written. */
    async function assertNoUser(poolId: string, username: string) {
      assert.equal((await failure(() => getUser(poolId, username))).name, 'UserNotFoundException');
    }

    before(async () => {
      host = await TriggerHost.start();
      const modules = {
        'mod-auto-confirm': await host.module(
          'auto-confirm',
          // The older callback style.
          `export function handler(event, context, callback) {
             event.response.autoConfirmUser = true;
             event.response.autoVerifyEmail = event.request.userAttributes.email.endsWith('@example.com');
             callback(null, event);
           }`,
        ),
        'mod-refuse': await host.module('refuse', `export const handler = async () => { throw new Error('Module says no'); };`),
        'mod-slow': await host.module('slow', `export const handler = async (event) => { await new Promise((r) => setTimeout(r, 1500)); return event; };`),
        'mod-claims': await host.module(
          'claims',
          `export const handler = async (event) => {
             event.response.claimsOverrideDetails = {
               claimsToAddOrOverride: { tier: 'gold', email: 'hidden@example.com', sub: 'not-the-sub' },
               claimsToSuppress: ['name'],
               groupOverrideDetails: { groupsToOverride: ['admins'], iamRolesToOverride: ['arn:aws:iam::123456789012:role/admin'], preferredRole: 'arn:aws:iam::123456789012:role/admin' },
             };
             return event;
           };`,
        ),
      };
      const triggers: Record<string, string> = {};
      for (const [name, file] of Object.entries(modules)) triggers[arn(name)] = file;
      for (const name of ['wh-email-sender', 'wh-migrate', 'wh-custom-message', 'wh-pre-sign-up', 'wh-slow', 'wh-bad-json', 'wh-bad-field', 'wh-post-confirmation', 'wh-pre-auth', 'wh-post-auth', 'wh-token-v2']) triggers[arn(name)] = `${host.webhookUrl}/${name}`;
      // lambda-* ARNs are not listed: they go to the Lambda API, here the stub.
      server = await startTestServer(kind, {
        triggers,
        triggerWebhookSecret: WEBHOOK_SECRET,
        triggerTimeoutMs: 750,
        customSenderKeys: { [KMS_KEY_ID]: SENDER_KEY.toString('base64') },
        lambdaEndpoint: host.lambdaUrl,
        lambdaAccessKeyId: 'AKIALAMBDASTUB',
        lambdaSecretAccessKey: 'lambda-stub-secret',
      });
    });
    after(async () => {
      await server.stop();
      await host.stop();
    });

    it('PreSignUp (module, callback style) confirms the user and verifies their email', async () => {
      const { poolId, clientId } = await poolWith({ PreSignUp: arn('mod-auto-confirm') }, { AutoVerifiedAttributes: ['email'] });
      const out = await signUp(clientId, 'carol');
      assert.equal(out.UserConfirmed, true);
      assert.equal(out.CodeDeliveryDetails, undefined, 'no code is sent to a confirmed user');
      const user = await getUser(poolId, 'carol');
      assert.equal(user.UserStatus, 'CONFIRMED');
      assert.equal(user.UserAttributes!.find((a) => a.Name === 'email_verified')?.Value, 'true');
      assert.ok((await passwordSignIn(clientId, 'carol')).AuthenticationResult?.IdToken);
    });

    it('PreSignUp (webhook) receives the Cognito event, signed, with validation data and client metadata', async () => {
      const { poolId, clientId } = await poolWith({ PreSignUp: arn('wh-pre-sign-up') });
      host.handlers.set('wh-pre-sign-up', (e) => ({ ...e, response: { ...e.response, autoVerifyPhone: true } }));
      await signUp(clientId, 'dave', { ValidationData: [{ Name: 'invite', Value: 'XYZ' }], ClientMetadata: { app: 'web' } });
      const event = host.last('wh-pre-sign-up');
      assert.deepEqual(host.badSignatures, []);
      assert.equal(event.version, '1');
      assert.equal(event.triggerSource, 'PreSignUp_SignUp');
      assert.equal(event.region, 'us-east-1');
      assert.equal(event.userPoolId, poolId);
      assert.equal(event.userName, 'dave');
      assert.deepEqual(event.callerContext, { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId });
      assert.deepEqual(event.request, { userAttributes: { email: 'dave@example.com' }, validationData: { invite: 'XYZ' }, clientMetadata: { app: 'web' } });
      assert.deepEqual(event.response, { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false });
      const user = await getUser(poolId, 'dave');
      assert.equal(user.UserStatus, 'UNCONFIRMED');
      // autoVerifyPhone with no phone number verifies nothing.
      assert.equal(user.UserAttributes!.find((a) => a.Name === 'phone_number_verified'), undefined);
    });

    it('a function that fails refuses the sign-up with UserLambdaValidationException, through each invoker, and no user is written', async () => {
      host.handlers.set('lambda-refuse', () => {
        throw new Error('Invite codes only');
      });
      for (const [name, message] of [
        ['mod-refuse', 'PreSignUp failed with error Module says no.'],
        ['lambda-refuse', 'PreSignUp failed with error Invite codes only.'],
      ] as const) {
        const { poolId, clientId } = await poolWith({ PreSignUp: arn(name) });
        const err = await failure(() => signUp(clientId, 'erin'));
        assert.deepEqual(err, { name: 'UserLambdaValidationException', message });
        await assertNoUser(poolId, 'erin');
      }
      const call = host.lambdaCalls.at(-1)!;
      assert.equal(call.path, `/2015-03-31/functions/${encodeURIComponent(arn('lambda-refuse'))}/invocations`);
      assert.match(call.authorization ?? '', /^AWS4-HMAC-SHA256 Credential=AKIALAMBDASTUB\/\d{8}\/us-east-1\/lambda\/aws4_request/);
      assert.equal(call.invocationType, 'RequestResponse');
      assert.equal(host.last('lambda-refuse').triggerSource, 'PreSignUp_SignUp');

      const webhook = await poolWith({ PreSignUp: arn('wh-pre-sign-up') });
      host.handlers.set('wh-pre-sign-up', () => {
        throw new Error('Webhook says no');
      });
      assert.deepEqual(await failure(() => signUp(webhook.clientId, 'erin')), { name: 'UserLambdaValidationException', message: 'PreSignUp failed with error Webhook says no.' });
      await assertNoUser(webhook.poolId, 'erin');
    });

    it('a slow function fails with UnexpectedLambdaException, through each invoker', async () => {
      host.handlers.set('wh-slow', async (e) => {
        await new Promise((r) => setTimeout(r, 1500));
        return e;
      });
      host.handlers.set('lambda-slow', async (e) => {
        await new Promise((r) => setTimeout(r, 1500));
        return e;
      });
      for (const name of ['mod-slow', 'wh-slow', 'lambda-slow']) {
        const { poolId, clientId } = await poolWith({ PreSignUp: arn(name) });
        const err = await failure(() => signUp(clientId, 'frank'));
        assert.deepEqual(err, { name: 'UnexpectedLambdaException', message: 'PreSignUp invocation failed due to error Socket timeout while invoking Lambda function.' }, name);
        await assertNoUser(poolId, 'frank');
      }
    });

    it('an answer that is not JSON, or with a response field of the wrong type, fails with InvalidLambdaResponseException', async () => {
      host.handlers.set('wh-bad-json', () => new Raw('<html>oops</html>'));
      host.handlers.set('wh-bad-field', (e) => ({ ...e, response: { autoConfirmUser: 'yes' } }));
      host.handlers.set('lambda-bad-shape', () => 'just a string');
      for (const name of ['wh-bad-json', 'wh-bad-field', 'lambda-bad-shape']) {
        const { poolId, clientId } = await poolWith({ PreSignUp: arn(name) });
        assert.deepEqual(await failure(() => signUp(clientId, 'gina')), { name: 'InvalidLambdaResponseException', message: 'Unrecognizable lambda output' }, name);
        await assertNoUser(poolId, 'gina');
      }
    });

    it('a function the Lambda API does not know fails with UnexpectedLambdaException naming the error', async () => {
      const { poolId, clientId } = await poolWith({ PreSignUp: arn('missing-function') });
      assert.deepEqual(await failure(() => signUp(clientId, 'hank')), { name: 'UnexpectedLambdaException', message: 'PreSignUp invocation failed due to error ResourceNotFoundException.' });
      await assertNoUser(poolId, 'hank');
    });

    it('AdminCreateUser runs PreSignUp_AdminCreateUser with no client, and a refusal creates no one', async () => {
      const { poolId } = await poolWith({ PreSignUp: arn('lambda-admin-create') });
      host.handlers.set('lambda-admin-create', (e) => {
        if (e.request.userAttributes.email === 'blocked@example.com') throw new Error('Blocked domain');
        return { ...e, response: { ...e.response, autoConfirmUser: true } };
      });
      await server.admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'ivy', MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: 'ivy@example.com' }], ValidationData: [{ Name: 'source', Value: 'crm' }], ClientMetadata: { by: 'ops' } }));
      const event = host.last('lambda-admin-create');
      assert.equal(event.triggerSource, 'PreSignUp_AdminCreateUser');
      assert.equal(event.callerContext.clientId, 'CLIENT_ID_NOT_APPLICABLE');
      assert.deepEqual(event.request, { userAttributes: { email: 'ivy@example.com' }, validationData: { source: 'crm' }, clientMetadata: { by: 'ops' } });
      // autoConfirmUser does not apply to AdminCreateUser: the user still has to set a password.
      assert.equal((await getUser(poolId, 'ivy')).UserStatus, 'FORCE_CHANGE_PASSWORD');
      const err = await failure(() => server.admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'jack', MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: 'blocked@example.com' }] })));
      assert.deepEqual(err, { name: 'UserLambdaValidationException', message: 'PreSignUp failed with error Blocked domain.' });
      await assertNoUser(poolId, 'jack');
    });

    it('PostConfirmation runs after the confirmation, with the confirmed user; its failure fails the call but the user stays confirmed', async () => {
      const { poolId, clientId } = await poolWith({ PostConfirmation: arn('wh-post-confirmation'), PreSignUp: arn('mod-auto-confirm') });
      await signUp(clientId, 'kate');
      const fromSignUp = host.last('wh-post-confirmation');
      assert.equal(fromSignUp.triggerSource, 'PostConfirmation_ConfirmSignUp');
      assert.equal(fromSignUp.request.userAttributes['cognito:user_status'], 'CONFIRMED');
      assert.equal(fromSignUp.request.userAttributes.email, 'kate@example.com');
      assert.match(fromSignUp.request.userAttributes.sub, /^[0-9a-f-]{36}$/);

      const plain = await poolWith({ PostConfirmation: arn('wh-post-confirmation') });
      host.handlers.set('wh-post-confirmation', () => {
        throw new Error('CRM is down');
      });
      await signUp(plain.clientId, 'liam');
      const err = await failure(() => server.admin.send(new AdminConfirmSignUpCommand({ UserPoolId: plain.poolId, Username: 'liam', ClientMetadata: { via: 'admin' } })));
      assert.deepEqual(err, { name: 'UserLambdaValidationException', message: 'PostConfirmation failed with error CRM is down.' });
      const event = host.last('wh-post-confirmation');
      assert.equal(event.callerContext.clientId, 'CLIENT_ID_NOT_APPLICABLE');
      assert.deepEqual(event.request.clientMetadata, { via: 'admin' });
      assert.equal((await getUser(plain.poolId, 'liam')).UserStatus, 'CONFIRMED');
      host.handlers.delete('wh-post-confirmation');
    });

    it('PreAuthentication sees ClientMetadata as validationData, may refuse a sign-in, and hears of unknown users only when existence is hidden', async () => {
      const { poolId, clientId } = await poolWith({ PreAuthentication: arn('wh-pre-auth') });
      await confirmedUser(poolId, clientId, 'mia');
      host.handlers.set('wh-pre-auth', (e) => {
        if (e.request.validationData?.device === 'banned') throw new Error('Device banned');
        return e;
      });
      await passwordSignIn(clientId, 'mia', { device: 'laptop' });
      const event = host.last('wh-pre-auth');
      assert.equal(event.triggerSource, 'PreAuthentication_Authentication');
      assert.equal(event.request.userAttributes.email, 'mia@example.com');
      assert.deepEqual(event.request.validationData, { device: 'laptop' });
      assert.equal(event.request.userNotFound, false);
      assert.deepEqual(await failure(() => passwordSignIn(clientId, 'mia', { device: 'banned' })), { name: 'UserLambdaValidationException', message: 'PreAuthentication failed with error Device banned.' });

      const before = host.received('wh-pre-auth').length;
      const unknown = await failure(() => passwordSignIn(clientId, 'nobody'));
      assert.equal(unknown.name, 'NotAuthorizedException');
      const seen = host.received('wh-pre-auth');
      assert.equal(seen.length, before + 1);
      assert.equal(seen.at(-1)!.request.userNotFound, true);
      assert.equal(seen.at(-1)!.userName, 'nobody');

      // A LEGACY client answers UserNotFoundException and doesn't run the trigger for no one.
      const legacy = (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'legacy', ExplicitAuthFlows: FLOWS, PreventUserExistenceErrors: 'LEGACY' }))).UserPoolClient!.ClientId!;
      const count = host.received('wh-pre-auth').length;
      assert.equal((await failure(() => passwordSignIn(legacy, 'nobody'))).name, 'UserNotFoundException');
      assert.equal(host.received('wh-pre-auth').length, count);
      host.handlers.delete('wh-pre-auth');
    });

    it('PostAuthentication runs after a successful sign-in only, and its failure fails the sign-in', async () => {
      const { poolId, clientId } = await poolWith({ PostAuthentication: arn('wh-post-auth') });
      await confirmedUser(poolId, clientId, 'noah');
      const count = host.received('wh-post-auth').length;
      assert.equal((await failure(() => server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'noah', PASSWORD: 'wrong-Passw0rd!' } })))).name, 'NotAuthorizedException');
      assert.equal(host.received('wh-post-auth').length, count, 'a failed sign-in runs no PostAuthentication');
      await passwordSignIn(clientId, 'noah', { k: 'v' });
      const event = host.last('wh-post-auth');
      assert.equal(event.triggerSource, 'PostAuthentication_Authentication');
      assert.equal(event.request.newDeviceUsed, false);
      assert.deepEqual(event.request.clientMetadata, { k: 'v' });
      host.handlers.set('wh-post-auth', () => {
        throw new Error('Audit log unavailable');
      });
      assert.deepEqual(await failure(() => passwordSignIn(clientId, 'noah')), { name: 'UserLambdaValidationException', message: 'PostAuthentication failed with error Audit log unavailable.' });
      host.handlers.delete('wh-post-auth');
    });

    it('PreTokenGeneration V1 (module) adds and suppresses ID-token claims and overrides groups; protected claims stay', async () => {
      const { poolId, clientId } = await poolWith({ PreTokenGeneration: arn('mod-claims') }, { Schema: [{ Name: 'name', AttributeDataType: 'String', Mutable: true }] });
      await server.anonymous.send(new SignUpCommand({ ClientId: clientId, Username: 'olga', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'olga@example.com' }, { Name: 'name', Value: 'Olga' }] }));
      await server.admin.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: 'olga' }));
      await server.admin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'readers' }));
      await server.admin.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: 'olga', GroupName: 'readers' }));
      const result = (await passwordSignIn(clientId, 'olga')).AuthenticationResult!;
      const id = decode(result.IdToken!);
      const access = decode(result.AccessToken!);
      assert.equal(id.tier, 'gold');
      assert.equal(id.email, 'hidden@example.com');
      assert.equal(id.name, undefined);
      assert.notEqual(id.sub, 'not-the-sub');
      assert.deepEqual(id['cognito:groups'], ['admins']);
      assert.deepEqual(id['cognito:roles'], ['arn:aws:iam::123456789012:role/admin']);
      assert.equal(id['cognito:preferred_role'], 'arn:aws:iam::123456789012:role/admin');
      assert.deepEqual(access['cognito:groups'], ['admins']);
      assert.equal(access.tier, undefined, 'V1 changes only the ID token');
      // Refreshed tokens go through the trigger again.
      const refreshed = (await server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: clientId, AuthParameters: { REFRESH_TOKEN: result.RefreshToken! } }))).AuthenticationResult!;
      assert.equal(decode(refreshed.IdToken!).tier, 'gold');
    });

    it('PreTokenGeneration V2 (webhook) changes both tokens and the access token scopes, with the trigger source of each sign-in', async () => {
      const { poolId, clientId } = await poolWith({ PreTokenGenerationConfig: { LambdaArn: arn('wh-token-v2'), LambdaVersion: 'V2_0' } });
      await confirmedUser(poolId, clientId, 'pete');
      host.handlers.set('wh-token-v2', (e) => ({
        ...e,
        response: {
          claimsAndScopeOverrideDetails: {
            idTokenGeneration: { claimsToAddOrOverride: { plan: { name: 'pro', seats: 3 } } },
            accessTokenGeneration: { claimsToAddOrOverride: { tenant: 't-1' }, claimsToSuppress: ['username'], scopesToAdd: ['orders/read'], scopesToSuppress: ['aws.cognito.signin.user.admin'] },
          },
        },
      }));
      const result = (await server.admin.send(new AdminInitiateAuthCommand({ UserPoolId: poolId, ClientId: clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'pete', PASSWORD } }))).AuthenticationResult!;
      const event = host.last('wh-token-v2');
      assert.equal(event.version, '2');
      assert.equal(event.triggerSource, 'TokenGeneration_Authentication');
      assert.deepEqual(event.request.scopes, ['aws.cognito.signin.user.admin']);
      assert.deepEqual(event.request.groupConfiguration, { groupsToOverride: [], iamRolesToOverride: [], preferredRole: null });
      assert.deepEqual(decode(result.IdToken!).plan, { name: 'pro', seats: 3 });
      const access = decode(result.AccessToken!);
      assert.equal(access.tenant, 't-1');
      assert.equal(access.scope, 'orders/read');
      assert.equal(access.username, 'pete', 'username is protected');
      await server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: clientId, AuthParameters: { REFRESH_TOKEN: result.RefreshToken! } }));
      assert.equal(host.last('wh-token-v2').triggerSource, 'TokenGeneration_RefreshTokens');
      host.handlers.set('wh-token-v2', (e) => ({ ...e, response: { claimsAndScopeOverrideDetails: { accessTokenGeneration: { scopesToAdd: 'orders/read' } } } }));
      assert.deepEqual(await failure(() => passwordSignIn(clientId, 'pete')), { name: 'InvalidLambdaResponseException', message: 'Unrecognizable lambda output' });
      host.handlers.delete('wh-token-v2');
    });

    describe('CustomMessage', () => {
      /** The newest outbox message to `to`, which must be the only one not seen before. */
      const seen = new Set<string>();
      async function message(poolId: string, to: string) {
        const fresh = (await server.running.cognate.outbox.recent(1000, poolId)).filter((m) => m.to === to && !seen.has(m.id));
        assert.equal(fresh.length, 1, `one new message to ${to}`);
        seen.add(fresh[0]!.id);
        return fresh[0]!;
      }
      const codeIn = (text: string | undefined) => /\b(\d{6})\b/.exec(text ?? '')?.[1] ?? assert.fail(`no code in ${text}`);
      // Words each message from what the event says, using the placeholders it was given.
      const wording = (e: TriggerEvent) => {
        const r = e.request as { codeParameter: string; usernameParameter: string | null };
        const who = r.usernameParameter ?? e.userName;
        return { ...e, response: { emailSubject: `[${e.triggerSource}]`, emailMessage: `<p>Hello ${who}, your code is ${r.codeParameter}.</p>`, smsMessage: `${e.triggerSource}: ${r.codeParameter}` } };
      };

      it('words the message of every trigger source; its placeholders become the code and the username', async () => {
        const SMS_CONFIG = { SnsCallerArn: 'arn:aws:iam::000000000000:role/cognate-sms', ExternalId: 'cognate' };
        const { poolId, clientId } = await poolWith({ CustomMessage: arn('wh-custom-message') }, { AutoVerifiedAttributes: ['email'], MfaConfiguration: 'OPTIONAL', SmsConfiguration: SMS_CONFIG });
        host.handlers.set('wh-custom-message', wording);
        const events = () => host.received('wh-custom-message');
        const before = events().length;

        // SignUp: the event has the placeholders, never the code.
        await signUp(clientId, 'mia', { ClientMetadata: { app: 'web' } });
        const signUpEvent = host.last('wh-custom-message');
        assert.equal(signUpEvent.triggerSource, 'CustomMessage_SignUp');
        assert.deepEqual(signUpEvent.callerContext, { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId });
        assert.equal(signUpEvent.userName, 'mia');
        const sub = (signUpEvent.request.userAttributes as Record<string, string>).sub!;
        assert.deepEqual(signUpEvent.request, {
          userAttributes: { sub, email: 'mia@example.com', 'cognito:user_status': 'UNCONFIRMED' },
          codeParameter: '{####}',
          linkParameter: '{##Click Here##}',
          usernameParameter: null,
          clientMetadata: { app: 'web' },
        });
        assert.deepEqual(signUpEvent.response, { smsMessage: null, emailMessage: null, emailSubject: null });
        let mail = await message(poolId, 'mia@example.com');
        assert.equal(mail.subject, '[CustomMessage_SignUp]');
        assert.match(mail.text!, /^<p>Hello mia, your code is \d{6}\.<\/p>$/);

        // ResendCode; the resent code confirms the sign-up.
        await server.anonymous.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: 'mia', ClientMetadata: { again: 'yes' } }));
        assert.equal(host.last('wh-custom-message').triggerSource, 'CustomMessage_ResendCode');
        assert.deepEqual(host.last('wh-custom-message').request.clientMetadata, { again: 'yes' });
        mail = await message(poolId, 'mia@example.com');
        assert.equal(mail.subject, '[CustomMessage_ResendCode]');
        await server.anonymous.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'mia', ConfirmationCode: codeIn(mail.text) }));

        // ForgotPassword; its code resets the password.
        await server.anonymous.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'mia' }));
        assert.equal(host.last('wh-custom-message').triggerSource, 'CustomMessage_ForgotPassword');
        assert.equal((host.last('wh-custom-message').request.userAttributes as Record<string, string>)['cognito:user_status'], 'CONFIRMED');
        mail = await message(poolId, 'mia@example.com');
        await server.anonymous.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'mia', ConfirmationCode: codeIn(mail.text), Password: PASSWORD }));

        // UpdateUserAttribute (a new email) and VerifyUserAttribute (asking again).
        const tokens = (await passwordSignIn(clientId, 'mia')).AuthenticationResult!;
        await server.anonymous.send(new UpdateUserAttributesCommand({ AccessToken: tokens.AccessToken!, UserAttributes: [{ Name: 'email', Value: 'mia@example.org' }] }));
        assert.equal(host.last('wh-custom-message').triggerSource, 'CustomMessage_UpdateUserAttribute');
        assert.equal((await message(poolId, 'mia@example.org')).subject, '[CustomMessage_UpdateUserAttribute]');
        await server.anonymous.send(new GetUserAttributeVerificationCodeCommand({ AccessToken: tokens.AccessToken!, AttributeName: 'email' }));
        assert.equal(host.last('wh-custom-message').triggerSource, 'CustomMessage_VerifyUserAttribute');
        mail = await message(poolId, 'mia@example.org');
        assert.equal(mail.subject, '[CustomMessage_VerifyUserAttribute]');
        await server.anonymous.send(new VerifyUserAttributeCommand({ AccessToken: tokens.AccessToken!, AttributeName: 'email', Code: codeIn(mail.text) }));
        assert.equal((await getUser(poolId, 'mia')).UserAttributes!.find((a) => a.Name === 'email')?.Value, 'mia@example.org');

        // Authentication: the SMS MFA code, worded by the function, signs in.
        await server.admin.send(new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: 'mia', UserAttributes: [{ Name: 'phone_number', Value: '+15550001234' }, { Name: 'phone_number_verified', Value: 'true' }] }));
        await server.admin.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: poolId, Username: 'mia', SMSMfaSettings: { Enabled: true, PreferredMfa: true } }));
        const challenge = await passwordSignIn(clientId, 'mia', { step: 'mfa' });
        assert.equal(challenge.ChallengeName, 'SMS_MFA');
        assert.equal(host.last('wh-custom-message').triggerSource, 'CustomMessage_Authentication');
        assert.deepEqual(host.last('wh-custom-message').request.clientMetadata, { step: 'mfa' });
        const sms = await message(poolId, '+15550001234');
        assert.match(sms.text!, /^CustomMessage_Authentication: \d{6}$/);
        const signedIn = await server.anonymous.send(new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: 'SMS_MFA', Session: challenge.Session, ChallengeResponses: { USERNAME: 'mia', SMS_MFA_CODE: codeIn(sms.text) } }));
        assert.ok(signedIn.AuthenticationResult?.AccessToken);

        // AdminCreateUser: no app client, the username placeholder, the temporary password as the code.
        await server.admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'noah', UserAttributes: [{ Name: 'email', Value: 'noah@example.com' }], ClientMetadata: { by: 'admin' } }));
        const invite = host.last('wh-custom-message');
        assert.equal(invite.triggerSource, 'CustomMessage_AdminCreateUser');
        assert.equal(invite.callerContext.clientId, 'CLIENT_ID_NOT_APPLICABLE');
        assert.equal((invite.request as { usernameParameter: string }).usernameParameter, '{username}');
        assert.deepEqual(invite.request.clientMetadata, { by: 'admin' });
        mail = await message(poolId, 'noah@example.com');
        const temporary = /^<p>Hello noah, your code is (.+)\.<\/p>$/.exec(mail.text!)?.[1] ?? assert.fail(mail.text);
        const first = await server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'noah', PASSWORD: temporary } }));
        assert.equal(first.ChallengeName, 'NEW_PASSWORD_REQUIRED');

        assert.deepEqual(
          events().slice(before).map((e) => e.triggerSource),
          ['CustomMessage_SignUp', 'CustomMessage_ResendCode', 'CustomMessage_ForgotPassword', 'CustomMessage_UpdateUserAttribute', 'CustomMessage_VerifyUserAttribute', 'CustomMessage_Authentication', 'CustomMessage_AdminCreateUser'],
        );
        host.handlers.delete('wh-custom-message');
      });

      it("an answer without the code placeholder, or too long, or empty leaves the pool's own message", async () => {
        const { poolId, clientId } = await poolWith(
          { CustomMessage: arn('wh-custom-message') },
          { AutoVerifiedAttributes: ['email'], VerificationMessageTemplate: { EmailSubject: 'Pool subject', EmailMessage: 'Pool says {####}' }, AdminCreateUserConfig: { InviteMessageTemplate: { EmailSubject: 'Invite', EmailMessage: 'Hi {username}, use {####}' } } },
        );
        const cases: [string, Record<string, unknown>][] = [
          ['no placeholder', { emailMessage: 'Welcome aboard!', emailSubject: 'Custom' }],
          ['too long', { emailMessage: '{####}' + 'x'.repeat(20_000) }],
          ['empty', {}],
        ];
        for (const [i, [why, response]] of cases.entries()) {
          host.handlers.set('wh-custom-message', (e) => ({ ...e, response }));
          await signUp(clientId, `fallback${i}`);
          const mail = await message(poolId, `fallback${i}@example.com`);
          assert.equal(mail.subject, 'Pool subject', why);
          assert.match(mail.text!, /^Pool says \d{6}$/, why);
        }
        // An invitation must name the user: a message with the code but no username placeholder isn't used.
        host.handlers.set('wh-custom-message', (e) => ({ ...e, response: { emailMessage: 'Your password: {####}' } }));
        await server.admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'olga', UserAttributes: [{ Name: 'email', Value: 'olga@example.com' }] }));
        assert.match((await message(poolId, 'olga@example.com')).text!, /^Hi olga, use \S+$/);
        host.handlers.delete('wh-custom-message');
      });

      it('a failing or malformed function fails the call with Cognito\'s error and nothing is written or sent', async () => {
        const { poolId, clientId } = await poolWith({ CustomMessage: arn('wh-custom-message') }, { AutoVerifiedAttributes: ['email'] });
        const outcomes: [string, () => unknown, { name: string; message: string }][] = [
          [
            'throws',
            () => {
              throw new Error('Template store down');
            },
            { name: 'UserLambdaValidationException', message: 'CustomMessage failed with error Template store down.' },
          ],
          ['wrong type', () => ({ response: { emailMessage: 42 } }), { name: 'InvalidLambdaResponseException', message: 'Unrecognizable lambda output' }],
          ['not JSON', () => new Raw('<html>'), { name: 'InvalidLambdaResponseException', message: 'Unrecognizable lambda output' }],
        ];
        for (const [i, [why, handler, error]] of outcomes.entries()) {
          host.handlers.set('wh-custom-message', handler);
          assert.deepEqual(await failure(() => signUp(clientId, `broken${i}`)), error, why);
          await assertNoUser(poolId, `broken${i}`);
          assert.deepEqual(await failure(() => server.admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: `invited${i}`, UserAttributes: [{ Name: 'email', Value: `invited${i}@example.com` }] }))), error, why);
          await assertNoUser(poolId, `invited${i}`);
        }
        // A confirmed user's ForgotPassword: the failure leaves no live code and no message.
        host.handlers.delete('wh-custom-message');
        await confirmedUser(poolId, clientId, 'pia');
        await message(poolId, 'pia@example.com');
        await server.admin.send(new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: 'pia', UserAttributes: [{ Name: 'email_verified', Value: 'true' }] }));
        host.handlers.set('wh-custom-message', outcomes[0]![1]);
        assert.equal((await failure(() => server.anonymous.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'pia' })))).name, 'UserLambdaValidationException');
        assert.equal((await server.running.cognate.outbox.recent(1000, poolId)).filter((m) => m.to === 'pia@example.com' && !seen.has(m.id)).length, 0);
        assert.equal((await getUser(poolId, 'pia')).UserStatus, 'CONFIRMED');
        host.handlers.delete('wh-custom-message');
      });
    });

    describe('UserMigration', () => {
      const LEGACY_PASSWORD = 'Legacy-Pass1!';
      // The old directory: one user, whose password the function checks.
      const oldDirectory = (e: TriggerEvent) => {
        if (e.userName !== 'legacy' && e.userName !== 'legacy-reset' && e.userName !== 'forgetful') throw new Error('User does not exist');
        if (e.triggerSource === 'UserMigration_Authentication' && e.request.password !== LEGACY_PASSWORD) throw new Error('Bad password');
        return {
          ...e,
          response: {
            ...e.response,
            userAttributes: { email: `${e.userName}@example.com`, email_verified: 'true', name: 'From the old days' },
            finalUserStatus: e.userName === 'legacy-reset' ? 'RESET_REQUIRED' : 'CONFIRMED',
            messageAction: 'SUPPRESS',
          },
        };
      };
      const signInAs = (clientId: string, username: string, password: string, metadata?: Record<string, string>) =>
        server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: username, PASSWORD: password }, ...(metadata ? { ClientMetadata: metadata } : {}) }));
      async function legacyClient(poolId: string) {
        return (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'legacy', ExplicitAuthFlows: FLOWS, PreventUserExistenceErrors: 'LEGACY' }))).UserPoolClient!.ClientId!;
      }

      it('UserMigration_Authentication (Lambda API) brings a user in at sign-in with their password; later sign-ins need no function', async () => {
        const { poolId, clientId } = await poolWith({ UserMigration: arn('lambda-migrate') });
        host.handlers.set('lambda-migrate', oldDirectory);
        const result = await signInAs(clientId, 'legacy', LEGACY_PASSWORD, { app: 'web' });
        assert.ok(result.AuthenticationResult?.IdToken);
        assert.equal(decode(result.AuthenticationResult.IdToken).name, 'From the old days');
        const event = host.last('lambda-migrate');
        assert.equal(event.triggerSource, 'UserMigration_Authentication');
        assert.equal(event.userName, 'legacy');
        assert.deepEqual(event.callerContext, { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId });
        assert.deepEqual(event.request, { password: LEGACY_PASSWORD, validationData: { app: 'web' }, clientMetadata: null });
        assert.deepEqual(event.response, { userAttributes: null, finalUserStatus: null, messageAction: null, desiredDeliveryMediums: null, forceAliasCreation: null, enableSMSMFA: null });
        const user = await getUser(poolId, 'legacy');
        assert.equal(user.UserStatus, 'CONFIRMED');
        assert.equal(user.UserAttributes!.find((a) => a.Name === 'email_verified')?.Value, 'true');
        // Known now: the function isn't asked again, and the password is the user's.
        const calls = host.received('lambda-migrate').length;
        assert.ok((await signInAs(clientId, 'legacy', LEGACY_PASSWORD)).AuthenticationResult?.AccessToken);
        assert.equal((await failure(() => signInAs(clientId, 'legacy', 'Wrong-Pass1!'))).message, 'Incorrect username or password.');
        assert.equal(host.received('lambda-migrate').length, calls);
        // SRP never migrates (the server never sees the password): an unknown user stays unknown.
        await server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_SRP_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'forgetful', SRP_A: 'ab'.repeat(384) } }));
        assert.equal(host.received('lambda-migrate').length, calls);
        host.handlers.delete('lambda-migrate');
      });

      it('a refusal is an unknown user (hidden or not), an unusable answer fails, and neither writes anyone', async () => {
        const { poolId, clientId } = await poolWith({ UserMigration: arn('lambda-migrate') });
        const legacy = await legacyClient(poolId);
        host.handlers.set('lambda-migrate', oldDirectory);
        assert.deepEqual(await failure(() => signInAs(clientId, 'legacy', 'Wrong-Pass1!')), { name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
        assert.deepEqual(await failure(() => signInAs(legacy, 'legacy', 'Wrong-Pass1!')), { name: 'UserNotFoundException', message: `Exception migrating user in app client ${legacy}` });
        assert.deepEqual(await failure(() => signInAs(legacy, 'stranger', LEGACY_PASSWORD)), { name: 'UserNotFoundException', message: `Exception migrating user in app client ${legacy}` });
        await assertNoUser(poolId, 'legacy');
        const unusable: [string, Record<string, unknown>][] = [
          ['no attributes', { finalUserStatus: 'CONFIRMED' }],
          ['unknown status', { userAttributes: { email: 'x@example.com' }, finalUserStatus: 'ARCHIVED' }],
          ['attributes not strings', { userAttributes: { email: 7 } }],
          ['bad medium', { userAttributes: { email: 'x@example.com' }, desiredDeliveryMediums: ['FAX'] }],
        ];
        for (const [why, response] of unusable) {
          host.handlers.set('lambda-migrate', (e) => ({ ...e, response }));
          assert.deepEqual(await failure(() => signInAs(clientId, 'legacy', LEGACY_PASSWORD)), { name: 'InvalidLambdaResponseException', message: 'Unrecognizable lambda output' }, why);
        }
        // An attribute the pool doesn't have is refused like any other bad attribute.
        host.handlers.set('lambda-migrate', (e) => ({ ...e, response: { userAttributes: { 'custom:nope': 'x' } } }));
        assert.equal((await failure(() => signInAs(clientId, 'legacy', LEGACY_PASSWORD))).name, 'InvalidParameterException');
        // A password the pool's policy refuses is refused, though the old directory took it.
        host.handlers.set('lambda-migrate', (e) => ({ ...e, response: { userAttributes: { email: 'legacy@example.com' } } }));
        assert.equal((await failure(() => signInAs(clientId, 'legacy', 'short'))).name, 'InvalidPasswordException');
        await assertNoUser(poolId, 'legacy');
        host.handlers.delete('lambda-migrate');
      });

      it('finalUserStatus RESET_REQUIRED makes the migrated user reset their password first', async () => {
        const { poolId, clientId } = await poolWith({ UserMigration: arn('lambda-migrate') });
        host.handlers.set('lambda-migrate', oldDirectory);
        assert.deepEqual(await failure(() => signInAs(clientId, 'legacy-reset', LEGACY_PASSWORD)), { name: 'PasswordResetRequiredException', message: 'Password reset required for the user' });
        assert.equal((await getUser(poolId, 'legacy-reset')).UserStatus, 'RESET_REQUIRED');
        host.handlers.delete('lambda-migrate');
      });

      it('UserMigration_ForgotPassword (webhook) brings a user in without a password; the reset code sets it', async () => {
        const { poolId, clientId } = await poolWith({ UserMigration: arn('wh-migrate') });
        host.handlers.set('wh-migrate', oldDirectory);
        const sent = await server.anonymous.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'forgetful', ClientMetadata: { from: 'reset-page' } }));
        assert.equal(sent.CodeDeliveryDetails?.DeliveryMedium, 'EMAIL');
        const event = host.last('wh-migrate');
        assert.deepEqual(host.badSignatures, []);
        assert.equal(event.triggerSource, 'UserMigration_ForgotPassword');
        assert.deepEqual(event.request, { validationData: null, clientMetadata: { from: 'reset-page' } });
        assert.equal((await getUser(poolId, 'forgetful')).UserStatus, 'RESET_REQUIRED');
        const mail = (await server.running.cognate.outbox.recent(10, poolId)).find((m) => m.to === 'forgetful@example.com')!;
        const code = /\b(\d{6})\b/.exec(mail.text ?? '')![1]!;
        await server.anonymous.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'forgetful', ConfirmationCode: code, Password: PASSWORD }));
        assert.equal((await getUser(poolId, 'forgetful')).UserStatus, 'CONFIRMED');
        assert.ok((await passwordSignIn(clientId, 'forgetful')).AuthenticationResult?.AccessToken);
        // Unknown to the old directory too: the usual hidden answer, and no one is written.
        const hidden = await server.anonymous.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'nobody' }));
        assert.ok(hidden.CodeDeliveryDetails?.Destination);
        await assertNoUser(poolId, 'nobody');
        host.handlers.delete('wh-migrate');
      });
    });

    describe('CustomEmailSender and CustomSMSSender', () => {
      const senders = { CustomEmailSender: { LambdaArn: arn('wh-email-sender'), LambdaVersion: 'V1_0' as const }, CustomSMSSender: { LambdaArn: arn('lambda-sms-sender'), LambdaVersion: 'V1_0' as const }, KMSKeyID: KMS_KEY_ID };
      /** Delivery is after the commit, through the outbox: wait for the function's next event. */
      async function nextEvent(name: string, seen: number): Promise<TriggerEvent> {
        for (let i = 0; i < 200 && host.received(name).length <= seen; i++) {
          server.running.cognate.outbox.kick();
          await new Promise((r) => setTimeout(r, 25));
        }
        return host.received(name)[seen] ?? assert.fail(`${name} was not called`);
      }
      /** The code, opened as the function opens it: a JWE (dir, A256GCM) under the KMSKeyID's key. */
      async function openCode(event: TriggerEvent): Promise<string> {
        const { plaintext, protectedHeader } = await compactDecrypt((event.request as { code: string }).code, SENDER_KEY);
        assert.deepEqual(protectedHeader, { alg: 'dir', enc: 'A256GCM', kid: KMS_KEY_ID });
        return new TextDecoder().decode(plaintext);
      }

      it('the pool\'s functions deliver its email and SMS messages, with the code encrypted for them', async () => {
        const { poolId, clientId } = await poolWith(senders, { AutoVerifiedAttributes: ['email'] });
        const emails = host.received('wh-email-sender').length;
        await signUp(clientId, 'quinn', { ClientMetadata: { app: 'web' } });
        const event = await nextEvent('wh-email-sender', emails);
        assert.deepEqual(host.badSignatures, []);
        assert.equal(event.triggerSource, 'CustomEmailSender_SignUp');
        assert.equal(event.userName, 'quinn');
        assert.deepEqual(event.callerContext, { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId });
        const request = event.request as { type: string; code: string; clientMetadata: unknown; userAttributes: Record<string, string> };
        assert.equal(request.type, 'customEmailSenderRequestV1');
        assert.deepEqual(request.clientMetadata, { app: 'web' });
        assert.equal(request.userAttributes.email, 'quinn@example.com');
        assert.doesNotMatch(request.code, /\b\d{6}\b/, 'the code travels encrypted');
        const code = await openCode(event);
        assert.match(code, /^\d{6}$/);
        await server.anonymous.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'quinn', ConfirmationCode: code }));
        const delivered = (await server.running.cognate.outbox.recent(10, poolId)).find((m) => m.to === 'quinn@example.com')!;
        assert.equal(delivered.deliveredBy, 'custom-sender');

        // SMS through the Lambda API: an invitation, its code the temporary password.
        const texts = host.received('lambda-sms-sender').length;
        await server.admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'ruth', UserAttributes: [{ Name: 'phone_number', Value: '+15550009876' }], DesiredDeliveryMediums: ['SMS'] }));
        const sms = await nextEvent('lambda-sms-sender', texts);
        assert.equal(sms.triggerSource, 'CustomSMSSender_AdminCreateUser');
        assert.equal(sms.callerContext.clientId, 'CLIENT_ID_NOT_APPLICABLE');
        assert.equal((sms.request as { type: string }).type, 'customSMSSenderRequestV1');
        const temporary = await openCode(sms);
        const first = await server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'ruth', PASSWORD: temporary } }));
        assert.equal(first.ChallengeName, 'NEW_PASSWORD_REQUIRED');
      });

      it('a failing function is tried again later, and the message is delivered once it succeeds', async () => {
        const { poolId, clientId } = await poolWith(senders, { AutoVerifiedAttributes: ['email'] });
        let calls = 0;
        host.handlers.set('wh-email-sender', () => {
          if (++calls === 1) throw new Error('Mail provider down');
          return {};
        });
        const seen = host.received('wh-email-sender').length;
        await signUp(clientId, 'sara');
        await nextEvent('wh-email-sender', seen);
        const pending = (await server.running.cognate.outbox.recent(10, poolId)).find((m) => m.to === 'sara@example.com')!;
        assert.equal(pending.deliveredAt, null);
        assert.match(pending.lastError ?? '', /CustomEmailSender failed/);
        server.clock.advance(5_000); // past the first backoff
        const retried = await nextEvent('wh-email-sender', seen + 1);
        assert.equal(retried.triggerSource, 'CustomEmailSender_SignUp');
        for (let i = 0; i < 100; i++) {
          const m = (await server.running.cognate.outbox.recent(10, poolId)).find((x) => x.id === pending.id)!;
          if (m.deliveredAt !== null) break;
          await new Promise((r) => setTimeout(r, 20));
        }
        const done = (await server.running.cognate.outbox.recent(10, poolId)).find((m) => m.id === pending.id)!;
        assert.notEqual(done.deliveredAt, null);
        assert.equal(done.attempts, 2);
        host.handlers.delete('wh-email-sender');
      });

      it('a pool can only name a KMSKeyID the server has a key for', async () => {
        const refuse = async (LambdaConfig: LambdaConfigType, message: string) => {
          assert.deepEqual(await failure(() => server.admin.send(new CreateUserPoolCommand({ PoolName: 'senders', LambdaConfig }))), { name: 'InvalidParameterException', message });
        };
        await refuse({ CustomEmailSender: senders.CustomEmailSender }, 'KMSKeyID is required when a custom sender trigger is configured.');
        await refuse({ ...senders, KMSKeyID: 'arn:aws:kms:us-east-1:123456789012:key/unknown' }, "KMSKeyID arn:aws:kms:us-east-1:123456789012:key/unknown has no key in this server's customSenderKeys (32 bytes, base64).");
        const { poolId } = await poolWith({});
        assert.equal((await failure(() => server.admin.send(new UpdateUserPoolCommand({ UserPoolId: poolId, LambdaConfig: { CustomSMSSender: senders.CustomSMSSender } })))).name, 'InvalidParameterException');
        await server.admin.send(new UpdateUserPoolCommand({ UserPoolId: poolId, LambdaConfig: senders }));
      });
    });

    it('every event has the common parameters', () => {
      const all: TriggerEvent[] = [...host.events.values()].flat();
      assert.ok(all.length > 10);
      for (const e of all) {
        assert.deepEqual(Object.keys(e).sort(), ['callerContext', 'region', 'request', 'response', 'triggerSource', 'userName', 'userPoolId', 'version']);
        assert.match(e.userPoolId, /^us-east-1_/);
      }
    });
  });
}
