/**
 * The sign-in page's buttons for the client's external identity providers (its
 * SupportedIdentityProviders but COGNITO), as Cognito's managed login shows them: each a link to
 * `/oauth2/authorize` with the request's parameters and `identity_provider=<name>`, which sends
 * the browser to that provider (protocol/oauth/idpresponse.ts).
 */
import { html, type Html } from './html.js';
import { format } from './i18n/index.js';
import type { AuthorizeRequest } from './authorize-request.js';
import type { PageRequest } from './page.js';

export function providerButtons(page: PageRequest, request: AuthorizeRequest): Html {
  if (request.externalProviders.length === 0) return html``;
  const hrefFor = (name: string) => {
    const q = new URLSearchParams(request.query);
    q.delete('idp_identifier');
    q.set('identity_provider', name);
    return `/oauth2/authorize?${q.toString()}`;
  };
  return html`<ul class="idp-buttons">${request.externalProviders.map((name) => html`<li><a class="idpButton-customizable" href="${hrefFor(name)}">${format(page.t.continueWithProvider, { name })}</a></li>`)}</ul>`;
}
