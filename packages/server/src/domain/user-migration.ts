/**
 * UserMigration (user-pool-lambda-migrate-user): a user the pool doesn't know yet, brought in by
 * the pool's function when they sign in with a password (UserMigration_Authentication) or ask to
 * reset it (UserMigration_ForgotPassword).
 *
 * The function vouches for the user — at sign-in by checking the password against the old
 * directory — and answers with their attributes. Cognate then creates the user: with that password
 * and `finalUserStatus` (CONFIRMED, or RESET_REQUIRED to make them choose a new one) at sign-in,
 * RESET_REQUIRED and no password in the forgot-password flow. SRP sign-in can't migrate anyone:
 * the server never sees the password, which is why Cognito's migration guides use
 * USER_PASSWORD_AUTH.
 *
 * No welcome message is sent (`messageAction`, `desiredDeliveryMediums` are only checked): Cognito's
 * is the invitation, carrying the password, and Cognate never mails a password the user chose.
 *
 * A function that refuses (throws) means "no such user": UserNotFoundException "Exception migrating
 * user in app client …", or, where PreventUserExistenceErrors hides users, the caller's usual answer
 * for an unknown user. Nothing is written unless the function answered usably.
 */
import { CognitoError, errors } from '../errors.js';
import { booleanField, runTrigger, stringField, stringListField, stringMapField, triggerArn, unusableAnswer } from '../triggers/triggers.js';
import type { Cognate, Ports } from './cognate.js';
import type { AppClient } from './app-clients.js';
import { insertNewUser } from './new-users.js';
import { newSub } from './ids.js';
import { poolFactors, setMfaPreference } from './mfa.js';
import { checkPasswordPolicy } from './passwords.js';
import { resolveUsername } from './sign-up.js';
import { validateAttributes, type User, type UserStatus } from './users.js';
import type { UserPool } from './user-pools.js';
import { servingRole } from './replicas/serving-region.js';

export interface MigrationRequest {
  source: 'Authentication' | 'ForgotPassword';
  /** the name the user typed */
  name: string;
  /** the password typed at sign-in (never in the forgot-password flow) */
  password?: string;
  clientMetadata: Record<string, string> | undefined;
}

/** What a migration found: the user it created, or one a concurrent request created first. */
export type Migration = { user: User; created: boolean };

const STATUSES: readonly UserStatus[] = ['CONFIRMED', 'RESET_REQUIRED'];

/**
 * Runs the pool's UserMigration function for an unknown user and creates the user it describes.
 * Undefined when the pool has no such function, or the function refused and the client hides
 * unknown users (the caller then answers as for any unknown user).
 */
export async function migrateUser(cognate: Ports<'clock' | 'config' | 'log' | 'store' | 'triggers' | 'users'>, pool: UserPool, client: AppClient, p: MigrationRequest): Promise<Migration | undefined> {
  if (!triggerArn(pool, 'UserMigration')) return undefined;
  // A migration creates the user, which a secondary replica can't: there the name is simply unknown (docs/replicas.md).
  if ((await servingRole(cognate, pool.id, cognate.config.region)) === 'secondary') return undefined;
  const signIn = p.source === 'Authentication';
  let response: Record<string, unknown>;
  try {
    response =
      (await runTrigger(cognate, pool, 'UserMigration', {
        source: `UserMigration_${p.source}`,
        userName: p.name,
        clientId: client.id,
        // At sign-in ClientMetadata is the validation data; ForgotPassword passes it as clientMetadata.
        request: signIn ? { password: p.password, validationData: p.clientMetadata ?? null, clientMetadata: null } : { validationData: null, clientMetadata: p.clientMetadata ?? null },
        response: { userAttributes: null, finalUserStatus: null, messageAction: null, desiredDeliveryMediums: null, forceAliasCreation: null, enableSMSMFA: null },
      })) ?? {};
  } catch (err) {
    if (!(err instanceof CognitoError) || err.name !== 'UserLambdaValidationException') throw err;
    if (client.settings.PreventUserExistenceErrors === 'ENABLED') return undefined;
    throw errors.userNotFound(`Exception migrating user in app client ${client.id}`);
  }

  const given = stringMapField(response, 'userAttributes');
  if (!given || Object.keys(given).length === 0) throw unusableAnswer();
  const finalStatus = stringField(response, 'finalUserStatus') ?? 'CONFIRMED';
  if (!STATUSES.includes(finalStatus as UserStatus)) throw unusableAnswer();
  const messageAction = stringField(response, 'messageAction');
  if (messageAction !== undefined && messageAction !== 'SUPPRESS' && messageAction !== 'RESEND') throw unusableAnswer();
  const mediums = stringListField(response, 'desiredDeliveryMediums');
  if (mediums?.some((m) => m !== 'EMAIL' && m !== 'SMS')) throw unusableAnswer();
  const forceAliasCreation = booleanField(response, 'forceAliasCreation') ?? false;
  const enableSmsMfa = booleanField(response, 'enableSMSMFA') ?? false;

  // The attributes as an administrator may set them (verified flags included; `sub` is ours).
  const { sub: _ignored, ...rest } = given;
  const attributes = validateAttributes(pool, Object.entries(rest).map(([Name, Value]) => ({ Name, Value })), 'admin', { creating: true });
  const sub = newSub();
  const username = resolveUsername(pool, p.name, attributes, sub);
  if (enableSmsMfa && (!attributes.get('phone_number') || !poolFactors(pool).SMS_MFA)) throw errors.invalidParameter('User does not have delivery config set to turn on SMS_MFA');
  let credentials;
  if (signIn && p.password !== undefined) {
    checkPasswordPolicy(p.password, pool.settings.Policies.PasswordPolicy);
    credentials = await cognate.users.credentials(pool, username, p.password);
  }
  const status: UserStatus = signIn ? (finalStatus as UserStatus) : 'RESET_REQUIRED';
  const now = cognate.clock.now();
  try {
    await insertNewUser(cognate, pool, { sub, username, status, attributes, ...(credentials ? { credentials } : {}), forceAliasCreation }, now, async () => undefined);
  } catch (err) {
    // Another request migrated this user first: carry on with that user.
    if (!(err instanceof CognitoError) || err.name !== 'UsernameExistsException') throw err;
    const existing = await cognate.users.findForSignIn(pool, p.name);
    if (!existing) throw err;
    return { user: existing, created: false };
  }
  const user = (await cognate.users.findBySub(pool.id, sub))!;
  if (enableSmsMfa) await setMfaPreference(cognate, pool, user, { SMSMfaSettings: { Enabled: true } });
  return { user, created: true };
}
