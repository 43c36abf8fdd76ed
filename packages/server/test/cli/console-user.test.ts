/**
 * `cognate console-user create | list | delete` through the real binary, on one data folder: the
 * password read from standard input (never a flag), the TOTP secret printed once, the list, a
 * deletion (audited with actor `cli`), and a second deletion refused with exit code 1.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cognate, type Failed } from './devflow-helpers.js';

describe('cognate console-user', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'cognate-console-user-'));
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('create (password from stdin), list, delete (audited), and a second delete refused', async () => {
    const flags = ['--data-dir', dataDir];
    const created = await cognate(['console-user', 'create', '--username', 'ops', ...flags], {}, 'a long console password\n');
    assert.match(created.stdout, /^created console user ops\nTOTP secret: [A-Z2-7]{32,}\notpauth:\/\/totp\/Cognate%20console%3Aops\?secret=/);
    const taken = (await cognate(['console-user', 'create', '--username', 'ops', ...flags], {}, 'a long console password\n').catch((e: Failed) => e)) as Failed;
    assert.equal(taken.code, 1, 'the name is taken');

    assert.match((await cognate(['console-user', 'list', ...flags])).stdout, /^ops\t\d{4}-\d\d-\d\dT[\d:.]+Z\n$/);
    assert.equal((await cognate(['console-user', 'delete', '--username', 'ops', ...flags])).stdout, 'deleted console user ops; their sessions are over\n');
    assert.equal((await cognate(['console-user', 'list', ...flags])).stdout, '');
    const again = (await cognate(['console-user', 'delete', '--username', 'ops', ...flags]).catch((e: Failed) => e)) as Failed;
    assert.equal(again.code, 1);
    assert.match(again.stderr, /no console user named ops/);
  });
});
