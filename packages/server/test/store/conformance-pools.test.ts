/**
 * Storage conformance for pools and what hangs off them: groups and memberships, import jobs (and
 * the user rows an import writes), signing keys, creating a pool with its key in one transaction,
 * deleting a pool (the foreign keys' cascade is the one mechanism: every child table is counted
 * before and after), and cross-pool isolation. The same cases on SQLite and PostgreSQL, each
 * describe block on its own fresh database (harness.ts), in the manner of conformance.test.ts.
 *
 * Run: node scripts/run-tests.mjs conformance-pools
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { newDeviceForSignIn } from '../../src/domain/devices.js';
import { setUserSettings } from '../../src/domain/mfa.js';
import {
  addUserToGroup, createGroup, deleteGroup, getGroup, groupClaims, groupsForUser, listGroups, removeUserFromGroup, updateGroup, usersInGroup,
} from '../../src/domain/groups.js';
import {
  acceptUpload, createImportJob, describeImportJob, getCsvHeader, JOB_EXPIRY_MS, JOB_LEASE_MS, listImportJobs, resumeAbandonedImportJobs, startImportJob, stopImportJob,
  type ImportJob,
} from '../../src/domain/import-jobs.js';
import { createAppClient, createUserPool, deleteUserPool } from '../../src/domain/pool-admin.js';
import { createUserPoolDomain } from '../../src/domain/user-pool-domains.js';
import { createResourceServer } from '../../src/domain/oauth/resource-servers.js';
import * as jobStore from '../../src/store/import-jobs.js';
import * as poolStore from '../../src/store/user-pools.js';
import * as groupStore from '../../src/store/groups.js';
import * as keyStore from '../../src/store/signing-keys.js';
import type { UserPool } from '../../src/domain/user-pools.js';
import { databaseKinds } from '../support/postgres.js';
import { SECOND, countRows, declaredSchema, newClient, newPool, newUser, rejectsWith, rowText, unique, type Env, type Kind, useEnv } from './harness.js';

const SCHEMA = declaredSchema();

/** The CSV of an import job for `pool`: its header, then one line per user. */
async function csvFor(env: Env, pool: UserPool, users: Record<string, string>[]): Promise<string> {
  const { header } = await getCsvHeader(env.cognate, pool.id);
  return [header.join(','), ...users.map((u) => header.map((h) => u[h] ?? '').join(','))].join('\n') + '\n';
}

const tokenOf = (job: ImportJob) => new URL(job.preSignedUrl).searchParams.get('token') ?? undefined;
const upload = (env: Env, job: ImportJob, text: string) => acceptUpload(env.cognate, job.id, tokenOf(job), new TextEncoder().encode(text));

