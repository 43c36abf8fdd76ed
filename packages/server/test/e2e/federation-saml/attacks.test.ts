/**
 * Attacks on `/saml2/idpresponse`, each refused with no code for the app: XML signature wrapping
 * (a signed assertion moved inside an unsigned response beside a forged one; a second assertion
 * injected), a replayed assertion (also on another node sharing the database), wrong audience,
 * wrong recipient, an expired assertion, an unsolicited response to a provider without IDPInit,
 * a response to another request, a response signed by another key.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { FormClient, type PageResponse } from '../hosted-ui/support.js';
import { TestIdp } from './idp.js';
import { assertRefused, idpInitRelayState, postResponse, samlSetup, spInitiated, tokensFrom, type SamlSetup } from './support.js';

const b64 = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');
const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

/** Refused without a code: the error at the app's callback, or (when nothing in the request can be trusted) our error page. */
function assertNoCode(res: PageResponse, why: string): void {
  if (res.status === 400) return;
  assertRefused(res, why);
}

for (const kind of databaseKinds) {
  describe(`SAML federation: attacks (${kind})`, () => {
    let server: TestServer;
    let s: SamlSetup;
    before(async () => {
      server = await startTestServer(kind);
      s = await samlSetup(server);
    });
    after(async () => {
      await s?.idp.stop();
      await server?.stop();
    });

    const idpInit = (facts: Partial<Parameters<SamlSetup['idp']['response']>[0]> = {}, opts: Parameters<SamlSetup['idp']['response']>[1] = {}) =>
      s.idp.response({ nameId: 'alice@corp.test', now: server.clock.now(), ...facts }, opts);
    const post = (samlResponse: string, relayState = idpInitRelayState(s)) => postResponse(new FormClient(server.url), { SAMLResponse: samlResponse, RelayState: relayState });

    it('a genuine IdP-initiated response signs in (the control for the cases below)', async () => {
      const res = await post(await idpInit());
      assert.equal(res.status, 302);
      assert.ok(new URL(res.location!).searchParams.get('code'), res.location);
    });

    it("login CSRF (RFC 6749 §10.12): an SP-initiated response posted by another browser than the one sent to the IdP is refused, and the right browser still signs in", async () => {
      const attacker = new FormClient(server.url);
      const { request, answer } = await spInitiated(s, attacker);
      const victim = new FormClient(server.url);
      const planted = await postResponse(victim, answer);
      assert.deepEqual([planted.status, planted.location], [400, undefined], 'an error page, no code, no redirect');
      assert.ok((await tokensFrom(s, await postResponse(attacker, answer), request)).id_token, 'the browser that went to the IdP signs in');
    });

    it('XML signature wrapping: the signed assertion moved inside an unsigned response that carries a forged assertion is refused', async () => {
      const genuine = unb64(await idpInit({ nameId: 'mallory@corp.test' }));
      const signed = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(genuine)![0];
      const forged = signed.replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '').replace('mallory@corp.test', 'ceo@corp.test').replace(/ID="[^"]+"/, 'ID="_forged"');
      // Variant 1: the forged assertion first, the signed one hidden in an Extensions element.
      const wrapped1 = genuine.replace(signed, `<samlp:Extensions>${signed}</samlp:Extensions>${forged}`);
      assertNoCode(await post(b64(wrapped1)), 'signed assertion in Extensions');
      // Variant 2: the signed one nested inside the forged one (its Subject).
      const wrapped2 = genuine.replace(signed, forged.replace('</saml:Subject>', `</saml:Subject>${signed}`));
      assertNoCode(await post(b64(wrapped2)), 'signed assertion inside the forged one');
      // Variant 3: only the forged assertion, with the genuine signature copied in (it no longer matches).
      const sig = /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(signed)![0];
      const wrapped3 = genuine.replace(signed, forged.replace('</saml:Issuer>', `</saml:Issuer>${sig}`));
      assertNoCode(await post(b64(wrapped3)), 'the signature moved onto the forged assertion');
    });

    it('XML signature wrapping: a second, unsigned assertion injected into a signed response (or beside a signed assertion) is refused', async () => {
      for (const signing of ['response', 'assertion'] as const) {
        const genuine = unb64(await idpInit({ nameId: 'mallory@corp.test' }, { signing }));
        const assertion = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(genuine)![0];
        const injected = assertion.replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '').replace('mallory@corp.test', 'ceo@corp.test').replace(/ID="[^"]+"/, 'ID="_injected"');
        assertNoCode(await post(b64(genuine.replace('</samlp:Response>', `${injected}</samlp:Response>`))), `${signing}-signed, injected after`);
        assertNoCode(await post(b64(genuine.replace(assertion, `${injected}${assertion}`))), `${signing}-signed, injected before`);
      }
    });

    it('R16: a replayed assertion is refused, on this node and on another node sharing the database', async () => {
      const samlResponse = await idpInit();
      const first = await post(samlResponse);
      assert.ok(new URL(first.location!).searchParams.get('code'), 'the first use signs in');
      assertRefused(await post(samlResponse), 'replayed on the same node');
      const other = await startTestServer(kind, { publicUrl: server.url }, server);
      try {
        other.clock.set(server.clock.now());
        const res = await new FormClient(other.url).post('/saml2/idpresponse', { SAMLResponse: samlResponse, RelayState: idpInitRelayState(s) });
        assertRefused(res, 'replayed on another node');
        // The other node does sign in a fresh assertion (it is not refusing everything).
        const fresh = await new FormClient(other.url).post('/saml2/idpresponse', { SAMLResponse: await idpInit(), RelayState: idpInitRelayState(s) });
        assert.ok(new URL(fresh.location!).searchParams.get('code'), fresh.location);
      } finally {
        await other.stop();
      }
    });

    it('wrong audience: an assertion for another service provider (another pool, or not ours at all) is refused', async () => {
      const otherPool = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'other' }))).UserPool!.Id!;
      assertNoCode(await post(await idpInit({ audience: `urn:amazon:cognito:sp:${otherPool}` })), 'another pool');
      assertNoCode(await post(await idpInit({ audience: 'https://sp.elsewhere.test/saml' })), 'another SP');
    });

    it('wrong recipient: an assertion for another assertion consumer service is refused', async () => {
      assertRefused(await post(await idpInit({ recipient: 'https://evil.test/saml2/idpresponse' })), 'Recipient');
      assertRefused(await post(await idpInit({ destination: 'https://evil.test/saml2/idpresponse' })), 'Destination');
    });

    it('A15: an expired assertion (past NotOnOrAfter, beyond the skew) is refused', async () => {
      const browser = new FormClient(server.url);
      const { answer } = await spInitiated(s, browser);
      server.clock.advance(7 * 60_000);
      try {
        assertRefused(await postResponse(browser, answer), 'expired');
      } finally {
        server.clock.advance(-7 * 60_000);
      }
      // IdP-initiated: issued more than 6 minutes ago, even if its NotOnOrAfter is later.
      assertRefused(await post(await idpInit({ now: server.clock.now() - 8 * 60_000, lifetimeMs: 60 * 60_000 })), 'an IdP-initiated assertion older than 6 minutes');
    });

    it('an unsolicited response to a provider without IDPInit is refused, and so is an InResponseTo on an IdP-initiated one', async () => {
      const relay = idpInitRelayState(s, { identity_provider: 'CorpIdP', client_id: s.clientId });
      assertRefused(await post(await idpInit(), relay), 'IDPInit off');
      assertNoCode(await post(await idpInit({ inResponseTo: '_someoneelsesrequest' })), 'InResponseTo with an IdP-initiated RelayState');
    });

    it('a response to another request (its InResponseTo names request A, its RelayState request B) is refused, and B is spent', async () => {
      const browser = new FormClient(server.url);
      const a = await spInitiated(s, browser);
      const b = await spInitiated(s, browser);
      assertRefused(await postResponse(browser, { SAMLResponse: a.answer.SAMLResponse, RelayState: b.answer.RelayState }), 'crossed requests');
      assertNoCode(await postResponse(browser, b.answer), 'B was taken by the failed attempt');
      // A is still good once.
      const tokens = await tokensFrom(s, await postResponse(browser, a.answer), a.request);
      assert.equal(tokens.claims()!['cognito:username'], 'CorpIdP_alice@corp.test');
      assertNoCode(await postResponse(browser, a.answer), 'A again');
    });

    it('a response signed by another key (same entity ID, not in the metadata) is refused', async () => {
      const impostor = new TestIdp();
      impostor.sp = s.idp.sp;
      for (const signing of ['assertion', 'response', 'both'] as const) {
        const forged = await impostor.response({ nameId: 'alice@corp.test', now: server.clock.now() }, { signing });
        assertRefused(await post(forged), `signed (${signing}) by another key`);
      }
      // And one signed by nobody.
      const unsigned = unb64(await idpInit()).replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '');
      assertRefused(await post(b64(unsigned)), 'unsigned');
    });
  });
}
