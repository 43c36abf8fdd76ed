/**
 * Issue 10 (item 7, recovery part): under PreventUserExistenceErrors ENABLED, a known user whose
 * state keeps them from recovery or confirmation answers exactly as an unknown name does — the same
 * status, `__type` and message, and a simulated CodeDeliveryDetails shaped like a real one (a masked
 * address the way Cognate masks real ones, the pool's medium and attribute), stable per name and not
 * recognisable as fake (no example.com). Under LEGACY the old, revealing answers stay.
 */
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AdminCreateUserCommand, AdminDisableUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { idp, startTestServer, type TestServer } from '../../support/server.js';
import { Codes, PASSWORD, confirmedUser, newPool, signUp, type Pool } from './helpers.js';

const MASKED_EMAIL = /^[a-z0-9]\*\*\*@[a-z0-9]\*\*\*$/;
const ENABLED = { PreventUserExistenceErrors: 'ENABLED' as const };
const LEGACY = { PreventUserExistenceErrors: 'LEGACY' as const };

type Raw = Awaited<ReturnType<typeof idp>>;

/** The unknown-name answer and the known user's answer are the same kind of answer. */
function assertLikeUnknown(known: Raw, unknown: Raw, what: string): void {
  assert.equal(known.status, unknown.status, `${what}: status`);
  if (unknown.status !== 200) {
    assert.deepEqual(known.json, unknown.json, `${what}: body`);
    return;
  }
  const k = known.json.CodeDeliveryDetails;
  const u = unknown.json.CodeDeliveryDetails;
  assert.deepEqual(Object.keys(k).sort(), Object.keys(u).sort(), `${what}: CodeDeliveryDetails keys`);
  assert.equal(k.DeliveryMedium, u.DeliveryMedium, `${what}: medium`);
  assert.equal(k.AttributeName, u.AttributeName, `${what}: attribute`);
  assert.match(k.Destination, MASKED_EMAIL, `${what}: known destination masked`);
  assert.match(u.Destination, MASKED_EMAIL, `${what}: unknown destination masked`);
}

