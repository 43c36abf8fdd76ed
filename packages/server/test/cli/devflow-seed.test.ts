/**
 * `cognate seed` and `cognate start --seed`, run as real processes: a YAML seed creates a pool with
 * a fixed ID, clients with fixed IDs and a fixed secret, a group, users (confirmed, unconfirmed,
 * temporary password, TOTP with a known secret) and an identity pool; a second run changes nothing;
 * a dry run reports a change without making it; bad files are refused with the path to the bad
 * member and nothing written; `start --seed --workers 2` seeds once and real clients sign in.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AdminGetUserCommand, DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { secretHash } from '../../src/domain/app-clients.js';
import { stepAt, totpCode } from '../../src/domain/totp.js';
import { adminClient, cognate, passwordSignIn, srpSignIn, startServer, type Failed, type RunningServer } from './devflow-helpers.js';

const POOL_ID = 'us-east-1_DevSeed01';
const WEB = 'seedclientpublic0000000001';
const BACKEND = 'seedclientsecret0000000001';
const BACKEND_SECRET = 'seeded_client_secret_0123456789abcdef';
const TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DP';
const PASSWORD = 'Corr3ct-Horse1';

const seedYaml = (aliceName: string) => `
# The development environment of the seeded shop.
userPools:
  - id: ${POOL_ID}
    PoolName: seeded-shop
    AutoVerifiedAttributes: [email]
    Policies:
      PasswordPolicy: { MinimumLength: 10, RequireNumbers: true, RequireSymbols: false, RequireUppercase: true, RequireLowercase: true }
    mfa:
      MfaConfiguration: OPTIONAL
      SoftwareTokenMfaConfiguration: { Enabled: true }
    clients:
      - id: ${WEB}
        ClientName: web
        ExplicitAuthFlows: [ALLOW_USER_SRP_AUTH, ALLOW_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
      - id: ${BACKEND}
        ClientName: backend
        ClientSecret: ${BACKEND_SECRET}
        ExplicitAuthFlows: [ALLOW_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
    groups:
      - GroupName: admins
        Description: people who run the shop
        Precedence: 1
    users:
      - Username: alice
        password: ${PASSWORD}
        attributes: { email: alice@example.com, email_verified: "true", name: ${aliceName} }
        groups: [admins]
      - Username: tom
        password: ${PASSWORD}
        mfa: { totpSecret: ${TOTP_SECRET}, totp: true, preferred: SOFTWARE_TOKEN_MFA }
      - Username: bob
        password: ${PASSWORD}
        confirmed: false
        attributes: { email: bob@example.com }
      - Username: carol
        password: Temp0rary-Pass
        temporaryPassword: true
identityPools:
  - IdentityPoolName: seeded_identities
    providers: [{ userPool: seeded-shop, client: web }]
    authenticatedPolicy: { Version: "2012-10-17", Statement: [{ Effect: Allow, Action: "s3:GetObject", Resource: "*" }] }
`;

describe('cognate seed', () => {
  let dir: string;
  let server: RunningServer | undefined;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cognate-devflow-seed-'));
  });
  after(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates everything once; a second run changes nothing; a dry run reports a change and makes none', async () => {
    const data = ['--data-dir', path.join(dir, 'twice')];
    const file = path.join(dir, 'seed.yaml');
    await writeFile(file, seedYaml('Alice'));
    const first = (await cognate(['seed', file, ...data])).stdout;
    assert.match(first, /created\s+user pool seeded-shop \(us-east-1_DevSeed01\)/);
    assert.match(first, /created\s+client backend \(seedclientsecret0000000001\)/);
    assert.match(first, /created\s+user tom of seeded-shop/);
    assert.match(first, /created\s+identity pool seeded_identities/);
    assert.match(first, /^9 created, 0 updated, 0 unchanged$/m);
    assert.doesNotMatch(first, new RegExp(BACKEND_SECRET), 'the report never shows a secret');

    const second = (await cognate(['seed', file, ...data])).stdout;
    assert.match(second, /^0 created, 0 updated, 9 unchanged$/m, second);

    await writeFile(file, seedYaml('Alice Liddell'));
    const dry = (await cognate(['seed', file, '--dry-run', ...data])).stdout;
    assert.match(dry, /would be updated\s+user alice of seeded-shop \(attributes\.name\)/);
    assert.match(dry, /^dry run: 0 created, 1 updated, 8 unchanged$/m);
    const applied = (await cognate(['seed', file, ...data])).stdout;
    assert.match(applied, /^updated\s+user alice of seeded-shop \(attributes\.name\)$/m);
    assert.match(applied, /^0 created, 1 updated, 8 unchanged$/m);
  });

  it('refuses bad files with the path to the bad member, and writes nothing', async () => {
    const data = ['--data-dir', path.join(dir, 'bad')];
    const refuses = async (name: string, text: string, expected: RegExp) => {
      const file = path.join(dir, name);
      await writeFile(file, text);
      await assert.rejects(cognate(['seed', file, ...data]), (e: Failed) => {
        assert.equal(e.code, 1);
        assert.match(e.stderr, expected);
        assert.doesNotMatch(e.stderr, /\n\s+at /, 'no stack trace');
        return true;
      });
    };
    const pool = (more: string) => `userPools:\n  - id: us-east-1_BadSeed01\n    PoolName: bad\n    clients: [{ ClientName: web }]\n${more}`;
    // null and wrong types at members, and a member no seed file has: every one named.
    await refuses('types.json', JSON.stringify({ userPools: [{ PoolName: 'bad', groups: null, users: [{ Username: 'alice', confirmed: 'yes', shoeSize: 44 }] }] }), /userPools\[0\]\.groups: [\s\S]*userPools\[0\]\.users\[0\]\.confirmed: .*boolean[\s\S]*userPools\[0\]\.users\[0\]: .*shoeSize/);
    await refuses('model.yaml', pool('    groups: [{ GroupName: admins }]\n').replace('{ ClientName: web }', '{ ClientName: web, ExplicitAuthFlows: [NOT_A_FLOW] }'), /userPools\[0\]\.clients\[0\]: .*validation error/);
    // The last user's password breaks the policy: the file is refused before the pool, its client or the first user exist.
    await refuses('policy.yaml', pool('    users:\n      - { Username: alice, password: Corr3ct-Horse1 }\n      - { Username: bob, password: short }\n'), /userPools\[0\]\.users\[1\]\.password: /);
    await assert.rejects(cognate(['export', '--pool', 'us-east-1_BadSeed01', ...data]), (e: Failed) => /ResourceNotFoundException/.test(e.stderr), 'no pool was created');
  });

  it('start --seed --workers 2 seeds once before serving; real clients sign in as the file says', async () => {
    const file = path.join(dir, 'start.yaml');
    await writeFile(file, seedYaml('Alice'));
    server = await startServer(['--seed', file, '--workers', '2', '--data-dir', path.join(dir, 'start')]);
    assert.equal(server.output().match(/9 created, 0 updated, 0 unchanged/g)?.length, 1, 'seeded once, by the primary');
    const url = server.url;

    const alice = await srpSignIn(url, { poolId: POOL_ID, clientId: WEB, username: 'alice', password: PASSWORD });
    assert.ok('idToken' in alice);
    assert.deepEqual(alice.idToken['cognito:groups'], ['admins']);
    assert.equal(alice.idToken.name, 'Alice');

    const tom = await srpSignIn(url, { poolId: POOL_ID, clientId: WEB, username: 'tom', password: PASSWORD, totp: () => totpCode(TOTP_SECRET, stepAt(Date.now())) });
    assert.ok('idToken' in tom, 'the seeded TOTP secret answers SOFTWARE_TOKEN_MFA');

    const backend = await passwordSignIn(url, { clientId: BACKEND, username: 'alice', password: PASSWORD, secretHash: secretHash(BACKEND_SECRET, 'alice', BACKEND) });
    assert.ok(backend.result?.AccessToken, 'the fixed client secret works');
    assert.deepEqual(await srpSignIn(url, { poolId: POOL_ID, clientId: WEB, username: 'carol', password: 'Temp0rary-Pass' }), { challenge: 'NEW_PASSWORD_REQUIRED' });

    const admin = adminClient(url);
    try {
      assert.equal((await admin.send(new AdminGetUserCommand({ UserPoolId: POOL_ID, Username: 'bob' }))).UserStatus, 'UNCONFIRMED');
      const client = (await admin.send(new DescribeUserPoolClientCommand({ UserPoolId: POOL_ID, ClientId: BACKEND }))).UserPoolClient;
      assert.equal(client?.ClientSecret, BACKEND_SECRET);
    } finally {
      admin.destroy();
    }
  });
});
