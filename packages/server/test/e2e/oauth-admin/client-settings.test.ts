/**
 * App-client OAuth settings at CreateUserPoolClient and UpdateUserPoolClient, checked as Cognito
 * checks them (domain/oauth/client-settings.ts): redirect URIs (HTTPS except loopback, no fragment,
 * app schemes allowed; security.md A02, A06, A07 refused at registration), DefaultRedirectURI among
 * the callbacks, the flow combinations and the client secret client_credentials needs, the settings
 * AllowedOAuthFlowsUserPoolClient requires, scopes that must exist (custom scopes from resource
 * servers; custom only for client_credentials), and SupportedIdentityProviders.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateResourceServerCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
  UpdateUserPoolClientCommand,
  type CreateUserPoolClientCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { failure, startTestServer, type TestServer } from '../../support/server.js';

for (const kind of databaseKinds) {
  describe(`app-client OAuth settings (${kind})`, () => {
    let server: TestServer;
    let poolId: string;
    const create = (input: Partial<CreateUserPoolClientCommandInput>) => server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'oauth', ...input }));
    const refused = async (input: Partial<CreateUserPoolClientCommandInput>) => failure(() => create(input));
    const web = (callback: string): Partial<CreateUserPoolClientCommandInput> => ({
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid'],
      SupportedIdentityProviders: ['COGNITO'],
      CallbackURLs: [callback],
    });

    before(async () => {
      server = await startTestServer(kind);
      poolId = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'oauth' }))).UserPool!.Id!;
      await server.admin.send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: 'https://api.example.com', Name: 'API', Scopes: [{ ScopeName: 'read', ScopeDescription: 'r' }, { ScopeName: 'write', ScopeDescription: 'w' }] }));
    });
    after(async () => {
      await server?.stop();
    });

    it('accepts a complete web client and stores its settings as given', async () => {
      const input = {
        ...web('https://app.example.com/callback'),
        CallbackURLs: ['https://app.example.com/callback', 'http://localhost:3000/cb', 'http://127.0.0.1:8080/cb', 'http://[::1]/cb', 'myapp://callback', 'com.example.app:/oauth2redirect'],
        LogoutURLs: ['https://app.example.com/', 'http://localhost:3000/'],
        DefaultRedirectURI: 'https://app.example.com/callback',
        AllowedOAuthFlows: ['code', 'implicit'] as ('code' | 'implicit')[],
        AllowedOAuthScopes: ['openid', 'email', 'phone', 'profile', 'aws.cognito.signin.user.admin', 'https://api.example.com/read'],
      };
      const created = (await create(input)).UserPoolClient!;
      const read = (await server.admin.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: created.ClientId }))).UserPoolClient!;
      for (const key of ['CallbackURLs', 'LogoutURLs', 'DefaultRedirectURI', 'AllowedOAuthFlows', 'AllowedOAuthScopes', 'SupportedIdentityProviders'] as const) {
        assert.deepEqual(read[key], input[key], key);
      }
      assert.equal(read.AllowedOAuthFlowsUserPoolClient, true);
    });

    it('accepts a machine client: client_credentials with a secret and custom scopes', async () => {
      const created = await create({ GenerateSecret: true, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['client_credentials'], AllowedOAuthScopes: ['https://api.example.com/read', 'https://api.example.com/write'] });
      assert.ok(created.UserPoolClient?.ClientSecret);
    });

    it('A06: javascript:, data:, //evil, https:\\evil, fragments and non-ASCII lookalike dots are refused at registration', async () => {
      for (const uri of [
        'javascript:alert(1)',
        'JavaScript:alert(document.cookie)',
        'data:text/html,<script>alert(1)</script>',
        'vbscript:msgbox(1)',
        'file:///etc/passwd',
        '//evil.example/cb',
        'https:\\\\evil.example\\cb',
        'https:/\\evil.example',
        'https://app.example.com/cb#frag',
        'https://app.example.com/cb#',
        'https://app\u3002example.com/cb',
        'https://app\uff0eexample.com/cb',
        'https://аpp.example.com/cb', // Cyrillic а
        'https://',
        'https:evil.example',
        'relative/path',
        '/cb',
      ]) {
        const e = await refused(web(uri));
        assert.equal(e.name, 'InvalidParameterException', uri);
        const logout = await refused({ LogoutURLs: [uri] });
        assert.equal(logout.name, 'InvalidParameterException', `logout ${uri}`);
      }
    });

    it('A07: wildcards and patterns in redirect URIs are refused with InvalidParameterException', async () => {
      for (const uri of ['https://*.example.com/cb', 'https://app.example.com/*', 'https://app.example.com/cb*', 'regexp=.*', 'regex:https://.*\\.example\\.com']) {
        const e = await refused(web(uri));
        assert.equal(e.name, 'InvalidParameterException', uri);
      }
    });

    it('A02: userinfo in a redirect URI is refused at registration', async () => {
      for (const uri of ['https://app.example.com@evil.example/cb', 'https://a@b@evil.example/cb', 'http://localhost@evil.example/cb', 'myapp://user@evil/cb']) {
        const e = await refused(web(uri));
        assert.equal(e.name, 'InvalidParameterException', uri);
      }
    });

    it('refuses plain http except for loopback hosts, with Cognito\'s message', async () => {
      const e = await refused(web('http://app.example.com/cb'));
      assert.deepEqual(e, { name: 'InvalidParameterException', message: 'http://app.example.com/cb cannot use the HTTP protocol.' });
      for (const uri of ['http://localhost.evil.example/cb', 'http://192.168.1.5/cb', 'http://10.0.0.1/cb', 'http://127.0.0.1.evil.example/']) {
        assert.equal((await refused(web(uri))).name, 'InvalidParameterException', uri);
      }
      const logout = await refused({ LogoutURLs: ['http://app.example.com/'] });
      assert.equal(logout.message, 'http://app.example.com/ cannot use the HTTP protocol.');
    });

    it('needs DefaultRedirectURI to be one of the CallbackURLs', async () => {
      const e = await refused({ ...web('https://app.example.com/cb'), DefaultRedirectURI: 'https://app.example.com/other' });
      assert.equal(e.name, 'InvalidParameterException');
      const bad = await refused({ ...web('https://app.example.com/cb'), DefaultRedirectURI: 'http://app.example.com/cb' });
      assert.equal(bad.name, 'InvalidParameterException');
    });

    it('holds the flows to Cognito\'s combinations, with Cognito\'s errors', async () => {
      const mixed = await refused({ ...web('https://app.example.com/cb'), GenerateSecret: true, AllowedOAuthFlows: ['client_credentials', 'code'], AllowedOAuthScopes: ['https://api.example.com/read'] });
      assert.deepEqual(mixed, { name: 'InvalidOAuthFlowException', message: 'client_credentials flow can not be selected along with code flow or implicit flow.' });
      const noSecret = await refused({ AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['client_credentials'], AllowedOAuthScopes: ['https://api.example.com/read'] });
      assert.deepEqual(noSecret, { name: 'InvalidOAuthFlowException', message: 'client_credentials flow can not be selected if client does not have a client secret.' });
      const noFlows = await refused({ AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: ['openid'], CallbackURLs: ['https://app.example.com/cb'] });
      assert.deepEqual(noFlows, { name: 'InvalidParameterException', message: 'AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is allowed to use OAuth flows.' });
      const noScopes = await refused({ AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['code'], CallbackURLs: ['https://app.example.com/cb'] });
      assert.equal(noScopes.name, 'InvalidParameterException');
      const noCallbacks = await refused({ AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['implicit'], AllowedOAuthScopes: ['openid'] });
      assert.deepEqual(noCallbacks, { name: 'InvalidOAuthFlowException', message: 'CallbackUrls can not be empty when code flow or implicit flow is selected' });
      const badFlow = await refused({ ...web('https://app.example.com/cb'), AllowedOAuthFlows: ['password' as never] });
      assert.equal(badFlow.name, 'InvalidParameterException');
    });

    it('allows only scopes that exist in the pool, and only custom scopes for client_credentials', async () => {
      const unknown = await refused({ ...web('https://app.example.com/cb'), AllowedOAuthScopes: ['openid', 'https://api.example.com/delete'] });
      assert.deepEqual(unknown, { name: 'ScopeDoesNotExistException', message: 'Invalid scope requested: https://api.example.com/delete' });
      const cognito = await refused({ ...web('https://app.example.com/cb'), AllowedOAuthScopes: ['Cognito'] });
      assert.deepEqual(cognito, { name: 'ScopeDoesNotExistException', message: 'Invalid scope requested: Cognito' });
      const machine = await refused({ GenerateSecret: true, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['client_credentials'], AllowedOAuthScopes: ['https://api.example.com/read', 'openid'] });
      assert.deepEqual(machine, { name: 'InvalidOAuthFlowException', message: 'openid is not supported with client_credentials flow' });
    });

    it('refuses identity providers the pool does not have', async () => {
      const e = await refused({ ...web('https://app.example.com/cb'), SupportedIdentityProviders: ['COGNITO', 'Google'] });
      assert.deepEqual(e, { name: 'InvalidParameterException', message: `The provider Google does not exist for User Pool ${poolId}` });
    });

    it('applies the same checks at UpdateUserPoolClient, against the client\'s own secret', async () => {
      const publicClient = (await create({ ClientName: 'public' })).UserPoolClient!.ClientId!;
      const update = (input: Record<string, unknown>) => server.admin.send(new UpdateUserPoolClientCommand({ UserPoolId: poolId, ClientId: publicClient, ...input }));
      const noSecret = await failure(() => update({ AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['client_credentials'], AllowedOAuthScopes: ['https://api.example.com/read'] }));
      assert.equal(noSecret.name, 'InvalidOAuthFlowException');
      const http = await failure(() => update(web('http://evil.example/cb')));
      assert.equal(http.name, 'InvalidParameterException');
      const a06 = await failure(() => update(web('javascript:alert(1)')));
      assert.equal(a06.name, 'InvalidParameterException');
      await update(web('https://app.example.com/cb'));
      const read = (await server.admin.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: publicClient }))).UserPoolClient!;
      assert.deepEqual(read.CallbackURLs, ['https://app.example.com/cb']);

      const secretClient = (await create({ ClientName: 'machine', GenerateSecret: true })).UserPoolClient!.ClientId!;
      await server.admin.send(new UpdateUserPoolClientCommand({ UserPoolId: poolId, ClientId: secretClient, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['client_credentials'], AllowedOAuthScopes: ['https://api.example.com/write'] }));
      const unknownClient = await failure(() => server.admin.send(new UpdateUserPoolClientCommand({ UserPoolId: poolId, ClientId: 'nosuchclient', ...web('https://app.example.com/cb') })));
      assert.equal(unknownClient.name, 'ResourceNotFoundException');
    });

    it('refuses null and wrong types in the OAuth members', async () => {
      for (const [member, value] of [
        ['CallbackURLs', 'https://app.example.com/cb'], ['CallbackURLs', [5]], ['LogoutURLs', {}], ['DefaultRedirectURI', 5],
        ['AllowedOAuthFlows', 'code'], ['AllowedOAuthScopes', [true]], ['AllowedOAuthFlowsUserPoolClient', 'true'], ['SupportedIdentityProviders', 'COGNITO'],
      ] as const) {
        const e = await failure(() => create({ [member]: value } as never).then(() => assert.fail(`${member}=${JSON.stringify(value)} was accepted`)));
        assert.match(e.name, /^(InvalidParameterException|SerializationException)$/, `${member}=${JSON.stringify(value)}`);
      }
    });
  });
}
