/**
 * The drop-in's style sheet, inside its shadow root. Everything an app may want to change is a CSS
 * custom property on the host (they inherit through the shadow boundary), listed with its default
 * in {@link THEME_PROPERTIES}. The defaults meet WCAG AA contrast (axe-core checks them in the tests).
 */

/**
 * The theme's custom properties and their defaults. Set them on `cognate-sign-in` (or any
 * ancestor) in the app's CSS; `backgroundColor` sets `--cognate-background`.
 *
 * @example
 * ```ts
 * // cognate-sign-in { --cognate-primary: #7b2cbf; --cognate-radius: 0; }
 * Object.keys(THEME_PROPERTIES).includes('--cognate-primary'); // true
 * ```
 */
export const THEME_PROPERTIES: Readonly<Record<string, string>> = {
  '--cognate-background': '#eef1f5',
  '--cognate-surface': '#ffffff',
  '--cognate-text': '#1b1f24',
  '--cognate-muted': '#4a5563',
  '--cognate-primary': '#1f5fbf',
  '--cognate-primary-text': '#ffffff',
  '--cognate-error': '#b3261e',
  '--cognate-border': '#6b7280',
  '--cognate-focus': '#1f5fbf',
  '--cognate-radius': '8px',
  '--cognate-font': 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  '--cognate-width': '24rem',
  '--cognate-logo-height': '3rem',
};

const v = (name: string) => `var(${name}, ${THEME_PROPERTIES[name]})`;

/** The sheet (text, so it works without constructable style sheets). */
export const STYLES = `
:host { display: block; box-sizing: border-box; min-height: 100%; padding: 2rem 1rem; background: ${v('--cognate-background')};
  font-family: ${v('--cognate-font')}; color: ${v('--cognate-text')}; }
:host([hidden]) { display: none; }
*, *::before, *::after { box-sizing: inherit; }
.card { max-width: ${v('--cognate-width')}; margin: 0 auto; padding: 1.5rem; background: ${v('--cognate-surface')};
  border-radius: ${v('--cognate-radius')}; box-shadow: 0 1px 4px rgb(0 0 0 / 0.15); }
.logo { display: block; max-height: ${v('--cognate-logo-height')}; max-width: 100%; margin: 0 auto 1rem; }
h2 { font-size: 1.4rem; margin: 0 0 1rem; }
h2:focus { outline: none; }
p { margin: 0 0 0.75rem; line-height: 1.4; }
.muted { color: ${v('--cognate-muted')}; }
label { display: block; font-weight: 600; margin: 0.75rem 0 0.25rem; }
input { display: block; width: 100%; font: inherit; padding: 0.55rem 0.65rem; color: ${v('--cognate-text')}; background: ${v('--cognate-surface')};
  border: 1px solid ${v('--cognate-border')}; border-radius: calc(${v('--cognate-radius')} / 2); }
input[aria-invalid="true"] { border-color: ${v('--cognate-error')}; }
button, .link { font: inherit; cursor: pointer; }
button { display: block; width: 100%; margin-top: 0.75rem; padding: 0.6rem 1rem; border-radius: calc(${v('--cognate-radius')} / 2);
  border: 1px solid ${v('--cognate-primary')}; background: ${v('--cognate-surface')}; color: ${v('--cognate-primary')}; font-weight: 600; }
button.primary { background: ${v('--cognate-primary')}; color: ${v('--cognate-primary-text')}; margin-top: 1.25rem; }
button.link { display: inline; width: auto; border: 0; padding: 0.25rem 0; margin: 0.5rem 1rem 0 0; background: none; text-decoration: underline; }
button:disabled { opacity: 0.6; cursor: progress; }
:focus-visible { outline: 3px solid ${v('--cognate-focus')}; outline-offset: 2px; }
.error { color: ${v('--cognate-error')}; font-weight: 600; margin-top: 0.75rem; }
.error:empty, .status:empty { display: none; }
.status { margin-top: 0.75rem; }
.links { margin-top: 0.5rem; }
.others { margin-top: 1.25rem; border-top: 1px solid ${v('--cognate-border')}; padding-top: 0.5rem; }
.others h3 { font-size: 1rem; margin: 0.5rem 0 0; color: ${v('--cognate-muted')}; }
.qr { display: block; width: 12rem; height: 12rem; margin: 0.5rem auto; background: #fff; }
code.secret { display: block; font-size: 1.05rem; letter-spacing: 0.05em; word-break: break-all; padding: 0.5rem; border: 1px dashed ${v('--cognate-border')}; }
a { color: ${v('--cognate-primary')}; }
`;
