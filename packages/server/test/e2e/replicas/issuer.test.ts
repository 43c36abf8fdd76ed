/**
 * IssuerConfiguration (docs/replicas.md): an UPDATED pool's tokens carry the multi-Region issuer
 * `https://issuer-cognito-idp.<primary>.amazonaws.com/<id>`, which aws-jwt-verify accepts; Cognate
 * accepts its own tokens in either form, so switching the setting signs nobody out (the
 * user-pools API and identity pools alike); discovery and the JWKS answer under both issuers' hosts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetUserCommand,
  InitiateAuthCommand,
  UpdateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CreateIdentityPoolCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { issuerFor } from '../../../src/config.js';

const PASSWORD = 'Corr3ct-Horse!';
const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

/** GET on the server with another Host header, as a client resolving the issuer's host to this server would send. */
function getWithHost(url: string, host: string): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(body) }));
    });
    req.on('error', reject);
  });
}

describe("the issuer styles: with 'public-url' both forms are the one public name", () => {
  it('ORIGINAL and UPDATED give <publicUrl>/<id>; with the aws style, cognito-idp and issuer-cognito-idp of the primary region', () => {
    const publicUrl = { issuerStyle: 'public-url' as const, publicUrl: 'https://id.example.com' };
    assert.equal(issuerFor(publicUrl, 'eu-west-1_abc', 'ORIGINAL'), 'https://id.example.com/eu-west-1_abc');
    assert.equal(issuerFor(publicUrl, 'eu-west-1_abc', 'UPDATED'), 'https://id.example.com/eu-west-1_abc');
    const aws = { issuerStyle: 'aws' as const, publicUrl: 'https://id.example.com' };
    assert.equal(issuerFor(aws, 'eu-west-1_abc', 'ORIGINAL'), 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc');
    assert.equal(issuerFor(aws, 'eu-west-1_abc', 'UPDATED'), 'https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc');
  });
});

for (const kind of databaseKinds) {
  describe(`IssuerConfiguration and the multi-Region issuer (${kind})`, () => {
    let server: TestServer;
    let poolId: string;
    let clientId: string;
    const original = () => `https://cognito-idp.us-east-1.amazonaws.com/${poolId}`;
    const updated = () => `https://issuer-cognito-idp.us-east-1.amazonaws.com/${poolId}`;
    const signIn = async () =>
      (await server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'alice', PASSWORD } }))).AuthenticationResult!;
    const setIssuer = (Type: 'ORIGINAL' | 'UPDATED') => server.admin.send(new UpdateUserPoolCommand({ UserPoolId: poolId, IssuerConfiguration: { Type } }));

    before(async () => {
      server = await startTestServer(kind);
      poolId = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'issuers' }))).UserPool!.Id!;
      clientId = (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient!.ClientId!;
      await server.admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'alice', MessageAction: 'SUPPRESS' }));
      await server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'alice', Password: PASSWORD, Permanent: true }));
    });
    after(() => server.stop());

    it('switching to UPDATED signs nobody out; new tokens carry the multi-Region issuer, which aws-jwt-verify accepts; switching back keeps those valid too', async () => {
      await setIssuer('ORIGINAL');
      const before = await signIn();
      assert.equal(claimsOf(before.AccessToken!).iss, original());
      await setIssuer('UPDATED');
      assert.equal((await server.anonymous.send(new GetUserCommand({ AccessToken: before.AccessToken! }))).Username, 'alice', 'an ORIGINAL token still works');
      const after = await signIn();
      assert.equal(claimsOf(after.AccessToken!).iss, updated());
      assert.equal(claimsOf(after.IdToken!).iss, updated());
      const refreshed = (await server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: clientId, AuthParameters: { REFRESH_TOKEN: before.RefreshToken! } }))).AuthenticationResult!;
      assert.equal(claimsOf(refreshed.AccessToken!).iss, updated(), 'a refresh issues with the current issuer');

      const jwks = (await (await fetch(`${server.url}/${poolId}/.well-known/jwks.json`)).json()) as { keys: any[] };
      const idVerifier = CognitoJwtVerifier.create({ userPoolId: poolId, tokenUse: 'id', clientId });
      const accessVerifier = CognitoJwtVerifier.create({ userPoolId: poolId, tokenUse: 'access', clientId });
      idVerifier.cacheJwks(jwks);
      accessVerifier.cacheJwks(jwks);
      assert.equal((await idVerifier.verify(after.IdToken!)).iss, updated());
      assert.equal((await accessVerifier.verify(after.AccessToken!)).username, 'alice');

      await setIssuer('ORIGINAL');
      assert.equal((await server.anonymous.send(new GetUserCommand({ AccessToken: after.AccessToken! }))).Username, 'alice', 'an UPDATED token still works');
      assert.equal(claimsOf((await signIn()).AccessToken!).iss, original());
    });

    it('identity pools accept an UPDATED-issuer ID token under either logins key', async () => {
      await setIssuer('UPDATED');
      const idToken = (await signIn()).IdToken!;
      const IdentityPoolId = (
        await server.identityAdmin.send(
          new CreateIdentityPoolCommand({ IdentityPoolName: 'mrr', AllowUnauthenticatedIdentities: false, CognitoIdentityProviders: [{ ProviderName: `cognito-idp.us-east-1.amazonaws.com/${poolId}`, ClientId: clientId }] }),
        )
      ).IdentityPoolId!;
      const viaRegional = (await server.identity.send(new GetIdCommand({ IdentityPoolId, Logins: { [`cognito-idp.us-east-1.amazonaws.com/${poolId}`]: idToken } }))).IdentityId;
      const viaIssuer = (await server.identity.send(new GetIdCommand({ IdentityPoolId, Logins: { [`issuer-cognito-idp.us-east-1.amazonaws.com/${poolId}`]: idToken } }))).IdentityId;
      assert.ok(viaRegional);
      assert.equal(viaIssuer, viaRegional, 'one identity, whichever key names the pool');
    });

    it("discovery names the issuer of the host it is asked on (both), and the JWKS answers under both hosts", async () => {
      await setIssuer('UPDATED');
      const path = `${server.url}/${poolId}/.well-known/openid-configuration`;
      assert.equal((await getWithHost(path, 'issuer-cognito-idp.us-east-1.amazonaws.com')).json.issuer, updated());
      assert.equal((await getWithHost(path, 'cognito-idp.us-east-1.amazonaws.com')).json.issuer, original());
      assert.equal((await (await fetch(path)).json() as { issuer: string }).issuer, updated(), "elsewhere: the pool's own issuer");
      const a = await getWithHost(`${server.url}/${poolId}/.well-known/jwks.json`, 'issuer-cognito-idp.us-east-1.amazonaws.com');
      const b = await getWithHost(`${server.url}/${poolId}/.well-known/jwks.json`, 'cognito-idp.us-east-1.amazonaws.com');
      assert.equal(a.status, 200);
      assert.ok(a.json.keys.length > 0);
      assert.deepEqual(a.json, b.json);
    });
  });
}
