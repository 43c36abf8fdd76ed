/**
 * The roles the built-in credentials broker issues credentials for, with their policies: a trust
 * policy (who may assume the role: identity/trust.ts evaluates it whenever the built-in broker mints
 * credentials, for GetCredentialsForIdentity and AssumeRoleWithWebIdentity alike; a role without
 * one can be assumed by nobody, as in IAM) and
 * named permission policies (what the role's credentials may do: the verifier evaluates them).
 * Created with the IAM-compatible query API (CreateRole, UpdateAssumeRolePolicy, PutRolePolicy …) or
 * `cognate identity-pool create`.
 */
import type { Store } from '../store/db.js';
import * as roleStore from '../store/iam-roles.js';
import { TtlCache } from '../domain/cache.js';
import { CONFIG_CACHE_MS } from '../domain/user-pools.js';
import { ACCOUNT_ID } from '../domain/account.js';
import { iamErrors } from './iam-errors.js';
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

const noSuchRole = (name: string) => iamErrors.noSuchEntity(`The role with name ${name} cannot be found.`);
const noSuchPolicy = (policyName: string) => iamErrors.noSuchEntity(`The role policy with name ${policyName} cannot be found.`);

/** The role name of a role ARN. */
export const roleNameOfArn = (arn: string) => ROLE_ARN.exec(arn)?.[2];

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
    if (!ROLE_NAME.test(p.name)) throw iamErrors.validation(`Invalid role name: ${p.name.slice(0, 64)}`);
    const path = p.path ?? '/';
    if (!ROLE_PATH.test(path)) throw iamErrors.validation(`Invalid role path: ${path.slice(0, 64)}`);
    const role: IamRole = {
      arn: IamRoles.arnFor(p.name, path),
      name: p.name,
      trust: p.trust === undefined ? null : parsePolicy(p.trust),
      policies: Object.fromEntries(Object.entries(p.policies ?? {}).map(([k, v]) => [k, parsePolicy(v)])),
      createdAt: now,
    };
    // One statement decides, so two concurrent CreateRole calls of one name can't both succeed.
    if (!(await roleStore.insertRole(this.store.db, role, now))) throw iamErrors.entityAlreadyExists(`Role with name ${p.name} already exists.`);
    this.cache.delete(role.arn);
    return role;
  }

  /** The role an ARN names (cached: callers must not change what they get). */
  async find(arn: string): Promise<IamRole | undefined> {
    return this.cache.get(arn, () => roleStore.findRoleByArn(this.store.db, arn));
  }

  async findByName(name: string): Promise<IamRole | undefined> {
    return roleStore.findRoleByName(this.store.db, name);
  }

  async getByName(name: string): Promise<IamRole> {
    const role = await this.findByName(name);
    if (!role) throw noSuchRole(name);
    return role;
  }

  /**
   * Rewrites a role's policies with `change(role)` only if nobody changed them since they were
   * read (compare-and-set), so concurrent PutRolePolicy, DeleteRolePolicy and
   * UpdateAssumeRolePolicy calls can't lose each other's writes.
   */
  private async change(name: string, now: number, change: (role: IamRole) => IamRole): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const found = await roleStore.findRoleForUpdate(this.store.db, name);
      if (!found) throw noSuchRole(name);
      const changed = change(found.role);
      if (await roleStore.updateRolePolicies(this.store.db, changed, now, found.version)) {
        this.cache.delete(changed.arn);
        return;
      }
      if (attempt >= 10) throw iamErrors.concurrentModification(`The role ${name} was modified concurrently; try again.`);
    }
  }

  /** Replaces the trust policy (IAM UpdateAssumeRolePolicy). */
  async updateTrust(name: string, document: string | unknown, now: number): Promise<void> {
    const trust = parsePolicy(document);
    await this.change(name, now, (role) => ({ ...role, trust }));
  }

  async putPolicy(name: string, policyName: string, document: string | unknown, now: number): Promise<void> {
    if (!/^[\w+=,.@-]{1,128}$/.test(policyName)) throw iamErrors.validation(`Invalid policy name: ${policyName.slice(0, 128)}`);
    let parsed: PolicyDocument | undefined;
    await this.change(name, now, (role) => ({ ...role, policies: { ...role.policies, [policyName]: (parsed ??= parsePolicy(document)) } }));
  }

  /** A permission policy of a role (IAM GetRolePolicy). */
  async getPolicy(name: string, policyName: string): Promise<PolicyDocument> {
    const { policies } = await this.getByName(name);
    if (!Object.hasOwn(policies, policyName)) throw noSuchPolicy(policyName);
    return policies[policyName]!;
  }

  async deletePolicy(name: string, policyName: string, now: number): Promise<void> {
    await this.change(name, now, (role) => {
      if (!Object.hasOwn(role.policies, policyName)) throw noSuchPolicy(policyName);
      const { [policyName]: _gone, ...policies } = role.policies;
      return { ...role, policies };
    });
  }

  async delete(name: string): Promise<void> {
    const role = await this.getByName(name);
    await roleStore.deleteRole(this.store.db, role.arn);
    this.cache.delete(role.arn);
  }
}
