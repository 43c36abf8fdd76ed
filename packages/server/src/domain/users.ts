/**
 * The user directory: users, their attributes and their credentials.
 */
import { errors } from '../errors.js';
import type { Executor, Store } from '../store/db.js';
import * as userStore from '../store/users.js';
import { findUserPoolRow } from '../store/user-pools.js';
import type { Sealer } from '../crypto/seal.js';
import { createVerifier } from '../crypto/srp.js';
import { srpPoolName } from './ids.js';
import { AliasExistsError, aliasKey, aliasNamesFor, aliasSettings, hasAliases, syncAliases, type AliasConflictMode, type AliasSettings } from './aliases.js';
import type { PasswordHasher } from './passwords.js';
import type { SchemaAttribute, UserPool } from './user-pools.js';

export type UserStatus = 'UNCONFIRMED' | 'CONFIRMED' | 'FORCE_CHANGE_PASSWORD' | 'RESET_REQUIRED' | 'EXTERNAL_PROVIDER' | 'ARCHIVED' | 'UNKNOWN';

export interface AttributeType {
  Name: string;
  Value?: string;
}

export interface User {
  sub: string;
  poolId: string;
  username: string;
  status: UserStatus;
  enabled: boolean;
  passwordHash: string | null;
  srpSalt: string | null;
  srpVerifierSealed: string | null;
  /** A hash brought by `cognate users import`, until the first sign-in replaces it (imported-passwords.ts). */
  importedPasswordHash?: string | null;
  /**
   * The lockout's end as read with the user (lockout.ts), so a step that has just read the user checks
   * the lock without a second read. A step that may itself have counted a failure reads it afresh.
   */
  lockedUntil: number | null;
  attributes: Map<string, string>;
  createdAt: number;
  updatedAt: number;
}

type Db = Executor;

/**
 * The lookup key for a username. Case-insensitive pools fold with NFKC and simple lowercase,
 * so "Alice", "ALICE" and full-width "Ａlice" are one user, while "alıce" (dotless ı) is not
 * (security.md P15, A20). Case-sensitive pools compare canonically equivalent text as equal
 * (NFC: a precomposed "é" and "e" + combining acute are one name), and nothing else.
 */
export function usernameKey(pool: UserPool, username: string): string {
  const key = pool.settings.UsernameConfiguration.CaseSensitive ? username.normalize('NFC') : username.normalize('NFKC').toLowerCase();
  // NFKC can expand a character many times over (U+FDFA becomes 18); keep keys indexable.
  if (key.length > MAX_USERNAME_KEY_LENGTH) throw errors.invalidParameter('Username is too long once normalised.');
  return key;
}

/** The longest canonical username stored (the username_key column). */
export const MAX_USERNAME_KEY_LENGTH = 512;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/u;
const PHONE = /^\+[0-9]{4,15}$/;

/** Whether Cognito treats this as an email / phone number in attribute values. */
export const isEmail = (v: string) => EMAIL.test(v) && v.length <= 256;
export const isPhoneNumber = (v: string) => PHONE.test(v);

