#!/usr/bin/env node
// `npm run bench`: Cognate's throughput and latency for the sign-in paths, measured from outside.
//
// A Cognate server runs as a separate process (its own event loop) on a free 127.0.0.1 port with
// a throwaway data folder (SQLite by default, the shipped settings: argon2id 19 MiB/t=2, WAL with
// synchronous=FULL). The load comes from worker threads of this process, each with one AWS SDK v3
// client (keep-alive, maxAttempts 1), as closed loops of virtual users. Each scenario runs for a
// warm-up plus a fixed window; only operations that complete inside the window count.
//
// Environment:
//   BENCH_SECONDS      measured seconds per scenario (10)
//   BENCH_WARMUP       warm-up seconds per scenario, not counted (2)
//   BENCH_CONCURRENCY  virtual users in flight, over all threads (16)
//   BENCH_WORKERS      load-generator threads (1; the machine's cores are shared with the server)
//   BENCH_USERS        users signed up and spread over the load (50)
//   BENCH_POPULATION   more users seeded (with `cognate users import`) into the same pool beside them (0):
//                      the sign-in scenarios at a directory of that size (issue 16: SRP and password
//                      sign-in p99 at 1,000,000 users within 1.2x of the figure at 1,000)
//   BENCH_SCENARIOS    comma-separated subset of srp,password,refresh,getuser,admincreateuser,signup,
//                      listusers,getid,getidguest,verify,verifylib,wrongpassword,unknownuser,srpwrong,
//                      srpunknown,passwordauth,srpstart,srpverifier,forgot,clientcredentials,hostedui,
//                      console,rawgetuser,rawrefresh,rawgetid,rawverify,rawjwks,jwtverify,rawsrp,rawlistusers (all thirty; wrongpassword to
//                      srpunknown measure timing parity as separate scenarios, one request at a time;
//                      passwordauth, srpstart, srpverifier and forgot are timing-parity pairs, each run as one scenario whose
//                      two sides — a real user and a name no one has — alternate request by request)
//   BENCH_LISTUSERS_POPULATION  users seeded (with `cognate users import`, not the API) in the pool
//                      the listusers, rawlistusers and console scenarios read (100000; the ListUsers target is stated for 1000000)
//   BENCH_EPHEMERALS   SRP client ephemerals (a, A) precomputed before the window (2048)
//   BENCH_PROFILE      1: run the server under `node --cpu-prof` and print its hottest frames
//   BENCH_DATABASE_URL or `--database-url <url>`: run the server on PostgreSQL instead of SQLite
//   BENCH_SERVER_ARGS  extra flags for `cognate start`, space-separated
//   BENCH_KEEP         1: keep the data folder (and print where it is)
//   BENCH_QUIET_WAIT   seconds to wait, before each scenario, for other processes to leave the
//                      CPUs alone (30); the report shows how much CPU they took during each window
//   BENCH_RETRIES      times a scenario is run again when other processes took ≥ 0.25 cores during
//                      its window (2); the quietest attempt is reported
//   BENCH_DOCS         where the generated markdown report is appended (docs/benchmarks.md; 0: nowhere)
//   BENCH_SIGNED       requests each thread signs (SigV4, @smithy/signature-v4) with identity-pool
//                      credentials before a verifier scenario, and sends round-robin (256)
//   BENCH_PIPELINING   requests in flight on each connection of the raw scenarios (1)
//   BENCH_RENEW_MINUTES  a raw scenario first renews the users' tokens (and identity credentials) older
//                      than this (30; they last an hour, and a whole run can take longer)
//   (every run: argon2id's CPU per hash and per verification on this host, measured in this process
//   with the server's hasher and argon2 settings before the server starts, the median of 10, is in
//   each report's header; on Linux each scenario's peak resident memory per server process during
//   its window, from /proc, is reported against issue 16's ≤ 300 MB per worker)
//   BENCH_SERVER_WORKERS or `--workers N`: `cognate start --workers N` (server processes sharing the
//                      port; not BENCH_WORKERS, which is the load generator's threads); `--workers 1,2`
//                      runs the set once per count and writes the scaling table. Without it the server
//                      runs with its own default (one worker per core). On Linux the server's CPU is
//                      read from /proc over the primary and its workers (elsewhere from /metrics)
//   BENCH_COMPARE or `--compare cognito-local`: after Cognate's scenarios, stop it, start cognito-local
//                      (pinned devDependency) set up with the same users, run the scenarios both support
//                      (password, refresh, getuser, rawrefresh, rawgetuser; the default scenario set
//                      under --compare) against it and print and write the ratio (bench/peer.mjs)
//
// Raw scenarios (bench/raw.mjs: the server, not an SDK, is measured): each request is built (and
// SigV4-signed where it must be) before the window, its answer checked once, then autocannon sends
// the prebuilt bytes over BENCH_CONCURRENCY keep-alive connections from this process:
//   rawgetuser  GetUser;  rawrefresh  InitiateAuth REFRESH_TOKEN_AUTH
//   rawgetid    GetId + GetCredentialsForIdentity (a pair per operation)
//   rawverify   POST /identity/verify (the credentials verifier);  rawjwks  GET /<pool>/.well-known/jwks.json
//   rawlistusers  ListUsers on the seeded pool, 1,000 requests with random email prefixes, admin-signed
//   rawsrp      USER_SRP_AUTH + PASSWORD_VERIFIER as raw awsJson POSTs from the load threads (not
//               prebuilt: the claim answers the server's B)
//   jwtverify   aws-jwt-verify checking access tokens in the load threads (JWKS fetched once): a relying
//               party's cost, no server call
//
// The identity-pool scenarios run against an identity pool made with `cognate identity-pool create`
// (guests allowed, the bench's user pool client as provider, an authenticated role whose policy
// allows s3:GetObject under `private/${cognito-identity.amazonaws.com:sub}/`), with the ID token
// each user got at set-up (@aws-sdk/client-cognito-identity):
//   getid       GetId + GetCredentialsForIdentity with a user-pool login: one pair per operation
//   getidguest  the same pair for a new guest (GetId without logins makes a new identity each time)
//   verify      POST /identity/verify (the verifier over HTTP) on a request SigV4-signed with the
//               built-in broker's credentials; the answer must be `allowed`
//   verifylib   the same check in-process: each load thread opens the server's database with
//               `createCognate` (the library the server is built on) and calls
//               `cognate.identity.verifier.verify()`; no server CPU is involved, the "load" columns
//               are the verifier's cost

import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  CreateResourceServerCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoIdentityClient, GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { summarizeProfile } from './profile.mjs';
import { RAW_SCENARIOS, prepareRaw, runRaw } from './raw.mjs';
import { PEER_SCENARIOS, peerVersion, setUpPeer, startPeer } from './peer.mjs';
import { procAvailable, processTreeCpuSeconds, processTreeSize, watchPeakRss } from './proc.mjs';

// The SDK warns once per client about Node 20 leaving its support window; it says nothing about this run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'packages/server/dist/cli.js');

// ---------------------------------------------------------------------------------------------
// Settings

const SCENARIOS = {
  srp: { label: 'SRP sign-in', target: 330, what: 'InitiateAuth USER_SRP_AUTH + RespondToAuthChallenge PASSWORD_VERIFIER' },
  password: { label: 'password sign-in', target: 80, what: 'InitiateAuth USER_PASSWORD_AUTH' },
  refresh: { label: 'refresh', target: 800, what: 'InitiateAuth REFRESH_TOKEN_AUTH' },
  getuser: { label: 'GetUser', target: 5000, what: 'GetUser with an access token' },
  admincreateuser: { label: 'AdminCreateUser', target: null, what: 'AdminCreateUser, MessageAction SUPPRESS, unique usernames (admin-signed)' },
  signup: { label: 'SignUp', target: 80, what: 'SignUp with a unique username, a password and an email (auto-verified: a code is queued)' },
  listusers: { label: 'ListUsers', targetP99: 50, listPool: true, what: 'ListUsers, Filter email ^= "<random 3-char prefix>", Limit 60 (admin-signed)' },
  getid: { label: 'GetId + GetCredentialsForIdentity (user pool login)', target: 2000, what: 'GetId then GetCredentialsForIdentity with a user pool ID token: one pair per operation', identity: true },
  getidguest: { label: 'GetId + GetCredentialsForIdentity (new guest)', target: 2000, what: 'GetId without logins (a new guest identity) then GetCredentialsForIdentity: one pair per operation', identity: true },
  verify: { label: 'verifier checks, HTTP (POST /identity/verify)', target: null, what: 'POST /identity/verify with a request SigV4-signed with built-in credentials (allowed by the role policy)', identity: true, signed: true },
  wrongpassword: { label: 'wrong password, real user (USER_PASSWORD_AUTH)', target: null, parity: 'unknownuser', concurrency: 1, what: 'USER_PASSWORD_AUTH with a wrong password, one at a time (a right sign-in, not timed, before every 4th wrong one keeps users below the lockout)' },
  unknownuser: { label: 'unknown user (USER_PASSWORD_AUTH)', target: null, concurrency: 1, what: 'USER_PASSWORD_AUTH for a username no one has, one at a time' },
  srpwrong: { label: 'wrong password, real user (SRP)', target: null, parity: 'srpunknown', concurrency: 1, what: 'USER_SRP_AUTH + PASSWORD_VERIFIER with a claim from a wrong password, one at a time (lockout kept off as above)' },
  srpunknown: { label: 'unknown user (SRP)', target: null, concurrency: 1, what: 'USER_SRP_AUTH + PASSWORD_VERIFIER for a username no one has (fake salt and B), one at a time' },
  passwordauth: { label: 'USER_PASSWORD_AUTH, wrong password', pair: true, concurrency: 1, what: 'InitiateAuth USER_PASSWORD_AUTH with a wrong password for a real user (A) and for a name no one has (B), alternating A B B A; only that request is timed (lockout kept off as above)' },
  srpstart: { label: 'SRP start (USER_SRP_AUTH)', pair: true, concurrency: 1, what: 'InitiateAuth USER_SRP_AUTH for a real user (A) and for a name no one has (B), alternating A B B A; each answers PASSWORD_VERIFIER' },
  srpverifier: { label: 'SRP PASSWORD_VERIFIER, wrong password', pair: true, concurrency: 1, what: 'RespondToAuthChallenge PASSWORD_VERIFIER with a claim from a wrong password for a real user (A) and for a name no one has (B), alternating; only that step is timed (lockout kept off as above)' },
  forgot: { label: 'ForgotPassword', pair: true, concurrency: 1, what: 'ForgotPassword for a real user with a verified email (A: a code is sent) and for a name no one has (B: a simulated delivery), alternating; at most 20 per real user (the hourly cap)' },
  clientcredentials: { label: 'client_credentials token (POST /oauth2/token)', target: 1500, what: 'POST /oauth2/token grant_type=client_credentials with client_secret_basic and scope bench/read: one RS256 machine token per operation' },
  hostedui: { label: 'hosted-UI sign-in round trip', target: null, what: 'a new plain-HTTP "browser" (cookie jar, no rendering) per sign-in: GET /oauth2/authorize (code, PKCE S256) → GET /login → POST /login with the CSRF token and the password → the callback\'s code → POST /oauth2/token (authorization_code + code_verifier); one operation = the whole round trip' },
  console: { label: 'console: user search + user page', target: null, prepare: true, listPool: true, what: 'the admin console, signed in with the admin key pair (a session cookie per load thread): GET the users page of the ListUsers pool searched by email ^= a random 3-character prefix (ListUsers, Limit 25, rendered), then GET the page of the first user it lists (AdminGetUser, groups, devices, auth events); one operation = both pages' },
  verifylib: { label: 'verifier checks, in-process library', target: null, what: 'cognate.identity.verifier.verify() in the load threads on requests SigV4-signed with built-in credentials', identity: true, signed: true },
};
// The raw load generator's scenarios (bench/raw.mjs): prebuilt HTTP requests sent by autocannon.
for (const [name, scenario] of Object.entries(RAW_SCENARIOS)) SCENARIOS[name] = { ...scenario, raw: true };
/** Whether a chosen scenario reads the seeded ListUsers pool. */
const needsListPool = () => settings.scenarios.some((name) => SCENARIOS[name]?.listPool);
// SRP's second step answers the server's B and salt, so it can't be prebuilt: the load threads send
// both calls as raw awsJson POSTs (no SDK), on BENCH_WORKERS threads (bench/worker.mjs).
// The token verifier of a relying party: aws-jwt-verify in the load threads (JWKS fetched once).
SCENARIOS.jwtverify = { label: 'access-token checks, aws-jwt-verify in-process', target: null, prepare: true, what: 'aws-jwt-verify (CognitoJwtVerifier) verifying access tokens in the load threads, with the JWKS fetched from the server once before the window: the relying party\'s cost, no server call' };
SCENARIOS.rawsrp = { label: 'SRP sign-in, raw HTTP (no SDK)', target: 330, what: 'InitiateAuth USER_SRP_AUTH + RespondToAuthChallenge PASSWORD_VERIFIER as raw awsJson POSTs from the load threads (the claim computed per sign-in, ephemerals precomputed)' };

