/**
 * The roles the built-in credentials broker issues credentials for, with their policies: a trust
 * policy (who may assume the role: identity/trust.ts evaluates it whenever the built-in broker mints
 * credentials, for GetCredentialsForIdentity and AssumeRoleWithWebIdentity alike; a role without
 * one can be assumed by nobody, as in IAM) and
 * named permission policies (what the role's credentials may do: the verifier evaluates them).
 * Created with the IAM-compatible query API (CreateRole, UpdateAssumeRolePolicy, PutRolePolicy …) or
 * `cognate identity-pool create`.
 */
import { errors } from '../errors.js';
import type { Store } from '../store/db.js';
import { TtlCache } from '../domain/cache.js';
import { CONFIG_CACHE_MS } from '../domain/user-pools.js';
import { ACCOUNT_ID } from './identity-pools.js';
import { parsePolicy, type PolicyDocument } from './policy.js';

export interface IamRole {
  arn: string;
  name: string;
  trust: PolicyDocument | null;
  policies: Record<string, PolicyDocument>;
  createdAt: number;
}

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const ROLE_PATH = /^\/([\x21-\x7e]{0,510}\/)?$/;
const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\x21-\x7e]*\/)?([\w+=,.@-]{1,64})$/;

/** The role name of a role ARN. */
export const roleNameOfArn = (arn: string) => ROLE_ARN.exec(arn)?.[2];

interface Stored {
  name: string;
  trust: PolicyDocument | null;
  policies: Record<string, PolicyDocument>;
}

export class IamRoles {
  /**
   * Roles by ARN for `find` (the verifier reads the role on every check). Writes through this
   * object drop their entry at once; another node's writes show within CONFIG_CACHE_MS, as pool
   * settings do.
   */
  private readonly cache = new TtlCache<IamRole | undefined>(CONFIG_CACHE_MS);

  constructor(private readonly store: Store) {}

  static arnFor(name: string, path = '/'): string {
    return `arn:aws:iam::${ACCOUNT_ID}:role${path}${name}`;
  }

  async create(p: { name: string; path?: string; trust?: string | unknown; policies?: Record<string, string | unknown> }, now: number): Promise<IamRole> {
    if (!ROLE_NAME.test(p.name)) throw errors.invalidParameter(`Invalid role name: ${p.name.slice(0, 64)}`);
    const path = p.path ?? '/';
    if (!ROLE_PATH.test(path)) throw errors.invalidParameter(`Invalid role path: ${path.slice(0, 64)}`);
    const arn = IamRoles.arnFor(p.name, path);
    const stored: Stored = {
      name: p.name,
      trust: p.trust === undefined ? null : parsePolicy(p.trust),
      policies: Object.fromEntries(Object.entries(p.policies ?? {}).map(([k, v]) => [k, parsePolicy(v)])),
    };
    const existing = await this.findByName(p.name);
    if (existing) throw errors.invalidParameter(`Role with name ${p.name} already exists.`);
    await this.store.db.insertInto('iam_roles').values({ arn, name: p.name, policy: JSON.stringify(stored), created_at: now, updated_at: now }).execute();
    this.cache.delete(arn);
    return { arn, ...stored, createdAt: now };
  }

  /** The role an ARN names (cached: callers must not change what they get). */
  async find(arn: string): Promise<IamRole | undefined> {
    return this.cache.get(arn, async () => {
      const row = await this.store.db.selectFrom('iam_roles').selectAll().where('arn', '=', arn).executeTakeFirst();
      if (!row) return undefined;
      const stored = JSON.parse(row.policy) as Stored;
      return { arn: row.arn, ...stored, createdAt: row.created_at };
    });
  }

  async findByName(name: string): Promise<IamRole | undefined> {
    const row = await this.store.db.selectFrom('iam_roles').selectAll().where('name', '=', name).executeTakeFirst();
    if (!row) return undefined;
    const stored = JSON.parse(row.policy) as Stored;
    return { arn: row.arn, ...stored, createdAt: row.created_at };
  }

  async getByName(name: string): Promise<IamRole> {
    const role = await this.findByName(name);
    if (!role) throw errors.resourceNotFound(`The role with name ${name} cannot be found.`);
    return role;
  }

  private async save(role: IamRole, now: number): Promise<void> {
    const stored: Stored = { name: role.name, trust: role.trust, policies: role.policies };
    await this.store.db.updateTable('iam_roles').set({ policy: JSON.stringify(stored), updated_at: now }).where('arn', '=', role.arn).execute();
    this.cache.delete(role.arn);
  }

  /** Replaces the trust policy (IAM UpdateAssumeRolePolicy). */
  async updateTrust(name: string, document: string | unknown, now: number): Promise<void> {
    const trust = parsePolicy(document);
    const role = await this.getByName(name);
    await this.save({ ...role, trust }, now);
  }

  async putPolicy(name: string, policyName: string, document: string | unknown, now: number): Promise<void> {
    if (!/^[\w+=,.@-]{1,128}$/.test(policyName)) throw errors.invalidParameter(`Invalid policy name: ${policyName.slice(0, 128)}`);
    const role = await this.getByName(name);
    role.policies[policyName] = parsePolicy(document);
    await this.save(role, now);
  }

  async deletePolicy(name: string, policyName: string, now: number): Promise<void> {
    const role = await this.getByName(name);
    if (!role.policies[policyName]) throw errors.resourceNotFound(`The role policy with name ${policyName} cannot be found.`);
    delete role.policies[policyName];
    await this.save(role, now);
  }

  async delete(name: string): Promise<void> {
    const role = await this.getByName(name);
    await this.store.db.deleteFrom('iam_roles').where('arn', '=', role.arn).execute();
    this.cache.delete(role.arn);
  }
}
