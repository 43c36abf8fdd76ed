/**
 * Storage conformance for sign-in (issue 11): the devices, MFA state, refresh-token, spent-session
 * and lockout repositories, the same cases on SQLite and on PostgreSQL, with cross-pool isolation
 * cases (a user of another pool with the same name is never read or changed), and the atomicity of
 * the writes that end a sign-in (sign-in/finish.ts) and of global sign-out (sign-in/sign-out.ts):
 * a fault injected into the transaction leaves nothing half-written.
 *
 * Run: node scripts/run-tests.mjs conformance-signin
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import type { Cognate } from '../../src/app.js';
import { isUniqueViolation } from '../../src/store/constraints.js';
import { newDeviceForSignIn } from '../../src/domain/devices.js';
import { finish } from '../../src/domain/sign-in/finish.js';
import { globalSignOut } from '../../src/domain/sign-in/sign-out.js';
import type { Store } from '../../src/store/db.js';
import * as deviceStore from '../../src/store/devices.js';
import * as lockoutStore from '../../src/store/lockout.js';
import * as mfaStore from '../../src/store/mfa.js';
import * as refreshTokenStore from '../../src/store/refresh-tokens.js';
import * as spentSessions from '../../src/store/spent-sessions.js';
import { databaseKinds } from '../support/postgres.js';
import { computePasswordClaim, generateClientEphemeral } from '../support/srp-client.js';
import { formatTimestamp } from '../../src/crypto/srp.js';
import { initiateAuth } from '../../src/domain/sign-in/initiate-auth.js';
import { respondToAuthChallenge } from '../../src/domain/sign-in/respond.js';
import { MINUTE, SECOND, newClient, newPool, newUser, type Env, type Kind, useEnv } from './harness.js';

/** Two pools with a user of the same name in each (the isolation cases' twins). */
async function twins(env: Env, poolInput: Record<string, unknown> = {}) {
  const a = await newPool(env, poolInput);
  const b = await newPool(env, poolInput);
  const name = `twin-${randomUUID().slice(0, 8)}`;
  return { a, b, ua: await newUser(env, a, name), ub: await newUser(env, b, name) };
}

const device = (env: Env, poolId: string, sub: string, key: string, extra: Partial<deviceStore.DeviceRow> = {}): deviceStore.DeviceRow => {
  const now = env.clock.now();
  return { device_key: key, pool_id: poolId, user_id: sub, group_key: '-group', name: null, salt: null, verifier_sealed: null, remembered: 0, confirmed_at: null, created_at: now, updated_at: now, last_authenticated_at: null, ...extra };
};

class InjectedFault extends Error {}

/**
 * A Kysely plugin that fails the first statement whose compiled kind and table match, before it
 * reaches the database: a fault in the middle of a transaction.
 */
function failing(kind: RootOperationNode['kind'], table: string): KyselyPlugin {
  return {
    transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
      const node = args.node as RootOperationNode & { into?: { table: { identifier: { name: string } } }; table?: { table: { identifier: { name: string } } } };
      const name = node.into?.table.identifier.name ?? node.table?.table.identifier.name;
      if (node.kind === kind && name === table) throw new InjectedFault(`injected fault: ${kind} ${table}`);
      return args.node;
    },
    transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      return Promise.resolve(args.result);
    },
  };
}

/** A plugin that counts the SELECTs from `table` it sees. */
function countingSelects(table: string): KyselyPlugin & { count: number } {
  const plugin = {
    count: 0,
    transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
      const node = args.node as unknown as { kind: string; from?: { froms: { table?: { identifier?: { name: string } } }[] } };
      if (node.kind === 'SelectQueryNode' && node.from?.froms.some((f) => f.table?.identifier?.name === table)) plugin.count++;
      return args.node;
    },
    transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      return Promise.resolve(args.result);
    },
  };
  return plugin;
}