/** A calendar date written YYYY-MM-DD (OpenID Connect's 0000 year, for a birthday without one, included). */
export function isBirthdate(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(0);
  // A leap year stands in for 0000, so 0000-02-29 is a birthday too.
  date.setUTCFullYear(year === 0 ? 2000 : year, month - 1, day);
  return month >= 1 && month <= 12 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

export type AttributeWriter = 'user' | 'admin';

/**
 * Checks attributes against the pool's schema the way Cognito does, with its messages:
 * "Attributes did not conform to the schema: <name>: <why>". Returns the normalised map.
 */
export function validateAttributes(pool: UserPool, attributes: readonly AttributeType[], writer: AttributeWriter, opts: { creating: boolean }): Map<string, string> {
  const schema = new Map<string, SchemaAttribute>(pool.settings.SchemaAttributes.map((a) => [a.Name, a]));
  const out = new Map<string, string>();
  const problems: string[] = [];
  for (const { Name, Value } of attributes) {
    const attr = schema.get(Name);
    const value = Value ?? '';
    if (value.includes('\u0000')) throw errors.invalidParameter(`Attribute ${Name} must not contain NUL characters.`);
    if (!attr || Name === 'sub' || Name === 'identities') {
      problems.push(`${Name}: Attribute does not exist in the schema.`);
      continue;
    }
    if (attr.DeveloperOnlyAttribute && writer === 'user') {
      problems.push(`${Name}: Attribute does not exist in the schema.`);
      continue;
    }
    if (!opts.creating && !attr.Mutable) {
      problems.push(`${Name}: Attribute cannot be updated. (changing an immutable attribute)`);
      continue;
    }
    const len = [...value].length;
    switch (attr.AttributeDataType) {
      case 'String': {
        const min = Number(attr.StringAttributeConstraints?.MinLength ?? 0);
        const max = Number(attr.StringAttributeConstraints?.MaxLength ?? 2048);
        if (len > max || (len < min && value !== '')) problems.push(`${Name}: String attribute length must be between ${min} and ${max}.`);
        break;
      }
      case 'Number': {
        const n = Number(value);
        if (value === '' || !Number.isFinite(n)) problems.push(`${Name}: Number attribute value must be a number.`);
        else {
          const { MinValue, MaxValue } = attr.NumberAttributeConstraints ?? {};
          if ((MinValue !== undefined && n < Number(MinValue)) || (MaxValue !== undefined && n > Number(MaxValue))) {
            problems.push(`${Name}: Number attribute value is out of range.`);
          }
        }
        break;
      }
      case 'Boolean':
        // Cognito takes "True"/"False" as well (any case); stored as true/false, what every check reads.
        if (!/^(true|false)$/i.test(value)) problems.push(`${Name}: Boolean attribute value must be true or false.`);
        break;
      case 'DateTime':
        if (Number.isNaN(Date.parse(value))) problems.push(`${Name}: DateTime attribute value is not a date.`);
        break;
    }
    // "The value must be a valid 10-character date in the format YYYY-MM-DD" (developer guide,
    // standard attribute format restrictions); the schema's length 10 alone lets 1990-13-45 through.
    if (Name === 'birthdate' && value !== '' && !isBirthdate(value)) problems.push(`${Name}: The value must be a valid date in the format YYYY-MM-DD.`);
    if (Name === 'email' && value !== '' && !isEmail(value)) {
      throw errors.invalidParameter('Invalid email address format.');
    }
    if (Name === 'phone_number' && value !== '' && !isPhoneNumber(value)) {
      throw errors.invalidParameter('Invalid phone number format.');
    }
    if (Name === 'email') out.set(Name, normaliseEmail(value));
    else if (attr.AttributeDataType === 'Boolean') out.set(Name, value.toLowerCase());
    else out.set(Name, value);
  }
  if (opts.creating) {
    for (const attr of pool.settings.SchemaAttributes) {
      if (attr.Required && attr.Name !== 'sub' && !out.get(attr.Name)) problems.push(`${attr.Name}: The attribute is required`);
    }
  }
  if (problems.length > 0) throw errors.invalidParameter(`Attributes did not conform to the schema: ${problems.join(', ')}`);
  return out;
}

/**
 * Attributes a writer may delete (DeleteUserAttributes, AdminDeleteUserAttributes, a blank value in
 * Update*UserAttributes): in the schema, neither required nor immutable; developer-only ones don't
 * exist for users. Cognito's messages; of required and immutable, an administrator hears
 * "required" first, a user "cannot be updated".
 */
export function assertDeletable(pool: UserPool, names: readonly string[], writer: AttributeWriter): void {
  const schema = new Map(pool.settings.SchemaAttributes.map((a) => [a.Name, a]));
  const problems: string[] = [];
  for (const name of names) {
    const attr = schema.get(name);
    if (!attr || name === 'sub' || name === 'identities' || (writer === 'user' && attr.DeveloperOnlyAttribute)) problems.push(`${name}: Attribute does not exist in the schema.`);
    else if (attr.Required && (writer === 'admin' || attr.Mutable)) problems.push(`${name}: The attribute is required`);
    else if (!attr.Mutable) problems.push(`${name}: Attribute cannot be updated. (changing an immutable attribute)`);
  }
  if (problems.length > 0) throw errors.invalidParameter(`Attributes did not conform to the schema: ${problems.join(', ')}`);
}

/** Domains are case-insensitive everywhere; the local part is kept as given (security.md A21). */
export function normaliseEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return at < 0 ? email : email.slice(0, at) + email.slice(at).toLowerCase();
}

