/**
 * Passwords imported as another system's hashes (`cognate users import`; beyond Cognito, whose CSV
 * import forces a reset). The foreign hash is kept as given until the user's first sign-in with the
 * password: then it is verified, replaced by an argon2id hash and an SRP verifier (the password is
 * known at that moment), and dropped.
 *
 * Accepted encodings (anything else is refused at import, with the reason):
 *
 * | family | form | notes |
 * | --- | --- | --- |
 * | bcrypt | `$2a$`, `$2b$`, `$2y$` + 2-digit cost + 53 characters of bcrypt base64 | cost 4–16; verified with `@node-rs/bcrypt` when installed |
 * | scrypt | `$scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt>$<hash>` (passlib / the PHC draft) | 128·N·r ≤ 256 MiB, p ≤ 16 |
 * | PBKDF2 | `$pbkdf2-sha1$`, `$pbkdf2-sha256$`, `$pbkdf2-sha512$` + `i=<iterations>` (or passlib's bare number) + `$<salt>$<hash>`; passlib's `$pbkdf2$` is SHA-1 | 1–10,000,000 iterations |
 * | argon2 | `$argon2id$`, `$argon2i$`, `$argon2d$` PHC strings: `[v=16|19$]m=<KiB>,t=<n>,p=<n>$<salt>$<hash>` | m ≤ 262,144 KiB, t ≤ 64, p ≤ 64 |
 *
 * Salts and hashes are the PHC string format's base64: standard alphabet, padding optional; passlib's
 * variant with `.` for `+` is accepted too. The derived hash must be at least 16 bytes, so a
 * truncated hash can't match most passwords by chance. The cost caps bound what one sign-in attempt
 * can cost the server.
 */
import { pbkdf2, scrypt, type BinaryLike, type ScryptOptions } from 'node:crypto';
import { verify as argon2Verify } from '@node-rs/argon2';
import { CognitoError, errors } from '../errors.js';
import { constantTimeEqual } from '../crypto/compare.js';
import { setPassword } from '../store/users.js';
import type { Ports } from './cognate.js';
import type { AppClient } from './app-clients.js';
import type { User } from './users.js';
import type { UserPool } from './user-pools.js';

/** The hashing algorithms CreateUserImportJob names (PasswordHashingAlgorithmType). */
export type PasswordHashingAlgorithm = 'BCRYPT' | 'SCRYPT' | 'ARGON2ID' | 'PBKDF2_SHA256';

export type ImportedHash =
  | { family: 'bcrypt'; cost: number }
  | { family: 'scrypt'; N: number; r: number; p: number; salt: Buffer; hash: Buffer }
  | { family: 'pbkdf2'; digest: 'sha1' | 'sha256' | 'sha512'; iterations: number; salt: Buffer; hash: Buffer }
  | { family: 'argon2'; variant: 'argon2id' | 'argon2i' | 'argon2d' };

const B64 = '[A-Za-z0-9+/.]+={0,2}';
const BCRYPT = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;
const SCRYPT = new RegExp(`^\\$scrypt\\$ln=(\\d{1,2}),r=(\\d{1,4}),p=(\\d{1,3})\\$(${B64})\\$(${B64})$`);
const PBKDF2 = new RegExp(`^\\$pbkdf2(?:-(sha1|sha256|sha512))?\\$(?:i=)?(\\d{1,8})\\$(${B64})\\$(${B64})$`);
const ARGON2 = /^\$(argon2id|argon2i|argon2d)\$(?:v=(\d+)\$)?m=(\d{1,8}),t=(\d{1,4}),p=(\d{1,3})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

const MIN_HASH_BYTES = 16;
const MAX_SCRYPT_MEMORY = 256 * 1024 * 1024;
const MAX_PBKDF2_ITERATIONS = 10_000_000;
const MAX_ARGON2_MEMORY_KIB = 262_144;
const MAX_BCRYPT_COST = 16;

