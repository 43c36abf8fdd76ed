/**
 * The administrator's user lifecycle, driven by real clients: the AWS SDK for the Admin* calls,
 * amazon-cognito-identity-js for SRP sign-in with NEW_PASSWORD_REQUIRED, invitations read from a
 * real SMTP receiver (email) or the outbox (SMS), and the bad inputs of every action.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminCreateUserCommand,
  AdminDeleteUserAttributesCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminListGroupsForUserCommand,
  AdminResetUserPasswordCommand,
  AdminRespondToAuthChallengeCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  ConfirmForgotPasswordCommand,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetUserCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SignUpCommand,
  type AttributeType,
  type CreateUserPoolCommandInput,
  type ExplicitAuthFlowsType,
} from '@aws-sdk/client-cognito-identity-provider';
import { AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession } from 'amazon-cognito-identity-js';
import { databaseKinds } from '../support/postgres.js';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp.js';
import { failure, idp, startTestServer, type TestServer } from '../support/server.js';

const attrs = (list: AttributeType[] | undefined) => Object.fromEntries((list ?? []).map((a) => [a.Name, a.Value]));
const codeIn = (text: string) => /\b(\d{6})\b/.exec(text)?.[1] ?? assert.fail(`no code in ${text}`);
/** The temporary password in Cognito's default invitation text. */
const passwordIn = (text: string) => /temporary password is (\S+)\.\s*$/.exec(text)?.[1] ?? assert.fail(`no temporary password in ${JSON.stringify(text)}`);
const secretHash = (secret: string, username: string, clientId: string) => createHmac('sha256', secret).update(username + clientId).digest('base64');

const TEMP = 'Temp-Passw0rd!';
const FINAL = 'N3w-Passw0rd!';
const DAY = 86_400_000;

interface Challenge {
  user: CognitoUser;
  userAttributes: Record<string, string>;
  requiredAttributes: string[];
}

/** SRP sign-in with amazon-cognito-identity-js: a session, or the NEW_PASSWORD_REQUIRED challenge. */
function srpSignIn(pool: CognitoUserPool, username: string, password: string): Promise<{ session?: CognitoUserSession; challenge?: Challenge }> {
  const user = new CognitoUser({ Username: username, Pool: pool });
  return new Promise((resolve, reject) =>
    user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), {
      onSuccess: (session) => resolve({ session }),
      onFailure: reject,
      newPasswordRequired: (userAttributes, requiredAttributes) => resolve({ challenge: { user, userAttributes, requiredAttributes } }),
    }),
  );
}

function completeNewPassword(challenge: Challenge, password: string, attributes: Record<string, string> = {}): Promise<CognitoUserSession> {
  return new Promise((resolve, reject) => challenge.user.completeNewPasswordChallenge(password, attributes, { onSuccess: resolve, onFailure: reject }));
}

const jsError = (p: Promise<unknown>) => p.then(() => assert.fail('expected a failure'), (e: Error & { code?: string }) => ({ name: e.code ?? e.name, message: e.message }));

