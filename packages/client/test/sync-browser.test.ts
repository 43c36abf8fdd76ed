/**
 * The SyncManager in headless Chromium: a page imports the client's compiled ESM, keeps the session
 * and the datasets in IndexedDB (IndexedDBStorage), gets guest credentials, puts records and
 * synchronises them with a Cognate server on another origin (CORS, SigV4 signed with WebCrypto),
 * then a new client on the same IndexedDB finds them again. The test reads the records back from
 * the server with @aws-sdk/client-cognito-sync and the admin keys.
 *
 * Needs the Debian package `chromium`; without it the test is skipped.
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
import { ListRecordsCommand } from '@aws-sdk/client-cognito-sync';
import { developer, syncPool } from '../../server/test/e2e/sync/helpers.js';
import { startTestServer, type TestServer } from './support.js';

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
const skip = chromium ? false : 'Chromium is not installed (apt-get install chromium); the browser sync test is skipped';
if (!chromium) console.warn(`\nWARNING: ${skip}.\n`);

interface PageResult {
  ok: boolean;
  error?: string;
  status?: string;
  identityId?: string;
  restored?: Record<string, string>;
  restoredIdentityId?: string;
  secondStatus?: string;
  localStorageKeys?: string[];
}

function page(config: unknown): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Cognate SyncManager in a browser</title></head>
<body>
<script type="module">
import { MobileClient, SyncManager, IndexedDBStorage } from '/client/index.js';
const report = (result) => fetch('/result', { method: 'POST', body: JSON.stringify(result) });
try {
  const config = ${JSON.stringify(config)};
  const client = new MobileClient({ storage: new IndexedDBStorage({ databaseName: 'app' }) });
  await client.initialize(config);
  await client.getAWSCredentials();
  const sync = new SyncManager(client);
  const ds = await sync.openOrCreateDataset('browser');
  await ds.putAll({ from: 'chromium', 'é': 'ü' });
  const first = await ds.synchronize();

  const again = new MobileClient({ storage: new IndexedDBStorage({ databaseName: 'app' }) });
  await again.initialize(config);
  const ds2 = await new SyncManager(again).openOrCreateDataset('browser');
  const restored = await ds2.getAll();
  await ds2.remove('é');
  const second = await ds2.synchronize();
  await report({
    ok: first.status === 'succeeded' ? true : false,
    error: first.status === 'failed' ? first.error.code + ': ' + first.error.message : undefined,
    status: first.status,
    identityId: client.identityId,
    restored,
    restoredIdentityId: again.identityId,
    secondStatus: second.status,
    localStorageKeys: Object.keys(localStorage),
  });
} catch (e) {
  await report({ ok: false, error: String((e && (e.code ? e.code + ': ' : '') + (e.stack || e.message)) || e) });
}
</script>
</body></html>`;
}
describe('the SyncManager in headless Chromium', { skip }, () => {
  let server: TestServer;
  let config: unknown;
  let web: Server;
  let browser: ChildProcess | undefined;
  let profile: string;

  before(async () => {
    // The page imports the compiled ESM: build it (incremental, quick when up to date).
    const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const build = spawnSync(process.execPath, [tsc, '-b', packageDir], { encoding: 'utf8' });
    assert.equal(build.status, 0, `tsc -b packages/client failed:\n${build.stdout}${build.stderr}`);
    server = await startTestServer('sqlite');
    const identityPoolId = await syncPool(server);
    config = { CredentialsProvider: { CognitoIdentity: { Default: { PoolId: identityPoolId, Region: 'us-east-1', Endpoint: server.url } } } };
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

  it('caches datasets in IndexedDB and synchronises them across origins with SigV4 on WebCrypto', async () => {
    let resolveResult!: (r: PageResult) => void;
    const result = new Promise<PageResult>((resolve) => (resolveResult = resolve));

    web = createServer((req, res) => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        if (url.pathname === '/') {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          res.end(page(config));
        } else if (url.pathname.startsWith('/client/')) {
          const file = path.normalize(path.join(dist, url.pathname.slice('/client/'.length)));
          if (!file.startsWith(dist + path.sep) || !file.endsWith('.js') || !existsSync(file)) {
            res.writeHead(404).end();
            return;
          }
          res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
          res.end(await readFile(file));
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
    assert.equal(outcome.status, 'succeeded');
    assert.equal(outcome.secondStatus, 'succeeded');
    assert.match(outcome.identityId ?? '', /^us-east-1:[0-9a-f-]{36}$/);
    assert.equal(outcome.restoredIdentityId, outcome.identityId, 'the session came back from IndexedDB');
    assert.deepEqual(outcome.restored, { from: 'chromium', 'é': 'ü' }, 'the dataset came back from IndexedDB');
    assert.deepEqual(outcome.localStorageKeys, [], 'nothing in localStorage');
    const records = await developer(server).send(new ListRecordsCommand({ IdentityPoolId: (config as { CredentialsProvider: { CognitoIdentity: { Default: { PoolId: string } } } }).CredentialsProvider.CognitoIdentity.Default.PoolId, IdentityId: outcome.identityId!, DatasetName: 'browser' }));
    assert.deepEqual(records.Records?.map((r) => [r.Key, r.Value]).sort(), [['from', 'chromium'], ['é', undefined]]);
  });
});
