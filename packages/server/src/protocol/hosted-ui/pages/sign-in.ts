/**
 * `/oauth2/authorize` and `/login`: an OAuth authorization request, answered from the browser's
 * hosted session when it has one (SSO, `prompt=none`), else by the sign-in pages. A sign-in runs the
 * API's pipeline (domain/oauth/hosted-sign-in.ts): the password form, then a page per challenge.
 *
 * - `GET|POST /oauth2/authorize` (POST: OpenID Connect Core §3.1.2.1): validates the request
 *   (authorize-request.ts); `prompt=none` gets a code from a live session or `error=login_required`;
 *   a live session (Cognito's lasts an hour) gets a code unless `prompt=login` or `max_age` asks
 *   for a fresh sign-in; otherwise the browser goes to `/login` with the request's parameters.
 * - `GET /login` shows the form (or, with a live session, answers as authorize does);
 *   `POST /login` takes the password or a challenge's answer.
 */
import { CognitoError } from '../../../errors.js';
import { epochSeconds } from '../../../ports.js';
import { findHostedSession } from '../../../domain/oauth/hosted-sessions.js';
import { hostedPasswordSignIn, hostedRespond, type HostedStep } from '../../../domain/oauth/hosted-sign-in.js';
import { verifyWithSession } from '../../../domain/sign-in/challenges/mfa-setup.js';
import { assertChallengeServed } from '../../../domain/replicas/serving-region.js';
import type { Params } from '../../../domain/sign-in/types.js';
import { errorRedirect, withParams, type AuthorizeRequest } from '../authorize-request.js';
import { completeAuthorization, finishSignIn } from '../complete.js';
import { redirectToProvider } from '../../oauth/idpresponse.js';
import { challengeView, loginView } from '../sign-in-views.js';
import { pageHandler, type HostedPage, type PageRequest } from '../page.js';
import { isPasswordlessPost, passwordlessPost } from './passwordless.js';
import { endsAttempt, failureText } from './sign-in-failures.js';

/** Longer than any username or password the pipeline accepts: refused without a lookup. */
const MAX_FIELD = 1024;

/**
 * Answers from the browser's hosted session when the request allows it: the Response, or undefined
 * when the person must sign in.
 */
async function fromSession(page: PageRequest, request: AuthorizeRequest): Promise<Response | undefined> {
  const found = await findHostedSession(page.cognate, request.party.pool, page.sentCookie);
  const now = epochSeconds(page.cognate.clock.now());
  const fresh = found && (request.maxAge === undefined || now - found.session.authTime <= request.maxAge) ? found : undefined;
  if (request.prompt === 'none') {
    if (fresh) return completeAuthorization(page, request, fresh.user, fresh.session);
    return page.redirect(errorRedirect({ kind: 'redirect', redirectUri: request.redirectUri, responseType: request.responseType, error: 'login_required', description: 'the user is not signed in', ...(request.state !== undefined ? { state: request.state } : {}) }));
  }
  if (fresh && request.prompt !== 'login') return completeAuthorization(page, request, fresh.user, fresh.session);
  return undefined;
}

async function authorize(page: PageRequest, params?: (name: string) => string | undefined): Promise<Response> {
  const request = await page.authorizeRequest(params);
  if (request instanceof Response) return request;
  // A provider the app names goes to that provider (the browser's session may be another provider's).
  if (request.provider && request.providerNamed && request.prompt !== 'none') return redirectToProvider(page, request, request.provider);
  const answered = await fromSession(page, request);
  if (answered) return answered;
  if (request.provider) return redirectToProvider(page, request, request.provider);
  return page.redirect(`/login?${request.query}`);
}

export async function afterStep(page: PageRequest, request: AuthorizeRequest, step: HostedStep, username: string): Promise<Response> {
  if (step.kind === 'challenge') return challengeView(page, request, { response: step.response, username });
  return finishSignIn(page, request, step);
}

const CODE_FIELDS: Readonly<Record<string, string>> = { SMS_MFA: 'SMS_MFA_CODE', EMAIL_OTP: 'EMAIL_OTP_CODE', SOFTWARE_TOKEN_MFA: 'SOFTWARE_TOKEN_MFA_CODE' };

/** A challenge form's fields as the challenge's ChallengeResponses. */
function challengeResponses(name: string, form: Record<string, string>): Params {
  if (name === 'NEW_PASSWORD_REQUIRED') {
    const responses: Params = { NEW_PASSWORD: form.new_password ?? '' };
    for (const [k, v] of Object.entries(form)) if (k.startsWith('userAttributes.') && v !== '') responses[k] = v;
    return responses;
  }
  if (Object.hasOwn(CODE_FIELDS, name)) return { [CODE_FIELDS[name]!]: (form.code ?? '').trim() };
  if (name === 'SELECT_MFA_TYPE') return { ANSWER: form.mfa_type ?? '' };
  if (name === 'MFA_SETUP' && form.setup === 'EMAIL') return { EMAIL: (form.email ?? '').trim() };
  return {};
}

