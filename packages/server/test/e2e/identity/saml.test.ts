/**
 * SAML logins of an identity pool: a SAML provider registered with IAM CreateSAMLProvider (its
 * metadata's signing certificate), SAML responses signed by this suite as an IdP would (xml-crypto,
 * RSA-SHA256, exclusive c14n), the role taken from the assertion, CustomRoleArn when it carries
 * several, and refusals for tampered, foreign-signed, wrapped, expired and misaddressed assertions.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SignedXml } from 'xml-crypto';
import { GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { databaseKinds } from '../../support/postgres.js';
import { failure, startTestServer, type TestServer } from '../../support/server.js';
import { identityPoolFor } from './helpers.js';
import { iam } from './sign.js';

const PROVIDER = 'arn:aws:iam::000000000000:saml-provider/CorpIdP';
const ENGINEERS = 'arn:aws:iam::000000000000:role/Engineers';
const ADMINS = 'arn:aws:iam::000000000000:role/Admins';

interface KeyPair {
  key: string;
  cert: string;
}

/** A throwaway RSA key and self-signed certificate, made with the openssl command. */
function keyPair(): KeyPair {
  const dir = mkdtempSync(path.join(tmpdir(), 'cognate-saml-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'c.pem'), '-subj', '/CN=idp.example.com', '-days', '2'], { stdio: 'ignore' });
    return { key: readFileSync(path.join(dir, 'k.pem'), 'utf8'), cert: readFileSync(path.join(dir, 'c.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const certBody = (pem: string) => pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');

function metadata(cert: string): string {
  return `<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${certBody(cert)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor></md:IDPSSODescriptor></md:EntityDescriptor>`;
}

interface AssertionInput {
  nameId: string;
  roles: string[];
  now: number;
  audience?: string;
  lifetimeMs?: number;
  id?: string;
}

function assertionXml(a: AssertionInput): string {
  const iso = (ms: number) => new Date(ms).toISOString();
  const until = a.now + (a.lifetimeMs ?? 5 * 60_000);
  const roles = a.roles.map((r) => `<saml:AttributeValue>${r},${PROVIDER}</saml:AttributeValue>`).join('');
  return (
    `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${a.id ?? '_a' + Math.random().toString(36).slice(2)}" Version="2.0" IssueInstant="${iso(a.now)}">` +
    `<saml:Issuer>https://idp.example.com</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">${a.nameId}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${iso(until)}" Recipient="https://signin.aws.amazon.com/saml"/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${iso(a.now - 60_000)}" NotOnOrAfter="${iso(until)}"><saml:AudienceRestriction><saml:Audience>${a.audience ?? 'urn:amazon:webservices'}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AttributeStatement><saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role">${roles}</saml:Attribute>` +
    `<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName"><saml:AttributeValue>${a.nameId}</saml:AttributeValue></saml:Attribute></saml:AttributeStatement>` +
    `</saml:Assertion>`
  );
}

/** A SAMLResponse with its assertion signed, base64 as the IdP posts it. */
function samlResponse(keys: KeyPair, a: AssertionInput, extra: (signed: string) => string = (s) => s): string {
  const response = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r1" Version="2.0" IssueInstant="${new Date(a.now).toISOString()}"><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>${assertionXml(a)}</samlp:Response>`;
  const sig = new SignedXml({ privateKey: keys.key, publicCert: keys.cert, signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#' });
  sig.addReference({
    xpath: "//*[local-name(.)='Assertion']",
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
  });
  sig.computeSignature(response, { location: { reference: "//*[local-name(.)='Assertion']/*[local-name(.)='Issuer']", action: 'after' } });
  return Buffer.from(extra(sig.getSignedXml()), 'utf8').toString('base64');
}

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
