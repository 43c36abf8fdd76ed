#!/usr/bin/env node
// Runs the test suites: `npm test` (after the build) or, to run a subset,
//
//   node scripts/run-tests.mjs [filter ...] [--node-test-flag ...]
//
// Each filter keeps the test files whose path (relative to the repository
// root) contains it; several filters are ORed. Arguments that start with `--`
// are handed to `node --test` unchanged, e.g. `--test-name-pattern=ListUsers`.
//
// Around the run it starts one throwaway PostgreSQL cluster, so every test file
// can create its own database in it (packages/server/test/support/postgres.ts)
// and run the black-box suites on PostgreSQL as well as SQLite. The cluster's
// URL reaches the tests as COGNATE_TEST_PG_URL. When that variable is already
// set, that server is used and no cluster is started. Without PostgreSQL the
// suites run on SQLite only, with a warning, except under CI (the CI variable is
// set), where a missing PostgreSQL is an error: CI must cover it.
//
// The spec reporter writes to stdout; scripts/count-reporter.mjs counts the
// results into a temporary file, and the last line this script prints is
// "N passed, N failed" (", N skipped" when some were). The exit code is
// non-zero when a test failed or anything else went wrong.

import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { children as clusterChildren, findPostgresBin, killChild, startCluster } from './postgres-cluster.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const reporter = path.join(root, 'scripts', 'count-reporter.mjs');

/** Child processes to signal when we are interrupted. */
const running = new Set();
let interrupted = null;

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);

async function main() {
  const filters = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const nodeFlags = process.argv.slice(2).filter((a) => a.startsWith('--'));

  const files = findTestFiles().filter(
    (file) => filters.length === 0 || filters.some((f) => file.includes(f)),
  );
  if (files.length === 0) {
    console.error(filters.length ? `No test file matches ${filters.join(', ')}.` : 'No test files found.');
    console.log(summary({ passed: 0, failed: 0, skipped: 0 }));
    return 1;
  }

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, onSignal);

  // Everything temporary (counts file, cluster) lives under one folder that
  // the finally block removes whatever happens.
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'cognate-test-'));
  const cluster = { url: '', version: '', stop: null };
  let counts = null;
  let code = 1;
  try {
    const env = { ...process.env };
    if (env.COGNATE_TEST_PG_URL) {
      console.error(`Using PostgreSQL from COGNATE_TEST_PG_URL (${redact(env.COGNATE_TEST_PG_URL)}).`);
    } else {
      const bin = findPostgresBin();
      if (bin) {
        await startCluster({
          bin,
          dir: tmp,
          onCreated: (c) => (cluster.stop = () => c.stop('immediate')),
          interrupted: () => interrupted,
        }).then((c) => Object.assign(cluster, { url: c.url, version: c.version }));
        env.COGNATE_TEST_PG_URL = cluster.url;
        console.error(`PostgreSQL ${cluster.version} test cluster on ${cluster.url}`);
      } else if (process.env.CI) {
        throw new Error(
          'PostgreSQL (initdb, pg_ctl) was not found on PATH or under /usr/lib/postgresql/*/bin, ' +
            'and CI must run the suites on PostgreSQL too. Install it (.ci/run does) or set COGNATE_TEST_PG_URL.',
        );
      } else {
        console.error(
          '\nWARNING: PostgreSQL (initdb, pg_ctl) was not found on PATH or under /usr/lib/postgresql/*/bin.\n' +
            'WARNING: running the suites on SQLite only. Install PostgreSQL (e.g. apt-get install postgresql)\n' +
            'WARNING: or set COGNATE_TEST_PG_URL to cover PostgreSQL as CI does.\n',
        );
      }
    }
    if (interrupted) throw new Error(`interrupted by ${interrupted}`);

    const countsFile = path.join(tmp, 'counts.json');
    const concurrency = os.availableParallelism?.() ?? os.cpus().length;
    const exitCode = await run(
      process.execPath,
      [
        '--import', 'tsx',
        '--test',
        `--test-concurrency=${concurrency}`,
        // Per test; generous, because a black-box suite may be one long test.
        '--test-timeout=300000',
        '--test-reporter=spec', '--test-reporter-destination=stdout',
        `--test-reporter=${reporter}`, `--test-reporter-destination=${countsFile}`,
        ...nodeFlags,
        ...files,
      ],
      { cwd: root, env, stdio: 'inherit' },
    );
    counts = await readCounts(countsFile);
    if (interrupted) console.error(`\nInterrupted by ${interrupted}.`);
    else if (!counts) console.error(`\nThe test runner exited with code ${exitCode} without reporting results.`);
    else if (exitCode !== 0 && counts.failed === 0) console.error(`\nThe test runner exited with code ${exitCode}.`);
    code = exitCode === 0 && counts && counts.failed === 0 && !interrupted ? 0 : 1;
  } catch (err) {
    // When we were interrupted, the error is only the consequence.
    console.error(interrupted ? `\nInterrupted by ${interrupted}.` : `\n${err instanceof Error ? err.message : err}`);
    code = 1;
  } finally {
    if (cluster.stop) await cluster.stop().catch((err) => console.error(`Stopping PostgreSQL failed: ${err.message}`));
    await rm(tmp, { recursive: true, force: true }).catch((err) =>
      console.error(`Could not remove ${tmp}: ${err.message}`),
    );
  }
  // The closing line, printed last on purpose; see the header.
  console.log(summary(counts ?? { passed: 0, failed: 0, skipped: 0 }));
  if (interrupted) return 128 + (os.constants.signals[interrupted] ?? 2);
  return code;
}

function summary({ passed, failed, skipped }) {
  return `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
}

async function readCounts(file) {
  try {
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    return JSON.parse(lines.at(-1));
  } catch {
    return null;
  }
}

/**
 * First signal: pass it on to whatever runs (the test runner stops, the main
 * flow then stops PostgreSQL and reports). Second signal: kill them outright.
 */
function onSignal(signal) {
  const again = interrupted !== null;
  interrupted ??= signal;
  // Detached children lead their own process group; killChild signals the
  // whole group so `runuser` and what it started go together.
  for (const child of [...running, ...clusterChildren]) killChild(child, again ? 'SIGKILL' : signal);
}

/** Spawns a process, resolves with its exit code (128 + n when killed by a signal). */
function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, options);
    child.detachedGroup = Boolean(options.detached);
    running.add(child);
    child.on('error', (err) => {
      running.delete(child);
      reject(err);
    });
    child.on('exit', (code, signal) => {
      running.delete(child);
      resolve(code ?? 128 + (os.constants.signals[signal] ?? 0));
    });
  });
}

// ---------------------------------------------------------------------------
// Test files

function findTestFiles() {
  const found = [];
  const walk = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && entry.name.endsWith('.test.ts')) found.push(full);
    }
  };
  const packages = path.join(root, 'packages');
  for (const pkg of readdirSync(packages, { withFileTypes: true })) {
    if (!pkg.isDirectory()) continue;
    walk(path.join(packages, pkg.name, 'src'));
    walk(path.join(packages, pkg.name, 'test'));
  }
  return found.map((f) => path.relative(root, f)).sort();
}

// ---------------------------------------------------------------------------
// PostgreSQL (scripts/postgres-cluster.mjs starts and stops it)

function redact(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}
