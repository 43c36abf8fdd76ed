/**
 * Storage conformance of the users repository (store/users.ts, store/aliases.ts,
 * store/password-history.ts, store/list-users.ts, store/recovery.ts): the same cases on SQLite and
 * on PostgreSQL, in the spirit of ory/kratos's persister tests, including "one pool never sees
 * another pool's users" cases. Each describe block opens its own fresh database (harness.ts).
 *
 * Run: node scripts/run-tests.mjs conformance-users
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newSub } from '../../src/domain/ids.js';
import { aliasKey, aliasSettings } from '../../src/domain/aliases.js';
import { usernameKey } from '../../src/domain/users.js';
import type { UserPool } from '../../src/domain/user-pools.js';
import * as aliasStore from '../../src/store/aliases.js';
import * as historyStore from '../../src/store/password-history.js';
import * as listStore from '../../src/store/list-users.js';
import * as recoveryStore from '../../src/store/recovery.js';
import * as userStore from '../../src/store/users.js';
import type { Executor } from '../../src/store/db.js';
import { databaseKinds } from '../support/postgres.js';
import { HOUR, countRows, newClient, newPool, newUser, type Env, type Kind, useEnv } from './harness.js';

/** A bare user row through the repository (no attributes, no aliases). */
async function insertRow(env: Env, pool: UserPool, username: string, sub = newSub()): Promise<string> {
  const inserted = await userStore.insertUser(env.db, { sub, poolId: pool.id, username, usernameKey: usernameKey(pool, username), status: 'CONFIRMED', now: env.clock.now() });
  assert.ok(inserted, `${username} was not inserted`);
  return sub;
}

const emailKey = (pool: UserPool, email: string) => aliasKey(aliasSettings(pool.settings), 'email', email);

