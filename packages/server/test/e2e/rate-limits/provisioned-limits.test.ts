/**
 * GetProvisionedLimit and UpdateProvisionedLimit with the AWS SDK v3 (docs/rate-limits.md): Cognito's
 * categories and free rates, the bad input Cognito refuses (no such category, an attribute other
 * than Category, a category that can't be adjusted, a rate under the free one: InvalidParameter; over
 * the configured maximum: ServiceQuotaExceeded), and a provisioned rate that lasts across a restart.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GetProvisionedLimitCommand, UpdateProvisionedLimitCommand } from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { failure, startTestServer, type TestServer } from '../../support/server.js';

const definition = (category: string, extra: Record<string, string> = {}) => ({ LimitClass: 'API_CATEGORY' as const, Attributes: { Category: category, ...extra } });

for (const kind of databaseKinds) {
  describe(`provisioned limits (${kind})`, { timeout: 120_000 }, () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer(kind, { rateLimits: true, rateLimitMaxFactor: 10 });
    });
    after(() => server?.stop());

    it("GetProvisionedLimit answers Cognito's free rate of each category, provisioned = free until raised", async () => {
      for (const [category, free] of [['UserAuthentication', 120], ['UserCreation', 50], ['UserFederation', 25], ['UserAccountRecovery', 30], ['UserRead', 120], ['UserPoolRead', 15], ['ClientAuthentication', 150]] as const) {
        const { Limit } = await server.admin.send(new GetProvisionedLimitCommand({ LimitDefinition: definition(category) }));
        assert.deepEqual(Limit, { LimitDefinition: definition(category), ProvisionedLimitValue: free, FreeLimitValue: free }, category);
      }
    });

    it('UpdateProvisionedLimit raises an adjustable category; GetProvisionedLimit and a restarted node read it back', async () => {
      const { Limit } = await server.admin.send(new UpdateProvisionedLimitCommand({ LimitDefinition: definition('UserResourceRead'), RequestedLimitValue: 80 }));
      assert.deepEqual(Limit, { LimitDefinition: definition('UserResourceRead'), ProvisionedLimitValue: 80, FreeLimitValue: 50 });
      assert.equal((await server.admin.send(new GetProvisionedLimitCommand({ LimitDefinition: definition('UserResourceRead') }))).Limit?.ProvisionedLimitValue, 80);
      // Back to the free rate is allowed (the floor is the free rate itself).
      await server.admin.send(new UpdateProvisionedLimitCommand({ LimitDefinition: definition('UserResourceRead'), RequestedLimitValue: 50 }));
      await server.admin.send(new UpdateProvisionedLimitCommand({ LimitDefinition: definition('UserRead'), RequestedLimitValue: 1200 }));
      const second = await startTestServer(kind, { rateLimits: true }, server);
      try {
        assert.equal((await second.admin.send(new GetProvisionedLimitCommand({ LimitDefinition: definition('UserRead') }))).Limit?.ProvisionedLimitValue, 1200);
        assert.equal((await second.admin.send(new GetProvisionedLimitCommand({ LimitDefinition: definition('UserResourceRead') }))).Limit?.ProvisionedLimitValue, 50);
        assert.equal(second.running.cognate.rateLimits.rate('UserRead'), 1200, 'a node starting up enforces the provisioned rate from its first request');
      } finally {
        await second.stop();
      }
    });

    it('refuses a category Cognito does not have, and attributes other than Category, with InvalidParameterException', async () => {
      const definitions: { LimitClass: 'API_CATEGORY'; Attributes: Record<string, string> }[] = [
        definition('UserCreations'),
        definition('userauthentication'),
        definition('UserRead', { UserPoolId: 'us-east-1_abc' }),
        { LimitClass: 'API_CATEGORY', Attributes: {} },
        { LimitClass: 'API_CATEGORY', Attributes: { category: 'UserRead' } },
      ];
      for (const LimitDefinition of definitions) {
        for (const send of [() => server.admin.send(new GetProvisionedLimitCommand({ LimitDefinition })), () => server.admin.send(new UpdateProvisionedLimitCommand({ LimitDefinition, RequestedLimitValue: 200 }))]) {
          const error = await failure(send);
          assert.equal(error.name, 'InvalidParameterException', JSON.stringify(LimitDefinition));
        }
      }
    });

    it('refuses to adjust a category Cognito does not let you adjust, and a rate below the free one (InvalidParameterException)', async () => {
      const fixed = await failure(() => server.admin.send(new UpdateProvisionedLimitCommand({ LimitDefinition: definition('UserPoolRead'), RequestedLimitValue: 30 })));
      assert.equal(fixed.name, 'InvalidParameterException');
      assert.match(fixed.message, /not adjustable/);
      for (const value of [119, 0, -5]) {
        const low = await failure(() => server.admin.send(new UpdateProvisionedLimitCommand({ LimitDefinition: definition('UserAuthentication'), RequestedLimitValue: value })));
        assert.equal(low.name, 'InvalidParameterException', String(value));
        assert.match(low.message, /at least the free limit value of UserAuthentication: 120/);
      }
      assert.equal((await server.admin.send(new GetProvisionedLimitCommand({ LimitDefinition: definition('UserAuthentication') }))).Limit?.ProvisionedLimitValue, 120, 'nothing changed');
    });

    it('answers ServiceQuotaExceededException above the configured maximum (10 × the free rate here)', async () => {
      const over = await failure(() => server.admin.send(new UpdateProvisionedLimitCommand({ LimitDefinition: definition('UserCreation'), RequestedLimitValue: 501 })));
      assert.deepEqual(over, { name: 'ServiceQuotaExceededException', message: 'RequestedLimitValue exceeds the maximum limit value of UserCreation: 500.' });
      const { Limit } = await server.admin.send(new UpdateProvisionedLimitCommand({ LimitDefinition: definition('UserCreation'), RequestedLimitValue: 500 }));
      assert.equal(Limit?.ProvisionedLimitValue, 500, 'the maximum itself is allowed');
      await server.admin.send(new UpdateProvisionedLimitCommand({ LimitDefinition: definition('UserCreation'), RequestedLimitValue: 50 }));
    });

    it('bad shapes stop at the model: a missing definition, an unknown LimitClass, a missing or non-integer value', async () => {
      for (const [action, input] of [
        ['GetProvisionedLimit', {}],
        ['GetProvisionedLimit', { LimitDefinition: { LimitClass: 'RESOURCE_COUNT', Attributes: { Category: 'UserRead' } } }],
        ['GetProvisionedLimit', { LimitDefinition: { LimitClass: 'API_CATEGORY' } }],
        ['UpdateProvisionedLimit', { LimitDefinition: definition('UserRead') }],
        ['UpdateProvisionedLimit', { LimitDefinition: definition('UserRead'), RequestedLimitValue: 130.5 }],
      ] as const) {
        const send = () => (action === 'GetProvisionedLimit' ? server.admin.send(new GetProvisionedLimitCommand(input as never)) : server.admin.send(new UpdateProvisionedLimitCommand(input as never)));
        const error = await failure(send);
        assert.ok(['InvalidParameterException', 'SerializationException'].includes(error.name), `${action} ${JSON.stringify(input)}: ${error.name}`);
      }
    });
  });
}
