/**
 * Shared set-up of the hosted-UI suites: a pool with an OAuth app client (code flow, the given
 * callback and sign-out URLs), a confirmed user, an identity pool trusting the pool, and the
 * `awsconfiguration.json` with `Auth.Default.OAuth` pointing at the server's own URL (the hosted UI
 * finds the pool from `client_id` there, over plain HTTP, so no certificate is involved).
 */
import { AdminCreateUserCommand, AdminSetUserPasswordCommand, CreateUserPoolClientCommand, CreateUserPoolCommand, InitiateAuthCommand, type CreateUserPoolClientCommandInput } from '@aws-sdk/client-cognito-identity-provider';
import type { Page } from 'playwright-core';
import { identityPoolFor } from '../../server/test/e2e/identity/helpers.js';
import type { AWSConfiguration } from '../src/index.js';
import { PASSWORD, type TestServer } from './support.js';

export interface HostedPool {
  poolId: string;
  clientId: string;
  identityPoolId: string;
  config: AWSConfiguration;
}

export async function hostedPool(
  server: TestServer,
  urls: { callback: string; signOut: string },
  client: Partial<CreateUserPoolClientCommandInput> = {},
  beforeClient: (poolId: string) => Promise<void> = async () => undefined,
): Promise<HostedPool> {
  const poolId = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'hosted-sdk' }))).UserPool!.Id!;
  await beforeClient(poolId);
  const clientId = (
    await server.admin.send(
      new CreateUserPoolClientCommand({
        UserPoolId: poolId,
        ClientName: 'app',
        ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthFlows: ['code'],
        AllowedOAuthScopes: ['openid', 'email', 'profile'],
        CallbackURLs: [urls.callback],
        LogoutURLs: [urls.signOut],
        SupportedIdentityProviders: ['COGNITO'],
        ...client,
      }),
    )
  ).UserPoolClient!.ClientId!;
  const identityPoolId = await identityPoolFor(server, [{ poolId, clientId }]);
  return {
    poolId,
    clientId,
    identityPoolId,
    config: {
      CognitoUserPool: { Default: { PoolId: poolId, AppClientId: clientId, Region: 'us-east-1', Endpoint: server.url } },
      CredentialsProvider: { CognitoIdentity: { Default: { PoolId: identityPoolId, Region: 'us-east-1', Endpoint: server.url } } },
      Auth: { Default: { OAuth: { WebDomain: server.url, AppClientId: clientId, SignInRedirectURI: urls.callback, SignOutRedirectURI: urls.signOut, Scopes: ['openid', 'email'] } } },
    },
  };
}

/** A confirmed user with {@link PASSWORD}. */
export async function nativeUser(server: TestServer, poolId: string, username: string): Promise<void> {
  await server.admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: username, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: `${username}@example.com` }, { Name: 'email_verified', Value: 'true' }] }));
  await server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: PASSWORD, Permanent: true }));
}

/** Fills the hosted UI's sign-in form and submits it. */
export async function signInOnPage(page: Page, username: string, password = PASSWORD): Promise<void> {
  await page.waitForSelector('input[name="username"]');
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  await page.click('button[type="submit"], input[type="submit"]');
}

/** Whether the server still honours a refresh token (REFRESH_TOKEN_AUTH). */
export async function refreshTokenWorks(server: TestServer, clientId: string, refreshToken: string): Promise<boolean> {
  try {
    await server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: clientId, AuthParameters: { REFRESH_TOKEN: refreshToken } }));
    return true;
  } catch (e) {
    if ((e as { name?: string }).name === 'NotAuthorizedException') return false;
    throw e;
  }
}
