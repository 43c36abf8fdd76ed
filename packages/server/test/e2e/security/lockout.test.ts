/**
 * security.md P03, A18, A19: Cognito's lockout. From the 5th consecutive failure the account locks
 * for 2^(n−5) seconds, capped at 900 s; attempts during a lock are refused ("Password attempts
 * exceeded") without being counted; one counter serves every way of proving the password (SRP,
 * USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, ChangePassword), and parallel guesses lock at
 * least as surely as the same guesses one after another. Time is the server's ManualClock.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AdminInitiateAuthCommand, ChangePasswordCommand, InitiateAuthCommand, RespondToAuthChallengeCommand } from '@aws-sdk/client-cognito-identity-provider';
import { computePasswordClaim, generateClientEphemeral } from '../../support/srp-client.js';
import { formatTimestamp } from '../../../src/crypto/srp.js';
import { lockMs } from '../../../src/domain/lockout.js';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { Codes, PASSWORD, WRONG, adminAtServerTime, confirmedUser, fails, newPool, type Pool } from './helpers.js';

const INCORRECT = { name: 'NotAuthorizedException', message: 'Incorrect username or password.' };
const LOCKED = { name: 'NotAuthorizedException', message: 'Password attempts exceeded' };

/** The lock after the n-th consecutive failure, in seconds, as Cognito documents it. */
const expectedLockSeconds = (n: number) => (n < 5 ? 0 : Math.min(900, 2 ** (n - 5)));

describe('lock lengths (domain): 2^(n−5) s from the 5th failure, capped at 900 s from the 15th', () => {
  for (let n = 1; n <= 20; n++) {
    it(`n=${n}: ${expectedLockSeconds(n)} s`, () => assert.equal(lockMs(n), expectedLockSeconds(n) * 1000));
  }
});

