/**
 * Sign-up: SignUp, ConfirmSignUp and ResendConfirmationCode for the configured app client. A
 * Session in SignUp's (user confirmed at once) or ConfirmSignUp's answer is kept in memory for
 * autoSignIn (user-auth.ts).
 */
import type { SignUpInput } from '../options.js';
import type { SignUpResult } from '../types.js';
import { requireUserPool, type ClientContext } from './context.js';
import { attributeList, deliveryDetails, idp, requestCode, secretHash, type WireDeliveryDetails } from './wire.js';

type Metadata = { clientMetadata?: Record<string, string> };

export async function signUp(ctx: ClientContext, input: SignUpInput): Promise<SignUpResult> {
  const pool = requireUserPool(ctx);
  const out = await idp<{ UserConfirmed?: boolean; UserSub?: string; CodeDeliveryDetails?: WireDeliveryDetails; Session?: string }>(ctx, 'SignUp', {
    ClientId: pool.clientId,
    Username: input.username,
    Password: input.password,
    SecretHash: await secretHash(ctx, input.username),
    UserAttributes: attributeList(input.userAttributes),
    ValidationData: attributeList(input.validationData),
    ClientMetadata: input.clientMetadata,
  });
  const details = deliveryDetails(out.CodeDeliveryDetails);
  const session = out.UserConfirmed === true ? keepSession(ctx, input.username, out.Session) : false;
  return {
    signUpConfirmationState: out.UserConfirmed === true ? 'confirmed' : out.UserConfirmed === false ? 'unconfirmed' : 'unknown',
    ...(details ? { codeDeliveryDetails: details } : {}),
    ...(out.UserSub ? { userSub: out.UserSub } : {}),
    ...(session ? { canAutoSignIn: true } : {}),
  };
}

export async function confirmSignUp(ctx: ClientContext, username: string, confirmationCode: string, options: Metadata): Promise<SignUpResult> {
  const pool = requireUserPool(ctx);
  const out = await idp<{ Session?: string }>(ctx, 'ConfirmSignUp', {
    ClientId: pool.clientId,
    Username: username,
    ConfirmationCode: confirmationCode,
    SecretHash: await secretHash(ctx, username),
    ClientMetadata: options.clientMetadata,
  });
  return { signUpConfirmationState: 'confirmed', ...(keepSession(ctx, username, out.Session) ? { canAutoSignIn: true } : {}) };
}

/** Holds a sign-up Session for autoSignIn (replacing an older one); whether there was one. */
function keepSession(ctx: ClientContext, username: string, session: string | undefined): boolean {
  if (!session) return false;
  ctx.signUpSession = { username, session };
  return true;
}

export async function resendSignUpCode(ctx: ClientContext, username: string, options: Metadata): Promise<SignUpResult> {
  return { signUpConfirmationState: 'unconfirmed', ...(await requestCode(ctx, 'ResendConfirmationCode', username, options.clientMetadata)) };
}
