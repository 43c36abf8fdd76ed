/**
 * Remembered devices with real clients: amazon-cognito-identity-js confirms the device after an
 * MFA sign-in, remembers it, signs in again through DEVICE_SRP_AUTH → DEVICE_PASSWORD_VERIFIER
 * without MFA, refreshes with DEVICE_KEY, forgets it and meets MFA again; the AWS SDK drives the
 * Admin* device actions, pagination, global sign-out and bad input.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminForgetDeviceCommand,
  AdminGetDeviceCommand,
  AdminListDevicesCommand,
  AdminSetUserMFAPreferenceCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateDeviceStatusCommand,
  AdminUserGlobalSignOutCommand,
  AssociateSoftwareTokenCommand,
  ConfirmDeviceCommand,
  ForgetDeviceCommand,
  GetDeviceCommand,
  InitiateAuthCommand,
  ListDevicesCommand,
  RespondToAuthChallengeCommand,
  SetUserPoolMfaConfigCommand,
  UpdateDeviceStatusCommand,
  VerifySoftwareTokenCommand,
  type DeviceType,
} from '@aws-sdk/client-cognito-identity-provider';
import { AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession, type ICognitoStorage } from 'amazon-cognito-identity-js';
import { computePasswordClaim, createDeviceSecretVerifierConfig, generateClientEphemeral, generateDevicePassword } from '../support/srp-client.js';
import { formatTimestamp } from '../../src/crypto/srp.js';
import { totp } from '../support/mfa.js';
import { databaseKinds } from '../support/postgres.js';
import { failure, startTestServer, type TestServer } from '../support/server.js';
import { claims, newPool, type Pool } from './security/helpers.js';

const PASSWORD = 'Corr3ct-Horse!';
const DEVICE_MISSING = { name: 'ResourceNotFoundException', message: 'Device does not exist.' };

/** A browser's localStorage, one per simulated device. */
class MemoryStorage implements ICognitoStorage {
  private readonly items = new Map<string, string>();
  setItem(key: string, value: string) {
    this.items.set(key, String(value));
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  clear() {
    this.items.clear();
  }
}

type Outcome = { kind: 'success'; session: CognitoUserSession; confirmationNecessary?: boolean } | { kind: 'totp' | 'sms' | 'other' };

function callbacks(resolve: (o: Outcome) => void, reject: (e: unknown) => void) {
  return {
    onSuccess: (session: CognitoUserSession, confirmationNecessary?: boolean) => resolve({ kind: 'success', session, ...(confirmationNecessary !== undefined ? { confirmationNecessary } : {}) }),
    onFailure: reject,
    totpRequired: () => resolve({ kind: 'totp' }),
    mfaRequired: () => resolve({ kind: 'sms' }),
    newPasswordRequired: () => resolve({ kind: 'other' }),
    mfaSetup: () => resolve({ kind: 'other' }),
  };
}

function jsSignIn(pool: CognitoUserPool, username: string) {
  const user = new CognitoUser({ Username: username, Pool: pool, Storage: (pool as unknown as { storage: ICognitoStorage }).storage });
  const result = new Promise<Outcome>((resolve, reject) => user.authenticateUser(new AuthenticationDetails({ Username: username, Password: PASSWORD }), callbacks(resolve, reject)));
  return { user, result };
}

const jsTotp = (user: CognitoUser, code: string) => new Promise<Outcome>((resolve, reject) => user.sendMFACode(code, callbacks(resolve, reject), 'SOFTWARE_TOKEN_MFA'));
const jsCall = <T>(fn: (cb: { onSuccess: (r: T) => void; onFailure: (e: unknown) => void }) => void) => new Promise<T>((resolve, reject) => fn({ onSuccess: resolve, onFailure: reject }));
const attribute = (device: DeviceType | undefined, name: string) => device?.DeviceAttributes?.find((a) => a.Name === name)?.Value;

for (const kind of databaseKinds) {
  describe(`devices (${kind})`, () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer(kind);
    });
    after(() => server.stop());

