/**
 * The WebAuthn port: what the client needs from an authenticator (make a passkey, sign a
 * challenge), in the JSON forms Cognito speaks — StartWebAuthnRegistration's
 * CredentialCreationOptions, the WEB_AUTHN challenge's CREDENTIAL_REQUEST_OPTIONS, and the
 * RegistrationResponseJSON / AuthenticationResponseJSON answers (WebAuthn Level 3 §5.1.8/§5.1.9,
 * the members Amplify JS v6 sends). In browsers {@link browserWebAuthn} implements it with
 * `navigator.credentials`; other hosts (React Native, Node, tests) pass their own.
 *
 * No DOM typings in this package: the few members of `navigator.credentials` used are typed here.
 */
import { MobileClientError } from '../errors.js';
import { fromBase64, toBase64 } from './bytes.js';

/**
 * A credential named in the options (`excludeCredentials`, `allowCredentials`): base64url id.
 *
 * @example
 * ```ts
 * const d: WebAuthnCredentialDescriptorJSON = { type: 'public-key', id: 'q5pP…', transports: ['internal'] };
 * ```
 */
export interface WebAuthnCredentialDescriptorJSON {
  type: string;
  id: string;
  transports?: string[];
}

/**
 * PublicKeyCredentialCreationOptionsJSON, as StartWebAuthnRegistration returns it: binary members
 * (`challenge`, `user.id`, descriptor ids) in base64url.
 *
 * @example
 * ```ts
 * const port: WebAuthnPort = { create: async (options: WebAuthnCreationOptionsJSON) => myAuthenticator.register(options), get: … };
 * ```
 */
export interface WebAuthnCreationOptionsJSON {
  challenge: string;
  rp: { id?: string; name: string };
  user: { id: string; name: string; displayName: string };
  pubKeyCredParams: { type: string; alg: number }[];
  timeout?: number;
  excludeCredentials?: WebAuthnCredentialDescriptorJSON[];
  authenticatorSelection?: Record<string, unknown>;
  attestation?: string;
  extensions?: Record<string, unknown>;
  [other: string]: unknown;
}

/**
 * PublicKeyCredentialRequestOptionsJSON, as the WEB_AUTHN challenge's CREDENTIAL_REQUEST_OPTIONS.
 *
 * @example
 * ```ts
 * const port: WebAuthnPort = { create: …, get: async (options: WebAuthnRequestOptionsJSON) => myAuthenticator.sign(options) };
 * ```
 */
export interface WebAuthnRequestOptionsJSON {
  challenge: string;
  rpId?: string;
  timeout?: number;
  allowCredentials?: WebAuthnCredentialDescriptorJSON[];
  userVerification?: string;
  extensions?: Record<string, unknown>;
  [other: string]: unknown;
}

/**
 * RegistrationResponseJSON: a new passkey, as CompleteWebAuthnRegistration takes it.
 *
 * @example
 * ```ts
 * const created: WebAuthnRegistrationJSON = await port.create(options);
 * console.log(created.id, created.response.transports);
 * ```
 */
export interface WebAuthnRegistrationJSON {
  id: string;
  rawId: string;
  type: string;
  response: {
    clientDataJSON: string;
    attestationObject: string;
    transports?: string[];
    publicKeyAlgorithm?: number;
    publicKey?: string;
    authenticatorData?: string;
  };
  authenticatorAttachment?: string;
  clientExtensionResults: Record<string, unknown>;
}

/**
 * AuthenticationResponseJSON: a signed challenge, sent (stringified) as the WEB_AUTHN answer's CREDENTIAL.
 *
 * @example
 * ```ts
 * const assertion: WebAuthnAssertionJSON = await port.get(options);
 * console.log(assertion.id, assertion.response.signature.length);
 * ```
 */
export interface WebAuthnAssertionJSON {
  id: string;
  rawId: string;
  type: string;
  response: { clientDataJSON: string; authenticatorData: string; signature: string; userHandle?: string };
  authenticatorAttachment?: string;
  clientExtensionResults: Record<string, unknown>;
}

/**
 * What the client needs from an authenticator, in JSON. Pass one as `MobileClientOptions.webAuthn`
 * where there is no `navigator.credentials` (React Native with a passkey module, Node with a
 * security-key library); in browsers the client uses {@link browserWebAuthn} by itself. Reject with
 * a `MobileClientError` (`webAuthnCancelled`, `webAuthnAlreadyRegistered`, `webAuthnFailed`) to tell
 * the app what happened; other rejections pass through unchanged.
 *
 * @example
 * ```ts
 * const client = new MobileClient({
 *   webAuthn: {
 *     create: (options) => nativePasskeys.create(options), // → RegistrationResponseJSON
 *     get: (options) => nativePasskeys.get(options),       // → AuthenticationResponseJSON
 *   },
 * });
 * ```
 */
export interface WebAuthnPort {
  create(options: WebAuthnCreationOptionsJSON): Promise<WebAuthnRegistrationJSON>;
  get(options: WebAuthnRequestOptionsJSON): Promise<WebAuthnAssertionJSON>;
}

