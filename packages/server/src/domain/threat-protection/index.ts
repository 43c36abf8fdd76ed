/**
 * Threat protection's hooks: the few calls the sign-in pipeline, sign-up and the password
 * functions make at their decision points. Everything else lives in this folder (README.md).
 *
 *   checkNewPassword / recordPasswordEvent   sign-up, ChangePassword, AdminSetUserPassword, ConfirmForgotPassword
 *   screenSignInPassword                     USER_PASSWORD_AUTH / ADMIN_USER_PASSWORD_AUTH, once the password is proven
 *   recordFailedSignIn                       a wrong password, code or passkey, or an unknown name
 *   recordAccountEvent                       a ForgotPassword request, ResendConfirmationCode, a token refresh
 *   assessSignIn                             the pipeline, once the password is proven (account checks passed)
 *   riskMfaChallenge                         the pipeline, when the assessment asks for MFA the pool wouldn't
 *   settleSignIn                             the pipeline's end: the sign-in's event becomes Pass
 */
import { CognitoError, errors } from '../../errors.js';
import * as store from '../../store/threat-protection.js';
import type { Ports } from '../cognate.js';
import type { AppClient } from '../app-clients.js';
import { poolFactors, readUserMfa, type MfaType } from '../mfa.js';
import type { User } from '../users.js';
import type { UserPool } from '../user-pools.js';
import { newSession } from '../sign-in/mfa/session.js';
import { sendChallenge } from '../sign-in/mfa/challenge.js';
import type { AuthResponse, Metadata } from '../sign-in/types.js';
import { hashFeedbackToken, recordAuthEvent, type EventType, type NewAuthEvent, type RiskDecision } from './auth-events.js';
import { riskLevel, signalsFor } from './account-takeover.js';
import { isBreachedPassword } from './compromised-credentials.js';
import { newFeedbackToken, notifiable, queueRiskNotification } from './notify.js';
import { endUserContext } from './request-context.js';
import { checksCompromised, effectiveRiskConfiguration, inRanges, rangeList, securityMode, signInMode, type CompromisedEvent, type SecurityMode, type TakeoverAction } from './risk-configuration.js';

const INCORRECT = 'Incorrect username or password.';

/** Cognito's answer to a password on the breached list, at sign-up or a password change under BLOCK. */
export const compromisedPasswordError = () => errors.invalidPassword('Provided password cannot be used for security reasons.');

export interface PasswordVerdict {
  pool: UserPool;
  clientId: string | undefined;
  type: EventType;
  mode: SecurityMode;
  compromised: boolean;
  ip: string | undefined;
  deviceName: string | undefined;
}

const FILTER_OF: Record<EventType, CompromisedEvent> = { SignUp: 'SIGN_UP', PasswordChange: 'PASSWORD_CHANGE', ForgotPassword: 'PASSWORD_CHANGE', SignIn: 'SIGN_IN', ResendCode: 'SIGN_UP' };

/**
 * A password about to be set (sign-up, a change, a reset, an admin's): on the breached list, and
 * the pool ENFORCED with BLOCK for this event, it is refused with InvalidPasswordException (and,
 * for a known user, a failed event recorded). Otherwise the verdict is recorded by
 * {@link recordPasswordEvent} once the password is set.
 */
export async function checkNewPassword(cognate: Ports<'clock' | 'config' | 'log' | 'outbox' | 'store'>, p: { pool: UserPool; client?: AppClient | undefined; userId?: string | undefined; type: EventType; password: string }): Promise<PasswordVerdict> {
  const mode = securityMode(p.pool);
  const context = endUserContext(cognate, p.client?.settings.EnablePropagateAdditionalUserContextData ?? false);
  const verdict: PasswordVerdict = { pool: p.pool, clientId: p.client?.id, type: p.type, mode, compromised: false, ...{ ip: context.ip, deviceName: context.deviceName } };
  if (mode === 'OFF') return verdict;
  const config = await effectiveRiskConfiguration(cognate, p.pool, p.client?.id);
  verdict.compromised = checksCompromised(config, FILTER_OF[p.type]) && isBreachedPassword(cognate.config, p.password);
  const block = verdict.compromised && mode === 'ENFORCED' && config.CompromisedCredentialsRiskConfiguration?.Actions.EventAction === 'BLOCK';
  if (block) {
    if (p.userId) await recordAuthEvent(cognate, eventOf(verdict, p.userId, 'Fail', 'Block'));
    throw compromisedPasswordError();
  }
  return verdict;
}

function eventOf(v: PasswordVerdict, userId: string, response: 'Pass' | 'Fail', decision: RiskDecision): NewAuthEvent {
  return { pool: v.pool, clientId: v.clientId, userId, type: v.type, response, decision, compromised: v.compromised, challenges: [], ip: v.ip, deviceName: v.deviceName };
}

/** The event of a password set: recorded when the pool's threat protection is on. */
export async function recordPasswordEvent(cognate: Ports<'clock' | 'config' | 'log' | 'outbox' | 'store'>, verdict: PasswordVerdict, userId: string): Promise<void> {
  if (verdict.mode === 'OFF') return;
  await recordAuthEvent(cognate, eventOf(verdict, userId, 'Pass', 'NoRisk'));
}

