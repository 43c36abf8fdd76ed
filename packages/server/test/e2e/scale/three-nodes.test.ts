/**
 * Three Cognate nodes on one PostgreSQL (issue 16): separate processes (`cognate start --workers 1`)
 * on separate ports, one database, one master key and one public URL (the balancer's name, which
 * is their tokens' issuer), driven round-robin by AWS SDK v3 clients.
 * A session started on one node continues on the others and a revocation on any holds on all at
 * once (the database decides, no cache); a signing key rotated under load fails no request, a token
 * signed with the new key verifies on every node at once, and every node signs with it within
 * RELOAD_MS; a client setting changed on one node while the others serve is obeyed everywhere
 * within CONFIG_CACHE_MS — nothing the old setting allowed is accepted after that bound.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetUserCommand,
  InitiateAuthCommand,
  RevokeTokenCommand,
  UpdateUserPoolClientCommand,
  type ExplicitAuthFlowsType,
} from '@aws-sdk/client-cognito-identity-provider';
import { createTestDatabase, testPostgresUrl, type TestDatabase } from '../../support/postgres.js';
import { CONFIG_CACHE_MS } from '../../../src/domain/user-pools.js';
import { RELOAD_MS } from '../../../src/domain/signing-keys.js';
import { KEY, PASSWORD, sleep, startNode, type Node, type Place } from './nodes.js';

const CLI = fileURLToPath(new URL('../../../dist/cli.js', import.meta.url));
const FLOWS: ExplicitAuthFlowsType[] = ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'];
const USERS = Array.from({ length: 6 }, (_, i) => `member-${i}`);
const kidOf = (jwt: string) => (JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString('utf8')) as { kid: string }).kid;
const failure = (e: unknown) => `${(e as Error).name}: ${(e as Error).message}`;

describe('three nodes on one PostgreSQL', { skip: !testPostgresUrl && 'needs PostgreSQL (COGNATE_TEST_PG_URL)' }, () => {
  let database: TestDatabase | undefined;
  let place: Place;
  const nodes: Node[] = [];
  let poolId: string;
  let clientId: string;

  const signIn = (node: Node, username: string) =>
    node.user.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: username, PASSWORD } }));
  const refresh = (node: Node, token: string) => node.user.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: clientId, AuthParameters: { REFRESH_TOKEN: token } }));
  const getUser = (node: Node, accessToken: string) => node.user.send(new GetUserCommand({ AccessToken: accessToken }));

  /**
   * Each user's loop, until `stop()`: sign in on one node, read the user on the next, refresh on the
   * third, read again with the new token on the first — every step on another node. Returns the
   * outcomes with the time each request was sent.
   */
  function load(step: (username: string, k: number) => Promise<void>) {
    let running = true;
    const loops = USERS.map(async (username, u) => {
      for (let k = u; running; k++) await step(username, k);
    });
    return async () => {
      running = false;
      await Promise.all(loops);
    };
  }

  before(async () => {
    database = await createTestDatabase();
    place = { dataDir: await mkdtemp(path.join(tmpdir(), 'cognate-three-nodes-')), databaseUrl: database!.url };
    // The first migrates and makes the master key; the other two then start side by side. All three
    // are one service behind one public name: the issuer of their tokens (--public-url) is the same.
    const args = ['--workers', '1', '--public-url', 'http://cognate.internal:9229'];
    nodes.push(await startNode(place, args));
    nodes.push(...(await Promise.all([startNode(place, args), startNode(place, args)])));
    const [a] = nodes;
    poolId = (await a!.admin.send(new CreateUserPoolCommand({ PoolName: 'three-nodes' }))).UserPool!.Id!;
    clientId = (await a!.admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app', ExplicitAuthFlows: FLOWS }))).UserPoolClient!.ClientId!;
    for (const username of USERS) {
      await a!.admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: username, MessageAction: 'SUPPRESS' }));
      await a!.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: PASSWORD, Permanent: true }));
    }
    // The other nodes see the new pool and client once their configuration caches allow.
    await sleep(CONFIG_CACHE_MS + 100);
  });

  after(async () => {
    await Promise.all(nodes.map((n) => n.stop('SIGKILL')));
    await database?.drop();
    if (place) await rm(place.dataDir, { recursive: true, force: true });
  });

  it('signed in on one node, refreshed on a second, revoked on the third: refused on every node at once', async () => {
    const [a, b, c] = nodes as [Node, Node, Node];
    const first = (await signIn(a, 'member-0')).AuthenticationResult!;
    const second = (await refresh(b, first.RefreshToken!)).AuthenticationResult!;
    for (const node of nodes) {
      assert.equal((await getUser(node, first.AccessToken!)).Username, 'member-0');
      assert.equal((await getUser(node, second.AccessToken!)).Username, 'member-0');
    }
    await c.user.send(new RevokeTokenCommand({ ClientId: clientId, Token: first.RefreshToken! }));
    for (const node of nodes) {
      await assert.rejects(refresh(node, first.RefreshToken!), { name: 'NotAuthorizedException' });
      for (const token of [first.AccessToken!, second.AccessToken!]) await assert.rejects(getUser(node, token), { name: 'NotAuthorizedException', message: 'Access Token has been revoked' });
    }
  });

  it(`a signing key rotated under load: no request fails, the new key's tokens verify everywhere at once, and every node signs with it within ${RELOAD_MS} ms`, async () => {
    const before = (await signIn(nodes[0]!, 'member-1')).AuthenticationResult!;
    const failures: string[] = [];
    const stop = load(async (username, k) => {
      const [x, y, z] = [nodes[k % 3]!, nodes[(k + 1) % 3]!, nodes[(k + 2) % 3]!];
      try {
        const signedIn = (await signIn(x, username)).AuthenticationResult!;
        await getUser(y, signedIn.AccessToken!);
        const refreshed = (await refresh(z, signedIn.RefreshToken!)).AuthenticationResult!;
        await getUser(x, refreshed.AccessToken!);
      } catch (e) {
        failures.push(failure(e));
      }
    });
    // `cognate keys rotate`, a process of its own on the database, as an operator would run it.
    const rotated = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, 'keys', 'rotate', '--pool', poolId, '--data-dir', place.dataDir, '--database-url', place.databaseUrl, '--admin-access-key-id', KEY.accessKeyId, '--admin-secret-access-key', KEY.secretAccessKey, '--log-level', 'silent'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout!.on('data', (c) => (out += c));
      child.stderr!.on('data', (c) => (out += c));
      child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`keys rotate exited ${code}: ${out}`))));
    });
    const newKid = new RegExp(`^${poolId}: (\\S+) signs now`).exec(rotated)?.[1] ?? assert.fail(rotated);
    const oldKid = kidOf(before.AccessToken!);
    assert.notEqual(newKid, oldKid);
    await sleep(RELOAD_MS + 500);
    await stop();
    assert.deepEqual(failures, [], 'no request failed during the rotation');
    // Every node signs with the new key now; each token verifies on every node, and so does one signed before.
    for (const [i, node] of nodes.entries()) {
      const tokens = (await signIn(node, `member-${i}`)).AuthenticationResult!;
      assert.equal(kidOf(tokens.AccessToken!), newKid, `node ${i} signs with the new key`);
      assert.equal(kidOf(tokens.IdToken!), newKid);
      for (const other of nodes) assert.equal((await getUser(other, tokens.AccessToken!)).Username, `member-${i}`);
    }
    for (const node of nodes) assert.equal((await getUser(node, before.AccessToken!)).Username, 'member-1', 'a token of the retired key still verifies');
  });

  it(`a client setting changed on one node while the others serve: after ${CONFIG_CACHE_MS} ms no node accepts what it forbids`, async () => {
    const outcomes: { sentAt: number; outcome: string }[] = [];
    const stop = load(async (username, k) => {
      const sentAt = Date.now();
      try {
        await signIn(nodes[k % 3]!, username);
        outcomes.push({ sentAt, outcome: 'signed in' });
      } catch (e) {
        outcomes.push({ sentAt, outcome: failure(e) });
      }
    });
    await sleep(300);
    await nodes[0]!.admin.send(new UpdateUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId, ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'] }));
    const changedAt = Date.now();
    await sleep(CONFIG_CACHE_MS + 1000);
    await stop();
    const refused = 'InvalidParameterException: USER_PASSWORD_AUTH flow not enabled for this client';
    const late = outcomes.filter((o) => o.sentAt > changedAt + CONFIG_CACHE_MS);
    assert.ok(late.length >= 3, `sign-ins were tried after the bound (${late.length})`);
    assert.deepEqual(late.filter((o) => o.outcome !== refused), [], 'nothing the new setting forbids was accepted after the bound');
    assert.deepEqual(outcomes.filter((o) => o.outcome !== refused && o.outcome !== 'signed in'), [], 'before the bound: signed in or refused, nothing else');
    assert.ok(outcomes.some((o) => o.outcome === 'signed in'), 'the nodes served before the change');
  });
});
