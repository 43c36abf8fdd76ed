/**
 * Sign-in: InitiateAuth with the configured flow (USER_SRP_AUTH, USER_PASSWORD_AUTH, CUSTOM_AUTH,
 * USER_AUTH with a preferred first factor, or after sign-up with its Session), the steps the client
 * answers by itself (PASSWORD_VERIFIER, DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER, WEB_AUTHN
 * through the WebAuthn port), the challenges the user answers (confirmSignIn, selectChallenge for
 * USER_AUTH's SELECT_CHALLENGE), and the finish: the tokens stored, a new device confirmed, the
 * state `signedIn`.
 */
import { FLOWS } from '../config.js';
import { MobileClientError } from '../errors.js';
import type { SignInInput } from '../options.js';
import { UserState, type AuthFactorType, type NewDevice, type SignInResult, type SignInState } from '../types.js';
import { requireConfig, requireUserPool, save, transition, type ClientContext, type PendingChallenge, type StoredTokens } from './context.js';
import { confirmDevice, forgetDevice } from './devices.js';
import { formatTimestamp, generateEphemeral, passwordClaimSignature, type Ephemeral } from './srp.js';
import { browserWebAuthn, requireWebAuthn, type WebAuthnPort, type WebAuthnRequestOptionsJSON } from './webauthn.js';
import { deliveryDetails, idp, isForgottenDevice, secretHash, withDefined, type AuthResponse } from './wire.js';

const CHALLENGE_STATES: Readonly<Record<string, SignInState>> = {
  SELECT_CHALLENGE: 'selectChallenge',
  SMS_OTP: 'smsOTP',
  SMS_MFA: 'smsMFA',
  SOFTWARE_TOKEN_MFA: 'softwareTokenMFA',
  EMAIL_OTP: 'emailOTP',
  SELECT_MFA_TYPE: 'selectMFAType',
  MFA_SETUP: 'mfaSetup',
  NEW_PASSWORD_REQUIRED: 'newPasswordRequired',
  CUSTOM_CHALLENGE: 'customChallenge',
};

const FACTORS: readonly string[] = ['PASSWORD', 'PASSWORD_SRP', 'EMAIL_OTP', 'SMS_OTP', 'WEB_AUTHN'];

/** The authenticator for a passkey step: the injected port, else the browser's, else `webAuthnNotSupported`. */
export const webAuthnPort = (ctx: ClientContext): WebAuthnPort => requireWebAuthn(ctx.webAuthn ?? browserWebAuthn());

