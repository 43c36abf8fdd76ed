/**
 * Terms documents: CreateTerms, DescribeTerms, ListTerms, UpdateTerms, DeleteTerms, and the links
 * the sign-up page shows (termsLinksFor, HELPERS.md contract 3).
 *
 * An app client has at most one document of each name (`terms-of-use`, `privacy-policy`); a
 * document is a map of language (`cognito:english`, ..., `cognito:default`) to URL. Cognito shows
 * the links only once the client has both documents, each in the page's language or with a
 * `cognito:default` link ("Terms documents", managed login developer guide). The links must be
 * http(s) URLs (HTTPS except loopback, as redirect URIs: client-settings.ts).
 */
import { CognitoError, errors } from '../../errors.js';
import * as termsStore from '../../store/terms.js';
import type { TermsRow } from '../../store/terms.js';
import type { AppClient } from '../app-clients.js';
import type { Ports } from '../cognate.js';
import { newId } from '../ids.js';
import type { UserPool } from '../user-pools.js';
import { checkRedirectUri } from './client-settings.js';

export type TermsName = 'terms-of-use' | 'privacy-policy';

export interface Terms {
  id: string;
  poolId: string;
  clientId: string;
  name: TermsName;
  source: string;
  enforcement: string;
  links: Record<string, string>;
  createdAt: number;
  updatedAt: number;
}

export interface TermsInput {
  UserPoolId: string;
  ClientId?: string;
  TermsId?: string;
  TermsName?: TermsName;
  TermsSource?: string;
  Enforcement?: string;
  Links?: Record<string, string>;
}

/** The hosted UI's `lang` values (and their base languages) → Cognito's language IDs in Links. */
const LANGUAGES: Record<string, string> = {
  en: 'cognito:english', fr: 'cognito:french', es: 'cognito:spanish', de: 'cognito:german', id: 'cognito:bahasa-indonesia',
  it: 'cognito:italian', ja: 'cognito:japanese', ko: 'cognito:korean', nl: 'cognito:dutch', 'pt-br': 'cognito:portuguese-brazil', pt: 'cognito:portuguese-brazil',
  'zh-cn': 'cognito:chinese-simplified', 'zh-hans': 'cognito:chinese-simplified', zh: 'cognito:chinese-simplified', 'zh-tw': 'cognito:chinese-traditional', 'zh-hant': 'cognito:chinese-traditional',
};

