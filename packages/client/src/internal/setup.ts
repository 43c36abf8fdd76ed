/**
 * What the MobileClient constructor builds: the shared context from the options (defaults filled
 * in), and the operation objects (`deviceOperations`, `passkeyOperations`) wired to it.
 */
import { MobileClientError } from '../errors.js';
import type { MobileClientOptions } from '../options.js';
import { MemoryStorage } from '../storage.js';
import type { Clock, Tokens } from '../types.js';
import { createContext, type ClientContext } from './context.js';
import { DeviceOperations } from './device-operations.js';
import { currentDevice, forgetCurrentDevice } from './devices.js';
import { PasskeyOperations } from './passkey-operations.js';
import { webAuthnPort } from './sign-in.js';
import type { FetchLike } from './transport.js';
import { browserWebAuthn } from './webauthn.js';
import { idp } from './wire.js';

const DEFAULT_MARGIN_MS = 5 * 60_000;
const systemClock: Clock = { now: () => Date.now() };

export function contextFor(options: MobileClientOptions): ClientContext {
  const f = options.fetch ?? (globalThis as { fetch?: FetchLike }).fetch;
  if (!f) throw new MobileClientError('invalidConfiguration', 'No fetch implementation: pass options.fetch.');
  return createContext({
    storage: options.storage ?? new MemoryStorage(),
    clock: options.clock ?? systemClock,
    fetch: (input, init) => f(input, init),
    margin: options.refreshMarginMs ?? DEFAULT_MARGIN_MS,
    refreshFlow: options.refreshFlow ?? 'REFRESH_TOKEN_AUTH',
    deviceName: options.deviceName,
    storageKeyOption: options.storageKey,
    webAuthn: options.webAuthn,
  });
}

export { DeviceOperations, PasskeyOperations };

type TokenSource = { getTokens(): Promise<Tokens> };

export const deviceOperationsFor = (client: TokenSource, ctx: ClientContext): DeviceOperations =>
  new DeviceOperations(client, {
    userPoolCall: (action, input) => idp(ctx, action, input),
    deviceKey: () => currentDevice(ctx)?.deviceKey,
    forgetDevice: () => forgetCurrentDevice(ctx),
  });

export const passkeyOperationsFor = (client: TokenSource, ctx: ClientContext): PasskeyOperations =>
  new PasskeyOperations(client, {
    userPoolCall: (action, input) => idp(ctx, action, input),
    webAuthn: () => webAuthnPort(ctx),
    hasWebAuthn: () => (ctx.webAuthn ?? browserWebAuthn()) !== undefined,
  });
