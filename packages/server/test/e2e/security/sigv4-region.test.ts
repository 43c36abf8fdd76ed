/**
 * issue 10 item 5: an admin call's SigV4 credential scope must name the server's region (or one of
 * COGNATE_EXTRA_REGIONS), as AWS refuses a request signed for another region: 403
 * InvalidSignatureException "Credential should be scoped to a valid region, not '<region>'. ".
 * The query-protocol IAM path answers the same in XML; IAM is global and signs with us-east-1.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SignatureV4 } from '@smithy/signature-v4';
import { signerFor } from '../identity/sign.js';
import { CognitoIdentityProviderClient, ListUserPoolsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { CognitoIdentityClient, ListIdentityPoolsCommand } from '@aws-sdk/client-cognito-identity';
import { databaseKinds } from '../../support/postgres.js';
import { ADMIN, startTestServer, type TestServer } from '../../support/server.js';
import { fails } from './helpers.js';

const wrongRegion = (region: string) => ({ name: 'InvalidSignatureException', message: `Credential should be scoped to a valid region, not '${region}'. ` });

/** An IAM query call signed for `region`. */
async function iamCall(server: TestServer, region: string, params: Record<string, string>): Promise<{ status: number; text: string }> {
  const url = new URL(server.url);
  const body = new URLSearchParams({ Version: '2010-05-08', ...params }).toString();
  const signer = signerFor('iam', ADMIN, region);
  const signed = await signer.sign(
    { method: 'POST', protocol: 'http:', hostname: url.host, path: '/', query: {}, headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body },
    { signingDate: new Date(server.clock.now()) },
  );
  const { host: _host, ...headers } = signed.headers as Record<string, string>;
  void _host;
  const res = await fetch(server.url + '/', { method: 'POST', headers, body });
  return { status: res.status, text: await res.text() };
}

for (const kind of databaseKinds) {
  describe(`admin SigV4 credential scope region (issue 10 item 5) (${kind})`, () => {
    let server: TestServer;
    const idp = (region: string) => new CognitoIdentityProviderClient({ region, endpoint: server.url, credentials: ADMIN, maxAttempts: 1 });
    const identity = (region: string) => new CognitoIdentityClient({ region, endpoint: server.url, credentials: ADMIN, maxAttempts: 1 });

    before(async () => {
      server = await startTestServer(kind, { extraRegions: ['eu-central-1'] });
    });
    after(() => server.stop());

    it('cognito-idp: a request signed for eu-west-1 or xx-nowhere-9 is refused with 403', async () => {
      for (const region of ['eu-west-1', 'xx-nowhere-9']) {
        const client = idp(region);
        try {
          const err = await fails(() => client.send(new ListUserPoolsCommand({ MaxResults: 10 })));
          assert.deepEqual(err, wrongRegion(region));
          try {
            await client.send(new ListUserPoolsCommand({ MaxResults: 10 }));
          } catch (e) {
            assert.equal((e as { $metadata: { httpStatusCode?: number } }).$metadata.httpStatusCode, 403);
          }
        } finally {
          client.destroy();
        }
      }
    });

    it('cognito-identity: a request signed for eu-west-1 is refused', async () => {
      const client = identity('eu-west-1');
      try {
        assert.deepEqual(await fails(() => client.send(new ListIdentityPoolsCommand({ MaxResults: 10 }))), wrongRegion('eu-west-1'));
      } finally {
        client.destroy();
      }
    });

    it("the server's region and the configured extra regions are accepted", async () => {
      for (const region of ['us-east-1', 'eu-central-1']) {
        const client = idp(region);
        const ids = identity(region);
        try {
          assert.ok(Array.isArray((await client.send(new ListUserPoolsCommand({ MaxResults: 10 }))).UserPools));
          assert.ok(Array.isArray((await ids.send(new ListIdentityPoolsCommand({ MaxResults: 10 }))).IdentityPools));
        } finally {
          client.destroy();
          ids.destroy();
        }
      }
    });

    it('IAM (query protocol): us-east-1 and the server regions sign; another region gets an XML 403', async () => {
      const ok = await iamCall(server, 'us-east-1', { Action: 'GetRole', RoleName: 'missing-role' });
      assert.equal(ok.status, 404, ok.text);
      const extra = await iamCall(server, 'eu-central-1', { Action: 'GetRole', RoleName: 'missing-role' });
      assert.equal(extra.status, 404, extra.text);
      for (const region of ['eu-west-1', 'xx-nowhere-9']) {
        const bad = await iamCall(server, region, { Action: 'GetRole', RoleName: 'missing-role' });
        assert.equal(bad.status, 403, bad.text);
        assert.match(bad.text, /<Code>InvalidSignatureException<\/Code>/);
        assert.ok(bad.text.includes(`<Message>Credential should be scoped to a valid region, not &apos;${region}&apos;. </Message>`), bad.text);
      }
    });
  });
}
