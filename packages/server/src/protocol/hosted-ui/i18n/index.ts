/**
 * The pages' languages. Each language is one file beside this one, named by its language tag
 * (`de.ts`, `pt-BR.ts`), whose default export has every key of `en.ts` (`satisfies Messages`).
 * They are found by listing this folder when the module loads: adding a language is adding its file.
 *
 * Choosing one (Cognito's managed login takes `lang`; OIDC adds `ui_locales`; browsers send
 * Accept-Language): the first of `lang`, then each tag of `ui_locales` in order, then each of
 * Accept-Language by weight, that names a language we have, exactly or by its primary subtag
 * (`es-MX` → `es`); else English.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import en, { type Messages } from './en.js';

export type { Messages };

const FILE = /^([a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)\.(?:ts|js)$/;

async function loadLanguages(): Promise<ReadonlyMap<string, Messages>> {
  const found = new Map<string, Messages>([['en', en]]);
  for (const file of readdirSync(fileURLToPath(new URL('.', import.meta.url))).sort()) {
    const tag = FILE.exec(file)?.[1];
    if (!tag || tag === 'en' || found.has(tag)) continue;
    const mod = (await import(`./${file}`)) as { default: Messages };
    found.set(tag, mod.default);
  }
  return found;
}

export const LANGUAGES: ReadonlyMap<string, Messages> = await loadLanguages();

const lower = new Map([...LANGUAGES.keys()].map((tag) => [tag.toLowerCase(), tag]));

/** The language tag we have for `wanted` (exact, case-insensitive, or by primary subtag), if any. */
export function matchLanguage(wanted: string | undefined): string | undefined {
  if (!wanted) return undefined;
  const tag = wanted.trim().toLowerCase().replace(/_/g, '-');
  if (!tag || tag.length > 35) return undefined;
  return lower.get(tag) ?? lower.get(tag.split('-')[0]!);
}

/** Accept-Language's tags, most wanted first (q=0 dropped). */
function acceptLanguageTags(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .slice(0, 20)
    .map((part, i) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag!.trim(), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((t) => t.tag && t.tag !== '*' && t.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i)
    .map((t) => t.tag);
}

/** The page language for a request: `lang`, then `ui_locales`, then Accept-Language, then English. */
export function chooseLanguage(input: { lang?: string | undefined; uiLocales?: string | undefined; acceptLanguage?: string | undefined }): string {
  const candidates = [input.lang, ...(input.uiLocales ?? '').split(' ').slice(0, 20), ...acceptLanguageTags(input.acceptLanguage)];
  for (const candidate of candidates) {
    const tag = matchLanguage(candidate);
    if (tag) return tag;
  }
  return 'en';
}

export function messagesFor(tag: string): Messages {
  return LANGUAGES.get(tag) ?? en;
}

/** Fills `{name}` placeholders. The result is text: the page escapes it where it renders it. */
export function format(message: string, values: Readonly<Record<string, string | number>>): string {
  return message.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(values, name) ? String(values[name]) : whole));
}