export async function signIn(ctx: ClientContext, input: SignInInput): Promise<SignInResult> {
  const pool = requireUserPool(ctx);
  const flow = input.authFlowType ?? requireConfig(ctx).flow;
  if (!FLOWS.includes(flow)) throw new MobileClientError('invalidParameter', `Unsupported authFlowType ${String(flow)}; use one of ${FLOWS.join(', ')}.`);
  const preferred = input.preferredChallenge;
  if (preferred !== undefined && (flow !== 'USER_AUTH' || !FACTORS.includes(preferred))) {
    throw new MobileClientError('invalidParameter', `preferredChallenge ${String(preferred)} needs authFlowType USER_AUTH and one of ${FACTORS.join(', ')}.`);
  }
  const needsPassword = flow === 'USER_AUTH' ? preferred === 'PASSWORD' || preferred === 'PASSWORD_SRP' : flow !== 'CUSTOM_AUTH';
  if (needsPassword && !input.password) throw new MobileClientError('invalidParameter', 'A password is required.');
  // No authenticator: say so before the server sends a challenge no one can answer.
  if (preferred === 'WEB_AUTHN') webAuthnPort(ctx);
  ctx.pending = undefined;
  const device = ctx.session.devices?.[input.username];
  const params: Record<string, string | undefined> = {
    USERNAME: input.username,
    SECRET_HASH: await secretHash(ctx, input.username),
    DEVICE_KEY: device?.deviceKey,
    PREFERRED_CHALLENGE: preferred,
  };
  let ephemeral: Ephemeral | undefined;
  if (flow === 'USER_PASSWORD_AUTH' || preferred === 'PASSWORD') params.PASSWORD = input.password;
  else if (flow === 'USER_SRP_AUTH' || preferred === 'PASSWORD_SRP' || (flow === 'CUSTOM_AUTH' && input.password)) {
    ephemeral = generateEphemeral();
    params.SRP_A = ephemeral.hexA;
    if (flow === 'CUSTOM_AUTH') params.CHALLENGE_NAME = 'SRP_A';
  }
  const context: PendingChallenge = {
    name: '',
    username: input.username,
    signInName: input.username,
    parameters: {},
    ...(ephemeral ? { ephemeral } : {}),
    ...(input.password !== undefined ? { password: input.password } : {}),
  };
  try {
    const response = await idp<AuthResponse>(ctx, 'InitiateAuth', {
      AuthFlow: flow,
      ClientId: pool.clientId,
      AuthParameters: withDefined(params),
      ClientMetadata: input.clientMetadata,
    });
    return await handleAuthResponse(ctx, response, context, input.clientMetadata);
  } catch (e) {
    // A device the server forgot (or never had): forget it here too and sign in again without it,
    // as amazon-cognito-identity-js and the iOS SDK do.
    if (device && isForgottenDevice(e)) {
      await forgetDevice(ctx, input.username);
      return signIn(ctx, input);
    }
    throw e;
  }
}

export async function confirmSignIn(
  ctx: ClientContext,
  challengeResponse: string,
  options: { userAttributes?: Record<string, string>; clientMetadata?: Record<string, string> },
): Promise<SignInResult> {
  const pool = requireUserPool(ctx);
  const pending = ctx.pending;
  if (!pending) throw new MobileClientError('invalidState', 'There is no sign-in challenge to answer; call signIn() first.');
  const responses: Record<string, string | undefined> = {
    USERNAME: pending.username,
    SECRET_HASH: await secretHash(ctx, pending.username),
    DEVICE_KEY: ctx.session.devices?.[pending.signInName]?.deviceKey,
  };
  let session = pending.session;
  switch (pending.name) {
    case 'NEW_PASSWORD_REQUIRED':
      responses.NEW_PASSWORD = challengeResponse;
      for (const [name, value] of Object.entries(options.userAttributes ?? {})) responses[`userAttributes.${name}`] = value;
      break;
    case 'SMS_MFA':
      responses.SMS_MFA_CODE = challengeResponse;
      break;
    case 'SOFTWARE_TOKEN_MFA':
      responses.SOFTWARE_TOKEN_MFA_CODE = challengeResponse;
      break;
    case 'EMAIL_OTP':
      responses.EMAIL_OTP_CODE = challengeResponse;
      break;
    case 'SMS_OTP':
      responses.SMS_OTP_CODE = challengeResponse;
      break;
    case 'SELECT_MFA_TYPE':
    case 'CUSTOM_CHALLENGE':
      responses.ANSWER = challengeResponse;
      break;
    case 'MFA_SETUP':
      if (pending.softwareTokenSession) {
        const verified = await idp<{ Status?: string; Session?: string }>(ctx, 'VerifySoftwareToken', {
          Session: pending.softwareTokenSession,
          UserCode: challengeResponse,
        });
        session = verified.Session ?? session;
      } else {
        responses.EMAIL = challengeResponse;
      }
      break;
    case 'SELECT_CHALLENGE':
      return selectChallenge(ctx, challengeResponse as AuthFactorType, options);
    default:
      throw new MobileClientError('invalidState', `The challenge ${pending.name} is not supported.`);
  }
  let response: AuthResponse;
  try {
    response = await idp<AuthResponse>(ctx, 'RespondToAuthChallenge', {
      ClientId: pool.clientId,
      ChallengeName: pending.name,
      Session: session,
      ChallengeResponses: withDefined(responses),
      ClientMetadata: options.clientMetadata,
    });
  } catch (err) {
    // A refused sign-in (failed authentication, a dead or spent session) has no challenge left to
    // answer; a wrong code (codeMismatch) may be tried again on the same one.
    if (err instanceof MobileClientError && err.code === 'notAuthorized' && ctx.pending === pending) ctx.pending = undefined;
    throw err;
  }
  return handleAuthResponse(ctx, response, pending, options.clientMetadata);
}

