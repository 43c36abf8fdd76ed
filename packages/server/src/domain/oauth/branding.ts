/**
 * What a hosted-UI page looks like for a pool and app client (HELPERS.md contract 3):
 * `brandingFor(cognate, pool, client)` resolves the branding that applies and returns it ready to
 * render — CSS already sanitised, images as data: URIs.
 *
 * Which branding applies:
 * - the pool's domain has ManagedLoginVersion 2 (managed login): the client's managed-login style
 *   (managed-login-branding.ts), its settings merged over Cognito's defaults; a client without a
 *   style gets the defaults (`custom: false`). Cognito shows no pages to a v2 client without a style;
 *   Cognate shows the default look instead and says so with `custom: false`.
 * - otherwise (ManagedLoginVersion 1, the classic hosted UI, or no domain): the client's own UI
 *   customization, else the pool's (`ALL`) — ui-customization.ts; none gives `custom: false`.
 *
 * How a page uses a Branding (hosted-core):
 * - put `css` in a `<style>` element in `<head>` after the page's own CSS (it has no `<`, no
 *   at-rules, no url(), so it is safe there and needs no CSP hash beyond what the style element gets);
 * - classic CSS targets Cognito's class names: give the page's elements the matching classes —
 *   `background-customizable` (page background), `banner-customizable` (the logo's band),
 *   `logo-customizable` (the <img>), `label-customizable`, `inputField-customizable`,
 *   `submitButton-customizable`, `textDescription-customizable`, `errorMessage-customizable`,
 *   `idpButton-customizable`, `idpDescription-customizable`, `legalText-customizable`,
 *   `socialButton-customizable`, `passwordCheck-valid-customizable` / `passwordCheck-notValid-customizable`;
 * - managed-login CSS defines custom properties on `:root` (listed at BRANDING_CSS_VARIABLES): use
 *   them as `var(--cognate-primary, <default>)`; `colors` has the same values for inline use;
 * - `logo`, `favicon`, `backgroundImage` are data: URIs (the CSP needs `img-src 'self' data:`);
 * - `version` changes whenever the branding does (cache key / ETag).
 */
import type { Ports } from '../cognate.js';
import type { AppClient } from '../app-clients.js';
import type { UserPool } from '../user-pools.js';
import { describeUserPoolDomain, poolDomainFields } from '../user-pool-domains.js';
import { brandingForClient, mergedSettings, type Asset, type AssetCategory, type ManagedLoginBranding, type SettingsDocument } from './managed-login-branding.js';
import { effectiveUiCustomization } from './ui-customization.js';
import { sanitizeCss } from './ui-css.js';

export interface BrandingImage {
  /** image/png, image/jpeg, image/svg+xml, image/x-icon, image/webp */
  contentType: string;
  /** `data:<contentType>;base64,...`, ready for an <img src> or <link rel=icon href> */
  dataUri: string;
}

export interface BrandingColors {
  /** CSS colours (#rrggbbaa) */
  primaryButton: string;
  primaryButtonText: string;
  pageBackground: string;
  formBackground: string;
  formBorder: string;
  text: string;
  heading: string;
}

export interface Branding {
  /** classic hosted UI (SetUICustomization) or managed login (CreateManagedLoginBranding) */
  kind: 'classic' | 'managed-login';
  /** false when nothing was configured and these are the default looks */
  custom: boolean;
  /** sanitised CSS for a <style> element ('' for none) */
  css: string;
  logo?: BrandingImage;
  favicon?: BrandingImage;
  backgroundImage?: BrandingImage;
  /** managed login's colour scheme; classic is always LIGHT */
  colorScheme: 'LIGHT' | 'DARK' | 'DYNAMIC';
  /** the colours the page should use (managed-login settings, or Cognate's defaults for classic) */
  colors: BrandingColors;
  /** managed login: the settings document merged over Cognito's defaults (for anything else a page wants) */
  settings?: SettingsDocument;
  /** changes whenever the branding does */
  version: string;
}

/** The CSS custom properties a managed-login Branding's `css` defines, by BrandingColors key. */
export const BRANDING_CSS_VARIABLES: Readonly<Record<keyof BrandingColors, string>> = {
  primaryButton: '--cognate-primary',
  primaryButtonText: '--cognate-primary-text',
  pageBackground: '--cognate-page-background',
  formBackground: '--cognate-form-background',
  formBorder: '--cognate-form-border',
  text: '--cognate-text',
  heading: '--cognate-heading',
};

export const DEFAULT_COLORS: BrandingColors = {
  primaryButton: '#0972d3ff',
  primaryButtonText: '#ffffffff',
  pageBackground: '#ffffffff',
  formBackground: '#ffffffff',
  formBorder: '#c6c6cdff',
  text: '#414d5cff',
  heading: '#000716ff',
};

const MEDIA_TYPES: Record<Asset['Extension'], string> = { ICO: 'image/x-icon', JPEG: 'image/jpeg', PNG: 'image/png', SVG: 'image/svg+xml', WEBP: 'image/webp' };

const image = (contentType: string, bytes: Buffer | string): BrandingImage => ({
  contentType,
  dataUri: `data:${contentType};base64,${typeof bytes === 'string' ? bytes : bytes.toString('base64')}`,
});

