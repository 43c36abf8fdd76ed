/**
 * Get/SetLogDeliveryConfiguration, mapped to what a self-hosted server has. Cognito ships two
 * event sources to CloudWatch Logs, S3 or Firehose; Cognate has its structured log (pino, JSON
 * lines on stdout), so a configured source becomes log lines there, one per event, carrying the
 * destination ARN the operator named so a log shipper can route them on:
 *
 *   userNotification (ERROR): a message the pool could not deliver (the outbox gave up on an
 *     attempt), as {"logDelivery":{"eventSource":"userNotification","userPoolId","destination"},"notification":{...}}
 *   userAuthEvents (INFO): every auth event threat protection records, in Cognito's AuthEventType
 *     shape, as {"logDelivery":{"eventSource":"userAuthEvents",...},"authEvent":{...}}
 *
 * Without a configuration for a source, nothing extra is logged for it.
 *
 * The webhook sink: when the operator maps the configured destination ARN (or `*`) to an endpoint
 * of theirs (`--log-delivery-webhooks`), each record is also queued in the outbox for that
 * endpoint: posted as JSON, signed with an HMAC, retried with backoff (messaging/log-webhook.ts).
 */
import type { DeliveryFailure } from '../../messaging/outbox.js';
import { LOG_WEBHOOK_CHANNEL, webhookFor } from '../../messaging/log-webhook.js';
import { errors } from '../../errors.js';
import * as store from '../../store/threat-protection.js';
import type { Ports } from '../cognate.js';
import { assertTier } from '../user-auth-factors.js';
import type { UserPool } from '../user-pools.js';

type Destination = { CloudWatchLogsConfiguration?: { LogGroupArn?: string }; S3Configuration?: { BucketArn?: string }; FirehoseConfiguration?: { StreamArn?: string } };
export interface LogConfiguration extends Destination {
  LogLevel: 'ERROR' | 'INFO';
  EventSource: 'userNotification' | 'userAuthEvents';
}

const LEVEL_OF_SOURCE = { userNotification: 'ERROR', userAuthEvents: 'INFO' } as const;

function destinationOf(c: Destination): string | undefined {
  return c.CloudWatchLogsConfiguration?.LogGroupArn ?? c.S3Configuration?.BucketArn ?? c.FirehoseConfiguration?.StreamArn;
}

function validate(configs: LogConfiguration[]): void {
  const seen = new Set<string>();
  for (const c of configs) {
    if (seen.has(c.EventSource)) throw errors.invalidParameter(`Only one log configuration per EventSource: ${c.EventSource} is given twice.`);
    seen.add(c.EventSource);
    if (LEVEL_OF_SOURCE[c.EventSource] !== c.LogLevel) throw errors.invalidParameter(`EventSource ${c.EventSource} logs at LogLevel ${LEVEL_OF_SOURCE[c.EventSource]}.`);
    const given = [c.CloudWatchLogsConfiguration, c.S3Configuration, c.FirehoseConfiguration].filter((d) => d !== undefined);
    if (given.length !== 1 || !destinationOf(c)) throw errors.invalidParameter('Each log configuration needs exactly one destination: CloudWatchLogsConfiguration, S3Configuration or FirehoseConfiguration, with its ARN.');
  }
}

export async function setLogDeliveryConfiguration(cognate: Ports<'clock' | 'config' | 'pools' | 'store'>, input: { UserPoolId: string; LogConfigurations: LogConfiguration[] }) {
  const pool = await cognate.pools.get(input.UserPoolId);
  validate(input.LogConfigurations);
  // Cognito: auth-event logs come with threat protection, a Plus feature.
  if (input.LogConfigurations.some((c) => c.EventSource === 'userAuthEvents')) assertTier(cognate, pool, 'PLUS', 'userAuthEvents log delivery');
  await store.putLogDelivery(cognate.store.db, pool.id, JSON.stringify(input.LogConfigurations), cognate.clock.now());
  return { LogDeliveryConfiguration: { UserPoolId: pool.id, LogConfigurations: input.LogConfigurations } };
}

export async function getLogDeliveryConfiguration(cognate: Ports<'pools' | 'store'>, input: { UserPoolId: string }) {
  const pool = await cognate.pools.get(input.UserPoolId);
  const config = await store.findLogDelivery(cognate.store.db, pool.id);
  return { LogDeliveryConfiguration: { UserPoolId: pool.id, LogConfigurations: config ? (JSON.parse(config) as LogConfiguration[]) : [] } };
}

async function configured(cognate: Ports<'store'>, poolId: string, source: LogConfiguration['EventSource']): Promise<string | undefined> {
  const config = await store.findLogDelivery(cognate.store.db, poolId);
  if (!config) return undefined;
  const found = (JSON.parse(config) as LogConfiguration[]).find((c) => c.EventSource === source);
  return found ? destinationOf(found) : undefined;
}

/** The record, to the operator's webhook for its destination if they mapped one: queued in the outbox, delivered after this request. */
async function toWebhook(cognate: Ports<'config' | 'outbox' | 'store'>, record: { eventSource: LogConfiguration['EventSource']; userPoolId: string; destination: string } & Record<string, unknown>): Promise<void> {
  const url = webhookFor(cognate.config.logDeliveryWebhooks, record.destination);
  if (!url) return;
  await cognate.outbox.enqueue(cognate.store.db, { poolId: record.userPoolId, channel: LOG_WEBHOOK_CHANNEL, to: url, kind: record.eventSource, text: JSON.stringify(record) });
  // After the answer is on its way, so the delivery pass costs the request nothing (and an unknown name's row no less than a known one's).
  cognate.outbox.kickLater();
}

/** An auth event, to the pool's userAuthEvents destination if it has one. */
export async function deliverAuthEventLog(cognate: Ports<'config' | 'log' | 'outbox' | 'store'>, pool: UserPool, authEvent: Record<string, unknown>): Promise<void> {
  const destination = await configured(cognate, pool.id, 'userAuthEvents');
  if (!destination) return;
  cognate.log.info({ logDelivery: { eventSource: 'userAuthEvents', userPoolId: pool.id, destination }, authEvent }, 'user auth event');
  await toWebhook(cognate, { eventSource: 'userAuthEvents', userPoolId: pool.id, destination, authEvent });
}

/** A message the outbox failed to deliver, to the pool's userNotification destination if it has one. */
export async function deliverNotificationError(cognate: Ports<'config' | 'log' | 'outbox' | 'store'>, failure: DeliveryFailure): Promise<void> {
  const destination = await configured(cognate, failure.poolId, 'userNotification');
  if (!destination) return;
  cognate.log.error({ logDelivery: { eventSource: 'userNotification', userPoolId: failure.poolId, destination }, notification: failure }, 'user notification error');
  await toWebhook(cognate, { eventSource: 'userNotification', userPoolId: failure.poolId, destination, notification: failure });
}
