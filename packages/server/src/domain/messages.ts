/**
 * The messages Cognito sends, with the pool's templates (`{####}` is the code, `{username}` the
 * username) and Cognito's defaults, and where they go (CodeDeliveryDetails).
 *
 *   composeMessages (before the transaction: the CustomMessage trigger words them)
 *     └─> sendCode / queueMessage (in the transaction: the code drawn, the message queued in the
 *         outbox — for SMTP / the SMS webhook, or for the pool's custom sender function)
 *
 * deliverCode runs that pipeline whole for one code. What stands in for it for a name that gets no
 * code (PreventUserExistenceErrors ENABLED) is in decoy-codes.ts.
 */
import type { Executor } from '../store/db.js';
import type { Outbox } from '../messaging/outbox.js';
import type { CodePurpose, Codes } from './codes.js';
import { sourceArnAddress, type UserPool } from './user-pools.js';
import type { User } from './users.js';
import type { Ports } from './cognate.js';
import { runTrigger, stringField, userAttributesOf } from '../triggers/triggers.js';
import { customSenderFor } from '../triggers/custom-senders.js';

export interface CodeDeliveryDetails {
  Destination: string;
  DeliveryMedium: 'EMAIL' | 'SMS';
  AttributeName: string;
}

const DEFAULT_CODE_MESSAGE = 'Your verification code is {####}. ';
const DEFAULT_CODE_SUBJECT = 'Your verification code';

/** `j***@e***` and `+*******1234`, as Cognito masks destinations. */
export function maskDestination(medium: 'EMAIL' | 'SMS', value: string): string {
  if (medium === 'SMS') return '+' + '*'.repeat(Math.max(0, value.length - 5)) + value.slice(-4);
  const at = value.lastIndexOf('@');
  return `${value.slice(0, 1)}***@${value.slice(at + 1, at + 2)}***`;
}

/**
 * Where a code for `user` goes: SMS to phone_number when the pool verifies phone numbers (Cognito
 * prefers SMS when both are auto-verified), else email. `verifiedOnly` limits the choice to verified
 * values (account recovery). Returns undefined when there is no such destination.
 */
export function codeDestination(pool: UserPool, user: Pick<User, 'attributes'>, opts: { verifiedOnly?: boolean; attribute?: 'email' | 'phone_number' } = {}): { medium: 'EMAIL' | 'SMS'; attribute: 'email' | 'phone_number'; to: string } | undefined {
  const auto = pool.settings.AutoVerifiedAttributes ?? [];
  const candidates: ('email' | 'phone_number')[] = opts.attribute ? [opts.attribute] : auto.includes('phone_number') ? ['phone_number', 'email'] : ['email', 'phone_number'];
  for (const attribute of candidates) {
    const to = user.attributes.get(attribute);
    if (!to) continue;
    if (opts.verifiedOnly && user.attributes.get(`${attribute}_verified`) !== 'true') continue;
    if (!opts.attribute && !opts.verifiedOnly && !auto.includes(attribute)) continue;
    return { medium: attribute === 'email' ? 'EMAIL' : 'SMS', attribute, to };
  }
  return undefined;
}

/**
 * The channels a password-reset code may use, in the pool's AccountRecoverySetting order:
 * `verified_email` and `verified_phone_number` (`admin_only` names none). Undefined when the pool
 * sets no order: Cognito's legacy order applies ({@link codeDestination}).
 */
export function recoveryOrder(pool: UserPool): ('email' | 'phone_number')[] | undefined {
  const mechanisms = pool.settings.AccountRecoverySetting?.RecoveryMechanisms;
  if (!mechanisms || mechanisms.length === 0) return undefined;
  return [...mechanisms].sort((a, b) => a.Priority - b.Priority).flatMap((m) => (m.Name === 'verified_email' ? ['email' as const] : m.Name === 'verified_phone_number' ? ['phone_number' as const] : []));
}

/**
 * Where a password-reset code goes (ForgotPassword, AdminResetUserPassword): only to a *verified*
 * email or phone number (security.md P04, A23), the first the recovery order finds.
 */
export function recoveryDestination(pool: UserPool, user: Pick<User, 'attributes'>, order = recoveryOrder(pool)): Destination & { attribute: 'email' | 'phone_number' } | undefined {
  if (!order) return codeDestination(pool, user, { verifiedOnly: true });
  for (const attribute of order) {
    const found = codeDestination(pool, user, { verifiedOnly: true, attribute });
    if (found) return found;
  }
  return undefined;
}

