/**
 * The models' `pattern` traits (Java regular expressions) as JavaScript `RegExp`s.
 *
 * Of the 49 distinct patterns in the three models, 48 compile unchanged with `new RegExp(p, 'u')` and one,
 * `(?s).*`, does not (JS has no inline flags). Compiling unchanged is not enough, though: a few constructs
 * *mean* something else in JavaScript, and those are what this module translates.
 *
 * - `\s` / `\S`: Java's whitespace is ASCII (`[ \t\n\x0B\f\r]`); JavaScript's adds NBSP, U+2003, U+FEFF...
 *   (8 model patterns use `\s` or `\S`; in Java `[\S]+` accepts a value containing an NBSP).
 * - `.`: Java excludes NEL (U+0085) as well as `\n`, `\r`, U+2028, U+2029 (2 patterns, e.g. `arn:aws:iam::\d+:role/.*`).
 * - A leading `(?s)` (and `(?i)`, `(?m)`) becomes a flag.
 * - The whole value must match (Java's `Matcher.matches()`), so the translation is anchored: `^(?:…)$`.
 *
 * The other Java-only syntax a pattern could use is translated too, because Cognito's models may adopt it and a
 * wrong translation would silently accept or refuse values: POSIX classes (`\p{Alnum}`, ASCII as in Java),
 * `\p{IsLatin}`/`\p{javaLowerCase}`/`\p{IsAlphabetic}`, possessive quantifiers (made greedy: a superset),
 * `\Q…\E`, `\h`, `\v`, `\R`, `\A`, `\z`, `\Z`, octal and `\x{…}` escapes, identity escapes such as `\#` (illegal
 * in Unicode-mode JS) and class intersection `[a-z&&[^aeiou]]`. The output always uses the `v` flag, whose
 * nested classes and `&&` express Java's classes directly. Constructs with no JS equivalent (atomic groups,
 * embedded flags after the start, `\G`, Unicode blocks `\p{InGreek}`, comments mode) give `undefined`: the
 * check is skipped rather than guessed.
 *
 * @module
 */

/** A model pattern compiled for whole-value tests (AWS: the entire value must match, as Java's `matches()`). */
export interface JavaPattern {
  /** The pattern as written in the model (Java syntax). */
  readonly pattern: string;
  /** The JavaScript translation; undefined when every string matches (`(?s).*`). */
  readonly regex: RegExp | undefined;
  /** How it was compiled: `translated` (the normal case) or one of the fallbacks for invalid Java syntax. */
  readonly via: 'translated' | 'raw-unicode' | 'raw';
  /** Whether the whole of `value` matches. */
  test(value: string): boolean;
}

class UnsupportedPattern extends Error {}

const patternCache = new Map<string, JavaPattern | null>();

/**
 * Compiles a model's Java regular expression to a JavaScript `RegExp` once (cached by pattern text); see the
 * module comment for what is translated. Values longer than the shape's `max` are refused by length before any
 * pattern runs, which bounds the regex work.
 *
 * Fallbacks, only if the translation fails on invalid Java syntax or does not compile: the raw pattern with the
 * `u` flag, then without flags.
 *
 * @param pattern - a Java regex from a shape's `pattern`
 * @returns the compiled pattern, or undefined if it cannot be compiled (Java constructs with no JS equivalent);
 *   the caller then skips that check
 */
export function compileJavaPattern(pattern: string): JavaPattern | undefined {
  let compiled = patternCache.get(pattern);
  if (compiled === undefined) {
    compiled = compileUncached(pattern);
    patternCache.set(pattern, compiled);
  }
  return compiled ?? undefined;
}

function makePattern(pattern: string, regex: RegExp | undefined, via: JavaPattern['via']): JavaPattern {
  return { pattern, regex, via, test: regex ? (value: string) => regex.test(value) : () => true };
}

function compileUncached(pattern: string): JavaPattern | null {
  try {
    const { body, flags } = translateJavaRegex(pattern);
    if (body === '.*' && flags.includes('s')) return makePattern(pattern, undefined, 'translated');
    return makePattern(pattern, new RegExp(`^(?:${body})$`, flags), 'translated');
  } catch (e) {
    // No faithful JS equivalent: skip the check rather than guess (the raw fallbacks would mean something else).
    if (e instanceof UnsupportedPattern) return null;
  }
  for (const [flags, via] of [['u', 'raw-unicode'], ['', 'raw']] as const) {
    try {
      return makePattern(pattern, new RegExp(`^(?:${pattern})$`, flags), via);
    } catch {
      // try the next
    }
  }
  return null;
}

// ------------------------------------------------------------------------------------------------
// Class bodies in `v`-mode syntax (each is a class, a class escape, or one that nests in a class)
// ------------------------------------------------------------------------------------------------

