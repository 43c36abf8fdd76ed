/**
 * Browser smoke test: headless Chromium loads a page that imports the client's compiled ESM
 * (packages/client/dist, built here with `tsc -b`) and runs signUp → confirmSignUp → signIn (SRP on
 * WebCrypto + BigInt) → getTokens → getUserAttributes → getAWSCredentials (an identity pool: GetId +
 * GetCredentialsForIdentity) against a Cognate server on another origin
 * (CORS), keeping the session in the real localStorage; it POSTs the outcome back to this test's
 * HTTP server, which also hands it the confirmation code from the server's outbox.
 *
 * Needs the Debian package `chromium` (.ci/run installs it); without it the test is skipped.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { identityPoolFor } from '../../server/test/e2e/identity/helpers.js';
import { PASSWORD, createPool, latestCode, startTestServer, type TestPool, type TestServer } from './support.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const packageDir = path.join(here, '..');
const repoRoot = path.join(packageDir, '..', '..');
const dist = path.join(packageDir, 'dist');

function findChromium(): string | undefined {
  for (const name of ['chromium', 'chromium-browser']) {
    for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
      if (dir && existsSync(path.join(dir, name))) return path.join(dir, name);
    }
  }
  return undefined;
}

const chromium = findChromium();
const skip = chromium ? false : 'Chromium is not installed (apt-get install chromium); the browser smoke test is skipped';
if (!chromium) console.warn(`\nWARNING: ${skip}.\n`);

interface PageResult {
  ok: boolean;
  error?: string;
  signUpState?: string;
  signInState?: string;
  states?: string[];
  username?: string;
  accessToken?: string;
  email?: string;
  restoredState?: string;
  storedKeys?: string[];
  accessKeyId?: string;
  identityId?: string;
}

function page(config: unknown, username: string, email: string): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Cognate client smoke test</title></head>
<body>
<script type="module">
import { MobileClient, LocalStorage } from '/client/index.js';
const report = (result) => fetch('/result', { method: 'POST', body: JSON.stringify(result) });
try {
  const config = ${JSON.stringify(config)};
  const client = new MobileClient({ storage: new LocalStorage() });
  const states = [];
  client.addUserStateListener((state) => states.push(state));
  await client.initialize(config);
  const up = await client.signUp({ username: ${JSON.stringify(username)}, password: ${JSON.stringify(PASSWORD)}, userAttributes: { email: ${JSON.stringify(email)} } });
  const code = await (await fetch('/code')).text();
  await client.confirmSignUp(${JSON.stringify(username)}, code);
  const signIn = await client.signIn({ username: ${JSON.stringify(username)}, password: ${JSON.stringify(PASSWORD)} });
  const tokens = await client.getTokens();
  const attributes = await client.getUserAttributes();
  const credentials = await client.getAWSCredentials();
  const restored = new MobileClient({ storage: new LocalStorage() });
  const restoredState = await restored.initialize(config);
  await report({
    ok: true,
    signUpState: up.signUpConfirmationState,
    signInState: signIn.signInState,
    states,
    username: tokens.idToken.claims['cognito:username'],
    accessToken: tokens.accessToken.tokenString,
    email: attributes.email,
    restoredState,
    storedKeys: Object.keys(localStorage),
    accessKeyId: credentials.accessKeyId,
    identityId: client.identityId,
  });
} catch (e) {
  await report({ ok: false, error: String((e && (e.code ? e.code + ': ' : '') + (e.stack || e.message)) || e) });
}
</script>
</body></html>`;
}

describe('the client in headless Chromium', { skip }, () => {
  let server: TestServer;
  let pool: TestPool;
  let web: Server;
  let browser: ChildProcess | undefined;
  let profile: string;

  before(async () => {
    // The page imports the compiled ESM: build it (incremental, quick when up to date).
    const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const build = spawnSync(process.execPath, [tsc, '-b', packageDir], { encoding: 'utf8' });
    assert.equal(build.status, 0, `tsc -b packages/client failed:\n${build.stdout}${build.stderr}`);
    server = await startTestServer('sqlite');
    pool = await createPool(server);
    const identityPoolId = await identityPoolFor(server, [pool]);
    pool = { ...pool, config: { ...pool.config, CredentialsProvider: { CognitoIdentity: { Default: { PoolId: identityPoolId, Region: 'us-east-1', Endpoint: server.url } } } } };
    profile = await mkdtemp(path.join(tmpdir(), 'cognate-chromium-'));
  });

  after(async () => {
    if (browser && browser.exitCode === null) {
      try {
        process.kill(-browser.pid!, 'SIGKILL');
      } catch {
        browser.kill('SIGKILL');
      }
    }
    await new Promise<void>((resolve) => (web ? web.close(() => resolve()) : resolve()));
    await server?.stop();
    await rm(profile, { recursive: true, force: true });
  });

  it('runs signUp → confirmSignUp → signIn (SRP) → getTokens → getUserAttributes → getAWSCredentials against Cognate, across origins', async () => {
    const username = 'browser-user';
    const email = 'browser-user@example.com';
    let resolveResult!: (r: PageResult) => void;
    const result = new Promise<PageResult>((resolve) => (resolveResult = resolve));

    web = createServer((req, res) => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        if (url.pathname === '/') {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          res.end(page(pool.config, username, email));
        } else if (url.pathname.startsWith('/client/')) {
          const file = path.normalize(path.join(dist, url.pathname.slice('/client/'.length)));
          if (!file.startsWith(dist + path.sep) || !file.endsWith('.js') || !existsSync(file)) {
            res.writeHead(404).end();
            return;
          }
          res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
          res.end(await readFile(file));
        } else if (url.pathname === '/code') {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end(await latestCode(server, pool.poolId, email));
        } else if (url.pathname === '/result' && req.method === 'POST') {
          const chunks: Buffer[] = [];
          for await (const chunk of req) chunks.push(chunk as Buffer);
          res.writeHead(204).end();
          resolveResult(JSON.parse(Buffer.concat(chunks).toString('utf8')) as PageResult);
        } else {
          res.writeHead(404).end();
        }
      })().catch((e: unknown) => {
        res.writeHead(500).end(String(e));
      });
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    const pageUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}/`;

    let output = '';
    browser = spawn(chromium as string, ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', `--user-data-dir=${profile}`, pageUrl], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    browser.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    browser.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<PageResult>((resolve) => browser!.on('exit', (code) => resolve({ ok: false, error: `Chromium exited (${code}) before the page reported:\n${output.slice(-4000)}` })));
    // No timed assertion: the page always reports (success or its error); the runner's timeout is the backstop.
    const outcome = await Promise.race([result, exited]);
    assert.ok(outcome.ok, outcome.error);
    assert.equal(outcome.signUpState, 'unconfirmed');
    assert.equal(outcome.signInState, 'signedIn');
    assert.deepEqual(outcome.states, ['signedOut', 'signedIn']);
    assert.equal(outcome.username, username);
    assert.equal(outcome.email, email);
    assert.equal(outcome.restoredState, 'signedIn', 'a new client picks the session up from localStorage');
    assert.deepEqual(outcome.storedKeys, [`cognate.session.${pool.clientId}`]);
    const me = await server.anonymous.send(new GetUserCommand({ AccessToken: outcome.accessToken }));
    assert.equal(me.Username, username);
    assert.match(outcome.accessKeyId ?? '', /^ASIA/);
    assert.match(outcome.identityId ?? '', /^us-east-1:[0-9a-f-]{36}$/);
  });
});
