/**
 * Headless Chromium for the hosted-UI suites: Debian's /usr/bin/chromium driven by playwright-core
 * (which downloads no browser of its own), trusting the server's development CA the way a person's
 * browser would after importing it — the CA is added to an NSS database in a throwaway HOME that
 * only this browser process sees (Chromium on Linux reads user trust anchors from
 * ~/.pki/nssdb) — and saving screenshots into the gitignored `test-artifacts/` folder.
 *
 * Names: Chromium resolves every `*.localhost` (so `shop.auth.us-east-1.localhost`) to loopback by
 * itself; custom domains given in `hosts` are mapped to 127.0.0.1 with --host-resolver-rules.
 *
 * Needs the Debian packages `chromium` and `libnss3-tools` (certutil); .ci/run installs both.
 * Without them a suite is skipped with a warning locally and fails under CI (CI must cover it):
 * `describe('…', { skip: browserSkip }, …)`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
/** Screenshots and other things a person may want to look at after a run (gitignored). */
export const ARTIFACTS_DIR = path.join(repoRoot, 'test-artifacts');

function onPath(names: readonly string[]): string | undefined {
  for (const name of names) {
    for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
      if (dir && existsSync(path.join(dir, name))) return path.join(dir, name);
    }
  }
  return undefined;
}

export const chromiumPath = existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : onPath(['chromium', 'chromium-browser']);
const certutilPath = onPath(['certutil']);

function whyNot(): string | undefined {
  if (!chromiumPath) return 'Chromium is not installed (apt-get install chromium)';
  if (!certutilPath) return 'certutil is not installed (apt-get install libnss3-tools), so Chromium cannot be made to trust the development CA';
  return undefined;
}

const missing = whyNot();
if (missing && process.env.CI) throw new Error(`${missing}: the browser suites must run under CI (.ci/run installs it)`);
/** `false`, or why the browser suites are skipped: pass as `describe`'s `skip` option. */
export const browserSkip: false | string = missing ? `${missing}; the browser suite is skipped` : false;
if (missing) console.warn(`\nWARNING: ${browserSkip}.\n`);

export interface BrowserOptions {
  /** PEM file of a CA the browser trusts (the server's development CA: TestServer's tls, or RunningCognate's tls.caCertPath). */
  trustCa?: string;
  /**
   * Accept any certificate. Only for a test that says why it can't trust a CA instead (the reason
   * is required, and is logged).
   */
  ignoreHTTPSErrors?: { because: string };
  /** Custom domains to resolve to 127.0.0.1 (`*.localhost` already does). */
  hosts?: readonly string[];
  /** Options for the browser context (locale, viewport …). */
  context?: BrowserContextOptions;
}

export interface TestBrowser {
  browser: Browser;
  context: BrowserContext;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** Starts headless Chromium with a fresh profile (cookies, storage) and one context. */
export async function launchBrowser(opts: BrowserOptions = {}): Promise<TestBrowser> {
  if (missing) throw new Error(missing);
  const home = mkdtempSync(path.join(tmpdir(), 'cognate-browser-'));
  if (opts.trustCa) {
    const db = `sql:${path.join(home, '.pki', 'nssdb')}`;
    mkdirSync(path.join(home, '.pki', 'nssdb'), { recursive: true });
    execFileSync(certutilPath!, ['-d', db, '-N', '--empty-password']);
    execFileSync(certutilPath!, ['-d', db, '-A', '-t', 'C,,', '-n', 'cognate-dev-ca', '-i', opts.trustCa]);
  }
  if (opts.ignoreHTTPSErrors) console.warn(`browser: certificate errors ignored because ${opts.ignoreHTTPSErrors.because}`);
  const args = opts.hosts?.length ? [`--host-resolver-rules=${opts.hosts.map((h) => `MAP ${h} 127.0.0.1`).join(',')}`] : [];
  const browser = await chromium.launch({ executablePath: chromiumPath!, headless: true, args, env: { ...process.env, HOME: home } });
  const context = await browser.newContext({ ...opts.context, ...(opts.ignoreHTTPSErrors ? { ignoreHTTPSErrors: true } : {}) });
  return {
    browser,
    context,
    newPage: () => context.newPage(),
    async close() {
      await browser.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page screenshot as `test-artifacts/<suite>/<name>.png`; returns its path. */
export async function saveScreenshot(page: Page, suite: string, name: string): Promise<string> {
  const safe = (s: string) => s.replace(/[^\w.-]+/g, '-');
  const dir = path.join(ARTIFACTS_DIR, safe(suite));
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${safe(name)}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
