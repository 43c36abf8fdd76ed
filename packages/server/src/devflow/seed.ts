/**
 * `cognate seed <file>`: brings a server to what a seed file (devflow/seed-file.ts) describes —
 * user pools (fixed IDs if given), app clients (fixed IDs and secrets if given), groups, users
 * (passwords, confirmed or not, attributes, groups, MFA with a known TOTP secret), identity pools
 * with their roles — through the domain functions the API actions call, so every rule and every
 * at-rest protection applies as it would to the same requests.
 *
 * Idempotent: what exists and matches is left alone ("unchanged"), what exists and differs in a
 * member the file names is updated, what is missing is created; a second run changes nothing. A
 * test suite can run it before every run. `dryRun` reports the same without writing.
 *
 * Nothing half-written on bad input: the whole file is checked first (its structure, every Cognito
 * input against the API model, passwords against the pool's policy, every reference), and a
 * refusal names the path to the bad member. A domain refusal met while applying (a trigger saying
 * no, say) stops the run; what was done before it stays, and a run after the fix completes it.
 */
import { createHash } from 'node:crypto';
import type { Cognate } from '../domain/cognate.js';
import { CognitoError } from '../errors.js';
import { loadServiceModel, validateInput, type ServiceName } from '../protocol/model.js';
import { createAppClient, createUserPool, updateAppClient, updateUserPool } from '../domain/pool-admin.js';
import { clientSettingsFromInput, type AppClient, type ClientInput } from '../domain/app-clients.js';
import type { CreateInput, UserPool } from '../domain/user-pools.js';
import { poolMfaConfig, setUserPoolMfaConfig, type PoolMfaConfigInput } from '../domain/mfa.js';
import { checkPasswordPolicy } from '../domain/passwords.js';
import { createGroup, getGroup, updateGroup } from '../domain/groups.js';
import { parsePolicy } from '../identity/policy.js';
import { identityPoolInput, setUpIdentityPool } from '../identity/setup.js';
import { SeedFileError, type SeedClient, type SeedFile, type SeedIdentityPool, type SeedPool } from './seed-file.js';
import { seedUser, checkSeedUser } from './seed-users.js';
import { act, stable, type SeedAction, type SeedContext } from './seed-report.js';

export type { SeedAction } from './seed-report.js';

/** A Cognito input checked against the API model, its refusal named by the path in the file. */
export function asTheApiChecks(path: string, operation: string, input: object, service: ServiceName = 'cognito-idp'): void {
  const model = loadServiceModel(service);
  try {
    validateInput(model, model.operation(operation)!, input);
  } catch (e) {
    if (e instanceof CognitoError) throw new SeedFileError(`${path}: ${e.message}`);
    throw e;
  }
}

/** A stand-in pool ID for checking inputs against the model before the pool exists. */
const placeholderPoolId = (region: string) => `${region}_Placeholder`;

/** The CreateUserPool part of a seeded pool (everything but the seed's own members). */
function poolInput(p: SeedPool): CreateInput {
  const { id: _id, mfa: _mfa, clients: _c, groups: _g, users: _u, ...input } = p;
  return input as unknown as CreateInput;
}

/** The CreateUserPoolClient part of a seeded client. */
function clientInput(c: SeedClient): ClientInput {
  const { id: _id, ...input } = c;
  return input as ClientInput;
}

/**
 * Checks the whole file before anything is written: what the API would refuse, passwords against
 * the policy the pool will have, and every reference (a user's groups and client, an identity
 * pool's providers) resolvable within the file or on the server.
 */
