/**
 * Bulk user import, shared by `cognate users import` and Cognito's import jobs (import-jobs.ts).
 *
 * Input is CSV or JSON lines:
 *
 * - **CSV**: a header row, then one user per row. The columns are the ones GetCSVHeader lists for
 *   the pool (standard attributes, `cognito:mfa_enabled`, `cognito:username`, custom attributes),
 *   in any order, plus an optional `password_hash`. Fields follow RFC 4180 (double quotes around a
 *   field that holds commas, quotes or line breaks; `""` for a quote) and, as Cognito's CSV rules
 *   say, a comma in an unquoted field may be written `\,`. A PHC scrypt hash has commas
 *   (`ln=16,r=8,p=1`), so quote it or escape them. An empty field sets nothing.
 * - **JSON lines**: one object per line, `{"username": "...", "attributes": {"email": "..."},
 *   "password_hash": "...", "status": "CONFIRMED"}`; `attributes`, `password_hash` and `status` are
 *   optional; attribute values may be strings, numbers or booleans.
 *
 * A user with a password hash (imported-passwords.ts lists the accepted forms) is CONFIRMED unless
 * the row says otherwise (CONFIRMED, UNCONFIRMED, FORCE_CHANGE_PASSWORD, RESET_REQUIRED); one without
 * is RESET_REQUIRED, as Cognito's CSV import leaves every user. Attributes are checked against the
 * pool's schema as an administrator's write; a verified flag needs its value; in pools that sign in
 * with email or phone, `cognito:username` is that email or phone number and the username becomes
 * the `sub`, as SignUp does.
 *
 * The CLI imports a file all or nothing: every row is checked first (format, schema, hash,
 * duplicates in the file, users and sign-in aliases already in the pool) and one bad row imports
 * nothing; otherwise every user goes in in one transaction, in multi-row batches.
 */
import { CognitoError } from '../errors.js';
import type { Executor } from '../store/db.js';
import { heldAliasKeys, insertImportedUsers, refreshPlannerStatistics, takenUsernameKeys } from '../store/import-jobs.js';
import type { Cognate, Ports } from './cognate.js';
import { aliasSettings, desiredAliases } from './aliases.js';
import { newSub } from './ids.js';
import { hashSupport, matchesAlgorithm, parseImportedHash, type HashSupport, type PasswordHashingAlgorithm } from './imported-passwords.js';
import { resolveUsername } from './sign-up.js';
import { temporaryPasswordExpiry } from './admin-create-user.js';
import { usernameKey, validateAttributes, type AttributeType, type UserStatus } from './users.js';
import { isUniqueViolation } from '../store/constraints.js';
import * as mfaStore from '../store/mfa.js';
import type { UserPool } from './user-pools.js';

/** One user as read from a file, before any checking. */
export interface ImportRow {
  /** The line of the file the row starts on (1-based; the CSV header is line 1). */
  line: number;
  username: string;
  attributes: AttributeType[];
  passwordHash?: string;
  status?: string;
  mfaEnabled?: string;
}

export interface Rejection {
  line: number;
  reason: string;
}

/** A problem with the file as a whole (its header, its quoting): nothing in it can be imported. */
export class ImportFileError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = 'ImportFileError';
  }
}

// ---------------------------------------------------------------------------------------------
// GetCSVHeader

/** The standard attributes in the order GetCSVHeader lists them. */
const CSV_STANDARD = [
  'name', 'given_name', 'family_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture', 'website',
  'email', 'email_verified', 'gender', 'birthdate', 'zoneinfo', 'locale', 'phone_number', 'phone_number_verified', 'address', 'updated_at',
];

/**
 * The CSV header for a pool, as GetCSVHeader answers: the standard attributes, `cognito:mfa_enabled`,
 * `cognito:username`, then the pool's custom (and developer-only) attributes in schema order.
 */
