/**
 * The user-pool session's tokens: cached while valid for more than the refresh margin, else
 * refreshed (REFRESH_TOKEN_AUTH or GetTokensFromRefreshToken; concurrent callers share one
 * refresh), with seed 002's rules for a refused refresh token (wait for a new sign-in) and for
 * the network being down (cached tokens until they actually expire).
 */
import { MobileClientError } from '../errors.js';
import { UserState, type Tokens } from '../types.js';
import { requireUserPool, save, transition, waitFor, type ClientContext, type StoredTokens } from './context.js';
import { currentDevice, forgetCurrentDevice } from './devices.js';
import { decodeJwt, toTokens } from './jwt.js';
import { idp, isForgottenDevice, secretHash, withDefined, type AuthResponse } from './wire.js';

export async function getTokens(ctx: ClientContext): Promise<Tokens> {
  requireUserPool(ctx);
  for (;;) {
    if (ctx.session.refreshTokenInvalid) {
      await waitFor(ctx.signInWaiters);
      continue;
    }
    const stored = ctx.session.tokens;
    if (!stored) throw new MobileClientError('notSignedIn', 'No user is signed in.');
    const tokens = toTokens(stored);
    if (tokens.expiration.getTime() - marginFor(ctx, tokens) > ctx.clock.now()) {
      if (ctx.state !== UserState.signedIn) transition(ctx, UserState.signedIn, 'tokensRefreshed');
      return tokens;
    }
    return await (ctx.refreshing ??= refresh(ctx, stored).finally(() => {
      ctx.refreshing = undefined;
    }));
  }
}

/** The signed-in user's access token, for the calls that take one. */
export async function accessToken(ctx: ClientContext): Promise<string> {
  return (await getTokens(ctx)).accessToken.tokenString;
}

/** The refresh margin, but at most half the tokens' lifetime, so short-lived tokens are not refreshed on every call. */
function marginFor(ctx: ClientContext, tokens: Tokens): number {
  const iat = Math.max(Number(tokens.idToken.claims.iat) || 0, Number(tokens.accessToken.claims.iat) || 0) * 1000;
  const lifetime = tokens.expiration.getTime() - iat;
  return iat > 0 && lifetime > 0 ? Math.min(ctx.margin, lifetime / 2) : ctx.margin;
}

async function refresh(ctx: ClientContext, stored: StoredTokens): Promise<Tokens> {
  const pool = requireUserPool(ctx);
  const access = decodeJwt(stored.accessToken);
  const internalName = typeof access.claims.username === 'string' ? access.claims.username : ctx.session.username ?? '';
  const refreshWith = async (deviceKey: string | undefined): Promise<AuthResponse['AuthenticationResult']> => {
    if (ctx.refreshFlow === 'GetTokensFromRefreshToken') {
      const out = await idp<{ AuthenticationResult?: AuthResponse['AuthenticationResult'] }>(ctx, 'GetTokensFromRefreshToken', {
        RefreshToken: stored.refreshToken,
        ClientId: pool.clientId,
        ClientSecret: pool.clientSecret,
        DeviceKey: deviceKey,
      });
      return out.AuthenticationResult;
    }
    const out = await idp<AuthResponse>(ctx, 'InitiateAuth', {
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      ClientId: pool.clientId,
      AuthParameters: withDefined({ REFRESH_TOKEN: stored.refreshToken, SECRET_HASH: await secretHash(ctx, internalName), DEVICE_KEY: deviceKey }),
    });
    return out.AuthenticationResult;
  };
  const deviceKey = currentDevice(ctx)?.deviceKey;
  let result: AuthResponse['AuthenticationResult'];
  try {
    try {
      result = await refreshWith(deviceKey);
    } catch (e) {
      // A device the server forgot ("Device does not exist."): drop it here too and refresh
      // without it, as signIn() does.
      if (!deviceKey || !isForgottenDevice(e)) throw e;
      await forgetCurrentDevice(ctx);
      result = await refreshWith(undefined);
    }
  } catch (e) {
    if (!(e instanceof MobileClientError)) throw e;
    if (e.code === 'notAuthorized') {
      // Revoked or expired: the session can only come back through a new sign-in. The wait is
      // registered before listeners hear of it, so a releaseSignInWait() from a listener counts,
      // and the storage holds the new state by then, so a client started from it agrees.
      delete ctx.session.tokens;
      ctx.session.refreshTokenInvalid = true;
      ctx.credentials = undefined;
      const signedInAgain = waitFor(ctx.signInWaiters);
      await save(ctx);
      // (Unless a sign-in or sign-out came in while it was being stored.)
      if (ctx.session.refreshTokenInvalid) transition(ctx, UserState.signedOutUserPoolsTokenInvalid, 'refreshTokenInvalid', { error: e });
      await signedInAgain;
      if (!ctx.session.tokens) throw new MobileClientError('notSignedIn', 'No user is signed in.');
      return toTokens(ctx.session.tokens);
    }
    if (e.code === 'network') {
      // Seed 002: never sign out because the network is down.
      const cached = toTokens(stored);
      if (cached.expiration.getTime() > ctx.clock.now()) return cached;
      transition(ctx, UserState.signedOutUserPoolsTokenInvalid, 'offline', { error: e });
    }
    throw e;
  }
  if (!result?.AccessToken || !result.IdToken) throw new MobileClientError('unknown', 'The refresh returned no tokens.');
  // The session may have changed while the call was out (sign-out, another sign-in): keep that.
  if (ctx.session.tokens?.refreshToken !== stored.refreshToken) {
    if (ctx.session.tokens) return toTokens(ctx.session.tokens);
    throw new MobileClientError('notSignedIn', 'The user signed out while the tokens were refreshed.');
  }
  ctx.session.tokens = { idToken: result.IdToken, accessToken: result.AccessToken, refreshToken: result.RefreshToken ?? stored.refreshToken };
  await save(ctx);
  transition(ctx, UserState.signedIn, 'tokensRefreshed', { provider: 'userPools' });
  return toTokens(ctx.session.tokens);
}
