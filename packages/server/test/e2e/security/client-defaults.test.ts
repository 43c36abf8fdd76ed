/**
 * issue 10 item 12b: CreateUserPoolClient without PreventUserExistenceErrors is LEGACY, as Cognito's
 * API answers (its console, and `cognate client create`, choose ENABLED): DescribeUserPoolClient shows
 * LEGACY and an unknown user gets UserNotFoundException.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { fails } from './helpers.js';

for (const kind of databaseKinds) {
  describe(`app client defaults (issue 10 item 12b) (${kind})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(kind);
    });
    after(() => server.stop());

    it('PreventUserExistenceErrors defaults to LEGACY: Describe shows it, an unknown user is UserNotFoundException', async () => {
      const poolId = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'defaults' }))).UserPool!.Id!;
      const created = (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'plain', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient!;
      assert.equal(created.PreventUserExistenceErrors, 'LEGACY');
      const described = (await server.admin.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: created.ClientId! }))).UserPoolClient!;
      assert.equal(described.PreventUserExistenceErrors, 'LEGACY');
      const err = await fails(() =>
        server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: created.ClientId!, AuthParameters: { USERNAME: 'nobody-here', PASSWORD: 'Whatever-1!' } })),
      );
      assert.deepEqual(err, { name: 'UserNotFoundException', message: 'User does not exist.' });
    });
  });
}