/**
 * USER_AUTH with the Session ConfirmSignUp (or SignUp of a user confirmed at once) returned: the
 * user just confirmed, signed in without a credential, once (Amplify's autoSignIn).
 */
export async function autoSignIn(ctx: ClientContext, options: { clientMetadata?: Record<string, string> }): Promise<SignInResult> {
  const pool = requireUserPool(ctx);
  const held = ctx.signUpSession;
  if (!held) throw new MobileClientError('invalidState', 'No sign-up Session to sign in with: confirmSignUp() (through an app client with ALLOW_USER_AUTH) returns one.');
  // The Session is single-use: spent whatever the answer.
  ctx.signUpSession = undefined;
  ctx.pending = undefined;
  const { username, session } = held;
  const response = await idp<AuthResponse>(ctx, 'InitiateAuth', {
    AuthFlow: 'USER_AUTH',
    ClientId: pool.clientId,
    Session: session,
    AuthParameters: withDefined({ USERNAME: username, SECRET_HASH: await secretHash(ctx, username), DEVICE_KEY: ctx.session.devices?.[username]?.deviceKey }),
    ClientMetadata: options.clientMetadata,
  });
  return handleAuthResponse(ctx, response, { name: '', username, signInName: username, parameters: {} }, options.clientMetadata);
}

/**
 * SELECT_CHALLENGE answered with a first factor, and the password or SRP_A it needs alongside (as
 * Amplify sends them); what follows (SRP, a passkey, a code, MFA after a password) as after signIn.
 */
export async function selectChallenge(ctx: ClientContext, challenge: AuthFactorType, options: { password?: string; clientMetadata?: Record<string, string> }): Promise<SignInResult> {
  const pool = requireUserPool(ctx);
  const pending = ctx.pending;
  if (pending?.name !== 'SELECT_CHALLENGE') throw new MobileClientError('invalidState', 'There is no choice of first factor to make; call signIn() with authFlowType USER_AUTH first.');
  const password = options.password ?? pending.password;
  const withPassword = challenge === 'PASSWORD' || challenge === 'PASSWORD_SRP';
  if (withPassword && !password) throw new MobileClientError('invalidParameter', `A password is required for ${challenge}.`);
  if (challenge === 'WEB_AUTHN') webAuthnPort(ctx);
  const ephemeral = challenge === 'PASSWORD_SRP' ? generateEphemeral() : undefined;
  const context: PendingChallenge = { ...pending, ...(ephemeral ? { ephemeral } : {}), ...(password !== undefined ? { password } : {}) };
  let response: AuthResponse;
  try {
    response = await idp<AuthResponse>(ctx, 'RespondToAuthChallenge', {
      ClientId: pool.clientId,
      ChallengeName: 'SELECT_CHALLENGE',
      Session: pending.session,
      ChallengeResponses: withDefined({
        USERNAME: pending.username,
        ANSWER: challenge,
        PASSWORD: challenge === 'PASSWORD' ? password : undefined,
        SRP_A: ephemeral?.hexA,
        SECRET_HASH: await secretHash(ctx, pending.username),
        DEVICE_KEY: ctx.session.devices?.[pending.signInName]?.deviceKey,
      }),
      ClientMetadata: options.clientMetadata,
    });
  } catch (err) {
    // A dead or spent Session (or a refused password) leaves nothing to choose; a factor not on
    // offer (invalidParameter) may be corrected on the same Session.
    if (err instanceof MobileClientError && err.code === 'notAuthorized' && ctx.pending === pending) ctx.pending = undefined;
    throw err;
  }
  return handleAuthResponse(ctx, response, context, options.clientMetadata);
}