/** PHC base64 (padding optional; passlib's `.` for `+`); undefined when it isn't valid base64. */
function b64(text: string): Buffer | undefined {
  const bare = text.replace(/=+$/, '').replace(/\./g, '+');
  if (bare.length % 4 === 1) return undefined;
  return Buffer.from(bare, 'base64');
}

/** The npm package that verifies bcrypt hashes; loaded only if it is installed. */
const BCRYPT_PACKAGE = '@node-rs/bcrypt';
interface BcryptModule {
  verify(password: string | Buffer, hash: string | Buffer): Promise<boolean>;
}
let bcryptModule: Promise<BcryptModule | null> | undefined;

/** `@node-rs/bcrypt`, or null when it isn't installed (bcrypt hashes are then refused at import). */
export function loadBcrypt(): Promise<BcryptModule | null> {
  bcryptModule ??= import(BCRYPT_PACKAGE).then(
    (m: { verify?: unknown; default?: { verify?: unknown } }) => {
      const verify = typeof m.verify === 'function' ? m.verify : m.default?.verify;
      return typeof verify === 'function' ? { verify: verify as BcryptModule['verify'] } : null;
    },
    () => null,
  );
  return bcryptModule;
}

/** What this server can verify; ask once per import, then parse synchronously. */
export interface HashSupport {
  bcrypt: boolean;
}

export async function hashSupport(): Promise<HashSupport> {
  return { bcrypt: (await loadBcrypt()) !== null };
}

/**
 * Parses an imported hash. Returns the parsed hash, or the reason it is refused (shown to the
 * operator per row, so it names the rule broken and never echoes the hash).
 */
export function parseImportedHash(text: string, support: HashSupport): { hash: ImportedHash } | { reason: string } {
  let m: RegExpExecArray | null;
  if (text.startsWith('$2')) {
    m = BCRYPT.exec(text);
    if (!m) return { reason: 'bad bcrypt hash: expected $2a$, $2b$ or $2y$, a 2-digit cost and 53 characters of bcrypt base64' };
    const cost = Number(m[1]);
    if (cost < 4 || cost > MAX_BCRYPT_COST) return { reason: `bad bcrypt hash: cost ${cost} is outside 4-${MAX_BCRYPT_COST}` };
    if (!support.bcrypt) return { reason: `bcrypt support needs ${BCRYPT_PACKAGE}, which is not installed` };
    return { hash: { family: 'bcrypt', cost } };
  }
  if (text.startsWith('$scrypt$')) {
    m = SCRYPT.exec(text);
    if (!m) return { reason: 'bad scrypt hash: expected $scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt>$<hash>' };
    const ln = Number(m[1]);
    const r = Number(m[2]);
    const p = Number(m[3]);
    const salt = b64(m[4]!);
    const hash = b64(m[5]!);
    if (ln < 1 || ln > 24 || r < 1 || p < 1 || p > 16) return { reason: 'bad scrypt hash: parameters out of range (ln 1-24, r >= 1, p 1-16)' };
    const N = 2 ** ln;
    if (128 * N * r > MAX_SCRYPT_MEMORY) return { reason: 'bad scrypt hash: 128·N·r exceeds 256 MiB' };
    if (!salt || salt.length === 0 || !hash) return { reason: 'bad scrypt hash: salt or hash is not base64' };
    if (hash.length < MIN_HASH_BYTES) return { reason: `bad scrypt hash: the hash is shorter than ${MIN_HASH_BYTES} bytes` };
    return { hash: { family: 'scrypt', N, r, p, salt, hash } };
  }
  if (text.startsWith('$pbkdf2')) {
    m = PBKDF2.exec(text);
    if (!m) return { reason: 'bad PBKDF2 hash: expected $pbkdf2-<sha1|sha256|sha512>$i=<iterations>$<salt>$<hash>' };
    const digest = (m[1] ?? 'sha1') as 'sha1' | 'sha256' | 'sha512';
    const iterations = Number(m[2]);
    const salt = b64(m[3]!);
    const hash = b64(m[4]!);
    if (iterations < 1 || iterations > MAX_PBKDF2_ITERATIONS) return { reason: `bad PBKDF2 hash: iterations outside 1-${MAX_PBKDF2_ITERATIONS}` };
    if (!salt || salt.length === 0 || !hash) return { reason: 'bad PBKDF2 hash: salt or hash is not base64' };
    if (hash.length < MIN_HASH_BYTES) return { reason: `bad PBKDF2 hash: the hash is shorter than ${MIN_HASH_BYTES} bytes` };
    return { hash: { family: 'pbkdf2', digest, iterations, salt, hash } };
  }
  if (text.startsWith('$argon2')) {
    m = ARGON2.exec(text);
    if (!m) return { reason: 'bad argon2 hash: expected $argon2id$v=19$m=<KiB>,t=<n>,p=<n>$<salt>$<hash>' };
    const version = m[2] === undefined ? 16 : Number(m[2]);
    const [mem, t, p] = [Number(m[3]), Number(m[4]), Number(m[5])];
    const hash = b64(m[7]!);
    if (version !== 16 && version !== 19) return { reason: 'bad argon2 hash: version must be 16 or 19' };
    if (mem < 8 || mem > MAX_ARGON2_MEMORY_KIB || t < 1 || t > 64 || p < 1 || p > 64) return { reason: `bad argon2 hash: parameters out of range (m 8-${MAX_ARGON2_MEMORY_KIB} KiB, t 1-64, p 1-64)` };
    if (!b64(m[6]!) || !hash) return { reason: 'bad argon2 hash: salt or hash is not base64' };
    if (hash.length < MIN_HASH_BYTES) return { reason: `bad argon2 hash: the hash is shorter than ${MIN_HASH_BYTES} bytes` };
    return { hash: { family: 'argon2', variant: m[1] as 'argon2id' | 'argon2i' | 'argon2d' } };
  }
  return { reason: 'unrecognised password hash: expected a bcrypt, scrypt, PBKDF2 or argon2 PHC string' };
}

