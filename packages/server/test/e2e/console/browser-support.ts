/**
 * What the console's browser suites share: signing in through the sign-in page with the admin key
 * pair (keyboard only), and the checks every console page gets: one `<h1>`, `lang`, the banner,
 * navigation and main landmarks, every control labelled, no CSP violation, nothing wider than a
 * phone's screen. Screenshots go to `test-artifacts/console/` (printed once per suite).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS_DIR, saveScreenshot, unlabelledInputs } from '../../support/browser.js';
import type { TestServer } from '../../support/server.js';

export const SUITE = 'console';
let told = false;

/** Saves `test-artifacts/console/<name>.png`, saying where once. */
export async function shot(page: Page, name: string): Promise<string> {
  const file = await saveScreenshot(page, SUITE, name);
  if (!told) {
    told = true;
    console.log(`console screenshots: ${path.join(ARTIFACTS_DIR, SUITE)}`);
  }
  return file;
}

/** Collects CSP violations reported on the page's console. */
export function watchCsp(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  return violations;
}

/** Signs in with the admin key pair by typing into the sign-in page and pressing Enter. */
export async function signInInBrowser(page: Page, server: TestServer): Promise<void> {
  await page.goto(`${server.url}/console/sign-in`);
  await page.getByLabel('Access key ID').fill(server.credentials.accessKeyId);
  await page.getByLabel('Secret access key').fill(server.credentials.secretAccessKey);
  await Promise.all([page.waitForURL(/\/console(\?|$)/), page.getByLabel('Secret access key').press('Enter')]);
}

/** The checks every console page gets (see the file's comment). */
export async function checkConsolePage(page: Page, violations: readonly string[] = []): Promise<void> {
  assert.equal(await page.locator('h1').count(), 1, 'one h1');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.locator('main').count(), 1, 'a main landmark');
  assert.deepEqual(await unlabelledInputs(page), [], 'every control labelled');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 1, `nothing wider than the viewport (${overflow}px over)`);
  assert.deepEqual(violations, [], 'no CSP violation');
}
