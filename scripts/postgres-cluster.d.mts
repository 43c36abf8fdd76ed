import type { ChildProcess } from 'node:child_process';

export interface Cluster {
  /** postgres://postgres@127.0.0.1:<port>/postgres (trust authentication). */
  url: string;
  port: number;
  version: string;
  dataDir: string;
  logFile: string;
  /** `pg_ctl stop -m <mode>` (default 'immediate'); nothing when the server is not running. */
  stop(mode?: 'smart' | 'fast' | 'immediate'): Promise<void>;
  /** Starts the stopped server again on the same port and waits until it accepts connections. */
  start(): Promise<void>;
}

export interface StartOptions {
  /** The folder with initdb, pg_ctl and postgres (findPostgresBin()). */
  bin: string;
  /** An empty temporary folder; the cluster lives in `dir/pg`. The caller removes it. */
  dir: string;
  /** Keep synchronous_commit on, so acknowledged commits survive `stop('immediate')`. */
  durable?: boolean;
  onCreated?: (cluster: Cluster) => void;
  interrupted?: () => string | null;
}

export const children: Set<ChildProcess>;
export function killChild(child: ChildProcess, signal: NodeJS.Signals): void;
export function capture(command: string, args: string[], options?: Record<string, unknown>): Promise<string>;
export function findPostgresBin(): string | undefined;
export function freePort(): Promise<number>;
export function startCluster(options: StartOptions): Promise<Cluster>;
