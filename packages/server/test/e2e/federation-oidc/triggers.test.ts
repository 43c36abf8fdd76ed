/**
 * Triggers around a federated sign-in through /oauth2/idpresponse, with the Google stand-in:
 * InboundFederation gets the provider's answer by source (token response, ID token, userinfo), and
 * a PreSignUp that refuses the new user sends the app its error, with no user made.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateIdentityProviderCommand, CreateUserPoolClientCommand, CreateUserPoolCommand, ListUsersCommand, type LambdaConfigType } from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { TriggerHost, WEBHOOK_SECRET, arn } from '../../support/triggers.js';
import { CALLBACK, FormClient, authorizeQuery, redirectParams, type OAuthApp } from '../hosted-ui/support.js';
import { GOOGLE, startStandIns, type StandIns } from './stand-ins.js';

/** /oauth2/authorize?identity_provider=Google → the stand-in → /oauth2/idpresponse: the answer for the app. */
async function viaGoogle(server: TestServer, app: OAuthApp): Promise<{ location: string | undefined; state: string }> {
  const browser = new FormClient(server.url);
  const { query, state } = authorizeQuery(app, { scope: 'openid email', identity_provider: 'Google' });
  const start = await browser.get(`/oauth2/authorize?${query}`);
  const back = (await fetch(start.location!, { redirect: 'manual' })).headers.get('location')!;
  return { location: (await browser.get(back)).location, state };
}

for (const kind of databaseKinds) {
  describe(`triggers of a federated sign-in through /oauth2/idpresponse (${kind})`, () => {
    let server: TestServer;
    let host: TriggerHost;
    let idps: StandIns;

    const appWith = async (LambdaConfig: LambdaConfigType): Promise<OAuthApp> => {
      const poolId = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'triggers', LambdaConfig }))).UserPool!.Id!;
      await server.admin.send(
        new CreateIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'Google', ProviderType: 'Google', ProviderDetails: { client_id: GOOGLE.clientId, client_secret: GOOGLE.clientSecret, authorize_scopes: 'openid email profile' }, AttributeMapping: { email: 'email', name: 'name' } }),
      );
      const client = (
        await server.admin.send(
          new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['code'], AllowedOAuthScopes: ['openid', 'email'], SupportedIdentityProviders: ['Google'], CallbackURLs: [CALLBACK] }),
        )
      ).UserPoolClient!;
      return { poolId, clientId: client.ClientId! };
    };

    before(async () => {
      idps = await startStandIns();
      host = await TriggerHost.start();
      const names = ['fo-inbound', 'fo-pre-sign-up'];
      server = await startTestServer(kind, { socialEndpoints: idps.socialEndpoints, triggers: Object.fromEntries(names.map((n) => [arn(n), `${host.webhookUrl}/${n}`])), triggerWebhookSecret: WEBHOOK_SECRET, triggerTimeoutMs: 2000 });
    });
    after(async () => {
      await server?.stop();
      await host?.stop();
      await idps?.close();
    });

    it("InboundFederation gets the provider's token response, ID token and userinfo; its answer replaces the attributes", async () => {
      host.handlers.set('fo-inbound', (event) => ({ ...event, response: { userAttributesToMap: { email: 'rewritten@example.com', name: 'Rewritten' } } }));
      const app = await appWith({ InboundFederation: { LambdaArn: arn('fo-inbound'), LambdaVersion: 'V1_0' } });
      const { location } = await viaGoogle(server, app);
      assert.ok(redirectParams(location).get('code'), location);
      const event = host.last('fo-inbound');
      assert.equal(event.triggerSource, 'InboundFederation_ExternalProvider');
      const attributes = (event.request as { attributes: Record<string, Record<string, string>> }).attributes;
      assert.equal(attributes.idToken!.sub, GOOGLE.sub);
      assert.equal(attributes.idToken!.iss, `${idps.base}/google`);
      assert.equal(attributes.userInfo!.name, GOOGLE.name);
      assert.equal(typeof attributes.tokenResponse!.access_token, 'string');
      const users = (await server.admin.send(new ListUsersCommand({ UserPoolId: app.poolId }))).Users!;
      assert.equal(users[0]!.Attributes!.find((a) => a.Name === 'email')?.Value, 'rewritten@example.com');
    });

    it("a PreSignUp that refuses the federated user: the app gets invalid_request with the function's message and its state, no user", async () => {
      host.handlers.set('fo-pre-sign-up', () => {
        throw new Error('no outsiders');
      });
      const app = await appWith({ PreSignUp: arn('fo-pre-sign-up') });
      const { location, state } = await viaGoogle(server, app);
      const params = redirectParams(location);
      assert.equal(params.get('error'), 'invalid_request');
      assert.match(params.get('error_description') ?? '', /no outsiders/);
      assert.equal(params.get('state'), state);
      assert.equal(params.get('code'), null);
      assert.equal(host.last('fo-pre-sign-up').triggerSource, 'PreSignUp_ExternalProvider');
      assert.deepEqual((await server.admin.send(new ListUsersCommand({ UserPoolId: app.poolId }))).Users, []);
    });
  });
}
