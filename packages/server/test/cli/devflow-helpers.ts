/**
 * What the devflow suites share: the real `cognate` binary (through tsx, as cli.test.ts runs it),
 * a server started with it, and sign-ins by real clients (amazon-cognito-identity-js for SRP, the
 * AWS SDK v3 for USER_PASSWORD_AUTH).
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CognitoIdentityProviderClient, InitiateAuthCommand, type AuthenticationResultType } from '@aws-sdk/client-cognito-identity-provider';
import { AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession } from 'amazon-cognito-identity-js';

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const run = promisify(execFile);

/** Fixed admin keys and master key: every process of a test reads the same database and signs the same way. */
export const ADMIN = { accessKeyId: 'AKIADEVFLOWTEST00001', secretAccessKey: 'devflow-test-secret-access-key-0000000001' };
export const testEnv = (): Record<string, string> => ({
  COGNATE_ADMIN_ACCESS_KEY_ID: ADMIN.accessKeyId,
  COGNATE_ADMIN_SECRET_ACCESS_KEY: ADMIN.secretAccessKey,
  COGNATE_MASTER_KEY: MASTER_KEY,
  COGNATE_ARGON2_MEMORY_KIB: '4096',
  COGNATE_ARGON2_ITERATIONS: '1',
  COGNATE_RATE_LIMITS: 'off',
  LOG_LEVEL: 'warn',
});
const MASTER_KEY = randomBytes(32).toString('base64');

/** Environment variables of the test process that would change what the binary does. */
const inherited = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('COGNATE_') && k !== 'DATABASE_URL')) as Record<string, string>;

/** Runs `cognate <args>` (with `input` on standard input): stdout and stderr, or a rejection carrying them and the exit code. */
export function cognate(args: string[], env: Record<string, string> = {}, input?: string): Promise<{ stdout: string; stderr: string }> {
  const running = run(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...inherited(), ...testEnv(), ...env }, timeout: 240_000 });
  if (input !== undefined) running.child.stdin?.end(input);
  return running;
}

/** A failed `cognate` run, as execFile rejects it. */
export interface Failed {
  code: number;
  stdout: string;
  stderr: string;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface RunningServer {
  url: string;
  process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Starts `cognate start <args>` on a free port; resolves once it listens (rejects if it exits first). */
export async function startServer(args: string[], env: Record<string, string> = {}): Promise<RunningServer> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'start', '--port', String(port), '--print-outbox', 'false', '--log-level', 'info', ...args], {
    env: { ...inherited(), ...testEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  for (let i = 0; i < 1200 && !/Cognate is listening/.test(output); i++) {
    const done = await Promise.race([exited.then((code) => ({ code })), new Promise<undefined>((r) => setTimeout(r, 100))]);
    if (done) throw new Error(`cognate start exited (${done.code}):\n${output}`);
  }
  if (!/Cognate is listening/.test(output)) {
    child.kill('SIGKILL');
    throw new Error(`cognate start did not listen:\n${output}`);
  }
  return {
    url: `http://127.0.0.1:${port}`,
    process: child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** An SDK client signed with the test's admin keys. */
export const adminClient = (url: string) => new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: url, credentials: ADMIN, maxAttempts: 1 });
/** An SDK client for unauthenticated calls (SignUp, InitiateAuth …). */
export const publicClient = (url: string) => new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: url, credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });

/** USER_SRP_AUTH with amazon-cognito-identity-js; resolves with the ID token's payload or the challenge it stopped at. */
export function srpSignIn(url: string, p: { poolId: string; clientId: string; username: string; password: string; totp?: () => string }): Promise<{ idToken: Record<string, unknown> } | { challenge: string }> {
  const pool = new CognitoUserPool({ UserPoolId: p.poolId, ClientId: p.clientId, endpoint: url + '/' });
  const user = new CognitoUser({ Username: p.username, Pool: pool });
  return new Promise((resolve, reject) => {
    user.authenticateUser(new AuthenticationDetails({ Username: p.username, Password: p.password }), {
      onSuccess: (session: CognitoUserSession) => resolve({ idToken: session.getIdToken().payload }),
      onFailure: reject,
      totpRequired: () => {
        if (!p.totp) return resolve({ challenge: 'SOFTWARE_TOKEN_MFA' });
        user.sendMFACode(p.totp(), { onSuccess: (session: CognitoUserSession) => resolve({ idToken: session.getIdToken().payload }), onFailure: reject }, 'SOFTWARE_TOKEN_MFA');
      },
      mfaRequired: () => resolve({ challenge: 'SMS_MFA' }),
      newPasswordRequired: () => resolve({ challenge: 'NEW_PASSWORD_REQUIRED' }),
    });
  });
}

/** USER_PASSWORD_AUTH with the AWS SDK v3. */
export async function passwordSignIn(url: string, p: { clientId: string; username: string; password: string; secretHash?: string }): Promise<{ result?: AuthenticationResultType; challenge?: string }> {
  const client = publicClient(url);
  try {
    const out = await client.send(new InitiateAuthCommand({ ClientId: p.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: p.username, PASSWORD: p.password, ...(p.secretHash ? { SECRET_HASH: p.secretHash } : {}) } }));
    return { ...(out.AuthenticationResult ? { result: out.AuthenticationResult } : {}), ...(out.ChallengeName ? { challenge: out.ChallengeName } : {}) };
  } finally {
    client.destroy();
  }
}
