/**
 * External identity providers registered with IAM (table `iam_providers`): OpenID Connect providers
 * (`{ url, clientIds }`) and SAML providers (`{ name, metadata }`), by ARN.
 */
import type { Executor } from './db.js';

export type ProviderKind = 'oidc' | 'saml';

export interface OidcProviderDocument {
  url: string;
  clientIds: string[];
}

export interface SamlProviderDocument {
  name: string;
  metadata: string;
}

type DocumentOf<K extends ProviderKind> = K extends 'oidc' ? OidcProviderDocument : SamlProviderDocument;

/** Inserts a provider unless one with that ARN exists; whether it did. */
export async function insertProvider<K extends ProviderKind>(db: Executor, arn: string, kind: K, document: DocumentOf<K>, now: number): Promise<boolean> {
  const result = await db
    .insertInto('iam_providers')
    .values({ arn, kind, document: JSON.stringify(document), created_at: now })
    .onConflict((oc) => oc.column('arn').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** The document of the provider of this kind an ARN names. */
export async function findProvider<K extends ProviderKind>(db: Executor, arn: string, kind: K): Promise<DocumentOf<K> | undefined> {
  const row = await db.selectFrom('iam_providers').select('document').where('arn', '=', arn).where('kind', '=', kind).executeTakeFirst();
  return row ? (JSON.parse(row.document) as DocumentOf<K>) : undefined;
}

/** Deletes a provider of either kind; whether there was one. */
export async function deleteProvider(db: Executor, arn: string): Promise<boolean> {
  const result = await db.deleteFrom('iam_providers').where('arn', '=', arn).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
