import { action } from './action.js';
import { createIdentityProvider, toApiShape, type ProviderInput } from '../domain/federation/provider-admin.js';

export default action(async (cognate, input: ProviderInput) => ({ IdentityProvider: toApiShape(await createIdentityProvider(cognate, input)) }));
