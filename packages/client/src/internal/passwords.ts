/** Passwords: a forgotten one reset with a code (ForgotPassword, ConfirmForgotPassword), and ChangePassword for the signed-in user. */
import type { ForgotPasswordResult } from '../types.js';
import { requireUserPool, type ClientContext } from './context.js';
import { accessToken } from './tokens.js';
import { deliveryDetails, idp, secretHash, type WireDeliveryDetails } from './wire.js';

type Metadata = { clientMetadata?: Record<string, string> };

export async function forgotPassword(ctx: ClientContext, username: string, options: Metadata): Promise<ForgotPasswordResult> {
  const pool = requireUserPool(ctx);
  const out = await idp<{ CodeDeliveryDetails?: WireDeliveryDetails }>(ctx, 'ForgotPassword', {
    ClientId: pool.clientId,
    Username: username,
    SecretHash: await secretHash(ctx, username),
    ClientMetadata: options.clientMetadata,
  });
  const details = deliveryDetails(out.CodeDeliveryDetails);
  return { forgotPasswordState: 'confirmationCodeSent', ...(details ? { codeDeliveryDetails: details } : {}) };
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