const JAVA_SPACE = '\\t\\n\\v\\f\\r ';
/** Java's `\s`, `\h`, `\v` and friends (`\d`, `\w` are the same in both languages). */
const SHORTHAND: Record<string, string> = {
  d: '\\d', D: '\\D', w: '\\w', W: '\\W',
  s: `[${JAVA_SPACE}]`, S: `[^${JAVA_SPACE}]`,
  h: '[ \\t\\xA0\\u1680\\u180E\\u2000-\\u200A\\u202F\\u205F\\u3000]',
  H: '[^ \\t\\xA0\\u1680\\u180E\\u2000-\\u200A\\u202F\\u205F\\u3000]',
  v: '[\\n\\v\\f\\r\\x85\\u2028\\u2029]', V: '[^\\n\\v\\f\\r\\x85\\u2028\\u2029]',
};
/** Java's line terminators, which `.` does not match without `(?s)`. */
const DOT = '[^\\n\\r\\x85\\u2028\\u2029]';

/** Java's ASCII POSIX classes (`\p{Alnum}`...), as Java defines them without UNICODE_CHARACTER_CLASS. */
const POSIX: Record<string, string> = {
  Lower: 'a-z', Upper: 'A-Z', ASCII: '\\x00-\\x7F', Alpha: 'a-zA-Z', Digit: '0-9', Alnum: 'a-zA-Z0-9',
  Punct: '\\x21-\\x2F\\x3A-\\x40\\x5B-\\x60\\x7B-\\x7E', Graph: '\\x21-\\x7E', Print: '\\x20-\\x7E',
  Blank: ' \\t', Cntrl: '\\x00-\\x1F\\x7F', XDigit: '0-9a-fA-F', Space: JAVA_SPACE,
};

/** java.lang.Character classes (`\p{javaLowerCase}`) as Unicode properties. */
const JAVA_CHARACTER: Record<string, string[]> = {
  javaLowerCase: ['Lowercase'], javaUpperCase: ['Uppercase'], javaAlphabetic: ['Alphabetic'],
  javaIdeographic: ['Ideographic'], javaTitleCase: ['Lt'], javaDigit: ['Nd'], javaDefined: ['Assigned'],
  javaLetter: ['L'], javaLetterOrDigit: ['L', 'Nd'], javaSpaceChar: ['Z'], javaISOControl: ['Cc'],
  javaMirrored: ['Bidi_Mirrored'],
};

/** Java binary property names (`\p{IsAlphabetic}`, case-insensitive, `_`/space optional) as JS properties. */
const JAVA_BINARY: Record<string, string> = {
  ALPHABETIC: 'Alphabetic', LETTER: 'L', IDEOGRAPHIC: 'Ideographic', LOWERCASE: 'Lowercase', UPPERCASE: 'Uppercase',
  TITLECASE: 'Lt', PUNCTUATION: 'P', CONTROL: 'Cc', WHITESPACE: 'White_Space', DIGIT: 'Nd', HEXDIGIT: 'Hex_Digit',
  JOINCONTROL: 'Join_Control', NONCHARACTERCODEPOINT: 'Noncharacter_Code_Point', ASSIGNED: 'Assigned',
  EMOJI: 'Emoji', EMOJIPRESENTATION: 'Emoji_Presentation', EMOJIMODIFIER: 'Emoji_Modifier',
  EMOJIMODIFIERBASE: 'Emoji_Modifier_Base', EMOJICOMPONENT: 'Emoji_Component', EXTENDEDPICTOGRAPHIC: 'Extended_Pictographic',
};

function jsProperty(expr: string): boolean {
  try {
    new RegExp(`\\p{${expr}}`, 'u');
    return true;
  } catch {
    return false;
  }
}

/** The JS property names a Java `\p{name}` means. */
function propertyNames(name: string): string[] {
  if (!/^[A-Za-z0-9_= -]+$/.test(name) || name.startsWith('In')) throw new UnsupportedPattern(`property ${name}`);
  const javaChar = JAVA_CHARACTER[name];
  if (javaChar) return javaChar;
  const eq = name.indexOf('=');
  if (eq > 0) {
    const kind = name.slice(0, eq).toLowerCase();
    const value = name.slice(eq + 1);
    if ((kind === 'sc' || kind === 'script') && jsProperty(`Script=${value}`)) return [`Script=${value}`];
    if ((kind === 'gc' || kind === 'general_category') && jsProperty(`General_Category=${value}`)) return [value];
  } else if (name.startsWith('Is')) {
    const rest = name.slice(2);
    if (jsProperty(`General_Category=${rest}`)) return [rest];
    const titled = rest.charAt(0).toUpperCase() + rest.slice(1).toLowerCase();
    for (const script of [rest, titled]) if (jsProperty(`Script=${script}`)) return [`Script=${script}`];
    const binary = JAVA_BINARY[rest.toUpperCase().replace(/[_ -]/g, '')];
    if (binary) return [binary];
  } else if (jsProperty(`General_Category=${name}`)) return [name];
  throw new UnsupportedPattern(`property ${name}`);
}

