/**
 * Managed-login branding styles: CreateManagedLoginBranding, DescribeManagedLoginBranding,
 * DescribeManagedLoginBrandingByClient, UpdateManagedLoginBranding, DeleteManagedLoginBranding.
 * One style per app client. A style is a `Settings` JSON document (colours, layout, per component
 * and colour mode, as Cognito's branding editor writes it) and `Assets` (images by category and
 * colour mode), or `UseCognitoProvidedValues` for Cognito's defaults — not both.
 *
 * Update keeps what it isn't given (Cognito: "preserves existing style settings that you don't
 * specify"): Settings merge into the stored document, an asset replaces the stored one of the same
 * category and colour mode. `ReturnMergedResources` answers the settings merged over the defaults.
 */
import { CognitoError, errors } from '../../errors.js';
import * as brandingStore from '../../store/managed-login-brandings.js';
import type { ManagedLoginBrandingRow } from '../../store/managed-login-brandings.js';
import type { Ports } from '../cognate.js';
import { newId } from '../ids.js';

export type AssetCategory =
  | 'FAVICON_ICO' | 'FAVICON_SVG' | 'EMAIL_GRAPHIC' | 'SMS_GRAPHIC' | 'AUTH_APP_GRAPHIC' | 'PASSWORD_GRAPHIC' | 'PASSKEY_GRAPHIC'
  | 'PAGE_HEADER_LOGO' | 'PAGE_HEADER_BACKGROUND' | 'PAGE_FOOTER_LOGO' | 'PAGE_FOOTER_BACKGROUND' | 'PAGE_BACKGROUND' | 'FORM_BACKGROUND' | 'FORM_LOGO' | 'IDP_BUTTON_ICON';

/** An asset as stored: Bytes base64, as awsJson carries them. */
export interface Asset {
  Category: AssetCategory;
  ColorMode: 'LIGHT' | 'DARK' | 'DYNAMIC';
  Extension: 'ICO' | 'JPEG' | 'PNG' | 'SVG' | 'WEBP';
  Bytes?: string;
  ResourceId?: string;
}

export type SettingsDocument = Record<string, unknown>;

export interface ManagedLoginBranding {
  id: string;
  poolId: string;
  clientId: string;
  useCognitoProvidedValues: boolean;
  settings: SettingsDocument | null;
  assets: Asset[];
  createdAt: number;
  updatedAt: number;
}

export interface BrandingInput {
  UserPoolId?: string;
  ClientId?: string;
  ManagedLoginBrandingId?: string;
  UseCognitoProvidedValues?: boolean;
  Settings?: unknown;
  Assets?: Asset[];
  ReturnMergedResources?: boolean;
}

/**
 * The part of Cognito's default style that Cognate's pages use (colours as Cognito writes them:
 * RRGGBBAA hex without '#'). ReturnMergedResources merges a style's settings over this.
 */
export const DEFAULT_SETTINGS: SettingsDocument = {
  categories: {
    global: { colorSchemeMode: 'LIGHT', pageHeader: { enabled: false }, pageFooter: { enabled: false } },
    form: { displayGraphics: true, location: { horizontal: 'CENTER', vertical: 'CENTER' } },
  },
  components: {
    primaryButton: { lightMode: { defaults: { backgroundColor: '0972d3ff', textColor: 'ffffffff' } }, darkMode: { defaults: { backgroundColor: '539fe5ff', textColor: '000716ff' } } },
    pageBackground: { lightMode: { color: 'ffffffff' }, darkMode: { color: '0f1b2aff' } },
    form: { lightMode: { backgroundColor: 'ffffffff', borderColor: 'c6c6cdff' }, darkMode: { backgroundColor: '0f1b2aff', borderColor: '424650ff' } },
    pageText: { lightMode: { bodyColor: '414d5cff', headingColor: '000716ff' }, darkMode: { bodyColor: 'b6bec9ff', headingColor: 'd1d5dbff' } },
  },
};

const EXTENSIONS: Partial<Record<AssetCategory, readonly Asset['Extension'][]>> = { FAVICON_ICO: ['ICO'], FAVICON_SVG: ['SVG'] };
const MAX_SETTINGS_CHARS = 1_000_000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `patch` deep-merged over `base`: objects merge, anything else replaces. */
export function mergeSettings(base: SettingsDocument, patch: SettingsDocument): SettingsDocument {
  const out: SettingsDocument = { ...base };
  for (const [k, v] of Object.entries(patch)) out[k] = isObject(v) && isObject(out[k]) ? mergeSettings(out[k] as SettingsDocument, v) : v;
  return out;
}

