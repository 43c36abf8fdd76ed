/**
 * Issue 10, item 3: a DEVICE_PASSWORD_VERIFIER answer (DEVICE_KEY, PASSWORD_CLAIM_SECRET_BLOCK,
 * PASSWORD_CLAIM_SIGNATURE, TIMESTAMP) signs in once. The server's side of the exchange (b, B, A)
 * comes from the Session issued with the DEVICE_PASSWORD_VERIFIER challenge, so the answer is
 * refused without that Session, with another sign-in's Session, and a second time with it — also
 * in an MFA-ON pool, where a remembered device stands in for MFA and a replay would be tokens with
 * no factor at all. The device proof is computed by hand with the test SRP client, as in
 * test/e2e/devices.test.ts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  ConfirmDeviceCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SetUserPoolMfaConfigCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { computePasswordClaim, createDeviceSecretVerifierConfig, generateClientEphemeral, generateDevicePassword } from '../../support/srp-client.js';
import { formatTimestamp } from '../../../src/crypto/srp.js';
import { databaseKinds } from '../../support/postgres.js';
import { LEAKED_INTERNALS, idp, startTestServer, type TestServer } from '../../support/server.js';
import { PASSWORD, claims, fails, newPool, type Pool } from './helpers.js';

const INVALID_SESSION = { name: 'NotAuthorizedException', message: 'Invalid session for the user.' };
const USED_SESSION = { name: 'NotAuthorizedException', message: 'Invalid session for the user, session can only be used once.' };

interface Device {
  key: string;
  group: string;
  password: string;
}

for (const kind of databaseKinds) {
  describe(`device SRP answers can't be replayed (issue 10 item 3) (${kind})`, () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer(kind);
    });
    after(() => server.stop());

    const passwordAuth = (pool: Pool, USERNAME: string, extra: Record<string, string> = {}) =>
      server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: pool.clientId, AuthParameters: { USERNAME, PASSWORD, ...extra } }));
    const respond = (pool: Pool, ChallengeName: string, Session: string | undefined, ChallengeResponses: Record<string, string>) =>
      server.anonymous.send(new RespondToAuthChallengeCommand({ ClientId: pool.clientId, ChallengeName: ChallengeName as never, Session, ChallengeResponses }));

    /** A pool whose remembered devices stand in for MFA (remembered on ConfirmDevice). */
    const devicePool = () => newPool(server, { DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: false } }, { PreventUserExistenceErrors: 'ENABLED' });

    /** A user with a confirmed, remembered device. */
    async function userWithDevice(pool: Pool, username: string): Promise<Device> {
      await server.admin.send(new AdminCreateUserCommand({ UserPoolId: pool.poolId, Username: username, MessageAction: 'SUPPRESS' }));
      await server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.poolId, Username: username, Password: PASSWORD, Permanent: true }));
      const signedIn = (await passwordAuth(pool, username)).AuthenticationResult!;
      const meta = signedIn.NewDeviceMetadata!;
      const password = generateDevicePassword();
      await server.anonymous.send(
        new ConfirmDeviceCommand({ AccessToken: signedIn.AccessToken!, DeviceKey: meta.DeviceKey!, DeviceSecretVerifierConfig: createDeviceSecretVerifierConfig(meta.DeviceGroupKey!, meta.DeviceKey!, password) }),
      );
      return { key: meta.DeviceKey!, group: meta.DeviceGroupKey!, password };
    }

    /** Password, DEVICE_SRP_AUTH, and a correct DEVICE_PASSWORD_VERIFIER answer with the Session it came with. */
    async function deviceAnswer(pool: Pool, username: string, device: Device) {
      const start = await passwordAuth(pool, username, { DEVICE_KEY: device.key });
      assert.equal(start.ChallengeName, 'DEVICE_SRP_AUTH', 'the remembered device stands in for MFA');
      const { a, A } = generateClientEphemeral();
      const challenge = await respond(pool, 'DEVICE_SRP_AUTH', start.Session, { USERNAME: username, DEVICE_KEY: device.key, SRP_A: A });
      assert.equal(challenge.ChallengeName, 'DEVICE_PASSWORD_VERIFIER');
      const c = challenge.ChallengeParameters!;
      const timestamp = formatTimestamp(new Date(server.clock.now()));
      const signature = computePasswordClaim({ poolName: device.group, userId: device.key, password: device.password, a, A, B: c.SRP_B!, salt: c.SALT!, secretBlock: c.SECRET_BLOCK!, timestamp });
      return {
        session: challenge.Session!,
        responses: { USERNAME: c.USERNAME!, DEVICE_KEY: device.key, PASSWORD_CLAIM_SECRET_BLOCK: c.SECRET_BLOCK!, PASSWORD_CLAIM_SIGNATURE: signature, TIMESTAMP: timestamp },
      };
    }

    it('replay: without its Session, with a forged one, and a second time with it, the answer is refused', async () => {
      const pool = await devicePool();
      const device = await userWithDevice(pool, 'replayed');
      const { session, responses } = await deviceAnswer(pool, 'replayed', device);
      assert.deepEqual(await fails(() => respond(pool, 'DEVICE_PASSWORD_VERIFIER', undefined, responses)), INVALID_SESSION, 'no Session');
      assert.deepEqual(await fails(() => respond(pool, 'DEVICE_PASSWORD_VERIFIER', 'q'.repeat(60), responses)), INVALID_SESSION, 'a forged Session');
      const tokens = await respond(pool, 'DEVICE_PASSWORD_VERIFIER', session, responses);
      assert.equal(claims(tokens.AuthenticationResult!.AccessToken!).device_key, device.key, 'the first answer signs in');
      assert.deepEqual(await fails(() => respond(pool, 'DEVICE_PASSWORD_VERIFIER', session, responses)), USED_SESSION, 'the same answer with its Session');
      assert.deepEqual(await fails(() => respond(pool, 'DEVICE_PASSWORD_VERIFIER', undefined, responses)), INVALID_SESSION, 'the same answer without it');
    });

    it('replay in parallel: of 10 copies of one answer, exactly one signs in', async () => {
      const pool = await devicePool();
      const device = await userWithDevice(pool, 'burst');
      const { session, responses } = await deviceAnswer(pool, 'burst', device);
      const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => respond(pool, 'DEVICE_PASSWORD_VERIFIER', session, responses)));
      assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
      for (const o of outcomes) if (o.status === 'rejected') assert.equal((o.reason as Error).message, USED_SESSION.message);
    });

    it('an MFA-ON pool: a replayed device answer gets no tokens (the device stood in for MFA once)', async () => {
      const pool = await devicePool();
      const device = await userWithDevice(pool, 'mfa-on');
      await server.admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId, MfaConfiguration: 'ON', SoftwareTokenMfaConfiguration: { Enabled: true } }));
      const { session, responses } = await deviceAnswer(pool, 'mfa-on', device);
      assert.ok((await respond(pool, 'DEVICE_PASSWORD_VERIFIER', session, responses)).AuthenticationResult?.AccessToken);
      for (const again of [session, undefined]) {
        const refused = await fails(() => respond(pool, 'DEVICE_PASSWORD_VERIFIER', again, responses));
        assert.equal(refused.name, 'NotAuthorizedException', `replayed ${again ? 'with' : 'without'} its Session`);
      }
    });

    it("a Session from another user's device sign-in doesn't carry this answer", async () => {
      const pool = await devicePool();
      const alice = await userWithDevice(pool, 'alice');
      const bob = await userWithDevice(pool, 'bob');
      const fromAlice = await deviceAnswer(pool, 'alice', alice);
      const fromBob = await deviceAnswer(pool, 'bob', bob);
      assert.deepEqual(await fails(() => respond(pool, 'DEVICE_PASSWORD_VERIFIER', fromBob.session, fromAlice.responses)), INVALID_SESSION, "alice's answer, bob's Session");
      assert.deepEqual(await fails(() => respond(pool, 'DEVICE_PASSWORD_VERIFIER', fromAlice.session, fromBob.responses)), INVALID_SESSION, "bob's answer, alice's Session");
      // A second sign-in of the same user and device is another exchange too.
      const again = await deviceAnswer(pool, 'alice', alice);
      assert.deepEqual(await fails(() => respond(pool, 'DEVICE_PASSWORD_VERIFIER', again.session, fromAlice.responses)), INVALID_SESSION, "an earlier answer with a later Session");
      // Each answer still signs in with its own Session.
      assert.equal(claims((await respond(pool, 'DEVICE_PASSWORD_VERIFIER', fromAlice.session, fromAlice.responses)).AuthenticationResult!.AccessToken!).username, 'alice');
      assert.equal(claims((await respond(pool, 'DEVICE_PASSWORD_VERIFIER', fromBob.session, fromBob.responses)).AuthenticationResult!.AccessToken!).username, 'bob');
    });

    it('wrong types in the answer and the Session are refused with a 400, no internals', async () => {
      const pool = await devicePool();
      const device = await userWithDevice(pool, 'types');
      const { session, responses } = await deviceAnswer(pool, 'types', device);
      for (const input of [
        { Session: 12345, ChallengeResponses: responses },
        { Session: session, ChallengeResponses: { ...responses, PASSWORD_CLAIM_SIGNATURE: null } },
        { Session: session, ChallengeResponses: { ...responses, PASSWORD_CLAIM_SECRET_BLOCK: ['x'] } },
        { Session: session, ChallengeResponses: { ...responses, DEVICE_KEY: { k: 1 } } },
        { Session: session, ChallengeResponses: null },
      ]) {
        const res = await idp(server.url, 'RespondToAuthChallenge', { ClientId: pool.clientId, ChallengeName: 'DEVICE_PASSWORD_VERIFIER', ...input });
        assert.equal(res.status, 400, JSON.stringify(res.json));
        assert.doesNotMatch(JSON.stringify(res.json), LEAKED_INTERNALS);
      }
      assert.ok((await respond(pool, 'DEVICE_PASSWORD_VERIFIER', session, responses)).AuthenticationResult?.AccessToken, 'the untouched answer still signs in once');
    });
  });
}