export async function handleAuthResponse(ctx: ClientContext, response: AuthResponse, context: PendingChallenge, clientMetadata: Record<string, string> | undefined): Promise<SignInResult> {
  let current = response;
  let pending = context;
  // Steps the client answers by itself: the SRP password proof, device SRP, and a passkey (WEB_AUTHN).
  for (let steps = 0; steps < 5; steps++) {
    if (current.ChallengeName === 'PASSWORD_VERIFIER') {
      const userId = current.ChallengeParameters?.USER_ID_FOR_SRP ?? current.ChallengeParameters?.USERNAME ?? pending.username;
      pending = { ...pending, username: userId };
      current = await answerPasswordVerifier(ctx, current, pending, clientMetadata);
      continue;
    }
    if (current.ChallengeName === 'DEVICE_SRP_AUTH') {
      current = await answerDeviceSrp(ctx, current, pending, clientMetadata);
      continue;
    }
    if (current.ChallengeName === 'WEB_AUTHN') {
      current = await answerWebAuthn(ctx, current, pending, clientMetadata);
      continue;
    }
    break;
  }
  if (current.AuthenticationResult) {
    const newDevice = await completeSignIn(ctx, current.AuthenticationResult, pending.signInName);
    return { signInState: 'signedIn', parameters: {}, ...(newDevice ? { newDevice } : {}) };
  }
  const name = current.ChallengeName ?? '';
  const params = current.ChallengeParameters ?? {};
  ctx.pending = {
    ...pending,
    name,
    ...(current.Session !== undefined ? { session: current.Session } : {}),
    username: params.USER_ID_FOR_SRP ?? params.USERNAME ?? pending.username,
    parameters: params,
    ...(current.AvailableChallenges ? { availableChallenges: current.AvailableChallenges } : {}),
  };
  const codeDetails =
    params.CODE_DELIVERY_DELIVERY_MEDIUM || params.CODE_DELIVERY_DESTINATION
      ? deliveryDetails({ DeliveryMedium: params.CODE_DELIVERY_DELIVERY_MEDIUM, Destination: params.CODE_DELIVERY_DESTINATION })
      : undefined;
  return {
    signInState: CHALLENGE_STATES[name] ?? 'unknown',
    ...(codeDetails ? { codeDetails } : {}),
    ...(name === 'SELECT_CHALLENGE' ? { availableChallenges: (current.AvailableChallenges ?? []) as AuthFactorType[] } : {}),
    parameters: decodeChallengeParameters(params),
  };
}

/**
 * WEB_AUTHN: the authenticator signs CREDENTIAL_REQUEST_OPTIONS' challenge (navigator.credentials.get
 * in browsers) and the assertion goes back as CREDENTIAL, the JSON string Cognito takes.
 */
async function answerWebAuthn(ctx: ClientContext, challenge: AuthResponse, pending: PendingChallenge, clientMetadata: Record<string, string> | undefined): Promise<AuthResponse> {
  const pool = requireUserPool(ctx);
  const port = webAuthnPort(ctx);
  let options: WebAuthnRequestOptionsJSON;
  try {
    options = JSON.parse(required(challenge.ChallengeParameters ?? {}, 'CREDENTIAL_REQUEST_OPTIONS')) as WebAuthnRequestOptionsJSON;
  } catch (e) {
    throw e instanceof MobileClientError ? e : new MobileClientError('badRequest', 'The WEB_AUTHN challenge carries no valid CREDENTIAL_REQUEST_OPTIONS.');
  }
  const credential = await port.get(options);
  return idp<AuthResponse>(ctx, 'RespondToAuthChallenge', {
    ClientId: pool.clientId,
    ChallengeName: 'WEB_AUTHN',
    Session: challenge.Session,
    ChallengeResponses: withDefined({
      USERNAME: pending.username,
      CREDENTIAL: JSON.stringify(credential),
      SECRET_HASH: await secretHash(ctx, pending.username),
      DEVICE_KEY: ctx.session.devices?.[pending.signInName]?.deviceKey,
    }),
    ClientMetadata: clientMetadata,
  });
}