async function checkSeed(cognate: Cognate, seed: SeedFile): Promise<void> {
  const region = cognate.config.region;
  const pools = seed.userPools ?? [];
  for (const [i, p] of pools.entries()) {
    const at = `userPools[${i}]`;
    if (p.id && p.id.slice(0, p.id.indexOf('_')) !== region) throw new SeedFileError(`${at}.id: ${p.id} names region ${p.id.slice(0, p.id.indexOf('_'))}, but this server's --region is ${region}`);
    const input = poolInput(p);
    asTheApiChecks(at, 'CreateUserPool', input);
    const poolId = p.id ?? placeholderPoolId(region);
    if (p.mfa) asTheApiChecks(`${at}.mfa`, 'SetUserPoolMfaConfig', { ...p.mfa, UserPoolId: poolId });
    let built: UserPool;
    try {
      built = cognate.pools.build(input, cognate.clock.now(), poolId);
    } catch (e) {
      throw new SeedFileError(`${at}: ${(e as Error).message}`);
    }
    for (const [j, c] of (p.clients ?? []).entries()) asTheApiChecks(`${at}.clients[${j}]`, 'CreateUserPoolClient', { ...clientInput(c), UserPoolId: poolId });
    for (const [j, g] of (p.groups ?? []).entries()) asTheApiChecks(`${at}.groups[${j}]`, 'CreateGroup', { ...g, UserPoolId: poolId });
    const groups = new Set((p.groups ?? []).map((g) => g.GroupName));
    const clients = new Set((p.clients ?? []).flatMap((c) => [c.ClientName, ...(c.id ? [c.id] : [])]));
    for (const [j, u] of (p.users ?? []).entries()) {
      const uat = `${at}.users[${j}]`;
      checkSeedUser(u, uat, { groups, clients, hasClients: (p.clients ?? []).length > 0 });
      asTheApiChecks(uat, 'AdminCreateUser', { UserPoolId: poolId, Username: u.Username, UserAttributes: Object.entries(u.attributes ?? {}).map(([Name, Value]) => ({ Name, Value })) });
      if (u.password !== undefined) {
        try {
          checkPasswordPolicy(u.password, built.settings.Policies.PasswordPolicy);
        } catch (e) {
          throw new SeedFileError(`${uat}.password: ${(e as Error).message}`);
        }
      }
    }
  }
  for (const [i, ip] of (seed.identityPools ?? []).entries()) {
    const at = `identityPools[${i}]`;
    for (const [j, pr] of (ip.providers ?? []).entries()) {
      const seeded = pools.find((p) => p.id === pr.userPool || p.PoolName === pr.userPool);
      if (seeded && !(seeded.clients ?? []).some((c) => c.id === pr.client || c.ClientName === pr.client)) {
        throw new SeedFileError(`${at}.providers[${j}].client: ${pr.client} is not a client of ${pr.userPool} in this file`);
      }
      if (!seeded && !(await cognate.pools.find(pr.userPool))) throw new SeedFileError(`${at}.providers[${j}].userPool: no user pool ${pr.userPool} in this file or on the server`);
    }
    for (const key of ['authenticatedPolicy', 'unauthenticatedPolicy'] as const) {
      const policy = ip[key];
      if (policy === undefined) continue;
      try {
        parsePolicy(typeof policy === 'string' ? policy : JSON.stringify(policy));
      } catch (e) {
        throw new SeedFileError(`${at}.${key}: ${(e as Error).message}`);
      }
    }
  }
}

/** Every pool on the server, for finding a seeded pool by name. */
async function allPools(cognate: Cognate): Promise<UserPool[]> {
  const out: UserPool[] = [];
  for (let page = await cognate.pools.list(60); ; page = await cognate.pools.list(60, page.next)) {
    out.push(...page.pools);
    if (!page.next) return out;
  }
}

/** Every client of a pool. */
async function allClients(cognate: Cognate, poolId: string): Promise<AppClient[]> {
  const out: AppClient[] = [];
  for (let page = await cognate.clients.list(poolId, 60); ; page = await cognate.clients.list(poolId, 60, page.next)) {
    out.push(...page.clients);
    if (!page.next) return out;
  }
}

/**
 * The seeded pool as it is on the server: by its fixed `id`, else by its name (one pool of that
 * name; two would make "the same pool" ambiguous and the run stops).
 */
