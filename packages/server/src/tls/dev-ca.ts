/**
 * The TLS development mode's local certificate authority (`--tls-dev`): an ECDSA P-256 CA made on
 * first start and kept in the data folder (`tls/cognate-dev-ca.crt`, and its key beside it with
 * mode 0600), and the short-lived leaf certificates it signs for the names this server answers to.
 *
 * Node can verify certificates but not make them; @peculiar/x509 builds them on WebCrypto (Node's
 * own `crypto.webcrypto` signs), so no key ever passes through JavaScript big-number code. This
 * module is loaded only in development mode.
 *
 * Profile (RFC 5280, and what browsers require of a server certificate):
 * - CA: 10 years, basicConstraints CA:true pathlen:0 (critical), keyUsage keyCertSign+cRLSign
 *   (critical), subject key identifier.
 * - leaf: 90 days (renewed 30 days before it ends), basicConstraints CA:false, keyUsage
 *   digitalSignature (critical), extendedKeyUsage serverAuth, subjectAltName (DNS names and IP
 *   addresses: browsers ignore the CN), authority key identifier.
 */
import 'reflect-metadata'; // @peculiar/x509's dependency injection (tsyringe) needs the Reflect metadata polyfill
import * as x509 from '@peculiar/x509';
import { createPrivateKey, randomBytes, webcrypto, X509Certificate } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { isIP } from 'node:net';
import path from 'node:path';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;
export const CA_VALIDITY_DAYS = 3650;
export const LEAF_VALIDITY_DAYS = 90;
/** A leaf is replaced once it has less than this left. */
export const RENEW_BEFORE_MS = 30 * DAY;

export interface DevCa {
  certPath: string;
  keyPath: string;
  certPem: string;
  /** true when this start made it (the trust instructions are printed then). */
  created: boolean;
  notAfter: number;
  cert: x509.X509Certificate;
  key: CryptoKey;
}

export interface LeafCertificate {
  /** The leaf, PEM (the CA is what clients trust; it is not sent). */
  certPem: string;
  keyPem: string;
  names: readonly string[];
  notAfter: number;
}

const serial = () => {
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f; // a positive INTEGER (RFC 5280 4.1.2.2)
  return b.toString('hex');
};

const pkcs8Pem = async (key: CryptoKey) => createPrivateKey({ key: Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key as webcrypto.CryptoKey)), format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }) as string;

const generateKeys = () => webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;

/** The CA of `dir` (the data folder's `tls/`), made on first use. Several processes starting at once agree on one. */
export async function loadOrCreateDevCa(dir: string, now = Date.now()): Promise<DevCa> {
  const certPath = path.join(dir, 'cognate-dev-ca.crt');
  const keyPath = path.join(dir, 'cognate-dev-ca.key');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let created = false;
  if (!existsSync(keyPath)) created = await createCa(certPath, keyPath, now);
  const keyPem = readFileSync(keyPath, 'utf8');
  const mode = statSync(keyPath).mode & 0o777;
  if (mode & 0o077) throw new Error(`${keyPath} is readable by other users (mode ${mode.toString(8)}): chmod 600 it, or delete ${dir} to make a new development CA`);
  const certPem = await readWhenWritten(certPath);
  const nodeCert = new X509Certificate(certPem);
  if (!nodeCert.checkPrivateKey(createPrivateKey(keyPem))) throw new Error(`${certPath} and ${keyPath} do not belong together: delete ${dir} to make a new development CA`);
  const der = createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'der' });
  const key = (await webcrypto.subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign'])) as CryptoKey;
  const cert = new x509.X509Certificate(certPem);
  return { certPath, keyPath, certPem, created, notAfter: cert.notAfter.getTime(), cert, key };
}

/**
 * Makes the CA and publishes it: the key is linked into place (link fails if another process got
 * there first, and then its CA is the one), the certificate renamed in after it.
 */
async function createCa(certPath: string, keyPath: string, now: number): Promise<boolean> {
  const keys = await generateKeys();
  const name = `CN=Cognate development CA (${hostname().replace(/[,=+<>#;"\\]/g, '')} ${new Date(now).toISOString().slice(0, 10)}), O=Cognate`;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name,
    notBefore: new Date(now - 3_600_000),
    notAfter: new Date(now + CA_VALIDITY_DAYS * DAY),
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const tmp = `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  writeFileSync(keyPath + tmp, await pkcs8Pem(keys.privateKey), { mode: 0o600 });
  writeFileSync(certPath + tmp, cert.toString('pem') + '\n', { mode: 0o644 });
  try {
    linkSync(keyPath + tmp, keyPath);
  } catch (e) {
    rmSync(keyPath + tmp, { force: true });
    rmSync(certPath + tmp, { force: true });
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  rmSync(keyPath + tmp, { force: true });
  renameSync(certPath + tmp, certPath);
  return true;
}

/** Reads the CA certificate, waiting briefly for a process that has just made the key to rename it in. */
async function readWhenWritten(file: string): Promise<string> {
  for (let i = 0; ; i++) {
    try {
      return readFileSync(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || i >= 50) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Signs a fresh leaf for `names` (DNS names, `*.` wildcards, IP addresses). */
export async function issueLeaf(ca: DevCa, names: readonly string[], now = Date.now()): Promise<LeafCertificate> {
  const keys = await generateKeys();
  const notAfter = Math.min(now + LEAF_VALIDITY_DAYS * DAY, ca.notAfter);
  const first = names[0] ?? 'localhost';
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${first.replace(/[,=+<>#;"\\]/g, '')}`,
    issuer: ca.cert.subject,
    notBefore: new Date(now - 3_600_000),
    notAfter: new Date(notAfter),
    signingKey: ca.key,
    publicKey: keys.publicKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names.map((n) => (isIP(n) ? { type: 'ip' as const, value: n } : { type: 'dns' as const, value: n }))),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
    ],
  });
  return { certPem: cert.toString('pem') + '\n', keyPem: await pkcs8Pem(keys.privateKey), names, notAfter };
}
