/**
 * HTML escaping by construction. Every page is built with the {@link html} tag: each value put into
 * it is escaped unless it is itself {@link Html} (made by this tag, or by {@link trusted} for the
 * few constants that are markup). A page therefore can't put a user's input, a query parameter or a
 * branding setting into markup unescaped without saying `trusted(...)`, which review can grep for.
 *
 * Escaping covers both element content and quoted attribute values (`&<>"'` and the backtick), so
 * the same tag serves `<p>${text}</p>` and `<input value="${value}">`. Attribute values must be
 * quoted; URLs put in `href`/`src` must be checked by the caller (see {@link safeUrl}).
 */

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Markup that is already safe to put in a page. Only this module constructs it. */
export class Html {
  readonly #markup: string;
  private constructor(markup: string) {
    this.#markup = markup;
  }
  /** @internal */
  static of(markup: string): Html {
    return new Html(markup);
  }
  toString(): string {
    return this.#markup;
  }
}

export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (ch) => ESCAPES[ch]!);
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.toString();
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/**
 * The tag pages are written with: `html\`<p>${userText}</p>\``. Strings, numbers and arrays of them
 * are escaped; `Html` values (nested `html` fragments) are kept; `null`, `undefined` and `false`
 * render nothing, so `${cond && html\`...\`}` works.
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return Html.of(out);
}

/** Markup from a constant the code owns (never from a request or the database): `trusted('<br>')`. */
export function trusted(markup: string): Html {
  return Html.of(markup);
}

/** A URL safe for `href`/`src`: http(s), or a relative path; anything else (javascript:, data: …) is refused. */
export function safeUrl(url: string | undefined, allowDataImages = false): string | undefined {
  if (!url) return undefined;
  if (url.startsWith('/') && !url.startsWith('//')) return url;
  if (allowDataImages && /^data:image\/(?:png|jpeg|gif|webp|svg\+xml|x-icon);base64,[A-Za-z0-9+/=]+$/.test(url)) return url;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.toString() : undefined;
  } catch {
    return undefined;
  }
}
