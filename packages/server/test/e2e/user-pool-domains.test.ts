/**
 * User pool domains with the AWS SDK: CreateUserPoolDomain, DescribeUserPoolDomain,
 * UpdateUserPoolDomain and DeleteUserPoolDomain for prefix and custom domains; uniqueness across
 * pools (also under a parallel burst), bad input, cross-pool deletes, the pool's Domain/CustomDomain
 * in DescribeUserPool, cascade on pool deletion, and findPoolByHost.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
  DeleteUserPoolCommand,
  DeleteUserPoolDomainCommand,
  DescribeUserPoolCommand,
  DescribeUserPoolDomainCommand,
  UpdateUserPoolDomainCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../support/postgres.js';
import { failure, startTestServer, type TestServer } from '../support/server.js';
import { findPoolByHost } from '../../src/domain/user-pool-domains.js';

const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';
const CERT2 = 'arn:aws:acm:us-east-1:123456789012:certificate/66666666-7777-8888-9999-000000000000';

for (const kind of databaseKinds) {
  describe(`user pool domains (${kind})`, () => {
    let server: TestServer;
    const newPool = async (name: string) => (await server.admin.send(new CreateUserPoolCommand({ PoolName: name }))).UserPool!.Id!;
    // CloudFrontDomain is the host clients must use: the domain's host with the server's port (domainAuthority).
    const at = (host: string) => `${host}:${new URL(server.url).port}`;
    const describeDomain = async (domain: string) => (await server.admin.send(new DescribeUserPoolDomainCommand({ Domain: domain }))).DomainDescription;

    before(async () => {
      server = await startTestServer(kind, { hostedUiBaseDomain: 'localhost' });
    });
    after(async () => {
      await server?.stop();
    });

    it('creates, describes, updates and deletes a prefix domain', async () => {
      const poolId = await newPool('prefix');
      const created = await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'shop' }));
      assert.equal(created.CloudFrontDomain, at('shop.auth.us-east-1.localhost'));
      assert.equal(created.ManagedLoginVersion, 1);

      const d = await describeDomain('shop');
      assert.equal(d?.UserPoolId, poolId);
      assert.equal(d?.AWSAccountId, '000000000000');
      assert.equal(d?.Domain, 'shop');
      assert.equal(d?.CloudFrontDistribution, at('shop.auth.us-east-1.localhost'));
      assert.equal(d?.Status, 'ACTIVE');
      assert.equal(d?.ManagedLoginVersion, 1);
      assert.equal(d?.CustomDomainConfig, undefined);
      assert.ok(d?.Version);

      const pool = (await server.admin.send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool!;
      assert.equal(pool.Domain, 'shop');
      assert.equal(pool.CustomDomain, undefined);

      const updated = await server.admin.send(new UpdateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'shop', ManagedLoginVersion: 2 }));
      assert.equal(updated.ManagedLoginVersion, 2);
      assert.equal(updated.CloudFrontDomain, at('shop.auth.us-east-1.localhost'));
      assert.equal((await describeDomain('shop'))?.ManagedLoginVersion, 2);

      const prefixWithCert = await failure(() => server.admin.send(new UpdateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'shop', CustomDomainConfig: { CertificateArn: CERT } })));
      assert.equal(prefixWithCert.name, 'InvalidParameterException');

      await server.admin.send(new DeleteUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'shop' }));
      assert.deepEqual(await describeDomain('shop'), {});
      const pool2 = (await server.admin.send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool!;
      assert.equal(pool2.Domain, undefined);
      const again = await failure(() => server.admin.send(new DeleteUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'shop' })));
      assert.equal(again.name, 'InvalidParameterException');
    });

    it('creates a prefix domain with ManagedLoginVersion 2', async () => {
      const poolId = await newPool('v2');
      const created = await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'managed-two', ManagedLoginVersion: 2 }));
      assert.equal(created.ManagedLoginVersion, 2);
      assert.equal((await describeDomain('managed-two'))?.ManagedLoginVersion, 2);
      const bad = await failure(() => server.admin.send(new UpdateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'managed-two', ManagedLoginVersion: 3 })));
      assert.equal(bad.name, 'InvalidParameterException');
    });

    it('creates, describes, updates and deletes a custom domain, beside a prefix domain', async () => {
      const poolId = await newPool('custom');
      await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'custompool' }));
      const created = await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'auth.example.com', CustomDomainConfig: { CertificateArn: CERT } }));
      assert.equal(created.CloudFrontDomain, at('auth.example.com'));
      const d = await describeDomain('auth.example.com');
      assert.equal(d?.UserPoolId, poolId);
      assert.equal(d?.CloudFrontDistribution, at('auth.example.com'));
      assert.deepEqual(d?.CustomDomainConfig, { CertificateArn: CERT });
      assert.equal(d?.Status, 'ACTIVE');

      const pool = (await server.admin.send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool!;
      assert.equal(pool.Domain, 'custompool');
      assert.equal(pool.CustomDomain, 'auth.example.com');

      const second = await failure(() => server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'login.example.com', CustomDomainConfig: { CertificateArn: CERT } })));
      assert.equal(second.name, 'InvalidParameterException');
      const secondPrefix = await failure(() => server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'anotherprefix' })));
      assert.equal(secondPrefix.name, 'InvalidParameterException');

      await server.admin.send(new UpdateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'auth.example.com', CustomDomainConfig: { CertificateArn: CERT2 }, ManagedLoginVersion: 2 }));
      const u = await describeDomain('auth.example.com');
      assert.deepEqual(u?.CustomDomainConfig, { CertificateArn: CERT2 });
      assert.equal(u?.ManagedLoginVersion, 2);

      await server.admin.send(new DeleteUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'auth.example.com' }));
      assert.deepEqual(await describeDomain('auth.example.com'), {});
      assert.equal((await describeDomain('custompool'))?.UserPoolId, poolId);
    });

    it('keeps a name to one pool, and says so', async () => {
      const a = await newPool('a');
      const b = await newPool('b');
      await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: a, Domain: 'taken' }));
      const other = await failure(() => server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: b, Domain: 'taken' })));
      assert.deepEqual(other, { name: 'InvalidParameterException', message: 'Domain already associated with another user pool.' });
      const same = await failure(() => server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: a, Domain: 'taken' })));
      assert.deepEqual(same, { name: 'InvalidParameterException', message: 'Domain already exists.' });
      await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: a, Domain: 'sso.example.org', CustomDomainConfig: { CertificateArn: CERT } }));
      const customOther = await failure(() => server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: b, Domain: 'sso.example.org', CustomDomainConfig: { CertificateArn: CERT } })));
      assert.equal(customOther.message, 'Domain already associated with another user pool.');
    });

    it('lets exactly one of ten pools win a parallel burst for one prefix', async () => {
      const pools = await Promise.all(Array.from({ length: 10 }, (_, i) => newPool(`burst-${i}`)));
      const results = await Promise.allSettled(pools.map((id) => server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: id, Domain: 'burst' }))));
      const won = results.filter((r) => r.status === 'fulfilled');
      assert.equal(won.length, 1);
      for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as Error).name, 'InvalidParameterException');
      const winner = (await describeDomain('burst'))?.UserPoolId;
      assert.ok(winner && pools.includes(winner));
    });

    it('refuses a domain of another pool in DeleteUserPoolDomain and UpdateUserPoolDomain, and keeps it', async () => {
      const owner = await newPool('owner');
      const thief = await newPool('thief');
      await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: owner, Domain: 'mine' }));
      const del = await failure(() => server.admin.send(new DeleteUserPoolDomainCommand({ UserPoolId: thief, Domain: 'mine' })));
      assert.equal(del.name, 'InvalidParameterException');
      const upd = await failure(() => server.admin.send(new UpdateUserPoolDomainCommand({ UserPoolId: thief, Domain: 'mine', ManagedLoginVersion: 2 })));
      assert.equal(upd.name, 'InvalidParameterException');
      const d = await describeDomain('mine');
      assert.equal(d?.UserPoolId, owner);
      assert.equal(d?.ManagedLoginVersion, 1);
    });

    it('deletes a pool\'s domains with the pool, freeing the names', async () => {
      const poolId = await newPool('doomed');
      await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'doomed' }));
      await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'doomed.example.net', CustomDomainConfig: { CertificateArn: CERT } }));
      await server.admin.send(new DeleteUserPoolCommand({ UserPoolId: poolId }));
      assert.deepEqual(await describeDomain('doomed'), {});
      assert.deepEqual(await describeDomain('doomed.example.net'), {});
      const next = await newPool('heir');
      await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: next, Domain: 'doomed' }));
      assert.equal((await describeDomain('doomed'))?.UserPoolId, next);
    });

    it('answers an empty DomainDescription for an unknown domain', async () => {
      assert.deepEqual(await describeDomain('nobody-has-this'), {});
      assert.deepEqual(await describeDomain('nobody.example.com'), {});
    });

    it('refuses bad input', async () => {
      const poolId = await newPool('bad');
      const unknownPool = await failure(() => server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: 'us-east-1_nonexistent', Domain: 'orphan' })));
      assert.equal(unknownPool.name, 'ResourceNotFoundException');
      for (const word of ['aws', 'amazon', 'cognito']) {
        const reserved = await failure(() => server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: `my${word}app` })));
        assert.deepEqual(reserved, { name: 'InvalidParameterException', message: `Domain cannot contain reserved word: ${word}` });
      }
      for (const domain of ['Upper', 'under_score', '-dash', 'dash-', 'a..b.com', 'sp ace', 'x'.repeat(64)]) {
        const bad = await failure(() => server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: domain })));
        assert.equal(bad.name, 'InvalidParameterException', domain);
      }
      const customNoCert = await failure(() => server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'auth.nocert.com' })));
      assert.equal(customNoCert.name, 'InvalidParameterException');
      const prefixWithCert = await failure(() => server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'prefixcert', CustomDomainConfig: { CertificateArn: CERT } })));
      assert.equal(prefixWithCert.name, 'InvalidParameterException');
      const badVersion = await failure(() => server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'badversion', ManagedLoginVersion: 0 })));
      assert.equal(badVersion.name, 'InvalidParameterException');
      const badCert = await failure(() => server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'auth.badcert.com', CustomDomainConfig: { CertificateArn: 'not-an-arn-at-all-really' } })));
      assert.equal(badCert.name, 'InvalidParameterException');

      const send = (cmd: object) => failure(() => server.admin.send(cmd as never));
      const nullDomain = await send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: null as never }));
      assert.equal(nullDomain.name, 'InvalidParameterException');
      assert.match(nullDomain.message, /'domain' failed to satisfy constraint: Member must not be null/);
      const numberDomain = await send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 42 as never }));
      assert.equal(numberDomain.name, 'SerializationException');
      const stringVersion = await send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'strversion', ManagedLoginVersion: '2' as never }));
      assert.equal(stringVersion.name, 'SerializationException');
      const certAsString = await send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'auth.strcert.com', CustomDomainConfig: CERT as never }));
      assert.equal(certAsString.name, 'SerializationException');
      const describeNull = await send(new DescribeUserPoolDomainCommand({ Domain: null as never }));
      assert.equal(describeNull.name, 'InvalidParameterException');
      const deleteMissingPool = await send(new DeleteUserPoolDomainCommand({ Domain: 'x' } as never));
      assert.equal(deleteMissingPool.name, 'InvalidParameterException');
      assert.deepEqual(await describeDomain('strversion'), {});
      // Multi-region failover routing is refused, not accepted and ignored.
      const routing = await send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'routed', Routing: { Failover: { SecondaryRegion: 'us-west-2', PrimaryRoute53HealthCheckId: 'hc-1' } } } as never));
      assert.deepEqual(routing, { name: 'InvalidParameterException', message: 'Routing is not supported: Cognate serves a user pool from one region.' });
      assert.deepEqual(await describeDomain('routed'), {});
    });

    it('finds the pool by the Host of a prefix or custom domain (findPoolByHost)', async () => {
      const poolId = await newPool('hosted');
      await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'hosted' }));
      await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'login.hosted.dev', CustomDomainConfig: { CertificateArn: CERT } }));
      const cognate = server.running.cognate;
      assert.equal(await findPoolByHost(cognate, 'hosted.auth.us-east-1.localhost'), poolId);
      assert.equal(await findPoolByHost(cognate, 'hosted.auth.us-east-1.localhost:9229'), poolId);
      assert.equal(await findPoolByHost(cognate, 'HOSTED.auth.us-east-1.LOCALHOST'), poolId);
      assert.equal(await findPoolByHost(cognate, 'login.hosted.dev'), poolId);
      assert.equal(await findPoolByHost(cognate, 'login.hosted.dev:443'), poolId);
      assert.equal(await findPoolByHost(cognate, 'hosted.auth.eu-west-1.localhost'), undefined, 'another region');
      assert.equal(await findPoolByHost(cognate, 'hosted'), undefined, 'a bare prefix is no host');
      assert.equal(await findPoolByHost(cognate, 'nobody.auth.us-east-1.localhost'), undefined);
      assert.equal(await findPoolByHost(cognate, 'other.example.com'), undefined);
      assert.equal(await findPoolByHost(cognate, 'hosted.auth.us-east-1.example.com'), undefined, 'another base');
      await server.admin.send(new DeleteUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'hosted' }));
      assert.equal(await findPoolByHost(cognate, 'hosted.auth.us-east-1.localhost'), undefined);
      assert.equal(await findPoolByHost(cognate, 'login.hosted.dev'), poolId);
    });
  });
}
