import { action } from './action.js';
import { describeManagedLoginBranding, managedLoginBrandingType } from '../domain/oauth/managed-login-branding.js';

export default action(async (cognate, input: { UserPoolId: string; ManagedLoginBrandingId: string; ReturnMergedResources?: boolean }) => ({
  ManagedLoginBranding: managedLoginBrandingType(await describeManagedLoginBranding(cognate, input), input.ReturnMergedResources === true),
}));
