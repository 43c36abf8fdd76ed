/**
 * What the console-ops pages share: changes made through a domain function (no API operation
 * offers them: IAM roles, key rotation) recorded in the audit trail like `page.api` records its own,
 * and small readers of posted JSON.
 */
import { CognitoError, errors } from '../../errors.js';
import { recordAudit } from '../audit.js';
import type { ConsoleRequest } from '../kit.js';

/** Runs `work` and records it (outcome `ok` or the error's name) as `page.api` would. */
export async function audited<T>(page: ConsoleRequest, action: string, target: string, detail: Record<string, unknown>, work: () => Promise<T>): Promise<T> {
  try {
    const out = await work();
    await recordAudit(page.cognate, { actor: page.principal, action, target, outcome: 'ok', detail });
    return out;
  } catch (e) {
    if (e instanceof CognitoError) {
      await recordAudit(page.cognate, { actor: page.principal, action, target, outcome: e.name, detail });
    }
    throw e;
  }
}

/** A posted JSON object (or nothing for an empty field); InvalidParameterException otherwise. */
export function jsonObject(text: string, name: string): Record<string, unknown> | undefined {
  if (text.trim() === '') return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw errors.invalidParameter(`${name} is not JSON.`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw errors.invalidParameter(`${name} must be a JSON object.`);
  return v as Record<string, unknown>;
}

/** JSON for display, indented. */
export const pretty = (v: unknown) => JSON.stringify(v, null, 2);
