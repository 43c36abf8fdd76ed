/**
 * The calls on the wire: cognito-idp and cognito-identity requests for the configured endpoints
 * (undefined members dropped), the SECRET_HASH of clients with a secret, and the shapes shared
 * by several operations' answers (AuthenticationResult, CodeDeliveryDetails, attribute lists).
 */
import { isMobileClientError, MobileClientError } from '../errors.js';
import type { CodeDeliveryDetails } from '../types.js';
import { requireIdentityPool, requireUserPool, type ClientContext } from './context.js';
import { secretHash as srpSecretHash } from './srp.js';
import { call } from './transport.js';

export interface AuthResponse {
  ChallengeName?: string;
  Session?: string;
  ChallengeParameters?: Record<string, string>;
  /** USER_AUTH's SELECT_CHALLENGE: the first factors on offer. */
  AvailableChallenges?: string[];
  AuthenticationResult?: {
    AccessToken?: string;
    IdToken?: string;
    RefreshToken?: string;
    ExpiresIn?: number;
    NewDeviceMetadata?: { DeviceKey?: string; DeviceGroupKey?: string };
  };
}

export interface WireDeliveryDetails {
  DeliveryMedium?: string;
  Destination?: string;
  AttributeName?: string;
}

export const withDefined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** A user-pool (cognito-idp) call. */
export function idp<T>(ctx: ClientContext, action: string, input: object): Promise<T> {
  return call<T>(ctx.fetch, requireUserPool(ctx).endpoint, 'AWSCognitoIdentityProviderService', action, withDefined(input));
}

/** An identity-pool (cognito-identity) call. */
export function identity<T>(ctx: ClientContext, action: string, input: object): Promise<T> {
  return call<T>(ctx.fetch, requireIdentityPool(ctx).endpoint, 'AWSCognitoIdentityService', action, withDefined(input));
}

export async function secretHash(ctx: ClientContext, username: string): Promise<string | undefined> {
  const pool = requireUserPool(ctx);
  return pool.clientSecret ? srpSecretHash(pool.clientSecret, username, pool.clientId) : undefined;
}

export const deliveryDetails = (d: WireDeliveryDetails | undefined): CodeDeliveryDetails | undefined =>
  d
    ? {
        deliveryMedium: d.DeliveryMedium === 'EMAIL' || d.DeliveryMedium === 'SMS' ? d.DeliveryMedium : 'UNKNOWN',
        ...(d.Destination !== undefined ? { destination: d.Destination } : {}),
        ...(d.AttributeName !== undefined ? { attributeName: d.AttributeName } : {}),
      }
    : undefined;

export const attributeList = (attrs: Record<string, string> | undefined) => (attrs ? Object.entries(attrs).map(([Name, Value]) => ({ Name, Value })) : undefined);

/** "Device does not exist.": the server forgot a device this client remembers; clients then drop it and retry without it. */
export const isForgottenDevice = (e: unknown): e is MobileClientError => isMobileClientError(e, 'resourceNotFound') && /device/i.test(e.message);

/**
 * A code asked for by name (ForgotPassword, ResendConfirmationCode): where the server says it went,
 * as `{ codeDeliveryDetails }`, or `{}` when it doesn't say.
 */
export async function requestCode(ctx: ClientContext, action: 'ForgotPassword' | 'ResendConfirmationCode', username: string, clientMetadata: Record<string, string> | undefined): Promise<{ codeDeliveryDetails?: CodeDeliveryDetails }> {
  const pool = requireUserPool(ctx);
  const out = await idp<{ CodeDeliveryDetails?: WireDeliveryDetails }>(ctx, action, {
    ClientId: pool.clientId,
    Username: username,
    SecretHash: await secretHash(ctx, username),
    ClientMetadata: clientMetadata,
  });
  const details = deliveryDetails(out.CodeDeliveryDetails);
  return details ? { codeDeliveryDetails: details } : {};
}
