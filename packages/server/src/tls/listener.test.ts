import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server as HttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SecureContext } from 'node:tls';
import pino from 'pino';
import { loadConfig } from '../config.js';
import type { Store } from '../store/db.js';
import { issueLeaf, loadOrCreateDevCa } from './dev-ca.js';
import { listenerTls, nameCovers } from './listener.js';

const DAY = 86_400_000;
const withDir = async (fn: (dir: string) => Promise<void>) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cognate-dev-ca-'));
  try {
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

describe('the development CA', () => {
  it('is made once when several starts race for it (the workers of one machine)', () =>
    withDir(async (dir) => {
      const cas = await Promise.all([1, 2, 3, 4].map(() => loadOrCreateDevCa(dir)));
      assert.equal(new Set(cas.map((c) => c.certPem)).size, 1);
      assert.equal(cas.filter((c) => c.created).length, 1);
      const again = await loadOrCreateDevCa(dir);
      assert.equal(again.created, false);
      assert.equal(again.certPem, cas[0]!.certPem);
    }));

  it('signs leaves of 90 days that chain to it, never outliving it', () =>
    withDir(async (dir) => {
      const ca = await loadOrCreateDevCa(dir);
      const now = Date.now();
      const leaf = await issueLeaf(ca, ['localhost', '127.0.0.1'], now);
      const cert = new X509Certificate(leaf.certPem);
      assert.ok(cert.verify(new X509Certificate(ca.certPem).publicKey));
      assert.equal(cert.ca, false);
      assert.equal(cert.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1');
      assert.equal(Math.round((Date.parse(cert.validTo) - now) / DAY), 90);
      const late = await issueLeaf(ca, ['localhost'], ca.notAfter - 10 * DAY);
      assert.equal(late.notAfter, ca.notAfter);
    }));
});

describe('SNI names', () => {
  it('matches a wildcard over exactly one label', () => {
    assert.ok(nameCovers('*.auth.us-east-1.localhost', 'shop.auth.us-east-1.localhost'));
    assert.ok(!nameCovers('*.auth.us-east-1.localhost', 'a.shop.auth.us-east-1.localhost'));
    assert.ok(!nameCovers('*.auth.us-east-1.localhost', 'auth.us-east-1.localhost'));
    assert.ok(!nameCovers('*.auth.us-east-1.localhost', '.auth.us-east-1.localhost'));
    assert.ok(nameCovers('localhost', 'localhost'));
    assert.ok(!nameCovers('localhost', 'evil-localhost'));
  });
});

describe('the development listener', () => {
  it('renews its default certificate 30 days before it ends, for SNI and for clients without SNI', () =>
    withDir(async (dir) => {
      let t = Date.now();
      const cognate = { config: loadConfig({ tlsDev: true, dataDir: dir }, {}), store: {} as Store, log: pino({ level: 'silent' }) };
      const tls = (await listenerTls(cognate, () => t))!;
      const sni = (name: string) =>
        new Promise<SecureContext>((resolve, reject) => (tls.options.SNICallback as (n: string, cb: (e: Error | null, c?: SecureContext) => void) => void)(name, (e, c) => (e ? reject(e) : resolve(c!))));
      const first = await sni('localhost');
      assert.equal(await sni('shop.auth.us-east-1.localhost'), first, 'one certificate for localhost and the prefix domains');
      const set: unknown[] = [];
      const stop = tls.attach({ setSecureContext: (o: unknown) => set.push(o) } as unknown as HttpsServer);
      try {
        t += 59 * DAY;
        assert.equal(await sni('localhost'), first, 'still 31 days left: kept');
        t += 2 * DAY;
        await sni('localhost'); // starts the renewal
        let renewed = first;
        for (let i = 0; i < 100 && renewed === first; i++) {
          await new Promise((r) => setTimeout(r, 20));
          renewed = await sni('localhost');
        }
        assert.notEqual(renewed, first);
        assert.equal(set.length, 1, 'the server context (no SNI) is replaced too');
      } finally {
        stop();
      }
    }));
});
