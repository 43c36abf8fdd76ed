/**
 * Sign-out: local (the session cleared, remembered devices kept), after GlobalSignOut or
 * RevokeToken when asked; and releasing the calls waiting for a new sign-in.
 */
import { MobileClientError } from '../errors.js';
import type { SignOutOptions } from '../options.js';
import { UserState, type UserStateReason } from '../types.js';
import { requireConfig, requireUserPool, save, transition, type ClientContext } from './context.js';
import { browserLocation } from './hosted-ui.js';
import { requestSignOut, revokeRefreshToken, signOutUrl } from './hosted-ui-endpoints.js';
import { getTokens } from './tokens.js';
import { idp } from './wire.js';

export async function signOut(ctx: ClientContext, options: SignOutOptions): Promise<void> {
  requireConfig(ctx);
  const tokens = ctx.session.tokens;
  const oauth = ctx.config?.oauth;
  if (ctx.session.hostedUI && options.invalidateTokens && oauth) {
    // A hosted-UI session also lives in the hosted UI's cookie: it ends at the sign-out endpoint
    // (a redirect in a browser, a request elsewhere), and the refresh token is revoked there.
    const location = browserLocation();
    if (tokens && options.signOutGlobally) await idp(ctx, 'GlobalSignOut', { AccessToken: (await getTokens(ctx)).accessToken.tokenString });
    if (!location) await requestSignOut(ctx, oauth);
    if (tokens) await revokeRefreshToken(ctx, oauth, tokens.refreshToken);
    await signOutLocally(ctx, 'signOut');
    location?.assign(signOutUrl(oauth));
    return;
  }
  if (tokens && options.signOutGlobally) {
    const { accessToken } = await getTokens(ctx);
    await idp(ctx, 'GlobalSignOut', { AccessToken: accessToken.tokenString });
  } else if (tokens && options.invalidateTokens) {
    const pool = requireUserPool(ctx);
    await idp(ctx, 'RevokeToken', { Token: tokens.refreshToken, ClientId: pool.clientId, ClientSecret: pool.clientSecret });
  }
  await signOutLocally(ctx, 'signOut');
}

export async function signOutLocally(ctx: ClientContext, reason: UserStateReason): Promise<void> {
  const devices = ctx.session.devices;
  ctx.session = { version: 1, ...(devices ? { devices } : {}) };
  ctx.pending = undefined;
  ctx.credentials = undefined;
  await save(ctx);
  const error = new MobileClientError('notSignedIn', 'The user signed out.');
  for (const waiter of ctx.signInWaiters.splice(0)) waiter.reject(error);
  for (const waiter of ctx.federationWaiters.splice(0)) waiter.reject(error);
  transition(ctx, UserState.signedOut, reason);
}

export function releaseSignInWait(ctx: ClientContext): void {
  const error = new MobileClientError('unableToSignIn', 'The sign-in wait was released.');
  for (const waiter of ctx.signInWaiters.splice(0)) waiter.reject(error);
  for (const waiter of ctx.federationWaiters.splice(0)) waiter.reject(error);
}
