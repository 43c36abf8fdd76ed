/**
 * Statements of a fixed shape, built and compiled by Kysely once per dialect instead of at every
 * call. Building a query (frozen operation nodes) and compiling it to SQL cost about as much as
 * SQLite running a primary-key look-up, and the hot paths (GetUser, refresh, the identity-pool
 * calls) run a few such look-ups per request.
 *
 * `build` is called once per dialect with placeholder values in place of the arguments; the
 * compiled SQL is kept, and each call sends it with the real values put where the placeholders
 * were. Only for statements whose SQL never depends on the values (no `in` lists, no optional
 * clauses, no values that choose a branch): every argument must reach the statement as exactly one
 * parameter.
 */
import { PostgresAdapter, type Compilable, type CompiledQuery, type QueryResult } from 'kysely';
import type { Dialect, Executor } from './db.js';

/** The SQL dialect `db` speaks, for a `build` whose SQL differs between them. */
export function dialectOf(db: Executor): Dialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

interface Template {
  sql: string;
  query: CompiledQuery['query'];
  queryId: CompiledQuery['queryId'];
  /** for each parameter: the index of the argument it takes, or the constant the builder put there */
  slots: ReadonlyArray<{ arg: number } | { value: unknown }>;
}

export function fixedStatement<A extends unknown[], R>(arity: A['length'], build: (db: Executor, ...args: A) => Compilable<R>): (db: Executor, ...args: A) => Promise<QueryResult<R>> {
  const templates = new WeakMap<object, Template>();
  return (db, ...args) => {
    // The dialect's adapter (one per database, shared by its transactions) tells the SQL dialects apart.
    const adapter = db.getExecutor().adapter as object;
    let template = templates.get(adapter);
    if (!template) {
      const placeholders = Array.from({ length: arity }, (_, i) => `\u0000cognate-argument-${i}\u0000`);
      const compiled = build(db, ...(placeholders as A)).compile();
      const slots = compiled.parameters.map((p) => {
        const arg = typeof p === 'string' ? placeholders.indexOf(p) : -1;
        return arg >= 0 ? { arg } : { value: p };
      });
      for (let i = 0; i < arity; i++) {
        if (slots.filter((s) => 'arg' in s && s.arg === i).length !== 1) throw new Error(`fixedStatement: argument ${i} must be exactly one parameter of ${compiled.sql}`);
      }
      template = { sql: compiled.sql, query: compiled.query, queryId: compiled.queryId, slots };
      templates.set(adapter, template);
    }
    const parameters = template.slots.map((s) => ('arg' in s ? args[s.arg] : s.value));
    const statement: CompiledQuery<R> = { sql: template.sql, query: template.query, queryId: template.queryId, parameters };
    return db.executeQuery<R>(statement);
  };
}
