/**
 * Boots a real Cognate server for a black-box suite: its own data folder, its own database
 * (SQLite, or a fresh PostgreSQL database), a listener on a free loopback port, and admin
 * credentials for signed calls. Suites drive it only through real clients.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import { loadConfig, startCognate, ManualClock, type Config, type RunningCognate } from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from './postgres.js';
import { sdkOverTls, trustingAgent } from './tls.js';

export interface TestServer {
  url: string;
  /** Where its data lives, for a second node or a restart sharing it. */
  storage: { dataDir: string; databaseUrl: string };
  running: RunningCognate;
  clock: ManualClock;
  /** An SDK client signed with the server's admin credentials. */
  admin: CognitoIdentityProviderClient;
  /** An SDK client with no credentials, for unsigned user calls. */
  anonymous: CognitoIdentityProviderClient;
  /** A cognito-identity (identity pools) SDK client signed with the admin credentials. */
  identityAdmin: CognitoIdentityClient;
  /** A cognito-identity SDK client with no usable credentials, for the unsigned calls (GetId …). */
  identity: CognitoIdentityClient;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /**
   * Under TLS (overrides `tlsDev`, or `tlsCert`/`tlsKey`): the CA its certificates chain to (the
   * development CA, or the given certificate) and an agent trusting it that the SDK clients above
   * use (test/support/tls.ts).
   */
  tls?: { ca: Buffer; agent: Agent };
  stop(): Promise<void>;
}

export const ADMIN = { accessKeyId: 'AKIACOGNATETESTADMIN', secretAccessKey: 'cognate-test-admin-secret-0123456789abcdef' };

/**
 * Starts a server. With `shareWith`, it is another node on the same data folder and database (a
 * second node behind a load balancer, or the same node after a restart); stopping it leaves the
 * data to its owner.
 */
export async function startTestServer(kind: 'sqlite' | 'postgres', overrides: Partial<Config> = {}, shareWith?: TestServer): Promise<TestServer> {
  const owner = !shareWith;
  const dataDir = shareWith?.storage.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'cognate-e2e-')));
  let database: TestDatabase | undefined;
  if (kind === 'postgres' && !shareWith) {
    database = await createTestDatabase();
    if (!database) throw new Error('PostgreSQL requested but COGNATE_TEST_PG_URL is not set');
  }
  const databaseUrl = shareWith?.storage.databaseUrl ?? database?.url ?? '';
  const config = loadConfig(
    { port: 0, dataDir, databaseUrl, adminAccessKeyId: ADMIN.accessKeyId, adminSecretAccessKey: ADMIN.secretAccessKey, printOutbox: false, rateLimits: false, issuerStyle: 'aws', sqliteSynchronous: 'NORMAL', argon2MemoryKiB: 4096, logLevel: 'silent' },
    {},
  );
  const clock = new ManualClock(Date.now());
  const running = await startCognate({ ...config, ...overrides }, { clock, log: pino({ level: process.env.COGNATE_TEST_LOG ?? 'silent' }) });
  const caFile = running.tls?.caCertPath ?? (running.tls ? running.cognate.config.tlsCert : undefined);
  const tls = caFile ? (() => { const ca = readFileSync(caFile); return { ca, agent: trustingAgent(ca) }; })() : undefined;
  const common = { region: 'us-east-1', endpoint: running.url, maxAttempts: 1, ...(tls ? sdkOverTls(tls.agent) : {}) };
  const admin = new CognitoIdentityProviderClient({ ...common, credentials: ADMIN });
  const anonymous = new CognitoIdentityProviderClient({ ...common, credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' } });
  const identityAdmin = new CognitoIdentityClient({ ...common, credentials: ADMIN });
  const identity = new CognitoIdentityClient({ ...common, credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' } });
  return {
    url: running.url,
    storage: { dataDir, databaseUrl },
    running,
    clock,
    admin,
    anonymous,
    identityAdmin,
    identity,
    credentials: ADMIN,
    ...(tls ? { tls } : {}),
    async stop() {
      tls?.agent.destroy();
      admin.destroy();
      anonymous.destroy();
      identityAdmin.destroy();
      identity.destroy();
      await running.close();
      if (!owner) return;
      await database?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A request body `fetch` takes: a Buffer's bytes are copied into a plain Uint8Array. */
export function fetchBody(body: string | Buffer): string | Uint8Array<ArrayBuffer> {
  return typeof body === 'string' ? body : new Uint8Array(body);
}

/** Posts a raw awsJson request (for malformed-input tests the SDK won't send). */
export async function rawCall(url: string, target: string | undefined, body: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; json: any; headers: Headers }> {
  const res = await fetch(url + '/', {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', ...(target ? { 'x-amz-target': target } : {}), ...headers },
    body: fetchBody(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json, headers: res.headers };
}

/** Calls an unsigned cognito-idp action with fetch, as browser clients do. */
export const idp = (url: string, action: string, input: unknown) => rawCall(url, `AWSCognitoIdentityProviderService.${action}`, JSON.stringify(input));

/** Runs a call that must fail; returns its error's name (the wire `__type`) and message. */
/** What an error message must never show: stack frames, source files, driver and SQL errors. */
export const LEAKED_INTERNALS = /\n\s+at |\.(?:ts|js):\d+|TypeError|SQLITE|syntax error|violates|constraint failed/i;

export async function failure(fn: () => Promise<unknown>): Promise<{ name: string; message: string }> {
  const { name, message } = await failureWithStatus(fn);
  return { name, message };
}

/** Like {@link failure}, with the HTTP status the error came with. */
export async function failureWithStatus(fn: () => Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined }> {
  try {
    await fn();
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}
