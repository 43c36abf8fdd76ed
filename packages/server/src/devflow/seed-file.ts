/**
 * The seed file of `cognate seed` (YAML or JSON): what a development environment starts with. Its
 * own structure is checked here (zod); the Cognito inputs inside it (a pool's CreateUserPool
 * members, a client's CreateUserPoolClient members) are checked against the API model as requests
 * would be (seed.ts). Every error names the path to the bad member, e.g. `userPools[0].users[2].password`.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** `cognate seed`'s refusal of a file: nothing has been written when it is thrown. */
export class SeedFileError extends Error {
  override name = 'SeedFileError';
}

const name = z.string().min(1).max(128);
const attributeMap = z.record(z.string().min(1).max(32), z.string().max(2048));
const userMfa = z.strictObject({
  /** A software token (TOTP) secret, base32, as AssociateSoftwareToken hands out; the user's authenticator holds it. */
  totpSecret: z.string().regex(/^[A-Z2-7]{16,128}=*$/, 'a base32 TOTP secret (A–Z, 2–7), 16 characters or more').optional(),
  sms: z.boolean().optional(),
  email: z.boolean().optional(),
  totp: z.boolean().optional(),
  preferred: z.enum(['SMS_MFA', 'SOFTWARE_TOKEN_MFA', 'EMAIL_OTP']).optional(),
});

const user = z.strictObject({
  Username: name,
  /** The user's password: permanent unless `temporaryPassword`. */
  password: z.string().min(1).max(256).optional(),
  /** The password is a temporary one (FORCE_CHANGE_PASSWORD), to be changed at first sign-in. */
  temporaryPassword: z.boolean().optional(),
  /** false: an UNCONFIRMED user, signed up through `client` (a confirmation code is sent). Default true. */
  confirmed: z.boolean().optional(),
  /** The client an unconfirmed user signs up through (its ClientName or id); default: the pool's first client in the file. */
  client: z.string().min(1).optional(),
  enabled: z.boolean().optional(),
  attributes: attributeMap.optional(),
  groups: z.array(name).optional(),
  mfa: userMfa.optional(),
});

const group = z.strictObject({
  GroupName: name,
  Description: z.string().max(2048).optional(),
  Precedence: z.number().int().min(0).optional(),
  RoleArn: z.string().min(20).max(2048).optional(),
});

/** An app client: CreateUserPoolClient's members (checked against the model), plus a fixed `id`. */
const client = z.looseObject({
  id: z.string().regex(/^[a-z0-9]{26}$/, '26 lowercase letters and digits, like a Cognito client ID').optional(),
  ClientName: name,
});

/** A user pool: CreateUserPool's members (checked against the model), plus a fixed `id` and what lives in it. */
const pool = z.looseObject({
  id: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d_[0-9A-Za-z]{1,55}$/, 'a user pool ID, <region>_<letters and digits>').optional(),
  PoolName: name,
  /** SetUserPoolMfaConfig's members (factors on the pool): software tokens, email, SMS. */
  mfa: z.record(z.string(), z.unknown()).optional(),
  clients: z.array(client).optional(),
  groups: z.array(group).optional(),
  users: z.array(user).optional(),
});

const policy = z.union([z.string().min(1), z.record(z.string(), z.unknown())]);
const identityPool = z.strictObject({
  IdentityPoolName: z.string().regex(/^[\w ]+$/, 'letters, digits, _ and spaces').min(1).max(128),
  AllowUnauthenticatedIdentities: z.boolean().optional(),
  /** User pool clients whose users sign in: `userPool` by id or PoolName, `client` by id or ClientName. */
  providers: z.array(z.strictObject({ userPool: z.string().min(1), client: z.string().min(1) })).optional(),
  DeveloperProviderName: z.string().min(1).max(128).optional(),
  /** The IAM-style policy of the authenticated role, as JSON text or an object. */
  authenticatedPolicy: policy.optional(),
  unauthenticatedPolicy: policy.optional(),
});

const seedFile = z.strictObject({
  userPools: z.array(pool).optional(),
  identityPools: z.array(identityPool).optional(),
});

export type SeedFile = z.output<typeof seedFile>;
export type SeedPool = z.output<typeof pool>;
export type SeedClient = z.output<typeof client>;
export type SeedUser = z.output<typeof user>;
export type SeedGroup = z.output<typeof group>;
export type SeedIdentityPool = z.output<typeof identityPool>;

/** `userPools[0].users[2].password` from zod's path. */
export function memberPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? String(part) : `.${String(part)}`;
  return out || '(the file)';
}

/**
 * Reads a seed file's text: JSON when it is `.json` (or starts with `{`), YAML otherwise — YAML is a
 * superset of JSON, but JSON's own parser gives the better message for a JSON file.
 */
export function parseSeedText(text: string, fileName: string): SeedFile {
  let raw: unknown;
  const json = fileName.toLowerCase().endsWith('.json') || text.trimStart().startsWith('{');
  try {
    // YAML 1.2 core schema: `yes`/`no` stay strings, as in JSON; no custom tags (nothing executes).
    raw = json ? JSON.parse(text) : parseYaml(text, { schema: 'core', uniqueKeys: true, maxAliasCount: 100 });
  } catch (e) {
    throw new SeedFileError(`${fileName}: not valid ${json ? 'JSON' : 'YAML'}: ${(e as Error).message}`);
  }
  if (raw === null || raw === undefined) raw = {};
  const parsed = seedFile.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 20).map((i) => `  ${memberPath(i.path)}: ${i.message}`);
    throw new SeedFileError(`${fileName} is not a valid seed file:\n${issues.join('\n')}`);
  }
  checkNamesUnique(parsed.data);
  return parsed.data;
}

/** Two pools, clients, groups or users of one name would make "the same seed twice" ambiguous. */
function checkNamesUnique(seed: SeedFile): void {
  const once = (items: readonly string[], where: (i: number) => string, what: string) => {
    const seen = new Map<string, number>();
    items.forEach((item, i) => {
      const first = seen.get(item);
      if (first !== undefined) throw new SeedFileError(`${where(i)}: a second ${what} named ${JSON.stringify(item)} (the first is ${where(first)})`);
      seen.set(item, i);
    });
  };
  const pools = seed.userPools ?? [];
  once(pools.map((p) => p.PoolName), (i) => `userPools[${i}].PoolName`, 'user pool');
  once(pools.flatMap((p) => (p.id ? [p.id] : [])), () => 'userPools', 'user pool id');
  pools.forEach((p, i) => {
    once((p.clients ?? []).map((c) => c.ClientName), (j) => `userPools[${i}].clients[${j}].ClientName`, 'client');
    once((p.groups ?? []).map((g) => g.GroupName), (j) => `userPools[${i}].groups[${j}].GroupName`, 'group');
    once((p.users ?? []).map((u) => u.Username), (j) => `userPools[${i}].users[${j}].Username`, 'user');
  });
  once((seed.identityPools ?? []).map((p) => p.IdentityPoolName), (i) => `identityPools[${i}].IdentityPoolName`, 'identity pool');
}
