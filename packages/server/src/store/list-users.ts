/**
 * ListUsers' queries (domain/list-users.ts decides the plan): a page of a pool's users in a total
 * order (a keyset: the sort key, then the sub), narrowed by status columns, a unique users column
 * or one attribute's value. Values are always parameters; a prefix match is a range
 * (`key >= prefix AND key < successor(prefix)`), so it walks an index and `%`, `_`, `\` are plain
 * characters. Text is compared in code-point order on both databases.
 */
import { sql, type Compilable, type QueryResult, type RawBuilder } from 'kysely';
import { fixedStatement } from './compiled.js';
import type { Dialect, Executor } from './db.js';
import { userFromRow, type UserRow } from './users.js';
import type { User } from '../domain/users.js';

export type CursorValue = string | number;

/** An exact value, or a prefix as the range [from, to) (no upper bound when `to` is undefined). */
export type Match = { exact: string } | { from: string; to: string | undefined };

/** How a filter is answered: which rows, in which order. */
export type Plan =
  /** Nothing can match (e.g. `status = "Maybe"`). */
  | { kind: 'empty' }
  /** Scan the pool's users in creation order, optionally narrowed by status columns. */
  | { kind: 'users'; statuses?: readonly string[]; enabled?: readonly number[] }
  /** Match a users column (username_key, id) that is unique in the pool. */
  | { kind: 'column'; column: 'username_key' | 'id'; match: Match }
  /** Match an attribute value, folded to lower case (ASCII) or as stored. */
  | { kind: 'attribute'; name: string; folded: boolean; match: Match };

/** A column compared in code-point order: as is in SQLite, under COLLATE "C" in PostgreSQL. */
function ordered(dialect: Dialect, column: string): RawBuilder<string> {
  return dialect === 'postgres' ? sql<string>`(${sql.ref(column)} collate "C")` : sql<string>`${sql.ref(column)}`;
}

/** A column lower-cased the same way on both databases (ASCII only), in code-point order. */
function foldedOrdered(dialect: Dialect, column: string): RawBuilder<string> {
  return dialect === 'postgres' ? sql<string>`lower(${sql.ref(column)} collate "C")` : sql<string>`lower(${sql.ref(column)})`;
}

export type PageRows = { rows: UserRow[]; cursorOf: (index: number) => CursorValue[] };

type Args = unknown[];
type PageStatement = (db: Executor, ...args: Args) => Promise<QueryResult<unknown>>;

/**
 * A page's statement, built and compiled once per shape (store/compiled.ts): the shapes are few
 * (the plan's kind, column or folding, exact or prefix, open-ended or not, first page or not, the
 * number of statuses), and building and compiling with Kysely cost about as much as SQLite's
 * part of a page.
 */
const pageStatements = new Map<string, PageStatement>();
function pageStatement(dialect: Dialect, shape: string, arity: number, build: (db: Executor, ...args: Args) => Compilable<unknown>): PageStatement {
  // The builder closes over the first caller's plan, so the dialect is part of the shape.
  const name = `${dialect}:${shape}`;
  let statement = pageStatements.get(name);
  if (!statement) {
    statement = fixedStatement(arity, build) as PageStatement;
    pageStatements.set(name, statement);
  }
  return statement;
}

