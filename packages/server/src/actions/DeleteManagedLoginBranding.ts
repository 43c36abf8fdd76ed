import { action } from './action.js';
import { deleteManagedLoginBranding } from '../domain/oauth/managed-login-branding.js';

export default action(async (cognate, input: { UserPoolId: string; ManagedLoginBrandingId: string }) => {
  await deleteManagedLoginBranding(cognate, input);
  return {};
});
