/**
 * The SAML response an IdP posts to `/saml2/idpresponse` (the POST binding), checked as Cognito's
 * SAML federation requires (cognito-user-pools-saml-idp-things-to-know, saml2-idpresponse-endpoint)
 * and SAML Profiles §4.1.4.3 (Web browser SSO):
 *
 * 1. a valid signature, under one of the metadata's signing certificates, over the Response or over
 *    the Assertion — and only what it covers is read (crypto/saml-xml.ts): an unsigned assertion
 *    beside or around a signed one counts for nothing, and a response with more than one assertion
 *    is refused outright;
 * 2. an EncryptedAssertion is decrypted with the provider's encryption key (EncryptedResponses;
 *    xml-encryption, auth0's maintained library; RSA-OAEP keys, AES-GCM or AES-CBC data);
 *    a provider with EncryptedResponses takes nothing else, one without can't decrypt;
 * 3. Issuer = the metadata's entity ID; Audience = the SP entity ID `urn:amazon:cognito:sp:<poolId>`;
 *    a bearer SubjectConfirmation whose Recipient is the ACS URL (and the Response's Destination, if
 *    present); NotBefore / NotOnOrAfter with {@link SKEW_MS} of skew;
 * 4. InResponseTo = the AuthnRequest's ID for SP-initiated sign-in; none at all for IdP-initiated
 *    sign-in, whose assertion must then be issued within the last 6 minutes
 *    (cognito-user-pools-SAML-session-initiation-idp-initiation).
 * Spending the assertion's ID (replay) is the caller's next step (saml-sign-in.ts), in the database.
 */
import { decodeBase64Strict } from '../../crypto/seal.js';
import { SAML_ASSERTION, SAML_PROTOCOL, all, child, children, parseXml, signedElements, text, type XmlElement } from '../../crypto/saml-xml.js';
import type { SamlKey } from './saml-keys.js';
import type { IdpMetadata } from './saml-metadata.js';

/** Cognito: "The saml2/idpresponse endpoint can accept SAML assertions of up to 100,000 characters." */
export const MAX_SAML_RESPONSE_CHARS = 100_000;
/** Clock skew allowed on assertion times. */
export const SKEW_MS = 60_000;
/** IdP-initiated assertions must have been issued within the previous 6 minutes. */
export const IDP_INITIATED_MAX_AGE_MS = 6 * 60_000;

const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';

/** Why a response was refused (logged; the person sees one generic message). */
export class SamlResponseError extends Error {}
const refuse = (why: string): never => {
  throw new SamlResponseError(why);
};

export interface VerifiedAssertion {
  id: string;
  issuer: string;
  nameId: string;
  nameIdFormat: string | null;
  sessionIndex: string | null;
  /** attribute Name → values */
  attributes: Record<string, string[]>;
  /** when the assertion stops being acceptable (epoch ms, skew included): how long its ID stays spent */
  expiresAt: number;
}

/** The unverified fact that says whether a response is solicited (SP-initiated): it only picks the path, verification decides. */
export interface ResponseHints {
  /** the Response's InResponseTo (SAML Profiles §4.1.4.2: set on every solicited Response), or its first SubjectConfirmationData's */
  inResponseTo: string | undefined;
}

export function decodeSamlResponse(value: string | undefined): string | undefined {
  if (!value || value.length > MAX_SAML_RESPONSE_CHARS) return undefined;
  const raw = decodeBase64Strict(value.replace(/\s+/g, ''));
  return raw ? raw.toString('utf8') : undefined;
}

export function responseHints(xml: string): ResponseHints | undefined {
  const doc = parseXml(xml);
  const root = doc?.documentElement;
  if (!doc || !root || root.namespaceURI !== SAML_PROTOCOL || root.localName !== 'Response') return undefined;
  const scd = all(doc, SAML_ASSERTION, 'SubjectConfirmationData')[0];
  return { inResponseTo: root.getAttribute('InResponseTo') || scd?.getAttribute('InResponseTo') || undefined };
}

const XMLENC = 'http://www.w3.org/2001/04/xmlenc#';
/**
 * The algorithms an EncryptedAssertion may use. Data: AES-GCM, and AES-CBC, which xml-encryption
 * calls insecure (XML Encryption's CBC padding oracle) but which common IdPs (AD FS among them) send
 * by default, as Cognito accepts; every failure here answers exactly like any other refusal, so no
 * padding oracle is exposed. Keys: RSA-OAEP only (RSA PKCS#1 v1.5 and 3DES are refused).
 */
