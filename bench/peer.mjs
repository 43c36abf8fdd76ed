// The peer of `npm run bench -- --compare cognito-local`: cognito-local (pinned devDependency,
// jagregory/cognito-local), started as shipped — its own `cognito-local` entry point, its default
// JSON-file store (.cognito/db in a throwaway working folder), its default logging — on a free
// 127.0.0.1 port, and set up through its API with the same AWS SDK v3 as Cognate's set-up: a pool,
// an app client and the same number of users with the same password, each signed in once.
//
// Only the workloads cognito-local supports are compared: password sign-in (USER_PASSWORD_AUTH;
// it has no SRP), refresh and GetUser, through the SDK and through the raw load generator.

import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetUserCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { processTreeCpuSeconds } from './proc.mjs';

/** The scenarios both servers run in a comparison (the SDK ones and their raw counterparts). */
export const PEER_SCENARIOS = ['password', 'refresh', 'getuser', 'rawrefresh', 'rawgetuser'];

const require = createRequire(import.meta.url);

/** cognito-local's version, from its package.json. */
export function peerVersion() {
  try {
    return require('cognito-local/package.json').version;
  } catch {
    return 'unknown';
  }
}

/**
 * Starts cognito-local on `port`; resolves, once it answers, to the same shape as the bench's
 * Cognate server: { child, exited, url, port, cpuSeconds, folder }.
 */
export async function startPeer(port, log) {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'cognate-bench-peer-'));
  const entry = require.resolve('cognito-local/lib/bin/start.js');
  // Its log (a pino-pretty line per request, as it ships) goes to /dev/null: written, not kept.
  const child = spawn(process.execPath, [entry], { cwd: folder, env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c) => (stderr = (stderr + c).slice(-4000)));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const peer = { child, exited, url: `http://127.0.0.1:${port}`, port, folder, cpuSeconds: async () => processTreeCpuSeconds(child.pid), removeFolder: () => rm(folder, { recursive: true, force: true }) };
  let dead = false;
  exited.then(() => (dead = true));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (dead) throw new Error(`cognito-local exited (${await exited}) before it answered: ${stderr.slice(-1000)}`);
    try {
      // Any answer will do (a POST without x-amz-target gets a 400): it listens.
      await fetch(peer.url, { method: 'POST', signal: AbortSignal.timeout(2_000) });
      log(`cognito-local ${peerVersion()} ready at ${peer.url} (working folder ${folder})`);
      return peer;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error('cognito-local did not answer within 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A pool, an app client and `count` confirmed users with `password` on cognito-local, each signed
 * in once (USER_PASSWORD_AUTH) for the refresh and GetUser scenarios. Same shape as Cognate's set-up.
 */
export async function setUpPeer(url, { count, password, mapLimit }) {
  const client = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: url, maxAttempts: 1, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    // cognito-local's pools sign in by email (its UserPoolDefaults, which a request can't unset): the
    // users are named by their email, and GetUser tells the username it keeps for each.
    const poolId = (await client.send(new CreateUserPoolCommand({ PoolName: 'bench' }))).UserPool.Id;
    const clientId = (
      await client.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'bench-web', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))
    ).UserPoolClient.ClientId;
    const names = Array.from({ length: count }, (_, i) => `bench-user-${String(i).padStart(4, '0')}@example.com`);
    // Its store is one JSON file rewritten on each change: one write at a time.
    for (const name of names) {
      await client.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: name, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: name }] }));
      await client.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: name, Password: password, Permanent: true }));
    }
    const users = await mapLimit(names, 4, async (name) => {
      const out = await client.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: name, PASSWORD: password } }));
      const r = out.AuthenticationResult;
      if (!r?.RefreshToken || !r.AccessToken) throw new Error(`cognito-local gave no tokens for ${name}`);
      const username = (await client.send(new GetUserCommand({ AccessToken: r.AccessToken }))).Username;
      return { username, password, refreshToken: r.RefreshToken, accessToken: r.AccessToken, idToken: r.IdToken };
    });
    return { poolId, clientId, users };
  } finally {
    client.destroy();
  }
}
