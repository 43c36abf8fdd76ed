import { action } from './action.js';
import { describeManagedLoginBrandingByClient, managedLoginBrandingType } from '../domain/oauth/managed-login-branding.js';

export default action(async (cognate, input: { UserPoolId: string; ClientId: string; ReturnMergedResources?: boolean }) => ({
  ManagedLoginBranding: managedLoginBrandingType(await describeManagedLoginBrandingByClient(cognate, input), input.ReturnMergedResources === true),
}));
