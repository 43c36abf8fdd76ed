/**
 * The request-rate limits' storage (domain/rate-limits/): the provisioned rate of each category, and
 * the per-second counts the nodes sharing the database exchange in the background.
 */
import type { Executor } from './db.js';

/** Every provisioned category rate set with UpdateProvisionedLimit. */
export async function listProvisioned(db: Executor): Promise<{ category: string; value: number }[]> {
  return db.selectFrom('provisioned_limits').select(['category', 'value']).execute();
}

/** The provisioned rate of one category, if one was set. */
export async function findProvisioned(db: Executor, category: string): Promise<number | undefined> {
  return (await db.selectFrom('provisioned_limits').select('value').where('category', '=', category).executeTakeFirst())?.value;
}

export async function setProvisioned(db: Executor, category: string, value: number, now: number): Promise<void> {
  await db
    .insertInto('provisioned_limits')
    .values({ category, value, updated_at: now })
    .onConflict((oc) => oc.column('category').doUpdateSet({ value, updated_at: now }))
    .execute();
}

export interface CountRow {
  scope: string;
  bucket: string;
  second: number;
  count: number;
}

/**
 * Records this node's counts (absolute, so a repeated write is harmless): one statement for all of
 * them, chunked to stay under SQLite's bound-parameter limit.
 */
export async function writeCounts(db: Executor, node: string, rows: CountRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 150) {
    const chunk = rows.slice(i, i + 150).map((r) => ({ ...r, node }));
    await db
      .insertInto('rate_limit_counts')
      .values(chunk)
      .onConflict((oc) => oc.columns(['second', 'scope', 'bucket', 'node']).doUpdateSet((eb) => ({ count: eb.ref('excluded.count') })))
      .execute();
  }
}

/** What the other nodes admitted in `second`, summed per (scope, bucket). */
export async function othersCounts(db: Executor, node: string, second: number): Promise<CountRow[]> {
  const rows = await db
    .selectFrom('rate_limit_counts')
    .select(['scope', 'bucket', (eb) => eb.fn.sum<number>('count').as('count')])
    .where('second', '=', second)
    .where('node', '<>', node)
    .groupBy(['scope', 'bucket'])
    .execute();
  return rows.map((r) => ({ scope: r.scope, bucket: r.bucket, second, count: Number(r.count) }));
}

/** Forgets the counts of seconds before `second`. */
export async function pruneCounts(db: Executor, before: number): Promise<void> {
  await db.deleteFrom('rate_limit_counts').where('second', '<', before).execute();
}