    async function user(pool: Pool, username: string) {
      await server.admin.send(new AdminCreateUserCommand({ UserPoolId: pool.poolId, Username: username, MessageAction: 'SUPPRESS' }));
      await server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.poolId, Username: username, Password: PASSWORD, Permanent: true }));
    }
    const passwordAuth = (pool: Pool, USERNAME: string, extra: Record<string, string> = {}) =>
      server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: pool.clientId, AuthParameters: { USERNAME, PASSWORD, ...extra } }));

    /** A pool tracking devices (remembered on the user's say-so, standing in for MFA) with optional TOTP, and a user with TOTP. */
    async function mfaDevicePool(username: string, config = { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true }) {
      const pool = await newPool(server, { DeviceConfiguration: config });
      await server.admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId, MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true } }));
      await user(pool, username);
      const first = await passwordAuth(pool, username);
      const token = first.AuthenticationResult!.AccessToken!;
      const { SecretCode } = await server.anonymous.send(new AssociateSoftwareTokenCommand({ AccessToken: token }));
      await server.anonymous.send(new VerifySoftwareTokenCommand({ AccessToken: token, UserCode: totp(SecretCode!, server.clock.now()) }));
      await server.admin.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: pool.poolId, Username: username, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }));
      server.clock.advance(30_000);
      return { pool, secret: SecretCode!, jsPool: () => new CognitoUserPool({ UserPoolId: pool.poolId, ClientId: pool.clientId, endpoint: server.url + '/', Storage: new MemoryStorage() }) };
    }

    it('amazon-cognito-identity-js: MFA, ConfirmDevice, remember, device SRP without MFA, refresh, forget, MFA again', async () => {
      const { pool, secret, jsPool: newJsPool } = await mfaDevicePool('dana');
      const jsPool = newJsPool();
      const first = jsSignIn(jsPool, 'dana');
      assert.equal((await first.result).kind, 'totp');
      const signedIn = await jsTotp(first.user, totp(secret, server.clock.now()));
      server.clock.advance(30_000);
      assert.equal(signedIn.kind, 'success');
      assert.equal(signedIn.kind === 'success' && signedIn.confirmationNecessary, true, 'DeviceOnlyRememberedOnUserPrompt: the user is asked');
      const session = (signedIn as { session: CognitoUserSession }).session;
      const deviceKey = session.getAccessToken().payload.device_key as string;
      assert.match(deviceKey, /^us-east-1_[0-9a-f-]{36}$/);

      const fetched = (await jsCall<unknown>((cb) => first.user.getDevice(cb as never))) as { Device: DeviceType };
      assert.equal(fetched.Device.DeviceKey, deviceKey);
      assert.equal(attribute(fetched.Device, 'dev:device_remembered_status'), 'not_remembered');
      assert.equal(attribute(fetched.Device, 'device_status'), 'valid');
      assert.ok(attribute(fetched.Device, 'device_name'));

      // Not remembered yet: MFA again, then the device proves itself.
      const notYet = jsSignIn(jsPool, 'dana');
      assert.equal((await notYet.result).kind, 'totp');
      const viaDevice = await jsTotp(notYet.user, totp(secret, server.clock.now()));
      server.clock.advance(30_000);
      assert.equal(viaDevice.kind, 'success');
      assert.equal((viaDevice as { session: CognitoUserSession }).session.getAccessToken().payload.device_key, deviceKey);

      await jsCall((cb) => notYet.user.setDeviceStatusRemembered(cb));
      const listed = await jsCall<{ Devices: DeviceType[] }>((cb) => notYet.user.listDevices(10, null, cb));
      assert.deepEqual(listed.Devices.map((d) => d.DeviceKey), [deviceKey]);
      assert.equal(attribute(listed.Devices[0], 'dev:device_remembered_status'), 'remembered');

      // Remembered: straight through DEVICE_SRP_AUTH, no MFA.
      const remembered = jsSignIn(jsPool, 'dana');
      const outcome = await remembered.result;
      assert.equal(outcome.kind, 'success', 'no MFA on a remembered device');
      const deviceSession = (outcome as { session: CognitoUserSession }).session;
      assert.equal(deviceSession.getAccessToken().payload.device_key, deviceKey);
      const last = await server.admin.send(new AdminGetDeviceCommand({ UserPoolId: pool.poolId, Username: 'dana', DeviceKey: deviceKey }));
      assert.ok(last.Device?.DeviceLastAuthenticatedDate);

      // Refresh sends DEVICE_KEY; the new access token keeps the device.
      server.clock.advance(5_000);
      const refreshed = await new Promise<CognitoUserSession>((resolve, reject) => remembered.user.refreshSession(deviceSession.getRefreshToken(), (err: Error | null, s: CognitoUserSession) => (err ? reject(err) : resolve(s))));
      assert.equal(refreshed.getAccessToken().payload.device_key, deviceKey);
      assert.notEqual(refreshed.getAccessToken().getJwtToken(), deviceSession.getAccessToken().getJwtToken());

      // Forgotten: the next sign-in meets MFA again and gets a new device.
      await jsCall((cb) => remembered.user.forgetDevice(cb));
      assert.deepEqual(await failure(() => server.admin.send(new AdminGetDeviceCommand({ UserPoolId: pool.poolId, Username: 'dana', DeviceKey: deviceKey }))), DEVICE_MISSING);
      const afterForget = jsSignIn(jsPool, 'dana');
      assert.equal((await afterForget.result).kind, 'totp');
      const fresh = await jsTotp(afterForget.user, totp(secret, server.clock.now()));
      server.clock.advance(30_000);
      const newKey = (fresh as { session: CognitoUserSession }).session.getAccessToken().payload.device_key;
      assert.ok(newKey && newKey !== deviceKey);
    });

    it('a device the server forgot: amazon-cognito-identity-js drops it on "Device does not exist." and signs in with MFA', async () => {
      const { pool, secret, jsPool: newJsPool } = await mfaDevicePool('dora', { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: false });
      const jsPool = newJsPool();
      const first = jsSignIn(jsPool, 'dora');
      assert.equal((await first.result).kind, 'totp');
      const ok = await jsTotp(first.user, totp(secret, server.clock.now()));
      server.clock.advance(30_000);
      assert.equal(ok.kind === 'success' && ok.confirmationNecessary, undefined, 'remembered at once');
      const deviceKey = (ok as { session: CognitoUserSession }).session.getAccessToken().payload.device_key as string;
      // Remembered at once (DeviceOnlyRememberedOnUserPrompt false): the next sign-in skips MFA.
      assert.equal((await jsSignIn(jsPool, 'dora').result).kind, 'success');

      await server.admin.send(new AdminForgetDeviceCommand({ UserPoolId: pool.poolId, Username: 'dora', DeviceKey: deviceKey }));
      const again = jsSignIn(jsPool, 'dora');
      assert.equal((await again.result).kind, 'totp');
      assert.deepEqual(await failure(() => passwordAuth(pool, 'dora', { DEVICE_KEY: deviceKey })), DEVICE_MISSING);
    });

    it('global sign-out stops remembered devices from skipping MFA', async () => {
      const { pool, secret, jsPool: newJsPool } = await mfaDevicePool('gabe', { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: false });
      const jsPool = newJsPool();
      const first = jsSignIn(jsPool, 'gabe');
      await first.result;
      const ok = await jsTotp(first.user, totp(secret, server.clock.now()));
      server.clock.advance(30_000);
      const deviceKey = (ok as { session: CognitoUserSession }).session.getAccessToken().payload.device_key as string;
      assert.equal((await jsSignIn(jsPool, 'gabe').result).kind, 'success');

      await server.admin.send(new AdminUserGlobalSignOutCommand({ UserPoolId: pool.poolId, Username: 'gabe' }));
      const device = await server.admin.send(new AdminGetDeviceCommand({ UserPoolId: pool.poolId, Username: 'gabe', DeviceKey: deviceKey }));
      assert.equal(attribute(device.Device, 'dev:device_remembered_status'), 'not_remembered');
      const afterSignOut = jsSignIn(jsPool, 'gabe');
      assert.equal((await afterSignOut.result).kind, 'totp');
      // MFA, then the still-tracked device proves itself.
      const viaDevice = await jsTotp(afterSignOut.user, totp(secret, server.clock.now()));
      server.clock.advance(30_000);
      assert.equal((viaDevice as { session: CognitoUserSession }).session.getAccessToken().payload.device_key, deviceKey);

      // The user's own GlobalSignOut does the same.
      await jsCall((cb) => afterSignOut.user.setDeviceStatusRemembered(cb));
      const remembered = jsSignIn(jsPool, 'gabe');
      assert.equal((await remembered.result).kind, 'success');
      await jsCall((cb) => remembered.user.globalSignOut(cb));
      assert.equal((await jsSignIn(jsPool, 'gabe').result).kind, 'totp');
    });

    it('a remembered device still needs MFA when ChallengeRequiredOnNewDevice is false', async () => {
      const { secret, jsPool: newJsPool } = await mfaDevicePool('hank', { ChallengeRequiredOnNewDevice: false, DeviceOnlyRememberedOnUserPrompt: false });
      const jsPool = newJsPool();
      const first = jsSignIn(jsPool, 'hank');
      await first.result;
      await jsTotp(first.user, totp(secret, server.clock.now()));
      server.clock.advance(30_000);
      assert.equal((await jsSignIn(jsPool, 'hank').result).kind, 'totp');
    });

    it('device SRP by hand: NewDeviceMetadata, ConfirmDevice, DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER, and their refusals', async () => {
      const pool = await newPool(server, { DeviceConfiguration: { ChallengeRequiredOnNewDevice: false, DeviceOnlyRememberedOnUserPrompt: false } });
      await user(pool, 'hand');
      const signedIn = await passwordAuth(pool, 'hand');
      const meta = signedIn.AuthenticationResult!.NewDeviceMetadata!;
      assert.match(meta.DeviceKey!, /^us-east-1_[0-9a-f-]{36}$/);
      assert.ok(meta.DeviceGroupKey);
      const token = signedIn.AuthenticationResult!.AccessToken!;
      assert.equal(claims(token).device_key, meta.DeviceKey);
      const password = generateDevicePassword();
      const config = createDeviceSecretVerifierConfig(meta.DeviceGroupKey!, meta.DeviceKey!, password);

      // ConfirmDevice's refusals come before the good call.
      const confirm = (input: Record<string, unknown>) => failure(() => server.anonymous.send(new ConfirmDeviceCommand({ AccessToken: token, DeviceKey: meta.DeviceKey!, ...input })));
      assert.equal((await confirm({})).name, 'InvalidParameterException');
      assert.equal((await confirm({ DeviceSecretVerifierConfig: { PasswordVerifier: 'not base64!', Salt: config.Salt } })).name, 'InvalidParameterException');
      assert.equal((await confirm({ DeviceSecretVerifierConfig: { PasswordVerifier: Buffer.from([1]).toString('base64'), Salt: config.Salt } })).name, 'InvalidParameterException');
      assert.deepEqual(await confirm({ DeviceKey: 'us-east-1_00000000-0000-0000-0000-000000000000', DeviceSecretVerifierConfig: config }), DEVICE_MISSING);
      assert.equal((await confirm({ DeviceKey: 'no-underscore', DeviceSecretVerifierConfig: config })).name, 'InvalidParameterException');
      assert.equal((await failure(() => server.anonymous.send(new ConfirmDeviceCommand({ AccessToken: 'bad', DeviceKey: meta.DeviceKey!, DeviceSecretVerifierConfig: config })))).name, 'NotAuthorizedException');
      const confirmed = await server.anonymous.send(new ConfirmDeviceCommand({ AccessToken: token, DeviceKey: meta.DeviceKey!, DeviceSecretVerifierConfig: config, DeviceName: 'laptop' }));
      assert.equal(confirmed.UserConfirmationNecessary, false);
      assert.equal((await confirm({ DeviceSecretVerifierConfig: config })).name, 'DeviceKeyExistsException');

      // A known device: no NewDeviceMetadata; DEVICE_SRP_AUTH instead of tokens.
      const start = await passwordAuth(pool, 'hand', { DEVICE_KEY: meta.DeviceKey! });
      assert.equal(start.ChallengeName, 'DEVICE_SRP_AUTH');
      assert.equal(start.AuthenticationResult, undefined);
      const respond = (ChallengeName: string, Session: string | undefined, ChallengeResponses: Record<string, string>) =>
        server.anonymous.send(new RespondToAuthChallengeCommand({ ClientId: pool.clientId, ChallengeName: ChallengeName as never, Session, ChallengeResponses }));
      const { a, A } = generateClientEphemeral();
      assert.deepEqual(await failure(() => respond('DEVICE_SRP_AUTH', start.Session, { USERNAME: 'hand', DEVICE_KEY: 'us-east-1_00000000-0000-0000-0000-000000000000', SRP_A: A })), DEVICE_MISSING);
      assert.equal((await failure(() => respond('DEVICE_SRP_AUTH', start.Session, { USERNAME: 'hand', DEVICE_KEY: meta.DeviceKey!, SRP_A: '00' }))).name, 'InvalidParameterException');
      assert.equal((await failure(() => respond('DEVICE_SRP_AUTH', 'q'.repeat(40), { USERNAME: 'hand', DEVICE_KEY: meta.DeviceKey!, SRP_A: A }))).name, 'NotAuthorizedException');
      assert.equal((await failure(() => respond('DEVICE_SRP_AUTH', start.Session, { USERNAME: 'hand', DEVICE_KEY: meta.DeviceKey! }))).name, 'InvalidParameterException');
      const challenge = await respond('DEVICE_SRP_AUTH', start.Session, { USERNAME: 'hand', DEVICE_KEY: meta.DeviceKey!, SRP_A: A });
      assert.equal(challenge.ChallengeName, 'DEVICE_PASSWORD_VERIFIER');
      const c = challenge.ChallengeParameters!;
      assert.equal(c.DEVICE_KEY, meta.DeviceKey);
      assert.equal(c.USERNAME, 'hand');
      const timestamp = formatTimestamp(new Date(server.clock.now()));
      const claim = (pw: string) => computePasswordClaim({ poolName: meta.DeviceGroupKey!, userId: meta.DeviceKey!, password: pw, a, A, B: c.SRP_B!, salt: c.SALT!, secretBlock: c.SECRET_BLOCK!, timestamp });
      const answer = (signature: string) => ({ USERNAME: 'hand', DEVICE_KEY: meta.DeviceKey!, PASSWORD_CLAIM_SECRET_BLOCK: c.SECRET_BLOCK!, PASSWORD_CLAIM_SIGNATURE: signature, TIMESTAMP: timestamp });
      assert.deepEqual(await failure(() => respond('DEVICE_PASSWORD_VERIFIER', challenge.Session, answer(claim('wrong device password')))), { name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
      assert.equal((await failure(() => respond('DEVICE_PASSWORD_VERIFIER', challenge.Session, { ...answer(claim(password)), TIMESTAMP: 'yesterday' }))).name, 'InvalidParameterException');
      assert.equal((await failure(() => respond('DEVICE_PASSWORD_VERIFIER', challenge.Session, { ...answer(claim(password)), PASSWORD_CLAIM_SECRET_BLOCK: 'garbage-block-garbage' }))).name, 'NotAuthorizedException');
      const tokens = await respond('DEVICE_PASSWORD_VERIFIER', challenge.Session, answer(claim(password)));
      assert.equal(claims(tokens.AuthenticationResult!.AccessToken!).device_key, meta.DeviceKey);
      assert.equal(tokens.AuthenticationResult!.NewDeviceMetadata, undefined);

      // Refresh: a DEVICE_KEY the user doesn't have is refused.
      const refresh = (DEVICE_KEY?: string) =>
        server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: pool.clientId, AuthParameters: { REFRESH_TOKEN: tokens.AuthenticationResult!.RefreshToken!, ...(DEVICE_KEY ? { DEVICE_KEY } : {}) } }));
      assert.equal(claims((await refresh(meta.DeviceKey!)).AuthenticationResult!.AccessToken!).device_key, meta.DeviceKey);
      assert.equal(claims((await refresh()).AuthenticationResult!.AccessToken!).device_key, meta.DeviceKey);
      assert.deepEqual(await failure(() => refresh('us-east-1_00000000-0000-0000-0000-000000000000')), DEVICE_MISSING);
      // Once the device is forgotten, refreshed tokens no longer name it, and naming it fails.
      await server.anonymous.send(new ForgetDeviceCommand({ AccessToken: tokens.AuthenticationResult!.AccessToken!, DeviceKey: meta.DeviceKey! }));
      assert.equal(claims((await refresh()).AuthenticationResult!.AccessToken!).device_key, undefined);
      assert.deepEqual(await failure(() => refresh(meta.DeviceKey!)), DEVICE_MISSING);
      // An unknown DEVICE_KEY at sign-in.
      assert.deepEqual(await failure(() => passwordAuth(pool, 'hand', { DEVICE_KEY: 'us-east-1_11111111-1111-1111-1111-111111111111' })), DEVICE_MISSING);
    });

    it('the device actions and their Admin variants, with pagination and bad input', async () => {
      const pool = await newPool(server, { DeviceConfiguration: { ChallengeRequiredOnNewDevice: false, DeviceOnlyRememberedOnUserPrompt: true } });
      await user(pool, 'lots');
      await user(pool, 'someone-else');
      const keys: string[] = [];
      let token = '';
      for (let i = 0; i < 3; i++) {
        const out = await passwordAuth(pool, 'lots');
        const meta = out.AuthenticationResult!.NewDeviceMetadata!;
        token = out.AuthenticationResult!.AccessToken!;
        const confirmed = await server.anonymous.send(
          new ConfirmDeviceCommand({ AccessToken: token, DeviceKey: meta.DeviceKey!, DeviceName: `device ${i}`, DeviceSecretVerifierConfig: createDeviceSecretVerifierConfig(meta.DeviceGroupKey!, meta.DeviceKey!, generateDevicePassword()) }),
        );
        assert.equal(confirmed.UserConfirmationNecessary, true);
        keys.push(meta.DeviceKey!);
        server.clock.advance(1000);
      }
      // An unconfirmed device isn't listed.
      await passwordAuth(pool, 'lots');
      const otherToken = (await passwordAuth(pool, 'someone-else')).AuthenticationResult!.AccessToken!;

      const seen: string[] = [];
      let next: string | undefined;
      do {
        const page = await server.anonymous.send(new ListDevicesCommand({ AccessToken: token, Limit: 2, PaginationToken: next }));
        seen.push(...page.Devices!.map((d) => d.DeviceKey!));
        next = page.PaginationToken;
      } while (next);
      assert.deepEqual(seen, keys);
      const adminSeen: string[] = [];
      do {
        const page = await server.admin.send(new AdminListDevicesCommand({ UserPoolId: pool.poolId, Username: 'lots', Limit: 1, PaginationToken: next }));
        adminSeen.push(...page.Devices!.map((d) => d.DeviceKey!));
        next = page.PaginationToken;
      } while (next);
      assert.deepEqual(adminSeen, keys);

      const got = await server.anonymous.send(new GetDeviceCommand({ AccessToken: token, DeviceKey: keys[1]! }));
      assert.equal(attribute(got.Device, 'device_name'), 'device 1');
      assert.equal(attribute(got.Device, 'dev:device_remembered_status'), 'not_remembered');
      await server.anonymous.send(new UpdateDeviceStatusCommand({ AccessToken: token, DeviceKey: keys[1]!, DeviceRememberedStatus: 'remembered' }));
      assert.equal(attribute((await server.admin.send(new AdminGetDeviceCommand({ UserPoolId: pool.poolId, Username: 'lots', DeviceKey: keys[1]! }))).Device, 'dev:device_remembered_status'), 'remembered');
      await server.admin.send(new AdminUpdateDeviceStatusCommand({ UserPoolId: pool.poolId, Username: 'lots', DeviceKey: keys[1]!, DeviceRememberedStatus: 'not_remembered' }));
      assert.equal(attribute((await server.anonymous.send(new GetDeviceCommand({ AccessToken: token, DeviceKey: keys[1]! }))).Device, 'dev:device_remembered_status'), 'not_remembered');

      // Another user's device does not exist for this one.
      assert.deepEqual(await failure(() => server.anonymous.send(new GetDeviceCommand({ AccessToken: otherToken, DeviceKey: keys[0]! }))), DEVICE_MISSING);
      assert.deepEqual(await failure(() => server.anonymous.send(new ForgetDeviceCommand({ AccessToken: otherToken, DeviceKey: keys[0]! }))), DEVICE_MISSING);
      assert.deepEqual(await failure(() => server.anonymous.send(new UpdateDeviceStatusCommand({ AccessToken: otherToken, DeviceKey: keys[0]!, DeviceRememberedStatus: 'remembered' }))), DEVICE_MISSING);
      assert.deepEqual(await failure(() => server.admin.send(new AdminGetDeviceCommand({ UserPoolId: pool.poolId, Username: 'someone-else', DeviceKey: keys[0]! }))), DEVICE_MISSING);
      assert.deepEqual(await failure(() => server.admin.send(new AdminForgetDeviceCommand({ UserPoolId: pool.poolId, Username: 'someone-else', DeviceKey: keys[0]! }))), DEVICE_MISSING);
      assert.equal((await server.anonymous.send(new ListDevicesCommand({ AccessToken: otherToken }))).Devices!.length, 0);

      // Bad input.
      const anon = server.anonymous;
      assert.equal((await failure(() => anon.send(new GetDeviceCommand({ DeviceKey: keys[0]! })))).name, 'InvalidParameterException');
      assert.equal((await failure(() => anon.send(new GetDeviceCommand({ AccessToken: token, DeviceKey: 'bad key' })))).name, 'InvalidParameterException');
      assert.equal((await failure(() => anon.send(new GetDeviceCommand({ AccessToken: 'bad', DeviceKey: keys[0]! })))).name, 'NotAuthorizedException');
      assert.equal((await failure(() => anon.send(new ListDevicesCommand({ AccessToken: token, Limit: 61 })))).name, 'InvalidParameterException');
      assert.equal((await failure(() => anon.send(new ListDevicesCommand({ AccessToken: token, PaginationToken: 'forged-token' })))).name, 'InvalidParameterException');
      assert.equal((await failure(() => anon.send(new ListDevicesCommand({ AccessToken: 'bad' })))).name, 'NotAuthorizedException');
      assert.equal((await failure(() => anon.send(new UpdateDeviceStatusCommand({ AccessToken: token, DeviceKey: keys[0]!, DeviceRememberedStatus: 'forever' as never })))).name, 'InvalidParameterException');
      assert.equal((await failure(() => anon.send(new UpdateDeviceStatusCommand({ AccessToken: token, DeviceKey: keys[0]! })))).name, 'InvalidParameterException');
      assert.equal((await failure(() => anon.send(new ForgetDeviceCommand({ DeviceKey: keys[0]! })))).name, 'InvalidParameterException');
      assert.equal((await failure(() => server.admin.send(new AdminListDevicesCommand({ UserPoolId: pool.poolId, Username: 'ghost' })))).name, 'UserNotFoundException');
      assert.equal((await failure(() => server.admin.send(new AdminListDevicesCommand({ UserPoolId: 'us-east-1_Missing000', Username: 'lots' })))).name, 'ResourceNotFoundException');
      assert.equal((await failure(() => server.admin.send(new AdminGetDeviceCommand({ UserPoolId: pool.poolId, Username: 'ghost', DeviceKey: keys[0]! })))).name, 'UserNotFoundException');
      assert.equal((await failure(() => server.admin.send(new AdminUpdateDeviceStatusCommand({ UserPoolId: pool.poolId, Username: 'lots', DeviceKey: keys[0]! })))).name, 'InvalidParameterException');
      assert.equal((await failure(() => server.admin.send(new AdminForgetDeviceCommand({ UserPoolId: pool.poolId, Username: 'lots', DeviceKey: 'x' })))).name, 'InvalidParameterException');
      // Admin list of another query's token is refused.
      const first = await server.anonymous.send(new ListDevicesCommand({ AccessToken: token, Limit: 1 }));
      assert.equal((await failure(() => server.admin.send(new AdminListDevicesCommand({ UserPoolId: pool.poolId, Username: 'someone-else', PaginationToken: first.PaginationToken })))).name, 'InvalidParameterException');

      // Forgetting.
      await server.anonymous.send(new ForgetDeviceCommand({ AccessToken: token, DeviceKey: keys[0]! }));
      await server.admin.send(new AdminForgetDeviceCommand({ UserPoolId: pool.poolId, Username: 'lots', DeviceKey: keys[2]! }));
      assert.deepEqual((await server.admin.send(new AdminListDevicesCommand({ UserPoolId: pool.poolId, Username: 'lots' }))).Devices!.map((d) => d.DeviceKey), [keys[1]]);
      assert.deepEqual(await failure(() => server.anonymous.send(new ForgetDeviceCommand({ AccessToken: token, DeviceKey: keys[0]! }))), DEVICE_MISSING);
    });

    it('a pool without device tracking gives no NewDeviceMetadata', async () => {
      const pool = await newPool(server);
      await user(pool, 'untracked');
      const out = await passwordAuth(pool, 'untracked');
      assert.equal(out.AuthenticationResult!.NewDeviceMetadata, undefined);
      assert.equal(claims(out.AuthenticationResult!.AccessToken!).device_key, undefined);
    });

    // Last: it moves the server's clock a day on, past what the admin client's signatures allow.
    it('a device from NewDeviceMetadata that is never confirmed expires after a day', async () => {
      const pool = await newPool(server, { DeviceConfiguration: { ChallengeRequiredOnNewDevice: false, DeviceOnlyRememberedOnUserPrompt: false } });
      await user(pool, 'lazy');
      const old = (await passwordAuth(pool, 'lazy')).AuthenticationResult!.NewDeviceMetadata!;
      server.clock.advance(24 * 3600_000 + 1000);
      const fresh = (await passwordAuth(pool, 'lazy')).AuthenticationResult!;
      const config = createDeviceSecretVerifierConfig(old.DeviceGroupKey!, old.DeviceKey!, generateDevicePassword());
      assert.deepEqual(await failure(() => server.anonymous.send(new ConfirmDeviceCommand({ AccessToken: fresh.AccessToken!, DeviceKey: old.DeviceKey!, DeviceSecretVerifierConfig: config }))), DEVICE_MISSING);
      const current = fresh.NewDeviceMetadata!;
      const ok = await server.anonymous.send(
        new ConfirmDeviceCommand({ AccessToken: fresh.AccessToken!, DeviceKey: current.DeviceKey!, DeviceSecretVerifierConfig: createDeviceSecretVerifierConfig(current.DeviceGroupKey!, current.DeviceKey!, generateDevicePassword()) }),
      );
      assert.equal(ok.UserConfirmationNecessary, false);
    });
  });
}