/** A Java `\p{name}` (or `\P{name}` when negated) as a v-mode class operand. */
function property(name: string, negated: boolean): string {
  const posix = POSIX[name];
  if (posix !== undefined) return `[${negated ? '^' : ''}${posix}]`;
  const names = propertyNames(name);
  if (names.length === 1) return `\\${negated ? 'P' : 'p'}{${names[0]}}`;
  return `[${negated ? '^' : ''}${names.map((n) => `\\p{${n}}`).join('')}]`;
}

/** One character, written so that it means itself anywhere in a v-mode pattern (inside or outside a class). */
function literal(cp: number): string {
  return (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a)
    ? String.fromCodePoint(cp)
    : `\\u{${cp.toString(16)}}`;
}

// ------------------------------------------------------------------------------------------------
// The translator
// ------------------------------------------------------------------------------------------------

/** What an escape sequence stands for: one character, a class operand, pattern text (outside classes), or `\Q…\E`. */
type Escape = { cp: number } | { set: string } | { raw: string } | { cps: number[] };

const ESCAPED_CHAR: Record<string, number> = { t: 0x09, n: 0x0a, r: 0x0d, f: 0x0c, a: 0x07, e: 0x1b };
const RAW: Record<string, string> = {
  b: '\\b',
  B: '\\B',
  A: '(?<![\\s\\S])',
  z: '(?![\\s\\S])',
  Z: '(?=(?:\\r\\n|[\\n\\r\\x85\\u2028\\u2029])?(?![\\s\\S]))',
  R: '(?:\\r\\n|[\\n\\v\\f\\r\\x85\\u2028\\u2029])',
};

/**
 * Translates a Java regex into the body and flags of a v-mode JavaScript `RegExp` (see {@link compileJavaPattern}).
 * @throws UnsupportedPattern for Java constructs with no JS equivalent; Error for invalid Java syntax
 */
