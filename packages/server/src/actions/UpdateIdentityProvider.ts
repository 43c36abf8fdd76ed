import { action } from './action.js';
import { toApiShape, updateIdentityProvider, type ProviderInput } from '../domain/federation/provider-admin.js';

export default action(async (cognate, input: ProviderInput) => ({ IdentityProvider: toApiShape(await updateIdentityProvider(cognate, input)) }));
