/**
 * Log delivery's webhook sink, against a real local HTTP receiver that checks every request's
 * HMAC signature itself: userAuthEvents records of a destination the operator mapped are POSTed to
 * its endpoint (Cognito's AuthEventType inside), retried through the outbox when the receiver
 * fails for a while, deduplicable by their idempotency key; `*` catches unlisted destinations;
 * userNotification records (failed messages) go the same way; a record the receiver refuses for
 * good is given up without feeding userNotification; a webhook map without a secret is refused.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { InitiateAuthCommand, SetLogDeliveryConfigurationCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { checkLogDeliveryWebhooks } from '../../../src/messaging/log-webhook.js';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { Codes, PASSWORD, confirmedUser, newPool } from '../security/helpers.js';

const SECRET = 'log-delivery-webhook-secret-for-tests';
const LOG_GROUP = 'arn:aws:logs:us-east-1:123456789012:log-group:cognito-auth-events';
const GONE_STREAM = 'arn:aws:firehose:us-east-1:123456789012:deliverystream/retired';
const NOTIFY_GROUP = 'arn:aws:logs:us-east-1:123456789012:log-group:cognito-notifications';
const UNLISTED_BUCKET = 'arn:aws:s3:::some-bucket';

interface Received {
  path: string;
  key: string;
  body: { eventSource: string; userPoolId: string; destination: string; authEvent?: { EventType: string; EventResponse: string; EventId: string }; notification?: { channel: string } };
}

/** A receiver as an operator would write one: verifies x-cognate-signature over the raw body before trusting it. */
class Receiver {
  readonly accepted: Received[] = [];
  readonly badSignatures: string[] = [];
  /** Answers 503 to this many requests first (per path), to make the outbox retry. */
  failFirst = 0;
  private readonly attempts = new Map<string, number>();
  private constructor(private readonly server: Server) {}