/**
 * The proven password of a USER_PASSWORD_AUTH sign-in, against the breached list (never under SRP,
 * where the server never sees it, as in Cognito). What it finds rides in the sign-in's context to
 * {@link assessSignIn}.
 */
export async function screenSignInPassword(cognate: Ports<'config' | 'store'>, pool: UserPool, client: AppClient, password: string): Promise<{ compromisedPassword?: true }> {
  if (securityMode(pool) === 'OFF') return {};
  const config = await effectiveRiskConfiguration(cognate, pool, client.id);
  return checksCompromised(config, 'SIGN_IN') && isBreachedPassword(cognate.config, password) ? { compromisedPassword: true } : {};
}

/**
 * A failed password attempt. A name that matches no user is recorded too, without a user, so an
 * unknown name costs the same write as a known one (security.md P01).
 */
export async function recordFailedSignIn(cognate: Ports<'clock' | 'config' | 'log' | 'outbox' | 'store'>, pool: UserPool, client: AppClient, user: User | undefined, factor: 'password' | 'passwordless' | 'custom' = 'password'): Promise<void> {
  // A CUSTOM_AUTH answer counts under AdvancedSecurityAdditionalFlows.CustomAuthMode.
  if (signInMode(pool, factor === 'custom') === 'OFF') return;
  const { ip, deviceName } = endUserContext(cognate, client.settings.EnablePropagateAdditionalUserContextData);
  await recordAuthEvent(cognate, {
    pool, clientId: client.id, userId: user?.sub ?? null, type: 'SignIn', response: 'Fail', decision: 'NoRisk', compromised: false,
    // AuthEventType's ChallengeName is Password or Mfa: a one-time code or passkey that failed names neither.
    challenges: factor === 'password' ? [{ ChallengeName: 'Password', ChallengeResponse: 'Failure' }] : [], ip, deviceName,
  });
}

/**
 * An event with no password in it: a ForgotPassword request (ForgotPassword), a resent confirmation
 * code (ResendCode), a token refresh (SignIn, `source` refresh: the account-takeover signals leave
 * it out, since a refresh token proves nothing about who is there). Recorded, not assessed: `Pass` when it did what was
 * asked, `Fail` when it was refused. A request for a name that gets nothing writes the same row
 * without a user, so an unknown name costs what a known one does (security.md P01).
 */
export async function recordAccountEvent(cognate: Ports<'clock' | 'config' | 'log' | 'outbox' | 'store'>, pool: UserPool, client: AppClient | undefined, user: User | undefined, type: EventType, response: 'Pass' | 'Fail', source?: 'refresh'): Promise<void> {
  if (securityMode(pool) === 'OFF') return;
  const { ip, deviceName } = endUserContext(cognate, client?.settings.EnablePropagateAdditionalUserContextData ?? false);
  await recordAuthEvent(cognate, { pool, clientId: client?.id, userId: user?.sub ?? null, type, response, decision: 'NoRisk', compromised: false, challenges: [], ip, deviceName, ...(source ? { source } : {}) });
}

export interface SignInRisk {
  /** the account-takeover action asks for MFA (the pipeline asks for it even where the pool wouldn't) */
  riskMfa?: 'MFA_IF_CONFIGURED' | 'MFA_REQUIRED';
}

/**
 * A sign-in whose password was just proven: its signals, risk level and decision, recorded as the
 * sign-in's event (InProgress until the pipeline ends it), the notification queued, and, when the
 * pool is ENFORCED, the action taken: BLOCK refuses with the answer a wrong password gets (so a
 * blocked attacker can't tell a right password from a wrong one), MFA_* asks for MFA, a blocked
 * compromised password puts the user in RESET_REQUIRED.
 */
