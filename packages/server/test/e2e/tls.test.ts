/**
 * TLS: the listener over HTTPS with a given certificate and key (AWS SDK v3 through an agent that
 * trusts it), and the development mode (--tls-dev): a local CA made once in the data folder (key
 * mode 0600) and reused across restarts, certificates by SNI for localhost and the prefix-domain
 * pattern, for a custom domain made with CreateUserPoolDomain, and never for an unknown name; bad
 * flag combinations refused with a message naming the flags.
 *
 * The certificate fixtures of the first suite come from the openssl command, not from Cognate's
 * code. What needs the store (SNI looks domains up) runs on SQLite and PostgreSQL; the rest of TLS
 * never touches the database and runs once.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CognitoIdentityProviderClient, CreateUserPoolCommand, CreateUserPoolDomainCommand, DescribeUserPoolDomainCommand, ListUserPoolsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { loadConfig, startCognate } from '../../src/index.js';
import { databaseKinds } from '../support/postgres.js';
import { ADMIN, startTestServer, type TestServer } from '../support/server.js';
import { fetchWith, presentedCertificate, sdkOverTls, trustingAgent } from '../support/tls.js';
import { browserSkip, launchBrowser, saveScreenshot } from '../support/browser.js';

const CERT_ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';
const DAY = 86_400_000;

/** openssl's view of a certificate's extensions. */
const extensionsOf = (pemFile: string) => execFileSync('openssl', ['x509', '-in', pemFile, '-noout', '-ext', 'basicConstraints,keyUsage,extendedKeyUsage,subjectAltName']).toString();

