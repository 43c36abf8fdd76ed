/**
 * Signing keys: a user pool's keys (or the identity issuer's, which signs identity pools' OpenID
 * tokens) — the active one, retired ones and until when each stays in the JWKS — and rotating them
 * with the same call as `cognate keys rotate` (SigningKeys.rotate), audited.
 */
import { html } from '../../protocol/hosted-ui/html.js';
import { signingKeyList } from '../../domain/signing-key-list.js';
import { actionHandler, errorText, viewHandler, type ConsolePage, type ConsoleRequest } from '../kit.js';
import { form, input, link, table, when } from '../ui.js';
import { audited } from './ops-shared.js';

const POOL_ID = /^[\w-]+_[0-9a-zA-Z]+$/;
/** The `pool` value that names the identity issuer's keys. */
const IDENTITY = 'identity';

async function keysView(page: ConsoleRequest, which: string | undefined, errors?: string[], status: 200 | 400 | 404 = 200): Promise<Response> {
  const chooser = html`<form method="get" action="/console/signing-keys" role="search">${input({ name: 'pool', label: 'User pool ID (or "identity")', type: 'search', value: which ?? '' })}<button type="submit" class="secondary">Show</button></form>`;
  if (!which) {
    const pools = await page.read<{ UserPools: { Id: string; Name: string }[] }>('ListUserPools', { MaxResults: 60 });
    return page.render({
      title: 'Signing keys',
      ...(errors ? { errors } : {}),
      body: html`${chooser}${table(['Keys of', 'ID'], [[link(`/console/signing-keys?pool=${IDENTITY}`, 'the identity issuer'), 'identity pools\' OpenID tokens'], ...pools.UserPools.map((p) => [link(`/console/signing-keys?pool=${encodeURIComponent(p.Id)}`, p.Name), p.Id])])}`,
    }, status);
  }
  const keysOf = which === IDENTITY ? '' : which;
  if (keysOf !== '' && !(POOL_ID.test(keysOf) && (await page.cognate.pools.find(keysOf)))) return page.render({ title: 'Signing keys', errors: [`No user pool ${which}.`], body: chooser }, 404);
  const keys = await signingKeyList(page.cognate, keysOf);
  const title = keysOf === '' ? 'Signing keys of the identity issuer' : `Signing keys of ${keysOf}`;
  return page.render(
    {
      title,
      crumbs: [['Signing keys', '/console/signing-keys']],
      ...(errors ? { errors } : {}),
      body: html`${chooser}
${table(['Key ID (kid)', 'State', 'Created', 'Retired', 'In the JWKS until'], keys.map((k) => [html`<code>${k.kid}</code>`, k.state, when(k.createdAt), k.retiredAt ? when(k.retiredAt) : '', k.state === 'active' ? 'while active' : k.unpublishAt ? when(k.unpublishAt) : '']))}
<h2>Rotate</h2>
<p>A new key signs from now on; the active one is retired and stays in the JWKS until the tokens it signed have expired, so nobody is signed out.</p>
${form({ action: '/console/signing-keys/rotate', csrf: page.csrf, label: 'Rotate the signing key', submit: 'Rotate key', kind: 'secondary', hidden: { pool: which } })}`,
    },
    status,
  );
}

export const signingKeysPage: ConsolePage = {
  nav: { label: 'Signing keys', href: '/console/signing-keys', order: 64 },
  register(app, ui) {
    app.get('/console/signing-keys', viewHandler(ui, (page) => keysView(page, page.query('pool', 55))));
    app.post('/console/signing-keys/rotate', actionHandler(ui, async (page, posted) => {
      const which = posted.get('pool');
      const keysOf = which === IDENTITY ? '' : which;
      if (keysOf !== '' && !(POOL_ID.test(keysOf) && (await page.cognate.pools.find(keysOf)))) return keysView(page, undefined, [`No user pool ${which.slice(0, 55)}.`], 404);
      let kid: string | undefined;
      try {
        const rotation = await audited(page, 'RotateSigningKey', keysOf === '' ? 'identity/signing-keys' : `${keysOf}/signing-keys`, {}, () => page.cognate.keys.rotate(keysOf, page.cognate.clock.now()));
        kid = rotation?.kid;
      } catch (e) {
        return keysView(page, which, [errorText(e)], 400);
      }
      return page.redirect(`/console/signing-keys?pool=${encodeURIComponent(which)}`, kid ? `Rotated: ${kid} signs now.` : 'Another rotation happened at the same moment; nothing more to do.');
    }));
  },
};
