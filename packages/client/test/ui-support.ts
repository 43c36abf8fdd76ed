/**
 * What the drop-in UI suites share: the client and its UI compiled (`tsc -b packages/client/src/ui`,
 * which builds the core first), one Cognate server and one headless Chromium per file, and an app
 * page on the server's own origin that imports `/client/index.js` and `/client/ui/index.js` (the
 * compiled ESM, served by a Playwright route) and opens `showSignIn` with the options a test gives.
 * The test then uses the page as a person would: Playwright's CSS locators reach into the open
 * shadow root. axe-core (its own `axe.source`) is injected into the page to check each screen.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { launchBrowser, saveScreenshot, type TestBrowser } from '../../server/test/support/browser.js';
import type { Config } from '../../server/src/config.js';
import { startTestServer, type TestServer } from './support.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const packageDir = path.join(here, '..');
const dist = path.join(packageDir, 'dist');
const tsc = path.join(packageDir, '..', '..', 'node_modules', 'typescript', 'bin', 'tsc');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The app: `open(config, options)` initialises a client and shows the drop-in; `window.outcome` is what its promise gave. */
const APP = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Drop-in app</title></head>
<body><main><h1>Drop-in app</h1><div id="sign-in"></div></main>
<script type="module">
import { MobileClient } from '/client/index.js';
import { showSignIn } from '/client/ui/index.js';
window.open = async (config, options) => {
  // Functions don't cross page.evaluate: \`promptFrom\` names the public challenge parameter to show.
  if (options.promptFrom) options = { ...options, customChallengePrompt: (p) => p[options.promptFrom] };
  window.client = new MobileClient();
  await window.client.initialize(config);
  window.outcome = undefined;
  showSignIn(document.getElementById('sign-in'), { ...options, client: window.client }).then(
    (state) => (window.outcome = { state, username: window.client.username, current: window.client.currentUserState }),
    (e) => (window.outcome = { error: { name: e.name, code: e.code, message: e.message } }),
  );
};
// The hosted UI's redirect comes back here: the code, exchanged by the client.
window.handle = async (config) => {
  window.client = new MobileClient();
  await window.client.initialize(config);
  const state = await window.client.handleAuthResponse();
  return { state, username: (await window.client.getTokens()).accessToken.claims.username };
};
window.ready = true;
</script></body></html>`;

export interface Outcome {
  state?: string;
  username?: string;
  current?: string;
  error?: { name: string; code?: string; message: string };
}

export interface UiHarness {
  server: TestServer;
  browser: TestBrowser;
  origin: string;
  page: Page;
  /** A new page in a context of its own (e.g. another locale), with the app routes. */
  newPage(context?: BrowserContextOptions): Promise<Page>;
  close(): Promise<void>;
}

/** The app's files: the page at /app (whatever the query), the compiled client under /client/. */
async function appFile(url: URL): Promise<{ status: number; type: string; body: string }> {
  if (url.pathname === '/app') return { status: 200, type: 'text/html', body: APP };
  const file = path.normalize(path.join(dist, url.pathname.slice('/client/'.length)));
  if (!url.pathname.startsWith('/client/') || !file.startsWith(dist + path.sep) || !file.endsWith('.js') || !existsSync(file)) return { status: 404, type: 'text/plain', body: '' };
  return { status: 200, type: 'text/javascript', body: await readFile(file, 'utf8') };
}

/**
 * Builds the client, starts the server (with `overrides`) and Chromium, and loads the app page.
 * The app is served by Playwright routes on `origin(server)` (default the server's own origin), or
 * with `origin: 'own'` by an HTTP server of its own — needed where the server redirects to the app
 * (the hosted UI's callback): Chromium does not hand a redirected request to a route.
 */
export async function startUiHarness(overrides: Partial<Config> = {}, origin?: ((server: TestServer) => string) | 'own'): Promise<UiHarness> {
  const build = spawnSync(process.execPath, [tsc, '-b', path.join(packageDir, 'src', 'ui')], { encoding: 'utf8' });
  assert.equal(build.status, 0, `tsc -b packages/client/src/ui failed:\n${build.stdout}${build.stderr}`);
  const server = await startTestServer('sqlite', overrides);
  let appServer: Server | undefined;
  if (origin === 'own') {
    appServer = createServer((req, res) => {
      void appFile(new URL(req.url ?? '/', 'http://app')).then(({ status, type, body }) => res.writeHead(status, { 'content-type': type }).end(body));
    });
    await new Promise<void>((resolve) => appServer!.listen(0, '127.0.0.1', resolve));
  }
  const appOrigin = appServer ? `http://127.0.0.1:${(appServer.address() as AddressInfo).port}` : typeof origin === 'function' ? origin(server) : server.url;
  const browser = await launchBrowser(server.running.tls?.caCertPath ? { trustCa: server.running.tls.caCertPath } : {});
  const newPage = async (context?: BrowserContextOptions) => {
    const page = context ? await (await browser.browser.newContext(context)).newPage() : await browser.newPage();
    if (appServer) return page;
    const app = new URL(appOrigin);
    await page.route(
      (url) => url.origin === app.origin && (url.pathname === '/app' || url.pathname.startsWith('/client/')),
      async (route) => {
        const { status, type, body } = await appFile(new URL(route.request().url()));
        return route.fulfill({ status, contentType: type, body });
      },
    );
    return page;
  };
  const page = await newPage();
  return {
    server,
    browser,
    origin: appOrigin,
    page,
    newPage,
    async close() {
      await browser.close();
      await server.stop();
      await new Promise((resolve) => (appServer ? appServer.close(resolve) : resolve(undefined)));
    },
  };
}

