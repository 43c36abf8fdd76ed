/**
 * The user pool domains repository: `user_pool_domains`, keyed by the domain name (unique across
 * pools), with at most one row of each kind (prefix, custom) per pool. Deleting a pool takes its
 * domains with it: the foreign key cascades (store/migrations.ts, 0010_user_pool_domains).
 */
import type { Executor } from './db.js';
import type { UserPoolDomainsTable } from './schema.js';
import { isForeignKeyViolation, isUniqueViolation } from './constraints.js';

export type DomainRow = UserPoolDomainsTable;

export async function findDomainRow(db: Executor, domain: string): Promise<DomainRow | undefined> {
  return db.selectFrom('user_pool_domains').selectAll().where('domain', '=', domain).executeTakeFirst();
}

/** A pool's domains (at most one prefix and one custom). */
export async function listPoolDomainRows(db: Executor, poolId: string): Promise<DomainRow[]> {
  return db.selectFrom('user_pool_domains').selectAll().where('pool_id', '=', poolId).orderBy('kind').execute();
}

/** Inserts a domain: 'taken' when the name or the pool's slot of that kind is taken, 'no-pool' when the pool is gone. */
export async function insertDomain(db: Executor, row: DomainRow): Promise<'created' | 'taken' | 'no-pool'> {
  try {
    await db.insertInto('user_pool_domains').values(row).execute();
    return 'created';
  } catch (e) {
    if (isUniqueViolation(e)) return 'taken';
    if (isForeignKeyViolation(e)) return 'no-pool';
    throw e;
  }
}

/** Changes a domain of a pool; returns whether the pool has that domain. */
export async function updateDomainRow(db: Executor, poolId: string, domain: string, changes: Partial<Pick<DomainRow, 'custom_domain_config' | 'managed_login_version' | 'version' | 'updated_at'>>): Promise<boolean> {
  const result = await db.updateTable('user_pool_domains').set(changes).where('pool_id', '=', poolId).where('domain', '=', domain).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Deletes a domain of a pool; a domain of another pool stays. Returns whether the pool had it. */
export async function deleteDomainRow(db: Executor, poolId: string, domain: string): Promise<boolean> {
  const result = await db.deleteFrom('user_pool_domains').where('pool_id', '=', poolId).where('domain', '=', domain).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
