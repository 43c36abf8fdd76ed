/**
 * The hosted UI's building blocks without a server: escaping by construction, URL checks, the
 * language choice, CSRF tokens, and redirect-URI matching (domain/oauth/redirect-uris.ts).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { html, safeUrl, trusted } from './html.js';
import { LANGUAGES, chooseLanguage, format } from './i18n/index.js';
import { CsrfTokens } from './security.js';
import { matchesRegisteredUri } from '../../domain/oauth/redirect-uris.js';

describe('html tag', () => {
  it('escapes every interpolated string, in content and in attributes', () => {
    const evil = `<script>alert("x")</script>' onmouseover=\`x\` &amp;`;
    const out = html`<p title="${evil}">${evil}</p>`.toString();
    assert.doesNotMatch(out, /<script|" onmouseover|' onmouseover|`x`/);
    assert.match(out, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;&#39; onmouseover=&#96;x&#96; &amp;amp;/);
  });

  it('keeps nested fragments and trusted constants, drops null/undefined/false, joins arrays', () => {
    const inner = html`<b>${'a<b'}</b>`;
    assert.equal(html`<p>${inner}${trusted('<br>')}${null}${undefined}${false}${[html`<i>1</i>`, '<2>']}</p>`.toString(), '<p><b>a&lt;b</b><br><i>1</i>&lt;2&gt;</p>');
  });

  it('safeUrl allows http(s) and relative paths, and image data URLs only when asked', () => {
    assert.equal(safeUrl('javascript:alert(1)'), undefined);
    assert.equal(safeUrl('//evil.tld/x'), undefined);
    assert.equal(safeUrl('data:text/html;base64,PGI+'), undefined);
    assert.equal(safeUrl('data:image/png;base64,iVBORw0KGgo=', true), 'data:image/png;base64,iVBORw0KGgo=');
    assert.equal(safeUrl('data:image/png;base64,iVBORw0KGgo='), undefined);
    assert.equal(safeUrl('/login?x=1'), '/login?x=1');
    assert.equal(safeUrl('https://example.com/a b'), 'https://example.com/a%20b');
  });
});

describe('i18n', () => {
  it('has English, Spanish and French, each with every key of English', () => {
    assert.deepEqual([...LANGUAGES.keys()].sort(), ['en', 'es', 'fr']);
    const keys = Object.keys(LANGUAGES.get('en')!).sort();
    for (const [tag, messages] of LANGUAGES) {
      assert.deepEqual(Object.keys(messages).sort(), keys, tag);
      for (const [key, text] of Object.entries(messages)) assert.ok(text.length > 0, `${tag}.${key}`);
    }
  });

  it('chooses lang, then ui_locales, then Accept-Language (by weight), by primary subtag too', () => {
    assert.equal(chooseLanguage({}), 'en');
    assert.equal(chooseLanguage({ lang: 'FR' }), 'fr');
    assert.equal(chooseLanguage({ lang: 'pt-BR', uiLocales: 'de es-419' }), 'es');
    assert.equal(chooseLanguage({ acceptLanguage: 'de;q=1, fr;q=0.4, es;q=0.5' }), 'es');
    assert.equal(chooseLanguage({ acceptLanguage: 'es;q=0, fr' }), 'fr');
    assert.equal(chooseLanguage({ acceptLanguage: '*' }), 'en');
    assert.equal(format('At least {n} characters {x}', { n: 8 }), 'At least 8 characters {x}');
  });
});

describe('CSRF tokens', () => {
  const csrf = new CsrfTokens(Buffer.alloc(32, 7));
  const cookie = 'a'.repeat(43);
  it('accept a token for the same cookie within an hour, and nothing else', () => {
    const token = csrf.issue(cookie, 1_000_000);
    assert.equal(csrf.check(cookie, token, 1_000_000), true);
    assert.equal(csrf.check(cookie, token, 1_000_000 + 3600), true);
    assert.equal(csrf.check(cookie, token, 1_000_000 + 3601), false, 'stale');
    assert.equal(csrf.check('b'.repeat(43), token, 1_000_000), false, "another browser's cookie");
    assert.equal(csrf.check(undefined, token, 1_000_000), false);
    assert.equal(csrf.check(cookie, undefined, 1_000_000), false);
    assert.equal(csrf.check(cookie, `1000001.${token.split('.')[1]}`, 1_000_000), false, 'a moved timestamp');
    assert.equal(new CsrfTokens(Buffer.alloc(32, 8)).check(cookie, token, 1_000_000), false, "another server's key");
  });
});

describe('redirect URI matching', () => {
  const registered = ['https://app.example.com/cb', 'http://127.0.0.1/native', 'http://localhost:3000/cb'];
  it('matches exactly, or a loopback IP with another port only', () => {
    assert.equal(matchesRegisteredUri(registered, 'https://app.example.com/cb'), true);
    assert.equal(matchesRegisteredUri(registered, 'http://127.0.0.1:5000/native'), true);
    for (const uri of ['https://app.example.com/cb/', 'https://app.example.com/Cb', 'http://127.0.0.1:5000/native?x', 'http://localhost:3001/cb', 'http://127.0.0.1:5000/native#f', '', 'https://app.example.com/cb\n']) {
      assert.equal(matchesRegisteredUri(registered, uri), false, uri);
    }
    assert.equal(matchesRegisteredUri(registered, 42), false);
    assert.equal(matchesRegisteredUri(undefined, 'https://app.example.com/cb'), false);
  });
});
