/**
 * `cognate start`: one process, or (`--workers N`, N > 1; the default is one per core) a node:cluster
 * primary and N workers sharing the listening port and the database (issue 16).
 *
 * The primary does the once-only set-up before it forks — migrations, the master key and the
 * server secrets, the generated admin key pair, the development CA — then closes its database and
 * serves nothing itself: the workers open their own connections, find everything made and listen.
 * Whatever must be consistent across workers lives in the database (single-use answers, codes,
 * lockout, revocation, signing keys, the runner lease); what a worker caches in memory is bounded
 * in time (README, "Several workers and several nodes").
 *
 * Shutdown (SIGTERM, SIGINT): the primary forwards SIGTERM to every worker; each stops accepting,
 * finishes the requests in flight (at most --shutdown-grace), gives back its runner lease, pauses its
 * import jobs after their current batch and exits; the primary exits when they all have. A worker
 * that dies otherwise is replaced.
 */
import cluster, { type Worker } from 'node:cluster';
import pino, { type Logger } from 'pino';
import type { Config } from './config.js';
import { createCognate } from './app.js';
import { startCognate } from './index.js';
import { listenerUrl } from './server.js';
import { listenerTls, trustInstructions, type TlsInfo } from './tls/listener.js';
import { parseTarget } from './triggers/functions.js';
import { serveClusterMetrics } from './cluster-metrics.js';
import type { AdminCredentials } from './domain/secrets.js';

function logger(config: Config, base?: Record<string, unknown>): Logger {
  return pino({ level: config.logLevel, base: base ?? undefined, redact: ['req.headers.authorization', '*.password', '*.Password'] });
}

/** What the operator is told once the server listens: where, the CA to trust, a generated admin key pair, unsigned webhooks. */
function announce(config: Config, log: Logger, at: { url: string; publicUrl: string; database: string; tls: TlsInfo | undefined; admin: AdminCredentials; workers?: number }): void {
  const { tls, admin } = at;
  log.info({ url: at.url, publicUrl: at.publicUrl, database: at.database, dataDir: config.dataDir, ...(at.workers ? { workers: at.workers } : {}), ...(tls?.caCertPath ? { devCa: tls.caCertPath } : {}) }, 'Cognate is listening');
  if (tls?.caCreated) process.stdout.write(trustInstructions(tls));
  // Webhooks without a signing secret can't tell Cognate's calls from anyone else's.
  const webhookTriggers = Object.values(config.triggers).some((target) => parseTarget(target).kind === 'webhook');
  if (webhookTriggers && !config.triggerWebhookSecret) log.warn('trigger webhooks are configured without --trigger-webhook-secret: their requests are not signed');
  if (config.smsWebhookUrl && !config.smsWebhookSecret) log.warn('the SMS webhook is configured without --sms-webhook-secret: its requests are not signed');
  if (admin.generated) {
    process.stdout.write(
      `\nAdmin credentials for signed (SigV4) calls were generated and saved in ${config.dataDir}/admin-credentials.json:\n` +
        `  AWS_ACCESS_KEY_ID=${admin.accessKeyId}\n  AWS_SECRET_ACCESS_KEY=${admin.secretAccessKey}\n\n`,
    );
  }
}

/** Runs `stop` once, on the first SIGTERM or SIGINT (a terminal's Ctrl-C reaches every process of the group). */
function onSignals(stop: (signal: NodeJS.Signals) => void): void {
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      stop(signal);
    });
  }
}

export async function start(config: Config): Promise<void> {
  if (cluster.isWorker) return startWorker(config);
  if (config.workers > 1) return startPrimary(config);
  const running = await startCognate(config, { log: logger(config) });
  const { cognate } = running;
  announce(config, cognate.log, { url: running.url, publicUrl: cognate.config.publicUrl, database: cognate.store.dialect, tls: running.tls, admin: cognate.admin });
  onSignals(() => {
    void running.close(config.shutdownGraceMs).finally(() => process.exit(0));
  });
}

