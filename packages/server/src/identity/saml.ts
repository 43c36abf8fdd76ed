/**
 * SAML logins of identity pools (SamlProviderARNs): the logins key is the SAML provider's ARN and
 * the value the base64 SAMLResponse from the IdP. The signature is validated with xml-crypto
 * against the signing certificates of the provider's metadata (CreateSAMLProvider), and only what
 * the signature covers is read (xml-crypto's getSignedReferences), so wrapped or injected unsigned
 * assertions count for nothing. The assertion must be for AWS (`urn:amazon:webservices`) and
 * current (Conditions and SubjectConfirmationData times). Its roles are the
 * `https://aws.amazon.com/SAML/Attributes/Role` values (`roleArn,providerArn`) naming this
 * provider; with several, GetCredentialsForIdentity needs CustomRoleArn (identity/roles.ts).
 */
import { errors } from '../errors.js';
import type { Clock } from '../ports.js';
import { decodeBase64Strict } from '../crypto/seal.js';
import { SAML_ASSERTION, child, children, metadataCertificates, parseXml, signedElements, type XmlElement as Element } from '../crypto/saml-xml.js';
import type { ExternalProviders } from './external.js';
import type { IdentityPool } from './identity-pools.js';
import type { VerifiedLogin } from './logins.js';

export { metadataCertificates };

const AWS_AUDIENCE = 'urn:amazon:webservices';
const ROLE_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/Role';
const MAX_RESPONSE_BYTES = 256 * 1024;
/** Allowed clock skew for assertion times. */
const SKEW_MS = 60_000;

const invalid = (why: string) => errors.notAuthorized(`Invalid login token. ${why}`);

/** The assertion a signed element is (an Assertion, or a Response holding exactly one). */
function assertionOf(root: Element): Element | undefined {
  if (root.namespaceURI === SAML_ASSERTION && root.localName === 'Assertion') return root;
  if (root.localName === 'Response') {
    const assertions = children(root, SAML_ASSERTION, 'Assertion');
    return assertions.length === 1 ? assertions[0]! : undefined;
  }
  return undefined;
}

export class SamlLogins {
  constructor(private readonly providers: ExternalProviders, private readonly clock: Clock) {}

  async verifyLogin(pool: IdentityPool, key: string, token: string): Promise<VerifiedLogin | undefined> {
    if (!(pool.settings.SamlProviderARNs ?? []).includes(key)) return undefined;
    const provider = await this.providers.findSaml(key);
    if (!provider) throw errors.notAuthorized(`The SAML provider ${key} is not registered.`);
    const raw = token.length <= (MAX_RESPONSE_BYTES * 4) / 3 + 4 ? decodeBase64Strict(token) : null;
    if (!raw) throw invalid('The SAML response is not valid base64.');
    const xml = raw.toString('utf8');
    const doc = parseXml(xml);
    if (!doc) throw invalid('The SAML response is not well-formed XML.');

    const assertion = this.signedAssertion(xml, doc, metadataCertificates(provider.metadata));
    if (!assertion) throw invalid('The SAML response signature is not valid.');
    const now = this.clock.now();
    const conditions = child(assertion, SAML_ASSERTION, 'Conditions');
    if (!conditions) throw invalid('The SAML assertion has no Conditions.');
    const notBefore = conditions.getAttribute('NotBefore');
    const notOnOrAfter = conditions.getAttribute('NotOnOrAfter');
    if (notBefore && Date.parse(notBefore) - SKEW_MS > now) throw invalid('The SAML assertion is not yet valid.');
    if (!notOnOrAfter || !(Date.parse(notOnOrAfter) + SKEW_MS > now)) throw invalid('The SAML assertion has expired.');
    const audiences = children(conditions, SAML_ASSERTION, 'AudienceRestriction').flatMap((r) => children(r, SAML_ASSERTION, 'Audience').map((a) => (a.textContent ?? '').trim()));
    if (!audiences.includes(AWS_AUDIENCE)) throw invalid(`The SAML assertion is not for ${AWS_AUDIENCE}.`);

    const subject = child(assertion, SAML_ASSERTION, 'Subject');
    const nameId = subject && child(subject, SAML_ASSERTION, 'NameID');
    const sub = (nameId?.textContent ?? '').trim();
    if (!sub) throw invalid('The SAML assertion has no NameID.');
    for (const confirmation of subject ? children(subject, SAML_ASSERTION, 'SubjectConfirmation') : []) {
      const until = child(confirmation, SAML_ASSERTION, 'SubjectConfirmationData')?.getAttribute('NotOnOrAfter');
      if (until && !(Date.parse(until) + SKEW_MS > now)) throw invalid('The SAML assertion has expired.');
    }

    const claims: Record<string, unknown> = { sub };
    const roles: string[] = [];
    for (const statement of children(assertion, SAML_ASSERTION, 'AttributeStatement')) {
      for (const attribute of children(statement, SAML_ASSERTION, 'Attribute')) {
        const name = attribute.getAttribute('Name') ?? '';
        const values = children(attribute, SAML_ASSERTION, 'AttributeValue').map((v) => (v.textContent ?? '').trim());
        if (name === ROLE_ATTRIBUTE) {
          for (const value of values) {
            const parts = value.split(',').map((p: string) => p.trim());
            const role = parts.find((p: string) => /^arn:aws:iam::\d{12}:role\//.test(p));
            const idp = parts.find((p: string) => /^arn:aws:iam::\d{12}:saml-provider\//.test(p));
            if (role && idp === key) roles.push(role);
          }
        } else if (name && values.length > 0) {
          claims[name] = values.length === 1 ? values[0] : values;
        }
      }
    }
    return { key, provider: key, subject: sub, mappingKey: key, amr: `${key}:${sub}`, claims, samlRoles: roles };
  }

  /** The assertion covered by a valid signature under one of the certificates, if any. */
  private signedAssertion(xml: string, doc: NonNullable<ReturnType<typeof parseXml>>, certificates: readonly string[]): Element | undefined {
    for (const root of signedElements(xml, doc, certificates)) {
      const assertion = assertionOf(root);
      if (assertion) return assertion;
    }
    return undefined;
  }
}