/** Waits (real time) until the job reaches one of `statuses`. */
async function settled(env: Env, job: ImportJob, statuses: readonly string[]): Promise<ImportJob> {
  for (let i = 0; i < 600; i++) {
    const now = await describeImportJob(env.cognate, job.poolId, job.id);
    if (statuses.includes(now.status)) return now;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.fail(`import job ${job.id} did not reach ${statuses.join(' or ')}`);
}

const member = (i: number) => ({ 'cognito:username': `member${i}`, email: `member${i}@example.com`, email_verified: 'true', 'cognito:mfa_enabled': 'false' });

for (const kind of databaseKinds) {
  describe(`storage conformance: pools (${kind})`, () => {
    // -------------------------------------------------------------------------------------------
    describe('groups', { timeout: 120_000 }, () => {
      const env = useEnv(kind);

      it('create, get, update (keeps what it is not given) and delete round-trip; names are exact', async () => {
        const { cognate } = env();
        const pool = await newPool(env());
        const created = await createGroup(cognate, { UserPoolId: pool.id, GroupName: 'Admins', Description: 'the admins', RoleArn: 'arn:aws:iam::123456789012:role/admin', Precedence: 3 });
        assert.deepEqual(await getGroup(cognate, pool.id, 'Admins'), created);
        assert.equal(typeof created.createdAt, 'number');
        await rejectsWith(getGroup(cognate, pool.id, 'admins'), 'ResourceNotFoundException', 'Group not found.');
        await rejectsWith(createGroup(cognate, { UserPoolId: pool.id, GroupName: 'Admins' }), 'GroupExistsException', 'A group with the name Admins already exists.');
        await createGroup(cognate, { UserPoolId: pool.id, GroupName: 'admins' });

        env().clock.advance(SECOND);
        const updated = await updateGroup(cognate, { UserPoolId: pool.id, GroupName: 'Admins', Precedence: 0 });
        assert.deepEqual(updated, { ...created, precedence: 0, updatedAt: created.updatedAt + SECOND });
        assert.deepEqual(await getGroup(cognate, pool.id, 'Admins'), updated);
        await rejectsWith(updateGroup(cognate, { UserPoolId: pool.id, GroupName: 'Nobody', Precedence: 1 }), 'ResourceNotFoundException', 'Group not found.');

        await deleteGroup(cognate, { UserPoolId: pool.id, GroupName: 'Admins' });
        await rejectsWith(getGroup(cognate, pool.id, 'Admins'), 'ResourceNotFoundException');
        await rejectsWith(deleteGroup(cognate, { UserPoolId: pool.id, GroupName: 'Admins' }), 'ResourceNotFoundException', 'Group not found.');
        assert.ok(await getGroup(cognate, pool.id, 'admins'), 'the other-cased group stays');
        await rejectsWith(createGroup(cognate, { UserPoolId: 'us-east-1_doesnotex', GroupName: 'x' }), 'ResourceNotFoundException');
      });

      it('memberships: adding twice is one, removing a non-member succeeds, deleting the group or the user takes them (cascade)', async () => {
        const { cognate, db } = env();
        const pool = await newPool(env());
        const [alice, bob] = [await newUser(env(), pool, 'alice'), await newUser(env(), pool, 'bob')];
        for (const name of ['readers', 'writers']) await createGroup(cognate, { UserPoolId: pool.id, GroupName: name });
        const add = (user: string, group: string) => addUserToGroup(cognate, { UserPoolId: pool.id, Username: user, GroupName: group });
        await add('alice', 'readers');
        await add('alice', 'readers');
        await add('alice', 'writers');
        await add('bob', 'readers');
        assert.equal(await countRows(db, 'user_group_memberships', pool.id), 3);
        assert.deepEqual((await groupsForUser(cognate, { UserPoolId: pool.id, Username: 'alice' })).groups.map((g) => g.name), ['readers', 'writers']);
        assert.deepEqual((await usersInGroup(cognate, { UserPoolId: pool.id, GroupName: 'readers' })).users.map((u) => u.sub), [alice.sub, bob.sub].sort());
        await rejectsWith(add('alice', 'nobody'), 'ResourceNotFoundException', 'Group not found.');
        await rejectsWith(add('carol', 'readers'), 'UserNotFoundException');

        await removeUserFromGroup(cognate, { UserPoolId: pool.id, Username: 'bob', GroupName: 'writers' });
        await removeUserFromGroup(cognate, { UserPoolId: pool.id, Username: 'bob', GroupName: 'readers' });
        assert.deepEqual((await usersInGroup(cognate, { UserPoolId: pool.id, GroupName: 'readers' })).users.map((u) => u.sub), [alice.sub]);

        await deleteGroup(cognate, { UserPoolId: pool.id, GroupName: 'readers' });
        assert.deepEqual((await groupsForUser(cognate, { UserPoolId: pool.id, Username: 'alice' })).groups.map((g) => g.name), ['writers']);
        assert.equal(await countRows(db, 'user_group_memberships', pool.id), 1);
        await cognate.users.remove(alice.sub);
        assert.equal(await countRows(db, 'user_group_memberships', pool.id), 0);
        assert.equal(await countRows(db, 'user_pool_groups', pool.id), 1, 'the group stays without members');
        // A membership of a group that is gone can't be written: the repository says so.
        assert.equal(await groupStore.addMembership(db, { pool_id: pool.id, group_name: 'readers', user_id: bob.sub, created_at: env().clock.now() }), 'gone');
      });

      it('token claims: highest precedence first, a group without precedence last; preferred_role only when the top tie agrees', async () => {
        const { cognate, db } = env();
        const pool = await newPool(env());
        const user = await newUser(env(), pool, 'ranked');
        const role = (n: string) => `arn:aws:iam::123456789012:role/${n}`;
        const groups = [
          { GroupName: 'zeta', Precedence: 1, RoleArn: role('one') },
          { GroupName: 'alpha', Precedence: 1, RoleArn: role('one') },
          { GroupName: 'none', RoleArn: role('last') },
          { GroupName: 'top', Precedence: 0 },
          { GroupName: 'mid', Precedence: 5, RoleArn: role('five') },
        ];
        for (const g of groups) {
          await createGroup(cognate, { UserPoolId: pool.id, ...g });
          await addUserToGroup(cognate, { UserPoolId: pool.id, Username: 'ranked', GroupName: g.GroupName });
        }
        const claims = await groupClaims(db, pool.id, user.sub);
        assert.deepEqual(claims.groups, ['top', 'alpha', 'zeta', 'mid', 'none']);
        assert.deepEqual(claims.roles, [role('one'), role('five'), role('last')]);
        assert.equal(claims.preferredRole, role('one'), 'the tied groups carry the same role');

        await updateGroup(cognate, { UserPoolId: pool.id, GroupName: 'zeta', RoleArn: role('other') });
        assert.equal((await groupClaims(db, pool.id, user.sub)).preferredRole, undefined, 'tied groups disagree: no preferred role');
        await updateGroup(cognate, { UserPoolId: pool.id, GroupName: 'top', RoleArn: role('zero') });
        assert.equal((await groupClaims(db, pool.id, user.sub)).preferredRole, role('zero'));
        assert.deepEqual(await groupClaims(db, pool.id, (await newUser(env(), pool, 'loner')).sub), { groups: [], roles: [] });
      });

      it('ListGroups, AdminListGroupsForUser and ListUsersInGroup page: no duplicates, nothing missed, in order; a token is bound to its pool', async () => {
        const { cognate } = env();
        const pool = await newPool(env());
        const other = await newPool(env());
        const names = Array.from({ length: 7 }, (_, i) => `group-${String.fromCharCode(103 - i)}`);
        for (const name of names) await createGroup(cognate, { UserPoolId: pool.id, GroupName: name });
        await createGroup(cognate, { UserPoolId: other.id, GroupName: 'group-z' });
        const pages: string[][] = [];
        let token: string | undefined;
        do {
          const page = await listGroups(cognate, { UserPoolId: pool.id, Limit: 3, ...(token ? { NextToken: token } : {}) });
          pages.push(page.groups.map((g) => g.name));
          token = page.nextToken;
        } while (token);
        assert.deepEqual(pages.map((p) => p.length), [3, 3, 1]);
        assert.deepEqual(pages.flat(), [...names].sort());

        const first = await listGroups(cognate, { UserPoolId: pool.id, Limit: 2 });
        assert.ok(first.nextToken);
        await assert.rejects(listGroups(cognate, { UserPoolId: other.id, Limit: 2, NextToken: first.nextToken }), 'a token of pool A does not page pool B');

        const users = [];
        for (let i = 0; i < 5; i++) users.push(await newUser(env(), pool, `paged${i}`));
        for (const u of users) for (const name of names.slice(0, 4)) await addUserToGroup(cognate, { UserPoolId: pool.id, Username: u.username, GroupName: name });
        const members: string[] = [];
        token = undefined;
        do {
          const page = await usersInGroup(cognate, { UserPoolId: pool.id, GroupName: names[0]!, Limit: 2, ...(token ? { NextToken: token } : {}) });
          members.push(...page.users.map((u) => u.sub));
          token = page.nextToken;
        } while (token);
        assert.deepEqual(members, users.map((u) => u.sub).sort());
        const ofUser: string[] = [];
        token = undefined;
        do {
          const page = await groupsForUser(cognate, { UserPoolId: pool.id, Username: 'paged0', Limit: 3, ...(token ? { NextToken: token } : {}) });
          ofUser.push(...page.groups.map((g) => g.name));
          token = page.nextToken;
        } while (token);
        assert.deepEqual(ofUser, names.slice(0, 4).sort());
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('import jobs', { timeout: 120_000 }, () => {
      const env = useEnv(kind);

      it('create, describe and list (newest first, paged) round-trip; a job not started in time expires', async () => {
        const { cognate } = env();
        const pool = await newPool(env(), { AutoVerifiedAttributes: ['email'] });
        const jobs: ImportJob[] = [];
        for (let i = 0; i < 5; i++) {
          jobs.push(await createImportJob(cognate, { UserPoolId: pool.id, JobName: `job${i}`, CloudWatchLogsRoleArn: 'arn:aws:iam::123456789012:role/import', ...(i === 0 ? { PasswordHashingAlgorithm: 'BCRYPT' as const } : {}) }));
          env().clock.advance(i % 2 === 0 ? 0 : SECOND); // some share a creation time: the ID orders those
        }
        const first = jobs[0]!;
        assert.match(first.id, /^import-[0-9a-zA-Z]{10}$/);
        assert.equal(first.status, 'Created');
        assert.equal(first.passwordHashingAlgorithm, 'BCRYPT');
        // The URL's token is sealed afresh on every answer; the rest is as stored.
        const withoutUrl = ({ preSignedUrl, ...rest }: ImportJob) => {
          assert.ok(preSignedUrl.includes(`/import-jobs/${rest.id}?token=`));
          return rest;
        };
        assert.deepEqual(withoutUrl(await describeImportJob(cognate, pool.id, first.id)), withoutUrl(first));

        const listed: ImportJob[] = [];
        let token: string | undefined;
        do {
          const page = await listImportJobs(cognate, { UserPoolId: pool.id, MaxResults: 2, ...(token ? { PaginationToken: token } : {}) });
          listed.push(...page.jobs);
          token = page.paginationToken;
        } while (token);
        const newestFirst = [...jobs].sort((x, y) => y.createdAt - x.createdAt || (x.id < y.id ? 1 : -1));
        assert.deepEqual(listed.map((j) => j.id), newestFirst.map((j) => j.id));

        env().clock.advance(JOB_EXPIRY_MS);
        const expired = await describeImportJob(cognate, pool.id, first.id);
        assert.equal(expired.status, 'Expired');
        assert.equal(expired.completionMessage, 'The import job expired before it was started.');
        await rejectsWith(startImportJob(cognate, pool.id, first.id), 'PreconditionNotMetException');
        // Its upload URL lasted as long as the job could start.
        assert.deepEqual(await upload(env(), first, await csvFor(env(), pool, [member(0)])), { ok: false, reason: 'invalid-token', message: 'The upload URL is invalid or has expired.' });
      });

      it('upload, start, run: the users arrive with their attributes and aliases; the CSV is dropped once done', async () => {
        const { cognate, db } = env();
        const pool = await newPool(env(), { AutoVerifiedAttributes: ['email'], AliasAttributes: ['email'] });
        const job = await createImportJob(cognate, { UserPoolId: pool.id, JobName: 'run', CloudWatchLogsRoleArn: 'arn:aws:iam::123456789012:role/import' });
        await rejectsWith(startImportJob(cognate, pool.id, job.id), 'PreconditionNotMetException', `No CSV file has been uploaded to the PreSignedUrl of import job ${job.id}.`);
        await rejectsWith(stopImportJob(cognate, pool.id, job.id), 'PreconditionNotMetException');

        assert.deepEqual(await acceptUpload(cognate, job.id, undefined, new Uint8Array()), { ok: false, reason: 'invalid-token', message: 'The upload URL is invalid or has expired.' });
        assert.deepEqual(await acceptUpload(cognate, job.id, tokenOf(job), new Uint8Array([0xff, 0xfe])), { ok: false, reason: 'unreadable', message: 'The CSV file is not UTF-8 text.' });
        const rows = [member(1), member(2), { ...member(3), email_verified: 'false' }];
        assert.deepEqual(await upload(env(), job, await csvFor(env(), pool, rows)), { ok: true });
        assert.equal((await jobStore.findImportJobRow(db, pool.id, job.id))?.has_csv, 1);

        const started = await startImportJob(cognate, pool.id, job.id);
        assert.equal(started.status, 'Pending');
        const done = await settled(env(), job, ['Succeeded', 'Failed']);
        assert.equal(done.status, 'Succeeded');
        assert.deepEqual([done.importedUsers, done.failedUsers, done.skippedUsers], [2, 1, 0]);
        assert.equal((await jobStore.findImportJobRecord(db, job.id))?.csv, null);
        assert.equal(await countRows(db, 'users', pool.id), 2);
        assert.equal(await countRows(db, 'user_attributes', pool.id), 4, 'email and email_verified of each');
        assert.equal(await countRows(db, 'sign_in_aliases', pool.id), 2);
        const imported = await cognate.users.findForSignIn(pool, 'member1@example.com');
        assert.equal(imported?.status, 'RESET_REQUIRED');
        await rejectsWith(startImportJob(cognate, pool.id, job.id), 'PreconditionNotMetException');
        await rejectsWith(stopImportJob(cognate, pool.id, job.id), 'PreconditionNotMetException');
        assert.deepEqual(await upload(env(), job, await csvFor(env(), pool, [member(4)])), { ok: false, reason: 'closed', message: 'The import job takes no upload: its status is Succeeded.' });
        // The users table is the one conflict check: importing the same names again imports nobody.
        assert.deepEqual(await jobStore.takenUsernameKeys(db, pool.id, ['member1', 'member2', 'member3']), new Set(['member1', 'member2']));
      });

      it('stop: a running job is asked to stop; the node that runs it next ends it Stopped with its rows skipped', async () => {
        const { cognate, db, clock } = env();
        const pool = await newPool(env(), { AutoVerifiedAttributes: ['email'] });
        const { id } = await createImportJob(cognate, { UserPoolId: pool.id, JobName: 'to-stop', CloudWatchLogsRoleArn: 'arn:aws:iam::123456789012:role/import' });
        // As if a node had started it and held it: InProgress under a lease, with its CSV.
        const csv = await csvFor(env(), pool, [member(1), member(2), member(3)]);
        const lease = clock.now() + JOB_LEASE_MS;
        assert.ok(await jobStore.storeImportCsv(db, id, csv));
        assert.ok(await jobStore.markImportJobPending(db, id, clock.now()));
        await jobStore.markImportJobInProgress(db, id);
        assert.ok(await jobStore.claimImportJob(db, id, lease, clock.now()));
        assert.equal(await jobStore.claimImportJob(db, id, lease + 1, clock.now()), false, 'a held job can\'t be claimed');
        assert.deepEqual(await jobStore.abandonedImportJobIds(db, clock.now()), []);

        assert.equal((await stopImportJob(cognate, pool.id, id)).status, 'Stopping');
        await rejectsWith(stopImportJob(cognate, pool.id, id), 'PreconditionNotMetException');
        clock.advance(JOB_LEASE_MS + SECOND);
        assert.deepEqual(await jobStore.abandonedImportJobIds(db, clock.now()), [id]);
        await resumeAbandonedImportJobs(cognate);
        const stopped = await settled(env(), { poolId: pool.id, id } as ImportJob, ['Stopped']);
        assert.deepEqual([stopped.importedUsers, stopped.skippedUsers, stopped.completionMessage], [0, 3, 'The import job was stopped.']);
        assert.equal(await countRows(db, 'users', pool.id), 0);
        assert.deepEqual(await jobStore.abandonedImportJobIds(db, clock.now()), []);
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('signing keys and CreateUserPool', { timeout: 120_000 }, () => {
      const env = useEnv(kind);

      it('createUserPool stores the pool and its first key together; the key is sealed and published', async () => {
        const { cognate, db } = env();
        const pool = await createUserPool(cognate, { PoolName: unique('pool') });
        const rows = await keyStore.signingKeysOfPool(db, pool.id);
        assert.equal(rows.length, 1);
        assert.doesNotMatch(rowText(rows[0]), /BEGIN (RSA )?PRIVATE KEY/);
        const jwks = await cognate.keys.jwks(pool.id, env().clock.now());
        assert.deepEqual(jwks.keys.map((k) => k.kid), [rows[0]!.kid]);
        assert.equal((await cognate.keys.signingKey(pool.id, env().clock.now())).kid, rows[0]!.kid);
        assert.deepEqual(await cognate.pools.get(pool.id), pool);
      });

      it('an invalid CreateUserPool stores nothing: no pool, no key', async () => {
        const { cognate, db } = env();
        const before = (await cognate.pools.list(60)).pools.length;
        await rejectsWith(createUserPool(cognate, { PoolName: unique('bad'), Policies: { PasswordPolicy: { MinimumLength: 5 } } } as never), 'InvalidParameterException', /minimum length/);
        await rejectsWith(createUserPool(cognate, { PoolName: unique('bad'), AutoVerifiedAttributes: ['name'] }), 'InvalidParameterException', 'Invalid auto verified attribute: name');
        await rejectsWith(createUserPool(cognate, { PoolName: unique('bad'), MfaConfiguration: 'ON' }), 'InvalidParameterException', /SMS configuration is required/);
        assert.equal((await cognate.pools.list(60)).pools.length, before);
        const keys = await db.selectFrom('signing_keys').select('pool_id').execute();
        assert.ok(keys.every((k) => k.pool_id === '' || k.pool_id.includes('_')), 'no key without a pool');
        assert.equal(keys.filter((k) => k.pool_id !== '').length, before);
      });

      it('a second key becomes the signing key; the JWKS lists both, newest first; another pool sees neither', async () => {
        const { cognate } = env();
        const [a, b] = [await createUserPool(cognate, { PoolName: unique('a') }), await createUserPool(cognate, { PoolName: unique('b') })];
        const now = env().clock.now();
        const firstKid = (await cognate.keys.signingKey(a.id, now)).kid;
        env().clock.advance(10 * SECOND);
        await cognate.keys.create(a.id, env().clock.now());
        const later = env().clock.now();
        const secondKid = (await cognate.keys.signingKey(a.id, later)).kid;
        assert.notEqual(secondKid, firstKid);
        assert.deepEqual((await cognate.keys.jwks(a.id, later)).keys.map((k) => k.kid), [secondKid, firstKid]);
        await cognate.keys.prepare(b.id, later);
        assert.equal(cognate.keys.keyFor(b.id, firstKid), undefined);
        assert.equal(cognate.keys.keyFor(b.id, secondKid), undefined);
        assert.ok(cognate.keys.keyFor(a.id, secondKid));
        assert.equal((await cognate.keys.jwks(b.id, later)).keys.length, 1);
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('deleting a pool', { timeout: 120_000 }, () => {
      const env = useEnv(kind);
      // Every table that holds pool rows (schema.ts, as it grows), except the outbox: messages are a
      // delivery log and outlive their pool.
      const tables = ['user_pools', ...Object.keys(SCHEMA).filter((t) => t !== 'outbox' && SCHEMA[t]!.columns.includes('pool_id'))];
      const counts = async (poolId: string) => Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await countRows(env().db, t as never, poolId)] as const)));

      /** A pool with a row in every child table a user pool can have. */
      const populate = async () => {
        const { cognate, db, clock } = env();
        const pool = await newPool(env(), { AutoVerifiedAttributes: ['email'], AliasAttributes: ['email'], DeviceConfiguration: { ChallengeRequiredOnNewDevice: true } });
        const client = await newClient(env(), pool);
        const job = await createImportJob(cognate, { UserPoolId: pool.id, JobName: 'pending', CloudWatchLogsRoleArn: 'arn:aws:iam::123456789012:role/import' });
        assert.deepEqual(await upload(env(), job, await csvFor(env(), pool, [member(9)])), { ok: true });
        await createGroup(cognate, { UserPoolId: pool.id, GroupName: 'everyone' });
        for (const name of ['ann', 'ben']) {
          const user = await newUser(env(), pool, name, { email: `${name}@example.com`, email_verified: 'true' });
          await cognate.codes.issue(db, { poolId: pool.id, userId: user.sub, purpose: 'signup' }, clock.now());
          await cognate.tokens.issue({ pool, client, user });
          await newDeviceForSignIn(cognate, pool, user);
          await setUserSettings(cognate, user, []);
          await addUserToGroup(cognate, { UserPoolId: pool.id, Username: name, GroupName: 'everyone' });
          // Rows the API writes on paths too long to drive here: a pending email change, an old password.
          await db.insertInto('pending_attributes').values({ user_id: user.sub, pool_id: pool.id, name: 'email', value: `new-${name}@example.com`, created_at: clock.now() }).execute();
          await db.insertInto('password_history').values({ user_id: user.sub, seq: 1, pool_id: pool.id, password_hash: '$argon2id$v=19$old', created_at: clock.now() }).execute();
          // issue 12: an unredeemed authorization code and a hosted-UI session of the user.
          const at = clock.now();
          await db.insertInto('authorization_codes').values({
            code_hash: unique(`code-${name}`), pool_id: pool.id, client_id: client.id, user_id: user.sub, redirect_uri: 'https://app.example/cb', scopes: 'openid',
            nonce: null, code_challenge: null, auth_time: Math.floor(at / 1000), amr: null, hosted_session_id: null, created_at: at, expires_at: at + 300_000, redeemed_at: null, family_id: null,
          }).execute();
          await db.insertInto('hosted_sessions').values({ id_hash: unique(`session-${name}`), pool_id: pool.id, user_id: user.sub, client_id: client.id, amr: '["pwd"]', auth_time: at, created_at: at, expires_at: at + 3_600_000 }).execute();
          // issue 14: a passkey of the user.
          await db.insertInto('webauthn_credentials').values({
            pool_id: pool.id, credential_id: unique(`passkey-${name}`), user_id: user.sub, public_key: 'pQECAyYgASFYIA', sign_count: 0, transports: '["internal"]',
            friendly_name: 'Passkey', relying_party_id: 'app.example', authenticator_attachment: 'platform', aaguid: '00000000-0000-0000-0000-000000000000', user_verified: 1, created_at: at, last_used_at: null,
          }).execute();
        }
        // issue 17: a run of one of the pool's triggers, as the console's trigger page lists them.
        await db.insertInto('trigger_invocations').values({ id: randomUUID(), pool_id: pool.id, trigger_source: 'PreSignUp_SignUp', function_arn: 'module:./pre-sign-up.mjs', target: 'module', started_at: clock.now(), duration_ms: 3, outcome: 'ok', error: null }).execute();
        // issue 13: an identity provider with an IdpIdentifier, a link of each user to it, a pending federation request.
        {
          const at = clock.now();
          await db.insertInto('identity_providers').values({ pool_id: pool.id, name: 'Corp', type: 'OIDC', details: '{"client_id":"c"}', secrets_sealed: null, attribute_mapping: '{}', created_at: at, updated_at: at }).execute();
          await db.insertInto('identity_provider_identifiers').values({ pool_id: pool.id, identifier: 'corp.example', provider_name: 'Corp', position: 0 }).execute();
          for (const name of ['ann', 'ben']) {
            const user = (await cognate.users.findByUsername(pool, name))!;
            await db.insertInto('provider_links').values({ pool_id: pool.id, provider_name: 'Corp', attribute_name: 'Cognito_Subject', attribute_value: `corp-${name}`, user_id: user.sub, created_at: at }).execute();
          }
          await db.insertInto('federation_requests').values({ id_hash: unique('federation'), pool_id: pool.id, client_id: client.id, provider_name: 'Corp', return_query: 'client_id=x', nonce: 'n', code_verifier: 'v', created_at: at, expires_at: at + 600_000 }).execute();
          // SAML (fed-saml): the pool's signing key, a provider's encryption key, a spent assertion ID, a SAML session's facts.
          for (const [purpose, providerName] of [['signing', ''], ['encryption', 'Corp']] as const) {
            await db.insertInto('saml_keys').values({ pool_id: pool.id, purpose, provider_name: providerName, private_key_sealed: 'sealed', certificate: 'MIIB', created_at: at }).execute();
          }
          await db.insertInto('saml_spent_assertions').values({ pool_id: pool.id, id_hash: unique('assertion'), expires_at: at + 300_000 }).execute();
          await db.insertInto('saml_sessions').values({ session_id: unique('saml-session'), pool_id: pool.id, provider_name: 'Corp', name_id: 'ann@corp.example', name_id_format: null, session_index: '_s1', expires_at: at + 3_600_000 }).execute();
        }
        await db.insertInto('recovery_requests').values({ key: unique('decoy'), pool_id: pool.id, kind: 'code', purpose: 'forgot_password', value: 'x', created_at: clock.now() }).execute();
        await createUserPoolDomain(cognate, { UserPoolId: pool.id, Domain: unique('domain') });
        // issue 12: resource servers, UI customization (pool and client), managed-login branding, terms.
        await createResourceServer(cognate, { UserPoolId: pool.id, Identifier: unique('api'), Name: 'api', Scopes: [{ ScopeName: 'read', ScopeDescription: 'read' }] });
        const now = clock.now();
        for (const [target, clientId] of [['ALL', null], [client.id, client.id]] as const) {
          await db.insertInto('ui_customizations').values({ pool_id: pool.id, target, client_id: clientId, css: '.label-customizable{color:red}', css_version: '1', image: null, image_type: null, created_at: now, updated_at: now }).execute();
        }
        await db.insertInto('managed_login_brandings').values({ id: randomUUID(), pool_id: pool.id, client_id: client.id, use_cognito_provided_values: 1, settings: null, assets: '[]', created_at: now, updated_at: now }).execute();
        await db.insertInto('terms').values({ id: randomUUID(), pool_id: pool.id, client_id: client.id, name: 'terms-of-use', source: 'LINK', enforcement: 'NONE', links: '{"cognito:default":"https://example.com/terms"}', created_at: now, updated_at: now }).execute();
        // issue 15 (threat protection): risk configurations (pool and client), an auth event of a user and of an unknown name, log delivery.
        for (const [target, clientId] of [['ALL', null], [client.id, client.id]] as const) {
          await db.insertInto('risk_configurations').values({ pool_id: pool.id, target, client_id: clientId, config: '{}', updated_at: now }).execute();
        }
        const ann = await cognate.users.findByUsername(pool, 'ann');
        for (const userId of [ann!.sub, null]) {
          await db.insertInto('auth_events').values({
            id: randomUUID(), pool_id: pool.id, user_id: userId, client_id: client.id, event_type: 'SignIn', created_at: now, response: 'Fail', risk_level: null, risk_decision: 'NoRisk',
            compromised: 0, challenges: '[]', ip: '127.0.0.1', device_name: null, device_key: null, feedback_token_hash: null, feedback_value: null, feedback_provider: null, feedback_at: null,
          }).execute();
        }
        await db.insertInto('log_delivery_configurations').values({ pool_id: pool.id, config: '[]', updated_at: now }).execute();
        await db.insertInto('user_pool_replicas').values({ pool_id: pool.id, region: 'eu-west-1', status: 'INACTIVE', tags: '{}', created_at: now, updated_at: now }).execute();
        return { pool, client, job };
      };

      it('every table of pool rows reaches its pool through ON DELETE CASCADE foreign keys, except the three the pool repository clears or keeps', async () => {
        const { db } = env();
        // child table → the tables it references with ON DELETE CASCADE, as the database itself declares them
        const cascades = new Map<string, Set<string>>();
        const edge = (child: string, parent: string) => cascades.set(child, (cascades.get(child) ?? new Set()).add(parent));
        if (kind === 'sqlite') {
          for (const table of Object.keys(SCHEMA)) {
            const fks = await sql<{ table: string; on_delete: string }>`select "table", on_delete from pragma_foreign_key_list(${table})`.execute(db);
            for (const fk of fks.rows) if (fk.on_delete.toUpperCase() === 'CASCADE') edge(table, fk.table);
          }
        } else {
          const fks = await sql<{ child: string; parent: string; rule: string }>`
            select tc.table_name as child, ccu.table_name as parent, rc.delete_rule as rule
            from information_schema.table_constraints tc
            join information_schema.referential_constraints rc on rc.constraint_name = tc.constraint_name and rc.constraint_schema = tc.constraint_schema
            join information_schema.constraint_column_usage ccu on ccu.constraint_name = tc.constraint_name and ccu.constraint_schema = tc.constraint_schema
            where tc.constraint_type = 'FOREIGN KEY' and tc.table_schema = current_schema()`.execute(db);
          for (const fk of fks.rows) if (fk.rule === 'CASCADE') edge(fk.child, fk.parent);
        }
        const reaches = (table: string, root: string, seen = new Set<string>()): boolean =>
          table === root || [...(cascades.get(table) ?? [])].some((p) => !seen.has(p) && (seen.add(p), reaches(p, root, seen)));
        const poolTables = Object.keys(SCHEMA).filter((t) => SCHEMA[t]!.columns.includes('pool_id'));
        const withoutCascade = poolTables.filter((t) => !reaches(t, 'user_pools') && !reaches(t, 'identity_pools')).sort();
        // signing_keys: pool_id '' holds the server-wide identity keys, so it can't reference user_pools;
        // recovery_requests and trigger_invocations (a log written in batches, whose pool_id may name an
        // identity pool's SyncTrigger): cleared by store/user-pools.ts deleteUserPool; outbox: a delivery log that outlives its pool.
        assert.deepEqual(withoutCascade, ['outbox', 'recovery_requests', 'signing_keys', 'trigger_invocations']);
        for (const t of ['users', 'user_pool_clients', 'user_pool_groups', 'user_group_memberships', 'user_import_jobs', 'codes', 'refresh_tokens', 'devices', 'user_mfa']) {
          assert.ok(reaches(t, 'user_pools'), `${t} cascades from user_pools`);
        }
      });

      it('deletes every child row of the pool, through the foreign keys, and nothing of another pool', async () => {
        const { cognate } = env();
        const a = await populate();
        const b = await populate();
        const beforeA = await counts(a.pool.id);
        // identity pools' tables (identities, identity_pools …) aren't a user pool's; identity_providers* are.
        const identityPoolTable = (t: string) => (t.startsWith('identit') && !t.startsWith('identity_provider')) || t.startsWith('sync_');
        const empty = Object.keys(beforeA).filter((t) => beforeA[t] === 0 && !identityPoolTable(t));
        assert.deepEqual(empty, [], 'every pool table has rows of pool A');
        const beforeB = await counts(b.pool.id);

        await deleteUserPool(cognate, a.pool.id);
        assert.deepEqual(await counts(a.pool.id), Object.fromEntries(tables.map((t) => [t, 0])), 'rows of the deleted pool');
        assert.deepEqual(await counts(b.pool.id), beforeB, 'rows of the other pool');
        assert.equal(await cognate.clients.find(undefined, a.client.id), undefined);
        await rejectsWith(describeImportJob(cognate, a.pool.id, a.job.id), 'ResourceNotFoundException');
        assert.deepEqual(await upload(env(), a.job, 'cognito:username\n'), { ok: false, reason: 'job-gone', message: 'The import job no longer exists.' });
        assert.equal((await cognate.keys.jwks(a.pool.id, env().clock.now())).keys.length, 0);
        await rejectsWith(deleteUserPool(cognate, a.pool.id), 'ResourceNotFoundException');
      });

      it('the repository\'s delete is the whole mechanism: one call, in a transaction, leaves no child row', async () => {
        const { cognate } = env();
        const a = await populate();
        assert.equal(await cognate.store.transaction((trx) => poolStore.deleteUserPool(trx, a.pool.id)), true);
        assert.deepEqual(await counts(a.pool.id), Object.fromEntries(tables.map((t) => [t, 0])));
        assert.equal(await cognate.store.transaction((trx) => poolStore.deleteUserPool(trx, a.pool.id)), false);
      });

      it('deleting a client deletes its row (and its own branding and terms) only and revokes its refresh tokens; deleting a group takes its memberships', async () => {
        const { cognate, db } = env();
        const a = await populate();
        const before = await counts(a.pool.id);
        await cognate.clients.delete(a.pool.id, a.client.id, env().clock.now());
        const revoked = await db.selectFrom('refresh_tokens').select('revoked_at').where('client_id', '=', a.client.id).execute();
        assert.ok(revoked.length === 2 && revoked.every((r) => r.revoked_at !== null));
        await deleteGroup(cognate, { UserPoolId: a.pool.id, GroupName: 'everyone' });
        // The client's UI customization, managed-login style and terms go with it (issue 12); the pool's default customization stays.
        assert.deepEqual(await counts(a.pool.id), {
          ...before, user_pool_clients: before.user_pool_clients! - 1, user_pool_groups: 0, user_group_memberships: 0,
          ui_customizations: before.ui_customizations! - 1, managed_login_brandings: 0, terms: 0,
          risk_configurations: before.risk_configurations! - 1,
        });
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('cross-pool isolation', { timeout: 120_000 }, () => {
      const env = useEnv(kind);
      type Side = Awaited<ReturnType<typeof side>>;
      const side = async () => {
        const { cognate } = env();
        const pool = await newPool(env(), { AutoVerifiedAttributes: ['email'] });
        const client = await createAppClient(cognate, { UserPoolId: pool.id, ClientName: 'shared' });
        const user = await newUser(env(), pool, 'shared', { email: 'shared@example.com', email_verified: 'true' });
        const group = await createGroup(cognate, { UserPoolId: pool.id, GroupName: 'shared', Precedence: 1 });
        await addUserToGroup(cognate, { UserPoolId: pool.id, Username: 'shared', GroupName: 'shared' });
        const job = await createImportJob(cognate, { UserPoolId: pool.id, JobName: 'shared', CloudWatchLogsRoleArn: 'arn:aws:iam::123456789012:role/import' });
        return { pool, client, user, group, job };
      };
      let a: Side;
      let b: Side;
      before(async () => {
        a = await side();
        b = await side();
        await createGroup(env().cognate, { UserPoolId: a.pool.id, GroupName: 'only-in-a' });
      });

      it('a group of pool A is not found, listed, changed, deleted or joined through pool B', async () => {
        const { cognate } = env();
        await rejectsWith(getGroup(cognate, b.pool.id, 'only-in-a'), 'ResourceNotFoundException', 'Group not found.');
        assert.ok(!(await listGroups(cognate, { UserPoolId: b.pool.id })).groups.some((g) => g.name === 'only-in-a'));
        await rejectsWith(updateGroup(cognate, { UserPoolId: b.pool.id, GroupName: 'only-in-a', Precedence: 9 }), 'ResourceNotFoundException');
        await rejectsWith(deleteGroup(cognate, { UserPoolId: b.pool.id, GroupName: 'only-in-a' }), 'ResourceNotFoundException');
        await rejectsWith(addUserToGroup(cognate, { UserPoolId: b.pool.id, Username: 'shared', GroupName: 'only-in-a' }), 'ResourceNotFoundException');
        await rejectsWith(usersInGroup(cognate, { UserPoolId: b.pool.id, GroupName: 'only-in-a' }), 'ResourceNotFoundException');
        assert.equal((await getGroup(cognate, a.pool.id, 'only-in-a')).precedence, null, 'A\'s group is as it was');
        assert.equal(await groupStore.findGroupRow(env().db, b.pool.id, 'only-in-a'), undefined);
      });

      it('same-named groups of two pools are two groups: members, changes and deletion stay in their pool', async () => {
        const { cognate, db } = env();
        assert.deepEqual((await usersInGroup(cognate, { UserPoolId: a.pool.id, GroupName: 'shared' })).users.map((u) => u.sub), [a.user.sub]);
        assert.deepEqual((await usersInGroup(cognate, { UserPoolId: b.pool.id, GroupName: 'shared' })).users.map((u) => u.sub), [b.user.sub]);
        assert.deepEqual(await groupStore.groupRowsOfUser(db, b.pool.id, a.user.sub), [], 'A\'s user has no groups in B');
        await updateGroup(cognate, { UserPoolId: a.pool.id, GroupName: 'shared', Precedence: 7 });
        assert.equal((await getGroup(cognate, b.pool.id, 'shared')).precedence, 1);
        await removeUserFromGroup(cognate, { UserPoolId: b.pool.id, Username: 'shared', GroupName: 'shared' });
        assert.deepEqual((await groupClaims(db, a.pool.id, a.user.sub)).groups, ['shared'], 'removing B\'s member leaves A\'s');
        await addUserToGroup(cognate, { UserPoolId: b.pool.id, Username: 'shared', GroupName: 'shared' });
        await deleteGroup(cognate, { UserPoolId: a.pool.id, GroupName: 'shared' });
        assert.deepEqual((await groupClaims(db, b.pool.id, b.user.sub)).groups, ['shared'], 'deleting A\'s group leaves B\'s');
        await createGroup(cognate, { UserPoolId: a.pool.id, GroupName: 'shared' });
        await addUserToGroup(cognate, { UserPoolId: a.pool.id, Username: 'shared', GroupName: 'shared' });
      });

      it('an app client of pool A is not found, listed or deleted through pool B', async () => {
        const { cognate } = env();
        await rejectsWith(cognate.clients.get(b.pool.id, a.client.id), 'ResourceNotFoundException');
        assert.ok(!(await cognate.clients.list(b.pool.id, 60)).clients.some((c) => c.id === a.client.id));
        await rejectsWith(cognate.clients.delete(b.pool.id, a.client.id, env().clock.now()), 'ResourceNotFoundException');
        assert.equal((await cognate.clients.get(a.pool.id, a.client.id)).name, 'shared');
      });

      it('an import job of pool A is not described, listed, started, stopped or uploaded to through pool B', async () => {
        const { cognate, db } = env();
        await rejectsWith(describeImportJob(cognate, b.pool.id, a.job.id), 'ResourceNotFoundException', `Import job ${a.job.id} does not exist.`);
        assert.ok(!(await listImportJobs(cognate, { UserPoolId: b.pool.id, MaxResults: 60 })).jobs.some((j) => j.id === a.job.id));
        await rejectsWith(startImportJob(cognate, b.pool.id, a.job.id), 'ResourceNotFoundException');
        await rejectsWith(stopImportJob(cognate, b.pool.id, a.job.id), 'ResourceNotFoundException');
        assert.equal(await jobStore.findImportJobRow(db, b.pool.id, a.job.id), undefined);
        // The upload token of B's job does not open A's.
        assert.deepEqual(await acceptUpload(cognate, a.job.id, tokenOf(b.job), new TextEncoder().encode('cognito:username\n')), { ok: false, reason: 'invalid-token', message: 'The upload URL is invalid or has expired.' });
        assert.equal((await jobStore.findImportJobRow(db, a.pool.id, a.job.id))?.has_csv, 0);
      });

      it('deleting pool B leaves pool A\'s groups, memberships, clients, jobs and keys', async () => {
        const { cognate, db } = env();
        const before = {
          groups: await countRows(db, 'user_pool_groups', a.pool.id),
          members: await countRows(db, 'user_group_memberships', a.pool.id),
          clients: await countRows(db, 'user_pool_clients', a.pool.id),
          jobs: await countRows(db, 'user_import_jobs', a.pool.id),
          keys: await countRows(db, 'signing_keys', a.pool.id),
        };
        assert.ok(Object.values(before).every((n) => n > 0));
        await deleteUserPool(cognate, b.pool.id);
        assert.deepEqual({
          groups: await countRows(db, 'user_pool_groups', a.pool.id),
          members: await countRows(db, 'user_group_memberships', a.pool.id),
          clients: await countRows(db, 'user_pool_clients', a.pool.id),
          jobs: await countRows(db, 'user_import_jobs', a.pool.id),
          keys: await countRows(db, 'signing_keys', a.pool.id),
        }, before);
      });
    });
  });
}
