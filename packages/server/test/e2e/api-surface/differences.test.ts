/**
 * Differences from Cognito found by running real clients' expectations (issue 15), each pinned with
 * the AWS SDK: CreateUserPool's Schema checks (a custom attribute's type, constraint ranges,
 * DeveloperOnlyAttribute on a standard attribute, no empty NumberAttributeConstraints), "True" and
 * "False" as boolean attribute values, the legacy verification-message members echoed from a
 * VerificationMessageTemplate, SetUserPoolMfaConfig ON without a usable factor refused with
 * Cognito's message, and AdminDeleteUserAttributes' wording for an attribute the schema lacks.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminDeleteUserAttributesCommand,
  AdminGetUserCommand,
  AdminUpdateUserAttributesCommand,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  SetUserPoolMfaConfigCommand,
  type SchemaAttributeType,
} from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { failure, startTestServer, type TestServer } from '../../support/server.js';

for (const kind of databaseKinds) {
  describe(`differences from Cognito (${kind})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(kind);
    });
    after(async () => {
      await server?.stop();
    });
    const create = (Schema: SchemaAttributeType[]) => server.admin.send(new CreateUserPoolCommand({ PoolName: 'diff', Schema }));

    it('CreateUserPool refuses invalid Schema entries as Cognito does; a custom Number without limits has no NumberAttributeConstraints', async () => {
      const noType = await failure(() => create([{ Name: 'tier' }]));
      assert.deepEqual(noType, { name: 'InvalidParameterException', message: 'Invalid AttributeDataType input, consider using the provided AttributeDataType enum.' });
      const cases: [string, SchemaAttributeType][] = [
        ['non-numeric MaxLength', { Name: 'a', AttributeDataType: 'String', StringAttributeConstraints: { MaxLength: 'ten' } }],
        ['MaxLength over 2048', { Name: 'a', AttributeDataType: 'String', StringAttributeConstraints: { MaxLength: '2049' } }],
        ['MinLength > MaxLength', { Name: 'a', AttributeDataType: 'String', StringAttributeConstraints: { MinLength: '5', MaxLength: '4' } }],
        ['non-numeric MinValue', { Name: 'n', AttributeDataType: 'Number', NumberAttributeConstraints: { MinValue: 'low' } }],
        ['MinValue > MaxValue', { Name: 'n', AttributeDataType: 'Number', NumberAttributeConstraints: { MinValue: '10', MaxValue: '1' } }],
        ['developer-only standard attribute', { Name: 'email', AttributeDataType: 'String', DeveloperOnlyAttribute: true }],
        ['standard attribute MaxLength over 2048', { Name: 'name', AttributeDataType: 'String', StringAttributeConstraints: { MaxLength: '4096' } }],
        ['standard attribute non-numeric MinLength', { Name: 'name', AttributeDataType: 'String', StringAttributeConstraints: { MinLength: 'x' } }],
      ];
      for (const [what, attr] of cases) assert.equal((await failure(() => create([attr]))).name, 'InvalidParameterException', what);

      const pool = (await create([{ Name: 'score', AttributeDataType: 'Number' }, { Name: 'bounded', AttributeDataType: 'Number', NumberAttributeConstraints: { MinValue: '1', MaxValue: '5' } }])).UserPool!;
      const score = pool.SchemaAttributes!.find((a) => a.Name === 'custom:score')!;
      assert.equal(score.NumberAttributeConstraints, undefined, 'no empty NumberAttributeConstraints');
      assert.deepEqual(pool.SchemaAttributes!.find((a) => a.Name === 'custom:bounded')!.NumberAttributeConstraints, { MinValue: '1', MaxValue: '5' });
    });

    it('boolean attributes take "True" and "False" (stored as true/false)', async () => {
      const poolId = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'bools' }))).UserPool!.Id!;
      await server.admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'bo', MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: 'bo@example.com' }, { Name: 'email_verified', Value: 'True' }] }));
      const attrs = async () => Object.fromEntries((await server.admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'bo' }))).UserAttributes!.map((a) => [a.Name!, a.Value!]));
      assert.equal((await attrs()).email_verified, 'true');
      await server.admin.send(new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: 'bo', UserAttributes: [{ Name: 'email_verified', Value: 'False' }] }));
      assert.equal((await attrs()).email_verified, 'false');
      const wrong = await failure(() => server.admin.send(new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: 'bo', UserAttributes: [{ Name: 'email_verified', Value: 'yes' }] })));
      assert.equal(wrong.name, 'InvalidParameterException');
    });

    it('a VerificationMessageTemplate comes back in the legacy EmailVerificationMessage, EmailVerificationSubject and SmsVerificationMessage too', async () => {
      const template = { EmailMessage: 'Your code is {####}', EmailSubject: 'Your code', SmsMessage: 'Code: {####}', DefaultEmailOption: 'CONFIRM_WITH_CODE' as const };
      const created = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'legacy', VerificationMessageTemplate: template }))).UserPool!;
      const described = (await server.admin.send(new DescribeUserPoolCommand({ UserPoolId: created.Id! }))).UserPool!;
      for (const pool of [created, described]) {
        assert.equal(pool.EmailVerificationMessage, template.EmailMessage);
        assert.equal(pool.EmailVerificationSubject, template.EmailSubject);
        assert.equal(pool.SmsVerificationMessage, template.SmsMessage);
        assert.equal(pool.VerificationMessageTemplate?.EmailMessage, template.EmailMessage);
      }
      const plain = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'plain' }))).UserPool!;
      assert.equal(plain.EmailVerificationMessage, undefined);
    });

    it("SetUserPoolMfaConfig ON without a usable factor is refused with Cognito's message (SMS without any SmsConfiguration is no factor)", async () => {
      const poolId = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'mfa' }))).UserPool!.Id!;
      const message = "Invalid MFA configuration given, can't disable all MFAs with a required or optional configuration.";
      for (const input of [{}, { SmsMfaConfiguration: { SmsAuthenticationMessage: 'code {####}' } }, { SoftwareTokenMfaConfiguration: { Enabled: false } }]) {
        assert.deepEqual(await failure(() => server.admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: poolId, MfaConfiguration: 'ON', ...input }))), { name: 'InvalidParameterException', message }, JSON.stringify(input));
      }
      const ok = await server.admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: poolId, MfaConfiguration: 'ON', SmsMfaConfiguration: { SmsAuthenticationMessage: 'code {####}', SmsConfiguration: { SnsCallerArn: 'arn:aws:iam::000000000000:role/sms', ExternalId: 'x' } } }));
      assert.equal(ok.MfaConfiguration, 'ON');
    });

    it("AdminDeleteUserAttributes of an attribute the schema lacks: Cognito's wording", async () => {
      const poolId = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'del' }))).UserPool!.Id!;
      await server.admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'dee', MessageAction: 'SUPPRESS' }));
      const e = await failure(() => server.admin.send(new AdminDeleteUserAttributesCommand({ UserPoolId: poolId, Username: 'dee', UserAttributeNames: ['custom:foo'] })));
      assert.deepEqual(e, { name: 'InvalidParameterException', message: 'Invalid user attributes: user.custom:foo: Attribute does not exist in the schema.' });
    });
  });
}
