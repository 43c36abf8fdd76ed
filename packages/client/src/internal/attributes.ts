/**
 * The signed-in user's record: attributes (GetUser, UpdateUserAttributes), attribute verification
 * (GetUserAttributeVerificationCode, VerifyUserAttribute) and DeleteUser.
 */
import type { CodeDeliveryDetails } from '../types.js';
import type { ClientContext } from './context.js';
import { signOutLocally } from './sign-out.js';
import { accessToken } from './tokens.js';
import { attributeList, deliveryDetails, idp, type WireDeliveryDetails } from './wire.js';

type Metadata = { clientMetadata?: Record<string, string> };

export async function getUserAttributes(ctx: ClientContext): Promise<Record<string, string>> {
  const out = await idp<{ UserAttributes?: { Name: string; Value?: string }[] }>(ctx, 'GetUser', { AccessToken: await accessToken(ctx) });
  return Object.fromEntries((out.UserAttributes ?? []).map((a) => [a.Name, a.Value ?? '']));
}

export async function updateUserAttributes(ctx: ClientContext, attributes: Record<string, string>, options: Metadata): Promise<CodeDeliveryDetails[]> {
  const out = await idp<{ CodeDeliveryDetailsList?: WireDeliveryDetails[] }>(ctx, 'UpdateUserAttributes', {
    AccessToken: await accessToken(ctx),
    UserAttributes: attributeList(attributes),
    ClientMetadata: options.clientMetadata,
  });
  return (out.CodeDeliveryDetailsList ?? []).map((d) => deliveryDetails(d)!);
}

export async function verifyUserAttribute(ctx: ClientContext, attributeName: string, options: Metadata): Promise<CodeDeliveryDetails> {
  const out = await idp<{ CodeDeliveryDetails?: WireDeliveryDetails }>(ctx, 'GetUserAttributeVerificationCode', {
    AccessToken: await accessToken(ctx),
    AttributeName: attributeName,
    ClientMetadata: options.clientMetadata,
  });
  return deliveryDetails(out.CodeDeliveryDetails) ?? { deliveryMedium: 'UNKNOWN', attributeName };
}

export async function confirmVerifyUserAttribute(ctx: ClientContext, attributeName: string, code: string): Promise<void> {
  await idp(ctx, 'VerifyUserAttribute', { AccessToken: await accessToken(ctx), AttributeName: attributeName, Code: code });
}

export async function deleteUser(ctx: ClientContext): Promise<void> {
  await idp(ctx, 'DeleteUser', { AccessToken: await accessToken(ctx) });
  await signOutLocally(ctx, 'userDeleted');
}
