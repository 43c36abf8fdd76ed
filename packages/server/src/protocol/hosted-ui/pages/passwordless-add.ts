/**
 * `/passkeys/add?client_id=…&redirect_uri=…` — Cognito's managed-login page (on a domain with
 * ManagedLoginVersion 2; the classic hosted UI has none) where a signed-in person registers a passkey, after which the browser goes to the app's `redirect_uri` (one of the
 * client's CallbackURLs, character for character; the page's "Not now" link goes there too).
 *
 * The person is the one this browser's hosted session (the cookie) signed in, in this client's
 * pool; without one the page says to sign in first. The registration is the API's own
 * (StartWebAuthnRegistration / CompleteWebAuthnRegistration: domain/webauthn/registration.ts) for
 * that user and this app client: the same RP ID and origins, challenge sealed and single use, the
 * same limits. The page's script (passkey-script.ts, `data-mode="create"`) calls
 * `navigator.credentials.create` and posts the RegistrationResponseJSON with the CSRF token.
 */
import { CognitoError } from '../../../errors.js';
import { resolveOAuthClient, type OAuthParty } from '../../../domain/oauth/clients.js';
import { findHostedSession } from '../../../domain/oauth/hosted-sessions.js';
import { callbackFor } from '../../../domain/oauth/redirect-uris.js';
import type { User } from '../../../domain/users.js';
import { completeWebAuthnRegistration, startWebAuthnRegistration } from '../../../domain/webauthn/registration.js';
import { formTargetOf } from '../authorize-request.js';
import { html } from '../html.js';
import { form, link, paragraph } from '../layout.js';
import { pageHandler, type HostedPage, type PageRequest } from '../page.js';
import { PASSKEY_SCRIPT } from '../passkey-script.js';

/** A RegistrationResponseJSON is a few hundred bytes to a few kilobytes. */
const MAX_CREDENTIAL = 32_768;

interface Target {
  party: OAuthParty;
  redirectUri: string;
  user: User;
}

/** The client, its redirect URI and the signed-in user, or the page that says what is missing. */
async function targetOf(page: PageRequest): Promise<Target | Response> {
  const party = await resolveOAuthClient(page.cognate, page.c.req.query('client_id'), page.c.req.header('host'));
  if (!party) return page.errorPage(page.t.errorBadClient, 400);
  // Managed login's page only: the classic hosted UI (ManagedLoginVersion 1) has none, and a page off the pool's domain can't be at the RP ID.
  if (party.domain?.managedLoginVersion !== 2) return page.errorPage(page.t.errorNotFound, 404);
  const redirectUri = callbackFor(party.client, page.c.req.query('redirect_uri'));
  if (!redirectUri) return page.errorPage(page.t.errorBadRedirect, 400, await page.branding(party));
  const found = await findHostedSession(page.cognate, party.pool, page.sentCookie);
  if (!found) return page.errorPage(page.t.passkeyAddSignInFirst, 403, await page.branding(party));
  return { party, redirectUri, user: found.user };
}

async function addView(page: PageRequest, target: Target, error?: string): Promise<Response> {
  const { t } = page;
  const { pool, client } = target.party;
  let options: unknown;
  try {
    options = (await startWebAuthnRegistration(page.cognate, { pool, user: target.user, clientId: client.id })).CredentialCreationOptions;
  } catch (err) {
    if (!(err instanceof CognitoError)) throw err;
    return page.errorPage(err.message, 400, await page.branding(target.party));
  }
  const body = html`${paragraph(t.passkeyAddIntro)}
${form({
  action: page.selfUrl,
  csrf: page.csrfToken(),
  submit: t.passkeyAddButton,
  label: t.passkeyAddHeading,
  hidden: { credential: '' },
  body: html`<div id="passkey-options" data-mode="create" data-options="${JSON.stringify(options)}" hidden></div>
<p class="field-error errorMessage-customizable" id="passkey-status" role="status" data-failed="${t.passkeyAddFailed}" data-unsupported="${t.passkeyUnsupported}"></p>`,
})}
<p>${link(target.redirectUri, t.notNow)}</p>`;
  return page.render(
    { title: t.passkeyAddHeading, body, errors: error ? [error] : [], script: PASSKEY_SCRIPT },
    { status: error ? 400 : 200, branding: await page.branding(target.party), formTargets: formTargetOf(target.redirectUri) },
  );
}

async function add(page: PageRequest): Promise<Response> {
  const form = await page.readForm();
  if (!form) return page.csrfFailure();
  const target = await targetOf(page);
  if (target instanceof Response) return target;
  const credential = form.credential ?? '';
  if (credential === '') return addView(page, target, page.t.passkeyUnsupported);
  try {
    if (credential.length > MAX_CREDENTIAL) throw new CognitoError('InvalidParameterException', 'The passkey credential is too large.');
    let parsed: unknown;
    try {
      parsed = JSON.parse(credential);
    } catch {
      throw new CognitoError('InvalidParameterException', 'The passkey credential is not a valid PublicKeyCredential JSON.');
    }
    await completeWebAuthnRegistration(page.cognate, { pool: target.party.pool, user: target.user, clientId: target.party.client.id }, parsed);
  } catch (err) {
    if (!(err instanceof CognitoError)) throw err;
    page.cognate.log.info({ pool: target.party.pool.id, err: err.name }, 'passkey registration on the hosted page refused');
    return addView(page, target, page.t.passkeyAddFailed);
  }
  return page.redirect(target.redirectUri);
}

export const passkeyAddPage: HostedPage = {
  paths: ['/passkeys/add'],
  register(app, ui) {
    app.get(
      '/passkeys/add',
      pageHandler(ui, async (page) => {
        const target = await targetOf(page);
        return target instanceof Response ? target : addView(page, target);
      }),
    );
    app.post('/passkeys/add', pageHandler(ui, add));
  },
};
