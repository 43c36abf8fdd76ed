/**
 * ListUsers' queries (domain/list-users.ts decides the plan): a page of a pool's users in a total
 * order (a keyset: the sort key, then the sub), narrowed by status columns, a unique users column
 * or one attribute's value. Values are always parameters; a prefix match is a range
 * (`key >= prefix AND key < successor(prefix)`), so it walks an index and `%`, `_`, `\` are plain
 * characters. Text is compared in code-point order on both databases.
 */
import { sql, type RawBuilder } from 'kysely';
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

/** Up to `take` user rows of the plan after the cursor `after`, and how to make a cursor of any of them. */
export async function fetchUserPage(db: Executor, dialect: Dialect, poolId: string, plan: Exclude<Plan, { kind: 'empty' }>, take: number, after: CursorValue[] | undefined): Promise<PageRows> {
  if (plan.kind === 'users') {
    let q = db.selectFrom('users as u').selectAll('u').where('u.pool_id', '=', poolId);
    if (plan.statuses) q = q.where('u.status', 'in', plan.statuses);
    if (plan.enabled) q = q.where('u.enabled', 'in', plan.enabled);
    if (after) {
      const [createdAt, id] = after as [number, string];
      q = q.where('u.created_at', '>=', createdAt).where((eb) => eb.or([eb('u.created_at', '>', createdAt), eb('u.id', '>', id)]));
    }
    const rows = await q.orderBy('u.created_at').orderBy('u.id').limit(take).execute();
    return { rows, cursorOf: (i) => [rows[i]!.created_at, rows[i]!.id] };
  }

  if (plan.kind === 'column') {
    const key = ordered(dialect, `u.${plan.column}`);
    let q = db.selectFrom('users as u').selectAll('u').where('u.pool_id', '=', poolId);
    if ('exact' in plan.match) {
      q = q.where(`u.${plan.column}`, '=', plan.match.exact);
    } else {
      q = q.where(key, '>=', plan.match.from);
      if (plan.match.to !== undefined) q = q.where(key, '<', plan.match.to);
    }
    if (after) q = q.where(key, '>', after[0] as string);
    const rows = await q.orderBy(key).limit(take).execute();
    return { rows, cursorOf: (i) => [plan.column === 'id' ? rows[i]!.id : rows[i]!.username_key] };
  }

  const key = plan.folded ? foldedOrdered(dialect, 'a.value') : ordered(dialect, 'a.value');
  let q = db
    .selectFrom('user_attributes as a')
    .innerJoin('users as u', 'u.id', 'a.user_id')
    .selectAll('u')
    .select(key.as('search_key'))
    .where('a.pool_id', '=', poolId)
    .where('a.name', '=', plan.name);
  if ('exact' in plan.match) {
    q = q.where(key, '=', plan.match.exact);
  } else {
    q = q.where(key, '>=', plan.match.from);
    if (plan.match.to !== undefined) q = q.where(key, '<', plan.match.to);
  }
  if (after) {
    const [value, userId] = after as [string, string];
    q = q.where(key, '>=', value).where((eb) => eb.or([eb(key, '>', value), eb('a.user_id', '>', userId)]));
  }
  const found = await q.orderBy(key).orderBy('a.user_id').limit(take).execute();
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
