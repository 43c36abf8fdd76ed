/**
 * User pool and app client administration through the real AWS SDK v3, signed with SigV4.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteUserPoolClientCommand,
  DeleteUserPoolCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  UpdateUserPoolClientCommand,
  UpdateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../support/postgres.js';
import { EXACT_COUNT_BELOW } from '../../src/domain/user-pools.js';
import { importUsersFile } from '../../src/domain/user-import.js';
import { failureWithStatus as failure, startTestServer, type TestServer } from '../support/server.js';

for (const kind of databaseKinds) {
  describe(`user pools and app clients (${kind})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(kind);
    });
    after(() => server.stop());

    it('EstimatedNumberOfUsers: exact for a small pool after every change; a pool of 10,000 or more is counted at most once a minute, not at every DescribeUserPool', async () => {
      const estimate = async (id: string) => (await server.admin.send(new DescribeUserPoolCommand({ UserPoolId: id }))).UserPool!.EstimatedNumberOfUsers;
      const small = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'small' }))).UserPool!.Id!;
      for (const [i, expected] of [[1, 1], [2, 2]] as const) {
        await server.admin.send(new AdminCreateUserCommand({ UserPoolId: small, Username: `s${i}`, MessageAction: 'SUPPRESS' }));
        assert.equal(await estimate(small), expected);
      }
      const large = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'large' }))).UserPool!.Id!;
      const lines = Array.from({ length: EXACT_COUNT_BELOW }, (_, i) => JSON.stringify({ username: `u${i}` })).join('\n');
      assert.deepEqual(await importUsersFile(server.running.cognate, large, lines, 'jsonl'), { imported: EXACT_COUNT_BELOW });
      assert.equal(await estimate(large), EXACT_COUNT_BELOW);
      await server.admin.send(new AdminCreateUserCommand({ UserPoolId: large, Username: 'one-more', MessageAction: 'SUPPRESS' }));
      assert.equal(await estimate(large), EXACT_COUNT_BELOW, 'within the minute, the count already made');
      assert.equal(await estimate(small), 2, 'the small pool is still exact');
    });

    it('creates, describes, updates, lists and deletes a pool with Cognito-shaped IDs and defaults', async () => {
      const created = await server.admin.send(
        new CreateUserPoolCommand({
          PoolName: 'shop',
          AutoVerifiedAttributes: ['email'],
          Policies: { PasswordPolicy: { MinimumLength: 10, RequireSymbols: false } },
          Schema: [{ Name: 'tier', AttributeDataType: 'String', Mutable: true }],
        }),
      );
      const pool = created.UserPool!;
      assert.match(pool.Id!, /^us-east-1_[0-9a-zA-Z]{9}$/);
      assert.equal(pool.Name, 'shop');
      assert.equal(pool.Policies?.PasswordPolicy?.MinimumLength, 10);
      assert.equal(pool.Policies?.PasswordPolicy?.RequireSymbols, false);
      assert.equal(pool.Policies?.PasswordPolicy?.RequireUppercase, true);
      assert.equal(pool.MfaConfiguration, 'OFF');
      assert.equal(pool.UsernameConfiguration?.CaseSensitive, false);
      assert.ok(pool.CreationDate instanceof Date, 'timestamps arrive as epoch seconds and parse as dates');
      assert.ok(Math.abs(pool.CreationDate!.getTime() - server.clock.now()) < 2000);
      assert.ok(pool.SchemaAttributes!.some((a) => a.Name === 'custom:tier' && a.AttributeDataType === 'String'));
      assert.ok(pool.SchemaAttributes!.some((a) => a.Name === 'email'));
      assert.equal(pool.Arn, `arn:aws:cognito-idp:us-east-1:000000000000:userpool/${pool.Id}`);

      const described = await server.admin.send(new DescribeUserPoolCommand({ UserPoolId: pool.Id }));
      assert.equal(described.UserPool?.Id, pool.Id);
      assert.equal(described.UserPool?.EstimatedNumberOfUsers, 0);

      await server.admin.send(new UpdateUserPoolCommand({ UserPoolId: pool.Id, MfaConfiguration: 'OFF', AutoVerifiedAttributes: ['email'], Policies: { PasswordPolicy: { MinimumLength: 12 } } }));
      const updated = await server.admin.send(new DescribeUserPoolCommand({ UserPoolId: pool.Id }));
      assert.equal(updated.UserPool?.Policies?.PasswordPolicy?.MinimumLength, 12);
      assert.ok(updated.UserPool!.SchemaAttributes!.some((a) => a.Name === 'custom:tier'), 'the schema survives updates');

      const listed = await server.admin.send(new ListUserPoolsCommand({ MaxResults: 60 }));
      assert.ok(listed.UserPools!.some((p) => p.Id === pool.Id && p.Name === 'shop'));

      await server.admin.send(new DeleteUserPoolCommand({ UserPoolId: pool.Id }));
      const gone = await failure(() => server.admin.send(new DescribeUserPoolCommand({ UserPoolId: pool.Id })));
      assert.equal(gone.name, 'ResourceNotFoundException');
      assert.equal(gone.status, 400);
    });

    it('pages through ListUserPools with NextToken', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await server.admin.send(new CreateUserPoolCommand({ PoolName: `page-${i}` }))).UserPool!.Id!);
      const seen: string[] = [];
      let token: string | undefined;
      do {
        const page = await server.admin.send(new ListUserPoolsCommand({ MaxResults: 1, NextToken: token }));
        assert.ok(page.UserPools!.length <= 1);
        seen.push(...page.UserPools!.map((p) => p.Id!));
        token = page.NextToken;
      } while (token);
      for (const id of ids) assert.ok(seen.includes(id));
      assert.equal(new Set(seen).size, seen.length, 'no pool is listed twice');
      const bad = await failure(() => server.admin.send(new ListUserPoolsCommand({ MaxResults: 1, NextToken: 'not-a-token' })));
      assert.equal(bad.name, 'InvalidParameterException');
    });

    it('refuses invalid pool settings with InvalidParameterException', async () => {
      const cases: [string, () => Promise<unknown>][] = [
        ['password length below 6', () => server.admin.send(new CreateUserPoolCommand({ PoolName: 'p', Policies: { PasswordPolicy: { MinimumLength: 5 } } }))],
        ['alias and username attributes together', () => server.admin.send(new CreateUserPoolCommand({ PoolName: 'p', AliasAttributes: ['email'], UsernameAttributes: ['email'] }))],
        ['bad auto-verified attribute', () => server.admin.send(new CreateUserPoolCommand({ PoolName: 'p', AutoVerifiedAttributes: ['nickname' as never] }))],
        ['empty pool name', () => server.admin.send(new CreateUserPoolCommand({ PoolName: '' }))],
        ['malformed pool ID', () => server.admin.send(new DescribeUserPoolCommand({ UserPoolId: 'nope' }))],
        ['MaxResults above 60', () => server.admin.send(new ListUserPoolsCommand({ MaxResults: 61 }))],
      ];
      for (const [what, call] of cases) {
        const err = await failure(call);
        assert.equal(err.name, 'InvalidParameterException', what);
        assert.equal(err.status, 400, what);
      }
    });

    it('manages app clients: secrets, flows, token validity, listing and deletion', async () => {
      const poolId = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'apps' }))).UserPool!.Id!;
      const withSecret = (
        await server.admin.send(
          new CreateUserPoolClientCommand({
            UserPoolId: poolId,
            ClientName: 'backend',
            GenerateSecret: true,
            ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
            AccessTokenValidity: 30,
            TokenValidityUnits: { AccessToken: 'minutes' },
          }),
        )
      ).UserPoolClient!;
      assert.match(withSecret.ClientId!, /^[a-z0-9]{26}$/);
      assert.match(withSecret.ClientSecret!, /^[a-z0-9]{51}$/);
      assert.equal(withSecret.AccessTokenValidity, 30);
      assert.equal(withSecret.IdTokenValidity, 1);
      assert.equal(withSecret.RefreshTokenValidity, 30);
      assert.equal(withSecret.PreventUserExistenceErrors, 'LEGACY', "the API's default, as Cognito's");
      assert.equal(withSecret.EnableTokenRevocation, true);
      assert.equal(withSecret.AuthSessionValidity, 3);

      const publicClient = (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, PreventUserExistenceErrors: 'ENABLED', ClientName: 'web' }))).UserPoolClient!;
      assert.equal(publicClient.ClientSecret, undefined);

      const described = await server.admin.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: withSecret.ClientId }));
      assert.equal(described.UserPoolClient?.ClientSecret, withSecret.ClientSecret);

      const updated = await server.admin.send(new UpdateUserPoolClientCommand({ UserPoolId: poolId, ClientId: publicClient.ClientId, ClientName: 'web2', ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }));
      assert.equal(updated.UserPoolClient?.ClientName, 'web2');
      assert.deepEqual(updated.UserPoolClient?.ExplicitAuthFlows, ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);

      const listed = await server.admin.send(new ListUserPoolClientsCommand({ UserPoolId: poolId, MaxResults: 1 }));
      assert.equal(listed.UserPoolClients!.length, 1);
      assert.ok(listed.NextToken);
      const rest = await server.admin.send(new ListUserPoolClientsCommand({ UserPoolId: poolId, MaxResults: 10, NextToken: listed.NextToken }));
      assert.equal(listed.UserPoolClients!.length + rest.UserPoolClients!.length, 2);

      await server.admin.send(new DeleteUserPoolClientCommand({ UserPoolId: poolId, ClientId: publicClient.ClientId }));
      const gone = await failure(() => server.admin.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: publicClient.ClientId })));
      assert.equal(gone.name, 'ResourceNotFoundException');
    });

    it('refuses bad app client settings and unknown pools', async () => {
      const poolId = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'bad-apps' }))).UserPool!.Id!;
      const cases: [string, string, () => Promise<unknown>][] = [
        ['access token validity below 5 minutes', 'InvalidParameterException', () => server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'x', AccessTokenValidity: 4, TokenValidityUnits: { AccessToken: 'minutes' } }))],
        ['refresh token validity above 10 years', 'InvalidParameterException', () => server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'x', RefreshTokenValidity: 3651 }))],
        ['legacy and new flows mixed', 'InvalidParameterException', () => server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'x', ExplicitAuthFlows: ['USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH'] }))],
        ['unknown flow', 'InvalidParameterException', () => server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'x', ExplicitAuthFlows: ['ALLOW_EVERYTHING' as never] }))],
        ['unknown pool', 'ResourceNotFoundException', () => server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: 'us-east-1_Missing00', ClientName: 'x' }))],
        ['unknown client', 'ResourceNotFoundException', () => server.admin.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: 'a'.repeat(26) }))],
        ['missing client name', 'InvalidParameterException', () => server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId } as never))],
      ];
      for (const [what, name, call] of cases) assert.equal((await failure(call)).name, name, what);
    });

    it('refuses bad input on every other admin action', async () => {
      const protectedPool = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'guarded', DeletionProtection: 'ACTIVE' }))).UserPool!.Id!;
      const clientId = (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: protectedPool, PreventUserExistenceErrors: 'ENABLED', ClientName: 'x' }))).UserPoolClient!.ClientId!;
      const missingPool = 'us-east-1_Missing00';
      const cases: [string, string, () => Promise<unknown>][] = [
        ['update an unknown pool', 'ResourceNotFoundException', () => server.admin.send(new UpdateUserPoolCommand({ UserPoolId: missingPool }))],
        ['update with a bad password policy', 'InvalidParameterException', () => server.admin.send(new UpdateUserPoolCommand({ UserPoolId: protectedPool, DeletionProtection: 'ACTIVE', Policies: { PasswordPolicy: { MinimumLength: 100 } } }))],
        ['delete an unknown pool', 'ResourceNotFoundException', () => server.admin.send(new DeleteUserPoolCommand({ UserPoolId: missingPool }))],
        ['delete a protected pool', 'InvalidParameterException', () => server.admin.send(new DeleteUserPoolCommand({ UserPoolId: protectedPool }))],
        ['update an unknown client', 'ResourceNotFoundException', () => server.admin.send(new UpdateUserPoolClientCommand({ UserPoolId: protectedPool, ClientId: 'b'.repeat(26) }))],
        ['update a client through another pool', 'ResourceNotFoundException', () => server.admin.send(new UpdateUserPoolClientCommand({ UserPoolId: missingPool, ClientId: clientId }))],
        ['update a client with a bad validity', 'InvalidParameterException', () => server.admin.send(new UpdateUserPoolClientCommand({ UserPoolId: protectedPool, ClientId: clientId, IdTokenValidity: 25 }))],
        ['delete an unknown client', 'ResourceNotFoundException', () => server.admin.send(new DeleteUserPoolClientCommand({ UserPoolId: protectedPool, ClientId: 'c'.repeat(26) }))],
        ['list the clients of an unknown pool', 'ResourceNotFoundException', () => server.admin.send(new ListUserPoolClientsCommand({ UserPoolId: missingPool }))],
        ['list clients with a forged token', 'InvalidParameterException', () => server.admin.send(new ListUserPoolClientsCommand({ UserPoolId: protectedPool, NextToken: Buffer.from('a b').toString('base64url') }))],
        ['get an unknown user', 'UserNotFoundException', () => server.admin.send(new AdminGetUserCommand({ UserPoolId: protectedPool, Username: 'ghost' }))],
        ['get a user of an unknown pool', 'ResourceNotFoundException', () => server.admin.send(new AdminGetUserCommand({ UserPoolId: missingPool, Username: 'ghost' }))],
        ['get a user with a blank name', 'InvalidParameterException', () => server.admin.send(new AdminGetUserCommand({ UserPoolId: protectedPool, Username: '' }))],
      ];
      for (const [what, name, call] of cases) assert.equal((await failure(call)).name, name, what);
      const still = await server.admin.send(new DescribeUserPoolCommand({ UserPoolId: protectedPool }));
      assert.equal(still.UserPool?.Policies?.PasswordPolicy?.MinimumLength, 8, 'a refused update changes nothing');
    });

    it('verifies SigV4 on admin calls: a wrong secret, an unknown key and no signature are refused', async () => {
      const common = { region: 'us-east-1', endpoint: server.url, maxAttempts: 1 };
      const wrongSecret = new CognitoIdentityProviderClient({ ...common, credentials: { accessKeyId: server.credentials.accessKeyId, secretAccessKey: 'wrong' } });
      const unknownKey = new CognitoIdentityProviderClient({ ...common, credentials: { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: server.credentials.secretAccessKey } });
      try {
        assert.equal((await failure(() => wrongSecret.send(new ListUserPoolsCommand({ MaxResults: 1 })))).name, 'InvalidSignatureException');
        assert.equal((await failure(() => unknownKey.send(new ListUserPoolsCommand({ MaxResults: 1 })))).name, 'UnrecognizedClientException');
      } finally {
        wrongSecret.destroy();
        unknownKey.destroy();
      }
      const unsigned = await fetch(server.url + '/', {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.ListUserPools' },
        body: JSON.stringify({ MaxResults: 1 }),
      });
      assert.ok(unsigned.status >= 400 && unsigned.status < 500);
      assert.equal(((await unsigned.json()) as { __type: string }).__type, 'MissingAuthenticationTokenException');
    });
  });
}