/** The domain with every transaction it opens running through `plugin` (reads outside transactions untouched). */
function withFaultyTransactions(cognate: Cognate, plugin: KyselyPlugin): Cognate {
  const store: Store = { ...cognate.store, transaction: (work) => cognate.store.transaction((trx) => work(trx.withPlugin(plugin))) };
  return { ...cognate, store };
}

for (const kind of databaseKinds) {
  describe(`sign-in storage conformance (${kind})`, { timeout: 120_000 }, () => {
    const env = useEnv(kind);

    // -------------------------------------------------------------------------------------------
    describe('devices', () => {
      it('finds, lists, confirms once, and removes a device only for its own user', async () => {
        const { db, clock } = env();
        const { a, ua, ub } = await twins(env());
        const key = `us-east-1_${randomUUID()}`;
        await deviceStore.insert(db, device(env(), a.id, ua.sub, key));
        assert.equal((await deviceStore.find(db, key))?.user_id, ua.sub);
        assert.equal(await deviceStore.belongsTo(db, ua.sub, key), true);
        assert.equal(await deviceStore.belongsTo(db, ub.sub, key), false, "pool B's twin does not own pool A's device");
        assert.deepEqual(await deviceStore.listConfirmed(db, ua.sub, 10), [], 'unconfirmed devices are not listed');
        assert.equal(await deviceStore.confirm(db, key, { name: 'phone', salt: 'ab', verifierSealed: 'sealed', remembered: true }, clock.now()), true);
        assert.equal(await deviceStore.confirm(db, key, { name: 'other', salt: 'cd', verifierSealed: 'x', remembered: false }, clock.now()), false, 'a device is confirmed once');
        assert.deepEqual((await deviceStore.listConfirmed(db, ua.sub, 10)).map((d) => [d.device_key, d.name, d.remembered]), [[key, 'phone', 1]]);
        assert.deepEqual(await deviceStore.listConfirmed(db, ub.sub, 10), []);
        await deviceStore.remove(db, ub.sub, key);
        assert.ok(await deviceStore.find(db, key), "removing as pool B's twin removes nothing");
        await deviceStore.remove(db, ua.sub, key);
        assert.equal(await deviceStore.find(db, key), undefined);
      });

      it('lists in (created_at, device_key) order and pages after a cursor', async () => {
        const { db, clock } = env();
        const { a, ua } = await twins(env());
        const keys = [];
        for (let i = 0; i < 5; i++) {
          const key = `us-east-1_${randomUUID()}`;
          keys.push({ key, at: clock.now() + (i % 2) * SECOND });
          await deviceStore.insert(db, device(env(), a.id, ua.sub, key, { confirmed_at: clock.now(), created_at: clock.now() + (i % 2) * SECOND }));
        }
        const order = keys.sort((x, y) => x.at - y.at || (x.key < y.key ? -1 : 1)).map((k) => k.key);
        const first = await deviceStore.listConfirmed(db, ua.sub, 2);
        assert.deepEqual(first.map((d) => d.device_key), order.slice(0, 2));
        const last = first[1]!;
        const rest = await deviceStore.listConfirmed(db, ua.sub, 10, [Number(last.created_at), last.device_key]);
        assert.deepEqual(rest.map((d) => d.device_key), order.slice(2));
      });

      it("prunes only the user's own unconfirmed devices older than the cut-off", async () => {
        const { db, clock } = env();
        const { a, b, ua, ub } = await twins(env());
        const t = clock.now();
        const old = `us-east-1_${randomUUID()}`;
        const recent = `us-east-1_${randomUUID()}`;
        const confirmedOld = `us-east-1_${randomUUID()}`;
        const twinOld = `us-east-1_${randomUUID()}`;
        await deviceStore.insert(db, device(env(), a.id, ua.sub, old, { created_at: t - 2 * MINUTE }));
        await deviceStore.insert(db, device(env(), a.id, ua.sub, recent, { created_at: t }));
        await deviceStore.insert(db, device(env(), a.id, ua.sub, confirmedOld, { created_at: t - 2 * MINUTE, confirmed_at: t - MINUTE }));
        await deviceStore.insert(db, device(env(), b.id, ub.sub, twinOld, { created_at: t - 2 * MINUTE }));
        await deviceStore.pruneUnconfirmed(db, ua.sub, t - MINUTE);
        assert.equal(await deviceStore.find(db, old), undefined);
        assert.ok(await deviceStore.find(db, recent));
        assert.ok(await deviceStore.find(db, confirmedOld));
        assert.ok(await deviceStore.find(db, twinOld), "pool B's twin keeps their device");
      });

      it("un-remembers every device of the user and no one else's", async () => {
        const { db, clock } = env();
        const { a, b, ua, ub } = await twins(env());
        const mine = [`us-east-1_${randomUUID()}`, `us-east-1_${randomUUID()}`];
        const theirs = `us-east-1_${randomUUID()}`;
        for (const key of mine) await deviceStore.insert(db, device(env(), a.id, ua.sub, key, { remembered: 1, confirmed_at: clock.now() }));
        await deviceStore.insert(db, device(env(), b.id, ub.sub, theirs, { remembered: 1, confirmed_at: clock.now() }));
        clock.advance(SECOND);
        await deviceStore.unrememberAllForUser(db, ua.sub, clock.now());
        for (const key of mine) {
          const row = await deviceStore.find(db, key);
          assert.equal(row?.remembered, 0);
          assert.equal(Number(row?.updated_at), clock.now());
        }
        assert.equal((await deviceStore.find(db, theirs))?.remembered, 1);
      });

      it('records the last authentication of one device', async () => {
        const { db, clock } = env();
        const { a, ua } = await twins(env());
        const key = `us-east-1_${randomUUID()}`;
        const other = `us-east-1_${randomUUID()}`;
        await deviceStore.insert(db, device(env(), a.id, ua.sub, key));
        await deviceStore.insert(db, device(env(), a.id, ua.sub, other));
        await deviceStore.touchAuthenticated(db, key, clock.now() + 5 * SECOND);
        assert.equal(Number((await deviceStore.find(db, key))?.last_authenticated_at), clock.now() + 5 * SECOND);
        assert.equal((await deviceStore.find(db, other))?.last_authenticated_at, null);
        await deviceStore.setRemembered(db, other, true, clock.now());
        assert.equal((await deviceStore.find(db, other))?.remembered, 1);
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('MFA state', () => {
      it('creates the row once and keeps each user\'s factors to themselves', async () => {
        const { db, clock } = env();
        const { ua, ub } = await twins(env());
        assert.equal(await mfaStore.find(db, ua.sub), undefined);
        await mfaStore.ensure(db, ua, clock.now());
        await mfaStore.setFactors(db, ua.sub, { sms: true, totp: false, email: true, webAuthn: false, preferred: 'EMAIL_OTP' }, clock.now());
        await mfaStore.ensure(db, ua, clock.now() + SECOND);
        const row = await mfaStore.find(db, ua.sub);
        assert.deepEqual([row?.sms_enabled, row?.totp_enabled, row?.email_enabled, row?.preferred, row?.pool_id], [1, 0, 1, 'EMAIL_OTP', ua.poolId], 'ensure keeps an existing row');
        assert.equal(await mfaStore.find(db, ub.sub), undefined, "pool B's twin has no MFA row");
      });

      it('legacy MFAOptions turn SMS on and off; turning SMS off drops them and an SMS preference', async () => {
        const { db, clock } = env();
        const { ua, ub } = await twins(env());
        const options = '[{"DeliveryMedium":"SMS","AttributeName":"phone_number"}]';
        for (const u of [ua, ub]) await mfaStore.ensure(db, u, clock.now());
        await mfaStore.setOptions(db, ua.sub, options, clock.now());
        await mfaStore.setOptions(db, ub.sub, options, clock.now());
        let row = await mfaStore.find(db, ua.sub);
        assert.deepEqual([row?.sms_enabled, row?.mfa_options], [1, options]);
        await mfaStore.setFactors(db, ua.sub, { sms: true, totp: false, email: false, webAuthn: false, preferred: 'SMS_MFA' }, clock.now());
        assert.equal((await mfaStore.find(db, ua.sub))?.mfa_options, options, 'SMS still on keeps them');
        await mfaStore.setOptions(db, ua.sub, null, clock.now());
        row = await mfaStore.find(db, ua.sub);
        assert.deepEqual([row?.sms_enabled, row?.mfa_options, row?.preferred], [0, null, null]);
        await mfaStore.setFactors(db, ub.sub, { sms: false, totp: false, email: false, webAuthn: false, preferred: null }, clock.now());
        row = await mfaStore.find(db, ub.sub);
        assert.deepEqual([row?.sms_enabled, row?.mfa_options], [0, null], 'SMS off ends them');
      });

      it('a software token: pending, promoted only from the same pending secret, steps only forward', async () => {
        const { db, clock } = env();
        const { ua, ub } = await twins(env());
        for (const u of [ua, ub]) await mfaStore.ensure(db, u, clock.now());
        await mfaStore.setPendingTotp(db, ua.sub, 'pending-1', clock.now());
        await mfaStore.promotePendingTotp(db, ua.sub, 'pending-0', 10, clock.now());
        assert.equal((await mfaStore.find(db, ua.sub))?.totp_secret_sealed, null, 'a stale pending secret promotes nothing');
        await mfaStore.promotePendingTotp(db, ua.sub, 'pending-1', 10, clock.now());
        const row = await mfaStore.find(db, ua.sub);
        assert.deepEqual([row?.totp_secret_sealed, row?.totp_pending_sealed, Number(row?.totp_last_step)], ['pending-1', null, 10]);
        assert.equal(await mfaStore.advanceTotpStep(db, ua.sub, 10), false, 'the same step twice');
        assert.equal(await mfaStore.advanceTotpStep(db, ua.sub, 9), false, 'an older step');
        assert.equal(await mfaStore.advanceTotpStep(db, ua.sub, 11), true);
        assert.equal((await mfaStore.find(db, ub.sub))?.totp_secret_sealed, null, "pool B's twin is untouched");
        assert.equal(await mfaStore.advanceTotpStep(db, ub.sub, 11), true, "the twin's steps are their own");
      });

      it('counts second-factor failures with the lockout rule, and a right code clears them and records the Session once', async () => {
        const { db, clock } = env();
        const { ua, ub } = await twins(env());
        const t = clock.now();
        for (const u of [ua, ub]) await mfaStore.ensure(db, u, t);
        assert.equal(await mfaStore.recordFailure(db, ua.sub, t), 1);
        assert.equal(await mfaStore.recordFailure(db, ua.sub, t + 15 * MINUTE), 2, 'exactly 15 minutes later still counts');
        assert.equal(await mfaStore.recordFailure(db, ua.sub, t + 30 * MINUTE + 1), 1, 'after 15 minutes without failures the count starts again');
        assert.equal(Number((await mfaStore.find(db, ub.sub))?.failed_attempts), 0, "pool B's twin counts nothing");
        await mfaStore.recordPassed(db, ua.sub, 'nonce-1');
        const row = await mfaStore.find(db, ua.sub);
        assert.deepEqual([Number(row?.failed_attempts), row?.last_failed_at, row?.mfa_passed_session], [0, null, 'nonce-1']);
        assert.equal(await mfaStore.spendPassedSession(db, ub.sub, 'nonce-1'), false, "the twin can't spend it");
        assert.equal(await mfaStore.spendPassedSession(db, ua.sub, 'nonce-2'), false, 'another nonce');
        assert.equal(await mfaStore.spendPassedSession(db, ua.sub, 'nonce-1'), true);
        assert.equal(await mfaStore.spendPassedSession(db, ua.sub, 'nonce-1'), false, 'once');
      });

      it('set-up during sign-in keeps an existing preference', async () => {
        const { db, clock } = env();
        const { ua } = await twins(env());
        await mfaStore.ensure(db, ua, clock.now());
        await mfaStore.enableEmail(db, ua.sub, clock.now());
        await mfaStore.enableSetUpTotp(db, ua.sub, { sealed: 's', step: 3, session: 'n' }, clock.now());
        const row = await mfaStore.find(db, ua.sub);
        assert.deepEqual([row?.email_enabled, row?.totp_enabled, row?.preferred, row?.mfa_passed_session], [1, 1, 'EMAIL_OTP', 'n']);
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('refresh tokens', () => {
      it("revokes one family, or all of a user's, and never another pool's twin's", async () => {
        const { db, clock, cognate } = env();
        const { a, b, ua, ub } = await twins(env());
        const ca = await newClient(env(), a);
        const cb = await newClient(env(), b);
        const now = clock.now();
        const f1 = cognate.tokens.newFamily({ pool: a, client: ca, user: ua, authTime: 1 }, now);
        const f2 = cognate.tokens.newFamily({ pool: a, client: ca, user: ua, authTime: 2, deviceKey: 'us-east-1_d' }, now);
        const g = cognate.tokens.newFamily({ pool: b, client: cb, user: ub, authTime: 3 }, now);
        for (const f of [f1, f2, g]) await refreshTokenStore.insert(db, f.row);
        const stored = await refreshTokenStore.find(db, f2.originJti);
        assert.deepEqual([stored?.user_id, stored?.pool_id, stored?.client_id, stored?.device_key, Number(stored?.auth_time), stored?.revoked_at], [ua.sub, a.id, ca.id, 'us-east-1_d', 2, null]);
        assert.notEqual(stored?.token_hash, f2.refreshToken, 'only a hash of the secret is stored');
        await refreshTokenStore.revoke(db, f1.originJti, now + SECOND);
        await refreshTokenStore.revoke(db, f1.originJti, now + 2 * SECOND);
        assert.equal(Number((await refreshTokenStore.find(db, f1.originJti))?.revoked_at), now + SECOND, 'a revocation is not moved');
        assert.equal((await refreshTokenStore.find(db, f2.originJti))?.revoked_at, null);
        await refreshTokenStore.revokeAllForUser(db, ua.sub, now + 3 * SECOND);
        assert.equal(Number((await refreshTokenStore.find(db, f1.originJti))?.revoked_at), now + SECOND);
        assert.equal(Number((await refreshTokenStore.find(db, f2.originJti))?.revoked_at), now + 3 * SECOND);
        assert.equal((await refreshTokenStore.find(db, g.originJti))?.revoked_at, null, "pool B's twin stays signed in");
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('spent sessions', () => {
      it('a nonce is spent once; pruning forgets only expired nonces', async () => {
        const { db, clock } = env();
        const t = clock.now();
        const old = `old-${randomUUID()}`;
        const live = `live-${randomUUID()}`;
        await spentSessions.insert(db, old, t - SECOND);
        await spentSessions.insert(db, live, t + MINUTE);
        await assert.rejects(spentSessions.insert(db, live, t + MINUTE), (e: unknown) => isUniqueViolation(e));
        assert.equal(await spentSessions.isSpent(db, live), true);
        await spentSessions.pruneExpired(db, t);
        assert.equal(await spentSessions.isSpent(db, old), false);
        assert.equal(await spentSessions.isSpent(db, live), true);
      });

      it('of many parallel spends of one nonce exactly one succeeds', async () => {
        const { db, clock } = env();
        const nonce = `race-${randomUUID()}`;
        const results = await Promise.allSettled(Array.from({ length: 10 }, () => spentSessions.insert(db, nonce, clock.now() + MINUTE)));
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('lockout', () => {
      it("a failure with a floor lock locks at least that long, and never another pool's twin", async () => {
        const { db, clock } = env();
        const { ua, ub } = await twins(env());
        const t = clock.now();
        await lockoutStore.recordFailure(db, ua.sub, t, t + 60 * SECOND);
        assert.equal(await lockoutStore.lockedUntil(db, ua.sub), t + 60 * SECOND, 'the floor, though one failure locks nothing');
        await lockoutStore.recordFailure(db, ua.sub, t, t + 10 * SECOND);
        assert.equal(await lockoutStore.lockedUntil(db, ua.sub), t + 60 * SECOND, 'a shorter floor never shortens a lock');
        assert.equal(await lockoutStore.lockedUntil(db, ub.sub), null);
        await lockoutStore.clear(db, ua.sub);
        assert.equal(await lockoutStore.lockedUntil(db, ua.sub), null);
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('one look-up', () => {
      it('an SRP sign-in that names a device reads the device once before DEVICE_SRP_AUTH', async () => {
        const e = env();
        const pool = await newPool(e, { DeviceConfiguration: { ChallengeRequiredOnNewDevice: false } });
        const client = await newClient(e, pool);
        const password = 'Correct-Horse-9';
        const user = await newUser(e, pool, `once-${randomUUID().slice(0, 8)}`, {}, { password });
        const key = `us-east-1_${randomUUID()}`;
        await deviceStore.insert(e.db, device(e, pool.id, user.sub, key, { salt: 'ab', verifier_sealed: 'sealed', confirmed_at: e.clock.now() }));
        const { a, A } = generateClientEphemeral();
        const start = await initiateAuth(e.cognate, { AuthFlow: 'USER_SRP_AUTH', ClientId: client.id, AuthParameters: { USERNAME: user.username, SRP_A: A } });
        const c = start.ChallengeParameters;
        const timestamp = formatTimestamp(new Date(e.clock.now()));
        const signature = computePasswordClaim({ poolName: pool.id.split('_')[1]!, userId: c.USER_ID_FOR_SRP!, password, a, A, B: c.SRP_B!, salt: c.SALT!, secretBlock: c.SECRET_BLOCK!, timestamp });
        const counter = countingSelects('devices');
        const counted: Cognate = { ...e.cognate, store: { ...e.cognate.store, db: e.cognate.store.db.withPlugin(counter) } };
        const answer = await respondToAuthChallenge(counted, {
          ClientId: client.id,
          ChallengeName: 'PASSWORD_VERIFIER',
          ChallengeResponses: { USERNAME: c.USER_ID_FOR_SRP!, PASSWORD_CLAIM_SECRET_BLOCK: c.SECRET_BLOCK!, PASSWORD_CLAIM_SIGNATURE: signature, TIMESTAMP: timestamp, DEVICE_KEY: key },
        });
        assert.equal(answer.ChallengeName, 'DEVICE_SRP_AUTH');
        assert.equal(counter.count, 1);
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('one transaction', () => {
      const rowsOf = async (e: Env, sub: string) => ({
        devices: await e.db.selectFrom('devices').select('device_key').where('user_id', '=', sub).execute(),
        tokens: await e.db.selectFrom('refresh_tokens').select(['id', 'revoked_at']).where('user_id', '=', sub).execute(),
      });

      it("a sign-in's finish writes the new device and the refresh-token family together", async () => {
        const e = env();
        const pool = await newPool(e, { DeviceConfiguration: { ChallengeRequiredOnNewDevice: false } });
        const client = await newClient(e, pool);
        const user = await newUser(e, pool, `finisher-${randomUUID().slice(0, 8)}`);
        const done = await finish(e.cognate, pool, client, user, {});
        const result = done.AuthenticationResult!;
        assert.ok(result.RefreshToken && result.NewDeviceMetadata, 'tokens with NewDeviceMetadata');
        const rows = await rowsOf(e, user.sub);
        assert.deepEqual(rows.devices.map((d) => d.device_key), [result.NewDeviceMetadata.DeviceKey]);
        assert.equal(rows.tokens.length, 1);
        assert.equal((await refreshTokenStore.find(e.db, rows.tokens[0]!.id))?.device_key, result.NewDeviceMetadata.DeviceKey, 'the family names the device');
      });

      it('a fault in the middle of the finish step leaves neither a device nor a refresh token', async () => {
        const e = env();
        const pool = await newPool(e, { DeviceConfiguration: { ChallengeRequiredOnNewDevice: false } });
        const client = await newClient(e, pool);
        const user = await newUser(e, pool, `halfway-${randomUUID().slice(0, 8)}`);
        // The device is inserted first; the family's insert fails after it.
        const faulty = withFaultyTransactions(e.cognate, failing('InsertQueryNode', 'refresh_tokens'));
        await assert.rejects(finish(faulty, pool, client, user, {}), InjectedFault);
        assert.deepEqual(await rowsOf(e, user.sub), { devices: [], tokens: [] });
        // A fault on the device's insert likewise writes nothing, and the next sign-in works.
        await assert.rejects(finish(withFaultyTransactions(e.cognate, failing('InsertQueryNode', 'devices')), pool, client, user, {}), InjectedFault);
        assert.deepEqual(await rowsOf(e, user.sub), { devices: [], tokens: [] });
        await finish(e.cognate, pool, client, user, {});
        const rows = await rowsOf(e, user.sub);
        assert.equal(rows.devices.length, 1);
        assert.equal(rows.tokens.length, 1);
      });

      it('a fault while proving a device leaves its last use and the new family unwritten', async () => {
        const e = env();
        const pool = await newPool(e, { DeviceConfiguration: { ChallengeRequiredOnNewDevice: true } });
        const client = await newClient(e, pool);
        const user = await newUser(e, pool, `proven-${randomUUID().slice(0, 8)}`);
        const created = await newDeviceForSignIn(e.cognate, pool, user);
        const proven = (await deviceStore.find(e.db, created!.DeviceKey))!;
        e.clock.advance(MINUTE);
        await assert.rejects(finish(withFaultyTransactions(e.cognate, failing('InsertQueryNode', 'refresh_tokens')), pool, client, user, {}, proven), InjectedFault);
        assert.equal(Number((await deviceStore.find(e.db, proven.device_key))?.last_authenticated_at), Number(proven.last_authenticated_at), 'last use not recorded');
        assert.equal((await rowsOf(e, user.sub)).tokens.length, 0);
        const done = await finish(e.cognate, pool, client, user, {}, proven);
        assert.equal(done.AuthenticationResult?.NewDeviceMetadata, undefined, 'a proven device is not new');
        assert.equal(Number((await deviceStore.find(e.db, proven.device_key))?.last_authenticated_at), e.clock.now());
        assert.equal((await rowsOf(e, user.sub)).devices.length, 1, 'no second device');
      });

      it("global sign-out's revocation and device un-remembering are one transaction", async () => {
        const e = env();
        const { a, b, ua, ub } = await twins(e, { DeviceConfiguration: { ChallengeRequiredOnNewDevice: true } });
        const ca = await newClient(e, a);
        const cb = await newClient(e, b);
        const key = `us-east-1_${randomUUID()}`;
        await deviceStore.insert(e.db, device(e, a.id, ua.sub, key, { remembered: 1, confirmed_at: e.clock.now() }));
        await e.cognate.tokens.issue({ pool: a, client: ca, user: ua });
        await e.cognate.tokens.issue({ pool: b, client: cb, user: ub });
        // The devices update fails after the revocation ran: the revocation is rolled back too.
        await assert.rejects(globalSignOut(withFaultyTransactions(e.cognate, failing('UpdateQueryNode', 'devices')), ua.sub), InjectedFault);
        assert.deepEqual((await rowsOf(e, ua.sub)).tokens.map((t) => t.revoked_at), [null], 'not revoked');
        assert.equal((await deviceStore.find(e.db, key))?.remembered, 1, 'still remembered');
        await globalSignOut(e.cognate, ua.sub);
        assert.notEqual((await rowsOf(e, ua.sub)).tokens[0]?.revoked_at, null, 'revoked');
        assert.equal((await deviceStore.find(e.db, key))?.remembered, 0, 'no longer remembered');
        assert.deepEqual((await rowsOf(e, ub.sub)).tokens.map((t) => t.revoked_at), [null], "pool B's twin stays signed in");
      });
    });
  });
}
