/**
 * Credentials that mean something: roles with policies made through the IAM-compatible query API,
 * built-in credentials from fromCognitoIdentityPool used to SigV4-sign requests
 * (@smithy/signature-v4) that the verifier accepts or refuses (policy Allow/Deny with
 * `${cognito-identity.amazonaws.com:sub}`, amr conditions, expiry, one changed byte, a deleted role),
 * Cognate's STS AssumeRoleWithWebIdentity driven by @aws-sdk/client-sts, and the upstream broker
 * exchanging OpenID tokens at that STS.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateIdentityPoolCommand, GetCredentialsForIdentityCommand, GetIdCommand, GetOpenIdTokenCommand } from '@aws-sdk/client-cognito-identity';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import { databaseKinds } from '../../support/postgres.js';
import { failure, startTestServer, type TestServer } from '../../support/server.js';
import { newPool, type Pool } from '../security/helpers.js';
import { AUTH_ROLE, UNAUTH_ROLE, adminUser, claims, identityPoolFor, providerOf, srpSignIn } from './helpers.js';
import { iam, sign, verify, type Creds } from './sign.js';

const BUCKET = 'arn:aws:s3:::photos';

const trustFor = (identityPoolId: string, amr: 'authenticated' | 'unauthenticated') =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: 'cognito-identity.amazonaws.com' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: { 'cognito-identity.amazonaws.com:aud': identityPoolId },
          'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': amr },
        },
      },
    ],
  });

const userPolicy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `${BUCKET}/private/\${cognito-identity.amazonaws.com:sub}/*` },
    { Effect: 'Allow', Action: 's3:Get*', Resource: `${BUCKET}/public/*` },
    { Effect: 'Deny', Action: 's3:GetObject', Resource: `${BUCKET}/public/secret*` },
    {
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: BUCKET,
      Condition: { 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } },
    },
  ],
});

for (const kind of databaseKinds) {
  describe(`credentials, verifier and STS (${kind})`, () => {
    let server: TestServer;
    let pool: Pool;
    let identityPoolId: string;
    let logins: Record<string, string>;
    const s3 = (creds: Creds, path: string, at: number, method = 'GET') => sign(creds, 's3', { method, host: 'photos.s3.local', path }, at);

    before(async () => {
      server = await startTestServer(kind);
      pool = await newPool(server);
      identityPoolId = await identityPoolFor(server, [pool]);
      // identityPoolFor made both roles (CreateRole) with trust policies for this pool.
      for (const name of ['Cognito_Auth_Role', 'Cognito_Unauth_Role']) {
        const got = await iam(server.url, server.credentials, { Action: 'GetRole', RoleName: name }, server.clock.now());
        assert.equal(got.status, 200, got.text);
        assert.match(got.text, new RegExp(`<Arn>arn:aws:iam::000000000000:role/${name}</Arn>`));
        const put = await iam(server.url, server.credentials, { Action: 'PutRolePolicy', RoleName: name, PolicyName: 'app', PolicyDocument: userPolicy }, server.clock.now());
        assert.equal(put.status, 200, put.text);
      }
      await adminUser(server, pool, 'alice');
      logins = { [providerOf(pool)]: (await srpSignIn(server, pool, 'alice')).getIdToken().getJwtToken() };
    });
    after(() => server.stop());

    it('manages roles over the IAM query API, signed by the admin only', async () => {
      const at = server.clock.now();
      const got = await iam(server.url, server.credentials, { Action: 'GetRolePolicy', RoleName: 'Cognito_Auth_Role', PolicyName: 'app' }, at);
      assert.equal(got.status, 200);
      assert.match(got.text, /<PolicyName>app<\/PolicyName>/);
      const dup = await iam(server.url, server.credentials, { Action: 'CreateRole', RoleName: 'Cognito_Auth_Role', AssumeRolePolicyDocument: trustFor(identityPoolId, 'authenticated') }, at);
      assert.equal(dup.status, 409);
      assert.match(dup.text, /<Code>EntityAlreadyExists<\/Code>/);
      const malformed = await iam(server.url, server.credentials, { Action: 'PutRolePolicy', RoleName: 'Cognito_Auth_Role', PolicyName: 'bad', PolicyDocument: '{"Statement":[{"Effect":"Maybe","Action":"*"}]}' }, at);
      assert.equal(malformed.status, 400);
      assert.match(malformed.text, /<Code>MalformedPolicyDocument<\/Code>/);
      const missing = await iam(server.url, server.credentials, { Action: 'GetRole', RoleName: 'Nobody' }, at);
      assert.equal(missing.status, 404);
      assert.match(missing.text, /<Code>NoSuchEntity<\/Code>/);
      const noName = await iam(server.url, server.credentials, { Action: 'CreateRole', AssumeRolePolicyDocument: '{}' }, at);
      assert.match(noName.text, /<Code>ValidationError<\/Code>/);
      const unsigned = await fetch(server.url + '/', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=GetRole&RoleName=Cognito_Auth_Role' });
      assert.equal(unsigned.status, 403);
      const stranger = await iam(server.url, { accessKeyId: 'AKIASTRANGER', secretAccessKey: 'nope' }, { Action: 'GetRole', RoleName: 'Cognito_Auth_Role' }, at);
      assert.equal(stranger.status, 403);
      const unknown = await iam(server.url, server.credentials, { Action: 'CreateUser', UserName: 'x' }, at);
      assert.match(unknown.text, /<Code>InvalidAction<\/Code>/);
    });

    it('accepts requests signed with built-in credentials as far as the role policy allows', async () => {
      const provider = fromCognitoIdentityPool({ identityPoolId, logins, clientConfig: { region: 'us-east-1', endpoint: server.url, maxAttempts: 1 } });
      const creds = await provider();
      const sub = creds.identityId;
      const at = server.clock.now();

      const mine = await verify(server.url, await s3(creds, `/private/${sub}/cat.jpg`, at), 's3:GetObject', `${BUCKET}/private/${sub}/cat.jpg`);
      assert.equal(mine.status, 200, JSON.stringify(mine.json));
      assert.equal(mine.json.identityId, sub);
      assert.equal(mine.json.roleArn, AUTH_ROLE);
      assert.equal(mine.json.identityPoolId, identityPoolId);

      const theirs = await verify(server.url, await s3(creds, '/private/us-east-1:other/cat.jpg', at), 's3:GetObject', `${BUCKET}/private/us-east-1:other/cat.jpg`);
      assert.equal(theirs.status, 403);
      assert.equal(theirs.json.reason, 'denied');
      assert.equal(theirs.json.decision, 'ImplicitDeny');
      const star = await verify(server.url, await s3(creds, '/private/*/cat.jpg', at), 's3:GetObject', `${BUCKET}/private/*/cat.jpg`);
      assert.equal(star.status, 403, 'a * in the request is not a wildcard');

      assert.equal((await verify(server.url, await s3(creds, '/public/a.jpg', at), 's3:GetObjectAcl', `${BUCKET}/public/a.jpg`)).status, 200, 'action wildcard');
      const secret = await verify(server.url, await s3(creds, '/public/secret.txt', at), 's3:GetObject', `${BUCKET}/public/secret.txt`);
      assert.equal(secret.status, 403);
      assert.equal(secret.json.decision, 'ExplicitDeny');
      assert.equal((await verify(server.url, await s3(creds, '/', at), 's3:ListBucket', BUCKET)).status, 200, 'amr condition: authenticated');
      assert.equal((await verify(server.url, await s3(creds, `/private/${sub}/x`, at, 'DELETE'), 's3:DeleteObject', `${BUCKET}/private/${sub}/x`)).status, 403);

      // A guest's credentials carry the unauthenticated role: the amr condition fails.
      const guest = await fromCognitoIdentityPool({ identityPoolId, clientConfig: { region: 'us-east-1', endpoint: server.url, maxAttempts: 1 } })();
      assert.equal((await verify(server.url, await s3(guest, '/', at), 's3:ListBucket', BUCKET)).status, 403);
      const guestOwn = await verify(server.url, await s3(guest, `/private/${guest.identityId}/a`, at), 's3:GetObject', `${BUCKET}/private/${guest.identityId}/a`);
      assert.equal(guestOwn.status, 200);
      assert.equal(guestOwn.json.roleArn, UNAUTH_ROLE);
    });

    it('refuses tampered, foreign, expired and revoked-role credentials', async () => {
      const { IdentityId } = await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: logins }));
      const out = (await server.identity.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: logins }))).Credentials!;
      const creds = { accessKeyId: out.AccessKeyId!, secretAccessKey: out.SecretKey!, sessionToken: out.SessionToken! };
      const path = `/private/${IdentityId}/cat.jpg`;
      const resource = `${BUCKET}${path}`;
      const at = server.clock.now();
      const good = await s3(creds, path, at);
      assert.equal((await verify(server.url, good, 's3:GetObject', resource)).status, 200);

      // One byte changed: in the signature, the path, the session token.
      const sig = good.headers.authorization!;
      const flipped = sig.slice(0, -1) + (sig.endsWith('0') ? '1' : '0');
      const badSig = await verify(server.url, { ...good, headers: { ...good.headers, authorization: flipped } }, 's3:GetObject', resource);
      assert.equal(badSig.json.reason, 'signature');
      assert.equal((await verify(server.url, { ...good, path: path.replace('cat', 'bat') }, 's3:GetObject', resource)).json.reason, 'signature');
      const token = good.headers['x-amz-security-token']!;
      const i = Math.floor(token.length / 2);
      const badToken = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
      const forged = await verify(server.url, { ...good, headers: { ...good.headers, 'x-amz-security-token': badToken } }, 's3:GetObject', resource);
      assert.equal(forged.status, 403);
      assert.notEqual(forged.json.allowed, true);
      // The right token with another key pair's signature, and no token at all.
      const other = (await server.identity.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: logins }))).Credentials!;
      const mixed = await s3({ accessKeyId: other.AccessKeyId!, secretAccessKey: other.SecretKey!, sessionToken: out.SessionToken! }, path, at);
      assert.equal((await verify(server.url, mixed, 's3:GetObject', resource)).status, 403);
      const noToken = await s3({ accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey }, path, at);
      assert.equal((await verify(server.url, noToken, 's3:GetObject', resource)).status, 403);
      // The admin's keys are not identity credentials.
      assert.equal((await verify(server.url, await s3(server.credentials, path, at), 's3:GetObject', resource)).status, 403);

      // An hour later the credentials have expired.
      server.clock.advance(3601 * 1000);
      try {
        const late = await verify(server.url, await s3(creds, path, server.clock.now()), 's3:GetObject', resource);
        assert.equal(late.status, 403);
        assert.equal(late.json.reason, 'expired');
      } finally {
        server.clock.advance(-3601 * 1000);
      }

      // A role deleted: its credentials stop working at once.
      const tempPool = await identityPoolFor(server, [pool]);
      await iam(server.url, server.credentials, { Action: 'CreateRole', RoleName: 'Temp', AssumeRolePolicyDocument: trustFor(tempPool, 'unauthenticated') }, at);
      await iam(server.url, server.credentials, { Action: 'PutRolePolicy', RoleName: 'Temp', PolicyName: 'all', PolicyDocument: JSON.stringify({ Statement: { Effect: 'Allow', Action: '*', Resource: '*' } }) }, at);
      const { SetIdentityPoolRolesCommand } = await import('@aws-sdk/client-cognito-identity');
      await server.identityAdmin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: tempPool, Roles: { unauthenticated: 'arn:aws:iam::000000000000:role/Temp' } }));
      const temp = await fromCognitoIdentityPool({ identityPoolId: tempPool, clientConfig: { region: 'us-east-1', endpoint: server.url, maxAttempts: 1 } })();
      assert.equal((await verify(server.url, await s3(temp, '/x', at), 's3:GetObject', `${BUCKET}/x`)).status, 200);
      assert.equal((await iam(server.url, server.credentials, { Action: 'DeleteRole', RoleName: 'Temp' }, at)).status, 200);
      const revoked = await verify(server.url, await s3(temp, '/x', at), 's3:GetObject', `${BUCKET}/x`);
      assert.equal(revoked.json.reason, 'role-revoked');

      // Malformed verify calls.
      const bad = await fetch(`${server.url}/identity/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"method":"GET"}' });
      assert.equal(bad.status, 400);
      assert.equal(((await bad.json()) as { __type: string }).__type, 'InvalidParameterException');
      const notJson = await fetch(`${server.url}/identity/verify`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://app.example' }, body: '{"method":' });
      assert.equal(notJson.status, 400);
      assert.equal(((await notJson.json()) as { __type: string }).__type, 'SerializationException');
      assert.equal(notJson.headers.get('access-control-allow-origin'), 'https://app.example');
      const huge = await fetch(`${server.url}/identity/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ method: 'GET', body: 'x'.repeat(200_000) }) });
      assert.equal(huge.status, 413);
    });

    it('serves AssumeRoleWithWebIdentity for the basic flow, checking the trust policy', async () => {
      const sts = new STSClient({ region: 'us-east-1', endpoint: server.url, maxAttempts: 1, credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' } });
      try {
        const { IdentityId } = await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: logins }));
        const { Token } = await server.identity.send(new GetOpenIdTokenCommand({ IdentityId, Logins: logins }));
        const out = await sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: AUTH_ROLE, RoleSessionName: 'app-session', WebIdentityToken: Token }));
        assert.match(out.Credentials!.AccessKeyId!, /^ASIA/);
        assert.equal(out.SubjectFromWebIdentityToken, IdentityId);
        assert.equal(out.Audience, identityPoolId);
        assert.equal(out.AssumedRoleUser!.Arn, 'arn:aws:sts::000000000000:assumed-role/Cognito_Auth_Role/app-session');
        assert.ok(out.Credentials!.Expiration instanceof Date);
        const creds = { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! };
        const allowed = await verify(server.url, await s3(creds, `/private/${IdentityId}/a`, server.clock.now()), 's3:GetObject', `${BUCKET}/private/${IdentityId}/a`);
        assert.equal(allowed.status, 200);

        // The trust policy: a guest token may not assume the authenticated role; another pool's token neither.
        const guest = (await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId }))).IdentityId;
        const guestToken = (await server.identity.send(new GetOpenIdTokenCommand({ IdentityId: guest }))).Token;
        assert.equal((await failure(() => sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: AUTH_ROLE, RoleSessionName: 's1', WebIdentityToken: guestToken })))).name, 'AccessDenied');
        assert.ok((await sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: UNAUTH_ROLE, RoleSessionName: 's1', WebIdentityToken: guestToken }))).Credentials);
        // A pool the roles do not trust (made without identityPoolFor, which would add it to their trust).
        const otherPool = (await server.identityAdmin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'other', AllowUnauthenticatedIdentities: true }))).IdentityPoolId;
        const otherGuest = (await server.identity.send(new GetIdCommand({ IdentityPoolId: otherPool }))).IdentityId;
        const otherToken = (await server.identity.send(new GetOpenIdTokenCommand({ IdentityId: otherGuest }))).Token;
        assert.equal((await failure(() => sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: UNAUTH_ROLE, RoleSessionName: 's1', WebIdentityToken: otherToken })))).name, 'AccessDenied');
        // Unknown role, forged and expired tokens, bad input.
        assert.equal((await failure(() => sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: 'arn:aws:iam::000000000000:role/Nope', RoleSessionName: 's1', WebIdentityToken: Token })))).name, 'AccessDenied');
        const forged = Token!.slice(0, -4) + (Token!.endsWith('AAAA') ? 'BBBB' : 'AAAA');
        assert.equal((await failure(() => sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: AUTH_ROLE, RoleSessionName: 's1', WebIdentityToken: forged })))).name, 'InvalidIdentityTokenException');
        assert.equal((await failure(() => sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: AUTH_ROLE, RoleSessionName: 's1', WebIdentityToken: logins[providerOf(pool)] })))).name, 'InvalidIdentityTokenException');
        assert.equal((await failure(() => sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: AUTH_ROLE, RoleSessionName: 'bad name!', WebIdentityToken: Token })))).name, 'ValidationError');
        assert.equal((await failure(() => sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: AUTH_ROLE, RoleSessionName: 's1', WebIdentityToken: Token, DurationSeconds: 60 })))).name, 'ValidationError');
        server.clock.advance(601 * 1000);
        try {
          assert.equal((await failure(() => sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: AUTH_ROLE, RoleSessionName: 's1', WebIdentityToken: Token })))).name, 'ExpiredTokenException');
        } finally {
          server.clock.advance(-601 * 1000);
        }
      } finally {
        sts.destroy();
      }
    });

    it('with the upstream broker, exchanges the OpenID token at the configured STS', async () => {
      const upstream = await startTestServer(kind, { credentialsBroker: 'upstream' });
      try {
        // The upstream STS is this very server's (its URL is known once it listens).
        upstream.running.cognate.config.upstreamStsEndpoint = upstream.url;
        const userPool = await newPool(upstream);
        const poolId = await identityPoolFor(upstream, [userPool]);
        await iam(upstream.url, upstream.credentials, { Action: 'CreateRole', RoleName: 'Cognito_Unauth_Role', AssumeRolePolicyDocument: trustFor(poolId, 'unauthenticated') }, upstream.clock.now());
        await iam(upstream.url, upstream.credentials, { Action: 'PutRolePolicy', RoleName: 'Cognito_Unauth_Role', PolicyName: 'app', PolicyDocument: userPolicy }, upstream.clock.now());
        const creds = await fromCognitoIdentityPool({ identityPoolId: poolId, clientConfig: { region: 'us-east-1', endpoint: upstream.url, maxAttempts: 1 } })();
        assert.match(creds.accessKeyId, /^ASIA/);
        const session = upstream.running.cognate.identity.builtIn.open(creds.sessionToken!)!;
        assert.equal(session.r, UNAUTH_ROLE);
        assert.equal(session.i, creds.identityId);
        const ok = await verify(upstream.url, await sign(creds, 's3', { method: 'GET', host: 'photos.s3.local', path: `/private/${creds.identityId}/a` }, upstream.clock.now()), 's3:GetObject', `${BUCKET}/private/${creds.identityId}/a`);
        assert.equal(ok.status, 200);
        // The authenticated role trusts another pool only: the upstream STS refuses (AccessDenied, a 4xx),
        // which Cognito reports as the pool's roles being misconfigured.
        const elsewhere = JSON.stringify({ Statement: { Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:00000000-0000-0000-0000-000000000001' } } } });
        assert.equal((await iam(upstream.url, upstream.credentials, { Action: 'UpdateAssumeRolePolicy', RoleName: 'Cognito_Auth_Role', PolicyDocument: elsewhere }, upstream.clock.now())).status, 200);
        await adminUser(upstream, userPool, 'zed');
        const zed = { [providerOf(userPool)]: (await srpSignIn(upstream, userPool, 'zed')).getIdToken().getJwtToken() };
        const { IdentityId } = await upstream.identity.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: zed }));
        const e = await failure(() => upstream.identity.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: zed })));
        assert.deepEqual(e, { name: 'InvalidIdentityPoolConfigurationException', message: 'Invalid identity pool configuration. Check assigned IAM roles for this pool.' });
        assert.ok(claims(zed[providerOf(userPool)]!).sub);
      } finally {
        await upstream.stop();
      }
    });
  });
}
