/**
 * Identity-pool credentials come only from verified facts (issue 10):
 * - a role is issued only when its trust policy admits this identity (Federated principal
 *   `cognito-identity.amazonaws.com`, `sts:AssumeRoleWithWebIdentity`, `aud`, `amr`, `sub`),
 *   whatever picked it (the pool's roles, a Token mapping's group role or cognito:preferred_role,
 *   CustomRoleArn) and whoever mints (GetCredentialsForIdentity for guests and users, Cognate's
 *   STS, an upstream STS whose refusal is Cognito's InvalidIdentityPoolConfigurationException);
 * - only a verified SAML response chooses a role by assertion: an OIDC token's `saml:roles` claim
 *   does not;
 * - `POST /identity/verify` takes principal facts from the credentials only: a `context` that
 *   overrides or invents `aws:PrincipalTag/*`, `cognito-identity.amazonaws.com:*` or `aws:userid`
 *   is refused;
 * - GetOpenIdToken is refused only when the pool says `AllowClassicFlow: false`.
 * Driven with @aws-sdk/client-cognito-identity, @aws-sdk/client-sts, amazon-cognito-identity-js.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AdminAddUserToGroupCommand, CreateGroupCommand } from '@aws-sdk/client-cognito-identity-provider';
import {
  CreateIdentityPoolCommand,
  DescribeIdentityPoolCommand,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  GetOpenIdTokenCommand,
  SetIdentityPoolRolesCommand,
  SetPrincipalTagAttributeMapCommand,
} from '@aws-sdk/client-cognito-identity';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { databaseKinds } from '../../support/postgres.js';
import { LEAKED_INTERNALS, failure, startTestServer, type TestServer } from '../../support/server.js';
import { AUTH_ROLE, UNAUTH_ROLE, adminUser, identityPoolFor, providerOf, srpSignIn, trustPolicy, trustRole } from '../identity/helpers.js';
import { iam, sign, type Creds } from '../identity/sign.js';
import { startIdp, type LocalIdp } from '../identity/oidc-idp.js';
import { newPool, type Pool } from './helpers.js';

const ROLE = (name: string) => `arn:aws:iam::000000000000:role/${name}`;
const CONFIG_ERROR = { name: 'InvalidIdentityPoolConfigurationException', message: 'Invalid identity pool configuration. Check assigned IAM roles for this pool.' };
const BUCKET = 'arn:aws:s3:::vault';
const ALLOW_ALL = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
/** An identity pool ID no role here trusts. */
const ELSEWHERE = 'us-east-1:11111111-2222-3333-4444-555555555555';

