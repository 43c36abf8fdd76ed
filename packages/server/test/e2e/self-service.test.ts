/**
 * Self-service account recovery and attribute management with real clients: the AWS SDK for every
 * action, amazon-cognito-identity-js for forgot password and attribute verification, codes read
 * from a real SMTP receiver (email) or the outbox (SMS). Covers ForgotPassword,
 * ConfirmForgotPassword, ChangePassword, GetUserAttributeVerificationCode, VerifyUserAttribute,
 * UpdateUserAttributes, DeleteUserAttributes and DeleteUser, their security cases (P02, P04, A25,
 * A26, R06) and bad input for each.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import {
  AdminGetUserCommand,
  ChangePasswordCommand,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteUserAttributesCommand,
  DeleteUserCommand,
  ForgotPasswordCommand,
  GetUserAttributeVerificationCodeCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  SignUpCommand,
  UpdateUserAttributesCommand,
  VerifyUserAttributeCommand,
  type AuthenticationResultType,
} from '@aws-sdk/client-cognito-identity-provider';
import { AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession } from 'amazon-cognito-identity-js';
import { databaseKinds } from '../support/postgres.js';
import { startSmtpReceiver, type ReceivedMail, type SmtpReceiver } from '../support/smtp.js';
import { failure, idp, startTestServer, type TestServer } from '../support/server.js';

/** amazon-cognito-identity-js reports errors with `code`; the SDK with `name`. */
const jsFailure = (e: Error & { code?: string }) => ({ name: e.code ?? e.name, message: e.message });

const PASSWORD = 'Corr3ct-Horse!';
const NEW_PASSWORD = 'N3w-Battery-Staple!';
const CODE_SUBJECT = 'Your code';
const NOTICE_SUBJECT = 'Your email address is being changed';
const codeIn = (text: string) => /\b(\d{6})\b/.exec(text)?.[1] ?? assert.fail(`no code in ${text}`);
const otherThan = (code: string) => (code === '000000' ? '111111' : '000000');
const secretHash = (secret: string, username: string, clientId: string) => createHmac('sha256', secret).update(username + clientId).digest('base64');
const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
const attrs = (list: { Name?: string; Value?: string }[] | undefined) => Object.fromEntries((list ?? []).map((a) => [a.Name, a.Value]));

function srpSignIn(pool: CognitoUserPool, username: string, password: string): Promise<{ user: CognitoUser; session: CognitoUserSession }> {
  const user = new CognitoUser({ Username: username, Pool: pool });
  return new Promise((resolve, reject) =>
    user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), {
      onSuccess: (session) => resolve({ user, session }),
      onFailure: reject,
    }),
  );
}

