/**
 * What SAML's two consumers share (identity pools' SAML logins, identity/saml.ts, and user pools'
 * SAML providers, domain/federation/saml-response.ts): parsing without DTDs, walking xmldom's DOM,
 * the signing certificates of IdP metadata, and XML signature verification that returns only what
 * a valid signature covers.
 *
 * Signature wrapping (XSW) is defeated by reading nothing from the document itself: xml-crypto's
 * `getSignedReferences()` gives the canonical XML each valid reference covered, and callers parse
 * that text again and read their assertion from it, so an unsigned assertion injected beside (or
 * around) a signed one is never read.
 */
import { DOMParser } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';

export const SAML_ASSERTION = 'urn:oasis:names:tc:SAML:2.0:assertion';
export const SAML_PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';
export const SAML_METADATA = 'urn:oasis:names:tc:SAML:2.0:metadata';
export const XMLDSIG = 'http://www.w3.org/2000/09/xmldsig#';

/** The parts of xmldom's DOM read here (the project builds without the DOM lib). */
export interface XmlElement {
  nodeType: number;
  namespaceURI: string | null;
  localName: string | null;
  firstChild: XmlElement | null;
  nextSibling: XmlElement | null;
  parentNode: XmlElement | null;
  textContent: string | null;
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  getElementsByTagNameNS(ns: string, name: string): { length: number; item(i: number): XmlElement | null };
  toString(): string;
}
export interface XmlDocument {
  documentElement: XmlElement | null;
  doctype: unknown;
  getElementsByTagNameNS(ns: string, name: string): { length: number; item(i: number): XmlElement | null };
}

/** Parses XML; undefined when it is not well-formed or has a DTD (DTDs serve only entity tricks here). */
export function parseXml(text: string): XmlDocument | undefined {
  let failed = false;
  const fail = () => {
    failed = true;
  };
  let doc: XmlDocument;
  try {
    doc = new DOMParser({ errorHandler: { warning: () => undefined, error: fail, fatalError: fail } }).parseFromString(text, 'text/xml') as unknown as XmlDocument;
  } catch {
    return undefined;
  }
  if (failed || !doc?.documentElement) return undefined;
  if (doc.doctype || /<!DOCTYPE/i.test(text)) return undefined;
  return doc;
}

export function child(el: XmlElement, ns: string, name: string): XmlElement | undefined {
  for (let n = el.firstChild; n; n = n.nextSibling) if (n.nodeType === 1 && n.namespaceURI === ns && n.localName === name) return n;
  return undefined;
}

export function children(el: XmlElement, ns: string, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) if (n.nodeType === 1 && n.namespaceURI === ns && n.localName === name) out.push(n);
  return out;
}

export function all(doc: XmlDocument | XmlElement, ns: string, name: string): XmlElement[] {
  const list = doc.getElementsByTagNameNS(ns, name);
  const out: XmlElement[] = [];
  for (let i = 0; i < list.length; i++) out.push(list.item(i)!);
  return out;
}

export const text = (el: XmlElement | undefined): string => (el?.textContent ?? '').trim();

/** A base64 DER certificate as PEM. */
export function certificatePem(base64: string): string {
  const b64 = base64.replace(/\s+/g, '');
  return `-----BEGIN CERTIFICATE-----\n${(b64.match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** The signing certificates (base64 DER) of the KeyDescriptors under `root` (`use` absent or `signing`). */
export function keyDescriptorCertificates(root: XmlDocument | XmlElement, use: 'signing' | 'encryption' = 'signing'): string[] {
  const out: string[] = [];
  for (const kd of all(root, SAML_METADATA, 'KeyDescriptor')) {
    const u = kd.getAttribute('use');
    if (u && u !== use) continue;
    for (const cert of all(kd, XMLDSIG, 'X509Certificate')) {
      const b64 = (cert.textContent ?? '').replace(/\s+/g, '');
      if (b64) out.push(b64);
    }
  }
  return out;
}

/** The signing certificates in SAML metadata, as PEM. */
export function metadataCertificates(metadata: string): string[] {
  const doc = parseXml(metadata);
  return doc ? keyDescriptorCertificates(doc).map(certificatePem) : [];
}

/**
 * The elements that valid signatures in `doc` cover, each parsed again from the canonical XML the
 * signature covered (never read from `doc`): e.g. a signed Response, or a signed Assertion.
 * `xml` is the text `doc` was parsed from. A signature under none of `certificates` covers nothing.
 */
export function signedElements(xml: string, doc: XmlDocument, certificates: readonly string[]): XmlElement[] {
  const out: XmlElement[] = [];
  for (const signature of all(doc, XMLDSIG, 'Signature')) {
    for (const cert of certificates) {
      try {
        const sig = new SignedXml({ publicCert: cert });
        sig.loadSignature(signature as never);
        if (!sig.checkSignature(xml)) continue;
        for (const ref of sig.getSignedReferences()) {
          const root = parseXml(ref)?.documentElement;
          if (root) out.push(root);
        }
        break;
      } catch {
        // not valid under this certificate: try the next
      }
    }
  }
  return out;
}