for (const kind of databaseKinds) {
  describe(`recovery and confirmation hide who exists under ENABLED (issue 10) (${kind})`, () => {
    let server: TestServer;
    let codes: Codes;
    let pool: Pool;
    let legacy: Pool;

    before(async () => {
      server = await startTestServer(kind);
      codes = new Codes(server);
      pool = await newPool(server, {}, ENABLED);
      legacy = await newPool(server, {}, LEGACY);
      await confirmedUser(server, codes, pool, 'alice', 'alice@example.com');
      await confirmedUser(server, codes, pool, 'carol', 'carol@example.com');
      await confirmedUser(server, codes, pool, 'dave', 'dave@example.com');
      await signUp(server, pool, 'uma', 'uma@example.com');
      await server.admin.send(new AdminCreateUserCommand({ UserPoolId: pool.poolId, Username: 'ivan', UserAttributes: [{ Name: 'email', Value: 'ivan@example.com' }, { Name: 'email_verified', Value: 'true' }] }));
      await confirmedUser(server, codes, pool, 'dora', 'dora@example.com');
      await server.admin.send(new AdminDisableUserCommand({ UserPoolId: pool.poolId, Username: 'dora' }));
      await confirmedUser(server, codes, legacy, 'alice', 'alice@example.com');
    });
    after(() => server?.stop());

    const forgot = (p: Pool, Username: string) => idp(server.url, 'ForgotPassword', { ClientId: p.clientId, Username });

    it('ForgotPassword: the simulated delivery is masked like a real one, stable per name, and not example.com', async () => {
      const real = await forgot(pool, 'alice');
      assert.equal(real.status, 200);
      const first = await forgot(pool, 'nobody-here');
      const again = await forgot(pool, 'nobody-here');
      assert.deepEqual(first.json, again.json, 'stable per name');
      assertLikeUnknown(real, first, 'real vs unknown');
      assert.doesNotMatch(first.json.CodeDeliveryDetails.Destination, /@e\*\*\*$/, 'not the example.com stand-in');
    });

    it('ForgotPassword: unconfirmed, invited and disabled users answer like an unknown name', async () => {
      const unknown = await forgot(pool, 'nobody-else');
      for (const name of ['uma', 'ivan', 'dora']) {
        const known = await forgot(pool, name);
        assertLikeUnknown(known, unknown, `ForgotPassword ${name}`);
        assert.deepEqual((await forgot(pool, name)).json, known.json, `${name}: stable`);
      }
    });

    it('ForgotPassword: past the hourly cap answers like an unknown name, not LimitExceeded', async () => {
      const unknown = await forgot(pool, 'nobody-capped');
      for (let i = 0; i < 25; i++) {
        const res = await forgot(pool, 'carol');
        assertLikeUnknown(res, unknown, `ForgotPassword carol #${i + 1}`);
      }
      await codes.skipAll(pool.poolId);
    });

    it('ForgotPassword: a name that gets no code does a real request\'s writes — two decoy rows per name, upserted — and nothing is sent', async () => {
      const { cognate } = server.running;
      const keyOf = (kind: string, name: string) => createHmac('sha256', cognate.secrets.fakeSaltKey).update(`recovery-request\0${kind}\0${pool.poolId}\0${name}`).digest('hex');
      const outboxBefore = (await cognate.outbox.recent(100_000, pool.poolId)).length;
      const countCodes = async () => Number((await cognate.store.db.selectFrom('codes').select((eb) => eb.fn.countAll<number>().as('n')).where('pool_id', '=', pool.poolId).executeTakeFirstOrThrow()).n);
      const codesBefore = await countCodes();
      for (let i = 0; i < 3; i++) for (const name of ['nobody-decoy', 'dora']) assert.equal((await forgot(pool, name)).status, 200);
      const rows = await cognate.store.db.selectFrom('recovery_requests').selectAll().where('pool_id', '=', pool.poolId).execute();
      for (const name of ['nobody-decoy', 'dora']) {
        const mine = rows.filter((r) => r.key === keyOf('code', name) || r.key === keyOf('message', name));
        assert.deepEqual(mine.map((r) => r.kind).sort(), ['code', 'message'], `${name}: one code row and one message row`);
        for (const r of mine) {
          assert.equal(r.purpose, 'forgot_password');
          assert.ok(!r.value.includes(name), `${name}: the row doesn't name them`);
        }
      }
      assert.equal((await cognate.outbox.recent(100_000, pool.poolId)).length, outboxBefore, 'no message queued');
      assert.equal(await countCodes(), codesBefore, 'no code issued');
    });

    it('ConfirmForgotPassword for an unknown name counts attempts on its decoy code only while it is live, as a real code does', async () => {
      const { cognate } = server.running;
      const name = 'nobody-guessing';
      const key = createHmac('sha256', cognate.secrets.fakeSaltKey).update(`recovery-request\0code\0${pool.poolId}\0${name}`).digest('hex');
      const row = () => cognate.store.db.selectFrom('recovery_requests').selectAll().where('key', '=', key).executeTakeFirst();
      const confirm = () => idp(server.url, 'ConfirmForgotPassword', { ClientId: pool.clientId, Username: name, ConfirmationCode: '000000', Password: PASSWORD });
      assert.equal((await confirm()).json.__type, 'CodeMismatchException');
      assert.equal(await row(), undefined, 'no decoy code yet: no write, as for a user without a live code');
      await forgot(pool, name);
      for (let i = 0; i < 7; i++) assert.equal((await confirm()).json.__type, 'CodeMismatchException');
      assert.equal((await row())?.attempts, 5, 'counted up to the attempts that kill a code, then no more writes');
      await forgot(pool, name);
      assert.equal((await row())?.attempts, 0, 'a new decoy code starts afresh');
    });

    it('ConfirmForgotPassword: after the 6th wrong code it stays CodeMismatch, as for an unknown name', async () => {
      await forgot(pool, 'dave');
      const confirm = (Username: string) => idp(server.url, 'ConfirmForgotPassword', { ClientId: pool.clientId, Username, ConfirmationCode: '000000', Password: PASSWORD });
      const unknown = await confirm('nobody-at-all');
      assert.equal(unknown.json.__type, 'CodeMismatchException');
      for (let i = 0; i < 8; i++) assertLikeUnknown(await confirm('dave'), unknown, `wrong code #${i + 1}`);
      for (const name of ['uma', 'ivan', 'dora']) assertLikeUnknown(await confirm(name), unknown, `ConfirmForgotPassword ${name}`);
      await codes.skipAll(pool.poolId);
    });

    it('ConfirmSignUp: a wrong code for a confirmed user is CodeMismatch, as for an unknown name', async () => {
      const confirm = (p: Pool, Username: string) => idp(server.url, 'ConfirmSignUp', { ClientId: p.clientId, Username, ConfirmationCode: '000000' });
      const unknown = await confirm(pool, 'nobody-signed-up');
      assert.equal(unknown.json.__type, 'CodeMismatchException');
      assertLikeUnknown(await confirm(pool, 'alice'), unknown, 'ConfirmSignUp alice');
      // LEGACY keeps today's answer.
      const old = await confirm(legacy, 'alice');
      assert.equal(old.json.__type, 'NotAuthorizedException');
    });

    it('ResendConfirmationCode: a confirmed user gets a simulated delivery, as an unknown name does', async () => {
      const resend = (p: Pool, Username: string) => idp(server.url, 'ResendConfirmationCode', { ClientId: p.clientId, Username });
      const unknown = await resend(pool, 'nobody-to-resend');
      assert.equal(unknown.status, 200);
      assert.doesNotMatch(unknown.json.CodeDeliveryDetails.Destination, /@e\*\*\*$/, 'not the example.com stand-in');
      const known = await resend(pool, 'alice');
      assertLikeUnknown(known, unknown, 'ResendConfirmationCode alice');
      assert.deepEqual((await resend(pool, 'alice')).json, known.json, 'stable');
      const old = await resend(legacy, 'alice');
      assert.equal(old.json.__type, 'InvalidParameterException');
    });

    it('ResendConfirmationCode: an unconfirmed user past the hourly cap answers like an unknown name, not LimitExceeded', async () => {
      const resend = (p: Pool, Username: string) => idp(server.url, 'ResendConfirmationCode', { ClientId: p.clientId, Username });
      await signUp(server, pool, 'ursula', 'ursula@example.com');
      await signUp(server, legacy, 'ursula', 'ursula@example.com');
      const unknown = await resend(pool, 'nobody-resent-often');
      for (let i = 0; i < 25; i++) assertLikeUnknown(await resend(pool, 'ursula'), unknown, `ResendConfirmationCode ursula #${i + 1}`);
      // LEGACY says so.
      let limited: Raw | undefined;
      for (let i = 0; i < 25 && !limited; i++) {
        const res = await resend(legacy, 'ursula');
        if (res.status !== 200) limited = res;
      }
      assert.equal(limited?.json.__type, 'LimitExceededException');
      await codes.skipAll(pool.poolId);
      await codes.skipAll(legacy.poolId);
    });
  });
}
