/**
 * `GET /logout` (Cognito's logout endpoint): ends the browser's hosted session — the cookie is
 * cleared AND the session row deleted, with the refresh-token families it produced (security.md
 * P22 "Beat") — then either
 * - `logout_uri`: redirects there, only if it is one of the client's LogoutURLs character for
 *   character (A30: never an open redirect), or
 * - `redirect_uri` + `response_type` (+ `state`, `scope` …): starts a new sign-in, i.e. an
 *   authorization request validated like `/oauth2/authorize`'s.
 * A bad client or URI changes nothing and gets the error page (400, no Location).
 * A session a SAML provider with IDPSignout signed in goes by the IdP's single logout first.
 */
import { endHostedSession } from '../../../domain/oauth/hosted-sessions.js';
import { revokeHostedSessionTokens } from '../../../domain/oauth/authorization-codes.js';
import { resolveOAuthClient } from '../../../domain/oauth/clients.js';
import { logoutUriFor } from '../../../domain/oauth/redirect-uris.js';
import { CognitoError } from '../../../errors.js';
import { samlLogoutRedirect } from '../../../domain/federation/saml-sign-in.js';
import type { HostedSession } from '../../../domain/oauth/hosted-sessions.js';
import type { UserPool } from '../../../domain/user-pools.js';
import { html } from '../html.js';
import { pageHandler, type HostedPage, type PageRequest } from '../page.js';

async function signOut(page: PageRequest): Promise<HostedSession | undefined> {
  const ended = await endHostedSession(page.cognate, page.sentCookie);
  if (ended) await revokeHostedSessionTokens(page.cognate, ended.id);
  page.clearCookie();
  return ended;
}

/**
 * Signs out, then goes to `continueTo` — by way of the SAML IdP's single logout when a SAML provider
 * with IDPSignout signed this session in (domain/federation/saml-sign-in.ts; `/saml2/logout` continues).
 */
async function signOutAndGo(page: PageRequest, pool: UserPool, continueTo: string): Promise<Response> {
  const ended = await signOut(page);
  let slo: string | undefined;
  try {
    slo = ended ? await samlLogoutRedirect(page.cognate, { pool, hostedSessionId: ended.id, continueTo }) : undefined;
  } catch (err) {
    if (!(err instanceof CognitoError)) throw err;
    page.cognate.log.warn({ err: err.message }, 'SAML single logout unavailable');
  }
  return page.redirect(slo ?? continueTo);
}

async function logout(page: PageRequest): Promise<Response> {
  const party = await resolveOAuthClient(page.cognate, page.c.req.query('client_id'), page.c.req.header('host'));
  if (!party) return page.errorPage(page.t.errorBadClient, 400);
  const logoutUri = page.c.req.query('logout_uri');
  if (logoutUri !== undefined) {
    const target = logoutUriFor(party.client, logoutUri);
    if (!target) return page.errorPage(page.t.errorBadLogout, 400, await page.branding(party));
    return signOutAndGo(page, party.pool, target);
  }
  if (page.c.req.query('redirect_uri') !== undefined || page.c.req.query('response_type') !== undefined) {
    const request = await page.authorizeRequest();
    if (request instanceof Response) return request;
    return signOutAndGo(page, party.pool, `/login?${request.query}`);
  }
  // Neither: signed out, and told so here.
  await signOut(page);
  return page.render({ title: page.t.signedOutHeading, body: html`` }, { branding: await page.branding(party) });
}

export const logoutPage: HostedPage = {
  paths: ['/logout'],
  register(app, ui) {
    app.get('/logout', pageHandler(ui, logout));
  },
};