function intEnv(name, fallback, min = 1) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new Error(`${name} must be a number ≥ ${min}, got ${raw}`);
  return n;
}

function argValue(name) {
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    if (args[i] === name) return args[i + 1];
    if (args[i].startsWith(`${name}=`)) return args[i].slice(name.length + 1);
  }
  return undefined;
}

/** `--flag N` or `--flag N,M,…` (or the environment variable): the list; [undefined] when neither is given. */
function optionalInts(flag, env) {
  const raw = argValue(flag) ?? process.env[env];
  if (raw === undefined || raw === '') return [undefined];
  return raw.split(',').map((v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} (${env}) takes whole numbers ≥ 1, comma-separated; got ${raw}`);
    return n;
  });
}

const settings = {
  seconds: intEnv('BENCH_SECONDS', 10),
  warmup: intEnv('BENCH_WARMUP', 2, 0),
  concurrency: intEnv('BENCH_CONCURRENCY', 16),
  workers: intEnv('BENCH_WORKERS', 1),
  users: intEnv('BENCH_USERS', 50),
  population: intEnv('BENCH_POPULATION', 0),
  listUsersPopulation: intEnv('BENCH_LISTUSERS_POPULATION', 100_000),
  ephemerals: intEnv('BENCH_EPHEMERALS', 2048),
  profile: process.env.BENCH_PROFILE === '1' || process.env.BENCH_PROFILE === 'true',
  quietWait: intEnv('BENCH_QUIET_WAIT', 30, 0),
  retries: intEnv('BENCH_RETRIES', 2, 0),
  signed: intEnv('BENCH_SIGNED', 256),
  keep: process.env.BENCH_KEEP === '1' || process.env.BENCH_KEEP === 'true',
  databaseUrl: argValue('--database-url') ?? process.env.BENCH_DATABASE_URL ?? '',
  serverArgs: (process.env.BENCH_SERVER_ARGS ?? '').split(/\s+/).filter(Boolean),
  /** `cognate start --workers N` for each N in turn (`--workers 1,2` measures the scale-out); [undefined]: no flag. */
  serverWorkersList: optionalInts('--workers', 'BENCH_SERVER_WORKERS'),
  /** The N of the server running now (undefined: no flag, the server's own default). */
  serverWorkers: undefined,
  /** Processes of the server running now (primary and workers), seen once it is set up. */
  serverProcesses: 1,
  compare: argValue('--compare') ?? process.env.BENCH_COMPARE ?? '',
  pipelining: intEnv('BENCH_PIPELINING', 1),
  scenarios: (process.env.BENCH_SCENARIOS ?? (argValue('--compare') ?? process.env.BENCH_COMPARE ? PEER_SCENARIOS : Object.keys(SCENARIOS)).join(','))
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean),
};
settings.workers = Math.min(settings.workers, settings.concurrency);
for (const s of settings.scenarios) if (!SCENARIOS[s]) throw new Error(`unknown scenario ${s} (known: ${Object.keys(SCENARIOS).join(', ')})`);
if (settings.compare && settings.compare !== 'cognito-local') throw new Error(`--compare knows one peer, cognito-local; got ${settings.compare}`);
if (settings.compare && !settings.scenarios.some((s) => PEER_SCENARIOS.includes(s))) throw new Error(`--compare cognito-local needs at least one of ${PEER_SCENARIOS.join(', ')} in BENCH_SCENARIOS`);

const ADMIN = { accessKeyId: 'AKIACOGNATEBENCHADMIN', secretAccessKey: 'cognate-bench-admin-secret-0123456789abcdef' };
const PASSWORD = 'Bench-Passw0rd!';
/** Where the hostedui scenario's sign-ins end: never fetched, the code is read from the Location. */
const HOSTED_UI_CALLBACK = 'https://bench.example/callback';
const REQUEST_TIMEOUT_MS = 15_000;
/** How long a scenario may run past its deadline while in-flight calls finish. */
const DRAIN_MS = REQUEST_TIMEOUT_MS + 5_000;

const log = (line) => process.stderr.write(`bench: ${line}\n`);

// ---------------------------------------------------------------------------------------------
// Clean-up: the server child, the worker threads and the data folder go whatever happens.

let server; // { child, exited: Promise<number|null>, url, port, cpuSeconds(), removeFolder?() }: Cognate, then the peer of --compare
let dataDir;
const workers = [];
let cleaning;

/** Stops the server under test (SIGINT, then SIGKILL after 10 s) and removes the peer's working folder. */
async function stopServer() {
  if (server && server.child.exitCode === null && server.child.signalCode === null) {
    server.child.kill('SIGINT'); // graceful: lets --cpu-prof write its profile
    const stopped = await Promise.race([server.exited.then(() => true), sleep(10_000).then(() => false)]);
    if (!stopped) {
      log('the server did not stop within 10 s of SIGINT; killing it');
      server.child.kill('SIGKILL');
      await Promise.race([server.exited, sleep(2_000)]);
    }
  }
  if (server?.removeFolder && !settings.keep) await server.removeFolder().catch(() => {});
}

async function stopWorkers() {
  for (const w of workers) await w.terminate().catch(() => {});
  workers.length = 0;
}

function cleanup() {
  cleaning ??= (async () => {
    await stopWorkers();
    await stopServer();
    if (dataDir && !settings.keep) await rm(dataDir, { recursive: true, force: true }).catch(() => {});
    if (dataDir && settings.keep) log(`data folder kept: ${dataDir}`);
  })();
  return cleaning;
}

// Last resort if we die without running cleanup(): never leave the server behind.
process.on('exit', () => {
  if (server && server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
});
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    cleanup().finally(() => process.exit(130));
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Rejects after `ms` with a message: every wait in this script has one. */
function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${Math.round(ms / 1000)} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------------------------------------
// The server process

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function serverEnv() {
  return {
    ...process.env,
    COGNATE_ADMIN_ACCESS_KEY_ID: ADMIN.accessKeyId,
    COGNATE_ADMIN_SECRET_ACCESS_KEY: ADMIN.secretAccessKey,
    COGNATE_PRINT_OUTBOX: 'false',
    // The bench measures the server, not Cognito's request-rate quotas (docs/rate-limits.md).
    COGNATE_RATE_LIMITS: 'off',
    DATABASE_URL: settings.databaseUrl,
  };
}

async function startServer(profileDir) {
  const port = await freePort();
  const nodeFlags = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const processes = settings.serverWorkers ? ['--workers', String(settings.serverWorkers)] : [];
  const args = [...nodeFlags, cli, 'start', '--host', '127.0.0.1', '--port', String(port), '--data-dir', dataDir, '--issuer-style', 'aws', '--log-level', 'warn', ...processes, ...settings.serverArgs];
  const child = spawn(process.execPath, args, { cwd: root, env: serverEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const forward = (stream) => {
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      buffered += chunk;
      let nl;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.trim()) process.stderr.write(`[server] ${line}\n`);
      }
    });
  };
  forward(child.stdout);
  forward(child.stderr);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  // The CPU of the whole process tree, from /proc: with several processes (`--workers N`, node:cluster;
  // the server's default is one per core) /metrics answers for the one worker a request lands on.
  // Where there is no /proc, the server's own /metrics (right for one process).
  server = { child, exited, url: `http://127.0.0.1:${port}`, port, cpuSeconds: CPU_FROM_PROC ? async () => processTreeCpuSeconds(child.pid) : metricsCpuSeconds };

  // Wait for /health/ready (or the child's death), 60 s at most.
  const deadline = Date.now() + 60_000;
  let dead = false;
  exited.then(() => (dead = true));
  for (;;) {
    if (dead) throw new Error(`the server exited (${await exited}) before it was ready`);
    try {
      const res = await fetch(`${server.url}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error('the server was not ready within 60 s');
    await sleep(100);
  }
}

/** Linux: the server's CPU is read from /proc over its process tree (see startServer). */
const CPU_FROM_PROC = procAvailable();

/** The CPU seconds of the server under test (Cognate's primary and workers, or the peer). */
const serverCpuSeconds = () => server.cpuSeconds();

/** The server process's CPU seconds (user + system, every thread), from its Prometheus metrics. */
async function metricsCpuSeconds() {
  const res = await fetch(`${server.url}/metrics`, { signal: AbortSignal.timeout(5_000) });
  const text = await res.text();
  const m = /^cognate_process_cpu_seconds_total(?:\{[^}]*\})? ([0-9.eE+-]+)$/m.exec(text);
  if (!m) throw new Error('no cognate_process_cpu_seconds_total in /metrics');
  return Number(m[1]);
}

/** Runs the CLI's outbox command on the server's database and returns its messages. */
function readOutbox(poolId, limit) {
  return new Promise((resolve, reject) => {
    const args = [cli, 'outbox', '--json', '--data-dir', dataDir, '--pool', poolId, '--limit', String(limit), '--log-level', 'warn'];
    const child = spawn(process.execPath, args, { cwd: root, env: serverEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (out += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`cognate outbox exited with ${code}`));
      try {
        resolve(JSON.parse(out));
      } catch (e) {
        reject(new Error(`cognate outbox printed no JSON: ${e.message}`));
      }
    });
  });
}

/**
 * CPU seconds spent by the whole machine (every process, /proc/stat, Linux only), so that the CPU
 * taken by processes other than the server and this one during a window can be reported.
 */
function machineBusySeconds() {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/);
    const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
    return (user + nice + system + irq + softirq + (steal || 0)) / 100; // USER_HZ
  } catch {
    return NaN;
  }
}

/** CLOCK_MONOTONIC in µs: the clock V8 stamps CPU-profile samples with. */
const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

const benchCpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Cores used by processes other than the server and this one over the next `ms`. */
async function otherCores(ms) {
  const m0 = machineBusySeconds();
  const s0 = await serverCpuSeconds();
  const b0 = benchCpuSeconds();
  const t0 = performance.now();
  await sleep(ms);
  const m1 = machineBusySeconds();
  const s1 = await serverCpuSeconds();
  const b1 = benchCpuSeconds();
  return (m1 - m0 - (s1 - s0) - (b1 - b0)) / ((performance.now() - t0) / 1000);
}

/** Below this many cores used by other processes, a window counts as quiet. */
const QUIET_CORES = 0.25;

/** Waits (up to BENCH_QUIET_WAIT seconds) until other processes use less than QUIET_CORES. */
async function waitForQuietMachine() {
  if (!Number.isFinite(machineBusySeconds())) return;
  const until = Date.now() + settings.quietWait * 1000;
  let announced = false;
  for (;;) {
    const other = await otherCores(2_000);
    if (other < QUIET_CORES) {
      if (announced) log(`  the machine is quiet now (other processes: ${fmt(other, 2)} cores)`);
      return;
    }
    if (Date.now() >= until) {
      log(`  other processes still use ${fmt(other, 2)} cores; measuring anyway (see the "other cores" column)`);
      return;
    }
    if (!announced) log(`  other processes use ${fmt(other, 2)} cores; waiting up to ${settings.quietWait} s for them to finish`);
    announced = true;
  }
}

/** Lower-case letters and digits: the alphabet of the seeded emails and of the ListUsers prefixes. */
const EMAIL_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const randomWord = (n) => Array.from({ length: n }, () => EMAIL_ALPHABET[Math.floor(Math.random() * EMAIL_ALPHABET.length)]).join('');

/**
 * Seeds a pool (the ListUsers pool, or the sign-in pool under BENCH_POPULATION) without the API: writes `count` users as JSON lines (a username and a
 * random email, no password hash, so the importer makes them RESET_REQUIRED) and runs
 * `cognate users import` on the server's data folder while the server runs (SQLite WAL allows it).
 */
async function seedPool(poolId, count) {
  const file = path.join(dataDir, `seed-${poolId}-${count}.jsonl`);
  const out = createWriteStream(file);
  for (let i = 0; i < count; i++) {
    const line = `{"username":"u${i}","attributes":{"email":"${randomWord(10)}@example.com"}}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const t = performance.now();
  await new Promise((resolve, reject) => {
    const args = [cli, 'users', 'import', '--pool', poolId, file, '--data-dir', dataDir, '--log-level', 'warn'];
    const child = spawn(process.execPath, args, { cwd: root, env: serverEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (text += c));
    child.stderr.setEncoding('utf8').on('data', (c) => (text += c.length < 2000 ? c : c.slice(0, 2000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 1_800_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`cognate users import exited with ${code}: ${text.slice(-2000)}`));
      resolve();
    });
  });
  log(`imported ${fmt(count)} users into ${poolId} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  await rm(file, { force: true });
  if (settings.databaseUrl) {
    // What a DBA does after a bulk load: otherwise autovacuum's first pass over the million new rows
    // (a minute of reading and writing here) falls in the measured windows.
    const v = performance.now();
    const { default: pg } = await import('pg');
    const c = new pg.Client({ connectionString: settings.databaseUrl });
    await c.connect();
    try {
      await c.query('vacuum (analyze) users, user_attributes, sign_in_aliases');
    } finally {
      await c.end();
    }
    log(`vacuumed the imported tables in ${((performance.now() - v) / 1000).toFixed(1)} s`);
  }
}

/** Runs a `cognate` CLI command on the server's data folder (while the server runs) and returns its stdout. */
function runCli(args, timeoutMs = 60_000) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args, '--data-dir', dataDir, '--log-level', 'warn'], { cwd: root, env: serverEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c) => (err += c.length < 2000 ? c : c.slice(0, 2000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`cognate ${args[0]} ${args[1] ?? ''} exited with ${code}: ${err.slice(-2000)}`));
      resolve(out);
    });
  });
}

/** Where the verifier scenarios' requests go, and what they stand for (the role allows it). */
const BENCH_BUCKET = 'bench-photos';

/**
 * The identity pool of the identity scenarios, made with `cognate identity-pool create`, and
 * built-in credentials for every user (GetId + GetCredentialsForIdentity with their ID token).
 */
async function setUpIdentityPool(poolId, clientId, users) {
  const authPolicy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `arn:aws:s3:::${BENCH_BUCKET}/private/\${cognito-identity.amazonaws.com:sub}/*` },
      { Effect: 'Deny', Action: 's3:*', Resource: `arn:aws:s3:::${BENCH_BUCKET}/private/secret*` },
    ],
  });
  const unauthPolicy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BENCH_BUCKET}/public/*` }] });
  const out = await runCli(['identity-pool', 'create', '--name', 'bench', '--allow-guests', '--provider', `${poolId}:${clientId}`, '--auth-policy', authPolicy, '--unauth-policy', unauthPolicy]);
  const [identityPoolId] = out.trim().split('\n');
  if (!/^[\w-]+:[0-9a-f-]+$/.test(identityPoolId ?? '')) throw new Error(`cognate identity-pool create printed ${JSON.stringify(out)}`);
  const provider = `cognito-idp.us-east-1.amazonaws.com/${poolId}`;
  const identity = new CognitoIdentityClient({ region: 'us-east-1', endpoint: server.url, maxAttempts: 1, credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' } });
  try {
    await mapLimit(users, 4, async (user) => {
      const Logins = { [provider]: user.idToken };
      const { IdentityId } = await identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins }));
      const c = (await identity.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins }))).Credentials;
      if (!c?.AccessKeyId || !c.SecretKey || !c.SessionToken) throw new Error(`no credentials for ${user.username}`);
      user.identityId = IdentityId;
      user.credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretKey, sessionToken: c.SessionToken };
    });
  } finally {
    identity.destroy();
  }
  log(`identity pool ${identityPoolId} (\`cognate identity-pool create\`); built-in credentials for ${users.length} identities`);
  return { identityPoolId, provider, bucket: BENCH_BUCKET };
}

// ---------------------------------------------------------------------------------------------
// Set-up through the public API: a pool, an app client, confirmed users and their tokens.

/** Runs `fn` over `items` with at most `limit` in flight. */
async function mapLimit(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

async function setUp() {
  const common = { region: 'us-east-1', endpoint: server.url, maxAttempts: 1 };
  const admin = new CognitoIdentityProviderClient({ ...common, credentials: ADMIN });
  const anonymous = new CognitoIdentityProviderClient({ ...common, credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' } });
  try {
    const poolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'bench', AutoVerifiedAttributes: ['email'] }))).UserPool.Id;
    const clientId = (
      await admin.send(
        new CreateUserPoolClientCommand({
          UserPoolId: poolId,
          ClientName: 'bench-web',
          // Explicit: the parity pairs measure the ENABLED behaviour, whatever the default becomes.
          PreventUserExistenceErrors: 'ENABLED',
          ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH'],
        }),
      )
    ).UserPoolClient.ClientId;

    if (settings.population > 0) {
      log(`seeding ${poolId} with ${fmt(settings.population)} more users through \`cognate users import\``);
      await seedPool(poolId, settings.population);
    }
    const names = Array.from({ length: settings.users }, (_, i) => `bench-user-${String(i).padStart(4, '0')}`);
    const email = (name) => `${name}@example.com`;
    await mapLimit(names, 8, (name) =>
      anonymous.send(new SignUpCommand({ ClientId: clientId, Username: name, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: email(name) }] })),
    );
    const messages = await readOutbox(poolId, settings.users * 2 + 10);
    const codeFor = new Map();
    for (const m of messages) {
      const code = /\b(\d{6})\b/.exec(m.text ?? '')?.[1];
      if (code && !codeFor.has(m.to)) codeFor.set(m.to, code); // newest first
    }
    await mapLimit(names, 8, async (name) => {
      const code = codeFor.get(email(name));
      if (!code) throw new Error(`no confirmation code in the outbox for ${email(name)}`);
      await anonymous.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: name, ConfirmationCode: code }));
    });
    // One sign-in per user for the refresh and GetUser scenarios.
    const users = await mapLimit(names, 4, async (name) => {
      const out = await anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: name, PASSWORD } }));
      const r = out.AuthenticationResult;
      if (!r?.RefreshToken || !r.AccessToken) throw new Error(`no tokens for ${name}`);
      return { username: name, password: PASSWORD, refreshToken: r.RefreshToken, accessToken: r.AccessToken, idToken: r.IdToken };
    });
    let identity;
    if (settings.scenarios.some((s) => SCENARIOS[s].identity)) identity = await setUpIdentityPool(poolId, clientId, users);
    let listPoolId;
    if (needsListPool()) {
      listPoolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'bench-listusers' }))).UserPool.Id;
      log(`seeding ${listPoolId} with ${fmt(settings.listUsersPopulation)} users through \`cognate users import\``);
      await seedPool(listPoolId, settings.listUsersPopulation);
    }
    let machine;
    if (settings.scenarios.includes('clientcredentials')) {
      try {
        await admin.send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: 'bench', Name: 'bench', Scopes: [{ ScopeName: 'read', ScopeDescription: 'read' }] }));
      } catch (e) {
        if (!['UnknownOperationException', 'UnsupportedOperationException'].includes(e.name)) throw e;
      }
      const c = (
        await admin.send(
          new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'bench-machine', GenerateSecret: true, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['client_credentials'], AllowedOAuthScopes: ['bench/read'] }),
        )
      ).UserPoolClient;
      machine = { id: c.ClientId, secret: c.ClientSecret };
    }
    let hostedUi;
    if (settings.scenarios.includes('hostedui')) {
      // A public app client of the hosted UI (code + PKCE), on the server's own URL (no domain needed).
      const c = (
        await admin.send(
          new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'bench-hosted-ui', AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['code'], AllowedOAuthScopes: ['openid', 'email'], SupportedIdentityProviders: ['COGNITO'], CallbackURLs: [HOSTED_UI_CALLBACK] }),
        )
      ).UserPoolClient;
      hostedUi = { clientId: c.ClientId, callback: HOSTED_UI_CALLBACK };
    }
    return { poolId, clientId, users, listPoolId, identity, machine, hostedUi };
  } finally {
    admin.destroy();
    anonymous.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// Load

function startWorkers(setup) {
  const base = Math.floor(settings.concurrency / settings.workers);
  const extra = settings.concurrency % settings.workers;
  for (let i = 0; i < settings.workers; i++) {
    const worker = new Worker(new URL('./worker.mjs', import.meta.url), {
      workerData: {
        endpoint: server.url,
        poolId: setup.poolId,
        clientId: setup.clientId,
        listPoolId: setup.listPoolId,
        identity: setup.identity,
        machine: setup.machine,
        hostedUi: setup.hostedUi,
        dataDir,
        databaseUrl: settings.databaseUrl,
        admin: ADMIN,
        password: PASSWORD,
        runId: Date.now().toString(36),
        users: setup.users,
        concurrency: base + (i < extra ? 1 : 0),
        index: i,
        workers: settings.workers,
        requestTimeoutMs: REQUEST_TIMEOUT_MS,
      },
    });
    worker.on('error', (e) => log(`worker ${i} failed: ${e.stack ?? e}`));
    workers.push(worker);
  }
}

/** Sends `msg` to every worker and waits for each one's answer of type `type`. */
function ask(msg, type, timeoutMs, what) {
  return withTimeout(
    Promise.all(
      workers.map(
        (w) =>
          new Promise((resolve, reject) => {
            const onMessage = (m) => {
              if (m.type === type) done(resolve, m);
              else if (m.type === 'failed') done(reject, new Error(m.message));
            };
            const onExit = (code) => done(reject, new Error(`a worker exited (${code})`));
            const done = (fn, value) => {
              w.off('message', onMessage);
              w.off('exit', onExit);
              fn(value);
            };
            w.on('message', onMessage);
            w.on('exit', onExit);
            w.postMessage(msg);
          }),
      ),
    ),
    timeoutMs,
    what,
  );
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/** Timing-parity targets (security.md P01): the two sides' medians within 10%, their p90s within 15%. */
const PARITY = { p50: 10, p90: 15 };
const sideStats = (sorted) => ({ n: sorted.length, p50: percentile(sorted, 50), p90: percentile(sorted, 90) });
/** B against A, in % of A. */
const differencePct = (a, b) => (100 * (b - a)) / a;
function parityVerdict(r) {
  const { a, b } = r.sides;
  const d50 = differencePct(a.p50, b.p50);
  const d90 = differencePct(a.p90, b.p90);
  const pass = a.n > 0 && b.n > 0 && r.errorCount === 0 && Math.abs(d50) <= PARITY.p50 && Math.abs(d90) <= PARITY.p90;
  return { d50, d90, pass };
}

/** CPU readings (server under test, this process, the machine) and the clocks, taken together. */
const sampleCpu = async () => ({ server: await serverCpuSeconds(), bench: benchCpuSeconds(), machine: machineBusySeconds(), at: performance.now(), mono: monotonicUs() });

/**
 * The readings around one measured window: the first call takes the CPU readings and starts
 * watching the server's peak resident memory per process (Linux /proc, bench/proc.mjs); the
 * second takes them again and adds `rss`, one { pid, root, peakBytes, exact } per server process.
 */
function windowSampler() {
  let watch;
  return async () => {
    if (!watch) {
      watch = CPU_FROM_PROC ? watchPeakRss(server.child.pid) : null;
      return sampleCpu();
    }
    const cpu = await sampleCpu();
    return { ...cpu, rss: watch ? watch.stop() : undefined };
  };
}

/** A raw scenario (bench/raw.mjs): requests built and checked before the window, then sent by autocannon. */
async function runRawScenario(name) {
  await freshenTokens(currentSetup);
  const t = performance.now();
  const prepared = await prepareRaw(name, { url: server.url, ...currentSetup, admin: ADMIN, randomPrefix: () => randomWord(3) });
  log(`built ${prepared.requests.length} raw requests and checked each one's answer in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  await waitForQuietMachine();
  const r = await runRaw({ url: server.url, prepared, connections: settings.concurrency, pipelining: settings.pipelining, seconds: settings.seconds, warmup: settings.warmup, timeoutSeconds: REQUEST_TIMEOUT_MS / 1000, sample: windowSampler() });
  return summarize(name, r, r.cpu0, r.cpu1);
}

/** Tokens and identity-pool credentials last an hour; a raw scenario's are renewed past this age. */
const FRESH_FOR_MS = intEnv('BENCH_RENEW_MINUTES', 30, 0) * 60_000;

/**
 * A long run (the whole set, with quiet waits and retries) can outlast the tokens the users got at
 * set-up: before a raw scenario built from them, each user refreshes (REFRESH_TOKEN_AUTH) and, for
 * the identity scenarios, gets new credentials with the new ID token.
 */
async function freshenTokens(setup) {
  if (Date.now() - (setup.at ?? Date.now()) < FRESH_FOR_MS) return;
  const common = { region: 'us-east-1', endpoint: server.url, maxAttempts: 1, credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' } };
  const idp = new CognitoIdentityProviderClient(common);
  const identity = setup.identity ? new CognitoIdentityClient(common) : undefined;
  try {
    await mapLimit(setup.users, 4, async (user) => {
      const r = (await idp.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: setup.clientId, AuthParameters: { REFRESH_TOKEN: user.refreshToken } }))).AuthenticationResult;
      if (!r?.AccessToken) throw new Error(`renewing ${user.username}'s tokens gave none`);
      user.accessToken = r.AccessToken;
      user.idToken = r.IdToken;
      if (r.RefreshToken) user.refreshToken = r.RefreshToken;
      if (identity && user.identityId) {
        const c = (await identity.send(new GetCredentialsForIdentityCommand({ IdentityId: user.identityId, Logins: { [setup.identity.provider]: user.idToken } }))).Credentials;
        user.credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretKey, sessionToken: c.SessionToken };
      }
    });
  } finally {
    idp.destroy();
    identity?.destroy();
  }
  setup.at = Date.now();
  log(`renewed the tokens${setup.identity ? ' and identity-pool credentials' : ''} of ${setup.users.length} users (older than ${FRESH_FOR_MS / 60_000} min)`);
}

