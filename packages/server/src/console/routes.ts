/**
 * The admin console on the Hono app, under `/console` (README.md). Its POSTs reach Hono because
 * `isConsolePath()` tells the raw node:http dispatch in server.ts that they are pages, not API calls.
 */
import { honoBodyLimit } from '../protocol/http-common.js';
import type { Cognate } from '../domain/cognate.js';
import { CONSOLE_CSS, CONSOLE_JS } from './assets.js';
import type { ConsoleApp, ConsoleUi } from './kit.js';
import { ConsoleCsrf } from './security.js';
import { PAGES } from './pages/index.js';

/** Form posts are small; a larger body is refused before it is parsed (branding images travel as data URLs). */
const FORM_LIMIT_BYTES = 1024 * 1024;

/** Whether `url` (path and query) is the console's. */
export function isConsolePath(url: string | undefined): boolean {
  if (!url) return false;
  return url === '/console' || url.startsWith('/console/') || url.startsWith('/console?');
}

const asset = (body: string, type: string) => () =>
  new Response(body, { headers: { 'content-type': type, 'cache-control': 'public, max-age=300', 'x-content-type-options': 'nosniff' } });

/** Registers the console's routes; called once from createApp, before the catch-all POST route. */
export function registerConsole(app: ConsoleApp, cognate: Cognate): void {
  const nav = PAGES.flatMap((p) => (p.nav ? [p.nav] : [])).sort((a, b) => a.order - b.order);
  const ui: ConsoleUi = { cognate, csrf: new ConsoleCsrf(cognate.secrets.codeKey), nav };
  app.post('/console/*', honoBodyLimit(FORM_LIMIT_BYTES, 'page'));
  app.get('/console/assets/console.css', asset(CONSOLE_CSS, 'text/css; charset=utf-8'));
  app.get('/console/assets/console.js', asset(CONSOLE_JS, 'text/javascript; charset=utf-8'));
  for (const page of PAGES) page.register(app, ui);
}
