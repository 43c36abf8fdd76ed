/**
 * USER_PASSWORD_AUTH and ADMIN_USER_PASSWORD_AUTH (ADMIN_NO_SRP_AUTH): the password itself,
 * checked with argon2id (or the imported hash, upgraded on success). An unknown name may be
 * brought in by the pool's UserMigration function, which checks the password itself.
 */
import { errors } from '../../../errors.js';
import type { Ports } from '../../cognate.js';
import { checkSecretHash, type AppClient } from '../../app-clients.js';
import { refusalBeforePassword, verifyPassword } from '../../imported-passwords.js';
import { MAX_PASSWORD_LENGTH } from '../../passwords.js';
import { migrateUser } from '../../user-migration.js';
import type { UserPool } from '../../user-pools.js';
import { required } from '../../parameters.js';
import { lockedOut, preAuthentication, reserveDecoy, unknownUser } from '../account.js';
import { recordFailedSignIn, screenSignInPassword } from '../../threat-protection/index.js';
import { deviceKeyOf, INCORRECT, type Metadata, type Outcome, type Params } from '../types.js';

export async function passwordSignIn(cognate: Ports<'clock' | 'config' | 'hasher' | 'lockout' | 'log' | 'outbox' | 'secrets' | 'store' | 'triggers' | 'users'>, pool: UserPool, client: AppClient, params: Params, clientMetadata: Metadata): Promise<Outcome> {
  const name = required(params, 'USERNAME');
  const password = required(params, 'PASSWORD');
  checkSecretHash(client, [name], params.SECRET_HASH);
  const now = cognate.clock.now();
  const deviceKey = deviceKeyOf(params);
  const ctx = { clientMetadata, ...(deviceKey ? { deviceKey } : {}) };
  if ([...password].length > MAX_PASSWORD_LENGTH) {
    await cognate.hasher.burn(password);
    throw errors.notAuthorized(INCORRECT);
  }
  let user = await cognate.users.findForSignIn(pool, name);
  if (!user) {
    // The pool's UserMigration function may know them, having checked the password itself.
    const migration = await migrateUser(cognate, pool, client, { source: 'Authentication', name, password, clientMetadata });
    if (migration?.created) {
      await preAuthentication(cognate, pool, client, migration.user, name, clientMetadata);
      const refusal = refusalBeforePassword(client, migration.user, 'password');
      if (refusal) throw refusal;
      // The password the function just vouched for is screened as any proven password.
      return { kind: 'password-proven', user: migration.user, ctx: { ...ctx, ...(await screenSignInPassword(cognate, pool, client, password)) } };
    }
    user = migration?.user;
  }
  if (!user) {
    await preAuthentication(cognate, pool, client, undefined, name, clientMetadata);
    // The reservation write and the password check a real user's wrong password costs (P01).
    await reserveDecoy(cognate, pool, name, now);
    await cognate.hasher.burn(password);
    await recordFailedSignIn(cognate, pool, client, undefined);
    throw unknownUser(client);
  }
  if (client.settings.PreventUserExistenceErrors !== 'ENABLED') cognate.lockout.assertNotLocked(user, now);
  await preAuthentication(cognate, pool, client, user, name, clientMetadata);
  const refusal = refusalBeforePassword(client, user, 'password');
  if (refusal) throw refusal;
  // Counted before the slow check, so a parallel burst gets no more guesses checked than a sequence (A18).
  if (!(await cognate.lockout.reserveAttempt(user.sub, now))) {
    await cognate.hasher.burn(password);
    await recordFailedSignIn(cognate, pool, client, user);
    throw lockedOut(client);
  }
  // An imported hash (cognate users import) is checked here and upgraded to argon2id and SRP.
  const proven = await verifyPassword(cognate, pool, user, password);
  if (!proven) {
    await recordFailedSignIn(cognate, pool, client, user);
    throw errors.notAuthorized(INCORRECT);
  }
  return { kind: 'password-proven', user: proven, ctx: { ...ctx, ...(await screenSignInPassword(cognate, pool, client, password)) } };
}