/** Whether a parsed hash is of the family an import job declared (CreateUserImportJob PasswordHashingAlgorithm). */
export function matchesAlgorithm(hash: ImportedHash, algorithm: PasswordHashingAlgorithm): boolean {
  switch (algorithm) {
    case 'BCRYPT':
      return hash.family === 'bcrypt';
    case 'SCRYPT':
      return hash.family === 'scrypt';
    case 'ARGON2ID':
      return hash.family === 'argon2' && hash.variant === 'argon2id';
    case 'PBKDF2_SHA256':
      return hash.family === 'pbkdf2' && hash.digest === 'sha256';
  }
}

const scryptAsync = (password: BinaryLike, salt: BinaryLike, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scrypt(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))));
const pbkdf2Async = (password: BinaryLike, salt: BinaryLike, iterations: number, keylen: number, digest: string) =>
  new Promise<Buffer>((resolve, reject) => pbkdf2(password, salt, iterations, keylen, digest, (err, key) => (err ? reject(err) : resolve(key))));

/** Checks a password against an imported hash; false for a wrong password or an unusable hash. */
export async function verifyImportedHash(stored: string, password: string): Promise<boolean> {
  const parsed = parseImportedHash(stored, { bcrypt: true });
  if ('reason' in parsed) return false;
  const h = parsed.hash;
  try {
    switch (h.family) {
      case 'bcrypt': {
        const bcrypt = await loadBcrypt();
        return bcrypt ? await bcrypt.verify(password, stored) : false;
      }
      case 'scrypt': {
        const key = await scryptAsync(password, h.salt, h.hash.length, { N: h.N, r: h.r, p: h.p, maxmem: 128 * h.r * (h.N + 2 + h.p) + 1024 * 1024 });
        return constantTimeEqual(key, h.hash);
      }
      case 'pbkdf2': {
        const key = await pbkdf2Async(password, h.salt, h.iterations, h.hash.length, h.digest);
        return constantTimeEqual(key, h.hash);
      }
      case 'argon2':
        return await argon2Verify(stored, password);
    }
  } catch {
    return false;
  }
}

