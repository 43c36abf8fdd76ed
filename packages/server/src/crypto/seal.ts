/**
 * Authenticated encryption for server-side secrets and for stateless auth state.
 *
 * Cognito hands clients opaque strings that any node must be able to open later: the challenge
 * `Session` (at most 2048 characters) and the SRP `SECRET_BLOCK`. Cognate makes them sealed blobs
 * rather than database rows. The same primitive protects secrets at rest (signing keys, client
 * secrets), each under its own purpose string.
 *
 * Wire format (version 1), all of it authenticated:
 *
 * ```text
 * +---------+--------+-------------+---------+------------+---------+
 * | version | id len | key id      | iv      | ciphertext | tag     |
 * | 1 byte  | 1 byte | 1-255 bytes | 12 bytes| n bytes    | 16 bytes|
 * +---------+--------+-------------+---------+------------+---------+
 * ```
 *
 * - AES-256-GCM with a fresh random 96-bit IV from the CSPRNG (pooled) for every seal. The IV must never come
 *   from anything a test could replace: a repeated GCM nonce under one key leaks the authentication key.
 * - The GCM additional data is `header || utf8(aad)`, where the header is the version, length and key
 *   id bytes. Changing the version or key id, or opening under another purpose (`aad`), fails.
 * - The overhead is `30 + keyId.length` bytes, so keep key ids short (`'k1'`, a date, …).
 *
 * @module
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomFillSync } from 'node:crypto';

/** Format version written as the first byte of every sealed blob. */
export const SEAL_VERSION = 1;

const ALGORITHM = 'aes-256-gcm';
const KEY_LENGTH = 32;
const IV_LENGTH = 12;
const TAG_LENGTH = 16;
const MAX_KEY_ID_BYTES = 255;
const HKDF_SALT = Buffer.from('cognate/hkdf/v1', 'utf8');
/** Standard base64 with padding, length a multiple of 4 (checked separately). */
const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

/** A key as given to {@link Sealer}: a short unique id and 32 bytes of key material. */
export interface SealKey {
  /** Unique, non-empty, at most 255 UTF-8 bytes; written into every blob sealed with this key. */
  id: string;
  /** Exactly 32 bytes (AES-256). Use {@link deriveKey} to get one from a master secret. */
  key: Buffer;
}

interface KeyEntry {
  /** A private copy of the key bytes (a Buffer key makes `createCipheriv` about 2x faster than a KeyObject). */
  key: Buffer;
  /** version || id length || id bytes: the blob prefix and the start of the GCM additional data. */
  header: Buffer;
}

/**
 * Seals and opens blobs with AES-256-GCM under a ring of keys.
 *
 * The first key is current: {@link Sealer.seal} always uses it. All keys open, so a key can be
 * rotated by putting a new one first and keeping the old one until every blob it sealed has expired.
 * {@link Sealer.open} never throws: any failure (unknown key, tampering, wrong purpose, truncation,
 * garbage) returns `null`.
 */
export class Sealer {
  readonly #current: KeyEntry;
  /** Keyed by the latin1 rendering of the id bytes, so any byte string maps to exactly one entry. */
  readonly #byId = new Map<string, KeyEntry>();

