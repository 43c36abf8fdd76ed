/**
 * User pools: their settings with Cognito's defaults, and the schema of user attributes.
 */
import { CognitoError, errors } from '../errors.js';
import type { Executor, Store } from '../store/db.js';
import * as poolStore from '../store/user-pools.js';
import type { UserPoolRow } from '../store/user-pools.js';
import { newUserPoolId } from './ids.js';
import { BoundedMap, TtlCache } from './cache.js';

/** How long a node may serve pool and client settings changed on another node. */
export const CONFIG_CACHE_MS = 2000;

export interface SchemaAttribute {
  Name: string;
  AttributeDataType: 'String' | 'Number' | 'DateTime' | 'Boolean';
  DeveloperOnlyAttribute: boolean;
  Mutable: boolean;
  Required: boolean;
  StringAttributeConstraints?: { MinLength?: string; MaxLength?: string };
  NumberAttributeConstraints?: { MinValue?: string; MaxValue?: string };
}

export interface PasswordPolicy {
  MinimumLength: number;
  RequireUppercase: boolean;
  RequireLowercase: boolean;
  RequireNumbers: boolean;
  RequireSymbols: boolean;
  PasswordHistorySize?: number;
  TemporaryPasswordValidityDays: number;
}

/** The stored settings of a pool: CreateUserPool's input, completed with defaults. */
export interface UserPoolSettings {
  Policies: { PasswordPolicy: PasswordPolicy; SignInPolicy?: { AllowedFirstAuthFactors: string[] } };
  DeletionProtection: 'ACTIVE' | 'INACTIVE';
  LambdaConfig: Record<string, unknown>;
  SchemaAttributes: SchemaAttribute[];
  AutoVerifiedAttributes?: string[];
  AliasAttributes?: string[];
  UsernameAttributes?: string[];
  SmsVerificationMessage?: string;
  EmailVerificationMessage?: string;
  EmailVerificationSubject?: string;
  VerificationMessageTemplate: Record<string, string>;
  SmsAuthenticationMessage?: string;
  UserAttributeUpdateSettings?: { AttributesRequireVerificationBeforeUpdate: string[] };
  MfaConfiguration: 'OFF' | 'ON' | 'OPTIONAL';
  DeviceConfiguration?: { ChallengeRequiredOnNewDevice?: boolean; DeviceOnlyRememberedOnUserPrompt?: boolean };
  EmailConfiguration: Record<string, unknown>;
  SmsConfiguration?: Record<string, unknown>;
  UserPoolTags?: Record<string, string>;
  AdminCreateUserConfig: { AllowAdminCreateUserOnly: boolean; UnusedAccountValidityDays?: number; InviteMessageTemplate?: Record<string, string> };
  UserPoolAddOns?: Record<string, unknown>;
  UsernameConfiguration: { CaseSensitive: boolean };
  AccountRecoverySetting?: { RecoveryMechanisms: { Priority: number; Name: string }[] };
  UserPoolTier: string;
  /** ORIGINAL: tokens' `iss` is the regional issuer; UPDATED: the multi-Region one (config.ts issuerFor; docs/replicas.md). */
  IssuerConfiguration?: { Type: IssuerType };
}

/** IssuerConfigurationType.Type. */
export type IssuerType = 'ORIGINAL' | 'UPDATED';

export interface UserPool {
  id: string;
  name: string;
  settings: UserPoolSettings;
  createdAt: number;
  updatedAt: number;
}

const str = (Name: string, Mutable = true, min = '0', max = '2048'): SchemaAttribute => ({
  Name,
  AttributeDataType: 'String',
  DeveloperOnlyAttribute: false,
  Mutable,
  Required: false,
  StringAttributeConstraints: { MinLength: min, MaxLength: max },
});
const boolAttr = (Name: string): SchemaAttribute => ({ Name, AttributeDataType: 'Boolean', DeveloperOnlyAttribute: false, Mutable: true, Required: false });

