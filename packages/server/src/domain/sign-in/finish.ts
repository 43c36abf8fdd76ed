/**
 * The one step that ends every successful sign-in, whatever the flow and challenges before it:
 * PostAuthentication, PreTokenGeneration, the device (a new one for NewDeviceMetadata, or the one
 * that just proved itself), the refresh-token family, and the tokens.
 *
 * What "one transaction" honestly means here. The sign-in's outcome is two rows: the refresh-token
 * family the tokens name, and the device they name (created, or its last use recorded). Those are
 * written in one `store.transaction()`, so a failure leaves neither: no device without the tokens
 * that announced it, no live family whose tokens were never handed out. Three kinds of work stay
 * outside it, on purpose:
 * - the triggers (PostAuthentication, PreTokenGeneration) run before it: they may call out over
 *   HTTP for seconds, and on SQLite an open transaction holds the database's only write lock for
 *   every other request meanwhile. A trigger's own side effects can't be rolled back by us anyway;
 *   Cognito, too, runs PostAuthentication before it issues tokens, and a later failure there
 *   leaves the trigger having run. Reads the tokens need (signing key, groups) happen before it too.
 * - the proofs before this step (a spent Session nonce, the lockout count cleared, an MFA code
 *   consumed) are committed when they are made: they record that a proof was used, which must
 *   hold even if this step then fails, or a captured answer could be replayed after a failure.
 * - signing the JWTs happens after the commit: it is pure computation on what was read before.
 */
import * as deviceStore from '../../store/devices.js';
import * as refreshTokenStore from '../../store/refresh-tokens.js';
import { epochSeconds } from '../../ports.js';
import type { Ports } from '../cognate.js';
import type { AppClient } from '../app-clients.js';
import { newDeviceForSignIn, tracksDevices, type Device } from '../devices.js';
import { postAuthentication, preTokenGeneration } from '../token-generation.js';
import type { User } from '../users.js';
import type { UserPool } from '../user-pools.js';
import type { AuthResponse, SignInContext } from './types.js';

/**
 * Ends a sign-in with tokens. `proven` is the device that proved itself (DEVICE_PASSWORD_VERIFIER);
 * without it, a pool that tracks devices gets a new one (NewDeviceMetadata).
 */
export async function finish(cognate: Ports<'clock' | 'log' | 'store' | 'tokens' | 'triggers'>, pool: UserPool, client: AppClient, user: User, ctx: SignInContext, proven?: Device): Promise<AuthResponse> {
  const source = proven ? 'AuthenticateDevice' : (ctx.source ?? 'Authentication');
  const newDeviceUsed = !proven && tracksDevices(pool);
  // 1. The triggers, before any write.
  await postAuthentication(cognate, { pool, client, user, clientMetadata: ctx.clientMetadata, newDeviceUsed });
  const customize = await preTokenGeneration(cognate, { pool, client, user, source, clientMetadata: ctx.clientMetadata, ...(proven ? { deviceKey: proven.device_key } : {}) });
  // 2. What minting reads.
  const now = cognate.clock.now();
  const authTime = epochSeconds(now);
  const mint = await cognate.tokens.minter({ pool, user, ...(customize ? { customize } : {}) }, now);
  // 3. The sign-in's writes, together. Everything the callback needs is drawn inside it: PostgreSQL may run it again.
  const written = await cognate.store.transaction(async (trx) => {
    let created: { DeviceKey: string; DeviceGroupKey: string } | undefined;
    if (proven) await deviceStore.touchAuthenticated(trx, proven.device_key, now);
    else created = await newDeviceForSignIn(cognate, pool, user, trx);
    const deviceKey = proven?.device_key ?? created?.DeviceKey;
    const family = cognate.tokens.newFamily({ pool, client, user, authTime, ...(deviceKey ? { deviceKey } : {}) }, now);
    await refreshTokenStore.insert(trx, family.row);
    return { created, deviceKey, family };
  });
  // 4. The tokens.
  const { created, deviceKey, family } = written;
  const result = mint({ client, originJti: family.originJti, refreshToken: family.refreshToken, authTime, ...(deviceKey ? { deviceKey } : {}) });
  return { ChallengeParameters: {}, AuthenticationResult: created ? { ...result, NewDeviceMetadata: created } : result };
}
