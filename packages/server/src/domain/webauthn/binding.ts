/**
 * What a WebAuthn response is bound to, read before the library verifies it, so each way it can be
 * wrong gets Cognito's own exception: the client data (its type, challenge and origin —
 * WebAuthnOriginNotAllowedException) and the authenticator data (its RP ID hash —
 * WebAuthnRelyingPartyMismatchException; its flags and signature counter). The library
 * (@simplewebauthn/server) then checks all of it again, with the signature.
 */
import { createHash } from 'node:crypto';
import { decodeAttestationObject, parseAuthenticatorData, type ParsedAuthenticatorData } from '@simplewebauthn/server/helpers';
import { CognitoError, errors } from '../../errors.js';
import type { RelyingParty } from './config.js';

const B64URL = /^[A-Za-z0-9_-]*$/;

/** base64url → bytes in a fresh ArrayBuffer (what the library's types ask for). */
export const fromB64url = (s: string): Uint8Array<ArrayBuffer> => new Uint8Array(Buffer.from(s, 'base64url'));
export const toB64url = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

/** A credential as the browser serialises it (RegistrationResponseJSON / AuthenticationResponseJSON). */
export interface CredentialJson {
  id: string;
  rawId: string;
  type: 'public-key';
  response: Record<string, unknown> & { clientDataJSON: string };
  authenticatorAttachment?: string;
  clientExtensionResults?: Record<string, unknown>;
}

const malformed = () => errors.invalidParameter('The passkey credential is not a valid PublicKeyCredential JSON.');

/** Checks the credential's JSON shape (strings where base64url goes); InvalidParameterException otherwise. */
export function credentialJson(value: unknown, fields: readonly string[]): CredentialJson {
  const c = value as CredentialJson | null;
  if (!c || typeof c !== 'object' || typeof c.id !== 'string' || !c.id || !B64URL.test(c.id) || c.type !== 'public-key' || !c.response || typeof c.response !== 'object') throw malformed();
  if (typeof c.rawId !== 'string' || c.rawId !== c.id) throw malformed();
  for (const f of ['clientDataJSON', ...fields]) {
    const v = c.response[f];
    if (typeof v !== 'string' || !B64URL.test(v)) throw malformed();
  }
  return c;
}

/** The parts of clientDataJSON Cognate checks itself. */
export interface ClientData {
  type: string;
  challenge: string;
  origin: string;
}

export function clientData(c: CredentialJson): ClientData {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(fromB64url(c.response.clientDataJSON)).toString('utf8'));
  } catch {
    throw malformed();
  }
  const d = parsed as ClientData | null;
  if (!d || typeof d.type !== 'string' || typeof d.challenge !== 'string' || typeof d.origin !== 'string') throw malformed();
  return d;
}

/** The origin must be one bound to the pool's RP ID. */
export function assertOrigin(rp: RelyingParty, data: ClientData): void {
  if (!rp.origins.includes(data.origin)) throw new CognitoError('WebAuthnOriginNotAllowedException', `The passkey credential's origin ${JSON.stringify(data.origin.slice(0, 200))} is not allowed for relying party ${rp.id}.`);
}

/** The authenticator data, parsed; its RP ID hash must be the pool's RP ID's. */
export function authenticatorData(rp: RelyingParty, raw: Uint8Array<ArrayBuffer>): ParsedAuthenticatorData {
  let parsed: ParsedAuthenticatorData;
  try {
    parsed = parseAuthenticatorData(raw);
  } catch {
    throw malformed();
  }
  const expected = createHash('sha256').update(rp.id).digest();
  if (!expected.equals(Buffer.from(parsed.rpIdHash))) throw new CognitoError('WebAuthnRelyingPartyMismatchException', `The passkey credential is for a different relying party than ${rp.id}.`);
  return parsed;
}

/** The authenticator data inside a registration's attestation object. */
export function attestedAuthenticatorData(rp: RelyingParty, c: CredentialJson): { fmt: string; data: ParsedAuthenticatorData } {
  let fmt: string;
  let authData: Uint8Array<ArrayBuffer>;
  try {
    const att = decodeAttestationObject(fromB64url(c.response.attestationObject as string));
    fmt = att.get('fmt');
    authData = att.get('authData');
  } catch {
    throw malformed();
  }
  if (!(authData instanceof Uint8Array)) throw malformed();
  return { fmt, data: authenticatorData(rp, authData) };
}
