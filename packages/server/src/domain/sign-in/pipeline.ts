/**
 * The sign-in pipeline: what follows what a flow or a challenge handler proved (an Outcome).
 *
 *   password proven → account checks → NEW_PASSWORD_REQUIRED (temporary password)
 *   password settled → a remembered device stands in for MFA, or the MFA challenge the pool and user call for
 *   passwordless proven (email/SMS code, passkey, sign-up Session) → account checks, its risk, NEW_PASSWORD_REQUIRED
 *     for a temporary password (then passwordless settled), no MFA, then as factors done
 *   factors done → DEVICE_SRP_AUTH for a device the client named, or finish
 *   device proven → finish
 *
 * The end is pluggable: the API ends in tokens (finish.ts); the hosted UI passes its own end
 * (domain/oauth/hosted-sign-in.ts: PostAuthentication, a hosted session, then a code), so its pages
 * drive exactly these steps and the same challenge handlers.
 */
import type { Ports } from '../cognate.js';
import type { AppClient } from '../app-clients.js';
import { deviceForSignIn, skipsMfa } from '../devices.js';
import type { User } from '../users.js';
import type { UserPool } from '../user-pools.js';
import { assertMayUseAccount } from './account.js';
import { newPasswordChallenge } from './challenges/new-password-required.js';
import { deviceSrpChallenge } from './challenges/device-srp-auth.js';
import { mfaChallenge } from './mfa/challenge.js';
import { finish } from './finish.js';
import type { Device } from '../devices.js';
import type { AuthResponse, Outcome, SignInContext } from './types.js';
import { assessSignIn, riskMfaChallenge, settleSignIn } from '../threat-protection/index.js';

type PipelinePorts = Ports<'clock' | 'codes' | 'config' | 'lockout' | 'log' | 'outbox' | 'secrets' | 'store' | 'tokens' | 'triggers' | 'users'>;

/**
 * How a sign-in ends once every factor is proven: `finish` (tokens) for the API. `proven` is the
 * device that proved itself, if one did.
 */
export type SignInEnd<R> = (cognate: PipelinePorts, pool: UserPool, client: AppClient, user: User, ctx: SignInContext, proven?: Device) => Promise<R>;

/** Continues a sign-in from what a flow or handler proved: a challenge for the client, or the end (tokens by default). */
export function continueSignIn(cognate: PipelinePorts, pool: UserPool, client: AppClient, outcome: Outcome): Promise<AuthResponse>;
export function continueSignIn<R>(cognate: PipelinePorts, pool: UserPool, client: AppClient, outcome: Outcome, end: SignInEnd<R>): Promise<AuthResponse | R>;
export async function continueSignIn<R>(cognate: PipelinePorts, pool: UserPool, client: AppClient, outcome: Outcome, end?: SignInEnd<R>): Promise<AuthResponse | R> {
  const ending = settlingThreatEvent<AuthResponse | R>(end ?? finish, outcome.kind === 'factors-done');
  switch (outcome.kind) {
    case 'respond':
      return outcome.response;
    case 'password-proven':
      return afterPassword(cognate, pool, client, outcome.user, outcome.ctx, ending);
    case 'password-settled':
      return secondFactor(cognate, pool, client, outcome.user, outcome.ctx, ending);
    case 'passwordless-proven':
      return afterPasswordless(cognate, pool, client, outcome.user, outcome.ctx, ending);
    case 'passwordless-settled':
      return afterFactors(cognate, pool, client, outcome.user, outcome.ctx, ending);
    case 'factors-done':
      return afterFactors(cognate, pool, client, outcome.user, outcome.ctx, ending);
    case 'device-proven':
      return ending(cognate, pool, client, outcome.user, outcome.ctx, outcome.device);
  }
}

