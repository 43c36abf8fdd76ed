/**
 * The auth-event history: one row per sign-in attempt, sign-up, password change and confirmed
 * password reset while the pool's AdvancedSecurityMode is AUDIT or ENFORCED, read back with
 * AdminListUserAuthEvents and marked with feedback (AdminUpdateAuthEventFeedback, or the user's
 * UpdateAuthEventFeedback with the token of a risk notification).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { errors } from '../../errors.js';
import * as store from '../../store/threat-protection.js';
import type { AuthEventRow } from '../../store/threat-protection.js';
import type { Executor } from '../../store/db.js';
import type { Ports } from '../cognate.js';
import type { UserPool } from '../user-pools.js';
import { addOnNotEnabled, securityMode } from './risk-configuration.js';
import { deliverAuthEventLog } from './log-delivery.js';

export type EventType = 'SignIn' | 'SignUp' | 'ForgotPassword' | 'PasswordChange' | 'ResendCode';
export type EventResponse = 'Pass' | 'Fail' | 'InProgress';
export type RiskLevel = 'Low' | 'Medium' | 'High';
export type RiskDecision = 'NoRisk' | 'AccountTakeover' | 'Block';
export interface ChallengeResult {
  ChallengeName: 'Password' | 'Mfa';
  ChallengeResponse: 'Success' | 'Failure';
}

export interface NewAuthEvent {
  pool: UserPool;
  clientId: string | undefined;
  userId: string | null;
  type: EventType;
  response: EventResponse;
  riskLevel?: RiskLevel | undefined;
  decision: RiskDecision;
  compromised: boolean;
  challenges: ChallengeResult[];
  ip: string | undefined;
  deviceName: string | undefined;
  deviceKey?: string | undefined;
  /** SHA-256 (hex) of the FeedbackToken a risk notification carries */
  feedbackTokenHash?: string | undefined;
  /** 'refresh': a token refresh, which the account-takeover signals leave out */
  source?: 'refresh' | undefined;
}

let lastMs = -1;
let sequence = 0;

/**
 * A UUID (version 7) whose order is the events' order: the time, then a counter within the
 * millisecond (so events of one millisecond on one node still list newest first), then randomness.
 */