function selfSignedWithOpenssl(dir: string, name = 'localhost'): { cert: string; key: string } {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name},IP:127.0.0.1`], { stdio: 'ignore' });
  return { cert, key };
}

describe('TLS with --tls-cert and --tls-key', () => {
  let dir: string;
  let server: TestServer;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'cognate-tls-files-'));
    const { cert, key } = selfSignedWithOpenssl(dir);
    server = await startTestServer('sqlite', { tlsCert: cert, tlsKey: key });
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers the API over HTTPS to the AWS SDK trusting that certificate', async () => {
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(server.running.tls?.mode, 'files');
    const created = await server.admin.send(new CreateUserPoolCommand({ PoolName: 'over-tls' }));
    const listed = await server.admin.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    assert.ok(listed.UserPools?.some((p) => p.Id === created.UserPool?.Id));
  });

  it('is refused by a client that does not trust the certificate', async () => {
    const stranger = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: server.url, maxAttempts: 1, credentials: ADMIN });
    try {
      await assert.rejects(stranger.send(new ListUserPoolsCommand({ MaxResults: 1 })), /self[- ]signed certificate/i);
    } finally {
      stranger.destroy();
    }
  });

  it('publishes https URLs (the public URL follows the scheme)', async () => {
    const pool = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'discovery' }))).UserPool!.Id!;
    const res = await fetchWith(server.tls!.agent)(`${server.url}/${pool}/.well-known/openid-configuration`);
    assert.equal(res.status, 200);
    const doc = (await res.json()) as { jwks_uri: string };
    assert.equal(doc.jwks_uri, `${server.url}/${pool}/.well-known/jwks.json`);
  });

  it('does not answer plain HTTP on the TLS port', async () => {
    await assert.rejects(fetch(server.url.replace('https:', 'http:') + '/health/live', { signal: AbortSignal.timeout(5000) }));
  });
});

describe('TLS configuration errors', () => {
  it('needs --tls-cert and --tls-key together, naming both', () => {
    assert.throws(() => loadConfig({ tlsCert: '/tmp/cert.pem' }, {}), /--tls-cert and --tls-key go together/);
    assert.throws(() => loadConfig({}, { COGNATE_TLS_KEY: '/tmp/key.pem' }), /--tls-cert and --tls-key go together \(COGNATE_TLS_CERT, COGNATE_TLS_KEY\)/);
  });

  it('refuses --tls-dev with --tls-cert/--tls-key', () => {
    assert.throws(() => loadConfig({ tlsDev: true, tlsCert: '/tmp/cert.pem', tlsKey: '/tmp/key.pem' }, {}), /either --tls-dev or --tls-cert with --tls-key, not both/);
    assert.throws(() => loadConfig({}, { COGNATE_TLS_DEV: 'true', COGNATE_TLS_CERT: 'c', COGNATE_TLS_KEY: 'k' }), /not both/);
    assert.throws(() => loadConfig({}, { COGNATE_TLS_DEV: 'maybe' }), /invalid tlsDev \(COGNATE_TLS_DEV\)/);
  });

  it('defaults the public URL to https://localhost:<port> under TLS, http otherwise', () => {
    assert.equal(loadConfig({ tlsDev: true }, {}).publicUrl, 'https://localhost:9229');
    assert.equal(loadConfig({}, { COGNATE_TLS_CERT: 'c', COGNATE_TLS_KEY: 'k', PORT: '8443' }).publicUrl, 'https://localhost:8443');
    assert.equal(loadConfig({}, {}).publicUrl, 'http://localhost:9229');
  });

  it('names an unreadable certificate file, and a key that does not match the certificate', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cognate-tls-bad-'));
    try {
      const a = selfSignedWithOpenssl(mkdtempSync(path.join(dir, 'a-')));
      const b = selfSignedWithOpenssl(mkdtempSync(path.join(dir, 'b-')));
      const base = { port: 0, dataDir: dir, logLevel: 'silent' };
      await assert.rejects(startCognate(loadConfig({ ...base, tlsCert: path.join(dir, 'missing.pem'), tlsKey: a.key }, {})), /cannot read the --tls-cert file .*missing\.pem: ENOENT/);
      await assert.rejects(startCognate(loadConfig({ ...base, tlsCert: a.cert, tlsKey: b.key }, {})), /--tls-cert .* and --tls-key .* can't be used together/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));

/** Runs `cognate start <args>` until it logs that it listens; resolves with what it printed, then stops it. */
async function startOnce(args: string[]): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'start', '--port', '0', '--print-outbox', 'false', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  try {
    for (let i = 0; i < 300 && !/Cognate is listening/.test(output) && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(output, /Cognate is listening/, output);
    return output;
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

describe('cognate start --tls-dev', () => {
  it('prints where the CA is and how to trust it on the first start only', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cognate-tls-cli-'));
    try {
      const first = await startOnce(['--tls-dev', '--data-dir', dataDir]);
      const ca = path.join(dataDir, 'tls', 'cognate-dev-ca.crt');
      assert.ok(first.includes(`CA certificate: ${ca}`), first);
      assert.ok(first.includes(`NODE_EXTRA_CA_CERTS=${ca}`));
      assert.match(first, /update-ca-certificates/);
      assert.match(first, /Browsers: +import it as a trusted authority/);
      assert.match(first, /"url":"https:\/\/127\.0\.0\.1:\d+"/);
      const second = await startOnce(['--tls-dev', '--data-dir', dataDir]);
      assert.doesNotMatch(second, /CA certificate:/);
      assert.ok(second.includes(`"devCa":"${ca}"`), 'later starts log where the CA is');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('exits with a message naming the flags when only --tls-cert is given', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'start', '--tls-cert', '/tmp/cert.pem'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    assert.equal(code, 1);
    assert.match(stderr, /^cognate: --tls-cert and --tls-key go together/m);
  });
});

describe('TLS development mode: the local CA', () => {
  let first: TestServer;
  let caPath: string;
  before(async () => {
    first = await startTestServer('sqlite', { tlsDev: true });
    caPath = first.running.tls!.caCertPath!;
  });
  after(async () => {
    await first?.stop();
  });

  it('makes a CA in the data folder on first start, with its key readable by the owner only (0600)', () => {
    assert.equal(first.running.tls?.mode, 'dev');
    assert.equal(first.running.tls?.caCreated, true);
    assert.equal(path.dirname(caPath), path.join(first.storage.dataDir, 'tls'));
    assert.equal(statSync(first.running.tls!.caKeyPath!).mode & 0o777, 0o600);
    assert.equal(statSync(path.dirname(caPath)).mode & 0o077, 0, 'the tls folder is private too');
  });

  it('makes the CA a 10-year CA:TRUE pathlen:0 certificate signing certificates only', () => {
    const ext = extensionsOf(caPath);
    assert.match(ext, /Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    assert.match(ext, /Key Usage: critical\s+Certificate Sign, CRL Sign/);
    const ca = new X509Certificate(readFileSync(caPath));
    const years = (Date.parse(ca.validTo) - Date.now()) / (365 * DAY);
    assert.ok(years > 9.9 && years < 10.1, `valid for ${years} years`);
  });

  it('reuses the same CA after a restart, and says it did not make one', async () => {
    const before = readFileSync(caPath, 'utf8');
    await first.running.close();
    const again = await startTestServer('sqlite', { tlsDev: true }, first);
    try {
      assert.equal(again.running.tls?.caCreated, false);
      assert.equal(readFileSync(caPath, 'utf8'), before);
      await again.admin.send(new ListUserPoolsCommand({ MaxResults: 1 }));
    } finally {
      await again.stop();
    }
  });

  it('refuses to start when the CA key has become readable by others', async () => {
    const keyPath = path.join(path.dirname(caPath), 'cognate-dev-ca.key');
    chmodSync(keyPath, 0o644);
    try {
      await assert.rejects(startTestServer('sqlite', { tlsDev: true }, first), /cognate-dev-ca\.key is readable by other users \(mode 644\): chmod 600 it/);
    } finally {
      chmodSync(keyPath, 0o600);
    }
  });
});

for (const kind of databaseKinds) {
  describe(`TLS development mode: certificates by SNI (${kind})`, () => {
    let server: TestServer;
    let ca: Buffer;
    let port: number;
    let poolId: string;
    before(async () => {
      server = await startTestServer(kind, { tlsDev: true });
      ca = server.tls!.ca;
      port = Number(new URL(server.url).port);
      poolId = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'sni' }))).UserPool!.Id!;
    });
    after(async () => {
      await server?.stop();
    });

    it('answers the API over HTTPS to the AWS SDK trusting the development CA', async () => {
      const listed = await server.admin.send(new ListUserPoolsCommand({ MaxResults: 60 }));
      assert.ok(listed.UserPools?.some((p) => p.Id === poolId));
    });

    it('serves localhost, 127.0.0.1 and ::1 one certificate of 90 days with serverAuth and the names in subjectAltName', async () => {
      const { cert, trusted, error } = await presentedCertificate(port, 'localhost', ca);
      assert.ok(trusted, error);
      for (const name of ['DNS:localhost', 'IP Address:127.0.0.1', 'IP Address:0:0:0:0:0:0:0:1', 'DNS:*.auth.us-east-1.localhost']) assert.ok((cert.subjectaltname ?? '').split(', ').includes(name), `${name} in ${cert.subjectaltname}`);
      const days = (Date.parse(cert.valid_to) - Date.now()) / DAY;
      assert.ok(days > 89 && days <= 90, `valid for ${days} days`);
      assert.deepEqual((cert as unknown as { ext_key_usage?: string[] }).ext_key_usage, ['1.3.6.1.5.5.7.3.1']);
    });

    it("serves a prefix domain's host, which clients reach at CloudFrontDomain over https", async () => {
      const created = await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: `shop-${kind}` }));
      assert.equal(created.CloudFrontDomain, `shop-${kind}.auth.us-east-1.localhost:${port}`);
      const { trusted, error } = await presentedCertificate(port, `shop-${kind}.auth.us-east-1.localhost`, ca);
      assert.ok(trusted, error);
      const res = await fetchWith(server.tls!.agent)(`https://${created.CloudFrontDomain}/health/live`);
      assert.equal(res.status, 200);
    });

    it('signs a certificate of its own for a custom domain made with CreateUserPoolDomain', async () => {
      const host = `auth-${kind}.example.test`;
      const before = await presentedCertificate(port, host, ca);
      assert.equal(before.trusted, false, 'no certificate before the domain exists');
      assert.match(before.error ?? '', /ERR_TLS_CERT_ALTNAME_INVALID|is not in the cert's altnames/);
      await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: host, CustomDomainConfig: { CertificateArn: CERT_ARN } }));
      const { cert, trusted, error } = await presentedCertificate(port, host, ca);
      assert.ok(trusted, error);
      assert.equal(cert.subjectaltname, `DNS:${host}`);
      const described = (await server.admin.send(new DescribeUserPoolDomainCommand({ Domain: host }))).DomainDescription!;
      assert.equal(described.CloudFrontDistribution, `${host}:${port}`);
      const res = await fetchWith(trustingAgent(ca, [host]))(`https://${described.CloudFrontDistribution}/health/live`);
      assert.equal(res.status, 200);
      const again = await presentedCertificate(port, host, ca);
      assert.equal(again.cert.serialNumber, cert.serialNumber, 'the leaf is cached, not signed per connection');
    });

    it('never signs for a host that is not one of the pools\' domains', async () => {
      for (const host of ['evil.example.com', 'shop-none.auth.eu-west-1.localhost', 'auth.localhost.evil.example', `deeper.shop-${kind}.auth.us-east-1.localhost`]) {
        const { cert, trusted, error } = await presentedCertificate(port, host, ca);
        assert.equal(trusted, false, host);
        assert.match(error ?? '', /ERR_TLS_CERT_ALTNAME_INVALID|is not in the cert's altnames/);
        assert.ok(!(cert.subjectaltname ?? '').includes(host), `${host} must not be named in ${cert.subjectaltname}`);
      }
      const sdk = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: `https://evil.example.com:${port}`, maxAttempts: 1, credentials: ADMIN, ...sdkOverTls(trustingAgent(ca, ['evil.example.com'])) });
      try {
        await assert.rejects(sdk.send(new ListUserPoolsCommand({ MaxResults: 1 })), /altnames|ERR_TLS_CERT_ALTNAME_INVALID/);
      } finally {
        sdk.destroy();
      }
    });
  });
}

