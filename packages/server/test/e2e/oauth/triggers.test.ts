/**
 * PreTokenGeneration at the token endpoint: V2_0 for the hosted UI's code exchange
 * (TokenGeneration_HostedAuth, the granted scopes in the event) and its refresh
 * (TokenGeneration_RefreshTokens), V3_0 for machine tokens (TokenGeneration_ClientCredentials: no
 * user, the requested scopes, `aws_client_metadata`); protected claims stay. A failing trigger is
 * an RFC 6749 error, not a 500. On SQLite and PostgreSQL.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { databaseKinds } from '../../support/postgres.js';
import { LEAKED_INTERNALS, startTestServer, type TestServer } from '../../support/server.js';
import { arn, TriggerHost, WEBHOOK_SECRET } from '../../support/triggers.js';
import { REDIRECT, decodeJwt, issueCode, newOAuthPool, token, type OAuthPool } from './helpers.js';

for (const kind of databaseKinds) {
  describe(`PreTokenGeneration at the token endpoint (${kind})`, () => {
    let server: TestServer;
    let host: TriggerHost;
    let v2: OAuthPool;
    let v3: OAuthPool;

    before(async () => {
      host = await TriggerHost.start();
      const triggers: Record<string, string> = {};
      for (const name of ['oauth-v2', 'oauth-v3']) triggers[arn(name)] = `${host.webhookUrl}/${name}`;
      server = await startTestServer(kind, { triggers, triggerWebhookSecret: WEBHOOK_SECRET, triggerTimeoutMs: 2000 });
      v2 = await newOAuthPool(server, 'v2', { LambdaConfig: { PreTokenGenerationConfig: { LambdaArn: arn('oauth-v2'), LambdaVersion: 'V2_0' } } });
      v3 = await newOAuthPool(server, 'v3', { LambdaConfig: { PreTokenGenerationConfig: { LambdaArn: arn('oauth-v3'), LambdaVersion: 'V3_0' } } });
    });
    after(async () => {
      await server?.stop();
      await host?.stop();
    });

    it('V2: the code exchange sends TokenGeneration_HostedAuth with the granted scopes; the answer changes both tokens, protected claims stay', async () => {
      host.handlers.set('oauth-v2', (e) => ({
        ...e,
        response: {
          claimsAndScopeOverrideDetails: {
            idTokenGeneration: { claimsToAddOrOverride: { plan: 'pro', nonce: 'forged' } },
            accessTokenGeneration: { claimsToAddOrOverride: { tenant: 't-1' }, scopesToAdd: ['orders/read'], scopesToSuppress: ['profile'] },
          },
        },
      }));
      const code = await issueCode(server, v2, v2.web, { scopes: ['openid', 'email', 'profile'], nonce: 'n-1' });
      const res = await token(server, v2.web, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
      assert.equal(res.status, 200, res.text);
      const event = host.last('oauth-v2');
      assert.equal(event.triggerSource, 'TokenGeneration_HostedAuth');
      assert.equal(event.userName, v2.username);
      assert.deepEqual(event.request.scopes, ['openid', 'email', 'profile']);
      const id = decodeJwt(res.json.id_token);
      assert.equal(id.plan, 'pro');
      assert.equal(id.nonce, 'n-1', 'nonce is protected');
      const access = decodeJwt(res.json.access_token);
      assert.equal(access.tenant, 't-1');
      assert.equal(access.scope, 'openid email orders/read');
      const refreshed = await token(server, v2.web, { grant_type: 'refresh_token', refresh_token: res.json.refresh_token });
      assert.equal(refreshed.status, 200);
      assert.equal(host.last('oauth-v2').triggerSource, 'TokenGeneration_RefreshTokens');
      assert.deepEqual(host.last('oauth-v2').request.scopes, ['openid', 'email', 'profile']);
    });

    it('V2 does not run for machine tokens; V3 does, with no user, the scopes and aws_client_metadata', async () => {
      host.handlers.set('oauth-v2', (e) => e);
      const before2 = host.received('oauth-v2').length;
      assert.equal((await token(server, v2.machine, { grant_type: 'client_credentials' })).status, 200);
      assert.equal(host.received('oauth-v2').length, before2);

      host.handlers.set('oauth-v3', (e) => ({
        ...e,
        response: { claimsAndScopeOverrideDetails: { accessTokenGeneration: { claimsToAddOrOverride: { tenant: e.request.clientMetadata?.tenant ?? 'none', sub: 'forged' }, scopesToSuppress: ['orders/write'] } } },
      }));
      const res = await token(server, v3.machine, { grant_type: 'client_credentials', aws_client_metadata: JSON.stringify({ tenant: 'acme' }) });
      assert.equal(res.status, 200, res.text);
      const event = host.last('oauth-v3');
      assert.equal(event.version, '3');
      assert.equal(event.triggerSource, 'TokenGeneration_ClientCredentials');
      assert.equal(event.userName, null);
      assert.equal(event.callerContext.clientId, v3.machine.id);
      assert.deepEqual(event.request.scopes, ['orders/read', 'orders/write']);
      assert.deepEqual(event.request.clientMetadata, { tenant: 'acme' });
      assert.deepEqual(event.request.userAttributes, {});
      const access = decodeJwt(res.json.access_token);
      assert.equal(access.tenant, 'acme');
      assert.equal(access.sub, v3.machine.id, 'sub is protected');
      assert.equal(access.scope, 'orders/read');
    });

    it('a failing trigger answers an RFC 6749 error, never a stack', async () => {
      host.handlers.set('oauth-v3', () => {
        throw new Error('boom');
      });
      const res = await token(server, v3.machine, { grant_type: 'client_credentials' });
      assert.equal(res.status, 400);
      assert.equal(res.json.error, 'invalid_request');
      assert.doesNotMatch(res.text, LEAKED_INTERNALS);
    });
  });
}
