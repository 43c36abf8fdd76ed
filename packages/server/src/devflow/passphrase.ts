/**
 * The passphrase that seals an export's secrets (devflow/export.ts): client secrets, SRP verifiers
 * and TOTP secrets. The server's own at-rest key can't travel — the target has another master key —
 * so the export re-seals them under a key derived from a passphrase the operator carries across
 * (scrypt, N = 2^15, r = 8, p = 1: about 32 MiB and a tenth of a second per attempt), with AES-256-GCM
 * (crypto/seal.ts) and each secret's own purpose as associated data, so one can't be swapped for another.
 *
 * The passphrase is read from a file (`--passphrase-file`) or the environment
 * (COGNATE_EXPORT_PASSPHRASE), never from a flag, which `ps` would show to every user of the machine.
 */
import { randomBytes, scryptSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Sealer } from '../crypto/seal.js';

/** What the export records of its sealing: enough for import to derive the same key. */
export interface SealingHeader {
  kdf: 'scrypt';
  N: number;
  r: number;
  p: number;
  /** base64 */
  salt: string;
  /** A known text sealed with the key: import tells a wrong passphrase before it writes anything. */
  check: string;
}

const CHECK_TEXT = 'cognate-export';
const CHECK_AAD = 'passphrase-check';
const MIN_LENGTH = 12;

/** The passphrase from `--passphrase-file` or COGNATE_EXPORT_PASSPHRASE; undefined when neither is given. */
export function readPassphrase(file: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  let text: string | undefined;
  if (file !== undefined) {
    try {
      text = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      throw new Error(`can't read the passphrase file ${file}: ${(e as Error).message}`);
    }
  } else if (env.COGNATE_EXPORT_PASSPHRASE) text = env.COGNATE_EXPORT_PASSPHRASE;
  if (text === undefined) return undefined;
  if (text.length < MIN_LENGTH) throw new Error(`the export passphrase must be at least ${MIN_LENGTH} characters`);
  return text;
}

function sealerFor(passphrase: string, header: Omit<SealingHeader, 'check'>): Sealer {
  const key = scryptSync(passphrase.normalize('NFC'), Buffer.from(header.salt, 'base64'), 32, { N: header.N, r: header.r, p: header.p, maxmem: 128 * header.N * header.r * 2 });
  return new Sealer([{ id: 'export', key }]);
}

/** A new sealing key for an export, and the header that lets import derive it again. */
export function newExportSealer(passphrase: string): { sealer: Sealer; header: SealingHeader } {
  const base = { kdf: 'scrypt' as const, N: 32768, r: 8, p: 1, salt: randomBytes(16).toString('base64') };
  const sealer = sealerFor(passphrase, base);
  return { sealer, header: { ...base, check: sealer.sealToString(CHECK_TEXT, CHECK_AAD) } };
}

/** The export's sealer for `passphrase`; throws when it is the wrong one. */
export function openExportSealer(passphrase: string, header: SealingHeader): Sealer {
  if (header.kdf !== 'scrypt' || !Number.isInteger(header.N) || header.N < 16384 || header.N > 1048576 || header.r < 1 || header.r > 32 || header.p < 1 || header.p > 16) {
    throw new Error('the export names key-derivation parameters this version does not accept');
  }
  const sealer = sealerFor(passphrase, header);
  if (sealer.openString(header.check, CHECK_AAD)?.toString() !== CHECK_TEXT) throw new Error('wrong passphrase: it does not open this export');
  return sealer;
}
