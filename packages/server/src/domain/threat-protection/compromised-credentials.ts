/**
 * The offline breached-password list: SHA-1 hashes of the 10,000 most common breached passwords
 * (data/breached-passwords.sha1, written by scripts/breached-passwords.mjs from OWASP SecLists),
 * plus, when the operator names one (`breachedPasswordsFile`), a file of more hashes in the same
 * form or Have I Been Pwned's `HASH:COUNT` lines. Nothing is fetched at run time.
 *
 * Cognito checks the password a user signs up with, changes to or signs in with (never under SRP,
 * where the server never sees it; cognito-user-pool-settings-compromised-credentials).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Config } from '../../config.js';

const SHIPPED = new URL('../../../data/breached-passwords.sha1', import.meta.url);

let loaded: { file: string; hashes: Set<string> } | undefined;

function parse(text: string, into: Set<string>): void {
  for (const line of text.split('\n')) {
    const hash = line.trim().slice(0, 40).toLowerCase();
    if (/^[0-9a-f]{40}$/.test(hash)) into.add(hash);
  }
}

function hashes(config: Pick<Config, 'breachedPasswordsFile'>): Set<string> {
  if (loaded && loaded.file === config.breachedPasswordsFile) return loaded.hashes;
  const set = new Set<string>();
  parse(readFileSync(SHIPPED, 'utf8'), set);
  if (config.breachedPasswordsFile) parse(readFileSync(config.breachedPasswordsFile, 'utf8'), set);
  loaded = { file: config.breachedPasswordsFile, hashes: set };
  return set;
}

/** Whether the password is on the breached list. The same work whatever the answer. */
export function isBreachedPassword(config: Pick<Config, 'breachedPasswordsFile'>, password: string): boolean {
  return hashes(config).has(createHash('sha1').update(password, 'utf8').digest('hex'));
}

/** How many hashes the list holds (for the start-up log and the tests). */
export const breachedPasswordCount = (config: Pick<Config, 'breachedPasswordsFile'>) => hashes(config).size;
