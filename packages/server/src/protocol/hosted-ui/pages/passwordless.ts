/**
 * Choice-based sign-in on `/login` (Cognito's managed login when the client allows USER_AUTH and
 * the pool's AllowedFirstAuthFactors go beyond a password), driving the API's own USER_AUTH
 * pipeline through domain/oauth/hosted-sign-in.ts:
 *
 * 1. the username (`step=identify`) → USER_AUTH without a preference → SELECT_CHALLENGE with the
 *    factors this user may use; under PreventUserExistenceErrors a name that matches no one is
 *    offered what the API offers it (user-auth-factors.ts `simulatedChallenges`), so the page
 *    answers alike. One factor goes straight on; more are offered to choose from;
 * 2. the choice → SELECT_CHALLENGE's ANSWER (with PASSWORD for a password, from a password page);
 * 3. EMAIL_OTP / SMS_OTP: the code page (`first=1`); a wrong code asks again, the API's bounds
 *    (single use, tries, lockout) apply; "send a new code" (`step=resend`) is USER_AUTH again with
 *    that factor preferred, as typing the name again would be;
 *    WEB_AUTHN: the passkey page, whose script posts the browser's assertion as CREDENTIAL.
 *
 * A password chosen here goes on as every password sign-in (NEW_PASSWORD_REQUIRED, MFA: the
 * challenge pages of sign-in-views.ts); a code or a passkey ends the sign-in (no MFA after them).
 */
import { CognitoError } from '../../../errors.js';
import { hostedRespond, hostedUserAuth, offersPasswordless, type HostedStep } from '../../../domain/oauth/hosted-sign-in.js';
import { isFirstChallenge } from '../../../domain/user-auth-factors.js';
import type { AuthorizeRequest } from '../authorize-request.js';
import { format } from '../i18n/index.js';
import { finishSignIn } from '../complete.js';
import type { PageRequest } from '../page.js';
import { challengeView, loginView } from '../sign-in-views.js';
import { choiceView, offeredFactors, otpView, passkeyView, passwordView, type ChoiceState } from './passwordless-views.js';
import { endsAttempt, failureText } from './sign-in-failures.js';

/** Longer than any username, password, code or Session the pipeline accepts: refused without a lookup. */
const MAX_FIELD = 1024;
/** An AuthenticationResponseJSON is a few hundred bytes to a few kilobytes. */
const MAX_CREDENTIAL = 16_384;

const CODE_FIELDS = { EMAIL_OTP: 'EMAIL_OTP_CODE', SMS_OTP: 'SMS_OTP_CODE' } as const;

/** Whether a POST to `/login` belongs to choice-based sign-in. */
export function isPasswordlessPost(form: Record<string, string>): boolean {
  return form.step === 'identify' || form.step === 'resend' || form.challenge === 'SELECT_CHALLENGE' || form.challenge === 'WEB_AUTHN' || (form.first === '1' && (form.challenge === 'EMAIL_OTP' || form.challenge === 'SMS_OTP'));
}

function parseJson(json: string | undefined): unknown {
  try {
    return JSON.parse(json ?? 'null');
  } catch {
    return null;
  }
}