/** The ManagedLoginVersion of the pool's domain (2 if any of its domains is 2), 1 without a domain. */
async function managedLoginVersion(cognate: Ports<'store'>, poolId: string): Promise<number> {
  const names = await poolDomainFields(cognate, poolId);
  let version = 1;
  for (const name of [names.Domain, names.CustomDomain]) {
    if (name === undefined) continue;
    const d = await describeUserPoolDomain(cognate, name);
    if (d && d.poolId === poolId) version = Math.max(version, d.managedLoginVersion);
  }
  return version;
}

/**
 * The branding for a client's pages. `options.managedLoginVersion` overrides the version found on
 * the pool's domains (a page served on a given domain knows which one it is on).
 */
export async function brandingFor(cognate: Ports<'store'>, pool: UserPool, client: AppClient, options: { managedLoginVersion?: number } = {}): Promise<Branding> {
  const version = options.managedLoginVersion ?? (await managedLoginVersion(cognate, pool.id));
  if (version >= 2) return managedLoginLook(await brandingForClient(cognate, pool.id, client.id));
  const custom = await effectiveUiCustomization(cognate, pool.id, client.id);
  if (!custom) return { kind: 'classic', custom: false, css: '', colorScheme: 'LIGHT', colors: { ...DEFAULT_COLORS }, version: 'default' };
  return {
    kind: 'classic',
    custom: true,
    css: sanitizeCss(custom.css),
    ...(custom.image ? { logo: image(custom.image.contentType, custom.image.bytes) } : {}),
    colorScheme: 'LIGHT',
    colors: { ...DEFAULT_COLORS },
    version: `${custom.target}:${custom.cssVersion}`,
  };
}

const HEX = /^[0-9a-f]{6}(?:[0-9a-f]{2})?$/i;

/** Reads a colour (Cognito writes RRGGBBAA hex without '#') at a path of the settings document. */
function colorAt(settings: SettingsDocument, path: readonly string[], fallback: string): string {
  let v: unknown = settings;
  for (const k of path) v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined;
  return typeof v === 'string' && HEX.test(v) ? `#${v.toLowerCase()}` : fallback;
}

function managedLoginLook(style: ManagedLoginBranding | undefined): Branding {
  const settings = style ? mergedSettings(style) : mergedSettings({ useCognitoProvidedValues: true, settings: null } as ManagedLoginBranding);
  const scheme = (((settings.categories as SettingsDocument | undefined)?.global as SettingsDocument | undefined)?.colorSchemeMode as string | undefined) ?? 'LIGHT';
  const colorScheme = scheme === 'DARK' || scheme === 'DYNAMIC' ? scheme : 'LIGHT';
  const mode = colorScheme === 'DARK' ? 'darkMode' : 'lightMode';
  const colors: BrandingColors = {
    primaryButton: colorAt(settings, ['components', 'primaryButton', mode, 'defaults', 'backgroundColor'], DEFAULT_COLORS.primaryButton),
    primaryButtonText: colorAt(settings, ['components', 'primaryButton', mode, 'defaults', 'textColor'], DEFAULT_COLORS.primaryButtonText),
    pageBackground: colorAt(settings, ['components', 'pageBackground', mode, 'color'], DEFAULT_COLORS.pageBackground),
    formBackground: colorAt(settings, ['components', 'form', mode, 'backgroundColor'], DEFAULT_COLORS.formBackground),
    formBorder: colorAt(settings, ['components', 'form', mode, 'borderColor'], DEFAULT_COLORS.formBorder),
    text: colorAt(settings, ['components', 'pageText', mode, 'bodyColor'], DEFAULT_COLORS.text),
    heading: colorAt(settings, ['components', 'pageText', mode, 'headingColor'], DEFAULT_COLORS.heading),
  };
  const css = `:root { ${(Object.keys(BRANDING_CSS_VARIABLES) as (keyof BrandingColors)[]).map((k) => `${BRANDING_CSS_VARIABLES[k]}: ${colors[k]};`).join(' ')} }`;
  const assets = style?.assets ?? [];
  const modeOf = colorScheme === 'DARK' ? 'DARK' : 'LIGHT';
  const asset = (...categories: AssetCategory[]): BrandingImage | undefined => {
    for (const category of categories) {
      const a = assets.find((x) => x.Category === category && x.Bytes && (x.ColorMode === modeOf || x.ColorMode === 'DYNAMIC')) ?? assets.find((x) => x.Category === category && x.Bytes);
      if (a?.Bytes) return image(MEDIA_TYPES[a.Extension], a.Bytes);
    }
    return undefined;
  };
  const logo = asset('FORM_LOGO', 'PAGE_HEADER_LOGO');
  const favicon = asset('FAVICON_SVG', 'FAVICON_ICO');
  const backgroundImage = asset('PAGE_BACKGROUND');
  return {
    kind: 'managed-login',
    custom: style !== undefined && !style.useCognitoProvidedValues,
    css,
    ...(logo ? { logo } : {}),
    ...(favicon ? { favicon } : {}),
    ...(backgroundImage ? { backgroundImage } : {}),
    colorScheme,
    colors,
    settings,
    version: style ? `${style.id}:${style.updatedAt}` : 'default',
  };
}
