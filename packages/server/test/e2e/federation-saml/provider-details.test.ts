/**
 * SAML ProviderDetails at CreateIdentityProvider / UpdateIdentityProvider: the metadata is read
 * (MetadataFile, or MetadataURL fetched) and refused with InvalidParameterException when it can't
 * serve sign-in; what Describe shows besides the input; the encryption certificate kept across an
 * update.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { CreateIdentityProviderCommand, CreateUserPoolCommand, DeleteIdentityProviderCommand, DescribeIdentityProviderCommand, UpdateIdentityProviderCommand } from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, type TestServer } from '../../support/server.js';
import { TestIdp } from './idp.js';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

describe('SAML provider details (sqlite)', () => {
  let server: TestServer;
  let idp: TestIdp;
  let poolId: string;
  before(async () => {
    server = await startTestServer('sqlite');
    idp = new TestIdp();
    await idp.start();
    poolId = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'details' }))).UserPool!.Id!;
  });
  after(async () => {
    await idp?.stop();
    await server?.stop();
  });

  const create = (ProviderName: string, ProviderDetails: Record<string, string>) => server.admin.send(new CreateIdentityProviderCommand({ UserPoolId: poolId, ProviderName, ProviderType: 'SAML', ProviderDetails }));

  it('metadata that can\'t serve sign-in is refused with InvalidParameterException', async () => {
    const good = idp.metadata();
    const cases: [string, Record<string, string>, RegExp][] = [
      ['not XML', { MetadataFile: '<EntityDescriptor' }, /not well-formed/],
      ['a DTD', { MetadataFile: `<!DOCTYPE x [<!ENTITY e "x">]>${good}` }, /not well-formed/],
      ['no IDPSSODescriptor', { MetadataFile: good.replace(/<(\w+:)?IDPSSODescriptor[\s\S]*<\/(\w+:)?IDPSSODescriptor>/, '') }, /no IDPSSODescriptor/],
      ['no signing certificate', { MetadataFile: good.replace(/<(\w+:)?KeyDescriptor[\s\S]*?<\/(\w+:)?KeyDescriptor>/g, '') }, /no signing certificate/],
      ['no HTTP-Redirect SSO', { MetadataFile: good.replace(/HTTP-Redirect" Location="[^"]*\/sso"/, 'HTTP-Artifact" Location="http://127.0.0.1/sso"') }, /HTTP-Redirect/],
      ['IDPSignout without SLO', { MetadataFile: good.replace(/<(\w+:)?SingleLogoutService[^>]*?(\/>|>\s*<\/(\w+:)?SingleLogoutService>)/g, ''), IDPSignout: 'true' }, /SingleLogoutService/],
      ['an unreachable MetadataURL', { MetadataURL: 'http://127.0.0.1:9/metadata' }, /Unable to retrieve/],
      ['a MetadataURL that is not metadata', { MetadataURL: `${idp.url}/nothing-here` }, /Unable to retrieve/],
      ['an http MetadataURL off loopback', { MetadataURL: 'http://idp.example.com/metadata' }, /https/],
      ['both MetadataURL and MetadataFile', { MetadataURL: `${idp.url}/metadata`, MetadataFile: good }, /Exactly one/],
      ['RequestSigningAlgorithm rsa-sha1', { MetadataFile: good, RequestSigningAlgorithm: 'rsa-sha1' }, /rsa-sha256/],
    ];
    for (const [why, details, message] of cases) {
      await assert.rejects(create(`Bad${cases.findIndex((c) => c[0] === why)}`, details), (e: Error) => e.name === 'InvalidParameterException' && message.test(e.message), why);
    }
  });

  it('an expired signing certificate in the metadata is refused', async () => {
    const alg = { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' } as const;
    const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
    const now = server.clock.now();
    const old = await x509.X509CertificateGenerator.createSelfSigned({ serialNumber: '01', name: 'CN=old', notBefore: new Date(now - 3 * 86_400_000), notAfter: new Date(now - 86_400_000), keys, signingAlgorithm: alg });
    const expired = Buffer.from(old.rawData).toString('base64');
    const metadata = idp.metadata().replace(/(<(\w+:)?X509Certificate>)[^<]*</, `$1${expired}<`);
    await assert.rejects(create('Expired', { MetadataFile: metadata }), (e: Error) => e.name === 'InvalidParameterException' && /expired/.test(e.message));
  });

  it('Describe shows the binding URIs from the metadata and, with EncryptedResponses, the provider\'s encryption certificate: an update keeps it, a provider created anew under a deleted one\'s name gets its own', async () => {
    await create('Corp', { MetadataURL: `${idp.url}/metadata`, EncryptedResponses: 'true', IDPSignout: 'true' });
    const describe = async () => (await server.admin.send(new DescribeIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'Corp' }))).IdentityProvider!.ProviderDetails!;
    const first = await describe();
    assert.equal(first.MetadataURL, `${idp.url}/metadata`);
    assert.equal(first.SSORedirectBindingURI, `${idp.publicUrl}/sso`);
    assert.equal(first.SLORedirectBindingURI, `${idp.publicUrl}/slo`);
    assert.ok(first.ActiveEncryptionCertificate);
    // An update given Describe's answer back (as Terraform does) keeps the certificate.
    await server.admin.send(new UpdateIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'Corp', ProviderDetails: { ...first, IDPInit: 'true' } }));
    const second = await describe();
    assert.equal(second.ActiveEncryptionCertificate, first.ActiveEncryptionCertificate);
    assert.equal(second.IDPInit, 'true');
    // EncryptedResponses off: no certificate shown.
    const { ActiveEncryptionCertificate: _drop, ...rest } = second;
    await server.admin.send(new UpdateIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'Corp', ProviderDetails: { ...rest, EncryptedResponses: 'false' } }));
    assert.equal((await describe()).ActiveEncryptionCertificate, undefined);
    // Turned on again: the provider's key is still its own.
    await server.admin.send(new UpdateIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'Corp', ProviderDetails: { ...rest, EncryptedResponses: 'true' } }));
    assert.equal((await describe()).ActiveEncryptionCertificate, first.ActiveEncryptionCertificate);
    // A second create under the same name fails and changes nothing; a provider created anew after a delete gets a key of its own.
    await assert.rejects(create('Corp', { MetadataURL: `${idp.url}/metadata`, EncryptedResponses: 'true' }), { name: 'DuplicateProviderException' });
    assert.equal((await describe()).ActiveEncryptionCertificate, first.ActiveEncryptionCertificate);
    await server.admin.send(new DeleteIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'Corp' }));
    await create('Corp', { MetadataURL: `${idp.url}/metadata`, EncryptedResponses: 'true' });
    const renewed = (await describe()).ActiveEncryptionCertificate;
    assert.ok(renewed);
    assert.notEqual(renewed, first.ActiveEncryptionCertificate);
  });
});
