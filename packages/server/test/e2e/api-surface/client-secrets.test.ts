/**
 * Client-secret rotation with the AWS SDK (AddUserPoolClientSecret, ListUserPoolClientSecrets,
 * DeleteUserPoolClientSecret): at most two live secrets, the value shown only when Cognate
 * generated it, never listed; SECRET_HASH (InitiateAuth), RevokeToken and the token endpoint
 * (client_secret_basic and client_secret_post) accept either live secret and stop accepting a
 * deleted one at once; the last secret can't be deleted; a public client has none to rotate;
 * secrets sealed at rest; bad input.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import {
  AddUserPoolClientSecretCommand,
  DeleteUserPoolClientSecretCommand,
  DescribeUserPoolClientCommand,
  InitiateAuthCommand,
  ListUserPoolClientSecretsCommand,
  RevokeTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { failure, startTestServer, type TestServer } from '../../support/server.js';
import { signedIdp } from './helpers.js';
import { newClient, newOAuthPool, post, PASSWORD, type OAuthPool } from '../oauth/helpers.js';

const hash = (secret: string, username: string, clientId: string) => createHmac('sha256', secret).update(username + clientId).digest('base64');

for (const kind of databaseKinds) {
  describe(`client secrets (${kind})`, () => {
    let server: TestServer;
    let pool: OAuthPool;
    before(async () => {
      server = await startTestServer(kind);
      pool = await newOAuthPool(server, 'secrets');
    });
    after(async () => {
      await server?.stop();
    });

    const add = (clientId: string, ClientSecret?: string) => server.admin.send(new AddUserPoolClientSecretCommand({ UserPoolId: pool.poolId, ClientId: clientId, ...(ClientSecret ? { ClientSecret } : {}) }));
    const list = async (clientId: string) => (await server.admin.send(new ListUserPoolClientSecretsCommand({ UserPoolId: pool.poolId, ClientId: clientId }))).ClientSecrets!;
    const del = (clientId: string, ClientSecretId: string) => server.admin.send(new DeleteUserPoolClientSecretCommand({ UserPoolId: pool.poolId, ClientId: clientId, ClientSecretId }));
    const signIn = (clientId: string, secret: string) =>
      server.anonymous.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: pool.username, PASSWORD, SECRET_HASH: hash(secret, pool.username, clientId) } }));
    const basicAuth = (id: string, secret: string) => ({ authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` });
    const machineToken = (secret: string, how: 'basic' | 'post') =>
      how === 'basic'
        ? post(`${server.url}/oauth2/token`, { grant_type: 'client_credentials' }, basicAuth(pool.machine.id, secret))
        : post(`${server.url}/oauth2/token`, { grant_type: 'client_credentials', client_id: pool.machine.id, client_secret: secret });

    it('a second generated secret: its value shown once, both listed without values, both accepted by SECRET_HASH, the token endpoint and RevokeToken; a third is LimitExceededException', async () => {
      const client = await newClient(server, pool.poolId, { GenerateSecret: true, ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] });
      const first = await list(client.id);
      assert.equal(first.length, 1);
      assert.match(first[0]!.ClientSecretId!, new RegExp(`^${client.id}--\\d+$`));
      assert.equal(first[0]!.ClientSecretValue, undefined);
      assert.ok(first[0]!.ClientSecretCreateDate instanceof Date);

      const added = (await add(client.id)).ClientSecretDescriptor!;
      assert.match(added.ClientSecretValue!, /^[a-z0-9]{51}$/);
      assert.notEqual(added.ClientSecretValue, client.secret);
      assert.notEqual(added.ClientSecretId, first[0]!.ClientSecretId);
      const both = await list(client.id);
      assert.deepEqual(both.map((s) => s.ClientSecretId), [first[0]!.ClientSecretId, added.ClientSecretId]);
      assert.ok(both.every((s) => s.ClientSecretValue === undefined), 'ListUserPoolClientSecrets never shows a value');

      for (const secret of [client.secret!, added.ClientSecretValue!]) {
        const tokens = (await signIn(client.id, secret)).AuthenticationResult!;
        assert.ok(tokens.AccessToken);
        await server.anonymous.send(new RevokeTokenCommand({ ClientId: client.id, ClientSecret: secret, Token: tokens.RefreshToken! }));
      }
      assert.equal((await failure(() => signIn(client.id, 'x'.repeat(51)))).name, 'NotAuthorizedException');
      assert.equal((await failure(() => server.anonymous.send(new RevokeTokenCommand({ ClientId: client.id, ClientSecret: 'y'.repeat(51), Token: 'whatever' })))).name, 'NotAuthorizedException');

      const third = await failure(() => add(client.id));
      assert.equal(third.name, 'LimitExceededException');
      assert.equal((await list(client.id)).length, 2);
    });

    it('deleting the old secret: it stops working at once (SECRET_HASH and token endpoint), the new one keeps working; the last one can\'t be deleted', async () => {
      const machineSecrets = await list(pool.machine.id);
      assert.equal(machineSecrets.length, 1);
      const added = (await add(pool.machine.id)).ClientSecretDescriptor!;
      for (const secret of [pool.machine.secret!, added.ClientSecretValue!]) {
        for (const how of ['basic', 'post'] as const) {
          const res = await machineToken(secret, how);
          assert.equal(res.status, 200, `${how} with either secret: ${res.text}`);
        }
      }
      await del(pool.machine.id, machineSecrets[0]!.ClientSecretId!);
      const old = await machineToken(pool.machine.secret!, 'basic');
      assert.equal(old.status, 401);
      assert.equal(old.json.error, 'invalid_client');
      assert.equal((await machineToken(pool.machine.secret!, 'post')).status, 400);
      assert.equal((await machineToken(added.ClientSecretValue!, 'post')).status, 200);
      const described = (await server.admin.send(new DescribeUserPoolClientCommand({ UserPoolId: pool.poolId, ClientId: pool.machine.id }))).UserPoolClient!;
      assert.equal(described.ClientSecret, added.ClientSecretValue, 'DescribeUserPoolClient shows the remaining secret');

      const last = await failure(() => del(pool.machine.id, added.ClientSecretId!));
      assert.equal(last.name, 'InvalidParameterException');
      assert.equal((await machineToken(added.ClientSecretValue!, 'basic')).status, 200);

      const web = await newClient(server, pool.poolId, { GenerateSecret: true, ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'] });
      const webFirst = (await list(web.id))[0]!.ClientSecretId!;
      const webSecond = (await add(web.id)).ClientSecretDescriptor!;
      await del(web.id, webFirst);
      assert.equal((await failure(() => signIn(web.id, web.secret!))).name, 'NotAuthorizedException');
      assert.ok((await signIn(web.id, webSecond.ClientSecretValue!)).AuthenticationResult?.AccessToken);
    });

    it('a custom secret (24–64 of [\\w+]) is not echoed and works; too short is refused; a public client has no secret to rotate', async () => {
      const client = await newClient(server, pool.poolId, { GenerateSecret: true, ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'] });
      const custom = 'my_own+rotation_secret_0123456789';
      const added = (await add(client.id, custom)).ClientSecretDescriptor!;
      assert.equal(added.ClientSecretValue, undefined, "a caller's own secret isn't sent back");
      assert.ok((await signIn(client.id, custom)).AuthenticationResult?.AccessToken);
      assert.equal((await failure(() => add(client.id, 'short_secret_0123456789'))).name, 'InvalidParameterException');

      const rows = await server.running.cognate.store.db.selectFrom('user_pool_clients').select('secret_sealed').where('id', '=', client.id).execute();
      assert.ok(!JSON.stringify(rows).includes(custom), 'secrets are sealed at rest');
      assert.ok(!JSON.stringify(rows).includes(client.secret!), 'secrets are sealed at rest');

      const pub = await failure(() => add(pool.spa.id));
      assert.equal(pub.name, 'InvalidParameterException');
      assert.deepEqual(await list(pool.spa.id), []);
    });

    it('refuses bad input', async () => {
      const bad = async (what: string, call: () => Promise<unknown>, name: RegExp = /^(InvalidParameterException|SerializationException)$/) => {
        const e = await failure(call);
        assert.match(e.name, name, `${what}: ${e.name} ${e.message}`);
      };
      const client = pool.web.id;
      const send = (cmd: 'add' | 'list' | 'delete', input: Record<string, unknown>): Promise<unknown> =>
        cmd === 'add' ? server.admin.send(new AddUserPoolClientSecretCommand(input as never))
          : cmd === 'list' ? server.admin.send(new ListUserPoolClientSecretsCommand(input as never))
            : server.admin.send(new DeleteUserPoolClientSecretCommand(input as never));
      const raw = async (what: string, op: string, body: unknown) => {
        const r = await signedIdp(server, op, body);
        assert.equal(r.status, 400, `${what}: ${r.status} ${r.name} ${r.message}`);
        assert.match(r.name, /^(InvalidParameterException|SerializationException)$/, `${what}: ${r.name} ${r.message}`);
      };
      await raw('add: null client', 'AddUserPoolClientSecret', { UserPoolId: pool.poolId, ClientId: null });
      await raw('add: secret as number', 'AddUserPoolClientSecret', { UserPoolId: pool.poolId, ClientId: client, ClientSecret: 123456789012345678901234567890 });
      await raw('list: pool as object', 'ListUserPoolClientSecrets', { UserPoolId: { id: pool.poolId }, ClientId: client });
      await raw('delete: null secret id', 'DeleteUserPoolClientSecret', { UserPoolId: pool.poolId, ClientId: client, ClientSecretId: null });
      await raw('delete: secret id as list', 'DeleteUserPoolClientSecret', { UserPoolId: pool.poolId, ClientId: client, ClientSecretId: ['x'] });
      await bad('add: secret with a space', () => send('add', { UserPoolId: pool.poolId, ClientId: client, ClientSecret: 'a secret with spaces in it 0123' }));
      await bad('add: 65 characters', () => send('add', { UserPoolId: pool.poolId, ClientId: client, ClientSecret: 'a'.repeat(65) }));
      await bad('list: no client', () => send('list', { UserPoolId: pool.poolId }));
      await bad('delete: empty secret id', () => send('delete', { UserPoolId: pool.poolId, ClientId: client, ClientSecretId: '' }));
      await bad('add: unknown client', () => send('add', { UserPoolId: pool.poolId, ClientId: 'nosuchclient' }), /^ResourceNotFoundException$/);
      await bad('list: unknown pool', () => send('list', { UserPoolId: 'us-east-1_Nowhere00', ClientId: client }), /^ResourceNotFoundException$/);
      await bad('delete: unknown secret', () => send('delete', { UserPoolId: pool.poolId, ClientId: client, ClientSecretId: `${client}--1` }), /^ResourceNotFoundException$/);
      await bad("delete: another client's secret", () => send('delete', { UserPoolId: pool.poolId, ClientId: client, ClientSecretId: `${pool.machine.id}--1` }), /^ResourceNotFoundException$/);
    });
  });
}
