/**
 * No runtime import cycles in domain/ (issue 11): a module may import another only if that one
 * doesn't, directly or through others, import it back. Type-only imports don't count (they vanish
 * at run time); `export … from` does. A cycle is reported as the chain of files that forms it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const domain = path.dirname(fileURLToPath(import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sources(full);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts') ? [full] : [];
  });
}

/** The domain modules `file` imports at run time. */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s+(?!type\b)([^'";]*?)\s*from\s*['"](\.{1,2}\/[^'"]+)['"]/gm)) {
    const names = m[1]!.trim();
    if (/^\{\s*(type\s+\w+(\s+as\s+\w+)?\s*,?\s*)*\}$/.test(names)) continue; // only types
    const target = path.resolve(path.dirname(file), m[2]!).replace(/\.js$/, '.ts');
    if (target.startsWith(domain + path.sep)) out.push(target);
  }
  return out;
}

describe('domain/', () => {
  it('has no runtime import cycles', () => {
    const graph = new Map(sources(domain).map((f) => [f, runtimeImports(f)]));
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const cycles: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'open');
      stack.push(file);
      for (const dep of graph.get(file) ?? []) {
        if (state.get(dep) === 'open') cycles.push([...stack.slice(stack.indexOf(dep)), dep].map((f) => path.relative(domain, f)).join(' → '));
        else if (!state.has(dep)) visit(dep);
      }
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of graph.keys()) if (!state.has(file)) visit(file);
    assert.ok(graph.size > 30, 'the domain modules were found');
    assert.deepEqual(cycles, []);
  });
});