/** Loads the app afresh and shows the drop-in for `config` with `options`. */
export async function open(h: UiHarness, config: unknown, options: Record<string, unknown> = {}, page = h.page, first = 'signIn'): Promise<void> {
  await page.goto(`${h.origin}/app`);
  await page.waitForFunction('window.ready === true');
  await page.evaluate(([c, o]) => (globalThis as unknown as { open(c: unknown, o: unknown): Promise<void> }).open(c, o), [config, options] as const);
  if (first) await page.waitForSelector(`cognate-sign-in form[data-screen="${first}"]`);
}

/** Waits for the screen `id`, checks it with axe-core (no violation of any rule) and saves a screenshot. */
export async function screen(page: Page, id: string, suite: string): Promise<void> {
  await page.waitForSelector(`cognate-sign-in form[data-screen="${id}"]`);
  await page.waitForFunction(() => !document.querySelector('cognate-sign-in')?.shadowRoot?.querySelector('form[aria-busy]'));
  await assertAccessible(page, id);
  await saveScreenshot(page, suite, id);
}

/** axe-core over the whole page, the drop-in's shadow root included: zero violations. */
export async function assertAccessible(page: Page, what: string): Promise<void> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.addScriptTag({ content: axeSource });
  const { violations, shadowChecks } = (await page.evaluate(async () => {
    type Node = { target: unknown[]; failureSummary: string };
    const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: { id: string; nodes: Node[] }[]; passes: { id: string; nodes: Node[] }[] }> } }).axe;
    const result = await axe.run(document, {});
    return {
      violations: result.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => ({ target: n.target, summary: n.failureSummary })) })),
      // A node inside a shadow root has a target path of host selector + inner selector.
      shadowChecks: result.passes.filter((p) => ['label', 'color-contrast', 'button-name'].includes(p.id) && p.nodes.some((n) => Array.isArray(n.target[0]))).map((p) => p.id),
    };
  })) as { violations: unknown[]; shadowChecks: string[] };
  assert.deepEqual(violations, [], `axe-core violations on ${what}: ${JSON.stringify(violations, null, 1)}`);
  assert.ok(shadowChecks.includes('color-contrast') && shadowChecks.includes('button-name'), `axe-core checked the drop-in's shadow root on ${what} (${shadowChecks.join(', ')})`);
}

/** What showSignIn's promise gave, once it settled. */
export async function outcome(page: Page): Promise<Outcome> {
  await page.waitForFunction('window.outcome !== undefined');
  return (await page.evaluate('window.outcome')) as Outcome;
}

/** The text of the drop-in's alert region once it has some. */
export async function alertText(page: Page): Promise<string> {
  const alert = page.locator('cognate-sign-in [role="alert"]');
  await alert.filter({ hasText: /\S/ }).waitFor();
  return (await alert.textContent()) ?? '';
}

/** The element focused inside the drop-in's shadow root, as `tag#id`. */
export async function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const active = document.querySelector('cognate-sign-in')?.shadowRoot?.activeElement;
    return active ? `${active.tagName.toLowerCase()}#${active.id}` : 'none';
  });
}