export function newEventId(now: number): string {
  sequence = now === lastMs ? (sequence + 1) & 0xfff : 0;
  lastMs = now;
  const b = randomBytes(16);
  b.writeUIntBE(Math.max(0, Math.floor(now)) % 2 ** 48, 0, 6);
  b[6] = 0x70 | (sequence >> 8);
  b[7] = sequence & 0xff;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const hashFeedbackToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * Writes an event, with whatever `within` adds in the same transaction (a notification), then
 * hands it to log delivery.
 */
export async function recordAuthEvent(cognate: Ports<'clock' | 'config' | 'log' | 'outbox' | 'store'>, event: NewAuthEvent, within?: (trx: Executor, row: AuthEventRow) => Promise<void>): Promise<AuthEventRow> {
  const now = cognate.clock.now();
  const row: AuthEventRow = {
    id: newEventId(now),
    pool_id: event.pool.id,
    user_id: event.userId,
    client_id: event.clientId ?? null,
    event_type: event.type,
    created_at: now,
    response: event.response,
    risk_level: event.riskLevel ?? null,
    risk_decision: event.decision,
    compromised: event.compromised ? 1 : 0,
    challenges: JSON.stringify(event.challenges),
    ip: event.ip?.slice(0, 64) ?? null,
    device_name: event.deviceName ?? null,
    device_key: event.deviceKey ?? null,
    feedback_token_hash: event.feedbackTokenHash ?? null,
    feedback_value: null,
    feedback_provider: null,
    feedback_at: null,
    source: event.source ?? null,
  };
  if (within) {
    await cognate.store.transaction(async (trx) => {
      await store.insertAuthEvent(trx, row);
      await within(trx, row);
    });
  } else {
    await store.insertAuthEvent(cognate.store.db, row);
  }
  await deliverAuthEventLog(cognate, event.pool, authEventView(row));
  return row;
}

/** Cognito's AuthEventType. */
export function authEventView(row: AuthEventRow) {
  return {
    EventId: row.id,
    EventType: row.event_type,
    CreationDate: row.created_at / 1000,
    EventResponse: row.response,
    EventRisk: { RiskDecision: row.risk_decision, ...(row.risk_level ? { RiskLevel: row.risk_level } : {}), CompromisedCredentialsDetected: row.compromised === 1 },
    ChallengeResponses: JSON.parse(row.challenges) as ChallengeResult[],
    EventContextData: { ...(row.ip ? { IpAddress: row.ip } : {}), ...(row.device_name ? { DeviceName: row.device_name } : {}) },
    ...(row.feedback_value ? { EventFeedback: { FeedbackValue: row.feedback_value, Provider: row.feedback_provider ?? 'Admin', ...(row.feedback_at ? { FeedbackDate: row.feedback_at / 1000 } : {}) } } : {}),
  };
}

const PAGE_KEY = /^\d{1,16}\.[0-9a-f-]{36}$/;
const DEFAULT_PAGE = 60;

/** AdminListUserAuthEvents: newest first. */
export async function adminListUserAuthEvents(cognate: Ports<'pools' | 'store' | 'users'>, input: { UserPoolId: string; Username: string; MaxResults?: number; NextToken?: string }) {
  const pool = await cognate.pools.get(input.UserPoolId);
  if (securityMode(pool) === 'OFF') throw addOnNotEnabled();
  const user = await cognate.users.findForSignIn(pool, input.Username);
  if (!user) throw errors.userNotFound();
  let after: { createdAt: number; id: string } | undefined;
  if (input.NextToken !== undefined) {
    const key = Buffer.from(input.NextToken, 'base64url').toString('utf8');
    if (!PAGE_KEY.test(key)) throw errors.invalidParameter('Invalid pagination token.');
    const [at, id] = key.split('.') as [string, string];
    after = { createdAt: Number(at), id };
  }
  const limit = input.MaxResults || DEFAULT_PAGE;
  const rows = await store.listAuthEvents(cognate.store.db, user.sub, limit + 1, after);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    AuthEvents: page.map(authEventView),
    ...(rows.length > limit && last ? { NextToken: Buffer.from(`${last.created_at}.${last.id}`, 'utf8').toString('base64url') } : {}),
  };
}

/** AdminUpdateAuthEventFeedback: the administrator's verdict on an event. */
export async function adminUpdateAuthEventFeedback(cognate: Ports<'clock' | 'pools' | 'store' | 'users'>, input: { UserPoolId: string; Username: string; EventId: string; FeedbackValue: string }) {
  const pool = await cognate.pools.get(input.UserPoolId);
  if (securityMode(pool) === 'OFF') throw addOnNotEnabled();
  const user = await cognate.users.findForSignIn(pool, input.Username);
  if (!user) throw errors.userNotFound();
  const event = await store.findAuthEvent(cognate.store.db, user.sub, input.EventId);
  if (!event) throw errors.resourceNotFound('Auth event not found.');
  await store.setFeedback(cognate.store.db, event.id, { value: input.FeedbackValue, provider: 'Admin', at: cognate.clock.now() });
  return {};
}

/**
 * UpdateAuthEventFeedback: the user's verdict, proven by the FeedbackToken their risk notification
 * carried. Unsigned, so an unknown user, an unknown event and a wrong token all get one answer: a
 * caller without the email learns nothing about who exists.
 */
export async function updateAuthEventFeedback(cognate: Ports<'clock' | 'pools' | 'store' | 'users'>, input: { UserPoolId: string; Username: string; EventId: string; FeedbackToken: string; FeedbackValue: string }) {
  const pool = await cognate.pools.get(input.UserPoolId);
  if (securityMode(pool) === 'OFF') throw addOnNotEnabled();
  const user = await cognate.users.findForSignIn(pool, input.Username);
  const event = user ? await store.findAuthEvent(cognate.store.db, user.sub, input.EventId) : undefined;
  const given = Buffer.from(hashFeedbackToken(input.FeedbackToken), 'hex');
  const expected = Buffer.from(event?.feedback_token_hash ?? '0'.repeat(64), 'hex');
  if (!timingSafeEqual(given, expected) || !event?.feedback_token_hash) throw errors.notAuthorized('Invalid feedback token.');
  await store.setFeedback(cognate.store.db, event.id, { value: input.FeedbackValue, provider: 'User', at: cognate.clock.now() });
  return {};
}
