/**
 * The shape of the code (issue 11, docs/architecture.md): protocol/ → actions/ → domain/ → store/.
 *
 * - No SQL outside src/store/: no Kysely query builder (`selectFrom`, `insertInto`, `updateTable`, `deleteFrom`,
 *   `replaceInto`) and no sql`` template anywhere else in the server's sources.
 * - No source file (server or client, tests aside) over 700 lines.
 *
 * Each failure names the offending files. The third rule of the shape, no runtime import cycle in src/domain/, is
 * checked by src/domain/import-cycles.test.ts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SERVER_SRC = join(ROOT, 'packages/server/src');
const CLIENT_SRC = join(ROOT, 'packages/client/src');
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

describe('the shape of the code (issue 11)', () => {
  it('no SQL outside store/', () => {
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
});
