/**
 * Outbound federation requests (domain/federation/requests.ts), the `state` / RelayState the
 * protocol side sends to a provider: single use (of two racing takes, one wins), 10 minutes, bound
 * to their pool, stored only as a hash.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { beginFederation, takeFederationRequest } from '../../../src/domain/federation/requests.js';
import { findIdentityProvider } from '../../../src/domain/federation/providers.js';
import { databaseKinds } from '../../support/postgres.js';
import type { TestServer } from '../../support/server.js';
import type { TriggerHost } from '../../support/triggers.js';
import { federatedPool, startFederationServer } from './support.js';

for (const kind of databaseKinds) {
  describe(`federation requests (${kind})`, () => {
    let server: TestServer;
    let host: TriggerHost;

    before(async () => {
      ({ server, host } = await startFederationServer(kind));
    });
    after(async () => {
      await server?.stop();
      await host?.stop();
    });

    async function begin() {
      const fed = await federatedPool(server);
      const cognate = server.running.cognate;
      const pool = await cognate.pools.get(fed.poolId);
      const provider = (await findIdentityProvider(cognate, pool, 'Corp'))!;
      const request = await beginFederation(cognate, { pool, clientId: fed.clientId, provider, returnQuery: 'client_id=abc&response_type=code&state=xyz' });
      return { cognate, pool, request, fed };
    }

    it('a request carries what the return needs, and is taken once', async () => {
      const { cognate, pool, request, fed } = await begin();
      assert.match(request.id, /^[A-Za-z0-9_-]{43}$/);
      assert.match(request.nonce, /^[A-Za-z0-9_-]{43}$/);
      assert.match(request.codeVerifier, /^[A-Za-z0-9_-]{43,128}$/, 'RFC 7636 §4.1');
      assert.notEqual(request.nonce, request.id);
      const taken = await takeFederationRequest(cognate, pool, request.id);
      assert.deepEqual(taken, { ...request });
      assert.equal(taken!.clientId, fed.clientId);
      assert.equal(await takeFederationRequest(cognate, pool, request.id), undefined, 'spent');
    });

    it('of two racing takes, exactly one gets the request', async () => {
      const { cognate, pool, request } = await begin();
      const results = await Promise.all([takeFederationRequest(cognate, pool, request.id), takeFederationRequest(cognate, pool, request.id), takeFederationRequest(cognate, pool, request.id)]);
      assert.equal(results.filter(Boolean).length, 1);
    });

    it('expires after 10 minutes; another pool, or a malformed id, takes nothing', async () => {
      const { cognate, pool, request } = await begin();
      const other = await cognate.pools.get((await server.admin.send(new CreateUserPoolCommand({ PoolName: 'other' }))).UserPool!.Id!);
      assert.equal(await takeFederationRequest(cognate, other, request.id), undefined);
      for (const id of ['', 'short', `${request.id}!`, request.id.slice(1), 'x'.repeat(200)]) assert.equal(await takeFederationRequest(cognate, pool, id), undefined, id);
      const late = await begin();
      const fresh = await begin();
      // Requests are live 10 minutes by the server's clock; it goes back afterwards, so signed calls stay in their window.
      const start = server.clock.now();
      try {
        server.clock.advance(599_000);
        assert.ok(await takeFederationRequest(cognate, fresh.pool, fresh.request.id), 'still live just before 10 minutes');
        server.clock.advance(1_001);
        assert.equal(await takeFederationRequest(cognate, late.pool, late.request.id), undefined, 'expired');
        // The first request was not spent by the wrong pool's attempt, but it has expired too now.
        assert.equal(await takeFederationRequest(cognate, pool, request.id), undefined);
      } finally {
        server.clock.set(start);
      }
    });

    it('only a hash of the id is stored: the database names no usable state', async () => {
      const { cognate, request } = await begin();
      const rows = await cognate.store.db.selectFrom('federation_requests').selectAll().execute();
      assert.ok(rows.length > 0);
      for (const row of rows) assert.ok(!JSON.stringify(row).includes(request.id));
    });
  });
}
