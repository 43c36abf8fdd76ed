/**
 * The device keys this client remembers, per username: ConfirmDevice for a sign-in's
 * NewDeviceMetadata (the device secret stays here, its verifier goes to the server), the current
 * user's device, and forgetting one. Device SRP at sign-in is in sign-in.ts; the public device
 * operations in device-operations.ts.
 */
import type { NewDevice } from '../types.js';
import { save, type ClientContext, type DeviceSecret } from './context.js';
import { deviceSecretVerifier, generateDevicePassword } from './srp.js';
import { idp } from './wire.js';

/**
 * ConfirmDevice for NewDeviceMetadata. Best effort: a failure leaves the device untracked (and
 * returns nothing), not the user signed out. The caller saves the session.
 */
export async function confirmDevice(ctx: ClientContext, accessToken: string, signInName: string, deviceKey: string, deviceGroupKey: string): Promise<NewDevice | undefined> {
  const devicePassword = generateDevicePassword();
  try {
    const verifier = await deviceSecretVerifier(deviceGroupKey, deviceKey, devicePassword);
    const userAgent = (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent;
    const out = await idp<{ UserConfirmationNecessary?: boolean }>(ctx, 'ConfirmDevice', {
      AccessToken: accessToken,
      DeviceKey: deviceKey,
      DeviceName: ctx.deviceName ?? userAgent ?? 'cognate-client',
      DeviceSecretVerifierConfig: verifier,
    });
    ctx.session.devices = { ...ctx.session.devices, [signInName]: { deviceKey, deviceGroupKey, devicePassword } };
    return { deviceKey, userConfirmationNecessary: out.UserConfirmationNecessary === true };
  } catch {
    // Cognito keeps working without device tracking; the next sign-in gets new metadata.
    return undefined;
  }
}

export function currentDevice(ctx: ClientContext): DeviceSecret | undefined {
  const username = ctx.session.username;
  return username === undefined ? undefined : ctx.session.devices?.[username];
}

export async function forgetDevice(ctx: ClientContext, username: string): Promise<void> {
  if (!ctx.session.devices?.[username]) return;
  const { [username]: _, ...rest } = ctx.session.devices;
  ctx.session.devices = rest;
  await save(ctx);
}

export async function forgetCurrentDevice(ctx: ClientContext): Promise<void> {
  if (ctx.session.username !== undefined) await forgetDevice(ctx, ctx.session.username);
}