export function csvHeader(pool: UserPool): string[] {
  const names = new Set(pool.settings.SchemaAttributes.map((a) => a.Name));
  const custom = pool.settings.SchemaAttributes.map((a) => a.Name).filter((n) => n.startsWith('custom:') || n.startsWith('dev:'));
  return [...CSV_STANDARD.filter((n) => names.has(n)), 'cognito:mfa_enabled', 'cognito:username', ...custom];
}

/** Cognate's extra CSV column: the user's existing password hash. */
export const PASSWORD_HASH_COLUMN = 'password_hash';

// ---------------------------------------------------------------------------------------------
// Reading files

/**
 * Splits CSV text into records: RFC 4180 quoting, Cognito's `\,` for a comma in an unquoted field,
 * LF or CRLF line ends, a leading byte-order mark ignored, blank lines skipped.
 */
export function parseCsvRecords(text: string): { line: number; fields: string[] }[] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: { line: number; fields: string[] }[] = [];
  let line = 1;
  let i = 0;
  while (i < src.length) {
    const start = line;
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    let endOfRecord = false;
    while (!endOfRecord) {
      if (i >= src.length) {
        fields.push(field);
        break;
      }
      const ch = src[i]!;
      if (field === '' && !quoted && ch === '"') {
        // A quoted field: up to the closing quote; "" is a quote; line breaks are part of it.
        quoted = true;
        i++;
        let closed = false;
        while (i < src.length) {
          const c = src[i]!;
          if (c === '"') {
            if (src[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (c === '\n') line++;
          field += c;
          i++;
        }
        if (!closed) throw new ImportFileError('a quoted field is never closed', start);
        const next = src[i];
        if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') throw new ImportFileError('unexpected text after a closing quote', line);
        continue;
      }
      if (ch === ',') {
        fields.push(field);
        field = '';
        quoted = false;
        i++;
      } else if (ch === '\n' || ch === '\r') {
        fields.push(field);
        i += ch === '\r' && src[i + 1] === '\n' ? 2 : 1;
        line++;
        endOfRecord = true;
      } else if (ch === '\\' && src[i + 1] === ',' && !quoted) {
        field += ',';
        i += 2;
      } else {
        field += ch;
        i++;
      }
    }
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: start, fields });
  }
  return records;
}

export type ImportMode =
  /** `cognate users import`: any subset of the header's columns, hashes, all or nothing. */
  | { kind: 'cli' }
  /** A Cognito import job: every GetCSVHeader column, Cognito's rules, row by row. */
  | { kind: 'job'; algorithm?: PasswordHashingAlgorithm };

/** Reads CSV into rows; throws ImportFileError for a bad header or quoting. */
export function csvRows(text: string, pool: UserPool, mode: ImportMode): { rows: ImportRow[]; rejected: Rejection[] } {
  const records = parseCsvRecords(text);
  const head = records.shift();
  if (!head) throw new ImportFileError('the file is empty: it needs a header row (GetCSVHeader) and a row per user');
  const header = head.fields.map((h) => h.trim());
  const known = new Set(csvHeader(pool));
  const hashColumnAllowed = mode.kind === 'cli' || mode.algorithm !== undefined;
  const seen = new Set<string>();
  for (const name of header) {
    if (seen.has(name)) throw new ImportFileError(`the header names ${JSON.stringify(name)} twice`, head.line);
    seen.add(name);
    if (name === PASSWORD_HASH_COLUMN) {
      if (!hashColumnAllowed) throw new ImportFileError(`the ${PASSWORD_HASH_COLUMN} column needs the job's PasswordHashingAlgorithm`, head.line);
      continue;
    }
    if (!known.has(name)) throw new ImportFileError(`unknown column ${JSON.stringify(name.slice(0, 64))}: GetCSVHeader lists the columns this pool accepts`, head.line);
  }
  if (!seen.has('cognito:username')) throw new ImportFileError('the header has no cognito:username column', head.line);
  if (mode.kind === 'job') {
    // "All columns in the header must be present, but you don't need to provide values in every column."
    const missing = [...known].filter((n) => !seen.has(n));
    if (missing.length > 0) throw new ImportFileError(`the header lacks ${missing.length === 1 ? 'the column' : 'columns'} ${missing.join(', ')}`, head.line);
  }
  const rows: ImportRow[] = [];
  const rejected: Rejection[] = [];
  for (const { line, fields } of records) {
    if (fields.length !== header.length) {
      rejected.push({ line, reason: `the row has ${fields.length} fields; the header has ${header.length}` });
      continue;
    }
    const row: ImportRow = { line, username: '', attributes: [] };
    header.forEach((name, index) => {
      const value = fields[index]!;
      if (name === 'cognito:username') row.username = value;
      else if (name === 'cognito:mfa_enabled') row.mfaEnabled = value;
      else if (name === PASSWORD_HASH_COLUMN) {
        if (value !== '') row.passwordHash = value;
      } else if (value !== '') row.attributes.push({ Name: name, Value: value });
    });
    rows.push(row);
  }
  return { rows, rejected };
}