/**
 * The challenge's parameters a page shows (where the code went, which attributes are required,
 * which factors to offer), carried in the form so a wrong answer can be asked again. Display only:
 * every check is made again from the sealed Session.
 */
function displayParams(json: string | undefined): Record<string, string> {
  try {
    const v: unknown = JSON.parse(json ?? '{}');
    if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
    return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}

async function answerChallenge(page: PageRequest, request: AuthorizeRequest, form: Record<string, string>): Promise<Response> {
  const { pool, client } = request.party;
  const name = form.challenge ?? '';
  const username = form.username ?? '';
  let session = form.session;
  const asked = { ChallengeName: name, ChallengeParameters: displayParams(form.params), ...(session !== undefined ? { Session: session } : {}) } as Parameters<typeof challengeView>[2]['response'];
  const again = (error: string, extra: { totpSecret?: string } = {}) => challengeView(page, request, { response: asked, username, error, ...extra });
  try {
    await assertChallengeServed(page.cognate, pool.id, name, challengeResponses(name, form));
    if (name === 'NEW_PASSWORD_REQUIRED' && form.new_password !== form.confirm_password) return await again(page.t.passwordsDoNotMatch);
    if (name === 'MFA_SETUP' && form.setup === 'TOTP') {
      // The code proves the app has the secret (VerifySoftwareToken with the Session), then MFA_SETUP is answered.
      try {
        session = (await verifyWithSession(page.cognate, session ?? '', (form.code ?? '').trim())).Session;
      } catch (err) {
        if (err instanceof CognitoError && !endsAttempt(err)) return await again(failureText(page.t, err), { totpSecret: form.secret ?? '' });
        throw err;
      }
    }
    const step = await hostedRespond(page.cognate, pool, client, { challengeName: name, username, session, responses: challengeResponses(name, form), previousSecret: page.sentCookie });
    return await afterStep(page, request, step, username);
  } catch (err) {
    if (!(err instanceof CognitoError)) throw err;
    if (endsAttempt(err)) return loginView(page, request, { error: failureText(page.t, err), username });
    return again(failureText(page.t, err), name === 'MFA_SETUP' ? { totpSecret: form.secret ?? '' } : {});
  }
}

async function signIn(page: PageRequest): Promise<Response> {
  const post = await page.postedForm();
  if (post instanceof Response) return post;
  const { form, request } = post;
  // A client without COGNITO among its providers signs no one in with a password.
  if (!request.cognito) return page.errorPage(page.t.errorBadRequest, 400);
  if (isPasswordlessPost(form)) return passwordlessPost(page, request, form);
  if (form.challenge !== undefined) return answerChallenge(page, request, form);
  const username = form.username ?? '';
  const password = form.password ?? '';
  try {
    if (username.length > MAX_FIELD || password.length > MAX_FIELD) throw new CognitoError('NotAuthorizedException', 'Incorrect username or password.');
    const step = await hostedPasswordSignIn(page.cognate, request.party.pool, request.party.client, { username, password, previousSecret: page.sentCookie });
    return await afterStep(page, request, step, step.kind === 'challenge' ? (step.response.ChallengeParameters.USER_ID_FOR_SRP ?? username) : username);
  } catch (err) {
    if (!(err instanceof CognitoError)) throw err;
    // The password was right but the account is unconfirmed: the code form, as Cognito's hosted UI does.
    if (err.name === 'UserNotConfirmedException' && page.ui.paths.has('/confirmUser')) return page.redirect(`/confirmUser?${request.query}&${new URLSearchParams({ username })}`);
    return loginView(page, request, { error: failureText(page.t, err), username });
  }
}

export const signInPages: HostedPage = {
  paths: ['/oauth2/authorize', '/login'],
  register(app, ui) {
    app.get('/oauth2/authorize', pageHandler(ui, (page) => authorize(page)));
    app.post(
      '/oauth2/authorize',
      pageHandler(ui, async (page) => {
        // An authorization request sent as a form (OIDC Core §3.1.2.1) carries no CSRF token: it is a
        // navigation like the GET, and it changes nothing before the person signs in.
        let body: Record<string, unknown>;
        try {
          body = await page.c.req.parseBody();
        } catch {
          return page.errorPage(page.t.errorBadRequest, 400);
        }
        return authorize(page, (name) => (typeof body[name] === 'string' ? (body[name] as string) : undefined));
      }),
    );
    app.get(
      '/login',
      pageHandler(ui, async (page) => {
        const request = await page.authorizeRequest();
        if (request instanceof Response) return request;
        return (await fromSession(page, request)) ?? (request.provider ? redirectToProvider(page, request, request.provider) : loginView(page, request));
      }),
    );
    app.post('/login', pageHandler(ui, signIn));
  },
};