/** PASSWORD_VERIFIER: the SRP proof of the password, for `pending.username` (the challenge's USER_ID_FOR_SRP). */
async function answerPasswordVerifier(ctx: ClientContext, challenge: AuthResponse, pending: PendingChallenge, clientMetadata: Record<string, string> | undefined): Promise<AuthResponse> {
  const pool = requireUserPool(ctx);
  if (!pending.ephemeral || pending.password === undefined) throw new MobileClientError('invalidState', 'The server asked for a password proof the client cannot give.');
  const params = challenge.ChallengeParameters ?? {};
  const userId = pending.username;
  const { timestamp, signature } = await claim(ctx, params, { poolName: pool.poolName, userId, password: pending.password, ephemeral: pending.ephemeral });
  return idp<AuthResponse>(ctx, 'RespondToAuthChallenge', {
    ClientId: pool.clientId,
    ChallengeName: 'PASSWORD_VERIFIER',
    Session: challenge.Session,
    ChallengeResponses: withDefined({
      USERNAME: userId,
      PASSWORD_CLAIM_SECRET_BLOCK: params.SECRET_BLOCK,
      TIMESTAMP: timestamp,
      PASSWORD_CLAIM_SIGNATURE: signature,
      SECRET_HASH: await secretHash(ctx, userId),
      DEVICE_KEY: ctx.session.devices?.[pending.signInName]?.deviceKey,
    }),
    ClientMetadata: clientMetadata,
  });
}

/** DEVICE_SRP_AUTH then DEVICE_PASSWORD_VERIFIER: SRP with poolName = DeviceGroupKey, userId = DeviceKey. */
async function answerDeviceSrp(ctx: ClientContext, challenge: AuthResponse, pending: PendingChallenge, clientMetadata: Record<string, string> | undefined): Promise<AuthResponse> {
  const pool = requireUserPool(ctx);
  const device = ctx.session.devices?.[pending.signInName];
  if (!device) throw new MobileClientError('deviceNotRemembered', 'The server asked for device SRP, but this client holds no device key.');
  const username = challenge.ChallengeParameters?.USERNAME ?? pending.username;
  const ephemeral = generateEphemeral();
  const next = await idp<AuthResponse>(ctx, 'RespondToAuthChallenge', {
    ClientId: pool.clientId,
    ChallengeName: 'DEVICE_SRP_AUTH',
    Session: challenge.Session,
    ChallengeResponses: withDefined({ USERNAME: username, DEVICE_KEY: device.deviceKey, SRP_A: ephemeral.hexA, SECRET_HASH: await secretHash(ctx, username) }),
    ClientMetadata: clientMetadata,
  });
  if (next.ChallengeName !== 'DEVICE_PASSWORD_VERIFIER') return next;
  const params = next.ChallengeParameters ?? {};
  const { timestamp, signature } = await claim(ctx, params, { poolName: device.deviceGroupKey, userId: device.deviceKey, password: device.devicePassword, ephemeral });
  return idp<AuthResponse>(ctx, 'RespondToAuthChallenge', {
    ClientId: pool.clientId,
    ChallengeName: 'DEVICE_PASSWORD_VERIFIER',
    Session: next.Session,
    ChallengeResponses: withDefined({
      USERNAME: params.USERNAME ?? username,
      DEVICE_KEY: device.deviceKey,
      PASSWORD_CLAIM_SECRET_BLOCK: params.SECRET_BLOCK,
      TIMESTAMP: timestamp,
      PASSWORD_CLAIM_SIGNATURE: signature,
      SECRET_HASH: await secretHash(ctx, params.USERNAME ?? username),
    }),
    ClientMetadata: clientMetadata,
  });
}

