/**
 * User pool groups with the AWS SDK: CreateGroup, GetGroup, UpdateGroup, DeleteGroup, ListGroups,
 * AdminAddUserToGroup, AdminRemoveUserFromGroup, AdminListGroupsForUser and ListUsersInGroup; the
 * group claims in tokens, checked by aws-jwt-verify's `groups` option; and bad input for each.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminAddUserToGroupCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  ConfirmSignUpCommand,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteGroupCommand,
  DeleteUserPoolCommand,
  GetGroupCommand,
  InitiateAuthCommand,
  ListGroupsCommand,
  ListUsersInGroupCommand,
  SignUpCommand,
  UpdateGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { databaseKinds } from '../support/postgres.js';
import { failure, rawCall, startTestServer, type TestServer } from '../support/server.js';

const PASSWORD = 'Corr3ct-Horse!';
const ROLE_A = 'arn:aws:iam::123456789012:role/Admins';
const ROLE_B = 'arn:aws:iam::123456789012:role/Editors';
const ROLE_C = 'arn:aws:iam::123456789012:role/TeamC';
const ROLE_D = 'arn:aws:iam::123456789012:role/TeamD';
const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

for (const kind of databaseKinds) {
  describe(`groups (${kind})`, () => {
    let server: TestServer;
    let poolId: string;
    let clientId: string;
    let otherPoolId: string;

    async function freshPool(name: string) {
      const id = (await server.admin.send(new CreateUserPoolCommand({ PoolName: name, AutoVerifiedAttributes: ['email'] }))).UserPool!.Id!;
      const client = (
        await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: id, PreventUserExistenceErrors: 'ENABLED', ClientName: 'web', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))
      ).UserPoolClient!.ClientId!;
      return { id, client };
    }

    /** Signs a user up and confirms them with the code from the outbox. */
    async function confirmedUser(pool: { id: string; client: string }, username: string) {
      const email = `${username}@example.com`;
      await server.anonymous.send(new SignUpCommand({ ClientId: pool.client, Username: username, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: email }] }));
      const sent = await server.running.cognate.outbox.recent(100, pool.id);
      const code = /\b(\d{6})\b/.exec(sent.find((m) => m.to === email)?.text ?? '')?.[1];
      assert.ok(code, 'the sign-up code is in the outbox');
      await server.anonymous.send(new ConfirmSignUpCommand({ ClientId: pool.client, Username: username, ConfirmationCode: code }));
    }

    const signIn = async (client: string, username: string) =>
      (await server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: client, AuthParameters: { USERNAME: username, PASSWORD } }))).AuthenticationResult!;
    const refresh = async (client: string, refreshToken: string) =>
      (await server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: client, AuthParameters: { REFRESH_TOKEN: refreshToken } }))).AuthenticationResult!;
    const add = (pool: string, Username: string, GroupName: string) => server.admin.send(new AdminAddUserToGroupCommand({ UserPoolId: pool, Username, GroupName }));
    const groupsOf = async (pool: string, Username: string) => ((await server.admin.send(new AdminListGroupsForUserCommand({ UserPoolId: pool, Username }))).Groups ?? []).map((g) => g.GroupName);
    const membersOf = async (pool: string, GroupName: string) => ((await server.admin.send(new ListUsersInGroupCommand({ UserPoolId: pool, GroupName }))).Users ?? []).map((u) => u.Username).sort();

    before(async () => {
      server = await startTestServer(kind);
      const main = await freshPool('groups');
      poolId = main.id;
      clientId = main.client;
      otherPoolId = (await freshPool('elsewhere')).id;
      for (const name of ['alice', 'bob', 'carol']) await confirmedUser(main, name);
    });
    after(() => server.stop());

    it('creates, reads and updates groups as GroupType', async () => {
      const created = (await server.admin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'admins', Description: 'People who run things', RoleArn: ROLE_A, Precedence: 1 }))).Group!;
      assert.equal(created.GroupName, 'admins');
      assert.equal(created.UserPoolId, poolId);
      assert.equal(created.Description, 'People who run things');
      assert.equal(created.RoleArn, ROLE_A);
      assert.equal(created.Precedence, 1);
      assert.ok(created.CreationDate instanceof Date);
      assert.equal(created.LastModifiedDate!.getTime(), created.CreationDate!.getTime());

      const plain = (await server.admin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'plain' }))).Group!;
      assert.deepEqual(Object.keys(plain).sort(), ['CreationDate', 'GroupName', 'LastModifiedDate', 'UserPoolId'], 'unset properties are absent');

      const read = (await server.admin.send(new GetGroupCommand({ UserPoolId: poolId, GroupName: 'admins' }))).Group!;
      assert.deepEqual(read, created);

      server.clock.advance(5000);
      const updated = (await server.admin.send(new UpdateGroupCommand({ UserPoolId: poolId, GroupName: 'admins', Precedence: 0 }))).Group!;
      assert.equal(updated.Precedence, 0);
      assert.equal(updated.Description, 'People who run things', 'omitted properties are kept');
      assert.equal(updated.RoleArn, ROLE_A);
      assert.equal(updated.CreationDate!.getTime(), created.CreationDate!.getTime());
      assert.equal(updated.LastModifiedDate!.getTime(), created.CreationDate!.getTime() + 5000);
      const described = (await server.admin.send(new UpdateGroupCommand({ UserPoolId: poolId, GroupName: 'plain', Description: '', RoleArn: ROLE_B }))).Group!;
      assert.equal(described.Description, '');
      assert.equal(described.RoleArn, ROLE_B);
      assert.equal(described.Precedence, undefined);

      const dup = await failure(() => server.admin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'admins' })));
      assert.equal(dup.name, 'GroupExistsException');
      assert.equal(dup.message, 'A group with the name admins already exists.');
      // Group names are case-sensitive, and each pool has its own.
      await server.admin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'Admins' }));
      await server.admin.send(new CreateGroupCommand({ UserPoolId: otherPoolId, GroupName: 'admins' }));
      const wrongCase = await failure(() => server.admin.send(new GetGroupCommand({ UserPoolId: poolId, GroupName: 'ADMINS' })));
      assert.equal(wrongCase.name, 'ResourceNotFoundException');
      assert.equal(wrongCase.message, 'Group not found.');
      assert.equal((await server.admin.send(new GetGroupCommand({ UserPoolId: otherPoolId, GroupName: 'admins' }))).Group!.Description, undefined);
    });

    it('lists groups a page at a time, in name order', async () => {
      const pool = await freshPool('many-groups');
      const names = ['g1', 'g2', 'g3', 'g4', 'g5', 'g6', 'g7'];
      for (const GroupName of [...names].reverse()) await server.admin.send(new CreateGroupCommand({ UserPoolId: pool.id, GroupName }));
      const seen: string[] = [];
      const sizes: number[] = [];
      let token: string | undefined;
      do {
        const page = await server.admin.send(new ListGroupsCommand({ UserPoolId: pool.id, Limit: 3, NextToken: token }));
        sizes.push(page.Groups!.length);
        seen.push(...page.Groups!.map((g) => g.GroupName!));
        token = page.NextToken;
      } while (token);
      assert.deepEqual(seen, names);
      assert.deepEqual(sizes, [3, 3, 1]);
      const all = await server.admin.send(new ListGroupsCommand({ UserPoolId: pool.id }));
      assert.equal(all.Groups!.length, 7);
      assert.equal(all.NextToken, undefined);
      assert.ok(all.Groups!.every((g) => g.UserPoolId === pool.id && g.CreationDate instanceof Date));
      assert.deepEqual((await server.admin.send(new ListGroupsCommand({ UserPoolId: (await freshPool('no-groups')).id }))).Groups, []);
    });

    it('adds, lists and removes members, idempotently', async () => {
      await server.admin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'editors', Precedence: 5 }));
      await add(poolId, 'alice', 'admins');
      await add(poolId, 'ALICE', 'admins'); // the same user in a case-insensitive pool, again: no error, no duplicate
      await add(poolId, 'bob', 'admins');
      await add(poolId, 'bob', 'editors');
      assert.deepEqual(await groupsOf(poolId, 'alice'), ['admins']);
      assert.deepEqual(await groupsOf(poolId, 'bob'), ['admins', 'editors']);
      assert.deepEqual(await groupsOf(poolId, 'carol'), []);
      assert.deepEqual(await membersOf(poolId, 'admins'), ['alice', 'bob']);

      const members = (await server.admin.send(new ListUsersInGroupCommand({ UserPoolId: poolId, GroupName: 'admins' }))).Users!;
      const alice = members.find((u) => u.Username === 'alice')!;
      assert.equal(alice.UserStatus, 'CONFIRMED');
      assert.equal(alice.Enabled, true);
      assert.equal(alice.Attributes!.find((a) => a.Name === 'email')?.Value, 'alice@example.com');
      assert.ok(alice.UserCreateDate instanceof Date);

      // One at a time: every member and every group once.
      const paged: string[] = [];
      let token: string | undefined;
      do {
        const page = await server.admin.send(new ListUsersInGroupCommand({ UserPoolId: poolId, GroupName: 'admins', Limit: 1, NextToken: token }));
        paged.push(...page.Users!.map((u) => u.Username!));
        token = page.NextToken;
      } while (token);
      assert.deepEqual(paged.sort(), ['alice', 'bob']);
      const bobsGroups: string[] = [];
      do {
        const page = await server.admin.send(new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: 'bob', Limit: 1, NextToken: token }));
        bobsGroups.push(...page.Groups!.map((g) => g.GroupName!));
        token = page.NextToken;
      } while (token);
      assert.deepEqual(bobsGroups, ['admins', 'editors']);

      await server.admin.send(new AdminRemoveUserFromGroupCommand({ UserPoolId: poolId, Username: 'alice', GroupName: 'admins' }));
      await server.admin.send(new AdminRemoveUserFromGroupCommand({ UserPoolId: poolId, Username: 'alice', GroupName: 'admins' })); // not a member: fine
      assert.deepEqual(await membersOf(poolId, 'admins'), ['bob']);
      assert.deepEqual(await groupsOf(poolId, 'alice'), []);
      assert.deepEqual(await membersOf(poolId, 'plain'), []);
    });

    it('DeleteGroup removes the group and its memberships', async () => {
      await server.admin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'temporary' }));
      await add(poolId, 'carol', 'temporary');
      assert.deepEqual(await groupsOf(poolId, 'carol'), ['temporary']);
      await server.admin.send(new DeleteGroupCommand({ UserPoolId: poolId, GroupName: 'temporary' }));
      assert.deepEqual(await groupsOf(poolId, 'carol'), []);
      for (const call of [
        () => server.admin.send(new GetGroupCommand({ UserPoolId: poolId, GroupName: 'temporary' })),
        () => server.admin.send(new DeleteGroupCommand({ UserPoolId: poolId, GroupName: 'temporary' })),
        () => server.admin.send(new ListUsersInGroupCommand({ UserPoolId: poolId, GroupName: 'temporary' })),
      ]) {
        const err = await failure(call);
        assert.equal(err.name, 'ResourceNotFoundException');
        assert.equal(err.message, 'Group not found.');
      }
      await server.admin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'temporary' }));
      assert.deepEqual(await membersOf(poolId, 'temporary'), [], 'a new group of the same name starts empty');
    });

    it('puts cognito:groups, cognito:roles and cognito:preferred_role in tokens, and aws-jwt-verify checks groups', async () => {
      const pool = await freshPool('token-groups');
      for (const name of ['dave', 'erin', 'frank', 'gina', 'heidi']) await confirmedUser(pool, name);
      const group = (GroupName: string, extra: { RoleArn?: string; Precedence?: number } = {}) => server.admin.send(new CreateGroupCommand({ UserPoolId: pool.id, GroupName, ...extra }));
      await group('admins', { RoleArn: ROLE_A, Precedence: 1 });
      await group('editors', { RoleArn: ROLE_B, Precedence: 5 });
      await group('readers');
      await group('team-c', { RoleArn: ROLE_C, Precedence: 2 });
      await group('team-d', { RoleArn: ROLE_D, Precedence: 2 });
      await group('team-c2', { RoleArn: ROLE_C, Precedence: 2 });
      await group('first-no-role', { Precedence: 0 });
      await group('role-no-precedence', { RoleArn: ROLE_D });
      for (const g of ['readers', 'editors', 'admins']) await add(pool.id, 'dave', g);
      await add(pool.id, 'erin', 'readers');

      const dave = await signIn(pool.client, 'dave');
      const id = claims(dave.IdToken!);
      assert.deepEqual(id['cognito:groups'], ['admins', 'editors', 'readers'], 'by precedence, groups without one last');
      assert.deepEqual(id['cognito:roles'], [ROLE_A, ROLE_B]);
      assert.equal(id['cognito:preferred_role'], ROLE_A);
      const access = claims(dave.AccessToken!);
      assert.deepEqual(access['cognito:groups'], ['admins', 'editors', 'readers']);
      assert.equal(access['cognito:roles'], undefined, 'roles are ID-token claims');
      assert.equal(access['cognito:preferred_role'], undefined);

      const jwks = (await (await fetch(`${server.url}/${pool.id}/.well-known/jwks.json`)).json()) as { keys: any[] };
      const idVerifier = CognitoJwtVerifier.create({ userPoolId: pool.id, tokenUse: 'id', clientId: pool.client, groups: 'admins' });
      const accessVerifier = CognitoJwtVerifier.create({ userPoolId: pool.id, tokenUse: 'access', clientId: pool.client, groups: ['admins'] });
      idVerifier.cacheJwks(jwks);
      accessVerifier.cacheJwks(jwks);
      assert.deepEqual((await idVerifier.verify(dave.IdToken!))['cognito:groups'], ['admins', 'editors', 'readers']);
      await accessVerifier.verify(dave.AccessToken!);
      const erin = await signIn(pool.client, 'erin');
      assert.deepEqual(claims(erin.IdToken!)['cognito:groups'], ['readers']);
      await assert.rejects(idVerifier.verify(erin.IdToken!), /group/i, 'a member of other groups only is refused');
      await assert.rejects(accessVerifier.verify(erin.AccessToken!), /group/i);
      const frankBefore = await signIn(pool.client, 'frank');
      assert.equal(claims(frankBefore.IdToken!)['cognito:groups'], undefined, 'no claim without groups');
      assert.equal(claims(frankBefore.AccessToken!)['cognito:groups'], undefined);
      await assert.rejects(idVerifier.verify(frankBefore.IdToken!), /group/i, 'a user in no group is refused');

      // Refreshed tokens show current memberships.
      await server.admin.send(new AdminRemoveUserFromGroupCommand({ UserPoolId: pool.id, Username: 'dave', GroupName: 'admins' }));
      const renewed = await refresh(pool.client, dave.RefreshToken!);
      assert.deepEqual(claims(renewed.IdToken!)['cognito:groups'], ['editors', 'readers']);
      assert.equal(claims(renewed.IdToken!)['cognito:preferred_role'], ROLE_B);
      await assert.rejects(idVerifier.verify(renewed.IdToken!), /group/i);
      await server.admin.send(new DeleteGroupCommand({ UserPoolId: pool.id, GroupName: 'editors' }));
      const again = await refresh(pool.client, dave.RefreshToken!);
      assert.deepEqual(claims(again.IdToken!)['cognito:groups'], ['readers']);
      assert.equal(claims(again.IdToken!)['cognito:roles'], undefined);
      assert.equal(claims(again.IdToken!)['cognito:preferred_role'], undefined);
      await add(pool.id, 'dave', 'admins');
      await idVerifier.verify((await refresh(pool.client, dave.RefreshToken!)).IdToken!);

      // Ties at the top precedence: a preferred role only when the tied groups agree on it.
      await add(pool.id, 'frank', 'team-c');
      await add(pool.id, 'frank', 'team-d');
      const frank = claims((await signIn(pool.client, 'frank')).IdToken!);
      assert.deepEqual(frank['cognito:groups'], ['team-c', 'team-d']);
      assert.deepEqual(frank['cognito:roles'], [ROLE_C, ROLE_D]);
      assert.equal(frank['cognito:preferred_role'], undefined, 'two groups share the lowest precedence with different roles');
      await add(pool.id, 'gina', 'team-c');
      await add(pool.id, 'gina', 'team-c2');
      const gina = claims((await signIn(pool.client, 'gina')).IdToken!);
      assert.deepEqual(gina['cognito:roles'], [ROLE_C]);
      assert.equal(gina['cognito:preferred_role'], ROLE_C, 'tied groups with the same role');
      // Only groups with a role compete for the preferred role.
      await add(pool.id, 'heidi', 'first-no-role');
      await add(pool.id, 'heidi', 'role-no-precedence');
      const heidi = claims((await signIn(pool.client, 'heidi')).IdToken!);
      assert.deepEqual(heidi['cognito:groups'], ['first-no-role', 'role-no-precedence']);
      assert.equal(heidi['cognito:preferred_role'], ROLE_D);
    });

    it('deleting a pool takes its groups and memberships with it', async () => {
      const pool = await freshPool('short-lived');
      await confirmedUser(pool, 'ivan');
      await server.admin.send(new CreateGroupCommand({ UserPoolId: pool.id, GroupName: 'crew' }));
      await add(pool.id, 'ivan', 'crew');
      await server.admin.send(new DeleteUserPoolCommand({ UserPoolId: pool.id }));
      const gone = await failure(() => server.admin.send(new ListGroupsCommand({ UserPoolId: pool.id })));
      assert.equal(gone.name, 'ResourceNotFoundException');
    });

    it('refuses bad input to every group action', async () => {
      const missingPool = 'us-east-1_Missing99';
      const first = await server.admin.send(new ListGroupsCommand({ UserPoolId: poolId, Limit: 1 }));
      const bobsFirst = await server.admin.send(new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: 'bob', Limit: 1 }));
      await add(poolId, 'carol', 'admins');
      const adminsFirst = await server.admin.send(new ListUsersInGroupCommand({ UserPoolId: poolId, GroupName: 'admins', Limit: 1 }));
      assert.ok(first.NextToken && bobsFirst.NextToken && adminsFirst.NextToken);

      const cases: [string, () => Promise<unknown>, string, string?][] = [
        ['CreateGroup: empty name', () => server.admin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: '' })), 'InvalidParameterException'],
        ['CreateGroup: name too long', () => server.admin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'g'.repeat(129) })), 'InvalidParameterException'],
        ['CreateGroup: space in name', () => server.admin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'two words' })), 'InvalidParameterException'],
        ['CreateGroup: bad role ARN', () => server.admin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'x1', RoleArn: 'this-is-not-an-arn-at-all' })), 'InvalidParameterException'],
        ['CreateGroup: short role ARN', () => server.admin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'x1', RoleArn: 'arn:a:b::1:c' })), 'InvalidParameterException'],
        ['CreateGroup: negative precedence', () => server.admin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'x1', Precedence: -1 })), 'InvalidParameterException'],
        ['CreateGroup: precedence past 2^31-1', () => server.admin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'x1', Precedence: 2 ** 31 })), 'SerializationException'],
        ['CreateGroup: description too long', () => server.admin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'x1', Description: 'd'.repeat(2049) })), 'InvalidParameterException'],
        ['CreateGroup: unknown pool', () => server.admin.send(new CreateGroupCommand({ UserPoolId: missingPool, GroupName: 'x1' })), 'ResourceNotFoundException', `User pool ${missingPool} does not exist.`],
        ['CreateGroup: existing', () => server.admin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'editors' })), 'GroupExistsException', 'A group with the name editors already exists.'],
        ['GetGroup: unknown group', () => server.admin.send(new GetGroupCommand({ UserPoolId: poolId, GroupName: 'nobody-here' })), 'ResourceNotFoundException', 'Group not found.'],
        ['GetGroup: unknown pool', () => server.admin.send(new GetGroupCommand({ UserPoolId: missingPool, GroupName: 'admins' })), 'ResourceNotFoundException'],
        ['GetGroup: bad name', () => server.admin.send(new GetGroupCommand({ UserPoolId: poolId, GroupName: 'a b' })), 'InvalidParameterException'],
        ['UpdateGroup: unknown group', () => server.admin.send(new UpdateGroupCommand({ UserPoolId: poolId, GroupName: 'nobody-here', Precedence: 3 })), 'ResourceNotFoundException', 'Group not found.'],
        ['UpdateGroup: negative precedence', () => server.admin.send(new UpdateGroupCommand({ UserPoolId: poolId, GroupName: 'admins', Precedence: -5 })), 'InvalidParameterException'],
        ['UpdateGroup: empty role ARN', () => server.admin.send(new UpdateGroupCommand({ UserPoolId: poolId, GroupName: 'admins', RoleArn: '' })), 'InvalidParameterException'],
        ['UpdateGroup: unknown pool', () => server.admin.send(new UpdateGroupCommand({ UserPoolId: missingPool, GroupName: 'admins' })), 'ResourceNotFoundException'],
        ['DeleteGroup: unknown group', () => server.admin.send(new DeleteGroupCommand({ UserPoolId: poolId, GroupName: 'nobody-here' })), 'ResourceNotFoundException', 'Group not found.'],
        ['DeleteGroup: unknown pool', () => server.admin.send(new DeleteGroupCommand({ UserPoolId: missingPool, GroupName: 'admins' })), 'ResourceNotFoundException'],
        ['DeleteGroup: name too long', () => server.admin.send(new DeleteGroupCommand({ UserPoolId: poolId, GroupName: 'g'.repeat(129) })), 'InvalidParameterException'],
        ['ListGroups: limit 0', () => server.admin.send(new ListGroupsCommand({ UserPoolId: poolId, Limit: 0 })), 'InvalidParameterException'],
        ['ListGroups: limit 61', () => server.admin.send(new ListGroupsCommand({ UserPoolId: poolId, Limit: 61 })), 'InvalidParameterException'],
        ['ListGroups: garbage token', () => server.admin.send(new ListGroupsCommand({ UserPoolId: poolId, NextToken: 'garbage' })), 'InvalidParameterException', 'Invalid pagination token.'],
        ['ListGroups: token of another pool', () => server.admin.send(new ListGroupsCommand({ UserPoolId: otherPoolId, NextToken: first.NextToken })), 'InvalidParameterException', 'Invalid pagination token.'],
        ['ListGroups: token of another action', () => server.admin.send(new ListGroupsCommand({ UserPoolId: poolId, NextToken: bobsFirst.NextToken })), 'InvalidParameterException', 'Invalid pagination token.'],
        ['ListGroups: unknown pool', () => server.admin.send(new ListGroupsCommand({ UserPoolId: missingPool })), 'ResourceNotFoundException'],
        ['AdminAddUserToGroup: unknown user', () => add(poolId, 'mallory', 'admins'), 'UserNotFoundException', 'User does not exist.'],
        ['AdminAddUserToGroup: user of another pool', () => add(otherPoolId, 'alice', 'admins'), 'UserNotFoundException', 'User does not exist.'],
        ['AdminAddUserToGroup: unknown group', () => add(poolId, 'alice', 'nobody-here'), 'ResourceNotFoundException', 'Group not found.'],
        ['AdminAddUserToGroup: bad username', () => add(poolId, 'has space', 'admins'), 'InvalidParameterException'],
        ['AdminAddUserToGroup: unknown pool', () => add(missingPool, 'alice', 'admins'), 'ResourceNotFoundException'],
        ['AdminRemoveUserFromGroup: unknown user', () => server.admin.send(new AdminRemoveUserFromGroupCommand({ UserPoolId: poolId, Username: 'mallory', GroupName: 'admins' })), 'UserNotFoundException', 'User does not exist.'],
        ['AdminRemoveUserFromGroup: unknown group', () => server.admin.send(new AdminRemoveUserFromGroupCommand({ UserPoolId: poolId, Username: 'alice', GroupName: 'nobody-here' })), 'ResourceNotFoundException', 'Group not found.'],
        ['AdminRemoveUserFromGroup: bad group name', () => server.admin.send(new AdminRemoveUserFromGroupCommand({ UserPoolId: poolId, Username: 'alice', GroupName: '' })), 'InvalidParameterException'],
        ['AdminListGroupsForUser: unknown user', () => server.admin.send(new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: 'mallory' })), 'UserNotFoundException', 'User does not exist.'],
        ['AdminListGroupsForUser: limit 0', () => server.admin.send(new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: 'bob', Limit: 0 })), 'InvalidParameterException'],
        ['AdminListGroupsForUser: token of another user', () => server.admin.send(new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: 'alice', NextToken: bobsFirst.NextToken })), 'InvalidParameterException', 'Invalid pagination token.'],
        ['AdminListGroupsForUser: unknown pool', () => server.admin.send(new AdminListGroupsForUserCommand({ UserPoolId: missingPool, Username: 'bob' })), 'ResourceNotFoundException'],
        ['ListUsersInGroup: unknown group', () => server.admin.send(new ListUsersInGroupCommand({ UserPoolId: poolId, GroupName: 'nobody-here' })), 'ResourceNotFoundException', 'Group not found.'],
        ['ListUsersInGroup: limit 61', () => server.admin.send(new ListUsersInGroupCommand({ UserPoolId: poolId, GroupName: 'admins', Limit: 61 })), 'InvalidParameterException'],
        ['ListUsersInGroup: token of another group', () => server.admin.send(new ListUsersInGroupCommand({ UserPoolId: poolId, GroupName: 'editors', NextToken: adminsFirst.NextToken })), 'InvalidParameterException', 'Invalid pagination token.'],
        ['ListUsersInGroup: tampered token', () => server.admin.send(new ListUsersInGroupCommand({ UserPoolId: poolId, GroupName: 'admins', NextToken: adminsFirst.NextToken!.slice(0, -6) + 'AAAAA=' })), 'InvalidParameterException', 'Invalid pagination token.'],
        ['ListUsersInGroup: unknown pool', () => server.admin.send(new ListUsersInGroupCommand({ UserPoolId: missingPool, GroupName: 'admins' })), 'ResourceNotFoundException'],
      ];
      for (const [what, call, name, message] of cases) {
        const err = await failure(call);
        assert.equal(err.name, name, what);
        if (message) assert.equal(err.message, message, what);
      }
      // Nothing half-written: the refused creates left no group behind.
      const groups = (await server.admin.send(new ListGroupsCommand({ UserPoolId: poolId }))).Groups!.map((g) => g.GroupName);
      assert.ok(!groups.includes('x1'));
      assert.equal((await server.admin.send(new GetGroupCommand({ UserPoolId: poolId, GroupName: 'admins' }))).Group!.Precedence, 0, 'refused updates changed nothing');
      // Every group action is an IAM-signed admin call.
      for (const action of ['CreateGroup', 'GetGroup', 'UpdateGroup', 'DeleteGroup', 'ListGroups', 'AdminAddUserToGroup', 'AdminRemoveUserFromGroup', 'AdminListGroupsForUser', 'ListUsersInGroup']) {
        const res = await rawCall(server.url, `AWSCognitoIdentityProviderService.${action}`, JSON.stringify({ UserPoolId: poolId, GroupName: 'admins', Username: 'bob' }));
        assert.equal(res.json.__type, 'MissingAuthenticationTokenException', action);
      }
    });
  });
}
