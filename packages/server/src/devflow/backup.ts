/**
 * `cognate backup <out-file>`: a consistent copy of the SQLite database, taken while the server
 * runs (store/sqlite-backup.ts: VACUUM INTO, one read transaction's snapshot). The copy is written
 * beside the target under a temporary name, checked (opened, PRAGMA integrity_check, its pools and
 * users counted), made private (0600: it holds password hashes and sealed secrets) and only then
 * renamed into place, so `out-file` is either a whole, verified backup or absent.
 *
 * The copy is sealed with the server's master key like the database: restoring it needs that key
 * too (the data folder's master.key or COGNATE_MASTER_KEY). PostgreSQL has its own tools
 * (pg_dump, base backups); this command refuses it.
 */
import { chmodSync, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';
import { openStore } from '../store/db.js';
import { countRows, integrityCheck, vacuumInto } from '../store/sqlite-backup.js';

export interface BackupResult {
  file: string;
  bytes: number;
  pools: number;
  users: number;
  identityPools: number;
}

/** Backs up the configured SQLite database to `out` (see the top of this file). */
export async function backupSqlite(config: Pick<Config, 'databaseUrl' | 'dataDir'>, out: string): Promise<BackupResult> {
  if (config.databaseUrl.startsWith('postgres://') || config.databaseUrl.startsWith('postgresql://')) {
    throw new Error('cognate backup copies the SQLite database; back up PostgreSQL with its own tools (pg_dump, pg_basebackup)');
  }
  const target = path.resolve(out);
  if (existsSync(target)) throw new Error(`${out} exists; give a new file name (a backup never overwrites)`);
  if (!existsSync(path.dirname(target))) throw new Error(`the folder ${path.dirname(target)} does not exist`);
  const partial = `${target}.partial-${process.pid}`;
  rmSync(partial, { force: true });
  const source = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, migrate: false });
  try {
    await vacuumInto(source.db, partial);
  } catch (e) {
    rmSync(partial, { force: true });
    throw e;
  } finally {
    await source.close();
  }
  try {
    chmodSync(partial, 0o600);
    const copy = await openStore({ databaseUrl: `sqlite:${partial}`, dataDir: config.dataDir, migrate: false });
    let result: Omit<BackupResult, 'file' | 'bytes'>;
    try {
      const check = await integrityCheck(copy.db);
      if (check !== 'ok') throw new Error(`the copy failed SQLite's integrity check: ${check}`);
      result = { pools: await countRows(copy.db, 'user_pools'), users: await countRows(copy.db, 'users'), identityPools: await countRows(copy.db, 'identity_pools') };
    } finally {
      await copy.close();
    }
    // The WAL files of the check's connection are gone once it closed; only the copy moves.
    rmSync(`${partial}-wal`, { force: true });
    rmSync(`${partial}-shm`, { force: true });
    renameSync(partial, target);
    return { file: target, bytes: statSync(target).size, ...result };
  } catch (e) {
    rmSync(partial, { force: true });
    rmSync(`${partial}-wal`, { force: true });
    rmSync(`${partial}-shm`, { force: true });
    throw e;
  }
}
