/**
 * AWS credentials from the identity pool (GetId, GetCredentialsForIdentity) for the signed-in
 * user, the federated login or a guest: cached until the refresh margin, one fetch shared by
 * concurrent callers, the stored identity re-fetched once when it is gone, a refused guest or
 * federated token turned into its state, and seed 002's offline rule.
 */
import { isMobileClientError, MobileClientError } from '../errors.js';
import { UserState, type AWSCredentials } from '../types.js';
import { requireIdentityPool, requireUserPool, save, transition, waitFor, type ClientContext } from './context.js';
import { getTokens } from './tokens.js';
import { identity } from './wire.js';

export async function getAWSCredentials(ctx: ClientContext): Promise<AWSCredentials> {
  requireIdentityPool(ctx);
  for (;;) {
    if (ctx.session.federation && ctx.session.federatedTokenInvalid) {
      await waitFor(ctx.federationWaiters);
      continue;
    }
    const logins = await loginsOf(ctx);
    const loginsKey = JSON.stringify(logins);
    const cached = ctx.credentials;
    if (cached && cached.loginsKey === loginsKey && cached.expiration.getTime() - ctx.margin > ctx.clock.now()) {
      const { loginsKey: _, ...credentials } = cached;
      return credentials;
    }
    const inFlight = ctx.fetchingCredentials;
    if (inFlight && inFlight.loginsKey !== loginsKey) {
      // A fetch for other logins (a guest's, before this sign-in) is out: its identity id is the
      // one to link, so let it finish, then fetch for these logins.
      await inFlight.promise.catch(() => undefined);
      continue;
    }
    let promise = inFlight?.promise;
    if (!promise) {
      const fetching = fetchCredentials(ctx, logins, loginsKey).finally(() => {
        if (ctx.fetchingCredentials?.promise === fetching) ctx.fetchingCredentials = undefined;
      });
      ctx.fetchingCredentials = { loginsKey, promise: fetching };
      promise = fetching;
    }
    try {
      return await promise;
    } catch (e) {
      // Seed 002's offline rule, as for tokens: credentials inside the refresh margin but not
      // yet expired still sign requests while the server can't be reached.
      if (isMobileClientError(e, 'network') && cached && cached.loginsKey === loginsKey && cached.expiration.getTime() > ctx.clock.now()) {
        const { loginsKey: _, ...credentials } = cached;
        return credentials;
      }
      throw e;
    }
  }
}

/** The Logins map: the user pool's ID token under its issuer without the scheme (as Amplify), or the federated token. */
async function loginsOf(ctx: ClientContext): Promise<Record<string, string>> {
  if (ctx.session.tokens || ctx.session.refreshTokenInvalid) {
    const { idToken } = await getTokens(ctx);
    const pool = requireUserPool(ctx);
    const iss = typeof idToken.claims.iss === 'string' ? idToken.claims.iss : `https://cognito-idp.${pool.region}.amazonaws.com/${pool.poolId}`;
    return { [iss.replace(/^https?:\/\//, '')]: idToken.tokenString };
  }
  const federation = ctx.session.federation;
  if (federation) return { [federation.providerName]: federation.token };
  return {};
}

/** GetId when no identity is stored, then GetCredentialsForIdentity; caches the credentials. */
export async function fetchCredentials(ctx: ClientContext, logins: Record<string, string>, loginsKey: string, options: { retried?: boolean; waitOnRefusal?: boolean } = {}): Promise<AWSCredentials> {
  const identityPool = requireIdentityPool(ctx);
  const hasLogins = Object.keys(logins).length > 0;
  try {
    let identityId = ctx.session.identityId;
    if (!identityId) {
      const out = await identity<{ IdentityId?: string }>(ctx, 'GetId', { IdentityPoolId: identityPool.poolId, Logins: hasLogins ? logins : undefined });
      if (!out.IdentityId) throw new MobileClientError('identityIdUnavailable', 'GetId returned no IdentityId.');
      identityId = out.IdentityId;
      ctx.session.identityId = identityId;
      await save(ctx);
    }
    const out = await identity<{
      IdentityId?: string;
      Credentials?: { AccessKeyId?: string; SecretKey?: string; SessionToken?: string; Expiration?: number };
    }>(ctx, 'GetCredentialsForIdentity', {
      IdentityId: identityId,
      Logins: hasLogins ? logins : undefined,
      CustomRoleArn: ctx.session.federation?.customRoleArn,
    });
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretKey || !c.SessionToken || c.Expiration === undefined) {
      throw new MobileClientError('unknown', 'GetCredentialsForIdentity returned no credentials.');
    }
    if (out.IdentityId && out.IdentityId !== identityId) {
      ctx.session.identityId = out.IdentityId;
      await save(ctx);
    }
    const credentials: AWSCredentials = {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretKey,
      sessionToken: c.SessionToken,
      // awsJson timestamps are epoch seconds.
      expiration: new Date(c.Expiration * 1000),
      identityId: out.IdentityId ?? identityId,
    };
    ctx.credentials = { ...credentials, loginsKey };
    if (!hasLogins && !ctx.session.guestAllowed) {
      ctx.session.guestAllowed = true;
      await save(ctx);
    }
    if (!hasLogins && (ctx.state === UserState.signedOut || ctx.state === UserState.guest)) transition(ctx, UserState.guest, 'guestCredentials');
    return credentials;
  } catch (e) {
    if (!(e instanceof MobileClientError)) throw e;
    // The stored identity is gone (pool reset, identity deleted), or belongs elsewhere now (a guest
    // identity whose login is linked to another identity): get the login's own identity, once.
    if ((e.code === 'resourceNotFound' || e.code === 'resourceConflict') && ctx.session.identityId && !options.retried) {
      delete ctx.session.identityId;
      await save(ctx);
      return fetchCredentials(ctx, logins, loginsKey, { ...options, retried: true });
    }
    if (e.code === 'notAuthorized' && !hasLogins) {
      const refused = new MobileClientError('guestAccessNotAllowed', e.message, { serviceCode: e.serviceCode ?? 'NotAuthorizedException', ...(e.status ? { status: e.status } : {}), cause: e });
      // The pool stopped handing out unauthenticated credentials (or never did): no guest now,
      // nor after a restart.
      if (ctx.session.guestAllowed) {
        delete ctx.session.guestAllowed;
        await save(ctx);
      }
      if (ctx.state === UserState.guest) transition(ctx, UserState.signedOut, 'guestAccessNotAllowed', { error: refused });
      throw refused;
    }
    if (e.code === 'notAuthorized' && options.waitOnRefusal !== false && ctx.session.federation && !ctx.session.tokens) {
      // The provider's token was refused: wait for federatedSignIn() with a new one (it fetches
      // the credentials), registered — and the new state stored — before listeners hear of it.
      ctx.session.federatedTokenInvalid = true;
      const provider = ctx.session.federation.providerName;
      const newToken = waitFor(ctx.federationWaiters);
      await save(ctx);
      if (ctx.session.federatedTokenInvalid) transition(ctx, UserState.signedOutFederatedTokensInvalid, 'federatedTokensInvalid', { error: e, provider });
      await newToken;
      const fresh = ctx.credentials;
      if (!fresh) throw new MobileClientError('notSignedIn', 'No credentials after the new federated sign-in.');
      const { loginsKey: _, ...credentials } = fresh;
      return credentials;
    }
    throw e;
  }
}
