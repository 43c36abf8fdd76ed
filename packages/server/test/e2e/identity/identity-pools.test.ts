/**
 * Identity pool administration through @aws-sdk/client-cognito-identity, signed with SigV4:
 * Create/Describe/Update/Delete/List, roles and role mappings, tags, principal-tag maps, and
 * Cognito's errors for bad input.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CognitoIdentityClient,
  CreateIdentityPoolCommand,
  DeleteIdentityPoolCommand,
  DescribeIdentityPoolCommand,
  GetIdentityPoolRolesCommand,
  GetPrincipalTagAttributeMapCommand,
  ListIdentityPoolsCommand,
  ListTagsForResourceCommand,
  SetIdentityPoolRolesCommand,
  SetPrincipalTagAttributeMapCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateIdentityPoolCommand,
} from '@aws-sdk/client-cognito-identity';
import { databaseKinds } from '../../support/postgres.js';
import { failureWithStatus as failure, rawCall, startTestServer, type TestServer } from '../../support/server.js';
import { newPool, type Pool } from '../security/helpers.js';

const AUTH_ROLE = 'arn:aws:iam::000000000000:role/Cognito_Auth_Role';
const UNAUTH_ROLE = 'arn:aws:iam::000000000000:role/Cognito_Unauth_Role';
const ADMIN_ROLE = 'arn:aws:iam::000000000000:role/Admins';

for (const kind of databaseKinds) {
  describe(`identity pool administration (${kind})`, () => {
    let server: TestServer;
    let ci: CognitoIdentityClient;
    let userPool: Pool;
    let provider: string;

    before(async () => {
      server = await startTestServer(kind);
      ci = server.identityAdmin;
      userPool = await newPool(server);
      provider = `cognito-idp.us-east-1.amazonaws.com/${userPool.poolId}`;
    });
    after(() => server.stop());

    it('creates, describes, updates and deletes a pool with a region:uuid ID', async () => {
      const created = await ci.send(
        new CreateIdentityPoolCommand({
          IdentityPoolName: 'shop identities',
          AllowUnauthenticatedIdentities: true,
          CognitoIdentityProviders: [{ ProviderName: provider, ClientId: userPool.clientId, ServerSideTokenCheck: true }],
          SupportedLoginProviders: { 'accounts.google.com': 'google-client-id' },
          DeveloperProviderName: 'login.shop.example',
          IdentityPoolTags: { team: 'web' },
        }),
      );
      assert.match(created.IdentityPoolId!, /^us-east-1:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.equal(created.IdentityPoolName, 'shop identities');
      assert.equal(created.AllowUnauthenticatedIdentities, true);
      assert.equal(created.AllowClassicFlow, undefined, 'echoed only when the pool was given it');
      assert.deepEqual(created.CognitoIdentityProviders, [{ ProviderName: provider, ClientId: userPool.clientId, ServerSideTokenCheck: true }]);
      assert.deepEqual(created.IdentityPoolTags, { team: 'web' });

      const described = await ci.send(new DescribeIdentityPoolCommand({ IdentityPoolId: created.IdentityPoolId }));
      assert.equal(described.IdentityPoolName, 'shop identities');
      assert.equal(described.DeveloperProviderName, 'login.shop.example');
      assert.deepEqual(described.SupportedLoginProviders, { 'accounts.google.com': 'google-client-id' });

      const updated = await ci.send(
        new UpdateIdentityPoolCommand({ IdentityPoolId: created.IdentityPoolId, IdentityPoolName: 'renamed', AllowUnauthenticatedIdentities: false, AllowClassicFlow: true }),
      );
      assert.equal(updated.IdentityPoolName, 'renamed');
      assert.equal(updated.AllowUnauthenticatedIdentities, false);
      assert.equal(updated.AllowClassicFlow, true);
      assert.equal(updated.CognitoIdentityProviders, undefined, 'UpdateIdentityPool replaces the providers');
      assert.equal(updated.DeveloperProviderName, 'login.shop.example', 'the developer provider stays');
      assert.deepEqual(updated.IdentityPoolTags, { team: 'web' });

      await ci.send(new DeleteIdentityPoolCommand({ IdentityPoolId: created.IdentityPoolId }));
      const gone = await failure(() => ci.send(new DescribeIdentityPoolCommand({ IdentityPoolId: created.IdentityPoolId })));
      assert.equal(gone.name, 'ResourceNotFoundException');
      assert.equal(gone.status, 400);
      assert.equal((await failure(() => ci.send(new DeleteIdentityPoolCommand({ IdentityPoolId: created.IdentityPoolId })))).name, 'ResourceNotFoundException');
    });

    it('pages through ListIdentityPools', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await ci.send(new CreateIdentityPoolCommand({ IdentityPoolName: `page${i}`, AllowUnauthenticatedIdentities: false }))).IdentityPoolId!);
      const seen: string[] = [];
      let token: string | undefined;
      do {
        const page = await ci.send(new ListIdentityPoolsCommand({ MaxResults: 2, NextToken: token }));
        assert.ok(page.IdentityPools!.length <= 2);
        seen.push(...page.IdentityPools!.map((p) => p.IdentityPoolId!));
        token = page.NextToken;
      } while (token);
      for (const id of ids) assert.equal(seen.filter((s) => s === id).length, 1);
      assert.equal((await failure(() => ci.send(new ListIdentityPoolsCommand({ MaxResults: 2, NextToken: 'bm90LWFuLWlk' })))).name, 'InvalidParameterException');
      assert.equal((await failure(() => ci.send(new ListIdentityPoolsCommand({ MaxResults: 0 })))).name, 'ValidationException');
      assert.equal((await failure(() => ci.send(new ListIdentityPoolsCommand({ MaxResults: 61 })))).name, 'ValidationException');
    });

    it('refuses bad pools: ValidationException for what the model forbids, InvalidParameterException for the rest', async () => {
      const bad = async (input: Record<string, unknown>) =>
        (await failure(() => ci.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'bad', AllowUnauthenticatedIdentities: false, ...input })))).name;
      assert.equal(await bad({ IdentityPoolName: 'no/slashes' }), 'ValidationException');
      assert.equal(await bad({ IdentityPoolName: '' }), 'ValidationException');
      assert.equal(await bad({ CognitoIdentityProviders: [{ ProviderName: 'example.com/us-east-1_abc', ClientId: 'x' }] }), 'InvalidParameterException');
      assert.equal(await bad({ CognitoIdentityProviders: [{ ProviderName: 'cognito-idp.us-east-1.amazonaws.com/us-east-1_NoSuchPol', ClientId: 'abc' }] }), 'InvalidParameterException');
      assert.equal(await bad({ CognitoIdentityProviders: [{ ProviderName: provider, ClientId: 'nosuchclient' }] }), 'InvalidParameterException');
      assert.equal(await bad({ CognitoIdentityProviders: [{ ProviderName: provider }] }), 'InvalidParameterException');
      assert.equal(
        await bad({ CognitoIdentityProviders: [{ ProviderName: provider, ClientId: userPool.clientId }, { ProviderName: provider, ClientId: userPool.clientId }] }),
        'InvalidParameterException',
      );
      assert.equal(await bad({ SupportedLoginProviders: { 'evil.example.com': 'x' } }), 'InvalidParameterException');
      assert.equal(await bad({ OpenIdConnectProviderARNs: ['arn:aws:s3:::bucket/oidc'] }), 'InvalidParameterException');
      assert.equal(await bad({ SamlProviderARNs: ['not-an-arn-at-all-really'] }), 'InvalidParameterException');
      assert.equal(await bad({ DeveloperProviderName: 'cognito-identity.amazonaws.com' }), 'InvalidParameterException');
      assert.equal(await bad({ IdentityPoolTags: { 'aws:reserved': 'x' } }), 'InvalidParameterException');
      // A missing required member and a malformed ID never reach the domain.
      const raw = await rawCall(server.url, 'AWSCognitoIdentityService.DescribeIdentityPool', JSON.stringify({ IdentityPoolId: 'no-colon' }));
      assert.equal(raw.status, 403, 'unsigned admin calls are refused before validation');
      assert.equal((await failure(() => ci.send(new DescribeIdentityPoolCommand({ IdentityPoolId: 'no-colon' })))).name, 'ValidationException');

      const id = (await ci.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'dev', AllowUnauthenticatedIdentities: false, DeveloperProviderName: 'login.a' }))).IdentityPoolId!;
      const changed = await failure(() => ci.send(new UpdateIdentityPoolCommand({ IdentityPoolId: id, IdentityPoolName: 'dev', AllowUnauthenticatedIdentities: false, DeveloperProviderName: 'login.b' })));
      assert.equal(changed.name, 'InvalidParameterException');
      const missing = await failure(() =>
        ci.send(new UpdateIdentityPoolCommand({ IdentityPoolId: 'us-east-1:00000000-0000-0000-0000-000000000000', IdentityPoolName: 'x', AllowUnauthenticatedIdentities: false })),
      );
      assert.equal(missing.name, 'ResourceNotFoundException');
    });

    it('sets and gets roles and role mappings, with Cognito checks', async () => {
      const id = (
        await ci.send(
          new CreateIdentityPoolCommand({
            IdentityPoolName: 'roles',
            AllowUnauthenticatedIdentities: true,
            CognitoIdentityProviders: [{ ProviderName: provider, ClientId: userPool.clientId }],
            SupportedLoginProviders: { 'graph.facebook.com': '1234' },
          }),
        )
      ).IdentityPoolId!;
      const empty = await ci.send(new GetIdentityPoolRolesCommand({ IdentityPoolId: id }));
      assert.deepEqual(empty.Roles, {});

      const mappingKey = `${provider}:${userPool.clientId}`;
      await ci.send(
        new SetIdentityPoolRolesCommand({
          IdentityPoolId: id,
          Roles: { authenticated: AUTH_ROLE, unauthenticated: UNAUTH_ROLE },
          RoleMappings: {
            [mappingKey]: { Type: 'Rules', AmbiguousRoleResolution: 'AuthenticatedRole', RulesConfiguration: { Rules: [{ Claim: 'custom:tier', MatchType: 'Equals', Value: 'admin', RoleARN: ADMIN_ROLE }] } },
            'graph.facebook.com': { Type: 'Token', AmbiguousRoleResolution: 'Deny' },
          },
        }),
      );
      const got = await ci.send(new GetIdentityPoolRolesCommand({ IdentityPoolId: id }));
      assert.equal(got.IdentityPoolId, id);
      assert.deepEqual(got.Roles, { authenticated: AUTH_ROLE, unauthenticated: UNAUTH_ROLE });
      assert.equal(got.RoleMappings![mappingKey]!.Type, 'Rules');
      assert.equal(got.RoleMappings![mappingKey]!.RulesConfiguration!.Rules![0]!.RoleARN, ADMIN_ROLE);
      assert.equal(got.RoleMappings!['graph.facebook.com']!.AmbiguousRoleResolution, 'Deny');

      const bad = async (input: Record<string, unknown>) => (await failure(() => ci.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: id, Roles: {}, ...input })))).name;
      assert.equal(await bad({ Roles: { admin: AUTH_ROLE } }), 'ValidationException');
      assert.equal(await bad({ Roles: { authenticated: 'short' } }), 'ValidationException');
      assert.equal(await bad({ RoleMappings: { 'unknown.example.com': { Type: 'Token', AmbiguousRoleResolution: 'Deny' } } }), 'InvalidParameterException');
      assert.equal(await bad({ RoleMappings: { [provider]: { Type: 'Token', AmbiguousRoleResolution: 'Deny' } } }), 'InvalidParameterException', 'a user pool mapping names the client');
      assert.equal(await bad({ RoleMappings: { [mappingKey]: { Type: 'Token' } } }), 'InvalidParameterException');
      assert.equal(await bad({ RoleMappings: { [mappingKey]: { Type: 'Rules', AmbiguousRoleResolution: 'Deny' } } }), 'InvalidParameterException');
      assert.equal(await bad({ RoleMappings: { [mappingKey]: { Type: 'Rules', AmbiguousRoleResolution: 'Deny', RulesConfiguration: { Rules: [] } } } }), 'ValidationException');
      assert.equal(
        await bad({ RoleMappings: { [mappingKey]: { Type: 'Rules', AmbiguousRoleResolution: 'Deny', RulesConfiguration: { Rules: [{ Claim: 'x', MatchType: 'Like', Value: 'v', RoleARN: ADMIN_ROLE }] } } } }),
        'ValidationException',
      );
      assert.equal(await bad({ RoleMappings: { [mappingKey]: { Type: 'Magic', AmbiguousRoleResolution: 'Deny' } } }), 'ValidationException');
      const missing = await failure(() => ci.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: 'us-east-1:00000000-0000-0000-0000-000000000000', Roles: {} })));
      assert.equal(missing.name, 'ResourceNotFoundException');
      assert.equal((await failure(() => ci.send(new GetIdentityPoolRolesCommand({ IdentityPoolId: 'us-east-1:00000000-0000-0000-0000-000000000000' })))).name, 'ResourceNotFoundException');
      // The refused calls changed nothing.
      assert.deepEqual((await ci.send(new GetIdentityPoolRolesCommand({ IdentityPoolId: id }))).Roles, { authenticated: AUTH_ROLE, unauthenticated: UNAUTH_ROLE });
    });

    it('tags and untags a pool by ARN', async () => {
      const id = (await ci.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'tags', AllowUnauthenticatedIdentities: false, IdentityPoolTags: { a: '1' } }))).IdentityPoolId!;
      const arn = `arn:aws:cognito-identity:us-east-1:000000000000:identitypool/${id}`;
      await ci.send(new TagResourceCommand({ ResourceArn: arn, Tags: { b: '2', c: '' } }));
      assert.deepEqual((await ci.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags, { a: '1', b: '2', c: '' });
      await ci.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: ['a', 'zzz'] }));
      assert.deepEqual((await ci.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags, { b: '2', c: '' });
      assert.deepEqual((await ci.send(new DescribeIdentityPoolCommand({ IdentityPoolId: id }))).IdentityPoolTags, { b: '2', c: '' });

      assert.equal((await failure(() => ci.send(new ListTagsForResourceCommand({ ResourceArn: 'arn:aws:s3:::some-bucket-name' })))).name, 'InvalidParameterException');
      const unknown = `arn:aws:cognito-identity:us-east-1:000000000000:identitypool/us-east-1:00000000-0000-0000-0000-000000000000`;
      assert.equal((await failure(() => ci.send(new TagResourceCommand({ ResourceArn: unknown, Tags: { x: 'y' } })))).name, 'ResourceNotFoundException');
      assert.equal((await failure(() => ci.send(new UntagResourceCommand({ ResourceArn: unknown, TagKeys: ['x'] })))).name, 'ResourceNotFoundException');
      assert.equal((await failure(() => ci.send(new TagResourceCommand({ ResourceArn: arn, Tags: { 'aws:x': 'y' } })))).name, 'InvalidParameterException');
      const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
      assert.equal((await failure(() => ci.send(new TagResourceCommand({ ResourceArn: arn, Tags: many })))).name, 'InvalidParameterException');
    });

    it('sets and gets principal-tag attribute maps for a configured provider', async () => {
      const id = (
        await ci.send(
          new CreateIdentityPoolCommand({ IdentityPoolName: 'ptags', AllowUnauthenticatedIdentities: false, CognitoIdentityProviders: [{ ProviderName: provider, ClientId: userPool.clientId }] }),
        )
      ).IdentityPoolId!;
      const unset = await ci.send(new GetPrincipalTagAttributeMapCommand({ IdentityPoolId: id, IdentityProviderName: provider }));
      assert.equal(unset.UseDefaults, false, 'attributes for access control are off until configured');
      assert.deepEqual(unset.PrincipalTags ?? {}, {});
      const defaults = await ci.send(new SetPrincipalTagAttributeMapCommand({ IdentityPoolId: id, IdentityProviderName: provider, UseDefaults: true }));
      assert.deepEqual(defaults.PrincipalTags, { username: 'sub', client: 'aud' });
      const set = await ci.send(new SetPrincipalTagAttributeMapCommand({ IdentityPoolId: id, IdentityProviderName: provider, UseDefaults: false, PrincipalTags: { dept: 'custom:dept' } }));
      assert.equal(set.UseDefaults, false);
      assert.deepEqual(set.PrincipalTags, { dept: 'custom:dept' });
      const got = await ci.send(new GetPrincipalTagAttributeMapCommand({ IdentityPoolId: id, IdentityProviderName: provider }));
      assert.deepEqual(got.PrincipalTags, { dept: 'custom:dept' });
      assert.equal(got.IdentityProviderName, provider);

      const wrongProvider = await failure(() => ci.send(new GetPrincipalTagAttributeMapCommand({ IdentityPoolId: id, IdentityProviderName: 'accounts.google.com' })));
      assert.equal(wrongProvider.name, 'InvalidParameterException');
      const noPool = await failure(() =>
        ci.send(new SetPrincipalTagAttributeMapCommand({ IdentityPoolId: 'us-east-1:00000000-0000-0000-0000-000000000000', IdentityProviderName: provider, UseDefaults: true })),
      );
      assert.equal(noPool.name, 'ResourceNotFoundException');
    });
  });
}