const JSON_FIELDS = new Set(['username', 'attributes', 'password_hash', 'status']);

/** Reads JSON lines into rows; a line that isn't a user object is a rejected row. */
export function jsonLinesRows(text: string): { rows: ImportRow[]; rejected: Rejection[] } {
  const rows: ImportRow[] = [];
  const rejected: Rejection[] = [];
  const lines = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split('\n');
  lines.forEach((raw, index) => {
    const line = index + 1;
    const src = raw.trim();
    if (src === '') return;
    let value: unknown;
    try {
      value = JSON.parse(src);
    } catch {
      rejected.push({ line, reason: 'not a JSON object' });
      return;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      rejected.push({ line, reason: 'not a JSON object' });
      return;
    }
    const obj = value as Record<string, unknown>;
    const unknown = Object.keys(obj).filter((k) => !JSON_FIELDS.has(k));
    if (unknown.length > 0) {
      rejected.push({ line, reason: `unknown field ${JSON.stringify(unknown[0]!.slice(0, 64))} (expected username, attributes, password_hash, status)` });
      return;
    }
    if (typeof obj.username !== 'string') {
      rejected.push({ line, reason: 'username is missing or not a string' });
      return;
    }
    const row: ImportRow = { line, username: obj.username, attributes: [] };
    if (obj.attributes !== undefined) {
      if (obj.attributes === null || typeof obj.attributes !== 'object' || Array.isArray(obj.attributes)) {
        rejected.push({ line, reason: 'attributes must be an object of attribute names to values' });
        return;
      }
      for (const [Name, v] of Object.entries(obj.attributes as Record<string, unknown>)) {
        if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
          rejected.push({ line, reason: `attribute ${JSON.stringify(Name.slice(0, 64))} must be a string, number or boolean` });
          return;
        }
        row.attributes.push({ Name, Value: String(v) });
      }
    }
    if (obj.password_hash !== undefined && obj.password_hash !== null) {
      if (typeof obj.password_hash !== 'string') {
        rejected.push({ line, reason: 'password_hash must be a string' });
        return;
      }
      row.passwordHash = obj.password_hash;
    }
    if (obj.status !== undefined) {
      if (typeof obj.status !== 'string') {
        rejected.push({ line, reason: 'status must be a string' });
        return;
      }
      row.status = obj.status;
    }
    rows.push(row);
  });
  return { rows, rejected };
}

// ---------------------------------------------------------------------------------------------
// Checking rows

/** A checked user, ready to insert. */
export interface PreparedUser {
  line: number;
  sub: string;
  username: string;
  key: string;
  status: UserStatus;
  attributes: Map<string, string>;
  importedHash: string | null;
  temporaryPasswordExpiresAt: number | null;
  aliases: { name: string; key: string }[];
  /** cognito:mfa_enabled true: SMS MFA to phone_number, as the legacy MFAOptions (AdminSetUserSettings) set it. */
  smsMfa: boolean;
}

const USERNAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u;
const STATUSES: ReadonlySet<string> = new Set(['CONFIRMED', 'UNCONFIRMED', 'FORCE_CHANGE_PASSWORD', 'RESET_REQUIRED']);
/** The legacy MFAOptions a cognito:mfa_enabled true row gets (the form domain/mfa.ts setUserSettings stores). */
const SMS_MFA_OPTIONS = JSON.stringify([{ DeliveryMedium: 'SMS', AttributeName: 'phone_number' }]);
/** Rows checked against the database per query, and users per multi-row insert. */
export const BATCH = 500;

/** What has been seen so far in a file: the first line of each username and sign-in alias. */
export class DuplicateTracker {
  readonly usernames = new Map<string, number>();
  readonly aliases = new Map<string, number>();
}

interface CheckContext {
  pool: UserPool;
  mode: ImportMode;
  support: HashSupport;
  now: number;
  duplicates: DuplicateTracker;
}

/** Checks one row on its own; returns the user or the reason it can't be imported. */
function checkRow(ctx: CheckContext, row: ImportRow): PreparedUser | string {
  const { pool, mode } = ctx;
  if (row.username === '') return 'cognito:username is empty';
  if ([...row.username].length > 128 || !USERNAME.test(row.username)) return 'cognito:username must be 1-128 letters, marks, symbols, digits or punctuation (no spaces)';
  const mfa = (row.mfaEnabled ?? '').toLowerCase();
  if (mfa !== '' && mfa !== 'false' && mfa !== 'true') return 'cognito:mfa_enabled must be true or false';
  const smsMfa = mfa === 'true';
  // Boolean attributes ("TRUE" in spreadsheets) are stored as Cognito stores them: true / false.
  const types = new Map(pool.settings.SchemaAttributes.map((a) => [a.Name, a.AttributeDataType]));
  const given = row.attributes.map((a) => (types.get(a.Name) === 'Boolean' ? { Name: a.Name, Value: (a.Value ?? '').toLowerCase() } : a));
  let attributes: Map<string, string>;
  const sub = newSub();
  let username: string;
  let key: string;
  try {
    attributes = validateAttributes(pool, given, 'admin', { creating: true });
    const named = { email: attributes.get('email'), phone_number: attributes.get('phone_number') };
    username = resolveUsername(pool, row.username, attributes, sub);
    // In pools that sign in with email or phone, cognito:username is that value (resolveUsername sets it).
    for (const attr of ['email', 'phone_number'] as const) {
      if (username === sub && named[attr] !== undefined && attributes.get(attr) !== named[attr]) return `cognito:username and ${attr} differ; in this pool the username is the ${attr}`;
    }
    key = usernameKey(pool, username);
  } catch (e) {
    if (e instanceof CognitoError) return e.message;
    throw e;
  }
  if (attributes.get('email_verified') === 'true' && !attributes.get('email')) return 'email_verified is true but there is no email';
  if (attributes.get('phone_number_verified') === 'true' && !attributes.get('phone_number')) return 'phone_number_verified is true but there is no phone_number';
  if (smsMfa && !attributes.get('phone_number')) return 'cognito:mfa_enabled is true but there is no phone_number to send SMS codes to';

  let importedHash: string | null = null;
  if (row.passwordHash !== undefined) {
    const parsed = parseImportedHash(row.passwordHash, ctx.support);
    if ('reason' in parsed) return parsed.reason;
    if (mode.kind === 'job' && mode.algorithm && !matchesAlgorithm(parsed.hash, mode.algorithm)) return `password_hash is not a ${mode.algorithm} hash (the job's PasswordHashingAlgorithm)`;
    importedHash = row.passwordHash;
  }
  let status: UserStatus = importedHash ? 'CONFIRMED' : 'RESET_REQUIRED';
  if (row.status !== undefined) {
    if (!STATUSES.has(row.status)) return `status must be one of ${[...STATUSES].join(', ')}`;
    status = row.status as UserStatus;
    if (status === 'FORCE_CHANGE_PASSWORD' && !importedHash) return 'FORCE_CHANGE_PASSWORD needs a password_hash (the temporary password)';
  }
  if (mode.kind === 'job') {
    // Cognito's rule for CSV imports: each user must have a verified value of an auto-verified attribute.
    const auto = pool.settings.AutoVerifiedAttributes ?? [];
    if (!auto.some((a) => attributes.get(`${a}_verified`) === 'true')) return 'The User Record does not set any of the auto verified attributes to true. (Example: email_verified to true).';
  }

  const firstLine = ctx.duplicates.usernames.get(key);
  if (firstLine !== undefined) return `duplicate username: line ${firstLine} has the same one`;
  const aliases = desiredAliases(aliasSettings(pool.settings), status, attributes);
  for (const alias of aliases) {
    const line = ctx.duplicates.aliases.get(`${alias.name}\0${alias.key}`);
    if (line !== undefined) return `duplicate ${alias.name}: line ${line} signs in with the same one`;
  }
  ctx.duplicates.usernames.set(key, row.line);
  for (const alias of aliases) ctx.duplicates.aliases.set(`${alias.name}\0${alias.key}`, row.line);
  return {
    line: row.line,
    sub,
    username,
    key,
    status,
    attributes,
    importedHash,
    temporaryPasswordExpiresAt: status === 'FORCE_CHANGE_PASSWORD' ? temporaryPasswordExpiry(pool, ctx.now) : null,
    aliases,
    smsMfa,
  };
}