/** Cognito's standard attributes, in the order DescribeUserPool lists them. */
export const STANDARD_ATTRIBUTES: readonly SchemaAttribute[] = [
  { ...str('sub', false, '1', '2048'), Required: true },
  str('name'),
  str('given_name'),
  str('family_name'),
  str('middle_name'),
  str('nickname'),
  str('preferred_username'),
  str('profile'),
  str('picture'),
  str('website'),
  str('email'),
  boolAttr('email_verified'),
  str('gender'),
  str('birthdate', true, '10', '10'),
  str('zoneinfo'),
  str('locale'),
  str('phone_number'),
  boolAttr('phone_number_verified'),
  str('address'),
  { Name: 'updated_at', AttributeDataType: 'Number', DeveloperOnlyAttribute: false, Mutable: true, Required: false, NumberAttributeConstraints: { MinValue: '0' } },
  { ...str('identities'), StringAttributeConstraints: {} },
];
const STANDARD_NAMES = new Set(STANDARD_ATTRIBUTES.map((a) => a.Name));

/** Merges CreateUserPool's `Schema` into the standard attributes, adding `custom:` attributes. */
export function buildSchema(input: Partial<SchemaAttribute>[] | undefined): SchemaAttribute[] {
  const schema = STANDARD_ATTRIBUTES.map((a) => ({ ...a }));
  const custom: Partial<SchemaAttribute>[] = [];
  const seen = new Set<string>();
  for (const item of input ?? []) {
    const name = item.Name;
    if (!name) throw errors.invalidParameter('Schema attributes must have a name.');
    if (seen.has(name)) throw errors.invalidParameter(`Duplicate attribute in schema: ${name}`);
    seen.add(name);
    if (STANDARD_NAMES.has(name)) {
      const std = schema.find((a) => a.Name === name)!;
      if (name === 'sub') continue;
      if (item.AttributeDataType && item.AttributeDataType !== std.AttributeDataType) {
        throw errors.invalidParameter(`${name} is a standard attribute of type ${std.AttributeDataType}; its type can't change.`);
      }
      // Standard attributes can't be developer-only (Cognito: InvalidParameterException).
      if (item.DeveloperOnlyAttribute) throw errors.invalidParameter(`${name} is a standard attribute; DeveloperOnlyAttribute applies to custom attributes only.`);
      if (item.Required !== undefined) std.Required = item.Required;
      if (item.Mutable !== undefined) std.Mutable = item.Mutable;
      if (item.StringAttributeConstraints && std.AttributeDataType === 'String') {
        std.StringAttributeConstraints = { ...std.StringAttributeConstraints, ...item.StringAttributeConstraints };
        checkStringConstraints(name, std.StringAttributeConstraints);
      }
      if (item.NumberAttributeConstraints && std.AttributeDataType === 'Number') {
        std.NumberAttributeConstraints = { ...std.NumberAttributeConstraints, ...item.NumberAttributeConstraints };
        checkNumberConstraints(name, std.NumberAttributeConstraints);
      }
      continue;
    }
    // CreateUserPool requires the type of a custom attribute (the model can't say so: it is
    // optional for standard ones); AddCustomAttributes takes String by default.
    if (item.AttributeDataType === undefined) throw errors.invalidParameter('Invalid AttributeDataType input, consider using the provided AttributeDataType enum.');
    custom.push(item);
  }
  return withCustomAttributes(schema, custom);
}

/** How many custom attributes a pool may have (Cognito's quota). */
export const MAX_CUSTOM_ATTRIBUTES = 50;

const WHOLE = /^(0|[1-9][0-9]{0,3})$/;
const NUMBER = /^-?(0|[1-9][0-9]{0,18})$/;

/**
 * A custom attribute from a SchemaAttributeType: the name gets `custom:` (or `dev:custom:` for a
 * DeveloperOnlyAttribute) unless it has it already; String (the default type) and Number carry
 * their constraints, checked here since the API model types them as free strings.
 */
function checkStringConstraints(name: string, c: { MinLength?: string; MaxLength?: string }): void {
  const { MinLength, MaxLength } = c;
  const bad = (v: string | undefined) => v !== undefined && (!WHOLE.test(v) || Number(v) > 2048);
  if (bad(MinLength) || bad(MaxLength) || Number(MinLength ?? 0) > Number(MaxLength ?? 2048)) {
    throw errors.invalidParameter(`Invalid StringAttributeConstraints for ${name}: MinLength and MaxLength must be whole numbers with 0 <= MinLength <= MaxLength <= 2048.`);
  }
}