/**
 * What a message says before its code is drawn: `{####}` stands for the code (or an invitation's
 * temporary password) and `{username}` for the username, filled in by {@link fillMessage}.
 */
export interface MessageText {
  subject?: string;
  body: string;
  /**
   * CONFIRM_WITH_LINK: the confirmation link without its code (it ends in `confirmation_code=`).
   * `{##label##}` in the body becomes a link with this label to it, the code appended.
   */
  link?: string;
}

/** A message in both media; the destination decides which one goes. */
export type Templates = Record<'EMAIL' | 'SMS', MessageText>;

/** The messages {@link composeMessages} settled on, and what they are about. */
export interface Messages extends Templates {
  /** Who and why, for the pool's custom sender functions. */
  about: MessageContext;
}

export interface MessageContext {
  occasion: MessageOccasion;
  userName: string;
  clientId?: string;
  userAttributes: Record<string, string>;
  clientMetadata: Record<string, string> | null;
}

/** Why a message is sent: the suffix of Cognito's `CustomMessage_<occasion>` trigger sources. */
export type MessageOccasion = 'SignUp' | 'AdminCreateUser' | 'ResendCode' | 'ForgotPassword' | 'UpdateUserAttribute' | 'VerifyUserAttribute' | 'Authentication';

export const CODE_PARAMETER = '{####}';
export const USERNAME_PARAMETER = '{username}';
const LINK_PARAMETER = '{##Click Here##}';
/** `{##label##}`: where a CONFIRM_WITH_LINK message puts its link, `label` its text. */
const LINK_PLACEHOLDER = /\{##([\s\S]*?)##\}/g;
const DEFAULT_LINK_MESSAGE = 'Please click the link below to verify your email address. {##Verify Email##} ';
const DEFAULT_LINK_SUBJECT = 'Your verification link';
/** The longest message bodies Cognito takes from a CustomMessage function. */
const MAX_EMAIL_MESSAGE = 20_000;
const MAX_SMS_MESSAGE = 140;

/** The pool's verification-code message (VerificationMessageTemplate, the legacy fields, Cognito's default). */
export function codeMessages(pool: UserPool): Templates {
  const s = pool.settings;
  const template = s.VerificationMessageTemplate;
  return {
    EMAIL: { subject: template.EmailSubject ?? s.EmailVerificationSubject ?? DEFAULT_CODE_SUBJECT, body: template.EmailMessage ?? s.EmailVerificationMessage ?? DEFAULT_CODE_MESSAGE },
    SMS: { body: template.SmsMessage ?? s.SmsVerificationMessage ?? DEFAULT_CODE_MESSAGE },
  };
}

/** Whether the pool confirms sign-ups by a link in the email (VerificationMessageTemplate.DefaultEmailOption). */
export function confirmsWithLink(pool: UserPool): boolean {
  return pool.settings.VerificationMessageTemplate.DefaultEmailOption === 'CONFIRM_WITH_LINK';
}

/**
 * The sign-up confirmation messages (SignUp, ResendConfirmationCode) of a CONFIRM_WITH_LINK pool:
 * the email is EmailMessageByLink / EmailSubjectByLink (or Cognito's defaults) with its
 * `{##label##}` turned into a link to `link` + the code; SMS stays a code.
 */
export function linkMessages(pool: UserPool, link: string): Templates {
  const own = codeMessages(pool);
  const template = pool.settings.VerificationMessageTemplate;
  return { EMAIL: { subject: template.EmailSubjectByLink ?? DEFAULT_LINK_SUBJECT, body: template.EmailMessageByLink ?? DEFAULT_LINK_MESSAGE, link }, SMS: own.SMS };
}

/**
 * The messages for one occasion: what the pool's CustomMessage function answers, where it answers
 * a usable message, else the pool's own. Cognito's rules: the function sees the placeholders, not
 * the code; a message without the code placeholder (for an invitation, also the username
 * placeholder), or longer than Cognito allows, is not used. The function runs here, so call this
 * before the transaction that sends the message; its failure fails the operation.
 */
export async function composeMessages(
  cognate: Ports<'log' | 'triggers'>,
  pool: UserPool,
  p: { occasion: MessageOccasion; user: Pick<User, 'sub' | 'status' | 'attributes' | 'username'>; clientId?: string; clientMetadata?: Record<string, string>; messages?: Templates },
): Promise<Messages> {
  const about: MessageContext = {
    occasion: p.occasion,
    userName: p.user.username,
    ...(p.clientId ? { clientId: p.clientId } : {}),
    userAttributes: userAttributesOf(p.user),
    clientMetadata: p.clientMetadata ?? null,
  };
  const own = { ...(p.messages ?? codeMessages(pool)), about };
  const invitation = p.occasion === 'AdminCreateUser';
  const response = await runTrigger(cognate, pool, 'CustomMessage', {
    source: `CustomMessage_${p.occasion}`,
    userName: p.user.username,
    clientId: p.clientId,
    request: {
      userAttributes: about.userAttributes,
      codeParameter: CODE_PARAMETER,
      linkParameter: LINK_PARAMETER,
      usernameParameter: invitation ? USERNAME_PARAMETER : null,
      clientMetadata: p.clientMetadata ?? null,
    },
    response: { smsMessage: null, emailMessage: null, emailSubject: null },
  });
  if (!response) return own;
  // A link message may carry its code in the link ({##label##}) instead of {####}.
  const hasCode = (body: string, link: boolean) => body.includes(CODE_PARAMETER) || (link && new RegExp(LINK_PLACEHOLDER.source).test(body));
  const usable = (body: string | undefined, max: number, link = false): body is string =>
    body !== undefined && body.length <= max && hasCode(body, link) && (!invitation || body.includes(USERNAME_PARAMETER));
  const email = stringField(response, 'emailMessage');
  const subject = stringField(response, 'emailSubject');
  const sms = stringField(response, 'smsMessage');
  return {
    EMAIL: usable(email, MAX_EMAIL_MESSAGE, own.EMAIL.link !== undefined) ? { subject: subject || own.EMAIL.subject, body: email, ...(own.EMAIL.link !== undefined ? { link: own.EMAIL.link } : {}) } : own.EMAIL,
    SMS: usable(sms, MAX_SMS_MESSAGE) ? { body: sms } : own.SMS,
    about,
  };
}

/**
 * The message with its code and username in. Function replacers: a username like `$&` comes out as
 * written. A link message also gets an HTML part, where `{##label##}` is `<a href="link">label</a>`
 * (Cognito's emails are HTML); its text part has `label: link`.
 */
export function fillMessage(text: MessageText, code: string, username: string): { subject?: string; text: string; html?: string } {
  const fill = (s: string) => s.replaceAll(CODE_PARAMETER, () => code).replaceAll(USERNAME_PARAMETER, () => username);
  const subject = text.subject !== undefined ? { subject: fill(text.subject) } : {};
  if (text.link === undefined) return { ...subject, text: fill(text.body) };
  const url = text.link + encodeURIComponent(code);
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  // The template is the pool's own markup; the username is the user's, so it is escaped in the HTML part.
  const html = text.body.replaceAll(CODE_PARAMETER, () => code).replaceAll(USERNAME_PARAMETER, () => escape(username));
  return {
    ...subject,
    text: fill(text.body).replace(LINK_PLACEHOLDER, (_whole, label: string) => `${label}: ${url}`),
    html: html.replace(LINK_PLACEHOLDER, (_whole, label: string) => `<a href="${escape(url)}">${label}</a>`),
  };
}

/**
 * Whom a pool's email comes from. Both EmailSendingAccount values send through the server's own
 * mail transport (there is no SES and no Cognito mailbox on a self-hosted server), so what they
 * decide is the From address: `From` when set; otherwise the address of the SES identity in
 * `SourceArn` (`…:identity/no-reply@example.com`; Cognito's "custom FROM address" under
 * COGNITO_DEFAULT, the sending address under DEVELOPER); otherwise the server's configured sender.
 * A domain identity (`…:identity/example.com`) names no mailbox and leaves the server's sender.
 * ReplyToEmailAddress becomes Reply-To.
 */
export function emailSender(pool: UserPool): { from?: string; replyTo?: string } {
  const c = pool.settings.EmailConfiguration as { From?: unknown; ReplyToEmailAddress?: unknown; SourceArn?: unknown };
  const from = typeof c.From === 'string' && c.From ? c.From : sourceArnAddress(c.SourceArn);
  return { ...(from ? { from } : {}), ...(typeof c.ReplyToEmailAddress === 'string' && c.ReplyToEmailAddress ? { replyTo: c.ReplyToEmailAddress } : {}) };
}


/** The CodeDeliveryDetails of a message sent to `destination`. */
export function deliveryDetails(destination: Destination): CodeDeliveryDetails {
  return { Destination: maskDestination(destination.medium, destination.to), DeliveryMedium: destination.medium, AttributeName: destination.attribute };
}

export interface Destination {
  medium: 'EMAIL' | 'SMS';
  attribute: string;
  to: string;
}

/** Queues a message carrying `code` in the caller's transaction and describes its delivery. */
export async function queueMessage(
  outbox: Outbox,
  trx: Executor,
  p: { pool: UserPool; username: string; destination: Destination; messages: Messages; code: string; kind: string },
): Promise<CodeDeliveryDetails> {
  const { subject, text, html } = fillMessage(p.messages[p.destination.medium], p.code, p.username);
  const sender = customSenderFor(p.pool, p.destination.medium);
  const about = p.messages.about;
  await outbox.enqueue(trx, {
    poolId: p.pool.id,
    channel: p.destination.medium === 'EMAIL' ? 'email' : 'sms',
    to: p.destination.to,
    kind: p.kind,
    ...(p.destination.medium === 'EMAIL' ? { subject, ...emailSender(p.pool), ...(html !== undefined ? { html } : {}) } : {}),
    text,
    ...(sender
      ? {
          customSender: {
            ...sender,
            source: `${sender.trigger}_${about.occasion}`,
            userName: about.userName,
            ...(about.clientId ? { clientId: about.clientId } : {}),
            userAttributes: about.userAttributes,
            clientMetadata: about.clientMetadata,
            code: p.code,
          },
        }
      : {}),
  });
  return deliveryDetails(p.destination);
}

/**
 * Issues a code of `purpose` and queues the message carrying it, both in the caller's transaction
 * (the code is live only if its message will go out). `messages` come from {@link composeMessages},
 * called before the transaction. Call `outbox.kick()` after commit.
 */
export async function sendCode(
  services: { codes: Codes; outbox: Outbox },
  trx: Executor,
  p: { pool: UserPool; userId: string; username: string; purpose: CodePurpose; destination: Destination; messages: Messages; kind: string },
  now: number,
): Promise<CodeDeliveryDetails> {
  const code = await services.codes.issue(trx, { poolId: p.pool.id, userId: p.userId, purpose: p.purpose }, now);
  return queueMessage(services.outbox, trx, { ...p, code });
}

/**
 * The deliver-a-code pipeline, whole, for one code: the messages composed for the occasion (the
 * CustomMessage trigger runs here, before any transaction; its failure fails the call), then one
 * transaction that runs `before` (the write the code goes with, or a check that may refuse) and
 * issues the code with its message ({@link sendCode}), then a delivery pass after commit — `now`,
 * or `later` (off the response path) where a decoy answers the same request (kickAfterDecoy).
 * `destination` may be read inside the transaction. Returns where the code went.
 */
export async function deliverCode(
  cognate: Ports<'clock' | 'codes' | 'log' | 'outbox' | 'store' | 'triggers'>,
  pool: UserPool,
  p: {
    occasion: MessageOccasion;
    user: Pick<User, 'sub' | 'status' | 'attributes' | 'username'>;
    clientId?: string | undefined;
    clientMetadata?: Record<string, string> | undefined;
    templates?: Templates;
    purpose: CodePurpose;
    kind: string;
    destination: Destination | ((trx: Executor) => Promise<Destination>);
    before?: (trx: Executor, now: number) => Promise<unknown>;
    kick?: 'now' | 'later';
  },
): Promise<CodeDeliveryDetails> {
  const messages = await composeMessages(cognate, pool, {
    occasion: p.occasion,
    user: p.user,
    ...(p.clientId ? { clientId: p.clientId } : {}),
    ...(p.clientMetadata ? { clientMetadata: p.clientMetadata } : {}),
    ...(p.templates ? { messages: p.templates } : {}),
  });
  const now = cognate.clock.now();
  const delivery = await cognate.store.transaction(async (trx) => {
    await p.before?.(trx, now);
    const destination = typeof p.destination === 'function' ? await p.destination(trx) : p.destination;
    return sendCode(cognate, trx, { pool, userId: p.user.sub, username: p.user.username, purpose: p.purpose, destination, messages, kind: p.kind }, now);
  });
  if (p.kick === 'later') cognate.outbox.kickLater();
  else cognate.outbox.kick();
  return delivery;
}
