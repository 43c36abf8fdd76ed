/**
 * Federated sign-in through the identity pool: a token from another provider (social, OIDC, SAML,
 * developer-authenticated) replaces the session's login once GetCredentialsForIdentity accepts
 * it; a refused or unreachable sign-in changes nothing.
 */
import { MobileClientError } from '../errors.js';
import type { FederatedSignInOptions } from '../options.js';
import { UserState } from '../types.js';
import { requireIdentityPool, save, transition, type ClientContext, type Session } from './context.js';
import { fetchCredentials } from './credentials.js';

export async function federatedSignIn(ctx: ClientContext, providerName: string, token: string, options: FederatedSignInOptions): Promise<UserState> {
  requireIdentityPool(ctx);
  if (!providerName || !token) throw new MobileClientError('invalidParameter', 'providerName and token are required.');
  const before = JSON.stringify(ctx.session);
  const s = ctx.session;
  const previous = s.federation;
  if (previous && previous.providerName !== providerName) delete s.identityId;
  if (s.tokens || s.refreshTokenInvalid) {
    // A federated login replaces a user-pool session, as in AWSMobileClient.
    delete s.tokens;
    delete s.refreshTokenInvalid;
    delete s.username;
    delete s.identityId;
  }
  s.federation = { providerName, token, ...(options.customRoleArn ? { customRoleArn: options.customRoleArn } : {}) };
  delete s.federatedTokenInvalid;
  delete s.guestAllowed;
  delete s.hostedUI;
  if (options.cognitoIdentityId) s.identityId = options.cognitoIdentityId;
  ctx.credentials = undefined;
  const logins = { [providerName]: token };
  try {
    await fetchCredentials(ctx, logins, JSON.stringify(logins), { waitOnRefusal: false });
  } catch (e) {
    // A refused or unreachable sign-in changes nothing.
    ctx.session = JSON.parse(before) as Session;
    ctx.credentials = undefined;
    throw e;
  }
  await save(ctx);
  transition(ctx, UserState.signedIn, 'federatedSignIn', { provider: providerName });
  for (const waiter of ctx.federationWaiters.splice(0)) waiter.resolve();
  return ctx.state;
}
