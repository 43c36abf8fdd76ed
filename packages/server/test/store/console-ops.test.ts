/**
 * The console's operations helpers on both databases: the token inspector (valid, expired, forged,
 * alg=none, garbage, rotated keys, revoked sessions, refresh tokens), the policy simulator, the
 * trigger-invocation log (the TriggerFunctions hook, pruning, safe messages) and the outbox search
 * (filters, paging, tokens bound to their query, bad input).
 *
 * Run: node scripts/run-tests.mjs test/store/console-ops
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { inspectToken } from '../../src/domain/token-inspector.js';
import { globalSignOut } from '../../src/domain/sign-in/sign-out.js';
import { adminDisableUser } from '../../src/domain/admin-users.js';
import * as refreshTokenStore from '../../src/store/refresh-tokens.js';
import { simulatePolicy } from '../../src/identity/simulator.js';
import { TriggerFunctions } from '../../src/triggers/functions.js';
import { KEEP_PER_POOL, describeTarget, safeMessage } from '../../src/triggers/invocations.js';
import { searchOutbox } from '../../src/messaging/outbox-search.js';
import { databaseKinds } from '../support/postgres.js';
import { HOUR, newClient, newPool, newUser, rejectsWith, unique, useEnv, type Env } from './harness.js';

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

async function signedIn(env: Env) {
  const pool = await newPool(env);
  const client = await newClient(env, pool, { EnableTokenRevocation: true });
  const user = await newUser(env, pool, unique('u'), { email: 'a@example.com' });
  const result = await env.cognate.tokens.issue({ pool, client, user });
  return { pool, client, user, result };
}

for (const kind of databaseKinds) {
  describe(`console operations helpers (${kind})`, { timeout: 120_000 }, () => {
    const get = useEnv(kind);

    describe('token inspector', () => {
      it('accepts a live access and ID token, verified, with its session and user', async () => {
        const env = get();
        const { pool, user, result } = await signedIn(env);
        for (const [token, use] of [[result.AccessToken, 'access'], [result.IdToken, 'id']] as const) {
          const r = await inspectToken(env.cognate, token);
          assert.equal(r.form, 'jwt');
          assert.equal(r.use, use);
          assert.equal(r.verified, true);
          assert.equal(r.signature.verdict, 'valid');
          assert.equal(r.signature.key?.state, 'active');
          assert.deepEqual(r.issuer, { kind: 'user-pool', poolId: pool.id, known: true });
          assert.equal(r.session.verdict, 'live');
          assert.equal(r.user?.username, user.username);
          assert.equal(r.expiry?.expired, false);
          assert.equal(r.accepted, true, r.summary);
        }
      });

      it('says expired once exp has passed, with the signature still valid', async () => {
        const env = get();
        const { result } = await signedIn(env);
        env.clock.advance(2 * HOUR);
        try {
          const r = await inspectToken(env.cognate, result.AccessToken);
          assert.equal(r.signature.verdict, 'valid');
          assert.equal(r.expiry?.expired, true);
          assert.equal(r.accepted, false);
          assert.match(r.summary, /expired/);
        } finally {
          env.clock.advance(-2 * HOUR);
        }
      });

      it('refuses forged claims, alg=none, HS256 and a foreign kid without looking up a session', async () => {
        const env = get();
        const { pool, result } = await signedIn(env);
        const [h, p, s] = result.AccessToken.split('.') as [string, string, string];
        const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
        const forged = `${h}.${b64({ ...claims, sub: 'someone-else' })}.${s}`;
        const none = `${b64({ alg: 'none', kid: JSON.parse(Buffer.from(h, 'base64url').toString()).kid })}.${p}.`;
        const hs = `${b64({ alg: 'HS256', kid: 'x' })}.${p}.${s}`;
        const foreignKid = `${b64({ kid: 'not-a-key', alg: 'RS256' })}.${p}.${s}`;
        const cases: [string, string][] = [[forged, 'signature'], [none, 'alg'], [hs, 'alg'], [foreignKid, 'kid']];
        for (const [token, reason] of cases) {
          const r = await inspectToken(env.cognate, token);
          assert.equal(r.signature.verdict, 'invalid', reason);
          assert.equal(r.signature.reason, reason);
          assert.equal(r.verified, false);
          assert.equal(r.session.verdict, 'not-checked');
          assert.equal(r.user, undefined, 'no user is looked up for an unverified token');
          assert.equal(r.accepted, false);
          assert.ok(r.claims, 'the claims are still shown, as unverified');
        }
        // A token naming a pool that doesn't exist.
        const otherPool = `${h}.${b64({ ...claims, iss: claims.iss!.toString().replace(pool.id, 'us-east-1_Nope12345') })}.${s}`;
        const r = await inspectToken(env.cognate, otherPool);
        assert.equal(r.signature.reason, 'unknown-pool');
      });

      it('answers garbage of every shape without throwing', async () => {
        const env = get();
        for (const input of [null, undefined, 42, {}, [], '', '   ', 'a.b', 'a.b.c', '...', '@@@.@@@.@@@', 'x'.repeat(40_000), 'eyJ.eyJ.', `${b64([1])}.${b64('s')}.sig`, 'Bearer ', 'a.b.c.d.e', '\u0000.\u0000.\u0000']) {
          const r = await inspectToken(env.cognate, input);
          assert.equal(r.accepted, false, String(input).slice(0, 20));
          assert.equal(typeof r.summary, 'string');
        }
      });

      it('verifies a token signed by a rotated-out key while it is published, and says the key is retired', async () => {
        const env = get();
        const { pool, result } = await signedIn(env);
        const rotation = await env.cognate.keys.rotate(pool.id, env.clock.now());
        assert.ok(rotation && rotation.retired.length === 1);
        const r = await inspectToken(env.cognate, result.IdToken);
        assert.equal(r.signature.verdict, 'valid');
        assert.equal(r.signature.key?.state, 'retired');
        assert.ok((r.signature.key?.unpublishAt ?? 0) > env.clock.now());
        assert.equal(r.accepted, true);
      });

      it('reports a global sign-out (sessions revoked together) apart from one revoked session', async () => {
        const env = get();
        const { pool, client, user, result } = await signedIn(env);
        const second = await env.cognate.tokens.issue({ pool, client, user });
        env.clock.advance(1000);
        await globalSignOut(env.cognate, user.sub);
        const r = await inspectToken(env.cognate, result.AccessToken);
        assert.equal(r.session.verdict, 'revoked');
        assert.equal(r.session.revokedTogether, 2);
        assert.match(r.session.detail, /global sign-out/);
        assert.equal(r.accepted, false);
        assert.equal((await inspectToken(env.cognate, second.RefreshToken!)).session.verdict, 'revoked');

        const alone = await signedIn(env);
        env.clock.advance(1000);
        await env.cognate.tokens.revokeRefreshToken(alone.client, alone.result.RefreshToken!);
        const one = await inspectToken(env.cognate, alone.result.IdToken);
        assert.equal(one.session.revokedTogether, 1);
        assert.match(one.session.detail, /on its own/);
      });

      it('says when the user is disabled (and their sessions revoked with it)', async () => {
        const env = get();
        const { pool, user, result } = await signedIn(env);
        env.clock.advance(1000);
        await adminDisableUser(env.cognate, { UserPoolId: pool.id, Username: user.username });
        const r = await inspectToken(env.cognate, result.AccessToken);
        assert.equal(r.user?.enabled, false);
        assert.equal(r.session.verdict, 'revoked');
        assert.equal(r.accepted, false);
      });

      it('inspects refresh tokens: current, wrong secret, unknown, revoked', async () => {
        const env = get();
        const { client, result } = await signedIn(env);
        const current = await inspectToken(env.cognate, result.RefreshToken);
        assert.equal(current.form, 'refresh-token');
        assert.equal(current.accepted, true, current.summary);
        assert.equal(current.session.clientId, client.id);
        const raw = Buffer.from(result.RefreshToken!, 'base64url');
        raw[40] = raw[40]! ^ 1;
        const wrong = await inspectToken(env.cognate, raw.toString('base64url'));
        assert.equal(wrong.accepted, false);
        assert.equal(wrong.session.originJti, undefined, 'a wrong secret reveals nothing about the family');
        const unknown = await inspectToken(env.cognate, Buffer.alloc(48, 7).toString('base64url'));
        assert.equal(unknown.session.verdict, 'not-stored');
        const family = (await refreshTokenStore.find(env.db, current.session.originJti!))!;
        await refreshTokenStore.revoke(env.db, family.id, env.clock.now());
        assert.equal((await inspectToken(env.cognate, result.RefreshToken)).session.verdict, 'revoked');
      });
    });

    describe('policy simulator', () => {
      const trust = (aud: string) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'cognito-identity.amazonaws.com:aud': aud } } }] });

      async function setup(env: Env) {
        const userPool = await newPool(env);
        const client = await newClient(env, userPool);
        const provider = `cognito-idp.${userPool.id.split('_')[0]}.amazonaws.com/${userPool.id}`;
        const ip = await env.cognate.identity.pools.create({ IdentityPoolName: unique('ip'), AllowUnauthenticatedIdentities: true, CognitoIdentityProviders: [{ ProviderName: provider, ClientId: client.id, ServerSideTokenCheck: false }] }, env.clock.now());
        const roles = env.cognate.identity.roles;
        const guest = await roles.create({ name: unique('guest'), trust: trust(ip.id), policies: { read: { Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::public/*' }] } } }, env.clock.now());
        const member = await roles.create({
          name: unique('member'),
          trust: trust(ip.id),
          policies: {
            own: { Statement: [{ Sid: 'OwnFolder', Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::data/${cognito-identity.amazonaws.com:sub}/*' }] },
            guard: { Statement: [{ Sid: 'NoDelete', Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' }] },
          },
        }, env.clock.now());
        const admin = await roles.create({ name: unique('admin'), trust: trust(ip.id), policies: { all: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } } }, env.clock.now());
        const untrusted = await roles.create({ name: unique('untrusted'), policies: { all: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } } }, env.clock.now());
        await env.cognate.identity.pools.setRoles(ip.id, { unauthenticated: guest.arn, authenticated: member.arn }, {
          [`${provider}:${client.id}`]: { Type: 'Rules', AmbiguousRoleResolution: 'AuthenticatedRole', RulesConfiguration: { Rules: [{ Claim: 'cognito:groups', MatchType: 'Contains', Value: 'admins', RoleARN: admin.arn }] } },
        }, env.clock.now());
        return { ip, guest, member, admin, untrusted, provider, clientId: client.id };
      }

      it('a guest gets the unauthenticated role; a rule picks admin; the default role otherwise; with reasons', async () => {
        const env = get();
        const { ip, guest, member, admin, provider, clientId } = await setup(env);
        const sim = (x: Record<string, unknown>) => simulatePolicy(env.cognate.identity, { identityPoolId: ip.id, ...x } as never, 'us-east-1');
        const g = await sim({ action: 's3:GetObject', resource: 'arn:aws:s3:::public/a.txt' });
        assert.equal(g.roleArn, guest.arn);
        assert.equal(g.allowed, true);
        assert.equal(g.trust, 'allowed');
        const a = await sim({ action: 'iam:Anything', resource: '*', login: { provider, clientId, claims: { 'cognito:groups': ['admins'] } } });
        assert.equal(a.roleArn, admin.arn);
        assert.equal(a.allowed, true);
        assert.match(a.roleChosenBy, /Rules role mapping/);
        const id = 'us-east-1:11111111-2222-3333-4444-555555555555';
        const own = await sim({ action: 's3:PutObject', resource: `arn:aws:s3:::data/${id}/x`, identityId: id, login: { provider, clientId, claims: {} } });
        assert.equal(own.roleArn, member.arn);
        assert.equal(own.allowed, true);
        assert.deepEqual(own.matched.map((m) => m.sid), ['OwnFolder']);
        const other = await sim({ action: 's3:PutObject', resource: 'arn:aws:s3:::data/someone/x', identityId: id, login: { provider, clientId, claims: {} } });
        assert.equal(other.decision, 'ImplicitDeny');
        const del = await sim({ action: 's3:DeleteObject', resource: `arn:aws:s3:::data/${id}/x`, identityId: id, login: { provider, clientId, claims: {} } });
        assert.equal(del.decision, 'ExplicitDeny');
        assert.match(del.explanation, /NoDelete/);
      });

      it('a role without a trust policy is never assumed; an unknown role is NoRole', async () => {
        const env = get();
        const { ip, untrusted } = await setup(env);
        const r = await simulatePolicy(env.cognate.identity, { identityPoolId: ip.id, roleArn: untrusted.arn, action: 's3:GetObject', resource: '*' }, 'us-east-1');
        assert.equal(r.allowed, false);
        assert.equal(r.trust, 'no-trust-policy');
        const gone = await simulatePolicy(env.cognate.identity, { roleArn: 'arn:aws:iam::000000000000:role/nope', action: 'a:b', resource: '*' }, 'us-east-1');
        assert.equal(gone.decision, 'NoRole');
      });

      it('refuses bad input and principal keys in the context', async () => {
        const env = get();
        const { member } = await setup(env);
        await rejectsWith(simulatePolicy(env.cognate.identity, { roleArn: member.arn, action: 's3:GetObject', resource: '*', context: { 'aws:PrincipalTag/team': 'x' } }, 'us-east-1'), 'InvalidParameterException', /principal keys/);
        await rejectsWith(simulatePolicy(env.cognate.identity, { roleArn: member.arn, action: null, resource: '*' }, 'us-east-1'), 'InvalidParameterException');
        await rejectsWith(simulatePolicy(env.cognate.identity, { action: 'a:b', resource: '*' }, 'us-east-1'), 'InvalidParameterException');
        await rejectsWith(simulatePolicy(env.cognate.identity, { roleArn: member.arn, action: 'a:b', resource: '*', context: { k: 5 } }, 'us-east-1'), 'InvalidParameterException');
        await rejectsWith(simulatePolicy(env.cognate.identity, { identityPoolId: 'us-east-1:00000000-0000-0000-0000-000000000000', action: 'a:b', resource: '*' }, 'us-east-1'), 'ResourceNotFoundException');
      });
    });

    describe('trigger invocations', () => {
      it('records each run through the TriggerFunctions hook: outcome, duration, safe error', async () => {
        const env = get();
        const dir = await mkdtemp(path.join(tmpdir(), 'cognate-trigger-'));
        try {
          const file = path.join(dir, 'fn.mjs');
          await writeFile(file, "export const handler = async (event) => { if (event.request.fail) throw new Error('nope https://user:pw@hooks.example.com/x?token=SECRET'); return event; };");
          const arn = 'arn:aws:lambda:us-east-1:123456789012:function:ok';
          const config = { ...env.cognate.config, triggers: { [arn]: pathToFileURL(file).href }, triggerTimeoutMs: 5000 };
          const fns = new TriggerFunctions(config, env.clock);
          fns.onInvocation = (run) => env.cognate.triggerInvocations.record(run);
          const poolId = `us-east-1_${unique('t').replace(/[^a-zA-Z0-9]/g, '')}`.slice(0, 40);
          const event = (fail: boolean) => ({ userPoolId: poolId, triggerSource: 'PreSignUp_SignUp', request: { fail, password: 'Secret!123' }, response: {} });
          await fns.invoke(arn, event(false));
          await assert.rejects(fns.invoke(arn, event(true)));
          fns.close();
          const rows = await env.cognate.triggerInvocations.recent(poolId);
          assert.equal(rows.length, 2);
          const [failed, ok] = rows.sort((a, b) => (a.outcome === 'ok' ? 1 : -1) - (b.outcome === 'ok' ? 1 : -1));
          assert.equal(ok!.outcome, 'ok');
          assert.equal(ok!.target, 'module');
          assert.equal(failed!.outcome, 'function-error');
          assert.equal(failed!.triggerSource, 'PreSignUp_SignUp');
          assert.ok(failed!.error?.includes('https://hooks.example.com/x'));
          assert.ok(!failed!.error?.includes('SECRET') && !failed!.error?.includes('pw@'), failed!.error ?? '');
          const summary = await env.cognate.triggerInvocations.summary(poolId);
          assert.deepEqual(summary.map((s) => [s.functionArn, s.runs, s.failures]), [[arn, 2, 1]]);
          assert.equal((await env.cognate.triggerInvocations.recent(poolId, { failuresOnly: true })).length, 1);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      });

      it('keeps the newest rows per pool and never stores the event', async () => {
        const env = get();
        const poolId = 'us-east-1_Prune' + String(Date.now() % 1e6);
        const log = env.cognate.triggerInvocations;
        for (let i = 0; i < KEEP_PER_POOL + 20; i++) log.record({ arn: 'arn:aws:lambda:us-east-1:1:function:f', target: 'lambda', event: { userPoolId: poolId, triggerSource: 'PostConfirmation_ConfirmSignUp', request: { password: 'hunter2' } }, startedAt: env.clock.now() + i, durationMs: 3 });
        await log.flush();
        const rows = await log.recent(poolId, { limit: 200 });
        assert.equal(rows.length, 200);
        assert.equal(rows[0]!.startedAt, env.clock.now() + KEEP_PER_POOL + 19, 'newest first');
        const all = await env.db.selectFrom('trigger_invocations').selectAll().where('pool_id', '=', poolId).execute();
        assert.equal(all.length, KEEP_PER_POOL);
        assert.ok(!JSON.stringify(all).includes('hunter2'));
      });

      it('describes where an ARN runs without credentials or query', () => {
        const config = { triggers: { a: 'https://u:p@hook.example.com/run?key=abc', b: 'lambda' }, lambdaEndpoint: '', region: 'eu-west-1' };
        assert.deepEqual(describeTarget(config, 'a'), { kind: 'webhook', where: 'https://hook.example.com/run', configured: true });
        assert.equal(describeTarget(config, 'arn:aws:lambda:us-west-2:1:function:x').where, 'AWS Lambda in us-west-2');
        assert.equal(describeTarget(config, 'b').kind, 'lambda');
        assert.equal(safeMessage('x'.repeat(900)).length, 500);
      });
    });

    describe('outbox search', () => {
      it('filters by pool, recipient (exact, prefix), kind, channel and time, pages with bound tokens, opens bodies', async () => {
        const env = get();
        const poolA = unique('poolA');
        const poolB = unique('poolB');
        const t0 = env.clock.now();
        for (let i = 0; i < 7; i++) {
          env.clock.advance(1000);
          await env.cognate.outbox.enqueue(env.db, { poolId: poolA, channel: 'email', to: `user${i}@a.example`, kind: i % 2 ? 'SignUp' : 'ForgotPassword', subject: 'Your code', text: `Your code is ${100000 + i}` });
        }
        await env.cognate.outbox.enqueue(env.db, { poolId: poolB, channel: 'sms', to: '+15550001', kind: 'SignUp', text: 'code 999999' });
        const all = await searchOutbox(env.cognate, { poolId: poolA, limit: 3 });
        assert.equal(all.messages.length, 3);
        assert.equal(all.messages[0]!.text, 'Your code is 100006', 'newest first, opened');
        const page2 = await searchOutbox(env.cognate, { poolId: poolA, limit: 3, nextToken: all.nextToken });
        const page3 = await searchOutbox(env.cognate, { poolId: poolA, limit: 3, nextToken: page2.nextToken });
        assert.deepEqual([...all.messages, ...page2.messages, ...page3.messages].map((m) => m.to), [6, 5, 4, 3, 2, 1, 0].map((i) => `user${i}@a.example`));
        assert.equal(page3.nextToken, undefined);
        await rejectsWith(searchOutbox(env.cognate, { poolId: poolB, limit: 3, nextToken: all.nextToken }), 'InvalidParameterException', 'Invalid pagination token.');
        await rejectsWith(searchOutbox(env.cognate, { poolId: poolA, nextToken: 'AAAA' }), 'InvalidParameterException', 'Invalid pagination token.');
        assert.deepEqual((await searchOutbox(env.cognate, { recipient: 'user3@a.example' })).messages.map((m) => m.text), ['Your code is 100003']);
        assert.equal((await searchOutbox(env.cognate, { poolId: poolA, recipient: 'user*' })).messages.length, 7);
        assert.equal((await searchOutbox(env.cognate, { poolId: poolA, recipient: 'user%*' })).messages.length, 0, '% is a plain character');
        assert.equal((await searchOutbox(env.cognate, { poolId: poolA, kind: 'SignUp' })).messages.length, 3);
        assert.equal((await searchOutbox(env.cognate, { poolId: poolB, channel: 'sms' })).messages[0]!.text, 'code 999999');
        assert.equal((await searchOutbox(env.cognate, { poolId: poolA, from: t0 + 3000, to: t0 + 5000 })).messages.length, 2);
        for (const bad of [{ limit: 0 }, { limit: 101 }, { limit: 'x' }, { channel: 'fax' }, { from: -1 }, { poolId: 5 }, { recipient: {} }, { kind: 'k'.repeat(65) }]) {
          await rejectsWith(searchOutbox(env.cognate, bad as never), 'InvalidParameterException');
        }
      });
    });
  });
}