async function findPool(cognate: Cognate, p: SeedPool, at: string): Promise<UserPool | undefined> {
  if (p.id) {
    const found = await cognate.pools.find(p.id);
    if (found && found.name !== p.PoolName) throw new SeedFileError(`${at}.id: the server's pool ${p.id} is named ${found.name}, not ${p.PoolName}`);
    return found;
  }
  const named = (await allPools(cognate)).filter((x) => x.name === p.PoolName);
  if (named.length > 1) throw new SeedFileError(`${at}.PoolName: the server has ${named.length} pools named ${p.PoolName}; give the pool an id in the seed file`);
  return named[0];
}

/** The members of a pool's settings the file's input sets, that the stored pool doesn't match. */
function poolDifferences(cognate: Cognate, existing: UserPool, input: CreateInput): string[] {
  const desired = cognate.pools.build(input, existing.createdAt, existing.id).settings as unknown as Record<string, unknown>;
  const stored = existing.settings as unknown as Record<string, unknown>;
  // Fixed at creation (UpdateUserPool can't change them), and MFA, which the `mfa` member sets.
  const fixed = new Set(['Schema', 'UsernameAttributes', 'AliasAttributes', 'UsernameConfiguration', 'MfaConfiguration']);
  return Object.keys(input)
    .filter((k) => !fixed.has(k) && k !== 'PoolName')
    .filter((k) => stable(desired[k]) !== stable(stored[k]));
}

async function seedPool(ctx: SeedContext, p: SeedPool, at: string): Promise<UserPool | undefined> {
  const { cognate } = ctx;
  const input = poolInput(p);
  // MfaConfiguration ON/OPTIONAL needs the factors SetUserPoolMfaConfig turns on: it goes with `mfa`.
  const { MfaConfiguration, ...createInput } = input as CreateInput & { MfaConfiguration?: 'OFF' | 'ON' | 'OPTIONAL' };
  const mfa: Omit<PoolMfaConfigInput, 'UserPoolId'> | undefined = p.mfa || MfaConfiguration ? { ...(MfaConfiguration ? { MfaConfiguration } : {}), ...(p.mfa as object) } : undefined;
  let pool = await findPool(cognate, p, at);
  const what = `user pool ${p.PoolName}${pool ? ` (${pool.id})` : p.id ? ` (${p.id})` : ''}`;
  if (!pool) {
    await act(ctx, what, 'created', async () => {
      pool = await createUserPool(cognate, createInput, p.id ? { id: p.id } : {});
      if (mfa) pool = await setPoolMfa(cognate, pool, mfa);
    });
    return pool;
  }
  const existing: UserPool = pool;
  const changes = poolDifferences(cognate, existing, createInput);
  const view = mfa ? ((await poolMfaConfig(cognate, existing)) as Record<string, unknown>) : {};
  for (const [k, v] of Object.entries(mfa ?? {})) if (stable(v) !== stable(view[k])) changes.push(`mfa.${k}`);
  await act(
    ctx,
    what,
    changes.length > 0 ? 'updated' : 'unchanged',
    async () => {
      const { Schema: _s, UsernameAttributes: _ua, AliasAttributes: _aa, UsernameConfiguration: _uc, PoolName: _pn, ...update } = createInput as CreateInput & Record<string, unknown>;
      pool = await updateUserPool(cognate, { ...update, UserPoolId: existing.id });
      if (mfa) pool = await setPoolMfa(cognate, pool, mfa);
    },
    changes,
  );
  return pool;
}

async function setPoolMfa(cognate: Cognate, pool: UserPool, mfa: Omit<PoolMfaConfigInput, 'UserPoolId'>): Promise<UserPool> {
  await setUserPoolMfaConfig(cognate, { ...mfa, UserPoolId: pool.id });
  return cognate.pools.get(pool.id);
}

