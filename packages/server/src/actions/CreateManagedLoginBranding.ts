import { action } from './action.js';
import { createManagedLoginBranding, managedLoginBrandingType, type BrandingInput } from '../domain/oauth/managed-login-branding.js';

export default action(async (cognate, input: BrandingInput & { UserPoolId: string; ClientId: string }) => ({ ManagedLoginBranding: managedLoginBrandingType(await createManagedLoginBranding(cognate, input)) }));
