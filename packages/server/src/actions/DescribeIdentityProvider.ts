import { action } from './action.js';
import { describeIdentityProvider, toApiShape } from '../domain/federation/provider-admin.js';

export default action(async (cognate, input: { UserPoolId: string; ProviderName: string }) => ({ IdentityProvider: toApiShape(await describeIdentityProvider(cognate, input)) }));
