/**
 * ListUsers: the pool's users, a page at a time, optionally narrowed by Cognito's one-clause
 * `Filter` and trimmed to `AttributesToGet`.
 *
 * The filter is parsed into a tiny AST ({@link parseFilter}) and turned into parameterised Kysely
 * queries; no part of it is ever pasted into SQL. A prefix match is a range query
 * (`key >= prefix AND key < successor(prefix)`), so `%`, `_` and `\` in a prefix are plain
 * characters and the search walks an index instead of the pool (see migration 0002_groups).
 *
 * Pages follow a total order (a keyset: the sort key and then the user's sub), and the pagination
 * token carries the last position sealed (domain/page-tokens.ts), so pages never repeat or skip a
 * user, even while users are added or removed between calls.
 */
import { errors } from '../errors.js';
import { fetchUserPage, withAttributes, type Match, type Plan } from '../store/list-users.js';
import type { UserRow } from '../store/users.js';
import type { Ports } from './cognate.js';
import { openPageToken, pageLimit, sealPageToken } from './page-tokens.js';
import { attributeList, normaliseEmail, usernameKey, type AttributeType, type User } from './users.js';
import type { UserPool } from './user-pools.js';

/** The attributes Cognito's ListUsers can filter on (API_ListUsers, `Filter`); nothing else, no custom attributes. */
export const SEARCHABLE_ATTRIBUTES = [
  'username',
  'email',
  'phone_number',
  'name',
  'given_name',
  'family_name',
  'preferred_username',
  'cognito:user_status',
  'status',
  'sub',
] as const;
export type SearchableAttribute = (typeof SEARCHABLE_ATTRIBUTES)[number];

/** One parsed clause: `attribute = "value"` (exact) or `attribute ^= "value"` (starts with). */
export interface UserFilter {
  attribute: SearchableAttribute;
  match: 'exact' | 'prefix';
  value: string;
}

const parseError = () => errors.invalidParameter('Error while parsing filter');
const isSearchable = (name: string): name is SearchableAttribute => (SEARCHABLE_ATTRIBUTES as readonly string[]).includes(name);
const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/**
 * Parses a ListUsers filter: `name = "value"` or `name ^= "value"`, spaces around the operator
 * optional, the value in double quotes with `\"` and `\\` as its only escapes. The name may be
 * quoted too (`"email"^="a"`, as AWS's own SDK samples write it). One clause only: anything after
 * the closing quote is an error. An empty or all-blank filter means "no filter".
 */
export function parseFilter(text: string | undefined): UserFilter | undefined {
  if (text === undefined) return undefined;
  const n = text.length;
  let i = 0;
  const skipSpace = () => {
    while (i < n && isSpace(text[i])) i++;
  };
  const quoted = (): string => {
    i++; // the opening quote
    let out = '';
    for (;;) {
      if (i >= n) throw parseError();
      const c = text[i++]!;
      if (c === '"') return out;
      if (c === '\\') {
        const escaped = text[i++];
        if (escaped !== '"' && escaped !== '\\') throw parseError();
        out += escaped;
      } else {
        out += c;
      }
    }
  };

  skipSpace();
  if (i === n) return undefined;
  let name: string;
  if (text[i] === '"') {
    name = quoted();
  } else {
    const start = i;
    while (i < n && !isSpace(text[i]) && text[i] !== '=' && text[i] !== '^' && text[i] !== '"') i++;
    name = text.slice(start, i);
  }
  skipSpace();
  let match: UserFilter['match'];
  if (text.startsWith('^=', i)) {
    match = 'prefix';
    i += 2;
  } else if (text[i] === '=') {
    match = 'exact';
    i += 1;
  } else {
    throw parseError();
  }
  skipSpace();
  if (text[i] !== '"') throw parseError();
  const value = quoted();
  skipSpace();
  if (i !== n || name === '') throw parseError();
  // No database stores NUL in text; no attribute value can hold one either.
  if (value.includes('\u0000')) throw parseError();
  if (!isSearchable(name)) throw errors.invalidParameter(`Invalid search attribute: ${name}`);
  return { attribute: name, match, value };
}

/** Every status a user can have (the model's UserStatusType), for `cognito:user_status ^= "..."`. */
const USER_STATUSES = ['UNCONFIRMED', 'CONFIRMED', 'ARCHIVED', 'COMPROMISED', 'UNKNOWN', 'RESET_REQUIRED', 'FORCE_CHANGE_PASSWORD', 'EXTERNAL_PROVIDER'] as const;

/** ASCII-only case mapping: what SQLite's lower() and PostgreSQL's lower() under COLLATE "C" do. */
const asciiLower = (s: string) => s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
const asciiUpper = (s: string) => s.replace(/[a-z]+/g, (m) => m.toUpperCase());

/**
 * The smallest string greater than every string that starts with `prefix`, in code-point order
 * (which is UTF-8 byte order, SQLite's BINARY and PostgreSQL's "C"): the prefix with its last code
 * point incremented. Undefined when there is none (an empty prefix, or one of U+10FFFF only).
 */
export function prefixSuccessor(prefix: string): string | undefined {
  const points = [...prefix].map((c) => c.codePointAt(0)!);
  while (points.length > 0 && points[points.length - 1] === 0x10ffff) points.pop();
  if (points.length === 0) return undefined;
  let last = points.pop()! + 1;
  if (last === 0xd800) last = 0xe000; // skip the surrogate range, which no stored string holds
  points.push(last);
  return String.fromCodePoint(...points);
}

