/**
 * Delivery of Cognito Sync's push notifications and stream records. Cognate has no SNS and no
 * Kinesis: each push (one per subscribed device) and each stream record is queued in the outbox in
 * the transaction that changed the dataset, so it survives a restart and is retried with the
 * outbox's backoff, and is then posted to the operator's endpoint:
 *
 * - `sync-push` → `--sync-push-webhook-url`, `sync-stream` → `--sync-streams-webhook-url`: the JSON
 *   body signed exactly as the log-delivery webhooks are (messaging/log-webhook.ts, whose transport
 *   this reuses with `--sync-webhook-secret`): `x-cognate-signature: t=<unix seconds>,v1=<hex
 *   HMAC-SHA256 over "<t>.<raw body>">` and `x-cognate-idempotency-key`, the same for every retry;
 * - `sync-kinesis` → PutRecord at `--sync-kinesis-endpoint` (streams-kinesis.ts).
 *
 * A 2xx is delivered; 408, 425, 429, 5xx, network errors and timeouts are retried; other answers
 * are given up (the outbox marks the message failed).
 */
import { logWebhookTransport, LOG_WEBHOOK_CHANNEL } from '../messaging/log-webhook.js';
import { TransportError, type MessageTransport, type OutboundMessage } from '../messaging/transports.js';
import type { Config } from '../config.js';
import type { Clock } from '../ports.js';
import { kinesisTransport } from './streams-kinesis.js';

/** The outbox channel Sync deliveries ride on (the operator-webhook channel), and their kinds. */
export const SYNC_CHANNEL = LOG_WEBHOOK_CHANNEL;
export const PUSH_KIND = 'sync-push';
export const STREAM_WEBHOOK_KIND = 'sync-stream';
export const STREAM_KINESIS_KIND = 'sync-kinesis';

export type SyncDeliveryConfig = Pick<Config, 'syncPushWebhookUrl' | 'syncStreamsWebhookUrl' | 'syncWebhookSecret' | 'syncKinesisEndpoint' | 'syncKinesisRegion' | 'syncKinesisAccessKeyId' | 'syncKinesisSecretAccessKey'>;

function checkUrl(flag: string, value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${flag}: ${JSON.stringify(value)} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${flag} must be an http: or https: URL`);
  if (url.href.length > 320) throw new Error(`${flag} is longer than 320 characters`);
}

/** Checks the Sync delivery flags once, at start-up. */
export function checkSyncDeliveryConfig(config: SyncDeliveryConfig): void {
  if (config.syncPushWebhookUrl) checkUrl('--sync-push-webhook-url', config.syncPushWebhookUrl);
  if (config.syncStreamsWebhookUrl) checkUrl('--sync-streams-webhook-url', config.syncStreamsWebhookUrl);
  if ((config.syncPushWebhookUrl || config.syncStreamsWebhookUrl) && config.syncWebhookSecret === '') {
    throw new Error('--sync-webhook-secret is required with --sync-push-webhook-url or --sync-streams-webhook-url: receivers need the signature to trust what they are sent');
  }
  if (config.syncKinesisEndpoint) {
    checkUrl('--sync-kinesis-endpoint', config.syncKinesisEndpoint);
    if (!config.syncKinesisAccessKeyId || !config.syncKinesisSecretAccessKey) throw new Error('--sync-kinesis-access-key-id and --sync-kinesis-secret-access-key are required with --sync-kinesis-endpoint');
  }
}

/** Where stream records go: the Kinesis-compatible endpoint when set, else the streams webhook, else nowhere. */
export function streamDestination(config: SyncDeliveryConfig, streamName: string): { kind: string; to: string } | undefined {
  if (config.syncKinesisEndpoint) return { kind: STREAM_KINESIS_KIND, to: streamName };
  if (config.syncStreamsWebhookUrl) return { kind: STREAM_WEBHOOK_KIND, to: new URL(config.syncStreamsWebhookUrl).href };
  return undefined;
}

const isSyncKind = (kind: string) => kind === PUSH_KIND || kind === STREAM_WEBHOOK_KIND || kind === STREAM_KINESIS_KIND;

/**
 * The outbox's webhook-channel transport with Sync's kinds added: Sync messages go to the Sync
 * webhooks or Kinesis, every other message to `other` (the log-delivery webhook transport, if any).
 * Undefined when neither is configured, as before.
 */
export function withSyncDelivery(other: MessageTransport | undefined, config: SyncDeliveryConfig, clock: Clock): MessageTransport | undefined {
  const webhooks = config.syncPushWebhookUrl || config.syncStreamsWebhookUrl ? logWebhookTransport({ secret: config.syncWebhookSecret, clock }) : undefined;
  const kinesis = config.syncKinesisEndpoint ? kinesisTransport(config, clock) : undefined;
  if (!webhooks && !kinesis) return other;
  return {
    name: 'sync-webhook',
    async send(message: OutboundMessage): Promise<void> {
      if (!isSyncKind(message.kind)) {
        if (!other) throw new TransportError(`no log delivery webhook is configured for record ${message.id}`, { permanent: true });
        return other.send(message);
      }
      const transport = message.kind === STREAM_KINESIS_KIND ? kinesis : webhooks;
      if (!transport) throw new TransportError(`no ${message.kind} destination is configured for message ${message.id}`, { permanent: true });
      return transport.send(message);
    },
  };
}
