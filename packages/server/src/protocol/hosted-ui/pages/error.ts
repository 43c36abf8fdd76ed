/**
 * `GET /error`: where the hosted UI sends a person when no client redirect is allowed (Cognito's
 * managed login has the same page). It shows a message chosen from our own table by `error`,
 * never text from the URL (a link to this page must not be able to put words in our mouth).
 */
import { html } from '../html.js';
import { pageHandler, type HostedPage } from '../page.js';
import type { Messages } from '../i18n/index.js';

const MESSAGES: Readonly<Record<string, keyof Messages>> = {
  invalid_client: 'errorBadClient',
  redirect_mismatch: 'errorBadRedirect',
  invalid_logout_uri: 'errorBadLogout',
  invalid_request: 'errorBadRequest',
  csrf: 'errorCsrf',
};

export const errorPage: HostedPage = {
  paths: ['/error'],
  register(app, ui) {
    app.get(
      '/error',
      pageHandler(ui, (page) => {
        const key = page.c.req.query('error');
        const message = key !== undefined && Object.hasOwn(MESSAGES, key) ? page.t[MESSAGES[key]!] : page.t.genericFailure;
        return page.render({ title: page.t.errorPageHeading, body: html`<p>${message}</p>` });
      }),
    );
  },
};
