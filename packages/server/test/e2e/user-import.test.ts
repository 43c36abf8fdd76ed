/**
 * Bulk user import. `cognate users import` run as a real process on files with bcrypt, scrypt,
 * PBKDF2 and argon2 hashes made here, then real sign-ins: USER_PASSWORD_AUTH with the AWS SDK
 * verifies the imported hash and upgrades it, after which amazon-cognito-identity-js signs in with
 * SRP; a bad file imports nothing and says why. And Cognito's import-job API end to end with the
 * SDK, the CSV PUT to the job's PreSignedUrl over HTTP.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { pbkdf2Sync, randomBytes, scryptSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import {
  AddCustomAttributesCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  AdminInitiateAuthCommand,
  ConfirmForgotPasswordCommand,
  CreateUserImportJobCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserImportJobCommand,
  ForgotPasswordCommand,
  GetCSVHeaderCommand,
  InitiateAuthCommand,
  ListUserImportJobsCommand,
  ListUsersCommand,
  RespondToAuthChallengeCommand,
  StartUserImportJobCommand,
  StopUserImportJobCommand,
  type ExplicitAuthFlowsType,
  type UserImportJobType,
} from '@aws-sdk/client-cognito-identity-provider';
import { hash as argon2Hash } from '@node-rs/argon2';
import { AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession } from 'amazon-cognito-identity-js';
import { databaseKinds } from '../support/postgres.js';
import { failureWithStatus as failure, fetchBody, startTestServer, type TestServer } from '../support/server.js';

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const PASSWORD = 'Imp0rted-Secret!';
const NEW_PASSWORD = 'N3w-Battery-Staple!';
const ROLE = 'arn:aws:iam::123456789012:role/CognitoImport';

/** Runs `cognate <args>` and resolves with its exit code and output, whatever the code. */
function cognate(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', CLI, ...args], { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

// ---- hashes as other systems store them -------------------------------------------------------

const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');
/** passlib's "adapted base64": `.` for `+`, no padding. */
const ab64 = (b: Buffer) => b64(b).replace(/\+/g, '.');

function scryptPhc(password: string): string {
  const salt = randomBytes(16);
  return `$scrypt$ln=10,r=8,p=1$${b64(salt)}$${b64(scryptSync(password, salt, 32, { N: 1024, r: 8, p: 1 }))}`;
}
function pbkdf2Phc(password: string, digest: 'sha1' | 'sha256' | 'sha512', iterations = 1000): string {
  const salt = randomBytes(16);
  const len = { sha1: 20, sha256: 32, sha512: 64 }[digest];
  return `$pbkdf2-${digest}$i=${iterations}$${b64(salt)}$${b64(pbkdf2Sync(password, salt, iterations, len, digest))}`;
}
/** passlib's pbkdf2_sha512: bare rounds, adapted base64. */
function pbkdf2Passlib(password: string): string {
  const salt = randomBytes(16);
  return `$pbkdf2-sha512$1200$${ab64(salt)}$${ab64(pbkdf2Sync(password, salt, 1200, 64, 'sha512'))}`;
}
/** `Algorithm` of @node-rs/argon2 is a const enum: 0 argon2d, 1 argon2i, 2 argon2id. */
const argon2 = (password: string, algorithm: 0 | 1 | 2) => argon2Hash(password, { algorithm, memoryCost: 4096, timeCost: 1, parallelism: 1 });

/** @node-rs/bcrypt, when installed (bcrypt hashes need it; see imported-passwords.ts). */
async function bcryptModule(): Promise<{ hash(password: string, options: { cost: number }): Promise<string> } | null> {
  const name = '@node-rs/bcrypt';
  try {
    return (await import(name)) as { hash(password: string, options: { cost: number }): Promise<string> };
  } catch {
    return null;
  }
}

// ---- clients -----------------------------------------------------------------------------------

/** amazon-cognito-identity-js reports errors with `code`. */
function srpSignIn(pool: CognitoUserPool, username: string, password: string): Promise<CognitoUserSession> {
  const user = new CognitoUser({ Username: username, Pool: pool });
  return new Promise((resolve, reject) =>
    user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), {
      onSuccess: resolve,
      onFailure: (e: Error & { code?: string }) => reject(Object.assign(new Error(e.message), { name: e.code ?? e.name })),
    }),
  );
}

const attrs = (list: { Name?: string; Value?: string }[] | undefined) => Object.fromEntries((list ?? []).map((a) => [a.Name, a.Value]));
const codeIn = (text: string) => /\b(\d{6})\b/.exec(text)?.[1] ?? assert.fail(`no code in ${text}`);

