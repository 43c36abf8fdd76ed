import { action } from './action.js';
import { errors } from '../errors.js';
import { verifyWithAccessToken } from '../domain/mfa.js';
import { verifyWithSession } from '../domain/sign-in/challenges/mfa-setup.js';

export default action(async (cognate, input: { AccessToken?: string; Session?: string; UserCode: string; FriendlyDeviceName?: string }) => {
  if (input.AccessToken) return verifyWithAccessToken(cognate, input.AccessToken, input.UserCode);
  if (input.Session) return verifyWithSession(cognate, input.Session, input.UserCode);
  throw errors.invalidParameter('Either AccessToken or Session is required.');
});
