/**
 * The package runs in browsers and React Native: no module but src/node.ts may touch a Node
 * built-in (imports, Buffer, process), and the package's exports keep the Node store apart.
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

describe('portable client', () => {
  it('only src/node.ts uses Node built-ins', () => {
    const offenders: string[] = [];
    for (const file of sources(src)) {
      if (path.relative(src, file) === 'node.ts') continue;
      // Comments may mention Node; code may not.
      const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      if (/from\s+['"](node:|fs|path|crypto|os|buffer)['"]|require\(|\bBuffer\b|\bprocess\./.test(code)) offenders.push(path.relative(src, file));
    }
    assert.deepEqual(offenders, []);
  });

  it('exports the browser build at ".", the Node store at "./node" and the drop-in UI at "./ui"', () => {
    const pkg = JSON.parse(readFileSync(path.join(src, '..', 'package.json'), 'utf8')) as { exports: Record<string, { import: string }> };
    assert.deepEqual(Object.keys(pkg.exports), ['.', './node', './ui']);
    assert.equal(pkg.exports['./ui']!.import, './dist/ui/index.js');
    assert.equal(pkg.exports['.']!.import, './dist/index.js');
    assert.equal(pkg.exports['./node']!.import, './dist/node.js');
    const index = readFileSync(path.join(src, 'index.ts'), 'utf8');
    assert.doesNotMatch(index, /node\.js/);
  });
});
