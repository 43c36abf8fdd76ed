import { action } from '../action.js';
import { identityPoolType } from '../../identity/identity-pools.js';

export default action(async (cognate, input: { IdentityPoolId: string }) => identityPoolType(await cognate.identity.pools.get(input.IdentityPoolId)));
