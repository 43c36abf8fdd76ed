/**
 * A real SAML 2.0 identity provider for the federation-saml suites: samlify (in IdP role) signs
 * responses and assertions and encrypts assertions; an HTTP server on 127.0.0.1 serves its
 * metadata (MetadataURL), its SingleSignOnService (HTTP-Redirect: parses and, when the pool signs
 * them, verifies our AuthnRequest, then answers with an auto-posting form to our ACS, as an IdP's
 * page does after the person signs in) and its SingleLogoutService (verifies our signed
 * LogoutRequest, answers with a LogoutResponse by redirect).
 *
 * The response XML comes from {@link responseXml}, so a test says exactly what the IdP asserts
 * (audience, recipient, times, InResponseTo …); samlify then signs and encrypts it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import * as samlify from 'samlify';
import { keyPair, type KeyPair } from '../identity/saml-idp.js';

// Our AuthnRequests are checked by signature and by the tests' own assertions; samlify's optional
// XSD validation (a Java or libxml plug-in) is not what is under test.
samlify.setSchemaValidator({ validate: async () => 'skipped' });

const POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
export const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
export const IDP_ENTITY_ID = 'https://idp.corp.test/saml';

export interface SpView {
  poolId: string;
  acsUrl: string;
  logoutUrl: string;
  /** GetSigningCertificate's answer (base64 DER) */
  signingCertificate?: string;
  /** ActiveEncryptionCertificate (base64 DER), when the provider has EncryptedResponses */
  encryptionCertificate?: string;
}

export type Signing = 'assertion' | 'response' | 'both';

export interface AssertionFacts {
  nameId: string;
  attributes?: Record<string, string[]>;
  inResponseTo?: string;
  audience?: string;
  recipient?: string;
  destination?: string;
  issuer?: string;
  /** epoch ms the IdP thinks it is */
  now: number;
  lifetimeMs?: number;
  assertionId?: string;
  sessionIndex?: string;
}

