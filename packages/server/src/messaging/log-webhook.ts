/**
 * The webhook sink of log delivery (SetLogDeliveryConfiguration): a self-hosted stand-in for the
 * CloudWatch Logs, S3 and Firehose destinations a pool's configuration names. The operator maps a
 * destination ARN to an HTTP endpoint of theirs (`--log-delivery-webhooks`); each log record for
 * that destination is queued in the outbox (so it survives a restart and is retried with backoff)
 * and posted there by this transport.
 *
 * ## Request
 * `POST <url>` with the JSON body
 * `{"eventSource":"userAuthEvents"|"userNotification","userPoolId","destination","authEvent"|"notification"}`
 * (the fields of the structured log line; `authEvent` in Cognito's AuthEventType shape) and the headers
 * - `content-type: application/json`
 * - `x-cognate-idempotency-key: <id>`: the same for every retry of a record; deduplicate on it.
 * - `x-cognate-signature: t=<unix seconds>,v1=<hex>`: HMAC-SHA256 keyed with
 *   `--log-delivery-webhook-secret` over `<t>.<raw body>`, verified as the SMS webhook's is
 *   (transports.ts: recompute over the exact bytes, compare in constant time, refuse old timestamps).
 *
 * ## Response
 * Any 2xx: delivered. 408, 425, 429, 5xx, network errors and timeouts: retried later (the outbox's
 * backoff, up to its attempt limit). Other answers: given up. A failed record is logged (warn) but
 * never becomes a userNotification record itself, so a broken endpoint can't feed itself.
 */
import { SIGNATURE_HEADER, webhookSignature } from '../crypto/webhook-signature.js';
import { epochSeconds, systemClock, type Clock } from '../ports.js';
import { describeFetchError, TransportError, type MessageTransport, type OutboundMessage } from './transports.js';

/** The outbox channel of log-delivery records. */
export const LOG_WEBHOOK_CHANNEL = 'webhook';

const TIMEOUT_MS = 10_000;

/** Checks the operator's map of destination ARN → URL once, at start-up. */
export function checkLogDeliveryWebhooks(map: Record<string, string>, secret: string): void {
  const entries = Object.entries(map);
  if (entries.length === 0) return;
  if (secret === '') throw new Error('--log-delivery-webhook-secret is required with --log-delivery-webhooks: receivers need the signature to trust what they are sent');
  for (const [destination, target] of entries) {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      throw new Error(`--log-delivery-webhooks: ${destination} maps to ${JSON.stringify(target)}, which is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`--log-delivery-webhooks: ${destination} must map to an http: or https: URL`);
    if (url.href.length > 320) throw new Error(`--log-delivery-webhooks: the URL of ${destination} is longer than 320 characters`);
  }
}

/** The endpoint a destination's records go to: its own entry, else the `*` entry, else none. */
export function webhookFor(map: Record<string, string>, destination: string): string | undefined {
  const target = map[destination] ?? map['*'];
  return target ? new URL(target).href : undefined;
}

export function logWebhookTransport(settings: { secret: string; timeoutMs?: number; clock?: Clock }): MessageTransport {
  const clock = settings.clock ?? systemClock;
  const timeoutMs = settings.timeoutMs ?? TIMEOUT_MS;
  return {
    name: 'log-webhook',
    async send(message: OutboundMessage): Promise<void> {
      if (message.channel !== LOG_WEBHOOK_CHANNEL) throw new TransportError(`log-webhook cannot deliver ${message.channel} message ${message.id}`, { permanent: true });
      const body = message.text;
      const headers = {
        'content-type': 'application/json',
        'x-cognate-idempotency-key': message.id,
        [SIGNATURE_HEADER]: webhookSignature(settings.secret, body, epochSeconds(clock.now())),
      };
      let response: Response;
      try {
        response = await fetch(message.to, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
      } catch (err) {
        const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
        throw new TransportError(`log delivery webhook of record ${message.id} failed: ${timedOut ? `no response within ${timeoutMs} ms` : describeFetchError(err)}`, { permanent: false, cause: err });
      }
      await response.body?.cancel().catch(() => {});
      const status = response.status;
      if (status >= 200 && status < 300) return;
      const transient = status >= 500 || status === 408 || status === 425 || status === 429;
      throw new TransportError(`log delivery webhook of record ${message.id} failed: HTTP ${status}`, { permanent: !transient });
    },
  };
}
