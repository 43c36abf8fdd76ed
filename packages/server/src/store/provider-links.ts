/**
 * Users' identities at external providers (domain/federation/links.ts): a federated user's own
 * (`Cognito_Subject`), or one linked to a native user by AdminLinkProviderForUser. Rows go with
 * their user and pool (foreign keys cascade).
 */
import { isUniqueViolation } from './constraints.js';
import type { Executor } from './db.js';
import type { ProviderLinksTable } from './schema.js';

export type ProviderLinkRow = ProviderLinksTable;

/** Stores a link; 'taken' when this identity already names a user (the primary key decides a race). */
export async function insert(db: Executor, row: ProviderLinkRow): Promise<'created' | 'taken'> {
  if (await find(db, row.pool_id, row.provider_name, row.attribute_name, row.attribute_value)) return 'taken';
  try {
    await db.insertInto('provider_links').values(row).execute();
  } catch (e) {
    if (isUniqueViolation(e)) return 'taken';
    throw e;
  }
  return 'created';
}

export async function find(db: Executor, poolId: string, providerName: string, attributeName: string, attributeValue: string): Promise<ProviderLinkRow | undefined> {
  return db
    .selectFrom('provider_links')
    .selectAll()
    .where('pool_id', '=', poolId)
    .where('provider_name', '=', providerName)
    .where('attribute_name', '=', attributeName)
    .where('attribute_value', '=', attributeValue)
    .executeTakeFirst();
}

/** The links of a provider whose attribute is one of `candidates` (name → value), first created first. */
export async function findAny(db: Executor, poolId: string, providerName: string, candidates: readonly { name: string; value: string }[]): Promise<ProviderLinkRow | undefined> {
  if (candidates.length === 0) return undefined;
  return db
    .selectFrom('provider_links')
    .selectAll()
    .where('pool_id', '=', poolId)
    .where('provider_name', '=', providerName)
    .where((eb) => eb.or(candidates.map((c) => eb.and([eb('attribute_name', '=', c.name), eb('attribute_value', '=', c.value)]))))
    .orderBy('created_at')
    .executeTakeFirst();
}

/** A user's links, oldest first. */
export async function ofUser(db: Executor, userId: string): Promise<ProviderLinkRow[]> {
  return db.selectFrom('provider_links').selectAll().where('user_id', '=', userId).orderBy('created_at').orderBy('provider_name').execute();
}

/** Deletes one link; false when there was none. */
export async function remove(db: Executor, poolId: string, providerName: string, attributeName: string, attributeValue: string): Promise<boolean> {
  const r = await db
    .deleteFrom('provider_links')
    .where('pool_id', '=', poolId)
    .where('provider_name', '=', providerName)
    .where('attribute_name', '=', attributeName)
    .where('attribute_value', '=', attributeValue)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Records the issuer a signed-in identity came with (SAML: the IdP's entity ID). */
export async function setIssuer(db: Executor, poolId: string, providerName: string, attributeValue: string, issuer: string | null): Promise<void> {
  await db
    .updateTable('provider_links')
    .set({ issuer })
    .where('pool_id', '=', poolId)
    .where('provider_name', '=', providerName)
    .where('attribute_name', '=', 'Cognito_Subject')
    .where('attribute_value', '=', attributeValue)
    .execute();
}

/** Deletes a user's links to one provider; returns how many went. */
export async function removeForUser(db: Executor, userId: string, providerName: string): Promise<number> {
  const r = await db.deleteFrom('provider_links').where('user_id', '=', userId).where('provider_name', '=', providerName).executeTakeFirst();
  return Number(r.numDeletedRows);
}
