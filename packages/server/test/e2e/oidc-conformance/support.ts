/**
 * The relying party's side of the OpenID Foundation conformance modules, mirrored: a pool whose
 * user has every standard claim Cognito can hold, the clients the modules need, each with an
 * openid-client 6 Configuration made by real discovery, and a sign-in that drives the hosted UI's
 * pages with the hosted-ui suite's form client (../hosted-ui/support.ts).
 *
 * The server runs with `issuerStyle: 'public-url'`, so the issuer is where the discovery document is
 * served from (`<url>/<poolId>`), as on AWS, where issuer and document are both on cognito-idp;
 * with the 'aws' style the issuer names AWS's host, which a test server can't serve.
 */
import assert from 'node:assert/strict';
import { CreateUserPoolClientCommand, type CreateUserPoolClientCommandInput } from '@aws-sdk/client-cognito-identity-provider';
import * as oidc from 'openid-client';
import type { Config } from '../../../src/index.js';
import type { TestServer } from '../../support/server.js';
import { startTestServer } from '../../support/server.js';
import { CALLBACK, FormClient, LOGOUT, PASSWORD, newUser, oauthApp, type PageResponse } from '../hosted-ui/support.js';

export { CALLBACK, FormClient, LOGOUT, PASSWORD };

export const USER = 'conformance-user';

/** The user's attributes: Cognito's standard attributes (address is one), as a pool stores them. */
export const ATTRIBUTES: Readonly<Record<string, string>> = {
  email: 'conformance@example.com',
  email_verified: 'true',
  phone_number: '+15555550123',
  phone_number_verified: 'true',
  name: 'Connie Formance',
  given_name: 'Connie',
  family_name: 'Formance',
  address: '1 Test Street, Springfield',
  locale: 'en-US',
  zoneinfo: 'Europe/Paris',
};

export interface ClientIds {
  id: string;
  secret?: string;
}

export interface Conformance {
  server: TestServer;
  poolId: string;
  issuer: string;
  /** public client: code + PKCE, scopes openid email phone profile */
  spa: ClientIds;
  /** confidential client (a secret): code, the same scopes */
  web: ClientIds;
  /** a client allowing the implicit grant too (response_type=token) */
  implicit: ClientIds;
  /** a second public client of the pool (subject type public: the same `sub` for both) */
  other: ClientIds;
  /** openid-client Configurations made by discovery: `auth` picks client_secret_basic or client_secret_post for `web` */
  rp(client: ClientIds, auth?: 'basic' | 'post'): Promise<oidc.Configuration>;
  stop(): Promise<void>;
}

const SCOPES = ['openid', 'email', 'phone', 'profile'];

async function addClient(server: TestServer, poolId: string, input: Partial<CreateUserPoolClientCommandInput>): Promise<ClientIds> {
  const c = (
    await server.admin.send(
      new CreateUserPoolClientCommand({
        UserPoolId: poolId,
        ClientName: 'conformance',
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthFlows: ['code'],
        AllowedOAuthScopes: SCOPES,
        SupportedIdentityProviders: ['COGNITO'],
        CallbackURLs: [CALLBACK],
        LogoutURLs: [LOGOUT],
        ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH'],
        ...input,
      }),
    )
  ).UserPoolClient!;
  return { id: c.ClientId!, ...(c.ClientSecret ? { secret: c.ClientSecret } : {}) };
}

