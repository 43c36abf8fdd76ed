/**
 * Cognito Streams into a Kinesis-compatible endpoint (`--sync-kinesis-endpoint`): each stream
 * record is one `Kinesis_20131202.PutRecord` call over awsJson1.1, SigV4-signed (service
 * `kinesis`) with `--sync-kinesis-access-key-id`, partition key the identity ID, as Cognito puts
 * them. The outbox message carries the stream name (`to`) and the record JSON (`text`).
 */
import { createHmac } from 'node:crypto';
import { describeFetchError, TransportError, type MessageTransport, type OutboundMessage } from '../messaging/transports.js';
import type { Config } from '../config.js';
import type { Clock } from '../ports.js';
import { basicIso, canonicalUri, sha256Hex, signingKey } from '../protocol/sigv4.js';

const TIMEOUT_MS = 10_000;
/** Kinesis errors that go away by themselves: retried; any other 4xx is given up. */
const TRANSIENT_KINESIS_ERRORS = new Set(['ProvisionedThroughputExceededException', 'LimitExceededException', 'KMSThrottlingException', 'ThrottlingException']);

/**
 * Signs a request of `body` to `url` (no query string) with AWS Signature Version 4, header form:
 * returns the headers to send, `host` included in the signature as fetch will send it.
 */
export function signSigV4(p: { url: URL; body: string; method?: string; headers: Record<string, string>; region: string; service: string; accessKeyId: string; secretAccessKey: string; now: number }): Record<string, string> {
  const amzDate = basicIso(p.now);
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = { ...p.headers, 'x-amz-date': amzDate, 'x-amz-content-sha256': sha256Hex(p.body) };
  const signed: Record<string, string> = { host: p.url.host };
  for (const [name, value] of Object.entries(headers)) signed[name.toLowerCase()] = value.trim().replace(/\s+/g, ' ');
  const names = Object.keys(signed).sort();
  const canonicalRequest = [p.method ?? 'POST', canonicalUri(p.url.pathname || '/', true), '', ...names.map((n) => `${n}:${signed[n]}`), '', names.join(';'), headers['x-amz-content-sha256']].join('\n');
  const scope = `${day}/${p.region}/${p.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const signature = createHmac('sha256', signingKey(p.secretAccessKey, day, p.region, p.service)).update(stringToSign, 'utf8').digest('hex');
  return { ...headers, authorization: `AWS4-HMAC-SHA256 Credential=${p.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}` };
}

/** The outbox transport of `sync-kinesis` messages. */
export function kinesisTransport(config: Pick<Config, 'syncKinesisEndpoint' | 'syncKinesisRegion' | 'syncKinesisAccessKeyId' | 'syncKinesisSecretAccessKey'>, clock: Clock, timeoutMs = TIMEOUT_MS): MessageTransport {
  const url = new URL(config.syncKinesisEndpoint);
  return {
    name: 'sync-kinesis',
    async send(message: OutboundMessage): Promise<void> {
      const record = JSON.parse(message.text) as { identityId?: unknown };
      const partitionKey = typeof record.identityId === 'string' ? record.identityId : message.poolId;
      const body = JSON.stringify({ StreamName: message.to, Data: Buffer.from(message.text, 'utf8').toString('base64'), PartitionKey: partitionKey });
      // Identity pool IDs are `<region>:<uuid>`: the stream lives in the pool's region unless the operator says otherwise.
      const region = config.syncKinesisRegion || message.poolId.slice(0, message.poolId.indexOf(':'));
      const headers = signSigV4({
        url,
        body,
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.PutRecord' },
        region,
        service: 'kinesis',
        accessKeyId: config.syncKinesisAccessKeyId,
        secretAccessKey: config.syncKinesisSecretAccessKey,
        now: clock.now(),
      });
      let response: Response;
      let text: string;
      try {
        response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
        text = await response.text();
      } catch (err) {
        const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
        throw new TransportError(`Kinesis PutRecord of stream record ${message.id} failed: ${timedOut ? `no response within ${timeoutMs} ms` : describeFetchError(err)}`, { permanent: false, cause: err });
      }
      if (response.status >= 200 && response.status < 300) return;
      let type = '';
      try {
        const parsed = JSON.parse(text) as { __type?: unknown };
        if (typeof parsed.__type === 'string') type = parsed.__type.slice(parsed.__type.lastIndexOf('#') + 1);
      } catch {
        // not JSON: judged by its status
      }
      const transient = response.status >= 500 || response.status === 408 || response.status === 429 || TRANSIENT_KINESIS_ERRORS.has(type);
      throw new TransportError(`Kinesis PutRecord of stream record ${message.id} failed: HTTP ${response.status}${type ? ` ${type}` : ''}`, { permanent: !transient });
    },
  };
}
