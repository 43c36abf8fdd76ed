/**
 * The pool's SAML keys (SAML signing and encryption, cognito-user-pools-SAML-signing-encryption):
 * - one signing key per pool: it signs AuthnRequests (when a provider's RequestSigningAlgorithm
 *   is rsa-sha256) and LogoutRequests; GetSigningCertificate returns its certificate;
 * - one encryption key per SAML provider whose EncryptedResponses is true: the IdP encrypts
 *   assertions to its certificate (DescribeIdentityProvider's ActiveEncryptionCertificate).
 * RSA 2048, self-signed certificates valid 10 years, as Cognito's. Made on first use; the first
 * node to store one wins and every node reads it. The private key is sealed at rest.
 */
import 'reflect-metadata'; // @peculiar/x509's dependency injection (tsyringe) needs the Reflect metadata polyfill
import * as x509 from '@peculiar/x509';
import { createPrivateKey, randomBytes, webcrypto } from 'node:crypto';
import * as samlStore from '../../store/saml.js';
import type { Ports } from '../cognate.js';
import type { UserPool } from '../user-pools.js';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export interface SamlKey {
  /** PKCS#8 PEM */
  privateKeyPem: string;
  /** the certificate, base64 DER (no PEM armour: what GetSigningCertificate returns) */
  certificate: string;
}

const ALG = { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' } as const;
const TEN_YEARS_MS = 3652 * 86_400_000;

async function makeKey(commonName: string, now: number): Promise<SamlKey> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString('hex'),
    name: `CN=${commonName}`,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + TEN_YEARS_MS),
    keys,
    signingAlgorithm: ALG,
  });
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey as webcrypto.CryptoKey));
  const privateKeyPem = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }) as string;
  return { privateKeyPem, certificate: Buffer.from(cert.rawData).toString('base64') };
}

const aad = (poolId: string, purpose: string, providerName: string) => `saml-key:${poolId}:${purpose}:${providerName}`;

async function keyFor(cognate: Ports<'clock' | 'secrets' | 'store'>, pool: UserPool, purpose: 'signing' | 'encryption', providerName: string, create: boolean | 'anew'): Promise<SamlKey | undefined> {
  const read = async () => {
    const row = await samlStore.findKey(cognate.store.db, pool.id, purpose, providerName);
    if (!row) return undefined;
    const pem = cognate.secrets.atRest.openString(row.private_key_sealed, aad(pool.id, purpose, providerName));
    if (!pem) throw new Error(`the SAML ${purpose} key of ${pool.id} does not open under the master key`);
    return { privateKeyPem: pem.toString('utf8'), certificate: row.certificate };
  };
  const found = create === 'anew' ? undefined : await read();
  if (found || !create) return found;
  const now = cognate.clock.now();
  const key = await makeKey(`${pool.id}${providerName ? ' ' + providerName : ''}`, now);
  const row = {
    pool_id: pool.id,
    purpose,
    provider_name: providerName,
    private_key_sealed: cognate.secrets.atRest.sealToString(key.privateKeyPem, aad(pool.id, purpose, providerName)),
    certificate: key.certificate,
    created_at: now,
  };
  if (create === 'anew') await cognate.store.transaction((trx) => samlStore.replaceKey(trx, row));
  else await samlStore.insertKeyIfAbsent(cognate.store.db, row);
  return read();
}

/** The pool's SAML signing key and certificate (made on first use). */
export async function poolSigningKey(cognate: Ports<'clock' | 'secrets' | 'store'>, pool: UserPool): Promise<SamlKey> {
  return (await keyFor(cognate, pool, 'signing', '', true))!;
}

/**
 * The encryption key of a provider: made when `create` (UpdateIdentityProvider turning
 * EncryptedResponses on keeps an existing one), or made anew (`'anew'`: CreateIdentityProvider, so a
 * provider created under a deleted one's name never inherits its key).
 */
export async function providerEncryptionKey(cognate: Ports<'clock' | 'secrets' | 'store'>, pool: UserPool, providerName: string, create: boolean | 'anew' = false): Promise<SamlKey | undefined> {
  return keyFor(cognate, pool, 'encryption', providerName, create);
}

/** GetSigningCertificate: the pool's SAML signing certificate, base64 DER. */
export async function getSigningCertificate(cognate: Ports<'clock' | 'pools' | 'secrets' | 'store'>, poolId: string): Promise<string> {
  const pool = await cognate.pools.get(poolId);
  return (await poolSigningKey(cognate, pool)).certificate;
}
