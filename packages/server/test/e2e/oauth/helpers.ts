/**
 * Shared pieces of the OAuth suites: a pool with a user and the app clients the grants need, made
 * with the AWS SDK; authorization codes issued through `issueAuthorizationCode` on the in-process
 * server's cognate (what the hosted UI's /oauth2/authorize calls once a user has signed in); raw
 * token-endpoint requests for what a relying party library won't send; and an openid-client
 * Configuration built from the pool's discovery document.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CreateResourceServerCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  type CreateUserPoolClientCommandInput,
  type CreateUserPoolCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import * as oidc from 'openid-client';
import type { TestServer } from '../../support/server.js';
import { issueAuthorizationCode, type AuthorizationGrant } from '../../../src/domain/oauth/authorization-codes.js';

export const PASSWORD = 'Corr3ct-Horse!';
export const REDIRECT = 'https://app.example/callback';

export interface OAuthClient {
  id: string;
  secret?: string;
}

export interface OAuthPool {
  poolId: string;
  username: string;
  sub: string;
  /** confidential code-flow client (secret), scopes openid email phone profile orders/read, ALLOW_REFRESH_TOKEN_AUTH */
  web: OAuthClient;
  /** public code-flow client (no secret) */
  spa: OAuthClient;
  /** client_credentials client with a secret, scopes orders/read orders/write */
  machine: OAuthClient;
}

export async function newClient(server: TestServer, poolId: string, input: Partial<CreateUserPoolClientCommandInput>): Promise<OAuthClient> {
  const c = (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'oauth', ...input }))).UserPoolClient!;
  return { id: c.ClientId!, ...(c.ClientSecret ? { secret: c.ClientSecret } : {}) };
}

export const codeClient = (input: Partial<CreateUserPoolClientCommandInput> = {}): Partial<CreateUserPoolClientCommandInput> => ({
  AllowedOAuthFlowsUserPoolClient: true,
  AllowedOAuthFlows: ['code'],
  AllowedOAuthScopes: ['openid', 'email', 'phone', 'profile', 'aws.cognito.signin.user.admin'],
  CallbackURLs: [REDIRECT],
  SupportedIdentityProviders: ['COGNITO'],
  ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  ...input,
});

/** A pool with resource server `orders` (read, write), a user with email, phone and name, and the three clients. */
export async function newOAuthPool(server: TestServer, name = 'oauth', poolInput: Partial<CreateUserPoolCommandInput> = {}): Promise<OAuthPool> {
  const poolId = (await server.admin.send(new CreateUserPoolCommand({ PoolName: name, ...poolInput }))).UserPool!.Id!;
  try {
    await server.admin.send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: 'orders', Name: 'Orders', Scopes: [{ ScopeName: 'read', ScopeDescription: 'read' }, { ScopeName: 'write', ScopeDescription: 'write' }] }));
  } catch (e) {
    // Resource servers come with another part of issue 12; until then custom scopes are taken as given.
    if (!['UnknownOperationException', 'UnsupportedOperationException'].includes((e as Error).name)) throw e;
  }
  const web = await newClient(server, poolId, codeClient({ GenerateSecret: true }));
  const spa = await newClient(server, poolId, codeClient());
  const machine = await newClient(server, poolId, { GenerateSecret: true, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['client_credentials'], AllowedOAuthScopes: ['orders/read', 'orders/write'] });
  const username = `alice-${randomBytes(4).toString('hex')}`;
  const created = await server.admin.send(
    new AdminCreateUserCommand({
      UserPoolId: poolId,
      Username: username,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: `${username}@example.com` },
        { Name: 'email_verified', Value: 'true' },
        { Name: 'phone_number', Value: '+15555550100' },
        { Name: 'phone_number_verified', Value: 'true' },
        { Name: 'name', Value: 'Alice Example' },
      ],
    }),
  );
  await server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: PASSWORD, Permanent: true }));
  const sub = created.User!.Attributes!.find((a) => a.Name === 'sub')!.Value!;
  return { poolId, username, sub, web, spa, machine };
}

/** An RFC 7636 verifier and its S256 challenge. */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/**
 * A code as the hosted UI issues it once the user signed in: `issueAuthorizationCode` on the
 * server's own cognate (until /oauth2/authorize is on main, this is how a code is had).
 */
export async function issueCode(
  server: TestServer,
  pool: OAuthPool,
  client: OAuthClient,
  grant: Partial<Omit<AuthorizationGrant, 'pool' | 'client' | 'user'>> = {},
): Promise<string> {
  const cognate = server.running.cognate;
  const p = (await cognate.pools.find(pool.poolId))!;
  const c = (await cognate.clients.find(pool.poolId, client.id))!;
  const user = (await cognate.users.findBySub(pool.poolId, pool.sub))!;
  return issueAuthorizationCode(cognate, {
    pool: p,
    client: c,
    user,
    redirectUri: REDIRECT,
    scopes: ['openid', 'email', 'profile'],
    authTime: Math.floor(cognate.clock.now() / 1000),
    ...grant,
  });
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

/** A raw request to an OAuth endpoint (form body unless `body` is a string with its own content type). */
export async function post(url: string, params: Record<string, string> | string, headers: Record<string, string> = {}): Promise<RawResponse> {
  const body = typeof params === 'string' ? params : new URLSearchParams(params).toString();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export const basic = (client: OAuthClient) => ({ authorization: `Basic ${Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret ?? '')}`).toString('base64')}` });

/** A token request with client_secret_basic (or the client_id in the body for a public client). */
export async function token(server: TestServer, client: OAuthClient, params: Record<string, string>): Promise<RawResponse> {
  return client.secret ? post(`${server.url}/oauth2/token`, params, basic(client)) : post(`${server.url}/oauth2/token`, { client_id: client.id, ...params });
}

export function decodeJwt(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
}

/**
 * An openid-client Configuration from the pool's discovery document. The document is fetched
 * here rather than with `oidc.discovery`, because in these tests the issuer (AWS style,
 * https://cognito-idp…) is not the URL the document is served from.
 */
export async function relyingParty(server: TestServer, poolId: string, client: OAuthClient, auth: 'basic' | 'post' = 'basic'): Promise<oidc.Configuration> {
  const metadata = (await (await fetch(`${server.url}/${poolId}/.well-known/openid-configuration`)).json()) as oidc.ServerMetadata;
  const config = new oidc.Configuration(metadata, client.id, client.secret, client.secret ? (auth === 'basic' ? oidc.ClientSecretBasic(client.secret) : oidc.ClientSecretPost(client.secret)) : oidc.None());
  oidc.allowInsecureRequests(config);
  // The JWKS URI is http:// on 127.0.0.1: openid-client fetches it with the same insecure allowance.
  return config;
}
