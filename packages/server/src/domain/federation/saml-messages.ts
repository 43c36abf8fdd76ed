/**
 * What the user pool sends a SAML IdP, as a service provider: AuthnRequests (SP-initiated sign-in)
 * and LogoutRequests (IDPSignout), both by the HTTP-Redirect binding (SAML Bindings §3.4), signed
 * per §3.4.4.1 (`SigAlg` and `Signature` over the query string) with the pool's SAML signing key:
 * an AuthnRequest when the provider's RequestSigningAlgorithm is rsa-sha256, a LogoutRequest always
 * (SAML Profiles §4.4.3.1: the requester must authenticate its LogoutRequest).
 *
 * Names Cognito uses (cognito-user-pools-saml-idp): the SP entity ID `urn:amazon:cognito:sp:<poolId>`
 * and the assertion consumer service `https://<domain>/saml2/idpresponse`.
 */
import { createSign, randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import type { SamlKey } from './saml-keys.js';

export const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';

export const spEntityId = (poolId: string) => `urn:amazon:cognito:sp:${poolId}`;

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function authnRequestXml(input: { id: string; poolId: string; destination: string; acsUrl: string; now: number }): string {
  return (
    `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"` +
    ` ID="${escapeXml(input.id)}" Version="2.0" IssueInstant="${iso(input.now)}" Destination="${escapeXml(input.destination)}"` +
    ` AssertionConsumerServiceURL="${escapeXml(input.acsUrl)}" ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST">` +
    `<saml:Issuer>${escapeXml(spEntityId(input.poolId))}</saml:Issuer>` +
    `<samlp:NameIDPolicy Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified" AllowCreate="true"/>` +
    `</samlp:AuthnRequest>`
  );
}

export function logoutRequestXml(input: { id: string; poolId: string; destination: string; nameId: string; nameIdFormat: string | null; sessionIndex: string | null; now: number }): string {
  return (
    `<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"` +
    ` ID="${escapeXml(input.id)}" Version="2.0" IssueInstant="${iso(input.now)}" Destination="${escapeXml(input.destination)}">` +
    `<saml:Issuer>${escapeXml(spEntityId(input.poolId))}</saml:Issuer>` +
    `<saml:NameID${input.nameIdFormat ? ` Format="${escapeXml(input.nameIdFormat)}"` : ''}>${escapeXml(input.nameId)}</saml:NameID>` +
    (input.sessionIndex ? `<samlp:SessionIndex>${escapeXml(input.sessionIndex)}</samlp:SessionIndex>` : '') +
    `</samlp:LogoutRequest>`
  );
}

/** A fresh message ID (an xs:ID: starts with a letter or `_`). */
export const messageId = () => `_${randomBytes(20).toString('hex')}`;

/**
 * The HTTP-Redirect binding URL carrying `xml` as `SAMLRequest` (DEFLATE, base64) with `relayState`,
 * signed with `key` when given.
 */
export function redirectBindingUrl(endpoint: string, xml: string, relayState: string | undefined, key: SamlKey | undefined): string {
  let query = `SAMLRequest=${encodeURIComponent(deflateRawSync(Buffer.from(xml, 'utf8')).toString('base64'))}`;
  if (relayState !== undefined) query += `&RelayState=${encodeURIComponent(relayState)}`;
  if (key) {
    query += `&SigAlg=${encodeURIComponent(RSA_SHA256)}`;
    const signature = createSign('RSA-SHA256').update(query).sign(key.privateKeyPem).toString('base64');
    query += `&Signature=${encodeURIComponent(signature)}`;
  }
  return `${endpoint}${endpoint.includes('?') ? '&' : '?'}${query}`;
}
