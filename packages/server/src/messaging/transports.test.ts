/**
 * The transports against real peers: an SMTP server (smtp-server), raw TCP servers for the failure
 * modes, and a node:http server as the SMS webhook. No mocks.
 */
import * as assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { test } from 'node:test';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { ManualClock } from '../ports.js';
import {
  consoleTransport,
  routeByChannel,
  smsWebhookTransport,
  smtpMessageId,
  smtpTransport,
  TransportError,
  type MessageTransport,
  type OutboundMessage,
} from './transports.js';

const CODE = '482913';
const LIMIT = { timeout: 10_000 };

function emailMessage(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    id: 'msg-0001',
    channel: 'email',
    to: 'alice@example.com',
    subject: 'Your verification code',
    text: `Your verification code is ${CODE}`,
    poolId: 'us-east-1_Example',
    kind: 'SignUp',
    ...overrides,
  };
}

function smsMessage(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    id: 'msg-0002',
    channel: 'sms',
    to: '+15555550123',
    text: `Your code is ${CODE}`,
    poolId: 'us-east-1_Example',
    kind: 'ForgotPassword',
    ...overrides,
  };
}

/** Runs `fn`, expecting a TransportError; returns it with the elapsed milliseconds. */
async function failure(fn: () => Promise<unknown>): Promise<{ error: TransportError; elapsed: number }> {
  const started = performance.now();
  try {
    await fn();
  } catch (error) {
    const elapsed = performance.now() - started;
    assert.ok(error instanceof TransportError, `expected a TransportError, got ${String(error)}`);
    assert.equal(error.name, 'TransportError');
    assert.ok(!error.message.includes(CODE), 'an error message must never contain the code');
    return { error, elapsed };
  }
  assert.fail('expected the send to fail');
}

// --- SMTP peers --------------------------------------------------------------------------------------

interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

