#!/usr/bin/env node
// The hosted UI's sign-in round trip, measured from outside (issue 12's bench): each virtual user is
// a browser without rendering — its own cookie jar, plain HTTP — doing what a person's browser and
// the app's backend do for one sign-in:
//
//   GET /oauth2/authorize (→ 302 /login)  GET /login (the form, a CSRF token, the cookie)
//   POST /login (→ 302 to the callback with a code)  POST /oauth2/token (code + PKCE verifier → tokens)
//
// Every answer is checked (status, Location, tokens). A Cognate server runs as its own process
// (packages/server/dist, SQLite with the shipped settings, argon2id included), on a free 127.0.0.1
// port with a throwaway data folder; the load is closed loops of virtual users in this process.
//
//   npm run build && node bench/hosted-ui.mjs
//
// Environment: BENCH_SECONDS (10), BENCH_WARMUP (2), BENCH_CONCURRENCY (16), BENCH_USERS (50),
// BENCH_DATABASE_URL (PostgreSQL instead of SQLite). Prints round trips per second, latency
// percentiles of the whole round trip and of each step, and the server's CPU per round trip
// (from its /metrics).
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'packages/server/dist/cli.js');
const ADMIN = { accessKeyId: 'AKIACOGNATEBENCHADMIN', secretAccessKey: 'cognate-bench-admin-secret-0123456789abcdef' };
const PASSWORD = 'Bench-Passw0rd!';
const CALLBACK = 'https://app.example.com/callback';
const num = (name, fallback) => (process.env[name] ? Number(process.env[name]) : fallback);
const settings = { seconds: num('BENCH_SECONDS', 10), warmup: num('BENCH_WARMUP', 2), concurrency: num('BENCH_CONCURRENCY', 16), users: num('BENCH_USERS', 50), databaseUrl: process.env.BENCH_DATABASE_URL ?? '' };

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startServer(dataDir) {
  const port = await freePort();
  const env = { ...process.env, COGNATE_ADMIN_ACCESS_KEY_ID: ADMIN.accessKeyId, COGNATE_ADMIN_SECRET_ACCESS_KEY: ADMIN.secretAccessKey, COGNATE_PRINT_OUTBOX: 'false', DATABASE_URL: settings.databaseUrl };
  const child = spawn(process.execPath, [cli, 'start', '--host', '127.0.0.1', '--port', String(port), '--data-dir', dataDir, '--log-level', 'warn'], { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/health/ready`)).ok) return { child, url };
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('the server did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function serverCpuSeconds(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^cognate_process_cpu_seconds_total(?:\{[^}]*\})? ([0-9.eE+-]+)$/m.exec(text)[1]);
}

/** One browser: a cookie jar, no redirects followed. */
class Browser {
  cookies = new Map();
  constructor(base) {
    this.base = base;
  }
  async request(pathOrUrl, init = {}) {
    const headers = { ...(init.headers ?? {}) };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(pathOrUrl.startsWith('http') ? pathOrUrl : this.base + pathOrUrl, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return { status: res.status, location: res.headers.get('location'), body: await res.text() };
  }
}

function check(ok, what) {
  if (!ok) throw new Error(what);
}

/** One sign-in round trip; returns the time of each step in ms. */
async function roundTrip(url, clientId, username) {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const query = new URLSearchParams({ client_id: clientId, response_type: 'code', redirect_uri: CALLBACK, scope: 'openid email', state: randomBytes(8).toString('hex'), code_challenge: challenge, code_challenge_method: 'S256' });
  const browser = new Browser(url);
  const t0 = performance.now();
  const authorize = await browser.request(`/oauth2/authorize?${query}`);
  check(authorize.status === 302 && authorize.location?.startsWith('/login?'), `authorize: ${authorize.status}`);
  const t1 = performance.now();
  const login = await browser.request(authorize.location);
  check(login.status === 200, `login page: ${login.status}`);
  const action = /<form method="post" action="([^"]+)"/.exec(login.body)[1].replace(/&amp;/g, '&');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(login.body)[1];
  const t2 = performance.now();
  const posted = await browser.request(action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrf, username, password: PASSWORD }).toString() });
  check(posted.status === 302 && posted.location?.startsWith(`${CALLBACK}?`), `login POST: ${posted.status} ${posted.body.slice(0, 200)}`);
  const code = new URL(posted.location).searchParams.get('code');
  const t3 = performance.now();
  const token = await fetch(`${url}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId, code, redirect_uri: CALLBACK, code_verifier: verifier }) });
  const tokens = await token.json();
  check(token.status === 200 && tokens.id_token && tokens.access_token && tokens.refresh_token, `token: ${token.status}`);
  const t4 = performance.now();
  return { total: t4 - t0, authorize: t1 - t0, loginPage: t2 - t1, loginPost: t3 - t2, token: t4 - t3 };
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function main() {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'cognate-bench-hosted-'));
  const server = await startServer(dataDir);
  try {
    const admin = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: server.url, credentials: ADMIN, maxAttempts: 1 });
    const poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'bench-hosted' }))).UserPool.Id;
    const clientId = (
      await admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['code'], AllowedOAuthScopes: ['openid', 'email'], SupportedIdentityProviders: ['COGNITO'], CallbackURLs: [CALLBACK], PreventUserExistenceErrors: 'ENABLED' }))
    ).UserPoolClient.ClientId;
    const users = Array.from({ length: settings.users }, (_, i) => `bench-${i}`);
    for (const Username of users) {
      await admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username, MessageAction: 'SUPPRESS', TemporaryPassword: PASSWORD }));
      await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username, Password: PASSWORD, Permanent: true }));
    }
    admin.destroy();

    const samples = [];
    let measuring = false;
    let stop = false;
    let next = 0;
    const vu = async () => {
      while (!stop) {
        const username = users[next++ % users.length];
        const started = performance.now();
        const r = await roundTrip(server.url, clientId, username);
        if (measuring && started >= measureFrom) samples.push(r);
      }
    };
    let measureFrom = Infinity;
    const loops = Array.from({ length: settings.concurrency }, vu);
    await new Promise((r) => setTimeout(r, settings.warmup * 1000));
    const cpu0 = await serverCpuSeconds(server.url);
    measureFrom = performance.now();
    measuring = true;
    await new Promise((r) => setTimeout(r, settings.seconds * 1000));
    measuring = false;
    const windowS = (performance.now() - measureFrom) / 1000;
    const cpu1 = await serverCpuSeconds(server.url);
    stop = true;
    await Promise.all(loops);

    const ms = (v) => `${v.toFixed(1)} ms`;
    const line = (name, values) => {
      const s = [...values].sort((a, b) => a - b);
      return `| ${name} | ${ms(pct(s, 50))} | ${ms(pct(s, 90))} | ${ms(pct(s, 99))} |`;
    };
    const n = samples.length;
    console.log(`\nHosted-UI sign-in round trips (${settings.databaseUrl ? 'PostgreSQL' : 'SQLite'}, ${settings.concurrency} browsers, ${windowS.toFixed(1)} s, ${os.cpus().length} cores shared with the load generator)\n`);
    console.log(`${n} round trips, ${(n / windowS).toFixed(1)} per second, server CPU ${((1000 * (cpu1 - cpu0)) / n).toFixed(1)} ms per round trip\n`);
    console.log('| step | p50 | p90 | p99 |\n| --- | --- | --- | --- |');
    for (const step of ['total', 'authorize', 'loginPage', 'loginPost', 'token']) console.log(line(step, samples.map((s) => s[step])));
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
