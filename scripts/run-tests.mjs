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
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { appendFile, chmod, chown, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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
        await startCluster(bin, tmp, cluster);
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
  for (const child of running) killChild(child, again ? 'SIGKILL' : signal);
}

function killChild(child, signal) {
  try {
    // Detached children lead their own process group; signal the whole group
    // so `runuser` and what it started go together.
    if (child.detachedGroup) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    // already gone
  }
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

/**
 * Like run(), but collects the output and throws with it when the exit code is
 * not 0. A `shielded` process is not signalled by onSignal().
 */
async function capture(command, args, options = {}) {
  const chunks = [];
  const promise = new Promise((resolve, reject) => {
    const { shielded, ...spawnOptions } = options;
    const child = spawn(command, args, { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'] });
    child.detachedGroup = Boolean(options.detached);
    if (!shielded) running.add(child);
    child.stdout.on('data', (c) => chunks.push(c));
    child.stderr.on('data', (c) => chunks.push(c));
    child.on('error', (err) => {
      running.delete(child);
      reject(err);
    });
    child.on('close', (code, signal) => {
      running.delete(child);
      const output = Buffer.concat(chunks).toString('utf8');
      if (code === 0) resolve(output);
      else reject(new Error(`${[command, ...args].join(' ')} failed (${signal ?? `exit ${code}`}):\n${output}`));
    });
  });
  return promise;
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
// PostgreSQL

/** The directory holding initdb, pg_ctl and postgres, or undefined. */
function findPostgresBin() {
  const complete = (dir) => ['initdb', 'pg_ctl', 'postgres'].every((b) => existsSync(path.join(dir, b)));
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir || !existsSync(path.join(dir, 'initdb')) || !existsSync(path.join(dir, 'pg_ctl'))) continue;
    // PATH often holds symlinks (/usr/local/bin/pg_ctl -> /usr/lib/postgresql/15/bin/pg_ctl);
    // the real directory is the one that also holds the matching `postgres`.
    const real = path.dirname(realpathSync(path.join(dir, 'pg_ctl')));
    if (complete(real)) return real;
    if (complete(dir)) return dir;
  }
  // Debian/Ubuntu packages keep the binaries off PATH. Newest version first.
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).filter((v) => /^\d+(\.\d+)?$/.test(v)) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const dir = path.join(base, version, 'bin');
    if (complete(dir)) return dir;
  }
  return undefined;
}

/** A TCP port that was free a moment ago: bind port 0 and let the kernel pick. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** `id` for a user: uid and gid, or undefined when there is no such user. */
async function lookupUser(name) {
  try {
    const uid = Number((await capture('id', ['-u', name])).trim());
    const gid = Number((await capture('id', ['-g', name])).trim());
    return { name, uid, gid };
  } catch {
    return undefined;
  }
}

/**
 * Initialises and starts a cluster in `tmp/pg`, filling in `cluster`: its URL,
 * and a stop() that shuts it down (the caller removes the folder). stop() is
 * set before the server starts, so the caller can always call it, even when
 * the start fails or is interrupted half-way.
 */
