/**
 * The client's module layout: no import cycles among src/ modules (type-only imports included),
 * and no module over 600 lines — mobile-client.ts is a facade over internal/, one module per
 * concern.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const src = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

/** Relative imports and re-exports of a module, as paths of .ts files under src/. */
function importsOf(file: string): string[] {
  const code = readFileSync(file, 'utf8');
  const specifiers = [...code.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"](\.{1,2}\/[^'"]+)['"]|(?:^|\n)\s*import\s+['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1] ?? m[2]!);
  return specifiers.map((s) => path.relative(src, path.resolve(path.dirname(file), s.replace(/\.js$/, '.ts'))));
}

function graph(): Map<string, string[]> {
  return new Map(sources(src).map((file) => [path.relative(src, file), importsOf(file)]));
}

/** Every cycle found by a depth-first walk, each as the chain of modules that closes it. */
function cycles(modules: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      found.push([...stack.slice(stack.indexOf(name)), name]);
      return;
    }
    state.set(name, 'visiting');
    stack.push(name);
    for (const next of modules.get(name) ?? []) visit(next);
    stack.pop();
    state.set(name, 'done');
  };
  for (const name of modules.keys()) visit(name);
  return found;
}

describe('client module layout', () => {
  it('every relative import names a module that exists', () => {
    const modules = graph();
    const dangling = [...modules].flatMap(([from, to]) => to.filter((t) => !modules.has(t)).map((t) => `${from} -> ${t}`));
    assert.deepEqual(dangling, []);
  });

  it('has no import cycles', () => {
    const modules = graph();
    assert.ok(modules.size > 10 && (modules.get('mobile-client.ts') ?? []).length > 5, 'the graph was read');
    assert.deepEqual(cycles(modules).map((c) => c.join(' -> ')), []);
  });

  it('the cycle check finds a cycle', () => {
    const modules = new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts']], ['d.ts', ['a.ts']]]);
    assert.deepEqual(cycles(modules), [['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
  });

  it('no module is over 600 lines', () => {
    const long = sources(src)
      .map((file) => ({ file: path.relative(src, file), lines: readFileSync(file, 'utf8').trimEnd().split('\n').length }))
      .filter((m) => m.lines > 600);
    assert.deepEqual(long, []);
  });
});
