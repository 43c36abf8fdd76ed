/**
 * `client.deviceOperations`: the signed-in user's devices on the wire (UpdateDeviceStatus,
 * ForgetDevice, GetDevice, ListDevices). It gets what it needs from the client through
 * {@link DeviceDeps}, so it imports neither the client class nor its session.
 */
import { MobileClientError } from '../errors.js';
import type { Device, Tokens } from '../types.js';

export interface DeviceDeps {
  userPoolCall<T>(action: string, input: object): Promise<T>;
  deviceKey(): string | undefined;
  forgetDevice(): Promise<void>;
}

interface WireDevice {
  DeviceKey?: string;
  DeviceAttributes?: { Name: string; Value?: string }[];
  DeviceCreateDate?: number;
  DeviceLastModifiedDate?: number;
  DeviceLastAuthenticatedDate?: number;
}

const toDevice = (d: WireDevice): Device => ({
  deviceKey: d.DeviceKey ?? '',
  attributes: Object.fromEntries((d.DeviceAttributes ?? []).map((a) => [a.Name, a.Value ?? ''])),
  ...(d.DeviceCreateDate !== undefined ? { createDate: new Date(d.DeviceCreateDate * 1000) } : {}),
  ...(d.DeviceLastModifiedDate !== undefined ? { lastModifiedDate: new Date(d.DeviceLastModifiedDate * 1000) } : {}),
  ...(d.DeviceLastAuthenticatedDate !== undefined ? { lastAuthenticatedDate: new Date(d.DeviceLastAuthenticatedDate * 1000) } : {}),
});

/**
 * The signed-in user's devices (`client.deviceOperations`). `updateStatus`, `forget` and `get`
 * act on this device (the one the last sign-in confirmed); `list` on all of the user's devices.
 *
 * @example
 * ```ts
 * await client.deviceOperations.updateStatus({ remembered: true });
 * const me = await client.deviceOperations.get();
 * const { devices, paginationToken } = await client.deviceOperations.list({ limit: 60 });
 * await client.deviceOperations.forget();
 * ```
 */
export class DeviceOperations {
  readonly #client: { getTokens(): Promise<Tokens> };
  readonly #deps: DeviceDeps;

  /** @internal Created by `MobileClient`. */
  constructor(client: { getTokens(): Promise<Tokens> }, deps: DeviceDeps) {
    this.#client = client;
    this.#deps = deps;
  }

  #deviceKey(): string {
    const key = this.#deps.deviceKey();
    if (!key) throw new MobileClientError('deviceNotRemembered', 'This client has no device key for the signed-in user.');
    return key;
  }

  async #accessToken(): Promise<string> {
    return (await this.#client.getTokens()).accessToken.tokenString;
  }

  /**
   * Marks this device remembered or not remembered (UpdateDeviceStatus).
   *
   * @example
   * ```ts
   * await client.deviceOperations.updateStatus({ remembered: true });
   * ```
   */
  async updateStatus(options: { remembered: boolean }): Promise<void> {
    await this.#deps.userPoolCall('UpdateDeviceStatus', {
      AccessToken: await this.#accessToken(),
      DeviceKey: this.#deviceKey(),
      DeviceRememberedStatus: options.remembered ? 'remembered' : 'not_remembered',
    });
  }

  /**
   * Stops tracking this device (ForgetDevice) and drops its key here.
   *
   * @example
   * ```ts
   * await client.deviceOperations.forget();
   * ```
   */
  async forget(): Promise<void> {
    await this.#deps.userPoolCall('ForgetDevice', { AccessToken: await this.#accessToken(), DeviceKey: this.#deviceKey() });
    await this.#deps.forgetDevice();
  }

  /**
   * This device's record (GetDevice).
   *
   * @example
   * ```ts
   * const { deviceKey, attributes } = await client.deviceOperations.get();
   * ```
   */
  async get(): Promise<Device> {
    const out = await this.#deps.userPoolCall<{ Device?: WireDevice }>('GetDevice', { AccessToken: await this.#accessToken(), DeviceKey: this.#deviceKey() });
    return toDevice(out.Device ?? {});
  }

  /**
   * The user's devices (ListDevices); pass the returned `paginationToken` for the next page.
   *
   * @example
   * ```ts
   * let page = await client.deviceOperations.list({ limit: 10 });
   * while (page.paginationToken) page = await client.deviceOperations.list({ limit: 10, paginationToken: page.paginationToken });
   * ```
   */
  async list(options: { limit?: number; paginationToken?: string } = {}): Promise<{ devices: Device[]; paginationToken?: string }> {
    const out = await this.#deps.userPoolCall<{ Devices?: WireDevice[]; PaginationToken?: string }>('ListDevices', {
      AccessToken: await this.#accessToken(),
      Limit: options.limit ?? 60,
      PaginationToken: options.paginationToken,
    });
    return { devices: (out.Devices ?? []).map(toDevice), ...(out.PaginationToken ? { paginationToken: out.PaginationToken } : {}) };
  }
}
