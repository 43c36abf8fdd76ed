/**
 * Turns a screen description into DOM inside the shadow root, built node by node (no innerHTML:
 * nothing the user or the server sent is parsed as markup). One form per screen, labelled inputs,
 * an alert region for errors and a polite status region, and focus moved to the new screen's first
 * field (or its heading) so keyboard and screen-reader users land where the work is.
 */
import { format, type UIStrings } from './strings.js';

export interface Field {
  name: string;
  label: string;
  type?: 'text' | 'password' | 'email' | 'tel' | 'date';
  autocomplete?: string;
  inputMode?: 'numeric' | 'email' | 'tel';
  value?: string;
  optional?: boolean;
}

export interface Action {
  id: string;
  label: string;
  kind?: 'secondary' | 'link';
  /** Called with the screen's fields as typed so far (trimmed, passwords as they are). */
  run(values: Record<string, string>): unknown;
}

export interface Screen {
  id: string;
  title: string;
  intro?: string[];
  body?: Node[];
  fields?: Field[];
  submit?: { label: string; run(values: Record<string, string>): unknown };
  actions?: Action[];
  others?: { title: string; actions: Action[] };
  /** Last in the tab order. */
  cancel?: Action;
  status?: string;
}

export interface Chrome {
  strings: UIStrings;
  logoImage?: string;
  logoAlt?: string;
  lang: string;
  /** An error thrown by a screen's action, as the sentence to show (and the field it is about). */
  describe(error: unknown): { message: string; field?: string };
}

/** Builds an element: attributes (false/undefined ones left out), then children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | boolean | undefined> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : value);
  }
  el.append(...children);
  return el;
}

/** Replaces the card's content with `screen`; returns once it is in the DOM and focused. */
export function render(card: HTMLElement, screen: Screen, chrome: Chrome): void {
  const { strings } = chrome;
  const error = h('p', { class: 'error', id: 'error', role: 'alert' });
  const status = h('p', { class: 'status', id: 'status', role: 'status' }, screen.status ?? '');
  const heading = h('h2', { id: 'title', tabindex: '-1' }, screen.title);
  const form = h('form', { 'aria-labelledby': 'title', novalidate: true, 'data-screen': screen.id });
  const inputs = (screen.fields ?? []).map((field) =>
    h('input', {
      id: `field-${field.name}`,
      name: field.name,
      type: field.type ?? 'text',
      autocomplete: field.autocomplete ?? 'off',
      inputmode: field.inputMode,
      required: !field.optional,
      'aria-required': field.optional ? undefined : 'true',
      spellcheck: 'false',
      autocapitalize: 'off',
    }),
  );
  inputs.forEach((input, i) => (input.value = screen.fields![i]!.value ?? ''));
  const buttons: HTMLButtonElement[] = [];
  const values = () => Object.fromEntries(inputs.map((input) => [input.name, input.type === 'password' ? input.value : input.value.trim()]));

  const busy = (on: boolean) => {
    form.toggleAttribute('aria-busy', on);
    for (const b of buttons) b.disabled = on;
  };
  const showError = (message: string, field?: HTMLInputElement) => {
    for (const input of inputs) input.removeAttribute('aria-invalid');
    error.textContent = message;
    if (field) {
      field.setAttribute('aria-invalid', 'true');
      field.setAttribute('aria-describedby', 'error');
      field.focus();
    }
  };
  /** Runs a screen's step: buttons disabled meanwhile; a failure shown in the alert region. */
  const guard = async (step: () => unknown) => {
    // One call at a time: a second click, Enter or requestSubmit() while one is in flight is dropped.
    if (form.hasAttribute('aria-busy')) return;
    busy(true);
    showError('');
    status.textContent = '';
    try {
      await step();
    } catch (e) {
      const { message, field } = chrome.describe(e);
      if (form.isConnected) showError(message, inputs.find((i) => i.name === field));
    } finally {
      busy(false);
    }
  };
  const button = (action: Action) => {
    const b = h('button', { type: 'button', id: `action-${action.id}`, class: action.kind === 'link' ? 'link' : undefined }, action.label);
    b.addEventListener('click', () => void guard(() => action.run(values())));
    buttons.push(b);
    return b;
  };

  form.append(heading);
  for (const line of screen.intro ?? []) form.append(h('p', { class: 'muted' }, line));
  form.append(...(screen.body ?? []));
  screen.fields?.forEach((field, i) => form.append(h('label', { for: `field-${field.name}` }, field.label), inputs[i]!));
  form.append(error, status);
  if (screen.submit) {
    const submit = h('button', { type: 'submit', class: 'primary', id: 'submit' }, screen.submit.label);
    buttons.push(submit);
    form.append(submit);
    const run = screen.submit.run;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const typed = values();
      for (const [i, input] of inputs.entries()) {
        const field = screen.fields![i]!;
        if (!typed[field.name] && !field.optional) return showError(format(strings.errorRequired, { field: field.label }), input);
      }
      void guard(() => run(typed));
    });
  } else {
    form.addEventListener('submit', (event) => event.preventDefault());
  }
  const actions = (screen.actions ?? []).filter((a) => a.kind !== 'link');
  const links = (screen.actions ?? []).filter((a) => a.kind === 'link');
  form.append(...actions.map(button));
  if (links.length) form.append(h('div', { class: 'links' }, ...links.map(button)));
  if (screen.others?.actions.length) {
    form.append(h('section', { class: 'others', 'aria-labelledby': 'others-title' }, h('h3', { id: 'others-title' }, screen.others.title), ...screen.others.actions.map(button)));
  }
  if (screen.cancel) form.append(button(screen.cancel));

  const logo = chrome.logoImage ? [h('img', { class: 'logo', src: chrome.logoImage, alt: chrome.logoAlt ?? strings.logo })] : [];
  card.lang = chrome.lang;
  card.replaceChildren(...logo, form);
  (inputs.find((i) => !i.value) ?? inputs[0] ?? heading).focus();
}