/** The set-up the running scenarios use: Cognate's, then the peer's under --compare. */
let currentSetup;

async function runScenario(name) {
  if (SCENARIOS[name].raw) return runRawScenario(name);
  await waitForQuietMachine();
  if (['srp', 'rawsrp', 'srpwrong', 'srpunknown', 'srpstart', 'srpverifier'].includes(name)) {
    const each = Math.ceil(settings.ephemerals / settings.workers);
    const t = performance.now();
    await ask({ type: 'prepare', scenario: name, ephemerals: each }, 'prepared', 600_000, 'precomputing SRP ephemerals');
    log(`precomputed ${each * settings.workers} SRP client ephemerals in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  if (SCENARIOS[name].prepare) await ask({ type: 'prepare', scenario: name }, 'prepared', 60_000, `preparing ${name}`);
  if (SCENARIOS[name].signed) {
    const t = performance.now();
    await ask({ type: 'prepare', scenario: name, signed: settings.signed }, 'prepared', 300_000, 'signing requests');
    log(`signed ${settings.signed * settings.workers} requests with built-in credentials in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const start = Date.now() + 200;
  const measureFrom = start + settings.warmup * 1000;
  const deadline = measureFrom + settings.seconds * 1000;
  const results = ask({ type: 'run', scenario: name, pair: !!SCENARIOS[name].pair, measureFrom, deadline, concurrency: SCENARIOS[name].concurrency }, 'result', deadline - Date.now() + DRAIN_MS, `scenario ${name}`);
  results.catch(() => {}); // observed below

  // Server and load-generator CPU, and the server's peak memory, over exactly the measured window.
  const sample = windowSampler();
  await sleep(measureFrom - Date.now());
  const cpu0 = await sample();
  await sleep(deadline - Date.now());
  const cpu1 = await sample();

  const parts = await results;
  const latencies = new Float64Array(parts.reduce((n, p) => n + p.latencies.length, 0));
  let offset = 0;
  for (const p of parts) {
    latencies.set(p.latencies, offset);
    offset += p.latencies.length;
  }
  latencies.sort();
  // Side B of a timing-parity pair.
  const latenciesB = Float64Array.from(parts.flatMap((p) => (p.latenciesB ? Array.from(p.latenciesB) : []))).sort();
  const ok = parts.reduce((n, p) => n + p.ok, 0);
  const errorCount = parts.reduce((n, p) => n + p.errorCount, 0);
  const errors = {};
  for (const p of parts) for (const [k, v] of Object.entries(p.errors)) errors[k] = (errors[k] ?? 0) + v;
  const samples = parts.flatMap((p) => p.samples).slice(0, 3);
  return summarize(name, { ok, latencies, latenciesB, errorCount, errors, samples }, cpu0, cpu1);
}

/** One scenario's figures from its operations and the CPU readings around its window. */
function summarize(name, { ok, latencies, latenciesB, errorCount, errors, samples }, cpu0, cpu1) {
  const wall = (cpu1.at - cpu0.at) / 1000;
  const serverCpu = cpu1.server - cpu0.server;
  const benchCpu = cpu1.bench - cpu0.bench;
  const otherCpu = cpu1.machine - cpu0.machine - serverCpu - benchCpu;
  return {
    name,
    opsPerSec: ok / settings.seconds,
    ok,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    ...(SCENARIOS[name].pair ? { sides: { a: sideStats(latencies), b: sideStats(latenciesB) } } : {}),
    errorCount,
    errors,
    samples,
    serverCores: serverCpu / wall,
    benchCores: benchCpu / wall,
    otherCores: Math.max(0, otherCpu / wall),
    window: { from: cpu0.mono, to: cpu1.mono },
    serverCpuPer1k: ok > 0 ? (serverCpu / ok) * 1000 : NaN,
    benchCpuPer1k: ok > 0 ? (benchCpu / ok) * 1000 : NaN,
    rss: cpu1.rss,
  };
}

// ---------------------------------------------------------------------------------------------
// Report

function table(rows, header) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const fmt = (n, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '-');

function autocannonVersion() {
  try {
    return JSON.parse(readFileSync(path.join(root, 'node_modules/autocannon/package.json'), 'utf8')).version;
  } catch {
    return '';
  }
}

/** How the server under test runs, e.g. "one process" or "a primary and 2 workers". */
function processesText(processes = settings.serverProcesses) {
  return processes > 1 ? `a primary and ${processes - 1} workers` : 'one process';
}

/** The command this run was started with, as one could type it again (a database password hidden). */
function commandLine() {
  const hide = (v) => v.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
  const quote = (v) => (/^[\w@%+=:,./-]*$/.test(v) ? v : `'${v.replaceAll("'", "'\\''")}'`);
  // The bench's variables, and Cognate's (the server inherits them); a secret's value is not shown.
  const env = Object.entries(process.env)
    .filter(([k]) => (k.startsWith('BENCH_') && k !== 'BENCH_DOCS') || k.startsWith('COGNATE_') || k === 'DATABASE_URL')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${/SECRET|PASSWORD|TOKEN|PRIVATE/i.test(k) ? '***' : quote(hide(v))}`);
  const args = process.argv.slice(2).map((a) => quote(hide(a)));
  const viaNpm = process.env.npm_lifecycle_event === 'bench';
  return [...env, ...(viaNpm ? ['npm', 'run', 'bench', ...(args.length ? ['--', ...args] : [])] : ['node', 'bench/run.mjs', ...args])].join(' ');
}

/** Cognate's figures against the peer's, scenario by scenario (the peer's ops/s as 1×). */
function comparisonRows(results, peer) {
  return peer.results.map((p) => {
    const c = results.find((r) => r.name === p.name);
    return [SCENARIOS[p.name].label, fmt(c?.opsPerSec), fmt(p.opsPerSec), c && p.opsPerSec > 0 ? `${fmt(c.opsPerSec / p.opsPerSec, 2)}×` : '-', fmt(c?.p99, 1), fmt(p.p99, 1), fmt(c?.serverCpuPer1k, 2), fmt(p.serverCpuPer1k, 2), c && rssFigures(c) ? fmt(rssFigures(c).peakMB) : '-', rssFigures(p) ? fmt(rssFigures(p).peakMB) : '-', `${fmt(c?.errorCount)} / ${fmt(p.errorCount)}`];
  });
}
const COMPARISON_HEADER = ['scenario', 'Cognate ops/s', 'cognito-local ops/s', 'ratio', 'Cognate p99 ms', 'cognito-local p99 ms', 'Cognate srv CPU-s/1k ops', 'cognito-local CPU-s/1k ops', 'Cognate peak RSS MB per worker', 'cognito-local peak RSS MB', 'errors C / cl'];

function comparisonText(results, peer) {
  return [
    `Against cognito-local ${peer.version} (same run and machine, same load generators and settings; Cognate stopped while it runs;`,
    '  its CPU read from /proc; ratio = Cognate ops/s over cognito-local ops/s):',
    table(comparisonRows(results, peer), COMPARISON_HEADER),
  ].join('\n');
}

function sdkVersion() {
  try {
    return JSON.parse(readFileSync(path.join(root, 'node_modules/@aws-sdk/client-cognito-identity-provider/package.json'), 'utf8')).version;
  } catch {
    return '';
  }
}

/**
 * Issue 16's targets for the server's CPU per operation (ms, from the server's own CPU time, so
 * they hold whatever drives the load): SRP both steps, refresh, GetUser, the identity pair, machine tokens.
 */
const CPU_TARGETS_MS = { srp: 3.0, rawsrp: 3.0, refresh: 0.5, rawrefresh: 0.5, getuser: 0.12, rawgetuser: 0.12, getid: 0.4, rawgetid: 0.4, clientcredentials: 0.5 };

/** A scenario's stated targets (throughput or p99, and server CPU per operation) and whether the run met them. */
function verdicts(r) {
  const s = SCENARIOS[r.name];
  let target = '-';
  let verdict = '-';
  if (s.targetP99 !== undefined) {
    target = `p99 <= ${fmt(s.targetP99)} ms`;
    verdict = r.p99 <= s.targetP99 && r.errorCount === 0 ? 'PASS' : 'MISS';
  } else if (s.target != null) {
    target = `>= ${fmt(s.target)}`;
    verdict = r.opsPerSec >= s.target && r.errorCount === 0 ? 'PASS' : 'MISS';
  }
  const cpu = CPU_TARGETS_MS[r.name];
  const cpuTarget = cpu === undefined ? '-' : `<= ${fmt(cpu, 2)}`;
  const cpuVerdict = cpu === undefined ? '-' : r.serverCpuPer1k <= cpu && r.errorCount === 0 ? 'PASS' : 'MISS';
  return { target, verdict, cpuTarget, cpuVerdict };
}

/** What limited a scenario, read from where the CPU went during its window. */
function boundBy(r) {
  const total = r.serverCores + r.benchCores + r.otherCores;
  const cores = os.cpus().length;
  // A cluster's primary serves nothing: its workers are the event loops.
  const loops = settings.serverProcesses > 1 ? settings.serverProcesses - 1 : 1;
  if (loops > 1 && r.serverCores >= 0.9 * loops) return `server event loops (${loops})`;
  if (r.serverCores >= 1.2 && total >= 0.9 * cores) return 'CPUs (server threads)';
  if (loops === 1 && r.serverCores >= 0.9) return 'server event loop';
  if (r.benchCores >= 0.9) return 'load generator';
  if (total >= 0.9 * cores) return 'CPUs (shared)';
  return 'waiting (no CPU full)';
}

const PAIR_HEADER = ['pair', 'A: real user p50 ms', 'B: unknown p50 ms', 'Δ p50', 'A p90 ms', 'B p90 ms', 'Δ p90', 'n A/B', 'errors', 'result'];
const pct = (n) => (Number.isFinite(n) ? `${n >= 0 ? '+' : ''}${fmt(n, 1)}%` : '-');
function pairRow(r) {
  const { a, b } = r.sides;
  const v = parityVerdict(r);
  return [r.name, fmt(a.p50, 2), fmt(b.p50, 2), pct(v.d50), fmt(a.p90, 2), fmt(b.p90, 2), pct(v.d90), `${a.n}/${b.n}`, fmt(r.errorCount), v.pass ? 'PASS' : 'FAIL'];
}

/** The commit measured: HEAD, marked dirty when tracked files other than the generated report differ from it. */
function commitInfo() {
  const git = (args) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8' }).trim();
  try {
    const sha = git(['rev-parse', '--short=10', 'HEAD']);
    const dirty = git(['status', '--porcelain', '--untracked-files=no']).split('\n').filter((l) => l && !l.endsWith('docs/benchmarks.md'));
    return { sha, subject: git(['log', '-1', '--format=%s']).slice(0, 100), dirty: dirty.length > 0 };
  } catch {
    return { sha: 'unknown', subject: '', dirty: false };
  }
}

/** The database the server ran on, with its version. */
async function databaseInfo() {
  try {
    if (settings.databaseUrl) {
      const { default: pg } = await import('pg');
      const c = new pg.Client({ connectionString: settings.databaseUrl });
      await c.connect();
      try {
        return `PostgreSQL ${(await c.query('show server_version')).rows[0].server_version} (on this machine: ${/@(127\.0\.0\.1|localhost)[:/]/.test(settings.databaseUrl) ? 'yes' : 'no'})`;
      } finally {
        await c.end();
      }
    }
    const { default: Sqlite } = await import('better-sqlite3');
    const db = new Sqlite(':memory:');
    try {
      return `SQLite ${db.prepare('select sqlite_version() as v').get().v} (better-sqlite3; WAL, synchronous=FULL)`;
    } finally {
      db.close();
    }
  } catch (e) {
    return `${settings.databaseUrl ? 'PostgreSQL' : 'SQLite'} (version unknown: ${e.message})`;
  }
}

const mdRow = (cells) => `| ${cells.map((c) => String(c).replaceAll('|', '\\|')).join(' | ')} |`;

/** The run as a markdown section, generated (never hand-typed): appended to docs/benchmarks.md. */
async function markdownReport(runs, startedAt, peer) {
  const commit = commitInfo();
  const cpu = os.cpus();
  const out = [];
  out.push(`### ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC — ${settings.databaseUrl ? 'PostgreSQL' : 'SQLite'}, commit ${commit.sha}${commit.dirty ? ' (with uncommitted changes)' : ''}`);
  out.push('');
  out.push('<!-- generated by bench/run.mjs; do not edit by hand -->');
  out.push(`- commit: \`${commit.sha}\`${commit.dirty ? ' + uncommitted changes' : ''} (${commit.subject})`);
  out.push(`- machine: ${cpu[0]?.model?.trim() ?? 'unknown CPU'}, ${cpu.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}; Node ${process.version}`);
  out.push(`- database: ${await databaseInfo()}`);
  out.push(`- argon2id on this host: ${argon2Text()}`);
  out.push(`- command: \`${commandLine()}\``);
  const cpuFrom = CPU_FROM_PROC ? '/proc, over all its processes' : 'its /metrics';
  if (runs.length === 1) out.push(`- server: \`cognate start${runs[0].workers ? ` --workers ${runs[0].workers}` : ''}\`, running as ${processesText(runs[0].processes)}; server CPU from ${cpuFrom}`);
  else out.push(`- server: \`cognate start --workers N\` for N = ${runs.map((r) => `${r.workers} (${processesText(r.processes)})`).join(', ')}, one after the other, each with a fresh data folder and set-up; server CPU from ${cpuFrom}`);
  const raw = settings.scenarios.some((s) => SCENARIOS[s].raw) ? `; raw scenarios: autocannon ${autocannonVersion()}, ${settings.concurrency} connections, pipelining ${settings.pipelining}` : '';
  out.push(`- settings: ${settings.seconds} s measured after ${settings.warmup} s warm-up per scenario, ${settings.users} users${settings.population ? ` in a pool of ${fmt(settings.population + settings.users)}` : ''}, ${settings.workers} load thread(s) of ${settings.concurrency} virtual users${raw}${settings.serverArgs.length ? `, server flags: ${settings.serverArgs.join(' ')}` : ''}; the app client sets PreventUserExistenceErrors ENABLED`);
  for (const run of runs) {
    if (runs.length > 1) out.push('', `With \`--workers ${run.workers}\`:`);
    out.push(...markdownTables(run.results));
  }
  if (settings.databaseUrl) out.push('- On PostgreSQL, "other processes" includes the database server.');
  if (settings.databaseUrl && needsListPool()) out.push('- The imported pool was VACUUMed (ANALYZE) before the windows, as after any bulk load.');
  if (runs.length > 1) {
    const first = runs[0];
    const last = runs.at(-1);
    out.push('');
    out.push(`Scaling: ops/s with each number of server workers; ratio = \`--workers ${last.workers}\` over \`--workers ${first.workers}\`. Target (issue 16, 2 workers against 1): ≥ ${SCALING_TARGET}× for the raw GetUser and refresh.`);
    out.push('');
    const header = ['scenario', ...runs.map((r) => `ops/s, --workers ${r.workers}`), 'ratio', 'result'];
    out.push(mdRow(header));
    out.push(mdRow(header.map((_, i) => (i === 0 || i === header.length - 1 ? '---' : '---:'))));
    for (const row of scalingRows(runs)) out.push(mdRow(row));
  }
  if (peer) {
    out.push('');
    out.push(`Against cognito-local ${peer.version} in the same run (\`--compare cognito-local\`): same machine, load generators and settings, Cognate stopped while cognito-local (its shipped entry point, JSON-file store and logging) runs; its CPU is read from /proc; ratio = Cognate's ops/s over cognito-local's. Other processes took at most ${fmt(Math.max(...peer.results.map((r) => r.otherCores)), 2)} cores during its windows.`);
    for (const run of runs) {
      if (runs.length > 1) out.push('', `Cognate with \`--workers ${run.workers}\`:`);
      out.push('');
      out.push(mdRow(COMPARISON_HEADER));
      out.push(mdRow(COMPARISON_HEADER.map((_, i) => (i === 0 ? '---' : '---:'))));
      for (const row of comparisonRows(run.results, peer)) out.push(mdRow(row));
    }
    for (const r of peer.results) if (r.errorCount > 0) out.push(`- errors in ${r.name} (cognito-local): ${JSON.stringify(r.errors)}; e.g. ${r.samples.join(' \\| ')}`);
  }
  return out.join('\n') + '\n';
}

/** Issue 16: with 2 server workers, at least this many times the 1-worker throughput (raw GetUser and refresh). */
const SCALING_TARGET = 1.7;

/** ops/s of each scenario for each run, the last run's over the first's, and the verdict where a target is stated. */
function scalingRows(runs) {
  return runs[0].results
    .filter((r) => !r.sides)
    .map((r) => {
      const per = runs.map((run) => run.results.find((x) => x.name === r.name));
      const ratio = per.at(-1).opsPerSec / per[0].opsPerSec;
      const stated = ['rawgetuser', 'rawrefresh'].includes(r.name) && runs[0].workers === 1 && runs.at(-1).workers === 2;
      return [SCENARIOS[r.name].label, ...per.map((x) => fmt(x.opsPerSec)), Number.isFinite(ratio) ? `${fmt(ratio, 2)}×` : '-', stated ? (ratio >= SCALING_TARGET && per.every((x) => x.errorCount === 0) ? 'PASS' : 'MISS') : '-'];
    });
}

/** One run's tables: the timing-parity pairs, then every other scenario. */
function markdownTables(results) {
  const out = [];
  const pairs = results.filter((r) => r.sides);
  if (pairs.length) {
    out.push('');
    out.push(`Timing-parity pairs: one request at a time, the two sides alternating A B B A; A is a real user, B a name no one has. Target (security.md P01): |Δ p50| ≤ ${PARITY.p50}% and |Δ p90| ≤ ${PARITY.p90}% (Δ = B against A).`);
    out.push('');
    out.push(mdRow(PAIR_HEADER));
    out.push(mdRow(PAIR_HEADER.map((_, i) => (i === 0 || i === PAIR_HEADER.length - 1 ? '---' : '---:'))));
    for (const r of pairs) out.push(mdRow(pairRow(r).map((c, i) => (i === 0 ? `\`${c}\`` : c))));
    out.push('');
    for (const r of pairs) out.push(`- \`${r.name}\`: ${SCENARIOS[r.name].what}. Cores during the window: server ${fmt(r.serverCores, 2)}, load ${fmt(r.benchCores, 2)}, other processes ${fmt(r.otherCores, 2)}${rssFigures(r) ? `; server peak RSS ${fmt(rssFigures(r).peakMB)} MB per worker (≤ ${RSS_TARGET_MB}: ${rssFigures(r).verdict})` : ''}.`);
  }
  const others = results.filter((r) => !r.sides);
  if (others.length) {
    out.push('');
    const header = ['scenario', 'ops/s', 'p50 ms', 'p99 ms', 'errors', 'target', 'srv CPU-s/1k ops', 'CPU target', 'srv cores', 'load cores', 'other cores', `peak RSS MB per worker (≤ ${RSS_TARGET_MB})`];
    out.push(mdRow(header));
    out.push(mdRow(header.map((_, i) => (i === 0 ? '---' : '---:'))));
    for (const r of others) {
      const v = verdicts(r);
      const stated = (t, verdict) => (t === '-' ? '-' : `${t} ${verdict}`);
      out.push(mdRow([SCENARIOS[r.name].label, fmt(r.opsPerSec), fmt(r.p50, 1), fmt(r.p99, 1), fmt(r.errorCount), stated(v.target, v.verdict), fmt(r.serverCpuPer1k, 2), stated(v.cpuTarget, v.cpuVerdict), fmt(r.serverCores, 2), fmt(r.benchCores, 2), fmt(r.otherCores, 2), rssCell(r)]));
    }
    // A blank line ends the table before the notes below.
    out.push('');
    const parity = others.filter((r) => SCENARIOS[r.name].parity).map((r) => [r, others.find((o) => o.name === SCENARIOS[r.name].parity)]).filter(([, o]) => o);
    for (const [known, unknown] of parity) out.push(`- ${known.name} / ${unknown.name} (separate scenarios, not interleaved): p50 ${fmt(known.p50, 2)} / ${fmt(unknown.p50, 2)} ms (${pct(differencePct(known.p50, unknown.p50))})`);
  }
  const inHashes = argon2Ratios(results);
  for (const line of [...rssNotes(results), ...(inHashes ? [inHashes] : [])]) out.push(`- ${line}`);
  for (const r of results) if (r.errorCount > 0) out.push(`- errors in ${r.name}: ${JSON.stringify(r.errors)}; e.g. ${r.samples.join(' \\| ')}`);
  return out;
}

/** Issue 16: the server's resident memory under load, per worker. */
const RSS_TARGET_MB = 300;
const MB = 1e6;

/**
 * A scenario's peak resident memory: the largest of its serving processes (a cluster's workers —
 * its primary serves nothing — or the one process), with the verdict against RSS_TARGET_MB.
 */
function rssFigures(r) {
  if (!r.rss?.length) return undefined;
  const cluster = r.rss.length > 1;
  const serving = cluster ? r.rss.filter((p) => !p.root) : r.rss;
  const peak = serving.reduce((a, b) => (b.peakBytes > a.peakBytes ? b : a));
  const peakMB = peak.peakBytes / MB;
  return {
    peakMB,
    verdict: peakMB <= RSS_TARGET_MB ? 'PASS' : 'MISS',
    cluster,
    perProcessMB: r.rss.map((p) => p.peakBytes / MB),
    exact: r.rss.every((p) => p.exact),
    // what the largest process's resident set was made of (sampled peaks): its own memory, and file pages
    anonMB: peak.peakAnonBytes ? peak.peakAnonBytes / MB : undefined,
    fileMB: peak.peakFileBytes ? peak.peakFileBytes / MB : undefined,
  };
}
const rssCell = (r) => {
  const f = rssFigures(r);
  return f ? `${fmt(f.peakMB)} ${f.verdict}` : '-';
};

/** What the peak-RSS figures are, and each process's peak where the server ran as several. */
function rssNotes(results) {
  const figures = results.map((r) => [r, rssFigures(r)]).filter(([, f]) => f);
  if (!figures.length) return [];
  const exact = figures.every(([, f]) => f.exact);
  const out = [
    `peak RSS: the largest resident set of one serving process of the server (each worker of a cluster; the primary serves nothing) during the measured window, from /proc (${exact ? "VmHWM, reset at the window's start through clear_refs" : 'VmRSS sampled every 100 ms, a lower bound'}); MB = 10⁶ bytes; target (issue 16): ≤ ${RSS_TARGET_MB} MB per worker.`,
  ];
  const split = figures.filter(([, f]) => f.anonMB !== undefined && f.fileMB !== undefined);
  if (split.length) out.push(`of which (the same process, sampled every 100 ms) anonymous memory — heap, stacks — and file-backed pages — SQLite's memory map of the database, code — which the kernel drops under pressure, MB: ${split.map(([r, f]) => `${SCENARIOS[r.name].label} ${fmt(f.anonMB)} + ${fmt(f.fileMB)}`).join('; ')}.`);
  const clustered = figures.filter(([, f]) => f.cluster);
  if (clustered.length) out.push(`peak RSS of each server process, MB (the primary, then each worker): ${clustered.map(([r, f]) => `${SCENARIOS[r.name].label} ${f.perProcessMB.map((v) => fmt(v)).join(' · ')}`).join('; ')}.`);
  return out;
}

/** Scenarios whose server CPU is mostly argon2id (one hash or verification per operation). */
const ARGON2_SCENARIOS = ['password', 'signup', 'admincreateuser', 'hostedui', 'wrongpassword', 'unknownuser', 'passwordauth'];

/** Server CPU per operation of the argon2id-bound scenarios, in argon2id hashes measured on this host. */
function argon2Ratios(results) {
  if (!argon2?.hashMs) return '';
  const rows = results.filter((r) => ARGON2_SCENARIOS.includes(r.name) && Number.isFinite(r.serverCpuPer1k));
  if (!rows.length) return '';
  return `server CPU per operation in argon2id hashes (÷ ${fmt(argon2.hashMs, 2)} ms, the hash's CPU on this host, above): ${rows.map((r) => `${SCENARIOS[r.name].label} ${fmt(r.serverCpuPer1k / argon2.hashMs, 2)}`).join('; ')}.`;
}

/** argon2id's cost on this host (measureArgon2), measured once per run before the server starts. */
let argon2;

/**
 * argon2id's CPU per hash and per verification on this host, measured in this process with the
 * server's own hasher (dist/domain/passwords.js: @node-rs/argon2, parallelism 1) and the memory and
 * time costs the server under test resolves (its defaults, COGNATE_ARGON2_* and the flags in
 * BENCH_SERVER_ARGS): the median of `count` of each, after two unmeasured ones. Sign-up and password
 * sign-in follow this figure, so each generated section records it.
 */
async function measureArgon2(count = 10) {
  const dist = (file) => pathToFileURL(path.join(root, 'packages/server/dist', file)).href;
  const { loadConfig, options } = await import(dist('config.js'));
  const { PasswordHasher } = await import(dist('domain/passwords.js'));
  const flags = {};
  for (const key of ['argon2MemoryKiB', 'argon2Iterations', 'config']) {
    const name = key === 'config' ? '--config' : options[key].flag.split(' ')[0];
    const i = settings.serverArgs.findIndex((a) => a === name || a.startsWith(`${name}=`));
    if (i >= 0) flags[key] = settings.serverArgs[i].includes('=') ? settings.serverArgs[i].slice(name.length + 1) : settings.serverArgs[i + 1];
  }
  const config = loadConfig(flags, serverEnv());
  const hasher = new PasswordHasher({ memoryKiB: config.argon2MemoryKiB, iterations: config.argon2Iterations });
  const cpuUs = () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  };
  const timed = async (fn) => {
    const c = cpuUs();
    const t = performance.now();
    await fn();
    return { cpu: (cpuUs() - c) / 1000, wall: performance.now() - t };
  };
  const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const stored = await hasher.hash(PASSWORD);
  await hasher.verify(stored, PASSWORD); // also lets the hasher's own dummy hash finish
  const hashes = [];
  const verifications = [];
  for (let i = 0; i < count; i++) {
    hashes.push(await timed(() => hasher.hash(`${PASSWORD}${i}`)));
    verifications.push(await timed(async () => {
      if (!(await hasher.verify(stored, PASSWORD))) throw new Error('argon2id: the verification of a fresh hash failed');
    }));
  }
  let version = '';
  try {
    version = JSON.parse(readFileSync(path.join(root, 'node_modules/@node-rs/argon2/package.json'), 'utf8')).version;
  } catch {
    /* unknown */
  }
  return {
    memoryKiB: config.argon2MemoryKiB,
    iterations: config.argon2Iterations,
    version,
    count,
    hashMs: median(hashes.map((h) => h.cpu)),
    hashWallMs: median(hashes.map((h) => h.wall)),
    verifyMs: median(verifications.map((h) => h.cpu)),
    verifyWallMs: median(verifications.map((h) => h.wall)),
  };
}

/** One line on argon2id's measured cost (both reports). */
function argon2Text() {
  if (!argon2) return 'not measured';
  return `${fmt(argon2.hashMs, 2)} ms of CPU per hash, ${fmt(argon2.verifyMs, 2)} ms per verification (medians of ${argon2.count}; wall ${fmt(argon2.hashWallMs, 2)} / ${fmt(argon2.verifyWallMs, 2)} ms), with the server's hasher and settings (@node-rs/argon2 ${argon2.version}, m=${argon2.memoryKiB} KiB, t=${argon2.iterations}, p=1), measured in the bench process before the server started`;
}

/** Appends the generated section under docs/benchmarks.md's "Generated results" heading (made on first use). */
async function writeMarkdown(section) {
  const target = process.env.BENCH_DOCS ?? path.join(root, 'docs', 'benchmarks.md');
  if (target === '0' || target === '') return;
  const heading = '## Generated results';
  let text = existsSync(target) ? readFileSync(target, 'utf8') : '';
  if (!text.includes(`\n${heading}\n`)) {
    text = `${text.replace(/\n*$/, '\n')}\n${heading}\n\nWritten by \`npm run bench\` itself (bench/run.mjs), newest last; nothing below is typed by hand.\n`;
  }
  writeFileSync(target, `${text.replace(/\n*$/, '\n')}\n${section}`);
  log(`report appended to ${path.relative(root, target)}`);
}

function report(results, context) {
  const out = [];
  out.push('');
  out.push(`Cognate benchmark, ${new Date().toISOString().slice(0, 10)}`);
  out.push(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model?.trim() ?? 'unknown CPU'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()}`);
  const defaults = settings.databaseUrl ? 'argon2id 19 MiB t=2' : 'argon2id 19 MiB t=2; SQLite WAL, synchronous=FULL';
  const extra = settings.serverArgs.length ? `, extra flags: ${settings.serverArgs.join(' ')}` : ` and default settings (${defaults})`;
  out.push(`server: \`cognate start${settings.serverWorkers ? ` --workers ${settings.serverWorkers}` : ''}\` (${processesText()}) on 127.0.0.1, ${settings.databaseUrl ? 'PostgreSQL' : 'SQLite'}${extra}`);
  out.push(`argon2id: ${argon2Text()}`);
  if (settings.scenarios.some((s) => SCENARIOS[s].raw)) out.push(`raw scenarios: prebuilt HTTP requests sent by autocannon ${autocannonVersion()} in this process, ${settings.concurrency} connections, pipelining ${settings.pipelining}`);
  out.push(`load: ${settings.workers} worker thread(s) in this process, AWS SDK v3 ${sdkVersion()} (one client per thread, keep-alive, maxAttempts 1), ${settings.concurrency} virtual users in a closed loop, ${settings.users} users`);
  out.push(`window: ${settings.seconds} s measured per scenario after ${settings.warmup} s warm-up; a window in which other processes took ≥ ${QUIET_CORES} cores is run again (up to ${settings.retries} times) and the quietest attempt is shown`);
  if (settings.scenarios.includes('srp') || settings.scenarios.includes('rawsrp')) {
    out.push(`SRP: ${context.ephemerals} client ephemerals (a = 128 random bytes, A = g^a mod N) precomputed before the window and reused round-robin;`);
    out.push('     PASSWORD_CLAIM_SIGNATURE (S = (B - k*g^x)^(a+u*x) mod N) is computed per sign-in inside the window, as a client would.');
  }
  out.push('');
  const rows = results.filter((r) => !SCENARIOS[r.name].pair).map((r) => {
    const s = SCENARIOS[r.name];
    const { target, verdict, cpuTarget, cpuVerdict } = verdicts(r);
    return [
      SCENARIOS[r.name]?.listPool ? `${s.label} (${fmt(settings.listUsersPopulation)} users)` : s.label,
      fmt(r.opsPerSec),
      fmt(r.p50, 1),
      fmt(r.p99, 1),
      fmt(r.errorCount),
      target,
      verdict,
      fmt(r.serverCpuPer1k, 2),
      cpuTarget,
      cpuVerdict,
      fmt(r.serverCores, 2),
      fmt(r.benchCpuPer1k, 2),
      fmt(r.benchCores, 2),
      fmt(r.otherCores, 2),
      rssFigures(r) ? fmt(rssFigures(r).peakMB) : '-',
      rssFigures(r)?.verdict ?? '-',
      boundBy(r),
    ];
  });
  out.push(table(rows, ['scenario', 'ops/s', 'p50 ms', 'p99 ms', 'errors', 'target', 'result', 'srv CPU-s/1k ops', 'CPU target', 'CPU result', 'srv cores', 'load CPU-s/1k ops', 'load cores', 'other cores', 'peak RSS MB', 'RSS result', 'bound by']));
  out.push('');
  out.push(`srv CPU-s/1k ops: the server's CPU time (all threads of all its processes, ${CPU_FROM_PROC ? 'from /proc' : 'from /metrics'}) per 1,000 completed operations;`);
  out.push('  1000 / that figure is what one fully busy server core sustains, whatever the load generator does.');
  out.push('srv cores / load cores / other cores: average cores used during the window by the server process / by this');
  out.push(`  process (the load generator) / by every other process on the machine (/proc/stat); ${os.cpus().length} cores in all.`);
  out.push('bound by: "server event loop" = the server\'s one JavaScript thread was busy the whole window (≥ 0.9 cores);');
  out.push('  "CPUs (server threads)" = the server used more than one core (argon2id runs on libuv\'s thread pool) and the machine was full.');
  for (const line of rssNotes(results)) out.push(line);
  const inHashes = argon2Ratios(results);
  if (inHashes) out.push(inHashes);
  if (settings.scenarios.includes('admincreateuser')) out.push('AdminCreateUser: no target is stated; reported only.');
  if (settings.scenarios.includes('listusers') || settings.scenarios.includes('rawlistusers')) {
    out.push(`ListUsers: a pool of ${fmt(settings.listUsersPopulation)} users seeded with \`cognate users import\` (random 10-character emails @example.com);`);
    out.push(`  each call filters email ^= a random 3-character prefix, Limit 60; the target is p99 <= 50 ms (stated for 1,000,000 users: BENCH_LISTUSERS_POPULATION=1000000).`);
    if (settings.databaseUrl) out.push('  On PostgreSQL the bench runs VACUUM (ANALYZE) on the imported tables before measuring, as after any bulk load.');
  }
  if (settings.scenarios.includes('console')) {
    out.push(`console: the same ${fmt(settings.listUsersPopulation)}-user pool; each operation is a users page searched by email ^= a random 3-character prefix and the page`);
    out.push('  of the first user it lists, both rendered HTML over one keep-alive connection per virtual user; no target is stated (issue 17: "fast on 100,000-user pools").');
  }
  const parity = results.filter((r) => SCENARIOS[r.name].parity).map((r) => [r, results.find((o) => o.name === SCENARIOS[r.name].parity)]).filter(([, o]) => o);
  if (parity.length) {
    out.push('');
    out.push('Timing parity (one request at a time; an unknown user must not answer faster or slower than a wrong password):');
    const prow = parity.map(([known, unknown]) => [
      SCENARIOS[known.name].label.replace('wrong password, real user ', ''),
      fmt(known.p50, 2),
      fmt(unknown.p50, 2),
      `${fmt(unknown.p50 - known.p50, 2)} (${fmt((100 * (unknown.p50 - known.p50)) / known.p50, 1)}%)`,
      fmt(known.p99, 2),
      fmt(unknown.p99, 2),
    ]);
    out.push(table(prow, ['flow', 'wrong password p50 ms', 'unknown user p50 ms', 'difference', 'wrong password p99 ms', 'unknown user p99 ms']));
  }
  const pairs = results.filter((r) => r.sides);
  if (pairs.length) {
    out.push('');
    out.push(`Timing-parity pairs (PreventUserExistenceErrors ENABLED; one request at a time, sides alternating A B B A; target: medians within ${PARITY.p50}%, p90s within ${PARITY.p90}%):`);
    out.push(table(pairs.map(pairRow), PAIR_HEADER));
  }
  if (settings.scenarios.some((s) => SCENARIOS[s].identity)) {
    out.push('Identity pools: a pool made with `cognate identity-pool create` trusting the bench client; getid = GetId + GetCredentialsForIdentity');
    out.push('  with a user pool ID token (one operation = the pair), getidguest = the same pair for a new guest identity each time.');
  }
  if (settings.scenarios.some((s) => SCENARIOS[s].signed)) {
    out.push(`Verifier: ${settings.signed} requests per thread (GET on ${BENCH_BUCKET}.s3 under private/<identity>/) SigV4-signed with @smithy/signature-v4 and`);
    out.push('  built-in credentials before the window; each check verifies the signature, opens the sealed SessionToken, reads the role');
    out.push('  and evaluates its policy for s3:GetObject. verifylib runs in the load threads: its cost is in the "load" columns.');
  }
  if (settings.databaseUrl) out.push('  On PostgreSQL, "other cores" includes the database server when it runs on this machine.');
  const busy = settings.databaseUrl ? [] : results.filter((r) => r.otherCores >= QUIET_CORES);
  if (busy.length) out.push(`WARNING: other processes used CPU during ${busy.map((r) => r.name).join(', ')}; those figures understate Cognate.`);
  for (const r of results) {
    if (r.errorCount > 0) out.push(`errors in ${r.name}: ${JSON.stringify(r.errors)}; e.g. ${r.samples.join(' | ')}`);
  }
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const startedAt = new Date();
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first (npm run bench does)`);
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'cognate-bench-'));
  let profileDir;
  if (settings.profile) {
    profileDir = path.join(root, 'bench', 'results', `profile-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    await mkdir(profileDir, { recursive: true });
  }
  // argon2id's cost on this host, while nothing of the bench runs yet (sign-up and password sign-in follow it).
  argon2 = await measureArgon2();
  log(`argon2id on this host: ${argon2Text()}`);
  // One server after the other for each `--workers` count, each on a fresh data folder.
  const runs = [];
  for (const count of settings.serverWorkersList) {
    if (runs.length) {
      await stopWorkers();
      await stopServer();
      await rm(dataDir, { recursive: true, force: true });
      dataDir = await mkdtemp(path.join(os.tmpdir(), 'cognate-bench-'));
    }
    settings.serverWorkers = count;
    log(`starting the server (${settings.databaseUrl ? 'PostgreSQL' : 'SQLite'}, data in ${dataDir})${profileDir ? ' under --cpu-prof' : ''}${count ? `, --workers ${count}` : ''}`);
    if (runs.length && settings.databaseUrl) log('  (the same PostgreSQL database again: a new pool, client and users are made in it)');
    await startServer(profileDir);
    log(`server ready at ${server.url}; creating a pool, a client and ${settings.users} users`);
    const setup = await withTimeout(setUp(), 300_000 + (needsListPool() ? 1_800_000 : 0), 'set-up');
    // By now every worker has started (set-up took some seconds).
    settings.serverProcesses = CPU_FROM_PROC ? processTreeSize(server.child.pid) : 1;
    log(`the server runs as ${processesText()}`);
    currentSetup = { ...setup, at: Date.now() };
    startWorkers(setup);
    runs.push({ workers: count, processes: settings.serverProcesses, results: await runScenarios(settings.scenarios) });
  }
  const results = runs.flatMap((r) => r.results);
  let peer;
  if (settings.compare) peer = await runPeer();
  for (const run of runs) {
    settings.serverWorkers = run.workers;
    settings.serverProcesses = run.processes;
    process.stdout.write(report(run.results, { ephemerals: Math.ceil(settings.ephemerals / settings.workers) * settings.workers }) + '\n');
    if (peer) process.stdout.write('\n' + comparisonText(run.results, peer) + '\n');
  }
  if (runs.length > 1) process.stdout.write(`\nScaling (ops/s; ratio = --workers ${runs.at(-1).workers} over --workers ${runs[0].workers}; target ≥ ${SCALING_TARGET}× for raw GetUser and refresh, 2 workers against 1):\n${table(scalingRows(runs), ['scenario', ...runs.map((r) => `--workers ${r.workers}`), 'ratio', 'result'])}\n`);
  const section = await markdownReport(runs, startedAt, peer);
  process.stdout.write('\n' + section);
  await writeMarkdown(section);

  await cleanup();
  if (profileDir) {
    const files = (await readdir(profileDir)).filter((f) => f.endsWith('.cpuprofile'));
    if (files.length === 0) log(`no CPU profile was written in ${profileDir}`);
    for (const f of files) {
      process.stdout.write(`\nServer CPU profile: ${path.join(profileDir, f)} (\`node bench/profile.mjs <file>\` summarizes all of it)\n`);
      for (const r of results) {
        process.stdout.write(`\n--- ${SCENARIOS[r.name].label}, measured window only (µs ${r.window.from} ${r.window.to}) ---\n`);
        process.stdout.write((await summarizeProfile(path.join(profileDir, f), { top: 20, ...r.window })) + '\n');
      }
    }
  }
  return [...results, ...(peer?.results ?? [])].every((r) => r.errorCount === 0) ? 0 : 1;
}

