/**
 * Sync's delivery transports against real node:http peers: the push/stream webhooks (signature
 * recomputed over the exact bytes), the routing beside the log-delivery webhooks, and Kinesis
 * PutRecord, whose SigV4 signature is checked by Cognate's own verifier (protocol/sigv4.ts).
 */
import * as assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { ManualClock } from '../ports.js';
import { verifySigV4 } from '../protocol/sigv4.js';
import { TransportError, type MessageTransport, type OutboundMessage } from '../messaging/transports.js';
import { checkSyncDeliveryConfig, PUSH_KIND, STREAM_KINESIS_KIND, STREAM_WEBHOOK_KIND, withSyncDelivery, type SyncDeliveryConfig } from './push-webhook.js';

interface Received {
  url: string;
  headers: IncomingMessage['headers'];
  rawHeaders: string[];
  body: Buffer;
}

async function peer(answer: (r: Received) => { status: number; body?: string }): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders, body: Buffer.concat(chunks) };
      received.push(r);
      const { status, body } = answer(r);
      res.writeHead(status, { 'content-type': 'application/json' }).end(body ?? '{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const SECRET = 'sync-webhook-secret-0123456789';
const base: SyncDeliveryConfig = { syncPushWebhookUrl: '', syncStreamsWebhookUrl: '', syncWebhookSecret: SECRET, syncKinesisEndpoint: '', syncKinesisRegion: '', syncKinesisAccessKeyId: '', syncKinesisSecretAccessKey: '' };

function verifySignature(r: Received, nowSeconds: number): void {
  const header = String(r.headers['x-cognate-signature']);
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  assert.ok(m, `signature header ${header}`);
  assert.ok(Math.abs(Number(m[1]) - nowSeconds) <= 1);
  const expected = createHmac('sha256', SECRET).update(`${m[1]}.`).update(r.body).digest();
  assert.ok(timingSafeEqual(expected, Buffer.from(m[2]!, 'hex')), 'signature verifies over the raw body');
}

const message = (kind: string, to: string, text: string, id = 'm-1'): OutboundMessage => ({ id, channel: 'webhook', to, text, poolId: 'us-east-1:7f0c6a56-0d1a-4a7c-9f55-0123456789ab', kind });

test('push and stream messages are posted signed, with an idempotency key, and retried on 5xx only', async () => {
  let status = 503;
  const hook = await peer(() => ({ status }));
  try {
    const clock = new ManualClock(1_760_000_000_000);
    const transport = withSyncDelivery(undefined, { ...base, syncPushWebhookUrl: hook.url }, clock)!;
    const body = JSON.stringify({ data: { source: 'cognito-sync', type: 'push-sync' } });
    await assert.rejects(transport.send(message(PUSH_KIND, hook.url, body)), (e: unknown) => e instanceof TransportError && !e.permanent);
    status = 200;
    await transport.send(message(PUSH_KIND, hook.url, body));
    status = 400;
    await assert.rejects(transport.send(message(STREAM_WEBHOOK_KIND, hook.url, '{}', 'm-2')), (e: unknown) => e instanceof TransportError && e.permanent);
    assert.equal(hook.received.length, 3);
    for (const r of hook.received) verifySignature(r, 1_760_000_000);
    assert.equal(hook.received[0]!.headers['x-cognate-idempotency-key'], 'm-1');
    assert.equal(hook.received[1]!.headers['x-cognate-idempotency-key'], 'm-1', 'a retry carries the same key');
    assert.equal(hook.received[1]!.body.toString('utf8'), body);
  } finally {
    await hook.close();
  }
});

test('other webhook-channel messages still go to the log-delivery transport; without one they fail permanently', async () => {
  const seen: string[] = [];
  const logTransport: MessageTransport = { name: 'log-webhook', send: async (m) => void seen.push(m.kind) };
  const clock = new ManualClock();
  const routed = withSyncDelivery(logTransport, { ...base, syncPushWebhookUrl: 'http://127.0.0.1:9/none' }, clock)!;
  await routed.send(message('userAuthEvents', 'http://127.0.0.1:9/log', '{}'));
  assert.deepEqual(seen, ['userAuthEvents']);
  assert.equal(withSyncDelivery(logTransport, base, clock), logTransport, 'nothing configured for Sync: unchanged');
  const alone = withSyncDelivery(undefined, { ...base, syncPushWebhookUrl: 'http://127.0.0.1:9/none' }, clock)!;
  await assert.rejects(alone.send(message('userAuthEvents', 'http://127.0.0.1:9/log', '{}')), (e: unknown) => e instanceof TransportError && e.permanent);
  await assert.rejects(alone.send(message(STREAM_KINESIS_KIND, 'stream', '{}')), (e: unknown) => e instanceof TransportError && e.permanent);
});

test('Kinesis PutRecord is SigV4-signed for kinesis in the pool region, base64 data, identity as partition key', async () => {
  let answer = { status: 200, body: '{"ShardId":"shardId-000000000000","SequenceNumber":"1"}' };
  const kinesis = await peer(() => answer);
  try {
    const clock = new ManualClock(Date.now());
    const config = { ...base, syncKinesisEndpoint: kinesis.url.replace('/hook', '/'), syncKinesisAccessKeyId: 'AKIAKINESISTEST', syncKinesisSecretAccessKey: 'kinesis-secret' };
    const transport = withSyncDelivery(undefined, config, clock)!;
    const record = JSON.stringify({ identityPoolId: 'us-east-1:7f0c6a56-0d1a-4a7c-9f55-0123456789ab', identityId: 'us-east-1:11111111-2222-3333-4444-555555555555', dataSetName: 'profile', payloadType: 'Inline' });
    await transport.send(message(STREAM_KINESIS_KIND, 'my-stream', record));
    const r = kinesis.received[0]!;
    assert.equal(r.headers['x-amz-target'], 'Kinesis_20131202.PutRecord');
    assert.equal(r.headers['content-type'], 'application/x-amz-json-1.1');
    const verified = await verifySigV4(
      { method: 'POST', rawPath: '/', rawQuery: '', headers: r.headers, rawHeaders: r.rawHeaders, body: r.body },
      { services: ['kinesis'], regions: ['us-east-1'], now: clock.now(), lookup: async (id) => (id === 'AKIAKINESISTEST' ? { secretAccessKey: 'kinesis-secret', principal: 'kinesis' } : undefined) },
    );
    assert.equal(verified.accessKeyId, 'AKIAKINESISTEST');
    const put = JSON.parse(r.body.toString('utf8')) as { StreamName: string; Data: string; PartitionKey: string };
    assert.equal(put.StreamName, 'my-stream');
    assert.equal(put.PartitionKey, 'us-east-1:11111111-2222-3333-4444-555555555555');
    assert.equal(Buffer.from(put.Data, 'base64').toString('utf8'), record);

    answer = { status: 400, body: '{"__type":"ProvisionedThroughputExceededException","message":"slow down"}' };
    await assert.rejects(transport.send(message(STREAM_KINESIS_KIND, 'my-stream', record)), (e: unknown) => e instanceof TransportError && !e.permanent);
    answer = { status: 400, body: '{"__type":"ResourceNotFoundException","message":"no stream"}' };
    await assert.rejects(transport.send(message(STREAM_KINESIS_KIND, 'my-stream', record)), (e: unknown) => e instanceof TransportError && e.permanent);
  } finally {
    await kinesis.close();
  }
});

test('start-up checks: a webhook without a secret, a bad URL, Kinesis without keys are refused', () => {
  assert.throws(() => checkSyncDeliveryConfig({ ...base, syncWebhookSecret: '', syncPushWebhookUrl: 'http://127.0.0.1/x' }), /--sync-webhook-secret/);
  assert.throws(() => checkSyncDeliveryConfig({ ...base, syncStreamsWebhookUrl: 'ftp://x' }), /http/);
  assert.throws(() => checkSyncDeliveryConfig({ ...base, syncKinesisEndpoint: 'http://127.0.0.1:4567' }), /access-key/);
  checkSyncDeliveryConfig({ ...base, syncPushWebhookUrl: 'https://push.example.com/hook' });
});
