/**
 * The server's own keys: the master key (configuration or the data folder) and the secrets kept
 * in the database under it — the key that seals auth `Session`s and SRP secret blocks, the key
 * that hashes confirmation codes, and the key behind stable fake SRP salts for unknown users.
 * Every node that shares the database and the master key can continue any flow.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Sealer, deriveKey } from '../crypto/seal.js';
import type { Store } from '../store/db.js';
import { findServerSecret, insertServerSecretIfAbsent } from '../store/server-secrets.js';

export interface ServerSecrets {
  /** Seals data at rest (private keys, client secrets, SRP verifiers, outbox messages). */
  atRest: Sealer;
  /** Seals auth state handed to clients (Session, SECRET_BLOCK). */
  sessions: Sealer;
  /** HMAC key for confirmation-code hashes. */
  codeKey: Buffer;
  /** HMAC key for stable fake SRP salts (user-existence protection). */
  fakeSaltKey: Buffer;
}

/** Loads the master key from configuration, or from (or into) `<dataDir>/master.key`. */
export function loadMasterKey(configured: string, dataDir: string): Buffer {
  if (configured) {
    const key = Buffer.from(configured, 'base64');
    if (key.length !== 32) throw new Error('COGNATE_MASTER_KEY must be 32 bytes, base64-encoded');
    return key;
  }
  const file = path.join(dataDir, 'master.key');
  if (existsSync(file)) {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key`);
    return key;
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return key;
}

/** Reads a named random secret, creating it on first use; concurrent nodes agree on one value. */
async function serverSecret(store: Store, atRest: Sealer, name: string, now: number): Promise<Buffer> {
  const aad = `server-secret:${name}`;
  const read = async () => {
    const sealed = await findServerSecret(store.db, name);
    if (sealed === undefined) return undefined;
    const value = atRest.openString(sealed, aad);
    if (!value) throw new Error(`server secret ${name} can't be opened: is this the master key the database was created with?`);
    return value;
  };
  const existing = await read();
  if (existing) return existing;
  await insertServerSecretIfAbsent(store.db, name, atRest.sealToString(randomBytes(32), aad), now);
  return (await read())!;
}

export async function loadServerSecrets(store: Store, masterKey: Buffer, now: number): Promise<ServerSecrets> {
  const atRest = new Sealer([{ id: 'm1', key: deriveKey(masterKey, 'cognate/at-rest/v1') }]);
  const [sessionKey, codeKey, fakeSaltKey] = await Promise.all([
    serverSecret(store, atRest, 'session-key', now),
    serverSecret(store, atRest, 'code-key', now),
    serverSecret(store, atRest, 'fake-salt-key', now),
  ]);
  return { atRest, sessions: new Sealer([{ id: 's1', key: sessionKey }]), codeKey, fakeSaltKey };
}

export interface AdminCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** True when this start generated them (the CLI prints them once). */
  generated: boolean;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/**
 * The admin access key pair: configuration, else `<dataDir>/admin-credentials.json`, else (when
 * `generate`) a new pair saved there. Without `generate` and without a pair, no admin key exists
 * and every signed call is refused.
 */
export function loadAdminCredentials(accessKeyId: string, secretAccessKey: string, dataDir: string, generate = true): AdminCredentials {
  if (accessKeyId && secretAccessKey) return { accessKeyId, secretAccessKey, generated: false };
  if (accessKeyId || secretAccessKey) throw new Error('set both COGNATE_ADMIN_ACCESS_KEY_ID and COGNATE_ADMIN_SECRET_ACCESS_KEY, or neither');
  const file = path.join(dataDir, 'admin-credentials.json');
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { accessKeyId: string; secretAccessKey: string };
    return { accessKeyId: saved.accessKeyId, secretAccessKey: saved.secretAccessKey, generated: false };
  }
  if (!generate) return { accessKeyId: '', secretAccessKey: '', generated: false };
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const id = 'AKIA' + [...randomBytes(16)].map((b) => ALNUM[b % ALNUM.length]).join('');
  const secret = randomBytes(30).toString('base64');
  writeFileSync(file, JSON.stringify({ accessKeyId: id, secretAccessKey: secret }, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  return { accessKeyId: id, secretAccessKey: secret, generated: true };
}
