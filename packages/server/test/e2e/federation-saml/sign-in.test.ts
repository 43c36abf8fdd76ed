/**
 * SAML federation into a user pool by plain HTTP, against a real SAML IdP (samlify, idp.ts):
 * GetSigningCertificate and what DescribeIdentityProvider shows; SP-initiated sign-in with a
 * signed AuthnRequest (the IdP verifies it), responses signed over the assertion or the whole
 * response, encrypted assertions; IdP-initiated sign-in; single logout (IDPSignout).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { DescribeIdentityProviderCommand, GetSigningCertificateCommand } from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { CALLBACK, FormClient, LOGOUT } from '../hosted-ui/support.js';
import { EMAIL_ATTRIBUTE, assertRefused, encryptionCertificate, idpInitRelayState, postResponse, samlSetup, spInitiated, tokensFrom, type SamlSetup } from './support.js';

for (const kind of databaseKinds) {
  describe(`SAML federation: sign-in (${kind})`, () => {
    let server: TestServer;
    let s: SamlSetup;
    before(async () => {
      server = await startTestServer(kind);
      s = await samlSetup(server);
      s.idp.user = { nameId: 'alice@corp.test', attributes: { [EMAIL_ATTRIBUTE]: ['alice@corp.test'] } };
    });
    after(async () => {
      await s?.idp.stop();
      await server?.stop();
    });

    it('GetSigningCertificate gives the pool one X.509 signing certificate (base64 DER, 10 years); Describe shows the metadata endpoints and the encryption certificate', async () => {
      const a = (await server.admin.send(new GetSigningCertificateCommand({ UserPoolId: s.poolId }))).Certificate!;
      const b = (await server.admin.send(new GetSigningCertificateCommand({ UserPoolId: s.poolId }))).Certificate!;
      assert.equal(a, b);
      assert.doesNotMatch(a, /BEGIN/);
      const cert = new X509Certificate(Buffer.from(a, 'base64'));
      assert.ok(Date.parse(cert.validTo) - Date.now() > 9 * 365 * 86_400_000);
      await assert.rejects(server.admin.send(new GetSigningCertificateCommand({ UserPoolId: 'us-east-1_nosuchpool' })), { name: 'ResourceNotFoundException' });

      const corp = (await server.admin.send(new DescribeIdentityProviderCommand({ UserPoolId: s.poolId, ProviderName: 'CorpIdP' }))).IdentityProvider!.ProviderDetails!;
      assert.equal(corp.SSORedirectBindingURI, `${s.idp.publicUrl}/sso`);
      assert.equal(corp.SLORedirectBindingURI, `${s.idp.publicUrl}/slo`);
      assert.equal(corp.ActiveEncryptionCertificate, undefined);
      const enc = await encryptionCertificate(s);
      assert.ok(new X509Certificate(Buffer.from(enc, 'base64')).publicKey, 'CorpEnc has its own encryption certificate');
      assert.notEqual(enc, a);
    });

    it('SP-initiated: a signed AuthnRequest (ID = "_" + RelayState, our entity ID and ACS) → a signed assertion → the app\'s code and tokens for CorpIdP_<NameID>', async () => {
      const browser = new FormClient(server.url);
      const { request, toIdp, answer } = await spInitiated(s, browser);
      const sent = s.idp.authnRequests.at(-1)!;
      assert.ok(sent.signed, 'RequestSigningAlgorithm rsa-sha256: the AuthnRequest is signed (samlify verified it with GetSigningCertificate\'s certificate)');
      assert.match(new URL(toIdp).searchParams.get('SigAlg')!, /rsa-sha256$/);
      assert.equal(`${s.poolId}.${sent.id.slice(1)}`, sent.relayState, "ID = _<request id>, RelayState = <poolId>.<request id>");
      assert.equal(sent.acs, `${server.url}/saml2/idpresponse`);
      assert.equal(sent.issuer, `urn:amazon:cognito:sp:${s.poolId}`);
      const tokens = await tokensFrom(s, await postResponse(browser, answer), request);
      const claims = tokens.claims()!;
      assert.equal(claims['cognito:username'], 'CorpIdP_alice@corp.test');
      assert.equal(claims.email, 'alice@corp.test');
      assert.ok(JSON.stringify(claims.identities ?? '').includes('CorpIdP'), 'the identities claim names the provider');
    });

    it('SP-initiated: a response signed as a whole (the assertion unsigned inside it) signs in too', async () => {
      s.idp.signing = 'response';
      try {
        const browser = new FormClient(server.url);
        const { request, answer } = await spInitiated(s, browser);
        const tokens = await tokensFrom(s, await postResponse(browser, answer), request);
        assert.equal(tokens.claims()!['cognito:username'], 'CorpIdP_alice@corp.test');
      } finally {
        s.idp.signing = 'assertion';
      }
    });

    it('EncryptedResponses: an assertion encrypted to the provider\'s ActiveEncryptionCertificate signs in; an unencrypted one is refused', async () => {
      s.idp.sp = { ...s.idp.sp, encryptionCertificate: await encryptionCertificate(s) };
      s.idp.encrypt = true;
      try {
        for (const signing of ['assertion', 'response'] as const) {
          s.idp.signing = signing;
          const browser = new FormClient(server.url);
          const { request, answer } = await spInitiated(s, browser, 'CorpEnc');
          assert.match(Buffer.from(answer.SAMLResponse, 'base64').toString(), /EncryptedAssertion/);
          assert.doesNotMatch(Buffer.from(answer.SAMLResponse, 'base64').toString(), /alice@corp\.test/, 'the browser can\'t read the assertion');
          const tokens = await tokensFrom(s, await postResponse(browser, answer), request);
          assert.equal(tokens.claims()!['cognito:username'], 'CorpEnc_alice@corp.test');
        }
        s.idp.encrypt = false;
        s.idp.signing = 'assertion';
        const browser = new FormClient(server.url);
        const { answer } = await spInitiated(s, browser, 'CorpEnc');
        assertRefused(await postResponse(browser, answer), 'plain assertion to an EncryptedResponses provider');
      } finally {
        s.idp.encrypt = false;
        s.idp.signing = 'assertion';
      }
    });

    it('IdP-initiated (IDPInit): a response with no InResponseTo and the app\'s authorize parameters as RelayState → the app\'s code', async () => {
      const browser = new FormClient(server.url);
      const samlResponse = await s.idp.response({ nameId: 'bob@corp.test', attributes: { [EMAIL_ATTRIBUTE]: ['bob@corp.test'] }, now: server.clock.now() });
      const done = await postResponse(browser, { SAMLResponse: samlResponse, RelayState: idpInitRelayState(s) });
      assert.equal(done.status, 302, done.body.slice(0, 300));
      const code = new URL(done.location!).searchParams.get('code');
      assert.ok(done.location!.startsWith(CALLBACK) && code, done.location);
    });

    it('IDPSignout: /logout sends the IdP a signed LogoutRequest for the NameID and SessionIndex; its LogoutResponse at /saml2/logout continues to the app\'s logout URI', async () => {
      const browser = new FormClient(server.url);
      const { request, answer } = await spInitiated(s, browser);
      await tokensFrom(s, await postResponse(browser, answer), request);
      const out = await browser.get(`/logout?client_id=${s.clientId}&logout_uri=${encodeURIComponent(LOGOUT)}`);
      assert.equal(out.status, 302);
      assert.ok(out.location!.startsWith(`${s.idp.publicUrl}/slo?`), `to the IdP's SLO: ${out.location}`);
      assert.ok(new URL(out.location!).searchParams.get('Signature'), 'the LogoutRequest is signed');
      const back = await fetch(s.idp.nodeUrl(out.location!), { redirect: 'manual' });
      assert.equal(back.status, 302, await back.text());
      assert.equal(s.idp.logoutRequests.at(-1)!.nameId, 'alice@corp.test', 'samlify verified the LogoutRequest and read its NameID');
      const logoutAnswer = new URL(back.headers.get('location')!);
      // A LogoutResponse with a RelayState we didn't seal, or with its signature broken, leads nowhere.
      const forged = new URL(logoutAnswer);
      forged.searchParams.set('RelayState', 'x'.repeat(200));
      assert.equal((await browser.get(forged.toString())).status, 400);
      assert.ok(logoutAnswer.searchParams.get('Signature'), 'the IdP signs its LogoutResponse');
      const tampered = logoutAnswer.toString().replace(/Signature=[^&]{8}/, 'Signature=AAAAAAAA');
      assert.equal((await browser.get(tampered)).status, 400, 'a broken signature');
      const done = await browser.get(logoutAnswer.toString());
      assert.equal(done.status, 302, done.body.slice(0, 300));
      assert.equal(done.location, LOGOUT);
      // The session is over here: the next authorize goes to the IdP again rather than answering from a session.
      const again = await browser.get(`/oauth2/authorize?client_id=${s.clientId}&response_type=code&redirect_uri=${encodeURIComponent(CALLBACK)}&prompt=none&scope=openid&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256`);
      assert.match(again.location ?? '', /error=login_required/);
    });
  });
}