async function seedClient(ctx: SeedContext, pool: UserPool | undefined, c: SeedClient, at: string, existingClients: AppClient[]): Promise<void> {
  const { cognate } = ctx;
  const input = clientInput(c);
  const found = existingClients.find((x) => (c.id ? x.id === c.id : x.name === c.ClientName));
  const what = `client ${c.ClientName}${found ? ` (${found.id})` : c.id ? ` (${c.id})` : ''} of ${pool?.name ?? '(new pool)'}`;
  if (!found) {
    if (c.id && (await cognate.clients.find(undefined, c.id))) throw new SeedFileError(`${at}.id: client ${c.id} exists in another user pool`);
    await act(ctx, what, 'created', () => createAppClient(cognate, { ...input, UserPoolId: pool!.id }, c.id ? { id: c.id } : {}));
    return;
  }
  if (found.name !== c.ClientName) throw new SeedFileError(`${at}.id: the pool's client ${found.id} is named ${found.name}, not ${c.ClientName}`);
  const desired = clientSettingsFromInput(input) as unknown as Record<string, unknown>;
  const stored = found.settings as unknown as Record<string, unknown>;
  const changes = Object.keys(input)
    .filter((k) => k in desired)
    .filter((k) => stable(desired[k]) !== stable(stored[k]));
  const secretChanged = input.ClientSecret !== undefined && found.secret !== input.ClientSecret;
  if (secretChanged) changes.push('ClientSecret');
  await act(
    ctx,
    what,
    changes.length > 0 ? 'updated' : 'unchanged',
    async () => {
      const { ClientSecret: _cs, GenerateSecret: _gs, ...update } = input;
      if (changes.some((k) => k !== 'ClientSecret')) await updateAppClient(cognate, { ...update, UserPoolId: pool!.id, ClientId: found.id });
      if (secretChanged) {
        // AddUserPoolClientSecret's rotation: the file's secret first, then the others go.
        const added = await cognate.clients.addSecret(pool!.id, found.id, input.ClientSecret, cognate.clock.now());
        for (const old of found.secrets) if (old.id !== added.id) await cognate.clients.deleteSecret(pool!.id, found.id, old.id);
      }
    },
    changes,
  );
}

async function seedGroups(ctx: SeedContext, pool: UserPool | undefined, p: SeedPool): Promise<void> {
  for (const g of p.groups ?? []) {
    const what = `group ${g.GroupName} of ${p.PoolName}`;
    const existing = pool ? await getGroup(ctx.cognate, pool.id, g.GroupName).catch((e: unknown) => (e instanceof CognitoError && e.name === 'ResourceNotFoundException' ? undefined : Promise.reject(e))) : undefined;
    if (!existing) {
      await act(ctx, what, 'created', () => createGroup(ctx.cognate, { ...g, UserPoolId: pool!.id }));
      continue;
    }
    const changes: string[] = [];
    if (g.Description !== undefined && g.Description !== existing.description) changes.push('Description');
    if (g.Precedence !== undefined && g.Precedence !== existing.precedence) changes.push('Precedence');
    if (g.RoleArn !== undefined && g.RoleArn !== existing.roleArn) changes.push('RoleArn');
    await act(ctx, what, changes.length > 0 ? 'updated' : 'unchanged', () => updateGroup(ctx.cognate, { ...g, UserPoolId: pool!.id }), changes);
  }
}

/** An identity pool's provider references, resolved to `<userPoolId>:<clientId>`. */
async function providerPairs(cognate: Cognate, ip: SeedIdentityPool, seeded: Map<string, UserPool>, dryRun: boolean): Promise<string[]> {
  const out: string[] = [];
  for (const pr of ip.providers ?? []) {
    const pool = seeded.get(pr.userPool) ?? (await cognate.pools.find(pr.userPool));
    const client = pool && (await allClients(cognate, pool.id)).find((c) => c.id === pr.client || c.name === pr.client);
    if (pool && client) out.push(`${pool.id}:${client.id}`);
    // In a dry run a pool or client still to be created has no ID yet: its reference stays symbolic.
    else if (dryRun) out.push(`${pr.userPool}:${pr.client}`);
    else throw new SeedFileError(`identity pool ${ip.IdentityPoolName}: no ${pool ? `client ${pr.client} in ${pool.id}` : `user pool ${pr.userPool}`}`);
  }
  return out;
}

