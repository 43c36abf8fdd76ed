/**
 * Message transports: the last hop of the outbox. The delivery loop takes a stored message and hands
 * it to a {@link MessageTransport}; the transport either delivers it (the promise resolves) or throws a
 * {@link TransportError} that says whether trying again could help.
 *
 * - {@link smtpTransport}: email over SMTP (nodemailer, pooled connections).
 * - {@link smsWebhookTransport}: SMS through an operator-provided HTTP webhook, optionally signed.
 * - {@link consoleTransport}: development only, prints the message (codes included) for the operator.
 * - {@link routeByChannel}: picks one of the above per message channel.
 *
 * Messages carry verification codes and temporary passwords, so nothing here logs a message body, and
 * error messages never include it.
 */
import { SIGNATURE_HEADER, webhookSignature } from '../crypto/webhook-signature.js';
import nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { systemClock, epochSeconds, type Clock } from '../ports.js';
import type { CustomSenderRequest } from '../triggers/custom-senders.js';

/** One message to deliver, as the outbox stores it. */
export interface OutboundMessage {
  /** Idempotency key: stable across retries of the same message, so receivers can recognise duplicates. */
  id: string;
  channel: 'email' | 'sms' | 'webhook';
  /** An email address (channel `email`), a phone number (channel `sms`) or a log-delivery endpoint (channel `webhook`). */
  to: string;
  /** Email subject; ignored for SMS. */
  subject?: string;
  /** Plain-text body. Contains codes: never log it. */
  text: string;
  /** Optional HTML body (email only). */
  html?: string;
  /** The pool's sender (EmailConfiguration.From) instead of the server's; email only. */
  from?: string;
  /** The pool's EmailConfiguration.ReplyToEmailAddress; email only. */
  replyTo?: string;
  /** The user pool the message belongs to. */
  poolId: string;
  /** Why the message was sent, e.g. `SignUp`, `ResendCode`, `ForgotPassword`, `AdminCreateUser`. */
  kind: string;
  /** Set when the pool's CustomEmailSender / CustomSMSSender function delivers it (triggers/custom-senders.ts). */
  customSender?: CustomSenderRequest;
}

/** Something that can deliver an {@link OutboundMessage}. */
export interface MessageTransport {
  /** A short description for logs and metrics, e.g. `smtp(mail.example.com:587)`. Never contains secrets. */
  readonly name: string;
  /**
   * Delivers the message. Resolves once the peer has accepted it; rejects with a
   * {@link TransportError} otherwise. Any other rejection is a bug and should be treated as transient.
   */
  send(message: OutboundMessage): Promise<void>;
}

/**
 * A failed delivery. `permanent` tells the delivery loop whether retrying the same message can help:
 *
 * - permanent: the peer rejected this message for good (an SMTP 5xx reply, a webhook 4xx answer, a
 *   recipient that is not a single address, a message on the wrong channel). Retrying would fail again.
 * - transient: the peer was unreachable, slow or temporarily unwilling (connection refused, timeouts,
 *   an SMTP 4xx reply, a webhook 5xx/408/425/429 answer, SMTP authentication failures). Retry later.
 *
 * The message never contains the message body.
 */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  /** True when retrying this message cannot succeed; false when a later attempt may. */
  readonly permanent: boolean;

  constructor(message: string, options: { permanent: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.permanent = options.permanent;
  }
}

/** Default per-step network timeout of the SMTP and webhook transports. */
const DEFAULT_TIMEOUT_MS = 10_000;

function positiveTimeout(value: number | undefined, what: string): number {
  const ms = value ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(ms) || ms <= 0) throw new RangeError(`${what}: timeoutMs must be a positive number`);
  return ms;
}

function wrongChannel(transport: string, message: OutboundMessage): TransportError {
  return new TransportError(`${transport} cannot deliver ${message.channel} message ${message.id}`, { permanent: true });
}

// ---------------------------------------------------------------------------------------------------
// SMTP
// ---------------------------------------------------------------------------------------------------

