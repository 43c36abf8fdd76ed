import { action } from './action.js';
import { getIdentityProviderByIdentifier, toApiShape } from '../domain/federation/provider-admin.js';

export default action(async (cognate, input: { UserPoolId: string; IdpIdentifier: string }) => ({ IdentityProvider: toApiShape(await getIdentityProviderByIdentifier(cognate, input)) }));
