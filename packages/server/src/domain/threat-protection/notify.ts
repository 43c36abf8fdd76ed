/**
 * The risk notification email (AccountTakeoverActionType.Notify): queued in the pool's outbox with
 * NotifyConfiguration's template for what was done (BlockEmail, MfaEmail, NoActionEmail), or
 * Cognate's defaults. Placeholders as Cognito documents them: {username}, {ip-address}, {city},
 * {country}, {login-time}, {device-name}, {one-click-link-valid}, {one-click-link-invalid}.
 * The links carry the FeedbackToken that UpdateAuthEventFeedback takes (config threatFeedbackUrl).
 */
import { randomBytes } from 'node:crypto';
import type { Config } from '../../config.js';
import type { Executor } from '../../store/db.js';
import type { Ports } from '../cognate.js';
import { emailSender } from '../messages.js';
import type { User } from '../users.js';
import type { UserPool } from '../user-pools.js';
import type { NotifyEmail, RiskConfiguration, TakeoverAction } from './risk-configuration.js';

const DEFAULTS: Record<'BlockEmail' | 'MfaEmail' | 'NoActionEmail', NotifyEmail> = {
  BlockEmail: {
    Subject: 'Blocked sign-in attempt',
    TextBody: 'We blocked an unrecognized sign-in to your account {username} at {login-time} from {ip-address} ({device-name}).\nThis was me: {one-click-link-valid}\nThis was not me: {one-click-link-invalid}',
  },
  MfaEmail: {
    Subject: 'New sign-in attempt',
    TextBody: 'We asked for an extra verification of a sign-in to your account {username} at {login-time} from {ip-address} ({device-name}).\nThis was me: {one-click-link-valid}\nThis was not me: {one-click-link-invalid}',
  },
  NoActionEmail: {
    Subject: 'New sign-in attempt',
    TextBody: 'We noticed an unrecognized sign-in to your account {username} at {login-time} from {ip-address} ({device-name}).\nThis was me: {one-click-link-valid}\nThis was not me: {one-click-link-invalid}',
  },
};

/** A new FeedbackToken: 32 random bytes, base64url (TokenModelType's alphabet). */
export const newFeedbackToken = () => randomBytes(32).toString('base64url');

function feedbackLink(config: Pick<Config, 'threatFeedbackUrl'>, p: { poolId: string; username: string; eventId: string; token: string }, value: 'Valid' | 'Invalid'): string {
  if (!config.threatFeedbackUrl) return p.token;
  const q = new URLSearchParams({ user_pool_id: p.poolId, username: p.username, event_id: p.eventId, feedback_token: p.token, feedback_value: value });
  return `${config.threatFeedbackUrl}${config.threatFeedbackUrl.includes('?') ? '&' : '?'}${q.toString()}`;
}

/** Whether the user can be notified at all: they have an email address. */
export const notifiable = (user: User) => !!user.attributes.get('email');

/** Queues the notification (in the caller's transaction). */
export async function queueRiskNotification(
  cognate: Ports<'config' | 'outbox'>,
  trx: Executor,
  p: { pool: UserPool; user: User; config: RiskConfiguration; action: TakeoverAction; eventId: string; token: string; at: number; ip: string | undefined; deviceName: string | undefined },
): Promise<void> {
  const to = p.user.attributes.get('email');
  if (!to) return;
  const notify = p.config.AccountTakeoverRiskConfiguration?.NotifyConfiguration;
  const key = p.action === 'BLOCK' ? 'BlockEmail' : p.action === 'NO_ACTION' ? 'NoActionEmail' : 'MfaEmail';
  const template = notify?.[key] ?? DEFAULTS[key];
  const links = { poolId: p.pool.id, username: p.user.username, eventId: p.eventId, token: p.token };
  const values: Record<string, string> = {
    username: p.user.username,
    'ip-address': p.ip ?? 'unknown',
    city: 'unknown',
    country: 'unknown',
    'login-time': new Date(p.at).toISOString(),
    'device-name': p.deviceName ?? 'unknown device',
    'one-click-link-valid': feedbackLink(cognate.config, links, 'Valid'),
    'one-click-link-invalid': feedbackLink(cognate.config, links, 'Invalid'),
  };
  const fill = (s: string) => s.replace(/\{([a-z-]+)\}/g, (whole, name: string) => values[name] ?? whole);
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  // The template is the pool's own markup; the values (a username, a User-Agent) are escaped in the HTML part.
  const fillHtml = (s: string) => s.replace(/\{([a-z-]+)\}/g, (whole, name: string) => (values[name] !== undefined ? escape(values[name]) : whole));
  const sender = emailSender(p.pool);
  const from = notify?.From ?? sender.from;
  const replyTo = notify?.ReplyTo ?? sender.replyTo;
  const text = template.TextBody ?? (template.HtmlBody ?? '').replace(/<[^>]*>/g, '');
  await cognate.outbox.enqueue(trx, {
    poolId: p.pool.id,
    channel: 'email',
    to,
    kind: 'RiskNotification',
    subject: fill(template.Subject),
    text: fill(text),
    ...(template.HtmlBody ? { html: fillHtml(template.HtmlBody) } : {}),
    ...(from ? { from } : {}),
    ...(replyTo ? { replyTo } : {}),
  });
}