/** Up to `take` user rows of the plan after the cursor `after`, and how to make a cursor of any of them. */
export async function fetchUserPage(db: Executor, dialect: Dialect, poolId: string, plan: Exclude<Plan, { kind: 'empty' }>, take: number, after: CursorValue[] | undefined): Promise<PageRows> {
  if (plan.kind === 'users') {
    const statuses = plan.statuses ?? [];
    const enabled = plan.enabled ?? [];
    const shape = `users:${plan.statuses ? statuses.length : '-'}:${plan.enabled ? enabled.length : '-'}:${after ? 'after' : 'first'}`;
    // Arguments: the pool, the statuses, the enabled flags, then the cursor (created_at twice, id), then the limit.
    const args: Args = [poolId, ...statuses, ...enabled, ...(after ? [after[0], after[0], after[1]] : []), take];
    const statement = pageStatement(dialect, shape, args.length, (b, ...a) => {
      let i = 0;
      let q = b.selectFrom('users as u').selectAll('u').where('u.pool_id', '=', a[i++] as string);
      if (plan.statuses) q = q.where('u.status', 'in', statuses.map(() => a[i++] as string));
      if (plan.enabled) q = q.where('u.enabled', 'in', enabled.map(() => a[i++] as number));
      if (after) {
        const [from, createdAt, id] = [a[i++] as number, a[i++] as number, a[i++] as string];
        q = q.where('u.created_at', '>=', from).where((eb) => eb.or([eb('u.created_at', '>', createdAt), eb('u.id', '>', id)]));
      }
      return q.orderBy('u.created_at').orderBy('u.id').limit(a[i++] as number);
    });
    const rows = (await statement(db, ...args)).rows as unknown as UserRow[];
    return { rows, cursorOf: (i) => [rows[i]!.created_at, rows[i]!.id] };
  }

  const exact = 'exact' in plan.match;
  const bounded = !exact && (plan.match as { to: string | undefined }).to !== undefined;
  const matchArgs: Args = 'exact' in plan.match ? [plan.match.exact] : [plan.match.from, ...(bounded ? [plan.match.to] : [])];
  /** The match on `key`, from the arguments at `a[i…]`; returns the next index. */
  const matching = <Q extends { where: (...x: any[]) => Q }>(q: Q, key: RawBuilder<string> | string, a: Args, i: number): [Q, number] => {
    if (exact) return [q.where(key, '=', a[i]), i + 1];
    q = q.where(key, '>=', a[i]);
    return bounded ? [q.where(key, '<', a[i + 1]), i + 2] : [q, i + 1];
  };

  if (plan.kind === 'column') {
    const column = `u.${plan.column}` as const;
    const key = ordered(dialect, column);
    const shape = `column:${plan.column}:${exact ? 'exact' : bounded ? 'range' : 'from'}:${after ? 'after' : 'first'}`;
    const args: Args = [poolId, ...matchArgs, ...(after ? [after[0]] : []), take];
    const statement = pageStatement(dialect, shape, args.length, (b, ...a) => {
      let q = b.selectFrom('users as u').selectAll('u').where('u.pool_id', '=', a[0] as string);
      let i: number;
      [q, i] = matching(q, exact ? column : key, a, 1);
      if (after) q = q.where(key, '>', a[i++] as string);
      return q.orderBy(key).limit(a[i] as number);
    });
    const rows = (await statement(db, ...args)).rows as unknown as UserRow[];
    return { rows, cursorOf: (i) => [plan.column === 'id' ? rows[i]!.id : rows[i]!.username_key] };
  }

  const key = plan.folded ? foldedOrdered(dialect, 'a.value') : ordered(dialect, 'a.value');
  const shape = `attribute:${plan.folded ? 'folded' : 'as-is'}:${exact ? 'exact' : bounded ? 'range' : 'from'}:${after ? 'after' : 'first'}`;
  // Arguments: the pool, the attribute's name, the match, the cursor (value twice, sub), the limit.
  const args: Args = [poolId, plan.name, ...matchArgs, ...(after ? [after[0], after[0], after[1]] : []), take];
  const statement = pageStatement(dialect, shape, args.length, (b, ...a) => {
    let q = b
      .selectFrom('user_attributes as a')
      .innerJoin('users as u', 'u.id', 'a.user_id')
      .selectAll('u')
      .select(key.as('search_key'))
      .where('a.pool_id', '=', a[0] as string)
      .where('a.name', '=', a[1] as string);
    let i: number;
    [q, i] = matching(q, key, a, 2);
    if (after) {
      const [from, value, userId] = [a[i++] as string, a[i++] as string, a[i++] as string];
      q = q.where(key, '>=', from).where((eb) => eb.or([eb(key, '>', value), eb('a.user_id', '>', userId)]));
    }
    return q.orderBy(key).orderBy('a.user_id').limit(a[i] as number);
  });
  const found = (await statement(db, ...args)).rows as unknown as Array<UserRow & { search_key: string }>;
  const rows: UserRow[] = found.map(({ search_key: _key, ...user }) => user as UserRow);
  return { rows, cursorOf: (i) => [found[i]!.search_key, found[i]!.id] };
}

/** Users with their attributes (all, or only `names`; none for an empty list), from the rows' own copy. */
export function withAttributes(rows: readonly UserRow[], names?: readonly string[]): User[] {
  return rows.map((row) => {
    const user = userFromRow(row);
    if (names) for (const name of user.attributes.keys()) if (!names.includes(name)) user.attributes.delete(name);
    return user;
  });
}