export async function assessSignIn(
  cognate: Ports<'clock' | 'config' | 'log' | 'outbox' | 'store' | 'users'>,
  pool: UserPool,
  client: AppClient,
  user: User,
  ctx: { deviceKey?: string | undefined; compromisedPassword?: boolean | undefined; customAuth?: boolean | undefined; passwordless?: boolean | undefined },
): Promise<SignInRisk> {
  const mode = signInMode(pool, ctx.customAuth === true);
  if (mode === 'OFF') return {};
  const now = cognate.clock.now();
  const config = await effectiveRiskConfiguration(cognate, pool, client.id);
  const { ip, deviceName } = endUserContext(cognate, client.settings.EnablePropagateAdditionalUserContextData);
  const exceptions = config.RiskExceptionConfiguration;
  const blockedIp = inRanges(rangeList(exceptions?.BlockedIPRangeList), ip);
  const skipped = !blockedIp && inRanges(rangeList(exceptions?.SkippedIPRangeList), ip);
  const level = blockedIp || skipped ? undefined : riskLevel(await signalsFor(cognate.store.db, user.sub, now, ip, ctx.deviceKey));
  const compromised = ctx.compromisedPassword === true;
  const compromisedBlock = compromised && config.CompromisedCredentialsRiskConfiguration?.Actions.EventAction === 'BLOCK';
  const takeover = level ? config.AccountTakeoverRiskConfiguration?.Actions[`${level}Action`] : undefined;
  const action: TakeoverAction | undefined = blockedIp ? 'BLOCK' : level ? (takeover?.EventAction ?? 'NO_ACTION') : undefined;
  const decision: RiskDecision = blockedIp || compromisedBlock || action === 'BLOCK' ? 'Block' : level ? 'AccountTakeover' : 'NoRisk';
  const enforced = mode === 'ENFORCED';
  const refused = enforced && decision === 'Block';
  const notify = enforced && !!level && !!takeover?.Notify && !!config.AccountTakeoverRiskConfiguration?.NotifyConfiguration && notifiable(user);
  const token = notify ? newFeedbackToken() : undefined;
  const event: NewAuthEvent = {
    pool, clientId: client.id, userId: user.sub, type: 'SignIn', response: refused ? 'Fail' : 'InProgress', riskLevel: level, decision, compromised,
    challenges: ctx.passwordless ? [] : [{ ChallengeName: 'Password', ChallengeResponse: 'Success' }], ip, deviceName, deviceKey: ctx.deviceKey, ...(token ? { feedbackTokenHash: hashFeedbackToken(token) } : {}),
  };
  await recordAuthEvent(cognate, event, token && action ? async (trx, row) => queueRiskNotification(cognate, trx, { pool, user, config, action, eventId: row.id, token, at: now, ip, deviceName }) : undefined);
  if (notify) cognate.outbox.kick();
  if (!enforced) return {};
  if (blockedIp || action === 'BLOCK') throw errors.notAuthorized(INCORRECT);
  if (compromisedBlock) {
    // Cognito: a user blocked for a compromised password is set to RESET_REQUIRED and must reset it.
    await cognate.users.setStatus(cognate.store.db, user.sub, 'RESET_REQUIRED', now, { aliases: 'yield' });
    throw new CognitoError('PasswordResetRequiredException', 'Password reset required for the user');
  }
  // A passwordless first factor (a one-time code, a passkey) is already a proof of possession, and
  // Cognito never asks for MFA after one: MFA_* actions are met by it.
  if (ctx.passwordless) return {};
  return action === 'MFA_IF_CONFIGURED' || action === 'MFA_REQUIRED' ? { riskMfa: action } : {};
}

/**
 * MFA the assessment asked for where the pool's own rules asked for none: a factor the user has
 * (a registered authenticator app, a verified phone number or email address the pool can send
 * codes to), their preferred one first. Without one, MFA_IF_CONFIGURED lets the sign-in go on and
 * MFA_REQUIRED refuses it.
 */
export async function riskMfaChallenge(
  cognate: Ports<'clock' | 'codes' | 'log' | 'outbox' | 'secrets' | 'store' | 'triggers'>,
  pool: UserPool,
  client: AppClient,
  user: User,
  risk: SignInRisk,
  deviceKey: string | undefined,
  clientMetadata: Metadata,
): Promise<AuthResponse | undefined> {
  if (!risk.riskMfa) return undefined;
  const offered = poolFactors(pool);
  const mfa = await readUserMfa(cognate.store.db, user.sub);
  const has: Record<MfaType, boolean> = {
    SOFTWARE_TOKEN_MFA: offered.SOFTWARE_TOKEN_MFA && !!mfa.totpSecretSealed,
    SMS_MFA: offered.SMS_MFA && user.attributes.get('phone_number_verified') === 'true' && !!user.attributes.get('phone_number'),
    EMAIL_OTP: offered.EMAIL_OTP && user.attributes.get('email_verified') === 'true' && !!user.attributes.get('email'),
  };
  const order: MfaType[] = [...(mfa.preferred ? [mfa.preferred] : []), 'SOFTWARE_TOKEN_MFA', 'SMS_MFA', 'EMAIL_OTP'];
  const chosen = order.find((t) => has[t]);
  if (!chosen) {
    if (risk.riskMfa === 'MFA_REQUIRED') throw errors.notAuthorized(INCORRECT);
    return undefined;
  }
  const state = newSession(pool, client, user, cognate.clock.now(), { k: 'mfa', m: chosen, ...(deviceKey ? { d: deviceKey } : {}) });
  return sendChallenge(cognate, pool, client, user, state, clientMetadata);
}

/** The pipeline's end: the user's sign-in event still in progress (its challenges answered) passes. */
export async function settleSignIn(cognate: Ports<'clock' | 'store'>, pool: UserPool, user: User, mfaAnswered: boolean): Promise<void> {
  if (securityMode(pool) === 'OFF') return;
  // The challenges the assessment recorded stand (a password, or none for a passwordless factor); an answered MFA is added.
  const challenges = mfaAnswered ? JSON.stringify([{ ChallengeName: 'Password', ChallengeResponse: 'Success' }, { ChallengeName: 'Mfa', ChallengeResponse: 'Success' }]) : undefined;
  // A challenge Session lives at most 15 minutes (AuthSessionValidity).
  await store.settleInProgress(cognate.store.db, user.sub, cognate.clock.now() - 15 * 60_000, 'Pass', challenges);
}
