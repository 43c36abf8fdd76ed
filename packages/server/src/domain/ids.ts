/** Identifiers shaped like Cognito's (DESIGN.md, compatibility rules). */
import { randomBytes, randomUUID } from 'node:crypto';

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const MIXED_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `length` characters drawn uniformly from `alphabet` (rejection sampling, no modulo bias). */
export function randomString(alphabet: string, length: number): string {
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit) out += alphabet[byte % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}

/** `us-east-1_AbC123xyz`: the region, `_`, 9 mixed-case alphanumerics. */
export const newUserPoolId = (region: string) => `${region}_${randomString(MIXED_ALNUM, 9)}`;
/** 26 lowercase alphanumerics. */
export const newClientId = () => randomString(LOWER_ALNUM, 26);
/** 51 lowercase alphanumerics (~263 bits). */
export const newClientSecret = () => randomString(LOWER_ALNUM, 51);
export const newSub = () => randomUUID();
export const newId = () => randomUUID();

/** The "pool name" SRP hashes: the part of the pool ID after `_` (protocol.md §2). */
export const srpPoolName = (poolId: string) => poolId.slice(poolId.indexOf('_') + 1);