/** A form's copy of the challenge parameters (display only). */
function shownParams(json: string | undefined): Record<string, string> {
  const v = parseJson(json);
  if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/**
 * Where a step of choice-based sign-in leads: SELECT_CHALLENGE's choice (or its only factor at
 * once), a first factor's page, the challenge pages after a password, or the end.
 */
async function afterPasswordlessStep(page: PageRequest, request: AuthorizeRequest, step: HostedStep, username: string, firstFactor: boolean): Promise<Response> {
  if (step.kind !== 'challenge') return finishSignIn(page, request, step);
  const { response } = step;
  switch (firstFactor ? response.ChallengeName : undefined) {
    case 'SELECT_CHALLENGE': {
      const state: ChoiceState = { session: response.Session ?? '', username, factors: offeredFactors(response.AvailableChallenges ?? []) };
      if (state.factors.length === 1) return choose(page, request, state, state.factors[0]!, undefined);
      return choiceView(page, request, state);
    }
    case 'EMAIL_OTP':
    case 'SMS_OTP':
      return otpView(page, request, { response, username });
    case 'WEB_AUTHN':
      return passkeyView(page, request, { response, username });
    default:
      // After a password: NEW_PASSWORD_REQUIRED, MFA … as on the password form.
      return challengeView(page, request, { response, username });
  }
}

/** SELECT_CHALLENGE answered with `factor` (a password needs its page first). */
async function choose(page: PageRequest, request: AuthorizeRequest, state: ChoiceState, factor: string, password: string | undefined): Promise<Response> {
  if (!state.factors.includes(factor as never)) return choiceView(page, request, state, page.t.genericFailure);
  if (factor === 'PASSWORD' && password === undefined) return passwordView(page, request, state);
  const { pool, client } = request.party;
  try {
    if (password !== undefined && (password === '' || password.length > MAX_FIELD)) throw new CognitoError('NotAuthorizedException', 'Incorrect username or password.');
    const responses = { ANSWER: factor, ...(factor === 'PASSWORD' ? { PASSWORD: password ?? '' } : {}) };
    const step = await hostedRespond(page.cognate, pool, client, { challengeName: 'SELECT_CHALLENGE', username: state.username, session: state.session, responses, previousSecret: page.sentCookie });
    return await afterPasswordlessStep(page, request, step, state.username, factor !== 'PASSWORD');
  } catch (err) {
    if (!(err instanceof CognitoError)) throw err;
    // A wrong password asks for it again under the same Session (a code's or a passkey's choice is spent).
    if (factor === 'PASSWORD' && err.name === 'NotAuthorizedException' && /^Incorrect username or password/.test(err.message)) return passwordView(page, request, state, failureText(page.t, err));
    return loginView(page, request, { error: failureText(page.t, err), username: state.username });
  }
}

/** The username form, or "send a new code" (`preferred`): USER_AUTH for this name. */
async function identify(page: PageRequest, request: AuthorizeRequest, username: string, preferred?: 'EMAIL_OTP' | 'SMS_OTP'): Promise<Response> {
  try {
    if (username.length > MAX_FIELD) throw new CognitoError('NotAuthorizedException', 'Incorrect username or password.');
    const step = await hostedUserAuth(page.cognate, request.party.pool, request.party.client, { username, ...(preferred ? { preferred } : {}), previousSecret: page.sentCookie });
    return await afterPasswordlessStep(page, request, step, username, true);
  } catch (err) {
    if (!(err instanceof CognitoError)) throw err;
    return loginView(page, request, { error: failureText(page.t, err), username });
  }
}

/** A one-time code: signed in, asked again after a wrong code, or back to the start when the attempt is over. */
async function answerCode(page: PageRequest, request: AuthorizeRequest, form: Record<string, string>, name: 'EMAIL_OTP' | 'SMS_OTP'): Promise<Response> {
  const username = form.username ?? '';
  const response = { ChallengeName: name, ChallengeParameters: shownParams(form.params), ...(form.session !== undefined ? { Session: form.session } : {}) };
  const code = (form.code ?? '').trim();
  try {
    if (code.length > MAX_FIELD || (form.session ?? '').length > 8 * MAX_FIELD) throw new CognitoError('CodeMismatchException', 'Invalid code received for user');
    const step = await hostedRespond(page.cognate, request.party.pool, request.party.client, { challengeName: name, username, session: form.session, responses: { [CODE_FIELDS[name]]: code }, previousSecret: page.sentCookie });
    return await afterPasswordlessStep(page, request, step, username, true);
  } catch (err) {
    if (!(err instanceof CognitoError)) throw err;
    if (endsAttempt(err)) return loginView(page, request, { error: failureText(page.t, err), username });
    return otpView(page, request, { response: response as never, username, error: failureText(page.t, err) });
  }
}

/** The passkey page's post: the browser's assertion as WEB_AUTHN's CREDENTIAL. Any refusal ends the attempt (the Session is spent). */
async function answerPasskey(page: PageRequest, request: AuthorizeRequest, form: Record<string, string>): Promise<Response> {
  const username = form.username ?? '';
  const credential = form.credential ?? '';
  if (credential === '') {
    // No script ran (or the person pressed the button without one): the same challenge again, nothing spent.
    const response = { ChallengeName: 'WEB_AUTHN', ChallengeParameters: shownParams(form.params), ...(form.session !== undefined ? { Session: form.session } : {}) };
    return passkeyView(page, request, { response: response as never, username, error: page.t.passkeyUnsupported });
  }
  try {
    if (credential.length > MAX_CREDENTIAL) throw new CognitoError('NotAuthorizedException', 'Incorrect username or password.');
    const step = await hostedRespond(page.cognate, request.party.pool, request.party.client, { challengeName: 'WEB_AUTHN', username, session: form.session, responses: { CREDENTIAL: credential }, previousSecret: page.sentCookie });
    return await afterPasswordlessStep(page, request, step, username, true);
  } catch (err) {
    if (!(err instanceof CognitoError)) throw err;
    return loginView(page, request, { error: failureText(page.t, err), username });
  }
}

/** A POST of choice-based sign-in (see {@link isPasswordlessPost}), its CSRF token already checked. */
export async function passwordlessPost(page: PageRequest, request: AuthorizeRequest, form: Record<string, string>): Promise<Response> {
  // Only where the login page offers it: other clients keep the password form alone.
  if (!offersPasswordless(request.party.pool, request.party.client)) return loginView(page, request);
  const username = form.username ?? '';
  if (form.step === 'identify') return identify(page, request, username);
  if (form.step === 'resend') return form.factor === 'EMAIL_OTP' || form.factor === 'SMS_OTP' ? identify(page, request, username, form.factor) : loginView(page, request, { username });
  if (form.challenge === 'WEB_AUTHN') return answerPasskey(page, request, form);
  if (form.challenge === 'EMAIL_OTP' || form.challenge === 'SMS_OTP') return answerCode(page, request, form, form.challenge);
  const listed = parseJson(form.factors);
  const state: ChoiceState = { session: form.session ?? '', username, factors: offeredFactors(Array.isArray(listed) ? listed : []) };
  const factor = form.factor ?? '';
  if (!isFirstChallenge(factor)) return choiceView(page, request, state, format(page.t.fieldRequired, { field: page.t.chooseFactorLegend }));
  return choose(page, request, state, factor, factor === 'PASSWORD' ? form.password : undefined);
}
