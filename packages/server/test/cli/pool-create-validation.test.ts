/**
 * `cognate pool create` and `cognate client create` refuse what CreateUserPool and
 * CreateUserPoolClient refuse, with the API's exception name and message, and store nothing: the
 * command and the action check the input the same way and call the same domain function
 * (domain/pool-admin.ts).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pino from 'pino';
import { CreateUserPoolClientCommand, CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { createCognate } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { failure, startTestServer, type TestServer } from '../support/server.js';

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const run = promisify(execFile);

/** Runs `cognate <args>` that must fail; its exit code and standard error. */
async function refused(args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await run(process.execPath, ['--import', 'tsx', CLI, ...args], { timeout: 60_000 });
  } catch (e) {
    const err = e as { code: number; stderr: string };
    return { code: err.code, stderr: err.stderr };
  }
  throw new Error(`cognate ${args.join(' ')} succeeded`);
}

describe('the cognate command refuses what the API refuses', () => {
  let dataDir: string;
  let server: TestServer;
  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'cognate-cli-validation-'));
    server = await startTestServer('sqlite');
  });
  after(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const flags = () => ['--data-dir', dataDir, '--argon2-memory', '4096'];

  const poolCases: { name: string; args: string[]; input: Record<string, unknown> }[] = [
    { name: 'a username attribute that is not email or phone_number', args: ['--name', 'shop', '--username-attributes', 'nickname'], input: { PoolName: 'shop', UsernameAttributes: ['nickname'], AutoVerifiedAttributes: ['email'] } },
    { name: 'an auto-verified attribute that is not email or phone_number', args: ['--name', 'shop', '--auto-verify', 'name'], input: { PoolName: 'shop', AutoVerifiedAttributes: ['name'] } },
    { name: 'a pool name with characters Cognito does not allow', args: ['--name', 'shop/../etc'], input: { PoolName: 'shop/../etc', AutoVerifiedAttributes: ['email'] } },
  ];

  for (const c of poolCases) {
    it(`pool create: ${c.name}`, async () => {
      const api = await failure(() => server.admin.send(new CreateUserPoolCommand(c.input as never)));
      assert.equal(api.name, 'InvalidParameterException');
      const cli = await refused(['pool', 'create', ...c.args, ...flags()]);
      assert.equal(cli.code, 1);
      assert.equal(cli.stderr, `cognate: ${api.name}: ${api.message}\n`, 'the same exception and message as the API');
    });
  }

  it('client create: an auth flow Cognito does not know', async () => {
    const pool = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'apps' }))).UserPool!.Id!;
    const api = await failure(() => server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: pool, ClientName: 'app', ExplicitAuthFlows: ['ALLOW_EVERYTHING' as never] })));
    assert.equal(api.name, 'InvalidParameterException');
    const local = (await run(process.execPath, ['--import', 'tsx', CLI, 'pool', 'create', '--name', 'apps', ...flags()], { timeout: 60_000 })).stdout.trim();
    const cli = await refused(['client', 'create', '--pool', local, '--flows', 'ALLOW_EVERYTHING', ...flags()]);
    assert.equal(cli.code, 1);
    assert.equal(cli.stderr, `cognate: ${api.name}: ${api.message}\n`);
  });

  it('a refused command stored nothing: only the one valid pool exists, with no client', async () => {
    const config = loadConfig({ dataDir, printOutbox: false, argon2MemoryKiB: 4096 }, {});
    const cognate = await createCognate(config, pino({ level: 'silent' }), { generateAdminCredentials: false });
    try {
      const { pools } = await cognate.pools.list(60);
      assert.deepEqual(pools.map((p) => p.name), ['apps']);
      assert.deepEqual((await cognate.clients.list(pools[0]!.id, 60)).clients, []);
    } finally {
      await cognate.close();
    }
  });
});