/** Stores the tokens (and confirms a new device); returns the device when one was confirmed. */
async function completeSignIn(ctx: ClientContext, result: NonNullable<AuthResponse['AuthenticationResult']>, signInName: string): Promise<NewDevice | undefined> {
  if (!result.AccessToken || !result.IdToken || !result.RefreshToken) {
    throw new MobileClientError('unableToSignIn', 'The server signed the user in but did not return ID, access and refresh tokens.');
  }
  adoptUserPoolTokens(ctx, signInName, { idToken: result.IdToken, accessToken: result.AccessToken, refreshToken: result.RefreshToken });
  const metadata = result.NewDeviceMetadata;
  const newDevice = metadata?.DeviceKey && metadata.DeviceGroupKey ? await confirmDevice(ctx, result.AccessToken, signInName, metadata.DeviceKey, metadata.DeviceGroupKey) : undefined;
  await announceSignIn(ctx);
  return newDevice;
}

/**
 * A user-pool sign-in's tokens into the session, however they were obtained (the API's sign-in, or
 * the hosted UI's code exchange with `hostedUI`): the pending challenge, the credentials and every
 * mark of an earlier sign-in go.
 */
export function adoptUserPoolTokens(ctx: ClientContext, username: string, tokens: StoredTokens, opts: { hostedUI?: boolean } = {}): void {
  ctx.pending = undefined;
  ctx.credentials = undefined;
  const s = ctx.session;
  const previousUser = s.username;
  // A federated login's identity is not this user's: GetCredentialsForIdentity would refuse the
  // user-pool login on it ("Logins don't match"). (A guest identity is kept: the login links to it.)
  const wasFederated = s.federation !== undefined;
  s.username = username;
  s.tokens = tokens;
  delete s.refreshTokenInvalid;
  delete s.federation;
  delete s.federatedTokenInvalid;
  delete s.guestAllowed;
  if (opts.hostedUI) s.hostedUI = {};
  else delete s.hostedUI;
  if (wasFederated || (previousUser !== undefined && previousUser !== username)) delete s.identityId;
}

/** Saves the session, enters `signedIn` and releases the calls waiting for a sign-in. */
export async function announceSignIn(ctx: ClientContext): Promise<void> {
  await save(ctx);
  transition(ctx, UserState.signedIn, 'signIn', { provider: 'userPools' });
  for (const waiter of ctx.signInWaiters.splice(0)) waiter.resolve();
}

/** The SRP password claim for a challenge's SRP_B, SALT and SECRET_BLOCK, signed now (users: the pool; devices: their group). */
async function claim(ctx: ClientContext, params: Record<string, string>, who: { poolName: string; userId: string; password: string; ephemeral: Ephemeral }): Promise<{ timestamp: string; signature: string }> {
  const timestamp = formatTimestamp(ctx.clock.now());
  const signature = await passwordClaimSignature({ ...who, B: required(params, 'SRP_B'), salt: required(params, 'SALT'), secretBlock: required(params, 'SECRET_BLOCK'), timestamp });
  return { timestamp, signature };
}

function required(params: Record<string, string>, name: string): string {
  const value = params[name];
  if (value === undefined) throw new MobileClientError('badRequest', `The challenge lacks ${name}.`);
  return value;
}

/** Challenge parameters arrive as strings; a few carry JSON (MFAS_CAN_CHOOSE, userAttributes, requiredAttributes). */
function decodeChallengeParameters(params: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params)) {
    if (/^[[{]/.test(value)) {
      try {
        out[name] = JSON.parse(value);
        continue;
      } catch {
        // keep the string
      }
    }
    out[name] = value;
  }
  return out;
}
