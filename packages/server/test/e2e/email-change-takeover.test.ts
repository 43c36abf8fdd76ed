/**
 * security.md A23 / P13: an attacker changes their email to the victim's address. The new value
 * must stay inactive until verified: alias sign-in and ForgotPassword with it never reach the
 * attacker's account, codes go only to the address they verify, and the victim is untouched.
 * Driven with the AWS SDK, codes read from a real SMTP receiver.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminGetUserCommand,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ForgotPasswordCommand,
  GetUserAttributeVerificationCodeCommand,
  GetUserCommand,
  InitiateAuthCommand,
  SignUpCommand,
  UpdateUserAttributesCommand,
  VerifyUserAttributeCommand,
  type AuthenticationResultType,
  type CreateUserPoolCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../support/postgres.js';
import { startSmtpReceiver, type ReceivedMail, type SmtpReceiver } from '../support/smtp.js';
import { failure, startTestServer, type TestServer } from '../support/server.js';

const VICTIM_PASSWORD = 'Victim-Pa55word!';
const ATTACKER_PASSWORD = 'Mall0ry-Pa55word!';
const CODE_SUBJECT = 'Your code';
const codeIn = (text: string) => /\b(\d{6})\b/.exec(text)?.[1] ?? assert.fail(`no code in ${text}`);
const otherThan = (code: string) => (code === '000000' ? '111111' : '000000');
const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
const attrs = (list: { Name?: string; Value?: string }[] | undefined) => Object.fromEntries((list ?? []).map((a) => [a.Name, a.Value]));

interface Pool {
  id: string;
  client: string;
}

for (const kind of databaseKinds) {
  describe(`email-change takeover (A23) (${kind})`, () => {
    let server: TestServer;
    let smtp: SmtpReceiver;
    const taken = new Set<string>();

    async function nextMail(to: string): Promise<ReceivedMail> {
      const mail = await smtp.waitFor((m) => m.to.includes(to) && m.subject === CODE_SUBJECT && !taken.has(m.headers['message-id'] ?? m.raw));
      taken.add(mail.headers['message-id'] ?? mail.raw);
      return mail;
    }
    const nextCode = async (to: string) => codeIn((await nextMail(to)).text);

    async function createPool(input: Omit<CreateUserPoolCommandInput, 'PoolName'>): Promise<Pool> {
      const id = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'takeover', AutoVerifiedAttributes: ['email'], VerificationMessageTemplate: { EmailSubject: CODE_SUBJECT }, ...input }))).UserPool!.Id!;
      const client = (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: id, PreventUserExistenceErrors: 'ENABLED', ClientName: 'web', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient!.ClientId!;
      return { id, client };
    }

    async function confirmedUser(pool: Pool, username: string, email: string, password: string): Promise<void> {
      await server.anonymous.send(new SignUpCommand({ ClientId: pool.client, Username: username, Password: password, UserAttributes: username === email ? [] : [{ Name: 'email', Value: email }] }));
      await server.anonymous.send(new ConfirmSignUpCommand({ ClientId: pool.client, Username: username, ConfirmationCode: await nextCode(email) }));
    }

    const signIn = async (pool: Pool, name: string, password: string): Promise<AuthenticationResultType> =>
      (await server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: pool.client, AuthParameters: { USERNAME: name, PASSWORD: password } }))).AuthenticationResult!;
    const messagesTo = async (pool: Pool, to: string, kind: string) => (await server.running.cognate.outbox.recent(100_000, pool.id)).filter((m) => m.to === to && m.kind === kind);

    before(async () => {
      smtp = await startSmtpReceiver();
      server = await startTestServer(kind, { smtpHost: smtp.host, smtpPort: smtp.port });
    });
    after(async () => {
      await server.stop();
      await smtp.close();
    });

    it("the victim's address stays pending on the attacker's account and reaches only the victim", async () => {
      const pool = await createPool({ AliasAttributes: ['email'] });
      await confirmedUser(pool, 'victim', 'victim@example.com', VICTIM_PASSWORD);
      await confirmedUser(pool, 'mallory', 'mallory@example.com', ATTACKER_PASSWORD);
      const mallory = await signIn(pool, 'mallory', ATTACKER_PASSWORD);

      const change = await server.anonymous.send(new UpdateUserAttributesCommand({ AccessToken: mallory.AccessToken, UserAttributes: [{ Name: 'email', Value: 'victim@example.com' }] }));
      assert.deepEqual(change.CodeDeliveryDetailsList, [{ Destination: 'v***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' }]);
      const leaked = await nextCode('victim@example.com');
      const me = attrs((await server.anonymous.send(new GetUserCommand({ AccessToken: mallory.AccessToken }))).UserAttributes);
      assert.equal(me.email, 'mallory@example.com', 'the new value is inactive');
      assert.equal(me.email_verified, 'true');

      // Alias sign-in with the victim's address is the victim's, whoever's password is tried.
      const asMallory = await failure(() => signIn(pool, 'victim@example.com', ATTACKER_PASSWORD));
      assert.deepEqual(asMallory, { name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
      const asVictim = await signIn(pool, 'victim@example.com', VICTIM_PASSWORD);
      assert.equal(claims(asVictim.IdToken!)['cognito:username'], 'victim');
      assert.equal(claims((await signIn(pool, 'mallory', ATTACKER_PASSWORD)).IdToken!).email, 'mallory@example.com');

      // ForgotPassword with it resets the victim's account, by mail to the victim, never Mallory's.
      const forgot = await server.anonymous.send(new ForgotPasswordCommand({ ClientId: pool.client, Username: 'victim@example.com' }));
      assert.equal(forgot.CodeDeliveryDetails?.Destination, 'v***@e***');
      const resetCode = await nextCode('victim@example.com');
      assert.equal((await messagesTo(pool, 'mallory@example.com', 'ForgotPassword')).length, 0);
      const hijack = await failure(() => server.anonymous.send(new ConfirmForgotPasswordCommand({ ClientId: pool.client, Username: 'mallory', ConfirmationCode: resetCode, Password: 'Hijack3d-Pa55!' })));
      assert.equal(hijack.name, 'CodeMismatchException', "the victim's reset code is bound to the victim");

      // A new code for the email goes to the pending address again, never to Mallory's own.
      const again = await server.anonymous.send(new GetUserAttributeVerificationCodeCommand({ AccessToken: mallory.AccessToken, AttributeName: 'email' }));
      assert.equal(again.CodeDeliveryDetails?.Destination, 'v***@e***');
      const current = await nextCode('victim@example.com');
      assert.equal((await messagesTo(pool, 'mallory@example.com', 'VerifyUserAttribute')).length, 0);
      const verify = (Code: string) => server.anonymous.send(new VerifyUserAttributeCommand({ AccessToken: mallory.AccessToken, AttributeName: 'email', Code }));
      let wrong = 0;
      if (current !== leaked) {
        assert.equal((await failure(() => verify(leaked))).name, 'CodeMismatchException', 'the first code was superseded');
        wrong++;
      }

      // Guessing kills the code: five wrong tries, then even the right one is refused.
      for (; wrong < 5; wrong++) assert.equal((await failure(() => verify(otherThan(current)))).name, 'CodeMismatchException');
      assert.equal((await failure(() => verify(current))).name, 'ExpiredCodeException');
      assert.equal(attrs((await server.anonymous.send(new GetUserCommand({ AccessToken: mallory.AccessToken }))).UserAttributes).email, 'mallory@example.com');

      // The victim is untouched.
      const victim = await server.admin.send(new AdminGetUserCommand({ UserPoolId: pool.id, Username: 'victim' }));
      assert.equal(victim.UserStatus, 'CONFIRMED');
      assert.equal(attrs(victim.UserAttributes).email, 'victim@example.com');
      assert.equal(attrs(victim.UserAttributes).email_verified, 'true');
      assert.ok((await signIn(pool, 'victim', VICTIM_PASSWORD)).AccessToken);
    });

    it('an unregistered address: sign-in and ForgotPassword with it find no one, and nothing is sent', async () => {
      const pool = await createPool({ AliasAttributes: ['email'] });
      await confirmedUser(pool, 'mallory', 'mallory@example.com', ATTACKER_PASSWORD);
      const mallory = await signIn(pool, 'mallory', ATTACKER_PASSWORD);
      await server.anonymous.send(new UpdateUserAttributesCommand({ AccessToken: mallory.AccessToken, UserAttributes: [{ Name: 'email', Value: 'ceo@example.com' }] }));
      await nextMail('ceo@example.com');
      assert.equal((await failure(() => signIn(pool, 'ceo@example.com', ATTACKER_PASSWORD))).name, 'NotAuthorizedException');
      const forgot = await server.anonymous.send(new ForgotPasswordCommand({ ClientId: pool.client, Username: 'ceo@example.com' }));
      assert.deepEqual(forgot.CodeDeliveryDetails, { Destination: 'c***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' }, 'the answer for anyone unknown');
      assert.equal((await messagesTo(pool, 'ceo@example.com', 'ForgotPassword')).length, 0);
      assert.equal((await messagesTo(pool, 'mallory@example.com', 'ForgotPassword')).length, 0);
    });

    it("a code for the old address doesn't verify the new one, and taking a change back kills its code", async () => {
      const pool = await createPool({ AliasAttributes: ['email'] });
      await confirmedUser(pool, 'victim', 'victim2@example.com', VICTIM_PASSWORD);
      await confirmedUser(pool, 'mallory', 'mallory@example.com', ATTACKER_PASSWORD);
      const mallory = await signIn(pool, 'mallory', ATTACKER_PASSWORD);
      await server.anonymous.send(new GetUserAttributeVerificationCodeCommand({ AccessToken: mallory.AccessToken, AttributeName: 'email' }));
      const ownCode = await nextCode('mallory@example.com');
      await server.anonymous.send(new UpdateUserAttributesCommand({ AccessToken: mallory.AccessToken, UserAttributes: [{ Name: 'email', Value: 'victim2@example.com' }] }));
      const victimCode = await nextCode('victim2@example.com');
      if (ownCode !== victimCode) {
        const stale = await failure(() => server.anonymous.send(new VerifyUserAttributeCommand({ AccessToken: mallory.AccessToken, AttributeName: 'email', Code: ownCode })));
        assert.equal(stale.name, 'CodeMismatchException', 'a code mailed to the old address proves nothing about the new one');
      }
      await server.anonymous.send(new UpdateUserAttributesCommand({ AccessToken: mallory.AccessToken, UserAttributes: [{ Name: 'email', Value: 'mallory@example.com' }] }));
      const cancelled = await failure(() => server.anonymous.send(new VerifyUserAttributeCommand({ AccessToken: mallory.AccessToken, AttributeName: 'email', Code: victimCode })));
      assert.equal(cancelled.name, 'CodeMismatchException', 'the change was taken back; its code is dead');
      const me = attrs((await server.anonymous.send(new GetUserCommand({ AccessToken: mallory.AccessToken }))).UserAttributes);
      assert.equal(me.email, 'mallory@example.com');
      assert.equal(me.email_verified, 'true');
      assert.equal(claims((await signIn(pool, 'victim2@example.com', VICTIM_PASSWORD)).IdToken!)['cognito:username'], 'victim');
    });

    it('in a pool that signs in with email, a taken address is refused and a new one is inactive until verified', async () => {
      const pool = await createPool({ UsernameAttributes: ['email'] });
      await confirmedUser(pool, 'victim@example.com', 'victim@example.com', VICTIM_PASSWORD);
      await confirmedUser(pool, 'mallory@example.com', 'mallory@example.com', ATTACKER_PASSWORD);
      const mallory = await signIn(pool, 'mallory@example.com', ATTACKER_PASSWORD);
      const takenAddress = await failure(() => server.anonymous.send(new UpdateUserAttributesCommand({ AccessToken: mallory.AccessToken, UserAttributes: [{ Name: 'email', Value: 'victim@example.com' }] })));
      assert.deepEqual(takenAddress, { name: 'AliasExistsException', message: 'An account with the email already exists.' });

      await server.anonymous.send(new UpdateUserAttributesCommand({ AccessToken: mallory.AccessToken, UserAttributes: [{ Name: 'email', Value: 'fresh@example.com' }] }));
      const code = await nextCode('fresh@example.com');
      assert.equal((await failure(() => signIn(pool, 'fresh@example.com', ATTACKER_PASSWORD))).name, 'NotAuthorizedException', 'a pending address is no username');
      assert.ok((await signIn(pool, 'mallory@example.com', ATTACKER_PASSWORD)).AccessToken, 'the old one still is');
      await server.anonymous.send(new ForgotPasswordCommand({ ClientId: pool.client, Username: 'fresh@example.com' }));
      assert.equal((await messagesTo(pool, 'fresh@example.com', 'ForgotPassword')).length, 0);

      await server.anonymous.send(new VerifyUserAttributeCommand({ AccessToken: mallory.AccessToken, AttributeName: 'email', Code: code }));
      assert.ok((await signIn(pool, 'fresh@example.com', ATTACKER_PASSWORD)).AccessToken, 'verified, it is her username');
      assert.equal((await failure(() => signIn(pool, 'mallory@example.com', ATTACKER_PASSWORD))).name, 'NotAuthorizedException');
      assert.ok((await signIn(pool, 'victim@example.com', VICTIM_PASSWORD)).AccessToken, 'the victim is untouched');
    });

    it('with verification before update turned off, the unverified address still neither signs in nor recovers, and a leaked code cannot claim it', async () => {
      const pool = await createPool({ AliasAttributes: ['email'], UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: [] } });
      await confirmedUser(pool, 'victim', 'victim3@example.com', VICTIM_PASSWORD);
      await confirmedUser(pool, 'mallory', 'mallory@example.com', ATTACKER_PASSWORD);
      const mallory = await signIn(pool, 'mallory', ATTACKER_PASSWORD);
      await server.anonymous.send(new UpdateUserAttributesCommand({ AccessToken: mallory.AccessToken, UserAttributes: [{ Name: 'email', Value: 'victim3@example.com' }] }));
      const leaked = await nextCode('victim3@example.com');
      const me = attrs((await server.anonymous.send(new GetUserCommand({ AccessToken: mallory.AccessToken }))).UserAttributes);
      assert.equal(me.email, 'victim3@example.com');
      assert.equal(me.email_verified, 'false');

      assert.equal((await failure(() => signIn(pool, 'victim3@example.com', ATTACKER_PASSWORD))).name, 'NotAuthorizedException');
      assert.equal(claims((await signIn(pool, 'victim3@example.com', VICTIM_PASSWORD)).IdToken!)['cognito:username'], 'victim');
      // An unverified address receives no reset code; under ENABLED the answer is the simulated one an unknown name gets.
      const noRecovery = await server.anonymous.send(new ForgotPasswordCommand({ ClientId: pool.client, Username: 'mallory' }));
      const unknown = await server.anonymous.send(new ForgotPasswordCommand({ ClientId: pool.client, Username: 'nobody-at-all' }));
      assert.deepEqual(Object.keys(noRecovery.CodeDeliveryDetails ?? {}).sort(), Object.keys(unknown.CodeDeliveryDetails ?? {}).sort());
      assert.equal((await messagesTo(pool, 'victim3@example.com', 'ForgotPassword')).length, 0);
      assert.equal((await messagesTo(pool, 'mallory@example.com', 'ForgotPassword')).length, 0);

      // Even holding the code (say the victim forwarded it), Mallory can't take the verified alias.
      const claim = await failure(() => server.anonymous.send(new VerifyUserAttributeCommand({ AccessToken: mallory.AccessToken, AttributeName: 'email', Code: leaked })));
      assert.deepEqual(claim, { name: 'AliasExistsException', message: 'An account with the email already exists.' });
      const victim = attrs((await server.admin.send(new AdminGetUserCommand({ UserPoolId: pool.id, Username: 'victim' }))).UserAttributes);
      assert.equal(victim.email_verified, 'true');
      assert.equal(attrs((await server.anonymous.send(new GetUserCommand({ AccessToken: mallory.AccessToken }))).UserAttributes).email_verified, 'false');
    });
  });
}