const DATA_ALGORITHMS = new Set(['http://www.w3.org/2009/xmlenc11#aes128-gcm', 'http://www.w3.org/2009/xmlenc11#aes256-gcm', `${XMLENC}aes128-cbc`, `${XMLENC}aes256-cbc`]);
const KEY_ALGORITHMS = new Set([`${XMLENC}rsa-oaep-mgf1p`, 'http://www.w3.org/2009/xmlenc11#rsa-oaep']);

function decryptAssertion(encrypted: XmlElement, key: SamlKey): Promise<string> {
  const data = all(encrypted, XMLENC, 'EncryptedData');
  const keys = all(encrypted, XMLENC, 'EncryptedKey');
  if (data.length !== 1 || keys.length !== 1) refuse('an EncryptedAssertion must hold one EncryptedData and one EncryptedKey');
  const algorithmOf = (el: XmlElement) => child(el, XMLENC, 'EncryptionMethod')?.getAttribute('Algorithm') ?? '';
  if (!DATA_ALGORITHMS.has(algorithmOf(data[0]!))) refuse(`data encryption ${algorithmOf(data[0]!)} is not accepted`);
  if (!KEY_ALGORITHMS.has(algorithmOf(keys[0]!))) refuse(`key encryption ${algorithmOf(keys[0]!)} is not accepted`);
  return import('xml-encryption').then(
    (xmlenc) =>
      new Promise<string>((resolve, reject) => {
        xmlenc.decrypt(encrypted.toString(), { key: key.privateKeyPem, disallowDecryptionWithInsecureAlgorithm: false, warnInsecureAlgorithm: false }, (err: Error | null, result?: string) => {
          if (err || typeof result !== 'string') reject(new SamlResponseError(`the encrypted assertion does not decrypt with the provider key (${err?.message ?? 'no result'})`));
          else resolve(result);
        });
      }),
  );
}

const time = (value: string | null): number | undefined => {
  if (!value) return undefined;
  const t = Date.parse(value);
  return Number.isFinite(t) ? t : refuse(`unreadable time ${value}`);
};

export interface VerifyInput {
  xml: string;
  metadata: IdpMetadata;
  poolId: string;
  spEntityId: string;
  acsUrl: string;
  /** the AuthnRequest's ID for an SP-initiated sign-in; undefined for IdP-initiated */
  inResponseTo: string | undefined;
  /** the provider's encryption key when EncryptedResponses is true */
  encryptionKey: SamlKey | undefined;
  now: number;
}

export async function verifySamlResponse(input: VerifyInput): Promise<VerifiedAssertion> {
  const { xml, metadata, now } = input;
  const doc = parseXml(xml) ?? refuse('not well-formed XML');
  const root = doc.documentElement!;
  if (root.namespaceURI !== SAML_PROTOCOL || root.localName !== 'Response') refuse('not a samlp:Response');
  // XSW: a signed assertion moved inside an unsigned response beside an injected one, and the like.
  const assertionCount = all(doc, SAML_ASSERTION, 'Assertion').length + all(doc, SAML_ASSERTION, 'EncryptedAssertion').length;
  if (assertionCount !== 1) refuse(`${assertionCount} assertions in the response`);

  const signed = signedElements(xml, doc, metadata.signingCertificates);
  const signedResponse = signed.find((e) => e.namespaceURI === SAML_PROTOCOL && e.localName === 'Response');
  // The Response facts come from its signed copy when there is one; unsigned, they are only checked, never relied on.
  const response = signedResponse ?? root;
  const status = child(response, SAML_PROTOCOL, 'Status');
  const statusCode = status && child(status, SAML_PROTOCOL, 'StatusCode')?.getAttribute('Value');
  if (statusCode !== SUCCESS) refuse(`status ${statusCode ?? 'missing'}`);
  const destination = response.getAttribute('Destination');
  if (destination && destination !== input.acsUrl) refuse(`Destination ${destination} is not ${input.acsUrl}`);
  const responseInResponseTo = response.getAttribute('InResponseTo');
  if (responseInResponseTo && responseInResponseTo !== input.inResponseTo) refuse('the Response answers another request');

  let assertion: XmlElement | undefined;
  const encrypted = children(response, SAML_ASSERTION, 'EncryptedAssertion')[0];
  if (encrypted) {
    if (!input.encryptionKey) refuse('an encrypted assertion, but EncryptedResponses is off');
    const plain = await decryptAssertion(encrypted, input.encryptionKey!);
    const inner = parseXml(plain) ?? refuse('the decrypted assertion is not XML');
    const innerRoot = inner.documentElement!;
    if (innerRoot.namespaceURI !== SAML_ASSERTION || innerRoot.localName !== 'Assertion') refuse('the EncryptedAssertion holds no Assertion');
    if (signedResponse) assertion = innerRoot;
    else assertion = signedElements(plain, inner, metadata.signingCertificates).find((e) => e.namespaceURI === SAML_ASSERTION && e.localName === 'Assertion');
  } else {
    if (input.encryptionKey) refuse('EncryptedResponses is on, and the assertion is not encrypted');
    if (signedResponse) assertion = children(signedResponse, SAML_ASSERTION, 'Assertion')[0];
    else assertion = signed.find((e) => e.namespaceURI === SAML_ASSERTION && e.localName === 'Assertion');
  }
  if (!assertion) refuse('neither the response nor the assertion carries a valid signature');
  return checkAssertion(assertion!, input);
}

