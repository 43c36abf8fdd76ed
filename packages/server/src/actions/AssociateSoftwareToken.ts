import { action } from './action.js';
import { errors } from '../errors.js';
import { associateWithAccessToken } from '../domain/mfa.js';
import { associateWithSession } from '../domain/sign-in/challenges/mfa-setup.js';

/** With an access token (a signed-in user adds TOTP) or the Session of an MFA_SETUP challenge. */
export default action(async (cognate, input: { AccessToken?: string; Session?: string }) => {
  if (input.AccessToken) return associateWithAccessToken(cognate, input.AccessToken);
  if (input.Session) return associateWithSession(cognate, input.Session);
  throw errors.invalidParameter('Either AccessToken or Session is required.');
});
