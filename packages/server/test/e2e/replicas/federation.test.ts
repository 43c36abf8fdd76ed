/**
 * Federation and a secondary replica (docs/replicas.md): a federated identity's first sign-in
 * creates its user, which a secondary can't, so it is refused there (the app hears an OAuth error);
 * once the user exists, after a sign-in through the primary, the secondary signs it in. Driven like
 * the federation suites: a cookie-keeping form client, the Google stand-in, openid-client redeeming.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateIdentityProviderCommand, CreateUserPoolClientCommand, CreateUserPoolCommand, CreateUserPoolReplicaCommand, ListUsersCommand, UpdateUserPoolReplicaCommand } from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { CALLBACK, FormClient, authorizeQuery, type OAuthApp, type PageResponse } from '../hosted-ui/support.js';
import { GOOGLE, startStandIns, type StandIns } from '../federation-oidc/stand-ins.js';

/** /oauth2/authorize with identity_provider=Google on `server` → the stand-in → that server's /oauth2/idpresponse → the app's callback. */
async function federate(server: TestServer, app: OAuthApp): Promise<PageResponse> {
  const browser = new FormClient(server.url);
  const { query } = authorizeQuery(app, { scope: 'openid email', identity_provider: 'Google' });
  const start = await browser.get(`/oauth2/authorize?${query}`);
  assert.equal(start.status, 302, start.body.slice(0, 300));
  const atProvider = await fetch(start.location!, { redirect: 'manual' });
  assert.equal(atProvider.status, 302, await atProvider.text());
  const back = atProvider.headers.get('location')!;
  assert.ok(back.startsWith(`${server.url}/oauth2/idpresponse?`), back);
  return browser.get(back);
}

for (const kind of databaseKinds) {
  describe(`federated sign-in on a secondary replica (${kind})`, () => {
    let idps: StandIns;
    let primary: TestServer;
    let secondary: TestServer;
    let app: OAuthApp;

    before(async () => {
      idps = await startStandIns();
      primary = await startTestServer(kind, { socialEndpoints: idps.socialEndpoints });
      secondary = await startTestServer(kind, { socialEndpoints: idps.socialEndpoints, region: 'eu-west-1' }, primary);
      const poolId = (await primary.admin.send(new CreateUserPoolCommand({ PoolName: 'federated', IssuerConfiguration: { Type: 'UPDATED' } }))).UserPool!.Id!;
      await primary.admin.send(
        new CreateIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'Google', ProviderType: 'Google', ProviderDetails: { client_id: GOOGLE.clientId, client_secret: GOOGLE.clientSecret, authorize_scopes: 'openid email' }, AttributeMapping: { email: 'email' } }),
      );
      const client = (
        await primary.admin.send(
          new CreateUserPoolClientCommand({
            UserPoolId: poolId, ClientName: 'web', GenerateSecret: true, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['code'],
            AllowedOAuthScopes: ['openid', 'email'], SupportedIdentityProviders: ['COGNITO', 'Google'], CallbackURLs: [CALLBACK],
          }),
        )
      ).UserPoolClient!;
      app = { poolId, clientId: client.ClientId!, clientSecret: client.ClientSecret! };
      await primary.admin.send(new CreateUserPoolReplicaCommand({ UserPoolId: poolId, RegionName: 'eu-west-1' }));
      await primary.admin.send(new UpdateUserPoolReplicaCommand({ UserPoolId: poolId, RegionName: 'eu-west-1', Status: 'ACTIVE' }));
    });
    after(async () => {
      await secondary?.stop();
      await primary?.stop();
      await idps?.close();
    });

    it('a first sign-in on the secondary is refused and creates no user; after one through the primary, the secondary signs the user in', async () => {
      const refused = await federate(secondary, app);
      assert.equal(refused.status, 302);
      const params = new URL(refused.location!).searchParams;
      assert.equal(params.get('error'), 'invalid_request', refused.location);
      assert.equal(params.get('code'), null);
      assert.deepEqual((await primary.admin.send(new ListUsersCommand({ UserPoolId: app.poolId }))).Users, []);

      const first = await federate(primary, app);
      assert.ok(new URL(first.location!).searchParams.get('code'), first.location);
      const again = await federate(secondary, app);
      assert.ok(again.location!.startsWith(`${CALLBACK}?`), again.location);
      assert.ok(new URL(again.location!).searchParams.get('code'), again.location);
      assert.equal((await primary.admin.send(new ListUsersCommand({ UserPoolId: app.poolId }))).Users!.length, 1);
    });
  });
}
