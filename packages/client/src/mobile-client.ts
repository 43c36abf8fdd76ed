/**
 * MobileClient: AWSMobileClient (seeds 002 and 004) in TypeScript. It keeps the session (tokens, a
 * federated login, the identity id, device keys) in a {@link KeyValueStorage}, tracks the
 * {@link UserState} for listeners, and speaks cognito-idp and cognito-identity with fetch and
 * WebCrypto: browsers, Node and React Native, against Cognate or Amazon Cognito.
 *
 * This file is the facade (the public class, its documentation, delegation); the work is in
 * `internal/`, one module per concern, sharing one {@link ClientContext} (internal/context.ts).
 */
import type { AWSConfiguration } from './config.js';
import { confirmVerifyUserAttribute, deleteUser, getUserAttributes, updateUserAttributes, verifyUserAttribute } from './internal/attributes.js';
import { clientContexts, type ClientContext } from './internal/context.js';
import { getAWSCredentials } from './internal/credentials.js';
import { federatedSignIn } from './internal/federation.js';
import { handleAuthResponse, signInWithHostedUI } from './internal/hosted-ui.js';
import { initialize } from './internal/initialize.js';
import { associateSoftwareToken, getUserAuthFactors, getUserMFAPreference, setUserMFAPreference, verifySoftwareToken } from './internal/mfa.js';
import { changePassword, confirmForgotPassword, forgotPassword } from './internal/passwords.js';
import { autoSignIn, confirmSignIn, selectChallenge, signIn } from './internal/sign-in.js';
import { contextFor, deviceOperationsFor, passkeyOperationsFor, type DeviceOperations, type PasskeyOperations } from './internal/setup.js';
import { releaseSignInWait, signOut } from './internal/sign-out.js';
import { confirmSignUp, resendSignUpCode, signUp } from './internal/sign-up.js';
import { getTokens } from './internal/tokens.js';
import type { FederatedSignInOptions, HostedUIOptions, MFAPreference, MobileClientOptions, SignInInput, SignOutOptions, SignUpInput } from './options.js';
import type { KeyValueStorage } from './storage.js';
import { UserState, type AuthFactorType, type AWSCredentials, type CodeDeliveryDetails, type ForgotPasswordResult, type SignInResult, type SignUpResult, type Tokens, type UserAuthFactors, type UserStateListener } from './types.js';

export { DeviceOperations, PasskeyOperations } from './internal/setup.js';
export { decodeJwt } from './internal/jwt.js';
export type { RedirectReceiver } from './internal/hosted-ui-receiver.js';
export type { FederatedSignInOptions, HostedUIOptions, MFAFactorPreference, MFAPreference, MobileClientOptions, SignInInput, SignOutOptions, SignUpInput } from './options.js';

/**
 * The client. Create one per app (or use {@link MobileClient.default}), call
 * {@link MobileClient.initialize} with your `awsconfiguration.json`, then sign users up and in.
 *
 * @example
 * ```ts
 * import { MobileClient, UserState } from '@cognate/client';
 *
 * const client = new MobileClient();
 * client.addUserStateListener((state, info) => console.log(state, info.reason));
 * const state = await client.initialize({
 *   CognitoUserPool: { Default: { PoolId: 'us-east-1_AbC123', AppClientId: 'abc', Region: 'us-east-1', Endpoint: 'http://127.0.0.1:9229' } },
 * });
 * if (state !== UserState.signedIn) await client.signIn({ username: 'alice', password: 'Corr3ct-Horse!' });
 * const { accessToken } = await client.getTokens();
 * ```
 */
export class MobileClient {
  static #default: MobileClient | undefined;

