/** Passwords: a forgotten one reset with a code (ForgotPassword, ConfirmForgotPassword), and ChangePassword for the signed-in user. */
import type { ForgotPasswordResult } from '../types.js';
import { requireUserPool, type ClientContext } from './context.js';
import { accessToken } from './tokens.js';
import { idp, requestCode, secretHash } from './wire.js';

type Metadata = { clientMetadata?: Record<string, string> };

export async function forgotPassword(ctx: ClientContext, username: string, options: Metadata): Promise<ForgotPasswordResult> {
  return { forgotPasswordState: 'confirmationCodeSent', ...(await requestCode(ctx, 'ForgotPassword', username, options.clientMetadata)) };
}

export async function confirmForgotPassword(ctx: ClientContext, username: string, newPassword: string, confirmationCode: string, options: Metadata): Promise<ForgotPasswordResult> {
  const pool = requireUserPool(ctx);
  await idp(ctx, 'ConfirmForgotPassword', {
    ClientId: pool.clientId,
    Username: username,
    Password: newPassword,
    ConfirmationCode: confirmationCode,
    SecretHash: await secretHash(ctx, username),
    ClientMetadata: options.clientMetadata,
  });
  return { forgotPasswordState: 'done' };
}

export async function changePassword(ctx: ClientContext, currentPassword: string, proposedPassword: string): Promise<void> {
  await idp(ctx, 'ChangePassword', { AccessToken: await accessToken(ctx), PreviousPassword: currentPassword, ProposedPassword: proposedPassword });
}
