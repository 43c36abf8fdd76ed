/**
 * The development-workflow commands of `cognate` (issue 17): `seed`, `export`, `import`,
 * `backup`, and what `start --seed` and `start --dev-codes` add to `start`. cli.ts registers them
 * with one call; the bodies live in this folder.
 */
import cluster from 'node:cluster';
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import pino from 'pino';
import { loadConfig, type Config, type FlagValues } from '../config.js';
import { createCognate, type Cognate } from '../app.js';
import { applySeed, type SeedAction } from './seed.js';
import { parseSeedText } from './seed-file.js';
import { backupSqlite } from './backup.js';
import { exportPool } from './export.js';
import { importPool, parseExport } from './import.js';
import { readPassphrase } from './passphrase.js';
import { devCodesBanner } from './dev-codes.js';

/** What cli.ts hands over: its flag set and its way of opening the domain. */
export interface CliParts {
  withConfigFlags(cmd: Command): Command;
  withCognate<T>(flags: FlagValues, fn: (cognate: Cognate) => Promise<T>): Promise<T>;
}

function readText(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new Error(`can't read ${file}: ${(e as Error).message}`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Error(`${file} is not UTF-8 text`);
  }
}

/** The report of a seed run: one line a thing, then the counts. */
export function formatSeedReport(actions: readonly SeedAction[], dryRun: boolean): string {
  const verb = (o: SeedAction['outcome']) => (dryRun && o !== 'unchanged' ? `would be ${o}` : o);
  const lines = actions.map((a) => `${verb(a.outcome).padEnd(dryRun ? 16 : 9)}  ${a.what}${a.changes ? ` (${a.changes.join(', ')})` : ''}`);
  const count = (o: SeedAction['outcome']) => actions.filter((a) => a.outcome === o).length;
  lines.push(`${dryRun ? 'dry run: ' : ''}${count('created')} created, ${count('updated')} updated, ${count('unchanged')} unchanged`);
  return lines.join('\n') + '\n';
}

/** Reads and applies a seed file on a domain opened for it; prints the report. */
async function runSeed(cognate: Cognate, file: string, dryRun: boolean, out: (text: string) => void): Promise<void> {
  const seed = parseSeedText(readText(file), file);
  out(formatSeedReport(await applySeed(cognate, seed, { dryRun }), dryRun));
}

/**
 * `cognate start --seed <file>`: seeds before the server listens — in the process that runs once
 * (the single process, or the cluster's primary before it forks), never in a worker, so N workers
 * don't seed N times. `--dev-codes` is announced here too, loudly, before anything serves.
 */
export async function beforeStart(config: Config, flags: { seed?: string }): Promise<void> {
  if (cluster.isWorker) return;
  const banner = devCodesBanner(config);
  if (banner) process.stderr.write(banner);
  if (!flags.seed) return;
  // The admin key pair is left for start to generate and announce.
  const cognate = await createCognate({ ...config, printOutbox: false }, pino({ level: 'warn' }), { generateAdminCredentials: false });
  try {
    await runSeed(cognate, flags.seed, false, (text) => process.stdout.write(`seed ${flags.seed}:\n${text}`));
  } finally {
    await cognate.close();
  }
}

/** Registers `seed`, `export`, `import` and `backup`. */
export function registerDevflowCommands(program: Command, cli: CliParts): void {
  cli
    .withConfigFlags(program.command('seed').description('create (or bring up to date) the pools, clients, groups, users and identity pools a YAML or JSON seed file describes; running it again changes nothing').argument('<file>', 'a .yaml, .yml or .json seed file (docs/cli.md)'))
    .option('--dry-run', 'report what would be created or updated, and write nothing')
    .action(async (file: string, flags: FlagValues & { dryRun?: boolean }) => {
      await cli.withCognate(flags, (cognate) => runSeed(cognate, file, flags.dryRun === true, (text) => process.stdout.write(text)));
    });

  cli
    .withConfigFlags(program.command('export').description("write a user pool — settings, clients, groups, users with their password hashes, MFA and groups — as JSON for `cognate import`; secrets only sealed with a passphrase"))
    .requiredOption('--pool <id>', 'user pool ID')
    .option('--out <file>', 'output file, written 0600 (default: standard output)')
    .option('--passphrase-file <file>', 'seal client secrets, SRP verifiers and TOTP secrets with the passphrase in this file (or COGNATE_EXPORT_PASSPHRASE); without one they are left out')
    .action(async (flags: FlagValues & { pool: string; out?: string; passphraseFile?: string }) => {
      const passphrase = readPassphrase(flags.passphraseFile);
      await cli.withCognate(flags, async (cognate) => {
        const data = await exportPool(cognate, flags.pool, passphrase);
        const text = JSON.stringify(data, null, 2) + '\n';
        if (flags.out) writeFileSync(flags.out, text, { mode: 0o600, flag: 'wx' });
        else process.stdout.write(text);
        const note = passphrase ? 'secrets sealed with the passphrase' : 'secrets left out (no passphrase)';
        process.stderr.write(`exported ${data.pool.id}: ${data.clients.length} clients, ${data.groups.length} groups, ${data.users.length} users; ${note}\n`);
      });
    });

  cli
    .withConfigFlags(program.command('import').description('recreate a user pool from a `cognate export` file on a server that does not have it; all or nothing').argument('<file>', 'the export file'))
    .option('--passphrase-file <file>', "the export's passphrase, in a file (or COGNATE_EXPORT_PASSPHRASE)")
    .action(async (file: string, flags: FlagValues & { passphraseFile?: string }) => {
      const data = parseExport(readText(file), file);
      const passphrase = readPassphrase(flags.passphraseFile);
      await cli.withCognate(flags, async (cognate) => {
        const r = await importPool(cognate, data, passphrase);
        process.stdout.write(`imported ${r.poolId}: ${r.clients} clients, ${r.groups} groups, ${r.users} users\n`);
        for (const s of r.newSecrets) process.stdout.write(`client ${s.clientId} has a new secret (the export left its own out): ${s.secret}\n`);
        if (r.withoutSrp > 0) process.stdout.write(`${r.withoutSrp} users sign in once with USER_PASSWORD_AUTH before SRP works (their SRP verifiers were not exported)\n`);
      });
    });

  cli
    .withConfigFlags(program.command('backup').description('copy the SQLite database consistently while the server runs (VACUUM INTO), verify the copy and write it 0600').argument('<out-file>', 'the backup file; must not exist'))
    .action(async (out: string, flags: FlagValues) => {
      const r = await backupSqlite(loadConfig(flags), out);
      process.stdout.write(`backed up to ${r.file}: ${r.bytes} bytes, ${r.pools} user pools, ${r.users} users, ${r.identityPools} identity pools; integrity ok\n`);
    });
}