for (const kind of databaseKinds) {
  describe(`lockout (P03, A18, A19) (${kind})`, () => {
    let server: TestServer;
    let codes: Codes;
    let pool: Pool;
    const burstPools: Partial<Record<'LEGACY' | 'ENABLED', Pool>> = {};

    before(async () => {
      server = await startTestServer(kind);
      codes = new Codes(server);
      // LEGACY: a lock is told as "Password attempts exceeded" (under ENABLED it reads as a wrong password, enumeration.test.ts).
      pool = await newPool(server, {}, { PreventUserExistenceErrors: 'LEGACY' });
      for (const prevent of ['LEGACY', 'ENABLED'] as const) burstPools[prevent] = await newPool(server, {}, { PreventUserExistenceErrors: prevent });
    });
    after(() => server.stop());

    const passwordAuth = (USERNAME: string, PASSWORD: string) =>
      server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: pool.clientId, AuthParameters: { USERNAME, PASSWORD } }));
    const adminAuth = (USERNAME: string, PASSWORD: string) =>
      adminAtServerTime(server).send(new AdminInitiateAuthCommand({ UserPoolId: pool.poolId, ClientId: pool.clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME, PASSWORD } }));
    async function srpAuth(USERNAME: string, password: string) {
      const { a, A } = generateClientEphemeral();
      const start = await server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_SRP_AUTH', ClientId: pool.clientId, AuthParameters: { USERNAME, SRP_A: A } }));
      const c = start.ChallengeParameters!;
      const timestamp = formatTimestamp(new Date(server.clock.now()));
      const signature = computePasswordClaim({ poolName: pool.poolId.split('_')[1]!, userId: c.USER_ID_FOR_SRP!, password, a, A, B: c.SRP_B!, salt: c.SALT!, secretBlock: c.SECRET_BLOCK!, timestamp });
      return server.anonymous.send(
        new RespondToAuthChallengeCommand({
          ClientId: pool.clientId,
          ChallengeName: 'PASSWORD_VERIFIER',
          ChallengeResponses: { USERNAME: c.USER_ID_FOR_SRP!, PASSWORD_CLAIM_SECRET_BLOCK: c.SECRET_BLOCK!, PASSWORD_CLAIM_SIGNATURE: signature, TIMESTAMP: timestamp },
        }),
      );
    }
    const counters = (sub: string) =>
      server.running.cognate.store.db.selectFrom('users').select(['failed_attempts', 'locked_until']).where('id', '=', sub).executeTakeFirstOrThrow();

    describe('the lock after each failure, n = 1..16, over USER_PASSWORD_AUTH', () => {
      let sub: string;
      before(async () => {
        sub = await confirmedUser(server, codes, pool, 'tabby', 'tabby@example.com');
      });
      for (let n = 1; n <= 16; n++) {
        const seconds = expectedLockSeconds(n);
        it(`failure ${n} locks for ${seconds} s`, async () => {
          assert.deepEqual(await fails(() => passwordAuth('tabby', WRONG)), INCORRECT, 'counted: the previous lock is over');
          assert.equal((await counters(sub)).failed_attempts, n);
          if (seconds === 0) return;
          server.clock.advance(seconds * 1000 - 1);
          assert.deepEqual(await fails(() => passwordAuth('tabby', WRONG)), LOCKED, 'a wrong password 1 ms before the end');
          assert.deepEqual(await fails(() => passwordAuth('tabby', PASSWORD)), LOCKED, 'the right password too');
          assert.equal((await counters(sub)).failed_attempts, n, 'attempts during a lock are not counted');
          server.clock.advance(1);
        });
      }
      it('after the lock, the right password signs in and resets the count', async () => {
        assert.ok((await passwordAuth('tabby', PASSWORD)).AuthenticationResult?.AccessToken);
        assert.deepEqual(await counters(sub), { failed_attempts: 0, locked_until: null });
        assert.deepEqual(await fails(() => passwordAuth('tabby', WRONG)), INCORRECT);
        assert.equal((await counters(sub)).failed_attempts, 1);
      });
    });

    it('attempts during a lock neither count nor lengthen it; 15 quiet minutes reset the count', async () => {
      const sub = await confirmedUser(server, codes, pool, 'quiet', 'quiet@example.com');
      for (let i = 0; i < 5; i++) await fails(() => passwordAuth('quiet', WRONG));
      for (let i = 0; i < 10; i++) assert.deepEqual(await fails(() => passwordAuth('quiet', WRONG)), LOCKED);
      server.clock.advance(1000);
      assert.deepEqual(await fails(() => passwordAuth('quiet', WRONG)), INCORRECT);
      assert.equal((await counters(sub)).failed_attempts, 6);
      const { locked_until } = await counters(sub);
      assert.equal(locked_until, server.clock.now() + 2000, 'the 6th failure locks for 2 s, not longer');
      server.clock.advance(15 * 60_000 + 1);
      assert.deepEqual(await fails(() => passwordAuth('quiet', WRONG)), INCORRECT);
      assert.equal((await counters(sub)).failed_attempts, 1, '15 minutes without failures start the count again');
    });

    it('an attempt during a lock still writes its row, a user\'s or a decoy\'s, so a lock costs the time an open row does (issue 10 item 8)', async () => {
      // ENABLED: a lock is not told, and the attempt goes to the reservation (LEGACY looks the lock up first, to say so).
      const hidden = burstPools.ENABLED!;
      const attempt = (USERNAME: string) =>
        fails(() => server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: hidden.clientId, AuthParameters: { USERNAME, PASSWORD: WRONG } })));
      const db = server.running.cognate.store.db;
      const sub = await confirmedUser(server, codes, hidden, 'written', 'written@example.com');
      const admitted = async () => (await db.selectFrom('users').select('attempt_admitted').where('id', '=', sub).executeTakeFirstOrThrow()).attempt_admitted;
      for (let i = 0; i < 5; i++) await attempt('written');
      assert.equal(await admitted(), 1);
      const before = await counters(sub);
      assert.deepEqual(await attempt('written'), INCORRECT);
      assert.equal(await admitted(), 0, 'the refused attempt wrote the row');
      assert.deepEqual(await counters(sub), before, 'and kept its counters');
      // A name nobody holds, sprayed until its decoy slot locks: later attempts still write that slot.
      for (let i = 0; i < 7; i++) await attempt('nobody-sprayed');
      const slots = await db.selectFrom('lockout_decoys').select('attempt_admitted').where('failed_attempts', '>=', 5).execute();
      assert.ok(slots.some((row) => row.attempt_admitted === 0), 'a locked decoy slot is written too');
    });

    it('the cap: however many failures came before, a lock lasts 900 s, then the right password signs in', async () => {
      const sub = await confirmedUser(server, codes, pool, 'capped', 'capped@example.com');
      // 24 failures so far, the last one just now, its lock run out: uncapped, the 25th would lock for 2^20 s.
      await server.running.cognate.store.db.updateTable('users').set({ failed_attempts: 24, last_failed_at: server.clock.now(), locked_until: null }).where('id', '=', sub).execute();
      assert.deepEqual(await fails(() => passwordAuth('capped', WRONG)), INCORRECT);
      const start = server.clock.now();
      assert.deepEqual(await counters(sub), { failed_attempts: 25, locked_until: start + 900_000 });
      server.clock.advance(900_000 - 1);
      assert.deepEqual(await fails(() => passwordAuth('capped', PASSWORD)), LOCKED, '1 ms before the 900 s are up');
      server.clock.advance(1);
      assert.ok((await passwordAuth('capped', PASSWORD)).AuthenticationResult?.AccessToken, 'after 900 s');
      assert.deepEqual(await counters(sub), { failed_attempts: 0, locked_until: null });
    });

    it('one counter across SRP, USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH and ChangePassword (A19)', async () => {
      const sub = await confirmedUser(server, codes, pool, 'shared', 'shared@example.com');
      const session = (await passwordAuth('shared', PASSWORD)).AuthenticationResult!;
      const changePassword = (PreviousPassword: string) =>
        server.anonymous.send(new ChangePasswordCommand({ AccessToken: session.AccessToken, PreviousPassword, ProposedPassword: 'An0ther-Horse!' }));
      assert.deepEqual(await fails(() => srpAuth('shared', WRONG)), INCORRECT);
      assert.deepEqual(await fails(() => passwordAuth('shared', WRONG)), INCORRECT);
      assert.deepEqual(await fails(() => adminAuth('shared', WRONG)), INCORRECT);
      assert.deepEqual(await fails(() => changePassword(WRONG)), INCORRECT);
      assert.equal((await counters(sub)).failed_attempts, 4);
      assert.deepEqual(await fails(() => srpAuth('shared', WRONG)), INCORRECT);
      assert.equal((await counters(sub)).failed_attempts, 5);

      // Locked: no path proves the password, however right it is.
      assert.deepEqual(await fails(() => passwordAuth('shared', PASSWORD)), LOCKED, 'USER_PASSWORD_AUTH');
      assert.deepEqual(await fails(() => adminAuth('shared', PASSWORD)), LOCKED, 'ADMIN_USER_PASSWORD_AUTH');
      assert.deepEqual(await fails(() => srpAuth('shared', PASSWORD)), LOCKED, 'USER_SRP_AUTH');
      assert.deepEqual(await fails(() => changePassword(PASSWORD)), LOCKED, 'ChangePassword');
      assert.deepEqual(
        await fails(() => server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: pool.clientId, AuthParameters: { REFRESH_TOKEN: session.RefreshToken! } }))),
        LOCKED,
        'nor does a refresh token get new tokens',
      );
      assert.equal((await counters(sub)).failed_attempts, 5);
      server.clock.advance(1000);
      assert.ok((await srpAuth('shared', PASSWORD)).AuthenticationResult?.AccessToken, 'after the lock, SRP signs in');
      assert.deepEqual(await counters(sub), { failed_attempts: 0, locked_until: null });
    });

    it('50 parallel wrong passwords lock at least as well as 50 sequential ones (A18)', async () => {
      const sub = await confirmedUser(server, codes, pool, 'burst', 'burst@example.com');
      const now = server.clock.now();
      const answers = await Promise.all(Array.from({ length: 50 }, () => fails(() => passwordAuth('burst', WRONG))));
      const counted = answers.filter((a) => a.message === INCORRECT.message).length;
      for (const a of answers) assert.ok(a.message === INCORRECT.message || a.message === LOCKED.message, JSON.stringify(a));
      const state = await counters(sub);
      // Sequentially, 5 failures would count and lock for 1 s, and the other 45 be refused.
      assert.equal(state.failed_attempts, counted, 'every counted failure was recorded (an atomic increment)');
      assert.ok(counted >= 5, `at least as many failures count as sequentially (${counted})`);
      assert.ok(state.locked_until !== null && state.locked_until >= now + lockMs(5), 'locked at least as long as sequentially');
      assert.equal(state.locked_until, now + lockMs(counted), 'the lock matches the count');
      assert.deepEqual(await fails(() => passwordAuth('burst', PASSWORD)), LOCKED);
    });

    it('a right guess racing wrong ones is refused once they have locked the account', async () => {
      const sub = await confirmedUser(server, codes, pool, 'racer', 'racer@example.com');
      // Four failures first; then the 5th wrong guess and the right one race.
      for (let i = 0; i < 4; i++) await fails(() => passwordAuth('racer', WRONG));
      const [wrong, right] = await Promise.allSettled([passwordAuth('racer', WRONG), passwordAuth('racer', PASSWORD)]);
      assert.equal(wrong.status, 'rejected');
      const state = await counters(sub);
      if (right.status === 'fulfilled') {
        // The right one came first: it reset the count, and the wrong one counted afresh.
        assert.ok(state.failed_attempts <= 1, JSON.stringify(state));
      } else {
        // The wrong one came first and locked: the right one is refused like any attempt during a lock.
        assert.equal((right.reason as Error).message, LOCKED.message);
        assert.equal(state.failed_attempts, 5);
      }
    });

    for (const prevent of ['LEGACY', 'ENABLED'] as const) {
      it(`A18 burst (${prevent}): 50 parallel USER_PASSWORD_AUTH guesses, the right one after, get at most 5 passwords checked and one answer`, async () => {
        const p = burstPools[prevent]!;
        const name = `burst-${prevent.toLowerCase()}`;
        const sub = await confirmedUser(server, codes, p, name, `${name}@example.com`);
        const hasher = server.running.cognate.hasher;
        const verify = hasher.verify.bind(hasher);
        let checked = 0;
        hasher.verify = (stored, password) => {
          checked++;
          return verify(stored, password);
        };
        const guess = (password: string) =>
          fails(() => server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: p.clientId, AuthParameters: { USERNAME: name, PASSWORD: password } })));
        try {
          const wrong = Array.from({ length: 49 }, (_, i) => guess(`${WRONG}${i}`));
          // The right guess goes once the allowance is taken, while the wrong ones are still in flight.
          while ((await counters(sub)).failed_attempts < 5) await new Promise((r) => setTimeout(r, 2));
          const answers = await Promise.all([...wrong, guess(PASSWORD)]);
          assert.ok(checked <= 5, `${checked} passwords checked`);
          assert.equal((await counters(sub)).failed_attempts, 5, 'each checked guess was counted before its check');
          const right = answers[49]!;
          assert.deepEqual(right, prevent === 'LEGACY' ? LOCKED : INCORRECT, 'the right password is refused like a wrong one during the lock');
          for (const a of answers) assert.ok(a.message === INCORRECT.message || a.message === LOCKED.message, JSON.stringify(a));
          if (prevent === 'ENABLED') for (const a of answers) assert.deepEqual(a, INCORRECT, 'every answer the same');
          else assert.equal(answers.filter((a) => a.message === INCORRECT.message).length, checked);
          assert.deepEqual(await guess(PASSWORD), prevent === 'LEGACY' ? LOCKED : INCORRECT, 'and after the burst');
        } finally {
          hasher.verify = verify;
        }
      });
    }

    it('A18 burst over SRP, ADMIN_USER_PASSWORD_AUTH and ChangePassword: 30 parallel wrong guesses count 5 and lock', async () => {
      const sub = await confirmedUser(server, codes, pool, 'paths', 'paths@example.com');
      const token = (await passwordAuth('paths', PASSWORD)).AuthenticationResult!.AccessToken!;
      const guesses = Array.from({ length: 30 }, (_, i) =>
        fails(() =>
          i % 3 === 0
            ? srpAuth('paths', WRONG)
            : i % 3 === 1
              ? adminAuth('paths', WRONG)
              : server.anonymous.send(new ChangePasswordCommand({ AccessToken: token, PreviousPassword: WRONG, ProposedPassword: 'An0ther-Horse!' })),
        ),
      );
      const answers = await Promise.all(guesses);
      for (const a of answers) assert.ok(a.message === INCORRECT.message || a.message === LOCKED.message, JSON.stringify(a));
      assert.ok(answers.filter((a) => a.message === INCORRECT.message).length <= 5);
      assert.equal((await counters(sub)).failed_attempts, 5, 'no more than 5 checked');
      assert.deepEqual(await fails(() => srpAuth('paths', PASSWORD)), LOCKED);
    });
  });
}
