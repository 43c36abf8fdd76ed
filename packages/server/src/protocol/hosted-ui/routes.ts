/**
 * The hosted UI (managed login) on the Hono app: every page module in pages/ registers its routes
 * here. Pages answer on the server's own URL and on each pool's domain alike; which pool and
 * client a request is for comes from `client_id` (domain/oauth/clients.ts).
 */
import { honoBodyLimit } from '../http-common.js';
import type { Cognate } from '../../domain/cognate.js';
import { createHostedUi, type HostedApp } from './page.js';
import { PAGES } from './pages/index.js';

/** Form posts are small; a larger body is refused before it is parsed. */
const FORM_LIMIT_BYTES = 64 * 1024;

const PATHS: ReadonlySet<string> = new Set(PAGES.flatMap((p) => p.paths));

/**
 * Whether a POST to `url` is a hosted-UI form (served by Hono) rather than an API call (the raw
 * node:http path in server.ts). Only the pages' own paths are.
 */
export function isHostedUiPost(url: string | undefined): boolean {
  if (!url) return false;
  const q = url.indexOf('?');
  return PATHS.has(q < 0 ? url : url.slice(0, q));
}

/** Registers the hosted UI's routes; called once from createApp, before the catch-all POST route. */
export function registerHostedUi(app: HostedApp, cognate: Cognate): void {
  const ui = createHostedUi(cognate, PATHS);
  for (const page of PAGES) for (const path of page.paths) app.post(path, honoBodyLimit(page.bodyLimitBytes ?? FORM_LIMIT_BYTES, 'page'));
  for (const page of PAGES) page.register(app, ui);
}