  static async start(): Promise<Receiver> {
    let receiver: Receiver | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => receiver!.handle(req.url ?? '', req.headers, Buffer.concat(chunks).toString('utf8'), (status) => res.writeHead(status).end()));
    });
    receiver = new Receiver(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private handle(path: string, headers: Record<string, string | string[] | undefined>, raw: string, answer: (status: number) => void): void {
    const parts = Object.fromEntries(String(headers['x-cognate-signature'] ?? '').split(',').map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
    const expected = createHmac('sha256', SECRET).update(`${parts.t}.${raw}`, 'utf8').digest();
    const given = Buffer.from(parts.v1 ?? '', 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      this.badSignatures.push(path);
      return answer(401);
    }
    if (path === '/gone') return answer(410);
    const seen = (this.attempts.get(path) ?? 0) + 1;
    this.attempts.set(path, seen);
    if (seen <= this.failFirst) return answer(503);
    const key = String(headers['x-cognate-idempotency-key'] ?? '');
    // Deduplicate on the idempotency key, as the contract asks.
    if (!this.accepted.some((r) => r.key === key)) this.accepted.push({ path, key, body: JSON.parse(raw) as Received['body'] });
    answer(204);
  }

  async waitFor(predicate: (r: Received) => boolean, count = 1): Promise<Received[]> {
    for (let i = 0; i < 400; i++) {
      const found = this.accepted.filter(predicate);
      if (found.length >= count) return found;
      await new Promise((r) => setTimeout(r, 25));
    }
    return assert.fail(`the receiver got ${this.accepted.filter(predicate).length} of ${count} records`);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const closedPort = () =>
  new Promise<number>((resolve) => {
    const probe = createTcpServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });

describe('log delivery webhooks: configuration', () => {
  it('a webhook map without a secret, or with a URL that is not http(s), is refused at start-up', () => {
    assert.throws(() => checkLogDeliveryWebhooks({ [LOG_GROUP]: 'http://127.0.0.1:1/x' }, ''), /--log-delivery-webhook-secret is required/);
    assert.throws(() => checkLogDeliveryWebhooks({ [LOG_GROUP]: 'ftp://example.com/x' }, SECRET), /http: or https:/);
    assert.throws(() => checkLogDeliveryWebhooks({ [LOG_GROUP]: 'not a url' }, SECRET), /not a URL/);
    checkLogDeliveryWebhooks({}, '');
    checkLogDeliveryWebhooks({ [LOG_GROUP]: 'https://siem.example.com/cognito', '*': 'http://127.0.0.1:8080/' }, SECRET);
  });
});

for (const kind of databaseKinds) {
  describe(`log delivery webhooks (${kind})`, { timeout: 180_000 }, () => {
    let server: TestServer;
    let receiver: Receiver;
    let codes: Codes;

    before(async () => {
      receiver = await Receiver.start();
      server = await startTestServer(kind, {
        // Every email fails (nothing listens there): userNotification records to deliver.
        smtpHost: '127.0.0.1',
        smtpPort: await closedPort(),
        logDeliveryWebhooks: { [LOG_GROUP]: `${receiver.url}/auth`, [GONE_STREAM]: `${receiver.url}/gone`, [NOTIFY_GROUP]: `${receiver.url}/notify`, '*': `${receiver.url}/other` },
        logDeliveryWebhookSecret: SECRET,
      });
      codes = new Codes(server);
    });
    after(async () => {
      await server.stop();
      await receiver.stop();
    });

    const configure = (UserPoolId: string, LogConfigurations: unknown[]) => server.admin.send(new SetLogDeliveryConfigurationCommand({ UserPoolId, LogConfigurations } as never));

    it('userAuthEvents of a mapped destination are POSTed, signed, to its endpoint, in the AuthEventType shape, and retried through the outbox while the receiver fails', async () => {
      const pool = await newPool(server, { UserPoolAddOns: { AdvancedSecurityMode: 'AUDIT' } });
      await configure(pool.poolId, [{ LogLevel: 'INFO', EventSource: 'userAuthEvents', CloudWatchLogsConfiguration: { LogGroupArn: LOG_GROUP } }]);
      receiver.failFirst = 2;
      await confirmedUser(server, codes, pool, 'lena', 'lena@example.com');
      await server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: pool.clientId, AuthParameters: { USERNAME: 'lena', PASSWORD } }));
      // The receiver refused the first attempts: the outbox tries again after its backoff.
      for (let i = 0; i < 6 && receiver.accepted.filter((r) => r.body.userPoolId === pool.poolId).length < 2; i++) {
        await new Promise((r) => setTimeout(r, 100));
        server.clock.advance(20_000);
        server.running.cognate.outbox.kick();
      }
      const records = await receiver.waitFor((r) => r.path === '/auth' && r.body.userPoolId === pool.poolId, 2);
      assert.deepEqual(records.map((r) => r.body.authEvent?.EventType).sort(), ['SignIn', 'SignUp']);
      for (const r of records) {
        assert.equal(r.body.eventSource, 'userAuthEvents');
        assert.equal(r.body.destination, LOG_GROUP);
        assert.match(r.body.authEvent!.EventId, /^[0-9a-f-]{36}$/);
        assert.match(r.key, /^[0-9a-f-]{36}$/, 'an idempotency key to deduplicate retries on');
      }
      assert.deepEqual(receiver.badSignatures, []);
      const stored = (await server.running.cognate.outbox.recent(1000, pool.poolId)).filter((m) => m.channel === 'webhook');
      assert.ok(stored.some((m) => m.attempts > 1 && m.deliveredAt !== null), 'delivered after a retry');
      receiver.failFirst = 0;
    });

    it('userNotification records (failed messages) go to the mapped endpoint; an unlisted destination goes to `*`; a record refused for good is given up and feeds nothing', async () => {
      const pool = await newPool(server, { UserPoolAddOns: { AdvancedSecurityMode: 'AUDIT' } });
      await configure(pool.poolId, [
        { LogLevel: 'INFO', EventSource: 'userAuthEvents', FirehoseConfiguration: { StreamArn: GONE_STREAM } },
        { LogLevel: 'ERROR', EventSource: 'userNotification', CloudWatchLogsConfiguration: { LogGroupArn: NOTIFY_GROUP } },
      ]);
      await server.anonymous.send(new SignUpCommand({ ClientId: pool.clientId, Username: 'max', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'max@example.com' }] }));
      const [notification] = await receiver.waitFor((r) => r.path === '/notify' && r.body.userPoolId === pool.poolId);
      assert.equal(notification!.body.eventSource, 'userNotification');
      assert.equal(notification!.body.destination, NOTIFY_GROUP);
      assert.equal(notification!.body.notification?.channel, 'email');
      // The SignUp record went to /gone, which answers 410: given up at once, and never a userNotification record itself.
      const webhooks = async () => (await server.running.cognate.outbox.recent(1000, pool.poolId)).filter((m) => m.channel === 'webhook');
      for (let i = 0; i < 200 && !(await webhooks()).some((m) => m.to.endsWith('/gone') && m.failedAt !== null); i++) await new Promise((r) => setTimeout(r, 25));
      const gone = (await webhooks()).filter((m) => m.to.endsWith('/gone'));
      assert.equal(gone.length, 1);
      assert.notEqual(gone[0]!.failedAt, null);
      assert.equal(gone[0]!.attempts, 1, 'a 410 is permanent: no retry');
      const notified = receiver.accepted.filter((r) => r.path === '/notify' && r.body.userPoolId === pool.poolId);
      assert.ok(notified.every((r) => r.body.notification?.channel === 'email'), 'no record about a failed webhook');

      const other = await newPool(server, { UserPoolAddOns: { AdvancedSecurityMode: 'AUDIT' } });
      await configure(other.poolId, [{ LogLevel: 'INFO', EventSource: 'userAuthEvents', S3Configuration: { BucketArn: UNLISTED_BUCKET } }]);
      await server.anonymous.send(new SignUpCommand({ ClientId: other.clientId, Username: 'nell', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'nell@example.com' }] }));
      const [caught] = await receiver.waitFor((r) => r.path === '/other' && r.body.userPoolId === other.poolId);
      assert.equal(caught!.body.destination, UNLISTED_BUCKET);
      assert.equal(caught!.body.authEvent?.EventType, 'SignUp');
      assert.deepEqual(receiver.badSignatures, []);
    });
  });
}