for (const kind of databaseKinds) {
  describe(`identity-pool trust: roles, SAML roles, verifier context, classic flow (${kind})`, () => {
    let server: TestServer;
    let idp: LocalIdp;
    let pool: Pool;
    let oidcKey: string;
    let identityPoolId: string;
    let sts: STSClient;
    const at = () => server.clock.now();

    /** Creates a role over the IAM API with a trust policy and an allow-everything permission policy. */
    async function role(name: string, trust: unknown): Promise<string> {
      const created = await iam(server.url, server.credentials, { Action: 'CreateRole', RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust) }, at());
      assert.equal(created.status, 200, created.text);
      assert.equal((await iam(server.url, server.credentials, { Action: 'PutRolePolicy', RoleName: name, PolicyName: 'all', PolicyDocument: ALLOW_ALL }, at())).status, 200);
      return ROLE(name);
    }

    const credentials = async (poolId: string, logins?: Record<string, string>, customRoleArn?: string) => {
      const { IdentityId } = await server.identity.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: logins }));
      const out = await server.identity.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: logins, CustomRoleArn: customRoleArn }));
      return { identityId: IdentityId!, role: server.running.cognate.identity.builtIn.open(out.Credentials!.SessionToken!)!.r, credentials: out.Credentials! };
    };
    const refused = async (fn: () => Promise<unknown>) => {
      const e = await failure(fn);
      assert.doesNotMatch(e.message, LEAKED_INTERNALS);
      return e;
    };

    before(async () => {
      idp = await startIdp();
      server = await startTestServer(kind);
      pool = await newPool(server);
      const created = await iam(server.url, server.credentials, { Action: 'CreateOpenIDConnectProvider', Url: `${idp.base}/oidc`, 'ClientIDList.member.1': 'my-client' }, at());
      assert.equal(created.status, 200, created.text);
      oidcKey = `${idp.base.replace('http://', '')}/oidc`;
      identityPoolId = await identityPoolFor(server, [pool], { OpenIdConnectProviderARNs: [`arn:aws:iam::000000000000:oidc-provider/${oidcKey}`] });
      sts = new STSClient({ region: 'us-east-1', endpoint: server.url, maxAttempts: 1, credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' } });
    });
    after(async () => {
      sts.destroy();
      await server.stop();
      await idp.close();
    });

    it('GetCredentialsForIdentity refuses a group role (Token mapping, cognito:preferred_role, CustomRoleArn) that trusts another identity pool', async () => {
      const foreign = await role('OtherPoolAdmin', trustPolicy([ELSEWHERE], 'authenticated'));
      const trusting = await role('PoolEditor', trustPolicy([identityPoolId], 'authenticated'));
      await server.admin.send(new CreateGroupCommand({ UserPoolId: pool.poolId, GroupName: 'admins', RoleArn: foreign, Precedence: 1 }));
      await server.admin.send(new CreateGroupCommand({ UserPoolId: pool.poolId, GroupName: 'editors', RoleArn: trusting, Precedence: 2 }));
      await adminUser(server, pool, 'mallory');
      for (const group of ['admins', 'editors']) await server.admin.send(new AdminAddUserToGroupCommand({ UserPoolId: pool.poolId, Username: 'mallory', GroupName: group }));
      const logins = { [providerOf(pool)]: (await srpSignIn(server, pool, 'mallory')).getIdToken().getJwtToken() };
      const mappingKey = `${providerOf(pool)}:${pool.clientId}`;
      const tokenPool = await identityPoolFor(server, [pool], {}, { [mappingKey]: { Type: 'Token', AmbiguousRoleResolution: 'AuthenticatedRole' } });
      await trustRole(server, trusting, tokenPool, 'authenticated');

      assert.deepEqual(await refused(() => credentials(tokenPool, logins)), CONFIG_ERROR, 'cognito:preferred_role names a role that trusts another pool');
      assert.deepEqual(await refused(() => credentials(tokenPool, logins, foreign)), CONFIG_ERROR, 'CustomRoleArn names it');
      assert.equal((await credentials(tokenPool, logins, trusting)).role, trusting, 'a group role that trusts this pool is issued');

      // The pool's own authenticated role, when it trusts another pool only, is refused too.
      const misconfigured = await identityPoolFor(server, [pool]);
      await server.identityAdmin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: misconfigured, Roles: { authenticated: foreign } }));
      assert.deepEqual(await refused(() => credentials(misconfigured, logins)), CONFIG_ERROR);
    });

    it('GetCredentialsForIdentity checks amr and sub for guests and users; unknown roles and roles without a trust policy admit nobody; the principal must be Cognito', async () => {
      // A guest given the authenticated role (its trust wants amr authenticated), and a user given the guest role.
      const swapped = await identityPoolFor(server, [pool]);
      await server.identityAdmin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: swapped, Roles: { authenticated: UNAUTH_ROLE, unauthenticated: AUTH_ROLE } }));
      assert.deepEqual(await refused(() => credentials(swapped)), CONFIG_ERROR, 'guest: amr unauthenticated');
      await adminUser(server, pool, 'trent');
      const logins = { [providerOf(pool)]: (await srpSignIn(server, pool, 'trent')).getIdToken().getJwtToken() };
      assert.deepEqual(await refused(() => credentials(swapped, logins)), CONFIG_ERROR, 'user: amr authenticated');

      // sub: a role for one identity only.
      const { IdentityId: trentId } = await server.identity.send(new GetIdCommand({ IdentityPoolId: swapped, Logins: logins }));
      const personal = await role('TrentOnly', {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'cognito-identity.amazonaws.com:aud': swapped, 'cognito-identity.amazonaws.com:sub': trentId } } }],
      });
      await server.identityAdmin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: swapped, Roles: { authenticated: personal, unauthenticated: personal } }));
      assert.equal((await credentials(swapped, logins)).role, personal);
      assert.deepEqual(await refused(() => credentials(swapped)), CONFIG_ERROR, 'another identity (a guest) is not the sub');

      // Unknown role; a role stored without a trust policy; a trust policy for another principal; an explicit Deny.
      await server.running.cognate.identity.roles.create({ name: 'NoTrust', policies: { all: ALLOW_ALL } }, at());
      const ec2 = await role('Ec2Only', { Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'cognito-identity.amazonaws.com:aud': swapped } } }] });
      const denied = await role('Denied', {
        Statement: [
          ...trustPolicy([swapped], 'unauthenticated').Statement,
          { Effect: 'Deny', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'unauthenticated' } } },
        ],
      });
      const otherAction = await role('OtherAction', { Statement: [{ ...trustPolicy([swapped], 'unauthenticated').Statement[0], Action: 'sts:AssumeRole' }] });
      for (const guestRole of [ROLE('DoesNotExist'), ROLE('NoTrust'), ec2, denied, otherAction]) {
        await server.identityAdmin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: swapped, Roles: { unauthenticated: guestRole } }));
        assert.deepEqual(await refused(() => credentials(swapped)), CONFIG_ERROR, guestRole);
      }
    });

    it('Cognate’s STS (AssumeRoleWithWebIdentity) uses the same check: no trust policy or another principal is AccessDenied', async () => {
      const guest = (await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId }))).IdentityId;
      const token = (await server.identity.send(new GetOpenIdTokenCommand({ IdentityId: guest }))).Token;
      assert.ok((await sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: UNAUTH_ROLE, RoleSessionName: 's1', WebIdentityToken: token }))).Credentials);
      await server.running.cognate.identity.roles.create({ name: 'StsNoTrust', policies: { all: ALLOW_ALL } }, at());
      const service = await role('StsServiceOnly', { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity' }] });
      for (const arn of [ROLE('StsNoTrust'), service]) {
        const e = await refused(() => sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: arn, RoleSessionName: 's1', WebIdentityToken: token })));
        assert.equal(e.name, 'AccessDenied', arn);
      }
    });

    it('an upstream STS refusing the role (4xx) is InvalidIdentityPoolConfigurationException, not a 500 or an external failure', async () => {
      const upstream = await startTestServer(kind, { credentialsBroker: 'upstream' });
      try {
        upstream.running.cognate.config.upstreamStsEndpoint = upstream.url;
        const poolId = await identityPoolFor(upstream, []);
        // The guest role trusts another pool only: the upstream STS answers AccessDenied (403).
        const put = await iam(upstream.url, upstream.credentials, { Action: 'UpdateAssumeRolePolicy', RoleName: 'Cognito_Unauth_Role', PolicyDocument: JSON.stringify(trustPolicy([ELSEWHERE], 'unauthenticated')) }, upstream.clock.now());
        assert.equal(put.status, 200, put.text);
        const { IdentityId } = await upstream.identity.send(new GetIdCommand({ IdentityPoolId: poolId }));
        const e = await failure(() => upstream.identity.send(new GetCredentialsForIdentityCommand({ IdentityId })));
        assert.deepEqual(e, CONFIG_ERROR);
      } finally {
        await upstream.stop();
      }
    });

    it('an OpenID Connect token’s saml:roles claim chooses no role', async () => {
      const admin = await role('SamlClaimAdmin', trustPolicy([identityPoolId], 'authenticated'));
      const token = await idp.sign('oidc', { sub: 'oidc-eve', aud: 'my-client', 'saml:roles': [admin] });
      const got = await credentials(identityPoolId, { [oidcKey]: token });
      assert.equal(got.role, AUTH_ROLE, 'the pool’s authenticated role, not the claimed one');
      const e = await refused(() => credentials(identityPoolId, { [oidcKey]: token }, admin));
      assert.equal(e.name, 'NotAuthorizedException', 'CustomRoleArn cannot pick a role the claim offers');
      const one = await idp.sign('oidc', { sub: 'oidc-eve', aud: 'my-client', 'saml:roles': admin });
      assert.equal((await credentials(identityPoolId, { [oidcKey]: one })).role, AUTH_ROLE);
    });

    it('POST /identity/verify refuses a context that overrides or invents principal keys', async () => {
      // The identity's credentials carry the principal tag dept=eng (from the OIDC claim).
      await server.identityAdmin.send(new SetPrincipalTagAttributeMapCommand({ IdentityPoolId: identityPoolId, IdentityProviderName: oidcKey, UseDefaults: false, PrincipalTags: { dept: 'dept' } }));
      const policy = JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/\${aws:PrincipalTag/dept}/*` },
          { Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/team/*`, Condition: { StringEquals: { 'aws:PrincipalTag/team': 'red' } } },
          { Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/home/\${cognito-identity.amazonaws.com:sub}/*` },
          { Effect: 'Allow', Action: 's3:ListBucket', Resource: BUCKET, Condition: { StringEquals: { 'aws:SourceIp': '10.0.0.1' } } },
        ],
      });
      assert.equal((await iam(server.url, server.credentials, { Action: 'PutRolePolicy', RoleName: 'Cognito_Auth_Role', PolicyName: 'tags', PolicyDocument: policy }, at())).status, 200);
      const token = await idp.sign('oidc', { sub: 'oidc-tagged', aud: 'my-client', dept: 'eng' });
      const { identityId, credentials: c } = await credentials(identityPoolId, { [oidcKey]: token });
      const creds: Creds = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretKey!, sessionToken: c.SessionToken! };
      const check = async (path: string, action: string, resource: string, context?: unknown) => {
        const req = await sign(creds, 's3', { method: 'GET', host: 'vault.s3.local', path }, at());
        const res = await fetch(`${server.url}/identity/verify`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ method: req.method, path: req.path, query: req.query, headers: req.headers, body: '', action, resource, ...(context === undefined ? {} : { context }) }),
        });
        const text = await res.text();
        assert.doesNotMatch(text, LEAKED_INTERNALS);
        return { status: res.status, json: JSON.parse(text) as Record<string, unknown> };
      };
      const get = (key: string, context?: unknown) => check(`/${key}`, 's3:GetObject', `${BUCKET}/${key}`, context);

      assert.equal((await get('eng/a')).status, 200, 'the credentials’ own tag');
      assert.equal((await get('admin/a')).status, 403);
      assert.equal((await get('team/a')).status, 403, 'no team tag');

      const cases: [string, Record<string, unknown>, string][] = [
        ['admin/a', { 'aws:PrincipalTag/dept': 'admin' }, 'aws:PrincipalTag/dept'],
        ['admin/a', { 'aws:principaltag/DEPT': 'admin' }, 'aws:principaltag/DEPT'],
        ['team/a', { 'aws:PrincipalTag/team': 'red' }, 'aws:PrincipalTag/team'],
        ['home/us-east-1:victim/a', { 'cognito-identity.amazonaws.com:sub': 'us-east-1:victim' }, 'cognito-identity.amazonaws.com:sub'],
        ['eng/a', { 'cognito-identity.amazonaws.com:aud': ELSEWHERE }, 'cognito-identity.amazonaws.com:aud'],
        ['eng/a', { 'cognito-identity.amazonaws.com:amr': ['authenticated'] }, 'cognito-identity.amazonaws.com:amr'],
        ['eng/a', { 'aws:userid': 'us-east-1:victim' }, 'aws:userid'],
        ['eng/a', { 'aws:PrincipalArn': ROLE('Admin') }, 'aws:PrincipalArn'],
      ];
      for (const [key, context, named] of cases) {
        const out = await get(key, context);
        assert.equal(out.status, 400, `${JSON.stringify(context)}: ${JSON.stringify(out.json)}`);
        assert.equal(out.json.__type, 'InvalidParameterException');
        assert.match(String(out.json.message), new RegExp(named.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
      }
      assert.equal((await get(`home/${identityId}/a`)).status, 200, 'the credentials’ own sub');

      // Request context is still the caller's to give; wrong types are refused, not dropped or crashed on.
      assert.equal((await check('/', 's3:ListBucket', BUCKET, { 'aws:SourceIp': '10.0.0.1' })).status, 200);
      assert.equal((await check('/', 's3:ListBucket', BUCKET, { 'aws:SourceIp': '10.0.0.2' })).status, 403);
      for (const bad of [[], 'aws:PrincipalTag/dept=admin', 7, { 'aws:SourceIp': 7 }, { 'aws:SourceIp': [1] }, { 'aws:SourceIp': null }, { 'aws:SourceIp': { x: 1 } }]) {
        const out = await check('/', 's3:ListBucket', BUCKET, bad);
        assert.equal(out.status, 400, JSON.stringify(bad));
        assert.equal(out.json.__type, 'InvalidParameterException');
      }
      assert.equal((await check('/', 's3:ListBucket', BUCKET, null)).status, 403, 'a null context is no context');
    });

    it('GetOpenIdToken is refused only when AllowClassicFlow is false; DescribeIdentityPool echoes the flag only when set', async () => {
      const create = (flag?: boolean) =>
        server.identityAdmin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'classic', AllowUnauthenticatedIdentities: true, ...(flag === undefined ? {} : { AllowClassicFlow: flag }) }));
      const openIdToken = async (poolId: string) => {
        const { IdentityId } = await server.identity.send(new GetIdCommand({ IdentityPoolId: poolId }));
        return server.identity.send(new GetOpenIdTokenCommand({ IdentityId }));
      };
      const unset = await create();
      assert.equal(unset.AllowClassicFlow, undefined);
      assert.equal((await server.identityAdmin.send(new DescribeIdentityPoolCommand({ IdentityPoolId: unset.IdentityPoolId }))).AllowClassicFlow, undefined);
      assert.ok((await openIdToken(unset.IdentityPoolId!)).Token, 'a pool created without the flag allows the classic flow');

      const on = await create(true);
      assert.equal((await server.identityAdmin.send(new DescribeIdentityPoolCommand({ IdentityPoolId: on.IdentityPoolId }))).AllowClassicFlow, true);
      assert.ok((await openIdToken(on.IdentityPoolId!)).Token);

      const off = await create(false);
      assert.equal((await server.identityAdmin.send(new DescribeIdentityPoolCommand({ IdentityPoolId: off.IdentityPoolId }))).AllowClassicFlow, false);
      assert.deepEqual(await failure(() => openIdToken(off.IdentityPoolId!)), { name: 'InvalidParameterException', message: 'Basic (classic) flow is not enabled, please use enhanced flow.' });
    });
  });
}
