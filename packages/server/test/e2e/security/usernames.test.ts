/**
 * security.md P15, R08, A20, A21: usernames and email addresses compare deterministically, and
 * the database keeps one user per name however many sign-ups race.
 *
 * What Cognate chose (users.ts usernameKey, aliases.ts foldAliasValue):
 * - Case-insensitive pools (the default for new pools) fold with NFKC and then simple lowercase:
 *   "Alice", "ALICE" and full-width "Ａlice" are one user. "alıce" (dotless ı, U+0131) is another
 *   user, and so is "ALİCE" (İ, U+0130, lowercases to i + combining dot): no Turkish-i folding.
 * - Case-sensitive pools compare canonically equivalent text as equal (NFC): "José" written with
 *   a precomposed é (U+00E9) and with e + U+0301 is one name; nothing else folds ("Ａlice" and
 *   "Alice" stay two users there).
 * - Email domains always compare case-insensitively; the local part follows the pool's case
 *   setting; nothing provider-specific (dots, +tags) folds, and look-alike domains stay distinct.
 *   The address is stored as given (domain lowercased), and codes go to the stored address.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AdminGetUserCommand, ForgotPasswordCommand, InitiateAuthCommand, ListUsersCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { Codes, PASSWORD, attrs, claims, confirmedUser, fails, newPool, type Pool } from './helpers.js';

const EXISTS = { name: 'UsernameExistsException', message: 'User already exists' };
const EMAIL_EXISTS = { name: 'UsernameExistsException', message: 'An account with the given email already exists.' };

for (const kind of databaseKinds) {
  describe(`usernames and look-alikes (P15, R08, A20, A21) (${kind})`, () => {
    let server: TestServer;
    let codes: Codes;

    before(async () => {
      server = await startTestServer(kind);
      codes = new Codes(server);
    });
    after(() => server.stop());

    const signUp = (pool: Pool, Username: string, email = 'someone@example.com') =>
      server.anonymous.send(new SignUpCommand({ ClientId: pool.clientId, Username, Password: PASSWORD, UserAttributes: Username.includes('@') ? [] : [{ Name: 'email', Value: email }] }));
    const signIn = (pool: Pool, USERNAME: string) =>
      server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: pool.clientId, AuthParameters: { USERNAME, PASSWORD } }));
    const userCount = async (pool: Pool) => (await server.admin.send(new ListUsersCommand({ UserPoolId: pool.poolId }))).Users!.length;

    it('50 parallel sign-ups of one username and its case variants make exactly one user', async () => {
      const pool = await newPool(server);
      const variants = ['zed', 'Zed', 'ZED', 'zEd', 'ＺＥＤ', 'Ｚed'];
      const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => signUp(pool, variants[i % variants.length]!)));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) if (r.status === 'rejected') assert.deepEqual({ name: (r.reason as Error).name, message: (r.reason as Error).message }, EXISTS);
      assert.equal(await userCount(pool), 1);
    });

    it('case-insensitive pools: Alice = ALICE = Ａlice, but alıce and ALİCE are other users', async () => {
      const pool = await newPool(server);
      await confirmedUser(server, codes, pool, 'Alice', 'alice@example.com');
      for (const name of ['alice', 'ALICE', 'Ａlice', 'ＡＬＩＣＥ']) {
        assert.deepEqual(await fails(() => signUp(pool, name)), EXISTS, name);
        assert.equal(claims((await signIn(pool, name)).AuthenticationResult!.IdToken!)['cognito:username'], 'Alice', `${name} signs in as Alice`);
      }
      assert.equal((await server.admin.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: 'aLiCe' }))).Username, 'Alice', 'the username keeps its case');
      for (const name of ['alıce', 'ALİCE']) {
        assert.equal((await fails(() => signIn(pool, name))).name, 'NotAuthorizedException', `${name} is not Alice`);
        assert.ok((await signUp(pool, name)).UserSub, `${name} is a user of its own`);
      }
      assert.equal(await userCount(pool), 3);
    });

    it('NFC and NFD spellings of é are one name, in case-insensitive and case-sensitive pools', async () => {
      const nfc = 'Jos\u00e9';
      const nfd = 'Jose\u0301';
      assert.notEqual(nfc, nfd);
      for (const CaseSensitive of [false, true]) {
        const pool = await newPool(server, { UsernameConfiguration: { CaseSensitive } });
        await confirmedUser(server, codes, pool, nfc, `jose-${CaseSensitive}@example.com`);
        assert.deepEqual(await fails(() => signUp(pool, nfd)), EXISTS, `CaseSensitive ${CaseSensitive}`);
        assert.equal(claims((await signIn(pool, nfd)).AuthenticationResult!.IdToken!)['cognito:username'], nfc);
      }
    });

    it('case-sensitive pools: Alice, alice and Ａlice are three users', async () => {
      const pool = await newPool(server, { UsernameConfiguration: { CaseSensitive: true } });
      for (const name of ['Alice', 'alice', 'Ａlice']) assert.ok((await signUp(pool, name)).UserSub, name);
      assert.deepEqual(await fails(() => signUp(pool, 'Alice')), EXISTS);
      assert.equal(await userCount(pool), 3);
    });

    it('email as username: the domain folds, the local part follows CaseSensitive, nothing else folds (A21)', async () => {
      const pool = await newPool(server, { UsernameAttributes: ['email'] });
      await confirmedUser(server, codes, pool, 'Victim@Example.COM', 'Victim@example.com');
      const stored = attrs((await server.admin.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: 'victim@example.com' }))).UserAttributes);
      assert.equal(stored.email, 'Victim@example.com', 'kept as given, domain lowercased');
      for (const name of ['victim@example.com', 'VICTIM@EXAMPLE.COM', 'Victim@Example.COM']) {
        assert.deepEqual(await fails(() => signUp(pool, name)), EMAIL_EXISTS, name);
        assert.equal(claims((await signIn(pool, name)).AuthenticationResult!.IdToken!).email, 'Victim@example.com');
      }
      // No provider-specific folding, and a Cyrillic "а" in the domain is another address.
      for (const other of ['victim+tag@example.com', 'vic.tim@example.com', 'victim@ex\u0430mple.com']) assert.ok((await signUp(pool, other)).UserSub, other);

      // A reset asked for under any spelling goes to the stored, verified address only.
      await codes.skipAll(pool.poolId);
      await server.anonymous.send(new ForgotPasswordCommand({ ClientId: pool.clientId, Username: 'VICTIM@EXAMPLE.COM' }));
      const sent = (await server.running.cognate.outbox.recent(10, pool.poolId)).filter((m) => m.kind === 'ForgotPassword');
      assert.deepEqual(sent.map((m) => m.to), ['Victim@example.com']);
    });

    it('email as username in a case-sensitive pool: only the domain folds', async () => {
      const pool = await newPool(server, { UsernameAttributes: ['email'], UsernameConfiguration: { CaseSensitive: true } });
      await confirmedUser(server, codes, pool, 'victim@example.com', 'victim@example.com');
      assert.deepEqual(await fails(() => signUp(pool, 'victim@EXAMPLE.com')), EMAIL_EXISTS);
      assert.ok((await signUp(pool, 'Victim@example.com')).UserSub, 'another local part is another address here');
      assert.equal((await fails(() => signIn(pool, 'VICTIM@example.com'))).name, 'NotAuthorizedException');
    });

    it('50 parallel sign-ups with one email, in several spellings, make exactly one user', async () => {
      const pool = await newPool(server, { UsernameAttributes: ['email'] });
      const spellings = ['race@example.com', 'Race@example.com', 'RACE@EXAMPLE.COM', 'race@Example.com', 'ｒace@example.com'];
      const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => signUp(pool, spellings[i % spellings.length]!)));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) if (r.status === 'rejected') assert.deepEqual({ name: (r.reason as Error).name, message: (r.reason as Error).message }, EMAIL_EXISTS);
      assert.equal(await userCount(pool), 1);
    });
  });
}
