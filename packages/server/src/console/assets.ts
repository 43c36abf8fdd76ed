/**
 * The console's stylesheet and its one script, served as files from `/console/assets/` so the CSP
 * allows `'self'` and nothing inline. Every page works without the script: it only enhances
 * (a typed-confirmation button is enabled once the name matches — the server checks it anyway —
 * and a "Copy" button beside secrets shown once).
 *
 * Colours keep text above 4.5:1 (#1f2328 on #fff, #fff on #0b57d0, #b3261e on #fff).
 */

export const CONSOLE_CSS = `
*,*::before,*::after{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#f4f6f8}
a{color:#0b57d0}
:focus-visible{outline:3px solid #1f2328;outline-offset:2px}
.skip{position:absolute;left:-9999px}.skip:focus{left:8px;top:8px;background:#fff;padding:4px 8px;z-index:2}
.top{display:flex;flex-wrap:wrap;gap:.5rem;justify-content:space-between;align-items:center;padding:.6rem 1rem;background:#1f2328;color:#fff}
.top a,.top .brand{color:#fff;font-weight:700;text-decoration:none}
.top .who{color:#fff}
.sign-out{margin:0}
button.link{background:none;border:0;color:#fff;text-decoration:underline;font:inherit;cursor:pointer;padding:0;width:auto;margin:0}
.frame{display:flex;align-items:flex-start;max-width:80rem;margin:0 auto}
.side{flex:0 0 13rem;padding:1rem}
.side ul{list-style:none;margin:0;padding:0}
.side a{display:block;padding:.4rem .6rem;border-radius:6px;text-decoration:none}
.side a[aria-current=page]{background:#0b57d0;color:#fff}
main{flex:1;min-width:0;margin:1rem;padding:1.25rem;background:#fff;border:1px solid #d0d7de;border-radius:8px}
main.narrow{max-width:30rem;margin:2rem auto}
h1{font-size:1.5rem;margin:0 0 1rem}
h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
.crumbs ol{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem;margin:0 0 .5rem;padding:0;font-size:.95rem}
.crumbs li+li::before{content:"/";margin-right:.25rem;color:#4b535c}
label{display:block;font-weight:600;margin:0 0 .25rem}
.hint{color:#4b535c;font-size:.95rem;margin:-.15rem 0 .35rem}
input[type=text],input[type=password],input[type=email],input[type=tel],input[type=number],input[type=url],input[type=search],select,textarea{display:block;width:100%;max-width:36rem;padding:.5rem .6rem;font:inherit;color:#1f2328;background:#fff;border:1px solid #6e7781;border-radius:6px;margin:0 0 1rem}
textarea{min-height:6rem;font-family:ui-monospace,monospace}
fieldset{border:1px solid #d0d7de;border-radius:6px;padding:.5rem 1rem;margin:0 0 1rem;max-width:36rem}legend{font-weight:600;padding:0 .25rem}
.check{display:flex;gap:.5rem;align-items:center;margin:.25rem 0}.check label{font-weight:400;margin:0}
button,.button{display:inline-block;padding:.55rem 1rem;font:inherit;font-weight:600;color:#fff;background:#0b57d0;border:0;border-radius:6px;cursor:pointer;margin:0 .5rem 1rem 0;text-decoration:none}
button.secondary{color:#0b57d0;background:#fff;border:1px solid #0b57d0}
button.danger{background:#b3261e}
button:disabled{opacity:.6;cursor:not-allowed}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-start}
.actions form{margin:0}
table{border-collapse:collapse;width:100%;margin:0 0 1rem}
th,td{text-align:left;padding:.45rem .5rem;border-bottom:1px solid #d0d7de;vertical-align:top;overflow-wrap:anywhere}
th{font-weight:600;background:#f6f8fa}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0 0 1rem}
dl.facts dt{font-weight:600}dl.facts dd{margin:0;overflow-wrap:anywhere}
.alert{border:2px solid #b3261e;border-radius:6px;padding:.75rem;margin:0 0 1rem;background:#fdf1f0}
.alert h2{font-size:1rem;margin:0 0 .25rem}.alert ul{margin:0;padding-left:1.25rem}
.notice{border:2px solid #1a7f37;border-radius:6px;padding:.75rem;background:#eef9f1}
.secret{font-family:ui-monospace,monospace;word-break:break-all;background:#f6f8fa;padding:.5rem;border-radius:6px}
.pager{display:flex;gap:1rem;margin:1rem 0}
.preview{width:100%;height:34rem;border:1px solid #d0d7de;border-radius:6px;background:#fff}
@media (max-width:48rem){
  .frame{display:block}
  .side{padding:.5rem 1rem 0}
  .side ul{display:flex;flex-wrap:wrap;gap:.25rem}
  main{margin:.5rem}
  table.list thead{position:absolute;left:-9999px}
  table.list tr{display:block;border-bottom:1px solid #d0d7de;padding:.25rem 0}
  table.list td{display:block;border:0;padding:.15rem .25rem}
  table.list td::before{content:attr(data-label) ": ";font-weight:600}
}
`;

export const CONSOLE_JS = `
'use strict';
document.addEventListener('DOMContentLoaded', function () {
  document.querySelectorAll('[data-confirm-input]').forEach(function (input) {
    var button = document.getElementById(input.getAttribute('data-confirm-button'));
    var want = input.getAttribute('data-confirm-input');
    if (!button) return;
    var sync = function () { button.disabled = input.value !== want; };
    input.addEventListener('input', sync);
    sync();
  });
  document.querySelectorAll('[data-copy]').forEach(function (button) {
    button.hidden = false;
    button.addEventListener('click', function () {
      var source = document.getElementById(button.getAttribute('data-copy'));
      if (source && navigator.clipboard) navigator.clipboard.writeText(source.textContent || '').then(function () { button.textContent = 'Copied'; });
    });
  });
});
`;
