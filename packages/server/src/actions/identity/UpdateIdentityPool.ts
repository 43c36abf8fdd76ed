import { action } from '../action.js';
import { identityPoolType, type IdentityPoolInput } from '../../identity/identity-pools.js';

export default action(async (cognate, input: IdentityPoolInput & { IdentityPoolId: string }) =>
  identityPoolType(await cognate.identity.pools.update(input.IdentityPoolId, input, cognate.clock.now())),
);
