/**
 * `client.passkeyOperations`: the signed-in user's passkeys on the wire (StartWebAuthnRegistration
 * → the authenticator → CompleteWebAuthnRegistration, ListWebAuthnCredentials,
 * DeleteWebAuthnCredential). Like DeviceOperations it gets what it needs through
 * {@link PasskeyDeps}, so it imports neither the client class nor its session.
 */
import type { Passkey, Tokens } from '../types.js';
import type { WebAuthnCreationOptionsJSON, WebAuthnPort } from './webauthn.js';

export interface PasskeyDeps {
  userPoolCall<T>(action: string, input: object): Promise<T>;
  /** The authenticator, or a `webAuthnNotSupported` error. */
  webAuthn(): WebAuthnPort;
  /** Whether an authenticator is at hand (without throwing). */
  hasWebAuthn(): boolean;
}

interface WireCredential {
  CredentialId?: string;
  FriendlyCredentialName?: string;
  RelyingPartyId?: string;
  AuthenticatorAttachment?: string;
  AuthenticatorTransports?: string[];
  CreatedAt?: number;
}

const toPasskey = (c: WireCredential): Passkey => ({
  credentialId: c.CredentialId ?? '',
  ...(c.FriendlyCredentialName !== undefined ? { friendlyName: c.FriendlyCredentialName } : {}),
  relyingPartyId: c.RelyingPartyId ?? '',
  ...(c.AuthenticatorAttachment !== undefined ? { authenticatorAttachment: c.AuthenticatorAttachment } : {}),
  transports: c.AuthenticatorTransports ?? [],
  ...(c.CreatedAt !== undefined ? { createdAt: new Date(c.CreatedAt * 1000) } : {}),
});

/**
 * The signed-in user's passkeys (`client.passkeyOperations`). The pool must allow `WEB_AUTHN` as a
 * first factor and have a relying-party ID; in a browser the page must be served at that RP ID.
 * Sign in with a passkey through `signIn({ username, authFlowType: 'USER_AUTH', preferredChallenge: 'WEB_AUTHN' })`.
 *
 * @example
 * ```ts
 * if (client.passkeyOperations.supported) await client.passkeyOperations.register();
 * const { passkeys } = await client.passkeyOperations.list();
 * await client.passkeyOperations.delete(passkeys[0].credentialId);
 * ```
 */
export class PasskeyOperations {
  readonly #client: { getTokens(): Promise<Tokens> };
  readonly #deps: PasskeyDeps;

  /** @internal Created by `MobileClient`. */
  constructor(client: { getTokens(): Promise<Tokens> }, deps: PasskeyDeps) {
    this.#client = client;
    this.#deps = deps;
  }

  async #accessToken(): Promise<string> {
    return (await this.#client.getTokens()).accessToken.tokenString;
  }

  /**
   * Whether this client has an authenticator: `navigator.credentials` in a browser, or the
   * `webAuthn` port given in the options.
   *
   * @example
   * ```ts
   * passkeyButton.hidden = !client.passkeyOperations.supported;
   * ```
   */
  get supported(): boolean {
    return this.#deps.hasWebAuthn();
  }

  /**
   * Makes a passkey for the signed-in user and registers it: StartWebAuthnRegistration's options go
   * to the authenticator (`navigator.credentials.create`), its answer to CompleteWebAuthnRegistration.
   * Returns the new passkey's credential id.
   *
   * @example
   * ```ts
   * const { credentialId } = await client.passkeyOperations.register();
   * ```
   * @throws MobileClientError `webAuthnNotSupported` (no authenticator), `webAuthnCancelled`,
   * `webAuthnAlreadyRegistered`, and the service's `webAuthnNotEnabled`, `webAuthnConfigurationMissing`,
   * `webAuthnOriginNotAllowed`, `webAuthnRelyingPartyMismatch`, `limitExceeded`, `notSignedIn`.
   */
  async register(): Promise<{ credentialId: string }> {
    const port = this.#deps.webAuthn();
    const token = await this.#accessToken();
    const { CredentialCreationOptions } = await this.#deps.userPoolCall<{ CredentialCreationOptions: WebAuthnCreationOptionsJSON }>('StartWebAuthnRegistration', { AccessToken: token });
    const credential = await port.create(CredentialCreationOptions);
    // Credential is a document in the model: the RegistrationResponseJSON object itself, not a string.
    await this.#deps.userPoolCall('CompleteWebAuthnRegistration', { AccessToken: token, Credential: credential });
    return { credentialId: credential.id };
  }

  /**
   * The user's passkeys (ListWebAuthnCredentials); pass the returned `nextToken` for the next page.
   *
   * @example
   * ```ts
   * const { passkeys, nextToken } = await client.passkeyOperations.list({ maxResults: 10 });
   * ```
   */
  async list(options: { maxResults?: number; nextToken?: string } = {}): Promise<{ passkeys: Passkey[]; nextToken?: string }> {
    const out = await this.#deps.userPoolCall<{ Credentials?: WireCredential[]; NextToken?: string }>('ListWebAuthnCredentials', {
      AccessToken: await this.#accessToken(),
      MaxResults: options.maxResults,
      NextToken: options.nextToken,
    });
    return { passkeys: (out.Credentials ?? []).map(toPasskey), ...(out.NextToken ? { nextToken: out.NextToken } : {}) };
  }

  /**
   * Deletes one of the user's passkeys (DeleteWebAuthnCredential). The authenticator keeps its key;
   * the pool no longer accepts it.
   *
   * @example
   * ```ts
   * await client.passkeyOperations.delete(credentialId);
   * ```
   * @throws MobileClientError `resourceNotFound` for a credential the user doesn't have.
   */
  async delete(credentialId: string): Promise<void> {
    await this.#deps.userPoolCall('DeleteWebAuthnCredential', { AccessToken: await this.#accessToken(), CredentialId: credentialId });
  }
}
