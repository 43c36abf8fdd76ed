/**
 * The one layout every hosted-UI page renders in, and the form parts pages are made of. Pages give
 * a title and body (built with the `html` tag, so escaped by construction); the layout adds the
 * document, the language, the branding (the pool's or client's CSS and logo), the error summary,
 * the CSRF field of each form, and the stylesheet.
 *
 * Accessibility: one `<h1>` per page; every input has a `<label for>`; errors are announced
 * (`role="alert"`) and tied to their field (`aria-describedby`, `aria-invalid`); the DOM order is
 * the focus order (no tabindex > 0); the first field with an error — or else the first field — has
 * `autofocus`; visible focus outlines; text and buttons keep a contrast ratio above 4.5:1
 * (#1f2328 on #fff, #fff on #0b57d0). No JavaScript, but for the passkey page's one constant script
 * (`PageView.script`).
 *
 * Branding (domain/oauth/branding.ts): the elements carry Cognito's classic class names
 * (`background-customizable`, `banner-customizable`, `logo-customizable`, `label-customizable`,
 * `inputField-customizable`, `submitButton-customizable`, `textDescription-customizable`,
 * `errorMessage-customizable`, `legalText-customizable`), so a pool's SetUICustomization CSS styles
 * them as on Cognito; managed-login colours arrive as CSS custom properties the base styles read
 * (`var(--cognate-primary, …)`). The branding's CSS comes after the base CSS, so it wins.
 */
import { html, safeUrl, trusted, type Html, type HtmlValue } from './html.js';
import type { Messages } from './i18n/index.js';

/** What a page shows of the pool's or client's branding (UI customization, managed-login branding). */
export interface PageBranding {
  /** CSS already sanitised to what Cognito allows (domain/oauth/branding.ts); placed in the page's one `<style>`. */
  css?: string;
  /** The logo: an https URL or an image data URL. */
  logoUrl?: string;
  /** The favicon: an image data URL. */
  faviconUrl?: string;
  /** Links shown at the foot of the page (terms of use, privacy policy). */
  links?: readonly { label: string; url: string }[];
}

export interface PageView {
  title: string;
  body: Html;
  /** Form-level errors, shown in the summary at the top. */
  errors?: readonly string[];
  /** Narrow (default) or wide (the QR code page). */
  width?: 'narrow' | 'wide';
  /**
   * A constant inline script (the passkey page's, passkey-script.ts), allowed by its hash in this
   * page's CSP alone. Every other page has none.
   */
  script?: string;
}

export interface LayoutInput {
  lang: string;
  t: Messages;
  nonce: string;
  branding?: PageBranding | undefined;
}

const BASE_CSS = `
*,*::before,*::after{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--cognate-text,#1f2328);background:var(--cognate-page-background,#f4f6f8) center/cover}
.skip{position:absolute;left:-9999px}.skip:focus{left:8px;top:8px;background:#fff;padding:4px 8px}
main{max-width:26rem;margin:2rem auto;padding:1.5rem;background:var(--cognate-form-background,#fff);border:1px solid var(--cognate-form-border,#d0d7de);border-radius:8px}
main.wide{max-width:34rem}
.banner{text-align:center;margin-bottom:1rem}.banner img{max-width:100%;max-height:6rem}
h1{font-size:1.35rem;margin:0 0 1rem;color:var(--cognate-heading,inherit)}
p{margin:0 0 1rem}
label{display:block;font-weight:600;margin:0 0 .25rem}
input[type=text],input[type=password],input[type=email],input[type=tel],input[type=number],select{display:block;width:100%;padding:.55rem .6rem;font:inherit;color:#1f2328;background:#fff;border:1px solid #6e7781;border-radius:6px;margin:0 0 1rem}
input[aria-invalid=true]{border-color:#b3261e;border-width:2px}
.field-error{color:#b3261e;margin:-.75rem 0 1rem;font-size:.95rem}
fieldset{border:0;padding:0;margin:0 0 1rem}legend{font-weight:600;margin-bottom:.25rem}
.choice{display:flex;gap:.5rem;align-items:center;margin:.25rem 0}.choice label{font-weight:400;margin:0}
button{display:block;width:100%;padding:.65rem;font:inherit;font-weight:600;color:var(--cognate-primary-text,#fff);background:var(--cognate-primary,#0b57d0);border:0;border-radius:6px;cursor:pointer;margin:0 0 1rem}
button.secondary{color:#0b57d0;background:#fff;border:1px solid #0b57d0}
.idp-buttons{list-style:none;padding:0;margin:0 0 1.25rem}.idp-buttons a{display:block;padding:.6rem;margin:0 0 .5rem;border:1px solid #0b57d0;border-radius:6px;color:#0b57d0;background:#fff;font-weight:600;text-align:center;text-decoration:none}
a{color:#0b57d0}
:focus-visible{outline:3px solid #1f2328;outline-offset:2px}
.alert{border:2px solid #b3261e;border-radius:6px;padding:.75rem;margin:0 0 1rem;color:#1f2328;background:#fdf1f0}
.alert h2{font-size:1rem;margin:0 0 .25rem}.alert ul{margin:0;padding-left:1.25rem}
.hint{color:#4b535c;font-size:.95rem}
.qr{display:block;margin:0 auto 1rem;width:14rem;height:14rem}
.secret{font-family:ui-monospace,monospace;word-break:break-all}
footer{text-align:center;font-size:.9rem;margin:1rem 0}footer a{margin:0 .5rem}
`;