const toMatch = (filter: UserFilter, value: string): Match => (filter.match === 'exact' ? { exact: value } : { from: value, to: prefixSuccessor(value) });

/**
 * Case sensitivity, per attribute. The API reference marks three: `username` is case-sensitive,
 * `cognito:user_status` case-insensitive, `status` case-sensitive. We read "username" as the
 * pool's username: in a pool with `UsernameConfiguration.CaseSensitive = false` it is matched
 * folded, as every other API matches it there (usernameKey). The reference says nothing of the
 * others; API_UsernameConfigurationType says case insensitivity also covers the `email` and
 * `preferred_username` aliases, so in such pools those two are matched folded as well (ASCII
 * letters; see the migration for why ASCII), and everywhere else values are matched as stored.
 * `sub` values are lower-case UUIDs, so the filter value is lower-cased for them. Email domains
 * are stored lower-cased, so the filter's domain part is too.
 */
export function planFor(pool: UserPool, filter: UserFilter | undefined): Plan {
  if (!filter) return { kind: 'users' };
  const caseInsensitivePool = !pool.settings.UsernameConfiguration.CaseSensitive;
  switch (filter.attribute) {
    case 'username':
      return { kind: 'column', column: 'username_key', match: toMatch(filter, usernameKey(pool, filter.value)) };
    case 'sub':
      return { kind: 'column', column: 'id', match: toMatch(filter, asciiLower(filter.value)) };
    case 'cognito:user_status': {
      const wanted = asciiUpper(filter.value);
      const statuses = filter.match === 'exact' ? [wanted] : USER_STATUSES.filter((s) => s.startsWith(wanted));
      return statuses.length === 0 ? { kind: 'empty' } : { kind: 'users', statuses };
    }
    case 'status': {
      // "Enabled" / "Disabled", as the console labels the user's `Enabled` flag.
      const labels: [string, number][] = [['Enabled', 1], ['Disabled', 0]];
      const enabled = labels.filter(([label]) => (filter.match === 'exact' ? label === filter.value : label.startsWith(filter.value))).map(([, v]) => v);
      return enabled.length === 0 ? { kind: 'empty' } : { kind: 'users', enabled };
    }
    default: {
      const folded = caseInsensitivePool && (filter.attribute === 'email' || filter.attribute === 'preferred_username');
      let value = filter.attribute === 'email' ? normaliseEmail(filter.value) : filter.value;
      if (folded) value = asciiLower(value);
      return { kind: 'attribute', name: filter.attribute, folded, match: toMatch(filter, value) };
    }
  }
}

/** Users with their attributes (all, or only `names`; none for an empty list), in the given order. */
export function hydrateUsers(rows: readonly UserRow[], names?: ReadonlySet<string>): User[] {
  return withAttributes(rows, names ? [...names].filter((n) => n !== 'sub') : undefined);
}

/**
 * `AttributesToGet`: the names to return, or undefined for all. A name the pool's schema doesn't
 * have is Cognito's "One or more requested attributes do not exist." (developer-only attributes
 * are never listed, so they count as unknown here). An empty list returns users without attributes.
 */
export function requestedAttributes(pool: UserPool, names: readonly string[] | undefined): ReadonlySet<string> | undefined {
  if (names === undefined) return undefined;
  const known = new Set(pool.settings.SchemaAttributes.map((a) => a.Name).filter((n) => !n.startsWith('dev:')));
  for (const name of names) {
    if (!known.has(name)) throw errors.invalidParameter('One or more requested attributes do not exist.');
  }
  return new Set(names);
}

/** A user's attributes as listed, restricted to the requested names. */
export function listedAttributes(user: User, names: ReadonlySet<string> | undefined): AttributeType[] {
  const all = attributeList(user, undefined, { developerOnly: true });
  return names ? all.filter((a) => names.has(a.Name)) : all;
}

export interface ListUsersInput {
  UserPoolId: string;
  AttributesToGet?: string[];
  Limit?: number;
  PaginationToken?: string;
  Filter?: string;
}

export interface ListUsersPage {
  users: User[];
  attributes: ReadonlySet<string> | undefined;
  paginationToken?: string;
}

export async function listUsers(cognate: Ports<'clock' | 'pools' | 'secrets' | 'store'>, input: ListUsersInput): Promise<ListUsersPage> {
  const pool = await cognate.pools.get(input.UserPoolId);
  const limit = pageLimit(input.Limit);
  const filter = parseFilter(input.Filter);
  const names = requestedAttributes(pool, input.AttributesToGet);
  const plan = planFor(pool, filter);
  if (plan.kind === 'empty') return { users: [], attributes: names };

  const scope = ['ListUsers', pool.id, JSON.stringify(filter ?? null)];
  const shape = plan.kind === 'users' ? (['number', 'string'] as const) : plan.kind === 'column' ? (['string'] as const) : (['string', 'string'] as const);
  const after = input.PaginationToken !== undefined ? openPageToken(cognate, scope, input.PaginationToken, shape) : undefined;

  const { rows, cursorOf } = await fetchUserPage(cognate.store.db, cognate.store.dialect, pool.id, plan, limit + 1, after);
  const page = rows.slice(0, limit);
  const users = hydrateUsers(page, names);
  const more = rows.length > limit;
  return { users, attributes: names, ...(more ? { paginationToken: sealPageToken(cognate, scope, cursorOf(page.length - 1)) } : {}) };
}
