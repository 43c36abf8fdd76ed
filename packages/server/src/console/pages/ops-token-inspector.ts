/**
 * The token inspector: paste an ID, access, OpenID or refresh token and see its header and claims
 * (marked unverified unless the signature holds), the signature check against the pool's published
 * keys (rotated ones included), expiry, and its session's revocation state (domain/token-inspector.ts).
 * The token travels in a POST body, never a URL, and is kept nowhere: not in the audit trail (an
 * inspection changes nothing), not in the page's address.
 */
import { html } from '../../protocol/hosted-ui/html.js';
import { inspectToken, type TokenInspection } from '../../domain/token-inspector.js';
import { actionHandler, viewHandler, type ConsolePage, type ConsoleRequest } from '../kit.js';
import { facts, form, table, textarea, when } from '../ui.js';
import { pretty } from './ops-shared.js';

function view(page: ConsoleRequest, r?: TokenInspection): Response {
  const time = (s: number | undefined) => (s === undefined ? '' : when(s * 1000));
  return page.render({
    title: 'Token inspector',
    body: html`${form({ action: '/console/token-inspector', csrf: page.csrf, label: 'Inspect a token', submit: 'Inspect', body: textarea({ name: 'token', label: 'Token', hint: 'An ID, access, identity-pool OpenID or refresh token. It is not stored.' }) })}
${r
  ? html`<section aria-labelledby="verdict"><h2 id="verdict">${r.accepted ? 'Accepted' : 'Refused'}</h2><p>${r.summary}</p>
${facts([
  ['Form', r.form],
  ['Use', r.use],
  ['Issuer', r.issuer.kind === 'user-pool' ? `user pool ${r.issuer.poolId}${r.issuer.known ? '' : ' (not on this server)'}` : r.issuer.kind === 'identity-issuer' ? 'the identity issuer' : r.issuer.iss ?? 'unknown'],
  ['Signature', `${r.signature.verdict}: ${r.signature.detail}`],
  ['Key', r.signature.kid ? `${r.signature.kid}${r.signature.key ? ` (${r.signature.key.state}${r.signature.key.unpublishAt ? `, in the JWKS until ${when(r.signature.key.unpublishAt)}` : ''})` : ''}` : ''],
  ['Expires', r.expiry ? `${time(r.expiry.exp)}${r.expiry.expired ? ' (expired)' : ` (in ${r.expiry.secondsLeft} s)`}` : ''],
  ['Issued', time(r.expiry?.iat)],
  ['Session', `${r.session.verdict}: ${r.session.detail}${r.session.revokedAt ? ` at ${when(r.session.revokedAt)}` : ''}`],
  ['User', r.user ? `${r.user.username ?? r.user.sub}${r.user.exists ? (r.user.enabled ? ` (${r.user.status}, enabled)` : ' (disabled)') : ' (deleted)'}` : ''],
])}
${r.decodeProblem ? html`<p>Could not decode: ${r.decodeProblem}</p>` : ''}
${r.header ? html`<h3>Header${r.verified ? '' : ' (unverified)'}</h3><pre>${pretty(r.header)}</pre>` : ''}
${r.claims ? html`<h3>Claims${r.verified ? '' : ' (unverified)'}</h3>${table(['Claim', 'Value'], Object.entries(r.claims).map(([k, v]) => [k, html`<code>${typeof v === 'string' ? v : JSON.stringify(v)}</code>`]))}` : ''}</section>`
  : ''}`,
  });
}

export const tokenInspectorPage: ConsolePage = {
  nav: { label: 'Token inspector', href: '/console/token-inspector', order: 68 },
  register(app, ui) {
    app.get('/console/token-inspector', viewHandler(ui, (page) => view(page)));
    app.post('/console/token-inspector', actionHandler(ui, async (page, posted) => view(page, await inspectToken(page.cognate, posted.get('token')))));
  },
};
