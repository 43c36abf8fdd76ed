/**
 * A UserMigration function creates the user it vouches for; a secondary replica creates no user
 * (docs/replicas.md), so a sign-in there of a name only the function knows finds no one and the
 * function is not called. At the primary the same sign-in migrates the user, and from then on the
 * secondary signs it in.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolReplicaCommand,
  InitiateAuthCommand,
  UpdateUserPoolReplicaCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { failure, startTestServer, type TestServer } from '../../support/server.js';
import { TriggerHost, WEBHOOK_SECRET, arn, type TriggerEvent } from '../../support/triggers.js';

/** Knows every `legacy-*` name and vouches for whatever password it is given (run at the trigger host's webhook, which records each call). */
function migrate(event: TriggerEvent): TriggerEvent {
  if (!String(event.userName).startsWith('legacy-')) throw new Error('unknown');
  const response = event.response as Record<string, unknown>;
  response.userAttributes = { email: `${String(event.userName)}@example.com`, email_verified: 'true' };
  response.finalUserStatus = 'CONFIRMED';
  response.messageAction = 'SUPPRESS';
  return event;
}

for (const kind of databaseKinds) {
  describe(`UserMigration and a secondary replica (${kind})`, () => {
    let host: TriggerHost;
    let primary: TestServer;
    let secondary: TestServer;
    let replicaUser: CognitoIdentityProviderClient;
    let clientId: string;

    before(async () => {
      host = await TriggerHost.start();
      host.handlers.set('mrr-migrate', migrate);
      const triggers = { [arn('mrr-migrate')]: `${host.webhookUrl}/mrr-migrate` };
      primary = await startTestServer(kind, { triggers, triggerWebhookSecret: WEBHOOK_SECRET });
      secondary = await startTestServer(kind, { triggers, triggerWebhookSecret: WEBHOOK_SECRET, region: 'eu-west-1' }, primary);
      replicaUser = new CognitoIdentityProviderClient({ region: 'eu-west-1', endpoint: secondary.url, credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' }, maxAttempts: 1 });
      const poolId = (await primary.admin.send(new CreateUserPoolCommand({ PoolName: 'migrating', IssuerConfiguration: { Type: 'UPDATED' }, LambdaConfig: { UserMigration: arn('mrr-migrate') } }))).UserPool!.Id!;
      clientId = (await primary.admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', PreventUserExistenceErrors: 'ENABLED', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient!.ClientId!;
      await primary.admin.send(new CreateUserPoolReplicaCommand({ UserPoolId: poolId, RegionName: 'eu-west-1' }));
      await primary.admin.send(new UpdateUserPoolReplicaCommand({ UserPoolId: poolId, RegionName: 'eu-west-1', Status: 'ACTIVE' }));
    });
    after(async () => {
      replicaUser.destroy();
      await secondary?.stop();
      await primary?.stop();
      await host?.stop();
    });

    it('the secondary does not migrate (the name is unknown there, the function is not called); the primary does, and then the secondary signs the user in', async () => {
      const signIn = (client: CognitoIdentityProviderClient) =>
        client.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'legacy-lee', PASSWORD: 'Legacy-Pa55word!' } }));
      const refused = await failure(() => signIn(replicaUser));
      assert.equal(refused.name, 'NotAuthorizedException', refused.message);
      assert.equal(host.events.get('mrr-migrate')?.length ?? 0, 0);
      assert.ok((await signIn(primary.anonymous)).AuthenticationResult?.AccessToken);
      assert.equal(host.events.get('mrr-migrate')?.length, 1);
      assert.ok((await signIn(replicaUser)).AuthenticationResult?.AccessToken);
      assert.deepEqual(host.badSignatures, []);
    });
  });
}