  /**
   * The shared instance, as `AWSMobileClient.default()`.
   * @example
   * ```ts
   * await MobileClient.default().initialize(config);
   * MobileClient.default().isSignedIn;
   * ```
   */
  static default(): MobileClient {
    return (MobileClient.#default ??= new MobileClient());
  }

  /**
   * Initialises the shared instance ({@link MobileClient.default}) and returns its state, as seed
   * 002's `AWSMobileClient.default().initialize { userState, error in … }`. Its session is in memory.
   * @example
   * ```ts
   * const state = await MobileClient.initialize(awsconfiguration);
   * if (state === UserState.signedOut) showSignIn();
   * ```
   */
  static initialize(config: AWSConfiguration): Promise<UserState> {
    return MobileClient.default().initialize(config);
  }

  /** Everything the internal modules share: options, configuration, session, state, what is in flight. */
  readonly #ctx: ClientContext;

  /**
   * Device operations for the signed-in user on this device: remember, forget, get, list.
   * @example
   * ```ts
   * await client.deviceOperations.updateStatus({ remembered: true });
   * const { devices } = await client.deviceOperations.list({ limit: 10 });
   * ```
   */
  readonly deviceOperations: DeviceOperations;

  /**
   * The signed-in user's passkeys: register, list, delete.
   * @example
   * ```ts
   * const { passkeys } = await client.passkeyOperations.list();
   * ```
   */
  readonly passkeyOperations: PasskeyOperations;

  constructor(options: MobileClientOptions = {}) {
    clientContexts.set(this, (this.#ctx = contextFor(options)));
    this.deviceOperations = deviceOperationsFor(this, this.#ctx);
    this.passkeyOperations = passkeyOperationsFor(this, this.#ctx);
  }

  /**
   * Reads the configuration and the stored session, and returns the current state. It sends
   * nothing, so it is quick and works offline:
   * - `signedIn` when the storage holds a session (even with expired tokens: they refresh on the
   *   next {@link getTokens}) or a federated login;
   * - `signedOutUserPoolsTokenInvalid` / `signedOutFederatedTokensInvalid` when the stored refresh
   *   token / federated token was refused;
   * - `guest` only when the identity pool is known to take guests: the stored session holds a guest
   *   identity that got unauthenticated credentials (a previous run's {@link getAWSCredentials});
   * - else `signedOut` — also with an identity pool that may or may not allow guests. The first
   *   {@link getAWSCredentials} while signed out finds out: guest credentials move the state to
   *   `guest` (reason `guestCredentials`), a refusal is `guestAccessNotAllowed` (still `signedOut`).
   * @example
   * ```ts
   * const state = await client.initialize(awsconfiguration); // e.g. import awsconfiguration from './awsconfiguration.json'
   * ```
   * @throws MobileClientError `invalidConfiguration` when the configuration is malformed.
   */
  initialize(config: AWSConfiguration): Promise<UserState> {
    return initialize(this.#ctx, config);
  }

  /**
   * The current state; `unknown` before {@link initialize}.
   * @example
   * ```ts
   * if (client.currentUserState === UserState.guest) showSignInButton();
   * ```
   */
  get currentUserState(): UserState {
    return this.#ctx.state;
  }

  /**
   * Whether the state is `signedIn`.
   * @example
   * ```ts
   * if (!client.isSignedIn) await client.signIn({ username, password });
   * ```
   */
  get isSignedIn(): boolean {
    return this.#ctx.state === UserState.signedIn;
  }

  /**
   * The name the user signed in with (user pools only), kept across restarts.
   * @example
   * ```ts
   * greet(client.username ?? 'guest');
   * ```
   */
  get username(): string | undefined {
    return this.#ctx.session.username;
  }

  /**
   * The identity pool's identity id, once {@link getAWSCredentials} or {@link federatedSignIn}
   * got one; kept across restarts.
   * @example
   * ```ts
   * await client.getAWSCredentials();
   * console.log(client.identityId); // 'us-east-1:…'
   * ```
   */
  get identityId(): string | undefined {
    return this.#ctx.session.identityId;
  }

  /**
   * Calls `listener(state, info)` on every state transition. Returns a function that removes it.
   * @example
   * ```ts
   * const stop = client.addUserStateListener((state, info) => {
   *   if (state === UserState.signedOutUserPoolsTokenInvalid) showSignIn();
   * });
   * stop();
   * ```
   */
  addUserStateListener(listener: UserStateListener): () => void {
    this.#ctx.listeners.add(listener);
    return () => this.removeUserStateListener(listener);
  }

  /**
   * Stops calling a listener added with {@link addUserStateListener}.
   * @example
   * ```ts
   * client.removeUserStateListener(listener);
   * ```
   */
  removeUserStateListener(listener: UserStateListener): void {
    this.#ctx.listeners.delete(listener);
  }

  /**
   * Registers a user (SignUp).
   * @example
   * ```ts
   * const r = await client.signUp({ username: 'alice', password: 'Corr3ct-Horse!', userAttributes: { email: 'alice@example.com' } });
   * if (r.signUpConfirmationState === 'unconfirmed') console.log(`Code sent to ${r.codeDeliveryDetails?.destination}`);
   * ```
   * @throws MobileClientError e.g. `usernameExists`, `invalidPassword`, `invalidParameter`.
   */
  signUp(input: SignUpInput): Promise<SignUpResult> {
    return signUp(this.#ctx, input);
  }

  /**
   * Confirms a sign-up with the code the user received (ConfirmSignUp).
   * @example
   * ```ts
   * await client.confirmSignUp('alice', '123456'); // { signUpConfirmationState: 'confirmed' }
   * ```
   * @throws MobileClientError e.g. `codeMismatch`, `expiredCode`, `userNotFound`.
   */
  confirmSignUp(username: string, confirmationCode: string, options: { clientMetadata?: Record<string, string> } = {}): Promise<SignUpResult> {
    return confirmSignUp(this.#ctx, username, confirmationCode, options);
  }

  /**
   * Sends the sign-up code again (ResendConfirmationCode).
   * @example
   * ```ts
   * const r = await client.resendSignUpCode('alice');
   * console.log(r.codeDeliveryDetails?.destination);
   * ```
   */
  resendSignUpCode(username: string, options: { clientMetadata?: Record<string, string> } = {}): Promise<SignUpResult> {
    return resendSignUpCode(this.#ctx, username, options);
  }

  /**
   * Signs in with the configured flow (or `input.authFlowType`): USER_SRP_AUTH (default),
   * USER_PASSWORD_AUTH, CUSTOM_AUTH, or USER_AUTH with a `preferredChallenge` (EMAIL_OTP / SMS_OTP:
   * a code, state `emailOTP` / `smsOTP`; WEB_AUTHN: the passkey, at once; none or one the user
   * can't use: `selectChallenge`). Devices are proven (device SRP) and confirmed transparently
   * (`newDevice`, see {@link NewDevice}). Answer challenges with {@link confirmSignIn}.
   * @example
   * ```ts
   * const r = await client.signIn({ username: 'alice', password: 'Corr3ct-Horse!' });
   * if (r.signInState === 'newPasswordRequired') await client.confirmSignIn('N3w-Passw0rd!');
   * const otp = await client.signIn({ username: 'alice', authFlowType: 'USER_AUTH', preferredChallenge: 'EMAIL_OTP' });
   * if (otp.signInState === 'emailOTP') await client.confirmSignIn(await askForCode(otp.codeDetails));
   * ```
   * @throws MobileClientError e.g. `notAuthorized` (wrong password), `userNotConfirmed`, `passwordResetRequired`, `network`.
   */
  signIn(input: SignInInput): Promise<SignInResult> {
    return signIn(this.#ctx, input);
  }

  /**
   * Answers the challenge {@link signIn} (or a previous confirmSignIn) returned:
   * - `newPasswordRequired`: the new password; `options.userAttributes` fills required attributes.
   * - `smsMFA`, `softwareTokenMFA`, `emailOTP`, `smsOTP`: the code.
   * - `selectChallenge`: the factor's name, as {@link selectChallenge} without options.
   * - `selectMFAType`: `SMS_MFA`, `SOFTWARE_TOKEN_MFA` or `EMAIL_OTP`.
   * - `mfaSetup`: after {@link associateSoftwareToken}, a TOTP code from the authenticator app;
   *   or an email address when the pool sets up EMAIL_OTP.
   * - `customChallenge`: the answer.
   * @example
   * ```ts
   * const r = await client.signIn({ username: 'bob', password: 'Temp-Passw0rd!' });
   * if (r.signInState === 'newPasswordRequired') await client.confirmSignIn('N3w-Passw0rd!', { userAttributes: { name: 'Bob' } });
   * ```
   * @throws MobileClientError `invalidState` when no challenge is waiting; service errors such as `codeMismatch`.
   */
  confirmSignIn(challengeResponse: string, options: { userAttributes?: Record<string, string>; clientMetadata?: Record<string, string> } = {}): Promise<SignInResult> {
    return confirmSignIn(this.#ctx, challengeResponse, options);
  }

  /**
   * Answers `selectChallenge` with one of the `availableChallenges`: PASSWORD / PASSWORD_SRP with
   * `options.password` (or {@link signIn}'s), EMAIL_OTP / SMS_OTP (a code is sent), WEB_AUTHN.
   * `invalidState` outside `selectChallenge`; `invalidParameter` for a factor not offered.
   * @example
   * ```ts
   * const r = await client.signIn({ username: 'alice', authFlowType: 'USER_AUTH' });
   * if (r.signInState === 'selectChallenge' && r.availableChallenges?.includes('WEB_AUTHN')) await client.selectChallenge('WEB_AUTHN');
   * ```
   */
  selectChallenge(challenge: AuthFactorType, options: { password?: string; clientMetadata?: Record<string, string> } = {}): Promise<SignInResult> {
    return selectChallenge(this.#ctx, challenge, options);
  }

  /**
   * Signs in the user just confirmed, once, with the Session {@link confirmSignUp} returned (`canAutoSignIn`).
   * @example
   * ```ts
   * const r = await client.confirmSignUp('alice', code);
   * if (r.canAutoSignIn) await client.autoSignIn(); // else invalidState; a spent or expired Session: notAuthorized
   * ```
   */
  autoSignIn(options: { clientMetadata?: Record<string, string> } = {}): Promise<SignInResult> {
    return autoSignIn(this.#ctx, options);
  }

  /**
   * The first factors the signed-in user can sign in with, and their MFA (GetUserAuthFactors).
   * @example
   * ```ts
   * const { factors } = await client.getUserAuthFactors(); // e.g. ['PASSWORD', 'EMAIL_OTP', 'WEB_AUTHN']
   * ```
   */
  getUserAuthFactors(): Promise<UserAuthFactors> {
    return getUserAuthFactors(this.#ctx);
  }

  /**
   * Starts TOTP set-up (AssociateSoftwareToken) and returns the secret to show as a QR code:
   * - in the `mfaSetup` sign-in state, with the challenge's Session; then call
   *   {@link confirmSignIn} with a code from the authenticator app;
   * - for the signed-in user, with the access token; then call {@link verifySoftwareToken} and
   *   turn TOTP on with {@link setUserMFAPreference}.
   * @example
   * ```ts
   * const secret = await client.associateSoftwareToken();
   * showQr(`otpauth://totp/MyApp:${username}?secret=${secret}&issuer=MyApp`);
   * await client.confirmSignIn(codeFromApp); // mfaSetup; or verifySoftwareToken(codeFromApp) when signed in
   * ```
   * @throws MobileClientError `notSignedIn` outside both; service errors such as `notAuthorized`.
   */
  associateSoftwareToken(): Promise<string> {
    return associateSoftwareToken(this.#ctx);
  }

  /**
   * For the signed-in user, checks a code from the authenticator app against the secret of
   * {@link associateSoftwareToken} (VerifySoftwareToken). TOTP is then verified but not yet used at
   * sign-in: enable it with {@link setUserMFAPreference}. (In the `mfaSetup` sign-in state, answer
   * with {@link confirmSignIn} instead.)
   * @example
   * ```ts
   * await client.verifySoftwareToken(codeFromApp, { friendlyDeviceName: 'My phone' });
   * await client.setUserMFAPreference({ softwareToken: { enabled: true, preferred: true } });
   * ```
   * @throws MobileClientError `enableSoftwareTokenMFA` for a wrong code, `notSignedIn`.
   */
  verifySoftwareToken(code: string, options: { friendlyDeviceName?: string } = {}): Promise<void> {
    return verifySoftwareToken(this.#ctx, code, options);
  }

  /**
   * Turns the signed-in user's MFA factors on or off and picks the preferred one
   * (SetUserMFAPreference). Factors not named are left as they are.
   * @example
   * ```ts
   * await client.setUserMFAPreference({ softwareToken: { enabled: true, preferred: true }, sms: { enabled: false } });
   * ```
   * @throws MobileClientError e.g. `invalidParameter` (a factor the user can't have), `notSignedIn`.
   */
  setUserMFAPreference(preference: MFAPreference): Promise<void> {
    return setUserMFAPreference(this.#ctx, preference);
  }

  /**
   * The signed-in user's MFA factors and the preferred one (from GetUser), in Cognito's names:
   * `SMS_MFA`, `SOFTWARE_TOKEN_MFA`, `EMAIL_OTP`.
   * @example
   * ```ts
   * const { enabled, preferred } = await client.getUserMFAPreference();
   * if (!enabled.length) suggestMfa();
   * ```
   */
  getUserMFAPreference(): Promise<{ enabled: string[]; preferred?: string }> {
    return getUserMFAPreference(this.#ctx);
  }

  /**
   * Signs in through the hosted UI (`Auth.Default.OAuth`; see {@link HostedUIOptions}): code + PKCE,
   * single-use `state` and `nonce`, tokens into the session as {@link signIn}'s. Browser: the page
   * navigates away; Node: `openUrl` + `redirectReceiver: loopbackRedirect()`.
   * @example
   * ```ts
   * await client.signInWithHostedUI({ scopes: ['openid', 'email'], identityProvider: 'Google' });
   * ```
   */
  signInWithHostedUI(options: HostedUIOptions = {}): Promise<UserState> {
    return signInWithHostedUI(this.#ctx, options);
  }

  /**
   * Handles the hosted UI's redirect back (default: this page's URL); a URL without an answer returns the current state.
   * @example
   * ```ts
   * const state = await client.handleAuthResponse(); // on the SignInRedirectURI page, after initialize()
   * ```
   */
  handleAuthResponse(url?: string): Promise<UserState> {
    return handleAuthResponse(this.#ctx, url);
  }

  /**
   * Signs out. Without options, locally only: the stored session is cleared and nothing is sent.
   * `signOutGlobally` calls GlobalSignOut (every token of the user, every device) and
   * `invalidateTokens` calls RevokeToken (this session's refresh token); with either, the local
   * sign-out happens only once the server agreed, so an offline app stays signed in and can try
   * again (or sign out locally with `signOut()`).
   * @example
   * ```ts
   * await client.signOut();                          // this device
   * await client.signOut({ signOutGlobally: true }); // everywhere
   * ```
   * @throws MobileClientError for the server steps, e.g. `network`, `notAuthorized`.
   */
  signOut(options: SignOutOptions = {}): Promise<void> {
    return signOut(this.#ctx, options);
  }

  /**
   * Ends the wait of calls blocked in `signedOutUserPoolsTokenInvalid` or
   * `signedOutFederatedTokensInvalid` (they reject with `unableToSignIn`), e.g. when the user
   * cancels the sign-in screen. The state does not change; call {@link signOut} next if wanted.
   * @example
   * ```ts
   * onCancel(() => { client.releaseSignInWait(); void client.signOut(); });
   * ```
   */
  releaseSignInWait(): void {
    releaseSignInWait(this.#ctx);
  }

  /**
   * The user-pool tokens: the cached ones while they are valid for more than the refresh margin,
   * else fresh ones from the refresh token (concurrent callers share one refresh).
   * - Refresh token revoked or expired: the state becomes `signedOutUserPoolsTokenInvalid` and the
   *   call waits until {@link signIn} succeeds (then returns the new tokens) or
   *   {@link releaseSignInWait} (rejects with `unableToSignIn`).
   * - Server unreachable: cached tokens that have not actually expired are returned; expired ones
   *   give a `network` error and the state `signedOutUserPoolsTokenInvalid` (reason `offline`)
   *   without losing the session. The next call online refreshes and returns to `signedIn`.
   * @example
   * ```ts
   * const { idToken, accessToken } = await client.getTokens();
   * await fetch(apiUrl, { headers: { authorization: `Bearer ${accessToken.tokenString}` } });
   * ```
   * @throws MobileClientError `notSignedIn`, `network`, `unableToSignIn`.
   */
  getTokens(): Promise<Tokens> {
    return getTokens(this.#ctx);
  }

  /**
   * Starts a password reset (ForgotPassword): a code goes to the user's verified email or phone.
   * @example
   * ```ts
   * const r = await client.forgotPassword('alice');
   * console.log(r.forgotPasswordState, r.codeDeliveryDetails?.destination); // 'confirmationCodeSent', 'a***@e***'
   * ```
   */
  forgotPassword(username: string, options: { clientMetadata?: Record<string, string> } = {}): Promise<ForgotPasswordResult> {
    return forgotPassword(this.#ctx, username, options);
  }

  /**
   * Sets a new password with the code from {@link forgotPassword} (ConfirmForgotPassword).
   * @example
   * ```ts
   * await client.confirmForgotPassword('alice', 'N3w-Passw0rd!', '123456'); // { forgotPasswordState: 'done' }
   * ```
   * @throws MobileClientError e.g. `codeMismatch`, `expiredCode`, `invalidPassword`.
   */
  confirmForgotPassword(username: string, newPassword: string, confirmationCode: string, options: { clientMetadata?: Record<string, string> } = {}): Promise<ForgotPasswordResult> {
    return confirmForgotPassword(this.#ctx, username, newPassword, confirmationCode, options);
  }

  /**
   * Changes the signed-in user's password (ChangePassword).
   * @example
   * ```ts
   * await client.changePassword('Corr3ct-Horse!', 'Even-B3tter-Horse!');
   * ```
   * @throws MobileClientError e.g. `notAuthorized` (wrong current password), `invalidPassword`, `notSignedIn`.
   */
  changePassword(currentPassword: string, proposedPassword: string): Promise<void> {
    return changePassword(this.#ctx, currentPassword, proposedPassword);
  }

  /**
   * The signed-in user's attributes (GetUser), as a name → value record.
   * @example
   * ```ts
   * const { email, email_verified } = await client.getUserAttributes();
   * ```
   */
  getUserAttributes(): Promise<Record<string, string>> {
    return getUserAttributes(this.#ctx);
  }

  /**
   * Updates attributes (UpdateUserAttributes). Changing a verified email or phone sends a code;
   * the returned details say where. Confirm with {@link confirmVerifyUserAttribute}.
   * @example
   * ```ts
   * const sent = await client.updateUserAttributes({ nickname: 'Ali', email: 'new@example.com' });
   * if (sent.length) await client.confirmVerifyUserAttribute('email', await askForCode());
   * ```
   */
  updateUserAttributes(attributes: Record<string, string>, options: { clientMetadata?: Record<string, string> } = {}): Promise<CodeDeliveryDetails[]> {
    return updateUserAttributes(this.#ctx, attributes, options);
  }

  /**
   * Sends a verification code for an attribute (GetUserAttributeVerificationCode).
   * @example
   * ```ts
   * const details = await client.verifyUserAttribute('email');
   * console.log(details.destination);
   * ```
   */
  verifyUserAttribute(attributeName: string, options: { clientMetadata?: Record<string, string> } = {}): Promise<CodeDeliveryDetails> {
    return verifyUserAttribute(this.#ctx, attributeName, options);
  }

  /**
   * Verifies an attribute with the code the user received (VerifyUserAttribute).
   * @example
   * ```ts
   * await client.confirmVerifyUserAttribute('email', '123456');
   * ```
   * @throws MobileClientError e.g. `codeMismatch`, `expiredCode`.
   */
  confirmVerifyUserAttribute(attributeName: string, code: string): Promise<void> {
    return confirmVerifyUserAttribute(this.#ctx, attributeName, code);
  }

  /**
   * Deletes the signed-in user (DeleteUser) and signs out locally.
   * @example
   * ```ts
   * if (await confirmDialog('Delete your account?')) await client.deleteUser();
   * ```
   */
  deleteUser(): Promise<void> {
    return deleteUser(this.#ctx);
  }

  /**
   * Temporary AWS credentials from the identity pool (GetId, then GetCredentialsForIdentity) for
   * the signed-in user (the ID token as login), the federated login, or a guest (state `guest`)
   * where the pool allows unauthenticated identities; cached until the refresh margin before they
   * expire, one fetch shared by concurrent callers. A refused federated token: the state becomes
   * `signedOutFederatedTokensInvalid` and the call waits for {@link federatedSignIn} (or
   * {@link releaseSignInWait}). Guests refused: `guestAccessNotAllowed`, the state leaves `guest`
   * for `signedOut`. Offline: cached credentials until they actually expire, then `network` (state kept).
   * @example
   * ```ts
   * const credentials = await client.getAWSCredentials();
   * const s3 = new S3Client({ region: 'us-east-1', credentials });
   * ```
   * @throws MobileClientError `cognitoIdentityPoolNotConfigured`, `guestAccessNotAllowed`, `network`, …
   */
  getAWSCredentials(): Promise<AWSCredentials> {
    return getAWSCredentials(this.#ctx);
  }

  /**
   * Signs in with a token from another provider through the identity pool: `accounts.google.com`,
   * `graph.facebook.com`, an OIDC issuer, a SAML provider ARN, or `cognito-identity.amazonaws.com`
   * for developer-authenticated identities (with `cognitoIdentityId`). Fetches credentials, then
   * the state is `signedIn`; {@link getAWSCredentials} uses this login until {@link signOut}.
   * Calling it again with a new token ends `signedOutFederatedTokensInvalid`.
   * @example
   * ```ts
   * await client.federatedSignIn('accounts.google.com', googleIdToken);
   * const credentials = await client.getAWSCredentials();
   * ```
   */
  federatedSignIn(providerName: string, token: string, options: FederatedSignInOptions = {}): Promise<UserState> {
    return federatedSignIn(this.#ctx, providerName, token, options);
  }

  /**
   * Forgets the cached AWS credentials (the identity id stays), so the next
   * {@link getAWSCredentials} fetches new ones.
   * @example
   * ```ts
   * client.clearCredentials();
   * ```
   */
  clearCredentials(): void {
    this.#ctx.credentials = undefined;
  }
}
