/**
 * `cognate config`'s `Auth.Default.OAuth` section (seed 002, "Using Hosted UI for
 * Authentication"): the pool's hosted-UI domain, the app client, a redirect URI of each kind and
 * the scopes — each checked against the client's OAuth settings, so the file written is one the
 * hosted UI accepts.
 */
import type { Cognate } from './app.js';
import type { AppClient } from './domain/app-clients.js';
import { poolDomainUrl } from './domain/user-pool-domains.js';

/** The flags of `cognate config` this section reads. */
export interface OAuthConfigFlags {
  signInRedirectUri?: string;
  signOutRedirectUri?: string;
  scopes?: string;
}

/** What a user of `cognate config` did wrong; the CLI prints its message. */
export class OAuthConfigError extends Error {}

/**
 * The `Auth.Default.OAuth` object for `app`, or undefined when the pool has no domain or the client
 * no code flow and no flag asked for the section (then `note` says why it is missing).
 */
export async function oauthConfigSection(cognate: Cognate, app: AppClient, flags: OAuthConfigFlags, note: (message: string) => void): Promise<Record<string, unknown> | undefined> {
  const asked = flags.signInRedirectUri !== undefined || flags.signOutRedirectUri !== undefined || flags.scopes !== undefined;
  const s = app.settings;
  const domain = await poolDomainUrl(cognate, app.poolId);
  const why = !domain
    ? `user pool ${app.poolId} has no domain (CreateUserPoolDomain)`
    : !s.AllowedOAuthFlowsUserPoolClient || !s.AllowedOAuthFlows?.includes('code') || !s.CallbackURLs?.length
      ? `app client ${app.id} does not allow the authorization code flow with callback URLs`
      : undefined;
  if (why) {
    if (asked) throw new OAuthConfigError(`cannot write Auth.Default.OAuth: ${why}`);
    note(`no Auth.Default.OAuth section: ${why}`);
    return undefined;
  }
  const callbacks = s.CallbackURLs!;
  const signIn = flags.signInRedirectUri ?? s.DefaultRedirectURI ?? callbacks[0]!;
  if (!callbacks.includes(signIn)) throw new OAuthConfigError(`--sign-in-redirect-uri ${signIn} is not one of the client's CallbackURLs (${callbacks.join(', ')})`);
  const logouts = s.LogoutURLs ?? [];
  const signOut = flags.signOutRedirectUri ?? logouts[0];
  if (signOut !== undefined && !logouts.includes(signOut)) throw new OAuthConfigError(`--sign-out-redirect-uri ${signOut} is not one of the client's LogoutURLs (${logouts.join(', ') || 'none'})`);
  const allowed = s.AllowedOAuthScopes ?? [];
  const scopes = flags.scopes !== undefined ? flags.scopes.split(/[\s,]+/).filter((x) => x !== '') : allowed;
  const refused = scopes.filter((x) => !allowed.includes(x));
  if (refused.length || scopes.length === 0) throw new OAuthConfigError(`--scopes must be among the client's AllowedOAuthScopes (${allowed.join(', ') || 'none'}); refused: ${refused.join(', ') || '(empty)'}`);
  const url = new URL(domain!);
  return {
    // Cognito's files name the host alone ("do not include the https:// prefix"); a server
    // without TLS needs its scheme, which @cognate/client reads.
    WebDomain: url.protocol === 'https:' ? url.host : url.origin,
    AppClientId: app.id,
    ...(app.secret ? { AppClientSecret: app.secret } : {}),
    SignInRedirectURI: signIn,
    ...(signOut !== undefined ? { SignOutRedirectURI: signOut } : {}),
    Scopes: scopes,
  };
}