for (const kind of databaseKinds) {
  describe(`administrators manage users (${kind})`, () => {
    let server: TestServer;
    let smtp: SmtpReceiver;
    /** Auto-verifies email; a custom attribute. */
    let poolId: string;
    let clientId: string;
    let jsPool: CognitoUserPool;
    /** given_name required, an immutable custom attribute, a client with a secret. */
    let strictPool: string;
    let strictClient: string;
    let secretClient: string;
    let secret: string;

    const ALL_FLOWS: ExplicitAuthFlowsType[] = ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'];

    async function newPool(input: Omit<CreateUserPoolCommandInput, 'PoolName'> = {}): Promise<{ poolId: string; clientId: string }> {
      const id = (await admin.send(new CreateUserPoolCommand({ PoolName: 'admin-users', ...input }))).UserPool!.Id!;
      const client = (await admin.send(new CreateUserPoolClientCommand({ UserPoolId: id, PreventUserExistenceErrors: 'ENABLED', ClientName: 'app', ExplicitAuthFlows: ALL_FLOWS }))).UserPoolClient!.ClientId!;
      return { poolId: id, clientId: client };
    }

    const advance = (ms: number) => server.clock.advance(ms);
    /**
     * Signed calls carry the server's (manual) time, so they stay inside its SigV4 skew window after
     * the clock moves. Set per call: the SDK re-derives its offset from each response's Date header.
     */
    const admin = {
      send: ((command: Parameters<TestServer['admin']['send']>[0]) => {
        server.admin.config.systemClockOffset = server.clock.now() - Date.now();
        return server.admin.send(command);
      }) as TestServer['admin']['send'],
    };
    const getUser = (pool: string, username: string) => admin.send(new AdminGetUserCommand({ UserPoolId: pool, Username: username }));
    const passwordAuth = (client: string, username: string, password: string) =>
      server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: client, AuthParameters: { USERNAME: username, PASSWORD: password } }));
    const respond = (client: string, session: string | undefined, responses: Record<string, string>) =>
      server.anonymous.send(new RespondToAuthChallengeCommand({ ClientId: client, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: session, ChallengeResponses: responses }));
    const invite = (pool: string, username: string, extra: Partial<ConstructorParameters<typeof AdminCreateUserCommand>[0]> = {}) =>
      admin.send(new AdminCreateUserCommand({ UserPoolId: pool, Username: username, TemporaryPassword: TEMP, MessageAction: 'SUPPRESS', ...extra }));
    /** A CONFIRMED user with a permanent password and a verified email. */
    async function confirmedUser(pool: string, username: string, email = `${username}@example.com`) {
      await invite(pool, username, { UserAttributes: [{ Name: 'email', Value: email }, { Name: 'email_verified', Value: 'true' }] });
      await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: pool, Username: username, Password: FINAL, Permanent: true }));
    }
    const smsTo = async (pool: string, phone: string) => (await server.running.cognate.outbox.recent(100, pool)).filter((m) => m.channel === 'sms' && m.to === phone);
    const mailsTo = async (pool: string, address: string) => (await server.running.cognate.outbox.recent(100, pool)).filter((m) => m.channel === 'email' && m.to === address);

    before(async () => {
      smtp = await startSmtpReceiver();
      server = await startTestServer(kind, { smtpHost: smtp.host, smtpPort: smtp.port, smtpFrom: 'admin@corp.example' });
      ({ poolId, clientId } = await newPool({ AutoVerifiedAttributes: ['email'], Schema: [{ Name: 'team', AttributeDataType: 'String', Mutable: true }] }));
      jsPool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: server.url + '/' });
      ({ poolId: strictPool, clientId: strictClient } = await newPool({
        Schema: [
          { Name: 'given_name', AttributeDataType: 'String', Required: true, Mutable: true },
          { Name: 'badge', AttributeDataType: 'String', Mutable: false },
        ],
      }));
      const withSecret = (await admin.send(new CreateUserPoolClientCommand({ UserPoolId: strictPool, PreventUserExistenceErrors: 'ENABLED', ClientName: 'backend', GenerateSecret: true, ExplicitAuthFlows: ALL_FLOWS }))).UserPoolClient!;
      secretClient = withSecret.ClientId!;
      secret = withSecret.ClientSecret!;
    });
    after(async () => {
      await server.stop();
      await smtp.close();
    });

    it('invites by email with a generated temporary password, and amazon-cognito-identity-js sets a new one over SRP', async () => {
      const created = await admin.send(
        new AdminCreateUserCommand({
          UserPoolId: poolId,
          Username: 'alice',
          UserAttributes: [{ Name: 'email', Value: 'alice@example.com' }, { Name: 'email_verified', Value: 'true' }, { Name: 'custom:team', Value: 'blue' }],
          ValidationData: [{ Name: 'ignored', Value: 'without triggers' }],
          DesiredDeliveryMediums: ['EMAIL'],
        }),
      );
      const user = created.User!;
      assert.equal(user.Username, 'alice');
      assert.equal(user.UserStatus, 'FORCE_CHANGE_PASSWORD');
      assert.equal(user.Enabled, true);
      assert.ok(user.UserCreateDate instanceof Date);
      const a = attrs(user.Attributes);
      assert.match(a.sub!, /^[0-9a-f-]{36}$/);
      assert.equal(user.Attributes![0]!.Name, 'sub');
      assert.deepEqual({ email: a.email, email_verified: a.email_verified, team: a['custom:team'] }, { email: 'alice@example.com', email_verified: 'true', team: 'blue' });

      const mail = await smtp.waitFor((m) => m.to.includes('alice@example.com'));
      assert.equal(mail.subject, 'Your temporary password');
      assert.equal(mail.from, 'admin@corp.example');
      assert.match(mail.text, /^Your username is alice and temporary password is \S+\.\s*$/);
      const temporary = passwordIn(mail.text);
      assert.ok(temporary.length >= 12, 'long enough');
      for (const cls of [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/]) assert.match(temporary, cls, 'satisfies the default policy');
      assert.equal((await getUser(poolId, 'alice')).UserStatus, 'FORCE_CHANGE_PASSWORD');

      const first = await srpSignIn(jsPool, 'alice', temporary);
      assert.ok(first.challenge, 'NEW_PASSWORD_REQUIRED');
      assert.deepEqual(first.challenge.requiredAttributes, []);
      assert.equal(first.challenge.userAttributes.email, 'alice@example.com');
      assert.equal(first.challenge.userAttributes['custom:team'], 'blue');
      assert.equal(first.challenge.userAttributes.sub, undefined, 'no sub in userAttributes');

      const session = await completeNewPassword(first.challenge, FINAL);
      assert.ok(session.isValid());
      assert.equal(session.getIdToken().payload['cognito:username'], 'alice');
      assert.equal(session.getIdToken().payload.email, 'alice@example.com');
      assert.equal((await server.anonymous.send(new GetUserCommand({ AccessToken: session.getAccessToken().getJwtToken() }))).Username, 'alice');
      assert.equal((await getUser(poolId, 'alice')).UserStatus, 'CONFIRMED');

      const again = await srpSignIn(jsPool, 'alice', FINAL);
      assert.ok(again.session?.isValid(), 'the new password signs in without a challenge');
      const old = await jsError(srpSignIn(jsPool, 'alice', temporary));
      assert.deepEqual(old, { name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
    });

    it('answers NEW_PASSWORD_REQUIRED in USER_PASSWORD_AUTH with the parameters Cognito sends, and needs the required attributes', async () => {
      await invite(strictPool, 'bob', { UserAttributes: [{ Name: 'email', Value: 'bob@example.com' }, { Name: 'email_verified', Value: 'true' }] });
      const challenge = await passwordAuth(strictClient, 'bob', TEMP);
      assert.equal(challenge.ChallengeName, 'NEW_PASSWORD_REQUIRED');
      assert.equal(challenge.AuthenticationResult, undefined);
      assert.ok(challenge.Session && challenge.Session.length >= 20);
      const params = challenge.ChallengeParameters!;
      assert.equal(params.USER_ID_FOR_SRP, 'bob');
      assert.equal(params.requiredAttributes, '["userAttributes.given_name"]');
      assert.deepEqual(JSON.parse(params.userAttributes!), { email: 'bob@example.com', email_verified: 'true' });
      const session = challenge.Session!;

      const cases: [string, string, string, Record<string, string>, string?][] = [
        ['missing NEW_PASSWORD', 'InvalidParameterException', 'Missing required parameter NEW_PASSWORD', { USERNAME: 'bob' }],
        ['missing USERNAME', 'InvalidParameterException', 'Missing required parameter USERNAME', { NEW_PASSWORD: FINAL }],
        ['required attribute missing', 'InvalidParameterException', 'Invalid attributes given, given_name is missing', { USERNAME: 'bob', NEW_PASSWORD: FINAL }],
        ['weak password', 'InvalidPasswordException', 'Password did not conform with policy: Password not long enough', { USERNAME: 'bob', NEW_PASSWORD: 'Sh0rt!', 'userAttributes.given_name': 'Bob' }],
        ['verified flag', 'NotAuthorizedException', 'A client attempted to write unauthorized attribute', { USERNAME: 'bob', NEW_PASSWORD: FINAL, 'userAttributes.given_name': 'Bob', 'userAttributes.email_verified': 'true' }],
        ['email already given', 'NotAuthorizedException', 'Cannot modify an already provided email', { USERNAME: 'bob', NEW_PASSWORD: FINAL, 'userAttributes.given_name': 'Bob', 'userAttributes.email': 'evil@example.com' }],
        ['unknown attribute', 'InvalidParameterException', 'Attributes did not conform to the schema: custom:nope: Attribute does not exist in the schema.', { USERNAME: 'bob', NEW_PASSWORD: FINAL, 'userAttributes.given_name': 'Bob', 'userAttributes.custom:nope': 'x' }],
        ['another user', 'NotAuthorizedException', 'Invalid session for the user.', { USERNAME: 'mallory', NEW_PASSWORD: FINAL, 'userAttributes.given_name': 'Bob' }],
        ['a forged session', 'NotAuthorizedException', 'Invalid session for the user.', { USERNAME: 'bob', NEW_PASSWORD: FINAL, 'userAttributes.given_name': 'Bob' }, 'x'.repeat(40)],
        ['a tampered session', 'NotAuthorizedException', 'Invalid session for the user.', { USERNAME: 'bob', NEW_PASSWORD: FINAL, 'userAttributes.given_name': 'Bob' }, session.slice(0, -4) + (session.endsWith('AAAA') ? 'BBBB' : 'AAAA')],
        ['no session', 'NotAuthorizedException', 'Invalid session for the user.', { USERNAME: 'bob', NEW_PASSWORD: FINAL, 'userAttributes.given_name': 'Bob' }, ''],
      ];
      for (const [what, name, message, responses, otherSession] of cases) {
        const err = await failure(() => respond(strictClient, otherSession === '' ? undefined : (otherSession ?? session), responses));
        assert.deepEqual(err, { name, message }, what);
      }
      // The session belongs to its app client.
      const otherClient = await failure(() => respond(secretClient, session, { USERNAME: 'bob', NEW_PASSWORD: FINAL, 'userAttributes.given_name': 'Bob', SECRET_HASH: secretHash(secret, 'bob', secretClient) }));
      assert.deepEqual(otherClient, { name: 'NotAuthorizedException', message: 'Invalid session for the user.' });
      // A PASSWORD_VERIFIER secret block is not a NEW_PASSWORD_REQUIRED session.
      const srp = await idp(server.url, 'InitiateAuth', { AuthFlow: 'USER_SRP_AUTH', ClientId: strictClient, AuthParameters: { USERNAME: 'bob', SRP_A: 'ab'.repeat(192) } });
      assert.deepEqual(await failure(() => respond(strictClient, srp.json.ChallengeParameters.SECRET_BLOCK, { USERNAME: 'bob', NEW_PASSWORD: FINAL, 'userAttributes.given_name': 'Bob' })), {
        name: 'NotAuthorizedException',
        message: 'Invalid session for the user.',
      });
      assert.equal((await getUser(strictPool, 'bob')).UserStatus, 'FORCE_CHANGE_PASSWORD', 'refused answers change nothing');

      const done = await respond(strictClient, session, { USERNAME: 'bob', NEW_PASSWORD: FINAL, 'userAttributes.given_name': 'Bob', 'userAttributes.custom:badge': 'B-7' });
      assert.ok(done.AuthenticationResult?.AccessToken && done.AuthenticationResult.RefreshToken && done.AuthenticationResult.IdToken);
      assert.equal(done.ChallengeName, undefined);
      const me = attrs((await server.anonymous.send(new GetUserCommand({ AccessToken: done.AuthenticationResult.AccessToken }))).UserAttributes);
      assert.equal(me.given_name, 'Bob');
      assert.equal(me['custom:badge'], 'B-7', 'a required or immutable attribute the user lacks can be given once');
      assert.equal(me.email_verified, 'true');
      const replay = await failure(() => respond(strictClient, session, { USERNAME: 'bob', NEW_PASSWORD: 'An0ther-Passw0rd!', 'userAttributes.given_name': 'Bob' }));
      assert.deepEqual(replay, { name: 'NotAuthorizedException', message: 'Invalid session for the user.' }, 'a session answers once');
      assert.ok((await passwordAuth(strictClient, 'bob', FINAL)).AuthenticationResult?.AccessToken);
    });

    it('AdminInitiateAuth and AdminRespondToAuthChallenge do the same, with SECRET_HASH, and sessions expire', async () => {
      await invite(strictPool, 'carol', { UserAttributes: [{ Name: 'given_name', Value: 'Carol' }, { Name: 'custom:badge', Value: 'C-1' }] });
      const start = () =>
        admin.send(
          new AdminInitiateAuthCommand({
            UserPoolId: strictPool,
            ClientId: secretClient,
            AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
            AuthParameters: { USERNAME: 'carol', PASSWORD: TEMP, SECRET_HASH: secretHash(secret, 'carol', secretClient) },
          }),
        );
      const answer = (session: string | undefined, responses: Record<string, string>) =>
        admin.send(new AdminRespondToAuthChallengeCommand({ UserPoolId: strictPool, ClientId: secretClient, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: session, ChallengeResponses: responses }));
      const first = await start();
      assert.equal(first.ChallengeName, 'NEW_PASSWORD_REQUIRED');
      assert.equal(first.ChallengeParameters!.requiredAttributes, '[]');
      assert.equal(JSON.parse(first.ChallengeParameters!.userAttributes!)['custom:badge'], 'C-1');

      const noHash = await failure(() => answer(first.Session, { USERNAME: 'carol', NEW_PASSWORD: FINAL }));
      assert.equal(noHash.name, 'NotAuthorizedException');
      assert.match(noHash.message, /SECRET_HASH was not received/);
      const immutable = await failure(() => answer(first.Session, { USERNAME: 'carol', NEW_PASSWORD: FINAL, 'userAttributes.custom:badge': 'C-2', SECRET_HASH: secretHash(secret, 'carol', secretClient) }));
      assert.equal(immutable.name, 'InvalidParameterException');
      assert.match(immutable.message, /custom:badge: Attribute cannot be updated/);

      advance(3 * 60_000 + 1000);
      const expired = await failure(() => answer(first.Session, { USERNAME: 'carol', NEW_PASSWORD: FINAL, SECRET_HASH: secretHash(secret, 'carol', secretClient) }));
      assert.deepEqual(expired, { name: 'NotAuthorizedException', message: 'Invalid session for the user, session is expired.' });

      const second = await start();
      const done = await answer(second.Session, { USERNAME: 'carol', NEW_PASSWORD: FINAL, 'userAttributes.family_name': 'Jones', SECRET_HASH: secretHash(secret, 'carol', secretClient) });
      assert.ok(done.AuthenticationResult?.IdToken);
      const user = await getUser(strictPool, 'carol');
      assert.equal(user.UserStatus, 'CONFIRMED');
      assert.equal(attrs(user.UserAttributes).family_name, 'Jones');
      const noSession = await failure(() => admin.send(new AdminRespondToAuthChallengeCommand({ UserPoolId: strictPool, ClientId: secretClient, ChallengeName: 'NEW_PASSWORD_REQUIRED', ChallengeResponses: { USERNAME: 'carol', NEW_PASSWORD: FINAL } })));
      assert.equal(noSession.name, 'NotAuthorizedException');
    });

    it('temporary passwords expire after TemporaryPasswordValidityDays, and RESEND issues a new one', async () => {
      const short = await newPool({ Policies: { PasswordPolicy: { MinimumLength: 8, TemporaryPasswordValidityDays: 1 } } });
      await invite(short.poolId, 'dave', { UserAttributes: [{ Name: 'email', Value: 'dave@example.com' }], MessageAction: undefined, DesiredDeliveryMediums: ['EMAIL'] });
      const mail = await smtp.waitFor((m) => m.to.includes('dave@example.com'));
      assert.equal(passwordIn(mail.text), TEMP, 'the given temporary password is the one sent');
      advance(DAY - 1000);
      assert.equal((await passwordAuth(short.clientId, 'dave', TEMP)).ChallengeName, 'NEW_PASSWORD_REQUIRED', 'still valid just before the day is out');
      advance(2000);
      const expired = await failure(() => passwordAuth(short.clientId, 'dave', TEMP));
      assert.deepEqual(expired, { name: 'NotAuthorizedException', message: 'Temporary password has expired and must be reset by an administrator.' });
      const wrong = await failure(() => passwordAuth(short.clientId, 'dave', 'Wrong-Passw0rd!'));
      assert.deepEqual(wrong, { name: 'NotAuthorizedException', message: 'Incorrect username or password.' }, 'only the right password learns it expired');

      smtp.clear();
      const resent = await admin.send(new AdminCreateUserCommand({ UserPoolId: short.poolId, Username: 'dave', MessageAction: 'RESEND', DesiredDeliveryMediums: ['EMAIL'] }));
      assert.equal(resent.User!.UserStatus, 'FORCE_CHANGE_PASSWORD');
      const fresh = passwordIn((await smtp.waitFor((m) => m.to.includes('dave@example.com'))).text);
      assert.notEqual(fresh, TEMP);
      assert.equal((await failure(() => passwordAuth(short.clientId, 'dave', TEMP))).message, 'Incorrect username or password.', 'RESEND replaces the old temporary password');
      const jsShort = new CognitoUserPool({ UserPoolId: short.poolId, ClientId: short.clientId, endpoint: server.url + '/' });
      const challenge = (await srpSignIn(jsShort, 'dave', fresh)).challenge!;
      assert.ok(challenge);
      assert.ok((await completeNewPassword(challenge, FINAL)).isValid());

      const notForced = await failure(() => admin.send(new AdminCreateUserCommand({ UserPoolId: short.poolId, Username: 'dave', MessageAction: 'RESEND' })));
      assert.deepEqual(notForced, { name: 'UnsupportedUserStateException', message: 'Resend not possible. dave status is not FORCE_CHANGE_PASSWORD' });
      const unknown = await failure(() => admin.send(new AdminCreateUserCommand({ UserPoolId: short.poolId, Username: 'nobody', MessageAction: 'RESEND' })));
      assert.deepEqual(unknown, { name: 'UserNotFoundException', message: 'User does not exist.' });
    });

    it('sends invitations by SMS by default, by email without a phone, by both when asked, with the pool template', async () => {
      const templated = await newPool({
        AdminCreateUserConfig: {
          AllowAdminCreateUserOnly: true,
          InviteMessageTemplate: { EmailSubject: 'Welcome aboard', EmailMessage: 'Hi {username}, sign in with {####} soon.', SMSMessage: 'User {username} password {####}' },
        },
      });
      const p = templated.poolId;
      await invite(p, 'phone-only', { MessageAction: undefined, UserAttributes: [{ Name: 'phone_number', Value: '+15550100001' }] });
      assert.deepEqual((await smsTo(p, '+15550100001')).map((m) => m.text), [`User phone-only password ${TEMP}`]);

      await invite(p, 'both-default', { MessageAction: undefined, UserAttributes: [{ Name: 'phone_number', Value: '+15550100002' }, { Name: 'email', Value: 'both-default@example.com' }] });
      assert.equal((await smsTo(p, '+15550100002')).length, 1, 'SMS is the default medium');
      assert.equal((await mailsTo(p, 'both-default@example.com')).length, 0);

      await invite(p, 'email-only', { MessageAction: undefined, UserAttributes: [{ Name: 'email', Value: 'email-only@example.com' }] });
      const mail = await smtp.waitFor((m) => m.to.includes('email-only@example.com'));
      assert.equal(mail.subject, 'Welcome aboard');
      assert.equal(mail.text, `Hi email-only, sign in with ${TEMP} soon.`);

      await invite(p, 'both-asked', { MessageAction: undefined, DesiredDeliveryMediums: ['EMAIL', 'SMS'], UserAttributes: [{ Name: 'phone_number', Value: '+15550100003' }, { Name: 'email', Value: 'both-asked@example.com' }] });
      assert.equal((await smsTo(p, '+15550100003')).length, 1);
      await smtp.waitFor((m) => m.to.includes('both-asked@example.com'));

      await invite(p, 'suppressed', { UserAttributes: [{ Name: 'phone_number', Value: '+15550100004' }, { Name: 'email', Value: 'suppressed@example.com' }] });
      assert.equal((await smsTo(p, '+15550100004')).length + (await mailsTo(p, 'suppressed@example.com')).length, 0, 'SUPPRESS sends nothing');

      await invite(p, 'nowhere', { MessageAction: undefined });
      assert.equal((await getUser(p, 'nowhere')).UserStatus, 'FORCE_CHANGE_PASSWORD', 'a user with neither email nor phone is created without an invitation');

      const noEmail = await failure(() => invite(p, 'no-email', { MessageAction: undefined, DesiredDeliveryMediums: ['EMAIL'], UserAttributes: [{ Name: 'phone_number', Value: '+15550100005' }] }));
      assert.equal(noEmail.name, 'InvalidParameterException');
      const noPhone = await failure(() => invite(p, 'no-phone', { MessageAction: undefined, DesiredDeliveryMediums: ['SMS'], UserAttributes: [{ Name: 'email', Value: 'no-phone@example.com' }] }));
      assert.equal(noPhone.name, 'InvalidParameterException');
      for (const name of ['no-email', 'no-phone']) assert.equal((await failure(() => getUser(p, name))).name, 'UserNotFoundException', 'a refused create writes nothing');

      const selfSignUp = await failure(() => server.anonymous.send(new SignUpCommand({ ClientId: templated.clientId, Username: 'self', Password: FINAL })));
      assert.equal(selfSignUp.name, 'NotAuthorizedException', 'AllowAdminCreateUserOnly closes only self sign-up');

      const noPlaceholder = await newPool({ AdminCreateUserConfig: { InviteMessageTemplate: { SMSMessage: 'Welcome {username}, ask IT for your password' } } });
      await invite(noPlaceholder.poolId, 'quiet', { MessageAction: undefined, UserAttributes: [{ Name: 'phone_number', Value: '+15550100006' }] });
      assert.equal((await smsTo(noPlaceholder.poolId, '+15550100006')).length, 0, 'a template without {####} is not delivered');
    });

    it('generates temporary passwords that satisfy a strict policy', async () => {
      const strict = await newPool({ Policies: { PasswordPolicy: { MinimumLength: 24, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true } } });
      const seen = new Set<string>();
      for (let i = 0; i < 3; i++) {
        const phone = `+1555020000${i}`;
        await admin.send(new AdminCreateUserCommand({ UserPoolId: strict.poolId, Username: `gen${i}`, UserAttributes: [{ Name: 'phone_number', Value: phone }] }));
        const text = (await smsTo(strict.poolId, phone))[0]!.text;
        const password = passwordIn(text);
        assert.ok(password.length >= 24);
        seen.add(password);
        assert.equal((await passwordAuth(strict.clientId, `gen${i}`, password)).ChallengeName, 'NEW_PASSWORD_REQUIRED', 'the generated password signs in');
      }
      assert.equal(seen.size, 3);
    });

    it('refuses bad AdminCreateUser input and writes nothing', async () => {
      await invite(poolId, 'erin');
      const cases: [string, string, Record<string, unknown>, string?][] = [
        ['existing username', 'UsernameExistsException', { Username: 'erin' }, 'User account already exists'],
        ['existing username in another case', 'UsernameExistsException', { Username: 'ERIN' }, 'User account already exists'],
        ['weak temporary password', 'InvalidPasswordException', { Username: 'p1', TemporaryPassword: 'weakpassword' }],
        ['unknown attribute', 'InvalidParameterException', { Username: 'p2', UserAttributes: [{ Name: 'custom:nope', Value: 'x' }] }],
        ['bad email', 'InvalidParameterException', { Username: 'p3', UserAttributes: [{ Name: 'email', Value: 'not-an-email' }] }, 'Invalid email address format.'],
        ['bad phone', 'InvalidParameterException', { Username: 'p4', UserAttributes: [{ Name: 'phone_number', Value: '555-1234' }] }, 'Invalid phone number format.'],
        ['email_verified without email', 'InvalidParameterException', { Username: 'p5', UserAttributes: [{ Name: 'email_verified', Value: 'true' }] }, 'Email is required to verify/un-verify an email'],
        ['phone_number_verified without phone', 'InvalidParameterException', { Username: 'p6', UserAttributes: [{ Name: 'phone_number_verified', Value: 'true' }] }, 'Phone number is required to verify/un-verify a phone number'],
        ['sub', 'InvalidParameterException', { Username: 'p7', UserAttributes: [{ Name: 'sub', Value: 'mine' }] }],
        ['boolean flag not a boolean', 'InvalidParameterException', { Username: 'p8', UserAttributes: [{ Name: 'email', Value: 'p8@example.com' }, { Name: 'email_verified', Value: 'yes' }] }],
        ['empty username', 'InvalidParameterException', { Username: '' }],
        ['username with a space', 'InvalidParameterException', { Username: 'a b' }],
        ['unknown MessageAction', 'InvalidParameterException', { Username: 'p9', MessageAction: 'SHOUT' }],
        ['unknown delivery medium', 'InvalidParameterException', { Username: 'p10', DesiredDeliveryMediums: ['PIGEON'] }],
      ];
      for (const [what, name, input, message] of cases) {
        const err = await failure(() => admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, MessageAction: 'SUPPRESS', ...input } as never)));
        assert.equal(err.name, name, what);
        if (message) assert.equal(err.message, message, what);
      }
      for (const username of ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8', 'p9', 'p10']) assert.equal((await failure(() => getUser(poolId, username))).name, 'UserNotFoundException', username);
      const unknownPool = await failure(() => admin.send(new AdminCreateUserCommand({ UserPoolId: 'us-east-1_nothere00', Username: 'x' })));
      assert.equal(unknownPool.name, 'ResourceNotFoundException');
      const unsigned = await idp(server.url, 'AdminCreateUser', { UserPoolId: poolId, Username: 'sneaky' });
      assert.equal(unsigned.json.__type, 'MissingAuthenticationTokenException');
      assert.equal((await failure(() => getUser(poolId, 'sneaky'))).name, 'UserNotFoundException', 'an unsigned call creates nobody');
    });

    it('pools that sign in with email use the sub as username, and refuse duplicate emails', async () => {
      const emailPool = await newPool({ UsernameAttributes: ['email'] });
      const created = await invite(emailPool.poolId, 'frank@example.com');
      const sub = attrs(created.User!.Attributes).sub!;
      assert.equal(created.User!.Username, sub);
      assert.equal(attrs(created.User!.Attributes).email, 'frank@example.com');
      const dup = await failure(() => invite(emailPool.poolId, 'frank@example.com'));
      assert.equal(dup.name, 'UsernameExistsException');
      const notEmail = await failure(() => invite(emailPool.poolId, 'frank'));
      assert.deepEqual(notEmail, { name: 'InvalidParameterException', message: 'Username should be an email.' });
      const challenge = await passwordAuth(emailPool.clientId, 'frank@example.com', TEMP);
      assert.equal(challenge.ChallengeParameters!.USER_ID_FOR_SRP, sub);
      const done = await respond(emailPool.clientId, challenge.Session, { USERNAME: 'frank@example.com', NEW_PASSWORD: FINAL });
      assert.ok(done.AuthenticationResult?.AccessToken, 'USERNAME may be the email the user signed in with');
      assert.equal((await getUser(emailPool.poolId, sub)).UserStatus, 'CONFIRMED', 'admin calls accept the sub');
    });

    it('ForceAliasCreation moves a verified email alias; without it the alias is refused', async () => {
      const aliasPool = await newPool({ AliasAttributes: ['email'] });
      const p = aliasPool.poolId;
      const verified = [{ Name: 'email', Value: 'shared@example.com' }, { Name: 'email_verified', Value: 'true' }];
      await invite(p, 'grace', { UserAttributes: verified });
      const refused = await failure(() => invite(p, 'heidi', { UserAttributes: verified }));
      assert.deepEqual(refused, { name: 'AliasExistsException', message: 'An account with the email already exists.' });
      assert.equal((await failure(() => getUser(p, 'heidi'))).name, 'UserNotFoundException');
      const emailFormat = await failure(() => invite(p, 'heidi@example.com'));
      assert.equal(emailFormat.name, 'InvalidParameterException');
      await invite(p, 'heidi', { UserAttributes: verified, ForceAliasCreation: true });
      assert.equal(attrs((await getUser(p, 'grace')).UserAttributes).email_verified, 'false', 'the previous holder loses the alias');
      assert.equal((await getUser(p, 'shared@example.com')).Username, 'heidi', 'the alias now names the new user');
      const challenge = await passwordAuth(aliasPool.clientId, 'shared@example.com', TEMP);
      assert.equal(challenge.ChallengeParameters!.USER_ID_FOR_SRP, 'heidi');
    });

    it('AdminGetUser shows each status; admin calls name users by username, alias or sub', async () => {
      await invite(poolId, 'ivan');
      const ivan = await getUser(poolId, 'ivan');
      assert.equal(ivan.UserStatus, 'FORCE_CHANGE_PASSWORD');
      const sub = attrs(ivan.UserAttributes).sub!;
      assert.equal((await getUser(poolId, sub)).Username, 'ivan');
      assert.equal((await getUser(poolId, sub.toUpperCase())).Username, 'ivan');
      await server.anonymous.send(new SignUpCommand({ ClientId: clientId, Username: 'judy', Password: FINAL, UserAttributes: [{ Name: 'email', Value: 'judy@example.com' }] }));
      assert.equal((await getUser(poolId, 'judy')).UserStatus, 'UNCONFIRMED');
    });

    it('AdminConfirmSignUp confirms an UNCONFIRMED user and nobody else', async () => {
      await server.anonymous.send(new SignUpCommand({ ClientId: clientId, Username: 'ken', Password: FINAL, UserAttributes: [{ Name: 'email', Value: 'ken@example.com' }] }));
      assert.equal((await failure(() => passwordAuth(clientId, 'ken', FINAL))).name, 'UserNotConfirmedException');
      await admin.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: 'ken' }));
      const ken = await getUser(poolId, 'ken');
      assert.equal(ken.UserStatus, 'CONFIRMED');
      assert.equal(attrs(ken.UserAttributes).email_verified, undefined, 'confirming verifies no attribute');
      assert.ok((await passwordAuth(clientId, 'ken', FINAL)).AuthenticationResult);
      const again = await failure(() => admin.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: 'ken' })));
      assert.deepEqual(again, { name: 'NotAuthorizedException', message: 'User cannot be confirmed. Current status is CONFIRMED' });
      await invite(poolId, 'leo');
      const forced = await failure(() => admin.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: 'leo' })));
      assert.deepEqual(forced, { name: 'NotAuthorizedException', message: 'User cannot be confirmed. Current status is FORCE_CHANGE_PASSWORD' });
    });

    it('AdminSetUserPassword sets permanent or temporary passwords, policy-checked', async () => {
      await invite(poolId, 'mia');
      await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'mia', Password: FINAL, Permanent: true }));
      assert.equal((await getUser(poolId, 'mia')).UserStatus, 'CONFIRMED');
      const session = await srpSignIn(jsPool, 'mia', FINAL);
      assert.ok(session.session?.isValid(), 'a permanent password signs in straight away');
      assert.equal((await failure(() => passwordAuth(clientId, 'mia', TEMP))).name, 'NotAuthorizedException');

      await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'mia', Password: 'Adm1n-Chosen!', Permanent: false }));
      assert.equal((await getUser(poolId, 'mia')).UserStatus, 'FORCE_CHANGE_PASSWORD');
      const challenge = (await srpSignIn(jsPool, 'mia', 'Adm1n-Chosen!')).challenge;
      assert.ok(challenge, 'a temporary password asks for a new one');
      assert.ok((await completeNewPassword(challenge, 'Mia-Own-Passw0rd!')).isValid());

      await server.anonymous.send(new SignUpCommand({ ClientId: clientId, Username: 'nick', Password: FINAL }));
      await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'nick', Password: 'Adm1n-Chosen!', Permanent: true }));
      assert.equal((await getUser(poolId, 'nick')).UserStatus, 'CONFIRMED');

      const weak = await failure(() => admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'mia', Password: 'weakpassword', Permanent: true })));
      assert.deepEqual(weak, { name: 'InvalidPasswordException', message: 'Password did not conform with policy: Password must have uppercase characters' });
      const missing = await failure(() => admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'mia' } as never)));
      assert.equal(missing.name, 'InvalidParameterException');
      assert.ok((await passwordAuth(clientId, 'mia', 'Mia-Own-Passw0rd!')).AuthenticationResult, 'refused changes change nothing');
    });

    it('AdminResetUserPassword requires a reset: PasswordResetRequiredException until the emailed code sets a new password', async () => {
      await confirmedUser(poolId, 'olivia');
      smtp.clear();
      await admin.send(new AdminResetUserPasswordCommand({ UserPoolId: poolId, Username: 'olivia' }));
      assert.equal((await getUser(poolId, 'olivia')).UserStatus, 'RESET_REQUIRED');
      const code = codeIn((await smtp.waitFor((m) => m.to.includes('olivia@example.com'))).text);
      const signIn = await failure(() => passwordAuth(clientId, 'olivia', FINAL));
      assert.equal(signIn.name, 'PasswordResetRequiredException');
      const viaJs = await jsError(srpSignIn(jsPool, 'olivia', FINAL));
      assert.equal(viaJs.name, 'PasswordResetRequiredException');
      const wrongPassword = await failure(() => passwordAuth(clientId, 'olivia', 'Wrong-Passw0rd!'));
      assert.equal(wrongPassword.name, 'NotAuthorizedException', 'the reset is revealed only to the right password');
      await server.anonymous.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'olivia', ConfirmationCode: code, Password: 'Reset-Passw0rd!' }));
      assert.ok((await passwordAuth(clientId, 'olivia', 'Reset-Passw0rd!')).AuthenticationResult);

      await invite(poolId, 'pat', { UserAttributes: [{ Name: 'email', Value: 'pat@example.com' }, { Name: 'email_verified', Value: 'true' }] });
      const forced = await failure(() => admin.send(new AdminResetUserPasswordCommand({ UserPoolId: poolId, Username: 'pat' })));
      assert.deepEqual(forced, { name: 'NotAuthorizedException', message: 'User password cannot be reset in the current state.' });
      await invite(poolId, 'quinn', { UserAttributes: [{ Name: 'email', Value: 'quinn@example.com' }] });
      await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'quinn', Password: FINAL, Permanent: true }));
      const unverified = await failure(() => admin.send(new AdminResetUserPasswordCommand({ UserPoolId: poolId, Username: 'quinn' })));
      assert.deepEqual(unverified, { name: 'InvalidParameterException', message: 'Cannot reset password for the user as there is no registered/verified email or phone_number' });
      assert.equal((await getUser(poolId, 'quinn')).UserStatus, 'CONFIRMED', 'a refused reset changes nothing');
    });

    it('AdminUpdateUserAttributes: verified flags, unverifying changes, codes, deletes by blank value, and bad input', async () => {
      const plain = await newPool({ AutoVerifiedAttributes: ['email'], UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: [] }, Schema: [{ Name: 'badge', AttributeDataType: 'String', Mutable: false }] });
      const p = plain.poolId;
      await invite(p, 'rita', { UserAttributes: [{ Name: 'email', Value: 'rita@example.com' }, { Name: 'custom:badge', Value: 'R-1' }, { Name: 'given_name', Value: 'Rita' }] });
      const update = (list: AttributeType[], username = 'rita') => admin.send(new AdminUpdateUserAttributesCommand({ UserPoolId: p, Username: username, UserAttributes: list, ClientMetadata: { ignored: 'yes' } }));

      await update([{ Name: 'email_verified', Value: 'true' }, { Name: 'family_name', Value: 'Smith' }]);
      let a = attrs((await getUser(p, 'rita')).UserAttributes);
      assert.equal(a.email_verified, 'true', 'the admin may verify');
      assert.equal(a.family_name, 'Smith');

      await update([{ Name: 'email', Value: 'rita@new.example' }]);
      a = attrs((await getUser(p, 'rita')).UserAttributes);
      assert.equal(a.email, 'rita@new.example');
      assert.equal(a.email_verified, 'false', 'a changed email is unverified');
      const code = codeIn((await smtp.waitFor((m) => m.to.includes('rita@new.example'))).text);
      assert.match(code, /^\d{6}$/, 'the auto-verified attribute gets a verification code');

      await update([{ Name: 'email', Value: 'rita@third.example' }, { Name: 'email_verified', Value: 'true' }]);
      a = attrs((await getUser(p, 'rita')).UserAttributes);
      assert.deepEqual([a.email, a.email_verified], ['rita@third.example', 'true']);
      assert.equal((await mailsTo(p, 'rita@third.example')).length, 0, 'no code when the admin verifies');

      await update([{ Name: 'given_name', Value: '' }]);
      assert.equal(attrs((await getUser(p, 'rita')).UserAttributes).given_name, undefined, 'a blank value deletes');

      const cases: [string, string, AttributeType[], string?][] = [
        ['immutable attribute', 'InvalidParameterException', [{ Name: 'custom:badge', Value: 'R-2' }]],
        ['unknown attribute', 'InvalidParameterException', [{ Name: 'custom:nope', Value: 'x' }]],
        ['sub', 'InvalidParameterException', [{ Name: 'sub', Value: 'x' }]],
        ['bad phone', 'InvalidParameterException', [{ Name: 'phone_number', Value: '12345' }], 'Invalid phone number format.'],
        ['phone verified without phone', 'InvalidParameterException', [{ Name: 'phone_number_verified', Value: 'true' }], 'Phone number is required to verify/un-verify a phone number'],
        ['email deleted while verifying it', 'InvalidParameterException', [{ Name: 'email', Value: '' }, { Name: 'email_verified', Value: 'true' }], 'Email is required to verify/un-verify an email'],
      ];
      for (const [what, name, list, message] of cases) {
        const err = await failure(() => update(list));
        assert.equal(err.name, name, what);
        if (message) assert.equal(err.message, message, what);
      }
      a = attrs((await getUser(p, 'rita')).UserAttributes);
      assert.deepEqual([a.email, a['custom:badge']], ['rita@third.example', 'R-1'], 'refused updates change nothing');
      assert.deepEqual(await failure(() => update([{ Name: 'given_name', Value: 'X' }], 'nobody')), { name: 'UserNotFoundException', message: 'User does not exist.' });

      await invite(strictPool, 'rachel', { UserAttributes: [{ Name: 'given_name', Value: 'Rachel' }] });
      const requiredPool = await failure(() => admin.send(new AdminUpdateUserAttributesCommand({ UserPoolId: strictPool, Username: 'rachel', UserAttributes: [{ Name: 'given_name', Value: '' }] })));
      assert.equal(requiredPool.name, 'InvalidParameterException', 'a required attribute can not be blanked');
    });

    it('AdminUpdateUserAttributes keeps a changed email pending where the pool requires verification before update', async () => {
      await confirmedUser(poolId, 'sam');
      await admin.send(new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: 'sam', UserAttributes: [{ Name: 'email', Value: 'sam@new.example' }] }));
      const a = attrs((await getUser(poolId, 'sam')).UserAttributes);
      assert.deepEqual([a.email, a.email_verified], ['sam@example.com', 'true'], 'the old, verified email stays until the new one is verified');
      await smtp.waitFor((m) => m.to.includes('sam@new.example'));
      await admin.send(new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: 'sam', UserAttributes: [{ Name: 'email', Value: 'sam@new.example' }, { Name: 'email_verified', Value: 'true' }] }));
      const b = attrs((await getUser(poolId, 'sam')).UserAttributes);
      assert.deepEqual([b.email, b.email_verified], ['sam@new.example', 'true'], 'setting the flag applies the change at once');
    });

    it('AdminDeleteUserAttributes deletes optional attributes only', async () => {
      await invite(strictPool, 'tina', { UserAttributes: [{ Name: 'given_name', Value: 'Tina' }, { Name: 'phone_number', Value: '+15550300001' }, { Name: 'phone_number_verified', Value: 'true' }, { Name: 'nickname', Value: 'T' }, { Name: 'custom:badge', Value: 'T-1' }] });
      const del = (names: string[], username = 'tina') => admin.send(new AdminDeleteUserAttributesCommand({ UserPoolId: strictPool, Username: username, UserAttributeNames: names }));
      await del(['nickname', 'phone_number']);
      const a = attrs((await getUser(strictPool, 'tina')).UserAttributes);
      assert.equal(a.nickname, undefined);
      assert.equal(a.phone_number, undefined);
      assert.equal(a.phone_number_verified, undefined, 'the flag goes with its value');
      const cases: [string, string[], RegExp][] = [
        ['required', ['given_name'], /given_name: The attribute is required/],
        ['immutable', ['custom:badge'], /custom:badge: Attribute cannot be updated/],
        ['unknown', ['custom:nope'], /custom:nope: Attribute does not exist in the schema/],
        ['sub', ['sub'], /sub: Attribute does not exist in the schema/],
      ];
      for (const [what, names, message] of cases) {
        const err = await failure(() => del(names));
        assert.equal(err.name, 'InvalidParameterException', what);
        assert.match(err.message, message, what);
      }
      assert.equal(attrs((await getUser(strictPool, 'tina')).UserAttributes)['custom:badge'], 'T-1');
      assert.equal((await failure(() => del(['nickname'], 'nobody'))).name, 'UserNotFoundException');
    });

    it('AdminDisableUser stops sign-in and revokes every token for good; AdminEnableUser lets the user sign in again', async () => {
      await confirmedUser(poolId, 'uma');
      const tokens = (await passwordAuth(clientId, 'uma', FINAL)).AuthenticationResult!;
      const js = (await srpSignIn(jsPool, 'uma', FINAL)).session!;
      await admin.send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: 'uma' }));
      assert.equal((await getUser(poolId, 'uma')).Enabled, false);
      assert.deepEqual(await failure(() => passwordAuth(clientId, 'uma', FINAL)), { name: 'NotAuthorizedException', message: 'User is disabled.' });
      assert.deepEqual(await jsError(srpSignIn(jsPool, 'uma', FINAL)), { name: 'NotAuthorizedException', message: 'User is disabled.' });
      for (const token of [tokens.AccessToken!, js.getAccessToken().getJwtToken()]) {
        assert.equal((await failure(() => server.anonymous.send(new GetUserCommand({ AccessToken: token })))).name, 'NotAuthorizedException');
      }
      const refresh = () => server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: clientId, AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken! } }));
      assert.equal((await failure(refresh)).name, 'NotAuthorizedException');

      await admin.send(new AdminEnableUserCommand({ UserPoolId: poolId, Username: 'uma' }));
      assert.equal((await getUser(poolId, 'uma')).Enabled, true);
      assert.equal((await failure(refresh)).message, 'Refresh Token has been revoked', 'enabling does not revive old sessions');
      assert.equal((await failure(() => server.anonymous.send(new GetUserCommand({ AccessToken: tokens.AccessToken! })))).message, 'Access Token has been revoked');
      const fresh = (await passwordAuth(clientId, 'uma', FINAL)).AuthenticationResult!;
      assert.equal((await server.anonymous.send(new GetUserCommand({ AccessToken: fresh.AccessToken! }))).Username, 'uma');
    });

    it('AdminUserGlobalSignOut revokes every session of the user and no one else', async () => {
      await confirmedUser(poolId, 'vic');
      await confirmedUser(poolId, 'wes');
      const a = (await passwordAuth(clientId, 'vic', FINAL)).AuthenticationResult!;
      const b = (await srpSignIn(jsPool, 'vic', FINAL)).session!;
      const other = (await passwordAuth(clientId, 'wes', FINAL)).AuthenticationResult!;
      await admin.send(new AdminUserGlobalSignOutCommand({ UserPoolId: poolId, Username: 'vic' }));
      for (const token of [a.AccessToken!, b.getAccessToken().getJwtToken()]) {
        assert.deepEqual(await failure(() => server.anonymous.send(new GetUserCommand({ AccessToken: token }))), { name: 'NotAuthorizedException', message: 'Access Token has been revoked' });
      }
      const refresh = await failure(() => server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: clientId, AuthParameters: { REFRESH_TOKEN: a.RefreshToken! } })));
      assert.equal(refresh.name, 'NotAuthorizedException');
      assert.equal((await server.anonymous.send(new GetUserCommand({ AccessToken: other.AccessToken! }))).Username, 'wes');
      assert.ok((await passwordAuth(clientId, 'vic', FINAL)).AuthenticationResult, 'the user can sign in again');
    });

    it('AdminDeleteUser removes the user and everything of theirs', async () => {
      await confirmedUser(poolId, 'xena');
      const tokens = (await passwordAuth(clientId, 'xena', FINAL)).AuthenticationResult!;
      const before = attrs((await getUser(poolId, 'xena')).UserAttributes).sub;
      await admin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'staff' }));
      await admin.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: 'xena', GroupName: 'staff' }));
      await admin.send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: 'xena' }));
      assert.deepEqual(await failure(() => getUser(poolId, 'xena')), { name: 'UserNotFoundException', message: 'User does not exist.' });
      assert.equal((await failure(() => server.anonymous.send(new GetUserCommand({ AccessToken: tokens.AccessToken! })))).name, 'NotAuthorizedException');
      assert.equal((await failure(() => server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: clientId, AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken! } })))).name, 'NotAuthorizedException');
      assert.deepEqual(await failure(() => passwordAuth(clientId, 'xena', FINAL)), { name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
      const again = await invite(poolId, 'xena', { UserAttributes: [{ Name: 'email', Value: 'xena@example.com' }] });
      assert.notEqual(attrs(again.User!.Attributes).sub, before, 'the name can be used again, by a new user');
      assert.deepEqual((await admin.send(new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: 'xena' }))).Groups, [], 'nothing of the old user carries over');
      assert.deepEqual(await failure(() => admin.send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: 'nobody' }))), { name: 'UserNotFoundException', message: 'User does not exist.' });
    });

    it('every admin action answers UserNotFoundException for unknown users and ResourceNotFoundException for unknown pools', async () => {
      const missingPool = 'us-east-1_nothere00';
      const calls: [string, (pool: string, username: string) => Promise<unknown>][] = [
        ['AdminGetUser', (p, u) => admin.send(new AdminGetUserCommand({ UserPoolId: p, Username: u }))],
        ['AdminUpdateUserAttributes', (p, u) => admin.send(new AdminUpdateUserAttributesCommand({ UserPoolId: p, Username: u, UserAttributes: [{ Name: 'nickname', Value: 'x' }] }))],
        ['AdminDeleteUserAttributes', (p, u) => admin.send(new AdminDeleteUserAttributesCommand({ UserPoolId: p, Username: u, UserAttributeNames: ['nickname'] }))],
        ['AdminDeleteUser', (p, u) => admin.send(new AdminDeleteUserCommand({ UserPoolId: p, Username: u }))],
        ['AdminDisableUser', (p, u) => admin.send(new AdminDisableUserCommand({ UserPoolId: p, Username: u }))],
        ['AdminEnableUser', (p, u) => admin.send(new AdminEnableUserCommand({ UserPoolId: p, Username: u }))],
        ['AdminResetUserPassword', (p, u) => admin.send(new AdminResetUserPasswordCommand({ UserPoolId: p, Username: u }))],
        ['AdminSetUserPassword', (p, u) => admin.send(new AdminSetUserPasswordCommand({ UserPoolId: p, Username: u, Password: FINAL, Permanent: true }))],
        ['AdminConfirmSignUp', (p, u) => admin.send(new AdminConfirmSignUpCommand({ UserPoolId: p, Username: u }))],
        ['AdminUserGlobalSignOut', (p, u) => admin.send(new AdminUserGlobalSignOutCommand({ UserPoolId: p, Username: u }))],
        ['AdminCreateUser RESEND', (p, u) => admin.send(new AdminCreateUserCommand({ UserPoolId: p, Username: u, MessageAction: 'RESEND' }))],
      ];
      for (const [what, call] of calls) {
        assert.deepEqual(await failure(() => call(poolId, 'ghost')), { name: 'UserNotFoundException', message: 'User does not exist.' }, what);
        assert.deepEqual(await failure(() => call(poolId, '00000000-0000-4000-8000-000000000000')), { name: 'UserNotFoundException', message: 'User does not exist.' }, `${what} by an unknown sub`);
        assert.equal((await failure(() => call(missingPool, 'ghost'))).name, 'ResourceNotFoundException', what);
        assert.equal((await failure(() => call(poolId, ''))).name, 'InvalidParameterException', `${what} with a blank username`);
        assert.equal((await failure(() => call('not a pool id', 'ghost'))).name, 'InvalidParameterException', `${what} with a malformed pool ID`);
      }
      // Users of one pool are invisible from another.
      await invite(poolId, 'yuri');
      assert.equal((await failure(() => getUser(strictPool, 'yuri'))).name, 'UserNotFoundException');
      const yuriSub = attrs((await getUser(poolId, 'yuri')).UserAttributes).sub!;
      assert.equal((await failure(() => getUser(strictPool, yuriSub))).name, 'UserNotFoundException');
      assert.equal((await failure(() => admin.send(new AdminDeleteUserCommand({ UserPoolId: strictPool, Username: yuriSub })))).name, 'UserNotFoundException');
      assert.equal((await getUser(poolId, 'yuri')).UserStatus, 'FORCE_CHANGE_PASSWORD');
    });
  });
}
