/**
 * Settings Cognate used to store without acting on, now honoured (docs/settings.md), with the AWS
 * SDK v3 against a running server on SQLite and PostgreSQL: UnusedAccountValidityDays,
 * EmailSendingAccount/SourceArn, ListIdentities.HideDisabled, the default principal-tag map,
 * cognito:mfa_enabled in import jobs; and bad input for each.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  CreateUserImportJobCommand,
  CreateUserPoolCommand,
  DescribeUserImportJobCommand,
  DescribeUserPoolCommand,
  GetCSVHeaderCommand,
  InitiateAuthCommand,
  SignUpCommand,
  StartUserImportJobCommand,
  UpdateUserPoolCommand,
  type UserImportJobType,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetIdCommand, GetOpenIdTokenCommand, ListIdentitiesCommand, SetPrincipalTagAttributeMapCommand, UnlinkIdentityCommand } from '@aws-sdk/client-cognito-identity';
import { databaseKinds } from '../../support/postgres.js';
import { failure, fetchBody, startTestServer, type TestServer } from '../../support/server.js';
import { PASSWORD, newPool } from '../security/helpers.js';
import { adminUser, claims, identityPoolFor, providerOf, srpSignIn } from '../identity/helpers.js';

const DAY = 86_400_000;
const TEMPORARY = 'Temp0rary-Pass!';
const ROLE = 'arn:aws:iam::123456789012:role/CognitoImport';

for (const kind of databaseKinds) {
  describe(`settings honoured (${kind})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(kind);
    });
    after(() => server?.stop());

    const passwordSignIn = (clientId: string, username: string, password: string) =>
      server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: username, PASSWORD: password } }));

    describe('AdminCreateUserConfig.UnusedAccountValidityDays', () => {
      it('given alone, sets the temporary-password lifetime: a FORCE_CHANGE_PASSWORD user signs in before it and not after', async () => {
        const pool = await newPool(server, { AdminCreateUserConfig: { AllowAdminCreateUserOnly: true, UnusedAccountValidityDays: 2 } });
        const described = (await server.admin.send(new DescribeUserPoolCommand({ UserPoolId: pool.poolId }))).UserPool!;
        assert.equal(described.Policies?.PasswordPolicy?.TemporaryPasswordValidityDays, 2);
        assert.equal(described.AdminCreateUserConfig?.UnusedAccountValidityDays, 2);
        for (const name of ['early', 'late']) {
          await server.admin.send(new AdminCreateUserCommand({ UserPoolId: pool.poolId, Username: name, TemporaryPassword: TEMPORARY, MessageAction: 'SUPPRESS' }));
        }
        try {
          // only unsigned calls while the server's clock is ahead (SigV4 would call the SDK's signatures expired)
          server.clock.advance(DAY + 60_000);
          assert.equal((await passwordSignIn(pool.clientId, 'early', TEMPORARY)).ChallengeName, 'NEW_PASSWORD_REQUIRED');
          server.clock.advance(DAY);
          const refused = await failure(() => passwordSignIn(pool.clientId, 'late', TEMPORARY));
          assert.equal(refused.name, 'NotAuthorizedException');
          assert.match(refused.message, /Temporary password has expired/);
        } finally {
          server.clock.set(Date.now());
        }
      });

      it('UpdateUserPool with the legacy name alone changes the lifetime; DescribeUserPool shows the two equal', async () => {
        const pool = await newPool(server);
        await server.admin.send(new UpdateUserPoolCommand({ UserPoolId: pool.poolId, AdminCreateUserConfig: { AllowAdminCreateUserOnly: false, UnusedAccountValidityDays: 30 } }));
        let described = (await server.admin.send(new DescribeUserPoolCommand({ UserPoolId: pool.poolId }))).UserPool!;
        assert.equal(described.Policies?.PasswordPolicy?.TemporaryPasswordValidityDays, 30);
        assert.equal(described.AdminCreateUserConfig?.UnusedAccountValidityDays, 30);
        await server.admin.send(new UpdateUserPoolCommand({ UserPoolId: pool.poolId, Policies: { PasswordPolicy: { MinimumLength: 8, TemporaryPasswordValidityDays: 3 } } }));
        described = (await server.admin.send(new DescribeUserPoolCommand({ UserPoolId: pool.poolId }))).UserPool!;
        assert.equal(described.AdminCreateUserConfig?.UnusedAccountValidityDays, 3, 'the legacy value mirrors TemporaryPasswordValidityDays');
      });

      it('bad input: both names with different values are refused as Cognito refuses them; equal values are accepted', async () => {
        const refused = await failure(() =>
          server.admin.send(
            new CreateUserPoolCommand({ PoolName: 'both', Policies: { PasswordPolicy: { MinimumLength: 8, TemporaryPasswordValidityDays: 7 } }, AdminCreateUserConfig: { UnusedAccountValidityDays: 3 } }),
          ),
        );
        assert.deepEqual(refused, { name: 'InvalidParameterException', message: 'Please use TemporaryPasswordValidityDays in PasswordPolicy instead of UnusedAccountValidityDays' });
        const ok = await server.admin.send(
          new CreateUserPoolCommand({ PoolName: 'same', Policies: { PasswordPolicy: { MinimumLength: 8, TemporaryPasswordValidityDays: 4 } }, AdminCreateUserConfig: { UnusedAccountValidityDays: 4 } }),
        );
        assert.equal(ok.UserPool?.AdminCreateUserConfig?.UnusedAccountValidityDays, 4);
        const outOfRange = await failure(() => server.admin.send(new CreateUserPoolCommand({ PoolName: 'range', AdminCreateUserConfig: { UnusedAccountValidityDays: 366 } })));
        assert.equal(outOfRange.name, 'InvalidParameterException');
      });
    });

    describe('EmailConfiguration.EmailSendingAccount and SourceArn', () => {
      const sentFrom = async (poolId: string, clientId: string, username: string) => {
        const email = `${username}@example.com`;
        await server.anonymous.send(new SignUpCommand({ ClientId: clientId, Username: username, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: email }] }));
        const sent = (await server.running.cognate.outbox.recent(100, poolId)).find((m) => m.to === email);
        assert.ok(sent, 'the confirmation message is in the outbox');
        return sent.from;
      };

      it("the SES identity address of SourceArn is the From address, under COGNITO_DEFAULT and DEVELOPER; From wins over it", async () => {
        const arn = 'arn:aws:ses:us-east-1:123456789012:identity/no-reply@shop.example';
        const byDefault = await newPool(server, { EmailConfiguration: { EmailSendingAccount: 'COGNITO_DEFAULT', SourceArn: arn } });
        assert.equal(await sentFrom(byDefault.poolId, byDefault.clientId, 'ses-default'), 'no-reply@shop.example');
        const developer = await newPool(server, { EmailConfiguration: { EmailSendingAccount: 'DEVELOPER', SourceArn: arn } });
        assert.equal(await sentFrom(developer.poolId, developer.clientId, 'ses-developer'), 'no-reply@shop.example');
        const named = await newPool(server, { EmailConfiguration: { EmailSendingAccount: 'DEVELOPER', SourceArn: arn, From: 'Shop <hello@shop.example>' } });
        assert.equal(await sentFrom(named.poolId, named.clientId, 'ses-named'), 'Shop <hello@shop.example>');
        const domain = await newPool(server, { EmailConfiguration: { EmailSendingAccount: 'DEVELOPER', SourceArn: 'arn:aws:ses:us-east-1:123456789012:identity/shop.example' } });
        assert.equal(await sentFrom(domain.poolId, domain.clientId, 'ses-domain'), undefined, "a domain identity names no mailbox: the server's sender");
      });

      it('bad input: a SourceArn that is not an SES identity ARN is refused', async () => {
        for (const SourceArn of ['arn:aws:iam::123456789012:role/Mailer', 'arn:aws:ses:us-east-1:123456789012:configuration-set/x', 'arn:aws:ses:us-east-1:12345:identity/a@b.example']) {
          const refused = await failure(() => server.admin.send(new CreateUserPoolCommand({ PoolName: 'bad-arn', EmailConfiguration: { EmailSendingAccount: 'DEVELOPER', SourceArn } })));
          assert.equal(refused.name, 'InvalidParameterException', SourceArn);
          assert.match(refused.message, /SourceArn must be the ARN of an Amazon SES identity/);
        }
      });
    });

    describe('identity pools', () => {
      it('ListIdentities with HideDisabled leaves out an identity whose last login was unlinked in a pool without guests', async () => {
        const pool = await newPool(server);
        await adminUser(server, pool, 'hidden');
        await adminUser(server, pool, 'shown');
        const identityPoolId = await identityPoolFor(server, [pool], { AllowUnauthenticatedIdentities: false });
        const ids: Record<string, string> = {};
        for (const name of ['hidden', 'shown']) {
          const token = (await srpSignIn(server, pool, name)).getIdToken().getJwtToken();
          const logins = { [providerOf(pool)]: token };
          ids[name] = (await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: logins }))).IdentityId!;
          if (name === 'hidden') await server.identity.send(new UnlinkIdentityCommand({ IdentityId: ids[name], Logins: logins, LoginsToRemove: [providerOf(pool)] }));
        }
        const all = await server.identityAdmin.send(new ListIdentitiesCommand({ IdentityPoolId: identityPoolId, MaxResults: 10 }));
        assert.deepEqual(new Set(all.Identities!.map((i) => i.IdentityId)), new Set([ids.hidden, ids.shown]));
        const visible = await server.identityAdmin.send(new ListIdentitiesCommand({ IdentityPoolId: identityPoolId, MaxResults: 10, HideDisabled: true }));
        assert.deepEqual(visible.Identities!.map((i) => i.IdentityId), [ids.shown]);
        const explicitFalse = await server.identityAdmin.send(new ListIdentitiesCommand({ IdentityPoolId: identityPoolId, MaxResults: 10, HideDisabled: false }));
        assert.equal(explicitFalse.Identities!.length, 2);
      });

      it("principal tags: none until the provider's map is set (as GetPrincipalTagAttributeMap reports); UseDefaults puts the default map in the identity's tokens; UseDefaults false with no tags turns it off", async () => {
        const pool = await newPool(server);
        await adminUser(server, pool, 'tagged');
        const identityPoolId = await identityPoolFor(server, [pool]);
        const session = await srpSignIn(server, pool, 'tagged');
        const logins = { [providerOf(pool)]: session.getIdToken().getJwtToken() };
        const IdentityId = (await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: logins }))).IdentityId!;
        const token = (await server.identity.send(new GetOpenIdTokenCommand({ IdentityId, Logins: logins }))).Token!;
        assert.equal(claims(token)['https://aws.amazon.com/tags'], undefined, 'no map configured: no tags');
        await server.identityAdmin.send(new SetPrincipalTagAttributeMapCommand({ IdentityPoolId: identityPoolId, IdentityProviderName: providerOf(pool), UseDefaults: true }));
        const tagged = (await server.identity.send(new GetOpenIdTokenCommand({ IdentityId, Logins: logins }))).Token!;
        const sub = session.getIdToken().payload.sub as string;
        assert.deepEqual(claims(tagged)['https://aws.amazon.com/tags'], { principal_tags: { username: [sub], client: [pool.clientId] } });
        await server.identityAdmin.send(new SetPrincipalTagAttributeMapCommand({ IdentityPoolId: identityPoolId, IdentityProviderName: providerOf(pool), UseDefaults: false }));
        const untagged = (await server.identity.send(new GetOpenIdTokenCommand({ IdentityId, Logins: logins }))).Token!;
        assert.equal(claims(untagged)['https://aws.amazon.com/tags'], undefined);
      });
    });

    describe('user import jobs: cognito:mfa_enabled', () => {
      async function runJob(poolId: string, rows: Record<string, string>[]): Promise<UserImportJobType> {
        const job = (await server.admin.send(new CreateUserImportJobCommand({ UserPoolId: poolId, JobName: 'mfa', CloudWatchLogsRoleArn: ROLE }))).UserImportJob!;
        const header = (await server.admin.send(new GetCSVHeaderCommand({ UserPoolId: poolId }))).CSVHeader!;
        const csv = [header.join(','), ...rows.map((r) => header.map((h) => r[h] ?? '').join(','))].join('\n') + '\n';
        const put = await fetch(job.PreSignedUrl!, { method: 'PUT', body: fetchBody(csv), headers: { 'x-amz-server-side-encryption': 'aws:kms', 'content-type': 'text/csv' } });
        assert.equal(put.status, 200);
        await server.admin.send(new StartUserImportJobCommand({ UserPoolId: poolId, JobId: job.JobId! }));
        for (let i = 0; i < 1500; i++) {
          const j = (await server.admin.send(new DescribeUserImportJobCommand({ UserPoolId: poolId, JobId: job.JobId! }))).UserImportJob!;
          if (!['Pending', 'InProgress', 'Stopping'].includes(j.Status!)) return j;
          await new Promise((r) => setTimeout(r, 20));
        }
        assert.fail('the import job did not finish');
      }

      it('true turns on SMS MFA to phone_number (MFAOptions, SMS_MFA); true without a phone_number and a non-boolean are rejected rows', async () => {
        const pool = await newPool(server);
        const row = (username: string, extra: Record<string, string>) => ({ 'cognito:username': username, email: `${username}@example.com`, email_verified: 'true', ...extra });
        const done = await runJob(pool.poolId, [
          row('sms-user', { phone_number: '+15555550100', phone_number_verified: 'true', 'cognito:mfa_enabled': 'true' }),
          row('plain-user', { 'cognito:mfa_enabled': 'false' }),
          row('no-phone', { 'cognito:mfa_enabled': 'true' }),
          row('not-boolean', { 'cognito:mfa_enabled': 'yes' }),
        ]);
        assert.equal(done.Status, 'Succeeded');
        assert.deepEqual([done.ImportedUsers, done.FailedUsers], [2, 2]);
        const sms = await server.admin.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: 'sms-user' }));
        assert.deepEqual(sms.MFAOptions, [{ DeliveryMedium: 'SMS', AttributeName: 'phone_number' }]);
        assert.deepEqual(sms.UserMFASettingList, ['SMS_MFA']);
        const plain = await server.admin.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: 'plain-user' }));
        assert.equal(plain.MFAOptions, undefined);
        assert.equal((await failure(() => server.admin.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: 'no-phone' })))).name, 'UserNotFoundException');
      });
    });
  });
}
