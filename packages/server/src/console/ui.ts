/**
 * The parts console pages are made of, all built with the hosted UI's `html` tag (escaping by
 * construction): forms with their CSRF field, labelled inputs, checkboxes, selects, tables that
 * turn into cards on a phone, fact lists, pagers and the typed-confirmation delete form.
 */
import { html, trusted, type Html, type HtmlValue } from '../protocol/hosted-ui/html.js';

export { html, trusted, type Html, type HtmlValue };

let ids = 0;
/** An id for a control, from its name (unique within a page as long as names are). */
const idFor = (name: string) => `f-${name.replace(/[^\w-]/g, '_')}`;

export interface InputOptions {
  name: string;
  label: string;
  type?: 'text' | 'password' | 'email' | 'tel' | 'number' | 'url' | 'search';
  value?: string | number | undefined;
  hint?: string;
  required?: boolean;
  autocomplete?: string;
  inputmode?: 'numeric' | 'text';
  autofocus?: boolean;
  /** An id, when one name appears twice on a page (two forms). */
  id?: string;
}

export function input(o: InputOptions): Html {
  const id = o.id ?? idFor(o.name);
  return html`<label for="${id}">${o.label}</label>${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ''}<input id="${id}" name="${o.name}" type="${o.type ?? 'text'}"${
    o.value !== undefined ? html` value="${String(o.value)}"` : ''
  }${o.required ? trusted(' required') : ''}${o.autocomplete ? html` autocomplete="${o.autocomplete}"` : trusted(' autocomplete="off"')}${o.inputmode ? html` inputmode="${o.inputmode}"` : ''}${
    o.hint ? html` aria-describedby="${id}-hint"` : ''
  }${o.autofocus ? trusted(' autofocus') : ''} spellcheck="false">`;
}

export function textarea(o: { name: string; label: string; value?: string; hint?: string; id?: string }): Html {
  const id = o.id ?? idFor(o.name);
  return html`<label for="${id}">${o.label}</label>${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ''}<textarea id="${id}" name="${o.name}"${o.hint ? html` aria-describedby="${id}-hint"` : ''} spellcheck="false">${o.value ?? ''}</textarea>`;
}

export function select(o: { name: string; label: string; options: readonly (string | readonly [string, string])[]; value?: string | undefined; id?: string; hint?: string }): Html {
  const id = o.id ?? idFor(o.name);
  return html`<label for="${id}">${o.label}</label>${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ''}<select id="${id}" name="${o.name}"${o.hint ? html` aria-describedby="${id}-hint"` : ''}>${o.options.map((opt) => {
    const [value, label] = typeof opt === 'string' ? [opt, opt] : opt;
    return html`<option value="${value}"${value === o.value ? trusted(' selected') : ''}>${label}</option>`;
  })}</select>`;
}

/** A checkbox with its label; `name` repeats across a group (every checked value is sent). */
export function checkbox(o: { name: string; value?: string; label: string; checked?: boolean }): Html {
  const id = `c-${o.name}-${(o.value ?? 'on').replace(/[^\w-]/g, '_')}-${++ids % 100000}`;
  return html`<div class="check"><input type="checkbox" id="${id}" name="${o.name}" value="${o.value ?? 'on'}"${o.checked ? trusted(' checked') : ''}><label for="${id}">${o.label}</label></div>`;
}

/** Checkboxes in a fieldset with a legend. */
export function checkboxes(name: string, legend: string, options: readonly (string | readonly [string, string])[], checked: readonly string[] = []): Html {
  return html`<fieldset><legend>${legend}</legend>${options.map((opt) => {
    const [value, label] = typeof opt === 'string' ? [opt, opt] : opt;
    return checkbox({ name, value, label, checked: checked.includes(value) });
  })}</fieldset>`;
}

export interface FormOptions {
  action: string;
  csrf: string;
  body?: HtmlValue;
  submit: string;
  /** Accessible name of the form (several on a page). */
  label?: string;
  kind?: 'primary' | 'secondary' | 'danger';
  hidden?: Readonly<Record<string, string>>;
}