function checkNumberConstraints(name: string, c: { MinValue?: string; MaxValue?: string }): void {
  const { MinValue, MaxValue } = c;
  const bad = (v: string | undefined) => v !== undefined && !NUMBER.test(v);
  if (bad(MinValue) || bad(MaxValue) || (MinValue !== undefined && MaxValue !== undefined && Number(MinValue) > Number(MaxValue))) {
    throw errors.invalidParameter(`Invalid NumberAttributeConstraints for ${name}: MinValue and MaxValue must be whole numbers with MinValue <= MaxValue.`);
  }
}

const DATA_TYPES = new Set(['String', 'Number', 'DateTime', 'Boolean']);

export function customAttribute(item: Partial<SchemaAttribute>): SchemaAttribute {
  const name = item.Name ?? '';
  const type = item.AttributeDataType ?? 'String';
  if (!DATA_TYPES.has(type)) throw errors.invalidParameter('Invalid AttributeDataType input, consider using the provided AttributeDataType enum.');
  if (item.Required) throw errors.invalidParameter('Required custom attributes are not supported currently.');
  const bare = name.replace(/^(dev:)?custom:/, '');
  if (!/^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,20}$/u.test(bare)) throw errors.invalidParameter(`Invalid custom attribute name: ${name}`);
  const developerOnly = item.DeveloperOnlyAttribute ?? false;
  const custom: SchemaAttribute = {
    Name: developerOnly ? `dev:custom:${bare}` : `custom:${bare}`,
    AttributeDataType: type,
    DeveloperOnlyAttribute: developerOnly,
    Mutable: item.Mutable ?? true,
    Required: false,
  };
  if (type === 'String') {
    const { MinLength, MaxLength } = item.StringAttributeConstraints ?? {};
    checkStringConstraints(custom.Name, { MinLength, MaxLength });
    custom.StringAttributeConstraints = { ...(MinLength !== undefined ? { MinLength } : {}), ...(MaxLength !== undefined ? { MaxLength } : {}) };
  }
  if (type === 'Number') {
    const { MinValue, MaxValue } = item.NumberAttributeConstraints ?? {};
    checkNumberConstraints(custom.Name, { MinValue, MaxValue });
    // Without limits Cognito omits NumberAttributeConstraints rather than answering an empty one.
    if (MinValue !== undefined || MaxValue !== undefined) custom.NumberAttributeConstraints = { ...(MinValue !== undefined ? { MinValue } : {}), ...(MaxValue !== undefined ? { MaxValue } : {}) };
  }
  return custom;
}

function assertCustomAttributeRoom(schema: readonly SchemaAttribute[]): void {
  const custom = schema.filter((a) => !STANDARD_NAMES.has(a.Name)).length;
  if (custom > MAX_CUSTOM_ATTRIBUTES) throw errors.invalidParameter(`A user pool can have at most ${MAX_CUSTOM_ATTRIBUTES} custom attributes.`);
}

/**
 * AddCustomAttributes' additions to a schema. A name the pool has (as `custom:` or `dev:custom:`)
 * is refused with Cognito's "custom:x: Existing attribute already has name custom:x.", and so is
 * one named twice in the request; nothing is added unless everything is.
 */
export function withCustomAttributes(schema: readonly SchemaAttribute[], items: readonly Partial<SchemaAttribute>[]): SchemaAttribute[] {
  const out = schema.map((a) => ({ ...a }));
  const bareOf = (name: string) => name.replace(/^(dev:)?custom:/, '');
  for (const item of items) {
    const added = customAttribute(item);
    const bare = bareOf(added.Name);
    const existing = out.find((a) => !STANDARD_NAMES.has(a.Name) && bareOf(a.Name) === bare);
    if (existing) throw errors.invalidParameter(`custom:${bare}: Existing attribute already has name ${existing.Name}.`);
    out.push(added);
  }
  assertCustomAttributeRoom(out);
  return out;
}

