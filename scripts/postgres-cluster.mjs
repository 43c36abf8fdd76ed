// A throwaway PostgreSQL cluster in a folder: initdb, pg_ctl start/stop on a free port.
// scripts/run-tests.mjs starts one for a test run; fault tests start their own so they can stop
// and restart it (packages/server/test/e2e/faults/postgres-outage.test.ts).
//
//   const bin = findPostgresBin();
//   const cluster = await startCluster({ bin, dir });   // dir: an empty temporary folder
//   cluster.url;                                         // postgres://postgres@127.0.0.1:<port>/postgres
//   await cluster.stop('immediate');                     // or 'fast' / 'smart'
//   await cluster.start();                               // same data, same port
//
// The caller removes `dir` afterwards.

import { spawn } from 'node:child_process';
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { appendFile, chmod, chown, mkdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';

/** Non-shielded child processes still running; a caller's signal handler may signal them. */
export const children = new Set();

/** Signals a child started by this module, its whole process group when it leads one. */
export function killChild(child, signal) {
  try {
    if (child.detachedGroup) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    // already gone
  }
}

/**
 * Runs a program and collects its output; throws with it when the exit code is not 0. A
 * `shielded` process is not listed in `children` (it must run to the end, e.g. a shutdown).
 */
export function capture(command, args, options = {}) {
  const chunks = [];
  return new Promise((resolve, reject) => {
    const { shielded, ...spawnOptions } = options;
    const child = spawn(command, args, { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'] });
    child.detachedGroup = Boolean(options.detached);
    if (!shielded) children.add(child);
    child.stdout.on('data', (c) => chunks.push(c));
    child.stderr.on('data', (c) => chunks.push(c));
    child.on('error', (err) => {
      children.delete(child);
      reject(err);
    });
    child.on('close', (code, signal) => {
      children.delete(child);
      const output = Buffer.concat(chunks).toString('utf8');
      if (code === 0) resolve(output);
      else reject(new Error(`${[command, ...args].join(' ')} failed (${signal ?? `exit ${code}`}):\n${output}`));
    });
  });
}

/** The directory holding initdb, pg_ctl and postgres, or undefined. */
export function findPostgresBin() {
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
export function freePort() {
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

/**
 * Initialises and starts a cluster in `dir/pg`. `onCreated(cluster)` is called once the cluster
 * can be stopped (before the server starts), so a caller can always stop it, even when the start
 * fails or is interrupted half-way. `interrupted()` names a signal that arrived, if one did.
 * `durable` keeps synchronous_commit on: a commit acknowledged before `stop('immediate')` is
 * still there after the restart (fsync stays off; the machine does not crash).
 */
export async function startCluster({ bin, dir, durable = false, onCreated = () => {}, interrupted = () => null }) {
  const base = path.join(dir, 'pg');
  const data = path.join(base, 'data');
  const sockets = path.join(base, 'sock');
  const log = path.join(base, 'postgres.log');
  await mkdir(sockets, { recursive: true });
  const checkInterrupted = () => {
    const signal = interrupted();
    if (signal) throw new Error(`interrupted by ${signal}`);
  };

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
    // mkdtemp made `dir` private to root; the user only needs to pass through it.
    await chmod(dir, 0o711);
    await chown(base, user.uid, user.gid);
    await chown(sockets, user.uid, user.gid);
    const runuser = findProgram('runuser');
    const setpriv = findProgram('setpriv');
    if (runuser) {
      asUser = (cmd, args) => [runuser, ['-u', user.name, '--', cmd, ...args]];
    } else if (setpriv) {
      asUser = (cmd, args) => [setpriv, ['--reuid', String(user.uid), '--regid', String(user.gid), '--init-groups', '--', cmd, ...args]];
    } else {
      throw new Error('Running as root, but neither runuser nor setpriv is available to start PostgreSQL as another user.');
    }
    // A TMPDIR the user cannot reach (e.g. under /root) would fail deep inside initdb.
    await capture(...asUser('test', ['-w', base]), { cwd: '/' }).catch(() => {
      throw new Error(`${base} is not writable by the user ${user.name}; point TMPDIR at a world-accessible folder such as /tmp.`);
    });
  }
  // Started in their own process group (detached) so a Ctrl-C in the terminal
  // does not cut them off half-way: the caller stops them deliberately, except
  // the shutdown (`shielded`), which must always run to the end.
  const pg = (name, args, shielded = false) => capture(...asUser(path.join(bin, name), args), { cwd: base, detached: true, shielded });

  const version = (await pg('postgres', ['--version'])).trim().replace(/^postgres \(PostgreSQL\) /, '');

  // C.UTF-8 gives Unicode-aware lower()/upper() with plain code-point ordering;
  // fall back to the C locale where the system does not have it (macOS).
  const initdbArgs = ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-instructions'];
  try {
    await pg('initdb', [...initdbArgs, '--locale=C.UTF-8']);
  } catch {
    checkInterrupted();
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
        '# scripts/postgres-cluster.mjs',
        "listen_addresses = '127.0.0.1'",
        `port = ${port}`,
        `unix_socket_directories = '${sockets}'`,
        'fsync = off',
        `synchronous_commit = ${durable ? 'on' : 'off'}`,
        'full_page_writes = off',
        'max_connections = 200',
        'shared_buffers = 128MB',
        '',
      ].join('\n'),
    );

  const cluster = {
    url: '',
    port: 0,
    version,
    dataDir: data,
    logFile: log,
    /** Stops the server (`pg_ctl stop -m <mode>`); does nothing when it is not running. */
    stop: async (mode = 'immediate') => {
      if (!existsSync(path.join(data, 'postmaster.pid'))) return;
      await pg('pg_ctl', ['stop', '-D', data, '-m', mode, '-w', '-t', '30'], true);
    },
    /** Starts the stopped server again, on the same port, and waits until it accepts connections. */
    start: async () => {
      await pg('pg_ctl', ['start', '-D', data, '-l', log, '-w', '-t', '60']);
      await waitUntilAccepting(cluster.url, interrupted);
    },
  };
  onCreated(cluster);

  // The port is free when we pick it but another process may take it before
  // postgres binds it; try again with another one in that unlikely case.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    await configure(port); // a later `port =` line overrides an earlier one
    try {
      await pg('pg_ctl', ['start', '-D', data, '-l', log, '-w', '-t', '60']);
    } catch (err) {
      const serverLog = await readFile(log, 'utf8').catch(() => '');
      if (!interrupted() && attempt < 3 && /could not bind|Address already in use/i.test(serverLog)) continue;
      throw new Error(`${err.message}\n--- ${log} ---\n${serverLog}`);
    }
    cluster.port = port;
    cluster.url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    await waitUntilAccepting(cluster.url, interrupted);
    return cluster;
  }
}

/** `pg_ctl -w` already waits; this proves the URL works, with the driver the tests use. */
async function waitUntilAccepting(url, interrupted = () => null) {
  const { default: pg } = await import('pg');
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('select 1');
      return;
    } catch (err) {
      const signal = interrupted();
      if (signal) throw new Error(`interrupted by ${signal}`);
      if (Date.now() > deadline) throw new Error(`PostgreSQL at ${url} does not accept connections: ${err.message}`);
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await client.end().catch(() => {});
    }
  }
}
