/**
 * Shared pieces of the identity-pool suites: users signed in for real over SRP with
 * amazon-cognito-identity-js, identity pools linked to a user pool, and JWT claim reading.
 */
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  type AttributeType,
} from '@aws-sdk/client-cognito-identity-provider';
import { CreateIdentityPoolCommand, SetIdentityPoolRolesCommand, type CreateIdentityPoolCommandInput, type RoleMapping } from '@aws-sdk/client-cognito-identity';
import { AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession } from 'amazon-cognito-identity-js';
import type { TestServer } from '../../support/server.js';
import { iam } from './sign.js';
import { PASSWORD, type Pool } from '../security/helpers.js';

export const AUTH_ROLE = 'arn:aws:iam::000000000000:role/Cognito_Auth_Role';
export const UNAUTH_ROLE = 'arn:aws:iam::000000000000:role/Cognito_Unauth_Role';
export const NO_IDENTITY = 'us-east-1:00000000-0000-0000-0000-000000000000';

export const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

/** A confirmed user with a permanent password, made by the admin. */
export async function adminUser(server: TestServer, pool: Pool, username: string, attributes: AttributeType[] = []): Promise<void> {
  await server.admin.send(new AdminCreateUserCommand({ UserPoolId: pool.poolId, Username: username, MessageAction: 'SUPPRESS', UserAttributes: attributes }));
  await server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.poolId, Username: username, Password: PASSWORD, Permanent: true }));
}

/** A real SRP sign-in with amazon-cognito-identity-js. */
export function srpSignIn(server: TestServer, pool: Pool, username: string, password = PASSWORD): Promise<CognitoUserSession> {
  const jsPool = new CognitoUserPool({ UserPoolId: pool.poolId, ClientId: pool.clientId, endpoint: server.url + '/' });
  const user = new CognitoUser({ Username: username, Pool: jsPool });
  return new Promise((resolve, reject) =>
    user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), { onSuccess: resolve, onFailure: reject }),
  );
}

/** The logins key of a user pool. */
export const providerOf = (pool: Pool) => `cognito-idp.us-east-1.amazonaws.com/${pool.poolId}`;

/** An identity pool trusting the user pool's client, with both default roles. */
export async function identityPoolFor(
  server: TestServer,
  pools: Pool[],
  input: Partial<CreateIdentityPoolCommandInput> = {},
  roleMappings?: Record<string, RoleMapping>,
): Promise<string> {
  const id = (
    await server.identityAdmin.send(
      new CreateIdentityPoolCommand({
        IdentityPoolName: 'app',
        AllowUnauthenticatedIdentities: true,
        AllowClassicFlow: true,
        CognitoIdentityProviders: pools.map((p) => ({ ProviderName: providerOf(p), ClientId: p.clientId })),
        ...input,
      }),
    )
  ).IdentityPoolId!;
  await server.identityAdmin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: id, Roles: { authenticated: AUTH_ROLE, unauthenticated: UNAUTH_ROLE }, RoleMappings: roleMappings }));
  await trustRole(server, AUTH_ROLE, id, 'authenticated');
  await trustRole(server, UNAUTH_ROLE, id, 'unauthenticated');
  return id;
}

/** The trust policy Cognito's console writes: the Cognito federated principal, these pools' `aud`, one `amr`. */
export const trustPolicy = (identityPoolIds: string[], amr: 'authenticated' | 'unauthenticated') => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: 'cognito-identity.amazonaws.com' },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { 'cognito-identity.amazonaws.com:aud': identityPoolIds }, 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': amr } },
    },
  ],
});

/**
 * Makes a role (by ARN) trust an identity pool's identities of one kind, over the IAM query API:
 * CreateRole the first time, else UpdateAssumeRolePolicy adding the pool to the role's `aud` list
 * (one role shared by several pools, as in AWS). Roles are assumed only when they trust the pool.
 */
export async function trustRole(server: TestServer, roleArn: string, identityPoolId: string, amr: 'authenticated' | 'unauthenticated'): Promise<void> {
  const name = roleArn.slice(roleArn.lastIndexOf('/') + 1);
  const at = server.clock.now();
  const got = await iam(server.url, server.credentials, { Action: 'GetRole', RoleName: name }, at);
  if (got.status === 404) {
    const created = await iam(server.url, server.credentials, { Action: 'CreateRole', RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trustPolicy([identityPoolId], amr)) }, at);
    if (created.status !== 200) throw new Error(`CreateRole ${name}: ${created.text}`);
    return;
  }
  const doc = /<AssumeRolePolicyDocument>([^<]*)<\/AssumeRolePolicyDocument>/.exec(got.text)?.[1];
  const trust = doc ? (JSON.parse(decodeURIComponent(doc.replace(/&quot;/g, '"').replace(/&amp;/g, '&'))) as ReturnType<typeof trustPolicy>) : undefined;
  const statement = trust?.Statement.find((s) => (s.Condition?.['ForAnyValue:StringLike']?.['cognito-identity.amazonaws.com:amr'] as string | undefined) === amr);
  const pools = statement ? [statement.Condition.StringEquals['cognito-identity.amazonaws.com:aud']].flat() : [];
  if (pools.includes(identityPoolId)) return;
  const updated = trust && statement
    ? { ...trust, Statement: trust.Statement.map((s) => (s === statement ? { ...s, Condition: { ...s.Condition, StringEquals: { 'cognito-identity.amazonaws.com:aud': [...pools, identityPoolId] } } } : s)) }
    : { Version: '2012-10-17', Statement: [...(trust?.Statement ?? []), ...trustPolicy([identityPoolId], amr).Statement] };
  const put = await iam(server.url, server.credentials, { Action: 'UpdateAssumeRolePolicy', RoleName: name, PolicyDocument: JSON.stringify(updated) }, at);
  if (put.status !== 200) throw new Error(`UpdateAssumeRolePolicy ${name}: ${put.text}`);
}