describe('TLS development mode in Chromium', { skip: browserSkip }, () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer('sqlite', { tlsDev: true });
  });
  after(async () => {
    await server?.stop();
  });

  it('loads a prefix domain and a custom domain over HTTPS, trusting only the development CA', async () => {
    const poolId = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'browser' }))).UserPool!.Id!;
    const prefix = (await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'browser-shop' }))).CloudFrontDomain!;
    const custom = (await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'login.example.test', CustomDomainConfig: { CertificateArn: CERT_ARN } }))).CloudFrontDomain!;
    const trusting = await launchBrowser({ trustCa: server.running.tls!.caCertPath!, hosts: ['login.example.test'] });
    try {
      const page = await trusting.newPage();
      // Chromium resolves *.localhost to loopback itself; the custom domain goes through --host-resolver-rules.
      for (const authority of [prefix, custom]) {
        const res = await page.goto(`https://${authority}/health/live`);
        assert.equal(res?.status(), 200, authority);
        assert.match((await page.textContent('body')) ?? '', /"status":"ok"/);
      }
      await saveScreenshot(page, 'tls', 'custom-domain-health');
    } finally {
      await trusting.close();
    }
    const untrusting = await launchBrowser();
    try {
      const page = await untrusting.newPage();
      await assert.rejects(page.goto(`https://${prefix}/health/live`), /ERR_CERT_AUTHORITY_INVALID/);
    } finally {
      await untrusting.close();
    }
  });
});