async function seedIdentityPool(ctx: SeedContext, ip: SeedIdentityPool, seeded: Map<string, UserPool>): Promise<void> {
  const { cognate } = ctx;
  const what = `identity pool ${ip.IdentityPoolName}`;
  let existing;
  for (let page = await cognate.identity.pools.list(60); ; page = await cognate.identity.pools.list(60, page.next)) {
    existing ??= page.pools.find((x) => x.name === ip.IdentityPoolName);
    if (existing || !page.next) break;
  }
  const pairs = await providerPairs(cognate, ip, seeded, ctx.dryRun);
  const policyText = (p: SeedIdentityPool['authenticatedPolicy']) => (p === undefined ? undefined : typeof p === 'string' ? p : JSON.stringify(p));
  const setup = {
    name: ip.IdentityPoolName,
    allowGuests: ip.AllowUnauthenticatedIdentities === true,
    providers: pairs,
    ...(ip.DeveloperProviderName ? { developerProviderName: ip.DeveloperProviderName } : {}),
    ...(ip.authenticatedPolicy !== undefined ? { authPolicy: policyText(ip.authenticatedPolicy)! } : {}),
    ...(ip.unauthenticatedPolicy !== undefined ? { unauthPolicy: policyText(ip.unauthenticatedPolicy)! } : {}),
  };
  if (!existing) {
    await act(ctx, what, 'created', () => setUpIdentityPool(cognate, setup));
    return;
  }
  const input = identityPoolInput(cognate.config.region, setup);
  const stored = existing.settings as unknown as Record<string, unknown>;
  const changes = (['AllowUnauthenticatedIdentities', 'CognitoIdentityProviders', 'DeveloperProviderName'] as const).filter((k) => {
    const want = (input as unknown as Record<string, unknown>)[k];
    const have = stored[k];
    if (k === 'CognitoIdentityProviders') {
      const norm = (v: unknown) => stable(((v as { ProviderName: string; ClientId: string }[] | undefined) ?? []).map((x) => `${x.ProviderName}/${x.ClientId}`).sort());
      return norm(want) !== norm(have);
    }
    return want !== undefined && stable(want) !== stable(have);
  });
  const found = existing;
  await act(ctx, `${what} (${found.id})`, changes.length > 0 ? 'updated' : 'unchanged', () => cognate.identity.pools.update(found.id, { ...input, IdentityPoolId: found.id } as typeof input, cognate.clock.now()), changes);
}

/** A short fingerprint of a secret, for reports that must not show it. */
export const fingerprint = (secret: string) => createHash('sha256').update(secret).digest('hex').slice(0, 8);

/** Applies a seed file (see the top of this file). Returns what was (or would be) done. */
export async function applySeed(cognate: Cognate, seed: SeedFile, options: { dryRun?: boolean } = {}): Promise<SeedAction[]> {
  await checkSeed(cognate, seed);
  const ctx: SeedContext = { cognate, dryRun: options.dryRun === true, actions: [] };
  const seeded = new Map<string, UserPool>();
  for (const [i, p] of (seed.userPools ?? []).entries()) {
    const at = `userPools[${i}]`;
    const pool = await seedPool(ctx, p, at);
    if (pool) {
      seeded.set(p.PoolName, pool);
      seeded.set(pool.id, pool);
    }
    const clients = pool ? await allClients(cognate, pool.id) : [];
    for (const [j, c] of (p.clients ?? []).entries()) await seedClient(ctx, pool, c, `${at}.clients[${j}]`, clients);
    await seedGroups(ctx, pool, p);
    const clientsNow = pool ? await allClients(cognate, pool.id) : [];
    for (const [j, u] of (p.users ?? []).entries()) await seedUser(ctx, pool, p, u, `${at}.users[${j}]`, clientsNow);
  }
  for (const ip of seed.identityPools ?? []) await seedIdentityPool(ctx, ip, seeded);
  return ctx.actions;
}