/** A POST form with the session's CSRF token; works without JavaScript. */
export function form(f: FormOptions): Html {
  return html`<form method="post" action="${f.action}"${f.label ? html` aria-label="${f.label}"` : ''}>
<input type="hidden" name="_csrf" value="${f.csrf}">${Object.entries(f.hidden ?? {}).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
${f.body ?? ''}
<button type="submit"${f.kind && f.kind !== 'primary' ? html` class="${f.kind}"` : ''}>${f.submit}</button>
</form>`;
}

/**
 * The delete form that asks for the thing's name typed out (Cognito's console does the same):
 * the server compares it (the page's POST handler, with {@link confirmed}); the script only
 * enables the button once it matches.
 */
export function deleteForm(o: { action: string; csrf: string; name: string; what: string }): Html {
  const id = `confirm-${++ids % 100000}`;
  return html`<form method="post" action="${o.action}" aria-label="Delete ${o.what}">
<input type="hidden" name="_csrf" value="${o.csrf}">
<label for="${id}">To delete ${o.what}, type its name: <span class="secret">${o.name}</span></label>
<input type="text" id="${id}" name="confirm" autocomplete="off" spellcheck="false" data-confirm-input="${o.name}" data-confirm-button="${id}-button">
<button type="submit" class="danger" id="${id}-button">Delete ${o.what}</button>
</form>`;
}

/** Whether a delete form's typed name matches. */
export function confirmed(form: { get(name: string): string }, name: string): boolean {
  return form.get('confirm') === name;
}

/** A table; on a phone each row becomes a card whose cells carry their column's name. */
export function table(headers: readonly string[], rows: readonly (readonly HtmlValue[])[], caption?: string): Html {
  if (rows.length === 0) return html`<p>None.</p>`;
  return html`<table class="list">${caption ? html`<caption>${caption}</caption>` : ''}<thead><tr>${headers.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead><tbody>${rows.map(
    (r) => html`<tr>${r.map((cell, i) => html`<td data-label="${headers[i] ?? ''}">${cell}</td>`)}</tr>`,
  )}</tbody></table>`;
}

/** A definition list of facts (`[label, value]`). */
export function facts(items: readonly (readonly [string, HtmlValue])[]): Html {
  return html`<dl class="facts">${items.map(([k, v]) => html`<dt>${k}</dt><dd>${v === undefined || v === null || v === '' ? '—' : v}</dd>`)}</dl>`;
}

/** "Next page" (and "First page") links for token-paged lists. */
export function pager(base: string, next: string | undefined, params: Record<string, string | undefined> = {}, isFirst = true): Html {
  const q = (extra: Record<string, string | undefined>) => {
    const s = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...params, ...extra })) if (v) s.set(k, v);
    const text = s.toString();
    return text ? `${base}?${text}` : base;
  };
  if (!next && isFirst) return html``;
  return html`<nav class="pager" aria-label="Pages">${!isFirst ? html`<a href="${q({ page: undefined })}">First page</a>` : ''}${next ? html`<a href="${q({ page: next })}" rel="next">Next page</a>` : ''}</nav>`;
}

/** A secret shown once, with a Copy button the script reveals. */
export function secretOnce(label: string, value: string): Html {
  const id = `secret-${++ids % 100000}`;
  return html`<p><strong>${label}</strong> (shown once; copy it now)</p><p class="secret secret-once" id="${id}">${value}</p><button type="button" class="secondary" data-copy="${id}" hidden>Copy</button>`;
}

export function link(href: string, text: string): Html {
  return html`<a href="${href}">${text}</a>`;
}

export function when(ms: number | string | Date | undefined): string {
  if (ms === undefined) return '';
  const d = ms instanceof Date ? ms : new Date(typeof ms === 'string' ? Number(ms) || Date.parse(ms) : ms);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}