function checkAssertion(a: XmlElement, input: VerifyInput): VerifiedAssertion {
  const { now } = input;
  const id = a.getAttribute('ID') ?? '';
  if (!id) refuse('the assertion has no ID');
  if (a.getAttribute('Version') !== '2.0') refuse('not a SAML 2.0 assertion');
  const issuer = text(child(a, SAML_ASSERTION, 'Issuer'));
  if (issuer !== input.metadata.entityId) refuse(`Issuer ${issuer} is not ${input.metadata.entityId}`);
  const issued = time(a.getAttribute('IssueInstant')) ?? refuse('no IssueInstant');
  if (issued - SKEW_MS > now) refuse('issued in the future');
  if (input.inResponseTo === undefined && now - issued > IDP_INITIATED_MAX_AGE_MS + SKEW_MS) refuse('an IdP-initiated assertion older than 6 minutes');

  const conditions = child(a, SAML_ASSERTION, 'Conditions') ?? refuse('no Conditions');
  const notBefore = time(conditions.getAttribute('NotBefore'));
  const notOnOrAfter = time(conditions.getAttribute('NotOnOrAfter'));
  if (notBefore !== undefined && notBefore - SKEW_MS > now) refuse('not yet valid');
  if (notOnOrAfter !== undefined && !(notOnOrAfter + SKEW_MS > now)) refuse('expired (Conditions NotOnOrAfter)');
  const audiences = children(conditions, SAML_ASSERTION, 'AudienceRestriction').map((r) => children(r, SAML_ASSERTION, 'Audience').map(text));
  // Every AudienceRestriction must name us (SAML Core §2.5.1.4).
  if (audiences.length === 0 || audiences.some((list) => !list.includes(input.spEntityId))) refuse(`the audience is not ${input.spEntityId}`);

  const subject = child(a, SAML_ASSERTION, 'Subject') ?? refuse('no Subject');
  const nameIdEl = child(subject, SAML_ASSERTION, 'NameID') ?? refuse('no NameID');
  const nameId = text(nameIdEl);
  if (!nameId) refuse('an empty NameID');
  let confirmedUntil: number | undefined;
  let why = 'no bearer SubjectConfirmation';
  for (const confirmation of children(subject, SAML_ASSERTION, 'SubjectConfirmation')) {
    if (confirmation.getAttribute('Method') !== BEARER) continue;
    const data = child(confirmation, SAML_ASSERTION, 'SubjectConfirmationData');
    if (!data) continue;
    const until = time(data.getAttribute('NotOnOrAfter'));
    const inResponseTo = data.getAttribute('InResponseTo') || undefined;
    if (data.getAttribute('Recipient') !== input.acsUrl) why = `Recipient ${data.getAttribute('Recipient')} is not ${input.acsUrl}`;
    else if (until === undefined || !(until + SKEW_MS > now)) why = 'expired (SubjectConfirmationData NotOnOrAfter)';
    else if (input.inResponseTo === undefined && inResponseTo !== undefined) why = 'an unsolicited response with InResponseTo';
    else if (input.inResponseTo !== undefined && inResponseTo !== input.inResponseTo) why = 'InResponseTo names another request';
    else {
      confirmedUntil = until;
      break;
    }
  }
  if (confirmedUntil === undefined) refuse(why);

  const authn = child(a, SAML_ASSERTION, 'AuthnStatement');
  const attributes: Record<string, string[]> = {};
  for (const statement of children(a, SAML_ASSERTION, 'AttributeStatement')) {
    for (const attribute of children(statement, SAML_ASSERTION, 'Attribute')) {
      const name = attribute.getAttribute('Name') ?? '';
      if (!name) continue;
      (attributes[name] ??= []).push(...children(attribute, SAML_ASSERTION, 'AttributeValue').map(text));
    }
  }
  return {
    id,
    issuer,
    nameId,
    nameIdFormat: nameIdEl.getAttribute('Format'),
    sessionIndex: authn?.getAttribute('SessionIndex') ?? null,
    attributes,
    expiresAt: Math.max(confirmedUntil!, notOnOrAfter ?? 0) + SKEW_MS,
  };
}
