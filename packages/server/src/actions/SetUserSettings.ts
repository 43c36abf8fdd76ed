import { action } from './action.js';
import { setUserSettings } from '../domain/mfa.js';

/** The legacy MFAOptions: SMS to phone_number turns SMS MFA on, an empty list turns it off. */
export default action(async (cognate, input: { AccessToken: string; MFAOptions: { DeliveryMedium?: string; AttributeName?: string }[] }) => {
  const { user } = await cognate.tokens.verifyAccessToken(input.AccessToken);
  await setUserSettings(cognate, user, input.MFAOptions);
  return {};
});
