/**
 * initialize(): the configuration read and checked, the stored session loaded (a corrupt one is no
 * session), and the state it implies — without asking any server.
 */
import { resolveConfiguration, type AWSConfiguration } from '../config.js';
import { UserState } from '../types.js';
import { transition, type ClientContext, type Session } from './context.js';

export async function initialize(ctx: ClientContext, config: AWSConfiguration): Promise<UserState> {
  const resolved = resolveConfiguration(config);
  ctx.config = resolved;
  ctx.storageKey = ctx.storageKeyOption ?? `cognate.session.${resolved.userPool?.clientId ?? resolved.identityPool!.poolId}`;
  const raw = await ctx.storage.getItem(ctx.storageKey);
  ctx.session = { version: 1 };
  if (raw) {
    try {
      const parsed = JSON.parse(raw) as Session;
      if (parsed && parsed.version === 1) ctx.session = parsed;
    } catch {
      // A corrupt session is no session.
    }
  }
  ctx.pending = undefined;
  ctx.signUpSession = undefined;
  ctx.credentials = undefined;
  const s = ctx.session;
  let state: UserState;
  if (s.tokens) state = UserState.signedIn;
  else if (s.refreshTokenInvalid) state = UserState.signedOutUserPoolsTokenInvalid;
  else if (s.federation) state = s.federatedTokenInvalid ? UserState.signedOutFederatedTokensInvalid : UserState.signedIn;
  else if (resolved.identityPool && s.guestAllowed && s.identityId) state = UserState.guest;
  else state = UserState.signedOut;
  transition(ctx, state, 'initialize');
  return state;
}