/**
 * Attributes as the API lists them: `sub` first, then the stored ones in name order. Developer-only
 * attributes (`dev:custom:`) only for administrators (`developerOnly`); never to users or in tokens.
 */
export function attributeList(user: User, readable?: (name: string) => boolean, opts: { developerOnly?: boolean } = {}): AttributeType[] {
  const out: AttributeType[] = [{ Name: 'sub', Value: user.sub }];
  for (const [Name, Value] of [...user.attributes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (Name.startsWith('dev:') && !opts.developerOnly) continue;
    if (readable && !readable(Name)) continue;
    out.push({ Name, Value });
  }
  return out;
}

export class Users {
  constructor(
    private readonly store: Store,
    private readonly sealer: Sealer,
    private readonly hasher: PasswordHasher,
  ) {}

  /** Alias settings per pool; they can't change after a pool is created, so they are cached. */
  private readonly aliasSettingsCache = new Map<string, AliasSettings>();

  private async aliasSettingsOf(db: Db, poolId: string): Promise<AliasSettings | undefined> {
    const cached = this.aliasSettingsCache.get(poolId);
    if (cached) return cached;
    // Read on the caller's executor: inside a transaction, a read must not wait for a second connection (SQLite has one).
    const row = await findUserPoolRow(db, poolId);
    if (!row) return undefined;
    const settings = aliasSettings(JSON.parse(row.settings) as UserPool['settings']);
    if (this.aliasSettingsCache.size > 10_000) this.aliasSettingsCache.clear();
    this.aliasSettingsCache.set(poolId, settings);
    return settings;
  }

  /**
   * Recomputes a user's sign-in aliases from their stored attributes and status (domain/aliases.ts).
   * Every write of attributes or status calls it inside its transaction.
   */
  async syncAliases(db: Db, poolId: string, sub: string, opts: { mode?: AliasConflictMode; now?: number } = {}): Promise<string[]> {
    const settings = await this.aliasSettingsOf(db, poolId);
    if (!settings || !hasAliases(settings)) return [];
    const row = await userStore.userStatus(db, sub);
    if (!row) return [];
    return syncAliases(db, {
      poolId,
      settings,
      sub,
      status: row.status,
      attributes: await userStore.readAttributes(db, sub),
      mode: opts.mode ?? 'fail',
      now: opts.now ?? row.updated_at,
    });
  }

  /** Deletes a user and everything of theirs (tokens, codes, pending changes, attributes, aliases ...: store/users.ts). */
  async remove(sub: string): Promise<void> {
    await userStore.deleteUser(this.store.db, sub);
  }

  /** Finds a user by username (not alias) in a pool. */
  async findByUsername(pool: UserPool, username: string, db: Db = this.store.db): Promise<User | undefined> {
    return userStore.findUserByUsernameKey(db, pool.id, usernameKey(pool, username));
  }

  async findBySub(poolId: string, sub: string, db: Db = this.store.db): Promise<User | undefined> {
    return userStore.findUserBySub(db, poolId, sub);
  }

  /**
   * Finds the user a sign-in name refers to: the username itself, or, for pools that sign in with
   * email, phone or preferred_username (UsernameAttributes / AliasAttributes), the one holder of
   * that alias (domain/aliases.ts: a verified, confirmed holder for AliasAttributes). A user is read
   * with their attributes in one statement (store/users.ts), so a name that matches no one makes the
   * same database round trips as one that matches (P01), as {@link findBySub} does for an unknown sub.
   */
  async findForSignIn(pool: UserPool, name: string, db: Db = this.store.db): Promise<User | undefined> {
    const direct = await this.findByUsername(pool, name, db);
    if (direct) return direct;
    const settings = aliasSettings(pool.settings);
    for (const attr of aliasNamesFor(settings, { email: isEmail(name), phone: isPhoneNumber(name) })) {
      const user = await userStore.findUserByAlias(db, pool.id, attr, aliasKey(settings, attr, name));
      if (user) return user;
    }
    return undefined;
  }

  /** The sealed SRP verifier and argon2id hash for a password. */
  async credentials(pool: UserPool, username: string, password: string): Promise<{ password_hash: string; srp_salt: string; srp_verifier_sealed: string; imported_password_hash: null }> {
    const [passwordHash, srp] = await Promise.all([this.hasher.hash(password), Promise.resolve(createVerifier(srpPoolName(pool.id), username, password))]);
    return {
      password_hash: passwordHash,
      // Setting a password retires an imported hash (a reset, an admin-set or a changed password).
      imported_password_hash: null,
      srp_salt: srp.salt,
      srp_verifier_sealed: this.sealer.sealToString(Buffer.from(srp.verifier, 'hex'), `srp-verifier:${pool.id}:${username}`),
    };
  }

  /** Opens a user's SRP verifier (hex). */
  srpVerifier(user: User): string | undefined {
    if (!user.srpVerifierSealed) return undefined;
    const opened = this.sealer.openString(user.srpVerifierSealed, `srp-verifier:${user.poolId}:${user.username}`);
    return opened ? opened.toString('hex') : undefined;
  }

  /**
   * Inserts a user; a concurrent or existing holder of the username, or of the email or phone
   * number a UsernameAttributes pool signs in with, makes it UsernameExistsException. Aliases the
   * user would hold are claimed as `aliases` says (domain/aliases.ts).
   */
  async insert(
    db: Db,
    pool: UserPool,
    user: { sub: string; username: string; status: UserStatus; attributes: Map<string, string>; credentials?: { password_hash: string; srp_salt: string; srp_verifier_sealed: string } },
    now: number,
    opts: { aliases?: AliasConflictMode } = {},
  ): Promise<void> {
    if (!db.isTransaction) return this.store.transaction((trx) => this.insert(trx, pool, user, now, opts));
    const inserted = await userStore.insertUser(db, { sub: user.sub, poolId: pool.id, username: user.username, usernameKey: usernameKey(pool, user.username), status: user.status, credentials: user.credentials, now });
    if (!inserted) throw errors.usernameExists();
    try {
      await this.setAttributes(db, pool.id, user.sub, user.attributes, { aliases: opts.aliases ?? 'fail', now });
    } catch (e) {
      // In pools that sign in with email or phone, the value is the username (SignUp's wording).
      if (e instanceof AliasExistsError && (pool.settings.UsernameAttributes ?? []).includes(e.attribute)) {
        throw errors.usernameExists(`An account with the given ${e.attribute} already exists.`);
      }
      throw e;
    }
  }

  /** Upserts attributes and re-claims the user's aliases (`aliases`: what a conflict does; default fail). */
  async setAttributes(db: Db, poolId: string, sub: string, attributes: Map<string, string>, opts: { aliases?: AliasConflictMode; now?: number } = {}): Promise<void> {
    if (!db.isTransaction) return this.store.transaction((trx) => this.setAttributes(trx, poolId, sub, attributes, opts));
    await userStore.upsertAttributes(db, poolId, sub, attributes);
    await this.syncAliases(db, poolId, sub, { ...(opts.aliases ? { mode: opts.aliases } : {}), ...(opts.now !== undefined ? { now: opts.now } : {}) });
  }

  /** Deletes attributes by name and releases the aliases they carried. */
  async deleteAttributes(db: Db, poolId: string, sub: string, names: readonly string[]): Promise<void> {
    if (names.length === 0) return;
    if (!db.isTransaction) return this.store.transaction((trx) => this.deleteAttributes(trx, poolId, sub, names));
    await userStore.deleteAttributes(db, sub, names);
    await this.syncAliases(db, poolId, sub);
  }

  /** Sets the status; confirming a user claims their aliases (`aliases`: what a conflict does). */
  async setStatus(db: Db, sub: string, status: UserStatus, now: number, opts: { aliases?: AliasConflictMode } = {}): Promise<void> {
    if (!db.isTransaction) return this.store.transaction((trx) => this.setStatus(trx, sub, status, now, opts));
    const poolId = await userStore.setStatus(db, sub, status, now);
    if (poolId !== undefined) await this.syncAliases(db, poolId, sub, { mode: opts.aliases ?? 'fail', now });
  }
}
