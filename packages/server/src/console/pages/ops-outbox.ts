/**
 * The development outbox: the codes and invitations Cognate queued, searchable by pool, recipient
 * (exact, or a prefix ending in `*`), kind, channel and time, newest first, 25 a page
 * (messaging/outbox-search.ts). Only the page shown is unsealed. Read-only.
 */
import { html } from '../../protocol/hosted-ui/html.js';
import { searchOutbox, type OutboxQuery } from '../../messaging/outbox-search.js';
import { errorText, viewHandler, type ConsolePage } from '../kit.js';
import { input, pager, select, table, when } from '../ui.js';

/** `2026-12-07T10:00` (a datetime-local field, read as UTC) to epoch ms; '' stays absent. */
function instant(v: string | undefined): number | string | undefined {
  if (!v) return undefined;
  const t = Date.parse(/Z$|[+-]\d\d:\d\d$/.test(v) ? v : `${v}Z`);
  return Number.isNaN(t) ? v : t;
}

export const outboxPage: ConsolePage = {
  nav: { label: 'Outbox', href: '/console/outbox', order: 66 },
  register(app, ui) {
    app.get('/console/outbox', viewHandler(ui, async (page) => {
      const q = { pool: page.query('pool', 55), recipient: page.query('recipient', 321), kind: page.query('kind', 64), channel: page.query('channel', 8), from: page.query('from', 40), to: page.query('to', 40) };
      const cursor = page.query('page', 2048);
      const query: OutboxQuery = { poolId: q.pool, recipient: q.recipient, kind: q.kind, channel: q.channel, from: instant(q.from), to: instant(q.to), limit: 25, nextToken: cursor };
      let errors: string[] | undefined;
      let result: Awaited<ReturnType<typeof searchOutbox>> = { messages: [] };
      try {
        result = await searchOutbox(page.cognate, query);
      } catch (e) {
        errors = [errorText(e)];
      }
      return page.render(
        {
          title: 'Outbox',
          ...(errors ? { errors } : {}),
          body: html`<form method="get" action="/console/outbox" role="search" aria-label="Search the outbox">
${input({ name: 'pool', label: 'User pool ID', type: 'search', value: q.pool ?? '' })}
${input({ name: 'recipient', label: 'Recipient', type: 'search', value: q.recipient ?? '', hint: 'An address or phone number; end with * for "starts with"' })}
${input({ name: 'kind', label: 'Kind', type: 'search', value: q.kind ?? '', hint: 'SignUp, ForgotPassword, AdminCreateUser, VerifyUserAttribute …' })}
${select({ name: 'channel', label: 'Channel', options: [['', 'any'], ['email', 'email'], ['sms', 'SMS'], ['webhook', 'log webhook']], value: q.channel ?? '' })}
${input({ name: 'from', label: 'From (UTC, e.g. 2026-12-07T10:00)', value: q.from ?? '' })}
${input({ name: 'to', label: 'Until (UTC)', value: q.to ?? '' })}
<button type="submit" class="secondary">Search</button></form>
${table(['Queued', 'Pool', 'To', 'Kind', 'Message', 'Delivered'], result.messages.map((m) => [
  when(m.createdAt),
  m.poolId,
  `${m.to} (${m.channel})`,
  m.kind,
  html`${m.subject ? html`<strong>${m.subject}</strong><br>` : ''}<span class="message">${m.text}</span>`,
  m.deliveredAt ? `${when(m.deliveredAt)} by ${m.deliveredBy ?? ''}` : m.failedAt ? `failed: ${m.lastError ?? ''}` : m.attempts > 0 ? `retrying: ${m.lastError ?? ''}` : 'waiting',
]))}
${pager('/console/outbox', result.nextToken, { pool: q.pool, recipient: q.recipient, kind: q.kind, channel: q.channel, from: q.from, to: q.to }, !cursor)}`,
        },
        errors ? 400 : 200,
      );
    }));
  },
};