  /**
   * @param keys The key ring; the first entry is current. Throws on an empty ring, a key that is not
   *   32 bytes, an empty or over-long id, or duplicate ids: these are configuration errors.
   */
  constructor(keys: readonly SealKey[]) {
    if (!Array.isArray(keys) || keys.length === 0) throw new TypeError('Sealer: at least one key is required');
    let first: KeyEntry | undefined;
    for (const k of keys) {
      if (typeof k?.id !== 'string' || k.id.length === 0) throw new TypeError('Sealer: key id must be a non-empty string');
      if (!Buffer.isBuffer(k.key) || k.key.length !== KEY_LENGTH) {
        throw new TypeError(`Sealer: key ${JSON.stringify(k.id)} must be a ${KEY_LENGTH}-byte Buffer`);
      }
      const idBytes = Buffer.from(k.id, 'utf8');
      if (idBytes.length > MAX_KEY_ID_BYTES) throw new TypeError(`Sealer: key id longer than ${MAX_KEY_ID_BYTES} bytes`);
      const mapKey = idBytes.toString('latin1');
      if (this.#byId.has(mapKey)) throw new TypeError(`Sealer: duplicate key id ${JSON.stringify(k.id)}`);
      const header = Buffer.allocUnsafe(2 + idBytes.length);
      header[0] = SEAL_VERSION;
      header[1] = idBytes.length;
      idBytes.copy(header, 2);
      const entry: KeyEntry = { key: Buffer.from(k.key), header };
      this.#byId.set(mapKey, entry);
      first ??= entry;
    }
    this.#current = first!;
  }

  /** The id of the current (sealing) key. */
  get currentKeyId(): string {
    return this.#current.header.toString('utf8', 2);
  }

  /**
   * Encrypts and authenticates `plaintext` under the current key for the purpose `aad`.
   *
   * @param plaintext Bytes, or a string taken as UTF-8.
   * @param aad The purpose (`'session'`, `'secret-block'`, `'private-key'`, …); the blob opens only
   *   with the same string.
   * @returns `header || iv || ciphertext || tag`.
   */
  seal(plaintext: Buffer | string, aad: string): Buffer {
    const pt = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
    const { key, header } = this.#current;
    const hl = header.length;
    const out = Buffer.allocUnsafe(hl + IV_LENGTH + pt.length + TAG_LENGTH);
    header.copy(out, 0);
    takeIv(out, hl);
    const iv = out.subarray(hl, hl + IV_LENGTH);
    const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_LENGTH });
    cipher.setAAD(additionalData(header, aad));
    let off = hl + IV_LENGTH;
    off += cipher.update(pt).copy(out, off);
    off += cipher.final().copy(out, off);
    cipher.getAuthTag().copy(out, off);
    return out;
  }

  /**
   * Authenticates and decrypts a blob from {@link Sealer.seal}.
   *
   * @returns The plaintext, or `null` on any failure: unknown version or key id, wrong purpose,
   *   any modified or missing byte, or input that is not a blob at all. Never throws.
   */
  open(sealed: Uint8Array, aad: string): Buffer | null {
    if (!(sealed instanceof Uint8Array) || typeof aad !== 'string') return null;
    const n = sealed.length;
    if (n < 2 + 1 + IV_LENGTH + TAG_LENGTH || sealed[0] !== SEAL_VERSION) return null;
    const idLen = sealed[1]!;
    const hl = 2 + idLen;
    if (idLen === 0 || n < hl + IV_LENGTH + TAG_LENGTH) return null;
    const buf = Buffer.isBuffer(sealed) ? sealed : Buffer.from(sealed.buffer, sealed.byteOffset, n);
    const entry = this.#byId.get(buf.toString('latin1', 2, hl));
    if (entry === undefined) return null;
    try {
      const decipher = createDecipheriv(ALGORITHM, entry.key, buf.subarray(hl, hl + IV_LENGTH), {
        authTagLength: TAG_LENGTH,
      });
      decipher.setAAD(additionalData(entry.header, aad));
      decipher.setAuthTag(buf.subarray(n - TAG_LENGTH));
      const head = decipher.update(buf.subarray(hl + IV_LENGTH, n - TAG_LENGTH));
      const tail = decipher.final(); // throws on authentication failure
      return tail.length === 0 ? head : Buffer.concat([head, tail]);
    } catch {
      return null;
    }
  }

  /** {@link Sealer.seal}, rendered as standard base64 with padding (what iOS `NSData` decodes). */
  sealToString(plaintext: Buffer | string, aad: string): string {
    return this.seal(plaintext, aad).toString('base64');
  }

  /**
   * Opens a string from {@link Sealer.sealToString}. Only canonical standard base64 is accepted (no
   * whitespace, no base64url, correct padding, zero trailing bits), so each blob has exactly one
   * string form. Returns `null` on any failure; never throws.
   */
  openString(sealed: string, aad: string): Buffer | null {
    const buf = decodeBase64Strict(sealed);
    return buf === null ? null : this.open(buf, aad);
  }

  /**
   * Seals a JSON value with an absolute expiry, as a base64 string (for a `Session` or a
   * `SECRET_BLOCK`). The value and expiry are stored as the compact JSON `[expiresAt, value]`.
   *
   * @param value Anything `JSON.stringify` renders (undefined is stored as `null`).
   * @param aad The purpose, as for {@link Sealer.seal}.
   * @param expiresAt Milliseconds since the epoch; the blob opens only strictly before it.
   */
  sealJson(value: unknown, aad: string, expiresAt: number): string {
    if (!Number.isFinite(expiresAt)) throw new TypeError('sealJson: expiresAt must be a finite number of ms');
    return this.sealToString(JSON.stringify([expiresAt, value ?? null]), aad);
  }

  /**
   * Opens a string from {@link Sealer.sealJson}.
   *
   * @param now The current time in ms since the epoch (pass `clock.now()`).
   * @returns The value, or `null` if the blob is invalid for any reason or `now >= expiresAt`.
   *   The value's shape is not checked: validate it before use.
   */
  openJson<T = unknown>(sealed: string, aad: string, now: number): T | null {
    const buf = this.openString(sealed, aad);
    if (buf === null) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(buf.toString('utf8'));
    } catch {
      return null;
    }
    if (!Array.isArray(parsed) || parsed.length !== 2) return null;
    const exp: unknown = parsed[0];
    if (typeof exp !== 'number' || !(now < exp)) return null;
    return parsed[1] as T;
  }
}

