/**
 * Identity providers of a user pool through the AWS SDK v3 (issue 13): CreateIdentityProvider,
 * DescribeIdentityProvider, UpdateIdentityProvider, DeleteIdentityProvider, ListIdentityProviders
 * (pages) and GetIdentityProviderByIdentifier, with Cognito's ProviderDetails per type, names,
 * AttributeMapping against the pool's schema, IdpIdentifiers, secrets sealed at rest, app clients'
 * SupportedIdentityProviders checked against the pool's providers, and what goes with a deleted
 * provider or pool.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import {
  CreateIdentityProviderCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteIdentityProviderCommand,
  DeleteUserPoolCommand,
  DescribeIdentityProviderCommand,
  DescribeUserPoolClientCommand,
  GetIdentityProviderByIdentifierCommand,
  ListIdentityProvidersCommand,
  UpdateIdentityProviderCommand,
  UpdateUserPoolClientCommand,
  type CreateIdentityProviderCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { LEAKED_INTERNALS, failure, failureWithStatus, startTestServer, type TestServer } from '../../support/server.js';
import { idpMetadata } from './support.js';

const SECRET = 'provider-app-client-secret-0123456789';
const oidc = (over: Record<string, string> = {}) => ({
  client_id: 'cognate-app',
  client_secret: SECRET,
  attributes_request_method: 'GET',
  oidc_issuer: 'https://idp.example.com',
  authorize_scopes: 'openid email profile',
  ...over,
});
const APPLE_KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

for (const kind of databaseKinds) {
  describe(`identity providers (${kind})`, () => {
    let server: TestServer;
    let poolId: string;
    let pools = 0;
    const newPool = async (extra: Record<string, unknown> = {}) =>
      (await server.admin.send(new CreateUserPoolCommand({ PoolName: `fed-${++pools}`, Schema: [{ Name: 'tier', AttributeDataType: 'String', Mutable: true }], ...extra }))).UserPool!.Id!;
    const create = (input: Partial<CreateIdentityProviderCommandInput>, pool = poolId) =>
      server.admin.send(new CreateIdentityProviderCommand({ UserPoolId: pool, ProviderName: 'Corp', ProviderType: 'OIDC', ProviderDetails: oidc(), ...input } as CreateIdentityProviderCommandInput));
    const describeProvider = (name: string, pool = poolId) => server.admin.send(new DescribeIdentityProviderCommand({ UserPoolId: pool, ProviderName: name }));

    before(async () => {
      server = await startTestServer(kind);
      poolId = await newPool();
    });
    after(async () => {
      await server?.stop();
    });

    it('creates an OIDC provider and describes it as Cognito does: client_secret echoed, username mapped from sub, dates', async () => {
      const pool = await newPool();
      const before = Math.floor(server.clock.now() / 1000);
      const created = (await create({ ProviderName: 'Okta', AttributeMapping: { email: 'email', 'custom:tier': 'tier' }, IdpIdentifiers: ['example.com', 'okta'] }, pool)).IdentityProvider!;
      assert.equal(created.ProviderName, 'Okta');
      assert.equal(created.ProviderType, 'OIDC');
      assert.equal(created.UserPoolId, pool);
      assert.deepEqual(created.ProviderDetails, { ...oidc(), attributes_url_add_attributes: 'false' });
      assert.deepEqual(created.AttributeMapping, { email: 'email', 'custom:tier': 'tier', username: 'sub' });
      assert.deepEqual(created.IdpIdentifiers, ['example.com', 'okta']);
      assert.ok(created.CreationDate instanceof Date && Math.floor(created.CreationDate.getTime() / 1000) >= before);
      const described = (await describeProvider('Okta', pool)).IdentityProvider!;
      assert.deepEqual({ ...described, LastModifiedDate: undefined, CreationDate: undefined }, { ...created, LastModifiedDate: undefined, CreationDate: undefined });
      assert.equal(described.CreationDate!.getTime(), created.CreationDate!.getTime());
    });

    it('accepts each social type under its own name, with its keys; Apple\'s private_key is never echoed', async () => {
      const pool = await newPool();
      await create({ ProviderName: 'Google', ProviderType: 'Google', ProviderDetails: { client_id: 'g.apps.googleusercontent.com', client_secret: SECRET, authorize_scopes: 'openid email profile' } }, pool);
      await create({ ProviderName: 'Facebook', ProviderType: 'Facebook', ProviderDetails: { client_id: '1234', client_secret: SECRET, authorize_scopes: 'public_profile, email', api_version: 'v17.0' } }, pool);
      await create({ ProviderName: 'LoginWithAmazon', ProviderType: 'LoginWithAmazon', ProviderDetails: { client_id: 'amzn1.application-oa2-client.1', client_secret: SECRET, authorize_scopes: 'profile' } }, pool);
      await create({ ProviderName: 'SignInWithApple', ProviderType: 'SignInWithApple', ProviderDetails: { client_id: 'com.example.app', team_id: 'TEAM123456', key_id: 'KEY1234567', private_key: APPLE_KEY, authorize_scopes: 'email name' } }, pool);
      const apple = (await describeProvider('SignInWithApple', pool)).IdentityProvider!;
      assert.deepEqual(apple.ProviderDetails, { client_id: 'com.example.app', team_id: 'TEAM123456', key_id: 'KEY1234567', authorize_scopes: 'email name' });
      assert.equal((await describeProvider('Google', pool)).IdentityProvider!.ProviderDetails!.client_secret, SECRET);
      assert.deepEqual((await describeProvider('Facebook', pool)).IdentityProvider!.AttributeMapping, { username: 'id' });
      assert.deepEqual((await describeProvider('LoginWithAmazon', pool)).IdentityProvider!.AttributeMapping, { username: 'user_id' });
    });

    it('accepts a SAML provider with MetadataFile and its flags; maps no username', async () => {
      const pool = await newPool();
      const details = { MetadataFile: await idpMetadata(server.clock.now()), IDPSignout: 'true', IDPInit: 'false', EncryptedResponses: 'true', RequestSigningAlgorithm: 'rsa-sha256' };
      const created = (await create({ ProviderName: 'Corp-SAML', ProviderType: 'SAML', ProviderDetails: details, AttributeMapping: { email: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress' } }, pool)).IdentityProvider!;
      for (const [k, v] of Object.entries(details)) assert.equal(created.ProviderDetails![k], v, k);
      assert.deepEqual(created.AttributeMapping, { email: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress' });
    });

    it('refuses ProviderDetails that miss required keys, carry unknown ones, or have bad values, with InvalidParameterException', async () => {
      const cases: [Partial<CreateIdentityProviderCommandInput>, RegExp][] = [
        [{ ProviderDetails: oidc({ client_id: '' }) }, /client_id, client_secret, attributes_request_method, oidc_issuer and authorize_scopes are all required/],
        [{ ProviderDetails: { client_id: 'x' } }, /are all required idp details/],
        [{ ProviderDetails: oidc({ attributes_request_method: 'PUT' }) }, /attributes_request_method must be GET or POST/],
        [{ ProviderDetails: oidc({ oidc_issuer: 'http://idp.example.com' }) }, /https URL/],
        [{ ProviderDetails: oidc({ oidc_issuer: 'https://user:pw@idp.example.com' }) }, /https URL/],
        [{ ProviderDetails: oidc({ token_url: 'ftp://idp.example.com/token' }) }, /token_url must be an https URL/],
        [{ ProviderDetails: oidc({ authorize_scopes: 'email profile' }) }, /must include openid/],
        [{ ProviderDetails: oidc({ surprise: 'yes' }) }, /Invalid provider details keys for OIDC: surprise/],
        [{ ProviderName: 'Google', ProviderType: 'Google', ProviderDetails: { client_id: 'g', authorize_scopes: 'openid' } }, /^client_id, client_secret and authorize_scopes are all required idp details$/],
        [{ ProviderName: 'Facebook', ProviderType: 'Facebook', ProviderDetails: { client_id: 'f', client_secret: 's', authorize_scopes: 'email', api_version: '17' } }, /api_version/],
        [{ ProviderName: 'SignInWithApple', ProviderType: 'SignInWithApple', ProviderDetails: { client_id: 'a', team_id: 't', key_id: 'k', private_key: 'not a key', authorize_scopes: 'email' } }, /private_key/],
        [{ ProviderName: 'SignInWithApple', ProviderType: 'SignInWithApple', ProviderDetails: { client_id: 'a', team_id: 't', key_id: 'k', private_key: APPLE_KEY, authorize_scopes: 'email openid' } }, /email and name only/],
        [{ ProviderName: 'SamlCo', ProviderType: 'SAML', ProviderDetails: {} }, /Exactly one of MetadataURL and MetadataFile/],
        [{ ProviderName: 'SamlCo', ProviderType: 'SAML', ProviderDetails: { MetadataURL: 'https://idp.example.com/m', MetadataFile: '<x/>' } }, /Exactly one of MetadataURL and MetadataFile/],
        [{ ProviderName: 'SamlCo', ProviderType: 'SAML', ProviderDetails: { MetadataURL: 'http://idp.example.com/m' } }, /https URL/],
        [{ ProviderName: 'SamlCo', ProviderType: 'SAML', ProviderDetails: { MetadataFile: '<x/>', IDPSignout: 'yes' } }, /IDPSignout must be true or false/],
        [{ ProviderName: 'SamlCo', ProviderType: 'SAML', ProviderDetails: { MetadataFile: '<x/>', RequestSigningAlgorithm: 'rsa-sha1' } }, /rsa-sha256/],
      ];
      for (const [input, message] of cases) {
        const e = await failure(() => create(input));
        assert.equal(e.name, 'InvalidParameterException', JSON.stringify(input));
        assert.match(e.message, message, JSON.stringify(input));
      }
      assert.equal((await server.admin.send(new ListIdentityProvidersCommand({ UserPoolId: poolId }))).Providers!.length, 0, 'nothing was written');
    });

    it('accepts http only for loopback hosts (local providers in development and tests)', async () => {
      const pool = await newPool();
      await create({ ProviderName: 'Local', ProviderDetails: oidc({ oidc_issuer: 'http://127.0.0.1:8080', jwks_uri: 'http://localhost:8080/jwks', token_url: 'http://[::1]:8080/token' }) }, pool);
      await create({ ProviderName: 'Dev', ProviderDetails: oidc({ oidc_issuer: 'http://idp.localhost:9000' }) }, pool);
      assert.equal((await failure(() => create({ ProviderName: 'Lan', ProviderDetails: oidc({ oidc_issuer: 'http://10.0.0.5' }) }, pool))).name, 'InvalidParameterException');
    });

    it('names: a social provider only under its type\'s name; Cognito reserved; names are case-sensitive; DuplicateProviderException', async () => {
      const pool = await newPool();
      assert.deepEqual(await failure(() => create({ ProviderName: 'MyGoogle', ProviderType: 'Google', ProviderDetails: { client_id: 'g', client_secret: SECRET, authorize_scopes: 'openid' } }, pool)), {
        name: 'InvalidParameterException',
        message: 'Provider MyGoogle cannot be of type Google.',
      });
      assert.equal((await failure(() => create({ ProviderName: 'Google', ProviderType: 'OIDC' }, pool))).message, 'Provider Google cannot be of type OIDC.');
      assert.equal((await failure(() => create({ ProviderName: 'Cognito' }, pool))).name, 'InvalidParameterException');
      assert.equal((await failure(() => create({ ProviderName: 'COGNITO' }, pool))).name, 'InvalidParameterException');
      await create({ ProviderName: 'Corp' }, pool);
      assert.deepEqual(await failure(() => create({ ProviderName: 'Corp' }, pool)), { name: 'DuplicateProviderException', message: `Corp already exists in user pool ${pool}` });
      await create({ ProviderName: 'corp' }, pool);
      assert.equal((await describeProvider('corp', pool)).IdentityProvider!.ProviderName, 'corp');
      assert.deepEqual(await failure(() => describeProvider('CORP', pool)), { name: 'ResourceNotFoundException', message: `Identity provider CORP does not exist in user pool ${pool}.` });
    });

    it('AttributeMapping: keys must be attributes of the pool\'s schema; sub and identities never; username only as Cognito fixes it', async () => {
      const pool = await newPool();
      const refused = async (mapping: Record<string, string>, type: 'OIDC' | 'SAML' = 'OIDC') =>
        failure(() => create({ ProviderName: 'Mapped', ProviderType: type, ProviderDetails: type === 'SAML' ? { MetadataFile: '<x/>' } : oidc(), AttributeMapping: mapping }, pool));
      const unknown = await refused({ email: 'email', shoe_size: 'shoe' });
      assert.deepEqual(unknown, { name: 'InvalidParameterException', message: 'Invalid attribute mapping. The following attributes do not exist in the user pool schema: shoe_size' });
      assert.match((await refused({ 'custom:missing': 'x' })).message, /custom:missing/);
      assert.match((await refused({ sub: 'sub' })).message, /sub/);
      assert.match((await refused({ identities: 'x' })).message, /identities/);
      assert.match((await refused({ email: '  ' })).message, /No provider attribute is given for: email/);
      assert.equal((await refused({ username: 'email' })).message, 'username can only be mapped to sub for a provider of type OIDC.');
      assert.equal((await refused({ username: 'NameID' }, 'SAML')).message, 'username cannot be mapped for a SAML provider.');
      const ok = (await create({ ProviderName: 'Mapped', AttributeMapping: { username: 'sub', email: 'email', email_verified: 'email_verified', 'custom:tier': 'groups', given_name: 'given_name' } }, pool)).IdentityProvider!;
      assert.deepEqual(ok.AttributeMapping, { username: 'sub', email: 'email', email_verified: 'email_verified', 'custom:tier': 'groups', given_name: 'given_name' });
    });

    it('IdpIdentifiers: no repeats, one provider per identifier in a pool, found by GetIdentityProviderByIdentifier', async () => {
      const pool = await newPool();
      assert.deepEqual(await failure(() => create({ ProviderName: 'Alpha', IdpIdentifiers: ['a.example', 'a.example'] }, pool)), { name: 'InvalidParameterException', message: 'Duplicate IdpIdentifier: a.example' });
      await create({ ProviderName: 'Alpha', IdpIdentifiers: ['a.example', 'shared'] }, pool);
      const taken = await failure(() => create({ ProviderName: 'Bravo', IdpIdentifiers: ['b.example', 'shared'] }, pool));
      assert.equal(taken.name, 'InvalidParameterException');
      await assert.rejects(describeProvider('Bravo', pool), { name: 'ResourceNotFoundException' });
      await create({ ProviderName: 'Bravo', IdpIdentifiers: ['b.example'] }, pool);
      assert.equal((await server.admin.send(new GetIdentityProviderByIdentifierCommand({ UserPoolId: pool, IdpIdentifier: 'shared' }))).IdentityProvider!.ProviderName, 'Alpha');
      assert.equal((await server.admin.send(new GetIdentityProviderByIdentifierCommand({ UserPoolId: pool, IdpIdentifier: 'b.example' }))).IdentityProvider!.ProviderName, 'Bravo');
      const missing = await failure(() => server.admin.send(new GetIdentityProviderByIdentifierCommand({ UserPoolId: pool, IdpIdentifier: 'nobody' })));
      assert.equal(missing.name, 'ResourceNotFoundException');
      // Another pool's identifiers are its own.
      const other = await newPool();
      await create({ ProviderName: 'Alpha', IdpIdentifiers: ['shared'] }, other);
      assert.equal((await failure(() => server.admin.send(new GetIdentityProviderByIdentifierCommand({ UserPoolId: other, IdpIdentifier: 'b.example' })))).name, 'ResourceNotFoundException');
    });

    it('UpdateIdentityProvider replaces what it is given and keeps the rest; identifiers move; unknown provider is ResourceNotFoundException', async () => {
      const pool = await newPool();
      await create({ ProviderName: 'Alpha', AttributeMapping: { email: 'email' }, IdpIdentifiers: ['one'] }, pool);
      await create({ ProviderName: 'Bravo', IdpIdentifiers: ['two'] }, pool);
      server.clock.advance(2000);
      const updated = (await server.admin.send(new UpdateIdentityProviderCommand({ UserPoolId: pool, ProviderName: 'Alpha', IdpIdentifiers: ['three', 'one'] }))).IdentityProvider!;
      assert.deepEqual(updated.IdpIdentifiers, ['three', 'one']);
      assert.deepEqual(updated.AttributeMapping, { email: 'email', username: 'sub' });
      assert.equal(updated.ProviderDetails!.client_secret, SECRET);
      assert.ok(updated.LastModifiedDate!.getTime() > updated.CreationDate!.getTime());
      assert.equal((await failure(() => server.admin.send(new UpdateIdentityProviderCommand({ UserPoolId: pool, ProviderName: 'Alpha', IdpIdentifiers: ['two'] })))).name, 'InvalidParameterException');
      const details = oidc({ client_secret: 'rotated-secret-0000000000', authorize_scopes: 'openid email' });
      const rotated = (await server.admin.send(new UpdateIdentityProviderCommand({ UserPoolId: pool, ProviderName: 'Alpha', ProviderDetails: details, AttributeMapping: { given_name: 'given_name' } }))).IdentityProvider!;
      assert.equal(rotated.ProviderDetails!.client_secret, 'rotated-secret-0000000000');
      assert.deepEqual(rotated.AttributeMapping, { given_name: 'given_name', username: 'sub' });
      assert.deepEqual(rotated.IdpIdentifiers, ['three', 'one']);
      assert.deepEqual((await describeProvider('Alpha', pool)).IdentityProvider!.ProviderDetails, { ...details, attributes_url_add_attributes: 'false' });
      assert.equal((await failure(() => server.admin.send(new UpdateIdentityProviderCommand({ UserPoolId: pool, ProviderName: 'Alpha', ProviderDetails: { client_id: 'x' } })))).name, 'InvalidParameterException');
      assert.equal((await failure(() => server.admin.send(new UpdateIdentityProviderCommand({ UserPoolId: pool, ProviderName: 'Nope', IdpIdentifiers: [] })))).name, 'ResourceNotFoundException');
      assert.equal((await server.admin.send(new GetIdentityProviderByIdentifierCommand({ UserPoolId: pool, IdpIdentifier: 'three' }))).IdentityProvider!.ProviderName, 'Alpha');
    });

    it('ListIdentityProviders pages by name with MaxResults and NextToken; a forged token is refused', async () => {
      const pool = await newPool();
      const names = ['Alpha', 'beta', 'Gamma', 'delta', 'Epsilon'];
      for (const name of names) await create({ ProviderName: name }, pool);
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await server.admin.send(new ListIdentityProvidersCommand({ UserPoolId: pool, MaxResults: 2, ...(token ? { NextToken: token } : {}) }));
        for (const p of page.Providers!) {
          assert.equal(p.ProviderType, 'OIDC');
          assert.ok(p.CreationDate instanceof Date && p.LastModifiedDate instanceof Date);
          seen.push(p.ProviderName!);
        }
        token = page.NextToken;
        pages++;
      } while (token);
      assert.equal(pages, 3);
      assert.deepEqual(seen, [...names].sort());
      assert.equal((await server.admin.send(new ListIdentityProvidersCommand({ UserPoolId: pool }))).Providers!.length, 5);
      assert.equal((await failure(() => server.admin.send(new ListIdentityProvidersCommand({ UserPoolId: pool, NextToken: Buffer.from('\u0000').toString('base64url') })))).name, 'InvalidParameterException');
      assert.equal((await failure(() => server.admin.send(new ListIdentityProvidersCommand({ UserPoolId: pool, MaxResults: 0 })))).name, 'InvalidParameterException');
      assert.equal((await failure(() => server.admin.send(new ListIdentityProvidersCommand({ UserPoolId: 'us-east-1_Nope12345' })))).name, 'ResourceNotFoundException');
    });

    it('client secrets and Apple keys are sealed at rest: the database row holds neither', async () => {
      const pool = await newPool();
      await create({ ProviderName: 'Sealed' }, pool);
      await create({ ProviderName: 'SignInWithApple', ProviderType: 'SignInWithApple', ProviderDetails: { client_id: 'com.example.app', team_id: 'T', key_id: 'K', private_key: APPLE_KEY, authorize_scopes: 'email' } }, pool);
      const rows = await server.running.cognate.store.db.selectFrom('identity_providers').selectAll().where('pool_id', '=', pool).execute();
      assert.equal(rows.length, 2);
      const keyBody = APPLE_KEY.split('\n')[1]!;
      for (const row of rows) {
        const text = JSON.stringify(row);
        assert.ok(!text.includes(SECRET), 'client_secret in the clear');
        assert.ok(!text.includes(keyBody), 'private_key in the clear');
        assert.ok(row.secrets_sealed, 'secrets are sealed');
      }
    });

    it('SupportedIdentityProviders: an app client may name COGNITO and the pool\'s providers, exactly; deleting a provider takes it out of the clients', async () => {
      const pool = await newPool();
      await create({ ProviderName: 'Corp' }, pool);
      const client = (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: pool, ClientName: 'web', SupportedIdentityProviders: ['COGNITO', 'Corp'] }))).UserPoolClient!;
      assert.deepEqual(client.SupportedIdentityProviders, ['COGNITO', 'Corp']);
      assert.deepEqual(await failure(() => server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: pool, ClientName: 'web', SupportedIdentityProviders: ['corp'] }))), {
        name: 'InvalidParameterException',
        message: `The provider corp does not exist for User Pool ${pool}`,
      });
      const other = await newPool();
      assert.equal((await failure(() => server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: other, ClientName: 'web', SupportedIdentityProviders: ['Corp'] })))).message, `The provider Corp does not exist for User Pool ${other}`);
      assert.equal((await failure(() => server.admin.send(new UpdateUserPoolClientCommand({ UserPoolId: pool, ClientId: client.ClientId!, SupportedIdentityProviders: ['Corp', 'Okta'] })))).message, `The provider Okta does not exist for User Pool ${pool}`);
      await server.admin.send(new DeleteIdentityProviderCommand({ UserPoolId: pool, ProviderName: 'Corp' }));
      const after = (await server.admin.send(new DescribeUserPoolClientCommand({ UserPoolId: pool, ClientId: client.ClientId! }))).UserPoolClient!;
      assert.deepEqual(after.SupportedIdentityProviders, ['COGNITO']);
      assert.equal((await failure(() => describeProvider('Corp', pool))).name, 'ResourceNotFoundException');
      assert.equal((await failure(() => server.admin.send(new DeleteIdentityProviderCommand({ UserPoolId: pool, ProviderName: 'Corp' })))).name, 'ResourceNotFoundException');
      // The name and the identifiers are free again.
      await create({ ProviderName: 'Corp', IdpIdentifiers: ['corp'] }, pool);
    });

    it('DeleteUserPool takes the pool\'s providers, identifiers, links and requests with it', async () => {
      const pool = await newPool();
      await create({ ProviderName: 'Corp', IdpIdentifiers: ['corp.example'] }, pool);
      await server.admin.send(new DeleteUserPoolCommand({ UserPoolId: pool }));
      const db = server.running.cognate.store.db;
      for (const table of ['identity_providers', 'identity_provider_identifiers', 'provider_links', 'federation_requests'] as const) {
        const rows = await db.selectFrom(table).select('pool_id').where('pool_id', '=', pool).execute();
        assert.equal(rows.length, 0, table);
      }
    });

    it('null and wrong-typed members, sent by the SDK as given, get a 400 with a Cognito error, never a 500 or a stack trace', async () => {
      const rejected = async (what: string, call: () => Promise<unknown>) => {
        const e = await failureWithStatus(call).catch(() => assert.fail(`${what}: accepted`));
        assert.match(e.name, /^(InvalidParameterException|SerializationException)$/, `${what}: ${e.name} ${e.message}`);
        assert.equal(e.status, 400, what);
        assert.doesNotMatch(e.message, LEAKED_INTERNALS, what);
      };
      const base = { UserPoolId: poolId, ProviderName: 'Typed', ProviderType: 'OIDC', ProviderDetails: oidc() };
      await create({ ProviderName: 'Typed' });
      const bad: [string, unknown][] = [
        ['UserPoolId', null], ['ProviderName', null], ['ProviderName', 7], ['ProviderType', 'Okta'], ['ProviderType', null], ['ProviderDetails', null], ['ProviderDetails', 'x'],
        ['ProviderDetails', { client_id: 5 }], ['AttributeMapping', { email: 5 }], ['AttributeMapping', []], ['IdpIdentifiers', 'one'], ['IdpIdentifiers', [7]],
        ['ProviderName', '_Leading'], ['ProviderName', 'x'.repeat(33)], ['IdpIdentifiers', ['has/slash']],
      ];
      for (const [member, value] of bad) {
        await rejected(`Create ${member}=${JSON.stringify(value)}`, () => server.admin.send(new CreateIdentityProviderCommand({ ...base, ProviderName: 'Fresh', [member]: value } as never)));
        // On update a null optional member is an absent one, and ProviderName has the older, looser pattern: wrong types are left to refuse.
        if (member !== 'ProviderType' && typeof value !== 'string' && (value !== null || member === 'UserPoolId' || member === 'ProviderName')) await rejected(`Update ${member}=${JSON.stringify(value)}`, () => server.admin.send(new UpdateIdentityProviderCommand({ ...base, ProviderType: undefined, [member]: value } as never)));
      }
      for (const input of [{ UserPoolId: poolId, ProviderName: null }, { UserPoolId: poolId, ProviderName: 3 }, { UserPoolId: null, ProviderName: 'x' }, { UserPoolId: poolId }]) {
        await rejected(`Describe ${JSON.stringify(input)}`, () => server.admin.send(new DescribeIdentityProviderCommand(input as never)));
        await rejected(`Delete ${JSON.stringify(input)}`, () => server.admin.send(new DeleteIdentityProviderCommand(input as never)));
      }
      for (const input of [{ UserPoolId: poolId, MaxResults: 61 }, { UserPoolId: poolId, MaxResults: '5' }, { UserPoolId: poolId, NextToken: 5 }, { UserPoolId: poolId, NextToken: '' }, { UserPoolId: null }]) {
        await rejected(`List ${JSON.stringify(input)}`, () => server.admin.send(new ListIdentityProvidersCommand(input as never)));
      }
      for (const input of [{ UserPoolId: poolId, IdpIdentifier: null }, { UserPoolId: poolId, IdpIdentifier: ['x'] }, { UserPoolId: poolId, IdpIdentifier: 'x'.repeat(41) }]) {
        await rejected(`GetByIdentifier ${JSON.stringify(input)}`, () => server.admin.send(new GetIdentityProviderByIdentifierCommand(input as never)));
      }
    });
  });
}
