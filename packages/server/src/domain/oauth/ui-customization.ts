/**
 * Classic hosted-UI branding: SetUICustomization and GetUICustomization. A pool has a default
 * (ClientId `ALL`, or none given) and each app client may have its own; a client with its own no
 * longer falls back to the default (developer guide, "Customizing the built-in sign-in and sign-up
 * webpages"). CSS and logo are set together: each call replaces both. The pool must have a domain,
 * for GetUICustomization too.
 *
 * The logo is PNG or JPEG of at most 100 KB. Cognito serves it from a CDN URL (`ImageUrl`); Cognate
 * answers `<publicUrl>/ui-customization/<poolId>/<ALL|clientId>/logo?v=<CSSVersion>` and the
 * hosted UI serves the bytes there (uiLogo()).
 */
import { errors } from '../../errors.js';
import * as uiStore from '../../store/ui-customizations.js';
import type { UiCustomizationRow } from '../../store/ui-customizations.js';
import type { Ports } from '../cognate.js';
import { poolDomainFields } from '../user-pool-domains.js';
import { parseCustomizationCss } from './ui-css.js';

export const ALL_CLIENTS = 'ALL';
export const MAX_LOGO_BYTES = 100 * 1024;

export interface UiCustomization {
  poolId: string;
  /** 'ALL' (the pool's default) or a client ID */
  target: string;
  css: string | null;
  cssVersion: string;
  image: { contentType: string; bytes: Buffer } | null;
  createdAt: number;
  updatedAt: number;
}

export interface SetUiCustomizationInput {
  UserPoolId: string;
  ClientId?: string;
  CSS?: string;
  /** base64, as awsJson carries blobs */
  ImageFile?: string;
}

/** The media type of a logo from its first bytes; PNG and JPEG are what Cognito takes. */
export function logoType(bytes: Buffer): 'image/png' | 'image/jpeg' | undefined {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  return undefined;
}

export const rowToCustomization = (r: UiCustomizationRow): UiCustomization => ({
  poolId: r.pool_id,
  target: r.target,
  css: r.css,
  cssVersion: r.css_version,
  image: r.image !== null && r.image_type !== null ? { contentType: r.image_type, bytes: Buffer.from(r.image, 'base64') } : null,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

/** The pool (and, for a client ID, the client of that pool) a customization call names; 'ALL' when no client. */
async function targetOf(cognate: Ports<'pools' | 'clients'>, poolId: string, clientId: string | undefined): Promise<{ poolId: string; target: string; clientId: string | null }> {
  const pool = await cognate.pools.get(poolId);
  if (clientId === undefined || clientId === ALL_CLIENTS) return { poolId: pool.id, target: ALL_CLIENTS, clientId: null };
  const client = await cognate.clients.get(pool.id, clientId);
  return { poolId: pool.id, target: client.id, clientId: client.id };
}

/** Both calls need the pool to have a domain (Cognito refuses GetUICustomization too once the domain is gone). */
async function assertPoolHasDomain(cognate: Ports<'store'>, poolId: string): Promise<void> {
  const domains = await poolDomainFields(cognate, poolId);
  if (!domains.Domain && !domains.CustomDomain) throw errors.invalidParameter('There has to be an existing domain associated with this user pool');
}

export async function setUiCustomization(cognate: Ports<'clients' | 'clock' | 'pools' | 'store'>, input: SetUiCustomizationInput): Promise<UiCustomization> {
  const { poolId, target, clientId } = await targetOf(cognate, input.UserPoolId, input.ClientId);
  await assertPoolHasDomain(cognate, poolId);
  // Kept as given (GetUICustomization answers it back); the pages render sanitizeCss() of it.
  const css = input.CSS === undefined || input.CSS.trim() === '' ? null : input.CSS;
  if (css !== null) parseCustomizationCss(css);
  let image: UiCustomization['image'] = null;
  if (input.ImageFile !== undefined && input.ImageFile.length > 0) {
    const bytes = Buffer.from(input.ImageFile, 'base64');
    if (bytes.length > MAX_LOGO_BYTES) throw errors.invalidParameter(`The logo image is larger than the maximum of ${MAX_LOGO_BYTES / 1024} KB.`);
    const contentType = logoType(bytes);
    if (!contentType) throw errors.invalidParameter('The logo image must be a PNG or JPEG file.');
    image = { contentType, bytes };
  }
  const now = cognate.clock.now();
  const row: UiCustomizationRow = {
    pool_id: poolId,
    target,
    client_id: clientId,
    css,
    css_version: String(now),
    image: image ? image.bytes.toString('base64') : null,
    image_type: image?.contentType ?? null,
    created_at: now,
    updated_at: now,
  };
  const db = cognate.store.db;
  if (!(await uiStore.upsertUiCustomization(db, row))) throw errors.resourceNotFound(clientId ? `User pool client ${clientId} does not exist.` : `User pool ${poolId} does not exist.`);
  const stored = await uiStore.findUiCustomizationRow(db, poolId, target);
  return rowToCustomization(stored ?? row);
}

/**
 * GetUICustomization: the client's own customization, else the pool's default; with neither, an
 * empty customization naming the pool and client (Cognito answers one too).
 */
export async function getUiCustomization(cognate: Ports<'clients' | 'pools' | 'store'>, input: { UserPoolId: string; ClientId?: string }): Promise<UiCustomization | { poolId: string; target: string }> {
  const { poolId, target } = await targetOf(cognate, input.UserPoolId, input.ClientId);
  await assertPoolHasDomain(cognate, poolId);
  return (await effectiveUiCustomization(cognate, poolId, target)) ?? { poolId, target };
}

/** What applies to a client ('ALL' for the pool itself): its own customization, else the pool's. */
export async function effectiveUiCustomization(cognate: Ports<'store'>, poolId: string, target: string): Promise<UiCustomization | undefined> {
  const rows = await uiStore.findUiCustomizationRows(cognate.store.db, poolId, target);
  const own = rows.find((r) => r.target === target) ?? rows.find((r) => r.target === ALL_CLIENTS);
  return own ? rowToCustomization(own) : undefined;
}

/** Where the hosted UI serves a customization's logo (see the top of this file). */
export const uiLogoPath = (poolId: string, target: string) => `/ui-customization/${encodeURIComponent(poolId)}/${encodeURIComponent(target)}/logo`;

/** The logo bytes for uiLogoPath(poolId, target), as stored for that target (no fallback: the URL names the row). */
export async function uiLogo(cognate: Ports<'store'>, poolId: string, target: string): Promise<{ contentType: string; bytes: Buffer } | undefined> {
  const row = await uiStore.findUiCustomizationRow(cognate.store.db, poolId, target);
  return row ? (rowToCustomization(row).image ?? undefined) : undefined;
}

/** UICustomizationType on the wire. */
export function uiCustomizationType(config: { publicUrl: string }, c: UiCustomization | { poolId: string; target: string }) {
  if (!('cssVersion' in c)) return { UserPoolId: c.poolId, ClientId: c.target };
  return {
    UserPoolId: c.poolId,
    ClientId: c.target,
    ...(c.image ? { ImageUrl: `${config.publicUrl}${uiLogoPath(c.poolId, c.target)}?v=${c.cssVersion}` } : {}),
    ...(c.css !== null ? { CSS: c.css } : {}),
    CSSVersion: c.cssVersion,
    CreationDate: c.createdAt / 1000,
    LastModifiedDate: c.updatedAt / 1000,
  };
}
