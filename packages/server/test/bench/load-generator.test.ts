/**
 * The bench's own tools (bench/raw.mjs, bench/proc.mjs, bench/peer.mjs), so that `npm run bench`
 * keeps measuring what it says: the raw load generator's prebuilt requests get the right answers
 * from a real server and only 2xx answers count as operations; the process-tree CPU and peak
 * memory readings (`--workers N`, the peer) count children; the pinned cognito-local starts and answers the
 * same prebuilt requests. Short runs on SQLite: the figures themselves are not checked here.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { ADMIN, startTestServer, type TestServer } from '../support/server.js';

// The bench is plain JavaScript outside the packages: loaded by URL, untyped.
const bench = (file: string): Promise<any> => import(new URL(`../../../../bench/${file}`, import.meta.url).href);

const PASSWORD = 'Bench-Passw0rd!';

describe('the bench: raw load generator, process-tree CPU, the cognito-local peer', () => {
  let server: TestServer;
  let ctx: { url: string; poolId: string; clientId: string; users: { username: string; accessToken: string; refreshToken: string }[] };

  before(async () => {
    server = await startTestServer('sqlite');
    const poolId = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'bench' }))).UserPool!.Id!;
    const clientId = (
      await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'bench', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))
    ).UserPoolClient!.ClientId!;
    const users = [];
    for (const username of ['bench-a', 'bench-b']) {
      await server.admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: username, MessageAction: 'SUPPRESS' }));
      await server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: PASSWORD, Permanent: true }));
      const r = (await server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: username, PASSWORD } }))).AuthenticationResult!;
      users.push({ username, accessToken: r.AccessToken!, refreshToken: r.RefreshToken! });
    }
    ctx = { url: server.url, poolId, clientId, users };
  });

  after(async () => {
    await server?.stop();
  });

  it('the prebuilt GetUser, refresh and JWKS requests are checked against their answers, and a short autocannon run counts them', async () => {
    const raw = await bench('raw.mjs');
    for (const name of ['rawgetuser', 'rawrefresh', 'rawjwks']) {
      const prepared = await raw.prepareRaw(name, ctx);
      assert.equal(prepared.requests.length, name === 'rawjwks' ? 1 : 2, name);
      let samples = 0;
      const sample = async () => ({ at: performance.now(), n: samples++ });
      const r = await raw.runRaw({ url: server.url, prepared, connections: 2, pipelining: 1, seconds: 1, warmup: 0, timeoutSeconds: 10, sample });
      assert.equal(r.errorCount, 0, `${name}: ${JSON.stringify(r.errors)}`);
      assert.ok(r.ok > 0, `${name}: no operation completed`);
      assert.equal(r.latencies.length, r.ok);
      assert.ok(r.latencies[0] > 0 && r.latencies[0] <= r.latencies[r.latencies.length - 1], `${name}: latencies sorted and positive`);
      assert.equal(samples, 2, 'CPU sampled once before and once after the measured run');
    }
  });

  it('the prebuilt ListUsers requests are signed with the admin key and each checked for its prefix; signed with a wrong key, the scenario stops before its window', async () => {
    const raw = await bench('raw.mjs');
    for (const email of ['aa1@example.com', 'ab2@example.com', 'ba3@example.com']) {
      await server.admin.send(new AdminCreateUserCommand({ UserPoolId: ctx.poolId, Username: email.slice(0, 3), MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: email }] }));
    }
    const prefixes = ['a', 'ab', 'ba', 'zz'];
    let n = 0;
    const listCtx = { ...ctx, listPoolId: ctx.poolId, admin: ADMIN, randomPrefix: () => prefixes[n++ % prefixes.length] };
    const prepared = await raw.prepareRaw('rawlistusers', listCtx);
    assert.equal(prepared.requests.length, 1000);
    assert.ok(prepared.requests.every((r: { headers: Record<string, string> }) => /^AWS4-HMAC-SHA256 Credential=AKIACOGNATETESTADMIN\//.test(r.headers.authorization ?? '')));
    const r = await raw.runRaw({ url: server.url, prepared, connections: 2, pipelining: 1, seconds: 1, warmup: 0, timeoutSeconds: 10, sample: async () => ({}) });
    assert.equal(r.errorCount, 0, JSON.stringify(r.errors));
    assert.ok(r.ok > 0);
    await assert.rejects(
      raw.prepareRaw('rawlistusers', { ...listCtx, admin: { ...ADMIN, secretAccessKey: `${ADMIN.secretAccessKey}x` } }),
      /wrong answer before the window: ListUsers answered 403 {"__type":"InvalidSignatureException"/,
    );
  });

  it('a prebuilt request that gets a wrong answer stops the scenario before its window, and non-2xx answers are errors, not operations', async () => {
    const raw = await bench('raw.mjs');
    const broken = { ...ctx, users: [{ ...ctx.users[0]!, accessToken: `${ctx.users[0]!.accessToken}x` }] };
    await assert.rejects(raw.prepareRaw('rawgetuser', broken), /wrong answer before the window: GetUser answered 400/);
    // Sent anyway (as an unchecked list), every answer is an error.
    const requests = (await raw.RAW_SCENARIOS.rawgetuser.ops(broken)).flat().map((r: { request: unknown }) => r.request);
    const r = await raw.runRaw({ url: server.url, prepared: { perOp: 1, requests }, connections: 2, pipelining: 1, seconds: 1, warmup: 0, timeoutSeconds: 10, sample: async () => ({}) });
    assert.equal(r.ok, 0);
    assert.ok(r.errorCount > 0);
    assert.deepEqual(Object.keys(r.errors), ['HTTP 400']);
  });

  it('the CPU of a server process tree includes its children (what --workers N and the peer are measured by)', async () => {
    const { processTreeCpuSeconds, processTreeSize } = await bench('proc.mjs');
    // A parent that forks a child; the child burns 0.4 s of CPU (user time), then both wait to be read.
    const dir = await mkdtemp(path.join(tmpdir(), 'cognate-bench-proc-'));
    const file = path.join(dir, 'tree.cjs');
    await writeFile(
      file,
      `const { fork } = require('node:child_process');
      if (process.argv[2] === 'child') { while (process.cpuUsage().user < 400000); process.send('done'); process.on('disconnect', () => process.exit(0)); setInterval(() => {}, 1000); }
      else { const c = fork(__filename, ['child']); c.on('message', () => process.stdout.write('ready\\n')); }`,
    );
    const parent = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await once(parent.stdout, 'data');
      assert.equal(processTreeSize(parent.pid), 2);
      const cpu = processTreeCpuSeconds(parent.pid);
      assert.ok(cpu >= 0.38, `the tree used ${cpu} s of CPU; the child alone burned 0.4 s`);
    } finally {
      parent.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the peak resident memory of a server process tree is watched per process over a window, children included (the RSS column)', async () => {
    const { watchPeakRss, readMemory } = await bench('proc.mjs');
    // A parent that forks a child; told to, the child touches 80 MB and says so.
    const dir = await mkdtemp(path.join(tmpdir(), 'cognate-bench-rss-'));
    const file = path.join(dir, 'tree.cjs');
    await writeFile(
      file,
      `const { fork } = require('node:child_process');
      if (process.argv[2] === 'child') { let keep; process.on('message', () => { keep = Buffer.alloc(80e6, 1); process.send('grown'); }); process.send('up'); process.on('disconnect', () => process.exit(0)); setInterval(() => keep, 1000); }
      else { const c = fork(__filename, ['child']); c.on('message', (m) => process.stdout.write(m + '\\n')); process.stdin.on('data', () => c.send('grow')); }`,
    );
    const parent = spawn(process.execPath, [file], { stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      await once(parent.stdout, 'data'); // 'up'
      const watch = watchPeakRss(parent.pid, { intervalMs: 20 });
      parent.stdin.write('go\n');
      await once(parent.stdout, 'data'); // 'grown'
      const peaks: { pid: number; root: boolean; peakBytes: number; exact: boolean }[] = watch.stop();
      assert.equal(peaks.length, 2, 'the parent and its child');
      assert.equal(peaks[0]!.root, true);
      assert.equal(peaks[0]!.pid, parent.pid);
      const child = peaks[1]!;
      assert.ok(child.peakBytes >= 80e6, `the child peaked at ${child.peakBytes} bytes; it touched 80 MB`);
      assert.ok(child.peakBytes <= readMemory(child.pid).hwm, 'never above the kernel\'s own peak');
      assert.ok(peaks[0]!.peakBytes < 80e6, 'the parent did not grow');
    } finally {
      parent.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('cognito-local, the pinned peer of --compare, starts, takes the same users and answers the same prebuilt requests', async () => {
    const { startPeer, setUpPeer } = await bench('peer.mjs');
    const raw = await bench('raw.mjs');
    const mapLimit = (items: unknown[], _limit: number, fn: (item: unknown, i: number) => Promise<unknown>) => Promise.all(items.map(fn));
    const { createServer } = await import('node:net');
    const port: number = await new Promise((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const peer = await startPeer(port, () => {});
    try {
      const setup = await setUpPeer(peer.url, { count: 2, password: PASSWORD, mapLimit });
      assert.equal(setup.users.length, 2);
      for (const name of ['rawgetuser', 'rawrefresh']) await raw.prepareRaw(name, { url: peer.url, ...setup });
      assert.ok((await peer.cpuSeconds()) > 0);
    } finally {
      peer.child.kill('SIGINT');
      await peer.exited;
      await peer.removeFolder();
    }
  });
});