/**
 * IVs come from a pool of CSPRNG bytes, refilled with `randomFillSync` when used up; each pool byte
 * is handed out once. A 12-byte `randomFillSync` call costs more than the whole AES-GCM seal of a
 * small blob, and Node's own `randomUUID` pools its entropy the same way. IVs are public, so only
 * their uniqueness matters, which 96 random bits per seal provide.
 */
const IV_POOL_SIZE = IV_LENGTH * 512;
let ivPool = Buffer.alloc(0);
let ivPoolOffset = 0;

function takeIv(out: Buffer, offset: number): void {
  if (ivPoolOffset + IV_LENGTH > ivPool.length) {
    ivPool = randomFillSync(Buffer.allocUnsafeSlow(IV_POOL_SIZE));
    ivPoolOffset = 0;
  }
  ivPool.copy(out, offset, ivPoolOffset, ivPoolOffset + IV_LENGTH);
  ivPoolOffset += IV_LENGTH;
}

function additionalData(header: Buffer, aad: string): Buffer {
  const n = Buffer.byteLength(aad, 'utf8');
  const out = Buffer.allocUnsafe(header.length + n);
  header.copy(out, 0);
  out.write(aad, header.length, 'utf8');
  return out;
}

/**
 * Decodes canonical standard base64 (RFC 4648 §4, padded), or returns `null`.
 * Node's own decoder silently skips invalid characters, so it is never given unchecked input.
 */
export function decodeBase64Strict(s: string): Buffer | null {
  if (typeof s !== 'string' || s.length % 4 !== 0 || !BASE64_RE.test(s)) return null;
  const buf = Buffer.from(s, 'base64');
  // Rejects non-zero trailing bits and any other non-canonical form.
  return buf.toString('base64') === s ? buf : null;
}

/**
 * Derives a 32-byte key from a master secret with HKDF-SHA256 (RFC 5869).
 *
 * Use one label per purpose and generation, e.g. `deriveKey(master, 'seal/2025-01')`, so keys for
 * different purposes are independent. The salt is the fixed string `cognate/hkdf/v1`.
 *
 * @param master At least 32 bytes of secret, high-entropy material. Throws otherwise.
 * @param label A non-empty purpose label (the HKDF `info`).
 */
export function deriveKey(master: Buffer, label: string): Buffer {
  if (!Buffer.isBuffer(master) || master.length < 32) throw new TypeError('deriveKey: master must be at least 32 bytes');
  if (typeof label !== 'string' || label.length === 0) throw new TypeError('deriveKey: label must be a non-empty string');
  return Buffer.from(hkdfSync('sha256', master, HKDF_SALT, Buffer.from(label, 'utf8'), KEY_LENGTH));
}
