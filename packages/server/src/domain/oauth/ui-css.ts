/**
 * The CSS of classic hosted-UI customization (SetUICustomization), held to what Cognito allows
 * ("Customizing hosted UI (classic) branding", developer guide): rules whose selectors are the
 * documented `*-customizable` classes, each with the properties documented for it, and no at-rules
 * (`@import`, `@supports`, `@page`, `@media`) or script. Values are further held to plain CSS
 * values (lengths, keywords, colours, rgb()/hsl()): no `url()`, `expression()`, escapes or quotes,
 * so the re-serialised CSS can go into a page's `<style>` element as is.
 */
import { errors } from '../../errors.js';

/** The classes (and pseudo-classes) Cognito documents, each with the properties it lets you set. */
export const CUSTOMIZABLE: Readonly<Record<string, readonly string[]>> = {
  'background-customizable': ['background-color'],
  'banner-customizable': ['padding', 'background-color'],
  'errorMessage-customizable': ['margin', 'padding', 'font-size', 'width', 'background', 'border', 'color', 'box-sizing'],
  'idpButton-customizable': ['height', 'width', 'text-align', 'margin-bottom', 'color', 'background-color', 'border-color'],
  'idpButton-customizable:hover': ['color', 'background-color'],
  'idpDescription-customizable': ['padding-top', 'padding-bottom', 'display', 'font-size'],
  'inputField-customizable': ['width', 'height', 'color', 'background-color', 'border'],
  'inputField-customizable:focus': ['border-color', 'outline'],
  'label-customizable': ['font-weight'],
  'legalText-customizable': ['color', 'font-size'],
  'logo-customizable': ['max-width', 'max-height'],
  'passwordCheck-notValid-customizable': ['color'],
  'passwordCheck-valid-customizable': ['color'],
  'socialButton-customizable': ['height', 'text-align', 'width', 'margin-bottom'],
  'submitButton-customizable': ['font-size', 'font-weight', 'margin', 'width', 'height', 'color', 'background-color'],
  'submitButton-customizable:hover': ['color', 'background-color'],
  'textDescription-customizable': ['padding-top', 'padding-bottom', 'display', 'font-size'],
};

export interface CssRule {
  selectors: string[];
  declarations: { property: string; value: string }[];
}

/** A value: words, numbers with units, percentages, #colours and rgb()/rgba()/hsl()/hsla(). */
const VALUE = /^[#\w\s.,%+-]+$|^[#\w\s.,%+-]*(?:(?:rgb|rgba|hsl|hsla)\([\w\s.,%+/-]*\)[#\w\s.,%+-]*)+$/i;
const FUNCTION = /([a-z-]+)\s*\(/gi;
const ALLOWED_FUNCTIONS = new Set(['rgb', 'rgba', 'hsl', 'hsla']);

const invalid = (why: string) => errors.invalidParameter(`The CSS is not valid: ${why}`);

/**
 * Parses customization CSS into rules, refusing what Cognito refuses (unknown classes, properties
 * a class doesn't allow, at-rules, script) and any value that isn't a plain CSS value.
 */
export function parseCustomizationCss(css: string): CssRule[] {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, ' ');
  if (text.includes('/*')) throw invalid('an unterminated comment.');
  if (/[<>\\"'`]/.test(text)) throw invalid('markup, escapes and quotes are not allowed.');
  if (/@/.test(text)) throw invalid('at-rules (@import, @supports, @page, @media) are not allowed.');
  if (/javascript|expression\s*\(|url\s*\(|behavior|-moz-binding/i.test(text)) throw invalid('script and external resources are not allowed.');
  const rules: CssRule[] = [];
  let rest = text;
  for (;;) {
    rest = rest.trimStart();
    if (rest.length === 0) break;
    const open = rest.indexOf('{');
    const close = rest.indexOf('}');
    if (open < 0 || close < open) throw invalid('unbalanced braces.');
    const selectorText = rest.slice(0, open).trim();
    const body = rest.slice(open + 1, close);
    if (body.includes('{')) throw invalid('nested blocks are not allowed.');
    rest = rest.slice(close + 1);
    const selectors = selectorText.split(',').map((s) => s.trim());
    for (const s of selectors) {
      const name = /^\.([A-Za-z-]+(?::(?:hover|focus))?)$/.exec(s)?.[1];
      if (!name || !(name in CUSTOMIZABLE)) throw invalid(`the selector ${s || '(empty)'} is not one of the customizable classes.`);
    }
    const declarations: CssRule['declarations'] = [];
    for (const part of body.split(';')) {
      if (part.trim().length === 0) continue;
      const colon = part.indexOf(':');
      if (colon < 0) throw invalid(`the declaration ${part.trim()} has no value.`);
      const property = part.slice(0, colon).trim().toLowerCase();
      const value = part.slice(colon + 1).trim().replace(/\s+/g, ' ');
      for (const s of selectors) {
        if (!CUSTOMIZABLE[s.slice(1)]!.includes(property)) throw invalid(`the property ${property} can't be customized for ${s}.`);
      }
      if (value.length === 0 || value.length > 200 || !VALUE.test(value)) throw invalid(`the value of ${property} is not allowed.`);
      for (const m of value.matchAll(FUNCTION)) if (!ALLOWED_FUNCTIONS.has(m[1]!.toLowerCase())) throw invalid(`the function ${m[1]}() is not allowed.`);
      declarations.push({ property, value });
    }
    rules.push({ selectors, declarations });
  }
  return rules;
}

/** Rules back to CSS text, one rule a line. */
export const serializeCss = (rules: readonly CssRule[]): string =>
  rules.map((r) => `${r.selectors.join(', ')} { ${r.declarations.map((d) => `${d.property}: ${d.value};`).join(' ')} }`).join('\n');

/** CSS that is safe to put in a page's `<style>`: the stored CSS re-checked, or '' if it no longer passes. */
export function sanitizeCss(css: string | null | undefined): string {
  if (!css) return '';
  try {
    return serializeCss(parseCustomizationCss(css));
  } catch {
    return '';
  }
}
