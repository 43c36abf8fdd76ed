/** What `cognate seed` did (or, in a dry run, would do) to each thing the file names. */
import type { Cognate } from '../domain/cognate.js';

/** One line of the report: what was (or, in a dry run, would be) done to one thing. */
export interface SeedAction {
  outcome: 'created' | 'updated' | 'unchanged';
  what: string;
  /** For updates: the members that differed. */
  changes?: string[];
}

export interface SeedContext {
  cognate: Cognate;
  dryRun: boolean;
  actions: SeedAction[];
}

/** Records an outcome; runs `write` only when something is to be done and this is no dry run. */
export async function act(ctx: SeedContext, what: string, outcome: SeedAction['outcome'], write?: () => Promise<unknown>, changes?: string[]): Promise<void> {
  ctx.actions.push({ outcome, what, ...(changes && changes.length > 0 ? { changes } : {}) });
  if (outcome !== 'unchanged' && !ctx.dryRun && write) await write();
}

/** Order- and spacing-independent JSON, for "does the stored value equal the file's". */
export function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

