/**
 * Identities as an administrator and a backend see them: DescribeIdentity, ListIdentities,
 * DeleteIdentities, UnlinkIdentity, and developer-authenticated identities end to end
 * (GetOpenIdTokenForDeveloperIdentity, then the client federates with the returned ID and token;
 * LookupDeveloperIdentity, MergeDeveloperIdentities, UnlinkDeveloperIdentity).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DeleteIdentitiesCommand,
  DescribeIdentityCommand,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  GetOpenIdTokenCommand,
  GetOpenIdTokenForDeveloperIdentityCommand,
  ListIdentitiesCommand,
  LookupDeveloperIdentityCommand,
  MergeDeveloperIdentitiesCommand,
  UnlinkDeveloperIdentityCommand,
  UnlinkIdentityCommand,
} from '@aws-sdk/client-cognito-identity';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import { databaseKinds } from '../../support/postgres.js';
import { failure, startTestServer, type TestServer } from '../../support/server.js';
import { newPool, type Pool } from '../security/helpers.js';
import { AUTH_ROLE, NO_IDENTITY, adminUser, claims, identityPoolFor, providerOf, srpSignIn } from './helpers.js';

const DEV = 'login.shop.example';

for (const kind of databaseKinds) {
  describe(`identities and developer identities (${kind})`, () => {
    let server: TestServer;
    let pool: Pool;
    let otherPool: Pool;
    let identityPoolId: string;

    before(async () => {
      server = await startTestServer(kind);
      pool = await newPool(server);
      otherPool = await newPool(server);
      identityPoolId = await identityPoolFor(server, [pool, otherPool], { DeveloperProviderName: DEV });
    });
    after(() => server.stop());

    it('describes, lists (paged) and deletes identities', async () => {
      const listed = await identityPoolFor(server, [pool]);
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await server.identity.send(new GetIdCommand({ IdentityPoolId: listed }))).IdentityId!);
      await adminUser(server, pool, 'lister');
      const token = (await srpSignIn(server, pool, 'lister')).getIdToken().getJwtToken();
      ids.push((await server.identity.send(new GetIdCommand({ IdentityPoolId: listed, Logins: { [providerOf(pool)]: token } }))).IdentityId!);

      const seen: { IdentityId?: string; Logins?: string[] }[] = [];
      let next: string | undefined;
      do {
        const page = await server.identityAdmin.send(new ListIdentitiesCommand({ IdentityPoolId: listed, MaxResults: 3, NextToken: next }));
        assert.equal(page.IdentityPoolId, listed);
        assert.ok(page.Identities!.length <= 3);
        seen.push(...page.Identities!);
        next = page.NextToken;
      } while (next);
      assert.deepEqual(seen.map((i) => i.IdentityId).sort(), [...ids].sort());
      assert.deepEqual(seen.find((i) => i.IdentityId === ids[3])!.Logins, [providerOf(pool)]);
      assert.deepEqual(seen.find((i) => i.IdentityId === ids[0])!.Logins, []);

      const described = await server.identityAdmin.send(new DescribeIdentityCommand({ IdentityId: ids[0] }));
      assert.equal(described.IdentityId, ids[0]);
      assert.ok(described.LastModifiedDate instanceof Date);

      const deleted = await server.identityAdmin.send(new DeleteIdentitiesCommand({ IdentityIdsToDelete: [ids[0]!, ids[3]!, NO_IDENTITY] }));
      assert.deepEqual(deleted.UnprocessedIdentityIds, []);
      assert.equal((await failure(() => server.identityAdmin.send(new DescribeIdentityCommand({ IdentityId: ids[0] })))).name, 'ResourceNotFoundException');
      assert.equal((await failure(() => server.identity.send(new GetCredentialsForIdentityCommand({ IdentityId: ids[0] })))).name, 'ResourceNotFoundException');
      // The deleted identity's login is free again: the next GetId makes a new identity.
      const again = await server.identity.send(new GetIdCommand({ IdentityPoolId: listed, Logins: { [providerOf(pool)]: token } }));
      assert.notEqual(again.IdentityId, ids[3]);

      assert.equal((await failure(() => server.identityAdmin.send(new ListIdentitiesCommand({ IdentityPoolId: NO_IDENTITY, MaxResults: 10 })))).name, 'ResourceNotFoundException');
      assert.equal((await failure(() => server.identityAdmin.send(new ListIdentitiesCommand({ IdentityPoolId: listed, MaxResults: 100 })))).name, 'ValidationException');
      assert.equal((await failure(() => server.identityAdmin.send(new ListIdentitiesCommand({ IdentityPoolId: listed, MaxResults: 10, NextToken: '!!' })))).name, 'InvalidParameterException');
      assert.equal((await failure(() => server.identityAdmin.send(new DeleteIdentitiesCommand({ IdentityIdsToDelete: [] })))).name, 'ValidationException');
      assert.equal((await failure(() => server.identityAdmin.send(new DescribeIdentityCommand({ IdentityId: 'x' })))).name, 'ValidationException');
    });

    it('unlinks a login with UnlinkIdentity; the identity then needs its remaining login', async () => {
      await adminUser(server, pool, 'ursula');
      await adminUser(server, otherPool, 'ursula2');
      const a = (await srpSignIn(server, pool, 'ursula')).getIdToken().getJwtToken();
      const b = (await srpSignIn(server, otherPool, 'ursula2')).getIdToken().getJwtToken();
      const both = { [providerOf(pool)]: a, [providerOf(otherPool)]: b };
      const { IdentityId } = await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: both }));

      const wrong = await failure(() => server.identity.send(new UnlinkIdentityCommand({ IdentityId, Logins: {}, LoginsToRemove: [providerOf(otherPool)] })));
      assert.equal(wrong.name, 'NotAuthorizedException');
      const notLinked = await failure(() => server.identity.send(new UnlinkIdentityCommand({ IdentityId, Logins: { [providerOf(pool)]: a }, LoginsToRemove: ['accounts.google.com'] })));
      assert.equal(notLinked.name, 'InvalidParameterException');
      assert.equal((await failure(() => server.identity.send(new UnlinkIdentityCommand({ IdentityId: NO_IDENTITY, Logins: { [providerOf(pool)]: a }, LoginsToRemove: [] })))).name, 'ResourceNotFoundException');

      await server.identity.send(new UnlinkIdentityCommand({ IdentityId, Logins: { [providerOf(pool)]: a }, LoginsToRemove: [providerOf(otherPool)] }));
      assert.deepEqual((await server.identityAdmin.send(new DescribeIdentityCommand({ IdentityId }))).Logins, [providerOf(pool)]);
      // The unlinked login is new again.
      const fresh = await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: { [providerOf(otherPool)]: b } }));
      assert.notEqual(fresh.IdentityId, IdentityId);
      // Removing the last login leaves the identity unreachable, as Cognito documents.
      await server.identity.send(new UnlinkIdentityCommand({ IdentityId, Logins: { [providerOf(pool)]: a }, LoginsToRemove: [providerOf(pool)] }));
      assert.equal((await failure(() => server.identity.send(new GetCredentialsForIdentityCommand({ IdentityId })))).name, 'NotAuthorizedException');
      assert.equal((await failure(() => server.identity.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: { [providerOf(pool)]: a } })))).name, 'NotAuthorizedException');
    });

    it('runs a developer-authenticated identity end to end', async () => {
      const out = await server.identityAdmin.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: identityPoolId, Logins: { [DEV]: 'user-42' }, TokenDuration: 3600 }));
      assert.match(out.IdentityId!, /^us-east-1:/);
      const c = claims(out.Token!);
      assert.equal(c.sub, out.IdentityId);
      assert.equal(c.aud, identityPoolId);
      assert.deepEqual(c.amr, ['authenticated', DEV, `${DEV}:${identityPoolId}:user-42`]);
      assert.equal((c.exp as number) - (c.iat as number), 3600);
      // The same user identifier: the same identity.
      const again = await server.identityAdmin.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: identityPoolId, Logins: { [DEV]: 'user-42' } }));
      assert.equal(again.IdentityId, out.IdentityId);

      // The client federates with the identity ID and token, as Cognito's enhanced flow does.
      const provider = fromCognitoIdentityPool({
        identityPoolId,
        logins: { 'cognito-identity.amazonaws.com': out.Token! },
        clientConfig: { region: 'us-east-1', endpoint: server.url, maxAttempts: 1 },
      });
      const viaGetId = await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: { 'cognito-identity.amazonaws.com': out.Token! } }));
      assert.equal(viaGetId.IdentityId, out.IdentityId);
      const creds = await provider();
      assert.equal(creds.identityId, out.IdentityId);
      const session = server.running.cognate.identity.builtIn.open(creds.sessionToken!)!;
      assert.equal(session.r, AUTH_ROLE);
      assert.equal(session.i, out.IdentityId);
      const openId = await server.identity.send(new GetOpenIdTokenCommand({ IdentityId: out.IdentityId, Logins: { 'cognito-identity.amazonaws.com': out.Token! } }));
      assert.deepEqual(claims(openId.Token!).amr, ['authenticated', DEV, `${DEV}:${identityPoolId}:user-42`]);

      // Another identity's developer token does not open this identity.
      const other = await server.identityAdmin.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: identityPoolId, Logins: { [DEV]: 'user-43' } }));
      const e = await failure(() => server.identity.send(new GetCredentialsForIdentityCommand({ IdentityId: out.IdentityId, Logins: { 'cognito-identity.amazonaws.com': other.Token! } })));
      assert.equal(e.name, 'NotAuthorizedException');
      // Nor does a tampered one, or one for another identity pool.
      const t = out.Token!.split('.');
      const tampered = `${t[0]}.${Buffer.from(JSON.stringify({ ...c, sub: other.IdentityId })).toString('base64url')}.${t[2]}`;
      assert.equal((await failure(() => server.identity.send(new GetCredentialsForIdentityCommand({ IdentityId: other.IdentityId, Logins: { 'cognito-identity.amazonaws.com': tampered } })))).name, 'NotAuthorizedException');
      const otherPoolId = await identityPoolFor(server, [pool], { DeveloperProviderName: DEV });
      assert.equal((await failure(() => server.identity.send(new GetIdCommand({ IdentityPoolId: otherPoolId, Logins: { 'cognito-identity.amazonaws.com': out.Token! } })))).name, 'NotAuthorizedException');
    });

    it('links developer identifiers to an identity, looks them up, merges and unlinks them', async () => {
      const first = await server.identityAdmin.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: identityPoolId, Logins: { [DEV]: 'merge-src' } }));
      const second = await server.identityAdmin.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: identityPoolId, Logins: { [DEV]: 'merge-dst' } }));
      // Linking a second identifier to an existing identity.
      await server.identityAdmin.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: identityPoolId, IdentityId: second.IdentityId, Logins: { [DEV]: 'merge-dst-2' } }));
      const taken = await failure(() =>
        server.identityAdmin.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: identityPoolId, IdentityId: second.IdentityId, Logins: { [DEV]: 'merge-src' } })),
      );
      assert.equal(taken.name, 'DeveloperUserAlreadyRegisteredException');

      const byUser = await server.identityAdmin.send(new LookupDeveloperIdentityCommand({ IdentityPoolId: identityPoolId, DeveloperUserIdentifier: 'merge-dst' }));
      assert.equal(byUser.IdentityId, second.IdentityId);
      assert.deepEqual([...byUser.DeveloperUserIdentifierList!].sort(), ['merge-dst', 'merge-dst-2']);
      const paged = await server.identityAdmin.send(new LookupDeveloperIdentityCommand({ IdentityPoolId: identityPoolId, IdentityId: second.IdentityId, MaxResults: 1 }));
      assert.equal(paged.DeveloperUserIdentifierList!.length, 1);
      const rest = await server.identityAdmin.send(new LookupDeveloperIdentityCommand({ IdentityPoolId: identityPoolId, IdentityId: second.IdentityId, MaxResults: 1, NextToken: paged.NextToken }));
      assert.deepEqual([...paged.DeveloperUserIdentifierList!, ...rest.DeveloperUserIdentifierList!].sort(), ['merge-dst', 'merge-dst-2']);

      const merged = await server.identityAdmin.send(
        new MergeDeveloperIdentitiesCommand({ IdentityPoolId: identityPoolId, DeveloperProviderName: DEV, SourceUserIdentifier: 'merge-src', DestinationUserIdentifier: 'merge-dst' }),
      );
      assert.equal(merged.IdentityId, second.IdentityId);
      assert.equal((await server.identityAdmin.send(new LookupDeveloperIdentityCommand({ IdentityPoolId: identityPoolId, DeveloperUserIdentifier: 'merge-src' }))).IdentityId, second.IdentityId);
      assert.equal((await failure(() => server.identityAdmin.send(new DescribeIdentityCommand({ IdentityId: first.IdentityId })))).name, 'ResourceNotFoundException');

      await server.identityAdmin.send(new UnlinkDeveloperIdentityCommand({ IdentityPoolId: identityPoolId, IdentityId: second.IdentityId, DeveloperProviderName: DEV, DeveloperUserIdentifier: 'merge-src' }));
      assert.equal((await failure(() => server.identityAdmin.send(new LookupDeveloperIdentityCommand({ IdentityPoolId: identityPoolId, DeveloperUserIdentifier: 'merge-src' })))).name, 'ResourceNotFoundException');
      const again = await failure(() =>
        server.identityAdmin.send(new UnlinkDeveloperIdentityCommand({ IdentityPoolId: identityPoolId, IdentityId: second.IdentityId, DeveloperProviderName: DEV, DeveloperUserIdentifier: 'merge-src' })),
      );
      assert.equal(again.name, 'ResourceNotFoundException');
    });

    it('refuses bad developer-identity input with Cognito errors', async () => {
      const noDev = await identityPoolFor(server, [pool]);
      const admin = server.identityAdmin;
      /** The name of the error a signed developer call is refused with. */
      const refusal = async (call: () => Promise<unknown>) => (await failure(call)).name;
      assert.equal(await refusal(() => admin.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: noDev, Logins: { [DEV]: 'x' } }))), 'NotAuthorizedException');
      assert.equal(await refusal(() => admin.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: identityPoolId, Logins: { 'other.dev': 'x' } }))), 'InvalidParameterException');
      assert.equal(await refusal(() => admin.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: NO_IDENTITY, Logins: { [DEV]: 'x' } }))), 'ResourceNotFoundException');
      assert.equal(await refusal(() => admin.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: identityPoolId, IdentityId: NO_IDENTITY, Logins: { [DEV]: 'x' } }))), 'ResourceNotFoundException');
      assert.equal(await refusal(() => admin.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: identityPoolId, Logins: { [DEV]: 'x' }, TokenDuration: 86401 }))), 'ValidationException');
      assert.equal(await refusal(() => admin.send(new LookupDeveloperIdentityCommand({ IdentityPoolId: identityPoolId }))), 'InvalidParameterException');
      assert.equal(await refusal(() => admin.send(new LookupDeveloperIdentityCommand({ IdentityPoolId: identityPoolId, DeveloperUserIdentifier: 'nobody' }))), 'ResourceNotFoundException');
      assert.equal(await refusal(() => admin.send(new LookupDeveloperIdentityCommand({ IdentityPoolId: identityPoolId, IdentityId: NO_IDENTITY }))), 'ResourceNotFoundException');
      assert.equal(await refusal(() => admin.send(new MergeDeveloperIdentitiesCommand({ IdentityPoolId: identityPoolId, DeveloperProviderName: 'other.dev', SourceUserIdentifier: 'a', DestinationUserIdentifier: 'b' }))), 'NotAuthorizedException');
      assert.equal(await refusal(() => admin.send(new MergeDeveloperIdentitiesCommand({ IdentityPoolId: identityPoolId, DeveloperProviderName: DEV, SourceUserIdentifier: 'nobody', DestinationUserIdentifier: 'b' }))), 'ResourceNotFoundException');
      assert.equal(await refusal(() => admin.send(new UnlinkDeveloperIdentityCommand({ IdentityPoolId: identityPoolId, IdentityId: NO_IDENTITY, DeveloperProviderName: DEV, DeveloperUserIdentifier: 'x' }))), 'ResourceNotFoundException');
      // Unsigned, the developer calls are refused before anything else.
      assert.equal((await failure(() => server.identity.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: identityPoolId, Logins: { [DEV]: 'x' } })))).name, 'UnrecognizedClientException');
    });
  });
}
