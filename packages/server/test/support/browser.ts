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

// ------------------------------------------------------------------------------------------------
// What a person with a screen reader, a keyboard or low vision meets on a page, measured in the
// browser. Page-side code is passed as source text: the test runner's transpiler would wrap named
// functions in a helper the page doesn't have.
// ------------------------------------------------------------------------------------------------

const CONTRASTS = `(() => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
  const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
  const lum = (c) => 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const bg = getComputedStyle(e).backgroundColor;
      if (bg && !/rgba\\(0, 0, 0, 0\\)|transparent/.test(bg)) return bg;
    }
    return 'rgb(255, 255, 255)';
  };
  return Array.from(document.querySelectorAll('h1, h2, label, legend, p, button, a, li')).map((el) => {
    const a = lum(rgb(getComputedStyle(el).color));
    const b = lum(rgb(background(el)));
    return { what: el.tagName.toLowerCase() + ' ' + (el.textContent || '').trim().slice(0, 30), ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) };
  });
})()`;

/**
 * WCAG contrast ratios of the page's text (headings, labels, legends, paragraphs, buttons, links,
 * list items) against the background it sits on, from the rendered styles.
 */
export function textContrasts(page: Page): Promise<{ what: string; ratio: number }[]> {
  return page.evaluate(CONTRASTS) as Promise<{ what: string; ratio: number }[]>;
}

const MARK_FOCUSABLE = `(() => {
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.type === 'radio' ? '[' + el.value + ']' : '') + ' ' + (el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 30);
  const candidates = Array.from(document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]'))
    .filter((el) => !el.disabled && el.type !== 'hidden' && el.tabIndex >= 0);
  const order = [];
  const groups = new Set();
  for (const el of candidates) {
    if (el.type === 'radio' && el.name) {
      // A radio group is one tab stop: its checked button (else its first).
      const key = (el.form ? Array.from(document.forms).indexOf(el.form) : -1) + '/' + el.name;
      if (groups.has(key)) continue;
      groups.add(key);
      const group = candidates.filter((e) => e.type === 'radio' && e.name === el.name && e.form === el.form);
      order.push(group.find((e) => e.checked) || group[0]);
    } else order.push(el);
  }
  const active = document.activeElement;
  if (active && active !== document.body) active.setAttribute('data-focus-was', '');
  order.forEach((el, i) => el.setAttribute('data-focus-index', String(i)));
  return order.map(describe);
})()`;

/**
 * The page's focus order as the keyboard walks it, beside the DOM order it should follow: every
 * focusable element in document order (a radio group counts once), then where Tab actually goes
 * from the first of them. Focus is put back where it was (the page's autofocus field) afterwards.
 */
export async function focusOrder(page: Page): Promise<{ dom: string[]; tabbed: string[] }> {
  const dom = (await page.evaluate(MARK_FOCUSABLE)) as string[];
  const tabbed: string[] = [];
  if (dom.length > 0) {
    await page.focus('[data-focus-index="0"]');
    tabbed.push(dom[0]!);
    for (let i = 1; i < dom.length; i++) {
      await page.keyboard.press('Tab');
      const index = await page.evaluate('document.activeElement && document.activeElement.getAttribute("data-focus-index")');
      tabbed.push(index === null ? `(focus left the marked elements at step ${i})` : dom[Number(index)]!);
    }
  }
  await page.evaluate(`(() => {
    for (const el of document.querySelectorAll('[data-focus-index]')) el.removeAttribute('data-focus-index');
    const was = document.querySelector('[data-focus-was]');
    if (was) { was.removeAttribute('data-focus-was'); was.focus(); } else if (document.activeElement) document.activeElement.blur();
  })()`);
  return { dom, tabbed };
}

/**
 * Waits (briefly) until the element with `id` has focus, and returns where focus is. Chromium
 * applies `autofocus` when it next renders, which can come after the load event a navigation
 * waits for, so reading `document.activeElement` at once races it.
 */
export async function focusedId(page: Page, id: string, timeoutMs = 2000): Promise<string> {
  await page.waitForFunction((want) => document.activeElement?.id === want, id, { timeout: timeoutMs }).catch(() => undefined);
  return page.evaluate(() => document.activeElement?.id ?? '');
}

/** Form controls without a label (by `<label for>` or wrapping), or whose label has no text. */
export function unlabelledInputs(page: Page): Promise<string[]> {
  return page.evaluate(`Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))
    .filter((el) => !el.labels || el.labels.length === 0 || Array.from(el.labels).every((l) => !(l.textContent || '').trim()))
    .map((el) => el.outerHTML.slice(0, 120))`) as Promise<string[]>;
}
