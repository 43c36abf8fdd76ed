/**
 * The console's shell: a header with the navigation and the sign-out button, a `<main>` with one
 * `<h1>`, breadcrumbs, the notice of the last change (`role="status"`) and errors (`role="alert"`).
 * Landmarks (banner, navigation, main), a skip link, labels on every control, visible focus; the
 * navigation folds into a list above the content on a narrow screen (CSS only). The stylesheet and
 * the one small script are files (assets.ts), so the CSP needs no inline anything.
 */
import { html, trusted, type Html, type HtmlValue } from '../protocol/hosted-ui/html.js';

export interface NavItem {
  label: string;
  href: string;
  /** Position in the navigation (core pages use 10, 20 …; add yours in between or after). */
  order: number;
}

export interface ShellView {
  title: string;
  body: HtmlValue;
  /** Links above the title, most general first: `[['User pools', '/console/pools'], …]`. */
  crumbs?: readonly (readonly [string, string])[];
  errors?: readonly string[];
}

export interface ShellInput {
  nav: readonly NavItem[];
  principal: string;
  csrf: string;
  /** The path shown, to mark its navigation entry. */
  current: string;
  notice?: string | undefined;
}

/** Who is signed in, as people read it. */
export function principalLabel(principal: string): string {
  if (principal.startsWith('user:')) return principal.slice(5);
  if (principal.startsWith('key:')) return `access key ${principal.slice(4)}`;
  return principal;
}

function isCurrent(href: string, current: string): boolean {
  return href === '/console' ? current === '/console' : current === href || current.startsWith(href + '/');
}

export function errorSummary(errors: readonly string[]): Html {
  return html`<div class="alert" role="alert" id="errors"><h2>There is a problem</h2><ul>${errors.map((e) => html`<li>${e}</li>`)}</ul></div>`;
}

/** The document's start and head, the same for every console page; the script only where there is navigation. */
function documentHead(view: ShellView, script: boolean): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${view.title} · Cognate console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/console/assets/console.css">
${script ? trusted('<script src="/console/assets/console.js" defer></script>') : ''}
</head>`;
}

export function renderShell(input: ShellInput, view: ShellView): string {
  return html`${documentHead(view, true)}
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
<a class="brand" href="/console">Cognate console</a>
<form method="post" action="/console/sign-out" class="sign-out"><input type="hidden" name="_csrf" value="${input.csrf}"><span class="who">${principalLabel(input.principal)}</span> <button type="submit" class="link">Sign out</button></form>
</header>
<div class="frame">
<nav aria-label="Console" class="side"><ul>${input.nav.map(
    (n) => html`<li><a href="${n.href}"${isCurrent(n.href, input.current) ? trusted(' aria-current="page"') : ''}>${n.label}</a></li>`,
  )}</ul></nav>
<main id="main" tabindex="-1">
${view.crumbs?.length ? html`<nav aria-label="Breadcrumb" class="crumbs"><ol>${view.crumbs.map(([label, href]) => html`<li><a href="${href}">${label}</a></li>`)}</ol></nav>` : ''}
<h1>${view.title}</h1>
${input.notice ? html`<p class="notice" role="status">${input.notice}</p>` : ''}
${view.errors?.length ? errorSummary(view.errors) : ''}
${view.body}
</main>
</div>
</body>
</html>
`.toString();
}

/** The page of a visitor who is not signed in (the sign-in page): no navigation. */
export function renderBare(view: ShellView): string {
  return html`${documentHead(view, false)}
<body>
<header class="top"><span class="brand">Cognate console</span></header>
<main id="main" class="narrow">
<h1>${view.title}</h1>
${view.errors?.length ? errorSummary(view.errors) : ''}
${view.body}
</main>
</body>
</html>
`.toString();
}