/** Steps shared by every flow once the primary credential is proven. */
async function afterPassword<R>(cognate: PipelinePorts, pool: UserPool, client: AppClient, user: User, ctx: SignInContext, end: SignInEnd<R>): Promise<AuthResponse | R> {
  if (!ctx.lockoutCleared) await cognate.lockout.recordVerifiedPassword(user.sub);
  assertMayUseAccount(user);
  // Threat protection (../threat-protection/): the sign-in's risk, recorded; BLOCK refuses, MFA_* asks for MFA.
  ctx = { ...ctx, ...(await assessSignIn(cognate, pool, client, user, ctx)) };
  // A temporary password (AdminCreateUser, AdminSetUserPassword) must be replaced first.
  if (user.status === 'FORCE_CHANGE_PASSWORD') return newPasswordChallenge(cognate, pool, client, user);
  return secondFactor(cognate, pool, client, user, ctx, end);
}

/**
 * A passwordless first factor (a one-time code, a passkey, a sign-up Session): account checks, the
 * sign-in's risk (recorded; BLOCK refuses), then no MFA — Cognito asks for MFA only after a password
 * first factor. A FORCE_CHANGE_PASSWORD user still holds only a temporary password, which "they must
 * change before doing anything else" (Cognito's UserStatus): NEW_PASSWORD_REQUIRED first, after
 * which the sign-in ends as a passwordless one (`passwordless-settled`).
 */
async function afterPasswordless<R>(cognate: PipelinePorts, pool: UserPool, client: AppClient, user: User, ctx: SignInContext, end: SignInEnd<R>): Promise<AuthResponse | R> {
  assertMayUseAccount(user);
  await assessSignIn(cognate, pool, client, user, { ...ctx, passwordless: true });
  if (user.status === 'FORCE_CHANGE_PASSWORD') return newPasswordChallenge(cognate, pool, client, user, { passwordless: true });
  return afterFactors(cognate, pool, client, user, ctx, end);
}

/**
 * What follows a settled password: a remembered device skips MFA and goes straight to device SRP;
 * otherwise the MFA challenge the pool and user call for; then the device, then tokens. The device
 * is looked up here once (or was, by the step that proved the password) and carried on.
 */
async function secondFactor<R>(cognate: PipelinePorts, pool: UserPool, client: AppClient, user: User, ctx: SignInContext, end: SignInEnd<R>): Promise<AuthResponse | R> {
  const device = ctx.device ?? (ctx.deviceKey ? await deviceForSignIn(cognate, pool, user, ctx.deviceKey) : undefined);
  if (device && skipsMfa(pool, device)) return deviceSrpChallenge(cognate, pool, client, user, device.device_key);
  const challenge = (await mfaChallenge(cognate, pool, client, user, device?.device_key, ctx.clientMetadata)) ?? (await riskMfaChallenge(cognate, pool, client, user, ctx, device?.device_key, ctx.clientMetadata));
  return challenge ?? afterFactors(cognate, pool, client, user, { ...ctx, ...(device ? { device } : {}) }, end);
}

/** After every factor: prove a known device, or finish (with NewDeviceMetadata when the pool tracks devices). */
async function afterFactors<R>(cognate: PipelinePorts, pool: UserPool, client: AppClient, user: User, ctx: SignInContext, end: SignInEnd<R>): Promise<AuthResponse | R> {
  const deviceKey = ctx.device?.device_key ?? ctx.deviceKey;
  if (deviceKey) return deviceSrpChallenge(cognate, pool, client, user, deviceKey);
  return end(cognate, pool, client, user, ctx);
}

/** The end, after which the sign-in's threat-protection event (if one is in progress) has passed. */
function settlingThreatEvent<R>(end: SignInEnd<R>, mfaAnswered: boolean): SignInEnd<R> {
  return async (cognate, pool, client, user, ctx, proven) => {
    const result = await end(cognate, pool, client, user, ctx, proven);
    await settleSignIn(cognate, pool, user, mfaAnswered);
    return result;
  };
}
