/**
 * The shape of the code (issue 11, docs/architecture.md): protocol/ → actions/ → domain/ → store/.
 *
 * - No runtime import cycle among the modules of src/domain/ (static imports and re-exports of relative modules
 *   that are not type-only, as ../shared/tools/structure.mjs counts them).
 * - No SQL outside src/store/: no Kysely query builder (`selectFrom`, `insertInto`, `updateTable`, `deleteFrom`,
 *   `replaceInto`) and no sql`` template anywhere else in the server's sources.
 * - No source file (server or client, tests aside) over 700 lines.
 *
 * Each failure names the offending files or the cycle, module by module.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SERVER_SRC = join(ROOT, 'packages/server/src');
const CLIENT_SRC = join(ROOT, 'packages/client/src');
const DOMAIN = join(SERVER_SRC, 'domain');
const STORE = join(SERVER_SRC, 'store');
const MAX_LINES = 700;

/** Source files under `dir`: .ts/.mts/.js/.mjs, not tests, not declarations. */
function sources(dir: string): string[] {
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((name) => {
      const p = join(d, name);
      if (statSync(p).isDirectory()) return name === 'node_modules' || name === 'dist' ? [] : walk(p);
      return [p];
    });
  return walk(dir).filter((p) => /\.(ts|mts|js|mjs)$/.test(p) && !/\.test\./.test(p) && !p.endsWith('.d.ts'));
}

const rel = (p: string): string => relative(ROOT, p);

/** The relative modules a file loads at run time: `import … from` and `export … from`, minus type-only ones. */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s+(?!type\b)([^'";]*?)\s*from\s*['"](\.{1,2}\/[^'"]+)['"]/gm)) {
    if (/^\{\s*(type\s+\w+\s*,?\s*)+\}$/.test(m[1]!.trim())) continue; // `import { type A, type B }`: types only
    found.push(resolve(dirname(file), m[2]!).replace(/\.js$/, '.ts'));
  }
  for (const m of text.matchAll(/^\s*import\s+['"](\.{1,2}\/[^'"]+)['"]/gm)) found.push(resolve(dirname(file), m[1]!).replace(/\.js$/, '.ts'));
  return found;
}

/** The runtime import graph among `files` (imports of modules outside them dropped). */
function importGraph(files: string[]): Map<string, string[]> {
  const inside = new Set(files);
  return new Map(files.map((f) => [f, runtimeImports(f).filter((t) => inside.has(t))]));
}

/**
 * The cycles of an import graph, found as ../shared/tools/structure.mjs counts them: a depth-first walk in file
 * order, one cycle per import that leads back to a module still on the walk's path. Each is shown as that path
 * (`a.ts → b.ts → a.ts`), with `name` for each module.
 */
function importCycles(graph: Map<string, string[]>, name: (p: string) => string): string[] {
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (v: string): void => {
    state.set(v, 'open');
    path.push(v);
    for (const w of graph.get(v) ?? []) {
      if (state.get(w) === 'open') cycles.push([...path.slice(path.indexOf(w)), w].map(name).join(' → '));
      else if (!state.has(w)) visit(w);
    }
    path.pop();
    state.set(v, 'done');
  };
  for (const v of graph.keys()) if (!state.has(v)) visit(v);
  return cycles;
}

describe('the shape of the code (issue 11)', () => {
  it('domain/ has no runtime import cycle', { todo: 'issue 11: other helpers are moving SQL/cycles' }, () => {
    assert.deepEqual(importCycles(importGraph(sources(DOMAIN)), (p) => relative(DOMAIN, p)), []);
  });

  it('no SQL outside store/', { todo: 'issue 11: other helpers are moving SQL/cycles' }, () => {
    const sql = /\.(selectFrom|insertInto|updateTable|deleteFrom|replaceInto)\(|sql`/;
    const offenders = sources(SERVER_SRC)
      .filter((p) => !p.startsWith(STORE + '/') && sql.test(readFileSync(p, 'utf8')))
      .map(rel);
    assert.deepEqual(offenders, []);
  });

  it(`no source file is over ${MAX_LINES} lines`, () => {
    const offenders = [...sources(SERVER_SRC), ...sources(CLIENT_SRC)]
      .map((p) => ({ file: rel(p), lines: readFileSync(p, 'utf8').split('\n').length }))
      .filter((f) => f.lines > MAX_LINES)
      .map((f) => `${f.file}: ${f.lines} lines`);
    assert.deepEqual(offenders, []);
  });

  it('the cycle finder names each cycle (self-check on a made-up graph)', () => {
    const graph = new Map([
      ['a', ['b', 'x']],
      ['b', ['c']],
      ['c', ['a', 'b']],
      ['d', ['d']],
      ['e', ['a']],
      ['x', []],
    ]);
    assert.deepEqual(importCycles(graph, (p) => p), ['a → b → c → a', 'b → c → b', 'd → d']);
    assert.deepEqual(importCycles(new Map([['a', ['b']], ['b', []]]), (p) => p), []);
  });

  it('every relative import in domain/ resolves to a source file (so no cycle hides behind a path)', () => {
    const files = new Set(sources(SERVER_SRC));
    const unresolved = sources(DOMAIN).flatMap((f) =>
      runtimeImports(f)
        .filter((t) => !files.has(t))
        .map((t) => `${rel(f)} imports ${rel(t)}`),
    );
    assert.deepEqual(unresolved, []);
  });
});
