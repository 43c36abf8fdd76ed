/**
 * User pool domains: CreateUserPoolDomain, DescribeUserPoolDomain, UpdateUserPoolDomain,
 * DeleteUserPoolDomain, the pool's `Domain`/`CustomDomain` in DescribeUserPool, and the lookup of
 * a pool by the `Host` a hosted-UI request came to (findPoolByHost).
 *
 * A domain without dots is a prefix domain, served at `<prefix>.auth.<region>.<base>` (base:
 * `hostedUiBaseDomain`, Cognito's is `amazoncognito.com`); a domain with dots is a custom domain
 * and needs `CustomDomainConfig.CertificateArn`. A name belongs to one pool; a pool has at most one
 * domain of each kind. Domains are ACTIVE as soon as they are made (Cognito takes minutes).
 */
import { errors } from '../errors.js';
import * as domainStore from '../store/user-pool-domains.js';
import type { DomainRow } from '../store/user-pool-domains.js';
import { ACCOUNT_ID } from './account.js';
import type { Ports } from './cognate.js';

export interface CustomDomainConfig {
  CertificateArn: string;
  SecurityPolicy?: string;
}

export interface UserPoolDomain {
  poolId: string;
  domain: string;
  kind: 'prefix' | 'custom';
  customDomainConfig: CustomDomainConfig | null;
  managedLoginVersion: number;
  version: string;
}

export interface DomainInput {
  UserPoolId: string;
  Domain: string;
  ManagedLoginVersion?: number;
  CustomDomainConfig?: CustomDomainConfig;
  /** Multi-region failover routing: Cognate serves one region, so it refuses it rather than ignore it. */
  Routing?: unknown;
}

