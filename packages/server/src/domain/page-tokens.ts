/**
 * Pagination tokens for the list actions that page through a pool's contents (ListUsers,
 * ListGroups, ListUsersInGroup, AdminListGroupsForUser).
 *
 * A token is the position after the last item of a page (a keyset cursor), sealed with the
 * server's session key and bound to the action, the pool and the query it came from. So it is
 * opaque, can't be forged or edited into another position, and a token from one query doesn't
 * work for another. Cognito doesn't document how long its tokens last; ours last a day.
 */
import { errors } from '../errors.js';
import type { Ports } from './cognate.js';

const LIFETIME_MS = 24 * 60 * 60 * 1000;

export type CursorValue = string | number;

/** The purpose a token is sealed for: action, pool and query, so tokens don't cross queries. */
const purpose = (scope: readonly string[]) => `page-token:${JSON.stringify(scope)}`;

export function sealPageToken(cognate: Ports<'clock' | 'secrets'>, scope: readonly string[], cursor: readonly CursorValue[]): string {
  return cognate.secrets.sessions.sealJson(cursor, purpose(scope), cognate.clock.now() + LIFETIME_MS);
}

/**
 * Opens a token and checks the cursor has the expected shape (`shape` lists the type of each
 * position); anything else is Cognito's InvalidParameterException.
 */
export function openPageToken(cognate: Ports<'clock' | 'secrets'>, scope: readonly string[], token: string, shape: readonly ('string' | 'number')[]): CursorValue[] {
  const cursor = cognate.secrets.sessions.openJson<unknown>(token, purpose(scope), cognate.clock.now());
  const valid =
    Array.isArray(cursor) &&
    cursor.length === shape.length &&
    cursor.every((v, i) => (shape[i] === 'number' ? typeof v === 'number' && Number.isSafeInteger(v) : typeof v === 'string'));
  if (!valid) throw errors.invalidParameter('Invalid pagination token.');
  return cursor as CursorValue[];
}

/**
 * The page size of a list action. The model allows 0–60; a page of nothing can't make progress,
 * so 0 is refused like any other out-of-range value (worded as the model validation words it).
 */
export function pageLimit(limit: number | undefined, member = 'limit'): number {
  if (limit === undefined) return 60;
  if (limit < 1) throw errors.invalidParameter(`1 validation error detected: Value '${limit}' at '${member}' failed to satisfy constraint: Member must have value greater than or equal to 1`);
  return limit;
}
