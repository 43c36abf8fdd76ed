import { action } from './action.js';
import { managedLoginBrandingType, updateManagedLoginBranding, type BrandingInput } from '../domain/oauth/managed-login-branding.js';

export default action(async (cognate, input: BrandingInput) => ({ ManagedLoginBranding: managedLoginBrandingType(await updateManagedLoginBranding(cognate, input)) }));