async function runScenarios(names) {
  const results = [];
  for (const name of names) {
    log(`${SCENARIOS[name].label}: ${SCENARIOS[name].what}, ${settings.warmup} s warm-up + ${settings.seconds} s`);
    let r;
    for (let attempt = 0; ; attempt++) {
      const run = await runScenario(name);
      if (!r || run.otherCores < r.otherCores) r = run;
      // On PostgreSQL the database's own processes are among the "other" ones: no retry on that account.
      if (run.otherCores < QUIET_CORES || attempt >= settings.retries || settings.databaseUrl) break;
      log(`  other processes took ${fmt(run.otherCores, 2)} cores during the window; running it again`);
    }
    if (r.sides) log(`  A p50 ${fmt(r.sides.a.p50, 2)} / p90 ${fmt(r.sides.a.p90, 2)} ms, B p50 ${fmt(r.sides.b.p50, 2)} / p90 ${fmt(r.sides.b.p90, 2)} ms (n ${r.sides.a.n}/${r.sides.b.n}): ${pairRow(r).slice(3, 4)} p50, ${pairRow(r).slice(6, 7)} p90, ${pairRow(r).at(-1)}`);
    else log(`  ${fmt(r.opsPerSec)} ops/s, p50 ${fmt(r.p50, 1)} ms, p99 ${fmt(r.p99, 1)} ms, ${r.errorCount} errors; cores: server ${fmt(r.serverCores, 2)}, load ${fmt(r.benchCores, 2)}, other ${fmt(r.otherCores, 2)}`);
    results.push(r);
  }
  return results;
}

/**
 * `--compare cognito-local`: once Cognate's scenarios are done, Cognate is stopped and cognito-local
 * started in its place (same machine, same load generator and settings), set up with the same users,
 * and the scenarios both support run again against it.
 */
async function runPeer() {
  const names = settings.scenarios.filter((s) => PEER_SCENARIOS.includes(s));
  log(`--compare cognito-local: stopping Cognate; ${names.join(', ')} against cognito-local ${peerVersion()}`);
  await stopWorkers();
  await stopServer();
  server = await startPeer(await freePort(), log);
  const setup = await withTimeout(setUpPeer(server.url, { count: settings.users, password: PASSWORD, mapLimit }), 300_000, 'cognito-local set-up');
  currentSetup = { ...setup, at: Date.now() };
  startWorkers(setup);
  return { version: peerVersion(), results: await runScenarios(names) };
}

main().then(
  (code) => process.exit(code),
  async (e) => {
    if (stopping) return; // the signal handler cleans up and exits
    log(`failed: ${e?.stack ?? e}`);
    await cleanup();
    process.exit(1);
  },
);