/** A worker: the whole server, on the port the primary shares. */
async function startWorker(config: Config): Promise<void> {
  const log = logger(config, { worker: cluster.worker?.id });
  const running = await startCognate(config, { log });
  log.debug({ url: running.url }, 'worker listening');
  const stop = () => void running.close(config.shutdownGraceMs).finally(() => process.exit(0));
  onSignals(stop);
  // The primary is gone (killed outright): nobody will forward a signal any more.
  process.once('disconnect', stop);
}

/** How long after the grace period the primary waits before it kills a worker that hasn't exited. */
const KILL_AFTER_GRACE_MS = 5000;
/**
 * When a dead worker's replacement is forked: after 1 s, doubling with each death that follows
 * another within {@link STABLE_MS} (a worker that dies at start, or keeps dying, doesn't spin), up
 * to 60 s between tries; a worker that lived {@link STABLE_MS} starts the count afresh.
 */
export function reforkDelayMs(deathsInARow: number): number {
  return Math.min(REFORK_MAX_DELAY_MS, REFORK_DELAY_MS * 2 ** Math.max(0, deathsInARow - 1));
}
const REFORK_DELAY_MS = 1000;
const REFORK_MAX_DELAY_MS = 60_000;
/** A worker alive this long is no longer part of a crash loop. */
const STABLE_MS = 60_000;

async function startPrimary(config: Config): Promise<void> {
  const log = logger(config, { primary: process.pid });
  // The once-only set-up, before any worker opens the database: migrations, master key, server
  // secrets, the admin key pair (generated here, read by the workers), the development CA.
  const cognate = await createCognate(config, log);
  let tls: TlsInfo | undefined;
  try {
    tls = (await listenerTls(cognate))?.info;
  } finally {
    await cognate.close();
  }

  serveClusterMetrics();
  let stopping = false;
  const ready = new Set<number>();
  let announced = false;
  const born = new Map<number, number>();
  let deathsInARow = 0;
  const fork = (): Worker => {
    const worker = cluster.fork();
    born.set(worker.id, Date.now());
    return worker;
  };

  await new Promise<void>((resolve, reject) => {
    cluster.on('listening', (worker, address) => {
      ready.add(worker.id);
      if (announced || ready.size < config.workers) return;
      announced = true;
      const url = listenerUrl(config.host, address.port, !!tls);
      const publicUrl = /^https?:\/\/localhost:0$/.test(config.publicUrl) ? url : config.publicUrl;
      announce(config, log, { url, publicUrl, database: cognate.store.dialect, tls, admin: cognate.admin, workers: config.workers });
      resolve();
    });
    cluster.on('exit', (worker, code, signal) => {
      const wasReady = ready.delete(worker.id);
      if (stopping) return;
      if (!announced && !wasReady) {
        // A worker that can't start (the port is taken, the database refuses) won't start again.
        stopping = true;
        for (const other of Object.values(cluster.workers ?? {})) other?.process.kill('SIGTERM');
        reject(new Error(`a worker exited while starting (${signal ?? `code ${code}`}); see its messages above`));
        return;
      }
      const lived = Date.now() - (born.get(worker.id) ?? 0);
      born.delete(worker.id);
      deathsInARow = lived >= STABLE_MS ? 1 : deathsInARow + 1;
      const delayMs = reforkDelayMs(deathsInARow);
      log.warn({ worker: worker.id, code, signal, deathsInARow, restartInMs: delayMs }, 'a worker died; starting another');
      setTimeout(() => {
        if (!stopping) fork();
      }, delayMs).unref();
    });
    for (let i = 0; i < config.workers; i++) fork();
  });

  onSignals(() => {
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
    if (workers.length === 0) process.exit(0);
    for (const worker of workers) worker.process.kill('SIGTERM');
    const kill = setTimeout(() => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
    }, config.shutdownGraceMs + KILL_AFTER_GRACE_MS);
    kill.unref();
    cluster.on('exit', () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    });
  });
}