for (const kind of databaseKinds) {
  describe(`self-service recovery and attributes (${kind})`, () => {
    let server: TestServer;
    let smtp: SmtpReceiver;
    let poolId: string;
    let clientId: string;
    let legacyClientId: string;
    let limitedClientId: string;
    let secretClientId: string;
    let secret: string;
    let jsPool: CognitoUserPool;
    const taken = new Set<string>();

    /**
     * The next mail (not read before) to `to` with the subject; mails arrive over real SMTP. The
     * outbox delivers at least once, so a repeated Message-ID is the same message again.
     */
    async function nextMail(to: string, subject = CODE_SUBJECT): Promise<ReceivedMail> {
      const mail = await smtp.waitFor((m) => m.to.includes(to) && m.subject === subject && !taken.has(m.headers['message-id'] ?? m.raw));
      taken.add(mail.headers['message-id'] ?? mail.raw);
      return mail;
    }
    const nextCode = async (to: string) => codeIn((await nextMail(to)).text);

    /** Everything queued for a pool, delivered or not (the outbox is written in the API call's transaction). */
    const outbox = (pool = poolId) => server.running.cognate.outbox.recent(100_000, pool);

    async function confirmedUser(username: string, email = `${username}@example.com`, pool = { id: poolId, client: clientId }): Promise<string> {
      const out = await server.anonymous.send(
        new SignUpCommand({ ClientId: pool.client, Username: username, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: email }, { Name: 'name', Value: username }, { Name: 'custom:tier', Value: 'gold' }] }),
      );
      // Cognate stores (and mails) the address with its domain lowercased (security.md A21).
      const stored = email.slice(0, email.lastIndexOf('@')) + email.slice(email.lastIndexOf('@')).toLowerCase();
      await server.anonymous.send(new ConfirmSignUpCommand({ ClientId: pool.client, Username: username, ConfirmationCode: await nextCode(stored) }));
      return out.UserSub!;
    }

    const signIn = async (username: string, password = PASSWORD, client = clientId): Promise<AuthenticationResultType> =>
      (await server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: client, AuthParameters: { USERNAME: username, PASSWORD: password } }))).AuthenticationResult!;

    before(async () => {
      smtp = await startSmtpReceiver();
      server = await startTestServer(kind, { smtpHost: smtp.host, smtpPort: smtp.port, smtpFrom: 'auth@shop.example' });
      poolId = (
        await server.admin.send(
          new CreateUserPoolCommand({
            PoolName: 'self-service',
            AutoVerifiedAttributes: ['email'],
            AliasAttributes: ['email', 'preferred_username'],
            Schema: [
              { Name: 'name', AttributeDataType: 'String', Required: true, Mutable: true },
              { Name: 'tier', AttributeDataType: 'String', Mutable: false },
              { Name: 'plan', AttributeDataType: 'String', Mutable: true },
            ],
            VerificationMessageTemplate: { EmailSubject: CODE_SUBJECT, EmailMessage: 'Hello {username}, your code is {####}' },
          }),
        )
      ).UserPool!.Id!;
      const flows = ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'];
      const client = async (input: Record<string, unknown>) => (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, PreventUserExistenceErrors: 'ENABLED', ExplicitAuthFlows: flows, ...input } as never))).UserPoolClient!;
      clientId = (await client({ ClientName: 'web' })).ClientId!;
      legacyClientId = (await client({ ClientName: 'legacy', PreventUserExistenceErrors: 'LEGACY' })).ClientId!;
      limitedClientId = (await client({ ClientName: 'limited', WriteAttributes: ['name', 'email'] })).ClientId!;
      const withSecret = await client({ ClientName: 'backend', GenerateSecret: true });
      secretClientId = withSecret.ClientId!;
      secret = withSecret.ClientSecret!;
      jsPool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: server.url + '/' });
    });
    after(async () => {
      await server.stop();
      await smtp.close();
    });

    it('amazon-cognito-identity-js resets a forgotten password with the mailed code; sessions survive', async () => {
      await confirmedUser('alice');
      const before = await signIn('alice');
      const user = new CognitoUser({ Username: 'alice', Pool: jsPool });
      const delivery = await new Promise<{ CodeDeliveryDetails: unknown }>((resolve, reject) => user.forgotPassword({ onSuccess: () => reject(new Error('no inputVerificationCode')), onFailure: reject, inputVerificationCode: resolve }));
      assert.deepEqual(delivery.CodeDeliveryDetails, { Destination: 'a***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' });
      const mail = await nextMail('alice@example.com');
      assert.match(mail.text, /^Hello alice, your code is \d{6}$/, "the pool's verification template");
      assert.equal(mail.from, 'auth@shop.example');
      const result = await new Promise<string>((resolve, reject) => user.confirmPassword(codeIn(mail.text), NEW_PASSWORD, { onSuccess: resolve, onFailure: reject }));
      assert.equal(result, 'SUCCESS');

      assert.equal((await failure(() => signIn('alice'))).message, 'Incorrect username or password.', 'the old password is gone');
      assert.ok((await signIn('alice', NEW_PASSWORD)).AccessToken);
      const { session } = await srpSignIn(jsPool, 'alice', NEW_PASSWORD);
      assert.ok(session.isValid(), 'the SRP verifier changed with the hash');
      // As in Cognito, a reset leaves existing sessions alone (GlobalSignOut ends them).
      assert.equal((await server.anonymous.send(new GetUserCommand({ AccessToken: before.AccessToken }))).Username, 'alice');

      const reuse = await failure(() => server.anonymous.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'alice', ConfirmationCode: codeIn(mail.text), Password: 'An0ther-Horse!' })));
      assert.equal(reuse.name, 'CodeMismatchException', 'a used code is dead');
    });

    it('ForgotPassword by verified email alias sends to the stored address', async () => {
      await confirmedUser('amy', 'Amy.Smith@Example.COM');
      const out = await server.anonymous.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'Amy.Smith@example.com' }));
      assert.equal(out.CodeDeliveryDetails?.DeliveryMedium, 'EMAIL');
      const code = await nextCode('Amy.Smith@example.com');
      await server.anonymous.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'Amy.Smith@example.com', ConfirmationCode: code, Password: NEW_PASSWORD }));
      assert.ok((await signIn('amy', NEW_PASSWORD)).AccessToken);
    });

    it('unknown users: a simulated delivery and no message (ENABLED), UserNotFoundException (LEGACY)', async () => {
      const before = (await outbox()).length;
      const byEmail = await server.anonymous.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'ghost@example.com' }));
      assert.deepEqual(byEmail.CodeDeliveryDetails, { Destination: 'g***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' });
      const byName = await server.anonymous.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'ghost' }));
      assert.equal(byName.CodeDeliveryDetails?.DeliveryMedium, 'EMAIL');
      // Masked like a real address, derived by HMAC from pool and name (issue 10), so not the name's own letter.
      assert.match(byName.CodeDeliveryDetails!.Destination!, /^[a-z]\*\*\*@[a-z]\*\*\*$/);
      const again = await server.anonymous.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'ghost' }));
      assert.deepEqual(again.CodeDeliveryDetails, byName.CodeDeliveryDetails, 'stable for the same name');
      assert.equal((await outbox()).length, before, 'nothing was sent');

      const confirm = await failure(() => server.anonymous.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'ghost', ConfirmationCode: '123456', Password: NEW_PASSWORD })));
      assert.equal(confirm.name, 'CodeMismatchException');

      const legacy = await failure(() => server.anonymous.send(new ForgotPasswordCommand({ ClientId: legacyClientId, Username: 'ghost' })));
      assert.deepEqual(legacy, { name: 'UserNotFoundException', message: 'Username/client id combination not found.' });
      const legacyConfirm = await failure(() => server.anonymous.send(new ConfirmForgotPasswordCommand({ ClientId: legacyClientId, Username: 'ghost', ConfirmationCode: '123456', Password: NEW_PASSWORD })));
      assert.equal(legacyConfirm.name, 'UserNotFoundException');
    });

    it('codes go only to verified addresses; disabled users are refused', async () => {
      await server.anonymous.send(new SignUpCommand({ ClientId: clientId, Username: 'una', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'una@example.com' }, { Name: 'name', Value: 'Una' }] }));
      await nextMail('una@example.com');
      // Under ENABLED the refusal looks like an unknown name's simulated delivery (issue 10); LEGACY says why.
      assert.equal((await server.anonymous.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'una' }))).CodeDeliveryDetails?.DeliveryMedium, 'EMAIL');
      const unverified = await failure(() => server.anonymous.send(new ForgotPasswordCommand({ ClientId: legacyClientId, Username: 'una' })));
      assert.deepEqual(unverified, { name: 'InvalidParameterException', message: 'Cannot reset password for the user as there is no registered/verified email or phone_number' });

      await confirmedUser('dora');
      await server.running.cognate.store.db.updateTable('users').set({ enabled: 0 }).where('pool_id', '=', poolId).where('username', '=', 'dora').execute();
      assert.equal((await server.anonymous.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'dora' }))).CodeDeliveryDetails?.DeliveryMedium, 'EMAIL');
      const disabled = await failure(() => server.anonymous.send(new ForgotPasswordCommand({ ClientId: legacyClientId, Username: 'dora' })));
      assert.deepEqual(disabled, { name: 'NotAuthorizedException', message: 'User is disabled.' });
      const disabledConfirm = await failure(() => server.anonymous.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'dora', ConfirmationCode: '123456', Password: NEW_PASSWORD })));
      assert.equal(disabledConfirm.name, 'CodeMismatchException', 'a disabled user looks like a wrong code (P02)');
      const legacyConfirm = await failure(() => server.anonymous.send(new ConfirmForgotPasswordCommand({ ClientId: legacyClientId, Username: 'dora', ConfirmationCode: '123456', Password: NEW_PASSWORD })));
      assert.deepEqual(legacyConfirm, { name: 'NotAuthorizedException', message: 'User is disabled.' });
    });

    it('a wrong or expired code fails, a bad new password keeps the code alive, +1 h +1 s is too late', async () => {
      await confirmedUser('erin');
      await server.anonymous.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'erin' }));
      const code = await nextCode('erin@example.com');
      const confirm = (c: string, password = NEW_PASSWORD) => server.anonymous.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'erin', ConfirmationCode: c, Password: password }));
      assert.deepEqual(await failure(() => confirm(otherThan(code))), { name: 'CodeMismatchException', message: 'Invalid verification code provided, please try again.' });
      assert.equal((await failure(() => confirm(code, 'weak'))).name, 'InvalidPasswordException');
      assert.equal((await failure(() => confirm(code, 'alllowercase1!'))).name, 'InvalidPasswordException');

      server.clock.advance(3600_000 + 1000);
      try {
        // The right code past its hour says so: only its holder can see that (issue 10 hides the rest).
        assert.deepEqual(await failure(() => confirm(code)), { name: 'ExpiredCodeException', message: 'Invalid code provided, please request a code again.' });
        // A wrong code for it answers like an unknown name under ENABLED: CodeMismatch.
        assert.equal((await failure(() => confirm(otherThan(code)))).name, 'CodeMismatchException');
      } finally {
        server.clock.advance(-(3600_000 + 1000));
      }
      await server.anonymous.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'erin' }));
      const fresh = await nextCode('erin@example.com');
      if (fresh !== code) assert.equal((await failure(() => confirm(code))).name, 'CodeMismatchException', 'a superseded code is dead');
      server.clock.advance(3599_000);
      try {
        await confirm(fresh);
      } finally {
        server.clock.advance(-3599_000);
      }
      assert.ok((await signIn('erin', NEW_PASSWORD)).AccessToken, 'a code works until its hour is up');
    });

    it('six wrong codes then the right one: the code is dead (A25)', async () => {
      await confirmedUser('fay');
      await server.anonymous.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'fay' }));
      const code = await nextCode('fay@example.com');
      const confirm = (c: string) => server.anonymous.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'fay', ConfirmationCode: c, Password: NEW_PASSWORD }));
      for (let i = 0; i < 5; i++) assert.equal((await failure(() => confirm(otherThan(code)))).name, 'CodeMismatchException');
      // Under ENABLED the dead code answers like an unknown name: CodeMismatch, not ExpiredCode (issue 10).
      assert.equal((await failure(() => confirm(otherThan(code)))).name, 'CodeMismatchException');
      assert.equal((await failure(() => confirm(code))).name, 'CodeMismatchException');
      assert.ok((await signIn('fay')).AccessToken, 'the password is unchanged');
    });

    it('codes are bound to user and purpose; a reset confirms an UNCONFIRMED user with a verified address (A26)', async () => {
      // An administrator verified Gus's address before he confirmed his sign-up.
      const out = await server.anonymous.send(new SignUpCommand({ ClientId: clientId, Username: 'gus', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'gus@example.com' }, { Name: 'name', Value: 'Gus' }] }));
      const signUpCode = await nextCode('gus@example.com');
      await server.running.cognate.users.setAttributes(server.running.cognate.store.db, poolId, out.UserSub!, new Map([['email_verified', 'true']]));

      await server.anonymous.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'gus' }));
      const resetCode = await nextCode('gus@example.com');
      if (signUpCode !== resetCode) {
        const crossPurpose = await failure(() => server.anonymous.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'gus', ConfirmationCode: signUpCode, Password: NEW_PASSWORD })));
        assert.equal(crossPurpose.name, 'CodeMismatchException', 'a sign-up code does not reset a password');
        const otherWay = await failure(() => server.anonymous.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'gus', ConfirmationCode: resetCode })));
        assert.equal(otherWay.name, 'CodeMismatchException', 'a reset code does not confirm a sign-up');
      }

      await confirmedUser('hal');
      await server.anonymous.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'hal' }));
      const halCode = await nextCode('hal@example.com');
      if (halCode !== resetCode) {
        const crossUser = await failure(() => server.anonymous.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'hal', ConfirmationCode: resetCode, Password: NEW_PASSWORD })));
        assert.equal(crossUser.name, 'CodeMismatchException', "Gus's code does not reset Hal's password");
      }

      await server.anonymous.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'gus', ConfirmationCode: resetCode, Password: NEW_PASSWORD }));
      const gus = await server.admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'gus' }));
      assert.equal(gus.UserStatus, 'CONFIRMED');
      assert.ok((await signIn('gus', NEW_PASSWORD)).AccessToken);
    });

    it('a reset lifts RESET_REQUIRED and the lockout', async () => {
      const sub = await confirmedUser('ivy');
      for (let i = 0; i < 6; i++) await failure(() => signIn('ivy', 'Wrong-Horse-1!'));
      // A client that names users shows the lock; under ENABLED it looks like a wrong password (issue 10).
      assert.equal((await failure(() => signIn('ivy', PASSWORD, legacyClientId))).message, 'Password attempts exceeded');
      assert.equal((await failure(() => signIn('ivy'))).message, 'Incorrect username or password.');
      await server.running.cognate.users.setStatus(server.running.cognate.store.db, sub, 'RESET_REQUIRED', server.clock.now());
      await server.anonymous.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'ivy' }));
      await server.anonymous.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'ivy', ConfirmationCode: await nextCode('ivy@example.com'), Password: NEW_PASSWORD }));
      assert.ok((await signIn('ivy', NEW_PASSWORD)).AccessToken, 'unlocked and confirmed');
      assert.equal((await server.admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'ivy' }))).UserStatus, 'CONFIRMED');
    });

    it('20 parallel ConfirmForgotPassword with one code: exactly one succeeds (R06)', async () => {
      await confirmedUser('jay');
      await server.anonymous.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'jay' }));
      const code = await nextCode('jay@example.com');
      const passwords = Array.from({ length: 20 }, (_, i) => `Parallel-${i}-Horse!`);
      const results = await Promise.all(passwords.map((Password) => idp(server.url, 'ConfirmForgotPassword', { ClientId: clientId, Username: 'jay', ConfirmationCode: code, Password })));
      const winners = results.flatMap((r, i) => (r.status === 200 ? [passwords[i]!] : []));
      assert.equal(winners.length, 1);
      for (const r of results) if (r.status !== 200) assert.ok(['CodeMismatchException', 'ExpiredCodeException'].includes(r.json.__type), r.json.__type);
      assert.ok((await signIn('jay', winners[0])).AccessToken, "the winner's password is the password");
      const loser = passwords.find((p) => p !== winners[0])!;
      assert.equal((await failure(() => signIn('jay', loser))).name, 'NotAuthorizedException');
    });

    it('the 21st reset request in an hour gets LimitExceededException', async () => {
      await confirmedUser('kim');
      for (let i = 0; i < 20; i++) await server.anonymous.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'kim' }));
      // Under ENABLED the 21st looks like an unknown name's simulated delivery (issue 10), and nothing is sent.
      assert.equal((await server.anonymous.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'kim' }))).CodeDeliveryDetails?.DeliveryMedium, 'EMAIL');
      const limited = await failure(() => server.anonymous.send(new ForgotPasswordCommand({ ClientId: legacyClientId, Username: 'kim' })));
      assert.deepEqual(limited, { name: 'LimitExceededException', message: 'Attempt limit exceeded, please try after some time.' });
      server.clock.advance(3600_000 + 1000);
      try {
        await server.anonymous.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'kim' }));
      } finally {
        server.clock.advance(-(3600_000 + 1000));
      }
    });

    it('recovery follows AccountRecoverySetting: phone first, email as fallback, admin_only for nobody', async () => {
      const recovery = (
        await server.admin.send(
          new CreateUserPoolCommand({
            PoolName: 'recovery',
            AutoVerifiedAttributes: ['email'],
            Schema: [{ Name: 'name', AttributeDataType: 'String', Mutable: true }, { Name: 'tier', AttributeDataType: 'String', Mutable: false }],
            UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: [] },
            AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 2 }, { Name: 'verified_phone_number', Priority: 1 }] },
            VerificationMessageTemplate: { EmailSubject: CODE_SUBJECT },
          }),
        )
      ).UserPool!.Id!;
      const app = (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: recovery, PreventUserExistenceErrors: 'ENABLED', ClientName: 'app', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient!.ClientId!;
      await confirmedUser('lou', 'lou@example.com', { id: recovery, client: app });
      await confirmedUser('max', 'max@example.com', { id: recovery, client: app });

      // Lou adds a phone number and verifies it by SMS (the pool doesn't auto-verify phones, so the change applies at once, unverified).
      const lou = await signIn('lou', PASSWORD, app);
      const added = await server.anonymous.send(new UpdateUserAttributesCommand({ AccessToken: lou.AccessToken, UserAttributes: [{ Name: 'phone_number', Value: '+15555550123' }] }));
      assert.equal(added.CodeDeliveryDetailsList?.length ?? 0, 0, 'no code: phones are not auto-verified here');
      const stillEmail = await server.anonymous.send(new ForgotPasswordCommand({ ClientId: app, Username: 'lou' }));
      assert.equal(stillEmail.CodeDeliveryDetails?.DeliveryMedium, 'EMAIL', 'an unverified phone is no recovery destination');
      await nextMail('lou@example.com');
      const sent = await server.anonymous.send(new GetUserAttributeVerificationCodeCommand({ AccessToken: lou.AccessToken, AttributeName: 'phone_number' }));
      assert.deepEqual(sent.CodeDeliveryDetails, { Destination: '+*******0123', DeliveryMedium: 'SMS', AttributeName: 'phone_number' });
      const sms = (await outbox(recovery)).find((m) => m.channel === 'sms' && m.to === '+15555550123' && m.kind === 'VerifyUserAttribute');
      await server.anonymous.send(new VerifyUserAttributeCommand({ AccessToken: lou.AccessToken, AttributeName: 'phone_number', Code: codeIn(sms?.text ?? '') }));
      assert.equal(attrs((await server.anonymous.send(new GetUserCommand({ AccessToken: lou.AccessToken }))).UserAttributes).phone_number_verified, 'true');

      const bySms = await server.anonymous.send(new ForgotPasswordCommand({ ClientId: app, Username: 'lou' }));
      assert.deepEqual(bySms.CodeDeliveryDetails, { Destination: '+*******0123', DeliveryMedium: 'SMS', AttributeName: 'phone_number' });
      const resetSms = (await outbox(recovery)).find((m) => m.channel === 'sms' && m.to === '+15555550123' && m.kind === 'ForgotPassword');
      await server.anonymous.send(new ConfirmForgotPasswordCommand({ ClientId: app, Username: 'lou', ConfirmationCode: codeIn(resetSms?.text ?? ''), Password: NEW_PASSWORD }));
      assert.ok((await signIn('lou', NEW_PASSWORD, app)).AccessToken);

      const byEmail = await server.anonymous.send(new ForgotPasswordCommand({ ClientId: app, Username: 'max' }));
      assert.equal(byEmail.CodeDeliveryDetails?.DeliveryMedium, 'EMAIL', 'no verified phone: the next mechanism');
      await nextMail('max@example.com');

      const adminOnly = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'admin-only', AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'admin_only', Priority: 1 }] } }))).UserPool!.Id!;
      const adminApp = (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: adminOnly, PreventUserExistenceErrors: 'ENABLED', ClientName: 'app' }))).UserPoolClient!.ClientId!;
      await server.anonymous.send(new SignUpCommand({ ClientId: adminApp, Username: 'nia', Password: PASSWORD }));
      for (const name of ['nia', 'nobody']) {
        const refused = await failure(() => server.anonymous.send(new ForgotPasswordCommand({ ClientId: adminApp, Username: name })));
        assert.deepEqual(refused, { name: 'NotAuthorizedException', message: 'Contact administrator to reset password.' }, name);
      }
    });

    it('requires a correct SECRET_HASH from clients with a secret', async () => {
      await confirmedUser('olga');
      const missing = await failure(() => server.anonymous.send(new ForgotPasswordCommand({ ClientId: secretClientId, Username: 'olga' })));
      assert.equal(missing.name, 'NotAuthorizedException');
      const wrong = await failure(() => server.anonymous.send(new ForgotPasswordCommand({ ClientId: secretClientId, Username: 'olga', SecretHash: secretHash(secret, 'someone', secretClientId) })));
      assert.equal(wrong.name, 'NotAuthorizedException');
      await server.anonymous.send(new ForgotPasswordCommand({ ClientId: secretClientId, Username: 'olga', SecretHash: secretHash(secret, 'olga', secretClientId) }));
      const code = await nextCode('olga@example.com');
      const noHash = await failure(() => server.anonymous.send(new ConfirmForgotPasswordCommand({ ClientId: secretClientId, Username: 'olga', ConfirmationCode: code, Password: NEW_PASSWORD })));
      assert.equal(noHash.name, 'NotAuthorizedException');
      await server.anonymous.send(new ConfirmForgotPasswordCommand({ ClientId: secretClientId, Username: 'olga', ConfirmationCode: code, Password: NEW_PASSWORD, SecretHash: secretHash(secret, 'olga', secretClientId) }));
      assert.ok((await signIn('olga', NEW_PASSWORD)).AccessToken);
    });

    it('refuses bad ForgotPassword and ConfirmForgotPassword input', async () => {
      const cases: [string, string, string, Record<string, unknown>][] = [
        ['ForgotPassword', 'missing Username', 'InvalidParameterException', { ClientId: clientId }],
        ['ForgotPassword', 'missing ClientId', 'InvalidParameterException', { Username: 'alice' }],
        ['ForgotPassword', 'unknown client', 'ResourceNotFoundException', { ClientId: 'z'.repeat(26), Username: 'alice' }],
        ['ForgotPassword', 'Username not a string', 'SerializationException', { ClientId: clientId, Username: 7 }],
        ['ForgotPassword', 'Username with a space', 'InvalidParameterException', { ClientId: clientId, Username: 'a b' }],
        ['ConfirmForgotPassword', 'missing code', 'InvalidParameterException', { ClientId: clientId, Username: 'alice', Password: NEW_PASSWORD }],
        ['ConfirmForgotPassword', 'missing password', 'InvalidParameterException', { ClientId: clientId, Username: 'alice', ConfirmationCode: '123456' }],
        ['ConfirmForgotPassword', 'empty code', 'InvalidParameterException', { ClientId: clientId, Username: 'alice', ConfirmationCode: '', Password: NEW_PASSWORD }],
        ['ConfirmForgotPassword', 'over-long password', 'InvalidParameterException', { ClientId: clientId, Username: 'alice', ConfirmationCode: '123456', Password: 'Aa1!' + 'x'.repeat(300) }],
        ['ConfirmForgotPassword', 'unknown client', 'ResourceNotFoundException', { ClientId: 'z'.repeat(26), Username: 'alice', ConfirmationCode: '123456', Password: NEW_PASSWORD }],
        ['ConfirmForgotPassword', 'weak password', 'InvalidPasswordException', { ClientId: clientId, Username: 'alice', ConfirmationCode: '123456', Password: 'short' }],
      ];
      for (const [action, what, type, body] of cases) {
        const res = await idp(server.url, action, body);
        assert.equal(res.status, 400, `${action}: ${what}`);
        assert.equal(res.json.__type, type, `${action}: ${what}`);
      }
    });

    it('ChangePassword checks the previous password, counts failures toward the lockout and applies the policy', async () => {
      await confirmedUser('pat');
      const tokens = await signIn('pat');
      const change = (PreviousPassword: string | undefined, ProposedPassword: string) => server.anonymous.send(new ChangePasswordCommand({ AccessToken: tokens.AccessToken, PreviousPassword, ProposedPassword }));
      assert.equal((await failure(() => change(PASSWORD, 'weak'))).name, 'InvalidPasswordException');
      assert.equal((await failure(() => change(undefined, NEW_PASSWORD))).name, 'InvalidParameterException');
      for (let i = 0; i < 5; i++) assert.deepEqual(await failure(() => change('Wrong-Horse-1!', NEW_PASSWORD)), { name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
      assert.equal((await failure(() => change(PASSWORD, NEW_PASSWORD))).message, 'Password attempts exceeded');
      assert.equal((await failure(() => signIn('pat', PASSWORD, legacyClientId))).message, 'Password attempts exceeded', 'one counter for every path (A19)');
      server.clock.advance(2000);
      await change(PASSWORD, NEW_PASSWORD);
      assert.equal((await failure(() => signIn('pat'))).name, 'NotAuthorizedException');
      assert.ok((await signIn('pat', NEW_PASSWORD)).AccessToken);
      const { session } = await srpSignIn(jsPool, 'pat', NEW_PASSWORD);
      assert.ok(session.isValid());
      assert.equal((await server.anonymous.send(new GetUserCommand({ AccessToken: tokens.AccessToken }))).Username, 'pat', 'the session survives, as in Cognito');

      await server.anonymous.send(new GlobalSignOutCommand({ AccessToken: tokens.AccessToken }));
      const revoked = await failure(() => change(NEW_PASSWORD, PASSWORD));
      assert.deepEqual(revoked, { name: 'NotAuthorizedException', message: 'Access Token has been revoked' });
    });

    it('updates attributes; a new email stays pending until verified, with the old one still in force (P13)', async () => {
      await confirmedUser('quinn');
      const tokens = await signIn('quinn');
      const out = await server.anonymous.send(
        new UpdateUserAttributesCommand({ AccessToken: tokens.AccessToken, UserAttributes: [{ Name: 'email', Value: 'quinn.new@Example.com' }, { Name: 'name', Value: 'Quinn Q' }, { Name: 'custom:plan', Value: 'pro' }] }),
      );
      assert.deepEqual(out.CodeDeliveryDetailsList, [{ Destination: 'q***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' }]);
      const notice = await nextMail('quinn@example.com', NOTICE_SUBJECT);
      assert.match(notice.text, /q\*\*\*@e\*\*\*/, 'the old address is told, without the new one in full');

      const me = await server.anonymous.send(new GetUserCommand({ AccessToken: tokens.AccessToken }));
      const a = attrs(me.UserAttributes);
      assert.equal(a.email, 'quinn@example.com');
      assert.equal(a.email_verified, 'true');
      assert.equal(a.name, 'Quinn Q');
      assert.equal(a['custom:plan'], 'pro');
      assert.ok(!JSON.stringify(me).includes('quinn.new'), 'the pending value never shows');
      const admin = await server.admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'quinn' }));
      assert.ok(!JSON.stringify(admin).includes('quinn.new'));
      const fresh = await signIn('quinn@example.com');
      assert.equal(claims(fresh.IdToken!).email, 'quinn@example.com', 'the old address signs in and is in the ID token');
      assert.equal((await failure(() => signIn('quinn.new@example.com'))).name, 'NotAuthorizedException', 'the pending one does not');

      const { user } = await srpSignIn(jsPool, 'quinn', PASSWORD);
      const code = await nextCode('quinn.new@example.com');
      await new Promise((resolve, reject) => user.verifyAttribute('email', code, { onSuccess: resolve, onFailure: reject }));
      const after = attrs((await server.anonymous.send(new GetUserCommand({ AccessToken: tokens.AccessToken }))).UserAttributes);
      assert.equal(after.email, 'quinn.new@example.com');
      assert.equal(after.email_verified, 'true');
      assert.ok((await signIn('quinn.new@example.com')).AccessToken, 'the verified new address signs in');
      assert.equal((await failure(() => signIn('quinn@example.com'))).name, 'NotAuthorizedException', 'the old one no longer does');
    });

    it('amazon-cognito-identity-js requests and verifies an email code; an explicit opt-out applies changes at once', async () => {
      const optOut = (
        await server.admin.send(
          new CreateUserPoolCommand({
            PoolName: 'opt-out',
            AutoVerifiedAttributes: ['email'],
            AliasAttributes: ['email'],
            Schema: [{ Name: 'name', AttributeDataType: 'String', Mutable: true }, { Name: 'tier', AttributeDataType: 'String', Mutable: false }],
            UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: [] },
            VerificationMessageTemplate: { EmailSubject: CODE_SUBJECT },
          }),
        )
      ).UserPool!.Id!;
      const app = (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: optOut, PreventUserExistenceErrors: 'ENABLED', ClientName: 'app', ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient!.ClientId!;
      const optOutPool = new CognitoUserPool({ UserPoolId: optOut, ClientId: app, endpoint: server.url + '/' });
      await confirmedUser('rex', 'rex@example.com', { id: optOut, client: app });
      const { user, session } = await srpSignIn(optOutPool, 'rex', PASSWORD);
      const out = await server.anonymous.send(new UpdateUserAttributesCommand({ AccessToken: session.getAccessToken().getJwtToken(), UserAttributes: [{ Name: 'email', Value: 'rex2@example.com' }] }));
      assert.equal(out.CodeDeliveryDetailsList?.length, 1);
      const firstCode = await nextCode('rex2@example.com');
      await nextMail('rex@example.com', NOTICE_SUBJECT);
      const now = attrs((await server.anonymous.send(new GetUserCommand({ AccessToken: session.getAccessToken().getJwtToken() }))).UserAttributes);
      assert.equal(now.email, 'rex2@example.com', 'applied at once');
      assert.equal(now.email_verified, 'false');
      assert.equal((await failure(() => signIn('rex2@example.com', PASSWORD, app))).name, 'NotAuthorizedException', 'an unverified alias does not sign in');
      // Under ENABLED the refusal is a simulated delivery, like an unknown name's (issue 10); nothing is sent.
      const sentBefore = (await outbox()).length;
      const noRecovery = await server.anonymous.send(new ForgotPasswordCommand({ ClientId: app, Username: 'rex' }));
      assert.notEqual(noRecovery.CodeDeliveryDetails?.Destination, 'r***@e***', 'nor does it receive recovery codes');
      assert.equal((await outbox()).length, sentBefore, 'nothing was sent');

      const delivery = await new Promise<{ CodeDeliveryDetails: unknown }>((resolve, reject) =>
        user.getAttributeVerificationCode('email', { onSuccess: () => reject(new Error('no inputVerificationCode')), onFailure: reject, inputVerificationCode: resolve as never }),
      );
      assert.deepEqual(delivery.CodeDeliveryDetails, { Destination: 'r***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' });
      const code = await nextCode('rex2@example.com');
      if (code !== firstCode) {
        const stale = await new Promise<unknown>((resolve, reject) => user.verifyAttribute('email', firstCode, { onSuccess: reject, onFailure: resolve }));
        assert.equal(jsFailure(stale as Error).name, 'CodeMismatchException', 'the newer code supersedes the older');
      }
      const ok = await new Promise((resolve, reject) => user.verifyAttribute('email', code, { onSuccess: resolve, onFailure: reject }));
      assert.equal(ok, 'SUCCESS');
      assert.equal(attrs((await server.anonymous.send(new GetUserCommand({ AccessToken: session.getAccessToken().getJwtToken() }))).UserAttributes).email_verified, 'true');
      assert.ok((await signIn('rex2@example.com', PASSWORD, app)).AccessToken);
      const replay = await failure(() => server.anonymous.send(new VerifyUserAttributeCommand({ AccessToken: session.getAccessToken().getJwtToken(), AttributeName: 'email', Code: code })));
      assert.equal(replay.name, 'CodeMismatchException');
    });

    it('verification codes: wrong, expired after 24 h, dead after five wrong tries', async () => {
      await confirmedUser('sam');
      const tokens = await signIn('sam');
      const verify = (Code: string) => server.anonymous.send(new VerifyUserAttributeCommand({ AccessToken: tokens.AccessToken, AttributeName: 'email', Code }));
      await server.anonymous.send(new GetUserAttributeVerificationCodeCommand({ AccessToken: tokens.AccessToken, AttributeName: 'email' }));
      const code = await nextCode('sam@example.com');
      for (let i = 0; i < 5; i++) assert.equal((await failure(() => verify(otherThan(code)))).name, 'CodeMismatchException');
      assert.equal((await failure(() => verify(code))).name, 'ExpiredCodeException');

      await server.anonymous.send(new GetUserAttributeVerificationCodeCommand({ AccessToken: tokens.AccessToken, AttributeName: 'email' }));
      const late = await nextCode('sam@example.com');
      server.clock.advance(24 * 3600_000 + 1000);
      try {
        const fresh = await signIn('sam');
        assert.equal((await failure(() => server.anonymous.send(new VerifyUserAttributeCommand({ AccessToken: fresh.AccessToken, AttributeName: 'email', Code: late })))).name, 'ExpiredCodeException');
      } finally {
        server.clock.advance(-(24 * 3600_000 + 1000));
      }
    });

    it('refuses bad attribute updates and writes nothing of a refused batch', async () => {
      await confirmedUser('tess');
      const tokens = await signIn('tess');
      const update = (UserAttributes: { Name: string; Value?: string }[], client = tokens) => server.anonymous.send(new UpdateUserAttributesCommand({ AccessToken: client.AccessToken, UserAttributes }));
      const cases: [string, string, { Name: string; Value?: string }[]][] = [
        ['immutable attribute', 'InvalidParameterException', [{ Name: 'custom:tier', Value: 'platinum' }]],
        ['unknown attribute', 'InvalidParameterException', [{ Name: 'custom:nope', Value: 'x' }]],
        ['sub', 'InvalidParameterException', [{ Name: 'sub', Value: 'mine' }]],
        ['bad email', 'InvalidParameterException', [{ Name: 'email', Value: 'not-an-email' }]],
        ['empty email', 'InvalidParameterException', [{ Name: 'email', Value: '' }]],
        ['bad phone', 'InvalidParameterException', [{ Name: 'phone_number', Value: '555-1234' }]],
        ['self-verification', 'NotAuthorizedException', [{ Name: 'email_verified', Value: 'true' }]],
        ['self-verification of a phone', 'NotAuthorizedException', [{ Name: 'phone_number_verified', Value: 'true' }]],
      ];
      for (const [what, type, list] of cases) {
        assert.equal((await failure(() => update([{ Name: 'name', Value: 'Changed' }, ...list]))).name, type, what);
      }
      assert.equal(attrs((await server.anonymous.send(new GetUserCommand({ AccessToken: tokens.AccessToken }))).UserAttributes).name, 'tess', 'nothing half-written');

      const limited = await signIn('tess', PASSWORD, limitedClientId);
      const notWritable = await failure(() => update([{ Name: 'custom:plan', Value: 'pro' }], limited));
      assert.deepEqual(notWritable, { name: 'NotAuthorizedException', message: 'A client attempted to write unauthorized attribute' });
      await update([{ Name: 'name', Value: 'Tess T' }], limited);

      const raw: [string, Record<string, unknown>, string][] = [
        ['missing UserAttributes', { AccessToken: tokens.AccessToken }, 'InvalidParameterException'],
        ['missing AccessToken', { UserAttributes: [] }, 'InvalidParameterException'],
        ['garbage token', { AccessToken: 'garbage', UserAttributes: [{ Name: 'name', Value: 'x' }] }, 'NotAuthorizedException'],
        ['an ID token', { AccessToken: tokens.IdToken, UserAttributes: [{ Name: 'name', Value: 'x' }] }, 'NotAuthorizedException'],
        ['attributes not a list', { AccessToken: tokens.AccessToken, UserAttributes: { name: 'x' } }, 'SerializationException'],
        ['value over 2048 characters', { AccessToken: tokens.AccessToken, UserAttributes: [{ Name: 'name', Value: 'x'.repeat(2049) }] }, 'InvalidParameterException'],
      ];
      for (const [what, body, type] of raw) {
        const res = await idp(server.url, 'UpdateUserAttributes', body);
        assert.equal(res.status, 400, what);
        assert.equal(res.json.__type, type, what);
      }
    });

    it('refuses bad verification-code requests', async () => {
      await confirmedUser('uma');
      const tokens = await signIn('uma');
      const get = (AttributeName: string) => server.anonymous.send(new GetUserAttributeVerificationCodeCommand({ AccessToken: tokens.AccessToken, AttributeName }));
      const verify = (AttributeName: string, Code = '123456') => server.anonymous.send(new VerifyUserAttributeCommand({ AccessToken: tokens.AccessToken, AttributeName, Code }));
      assert.equal((await failure(() => get('name'))).name, 'InvalidParameterException', 'not a verifiable attribute');
      assert.equal((await failure(() => get('phone_number'))).name, 'InvalidParameterException', 'the user has no phone number');
      assert.equal((await failure(() => verify('name'))).name, 'InvalidParameterException');
      assert.equal((await failure(() => verify('phone_number'))).name, 'InvalidParameterException');
      assert.equal((await failure(() => verify('email'))).name, 'CodeMismatchException', 'no code was requested');
      for (const [action, body] of [
        ['GetUserAttributeVerificationCode', { AccessToken: tokens.AccessToken }],
        ['GetUserAttributeVerificationCode', { AttributeName: 'email' }],
        ['GetUserAttributeVerificationCode', { AccessToken: tokens.AccessToken, AttributeName: 'x'.repeat(33) }],
        ['VerifyUserAttribute', { AccessToken: tokens.AccessToken, AttributeName: 'email' }],
        ['VerifyUserAttribute', { AccessToken: tokens.AccessToken, AttributeName: 'email', Code: '' }],
        ['VerifyUserAttribute', { AccessToken: tokens.AccessToken, Code: '123456' }],
      ] as const) {
        const res = await idp(server.url, action, body);
        assert.equal(res.json.__type, 'InvalidParameterException', `${action} ${JSON.stringify(Object.keys(body))}`);
      }
      const badToken = await idp(server.url, 'GetUserAttributeVerificationCode', { AccessToken: 'a.b.c', AttributeName: 'email' });
      assert.equal(badToken.json.__type, 'NotAuthorizedException');
      const badTokenVerify = await idp(server.url, 'VerifyUserAttribute', { AccessToken: 'a.b.c', AttributeName: 'email', Code: '123456' });
      assert.equal(badTokenVerify.json.__type, 'NotAuthorizedException');
    });

    it('DeleteUserAttributes removes optional attributes only, with their verification', async () => {
      await confirmedUser('vic');
      const tokens = await signIn('vic');
      const del = (UserAttributeNames: string[]) => server.anonymous.send(new DeleteUserAttributesCommand({ AccessToken: tokens.AccessToken, UserAttributeNames }));
      const cases: [string, string, string[]][] = [
        ['required', 'InvalidParameterException', ['name']],
        ['immutable', 'InvalidParameterException', ['custom:tier']],
        ['unknown', 'InvalidParameterException', ['custom:nope']],
        ['sub', 'InvalidParameterException', ['sub']],
        ['a verification flag', 'NotAuthorizedException', ['email_verified']],
      ];
      for (const [what, type, names] of cases) assert.equal((await failure(() => del(['custom:plan', ...names]))).name, type, what);
      await server.anonymous.send(new UpdateUserAttributesCommand({ AccessToken: tokens.AccessToken, UserAttributes: [{ Name: 'custom:plan', Value: 'pro' }] }));
      await del(['custom:plan', 'email']);
      const a = attrs((await server.anonymous.send(new GetUserCommand({ AccessToken: tokens.AccessToken }))).UserAttributes);
      assert.equal(a['custom:plan'], undefined);
      assert.equal(a.email, undefined);
      assert.equal(a.email_verified, undefined, 'the flag goes with the address');
      assert.equal((await failure(() => signIn('vic@example.com'))).name, 'NotAuthorizedException');
      const limited = await signIn('vic', PASSWORD, limitedClientId);
      assert.equal((await failure(() => server.anonymous.send(new DeleteUserAttributesCommand({ AccessToken: limited.AccessToken, UserAttributeNames: ['custom:plan'] })))).name, 'NotAuthorizedException');
      for (const body of [{ AccessToken: tokens.AccessToken }, { UserAttributeNames: ['custom:plan'] }, { AccessToken: 'garbage', UserAttributeNames: ['custom:plan'] }]) {
        const res = await idp(server.url, 'DeleteUserAttributes', body);
        assert.equal(res.status, 400);
        assert.ok(['InvalidParameterException', 'NotAuthorizedException'].includes(res.json.__type), res.json.__type);
      }
    });

    it('DeleteUser removes the user; their tokens stop working and the name is free again', async () => {
      await confirmedUser('wes');
      const tokens = await signIn('wes');
      const other = await signIn('wes');
      await server.anonymous.send(new DeleteUserCommand({ AccessToken: tokens.AccessToken }));
      for (const t of [tokens, other]) {
        assert.equal((await failure(() => server.anonymous.send(new GetUserCommand({ AccessToken: t.AccessToken })))).name, 'NotAuthorizedException');
      }
      const refresh = await failure(() => server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: clientId, AuthParameters: { REFRESH_TOKEN: other.RefreshToken! } })));
      assert.equal(refresh.name, 'NotAuthorizedException');
      assert.equal((await failure(() => signIn('wes'))).message, 'Incorrect username or password.');
      assert.equal((await failure(() => server.anonymous.send(new DeleteUserCommand({ AccessToken: tokens.AccessToken })))).name, 'NotAuthorizedException', 'twice');
      assert.equal((await failure(() => server.admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'wes' })))).name, 'UserNotFoundException');
      await confirmedUser('wes', 'wes.again@example.com');
      for (const body of [{}, { AccessToken: 'garbage' }, { AccessToken: '' }]) {
        const res = await idp(server.url, 'DeleteUser', body);
        assert.equal(res.status, 400);
        assert.ok(['InvalidParameterException', 'NotAuthorizedException'].includes(res.json.__type), res.json.__type);
      }
    });

    it('refuses bad ChangePassword input', async () => {
      await confirmedUser('xia');
      const tokens = await signIn('xia');
      const cases: [string, Record<string, unknown>, string][] = [
        ['missing ProposedPassword', { AccessToken: tokens.AccessToken, PreviousPassword: PASSWORD }, 'InvalidParameterException'],
        ['missing AccessToken', { PreviousPassword: PASSWORD, ProposedPassword: NEW_PASSWORD }, 'InvalidParameterException'],
        ['over-long password', { AccessToken: tokens.AccessToken, PreviousPassword: PASSWORD, ProposedPassword: 'Aa1!' + 'x'.repeat(300) }, 'InvalidParameterException'],
        ['password with spaces only', { AccessToken: tokens.AccessToken, PreviousPassword: PASSWORD, ProposedPassword: '   ' }, 'InvalidParameterException'],
        ['garbage token', { AccessToken: 'garbage', PreviousPassword: PASSWORD, ProposedPassword: NEW_PASSWORD }, 'NotAuthorizedException'],
        ['an ID token', { AccessToken: tokens.IdToken, PreviousPassword: PASSWORD, ProposedPassword: NEW_PASSWORD }, 'NotAuthorizedException'],
      ];
      for (const [what, body, type] of cases) {
        const res = await idp(server.url, 'ChangePassword', body);
        assert.equal(res.status, 400, what);
        assert.equal(res.json.__type, type, what);
      }
      server.clock.advance(3601_000);
      try {
        const expired = await failure(() => server.anonymous.send(new ChangePasswordCommand({ AccessToken: tokens.AccessToken, PreviousPassword: PASSWORD, ProposedPassword: NEW_PASSWORD })));
        assert.deepEqual(expired, { name: 'NotAuthorizedException', message: 'Access Token has expired' });
      } finally {
        server.clock.advance(-3601_000);
      }
      assert.ok((await signIn('xia')).AccessToken, 'nothing changed');
    });
  });
}
