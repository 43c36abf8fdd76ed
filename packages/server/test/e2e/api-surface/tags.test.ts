/**
 * User-pool tags with the AWS SDK: TagResource, UntagResource and ListTagsForResource on the ARN
 * DescribeUserPool gives, the same tags as CreateUserPool's/UpdateUserPool's UserPoolTags and
 * DescribeUserPool's; Cognito's limits (50 tags, key and value lengths, the reserved `aws:` prefix);
 * ResourceNotFoundException for an ARN of no pool (or of another account or region);
 * InvalidParameterException for what isn't a user-pool ARN; bad input.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateUserPoolCommand,
  DeleteUserPoolCommand,
  DescribeUserPoolCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { failure, startTestServer, type TestServer } from '../../support/server.js';
import { signedIdp } from './helpers.js';

for (const kind of databaseKinds) {
  describe(`user pool tags (${kind})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(kind);
    });
    after(async () => {
      await server?.stop();
    });
    const newPool = async (UserPoolTags?: Record<string, string>) => {
      const created = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'tags', ...(UserPoolTags ? { UserPoolTags } : {}) }))).UserPool!;
      return { id: created.Id!, arn: created.Arn! };
    };
    const tagsOf = async (arn: string) => (await server.admin.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags;

    it('UserPoolTags of CreateUserPool are listed; TagResource adds and replaces, UntagResource removes; DescribeUserPool and UpdateUserPool see the same tags', async () => {
      const pool = await newPool({ team: 'identity', env: 'test' });
      assert.equal(pool.arn, `arn:aws:cognito-idp:us-east-1:000000000000:userpool/${pool.id}`);
      assert.deepEqual(await tagsOf(pool.arn), { team: 'identity', env: 'test' });
      await server.admin.send(new TagResourceCommand({ ResourceArn: pool.arn, Tags: { env: 'prod', cost: '' } }));
      assert.deepEqual(await tagsOf(pool.arn), { team: 'identity', env: 'prod', cost: '' });
      await server.admin.send(new UntagResourceCommand({ ResourceArn: pool.arn, TagKeys: ['team', 'not-there'] }));
      assert.deepEqual(await tagsOf(pool.arn), { env: 'prod', cost: '' });
      const described = (await server.admin.send(new DescribeUserPoolCommand({ UserPoolId: pool.id }))).UserPool!;
      assert.deepEqual(described.UserPoolTags, { env: 'prod', cost: '' });
      await server.admin.send(new UpdateUserPoolCommand({ UserPoolId: pool.id, UserPoolTags: { owner: 'me' } }));
      assert.deepEqual(await tagsOf(pool.arn), { owner: 'me' });
      const bare = await newPool();
      assert.deepEqual(await tagsOf(bare.arn), {});
    });

    it("Cognito's limits: 50 tags, the aws: prefix reserved, key and value lengths — on TagResource and CreateUserPool alike", async () => {
      const pool = await newPool();
      const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, `v${i}`]));
      await server.admin.send(new TagResourceCommand({ ResourceArn: pool.arn, Tags: fifty }));
      assert.equal(Object.keys((await tagsOf(pool.arn))!).length, 50);
      const over = await failure(() => server.admin.send(new TagResourceCommand({ ResourceArn: pool.arn, Tags: { one: 'more' } })));
      assert.equal(over.name, 'InvalidParameterException');
      await server.admin.send(new TagResourceCommand({ ResourceArn: pool.arn, Tags: { k0: 'replaced' } }));
      assert.equal((await tagsOf(pool.arn))!.k0, 'replaced', 'replacing a key of a full set is fine');
      for (const [what, tags] of [['aws: prefix', { 'aws:cloudformation:stack': 'x' }], ['AWS: prefix', { 'AWS:x': 'y' }], ['key of 129', { ['k'.repeat(129)]: 'v' }], ['value of 257', { k: 'v'.repeat(257) }], ['empty key', { '': 'v' }]] as const) {
        const e = await failure(() => server.admin.send(new TagResourceCommand({ ResourceArn: pool.arn, Tags: tags as Record<string, string> })));
        assert.equal(e.name, 'InvalidParameterException', what);
      }
      const create = await failure(() => server.admin.send(new CreateUserPoolCommand({ PoolName: 'too many', UserPoolTags: { ...fifty, extra: 'x' } })));
      assert.equal(create.name, 'InvalidParameterException');
      const reserved = await failure(() => server.admin.send(new UpdateUserPoolCommand({ UserPoolId: pool.id, UserPoolTags: { 'aws:x': 'y' } })));
      assert.equal(reserved.name, 'InvalidParameterException');
    });

    it('an unknown pool, a deleted pool, another account or region is ResourceNotFoundException; what is not a user-pool ARN is InvalidParameterException', async () => {
      const pool = await newPool({ a: 'b' });
      await server.admin.send(new DeleteUserPoolCommand({ UserPoolId: pool.id }));
      for (const arn of [pool.arn, 'arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_Nowhere00', pool.arn.replace('000000000000', '123456789012'), pool.arn.replace(':us-east-1:', ':eu-west-1:')]) {
        assert.equal((await failure(() => tagsOf(arn))).name, 'ResourceNotFoundException', arn);
        assert.equal((await failure(() => server.admin.send(new TagResourceCommand({ ResourceArn: arn, Tags: { a: 'b' } })))).name, 'ResourceNotFoundException', arn);
        assert.equal((await failure(() => server.admin.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: ['a'] })))).name, 'ResourceNotFoundException', arn);
      }
      for (const arn of ['arn:aws:cognito-identity:us-east-1:000000000000:identitypool/us-east-1:x', 'arn:aws:cognito-idp:us-east-1:000000000000:userpool/', 'arn:aws:s3:::bucket/key/longer']) {
        assert.match((await failure(() => tagsOf(arn))).name, /^(InvalidParameterException|ResourceNotFoundException)$/, arn);
      }
      assert.equal((await failure(() => tagsOf('arn:aws:cognito-identity:us-east-1:000000000000:identitypool/us-east-1:x'))).name, 'InvalidParameterException');
    });

    it('refuses bad input', async () => {
      const pool = await newPool();
      const bad = async (what: string, call: () => Promise<unknown>) => {
        const e = await failure(call);
        assert.match(e.name, /^(InvalidParameterException|SerializationException)$/, `${what}: ${e.name} ${e.message}`);
      };
      const raw = async (what: string, op: string, body: unknown) => {
        const r = await signedIdp(server, op, body);
        assert.equal(r.status, 400, `${what}: ${r.status} ${r.name} ${r.message}`);
        assert.match(r.name, /^(InvalidParameterException|SerializationException)$/, `${what}: ${r.name} ${r.message}`);
      };
      await raw('tag: null tags', 'TagResource', { ResourceArn: pool.arn, Tags: null });
      await raw('tag: tags as list', 'TagResource', { ResourceArn: pool.arn, Tags: ['a'] });
      await raw('tag: value as number', 'TagResource', { ResourceArn: pool.arn, Tags: { a: 1 } });
      // AWS's JSON protocol reads a null map value as an absent entry (protocol/model.ts): nothing to tag.
      assert.equal((await signedIdp(server, 'TagResource', { ResourceArn: pool.arn, Tags: { a: null } })).status, 200);
      await raw('tag: null ARN', 'TagResource', { ResourceArn: null, Tags: { a: 'b' } });
      await raw('untag: keys as string', 'UntagResource', { ResourceArn: pool.arn, TagKeys: 'a' });
      await raw('untag: null key', 'UntagResource', { ResourceArn: pool.arn, TagKeys: [null] });
      await raw('list: ARN as number', 'ListTagsForResource', { ResourceArn: 12345678901234567890 });
      await bad('tag: no ARN', () => server.admin.send(new TagResourceCommand({ Tags: { a: 'b' } } as never)));
      await bad('untag: empty key', () => server.admin.send(new UntagResourceCommand({ ResourceArn: pool.arn, TagKeys: [''] })));
      await bad('list: too short', () => server.admin.send(new ListTagsForResourceCommand({ ResourceArn: 'arn:x' })));
      assert.deepEqual(await tagsOf(pool.arn), {}, 'nothing bad was stored');
    });
  });
}
