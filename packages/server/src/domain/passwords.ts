/**
 * Passwords: the pool's policy, argon2id hashes for password flows and the SRP verifier for SRP.
 * A password is never truncated; one over the cap is refused before any hashing (security.md P07).
 */
import { hash, verify } from '@node-rs/argon2';

/** `Algorithm.Argon2id` (a const enum, which isolated modules can't read). */
const ARGON2ID = 2;
import { errors } from '../errors.js';
import type { PasswordPolicy } from './user-pools.js';

/** The longest password accepted (PasswordType max in the API model). */
export const MAX_PASSWORD_LENGTH = 256;

/** Cognito's special characters for RequireSymbols (managing-users-passwords). */
const SYMBOLS = new Set('^$*.[]{}()?"!@#%&/\\,><\':;|_~`=+- ');

/** Checks a password against a pool's policy with Cognito's messages. */
export function checkPasswordPolicy(password: string, policy: PasswordPolicy): void {
  const fail = (why: string) => errors.invalidPassword(`Password did not conform with policy: ${why}`);
  const chars = [...password];
  if (chars.length > MAX_PASSWORD_LENGTH) throw fail('Password is too long');
  if (chars.length < policy.MinimumLength) throw fail('Password not long enough');
  if (/^\s|\s$/u.test(password)) throw fail('Password must not start or end with whitespace');
  if (policy.RequireLowercase && !/\p{Ll}/u.test(password)) throw fail('Password must have lowercase characters');
  if (policy.RequireUppercase && !/\p{Lu}/u.test(password)) throw fail('Password must have uppercase characters');
  if (policy.RequireNumbers && !/[0-9]/.test(password)) throw fail('Password must have numeric characters');
  if (policy.RequireSymbols && !chars.some((c) => SYMBOLS.has(c))) throw fail('Password must have symbol characters');
}

export interface HashingCost {
  memoryKiB: number;
  iterations: number;
}

/** argon2id hashing with configured cost, and a dummy verification for paths without a user. */
export class PasswordHasher {
  private dummy: Promise<string>;
  constructor(private readonly cost: HashingCost) {
    this.dummy = this.hash('cognate-dummy-password-for-constant-time');
  }

  hash(password: string): Promise<string> {
    return hash(password, { algorithm: ARGON2ID, memoryCost: this.cost.memoryKiB, timeCost: this.cost.iterations, parallelism: 1 });
  }

  async verify(stored: string | null, password: string): Promise<boolean> {
    if (password.length > MAX_PASSWORD_LENGTH * 4) return false;
    if (!stored) {
      await this.burn(password);
      return false;
    }
    try {
      return await verify(stored, password);
    } catch {
      return false;
    }
  }

  /** Spends the same time as a real verification, so "no such user" can't be told by timing (P01). */
  async burn(password: string): Promise<void> {
    try {
      await verify(await this.dummy, password.slice(0, MAX_PASSWORD_LENGTH) || 'x');
    } catch {
      /* the result is thrown away */
    }
  }
}