function checkSettings(settings: unknown): SettingsDocument | undefined {
  if (settings === undefined || settings === null) return undefined;
  if (!isObject(settings)) throw errors.invalidParameter('Settings must be a JSON object.');
  if (JSON.stringify(settings).length > MAX_SETTINGS_CHARS) throw errors.invalidParameter('Settings is too large.');
  return settings;
}

function checkAssets(assets: readonly Asset[] | undefined): Asset[] | undefined {
  if (assets === undefined) return undefined;
  const seen = new Set<string>();
  const out: Asset[] = [];
  for (const a of assets) {
    const key = `${a.Category}/${a.ColorMode}`;
    if (seen.has(key)) throw errors.invalidParameter(`Duplicate asset for category ${a.Category} and color mode ${a.ColorMode}.`);
    seen.add(key);
    const allowed = EXTENSIONS[a.Category];
    if (allowed && !allowed.includes(a.Extension)) throw errors.invalidParameter(`Asset category ${a.Category} does not accept extension ${a.Extension}.`);
    if (a.Bytes === undefined && a.ResourceId === undefined) throw errors.invalidParameter(`Asset ${a.Category} needs Bytes.`);
    out.push({ Category: a.Category, ColorMode: a.ColorMode, Extension: a.Extension, ...(a.Bytes !== undefined ? { Bytes: a.Bytes } : {}), ...(a.ResourceId !== undefined ? { ResourceId: a.ResourceId } : {}) });
  }
  return out;
}

function checkExclusive(input: BrandingInput, settings: SettingsDocument | undefined, assets: Asset[] | undefined): void {
  if (input.UseCognitoProvidedValues && (settings !== undefined || (assets !== undefined && assets.length > 0))) {
    throw errors.invalidParameter('UseCognitoProvidedValues can not be true when Settings or Assets are provided.');
  }
}