async function startSmtpServer(options: SMTPServerOptions = {}) {
  const received: ReceivedMail[] = [];
  let connections = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 100,
    onConnect(_session, callback) {
      connections++;
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
    ...options,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    received,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Rejects RCPT TO with the given reply code. */
function rejectingRcpt(responseCode: number, text: string): SMTPServerOptions {
  return {
    onRcptTo(_address, _session, callback) {
      callback(Object.assign(new Error(text), { responseCode }));
    },
  };
}

/**
 * A TCP server that accepts connections and then goes quiet: with no `greeting` it never says a word;
 * with one it greets and then ignores everything the client sends.
 */
async function startSilentServer(greeting?: string) {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    if (greeting) socket.write(greeting);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    accepted: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function parseMail(raw: string): { headers: Map<string, string>; body: string } {
  const split = raw.indexOf('\r\n\r\n');
  assert.ok(split > 0, 'the message has a header section');
  const headers = new Map<string, string>();
  for (const line of raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  let body = raw.slice(split + 4);
  if (headers.get('content-transfer-encoding')?.toLowerCase() === 'quoted-printable') {
    body = body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
  return { headers, body: body.replace(/\r\n$/, '') };
}

const smtpSettings = (port: number, timeoutMs = 2_000) => ({
  host: '127.0.0.1',
  port,
  from: 'Cognate <no-reply@cognate.test>',
  timeoutMs,
});

// --- SMTP -----------------------------------------------------------------------------------------------

test('smtp: a real SMTP server receives the message with from, to, subject, text and Message-ID', LIMIT, async () => {
  const server = await startSmtpServer();
  const transport = smtpTransport(smtpSettings(server.port));
  try {
    assert.equal(transport.name, `smtp(127.0.0.1:${server.port})`);
    await transport.send(emailMessage());
    assert.equal(server.received.length, 1);
    const mail = server.received[0]!;
    assert.equal(mail.from, 'no-reply@cognate.test');
    assert.deepEqual(mail.to, ['alice@example.com']);
    const { headers, body } = parseMail(mail.raw);
    assert.equal(headers.get('from'), 'Cognate <no-reply@cognate.test>');
    assert.equal(headers.get('to'), 'alice@example.com');
    assert.equal(headers.get('subject'), 'Your verification code');
    assert.equal(headers.get('message-id'), '<msg-0001@cognate>');
    assert.equal(headers.get('auto-submitted'), 'auto-generated');
    assert.match(headers.get('content-type') ?? '', /^text\/plain/);
    assert.equal(body, `Your verification code is ${CODE}`);
  } finally {
    transport.close();
    await server.close();
  }
});

test('smtp: a retry carries the same Message-ID, and the pooled connection is reused', LIMIT, async () => {
  const server = await startSmtpServer();
  const transport = smtpTransport(smtpSettings(server.port));
  try {
    await transport.send(emailMessage({ id: 'retry-me' }));
    await transport.send(emailMessage({ id: 'retry-me' }));
    await transport.send(emailMessage({ id: 'another' }));
    const ids = server.received.map((m) => parseMail(m.raw).headers.get('message-id'));
    assert.deepEqual(ids, ['<retry-me@cognate>', '<retry-me@cognate>', '<another@cognate>']);
    assert.equal(server.connections(), 1, 'one pooled connection for sequential sends');
  } finally {
    transport.close();
    await server.close();
  }
});

test('smtp: html alongside text makes a multipart/alternative message', LIMIT, async () => {
  const server = await startSmtpServer();
  const transport = smtpTransport(smtpSettings(server.port));
  try {
    await transport.send(emailMessage({ html: `<p>Your verification code is <b>${CODE}</b></p>` }));
    const { headers, body } = parseMail(server.received[0]!.raw);
    assert.match(headers.get('content-type') ?? '', /^multipart\/alternative/);
    assert.match(body, /text\/plain/);
    assert.match(body, /text\/html/);
    assert.ok(body.includes(CODE));
  } finally {
    transport.close();
    await server.close();
  }
});

test('smtpMessageId: ids outside [A-Za-z0-9_-] are encoded, deterministically', () => {
  assert.equal(smtpMessageId('0f3c9a2e-7b1d-4c55-9a41-2f6f7f1f0b9e'), '<0f3c9a2e-7b1d-4c55-9a41-2f6f7f1f0b9e@cognate>');
  assert.equal(smtpMessageId('a b@c>.é'), '<a=20b=40c=3E=2E=C3=A9@cognate>');
  assert.equal(smtpMessageId('a b@c>.é'), smtpMessageId('a b@c>.é'));
});

test('smtp: an odd id still yields a valid, recognisable Message-ID on the wire', LIMIT, async () => {
  const server = await startSmtpServer();
  const transport = smtpTransport(smtpSettings(server.port));
  try {
    await transport.send(emailMessage({ id: 'pool/1 <x>' }));
    assert.equal(parseMail(server.received[0]!.raw).headers.get('message-id'), smtpMessageId('pool/1 <x>'));
  } finally {
    transport.close();
    await server.close();
  }
});

test('smtp: authenticates with user and password', LIMIT, async () => {
  const logins: Array<{ username: string | null | undefined; password: string | null | undefined }> = [];
  const server = await startSmtpServer({
    authOptional: false,
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      logins.push({ username: auth.username, password: auth.password });
      if (auth.username === 'mailer' && auth.password === 's3cret') callback(null, { user: 'mailer' });
      else callback(new Error('Invalid username or password'));
    },
  });
  const good = smtpTransport({ ...smtpSettings(server.port), user: 'mailer', password: 's3cret' });
  const bad = smtpTransport({ ...smtpSettings(server.port), user: 'mailer', password: 'wrong' });
  try {
    await good.send(emailMessage());
    assert.equal(server.received.length, 1);
    assert.deepEqual(logins[0], { username: 'mailer', password: 's3cret' });

    // 535 is a 5xx reply, but it rejects our credentials rather than the message: retry once fixed.
    const { error } = await failure(() => bad.send(emailMessage({ id: 'bad-auth' })));
    assert.equal(error.permanent, false);
    assert.match(error.message, /EAUTH/);
    assert.equal(server.received.length, 1);
  } finally {
    good.close();
    bad.close();
    await server.close();
  }
});

test('smtp: a 550 reply to RCPT is a permanent TransportError', LIMIT, async () => {
  const server = await startSmtpServer(rejectingRcpt(550, 'No such user here'));
  const transport = smtpTransport(smtpSettings(server.port));
  try {
    const { error } = await failure(() => transport.send(emailMessage()));
    assert.equal(error.permanent, true);
    assert.match(error.message, /msg-0001/);
    assert.match(error.message, /550/);
    assert.equal(server.received.length, 0);
  } finally {
    transport.close();
    await server.close();
  }
});

test('smtp: a 451 reply to RCPT is a transient TransportError', LIMIT, async () => {
  const server = await startSmtpServer(rejectingRcpt(451, 'Greylisted, try again later'));
  const transport = smtpTransport(smtpSettings(server.port));
  try {
    const { error } = await failure(() => transport.send(emailMessage()));
    assert.equal(error.permanent, false);
    assert.match(error.message, /451/);
  } finally {
    transport.close();
    await server.close();
  }
});

test('smtp: connection refused is transient', LIMIT, async () => {
  const transport = smtpTransport(smtpSettings(await closedPort()));
  try {
    const { error } = await failure(() => transport.send(emailMessage()));
    assert.equal(error.permanent, false);
    assert.match(error.message, /ECONNREFUSED|ECONNECTION/);
  } finally {
    transport.close();
  }
});

test('smtp: a server that accepts TCP but never greets times out as transient within timeoutMs', LIMIT, async () => {
  const silent = await startSilentServer();
  const timeoutMs = 300;
  const transport = smtpTransport(smtpSettings(silent.port, timeoutMs));
  try {
    const { error, elapsed } = await failure(() => transport.send(emailMessage()));
    assert.equal(error.permanent, false);
    assert.match(error.message, /ETIMEDOUT/);
    assert.ok(elapsed >= timeoutMs * 0.9, `gave up too early (${elapsed} ms)`);
    assert.ok(elapsed < timeoutMs + 1_000, `took ${elapsed} ms`);
  } finally {
    transport.close();
    await silent.close();
  }
});

test('smtp: a server that greets and then stops answering times out as transient', LIMIT, async () => {
  const silent = await startSilentServer('220 mx.test ESMTP\r\n');
  const timeoutMs = 300;
  const transport = smtpTransport(smtpSettings(silent.port, timeoutMs));
  try {
    const { error, elapsed } = await failure(() => transport.send(emailMessage()));
    assert.equal(error.permanent, false);
    assert.match(error.message, /ETIMEDOUT/);
    assert.ok(elapsed < timeoutMs + 1_000, `took ${elapsed} ms`);
  } finally {
    transport.close();
    await silent.close();
  }
});

test('smtp: refuses a recipient that is not a single address, without contacting the server', LIMIT, async () => {
  const server = await startSmtpServer();
  const transport = smtpTransport(smtpSettings(server.port));
  try {
    for (const to of ['alice@example.com, mallory@evil.test', 'Mallory <mallory@evil.test>', 'no-at-sign', 'a@b\r\nBcc: x@y']) {
      const { error } = await failure(() => transport.send(emailMessage({ to })));
      assert.equal(error.permanent, true, to);
    }
    assert.equal(server.connections(), 0);
  } finally {
    transport.close();
    await server.close();
  }
});

test('smtp: an sms message is refused as permanent, and send after close rejects instead of hanging', LIMIT, async () => {
  const server = await startSmtpServer();
  const transport = smtpTransport(smtpSettings(server.port));
  try {
    assert.equal((await failure(() => transport.send(smsMessage()))).error.permanent, true);
    transport.close();
    transport.close(); // idempotent
    assert.equal((await failure(() => transport.send(emailMessage()))).error.permanent, false);
    assert.equal(server.received.length, 0);
  } finally {
    transport.close();
    await server.close();
  }
});

// --- SMS webhook peers -----------------------------------------------------------------------------------

interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** A real HTTP server; `respond` decides the answer (or never answers). */
async function startWebhook(respond: (req: ReceivedRequest, res: ServerResponse) => void) {
  const requests: ReceivedRequest[] = [];
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      requests.push(received);
      respond(received, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks/sms`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const answer = (status: number, body = '') => (_req: ReceivedRequest, res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(body);
};

/**
 * What a receiver does with `x-cognate-signature`: parse `t` and `v1`, recompute the HMAC over
 * `${t}.${raw body}`, compare in constant time, and check the timestamp is fresh.
 */
function verifySignature(header: string | undefined, rawBody: Buffer, secret: string, nowSeconds: number): { ok: boolean; t?: number } {
  if (!header) return { ok: false };
  const parts = new Map<string, string>();
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) parts.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const t = parts.get('t');
  const v1 = parts.get('v1');
  if (!t || !/^\d+$/.test(t) || !v1 || !/^[0-9a-f]{64}$/.test(v1)) return { ok: false };
  const expected = createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest();
  const matches = timingSafeEqual(expected, Buffer.from(v1, 'hex'));
  const fresh = Math.abs(nowSeconds - Number(t)) <= 300;
  return { ok: matches && fresh, t: Number(t) };
}

// --- SMS webhook ------------------------------------------------------------------------------------------

test('sms webhook: posts the JSON body with idempotency key and a signature a receiver can verify', LIMIT, async () => {
  const hook = await startWebhook(answer(202));
  const secret = 'whsec_test_9f8e7d';
  const transport = smsWebhookTransport({ url: hook.url, secret, timeoutMs: 2_000 });
  try {
    assert.equal(transport.name, `sms-webhook(${new URL(hook.url).origin})`);
    await transport.send(smsMessage());
    assert.equal(hook.requests.length, 1);
    const req = hook.requests[0]!;
    assert.equal(req.method, 'POST');
    assert.equal(req.path, '/hooks/sms');
    assert.equal(req.headers['content-type'], 'application/json');
    assert.equal(req.headers['x-cognate-idempotency-key'], 'msg-0002');
    assert.deepEqual(JSON.parse(req.body.toString('utf8')), {
      id: 'msg-0002',
      to: '+15555550123',
      text: `Your code is ${CODE}`,
      poolId: 'us-east-1_Example',
      kind: 'ForgotPassword',
    });

    const header = req.headers['x-cognate-signature'] as string | undefined;
    assert.match(header ?? '', /^t=\d+,v1=[0-9a-f]{64}$/);
    const now = Math.floor(Date.now() / 1000);
    assert.equal(verifySignature(header, req.body, secret, now).ok, true);
    // The same check fails for another secret or a tampered body.
    assert.equal(verifySignature(header, req.body, 'other-secret', now).ok, false);
    const tampered = Buffer.from(req.body.toString('utf8').replace(CODE, '000000'));
    assert.equal(verifySignature(header, tampered, secret, now).ok, false);
  } finally {
    await hook.close();
  }
});

test('sms webhook: the signature timestamp comes from the clock; retries keep the idempotency key', LIMIT, async () => {
  const hook = await startWebhook(answer(200, 'ok'));
  const clock = new ManualClock(1_700_000_000_500);
  const transport = smsWebhookTransport({ url: hook.url, secret: 's', timeoutMs: 2_000, clock });
  try {
    await transport.send(smsMessage({ id: 'same' }));
    clock.advance(61_000);
    await transport.send(smsMessage({ id: 'same' }));
    const [first, second] = hook.requests;
    assert.equal(verifySignature(first!.headers['x-cognate-signature'] as string, first!.body, 's', 1_700_000_000).t, 1_700_000_000);
    assert.equal(verifySignature(second!.headers['x-cognate-signature'] as string, second!.body, 's', 1_700_000_061).ok, true);
    assert.equal(first!.headers['x-cognate-idempotency-key'], 'same');
    assert.equal(second!.headers['x-cognate-idempotency-key'], 'same');
  } finally {
    await hook.close();
  }
});

test('sms webhook: without a secret there is no signature header', LIMIT, async () => {
  const hook = await startWebhook(answer(204));
  try {
    await smsWebhookTransport({ url: hook.url, timeoutMs: 2_000 }).send(smsMessage());
    assert.equal(hook.requests[0]!.headers['x-cognate-signature'], undefined);
    assert.equal(hook.requests[0]!.headers['x-cognate-idempotency-key'], 'msg-0002');
  } finally {
    await hook.close();
  }
});

test('sms webhook: 5xx, 408 and 429 are transient', LIMIT, async () => {
  for (const status of [500, 503, 408, 429]) {
    const hook = await startWebhook(answer(status, `echo: ${CODE}`));
    try {
      const transport = smsWebhookTransport({ url: hook.url, timeoutMs: 2_000 });
      const { error } = await failure(() => transport.send(smsMessage()));
      assert.equal(error.permanent, false, String(status));
      assert.match(error.message, new RegExp(`HTTP ${status}`));
    } finally {
      await hook.close();
    }
  }
});

test('sms webhook: 400 (and other 4xx, and redirects) are permanent', LIMIT, async () => {
  for (const status of [400, 404, 422, 302]) {
    const hook = await startWebhook((req, res) => {
      if (status === 302) res.writeHead(302, { location: '/elsewhere' }).end();
      else answer(status, `bad number, text was ${CODE}`)(req, res);
    });
    try {
      const transport = smsWebhookTransport({ url: hook.url, timeoutMs: 2_000 });
      const { error } = await failure(() => transport.send(smsMessage()));
      assert.equal(error.permanent, true, String(status));
      assert.equal(hook.requests.length, 1, 'the redirect is not followed');
    } finally {
      await hook.close();
    }
  }
});

test('sms webhook: a server that never answers is transient after timeoutMs', LIMIT, async () => {
  const hook = await startWebhook(() => {
    /* never respond */
  });
  const timeoutMs = 300;
  try {
    const transport = smsWebhookTransport({ url: hook.url, timeoutMs });
    const { error, elapsed } = await failure(() => transport.send(smsMessage()));
    assert.equal(error.permanent, false);
    assert.match(error.message, /no response within 300 ms/);
    assert.ok(elapsed >= timeoutMs * 0.9, `gave up too early (${elapsed} ms)`);
    assert.ok(elapsed < timeoutMs + 1_000, `took ${elapsed} ms`);
    assert.equal(hook.requests.length, 1);
  } finally {
    await hook.close();
  }
});

test('sms webhook: connection refused is transient', LIMIT, async () => {
  const transport = smsWebhookTransport({ url: `http://127.0.0.1:${await closedPort()}/sms`, timeoutMs: 2_000 });
  const { error } = await failure(() => transport.send(smsMessage()));
  assert.equal(error.permanent, false);
  assert.match(error.message, /ECONNREFUSED/);
});

test('sms webhook: rejects bad settings up front and email messages as permanent', async () => {
  assert.throws(() => smsWebhookTransport({ url: 'not a url' }), TypeError);
  assert.throws(() => smsWebhookTransport({ url: 'ftp://example.com/sms' }), TypeError);
  assert.throws(() => smsWebhookTransport({ url: 'http://example.com/sms', secret: '' }), TypeError);
  assert.throws(() => smsWebhookTransport({ url: 'http://example.com/sms', timeoutMs: 0 }), RangeError);
  const transport = smsWebhookTransport({ url: 'http://user:pw@127.0.0.1:9/sms?token=t' });
  assert.equal(transport.name, 'sms-webhook(http://127.0.0.1:9)', 'no credentials or query in the name');
  assert.equal((await failure(() => transport.send(emailMessage()))).error.permanent, true);
});

// --- console and routing ---------------------------------------------------------------------------------

test('console: prints a readable block with channel, recipient, subject and the code', async () => {
  const lines: string[] = [];
  const transport = consoleTransport((line) => lines.push(line));
  assert.equal(transport.name, 'console');
  await transport.send(emailMessage({ text: `Hello,\nYour verification code is ${CODE}\n` }));
  const output = lines.join('\n');
  assert.match(output, /EMAIL/);
  assert.match(output, /SignUp/);
  assert.match(output, /to: +alice@example\.com/);
  assert.match(output, /subject: +Your verification code/);
  assert.ok(lines.some((line) => line.includes(`Your verification code is ${CODE}`)));
  assert.ok(lines.every((line) => !line.includes('\n')), 'one line per write');

  lines.length = 0;
  await transport.send(smsMessage({ text: `code ${CODE}\u001b[2J` }));
  assert.match(lines.join('\n'), /SMS/);
  assert.match(lines.join('\n'), /to: +\+15555550123/);
  assert.ok(!lines.join('\n').includes('subject:'));
  assert.ok(lines.some((line) => line.includes(`code ${CODE}`)));
  assert.ok(!lines.join('\n').includes('\u001b'), 'control characters are neutralised');
});

test('routeByChannel: email and sms go to their transports, the missing one to the fallback', async () => {
  const sinks = { email: [] as string[], sms: [] as string[], fallback: [] as string[] };
  const sink = (name: keyof typeof sinks): MessageTransport => consoleTransport((line) => sinks[name].push(line));

  const both = routeByChannel({ email: sink('email'), sms: sink('sms'), fallback: sink('fallback') });
  await both.send(emailMessage({ id: 'e1' }));
  await both.send(smsMessage({ id: 's1' }));
  assert.ok(sinks.email.join('\n').includes('e1') && !sinks.email.join('\n').includes('s1'));
  assert.ok(sinks.sms.join('\n').includes('s1') && !sinks.sms.join('\n').includes('e1'));
  assert.equal(sinks.fallback.length, 0);

  const emailOnly = routeByChannel({ email: sink('email'), fallback: sink('fallback') });
  await emailOnly.send(smsMessage({ id: 's2' }));
  await emailOnly.send(emailMessage({ id: 'e2' }));
  assert.ok(sinks.fallback.join('\n').includes('s2') && !sinks.fallback.join('\n').includes('e2'));
  assert.ok(sinks.email.join('\n').includes('e2'));

  const fallbackOnly = routeByChannel({ fallback: sink('fallback') });
  await fallbackOnly.send(emailMessage({ id: 'e3' }));
  assert.ok(sinks.fallback.join('\n').includes('e3'));

  const bogus = { ...emailMessage(), channel: 'pigeon' } as unknown as OutboundMessage;
  assert.equal((await failure(() => both.send(bogus))).error.permanent, true);
});

test('routeByChannel: errors from the chosen transport pass through unchanged', LIMIT, async () => {
  const hook = await startWebhook(answer(400));
  try {
    const routed = routeByChannel({ sms: smsWebhookTransport({ url: hook.url, timeoutMs: 2_000 }), fallback: consoleTransport(() => {}) });
    const { error } = await failure(() => routed.send(smsMessage()));
    assert.equal(error.permanent, true);
    assert.match(error.message, /HTTP 400/);
  } finally {
    await hook.close();
  }
});