const DEFAULT_PASSWORD_POLICY: PasswordPolicy = {
  MinimumLength: 8,
  RequireUppercase: true,
  RequireLowercase: true,
  RequireNumbers: true,
  RequireSymbols: true,
  TemporaryPasswordValidityDays: 7,
};

const VERIFIABLE = new Set(['email', 'phone_number']);

/** How many tags a user pool may have (Cognito's quota, TagResource). */
export const MAX_POOL_TAGS = 50;

/**
 * UserPoolTags as Cognito checks them (TagResource, CreateUserPool, UpdateUserPool): at most 50;
 * keys of 1–128 and values of 0–256 characters (the model checks those lengths on the wire, this
 * checks them for the merged result too); the `aws:` prefix is reserved for AWS's own tags.
 */
export function checkUserPoolTags(tags: Record<string, string>): void {
  const keys = Object.keys(tags);
  if (keys.length > MAX_POOL_TAGS) throw errors.invalidParameter(`A user pool can have at most ${MAX_POOL_TAGS} tags.`);
  for (const key of keys) {
    if (key.length < 1 || key.length > 128) throw errors.invalidParameter('Tag keys must be 1 to 128 characters long.');
    if (key.toLowerCase().startsWith('aws:')) throw errors.invalidParameter(`Tag keys must not start with 'aws:': ${key.slice(0, 128)}`);
    const value = tags[key];
    if (typeof value !== 'string' || value.length > 256) throw errors.invalidParameter(`The value of tag ${key} must be a string of at most 256 characters.`);
  }
}

/** Settings only SetUserPoolMfaConfig writes (domain/mfa.ts): kept by UpdateUserPool, not shown by DescribeUserPool. */
export const POOL_MFA_SETTINGS = ['SmsMfaConfiguration', 'SoftwareTokenMfaConfiguration', 'EmailMfaConfiguration', 'WebAuthnConfiguration'] as const;

export type CreateInput = Partial<Omit<UserPoolSettings, 'SchemaAttributes'>> & { PoolName: string; Schema?: Partial<SchemaAttribute>[] };

/** The SES identity ARN of EmailConfiguration.SourceArn: `arn:<partition>:ses:<region>:<account>:identity/<address or domain>`. */
export const SES_IDENTITY_ARN = /^arn:aws[a-z-]*:ses:[a-z0-9-]+:\d{12}:identity\/([^\s/]+)$/;

/** The mailbox of an SES email-address identity ARN, or undefined (unset, or a domain identity). */
export function sourceArnAddress(arn: unknown): string | undefined {
  if (typeof arn !== 'string') return undefined;
  const identity = SES_IDENTITY_ARN.exec(arn)?.[1];
  return identity && /^[^\s@<>]+@[^\s@<>]+$/.test(identity) ? identity : undefined;
}

/**
 * EmailSendingAccount and SourceArn (what they mean here: domain/messages.ts emailSender). A SourceArn
 * must be an SES identity ARN, since its address is what the mail is sent from. DEVELOPER without a
 * SourceArn stays accepted (sent from `From`, else the server's sender), as Cognate always did.
 */
function checkEmailConfiguration(config: Record<string, unknown> | undefined): void {
  if (!config) return;
  const arn = config.SourceArn;
  if (arn !== undefined && (typeof arn !== 'string' || !SES_IDENTITY_ARN.test(arn))) {
    throw errors.invalidParameter('EmailConfiguration.SourceArn must be the ARN of an Amazon SES identity (arn:aws:ses:<region>:<account>:identity/<address or domain>).');
  }
}