async function startCluster(bin, tmp, cluster) {
  const base = path.join(tmp, 'pg');
  const data = path.join(base, 'data');
  const sockets = path.join(base, 'sock');
  const log = path.join(base, 'postgres.log');
  await mkdir(sockets, { recursive: true });

  // initdb and postgres refuse to run as root (a server that runs as root can
  // be turned into a root shell by any superuser). So as root we hand the
  // folder to an unprivileged user and run them as that user: the `postgres`
  // system user when the package created one, else `nobody`. runuser (or
  // setpriv, its lower-level sibling) switches user without asking for a
  // password and without a login shell, and keeps our environment.
  let asUser = (cmd, args) => [cmd, args];
  if (process.getuid?.() === 0) {
    const user = (await lookupUser('postgres')) ?? (await lookupUser('nobody'));
    if (!user) throw new Error('Running as root, but there is neither a `postgres` nor a `nobody` user to run PostgreSQL as.');
    // mkdtemp made `tmp` private to root; the user only needs to pass through it.
    await chmod(tmp, 0o711);
    await chown(base, user.uid, user.gid);
    await chown(sockets, user.uid, user.gid);
    const runuser = findProgram('runuser');
    const setpriv = findProgram('setpriv');
    if (runuser) {
      asUser = (cmd, args) => [runuser, ['-u', user.name, '--', cmd, ...args]];
    } else if (setpriv) {
      asUser = (cmd, args) => [
        setpriv,
        ['--reuid', String(user.uid), '--regid', String(user.gid), '--init-groups', '--', cmd, ...args],
      ];
    } else {
      throw new Error('Running as root, but neither runuser nor setpriv is available to start PostgreSQL as another user.');
    }
    // A TMPDIR the user cannot reach (e.g. under /root) would fail deep inside initdb.
    await capture(...asUser('test', ['-w', base]), { cwd: '/' }).catch(() => {
      throw new Error(`${base} is not writable by the user ${user.name}; point TMPDIR at a world-accessible folder such as /tmp.`);
    });
  }
  // Started in their own process group (detached) so a Ctrl-C in the terminal
  // does not cut them off half-way: onSignal() stops them deliberately, except
  // the shutdown (`shielded`), which must always run to the end.
  const pg = (name, args, shielded = false) =>
    capture(...asUser(path.join(bin, name), args), { cwd: base, detached: true, shielded });

  const version = (await pg('postgres', ['--version'])).trim().replace(/^postgres \(PostgreSQL\) /, '');

  // C.UTF-8 gives Unicode-aware lower()/upper() with plain code-point ordering;
  // fall back to the C locale where the system does not have it (macOS).
  const initdbArgs = ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-instructions'];
  try {
    await pg('initdb', [...initdbArgs, '--locale=C.UTF-8']);
  } catch {
    if (interrupted) throw new Error(`interrupted by ${interrupted}`);
    await rm(data, { recursive: true, force: true });
    await pg('initdb', [...initdbArgs, '--locale=C']);
  }

  // Small and fast rather than durable: the cluster lives for one run. The
  // settings go into postgresql.conf (appending keeps its owner) instead of
  // `pg_ctl -o`, whose string a shell would split.
  const configure = (port) =>
    appendFile(
      path.join(data, 'postgresql.conf'),
      [
        '',
        '# scripts/run-tests.mjs',
        "listen_addresses = '127.0.0.1'",
        `port = ${port}`,
        `unix_socket_directories = '${sockets}'`,
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        'max_connections = 200',
        'shared_buffers = 128MB',
        '',
      ].join('\n'),
    );

  const stop = async () => {
    if (!existsSync(path.join(data, 'postmaster.pid'))) return;
    await pg('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w', '-t', '30'], true);
  };
  cluster.version = version;
  cluster.stop = stop;

  // The port is free when we pick it but another process may take it before
  // postgres binds it; try again with another one in that unlikely case.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    await configure(port); // a later `port =` line overrides an earlier one
    try {
      await pg('pg_ctl', ['start', '-D', data, '-l', log, '-w', '-t', '60']);
    } catch (err) {
      const serverLog = await readFile(log, 'utf8').catch(() => '');
      if (!interrupted && attempt < 3 && /could not bind|Address already in use/i.test(serverLog)) continue;
      throw new Error(`${err.message}\n--- ${log} ---\n${serverLog}`);
    }
    cluster.url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    await waitUntilAccepting(cluster.url);
    return;
  }
}

/** `pg_ctl -w` already waits; this proves the URL the tests get works, with their driver. */
async function waitUntilAccepting(url) {
  const { default: pg } = await import('pg');
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('select 1');
      return;
    } catch (err) {
      if (interrupted) throw new Error(`interrupted by ${interrupted}`);
      if (Date.now() > deadline) throw new Error(`PostgreSQL at ${url} does not accept connections: ${err.message}`);
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await client.end().catch(() => {});
    }
  }
}

/** Full path of a program on PATH or in the sbin folders (root's tools), or undefined. */
function findProgram(name) {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  for (const dir of dirs) {
    try {
      if (dir && statSync(path.join(dir, name)).isFile()) return path.join(dir, name);
    } catch {
      // not there
    }
  }
  return undefined;
}

function redact(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}