/** Which of these users' usernames and sign-in aliases another user of the pool already holds. */
async function conflictsInPool(db: Executor, pool: UserPool, users: readonly PreparedUser[]): Promise<Map<PreparedUser, string>> {
  const out = new Map<PreparedUser, string>();
  for (let i = 0; i < users.length; i += BATCH) {
    const chunk = users.slice(i, i + BATCH);
    const taken = await takenUsernameKeys(db, pool.id, chunk.map((u) => u.key));
    const held = await heldAliasKeys(db, pool.id, chunk.flatMap((u) => u.aliases.map((a) => a.key)));
    for (const user of chunk) {
      if (taken.has(user.key)) out.set(user, 'a user with this username already exists in the pool');
      else {
        const alias = user.aliases.find((a) => held.has(`${a.name}\0${a.key}`));
        if (alias) out.set(user, `an account with the given ${alias.name} already exists in the pool`);
      }
    }
  }
  return out;
}

/**
 * Checks rows: each on its own, then against the file so far (`duplicates`) and the pool. Returns
 * the users that can be imported and the rejected rows, in file order.
 */
export async function checkRows(
  cognate: Ports<'store'>,
  pool: UserPool,
  rows: readonly ImportRow[],
  opts: { mode: ImportMode; support: HashSupport; duplicates: DuplicateTracker; now: number; db?: Executor },
): Promise<{ users: PreparedUser[]; rejected: Rejection[] }> {
  const ctx: CheckContext = { pool, mode: opts.mode, support: opts.support, now: opts.now, duplicates: opts.duplicates };
  const checked: PreparedUser[] = [];
  const rejected: Rejection[] = [];
  for (const row of rows) {
    const result = checkRow(ctx, row);
    if (typeof result === 'string') rejected.push({ line: row.line, reason: result });
    else checked.push(result);
  }
  const conflicts = await conflictsInPool(opts.db ?? cognate.store.db, pool, checked);
  const users = checked.filter((u) => !conflicts.has(u));
  for (const [user, reason] of conflicts) rejected.push({ line: user.line, reason });
  rejected.sort((a, b) => a.line - b.line);
  return { users, rejected };
}

// ---------------------------------------------------------------------------------------------
// Writing users

