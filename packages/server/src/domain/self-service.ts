/**
 * Self-service: what users do to their own account. Here, what the signed-in calls share (the
 * access token's user and client) and DeleteUser; by concern: forgot-password.ts (ForgotPassword,
 * ConfirmForgotPassword), change-password.ts (ChangePassword), attribute-verification.ts
 * (GetUserAttributeVerificationCode, VerifyUserAttribute) and user-attributes.ts
 * (UpdateUserAttributes, DeleteUserAttributes).
 *
 * Choices where Cognito is silent or where we ship a stricter default ("Beat", security.md):
 * - A changed email or phone number stays *pending* (table `pending_attributes`, never an active
 *   value) until VerifyUserAttribute confirms it, whenever the pool lists the attribute in
 *   `UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate` — and, when the pool
 *   has no UserAttributeUpdateSettings at all, for every attribute it auto-verifies (P13, A23).
 *   A pool opts out explicitly with `AttributesRequireVerificationBeforeUpdate: []`. Naming the
 *   current value again takes a pending change back; any change kills the codes sent for the
 *   previous value. VerifyUserAttribute refuses (AliasExistsException) an address another user of
 *   the pool signs in with, rather than moving the alias.
 * - The old, verified email address gets a notice when its replacement is requested (P13, ASVS
 *   2.5.5).
 * - ConfirmForgotPassword confirms an UNCONFIRMED user: the code went to a *verified* address, the
 *   same proof ConfirmSignUp asks for (Cognito does the same; users reach this only after an
 *   administrator verified their address).
 * - Password changes and resets keep existing sessions, as Cognito does (ASVS 3.3.3 leaves ending
 *   them as an option; GlobalSignOut does it).
 * - Users can't write `email_verified` / `phone_number_verified`: verification is earned with a code.
 */
import { CognitoError, errors } from '../errors.js';
import type { Ports } from './cognate.js';
import type { AppClient } from './app-clients.js';
import type { AccessContext } from './tokens.js';

export type Verifiable = 'email' | 'phone_number';
export type Destination = { medium: 'EMAIL' | 'SMS'; attribute: Verifiable; to: string };

export const isVerifiable = (name: string): name is Verifiable => name === 'email' || name === 'phone_number';
export const mediumOf = (attribute: Verifiable) => (attribute === 'email' ? 'EMAIL' : 'SMS') as 'EMAIL' | 'SMS';
export const verifyPurpose = (attribute: Verifiable) => `verify:${attribute}` as const;

// ---------------------------------------------------------------------------------------------
// Signed-in users (access token)

export interface SignedIn extends AccessContext {
  client: AppClient;
}

/**
 * The user and app client an access token speaks for; revoked, expired or foreign tokens fail, and
 * so does one without aws.cognito.signin.user.admin (Tokens.verifyAccessToken).
 */
export async function signedIn(cognate: Ports<'clients' | 'tokens'>, accessToken: string): Promise<SignedIn> {
  const context = await cognate.tokens.verifyAccessToken(accessToken);
  const clientId = context.claims.client_id;
  const client = typeof clientId === 'string' ? await cognate.clients.find(context.pool.id, clientId) : undefined;
  if (!client) throw errors.notAuthorized('Access Token has been revoked');
  if (context.user.status === 'RESET_REQUIRED') throw new CognitoError('PasswordResetRequiredException', 'Password reset required for the user');
  return { ...context, client };
}

/** DeleteUser: the user and everything hanging off them; their tokens fail from now on. */
export async function deleteUser(cognate: Ports<'clients' | 'tokens' | 'users'>, input: { AccessToken: string }): Promise<Record<string, never>> {
  const { user } = await signedIn(cognate, input.AccessToken);
  await cognate.users.remove(user.sub);
  return {};
}