/** CreateUserPool's input → complete settings, checked the way Cognito checks them. */
export function settingsFromInput(input: CreateInput, previous?: UserPoolSettings): UserPoolSettings {
  const passwordPolicy = { ...DEFAULT_PASSWORD_POLICY, ...(previous?.Policies.PasswordPolicy ?? {}), ...(input.Policies?.PasswordPolicy ?? {}) };
  // The legacy AdminCreateUserConfig.UnusedAccountValidityDays and PasswordPolicy.TemporaryPasswordValidityDays
  // are one setting, as in Cognito: given alone, the legacy one sets the temporary-password lifetime
  // (which sign-in enforces: domain/sign-in/challenges/new-password-required.ts); given both with
  // different values, Cognito refuses; DescribeUserPool shows the legacy one mirroring the other.
  const unused = input.AdminCreateUserConfig?.UnusedAccountValidityDays;
  const temporaryDays = input.Policies?.PasswordPolicy?.TemporaryPasswordValidityDays;
  if (unused !== undefined && temporaryDays !== undefined && unused !== temporaryDays) {
    throw errors.invalidParameter('Please use TemporaryPasswordValidityDays in PasswordPolicy instead of UnusedAccountValidityDays');
  }
  if (unused !== undefined && temporaryDays === undefined) passwordPolicy.TemporaryPasswordValidityDays = unused;
  // Cognito: "If you submit a value of 0, Amazon Cognito treats it as a null value and sets
  // TemporaryPasswordValidityDays to its default value" (7), and shows 7 from then on.
  if (passwordPolicy.TemporaryPasswordValidityDays === 0) passwordPolicy.TemporaryPasswordValidityDays = DEFAULT_PASSWORD_POLICY.TemporaryPasswordValidityDays;
  if (passwordPolicy.MinimumLength < 6 || passwordPolicy.MinimumLength > 99) {
    throw errors.invalidParameter('Password policy minimum length must be between 6 and 99.');
  }
  if (input.UsernameAttributes && input.AliasAttributes) {
    throw errors.invalidParameter('Only one of AliasAttributes and UsernameAttributes can be set in a User Pool.');
  }
  for (const attr of input.AutoVerifiedAttributes ?? []) {
    if (!VERIFIABLE.has(attr)) throw errors.invalidParameter(`Invalid auto verified attribute: ${attr}`);
  }
  const from = (input.EmailConfiguration as { From?: unknown } | undefined)?.From;
  // Goes into the From header of the pool's mail: one address, optionally with a display name.
  if (from !== undefined && (typeof from !== 'string' || !/^(?:[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/.test(from))) {
    throw errors.invalidParameter('EmailConfiguration.From must be an email address, optionally as "Name <address>".');
  }
  checkEmailConfiguration(input.EmailConfiguration);
  if (input.UserPoolTags !== undefined) checkUserPoolTags(input.UserPoolTags);
  const mfa = input.MfaConfiguration ?? previous?.MfaConfiguration ?? 'OFF';
  const settings: UserPoolSettings = {
    Policies: { PasswordPolicy: passwordPolicy, SignInPolicy: input.Policies?.SignInPolicy ?? previous?.Policies.SignInPolicy ?? { AllowedFirstAuthFactors: ['PASSWORD'] } },
    DeletionProtection: input.DeletionProtection ?? previous?.DeletionProtection ?? 'INACTIVE',
    LambdaConfig: input.LambdaConfig ?? previous?.LambdaConfig ?? {},
    SchemaAttributes: previous?.SchemaAttributes ?? buildSchema(input.Schema),
    VerificationMessageTemplate: {
      DefaultEmailOption: 'CONFIRM_WITH_CODE',
      ...(previous?.VerificationMessageTemplate ?? {}),
      ...(input.VerificationMessageTemplate ?? {}),
    },
    MfaConfiguration: mfa,
    EmailConfiguration: input.EmailConfiguration ?? previous?.EmailConfiguration ?? { EmailSendingAccount: 'COGNITO_DEFAULT' },
    AdminCreateUserConfig: {
      AllowAdminCreateUserOnly: false,
      ...(previous?.AdminCreateUserConfig ?? {}),
      ...(input.AdminCreateUserConfig ?? {}),
      UnusedAccountValidityDays: passwordPolicy.TemporaryPasswordValidityDays,
    },
    // Cognito's API defaults to case-sensitive usernames; we default to what Cognito recommends (security.md P15).
    UsernameConfiguration: previous?.UsernameConfiguration ?? input.UsernameConfiguration ?? { CaseSensitive: false },
    UserPoolTier: input.UserPoolTier ?? previous?.UserPoolTier ?? 'ESSENTIALS',
  };
  const optional = [
    'AutoVerifiedAttributes', 'SmsVerificationMessage', 'EmailVerificationMessage', 'EmailVerificationSubject',
    'SmsAuthenticationMessage', 'UserAttributeUpdateSettings', 'DeviceConfiguration', 'SmsConfiguration', 'UserPoolTags',
    'UserPoolAddOns', 'AccountRecoverySetting', 'IssuerConfiguration',
  ] as const;
  for (const key of optional) {
    const value = input[key] ?? previous?.[key];
    if (value !== undefined) (settings as unknown as Record<string, unknown>)[key] = value;
  }
  // Only SetUserPoolMfaConfig sets these (domain/mfa.ts); UpdateUserPool keeps them.
  for (const key of POOL_MFA_SETTINGS) {
    const value = (previous as unknown as Record<string, unknown> | undefined)?.[key];
    if (value !== undefined) (settings as unknown as Record<string, unknown>)[key] = value;
  }
  // Username and alias attributes can't change after creation.
  const aliases = previous ? previous.AliasAttributes : input.AliasAttributes;
  const usernameAttrs = previous ? previous.UsernameAttributes : input.UsernameAttributes;
  if (aliases) settings.AliasAttributes = aliases;
  if (usernameAttrs) settings.UsernameAttributes = usernameAttrs;
  return settings;
}

function rowToPool(row: UserPoolRow): UserPool {
  return { id: row.id, name: row.name, settings: JSON.parse(row.settings) as UserPoolSettings, createdAt: row.created_at, updatedAt: row.updated_at };
}

export class UserPools {
  /** Pools are read on every request; see TtlCache for how changes spread. */
  private readonly cache = new TtlCache<UserPool | undefined>(CONFIG_CACHE_MS);
  /** Recent user counts of large pools (countUsers), and the counts under way. */
  private readonly largeCounts = new BoundedMap<string, { count: number; at: number }>(1_000);
  private readonly counting = new Map<string, Promise<number>>();

  constructor(private readonly store: Store, private readonly region: string) {}

  /**
   * CreateUserPool's input, checked and completed (settingsFromInput), as a new pool with a new ID
   * (or `id`: a seed file's fixed one, devflow/seed.ts); not stored yet.
   */
  build(input: CreateInput, now: number, id?: string): UserPool {
    const settings = settingsFromInput(input);
    return { id: id ?? newUserPoolId(this.region), name: input.PoolName, settings, createdAt: now, updatedAt: now };
  }

  /** Stores a pool from {@link build} on `db` (a transaction, or the database). */
  async insert(db: Executor, pool: UserPool): Promise<void> {
    await poolStore.insertUserPool(db, { id: pool.id, name: pool.name, settings: JSON.stringify(pool.settings), created_at: pool.createdAt, updated_at: pool.updatedAt });
    this.cache.delete(pool.id);
  }

  /** Builds and stores a pool (without signing keys: domain/pool-admin.ts createUserPool adds them). */
  async create(input: CreateInput, now: number): Promise<UserPool> {
    const pool = this.build(input, now);
    await this.insert(this.store.db, pool);
    return pool;
  }

  async find(id: string): Promise<UserPool | undefined> {
    return this.cache.get(id, async () => {
      const row = await poolStore.findUserPoolRow(this.store.db, id);
      return row ? rowToPool(row) : undefined;
    });
  }

  /** The pool, or Cognito's ResourceNotFoundException. */
  async get(id: string): Promise<UserPool> {
    const pool = await this.find(id);
    if (!pool) throw errors.resourceNotFound(`User pool ${id} does not exist.`);
    return pool;
  }

  async update(id: string, input: Partial<CreateInput>, now: number): Promise<UserPool> {
    const pool = await this.get(id);
    // UpdateUserPool replaces the settings it is given and resets the ones it isn't to defaults,
    // except what can't change after creation (schema, username and alias attributes).
    const settings = settingsFromInput({ ...input, PoolName: pool.name }, {
      ...pool.settings,
      Policies: { PasswordPolicy: DEFAULT_PASSWORD_POLICY },
      MfaConfiguration: 'OFF',
      VerificationMessageTemplate: {},
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
      DeletionProtection: input.DeletionProtection ?? 'INACTIVE',
    } as UserPoolSettings);
    await poolStore.updateUserPoolSettings(this.store.db, id, JSON.stringify(settings), now);
    this.cache.delete(id);
    return { ...pool, settings, updatedAt: now };
  }

  /**
   * Rewrites the stored settings with `change(current)` only if nobody changed the pool since it
   * was read (compare-and-set on the stored settings), so concurrent changes can't lose each other.
   */
  private async compareAndSet(id: string, change: (settings: UserPoolSettings) => UserPoolSettings, now: number): Promise<UserPool> {
    for (let attempt = 0; ; attempt++) {
      const row = await poolStore.findUserPoolRow(this.store.db, id);
      if (!row) throw errors.resourceNotFound(`User pool ${id} does not exist.`);
      const pool = rowToPool(row);
      const settings = change(pool.settings);
      if (await poolStore.updateUserPoolSettings(this.store.db, id, JSON.stringify(settings), now, row.settings)) {
        this.cache.delete(id);
        return { ...pool, settings, updatedAt: now };
      }
      if (attempt >= 10) throw new CognitoError('ConcurrentModificationException', 'The user pool was modified concurrently; try again.');
    }
  }

  /** Rewrites the settings with `change(current)` (compare-and-set; TagResource, UntagResource). */
  async changeSettings(id: string, change: (settings: UserPoolSettings) => UserPoolSettings, now: number): Promise<UserPool> {
    return this.compareAndSet(id, change, now);
  }

  /** AddCustomAttributes (compare-and-set, so concurrent additions can't lose each other). */
  async addCustomAttributes(id: string, items: readonly Partial<SchemaAttribute>[], now: number): Promise<UserPool> {
    return this.compareAndSet(id, (settings) => ({ ...settings, SchemaAttributes: withCustomAttributes(settings.SchemaAttributes, items) }), now);
  }

  /** Merges `patch` into the stored settings (compare-and-set, as addCustomAttributes does). */
  async patchSettings(id: string, patch: Record<string, unknown>, now: number): Promise<UserPool> {
    return this.compareAndSet(id, (settings) => ({ ...settings, ...patch }) as UserPoolSettings, now);
  }

  /** DeleteUserPool: the pool and everything in it (the foreign keys cascade; store/user-pools.ts). */
  async delete(id: string): Promise<void> {
    const pool = await this.get(id);
    if (pool.settings.DeletionProtection === 'ACTIVE') {
      throw new CognitoError('InvalidParameterException', 'The user pool cannot be deleted because deletion protection is activated.');
    }
    await this.store.transaction((trx) => poolStore.deleteUserPool(trx, id));
    this.cache.delete(id);
  }

  /** Pools in ID order (stable for paging); `after` is the last ID of the previous page. */
  async list(limit: number, after?: string): Promise<{ pools: UserPool[]; next?: string }> {
    const rows = await poolStore.listUserPoolRows(this.store.db, limit, after);
    const pools = rows.slice(0, limit).map(rowToPool);
    return rows.length > limit ? { pools, next: pools[pools.length - 1]!.id } : { pools };
  }

  /**
   * DescribeUserPool's EstimatedNumberOfUsers. Exact below {@link EXACT_COUNT_BELOW} users; above
   * that, a count at most {@link LARGE_COUNT_MS} old, shared by the requests of that minute (counting
   * a million users' rows costs ~100 ms, and the console describes the pool on every page).
   */
  async countUsers(id: string): Promise<number> {
    const known = this.largeCounts.get(id);
    if (known && performance.now() - known.at < LARGE_COUNT_MS) return known.count;
    let counting = this.counting.get(id);
    if (!counting) {
      counting = poolStore.countUsersOfPool(this.store.db, id).finally(() => this.counting.delete(id));
      this.counting.set(id, counting);
    }
    const count = await counting;
    if (count >= EXACT_COUNT_BELOW) this.largeCounts.set(id, { count, at: performance.now() });
    else this.largeCounts.delete(id);
    return count;
  }
}

/** Pools with fewer users than this are counted at every DescribeUserPool. */
export const EXACT_COUNT_BELOW = 10_000;
/** How old the user count of a larger pool may be. */
export const LARGE_COUNT_MS = 60_000;
