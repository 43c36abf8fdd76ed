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

export async function providerExists(db: Executor, arn: string): Promise<boolean> {
  return (await db.selectFrom('iam_providers').select('arn').where('arn', '=', arn).executeTakeFirst()) !== undefined;
}

export async function insertProvider<K extends ProviderKind>(db: Executor, arn: string, kind: K, document: DocumentOf<K>, now: number): Promise<void> {
  await db.insertInto('iam_providers').values({ arn, kind, document: JSON.stringify(document), created_at: now }).execute();
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
