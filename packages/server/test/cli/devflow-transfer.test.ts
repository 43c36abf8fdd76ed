/**
 * `cognate export` → `cognate import` → sign in on a fresh server with another master key, on
 * SQLite and PostgreSQL: with a passphrase the users sign in at once by SRP (amazon-cognito-identity-js)
 * and USER_PASSWORD_AUTH (AWS SDK v3) with the same passwords, the same subs, the client's old
 * secret and a TOTP secret that moved; without one the file carries no secret (and a pool with
 * software tokens is refused), and the users sign in with USER_PASSWORD_AUTH, after which SRP works too. A wrong passphrase, an existing pool and a
 * changed file are refused with nothing written.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { secretHash } from '../../src/domain/app-clients.js';
import { stepAt, totpCode } from '../../src/domain/totp.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../support/postgres.js';
import { cognate, passwordSignIn, srpSignIn, startServer, type Failed, type RunningServer } from './devflow-helpers.js';

const POOL_ID = 'us-east-1_Transfer1';
const WEB = 'transferwebclient000000001';
const BACKEND = 'transferbackendclient00001';
const BACKEND_SECRET = 'transfer_client_secret_0123456789abcd';
const TOTP_SECRET = 'KRSXG5CTMVRXEZLUKN2XAZLSKNSWC4TF';
const PASSWORD = 'Corr3ct-Horse1';
const PLAIN_POOL_ID = 'us-east-1_Transfer2';
const PLAIN_WEB = 'transferplainweb0000000001';
const PLAIN_BACKEND = 'transferplainbackend000001';

const seed = `
userPools:
  - id: ${POOL_ID}
    PoolName: moving-shop
    mfa: { MfaConfiguration: OPTIONAL, SoftwareTokenMfaConfiguration: { Enabled: true } }
    clients:
      - { id: ${WEB}, ClientName: web, ExplicitAuthFlows: [ALLOW_USER_SRP_AUTH, ALLOW_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH] }
      - { id: ${BACKEND}, ClientName: backend, ClientSecret: ${BACKEND_SECRET}, ExplicitAuthFlows: [ALLOW_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH] }
    groups: [{ GroupName: staff, Precedence: 2 }]
    users:
      - { Username: alice, password: ${PASSWORD}, attributes: { email: alice@example.com, email_verified: "true" }, groups: [staff] }
      - { Username: tom, password: ${PASSWORD}, mfa: { totpSecret: ${TOTP_SECRET}, totp: true, preferred: SOFTWARE_TOKEN_MFA } }
      - { Username: eve, password: ${PASSWORD}, enabled: false }
  - id: ${PLAIN_POOL_ID}
    PoolName: moving-plain
    clients:
      - { id: ${PLAIN_WEB}, ClientName: web, ExplicitAuthFlows: [ALLOW_USER_SRP_AUTH, ALLOW_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH] }
      - { id: ${PLAIN_BACKEND}, ClientName: backend, GenerateSecret: true, ExplicitAuthFlows: [ALLOW_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH] }
    users:
      - { Username: alice, password: ${PASSWORD} }
      - { Username: bob, password: ${PASSWORD} }
`;

describe('cognate export and import', () => {
  let dir: string;
  let sealedFile: string;
  let plainFile: string;
  let passFile: string;
  let aliceSub: string;
  const servers: RunningServer[] = [];
  const databases: TestDatabase[] = [];
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cognate-devflow-transfer-'));
    const source = ['--data-dir', path.join(dir, 'source')];
    await writeFile(path.join(dir, 'seed.yaml'), seed);
    await cognate(['seed', path.join(dir, 'seed.yaml'), ...source]);
    passFile = path.join(dir, 'pass.txt');
    await writeFile(passFile, 'a long and private passphrase\n');
    sealedFile = path.join(dir, 'sealed.json');
    plainFile = path.join(dir, 'plain.json');
    await cognate(['export', '--pool', POOL_ID, '--out', sealedFile, '--passphrase-file', passFile, ...source]);
    await assert.rejects(cognate(['export', '--pool', POOL_ID, '--out', plainFile, ...source]), (e: Failed) => /1 users have a software token \(TOTP\), e\.g\. tom: export with a passphrase/.test(e.stderr));
    await cognate(['export', '--pool', PLAIN_POOL_ID, '--out', plainFile, ...source]);
    aliceSub = (JSON.parse(await readFile(sealedFile, 'utf8')) as { users: { username: string; sub: string }[] }).users.find((u) => u.username === 'alice')!.sub;
  });
  after(async () => {
    for (const s of servers) await s.stop();
    for (const d of databases) await d.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes hashes, and secrets only sealed', async () => {
    const plain = await readFile(plainFile, 'utf8');
    const sealed = JSON.parse(await readFile(sealedFile, 'utf8')) as { users: { username: string; sub: string; passwordHash: string; srp?: string }[]; clients: { secrets?: string }[] };
    assert.match(plain, /"passwordHash": "\$argon2id\$/);
    for (const secret of [BACKEND_SECRET, TOTP_SECRET]) {
      assert.ok(!plain.includes(secret), 'no secret without a passphrase');
      assert.ok(!JSON.stringify(sealed).includes(secret), 'secrets only sealed');
    }
    assert.doesNotMatch(plain, /"srp"|"secrets"|"totpSecret"/);
    assert.ok(sealed.users.every((u) => u.srp) && sealed.clients.some((c) => c.secrets));
    assert.match(aliceSub, /^[0-9a-f-]{36}$/);
  });

  for (const kind of databaseKinds) {
    it(`with the passphrase, recreates the pool on a fresh ${kind} server: SRP, USER_PASSWORD_AUTH, the client secret, TOTP`, async () => {
      let target: string[];
      if (kind === 'postgres') {
        const db = (await createTestDatabase())!;
        databases.push(db);
        target = ['--database-url', db.url, '--data-dir', path.join(dir, `target-${kind}`)];
      } else target = ['--data-dir', path.join(dir, `target-${kind}`)];
      // Another environment: another master key.
      const env = { COGNATE_MASTER_KEY: randomBytes(32).toString('base64') };
      if (kind === 'sqlite') {
        const wrong = path.join(dir, 'wrong.txt');
        await writeFile(wrong, 'not the passphrase at all');
        await assert.rejects(cognate(['import', sealedFile, '--passphrase-file', wrong, ...target], env), (e: Failed) => e.code === 1 && /wrong passphrase/.test(e.stderr));
        // A sealed secret moved to another user doesn't open.
        const tampered = JSON.parse(await readFile(sealedFile, 'utf8')) as { users: { srp?: string }[] };
        [tampered.users[0]!.srp, tampered.users[1]!.srp] = [tampered.users[1]!.srp, tampered.users[0]!.srp];
        const tamperedFile = path.join(dir, `tampered-${kind}.json`);
        await writeFile(tamperedFile, JSON.stringify(tampered));
        await assert.rejects(cognate(['import', tamperedFile, '--passphrase-file', passFile, ...target], env), (e: Failed) => /users\[0\]\.srp: the sealed secret does not open/.test(e.stderr));
        // A hash past the cost caps (one sign-in attempt would take 4 GiB) is refused like `cognate users import` refuses it.
        const costly = JSON.parse(await readFile(sealedFile, 'utf8')) as { users: { passwordHash: string }[] };
        costly.users[0]!.passwordHash = costly.users[0]!.passwordHash.replace(/m=\d+/, 'm=4194304');
        const costlyFile = path.join(dir, 'costly.json');
        await writeFile(costlyFile, JSON.stringify(costly));
        await assert.rejects(cognate(['import', costlyFile, '--passphrase-file', passFile, ...target], env), (e: Failed) => /users\[0\]\.passwordHash: /.test(e.stderr));
      }

      const imported = (await cognate(['import', sealedFile, '--passphrase-file', passFile, ...target], env)).stdout;
      assert.match(imported, /imported us-east-1_Transfer1: 2 clients, 1 groups, 3 users/);
      assert.doesNotMatch(imported, /USER_PASSWORD_AUTH|new secret/);
      if (kind === 'sqlite') await assert.rejects(cognate(['import', sealedFile, '--passphrase-file', passFile, ...target], env), (e: Failed) => /already has pool us-east-1_Transfer1/.test(e.stderr));

      const server = await startServer(target, env);
      servers.push(server);
      const alice = await srpSignIn(server.url, { poolId: POOL_ID, clientId: WEB, username: 'alice', password: PASSWORD });
      assert.ok('idToken' in alice);
      assert.equal(alice.idToken.sub, aliceSub, 'the same sub');
      assert.deepEqual(alice.idToken['cognito:groups'], ['staff']);
      assert.equal(alice.idToken.email_verified, true);
      assert.ok((await passwordSignIn(server.url, { clientId: BACKEND, username: 'alice', password: PASSWORD, secretHash: secretHash(BACKEND_SECRET, 'alice', BACKEND) })).result?.AccessToken, 'the old client secret');
      await assert.rejects(passwordSignIn(server.url, { clientId: WEB, username: 'alice', password: 'Wrong-Horse1' }), (e: Error) => e.name === 'NotAuthorizedException');
      const tom = await srpSignIn(server.url, { poolId: POOL_ID, clientId: WEB, username: 'tom', password: PASSWORD, totp: () => totpCode(TOTP_SECRET, stepAt(Date.now())) });
      assert.ok('idToken' in tom, 'the TOTP secret moved');
      await assert.rejects(passwordSignIn(server.url, { clientId: WEB, username: 'eve', password: PASSWORD }), (e: Error) => /disabled/i.test(e.message));
    });
  }

  it('without a passphrase: a new client secret, and SRP after a first USER_PASSWORD_AUTH', async () => {
    const target = ['--data-dir', path.join(dir, 'target-plain')];
    const env = { COGNATE_MASTER_KEY: randomBytes(32).toString('base64') };
    const imported = (await cognate(['import', plainFile, ...target], env)).stdout;
    const newSecret = new RegExp(`client ${PLAIN_BACKEND} has a new secret \\(the export left its own out\\): ([a-z0-9]+)`).exec(imported)?.[1];
    assert.ok(newSecret, imported);
    assert.match(imported, /2 users sign in once with USER_PASSWORD_AUTH before SRP works/);
    const server = await startServer(target, env);
    servers.push(server);
    await assert.rejects(srpSignIn(server.url, { poolId: PLAIN_POOL_ID, clientId: PLAIN_WEB, username: 'alice', password: PASSWORD }), 'no verifier yet');
    assert.ok((await passwordSignIn(server.url, { clientId: PLAIN_WEB, username: 'alice', password: PASSWORD })).result?.AccessToken);
    assert.ok('idToken' in (await srpSignIn(server.url, { poolId: PLAIN_POOL_ID, clientId: PLAIN_WEB, username: 'alice', password: PASSWORD })), 'SRP after the first password sign-in');
    assert.ok((await passwordSignIn(server.url, { clientId: PLAIN_BACKEND, username: 'bob', password: PASSWORD, secretHash: secretHash(newSecret, 'bob', PLAIN_BACKEND) })).result?.AccessToken);
    await assert.rejects(passwordSignIn(server.url, { clientId: PLAIN_WEB, username: 'bob', password: 'Wrong-Horse1' }), (e: Error) => e.name === 'NotAuthorizedException');
  });
});