const pemOf = (b64: string) => `-----BEGIN CERTIFICATE-----\n${b64.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
const iso = (ms: number) => new Date(ms).toISOString();
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function responseXml(sp: SpView, f: AssertionFacts): { id: string; xml: string } {
  const id = `_r${randomBytes(12).toString('hex')}`;
  const assertionId = f.assertionId ?? `_a${randomBytes(12).toString('hex')}`;
  const until = f.now + (f.lifetimeMs ?? 5 * 60_000);
  const irt = f.inResponseTo !== undefined ? ` InResponseTo="${esc(f.inResponseTo)}"` : '';
  const issuer = esc(f.issuer ?? IDP_ENTITY_ID);
  const attributes = Object.entries(f.attributes ?? {})
    .map(([name, values]) => `<saml:Attribute Name="${esc(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">${values.map((v) => `<saml:AttributeValue xsi:type="xs:string">${esc(v)}</saml:AttributeValue>`).join('')}</saml:Attribute>`)
    .join('');
  const xml =
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" Version="2.0" IssueInstant="${iso(f.now)}" Destination="${esc(f.destination ?? sp.acsUrl)}"${irt}>` +
    `<saml:Issuer>${issuer}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
    `<saml:Assertion xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${assertionId}" Version="2.0" IssueInstant="${iso(f.now)}">` +
    `<saml:Issuer>${issuer}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">${esc(f.nameId)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${iso(until)}" Recipient="${esc(f.recipient ?? sp.acsUrl)}"${irt}/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${iso(f.now - 30_000)}" NotOnOrAfter="${iso(until)}"><saml:AudienceRestriction><saml:Audience>${esc(f.audience ?? `urn:amazon:cognito:sp:${sp.poolId}`)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${iso(f.now)}" SessionIndex="${esc(f.sessionIndex ?? assertionId)}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    (attributes ? `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>` : '') +
    `</saml:Assertion></samlp:Response>`;
  return { id, xml };
}

export class TestIdp {
  readonly keys: KeyPair = keyPair();
  server!: Server;
  /** Where the server (Node) reaches the IdP: metadata. */
  url = '';
  /** Where browsers reach its pages (SSO, SLO): `localhost`, another site than the server's 127.0.0.1, so its form posts cross-site as a real IdP's does. */
  publicUrl = '';
  /** The person who "signs in" at the IdP's page next. */
  user: { nameId: string; attributes: Record<string, string[]> } = { nameId: 'alice@corp.test', attributes: {} };
  /** How the next responses are signed and whether the assertion is encrypted. */
  signing: Signing = 'assertion';
  encrypt = false;
  /** The service provider, as the IdP knows it (set once the pool exists). */
  sp!: SpView;
  /** The IdP's clock (the server's ManualClock, so both agree). */
  now: () => number = () => Date.now();
  /** AuthnRequests received, as samlify parsed them (signature checked when the pool signs). */
  readonly authnRequests: { id: string; signed: boolean; relayState: string | undefined; acs: string | undefined; issuer: string | undefined }[] = [];
  readonly logoutRequests: { nameId: string | undefined; sessionIndex: string | undefined }[] = [];
  /** Whether the IdP demands signed AuthnRequests. */
  wantAuthnRequestsSigned = false;

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req.url ?? '/', res).catch((err: Error) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err?.message ?? err));
    }));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const port = (this.server.address() as AddressInfo).port;
    this.url = `http://127.0.0.1:${port}`;
    this.publicUrl = `http://localhost:${port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  idp(opts: { encrypt?: boolean } = {}) {
    return samlify.IdentityProvider({
      entityID: IDP_ENTITY_ID,
      privateKey: this.keys.key,
      signingCert: this.keys.cert,
      requestSignatureAlgorithm: RSA_SHA256,
      wantAuthnRequestsSigned: this.wantAuthnRequestsSigned,
      isAssertionEncrypted: opts.encrypt ?? this.encrypt,
      singleSignOnService: [{ Binding: REDIRECT, Location: `${this.publicUrl}/sso` }],
      singleLogoutService: [{ Binding: REDIRECT, Location: `${this.publicUrl}/slo` }],
      nameIDFormat: ['urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'],
    });
  }

  spEntity(signing: Signing = this.signing) {
    const sp = this.sp;
    return samlify.ServiceProvider({
      entityID: `urn:amazon:cognito:sp:${sp.poolId}`,
      assertionConsumerService: [{ Binding: POST, Location: sp.acsUrl }],
      singleLogoutService: [{ Binding: REDIRECT, Location: sp.logoutUrl }],
      wantAssertionsSigned: signing !== 'response',
      wantMessageSigned: signing !== 'assertion',
      authnRequestsSigned: sp.signingCertificate !== undefined,
      wantLogoutResponseSigned: true,
      ...(sp.signingCertificate ? { signingCert: pemOf(sp.signingCertificate) } : {}),
      ...(sp.encryptionCertificate ? { encryptCert: pemOf(sp.encryptionCertificate) } : {}),
    });
  }

  /** The IdP's metadata document (what MetadataURL serves). */
  metadata(): string {
    return this.idp().getMetadata();
  }

  /** A base64 SAMLResponse asserting `facts`, signed (and encrypted) by samlify as configured. */
  async response(facts: AssertionFacts, opts: { signing?: Signing; encrypt?: boolean } = {}): Promise<string> {
    const { id, xml } = responseXml(this.sp, facts);
    const encrypt = opts.encrypt ?? this.encrypt;
    // encryptThenSign: the assertion is signed, then encrypted, then the response signed over the ciphertext.
    const out = await this.idp({ encrypt }).createLoginResponse(this.spEntity(opts.signing), { extract: { request: { id: facts.inResponseTo ?? '' } } }, 'post', { email: facts.nameId }, { customTagReplacement: () => ({ id, context: xml }), encryptThenSign: encrypt });
    return out.context;
  }

  /** A URL of the IdP's pages as Node reaches it (127.0.0.1: Node may try ::1 for localhost, where nothing listens). */
  nodeUrl(location: string): string {
    return location.replace(this.publicUrl, this.url);
  }

  private async handle(url: string, res: import('node:http').ServerResponse): Promise<void> {
    const u = new URL(url, this.url);
    const query = Object.fromEntries(u.searchParams);
    const octetString = u.search.slice(1).split('&').filter((p) => /^(SAMLRequest|SAMLResponse|RelayState|SigAlg)=/.test(p)).join('&');
    if (u.pathname === '/metadata') {
      res.writeHead(200, { 'content-type': 'application/samlmetadata+xml' });
      res.end(this.metadata());
      return;
    }
    if (u.pathname === '/sso') {
      const parsed = await this.idp().parseLoginRequest(this.spEntity(), 'redirect', { query, octetString });
      const request = parsed.extract.request as { id: string; assertionConsumerServiceUrl?: string };
      this.authnRequests.push({ id: request.id, signed: Boolean(query.Signature), relayState: query.RelayState, acs: request.assertionConsumerServiceUrl, issuer: parsed.extract.issuer as string | undefined });
      const samlResponse = await this.response({ ...this.user, inResponseTo: request.id, now: this.now() });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><html lang="en"><head><title>Corp IdP</title></head><body onload="document.forms[0].submit()">` +
          `<form method="post" action="${esc(this.sp.acsUrl)}"><input type="hidden" name="SAMLResponse" value="${esc(samlResponse)}">` +
          `<input type="hidden" name="RelayState" value="${esc(query.RelayState ?? '')}"><button type="submit">Continue</button></form></body></html>`,
      );
      return;
    }
    if (u.pathname === '/slo') {
      const parsed = await this.idp().parseLogoutRequest(this.spEntity(), 'redirect', { query, octetString });
      const extract = parsed.extract as { request?: { id: string }; nameID?: string; sessionIndex?: { sessionIndex?: string } | string };
      const si = typeof extract.sessionIndex === 'string' ? extract.sessionIndex : extract.sessionIndex?.sessionIndex;
      this.logoutRequests.push({ nameId: extract.nameID, sessionIndex: si });
      const out = await this.idp().createLogoutResponse(this.spEntity(), parsed as unknown as Parameters<ReturnType<TestIdp["idp"]>["createLogoutResponse"]>[1], 'redirect', query.RelayState ?? '');
      res.writeHead(302, { location: (out as { context: string }).context });
      res.end();
      return;
    }
    res.writeHead(404);
    res.end();
  }
}
