/**
 * Identity merges carry Sync data along, as Cognito does: a guest that signs in with a login that
 * already has an identity, and MergeDeveloperIdentities. The source's datasets move to the
 * destination; one whose name the destination already has becomes `<name>.<sourceIdentityId>`,
 * reported by ListRecords of `<name>` in MergedDatasetNames until it is deleted. The merged-away
 * identity's credentials reach nothing any more.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GetCredentialsForIdentityCommand, GetOpenIdTokenForDeveloperIdentityCommand, MergeDeveloperIdentitiesCommand } from '@aws-sdk/client-cognito-identity';
import { DeleteDatasetCommand, ListDatasetsCommand, ListRecordsCommand } from '@aws-sdk/client-cognito-sync';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { newPool, type Pool } from '../security/helpers.js';
import { adminUser, providerOf, srpSignIn } from '../identity/helpers.js';
import { at, developer, device, failure, syncPool, write } from './helpers.js';

for (const kind of databaseKinds) {
  describe(`Cognito Sync identity merges (${kind})`, () => {
    let server: TestServer;
    let pool: Pool;

    before(async () => {
      server = await startTestServer(kind);
      pool = await newPool(server);
      await adminUser(server, pool, 'alice');
    });
    after(() => server.stop());

    it("merges a guest's datasets into the identity it signs in as", async () => {
      const poolId = await syncPool(server, [pool]);
      const logins = { [providerOf(pool)]: (await srpSignIn(server, pool, 'alice')).getIdToken().getJwtToken() };
      const alice = await device(server, poolId, logins);
      await write(alice, 'settings', [{ Op: 'replace', Key: 'theme', Value: 'dark', SyncCount: 0 }]);
      const guest = await device(server, poolId);
      await write(guest, 'settings', [{ Op: 'replace', Key: 'theme', Value: 'light', SyncCount: 0 }]);
      await write(guest, 'cart', [{ Op: 'replace', Key: 'item', Value: 'book', SyncCount: 0 }]);

      const merged = await server.identity.send(new GetCredentialsForIdentityCommand({ IdentityId: guest.identityId, Logins: logins }));
      assert.equal(merged.IdentityId, alice.identityId);

      const mergedName = `settings.${guest.identityId}`;
      const names = (await alice.client.send(new ListDatasetsCommand({ IdentityPoolId: poolId, IdentityId: alice.identityId }))).Datasets?.map((d) => d.DatasetName);
      assert.deepEqual(names, ['cart', 'settings', mergedName]);
      const settings = await alice.client.send(new ListRecordsCommand(at(alice, 'settings')));
      assert.deepEqual(settings.MergedDatasetNames, [mergedName]);
      assert.deepEqual(settings.Records?.map((r) => r.Value), ['dark']);
      assert.deepEqual((await alice.client.send(new ListRecordsCommand(at(alice, mergedName)))).Records?.map((r) => [r.Key, r.Value, r.SyncCount]), [['theme', 'light', 1]]);
      assert.deepEqual((await alice.client.send(new ListRecordsCommand(at(alice, 'cart')))).Records?.map((r) => r.Value), ['book']);

      // The guest's credentials outlive the guest, but reach nothing.
      const gone = await failure(guest.client.send(new ListDatasetsCommand({ IdentityPoolId: poolId, IdentityId: guest.identityId })));
      assert.equal(gone.name, 'ResourceNotFoundException');

      // Once the app has folded the merged dataset in and deleted it, the merge is no longer reported.
      await alice.client.send(new DeleteDatasetCommand(at(alice, mergedName)));
      assert.deepEqual((await alice.client.send(new ListRecordsCommand(at(alice, 'settings')))).MergedDatasetNames, []);
    });

    it('merges datasets on MergeDeveloperIdentities', async () => {
      const poolId = await syncPool(server, [], { DeveloperProviderName: 'login.cognate.test' });
      const idOf = async (user: string) =>
        (await server.identityAdmin.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: poolId, Logins: { 'login.cognate.test': user } }))).IdentityId!;
      const source = await idOf('u-source');
      const destination = await idOf('u-destination');
      const dev = developer(server);
      const as = (identityId: string) => ({ client: dev, identityId, identityPoolId: poolId });
      await write(as(source), 'profile', [{ Op: 'replace', Key: 'name', Value: 'S', SyncCount: 0 }]);
      await write(as(source), 'extra', [{ Op: 'replace', Key: 'x', Value: '1', SyncCount: 0 }]);
      await write(as(destination), 'profile', [{ Op: 'replace', Key: 'name', Value: 'D', SyncCount: 0 }]);

      await server.identityAdmin.send(new MergeDeveloperIdentitiesCommand({ IdentityPoolId: poolId, DeveloperProviderName: 'login.cognate.test', SourceUserIdentifier: 'u-source', DestinationUserIdentifier: 'u-destination' }));

      const names = (await dev.send(new ListDatasetsCommand({ IdentityPoolId: poolId, IdentityId: destination }))).Datasets?.map((d) => [d.DatasetName, d.IdentityId, d.NumRecords]);
      assert.deepEqual(names, [['extra', destination, 1], ['profile', destination, 1], [`profile.${source}`, destination, 1]]);
      assert.deepEqual((await dev.send(new ListRecordsCommand(at(as(destination), 'profile')))).MergedDatasetNames, [`profile.${source}`]);
      assert.equal((await failure(dev.send(new ListDatasetsCommand({ IdentityPoolId: poolId, IdentityId: source })))).name, 'ResourceNotFoundException');
    });
  });
}
