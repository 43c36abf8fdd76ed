/**
 * MobileClient's remembered devices against a real Cognate server: signIn confirms a new device by
 * itself (ConfirmDevice with a device verifier) and reports ConfirmDevice's UserConfirmationNecessary
 * as `newDevice` (true when the pool asks the user first, false when it always remembers),
 * deviceOperations get / updateStatus / list (paged)
 * / forget, a remembered device signs in through DEVICE_SRP_AUTH → DEVICE_PASSWORD_VERIFIER
 * without MFA — also from a new client on the same storage — and a forgotten device brings MFA
 * back; a device the server no longer knows is dropped and the sign-in goes on without it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AdminForgetDeviceCommand, AdminGetDeviceCommand, SetUserPoolMfaConfigCommand } from '@aws-sdk/client-cognito-identity-provider';
import { failure as sdkFailure } from '../../server/test/support/server.js';
import { MemoryStorage, UserState, type MobileClient } from '../src/index.js';
import { PASSWORD, advance, clientFor, createPool, databaseKinds, failure, recordingFetch, signedUpUser, startTestServer, totp, type TestPool, type TestServer } from './support.js';

const DEVICE_MISSING = { name: 'ResourceNotFoundException', message: 'Device does not exist.' };
const DEVICE_SRP = ['RespondToAuthChallenge:DEVICE_SRP_AUTH', 'RespondToAuthChallenge:DEVICE_PASSWORD_VERIFIER'];

for (const kind of databaseKinds) {
  describe(`MobileClient devices (${kind})`, () => {
    let server: TestServer;
    let pool: TestPool;

    before(async () => {
      server = await startTestServer(kind);
      // Devices are remembered when the user says so, and a remembered device stands in for MFA.
      pool = await createPool(server, {}, undefined, { DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true } });
      await server.admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId, MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true } }));
    });
    after(() => server.stop());

    /** A TOTP code for now; the clock then moves a step on so no code is used twice. */
    function code(secret: string): string {
      const c = totp(secret, server.clock.now());
      advance(server, 30_000);
      return c;
    }

    async function deviceKeyOf(client: MobileClient): Promise<string> {
      const key = (await client.getTokens()).accessToken.claims.device_key;
      assert.equal(typeof key, 'string', 'the access token names the device');
      return key as string;
    }

    it('signIn confirms the new device; MFA until it is remembered; then DEVICE_SRP_AUTH without MFA, also after a restart on the same storage; forget() → MFA again', async () => {
      const storage = new MemoryStorage();
      const rec = recordingFetch();
      const client = clientFor(server, { storage, fetch: rec.fetch, deviceName: 'Test phone' });
      await client.initialize(pool.config);
      await signedUpUser(server, pool, client, 'dana');
      rec.actions.length = 0;
      const first = await client.signIn({ username: 'dana', password: PASSWORD });
      assert.equal(first.signInState, 'signedIn');
      assert.deepEqual(rec.actions, ['InitiateAuth:USER_SRP_AUTH', 'RespondToAuthChallenge:PASSWORD_VERIFIER', 'ConfirmDevice']);
      const deviceKey = await deviceKeyOf(client);
      assert.match(deviceKey, /^us-east-1_[0-9a-f-]{36}$/);
      assert.deepEqual(first.newDevice, { deviceKey, userConfirmationNecessary: true }, 'DeviceOnlyRememberedOnUserPrompt: the app is to ask the user');

      const me = await client.deviceOperations.get();
      assert.equal(me.deviceKey, deviceKey);
      assert.equal(me.attributes.device_name, 'Test phone');
      assert.equal(me.attributes['dev:device_remembered_status'], 'not_remembered', 'DeviceOnlyRememberedOnUserPrompt: not yet');
      assert.ok(me.createDate instanceof Date && me.createDate.getTime() > 0);

      // TOTP for the user, through the client.
      const secret = await client.associateSoftwareToken();
      await client.verifySoftwareToken(code(secret));
      await client.setUserMFAPreference({ softwareToken: { enabled: true, preferred: true } });
      await client.signOut();
      assert.equal(client.currentUserState, UserState.signedOut);

      // Not remembered: MFA, then the device proves itself (no new device).
      rec.actions.length = 0;
      assert.equal((await client.signIn({ username: 'dana', password: PASSWORD })).signInState, 'softwareTokenMFA');
      assert.deepEqual(await client.confirmSignIn(code(secret)), { signInState: 'signedIn', parameters: {} }, 'a known device: no newDevice');
      assert.deepEqual(rec.actions, ['InitiateAuth:USER_SRP_AUTH', 'RespondToAuthChallenge:PASSWORD_VERIFIER', 'RespondToAuthChallenge:SOFTWARE_TOKEN_MFA', ...DEVICE_SRP]);
      assert.equal(await deviceKeyOf(client), deviceKey);

      await client.deviceOperations.updateStatus({ remembered: true });
      assert.equal((await client.deviceOperations.get()).attributes['dev:device_remembered_status'], 'remembered');

      // A refresh keeps the device.
      advance(server, 61 * 60_000);
      rec.actions.length = 0;
      assert.equal(await deviceKeyOf(client), deviceKey);
      assert.deepEqual(rec.actions, ['InitiateAuth:REFRESH_TOKEN_AUTH']);

      // The app restarts: a new client on the same storage; signing in again skips MFA.
      const rec2 = recordingFetch();
      const restarted = clientFor(server, { storage, fetch: rec2.fetch });
      assert.equal(await restarted.initialize(pool.config), UserState.signedIn);
      await restarted.signOut();
      const signedIn = await restarted.signIn({ username: 'dana', password: PASSWORD });
      assert.equal(signedIn.signInState, 'signedIn', 'no MFA on a remembered device');
      assert.deepEqual(rec2.actions, ['InitiateAuth:USER_SRP_AUTH', 'RespondToAuthChallenge:PASSWORD_VERIFIER', ...DEVICE_SRP]);
      assert.equal(await deviceKeyOf(restarted), deviceKey);
      assert.ok((await restarted.deviceOperations.get()).lastAuthenticatedDate instanceof Date);

      // Forgotten: gone at the server and here; the next sign-in meets MFA and brings a new device.
      await restarted.deviceOperations.forget();
      assert.deepEqual(await sdkFailure(() => server.admin.send(new AdminGetDeviceCommand({ UserPoolId: pool.poolId, Username: 'dana', DeviceKey: deviceKey }))), DEVICE_MISSING);
      assert.equal((await failure(() => restarted.deviceOperations.get())).code, 'deviceNotRemembered');
      await restarted.signOut();
      rec2.actions.length = 0;
      assert.equal((await restarted.signIn({ username: 'dana', password: PASSWORD })).signInState, 'softwareTokenMFA');
      const afterMfa = await restarted.confirmSignIn(code(secret));
      assert.equal(afterMfa.signInState, 'signedIn');
      assert.deepEqual(rec2.actions, ['InitiateAuth:USER_SRP_AUTH', 'RespondToAuthChallenge:PASSWORD_VERIFIER', 'RespondToAuthChallenge:SOFTWARE_TOKEN_MFA', 'ConfirmDevice']);
      const newKey = await deviceKeyOf(restarted);
      assert.notEqual(newKey, deviceKey);
      assert.deepEqual(afterMfa.newDevice, { deviceKey: newKey, userConfirmationNecessary: true }, 'confirmSignIn reports the new device too');

      // not_remembered again: MFA comes back even with the device.
      await restarted.deviceOperations.updateStatus({ remembered: true });
      await restarted.deviceOperations.updateStatus({ remembered: false });
      await restarted.signOut();
      assert.equal((await restarted.signIn({ username: 'dana', password: PASSWORD })).signInState, 'softwareTokenMFA');
    });

    it('a pool that always remembers devices: newDevice.userConfirmationNecessary is false and the device is remembered at once, so the next sign-in skips MFA', async () => {
      const always = await createPool(server, {}, undefined, { DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: false } });
      await server.admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: always.poolId, MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true } }));
      const rec = recordingFetch();
      const client = clientFor(server, { fetch: rec.fetch });
      await client.initialize(always.config);
      await signedUpUser(server, always, client, 'abby');
      const first = await client.signIn({ username: 'abby', password: PASSWORD });
      const deviceKey = await deviceKeyOf(client);
      assert.deepEqual(first.newDevice, { deviceKey, userConfirmationNecessary: false });
      assert.equal((await client.deviceOperations.get()).attributes['dev:device_remembered_status'], 'remembered', 'no prompt needed');

      const secret = await client.associateSoftwareToken();
      await client.verifySoftwareToken(code(secret));
      await client.setUserMFAPreference({ softwareToken: { enabled: true, preferred: true } });
      await client.signOut();
      rec.actions.length = 0;
      assert.deepEqual(await client.signIn({ username: 'abby', password: PASSWORD }), { signInState: 'signedIn', parameters: {} }, 'the remembered device stands in for MFA');
      assert.deepEqual(rec.actions, ['InitiateAuth:USER_SRP_AUTH', 'RespondToAuthChallenge:PASSWORD_VERIFIER', ...DEVICE_SRP]);
    });

    it('list({ limit, paginationToken }) pages through every device of the user', async () => {
      const clients: MobileClient[] = [];
      for (let i = 0; i < 3; i++) {
        const client = clientFor(server, { deviceName: `device ${i}` });
        await client.initialize(pool.config);
        if (i === 0) await signedUpUser(server, pool, client, 'lots');
        assert.equal((await client.signIn({ username: 'lots', password: PASSWORD })).signInState, 'signedIn');
        clients.push(client);
        advance(server, 1000);
      }
      const keys = await Promise.all(clients.map(deviceKeyOf));
      assert.equal(new Set(keys).size, 3, 'one device per client');

      const first = await clients[0]!.deviceOperations.list({ limit: 2 });
      assert.equal(first.devices.length, 2);
      assert.ok(first.paginationToken);
      const second = await clients[0]!.deviceOperations.list({ limit: 2, paginationToken: first.paginationToken! });
      assert.equal(second.devices.length, 1);
      assert.equal(second.paginationToken, undefined);
      assert.deepEqual([...first.devices, ...second.devices].map((d) => d.deviceKey).sort(), [...keys].sort());
      const all = await clients[1]!.deviceOperations.list();
      assert.deepEqual(all.devices.map((d) => d.attributes.device_name).sort(), ['device 0', 'device 1', 'device 2']);
      assert.equal((await failure(() => clients[0]!.deviceOperations.list({ limit: 61 }))).code, 'invalidParameter');
      assert.equal((await failure(() => clients[0]!.deviceOperations.list({ paginationToken: 'forged-token' }))).code, 'invalidParameter');
    });

    it('a device the server forgot is dropped, and the sign-in goes on without it', async () => {
      const rec = recordingFetch();
      const client = clientFor(server, { fetch: rec.fetch });
      await client.initialize(pool.config);
      await signedUpUser(server, pool, client, 'dora');
      await client.signIn({ username: 'dora', password: PASSWORD });
      const deviceKey = await deviceKeyOf(client);
      await server.admin.send(new AdminForgetDeviceCommand({ UserPoolId: pool.poolId, Username: 'dora', DeviceKey: deviceKey }));
      await client.signOut();
      rec.actions.length = 0;
      assert.equal((await client.signIn({ username: 'dora', password: PASSWORD })).signInState, 'signedIn');
      // The PASSWORD_VERIFIER naming the old key hears "Device does not exist."; the client signs in again without it.
      assert.deepEqual(rec.actions, ['InitiateAuth:USER_SRP_AUTH', 'RespondToAuthChallenge:PASSWORD_VERIFIER', 'InitiateAuth:USER_SRP_AUTH', 'RespondToAuthChallenge:PASSWORD_VERIFIER', 'ConfirmDevice']);
      const newKey = await deviceKeyOf(client);
      assert.notEqual(newKey, deviceKey);
      assert.equal((await client.deviceOperations.get()).deviceKey, newKey);
    });

    for (const refreshFlow of ['REFRESH_TOKEN_AUTH', 'GetTokensFromRefreshToken'] as const) {
      it(`a refresh (${refreshFlow}) naming a device the server forgot drops the device and refreshes without it`, async () => {
        const rec = recordingFetch();
        const client = clientFor(server, { fetch: rec.fetch, refreshFlow });
        await client.initialize(pool.config);
        const username = `rhea-${refreshFlow.length}`;
        await signedUpUser(server, pool, client, username);
        await client.signIn({ username, password: PASSWORD });
        const deviceKey = await deviceKeyOf(client);
        await server.admin.send(new AdminForgetDeviceCommand({ UserPoolId: pool.poolId, Username: username, DeviceKey: deviceKey }));
        advance(server, 61 * 60_000);
        rec.actions.length = 0;
        const tokens = await client.getTokens();
        assert.ok(tokens.expiration.getTime() > server.clock.now(), 'fresh tokens');
        assert.equal(tokens.accessToken.claims.device_key, undefined);
        const action = refreshFlow === 'REFRESH_TOKEN_AUTH' ? 'InitiateAuth:REFRESH_TOKEN_AUTH' : 'GetTokensFromRefreshToken';
        assert.deepEqual(rec.actions, [action, action], 'refused with the key, then refreshed without it');
        assert.equal(client.currentUserState, UserState.signedIn);
        assert.equal((await failure(() => client.deviceOperations.get())).code, 'deviceNotRemembered', 'the key is dropped here too');
      });
    }

    it('device operations need a signed-in user, and a pool that tracks devices', async () => {
      const client = clientFor(server);
      await client.initialize(pool.config);
      assert.equal((await failure(() => client.deviceOperations.list())).code, 'notSignedIn');
      assert.equal((await failure(() => client.deviceOperations.get())).code, 'notSignedIn');

      const untracked = await createPool(server);
      const other = clientFor(server);
      await other.initialize(untracked.config);
      await signedUpUser(server, untracked, other, 'ursula');
      const rec = recordingFetch();
      const watched = clientFor(server, { fetch: rec.fetch });
      await watched.initialize(untracked.config);
      await watched.signIn({ username: 'ursula', password: PASSWORD });
      assert.ok(!rec.actions.includes('ConfirmDevice'), 'no NewDeviceMetadata, nothing to confirm');
      assert.equal((await watched.getTokens()).accessToken.claims.device_key, undefined);
      assert.equal((await failure(() => watched.deviceOperations.get())).code, 'deviceNotRemembered');
      assert.equal((await failure(() => watched.deviceOperations.updateStatus({ remembered: true }))).code, 'deviceNotRemembered');
      assert.equal((await failure(() => watched.deviceOperations.forget())).code, 'deviceNotRemembered');
      assert.deepEqual((await watched.deviceOperations.list()).devices, []);
    });
  });
}