const rowToTerms = (r: TermsRow): Terms => ({
  id: r.id,
  poolId: r.pool_id,
  clientId: r.client_id,
  name: r.name,
  source: r.source,
  enforcement: r.enforcement,
  links: JSON.parse(r.links) as Record<string, string>,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

const notFound = () => errors.resourceNotFound('Terms do not exist.');
const exists = (name: string) => new CognitoError('TermsExistsException', `Terms with name ${name} already exist for this app client.`);

function checkLinks(links: Record<string, string> | undefined): Record<string, string> {
  if (!links || Object.keys(links).length === 0) throw errors.invalidParameter('Links are required when TermsSource is LINK.');
  for (const url of Object.values(links)) {
    checkRedirectUri(url);
    if (!/^https?:\/\//i.test(url)) throw errors.invalidParameter(`Invalid link ${url}: a terms link must be an http(s) URL.`);
  }
  return { ...links };
}

export async function createTerms(cognate: Ports<'clients' | 'clock' | 'pools' | 'store'>, input: TermsInput & { ClientId: string; TermsName: TermsName }): Promise<Terms> {
  const links = checkLinks(input.Links);
  const pool = await cognate.pools.get(input.UserPoolId);
  const client = await cognate.clients.get(pool.id, input.ClientId);
  const now = cognate.clock.now();
  const row: TermsRow = {
    id: newId(),
    pool_id: pool.id,
    client_id: client.id,
    name: input.TermsName,
    source: input.TermsSource ?? 'LINK',
    enforcement: input.Enforcement ?? 'NONE',
    links: JSON.stringify(links),
    created_at: now,
    updated_at: now,
  };
  const outcome = await termsStore.insertTerms(cognate.store.db, row);
  if (outcome === 'taken') throw exists(input.TermsName);
  if (outcome === 'gone') throw errors.resourceNotFound(`User pool client ${client.id} does not exist.`);
  return rowToTerms(row);
}

export async function describeTerms(cognate: Ports<'pools' | 'store'>, input: { UserPoolId: string; TermsId: string }): Promise<Terms> {
  const pool = await cognate.pools.get(input.UserPoolId);
  const row = await termsStore.findTermsRow(cognate.store.db, pool.id, input.TermsId);
  if (!row) throw notFound();
  return rowToTerms(row);
}

/** UpdateTerms: what it is given replaces the stored value; the rest stays. */
export async function updateTerms(cognate: Ports<'clock' | 'pools' | 'store'>, input: TermsInput & { TermsId: string }): Promise<Terms> {
  const links = input.Links === undefined ? undefined : checkLinks(input.Links);
  const current = await describeTerms(cognate, input);
  const next: Terms = {
    ...current,
    name: input.TermsName ?? current.name,
    source: input.TermsSource ?? current.source,
    enforcement: input.Enforcement ?? current.enforcement,
    links: links ?? current.links,
    updatedAt: cognate.clock.now(),
  };
  const outcome = await termsStore.updateTermsRow(cognate.store.db, current.poolId, current.id, { name: next.name, source: next.source, enforcement: next.enforcement, links: JSON.stringify(next.links), updated_at: next.updatedAt });
  if (outcome === 'taken') throw exists(next.name);
  if (outcome === 'missing') throw notFound();
  return next;
}

export async function deleteTerms(cognate: Ports<'pools' | 'store'>, input: { UserPoolId: string; TermsId: string }): Promise<void> {
  const pool = await cognate.pools.get(input.UserPoolId);
  if (!(await termsStore.deleteTermsRow(cognate.store.db, pool.id, input.TermsId))) throw notFound();
}

export async function listTerms(cognate: Ports<'pools' | 'store'>, poolId: string, limit: number, after?: string): Promise<{ terms: Terms[]; next?: string }> {
  const pool = await cognate.pools.get(poolId);
  const rows = await termsStore.listTermsRows(cognate.store.db, pool.id, limit, after);
  const terms = rows.slice(0, limit).map(rowToTerms);
  return rows.length > limit ? { terms, next: terms[terms.length - 1]!.id } : { terms };
}

/** Cognito's language ID for a hosted-UI language tag (`fr`, `pt-BR`, `zh-TW` ...), or undefined. */
export function languageIdFor(lang: string): string | undefined {
  const tag = lang.trim().toLowerCase().replace(/_/g, '-');
  return LANGUAGES[tag] ?? LANGUAGES[tag.split('-')[0]!];
}

/**
 * The terms links a client's sign-up page shows in `lang`: terms of use, then privacy policy, each
 * in that language or its `cognito:default` link — or none at all unless both documents have one.
 */
export async function termsLinksFor(cognate: Ports<'store'>, pool: UserPool, client: AppClient, lang: string): Promise<{ kind: TermsName; url: string }[]> {
  const rows = await termsStore.listClientTermsRows(cognate.store.db, pool.id, client.id);
  const language = languageIdFor(lang);
  const out: { kind: TermsName; url: string }[] = [];
  for (const kind of ['terms-of-use', 'privacy-policy'] as const) {
    const row = rows.find((r) => r.name === kind);
    if (!row) return [];
    const links = JSON.parse(row.links) as Record<string, string>;
    const url = (language !== undefined ? links[language] : undefined) ?? links['cognito:default'];
    if (url === undefined) return [];
    out.push({ kind, url });
  }
  return out;
}

/** TermsType on the wire. */
export function termsType(t: Terms) {
  return {
    TermsId: t.id,
    UserPoolId: t.poolId,
    ClientId: t.clientId,
    TermsName: t.name,
    TermsSource: t.source,
    Enforcement: t.enforcement,
    Links: t.links,
    CreationDate: t.createdAt / 1000,
    LastModifiedDate: t.updatedAt / 1000,
  };
}

/** TermsDescriptionType (ListTerms) on the wire. */
export const termsDescriptionType = (t: Terms) => ({ TermsId: t.id, TermsName: t.name, Enforcement: t.enforcement, CreationDate: t.createdAt / 1000, LastModifiedDate: t.updatedAt / 1000 });