// The parts of the DOM's Credential Management API used here.
type Bytes = ArrayBuffer | ArrayBufferView;
interface DomCredential {
  id: string;
  rawId: ArrayBuffer;
  type: string;
  authenticatorAttachment?: string | null;
  getClientExtensionResults?(): Record<string, unknown>;
  response: {
    clientDataJSON: ArrayBuffer;
    attestationObject?: ArrayBuffer;
    authenticatorData?: ArrayBuffer;
    signature?: ArrayBuffer;
    userHandle?: ArrayBuffer | null;
    getTransports?(): string[];
    getPublicKeyAlgorithm?(): number;
    getPublicKey?(): ArrayBuffer | null;
    getAuthenticatorData?(): ArrayBuffer;
  };
}
interface CredentialsContainer {
  create(options: { publicKey: Record<string, unknown> }): Promise<DomCredential | null>;
  get(options: { publicKey: Record<string, unknown> }): Promise<DomCredential | null>;
}

const b64url = (b: Bytes): string => {
  const bytes = b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};
const buffer = (s: string): ArrayBuffer => {
  const bytes = fromBase64(s);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
};
const descriptors = (list: WebAuthnCredentialDescriptorJSON[] | undefined) => (list ?? []).map((d) => ({ ...d, id: buffer(d.id) }));

/** Why an authenticator refused, as the client's error (DOMException names of WebAuthn §5.1.3/§5.1.4). */
function portError(e: unknown, creating: boolean): unknown {
  if (e instanceof MobileClientError) return e;
  const name = (e as { name?: unknown } | null)?.name;
  const message = String((e as { message?: unknown } | null)?.message ?? e);
  if (name === 'NotAllowedError') return new MobileClientError('webAuthnCancelled', `The passkey ceremony was cancelled or timed out (NotAllowedError): ${message}`, { cause: e });
  if (creating && name === 'InvalidStateError') return new MobileClientError('webAuthnAlreadyRegistered', `This authenticator already holds a passkey of the user (InvalidStateError): ${message}`, { cause: e });
  // SecurityError: the page is not on the relying party's domain (or not a secure context).
  return new MobileClientError('webAuthnFailed', `The authenticator failed (${typeof name === 'string' ? name : 'Error'}): ${message}`, { cause: e });
}

const extensionResults = (c: DomCredential) => (typeof c.getClientExtensionResults === 'function' ? c.getClientExtensionResults() : {});

/**
 * The {@link WebAuthnPort} of a browser: `navigator.credentials.create` / `get` with the JSON
 * options turned into binary ones, and the credential turned back into JSON; `undefined` where
 * there is no `navigator.credentials` or `PublicKeyCredential` (Node, React Native, old browsers).
 * The page must be a secure context on the pool's relying-party ID (or a registrable suffix of it).
 *
 * @example
 * ```ts
 * const port = browserWebAuthn();
 * if (!port) hidePasskeyButtons();
 * ```
 */
export function browserWebAuthn(): WebAuthnPort | undefined {
  const g = globalThis as unknown as { navigator?: { credentials?: CredentialsContainer }; PublicKeyCredential?: unknown };
  const container = g.navigator?.credentials;
  if (!container || typeof container.create !== 'function' || g.PublicKeyCredential === undefined) return undefined;
  return {
    async create(options) {
      let c: DomCredential | null;
      try {
        c = await container.create({ publicKey: { ...options, challenge: buffer(options.challenge), user: { ...options.user, id: buffer(options.user.id) }, excludeCredentials: descriptors(options.excludeCredentials) } });
      } catch (e) {
        throw portError(e, true);
      }
      if (!c?.response.attestationObject) throw new MobileClientError('webAuthnFailed', 'navigator.credentials.create returned no attestation.');
      const r = c.response;
      const publicKey = r.getPublicKey?.();
      return {
        id: c.id,
        rawId: b64url(c.rawId),
        type: c.type,
        response: {
          clientDataJSON: b64url(r.clientDataJSON),
          attestationObject: b64url(c.response.attestationObject!),
          ...(r.getTransports ? { transports: r.getTransports() } : {}),
          ...(r.getPublicKeyAlgorithm ? { publicKeyAlgorithm: r.getPublicKeyAlgorithm() } : {}),
          ...(publicKey ? { publicKey: b64url(publicKey) } : {}),
          ...(r.getAuthenticatorData ? { authenticatorData: b64url(r.getAuthenticatorData()) } : {}),
        },
        ...(c.authenticatorAttachment ? { authenticatorAttachment: c.authenticatorAttachment } : {}),
        clientExtensionResults: extensionResults(c),
      };
    },
    async get(options) {
      let c: DomCredential | null;
      try {
        c = await container.get({ publicKey: { ...options, challenge: buffer(options.challenge), allowCredentials: descriptors(options.allowCredentials) } });
      } catch (e) {
        throw portError(e, false);
      }
      const r = c?.response;
      if (!c || !r?.authenticatorData || !r.signature) throw new MobileClientError('webAuthnFailed', 'navigator.credentials.get returned no assertion.');
      return {
        id: c.id,
        rawId: b64url(c.rawId),
        type: c.type,
        response: {
          clientDataJSON: b64url(r.clientDataJSON),
          authenticatorData: b64url(r.authenticatorData),
          signature: b64url(r.signature),
          ...(r.userHandle ? { userHandle: b64url(r.userHandle) } : {}),
        },
        ...(c.authenticatorAttachment ? { authenticatorAttachment: c.authenticatorAttachment } : {}),
        clientExtensionResults: extensionResults(c),
      };
    },
  };
}

/** The port to use, or the error that says there is none. */
export function requireWebAuthn(port: WebAuthnPort | undefined): WebAuthnPort {
  if (port) return port;
  throw new MobileClientError(
    'webAuthnNotSupported',
    'Passkeys need WebAuthn, and this environment has no navigator.credentials (not a browser, or not a secure context): pass a WebAuthnPort as MobileClientOptions.webAuthn.',
  );
}