function translateJavaRegex(src: string): { body: string; flags: string } {
  let i = 0;
  let groups = 0;
  let flags = '';

  const peek = (ahead = 0): string => src.charAt(i + ahead);
  const next = (): number => {
    const cp = src.codePointAt(i);
    if (cp === undefined) throw new Error('unexpected end of pattern');
    i += cp > 0xffff ? 2 : 1;
    return cp;
  };
  const take = (re: RegExp): RegExpExecArray | null => {
    const m = re.exec(src.slice(i));
    if (m) i += m[0].length;
    return m;
  };

  // Leading embedded flags: (?i), (?s), (?m), (?is-m) ...; anything else embedded is unsupported.
  for (let m; (m = take(/^\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?\)/)); ) {
    for (const f of (m[1] ?? '') + (m[2] ?? '')) if (!'imsu'.includes(f)) throw new UnsupportedPattern(`flag ${f}`);
    for (const f of 'ims') {
      if (m[1]!.includes(f) && !flags.includes(f)) flags += f;
      if (m[2]?.includes(f)) flags = flags.replace(f, '');
    }
  }

  const escape = (inClass: boolean): Escape => {
    const letter = String.fromCodePoint(next());
    const code = ESCAPED_CHAR[letter];
    if (code !== undefined) return { cp: code };
    const set = SHORTHAND[letter];
    if (set !== undefined) return { set };
    const raw = RAW[letter];
    if (raw !== undefined) {
      if (inClass) throw new Error(`\\${letter} in a character class`);
      return { raw };
    }
    let m: RegExpExecArray | null;
    switch (letter) {
      case 'c':
        return { cp: next() ^ 64 };
      case '0':
        if (!(m = take(/^(?:[0-3][0-7]{0,2}|[4-7][0-7]?)/))) throw new Error('bad octal escape');
        return { cp: parseInt(m[0], 8) };
      case 'x':
        if ((m = take(/^\{([0-9a-fA-F]+)\}/)) && parseInt(m[1]!, 16) <= 0x10ffff) return { cp: parseInt(m[1]!, 16) };
        if (m || !(m = take(/^[0-9a-fA-F]{2}/))) throw new Error('bad \\x escape');
        return { cp: parseInt(m[0], 16) };
      case 'u': {
        if (!(m = take(/^[0-9a-fA-F]{4}/))) throw new Error('bad \\u escape');
        const high = parseInt(m[0], 16);
        const low = high >= 0xd800 && high <= 0xdbff ? /^\\u(d[c-f][0-9a-f]{2})/i.exec(src.slice(i)) : null;
        if (!low) return { cp: high };
        i += low[0].length;
        return { cp: 0x10000 + ((high - 0xd800) << 10) + (parseInt(low[1]!, 16) - 0xdc00) };
      }
      case 'p':
      case 'P': {
        m = take(/^\{([^}]*)\}/) ?? take(/^[A-Za-z]/);
        if (!m) throw new Error('bad \\p escape');
        const name = m[1] ?? m[0];
        const negated = (letter === 'P') !== name.startsWith('^');
        return { set: property(name.replace(/^\^/, ''), negated) };
      }
      case 'Q': {
        const end = src.indexOf('\\E', i);
        const text = src.slice(i, end < 0 ? src.length : end);
        i = end < 0 ? src.length : end + 2;
        return { cps: [...text].map((s) => s.codePointAt(0)!) };
      }
      case 'k':
        if (inClass || !(m = take(/^<([A-Za-z][A-Za-z0-9]*)>/))) throw new Error('bad \\k escape');
        return { raw: `\\k<${m[1]}>` };
      default:
        break;
    }
    if (letter >= '1' && letter <= '9') {
      if (inClass) throw new Error('back-reference in a character class');
      // Java: take further digits only while the number stays a valid group number.
      let n = Number(letter);
      while (/[0-9]/.test(peek()) && n * 10 + Number(peek()) <= groups) n = n * 10 + Number(src[i++]);
      return { raw: `\\${n}` };
    }
    if (/[A-Za-z]/.test(letter)) throw new UnsupportedPattern(`escape \\${letter}`);
    return { cp: letter.codePointAt(0)! }; // Java allows escaping any non-letter (\# or \')
  };

  /** A character class, `[` already consumed, as v-mode source. */
  const characterClass = (): string => {
    const negated = peek() === '^' ? (i++, '^') : '';
    const operands: string[] = [];
    let items = '';
    for (let first = true; ; first = false) {
      const c = peek();
      if (c === '') throw new Error('unclosed character class');
      if (c === ']' && !first) {
        i++;
        break;
      }
      if (c === '[') {
        i++;
        items += characterClass();
        continue;
      }
      if (c === '&' && peek(1) === '&') {
        i += 2;
        operands.push(items);
        items = '';
        continue;
      }
      let start: number;
      if (c === '\\') {
        i++;
        const e = escape(true);
        if ('cps' in e) items += e.cps.map(literal).join('');
        else if ('set' in e) items += e.set;
        if (!('cp' in e)) continue;
        start = e.cp;
      } else start = next();
      // A range a-z: '-' followed by something other than ']' (and other than a nested class).
      if (peek() === '-' && peek(1) !== '' && peek(1) !== ']' && peek(1) !== '[') {
        i++;
        const e = peek() === '\\' ? (i++, escape(true)) : { cp: next() };
        if (!('cp' in e) || e.cp < start) throw new Error('bad character range');
        items += `${literal(start)}-${literal(e.cp)}`;
      } else items += literal(start);
    }
    const parts = [...operands, items].filter((o) => o !== '');
    if (operands.length === 0 || parts.length === 1) return `[${negated}${parts[0] ?? ''}]`;
    return `[${negated}${parts.map((o) => `[${o}]`).join('&&')}]`;
  };

  let out = '';
  while (i < src.length) {
    const c = String.fromCodePoint(next());
    switch (c) {
      case '\\': {
        const e = escape(false);
        if ('cp' in e) out += literal(e.cp);
        else if ('cps' in e) out += `(?:${e.cps.map(literal).join('')})`;
        else out += 'set' in e ? e.set : e.raw;
        break;
      }
      case '[':
        out += characterClass();
        break;
      case '(': {
        const m = peek() === '?' ? take(/^\?(?::|=|!|<=|<!|<([A-Za-z][A-Za-z0-9]*)>)/) : null;
        if (peek() === '?' && !m) throw new UnsupportedPattern(`group (${src.slice(i, i + 3)}`);
        if (!m || m[1] !== undefined) groups++;
        out += `(${m?.[0] ?? ''}`;
        break;
      }
      case '.':
        out += flags.includes('s') ? '.' : DOT;
        break;
      case '*':
      case '+':
      case '?':
      case '{': {
        let q = c;
        if (c === '{') {
          const m = take(/^(\d+)(?:,(\d*))?\}/);
          if (!m || (m[2] !== undefined && m[2] !== '' && Number(m[2]) < Number(m[1]))) throw new Error('illegal repetition');
          q += m[0];
        }
        if (peek() === '?') q += src[i++];
        else if (peek() === '+') i++; // possessive: no JS equivalent; greedy accepts a superset of what it accepts
        out += q;
        break;
      }
      case '^':
      case '$':
      case '|':
      case ')':
        out += c;
        break;
      default:
        out += literal(c.codePointAt(0)!);
    }
  }
  return { body: out, flags: `v${flags}` };
}
