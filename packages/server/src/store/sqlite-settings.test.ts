import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { openStore } from './db.js';

/** What each SQLite connection is opened with: the settings' values, as SQLite reports them back. */
async function pragmas(options: { sqliteMmapMb?: number } = {}): Promise<Record<string, unknown>> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'cognate-pragmas-'));
  const store = await openStore({ databaseUrl: '', dataDir, migrate: false, ...options });
  try {
    const read = async (name: string) => Object.values((await sql.raw(`pragma ${name}`).execute(store.db)).rows[0] as object)[0];
    return { journal: await read('journal_mode'), synchronous: await read('synchronous'), cache: await read('cache_size'), mmap: await read('mmap_size') };
  } finally {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

test('SQLite: WAL, synchronous FULL, a 64 MiB page cache, and no memory map unless --sqlite-mmap-mb asks for one', async () => {
  assert.deepEqual(await pragmas(), { journal: 'wal', synchronous: 2, cache: -65536, mmap: 0 });
  assert.equal((await pragmas({ sqliteMmapMb: 16 })).mmap, 16 * 1024 * 1024);
});