function checkRouting(routing: unknown): void {
  if (routing !== undefined && routing !== null) throw errors.invalidParameter('Routing is not supported: Cognate serves a user pool from one region.');
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const RESERVED = ['aws', 'amazon', 'cognito'];

const rowToDomain = (r: DomainRow): UserPoolDomain => ({
  poolId: r.pool_id,
  domain: r.domain,
  kind: r.kind,
  customDomainConfig: r.custom_domain_config === null ? null : (JSON.parse(r.custom_domain_config) as CustomDomainConfig),
  managedLoginVersion: Number(r.managed_login_version),
  version: r.version,
});

const regionOf = (poolId: string) => poolId.slice(0, poolId.indexOf('_'));

/** The host clients use: `<prefix>.auth.<region>.<base>` for a prefix domain, the name itself for a custom one. */
export function domainHost(config: { hostedUiBaseDomain: string }, d: Pick<UserPoolDomain, 'poolId' | 'domain' | 'kind'>): string {
  return d.kind === 'prefix' ? `${d.domain}.auth.${regionOf(d.poolId)}.${config.hostedUiBaseDomain}` : d.domain;
}

/**
 * Where clients reach a domain, as `host[:port]`: the domain's host with the port of the server's
 * public URL when that isn't its scheme's default (`shop.auth.us-east-1.localhost:9229` locally,
 * `shop.auth.us-east-1.example.com` behind a proxy on 443). This is what CreateUserPoolDomain's
 * `CloudFrontDomain` and DescribeUserPoolDomain's `CloudFrontDistribution` answer — the host a
 * client is told to use, and exactly what Amplify's `oauth.domain` takes.
 */
export function domainAuthority(config: { hostedUiBaseDomain: string; publicUrl: string }, d: Pick<UserPoolDomain, 'poolId' | 'domain' | 'kind'>): string {
  const { port } = new URL(config.publicUrl);
  return port ? `${domainHost(config, d)}:${port}` : domainHost(config, d);
}

/**
 * The base URL of a domain's hosted UI and OAuth endpoints: the public URL's scheme (https under
 * TLS) with the domain's authority, e.g. `https://shop.auth.us-east-1.localhost:9229`.
 */
export function domainUrl(config: { hostedUiBaseDomain: string; publicUrl: string }, d: Pick<UserPoolDomain, 'poolId' | 'domain' | 'kind'>): string {
  return `${new URL(config.publicUrl).protocol}//${domainAuthority(config, d)}`;
}

/** DomainDescription.Version: the time of the last change, as yyyyMMddHHmmss (UTC). */
const versionAt = (now: number) => new Date(now).toISOString().replace(/[-:T]/g, '').slice(0, 14);

function checkManagedLoginVersion(v: number | undefined): void {
  if (v !== undefined && v !== 1 && v !== 2) throw errors.invalidParameter('ManagedLoginVersion must be 1 or 2.');
}

/** Decides the kind of a requested domain and refuses malformed names as Cognito does. */
function kindOf(input: Pick<DomainInput, 'Domain' | 'CustomDomainConfig'>): 'prefix' | 'custom' {
  const name = input.Domain;
  const labels = name.split('.');
  if (labels.some((l) => !LABEL.test(l))) {
    throw errors.invalidParameter('The domain name contains an invalid character. Domain names can only contain lower-case letters, numbers, and hyphens. Please enter a different name that follows this format: ^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$');
  }
  if (labels.length === 1) {
    if (input.CustomDomainConfig) throw errors.invalidParameter('A custom domain must be a fully qualified domain name.');
    const word = RESERVED.find((w) => name.includes(w));
    if (word) throw errors.invalidParameter(`Domain cannot contain reserved word: ${word}`);
    return 'prefix';
  }
  if (!input.CustomDomainConfig) throw errors.invalidParameter('CustomDomainConfig is required for a custom domain.');
  return 'custom';
}

export async function createUserPoolDomain(cognate: Ports<'clock' | 'pools' | 'store' | 'config'>, input: DomainInput): Promise<UserPoolDomain> {
  checkManagedLoginVersion(input.ManagedLoginVersion);
  checkRouting(input.Routing);
  const kind = kindOf(input);
  const pool = await cognate.pools.get(input.UserPoolId);
  const now = cognate.clock.now();
  const row: DomainRow = {
    domain: input.Domain,
    pool_id: pool.id,
    kind,
    custom_domain_config: kind === 'custom' ? JSON.stringify(input.CustomDomainConfig) : null,
    managed_login_version: input.ManagedLoginVersion ?? 1,
    version: versionAt(now),
    created_at: now,
    updated_at: now,
  };
  const db = cognate.store.db;
  const outcome = await domainStore.insertDomain(db, row);
  if (outcome === 'no-pool') throw errors.resourceNotFound(`User pool ${pool.id} does not exist.`);
  if (outcome === 'taken') {
    const holder = await domainStore.findDomainRow(db, input.Domain);
    if (holder && holder.pool_id !== pool.id) throw errors.invalidParameter('Domain already associated with another user pool.');
    if (holder) throw errors.invalidParameter('Domain already exists.');
    throw errors.invalidParameter('User pool already has a domain configured.');
  }
  return rowToDomain(row);
}

/** The domain, or undefined (Cognito answers an empty DomainDescription). */
export async function describeUserPoolDomain(cognate: Ports<'store'>, domain: string): Promise<UserPoolDomain | undefined> {
  const row = await domainStore.findDomainRow(cognate.store.db, domain);
  return row ? rowToDomain(row) : undefined;
}

const noSuchDomain = () => errors.invalidParameter('No such domain or user pool exists.');

export async function updateUserPoolDomain(cognate: Ports<'clock' | 'pools' | 'store'>, input: DomainInput): Promise<UserPoolDomain> {
  checkManagedLoginVersion(input.ManagedLoginVersion);
  checkRouting(input.Routing);
  const pool = await cognate.pools.get(input.UserPoolId);
  const db = cognate.store.db;
  const row = await domainStore.findDomainRow(db, input.Domain);
  if (!row || row.pool_id !== pool.id) throw noSuchDomain();
  if (input.CustomDomainConfig && row.kind === 'prefix') throw errors.invalidParameter('CustomDomainConfig applies only to a custom domain.');
  const now = cognate.clock.now();
  const changes = {
    custom_domain_config: input.CustomDomainConfig ? JSON.stringify(input.CustomDomainConfig) : row.custom_domain_config,
    managed_login_version: input.ManagedLoginVersion ?? Number(row.managed_login_version),
    version: versionAt(now),
    updated_at: now,
  };
  if (!(await domainStore.updateDomainRow(db, pool.id, input.Domain, changes))) throw noSuchDomain();
  return rowToDomain({ ...row, ...changes });
}

export async function deleteUserPoolDomain(cognate: Ports<'pools' | 'store'>, input: Pick<DomainInput, 'UserPoolId' | 'Domain'>): Promise<void> {
  const pool = await cognate.pools.get(input.UserPoolId);
  if (!(await domainStore.deleteDomainRow(cognate.store.db, pool.id, input.Domain))) throw noSuchDomain();
}

/**
 * The base URL of a pool's hosted UI (domainUrl): its custom domain when it has one (what its users
 * are meant to see), else its prefix domain; undefined when it has neither.
 */
export async function poolDomainUrl(cognate: Ports<'config' | 'store'>, poolId: string): Promise<string | undefined> {
  const rows = await domainStore.listPoolDomainRows(cognate.store.db, poolId);
  const row = rows.find((r) => r.kind === 'custom') ?? rows.find((r) => r.kind === 'prefix');
  return row ? domainUrl(cognate.config, rowToDomain(row)) : undefined;
}

/** A pool's domains, as UserPoolType's `Domain` (prefix) and `CustomDomain`. */
export async function poolDomainFields(cognate: Ports<'store'>, poolId: string): Promise<{ Domain?: string; CustomDomain?: string }> {
  const rows = await domainStore.listPoolDomainRows(cognate.store.db, poolId);
  const out: { Domain?: string; CustomDomain?: string } = {};
  for (const r of rows) {
    if (r.kind === 'prefix') out.Domain = r.domain;
    else out.CustomDomain = r.domain;
  }
  return out;
}

/** DescribeUserPoolDomain's DomainDescription. */
export function domainDescription(config: { hostedUiBaseDomain: string; publicUrl: string }, d: UserPoolDomain) {
  return {
    UserPoolId: d.poolId,
    AWSAccountId: ACCOUNT_ID,
    Domain: d.domain,
    CloudFrontDistribution: domainAuthority(config, d),
    Version: d.version,
    Status: 'ACTIVE',
    ...(d.customDomainConfig ? { CustomDomainConfig: d.customDomainConfig } : {}),
    ManagedLoginVersion: d.managedLoginVersion,
  };
}

/**
 * The pool a hosted-UI request is for, from its `Host` header (port ignored): a prefix domain's
 * `<prefix>.auth.<region>.<base>` (the region must be the pool's) or a custom domain's name.
 */
export async function findPoolByHost(cognate: Ports<'config' | 'store'>, host: string): Promise<string | undefined> {
  return (await findDomainByHost(cognate, host))?.poolId;
}

/** The domain a hosted-UI request came to, by its `Host` header, as {@link findPoolByHost} reads it. */
export async function findDomainByHost(cognate: Ports<'config' | 'store'>, host: string): Promise<UserPoolDomain | undefined> {
  const name = host.trim().toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  const base = `.${cognate.config.hostedUiBaseDomain.toLowerCase()}`;
  if (name.endsWith(base)) {
    const m = /^([^.]+)\.auth\.([^.]+)$/.exec(name.slice(0, -base.length));
    if (m) {
      const row = await domainStore.findDomainRow(cognate.store.db, m[1]!);
      return row && row.kind === 'prefix' && regionOf(row.pool_id) === m[2] ? rowToDomain(row) : undefined;
    }
  }
  if (!name.includes('.')) return undefined;
  const row = await domainStore.findDomainRow(cognate.store.db, name);
  return row && row.kind === 'custom' ? rowToDomain(row) : undefined;
}
