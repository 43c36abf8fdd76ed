/**
 * The attribute schema: AddCustomAttributes (custom: and dev:custom: attributes, String and Number
 * constraints, mutability, Cognito's refusals), developer-only attributes that only administrators
 * write and see, and app-client ReadAttributes / WriteAttributes limiting GetUser, the ID token,
 * SignUp and UpdateUserAttributes, checked against the schema when a client is created or updated.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AddCustomAttributesCommand,
  AdminGetUserCommand,
  AdminUpdateUserAttributesCommand,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  GetUserCommand,
  InitiateAuthCommand,
  ListUsersCommand,
  SignUpCommand,
  UpdateUserAttributesCommand,
  UpdateUserPoolClientCommand,
  type SchemaAttributeType,
} from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../support/postgres.js';
import { idp, startTestServer, type TestServer } from '../support/server.js';
import { Codes, PASSWORD, attrs, claims, confirmedUser, fails, newPool, type Pool } from './security/helpers.js';

const invalid = (message: string) => ({ name: 'InvalidParameterException', message });
const UNAUTHORIZED_WRITE = { name: 'NotAuthorizedException', message: 'A client attempted to write unauthorized attribute' };

for (const kind of databaseKinds) {
  describe(`attribute schema and client permissions (${kind})`, () => {
    let server: TestServer;
    let codes: Codes;

    before(async () => {
      server = await startTestServer(kind);
      codes = new Codes(server);
    });
    after(() => server.stop());

    const add = (UserPoolId: string, CustomAttributes: SchemaAttributeType[]) => server.admin.send(new AddCustomAttributesCommand({ UserPoolId, CustomAttributes }));
    const schemaOf = async (UserPoolId: string) => (await server.admin.send(new DescribeUserPoolCommand({ UserPoolId }))).UserPool!.SchemaAttributes!;
    const custom = async (UserPoolId: string) => (await schemaOf(UserPoolId)).filter((a) => a.Name!.includes('custom:'));
    const signIn = (pool: Pool, USERNAME: string, clientId = pool.clientId) =>
      server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME, PASSWORD } }));

    it('AddCustomAttributes adds custom: attributes with their type, constraints and mutability', async () => {
      const pool = await newPool(server);
      await add(pool.poolId, [
        { Name: 'tier', AttributeDataType: 'String', Mutable: true, StringAttributeConstraints: { MinLength: '2', MaxLength: '8' } },
        { Name: 'custom:score', AttributeDataType: 'Number', Mutable: true, NumberAttributeConstraints: { MinValue: '0', MaxValue: '100' } },
        { Name: 'badge', Mutable: false },
      ]);
      assert.deepEqual(await custom(pool.poolId), [
        { Name: 'custom:tier', AttributeDataType: 'String', DeveloperOnlyAttribute: false, Mutable: true, Required: false, StringAttributeConstraints: { MinLength: '2', MaxLength: '8' } },
        { Name: 'custom:score', AttributeDataType: 'Number', DeveloperOnlyAttribute: false, Mutable: true, Required: false, NumberAttributeConstraints: { MinValue: '0', MaxValue: '100' } },
        { Name: 'custom:badge', AttributeDataType: 'String', DeveloperOnlyAttribute: false, Mutable: false, Required: false, StringAttributeConstraints: {} },
      ]);

      // The new attributes are usable at once, with their constraints.
      const signUp = (Username: string, UserAttributes: { Name: string; Value: string }[]) =>
        server.anonymous.send(new SignUpCommand({ ClientId: pool.clientId, Username, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: `${Username}@example.com` }, ...UserAttributes] }));
      assert.deepEqual(await fails(() => signUp('tiny', [{ Name: 'custom:tier', Value: 'x' }])), invalid('Attributes did not conform to the schema: custom:tier: String attribute length must be between 2 and 8.'));
      assert.deepEqual(await fails(() => signUp('big', [{ Name: 'custom:score', Value: '101' }])), invalid('Attributes did not conform to the schema: custom:score: Number attribute value is out of range.'));
      await signUp('fine', [{ Name: 'custom:tier', Value: 'gold' }, { Name: 'custom:score', Value: '42' }, { Name: 'custom:badge', Value: 'early' }]);
      const user = attrs((await server.admin.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: 'fine' }))).UserAttributes);
      assert.deepEqual([user['custom:tier'], user['custom:score'], user['custom:badge']], ['gold', '42', 'early']);
      assert.deepEqual(
        await fails(() => server.admin.send(new AdminUpdateUserAttributesCommand({ UserPoolId: pool.poolId, Username: 'fine', UserAttributes: [{ Name: 'custom:badge', Value: 'late' }] }))),
        invalid('Attributes did not conform to the schema: custom:badge: Attribute cannot be updated. (changing an immutable attribute)'),
      );
    });

    it('AddCustomAttributes refuses bad input with Cognito-style errors and writes nothing', async () => {
      const pool = await newPool(server, { Schema: [{ Name: 'plan', AttributeDataType: 'String' }, { Name: 'secret', AttributeDataType: 'String', DeveloperOnlyAttribute: true }] });
      const before = await schemaOf(pool.poolId);
      const cases: [string, SchemaAttributeType[], { name: string; message?: string }][] = [
        ['an existing name', [{ Name: 'plan', AttributeDataType: 'String' }], invalid('custom:plan: Existing attribute already has name custom:plan.')],
        ['an existing name, prefixed', [{ Name: 'custom:plan', AttributeDataType: 'String' }], invalid('custom:plan: Existing attribute already has name custom:plan.')],
        ['an existing developer-only name', [{ Name: 'secret', AttributeDataType: 'String' }], invalid('custom:secret: Existing attribute already has name dev:custom:secret.')],
        ['a name twice in one request', [{ Name: 'color' }, { Name: 'custom:color' }], invalid('custom:color: Existing attribute already has name custom:color.')],
        ['a required attribute', [{ Name: 'must', Required: true }], invalid('Required custom attributes are not supported currently.')],
        ['a name over 20 characters', [{ Name: 'x'.repeat(21) }], { name: 'InvalidParameterException' }],
        ['a name with spaces', [{ Name: 'has space' }], { name: 'InvalidParameterException' }],
        ['no name', [{ AttributeDataType: 'String' }], { name: 'InvalidParameterException' }],
        ['an unknown type', [{ Name: 'odd', AttributeDataType: 'Blob' as never }], { name: 'InvalidParameterException' }],
        ['a MaxLength over 2048', [{ Name: 'long', StringAttributeConstraints: { MaxLength: '2049' } }], { name: 'InvalidParameterException' }],
        ['MinLength over MaxLength', [{ Name: 'span', StringAttributeConstraints: { MinLength: '5', MaxLength: '4' } }], { name: 'InvalidParameterException' }],
        ['a MinLength that is not a number', [{ Name: 'nan', StringAttributeConstraints: { MinLength: 'two' } }], { name: 'InvalidParameterException' }],
        ['MinValue over MaxValue', [{ Name: 'range', AttributeDataType: 'Number', NumberAttributeConstraints: { MinValue: '10', MaxValue: '1' } }], { name: 'InvalidParameterException' }],
        ['a MaxValue that is not a number', [{ Name: 'nanum', AttributeDataType: 'Number', NumberAttributeConstraints: { MaxValue: '1e3' } }], { name: 'InvalidParameterException' }],
        ['an empty list', [], { name: 'InvalidParameterException' }],
        ['26 attributes at once', Array.from({ length: 26 }, (_, i) => ({ Name: `a${i}` })), { name: 'InvalidParameterException' }],
        ['one good, one bad', [{ Name: 'good' }, { Name: 'plan' }], invalid('custom:plan: Existing attribute already has name custom:plan.')],
      ];
      for (const [what, attributes, expected] of cases) {
        const err = await fails(() => add(pool.poolId, attributes));
        assert.equal(err.name, expected.name, what);
        if (expected.message) assert.equal(err.message, expected.message, what);
      }
      assert.deepEqual(await schemaOf(pool.poolId), before, 'nothing was added');
      assert.equal((await fails(() => add('us-east-1_nothere00', [{ Name: 'x' }]))).name, 'ResourceNotFoundException');
      const raw = await idp(server.url, 'AddCustomAttributes', { UserPoolId: pool.poolId, CustomAttributes: [{ Name: 'x' }] });
      assert.deepEqual([raw.status, raw.json.__type], [403, 'MissingAuthenticationTokenException'], 'unsigned calls are refused');
    });

    it('a pool has at most 50 custom attributes', async () => {
      const pool = await newPool(server);
      await add(pool.poolId, Array.from({ length: 25 }, (_, i) => ({ Name: `a${i}` })));
      await add(pool.poolId, Array.from({ length: 24 }, (_, i) => ({ Name: `b${i}` })));
      assert.deepEqual(await fails(() => add(pool.poolId, [{ Name: 'c0' }, { Name: 'c1' }])), invalid('A user pool can have at most 50 custom attributes.'));
      await add(pool.poolId, [{ Name: 'c0' }]);
      assert.equal((await custom(pool.poolId)).length, 50);
      assert.deepEqual(await fails(() => add(pool.poolId, [{ Name: 'c1' }])), invalid('A user pool can have at most 50 custom attributes.'));
    });

    it('parallel AddCustomAttributes calls lose nothing', async () => {
      const pool = await newPool(server);
      await Promise.all(Array.from({ length: 10 }, (_, i) => add(pool.poolId, [{ Name: `p${i}` }])));
      assert.deepEqual((await custom(pool.poolId)).map((a) => a.Name).sort(), Array.from({ length: 10 }, (_, i) => `custom:p${i}`).sort());
    });

    it('developer-only attributes: only administrators write and read them; never users or tokens', async () => {
      const pool = await newPool(server);
      await add(pool.poolId, [{ Name: 'risk', AttributeDataType: 'Number', DeveloperOnlyAttribute: true }]);
      assert.equal((await custom(pool.poolId))[0]!.Name, 'dev:custom:risk');
      await confirmedUser(server, codes, pool, 'dana', 'dana@example.com');
      await server.admin.send(new AdminUpdateUserAttributesCommand({ UserPoolId: pool.poolId, Username: 'dana', UserAttributes: [{ Name: 'dev:custom:risk', Value: '7' }] }));
      assert.equal(attrs((await server.admin.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: 'dana' }))).UserAttributes)['dev:custom:risk'], '7');
      assert.equal(attrs((await server.admin.send(new ListUsersCommand({ UserPoolId: pool.poolId }))).Users![0]!.Attributes)['dev:custom:risk'], '7');

      const session = (await signIn(pool, 'dana')).AuthenticationResult!;
      assert.equal(attrs((await server.anonymous.send(new GetUserCommand({ AccessToken: session.AccessToken }))).UserAttributes)['dev:custom:risk'], undefined, 'GetUser hides it');
      assert.equal(Object.keys(claims(session.IdToken!)).some((k) => k.startsWith('dev:')), false, 'the ID token has none');
      const notInSchema = invalid('Attributes did not conform to the schema: dev:custom:risk: Attribute does not exist in the schema.');
      assert.deepEqual(await fails(() => server.anonymous.send(new UpdateUserAttributesCommand({ AccessToken: session.AccessToken, UserAttributes: [{ Name: 'dev:custom:risk', Value: '0' }] }))), notInSchema);
      assert.deepEqual(
        await fails(() => server.anonymous.send(new SignUpCommand({ ClientId: pool.clientId, Username: 'eve', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'eve@example.com' }, { Name: 'dev:custom:risk', Value: '0' }] }))),
        notInSchema,
      );
      for (const list of ['ReadAttributes', 'WriteAttributes'] as const) {
        const err = await fails(() => server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: pool.poolId, ClientName: 'x', [list]: ['email', 'dev:custom:risk'] })));
        assert.deepEqual(err, invalid(`Invalid ${list === 'ReadAttributes' ? 'read' : 'write'} attributes specified while creating a client`));
      }
      assert.equal(attrs((await server.admin.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: 'dana' }))).UserAttributes)['dev:custom:risk'], '7');
    });

    it('ReadAttributes limit GetUser and the ID token of that client; WriteAttributes limit SignUp and UpdateUserAttributes', async () => {
      const pool = await newPool(server, { Schema: [{ Name: 'tier', AttributeDataType: 'String' }] });
      const limited = (
        await server.admin.send(
          new CreateUserPoolClientCommand({
            UserPoolId: pool.poolId,
            ClientName: 'limited',
            ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
            ReadAttributes: ['email', 'email_verified', 'custom:tier'],
            WriteAttributes: ['email', 'name'],
          }),
        )
      ).UserPoolClient!;
      assert.deepEqual(limited.ReadAttributes, ['email', 'email_verified', 'custom:tier']);
      assert.deepEqual(limited.WriteAttributes, ['email', 'name']);

      await server.anonymous.send(new SignUpCommand({ ClientId: pool.clientId, Username: 'fred', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'fred@example.com' }, { Name: 'name', Value: 'Fred' }, { Name: 'custom:tier', Value: 'gold' }] }));
      await server.anonymous.send(new ConfirmSignUpCommand({ ClientId: pool.clientId, Username: 'fred', ConfirmationCode: await codes.next(pool.poolId, 'fred@example.com') }));

      const viaLimited = (await signIn(pool, 'fred', limited.ClientId)).AuthenticationResult!;
      assert.deepEqual(attrs((await server.anonymous.send(new GetUserCommand({ AccessToken: viaLimited.AccessToken }))).UserAttributes), {
        sub: attrs((await server.admin.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: 'fred' }))).UserAttributes).sub,
        email: 'fred@example.com',
        email_verified: 'true',
        'custom:tier': 'gold',
      });
      const id = claims(viaLimited.IdToken!);
      assert.equal(id.email, 'fred@example.com');
      assert.equal(id['custom:tier'], 'gold');
      assert.equal(id.name, undefined, 'name is not readable by this client');

      const viaDefault = (await signIn(pool, 'fred')).AuthenticationResult!;
      assert.equal(attrs((await server.anonymous.send(new GetUserCommand({ AccessToken: viaDefault.AccessToken }))).UserAttributes).name, 'Fred', 'a client without ReadAttributes reads all');
      assert.equal(claims(viaDefault.IdToken!).name, 'Fred');

      const update = (AccessToken: string, Name: string, Value: string) => server.anonymous.send(new UpdateUserAttributesCommand({ AccessToken, UserAttributes: [{ Name, Value }] }));
      assert.deepEqual(await fails(() => update(viaLimited.AccessToken!, 'custom:tier', 'platinum')), UNAUTHORIZED_WRITE);
      await update(viaLimited.AccessToken!, 'name', 'Frederick');
      await update(viaDefault.AccessToken!, 'custom:tier', 'silver');
      assert.deepEqual(
        await fails(() => server.anonymous.send(new SignUpCommand({ ClientId: limited.ClientId, Username: 'gina', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'gina@example.com' }, { Name: 'custom:tier', Value: 'gold' }] }))),
        UNAUTHORIZED_WRITE,
      );
      assert.ok((await server.anonymous.send(new SignUpCommand({ ClientId: limited.ClientId, Username: 'gina', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'gina@example.com' }] }))).UserSub);
    });

    it('the verified flags may be listed in WriteAttributes, but users still cannot set them', async () => {
      const pool = await newPool(server);
      const client = (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: pool.poolId, ClientName: 'flags', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'], WriteAttributes: ['email', 'email_verified'] }))).UserPoolClient!;
      await confirmedUser(server, codes, pool, 'hana', 'hana@example.com');
      const session = (await signIn(pool, 'hana', client.ClientId)).AuthenticationResult!;
      assert.deepEqual(await fails(() => server.anonymous.send(new UpdateUserAttributesCommand({ AccessToken: session.AccessToken, UserAttributes: [{ Name: 'email_verified', Value: 'true' }] }))), UNAUTHORIZED_WRITE);
      await server.anonymous.send(new SignUpCommand({ ClientId: client.ClientId, Username: 'ivy', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'ivy@example.com' }, { Name: 'email_verified', Value: 'true' }] }));
      assert.notEqual(attrs((await server.admin.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: 'ivy' }))).UserAttributes).email_verified, 'true', 'verification is earned with a code');
    });

    it('CreateUserPoolClient and UpdateUserPoolClient check the lists against the schema', async () => {
      const pool = await newPool(server, { Schema: [{ Name: 'email', AttributeDataType: 'String', Required: true, Mutable: true }, { Name: 'tier', AttributeDataType: 'String' }] });
      const create = (input: { ReadAttributes?: string[]; WriteAttributes?: string[] }) => server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: pool.poolId, ClientName: 'c', ...input }));
      const badRead = invalid('Invalid read attributes specified while creating a client');
      const badWrite = invalid('Invalid write attributes specified while creating a client');
      assert.deepEqual(await fails(() => create({ ReadAttributes: ['email', 'nickname2'] })), badRead, 'an unknown attribute');
      assert.deepEqual(await fails(() => create({ ReadAttributes: ['tier'] })), badRead, 'a custom attribute without its prefix');
      assert.deepEqual(await fails(() => create({ WriteAttributes: ['email', 'custom:nope'] })), badWrite);
      assert.deepEqual(await fails(() => create({ WriteAttributes: ['email', 'sub'] })), badWrite, 'sub is never writable');
      assert.deepEqual(await fails(() => create({ WriteAttributes: ['name'] })), badWrite, 'a required attribute must be writable');
      const ok = (await create({ ReadAttributes: ['sub', 'email', 'custom:tier', 'phone_number_verified'], WriteAttributes: ['email', 'custom:tier'] })).UserPoolClient!;

      const update = (input: { ReadAttributes?: string[]; WriteAttributes?: string[] }) => server.admin.send(new UpdateUserPoolClientCommand({ UserPoolId: pool.poolId, ClientId: ok.ClientId, ...input }));
      assert.deepEqual(await fails(() => update({ ReadAttributes: ['custom:nope'] })), invalid('Invalid read attributes specified while updating a client'));
      assert.deepEqual(await fails(() => update({ WriteAttributes: ['identities', 'email'] })), invalid('Invalid write attributes specified while updating a client'));
      const unchanged = (await server.admin.send(new DescribeUserPoolClientCommand({ UserPoolId: pool.poolId, ClientId: ok.ClientId }))).UserPoolClient!;
      assert.deepEqual(unchanged.WriteAttributes, ['email', 'custom:tier'], 'a refused update changes nothing');
      await update({ ReadAttributes: ['email'], WriteAttributes: ['email', 'name'] });
    });
  });
}