/**
 * Checks a user's password, whichever way it is stored, for every flow that checks one
 * (USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, ChangePassword). Returns the user as they are
 * afterwards, or undefined for a wrong password.
 *
 * A user with only an imported hash is verified against it; on success the hash gives way to an
 * argon2id hash and an SRP verifier in one conditional write, so SRP works from then on. A failed
 * check of an imported hash also spends an argon2 verification, so answering doesn't get faster
 * than for other users (security.md P01); slow imported hashes (high bcrypt costs, big scrypt) can
 * still take longer, and tell a patient observer that an account has not signed in since import.
 */
export async function verifyPassword(cognate: Ports<'hasher' | 'log' | 'store' | 'users'>, pool: UserPool, user: User, password: string): Promise<User | undefined> {
  const imported = user.importedPasswordHash;
  if (user.passwordHash !== null || !imported) return (await cognate.hasher.verify(user.passwordHash, password)) ? user : undefined;
  const [ok] = await Promise.all([verifyImportedHash(imported, password), cognate.hasher.burn(password)]);
  if (!ok) return undefined;
  const credentials = await cognate.users.credentials(pool, user.username, password);
  const upgraded = await setPassword(cognate.store.db, user.sub, credentials, { passwordHash: null, importedPasswordHash: imported });
  const current = await cognate.users.findBySub(pool.id, user.sub);
  if (!current) return undefined;
  if (upgraded) {
    cognate.log.info({ pool: pool.id, sub: user.sub }, 'imported password hash upgraded to argon2id and SRP');
    return current;
  }
  // Another request changed the password meanwhile (a concurrent first sign-in, say): check again.
  return (await cognate.hasher.verify(current.passwordHash, password)) ? current : undefined;
}

/**
 * Whether a password is the user's, without upgrading an imported hash: for flows that replace the
 * password anyway (ChangePassword), whose write then retires the imported hash.
 */
export async function passwordMatches(cognate: Ports<'hasher'>, user: User, password: string): Promise<boolean> {
  const imported = user.importedPasswordHash;
  if (user.passwordHash !== null || !imported) return cognate.hasher.verify(user.passwordHash, password);
  const [ok] = await Promise.all([verifyImportedHash(imported, password), cognate.hasher.burn(password)]);
  return ok;
}

/** Whether a user has no password this server could check: neither its own hash nor an imported one. */
const hasNoPassword = (user: User) => user.passwordHash === null && !user.importedPasswordHash;

/**
 * The answer, before any password is checked, for a user the sign-in flow can't check a password for,
 * to clients whose PreventUserExistenceErrors is LEGACY (the others get the generic failure, as for
 * an unknown user: security.md P01).
 *
 * - A RESET_REQUIRED user without a password (a CSV import job's users; AdminResetUserPassword keeps
 *   the old hash and checks it first): PasswordResetRequiredException, what Cognito answers imported
 *   users ("Requiring imported users to reset their passwords"), so the app starts ForgotPassword.
 * - SRP for a user with only an imported hash (`srp`): there is no verifier until a first
 *   USER_PASSWORD_AUTH sign-in. Cognito's own migration path (the UserMigration trigger) answers SRP
 *   for a not-yet-migrated user as for one not in the pool, UserNotFoundException, and its docs tell
 *   apps to sign in with USER_PASSWORD_AUTH during the migration; apps that fall back to it on that
 *   error work unchanged here, and the message says what to do.
 */
export function refusalBeforePassword(client: AppClient, user: User, flow: 'password' | 'srp'): CognitoError | undefined {
  if (client.settings.PreventUserExistenceErrors === 'ENABLED') return undefined;
  if (user.status === 'RESET_REQUIRED' && hasNoPassword(user)) return new CognitoError('PasswordResetRequiredException', 'Password reset required for the user');
  if (flow === 'srp' && user.passwordHash === null && user.importedPasswordHash) {
    return errors.userNotFound('User has an imported password and must sign in once with USER_PASSWORD_AUTH before SRP.');
  }
  return undefined;
}
