/**
 * SAML logins of an identity pool: a SAML provider registered with IAM CreateSAMLProvider (its
 * metadata's signing certificate), SAML responses signed by this suite as an IdP would (xml-crypto,
 * RSA-SHA256, exclusive c14n), the role taken from the assertion, CustomRoleArn when it carries
 * several, and refusals for tampered, foreign-signed, wrapped, expired and misaddressed assertions.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { databaseKinds } from '../../support/postgres.js';
import { failure, startTestServer, type TestServer } from '../../support/server.js';
import { identityPoolFor, trustRole } from './helpers.js';
import { iam } from './sign.js';
import { assertionXml, keyPair, metadata, PROVIDER, samlResponse, type KeyPair } from './saml-idp.js';

const ENGINEERS = 'arn:aws:iam::000000000000:role/Engineers';
const ADMINS = 'arn:aws:iam::000000000000:role/Admins';

for (const kind of databaseKinds) {
  describe(`SAML logins (${kind})`, () => {
    let server: TestServer;
    let idp: KeyPair;
    let rogue: KeyPair;
    let identityPoolId: string;

    before(async () => {
      idp = keyPair();
      rogue = keyPair();
      server = await startTestServer(kind);
      const created = await iam(server.url, server.credentials, { Action: 'CreateSAMLProvider', Name: 'CorpIdP', SAMLMetadataDocument: metadata(idp.cert) }, server.clock.now());
      assert.equal(created.status, 200, created.text);
      assert.match(created.text, new RegExp(`<SAMLProviderArn>${PROVIDER}</SAMLProviderArn>`));
      identityPoolId = await identityPoolFor(server, [], { SamlProviderARNs: [PROVIDER] });
      for (const role of [ENGINEERS, ADMINS]) await trustRole(server, role, identityPoolId, 'authenticated');
    });
    after(() => server.stop());

    const credentialsFor = async (response: string, custom?: string) => {
      const logins = { [PROVIDER]: response };
      const { IdentityId } = await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: logins }));
      const out = await server.identity.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: logins, CustomRoleArn: custom }));
      return { identityId: IdentityId!, role: server.running.cognate.identity.builtIn.open(out.Credentials!.SessionToken!)!.r };
    };

    it('federates a signed SAML assertion with the role it carries; the same NameID keeps its identity', async () => {
      const first = await credentialsFor(samlResponse(idp, { nameId: 'jane@corp', roles: [ENGINEERS], now: server.clock.now() }));
      assert.equal(first.role, ENGINEERS);
      const again = await credentialsFor(samlResponse(idp, { nameId: 'jane@corp', roles: [ENGINEERS], now: server.clock.now() }));
      assert.equal(again.identityId, first.identityId);
    });

    it('needs CustomRoleArn when the assertion carries several roles', async () => {
      const response = samlResponse(idp, { nameId: 'max@corp', roles: [ENGINEERS, ADMINS], now: server.clock.now() });
      const e = await failure(() => credentialsFor(response));
      assert.equal(e.name, 'InvalidParameterException');
      assert.equal((await credentialsFor(response, ADMINS)).role, ADMINS);
      assert.equal((await failure(() => credentialsFor(response, 'arn:aws:iam::000000000000:role/Other'))).name, 'NotAuthorizedException');
    });

    it('refuses tampered, foreign-signed, wrapped, expired and misaddressed assertions', async () => {
      const now = server.clock.now();
      const getId = (response: string) => failure(() => server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: { [PROVIDER]: response } })));
      const tampered = samlResponse(idp, { nameId: 'eve@corp', roles: [ADMINS], now }, (s) => s.replace('eve@corp</saml:NameID>', 'root@corp</saml:NameID>'));
      assert.equal((await getId(tampered)).name, 'NotAuthorizedException');
      assert.equal((await getId(samlResponse(rogue, { nameId: 'eve@corp', roles: [ADMINS], now }))).name, 'NotAuthorizedException');
      // Signature wrapping: an unsigned assertion for someone else placed before the signed one.
      const wrapped = samlResponse(idp, { nameId: 'eve@corp', roles: [ENGINEERS], now, id: '_signed' }, (s) => s.replace('<samlp:Status>', `${assertionXml({ nameId: 'ceo@corp', roles: [ADMINS], now, id: '_evil' })}<samlp:Status>`));
      const eve = await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: { [PROVIDER]: samlResponse(idp, { nameId: 'eve@corp', roles: [ENGINEERS], now }) } }));
      const ceo = await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: { [PROVIDER]: samlResponse(idp, { nameId: 'ceo@corp', roles: [ADMINS], now }) } }));
      const viaWrapped = await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: { [PROVIDER]: wrapped } }));
      assert.equal(viaWrapped.IdentityId, eve.IdentityId, 'only the signed assertion counts');
      assert.notEqual(viaWrapped.IdentityId, ceo.IdentityId);
      assert.equal((await getId(samlResponse(idp, { nameId: 'eve@corp', roles: [ENGINEERS], now: now - 3600_000 }))).name, 'NotAuthorizedException');
      assert.equal((await getId(samlResponse(idp, { nameId: 'eve@corp', roles: [ENGINEERS], now, audience: 'https://other.example.com' }))).name, 'NotAuthorizedException');
      assert.equal((await getId('bm90IHhtbA==')).name, 'NotAuthorizedException');
      assert.equal((await getId('***')).name, 'NotAuthorizedException');
      // An unregistered provider ARN named by the pool.
      const other = await identityPoolFor(server, [], { SamlProviderARNs: ['arn:aws:iam::000000000000:saml-provider/Nobody'] });
      const un = await failure(() => server.identity.send(new GetIdCommand({ IdentityPoolId: other, Logins: { 'arn:aws:iam::000000000000:saml-provider/Nobody': samlResponse(idp, { nameId: 'x', roles: [], now }) } })));
      assert.equal(un.name, 'NotAuthorizedException');
    });
  });
}