/** Where and how {@link smtpTransport} connects. */
export interface SmtpSettings {
  host: string;
  port: number;
  /**
   * Implicit TLS from the first byte (SMTPS). Defaults to true on port 465 and false elsewhere; when
   * false, nodemailer still upgrades with STARTTLS if the server offers it.
   */
  secure?: boolean;
  /** SMTP AUTH user name; authentication is attempted only when set. */
  user?: string;
  password?: string;
  /** The From address, e.g. `Cognate <no-reply@example.com>`. Also used as the envelope sender. */
  from: string;
  /**
   * Limit, in milliseconds, for each network step: connecting, waiting for the greeting, and socket
   * inactivity during the session. Defaults to 10 000.
   */
  timeoutMs?: number;
}

/**
 * The Message-ID header {@link smtpTransport} gives a message: `<id@cognate>`. Characters outside
 * `[A-Za-z0-9_-]` are written as `=HH` (UTF-8 bytes, upper-case hex) so the header is always valid
 * and the same id always yields the same header, which lets a receiver recognise a retried message.
 */
export function smtpMessageId(id: string): string {
  const local = Array.from(Buffer.from(id, 'utf8'))
    .map((byte) => {
      const c = String.fromCharCode(byte);
      return /[A-Za-z0-9_-]/.test(c) ? c : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
  return `<${local}@cognate>`;
}

/**
 * One address and nothing else: no display name, no list, no whitespace or header syntax. This keeps
 * a user-controlled attribute from turning into several recipients.
 */
const SINGLE_ADDRESS = /^[^\s@<>,;:"()[\]\\]+@[^\s@<>,;:"()[\]\\]+$/u;

interface NodemailerError extends Error {
  code?: string;
  responseCode?: number;
  command?: string;
}

/**
 * Maps a nodemailer failure to a {@link TransportError}.
 * An SMTP reply decides when there is one (5xx permanent, anything else transient), except that
 * authentication failures are always transient: they reject our credentials, not the message, and
 * succeed once the operator fixes the configuration. Errors without a reply are transient unless
 * nodemailer refused the envelope or message itself (EENVELOPE, EMESSAGE).
 */
function smtpFailure(messageId: string, err: unknown): TransportError {
  const e = (err instanceof Error ? err : new Error(String(err))) as NodemailerError;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const reply = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  let permanent: boolean;
  if (code === 'EAUTH') permanent = false;
  else if (reply !== undefined) permanent = reply >= 500 && reply < 600;
  else permanent = code === 'EENVELOPE' || code === 'EMESSAGE';
  const label = [code, e.command].filter(Boolean).join(' at ');
  return new TransportError(
    `SMTP delivery of message ${messageId} failed${label ? ` (${label})` : ''}: ${e.message}`,
    { permanent, cause: err },
  );
}

/**
 * Email over SMTP with nodemailer, through a pool of reused connections.
 *
 * Each message gets `Message-ID: <id@cognate>` (see {@link smtpMessageId}) so a retry of the same
 * outbox message is recognisable downstream, and `Auto-Submitted: auto-generated` (RFC 3834) so
 * vacation responders stay quiet. Nodemailer's logging is off, and nothing here logs: bodies contain codes.
 *
 * Failures become {@link TransportError}s (see {@link TransportError} for the permanent/transient
 * split). Call `close()` on shutdown to end the pooled connections; `send` after `close()` rejects
 * with a transient error.
 */
export function smtpTransport(settings: SmtpSettings): MessageTransport & { close(): void } {
  const timeoutMs = positiveTimeout(settings.timeoutMs, 'smtpTransport');
  const name = `smtp(${settings.host}:${settings.port})`;
  const options: SMTPPool.Options & { maxRequeues: number } = {
    pool: true,
    host: settings.host,
    port: settings.port,
    secure: settings.secure ?? settings.port === 465,
    ...(settings.user !== undefined ? { auth: { user: settings.user, pass: settings.password ?? '' } } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
    // Retries belong to the outbox (it records attempts); the pool may only retry once when a reused
    // connection turns out to have been closed by the server while idle.
    maxRequeues: 1,
    logger: false,
    debug: false,
    disableFileAccess: true,
    disableUrlAccess: true,
  };
  const transporter = nodemailer.createTransport(options);
  // Per-message failures arrive through sendMail; this only keeps a stray pool event from crashing the process.
  transporter.on('error', () => {});
  let closed = false;

  return {
    name,
    async send(message: OutboundMessage): Promise<void> {
      if (message.channel !== 'email') throw wrongChannel(name, message);
      if (closed) throw new TransportError(`${name} is closed`, { permanent: false });
      if (!message.id) throw new TransportError('message has no id', { permanent: true });
      if (!SINGLE_ADDRESS.test(message.to)) {
        throw new TransportError(`message ${message.id}: recipient is not a single email address`, { permanent: true });
      }
      try {
        await transporter.sendMail({
          from: message.from ?? settings.from,
          ...(message.replyTo !== undefined ? { replyTo: message.replyTo } : {}),
          to: message.to,
          ...(message.subject !== undefined ? { subject: message.subject } : {}),
          text: message.text,
          ...(message.html !== undefined ? { html: message.html } : {}),
          messageId: smtpMessageId(message.id),
          headers: { 'Auto-Submitted': 'auto-generated' },
          disableFileAccess: true,
          disableUrlAccess: true,
        });
      } catch (err) {
        throw smtpFailure(message.id, err);
      }
    },
    close(): void {
      if (closed) return;
      closed = true;
      transporter.close();
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// SMS webhook
// ---------------------------------------------------------------------------------------------------

/** Where {@link smsWebhookTransport} posts. */
export interface SmsWebhookSettings {
  /** An `http:` or `https:` URL. Redirects are not followed: configure the final URL. */
  url: string;
  /** When set (non-empty), requests carry an `x-cognate-signature` header; see {@link smsWebhookTransport}. */
  secret?: string;
  /** Limit, in milliseconds, for the whole request until the response status arrives. Defaults to 10 000. */
  timeoutMs?: number;
  /** Source of the signature timestamp; defaults to the system clock. */
  clock?: Clock;
}

/**
 * SMS through an HTTP webhook that the operator runs (for example, a small function that forwards to
 * an SMS provider).
 *
 * ## Request
 * `POST <url>` with the JSON body `{"id","to","text","poolId","kind"}` and the headers
 * - `content-type: application/json`
 * - `x-cognate-idempotency-key: <id>`: the same for every retry of a message; deduplicate on it.
 * - `x-cognate-signature: t=<unix seconds>,v1=<hex>` when a secret is configured.
 *
 * ## Verifying the signature
 * `v1` is the lower-case hex HMAC-SHA256, keyed with the secret (its UTF-8 bytes), of the string
 * `<t>.<raw request body>`, where `<t>` is the decimal timestamp exactly as it appears in the header and
 * the body is the exact bytes received (verify before parsing the JSON). A receiver should:
 * 1. split the header on `,` and each part on the first `=`, taking `t` and `v1`;
 * 2. compute `HMAC-SHA256(secret, t + "." + body)` and compare it to `v1` in constant time
 *    (e.g. `crypto.timingSafeEqual`);
 * 3. reject timestamps too far from its own clock (say, more than five minutes) to limit replays, and
 *    remember recent idempotency keys to drop duplicates.
 * Unknown parts of the header are to be ignored, so that other versions can be added later.
 *
 * ## Response
 * Any 2xx means delivered (the body is ignored). 408, 425, 429 and 5xx are transient failures and
 * the outbox retries; other 4xx and any 3xx are permanent. Network errors and exceeding `timeoutMs`
 * are transient.
 */
export function smsWebhookTransport(settings: SmsWebhookSettings): MessageTransport {
  const url = new URL(settings.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`smsWebhookTransport: the URL must be http: or https:, got ${url.protocol}`);
  }
  if (settings.secret === '') throw new TypeError('smsWebhookTransport: secret must not be empty when set');
  const timeoutMs = positiveTimeout(settings.timeoutMs, 'smsWebhookTransport');
  const clock = settings.clock ?? systemClock;
  const secret = settings.secret;
  const target = url.href;
  // The name shows where messages go without credentials, query strings or paths that may hold tokens.
  const name = `sms-webhook(${url.origin})`;

  return {
    name,
    async send(message: OutboundMessage): Promise<void> {
      if (message.channel !== 'sms') throw wrongChannel(name, message);
      const body = JSON.stringify({
        id: message.id,
        to: message.to,
        text: message.text,
        poolId: message.poolId,
        kind: message.kind,
      });
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'x-cognate-idempotency-key': message.id,
      };
      if (secret !== undefined) {
        headers[SIGNATURE_HEADER] = webhookSignature(secret, body, epochSeconds(clock.now()));
      }

      let response: Response;
      try {
        response = await fetch(target, {
          method: 'POST',
          headers,
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
        const detail = timedOut ? `no response within ${timeoutMs} ms` : describeFetchError(err);
        throw new TransportError(`SMS webhook delivery of message ${message.id} failed: ${detail}`, {
          permanent: false,
          cause: err,
        });
      }
      // The answer's body is not needed (and might echo the code); release the connection.
      await response.body?.cancel().catch(() => {});

      const status = response.status;
      if (status >= 200 && status < 300) return;
      const transient = status >= 500 || status === 408 || status === 425 || status === 429;
      throw new TransportError(`SMS webhook delivery of message ${message.id} failed: HTTP ${status}`, {
        permanent: !transient,
      });
    },
  };
}

/** `fetch failed` says little; the cause (ECONNREFUSED, ENOTFOUND, a TLS error...) says more. */
export function describeFetchError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause as { code?: unknown; message?: unknown } | undefined;
  if (cause && typeof cause === 'object') {
    const code = typeof cause.code === 'string' ? cause.code : undefined;
    const text = typeof cause.message === 'string' ? cause.message : undefined;
    if (code || text) return `${err.message} (${[code, text].filter(Boolean).join(': ')})`;
  }
  return err.message;
}

// ---------------------------------------------------------------------------------------------------
// Console (development)
// ---------------------------------------------------------------------------------------------------

/** Control characters other than tab, which could move the cursor or restyle the operator's terminal. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
const clean = (s: string): string => s.replace(CONTROL, '?');

/**
 * Development only: prints each message as a framed block, headers then text, one `write` call per
 * line, e.g.
 *
 * ```text
 * ------------------------- Cognate outbox -------------------------
 *   EMAIL  (SignUp)  pool us-east-1_example  id 0f3c...
 *   to:      alice@example.com
 *   subject: Your verification code
 *
 *   Your verification code is 123456
 * ------------------------------------------------------------------
 * ```
 *
 * Unlike every other transport it prints the body, verification codes included, on purpose: it
 * stands in for a real mailbox or phone while developing. Do not use it in production. The HTML part,
 * if any, is not printed (the text part carries the same content).
 */
export function consoleTransport(write: (line: string) => void): MessageTransport {
  return {
    name: 'console',
    async send(message: OutboundMessage): Promise<void> {
      const lines = [
        '------------------------- Cognate outbox -------------------------',
        `  ${message.channel.toUpperCase()}  (${clean(message.kind)})  pool ${clean(message.poolId)}  id ${clean(message.id)}`,
        `  to:      ${clean(message.to)}`,
      ];
      if (message.channel === 'email') lines.push(`  subject: ${clean(message.subject ?? '(none)')}`);
      lines.push('');
      for (const line of message.text.split(/\r\n|\r|\n/)) lines.push(line === '' ? '' : `  ${clean(line)}`);
      lines.push('------------------------------------------------------------------');
      try {
        for (const line of lines) write(line);
      } catch (err) {
        throw new TransportError(`console output of message ${message.id} failed`, { permanent: false, cause: err });
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Routing
// ---------------------------------------------------------------------------------------------------

/**
 * One transport that dispatches by channel: email messages go to `email` when configured, SMS to
 * `sms` when configured, and anything else to `fallback` (typically {@link consoleTransport} in
 * development). Errors from the chosen transport pass through unchanged.
 */
export function routeByChannel(p: {
  email?: MessageTransport;
  sms?: MessageTransport;
  fallback: MessageTransport;
}): MessageTransport {
  const email = p.email ?? p.fallback;
  const sms = p.sms ?? p.fallback;
  return {
    name: `route(email=${email.name}, sms=${sms.name})`,
    send(message: OutboundMessage): Promise<void> {
      switch (message.channel) {
        case 'email':
          return email.send(message);
        case 'sms':
          return sms.send(message);
        default:
          return Promise.reject(
            new TransportError(`message ${String((message as OutboundMessage).id)} has an unknown channel`, {
              permanent: true,
            }),
          );
      }
    },
  };
}