/** `overrides` go to the server (e.g. `tlsDev`: then the relying party gets no allowance for plain HTTP). */
export async function startConformance(kind: 'sqlite' | 'postgres', overrides: Partial<Config> = {}): Promise<Conformance> {
  const server = await startTestServer(kind, { issuerStyle: 'public-url', ...overrides });
  const app = await oauthApp(server, { PoolName: 'conformance' }, { AllowedOAuthScopes: SCOPES, ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH'] });
  const poolId = app.poolId;
  const spa = { id: app.clientId };
  const web = await addClient(server, poolId, { GenerateSecret: true });
  const implicit = await addClient(server, poolId, { AllowedOAuthFlows: ['code', 'implicit'] });
  const other = await addClient(server, poolId, {});
  await newUser(server, poolId, USER, { attributes: ATTRIBUTES });
  const issuer = `${server.url}/${poolId}`;
  return {
    server,
    poolId,
    issuer,
    spa,
    web,
    implicit,
    other,
    async rp(client, auth = 'basic') {
      const clientAuth = client.secret ? (auth === 'basic' ? oidc.ClientSecretBasic(client.secret) : oidc.ClientSecretPost(client.secret)) : oidc.None();
      // Real discovery: openid-client fetches <issuer>/.well-known/openid-configuration and checks that
      // the document's issuer is exactly the URL it asked (OpenID Connect Discovery §4.3).
      const config = await oidc.discovery(new URL(issuer), client.id, client.secret, clientAuth, server.tls ? {} : { execute: [oidc.allowInsecureRequests] });
      // ID tokens from the token endpoint are verified against the JWKS too, not only their claims.
      oidc.enableNonRepudiationChecks(config);
      return config;
    },
    stop: () => server.stop(),
  };
}

export interface AuthorizationRun {
  /** the callback URL with the code (or the error) */
  callback: URL;
  /** whether the login form was shown (false: answered from the hosted session) */
  loginShown: boolean;
  /** the login page, when one was shown */
  loginPage?: PageResponse;
  verifier: string;
  state: string;
}

/**
 * One authorization request built by openid-client (code, PKCE S256, a state, scope `openid`
 * unless `params` says otherwise), driven through the pages: the login form is filled when it is
 * shown, and the run ends at the first Location off the server (the callback).
 */
export async function authorize(config: oidc.Configuration, browser: FormClient, params: Record<string, string> = {}, username = USER): Promise<AuthorizationRun> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK,
    scope: 'openid',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...params,
  });
  return drive(browser, url.href, { verifier, state }, username);
}

/** Follows `url` through the pages, signing in if asked, to the callback. */
export async function drive(browser: FormClient, url: string, run: { verifier: string; state: string }, username = USER): Promise<AuthorizationRun> {
  let res = await browser.follow(url);
  let loginPage: PageResponse | undefined;
  if (res.status === 200) {
    loginPage = res;
    res = await browser.submit(res, { username, password: PASSWORD });
  }
  assert.equal(res.status, 302, `expected a redirect to the callback, got ${res.status}: ${res.body.slice(0, 300)}`);
  assert.ok(res.location?.startsWith(CALLBACK), `redirected to ${res.location}`);
  return { callback: new URL(res.location!), loginShown: loginPage !== undefined, ...(loginPage ? { loginPage } : {}), ...run };
}

/** The code exchange by openid-client, with the PKCE verifier and state of `run` (and `checks`). */
export function exchange(config: oidc.Configuration, run: AuthorizationRun, checks: { expectedNonce?: string; maxAge?: number } = {}) {
  return oidc.authorizationCodeGrant(config, run.callback, { pkceCodeVerifier: run.verifier, expectedState: run.state, idTokenExpected: true, ...checks });
}

/** A JWT's header and payload, unverified (what the tests then check against the JWKS). */
export function decode(jwt: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [h, p] = jwt.split('.');
  return { header: JSON.parse(Buffer.from(h!, 'base64url').toString('utf8')), payload: JSON.parse(Buffer.from(p!, 'base64url').toString('utf8')) };
}

/** The claims of `claims` that are user attributes (no JWT or Cognito bookkeeping). */
export function attributeClaimNames(claims: Record<string, unknown>): string[] {
  const bookkeeping = new Set(['sub', 'aud', 'iss', 'exp', 'iat', 'auth_time', 'nonce', 'at_hash', 'amr', 'jti', 'origin_jti', 'event_id', 'token_use', 'cognito:username', 'cognito:groups', 'username', 'identities']);
  return Object.keys(claims)
    .filter((k) => !bookkeeping.has(k))
    .sort();
}