export const rowToBranding = (r: ManagedLoginBrandingRow): ManagedLoginBranding => ({
  id: r.id,
  poolId: r.pool_id,
  clientId: r.client_id,
  useCognitoProvidedValues: Number(r.use_cognito_provided_values) === 1,
  settings: r.settings === null ? null : (JSON.parse(r.settings) as SettingsDocument),
  assets: JSON.parse(r.assets) as Asset[],
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

const notFound = () => errors.resourceNotFound('Managed login branding does not exist.');
const required = (name: string) => errors.invalidParameter(`1 validation error detected: Value null at '${name[0]!.toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`);

export async function createManagedLoginBranding(cognate: Ports<'clients' | 'clock' | 'pools' | 'store'>, input: BrandingInput & { UserPoolId: string; ClientId: string }): Promise<ManagedLoginBranding> {
  const settings = checkSettings(input.Settings);
  const assets = checkAssets(input.Assets);
  checkExclusive(input, settings, assets);
  const pool = await cognate.pools.get(input.UserPoolId);
  const client = await cognate.clients.get(pool.id, input.ClientId);
  const now = cognate.clock.now();
  const row: ManagedLoginBrandingRow = {
    id: newId(),
    pool_id: pool.id,
    client_id: client.id,
    // A style with nothing given is Cognito's defaults.
    use_cognito_provided_values: input.UseCognitoProvidedValues || (settings === undefined && (assets ?? []).length === 0) ? 1 : 0,
    settings: settings === undefined ? null : JSON.stringify(settings),
    assets: JSON.stringify(assets ?? []),
    created_at: now,
    updated_at: now,
  };
  const outcome = await brandingStore.insertBranding(cognate.store.db, row);
  if (outcome === 'taken') throw new CognitoError('ManagedLoginBrandingExistsException', `A managed login branding style already exists for app client ${client.id}.`);
  if (outcome === 'gone') throw errors.resourceNotFound(`User pool client ${client.id} does not exist.`);
  return rowToBranding(row);
}

export async function describeManagedLoginBranding(cognate: Ports<'pools' | 'store'>, input: { UserPoolId: string; ManagedLoginBrandingId: string }): Promise<ManagedLoginBranding> {
  const pool = await cognate.pools.get(input.UserPoolId);
  const row = await brandingStore.findBrandingRow(cognate.store.db, pool.id, input.ManagedLoginBrandingId);
  if (!row) throw notFound();
  return rowToBranding(row);
}

export async function describeManagedLoginBrandingByClient(cognate: Ports<'clients' | 'pools' | 'store'>, input: { UserPoolId: string; ClientId: string }): Promise<ManagedLoginBranding> {
  const pool = await cognate.pools.get(input.UserPoolId);
  const client = await cognate.clients.get(pool.id, input.ClientId);
  const branding = await brandingForClient(cognate, pool.id, client.id);
  if (!branding) throw notFound();
  return branding;
}

/** A client's style, if it has one. */
export async function brandingForClient(cognate: Ports<'store'>, poolId: string, clientId: string): Promise<ManagedLoginBranding | undefined> {
  const row = await brandingStore.findBrandingRowByClient(cognate.store.db, poolId, clientId);
  return row ? rowToBranding(row) : undefined;
}

export async function updateManagedLoginBranding(cognate: Ports<'clock' | 'pools' | 'store'>, input: BrandingInput): Promise<ManagedLoginBranding> {
  if (input.UserPoolId === undefined) throw required('UserPoolId');
  if (input.ManagedLoginBrandingId === undefined) throw required('ManagedLoginBrandingId');
  const settings = checkSettings(input.Settings);
  const assets = checkAssets(input.Assets);
  checkExclusive(input, settings, assets);
  const pool = await cognate.pools.get(input.UserPoolId);
  const db = cognate.store.db;
  const row = await brandingStore.findBrandingRow(db, pool.id, input.ManagedLoginBrandingId);
  if (!row) throw notFound();
  const current = rowToBranding(row);
  let next: Pick<ManagedLoginBranding, 'useCognitoProvidedValues' | 'settings' | 'assets'>;
  if (input.UseCognitoProvidedValues) next = { useCognitoProvidedValues: true, settings: null, assets: [] };
  else {
    const merged = settings === undefined ? current.settings : mergeSettings(current.settings ?? {}, settings);
    const kept = current.assets.filter((a) => !(assets ?? []).some((b) => b.Category === a.Category && b.ColorMode === a.ColorMode));
    const nextAssets = [...kept, ...(assets ?? [])];
    next = { useCognitoProvidedValues: merged === null && nextAssets.length === 0, settings: merged, assets: nextAssets };
  }
  // Monotonic even when two updates share a millisecond, so the compare-and-set below sees the change.
  const now = Math.max(cognate.clock.now(), current.updatedAt + 1);
  const written = await brandingStore.updateBrandingRow(
    db, pool.id, current.id,
    { use_cognito_provided_values: next.useCognitoProvidedValues ? 1 : 0, settings: next.settings === null ? null : JSON.stringify(next.settings), assets: JSON.stringify(next.assets), updated_at: now },
    current.updatedAt,
  );
  if (!written) throw new CognitoError('ConcurrentModificationException', 'The managed login branding was changed by another request; try again.');
  return { ...current, ...next, updatedAt: now };
}

export async function deleteManagedLoginBranding(cognate: Ports<'pools' | 'store'>, input: { UserPoolId: string; ManagedLoginBrandingId: string }): Promise<void> {
  const pool = await cognate.pools.get(input.UserPoolId);
  if (!(await brandingStore.deleteBrandingRow(cognate.store.db, pool.id, input.ManagedLoginBrandingId))) throw notFound();
}

/** A style's settings as the pages use them: its own over Cognito's defaults. */
export const mergedSettings = (b: ManagedLoginBranding): SettingsDocument => (b.useCognitoProvidedValues || !b.settings ? DEFAULT_SETTINGS : mergeSettings(DEFAULT_SETTINGS, b.settings));

/** ManagedLoginBrandingType on the wire. */
export function managedLoginBrandingType(b: ManagedLoginBranding, returnMerged = false) {
  const settings = returnMerged ? mergedSettings(b) : b.settings;
  return {
    ManagedLoginBrandingId: b.id,
    UserPoolId: b.poolId,
    UseCognitoProvidedValues: b.useCognitoProvidedValues,
    ...(settings ? { Settings: settings } : {}),
    Assets: b.assets,
    CreationDate: b.createdAt / 1000,
    LastModifiedDate: b.updatedAt / 1000,
  };
}