for (const kind of databaseKinds) {
  describe(`users repository conformance (${kind})`, () => {
    // -------------------------------------------------------------------------------------------
    describe('rows and attributes', { timeout: 120_000 }, () => {
      const env = useEnv(kind);

      it('insertUser, then find by username key and by sub; the row maps to the domain User', async () => {
        const pool = await newPool(env());
        const now = env().clock.now();
        const sub = newSub();
        const credentials = { password_hash: '$argon2id$fake', srp_salt: 'ab', srp_verifier_sealed: 'sealed' };
        assert.equal(await userStore.insertUser(env().db, { sub, poolId: pool.id, username: 'Olga', usernameKey: usernameKey(pool, 'Olga'), status: 'UNCONFIRMED', credentials, now }), true);
        const byName = await userStore.findUserByUsernameKey(env().db, pool.id, usernameKey(pool, 'OLGA'));
        assert.deepEqual(byName, {
          sub,
          poolId: pool.id,
          username: 'Olga',
          status: 'UNCONFIRMED',
          enabled: true,
          passwordHash: '$argon2id$fake',
          srpSalt: 'ab',
          srpVerifierSealed: 'sealed',
          importedPasswordHash: null,
          lockedUntil: null,
          attributes: new Map(),
          createdAt: now,
          updatedAt: now,
        });
        assert.deepEqual(await userStore.findUserBySub(env().db, pool.id, sub), byName);
        assert.equal(await userStore.findUserBySub(env().db, pool.id, newSub()), undefined);
        assert.deepEqual(await userStore.userStatus(env().db, sub), { status: 'UNCONFIRMED', updated_at: now });
      });

      it('insertUser answers false for a taken username key (and writes nothing), true for a free one', async () => {
        const pool = await newPool(env());
        await insertRow(env(), pool, 'Pat');
        const again = await userStore.insertUser(env().db, { sub: newSub(), poolId: pool.id, username: 'PAT', usernameKey: usernameKey(pool, 'PAT'), status: 'CONFIRMED', now: env().clock.now() });
        assert.equal(again, false);
        assert.equal(await countRows(env().db, 'users', pool.id), 1);
      });

      it('upsertAttributes replaces changed values and keeps others; deleteAttributes removes only the names given', async () => {
        const pool = await newPool(env());
        const sub = await insertRow(env(), pool, 'quinn');
        await userStore.upsertAttributes(env().db, pool.id, sub, new Map([['email', 'q@example.com'], ['name', 'Quinn'], ['custom:plan', 'gold']]));
        await userStore.upsertAttributes(env().db, pool.id, sub, new Map([['custom:plan', 'silver']]));
        assert.deepEqual(Object.fromEntries(await userStore.readAttributes(env().db, sub)), { email: 'q@example.com', name: 'Quinn', 'custom:plan': 'silver' });
        await userStore.deleteAttributes(env().db, sub, ['name', 'nickname']);
        await userStore.deleteAttributes(env().db, sub, []);
        assert.deepEqual(Object.fromEntries(await userStore.readAttributes(env().db, sub)), { email: 'q@example.com', 'custom:plan': 'silver' });
        assert.deepEqual(await userStore.readAttributes(env().db, newSub()), new Map(), 'an ID that names no one has no attributes');
      });

      it('unverifyAttribute sets an existing *_verified flag to false and creates none', async () => {
        const pool = await newPool(env());
        const sub = await insertRow(env(), pool, 'rita');
        await userStore.upsertAttributes(env().db, pool.id, sub, new Map([['email', 'r@example.com'], ['email_verified', 'true']]));
        await userStore.unverifyAttribute(env().db, sub, 'email');
        await userStore.unverifyAttribute(env().db, sub, 'phone_number');
        assert.deepEqual(Object.fromEntries(await userStore.readAttributes(env().db, sub)), { email: 'r@example.com', email_verified: 'false' });
      });

      it('the users row\'s copy of the attributes equals the attribute rows after every kind of write, in name order', async () => {
        const pool = await newPool(env());
        const [sub, holder] = [await insertRow(env(), pool, 'uma'), await insertRow(env(), pool, 'ulla')];
        const rows = async (id: string, db: Executor = env().db) =>
          (await db.selectFrom('user_attributes').select(['name', 'value']).where('user_id', '=', id).execute()).map((r) => [r.name, r.value]).sort(([a], [b]) => (a! < b! ? -1 : 1));
        const same = async (id: string, why: string, db: Executor = env().db) => {
          const copy = await db.selectFrom('users').select('attributes').where('id', '=', id).executeTakeFirstOrThrow();
          assert.deepEqual(JSON.parse(copy.attributes!), await rows(id, db), why);
          assert.deepEqual([...(await userStore.findUserBySub(db, pool.id, id))!.attributes], await rows(id, db), `${why}: as read`);
        };
        await same(sub, 'a new user');
        await userStore.upsertAttributes(env().db, pool.id, sub, new Map([['name', 'Uma'], ['email', 'u@example.com'], ['email_verified', 'true'], ['custom:ü', 'x']]));
        await same(sub, 'after an insert');
        await userStore.upsertAttributes(env().db, pool.id, sub, new Map([['name', 'Uma B.'], ['locale', 'de']]));
        await same(sub, 'after an update with an insert');
        await userStore.deleteAttributes(env().db, sub, ['locale', 'custom:ü']);
        await same(sub, 'after a delete');
        await userStore.upsertAttributes(env().db, pool.id, holder, new Map([['email', 'u@example.com'], ['email_verified', 'true']]));
        await env().cognate.store.transaction(async (trx) => {
          await userStore.unverifyAttribute(trx, holder, 'email');
          await same(holder, 'in the transaction that unverified it', trx);
        });
        await same(holder, 'after another user\'s address was unverified');
        await same(sub, 'the other user is untouched');
        await assert.rejects(
          env().cognate.store.transaction(async (trx) => {
            await userStore.upsertAttributes(trx, pool.id, sub, new Map([['name', 'rolled back']]));
            throw new Error('abort');
          }),
          /abort/,
        );
        await same(sub, 'after a rolled-back write');
        assert.equal((await userStore.findUserBySub(env().db, pool.id, sub))!.attributes.get('name'), 'Uma B.');
      });

      it('findAttributeHolder: another user with the value, verified only when asked, never the asker', async () => {
        const pool = await newPool(env());
        const a = await insertRow(env(), pool, 'holder-a');
        const b = await insertRow(env(), pool, 'holder-b');
        await userStore.upsertAttributes(env().db, pool.id, a, new Map([['email', 'same@example.com']]));
        await userStore.upsertAttributes(env().db, pool.id, b, new Map([['email', 'same@example.com'], ['email_verified', 'true']]));
        const find = (p: { except?: string; verified: boolean }) => userStore.findAttributeHolder(env().db, { poolId: pool.id, name: 'email', value: 'same@example.com', ...p });
        assert.equal(await find({ except: b, verified: false }), a);
        assert.equal(await find({ except: b, verified: true }), undefined, 'a is not verified');
        assert.equal(await find({ except: a, verified: true }), b);
        assert.equal(await userStore.findAttributeHolder(env().db, { poolId: pool.id, name: 'email', value: 'other@example.com', verified: false }), undefined);
      });

      it('setStatus returns the pool; changeStatus is a compare-and-set on the status', async () => {
        const pool = await newPool(env());
        const sub = await insertRow(env(), pool, 'sam');
        env().clock.advance(1000);
        assert.equal(await userStore.setStatus(env().db, sub, 'UNCONFIRMED', env().clock.now()), pool.id);
        assert.equal(await userStore.setStatus(env().db, newSub(), 'CONFIRMED', env().clock.now()), undefined);
        assert.equal(await userStore.changeStatus(env().db, sub, 'RESET_REQUIRED', 'CONFIRMED', env().clock.now()), false);
        assert.equal((await userStore.userStatus(env().db, sub))?.status, 'UNCONFIRMED');
        const results = await Promise.all(Array.from({ length: 5 }, () => env().cognate.store.transaction((trx) => userStore.changeStatus(trx, sub, 'UNCONFIRMED', 'CONFIRMED', env().clock.now()))));
        assert.equal(results.filter(Boolean).length, 1, 'one of five racing confirmations wins');
        assert.equal((await userStore.userStatus(env().db, sub))?.status, 'CONFIRMED');
      });

      it('setPassword writes when the row holds what is expected, and only then', async () => {
        const pool = await newPool(env());
        const sub = await insertRow(env(), pool, 'tess');
        const write = (hash: string) => ({ password_hash: hash, srp_salt: 's', srp_verifier_sealed: 'v', imported_password_hash: null });
        assert.equal(await userStore.setPassword(env().db, sub, write('h1'), { passwordHash: null }), true, 'no password yet: IS NULL matches');
        assert.equal(await userStore.setPassword(env().db, sub, write('h2'), { passwordHash: null }), false);
        assert.equal(await userStore.setPassword(env().db, sub, write('h2'), { passwordHash: 'h0' }), false);
        assert.equal(await userStore.setPassword(env().db, sub, write('h2'), { passwordHash: 'h1', status: 'FORCE_CHANGE_PASSWORD' }), false, 'the status differs');
        assert.equal((await userStore.findUserBySub(env().db, pool.id, sub))?.passwordHash, 'h1');
        // Racing changes of one proven password: exactly one wins.
        const raced = await Promise.all(['a', 'b', 'c', 'd'].map((h) => env().cognate.store.transaction((trx) => userStore.setPassword(trx, sub, write(h), { passwordHash: 'h1' }))));
        assert.equal(raced.filter(Boolean).length, 1);
        assert.equal(await userStore.setPassword(env().db, sub, { ...write('h9'), status: 'CONFIRMED', updated_at: env().clock.now(), resetLockout: true }), true, 'unconditional');
        const row = await env().db.selectFrom('users').select(['password_hash', 'failed_attempts', 'locked_until']).where('id', '=', sub).executeTakeFirst();
        assert.deepEqual(row, { password_hash: 'h9', failed_attempts: 0, locked_until: null });
      });

      it('findUserWithFamily: the user and the family by its ID in one read; another user\'s family shows as theirs; no user, nothing', async () => {
        const pool = await newPool(env());
        const client = await newClient(env(), pool);
        const [xia, yul] = [await newUser(env(), pool, 'xia', { name: 'Xia' }), await newUser(env(), pool, 'yul')];
        const familyOf = async (user: typeof xia) => {
          await env().cognate.tokens.issue({ pool, client, user });
          return (await env().db.selectFrom('refresh_tokens').select('id').where('user_id', '=', user.sub).executeTakeFirstOrThrow()).id;
        };
        const [xiaFamily, yulFamily] = [await familyOf(xia), await familyOf(yul)];
        const found = await userStore.findUserWithFamily(env().db, pool.id, xia.sub, xiaFamily);
        assert.deepEqual(found?.user, await userStore.findUserBySub(env().db, pool.id, xia.sub));
        assert.deepEqual(found?.family, { userId: xia.sub, revokedAt: null });
        assert.deepEqual((await userStore.findUserWithFamily(env().db, pool.id, xia.sub, yulFamily))?.family, { userId: yul.sub, revokedAt: null });
        assert.equal((await userStore.findUserWithFamily(env().db, pool.id, xia.sub, newSub()))?.family, undefined);
        assert.equal(await userStore.findUserWithFamily(env().db, pool.id, newSub(), xiaFamily), undefined);
        assert.equal(await userStore.findUserWithFamily(env().db, (await newPool(env())).id, xia.sub, xiaFamily), undefined, 'another pool has no such user');
        await env().db.updateTable('refresh_tokens').set({ revoked_at: 1234 }).where('id', '=', xiaFamily).execute();
        assert.deepEqual((await userStore.findUserWithFamily(env().db, pool.id, xia.sub, xiaFamily))?.family, { userId: xia.sub, revokedAt: 1234 });
      });

      it('enableUser, disableUser (revoking the user\'s refresh tokens, no one else\'s), temporary password expiry', async () => {
        const pool = await newPool(env());
        const client = await newClient(env(), pool);
        const uma = await newUser(env(), pool, 'uma');
        const vic = await newUser(env(), pool, 'vic');
        const umaTokens = await env().cognate.tokens.issue({ pool, client, user: uma });
        const vicTokens = await env().cognate.tokens.issue({ pool, client, user: vic });
        await env().cognate.store.transaction((trx) => userStore.disableUser(trx, uma.sub, env().clock.now()));
        assert.equal((await userStore.findUserBySub(env().db, pool.id, uma.sub))?.enabled, false);
        const revoked = await env().db.selectFrom('refresh_tokens').select(['user_id', 'revoked_at']).where('pool_id', '=', pool.id).execute();
        assert.ok(revoked.filter((r) => r.user_id === uma.sub).every((r) => r.revoked_at !== null));
        assert.ok(revoked.filter((r) => r.user_id === vic.sub).every((r) => r.revoked_at === null));
        assert.ok(umaTokens.RefreshToken && vicTokens.RefreshToken);
        await userStore.enableUser(env().db, uma.sub, env().clock.now());
        assert.equal((await userStore.findUserBySub(env().db, pool.id, uma.sub))?.enabled, true);

        assert.equal(await userStore.temporaryPasswordExpiresAt(env().db, uma.sub), null);
        const at = env().clock.now() + 7 * 24 * HOUR;
        await userStore.setTemporaryPasswordExpiry(env().db, uma.sub, at);
        assert.equal(await userStore.temporaryPasswordExpiresAt(env().db, uma.sub), at);
        assert.equal(await userStore.temporaryPasswordExpiresAt(env().db, vic.sub), null);
      });

      it('pending values: upsert keeps the latest, delete removes one name', async () => {
        const pool = await newPool(env());
        const sub = await insertRow(env(), pool, 'wanda');
        const now = env().clock.now();
        await userStore.setPendingValue(env().db, { poolId: pool.id, userId: sub, attribute: 'email', value: 'one@example.com', now });
        await userStore.setPendingValue(env().db, { poolId: pool.id, userId: sub, attribute: 'email', value: 'two@example.com', now });
        await userStore.setPendingValue(env().db, { poolId: pool.id, userId: sub, attribute: 'phone_number', value: '+15550002222', now });
        assert.equal(await userStore.pendingValue(env().db, sub, 'email'), 'two@example.com');
        await userStore.deletePendingValue(env().db, sub, 'email');
        assert.equal(await userStore.pendingValue(env().db, sub, 'email'), undefined);
        assert.equal(await userStore.pendingValue(env().db, sub, 'phone_number'), '+15550002222');
      });

      it('deleteUser removes the user with their attributes, aliases, pending values, history, codes and tokens, and no one else\'s', async () => {
        const pool = await newPool(env(), { AliasAttributes: ['email'] });
        const client = await newClient(env(), pool);
        const { cognate } = env();
        const doomed = await newUser(env(), pool, 'doomed', { email: 'doomed@example.com', email_verified: 'true' });
        const kept = await newUser(env(), pool, 'kept', { email: 'kept@example.com', email_verified: 'true' });
        for (const user of [doomed, kept]) {
          const now = env().clock.now();
          await cognate.tokens.issue({ pool, client, user });
          await cognate.store.transaction((trx) => cognate.codes.issue(trx, { poolId: pool.id, userId: user.sub, purpose: 'forgot_password' }, now));
          await userStore.setPendingValue(env().db, { poolId: pool.id, userId: user.sub, attribute: 'email', value: `new-${user.username}@example.com`, now });
          await historyStore.appendPasswordHash(env().db, { sub: user.sub, poolId: pool.id, passwordHash: `old-${user.username}`, now, keep: 24 });
        }
        const tables = ['users', 'user_attributes', 'sign_in_aliases', 'pending_attributes', 'password_history', 'codes', 'refresh_tokens'] as const;
        const before = Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await countRows(env().db, t, pool.id)] as const)));
        await userStore.deleteUser(env().db, doomed.sub);
        assert.equal(await userStore.findUserBySub(env().db, pool.id, doomed.sub), undefined);
        for (const table of tables) {
          const left = await env().db.selectFrom(table).select('pool_id').where(table === 'users' ? 'id' : 'user_id', '=', doomed.sub).execute();
          assert.equal(left.length, 0, `${table} rows of the deleted user`);
          assert.equal(await countRows(env().db, table, pool.id), before[table]! / 2, `${table} rows of the other user stay`);
        }
        assert.equal((await cognate.users.findForSignIn(pool, 'kept@example.com'))?.sub, kept.sub);
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('aliases', { timeout: 120_000 }, () => {
      const env = useEnv(kind);

      it('claimAlias: free → the claimant; held → the holder, unchanged; moveAlias hands it over; releaseAlias only by the holder', async () => {
        const pool = await newPool(env(), { AliasAttributes: ['email'] });
        const a = await insertRow(env(), pool, 'alias-a');
        const b = await insertRow(env(), pool, 'alias-b');
        const valueKey = emailKey(pool, 'x@example.com');
        const now = env().clock.now();
        const claim = (sub: string) => aliasStore.claimAlias(env().db, { poolId: pool.id, name: 'email', valueKey, sub, now });
        assert.equal(await claim(a), a);
        assert.equal(await claim(b), a);
        assert.equal(await claim(a), a);
        assert.equal((await userStore.findUserByAlias(env().db, pool.id, 'email', valueKey))?.sub, a);
        await aliasStore.releaseAlias(env().db, { poolId: pool.id, name: 'email', valueKey, sub: b });
        assert.deepEqual(await aliasStore.aliasesOf(env().db, a), [{ name: 'email', value_key: valueKey }], 'b cannot release a\'s alias');
        await aliasStore.moveAlias(env().db, { poolId: pool.id, name: 'email', valueKey, sub: b, now });
        assert.deepEqual(await aliasStore.aliasesOf(env().db, a), []);
        assert.equal((await userStore.findUserByAlias(env().db, pool.id, 'email', valueKey))?.sub, b);
        await aliasStore.releaseAlias(env().db, { poolId: pool.id, name: 'email', valueKey, sub: b });
        assert.equal(await userStore.findUserByAlias(env().db, pool.id, 'email', valueKey), undefined);
      });

      it('12 concurrent writers claiming one alias, each in its own transaction: one holder', async () => {
        const pool = await newPool(env(), { AliasAttributes: ['email'] });
        const subs = await Promise.all(Array.from({ length: 12 }, (_, i) => insertRow(env(), pool, `racer${i}`)));
        const valueKey = emailKey(pool, 'prize@example.com');
        const holders = await Promise.all(
          subs.map((sub) => env().cognate.store.transaction((trx) => aliasStore.claimAlias(trx, { poolId: pool.id, name: 'email', valueKey, sub, now: env().clock.now() }))),
        );
        assert.equal(new Set(holders).size, 1, 'every writer saw the same holder');
        assert.ok(subs.includes(holders[0]!));
        assert.equal(await countRows(env().db, 'sign_in_aliases', pool.id), 1);
      });

      it('12 concurrent sign-ups with one email in a UsernameAttributes pool: one user, the rest UsernameExistsException', async () => {
        const pool = await newPool(env(), { UsernameAttributes: ['email'] });
        const results = await Promise.allSettled(
          Array.from({ length: 12 }, () => {
            const sub = newSub();
            return env().cognate.users.insert(env().db, pool, { sub, username: sub, status: 'UNCONFIRMED', attributes: new Map([['email', 'Same@Example.com']]) }, env().clock.now());
          }),
        );
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
        for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as Error).name, 'UsernameExistsException', String(r.reason));
        assert.equal(await countRows(env().db, 'users', pool.id), 1, 'the losers rolled back');
        assert.equal(await countRows(env().db, 'sign_in_aliases', pool.id), 1);
      });

      it('12 concurrent verifications of one address with ForceAliasCreation-style take: one holder, the others unverified', async () => {
        const pool = await newPool(env(), { AliasAttributes: ['email'] });
        const users = await Promise.all(Array.from({ length: 12 }, (_, i) => newUser(env(), pool, `taker${i}`, { email: 'contested@example.com' })));
        await Promise.all(
          users.map((u) => env().cognate.users.setAttributes(env().db, pool.id, u.sub, new Map([['email_verified', 'true']]), { aliases: 'take', now: env().clock.now() })),
        );
        const verified = [];
        for (const u of users) if ((await userStore.readAttributes(env().db, u.sub)).get('email_verified') === 'true') verified.push(u.sub);
        assert.equal(verified.length, 1, 'exactly one verified holder');
        assert.equal((await env().cognate.users.findForSignIn(pool, 'contested@example.com'))?.sub, verified[0]);
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('cross-pool isolation', { timeout: 120_000 }, () => {
      const env = useEnv(kind);

      it('the same username, sub look-ups and alias in two pools never cross', async () => {
        const a = await newPool(env(), { AliasAttributes: ['email'] });
        const b = await newPool(env(), { AliasAttributes: ['email'] });
        const inA = await newUser(env(), a, 'twin', { email: 'twin@example.com', email_verified: 'true' });
        const inB = await newUser(env(), b, 'twin', { email: 'twin@example.com', email_verified: 'true' });
        assert.notEqual(inA.sub, inB.sub);
        assert.equal((await userStore.findUserByUsernameKey(env().db, a.id, usernameKey(a, 'twin')))?.sub, inA.sub);
        assert.equal((await userStore.findUserByUsernameKey(env().db, b.id, usernameKey(b, 'twin')))?.sub, inB.sub);
        assert.equal(await userStore.findUserBySub(env().db, b.id, inA.sub), undefined, 'A\'s sub through pool B');
        assert.equal(await userStore.findUserBySub(env().db, a.id, inB.sub), undefined, 'B\'s sub through pool A');
        assert.equal((await userStore.findUserByAlias(env().db, a.id, 'email', emailKey(a, 'twin@example.com')))?.sub, inA.sub);
        assert.equal((await userStore.findUserByAlias(env().db, b.id, 'email', emailKey(b, 'twin@example.com')))?.sub, inB.sub);
        assert.equal(await userStore.findAttributeHolder(env().db, { poolId: b.id, name: 'email', value: 'twin@example.com', except: inB.sub, verified: false }), undefined, 'A\'s holder is not B\'s');
      });

      it('claiming an alias in pool B is not blocked by pool A\'s holder', async () => {
        const a = await newPool(env(), { AliasAttributes: ['email'] });
        const b = await newPool(env(), { AliasAttributes: ['email'] });
        const inA = await insertRow(env(), a, 'claimer');
        const inB = await insertRow(env(), b, 'claimer');
        const now = env().clock.now();
        // The value key doesn't name the pool (the same folded address hashes alike): the pool column must separate them.
        assert.equal(emailKey(a, 'one@example.com'), emailKey(b, 'one@example.com'));
        assert.equal(await aliasStore.claimAlias(env().db, { poolId: a.id, name: 'email', valueKey: emailKey(a, 'one@example.com'), sub: inA, now }), inA);
        assert.equal(await aliasStore.claimAlias(env().db, { poolId: b.id, name: 'email', valueKey: emailKey(b, 'one@example.com'), sub: inB, now }), inB);
        await aliasStore.moveAlias(env().db, { poolId: b.id, name: 'email', valueKey: emailKey(b, 'one@example.com'), sub: inB, now });
        assert.equal((await userStore.findUserByAlias(env().db, a.id, 'email', emailKey(a, 'one@example.com')))?.sub, inA, 'a move in B leaves A\'s holder');
      });

      it('ListUsers pages and attribute filters see one pool only', async () => {
        const a = await newPool(env());
        const b = await newPool(env());
        for (const pool of [a, b]) for (const name of ['lia', 'lou']) await newUser(env(), pool, name, { email: `${name}@example.com`, name: name.toUpperCase() });
        for (const [pool, other] of [[a, b], [b, a]] as const) {
          const all = await listStore.fetchUserPage(env().db, env().cognate.store.dialect, pool.id, { kind: 'users' }, 10, undefined);
          assert.equal(all.rows.length, 2);
          assert.ok(all.rows.every((r) => r.pool_id === pool.id));
          const byEmail = await listStore.fetchUserPage(env().db, env().cognate.store.dialect, pool.id, { kind: 'attribute', name: 'email', folded: false, match: { from: 'l', to: 'm' } }, 10, undefined);
          assert.deepEqual(byEmail.rows.map((r) => r.username).sort(), ['lia', 'lou']);
          assert.ok(byEmail.rows.every((r) => r.pool_id === pool.id && r.pool_id !== other.id));
          const byName = await listStore.fetchUserPage(env().db, env().cognate.store.dialect, pool.id, { kind: 'column', column: 'username_key', match: { exact: 'lia' } }, 10, undefined);
          assert.deepEqual(byName.rows.map((r) => r.pool_id), [pool.id]);
          const users = listStore.withAttributes(all.rows, ['email']);
          assert.deepEqual(users.map((u) => [...u.attributes.keys()]), [['email'], ['email']]);
        }
      });

      it('deleting pool A\'s user leaves pool B\'s same-named user whole', async () => {
        const a = await newPool(env());
        const b = await newPool(env());
        const inA = await newUser(env(), a, 'same', { name: 'A' });
        const inB = await newUser(env(), b, 'same', { name: 'B' });
        await env().cognate.users.remove(inA.sub);
        assert.equal(await userStore.findUserBySub(env().db, a.id, inA.sub), undefined);
        assert.deepEqual(Object.fromEntries((await userStore.findUserBySub(env().db, b.id, inB.sub))!.attributes), { name: 'B' });
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('password history and decoy rows', { timeout: 120_000 }, () => {
      const env = useEnv(kind);

      it('appendPasswordHash keeps the newest `keep`, newest first, per user', async () => {
        const pool = await newPool(env());
        const xena = await insertRow(env(), pool, 'xena');
        const yuri = await insertRow(env(), pool, 'yuri');
        for (let i = 1; i <= 6; i++) {
          await historyStore.appendPasswordHash(env().db, { sub: xena, poolId: pool.id, passwordHash: `x${i}`, now: env().clock.now(), keep: 4 });
        }
        await historyStore.appendPasswordHash(env().db, { sub: yuri, poolId: pool.id, passwordHash: 'y1', now: env().clock.now(), keep: 4 });
        assert.deepEqual(await historyStore.recentPasswordHashes(env().db, xena, 10), ['x6', 'x5', 'x4', 'x3']);
        assert.deepEqual(await historyStore.recentPasswordHashes(env().db, xena, 2), ['x6', 'x5']);
        assert.deepEqual(await historyStore.recentPasswordHashes(env().db, xena, 0), []);
        assert.deepEqual(await historyStore.recentPasswordHashes(env().db, yuri, 10), ['y1']);
      });

      it('two replacements racing keep one history entry each, never a duplicate sequence number', async () => {
        const pool = await newPool(env());
        const zed = await insertRow(env(), pool, 'zed');
        await Promise.all(
          ['r1', 'r2', 'r3'].map((h) => env().cognate.store.transaction((trx) => historyStore.appendPasswordHash(trx, { sub: zed, poolId: pool.id, passwordHash: h, now: env().clock.now(), keep: 24 }))),
        );
        const rows = await env().db.selectFrom('password_history').select(['seq']).where('user_id', '=', zed).execute();
        assert.equal(new Set(rows.map((r) => r.seq)).size, rows.length);
        assert.ok(rows.length >= 1 && rows.length <= 3);
      });

      it('decoy rows: an upsert per key resets attempts; attempts count; pruning removes only old rows', async () => {
        const pool = await newPool(env());
        const t = env().clock.now();
        await recoveryStore.putDecoy(env().db, { key: 'k-code', poolId: pool.id, kind: 'code', purpose: 'forgot_password', value: 'h1', now: t });
        await recoveryStore.countDecoyAttempt(env().db, 'k-code');
        await recoveryStore.countDecoyAttempt(env().db, 'k-code');
        assert.deepEqual(await recoveryStore.findDecoy(env().db, 'k-code'), { purpose: 'forgot_password', attempts: 2, created_at: t });
        await recoveryStore.putDecoy(env().db, { key: 'k-code', poolId: pool.id, kind: 'code', purpose: 'signup', value: 'h2', now: t + 1 });
        assert.deepEqual(await recoveryStore.findDecoy(env().db, 'k-code'), { purpose: 'signup', attempts: 0, created_at: t + 1 });
        await recoveryStore.putDecoyAttempt(env().db, { key: 'k-attempt', poolId: pool.id, purpose: 'signup', now: t + 5 * HOUR });
        await recoveryStore.putDecoyAttempt(env().db, { key: 'k-attempt', poolId: pool.id, purpose: 'signup', now: t + 5 * HOUR });
        assert.equal(await countRows(env().db, 'recovery_requests', pool.id), 2);
        await recoveryStore.pruneDecoys(env().db, t + HOUR);
        assert.equal(await recoveryStore.findDecoy(env().db, 'k-code'), undefined);
        assert.ok(await recoveryStore.findDecoy(env().db, 'k-attempt'));
      });
    });
  });
}