export function renderDocument(input: LayoutInput, view: PageView): string {
  const { t, branding } = input;
  const logo = safeUrl(branding?.logoUrl, true);
  const favicon = safeUrl(branding?.faviconUrl, true);
  const links = (branding?.links ?? []).map((l) => ({ label: l.label, url: safeUrl(l.url) })).filter((l) => l.url);
  const page = html`<!doctype html>
<html lang="${input.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${view.title}</title>
${favicon && html`<link rel="icon" href="${favicon}">`}
<style nonce="${input.nonce}">${trusted(BASE_CSS)}${trusted(sanitiseForStyleElement(branding?.css ?? ''))}</style>
</head>
<body class="background-customizable">
<a class="skip" href="#content">${t.skipToForm}</a>
<main id="content" class="${view.width === 'wide' ? 'wide' : 'narrow'}">
${logo && html`<div class="banner banner-customizable"><img class="logo-customizable" src="${logo}" alt=""></div>`}
<h1>${view.title}</h1>
${view.errors?.length ? errorSummary(t, view.errors) : ''}
${view.body}
</main>
${links.length ? html`<footer class="legalText-customizable">${links.map((l) => html`<a href="${l.url!}" rel="noopener noreferrer">${l.label}</a>`)}</footer>` : ''}
${view.script ? html`<script>${trusted(view.script)}</script>` : ''}
</body>
</html>
`;
  return page.toString();
}

/**
 * CSS goes into a `<style>` element's raw text, where only `</style` (any case) could end it early;
 * branding CSS comes sanitised from the domain, and this keeps a mistake there from becoming markup.
 */
function sanitiseForStyleElement(css: string): string {
  return css.replace(/<\/?(?=style)/gi, '').replace(/</g, '\\3c ');
}

function errorSummary(t: Messages, errors: readonly string[]): Html {
  return html`<div class="alert errorMessage-customizable" role="alert" id="errors"><h2>${t.errorHeading}</h2><ul>${errors.map((e) => html`<li>${e}</li>`)}</ul></div>`;
}

export interface FieldInput {
  name: string;
  label: string;
  type?: 'text' | 'password' | 'email' | 'tel' | 'number';
  autocomplete?: string;
  required?: boolean;
  value?: string;
  error?: string;
  hint?: string;
  autofocus?: boolean;
  inputmode?: 'numeric' | 'text' | 'email' | 'tel';
  maxlength?: number;
  pattern?: string;
}

/** One labelled input, with its hint and error tied to it for screen readers. */
export function field(f: FieldInput): Html {
  const id = `f-${f.name}`;
  const described = [f.hint ? `${id}-hint` : '', f.error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`<label class="label-customizable" for="${id}">${f.label}</label>
${f.hint ? html`<p class="hint" id="${id}-hint">${f.hint}</p>` : ''}
<input class="inputField-customizable" id="${id}" name="${f.name}" type="${f.type ?? 'text'}"${f.autocomplete ? html` autocomplete="${f.autocomplete}"` : ''}${f.required ? trusted(' required') : ''}${f.value !== undefined ? html` value="${f.value}"` : ''}${f.inputmode ? html` inputmode="${f.inputmode}"` : ''}${f.maxlength ? html` maxlength="${f.maxlength}"` : ''}${f.pattern ? html` pattern="${f.pattern}"` : ''}${described ? html` aria-describedby="${described}"` : ''}${f.error ? trusted(' aria-invalid="true"') : ''}${f.autofocus ? trusted(' autofocus') : ''} spellcheck="false" autocapitalize="none">
${f.error ? html`<p class="field-error errorMessage-customizable" id="${id}-error">${f.error}</p>` : ''}`;
}

/**
 * Radio buttons in a fieldset with a legend. With `autofocus` (the page's first field), the checked
 * button takes focus, so the arrow keys choose at once.
 */
export function choices(name: string, legend: string, options: readonly { value: string; label: string; checked?: boolean }[], autofocus = false): Html {
  const checkedIndex = Math.max(0, options.findIndex((x) => x.checked));
  return html`<fieldset><legend>${legend}</legend>${options.map(
    (o, i) => html`<div class="choice"><input type="radio" id="c-${name}-${i}" name="${name}" value="${o.value}"${i === checkedIndex ? trusted(' checked') : ''}${autofocus && i === checkedIndex ? trusted(' autofocus') : ''} required><label for="c-${name}-${i}">${o.label}</label></div>`,
  )}</fieldset>`;
}

export interface FormInput {
  /** Where it posts: a path with its query string (the authorize parameters travel there). */
  action: string;
  csrf: string;
  body: HtmlValue;
  submit: string;
  /** Hidden fields besides the CSRF token (a challenge's sealed Session …). */
  hidden?: Readonly<Record<string, string | undefined>>;
  /** Accessible name of the form. */
  label?: string;
  /** A secondary action (outlined button), e.g. sending a new code beside the code form. */
  secondary?: boolean;
}

/** A POST form with its CSRF token; works without JavaScript. */
export function form(f: FormInput): Html {
  const hidden = Object.entries(f.hidden ?? {}).filter(([, v]) => v !== undefined);
  return html`<form method="post" action="${f.action}" novalidate${f.label ? html` aria-label="${f.label}"` : ''}>
<input type="hidden" name="_csrf" value="${f.csrf}">
${hidden.map(([k, v]) => html`<input type="hidden" name="${k}" value="${v!}">`)}
${f.body}
<button class="submitButton-customizable${f.secondary ? ' secondary' : ''}" type="submit">${f.submit}</button>
</form>`;
}

export function paragraph(text: string, className = 'textDescription-customizable'): Html {
  return html`<p class="${className}">${text}</p>`;
}

export function link(href: string, text: string): Html {
  return html`<a href="${href}">${text}</a>`;
}
