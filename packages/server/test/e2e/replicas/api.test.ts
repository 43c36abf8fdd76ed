/**
 * CreateUserPoolReplica, DeleteUserPoolReplica, ListUserPoolReplicas and UpdateUserPoolReplica with
 * Cognito's rules (docs/replicas.md), IssuerConfiguration on DescribeUserPool and UpdateUserPool,
 * ListUserPools' ReplicaRegions and a replica's own tags, driven by AWS SDK v3.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CognitoIdentityProviderClient,
  CreateUserPoolCommand,
  CreateUserPoolReplicaCommand,
  DeleteUserPoolReplicaCommand,
  DescribeUserPoolCommand,
  ListTagsForResourceCommand,
  ListUserPoolReplicasCommand,
  ListUserPoolsCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateUserPoolCommand,
  UpdateUserPoolReplicaCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { ADMIN, failure, startTestServer, type TestServer } from '../../support/server.js';

const ACCOUNT = '000000000000';
const arn = (region: string, poolId: string) => `arn:aws:cognito-idp:${region}:${ACCOUNT}:userpool/${poolId}`;

for (const kind of databaseKinds) {
  describe(`user pool replicas: the API (${kind})`, () => {
    let server: TestServer;
    let admin: CognitoIdentityProviderClient;
    /** the same server, the requests signed for a region that is neither primary nor replica */
    let elsewhere: CognitoIdentityProviderClient;

    const newPool = async (issuer?: 'ORIGINAL' | 'UPDATED', tags?: Record<string, string>) =>
      (await admin.send(new CreateUserPoolCommand({ PoolName: 'replicated', ...(issuer ? { IssuerConfiguration: { Type: issuer } } : {}), ...(tags ? { UserPoolTags: tags } : {}) }))).UserPool!;

    before(async () => {
      server = await startTestServer(kind, { extraRegions: ['eu-west-1', 'ap-south-1'] });
      admin = server.admin;
      elsewhere = new CognitoIdentityProviderClient({ region: 'ap-south-1', endpoint: server.url, credentials: ADMIN, maxAttempts: 1 });
    });
    after(async () => {
      elsewhere.destroy();
      await server.stop();
    });

    it('a new pool reports the ORIGINAL issuer; UpdateUserPool switches it to UPDATED and keeps it when not given', async () => {
      const pool = await newPool();
      assert.deepEqual(pool.IssuerConfiguration, { Type: 'ORIGINAL' });
      await admin.send(new UpdateUserPoolCommand({ UserPoolId: pool.Id!, IssuerConfiguration: { Type: 'UPDATED' } }));
      assert.deepEqual((await admin.send(new DescribeUserPoolCommand({ UserPoolId: pool.Id! }))).UserPool!.IssuerConfiguration, { Type: 'UPDATED' });
      await admin.send(new UpdateUserPoolCommand({ UserPoolId: pool.Id!, DeletionProtection: 'INACTIVE' }));
      assert.deepEqual((await admin.send(new DescribeUserPoolCommand({ UserPoolId: pool.Id! }))).UserPool!.IssuerConfiguration, { Type: 'UPDATED' });
    });

    it('bad input: an ORIGINAL-issuer pool, the primary region, a malformed region, an unknown pool, an IssuerConfiguration without Type', async () => {
      const original = await newPool();
      assert.equal((await failure(() => admin.send(new CreateUserPoolReplicaCommand({ UserPoolId: original.Id!, RegionName: 'eu-west-1' })))).name, 'OperationNotEnabledException');
      const pool = await newPool('UPDATED');
      assert.equal((await failure(() => admin.send(new CreateUserPoolReplicaCommand({ UserPoolId: pool.Id!, RegionName: 'us-east-1' })))).name, 'InvalidParameterException');
      assert.equal((await failure(() => admin.send(new CreateUserPoolReplicaCommand({ UserPoolId: pool.Id!, RegionName: 'moon-base' })))).name, 'InvalidParameterException');
      assert.equal((await failure(() => admin.send(new CreateUserPoolReplicaCommand({ UserPoolId: 'us-east-1_nothere00', RegionName: 'eu-west-1' })))).name, 'ResourceNotFoundException');
      assert.equal((await failure(() => admin.send(new CreateUserPoolReplicaCommand({ UserPoolId: pool.Id!, RegionName: 'eu-west-1', UserPoolTags: { ['aws:x']: 'reserved' } })))).name, 'InvalidParameterException');
      assert.equal((await failure(() => admin.send(new UpdateUserPoolCommand({ UserPoolId: pool.Id!, IssuerConfiguration: {} })))).name, 'InvalidParameterException');
      assert.equal((await failure(() => admin.send(new ListUserPoolReplicasCommand({ UserPoolId: pool.Id!, NextToken: 'bm90LW91cnM' })))).name, 'InvalidParameterException');
      assert.equal((await failure(() => admin.send(new UpdateUserPoolReplicaCommand({ UserPoolId: pool.Id!, RegionName: 'us-east-1', Status: 'INACTIVE' })))).name, 'InvalidParameterException');
      assert.equal((await failure(() => admin.send(new UpdateUserPoolReplicaCommand({ UserPoolId: pool.Id!, RegionName: 'eu-west-1', Status: 'ACTIVE' })))).name, 'ResourceNotFoundException');
      assert.equal((await failure(() => admin.send(new DeleteUserPoolReplicaCommand({ UserPoolId: pool.Id!, RegionName: 'eu-west-1' })))).name, 'ResourceNotFoundException');
      assert.equal((await failure(() => admin.send(new DeleteUserPoolReplicaCommand({ UserPoolId: pool.Id!, RegionName: 'us-east-1' })))).name, 'InvalidParameterException');
      assert.deepEqual((await admin.send(new ListUserPoolReplicasCommand({ UserPoolId: pool.Id! }))).UserPoolReplicas!.map((r) => r.Role), ['PRIMARY'], 'nothing was created');
    });

    it('a new secondary starts INACTIVE with the replica ARN; a pool has at most one (LimitExceededException); the list shows the primary first', async () => {
      const pool = await newPool('UPDATED');
      const created = (await admin.send(new CreateUserPoolReplicaCommand({ UserPoolId: pool.Id!, RegionName: 'eu-west-1' }))).UserPoolReplica!;
      assert.deepEqual(created, { RegionName: 'eu-west-1', Status: 'INACTIVE', Role: 'SECONDARY', UserPoolArn: arn('eu-west-1', pool.Id!) });
      assert.equal((await failure(() => admin.send(new CreateUserPoolReplicaCommand({ UserPoolId: pool.Id!, RegionName: 'ap-south-1' })))).name, 'LimitExceededException');
      assert.equal((await failure(() => admin.send(new CreateUserPoolReplicaCommand({ UserPoolId: pool.Id!, RegionName: 'eu-west-1' })))).name, 'InvalidParameterException');
      assert.deepEqual((await admin.send(new ListUserPoolReplicasCommand({ UserPoolId: pool.Id! }))).UserPoolReplicas, [
        { RegionName: 'us-east-1', Status: 'ACTIVE', Role: 'PRIMARY', UserPoolArn: arn('us-east-1', pool.Id!) },
        { RegionName: 'eu-west-1', Status: 'INACTIVE', Role: 'SECONDARY', UserPoolArn: arn('eu-west-1', pool.Id!) },
      ]);
      // A replicated pool keeps the multi-Region issuer.
      assert.equal((await failure(() => admin.send(new UpdateUserPoolCommand({ UserPoolId: pool.Id!, IssuerConfiguration: { Type: 'ORIGINAL' } })))).name, 'InvalidParameterException');
    });

    it('two concurrent CreateUserPoolReplica calls for different regions: exactly one secondary is made', async () => {
      const pool = await newPool('UPDATED');
      const results = await Promise.allSettled(['eu-west-1', 'ap-south-1'].map((RegionName) => admin.send(new CreateUserPoolReplicaCommand({ UserPoolId: pool.Id!, RegionName }))));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, JSON.stringify(results.map((r) => (r.status === 'rejected' ? (r.reason as Error).name : 'ok'))));
      assert.equal(results.filter((r) => r.status === 'rejected' && (r.reason as Error).name === 'LimitExceededException').length, 1);
      assert.equal((await admin.send(new ListUserPoolReplicasCommand({ UserPoolId: pool.Id! }))).UserPoolReplicas!.length, 2);
    });

    it('only an INACTIVE secondary can be deleted; deleting it answers DELETING and leaves the primary alone', async () => {
      const pool = await newPool('UPDATED');
      await admin.send(new CreateUserPoolReplicaCommand({ UserPoolId: pool.Id!, RegionName: 'eu-west-1' }));
      const active = (await admin.send(new UpdateUserPoolReplicaCommand({ UserPoolId: pool.Id!, RegionName: 'eu-west-1', Status: 'ACTIVE' }))).UserPoolReplica!;
      assert.equal(active.Status, 'ACTIVE');
      assert.equal((await failure(() => admin.send(new DeleteUserPoolReplicaCommand({ UserPoolId: pool.Id!, RegionName: 'eu-west-1' })))).name, 'InvalidParameterException');
      await admin.send(new UpdateUserPoolReplicaCommand({ UserPoolId: pool.Id!, RegionName: 'eu-west-1', Status: 'INACTIVE' }));
      const deleted = (await admin.send(new DeleteUserPoolReplicaCommand({ UserPoolId: pool.Id!, RegionName: 'eu-west-1' }))).UserPoolReplica!;
      assert.deepEqual(deleted, { RegionName: 'eu-west-1', Status: 'DELETING', Role: 'SECONDARY', UserPoolArn: arn('eu-west-1', pool.Id!) });
      assert.deepEqual((await admin.send(new ListUserPoolReplicasCommand({ UserPoolId: pool.Id! }))).UserPoolReplicas!.map((r) => r.RegionName), ['us-east-1']);
      // With no replica left, the pool is served in every region again.
      assert.equal((await elsewhere.send(new DescribeUserPoolCommand({ UserPoolId: pool.Id! }))).UserPool!.Id, pool.Id);
    });

    it("a replica's UserPoolTags are its ARN's tags, apart from the primary's", async () => {
      const pool = await newPool('UPDATED', { team: 'identity' });
      await admin.send(new CreateUserPoolReplicaCommand({ UserPoolId: pool.Id!, RegionName: 'eu-west-1', UserPoolTags: { site: 'dublin' } }));
      assert.deepEqual((await admin.send(new ListTagsForResourceCommand({ ResourceArn: arn('eu-west-1', pool.Id!) }))).Tags, { site: 'dublin' });
      await admin.send(new TagResourceCommand({ ResourceArn: arn('eu-west-1', pool.Id!), Tags: { tier: 'standby' } }));
      await admin.send(new UntagResourceCommand({ ResourceArn: arn('eu-west-1', pool.Id!), TagKeys: ['site'] }));
      assert.deepEqual((await admin.send(new ListTagsForResourceCommand({ ResourceArn: arn('eu-west-1', pool.Id!) }))).Tags, { tier: 'standby' });
      assert.deepEqual((await admin.send(new ListTagsForResourceCommand({ ResourceArn: arn('us-east-1', pool.Id!) }))).Tags, { team: 'identity' });
      // An ARN in a region the pool has no replica in names nothing.
      assert.equal((await failure(() => admin.send(new ListTagsForResourceCommand({ ResourceArn: arn('ap-south-1', pool.Id!) })))).name, 'ResourceNotFoundException');
    });

    it('ListUserPools gives ReplicaRegions; served as a region that is neither primary nor replica, a replicated pool does not exist', async () => {
      const replicated = await newPool('UPDATED');
      const plain = await newPool();
      await admin.send(new CreateUserPoolReplicaCommand({ UserPoolId: replicated.Id!, RegionName: 'eu-west-1' }));
      const all = async (client: CognitoIdentityProviderClient) => {
        const out = [];
        let NextToken: string | undefined;
        do {
          const page = await client.send(new ListUserPoolsCommand({ MaxResults: 60, ...(NextToken ? { NextToken } : {}) }));
          out.push(...page.UserPools!);
          NextToken = page.NextToken;
        } while (NextToken);
        return out;
      };
      const listed = (await all(admin)).find((p) => p.Id === replicated.Id);
      assert.deepEqual(listed?.ReplicaRegions, ['eu-west-1']);
      const fromElsewhere = await all(elsewhere);
      assert.ok(fromElsewhere.some((p) => p.Id === plain.Id), 'a pool with no replica is served in every region');
      assert.ok(!fromElsewhere.some((p) => p.Id === replicated.Id));
      for (const send of [
        () => elsewhere.send(new DescribeUserPoolCommand({ UserPoolId: replicated.Id! })),
        () => elsewhere.send(new UpdateUserPoolReplicaCommand({ UserPoolId: replicated.Id!, RegionName: 'eu-west-1', Status: 'ACTIVE' })),
      ]) {
        const err = await failure(send);
        assert.equal(err.name, 'ResourceNotFoundException');
        assert.equal(err.message, `User pool ${replicated.Id} does not exist.`);
      }
      assert.equal((await elsewhere.send(new DescribeUserPoolCommand({ UserPoolId: plain.Id! }))).UserPool!.Id, plain.Id);
    });
  });
}