for (const kind of databaseKinds) {
  describe(`cognate users import (${kind})`, () => {
    let server: TestServer;
    let dir: string;
    let poolId: string;
    let clientId: string;
    let legacyClientId: string;
    let jsPool: CognitoUserPool;
    let legacyJsPool: CognitoUserPool;

    const storage = () => ['--data-dir', server.storage.dataDir, ...(server.storage.databaseUrl ? ['--database-url', server.storage.databaseUrl] : []), '--argon2-memory', '4096'];
    async function importFile(name: string, content: string, extra: string[] = []) {
      const file = path.join(dir, name);
      await writeFile(file, content);
      return cognate(['users', 'import', '--pool', poolId, file, ...storage(), ...extra]);
    }
    const passwordSignIn = async (username: string, password: string, client = clientId) =>
      server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: client, AuthParameters: { USERNAME: username, PASSWORD: password } }));
    const userCount = async () => (await server.admin.send(new ListUsersCommand({ UserPoolId: poolId }))).Users?.length ?? 0;
    const storedHash = async (username: string) =>
      (await server.running.cognate.store.db.selectFrom('users').select(['imported_password_hash', 'password_hash']).where('pool_id', '=', poolId).where('username', '=', username).executeTakeFirstOrThrow());

    before(async () => {
      server = await startTestServer(kind);
      dir = await mkdtemp(path.join(tmpdir(), 'cognate-import-'));
      poolId = (
        await server.admin.send(
          new CreateUserPoolCommand({
            PoolName: 'imported',
            AutoVerifiedAttributes: ['email'],
            Schema: [{ Name: 'tier', AttributeDataType: 'String', Mutable: true }],
          }),
        )
      ).UserPool!.Id!;
      const flows = ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'];
      const client = async (name: string, extra: Record<string, unknown> = {}) =>
        (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, PreventUserExistenceErrors: 'ENABLED', ClientName: name, ExplicitAuthFlows: flows, ...extra } as never))).UserPoolClient!.ClientId!;
      clientId = await client('web');
      legacyClientId = await client('legacy', { PreventUserExistenceErrors: 'LEGACY' });
      jsPool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: server.url + '/' });
      legacyJsPool = new CognitoUserPool({ UserPoolId: poolId, ClientId: legacyClientId, endpoint: server.url + '/' });
    });
    after(async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    });

    it('imports JSON lines with scrypt, PBKDF2 and argon2 hashes; USER_PASSWORD_AUTH upgrades them and SRP works after', async () => {
      const hashes: Record<string, string> = {
        scrypt: scryptPhc(PASSWORD),
        pbkdf2sha256: pbkdf2Phc(PASSWORD, 'sha256'),
        pbkdf2sha1: pbkdf2Phc(PASSWORD, 'sha1'),
        pbkdf2sha512: pbkdf2Passlib(PASSWORD),
        argon2id: await argon2(PASSWORD, 2),
        argon2i: await argon2(PASSWORD, 1),
        argon2d: await argon2(PASSWORD, 0),
      };
      const bcrypt = await bcryptModule();
      if (bcrypt) hashes.bcrypt = (await bcrypt.hash(PASSWORD, { cost: 4 })).replace(/^\$2b\$/, '$2y$');
      const lines = Object.entries(hashes).map(([name, hash]) =>
        JSON.stringify({ username: `j-${name}`, attributes: { email: `${name}@example.com`, email_verified: true, 'custom:tier': 'gold' }, password_hash: hash }),
      );
      const out = await importFile('users.jsonl', lines.join('\n') + '\n\n');
      assert.equal(out.code, 0, out.stderr);
      assert.equal(out.stdout, `imported ${lines.length} users\n`);
      assert.equal(out.stderr, '', 'no progress bar when stderr is not a terminal');

      const got = await server.admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'j-scrypt' }));
      assert.equal(got.UserStatus, 'CONFIRMED');
      assert.deepEqual({ ...attrs(got.UserAttributes), sub: undefined }, { sub: undefined, email: 'scrypt@example.com', email_verified: 'true', 'custom:tier': 'gold' });

      for (const name of Object.keys(hashes)) {
        const username = `j-${name}`;
        // Before the first password sign-in there is no SRP verifier: the generic answer (P01).
        const srp = await failure(() => srpSignIn(jsPool, username, PASSWORD));
        assert.deepEqual([srp.name, srp.message], ['NotAuthorizedException', 'Incorrect username or password.'], name);
        assert.equal((await failure(() => passwordSignIn(username, 'Wr0ng-Password!'))).name, 'NotAuthorizedException', name);
        assert.ok((await storedHash(username)).imported_password_hash, 'a wrong password upgrades nothing');
        const first = await passwordSignIn(username, PASSWORD);
        assert.ok(first.AuthenticationResult?.AccessToken, name);
        const stored = await storedHash(username);
        assert.equal(stored.imported_password_hash, null, `${name}: the foreign hash is gone`);
        assert.match(stored.password_hash ?? '', /^\$argon2id\$/, name);
        assert.ok((await srpSignIn(jsPool, username, PASSWORD)).isValid(), `${name}: SRP works after the upgrade`);
        assert.ok((await passwordSignIn(username, PASSWORD)).AuthenticationResult?.IdToken, name);
      }
    });

    it('ADMIN_USER_PASSWORD_AUTH upgrades too; LEGACY clients are told to use USER_PASSWORD_AUTH for SRP', async () => {
      const out = await importFile(
        'admin.jsonl',
        [
          { username: 'a-admin', attributes: { email: 'a-admin@example.com' }, password_hash: pbkdf2Phc(PASSWORD, 'sha256') },
          { username: 'a-legacy', attributes: { email: 'a-legacy@example.com' }, password_hash: scryptPhc(PASSWORD) },
        ]
          .map((u) => JSON.stringify(u))
          .join('\n'),
      );
      assert.equal(out.code, 0, out.stderr);
      const admin = await server.admin.send(
        new AdminInitiateAuthCommand({ UserPoolId: poolId, ClientId: clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'a-admin', PASSWORD } }),
      );
      assert.ok(admin.AuthenticationResult?.AccessToken);
      assert.ok((await srpSignIn(jsPool, 'a-admin', PASSWORD)).isValid());

      const legacy = await failure(() => srpSignIn(legacyJsPool, 'a-legacy', PASSWORD));
      assert.equal(legacy.name, 'UserNotFoundException');
      assert.match(legacy.message, /USER_PASSWORD_AUTH/);
      assert.ok((await passwordSignIn('a-legacy', PASSWORD, legacyClientId)).AuthenticationResult);
      assert.ok((await srpSignIn(legacyJsPool, 'a-legacy', PASSWORD)).isValid());
    });

    it('imports CSV with the GetCSVHeader columns and password_hash, quoted or backslash-escaped', async () => {
      const header = (await server.admin.send(new GetCSVHeaderCommand({ UserPoolId: poolId }))).CSVHeader!;
      const row = (values: Record<string, string>) => header.map((h) => values[h] ?? '').join(',');
      const scrypt = scryptPhc(PASSWORD);
      const csv = [
        [...header, 'password_hash'].join(','),
        `${row({ 'cognito:username': 'c-quoted', email: 'c-quoted@example.com', email_verified: 'TRUE', 'cognito:mfa_enabled': 'false', name: '"Smith, Jane ""JJ"""' })},"${scrypt}"`,
        `${row({ 'cognito:username': 'c-escaped', email: 'c-escaped@example.com', name: 'Doe\\, John' })},${scrypt.replace(/,/g, '\\,')}`,
        `${row({ 'cognito:username': 'c-nohash', email: 'c-nohash@example.com', email_verified: 'true' })},`,
      ].join('\r\n');
      const out = await importFile('users.csv', '\ufeff' + csv + '\r\n');
      assert.equal(out.code, 0, out.stderr);
      assert.equal(out.stdout, 'imported 3 users\n');
      const quoted = await server.admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'c-quoted' }));
      assert.equal(attrs(quoted.UserAttributes).name, 'Smith, Jane "JJ"');
      assert.equal(attrs(quoted.UserAttributes).email_verified, 'true');
      const escaped = await server.admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'c-escaped' }));
      assert.equal(attrs(escaped.UserAttributes).name, 'Doe, John');
      assert.ok((await passwordSignIn('c-quoted', PASSWORD)).AuthenticationResult);
      assert.ok((await passwordSignIn('c-escaped', PASSWORD)).AuthenticationResult);
      // Without a hash the user must reset, as Cognito's CSV import leaves everyone.
      assert.equal((await server.admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'c-nohash' }))).UserStatus, 'RESET_REQUIRED');
      assert.equal((await failure(() => passwordSignIn('c-nohash', PASSWORD))).name, 'NotAuthorizedException');
      const legacy = await failure(() => passwordSignIn('c-nohash', PASSWORD, legacyClientId));
      assert.deepEqual([legacy.name, legacy.message], ['PasswordResetRequiredException', 'Password reset required for the user']);
      assert.equal((await failure(() => srpSignIn(legacyJsPool, 'c-nohash', PASSWORD))).name, 'PasswordResetRequiredException');
    });

    it('in a pool that signs in with email, the email is the username and belongs to one user', async () => {
      const emailPool = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'by-email', UsernameAttributes: ['email'], AutoVerifiedAttributes: ['email'] }))).UserPool!.Id!;
      const emailClient = (
        await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: emailPool, PreventUserExistenceErrors: 'ENABLED', ClientName: 'web', ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))
      ).UserPoolClient!.ClientId!;
      const run = async (name: string, users: unknown[]) => {
        const file = path.join(dir, name);
        await writeFile(file, users.map((u) => JSON.stringify(u)).join('\n'));
        return cognate(['users', 'import', '--pool', emailPool, file, ...storage()]);
      };
      const ok = await run('by-email.jsonl', [{ username: 'Ann@Example.COM', attributes: { email_verified: 'true' }, password_hash: pbkdf2Phc(PASSWORD, 'sha256') }]);
      assert.equal(ok.code, 0, ok.stderr);
      const signedIn = await server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: emailClient, AuthParameters: { USERNAME: 'Ann@example.com', PASSWORD } }));
      assert.ok(signedIn.AuthenticationResult?.AccessToken);
      const users = (await server.admin.send(new ListUsersCommand({ UserPoolId: emailPool }))).Users!;
      assert.equal(users.length, 1);
      assert.equal(attrs(users[0]!.Attributes).email, 'Ann@example.com');
      assert.equal(users[0]!.Username, attrs(users[0]!.Attributes).sub, 'the username is the sub, as SignUp makes it');
      const byEmail = new CognitoUserPool({ UserPoolId: emailPool, ClientId: emailClient, endpoint: server.url + '/' });
      assert.ok((await srpSignIn(byEmail, 'Ann@example.com', PASSWORD)).isValid());

      const bad = await run('by-email-bad.jsonl', [
        { username: 'Ann@example.com', password_hash: pbkdf2Phc(PASSWORD, 'sha256') },
        { username: 'not-an-email', password_hash: pbkdf2Phc(PASSWORD, 'sha256') },
        { username: 'bob@example.com', attributes: { email: 'robert@example.com' } },
        { username: 'carol@example.com' },
        { username: 'CAROL@example.com' },
      ]);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /line 1: an account with the given email already exists in the pool/);
      assert.match(bad.stderr, /line 2: Username should be an email\./);
      assert.match(bad.stderr, /line 3: cognito:username and email differ/);
      assert.match(bad.stderr, /line 5: duplicate email: line 4 signs in with the same one/);
    });

    it('honours status: FORCE_CHANGE_PASSWORD asks for a new password, and a reset retires the imported hash', async () => {
      const out = await importFile(
        'status.jsonl',
        [
          { username: 's-force', attributes: { email: 's-force@example.com' }, password_hash: pbkdf2Phc(PASSWORD, 'sha256'), status: 'FORCE_CHANGE_PASSWORD' },
          { username: 's-reset', attributes: { email: 's-reset@example.com', email_verified: 'true' }, password_hash: pbkdf2Phc(PASSWORD, 'sha256') },
        ]
          .map((u) => JSON.stringify(u))
          .join('\n'),
      );
      assert.equal(out.code, 0, out.stderr);
      const challenge = await passwordSignIn('s-force', PASSWORD);
      assert.equal(challenge.ChallengeName, 'NEW_PASSWORD_REQUIRED');
      const answered = await server.anonymous.send(
        new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: challenge.Session, ChallengeResponses: { USERNAME: 's-force', NEW_PASSWORD } }),
      );
      assert.ok(answered.AuthenticationResult?.AccessToken);
      assert.ok((await srpSignIn(jsPool, 's-force', NEW_PASSWORD)).isValid());

      await server.anonymous.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 's-reset' }));
      const mail = (await server.running.cognate.outbox.recent(100, poolId)).find((m) => m.to === 's-reset@example.com');
      await server.anonymous.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 's-reset', ConfirmationCode: codeIn(mail?.text ?? ''), Password: NEW_PASSWORD }));
      assert.equal((await storedHash('s-reset')).imported_password_hash, null);
      assert.equal((await failure(() => passwordSignIn('s-reset', PASSWORD))).name, 'NotAuthorizedException', 'the imported password no longer works');
      assert.ok((await srpSignIn(jsPool, 's-reset', NEW_PASSWORD)).isValid());
    });

    it('imports nothing from a file with a bad row, and lists every bad row with its line and reason', async () => {
      const before = await userCount();
      const good = (username: string) => ({ username, attributes: { email: `${username}@example.com` }, password_hash: pbkdf2Phc(PASSWORD, 'sha256') });
      const rows: unknown[] = [
        good('b-good-1'),
        { ...good('b-badhash'), password_hash: '$pbkdf2-sha256$i=1000$c2FsdA$dG9vc2hvcnQ' },
        { ...good('b-unknown'), password_hash: 'plaintext-password' },
        { ...good('b-schema'), attributes: { email: 'b-schema@example.com', shoe_size: '44' } },
        { ...good('b-email'), attributes: { email: 'not-an-email' } },
        good('b-good-1'),
        good('j-scrypt'),
        { ...good('b-status'), status: 'ENABLED' },
        { username: 'b-force', attributes: { email: 'b-force@example.com' }, status: 'FORCE_CHANGE_PASSWORD' },
        { ...good('b-verified'), attributes: { email_verified: 'true' } },
        { ...good('b-cost'), password_hash: '$argon2id$v=19$m=4194304,t=3,p=1$c2FsdHNhbHQ$' + 'A'.repeat(43) },
        { ...good('b-field'), passwordHash: 'x' },
        good('b-good-2'),
      ];
      const text = rows.map((r) => JSON.stringify(r)).join('\n') + '\n{not json\n';
      const out = await importFile('bad.jsonl', text);
      assert.equal(out.code, 1);
      assert.equal(out.stdout, '');
      const expected: [number, RegExp][] = [
        [2, /bad PBKDF2 hash: the hash is shorter than 16 bytes/],
        [3, /unrecognised password hash/],
        [4, /Attributes did not conform to the schema: shoe_size: Attribute does not exist in the schema\./],
        [5, /Invalid email address format\./],
        [6, /duplicate username: line 1 has the same one/],
        [7, /a user with this username already exists in the pool/],
        [8, /status must be one of/],
        [9, /FORCE_CHANGE_PASSWORD needs a password_hash/],
        [10, /email_verified is true but there is no email/],
        [11, /bad argon2 hash: parameters out of range/],
        [12, /unknown field "passwordHash"/],
        [14, /not a JSON object/],
      ];
      assert.match(out.stderr, new RegExp(`^cognate: ${expected.length} of 14 rows rejected; nothing was imported\n`));
      for (const [line, reason] of expected) assert.match(out.stderr, new RegExp(`\n  line ${line}: ${reason.source}`), `line ${line}`);
      assert.doesNotMatch(out.stderr, /line (1|13):/);
      assert.equal(await userCount(), before, 'nothing was imported');

      const bcrypt = await bcryptModule();
      if (!bcrypt) {
        const bc = await importFile('bcrypt.jsonl', JSON.stringify({ ...good('b-bcrypt'), password_hash: '$2b$10$' + 'a'.repeat(53) }));
        assert.equal(bc.code, 1);
        assert.match(bc.stderr, /line 1: bcrypt support needs @node-rs\/bcrypt, which is not installed/);
      }
    });

    it('refuses files it cannot read as users, with a clear message and no stack trace', async () => {
      const cases: [string, string, RegExp][] = [
        ['unknown.csv', 'cognito:username,email,shoe_size\nx,x@example.com,44\n', /line 1: unknown column "shoe_size"/],
        ['nouser.csv', 'email\nx@example.com\n', /the header has no cognito:username column/],
        ['twice.csv', 'cognito:username,email,email\nx,a@example.com,b@example.com\n', /the header names "email" twice/],
        ['quote.csv', 'cognito:username,name\nx,"unterminated\n', /line 2: a quoted field is never closed/],
        ['empty.csv', '', /the file is empty/],
        ['empty.jsonl', '\n\n', /the file has no users/],
      ];
      for (const [name, content, message] of cases) {
        const out = await importFile(name, content);
        assert.equal(out.code, 1, name);
        assert.match(out.stderr, message, name);
        assert.doesNotMatch(out.stderr, /\n\s+at /, `${name}: no stack trace`);
      }
      const badUtf8 = path.join(dir, 'latin1.csv');
      await writeFile(badUtf8, Buffer.from([0x63, 0x6f, 0xe9, 0x0a]));
      assert.match((await cognate(['users', 'import', '--pool', poolId, badUtf8, ...storage()])).stderr, /is not UTF-8 text/);
      assert.match((await cognate(['users', 'import', '--pool', poolId, path.join(dir, 'missing.csv'), ...storage()])).stderr, /can't read/);
      const wrongPool = await cognate(['users', 'import', '--pool', 'us-east-1_Missing00', path.join(dir, 'users.csv'), ...storage()]);
      assert.equal(wrongPool.code, 1);
      assert.match(wrongPool.stderr, /User pool us-east-1_Missing00 does not exist/);
      assert.match((await cognate(['users', 'import', path.join(dir, 'users.csv'), ...storage()])).stderr, /--pool/);
      assert.match((await importFile('f.csv', 'cognito:username\nx\n', ['--format', 'xml'])).stderr, /--format must be csv or jsonl/);
    });

    it('imports 10,000 users in one go', async () => {
      const hash = pbkdf2Phc(PASSWORD, 'sha256', 1);
      const lines = Array.from({ length: 10_000 }, (_, i) => JSON.stringify({ username: `bulk-${i}`, attributes: { email: `bulk-${i}@example.com`, email_verified: 'true', name: `User ${i}` }, password_hash: hash }));
      const out = await importFile('bulk.jsonl', lines.join('\n'));
      assert.equal(out.code, 0, out.stderr);
      assert.equal(out.stdout, 'imported 10000 users\n');
      assert.ok((await passwordSignIn('bulk-9999', PASSWORD)).AuthenticationResult);
      if (kind === 'postgres') {
        // The import ANALYZEd what it filled (`last_analyze`: by a command, not autovacuum), so plans see the new pool.
        const analyzed = await sql<{ relname: string; n: number }>`select relname, count(last_analyze)::int as n from pg_stat_user_tables where relname in ('users', 'user_attributes', 'sign_in_aliases') group by relname order by relname`.execute(server.running.cognate.store.db);
        assert.deepEqual(analyzed.rows, [{ relname: 'sign_in_aliases', n: 1 }, { relname: 'user_attributes', n: 1 }, { relname: 'users', n: 1 }]);
      }
    });

    it('shows a progress bar when stderr is a terminal', { skip: !existsSync('/usr/bin/script') && 'needs script(1) for a pseudo-terminal' }, async () => {
      const hash = pbkdf2Phc(PASSWORD, 'sha256', 1);
      const file = path.join(dir, 'tty.jsonl');
      await writeFile(file, Array.from({ length: 1200 }, (_, i) => JSON.stringify({ username: `tty-${i}`, password_hash: hash })).join('\n'));
      const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
      const command = [process.execPath, '--import', 'tsx', CLI, 'users', 'import', '--pool', poolId, file, ...storage()].map(quote).join(' ');
      const out = await new Promise<string>((resolve, reject) =>
        execFile('script', ['-qfec', command, '/dev/null'], { timeout: 120_000 }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
      );
      assert.match(out, /checking +\[#{30}\] 1200\/1200/);
      assert.match(out, /importing +\[#{30}\] 1200\/1200/);
      assert.match(out, /imported 1200 users/);
    });
  });

  describe(`user import jobs (${kind})`, () => {
    let server: TestServer;
    let poolId: string;
    let clientId: string;
    let legacyClientId: string;

    const job = async (name = 'import', extra: Record<string, unknown> = {}, pool = poolId) =>
      (await server.admin.send(new CreateUserImportJobCommand({ UserPoolId: pool, JobName: name, CloudWatchLogsRoleArn: ROLE, ...extra } as never))).UserImportJob!;
    const describeJob = async (jobId: string, pool = poolId) => (await server.admin.send(new DescribeUserImportJobCommand({ UserPoolId: pool, JobId: jobId }))).UserImportJob!;
    const upload = (url: string, body: string | Buffer) => fetch(url, { method: 'PUT', body: fetchBody(body), headers: { 'x-amz-server-side-encryption': 'aws:kms', 'content-type': 'text/csv' } });
    /** Polls until the job has finished (a bounded number of times; nothing asserts on time). */
    async function finished(jobId: string, pool = poolId): Promise<UserImportJobType> {
      for (let i = 0; i < 1500; i++) {
        const j = await describeJob(jobId, pool);
        if (!['Pending', 'InProgress', 'Stopping'].includes(j.Status!)) return j;
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.fail(`import job ${jobId} did not finish`);
    }
    async function csvFor(rows: Record<string, string>[], extraColumns: string[] = [], pool = poolId): Promise<string> {
      const header = [...(await server.admin.send(new GetCSVHeaderCommand({ UserPoolId: pool }))).CSVHeader!, ...extraColumns];
      const escape = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
      return [header.join(','), ...rows.map((r) => header.map((h) => escape(r[h] ?? '')).join(','))].join('\n') + '\n';
    }
    const passwordSignIn = async (username: string, password: string, client = clientId) =>
      server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: client, AuthParameters: { USERNAME: username, PASSWORD: password } }));

    before(async () => {
      server = await startTestServer(kind);
      poolId = (
        await server.admin.send(new CreateUserPoolCommand({ PoolName: 'jobs', AutoVerifiedAttributes: ['email'], Schema: [{ Name: 'tier', AttributeDataType: 'String', Mutable: true }] }))
      ).UserPool!.Id!;
      const flows: ExplicitAuthFlowsType[] = ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'];
      clientId = (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, PreventUserExistenceErrors: 'ENABLED', ClientName: 'web', ExplicitAuthFlows: flows }))).UserPoolClient!.ClientId!;
      legacyClientId = (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'legacy', ExplicitAuthFlows: flows, PreventUserExistenceErrors: 'LEGACY' })))
        .UserPoolClient!.ClientId!;
    });
    after(() => server.stop());

    it("GetCSVHeader lists Cognito's columns, then the custom attributes", async () => {
      const out = await server.admin.send(new GetCSVHeaderCommand({ UserPoolId: poolId }));
      assert.equal(out.UserPoolId, poolId);
      assert.deepEqual(out.CSVHeader, [
        'name', 'given_name', 'family_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture', 'website',
        'email', 'email_verified', 'gender', 'birthdate', 'zoneinfo', 'locale', 'phone_number', 'phone_number_verified', 'address', 'updated_at',
        'cognito:mfa_enabled', 'cognito:username', 'custom:tier',
      ]);
      assert.equal((await failure(() => server.admin.send(new GetCSVHeaderCommand({ UserPoolId: 'us-east-1_Missing00' })))).name, 'ResourceNotFoundException');
      assert.equal((await failure(() => server.admin.send(new GetCSVHeaderCommand({ UserPoolId: 'not a pool' })))).name, 'InvalidParameterException');
      const unsigned = await failure(() => server.anonymous.send(new GetCSVHeaderCommand({ UserPoolId: poolId })));
      assert.ok(unsigned.status! >= 400 && unsigned.status! < 500, 'an unsigned call is refused');
    });

    it('refuses AddCustomAttributes with UserImportInProgressException while a job of the pool runs', async () => {
      const pool = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'schema-during-import' }))).UserPool!.Id!;
      const created = await job('busy', {}, pool);
      const add = (name: string) => server.admin.send(new AddCustomAttributesCommand({ UserPoolId: pool, CustomAttributes: [{ Name: name, AttributeDataType: 'String' }] }));
      // Another node (or this one) has the job running: its rows were checked against the schema it started with.
      const setStatus = (status: string) =>
        server.running.cognate.store.db.updateTable('user_import_jobs').set({ status, lease_until: Date.now() + 3_600_000 }).where('id', '=', created.JobId!).execute();
      for (const status of ['Pending', 'InProgress', 'Stopping']) {
        await setStatus(status);
        const refused = await failure(() => add('during'));
        assert.equal(refused.name, 'UserImportInProgressException', status);
        assert.equal(refused.status, 400);
      }
      await setStatus('Stopped');
      await add('after');
      const header = (await server.admin.send(new GetCSVHeaderCommand({ UserPoolId: pool }))).CSVHeader!;
      assert.ok(header.includes('custom:after'));
      assert.ok(!header.includes('custom:during'), 'nothing was half-written by the refused calls');
    });

    it('creates a job, takes the CSV at its PreSignedUrl, runs it and imports users in RESET_REQUIRED', async () => {
      const created = await job('first-import');
      assert.match(created.JobId!, /^import-[0-9a-zA-Z]{10}$/);
      assert.equal(created.Status, 'Created');
      assert.equal(created.JobName, 'first-import');
      assert.equal(created.UserPoolId, poolId);
      assert.equal(created.CloudWatchLogsRoleArn, ROLE);
      assert.ok(created.CreationDate instanceof Date);
      assert.deepEqual([created.ImportedUsers, created.SkippedUsers, created.FailedUsers], [0, 0, 0]);
      assert.ok(created.PreSignedUrl?.startsWith(`${server.url}/import-jobs/${created.JobId}?`));

      const csv = await csvFor([
        { 'cognito:username': 'job-alice', email: 'job-alice@example.com', email_verified: 'true', 'cognito:mfa_enabled': 'false', 'custom:tier': 'gold', name: 'Alice, A.' },
        { 'cognito:username': 'job-bob', email: 'job-bob@example.com', email_verified: 'TRUE', 'cognito:mfa_enabled': 'false' },
        { 'cognito:username': 'job-carol', email: 'job-carol@example.com', email_verified: 'false', 'cognito:mfa_enabled': 'false' },
        { 'cognito:username': 'job-alice', email: 'other@example.com', email_verified: 'true', 'cognito:mfa_enabled': 'false' },
        { 'cognito:username': 'job-dave', email: 'nope', email_verified: 'true', 'cognito:mfa_enabled': 'false' },
      ]);
      const put = await upload(created.PreSignedUrl!, csv);
      assert.equal(put.status, 200);
      assert.match(put.headers.get('etag') ?? '', /^"[0-9a-f]{32}"$/);

      const started = (await server.admin.send(new StartUserImportJobCommand({ UserPoolId: poolId, JobId: created.JobId! }))).UserImportJob!;
      assert.equal(started.Status, 'Pending');
      assert.ok(started.StartDate instanceof Date);
      const done = await finished(created.JobId!);
      assert.equal(done.Status, 'Succeeded');
      assert.equal(done.CompletionMessage, 'Import Job Completed Successfully.');
      assert.deepEqual([done.ImportedUsers, done.SkippedUsers, done.FailedUsers], [2, 0, 3]);
      assert.ok(done.CompletionDate instanceof Date);

      const alice = await server.admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'job-alice' }));
      assert.equal(alice.UserStatus, 'RESET_REQUIRED');
      assert.deepEqual({ ...attrs(alice.UserAttributes), sub: undefined }, { sub: undefined, name: 'Alice, A.', email: 'job-alice@example.com', email_verified: 'true', 'custom:tier': 'gold' });
      assert.equal((await failure(() => server.admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'job-carol' })))).name, 'UserNotFoundException');

      // "Requiring imported users to reset their passwords": any password gets NotAuthorized, or
      // PasswordResetRequired without PreventUserExistenceErrors; ForgotPassword sets one.
      assert.equal((await failure(() => passwordSignIn('job-alice', 'Any-Passw0rd!'))).name, 'NotAuthorizedException');
      assert.equal((await failure(() => passwordSignIn('job-alice', 'Any-Passw0rd!', legacyClientId))).name, 'PasswordResetRequiredException');
      const forgot = await server.anonymous.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'job-alice' }));
      assert.equal(forgot.CodeDeliveryDetails?.DeliveryMedium, 'EMAIL');
      const mail = (await server.running.cognate.outbox.recent(100, poolId)).find((m) => m.to === 'job-alice@example.com');
      await server.anonymous.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'job-alice', ConfirmationCode: codeIn(mail?.text ?? ''), Password: NEW_PASSWORD }));
      assert.ok((await passwordSignIn('job-alice', NEW_PASSWORD)).AuthenticationResult?.AccessToken);

      // The job is done: no more uploads, no second start, nothing to stop.
      assert.equal((await upload(created.PreSignedUrl!, csv)).status, 403);
      assert.equal((await failure(() => server.admin.send(new StartUserImportJobCommand({ UserPoolId: poolId, JobId: created.JobId! })))).name, 'PreconditionNotMetException');
      assert.equal((await failure(() => server.admin.send(new StopUserImportJobCommand({ UserPoolId: poolId, JobId: created.JobId! })))).name, 'PreconditionNotMetException');
    });

    it('with PasswordHashingAlgorithm, users keep the passwords whose hashes the CSV carries', async () => {
      const created = await job('with-hashes', { PasswordHashingAlgorithm: 'PBKDF2_SHA256' });
      assert.equal(created.PasswordHashingAlgorithm, 'PBKDF2_SHA256');
      const csv = await csvFor(
        [
          { 'cognito:username': 'hash-ok', email: 'hash-ok@example.com', email_verified: 'true', 'cognito:mfa_enabled': 'false', password_hash: pbkdf2Phc(PASSWORD, 'sha256') },
          { 'cognito:username': 'hash-wrong-kind', email: 'hash-wrong@example.com', email_verified: 'true', 'cognito:mfa_enabled': 'false', password_hash: scryptPhc(PASSWORD) },
          { 'cognito:username': 'hash-none', email: 'hash-none@example.com', email_verified: 'true', 'cognito:mfa_enabled': 'false' },
        ],
        ['password_hash'],
      );
      assert.equal((await upload(created.PreSignedUrl!, csv)).status, 200);
      await server.admin.send(new StartUserImportJobCommand({ UserPoolId: poolId, JobId: created.JobId! }));
      const done = await finished(created.JobId!);
      assert.deepEqual([done.Status, done.ImportedUsers, done.FailedUsers], ['Succeeded', 2, 1]);
      assert.equal((await server.admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'hash-ok' }))).UserStatus, 'CONFIRMED');
      assert.ok((await passwordSignIn('hash-ok', PASSWORD)).AuthenticationResult);
      assert.equal((await server.admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'hash-none' }))).UserStatus, 'RESET_REQUIRED');

      // Without the algorithm, a password_hash column fails the job.
      const plain = await job('no-algorithm');
      await upload(plain.PreSignedUrl!, csv);
      await server.admin.send(new StartUserImportJobCommand({ UserPoolId: poolId, JobId: plain.JobId! }));
      const failed = await finished(plain.JobId!);
      assert.equal(failed.Status, 'Failed');
      assert.match(failed.CompletionMessage!, /password_hash column needs the job's PasswordHashingAlgorithm/);
    });

    it('fails a job whose CSV lacks header columns or whose every user fails', async () => {
      const partial = await job('partial-header');
      await upload(partial.PreSignedUrl!, 'cognito:username,email,email_verified\nx,x@example.com,true\n');
      await server.admin.send(new StartUserImportJobCommand({ UserPoolId: poolId, JobId: partial.JobId! }));
      const failed = await finished(partial.JobId!);
      assert.equal(failed.Status, 'Failed');
      assert.match(failed.CompletionMessage!, /^The CSV file was refused: line 1: the header lacks columns name, given_name/);

      const allBad = await job('all-bad');
      await upload(allBad.PreSignedUrl!, await csvFor([{ 'cognito:username': 'nobody', email: 'nobody@example.com', 'cognito:mfa_enabled': 'true', email_verified: 'true' }]));
      await server.admin.send(new StartUserImportJobCommand({ UserPoolId: poolId, JobId: allBad.JobId! }));
      const none = await finished(allBad.JobId!);
      assert.deepEqual([none.Status, none.CompletionMessage, none.ImportedUsers, none.FailedUsers], ['Failed', 'Too many users have failed or been skipped during the import.', 0, 1]);
    });

    it('stops a running job, counting the rows it did not reach as skipped', async () => {
      const total = 20_000;
      const rows = Array.from({ length: total }, (_, i) => ({ 'cognito:username': `stop-${i}`, email: `stop-${i}@example.com`, email_verified: 'true', 'cognito:mfa_enabled': 'false' }));
      const created = await job('to-stop');
      await upload(created.PreSignedUrl!, await csvFor(rows));
      await server.admin.send(new StartUserImportJobCommand({ UserPoolId: poolId, JobId: created.JobId! }));
      let stopped: UserImportJobType | undefined;
      try {
        stopped = (await server.admin.send(new StopUserImportJobCommand({ UserPoolId: poolId, JobId: created.JobId! }))).UserImportJob!;
        assert.ok(['Stopping', 'Stopped'].includes(stopped.Status!), stopped.Status);
      } catch (e) {
        // A fast machine may finish the job before the stop arrives: then there is nothing to stop.
        assert.equal((e as Error).name, 'PreconditionNotMetException');
      }
      const done = await finished(created.JobId!);
      assert.equal(done.Status, stopped ? 'Stopped' : 'Succeeded');
      assert.equal(done.ImportedUsers! + done.SkippedUsers! + done.FailedUsers!, total);
      if (stopped) {
        assert.ok(done.SkippedUsers! > 0);
        assert.equal(done.CompletionMessage, 'The import job was stopped.');
        assert.equal((await failure(() => server.admin.send(new StopUserImportJobCommand({ UserPoolId: poolId, JobId: created.JobId! })))).name, 'PreconditionNotMetException');
      }
    });

    it('a job whose node died mid-way is taken over by another node and resumes after its last batch', async () => {
      const rows = Array.from({ length: 4 }, (_, i) => ({ 'cognito:username': `resume-${i}`, email: `resume-${i}@example.com`, email_verified: 'true', 'cognito:mfa_enabled': 'false' }));
      const csv = await csvFor(rows);
      const abandoned = await job('abandoned');
      const held = await job('held');
      for (const j of [abandoned, held]) await upload(j.PreSignedUrl!, csv);
      // What a node leaves behind when it dies after committing the first two rows: the job
      // InProgress, its progress, a lease that lapsed. The other job's node is alive (lease ahead).
      const db = server.running.cognate.store.db;
      const leave = (jobId: string, lease: number) =>
        db.updateTable('user_import_jobs').set({ status: 'InProgress', started_at: Date.now(), rows_done: 2, imported_users: 2, lease_until: lease }).where('id', '=', jobId).execute();
      await leave(abandoned.JobId!, Date.now() - 1);
      await leave(held.JobId!, Date.now() + 3_600_000);

      const second = await startTestServer(kind, {}, server); // sweeps on start
      try {
        const done = await finished(abandoned.JobId!);
        assert.equal(done.Status, 'Succeeded');
        assert.deepEqual([done.ImportedUsers, done.SkippedUsers, done.FailedUsers], [4, 0, 0]);
        // It resumed after row 2: the rows the dead node had done were not read again.
        for (const i of [0, 1]) assert.equal((await failure(() => server.admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: `resume-${i}` })))).name, 'UserNotFoundException');
        for (const i of [2, 3]) assert.equal((await server.admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: `resume-${i}` }))).UserStatus, 'RESET_REQUIRED');
        const untouched = await db.selectFrom('user_import_jobs').select(['status', 'rows_done']).where('id', '=', held.JobId!).executeTakeFirstOrThrow();
        assert.deepEqual({ ...untouched }, { status: 'InProgress', rows_done: 2 }, 'a job whose node holds its lease is left alone');
      } finally {
        await second.stop();
      }
      await db.updateTable('user_import_jobs').set({ status: 'Stopped', lease_until: null }).where('id', '=', held.JobId!).execute();
    });

    it('lists jobs newest first, a page at a time', async () => {
      const other = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'list-jobs', AutoVerifiedAttributes: ['email'] }))).UserPool!.Id!;
      const ids: string[] = [];
      for (const name of ['one', 'two', 'three']) {
        ids.push((await job(name, {}, other)).JobId!);
        server.clock.advance(1000);
      }
      const first = await server.admin.send(new ListUserImportJobsCommand({ UserPoolId: other, MaxResults: 2 }));
      assert.deepEqual(first.UserImportJobs?.map((j) => j.JobName), ['three', 'two']);
      assert.ok(first.PaginationToken);
      const second = await server.admin.send(new ListUserImportJobsCommand({ UserPoolId: other, MaxResults: 2, PaginationToken: first.PaginationToken }));
      assert.deepEqual(second.UserImportJobs?.map((j) => j.JobId), [ids[0]]);
      assert.equal(second.PaginationToken, undefined);
      const empty = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'no-jobs' }))).UserPool!.Id!;
      assert.deepEqual((await server.admin.send(new ListUserImportJobsCommand({ UserPoolId: empty, MaxResults: 10 }))).UserImportJobs ?? [], []);
      // A token is bound to its pool.
      assert.equal((await failure(() => server.admin.send(new ListUserImportJobsCommand({ UserPoolId: poolId, MaxResults: 2, PaginationToken: first.PaginationToken })))).name, 'InvalidParameterException');
    });

    it('expires a job not started within a day', async () => {
      const created = await job('late');
      await upload(created.PreSignedUrl!, await csvFor([{ 'cognito:username': 'late', email: 'late@example.com', email_verified: 'true' }]));
      const day = 24 * 60 * 60 * 1000 + 1000;
      // The signing client moves with the server's clock.
      const dayLater = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: server.url, maxAttempts: 1, credentials: server.credentials, systemClockOffset: day });
      server.clock.advance(day);
      try {
        const expired = (await dayLater.send(new DescribeUserImportJobCommand({ UserPoolId: poolId, JobId: created.JobId! }))).UserImportJob!;
        assert.deepEqual([expired.Status, expired.CompletionMessage], ['Expired', 'The import job expired before it was started.']);
        const listed = (await dayLater.send(new ListUserImportJobsCommand({ UserPoolId: poolId, MaxResults: 60 }))).UserImportJobs!;
        assert.equal(listed.find((j) => j.JobId === created.JobId)?.Status, 'Expired');
        assert.equal((await failure(() => dayLater.send(new StartUserImportJobCommand({ UserPoolId: poolId, JobId: created.JobId! })))).name, 'PreconditionNotMetException');
        assert.equal((await upload(created.PreSignedUrl!, 'x')).status, 403);
      } finally {
        server.clock.advance(-day);
        dayLater.destroy();
      }
    });

    it('answers bad input to every import-job action with a Cognito-style 400', async () => {
      const created = await job('bad-input');
      const cases: [string, () => Promise<unknown>, string][] = [
        ['CreateUserImportJob unknown pool', () => job('x', {}, 'us-east-1_Missing00'), 'ResourceNotFoundException'],
        ['CreateUserImportJob bad role ARN', () => job('x', { CloudWatchLogsRoleArn: 'not-an-arn-but-long-enough' }), 'InvalidParameterException'],
        ['CreateUserImportJob bad name', () => job('no/slashes'), 'InvalidParameterException'],
        ['CreateUserImportJob bad algorithm', () => job('x', { PasswordHashingAlgorithm: 'MD5' }), 'InvalidParameterException'],
        ['DescribeUserImportJob unknown job', () => describeJob('import-Missing000'), 'ResourceNotFoundException'],
        ['DescribeUserImportJob bad id', () => describeJob('job-1'), 'InvalidParameterException'],
        ['DescribeUserImportJob unknown pool', () => describeJob(created.JobId!, 'us-east-1_Missing00'), 'ResourceNotFoundException'],
        ['ListUserImportJobs MaxResults 0', () => server.admin.send(new ListUserImportJobsCommand({ UserPoolId: poolId, MaxResults: 0 })), 'InvalidParameterException'],
        ['ListUserImportJobs MaxResults 61', () => server.admin.send(new ListUserImportJobsCommand({ UserPoolId: poolId, MaxResults: 61 })), 'InvalidParameterException'],
        ['ListUserImportJobs bad token', () => server.admin.send(new ListUserImportJobsCommand({ UserPoolId: poolId, MaxResults: 5, PaginationToken: 'forged' })), 'InvalidParameterException'],
        ['ListUserImportJobs unknown pool', () => server.admin.send(new ListUserImportJobsCommand({ UserPoolId: 'us-east-1_Missing00', MaxResults: 5 })), 'ResourceNotFoundException'],
        ['StartUserImportJob nothing uploaded', () => server.admin.send(new StartUserImportJobCommand({ UserPoolId: poolId, JobId: created.JobId! })), 'PreconditionNotMetException'],
        ['StartUserImportJob unknown job', () => server.admin.send(new StartUserImportJobCommand({ UserPoolId: poolId, JobId: 'import-Missing000' })), 'ResourceNotFoundException'],
        ['StartUserImportJob bad id', () => server.admin.send(new StartUserImportJobCommand({ UserPoolId: poolId, JobId: '' })), 'InvalidParameterException'],
        ['StopUserImportJob not started', () => server.admin.send(new StopUserImportJobCommand({ UserPoolId: poolId, JobId: created.JobId! })), 'PreconditionNotMetException'],
        ['StopUserImportJob unknown job', () => server.admin.send(new StopUserImportJobCommand({ UserPoolId: poolId, JobId: 'import-Missing000' })), 'ResourceNotFoundException'],
      ];
      for (const [what, call, name] of cases) {
        const got = await failure(call);
        assert.deepEqual([got.name, got.status], [name, 400], what);
      }
      // A job belongs to its pool.
      const other = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'elsewhere', AutoVerifiedAttributes: ['email'] }))).UserPool!.Id!;
      assert.equal((await failure(() => describeJob(created.JobId!, other))).name, 'ResourceNotFoundException');
      // A pool without auto-verified attributes can't start a job: its users could never reset.
      const unverified = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'unverified' }))).UserPool!.Id!;
      const stuck = await job('stuck', {}, unverified);
      await upload(stuck.PreSignedUrl!, await csvFor([{ 'cognito:username': 'u', email: 'u@example.com', email_verified: 'true' }], [], unverified));
      assert.equal((await failure(() => server.admin.send(new StartUserImportJobCommand({ UserPoolId: unverified, JobId: stuck.JobId! })))).name, 'PreconditionNotMetException');
    });

    it('refuses uploads with a bad token, to another job, or that are not UTF-8', async () => {
      const a = await job('upload-a');
      const b = await job('upload-b');
      const url = new URL(a.PreSignedUrl!);
      const token = url.searchParams.get('token')!;
      const s3Code = async (res: Response) => /<Code>(\w+)<\/Code>/.exec(await res.text())?.[1];
      const noToken = await upload(`${server.url}/import-jobs/${a.JobId}`, 'x');
      assert.deepEqual([noToken.status, await s3Code(noToken)], [403, 'AccessDenied']);
      const forged = await upload(`${server.url}/import-jobs/${a.JobId}?token=${encodeURIComponent(token.slice(0, -8) + 'AAAAAAA=')}`, 'x');
      assert.deepEqual([forged.status, await s3Code(forged)], [403, 'AccessDenied']);
      const crossed = await upload(`${server.url}/import-jobs/${b.JobId}?token=${encodeURIComponent(token)}`, 'x');
      assert.deepEqual([crossed.status, await s3Code(crossed)], [403, 'AccessDenied']);
      const latin1 = await upload(a.PreSignedUrl!, Buffer.from([0x63, 0xe9, 0x0a]));
      assert.deepEqual([latin1.status, await s3Code(latin1)], [400, 'InvalidArgument']);
      const badId = await upload(`${server.url}/import-jobs/..%2f..%2fetc?token=x`, 'x');
      assert.equal(badId.status, 404);
      // The last upload before the start is the one imported.
      assert.equal((await upload(a.PreSignedUrl!, 'first')).status, 200);
      assert.equal((await upload(a.PreSignedUrl!, await csvFor([{ 'cognito:username': 'second', email: 'second@example.com', email_verified: 'true' }]))).status, 200);
      await server.admin.send(new StartUserImportJobCommand({ UserPoolId: poolId, JobId: a.JobId! }));
      assert.deepEqual([(await finished(a.JobId!)).ImportedUsers], [1]);
    });
  });
}