/** Inserts checked users in multi-row batches; run inside a transaction. A taken name fails it (unique violation). */
export async function insertUsers(trx: Executor, pool: UserPool, users: readonly PreparedUser[], now: number, progress?: (done: number) => void): Promise<void> {
  for (let i = 0; i < users.length; i += BATCH) {
    const chunk = users.slice(i, i + BATCH);
    await insertImportedUsers(trx, {
      users: chunk.map((u) => ({
        id: u.sub,
        pool_id: pool.id,
        username: u.username,
        username_key: u.key,
        status: u.status,
        enabled: 1,
        password_hash: null,
        srp_salt: null,
        srp_verifier_sealed: null,
        created_at: now,
        updated_at: now,
        failed_attempts: 0,
        last_failed_at: null,
        locked_until: null,
        temporary_password_expires_at: u.temporaryPasswordExpiresAt,
        imported_password_hash: u.importedHash,
      })),
      attributes: chunk.flatMap((u) => [...u.attributes].map(([name, value]) => ({ user_id: u.sub, pool_id: pool.id, name, value }))),
      aliases: chunk.flatMap((u) => u.aliases.map((a) => ({ pool_id: pool.id, name: a.name, value_key: a.key, user_id: u.sub, created_at: now }))),
    });
    for (const u of chunk) {
      if (!u.smsMfa) continue;
      await mfaStore.ensure(trx, { sub: u.sub, poolId: pool.id }, now);
      await mfaStore.setOptions(trx, u.sub, SMS_MFA_OPTIONS, now);
    }
    progress?.(Math.min(i + BATCH, users.length));
  }
}

// ---------------------------------------------------------------------------------------------
// `cognate users import`

export type FileFormat = 'csv' | 'jsonl';

/** The format of a file: by its name, else by its first character (`{` for JSON lines). */
export function detectFormat(fileName: string, text: string): FileFormat {
  if (/\.csv$/i.test(fileName)) return 'csv';
  if (/\.(jsonl|ndjson|json)$/i.test(fileName)) return 'jsonl';
  return text.replace(/^\ufeff/, '').trimStart().startsWith('{') ? 'jsonl' : 'csv';
}

export type ImportProgress = (phase: 'checking' | 'importing', done: number, total: number) => void;

export type FileImportResult = { imported: number } | { rejected: Rejection[]; rows: number };

/**
 * Imports a file into a pool, all or nothing: returns the number imported, or every rejected row
 * (and imports nothing). Throws ImportFileError when the file itself can't be read as users.
 */
export async function importUsersFile(cognate: Ports<'clock' | 'log' | 'pools' | 'store'>, poolId: string, text: string, format: FileFormat, progress?: ImportProgress): Promise<FileImportResult> {
  const pool = await cognate.pools.get(poolId);
  const mode: ImportMode = { kind: 'cli' };
  const parsed = format === 'csv' ? csvRows(text, pool, mode) : jsonLinesRows(text);
  const total = parsed.rows.length + parsed.rejected.length;
  if (total === 0) throw new ImportFileError('the file has no users');
  const support = await hashSupport();
  const duplicates = new DuplicateTracker();
  const now = cognate.clock.now();
  const users: PreparedUser[] = [];
  const rejected = [...parsed.rejected];
  for (let i = 0; i < parsed.rows.length; i += BATCH) {
    const checked = await checkRows(cognate, pool, parsed.rows.slice(i, i + BATCH), { mode, support, duplicates, now });
    users.push(...checked.users);
    rejected.push(...checked.rejected);
    progress?.('checking', Math.min(i + BATCH, parsed.rows.length), parsed.rows.length);
  }
  if (rejected.length > 0) return { rejected: rejected.sort((a, b) => a.line - b.line), rows: total };
  try {
    await cognate.store.transaction((trx) => insertUsers(trx, pool, users, now, (done) => progress?.('importing', done, users.length)));
  } catch (e) {
    if (isUniqueViolation(e)) throw new ImportFileError('another user took one of these usernames or sign-in aliases during the import; nothing was imported, run it again to see which');
    throw e;
  }
  await refreshPlannerStatistics(cognate.store.db);
  cognate.log.info({ pool: pool.id, imported: users.length }, 'users imported');
  return { imported: users.length };
}
