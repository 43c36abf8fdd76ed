import { action } from '../action.js';
import { identityPoolType, type IdentityPoolInput } from '../../identity/identity-pools.js';

export default action(async (cognate, input: IdentityPoolInput) => identityPoolType(await cognate.identity.pools.create(input, cognate.clock.now())));
