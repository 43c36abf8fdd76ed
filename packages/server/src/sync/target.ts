/** The identity a Sync call acts on and who acts (LastModifiedBy), from the validated input and the caller. */
import type { SyncCaller } from './auth.js';
import type { SyncTarget } from './datasets.js';

export function targetOf(caller: SyncCaller, input: { IdentityPoolId: string; IdentityId: string }): SyncTarget {
  return { poolId: input.IdentityPoolId, identityId: input.IdentityId, by: caller.kind === 'identity' ? caller.identityId : 'developer' };
}
