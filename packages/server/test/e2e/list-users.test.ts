/**
 * ListUsers with the AWS SDK: Cognito's one-clause filter grammar and its case rules, injection
 * attempts that must stay literal (security.md A22), AttributesToGet, and pagination that never
 * repeats or skips a user.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ListUsersCommand,
  SignUpCommand,
  type AttributeType,
  type ListUsersCommandInput,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../support/postgres.js';
import { failure, rawCall, startTestServer, type TestServer } from '../support/server.js';

const PASSWORD = 'Corr3ct-Horse!';
const attrs = (o: Record<string, string>): AttributeType[] => Object.entries(o).map(([Name, Value]) => ({ Name, Value }));
const attrOf = (u: UserType, name: string) => u.Attributes?.find((a) => a.Name === name)?.Value;

for (const kind of databaseKinds) {
  describe(`ListUsers (${kind})`, () => {
    let server: TestServer;
    /** A pool whose usernames are case-insensitive (Cognate's default), with verified emails. */
    let poolId: string;
    let clientId: string;
    /** A case-sensitive pool. */
    let strictPoolId: string;
    let strictClientId: string;
    /** A pool of 130 users for paging. */
    let pagedPoolId: string;
    let pagedClientId: string;

    const list = async (input: Omit<ListUsersCommandInput, 'UserPoolId'>, pool = poolId) => (await server.admin.send(new ListUsersCommand({ UserPoolId: pool, ...input }))).Users ?? [];
    const names = async (filter: string, pool = poolId) => (await list({ Filter: filter }, pool)).map((u) => u.Username).sort();

    async function signUp(client: string, username: string, attributes: Record<string, string> = {}) {
      await server.anonymous.send(new SignUpCommand({ ClientId: client, Username: username, Password: PASSWORD, UserAttributes: attrs(attributes) }));
    }

    /** Signs a user up and confirms them with the code from the outbox. */
    async function confirmedUser(username: string, attributes: Record<string, string>) {
      await signUp(clientId, username, attributes);
      const sent = await server.running.cognate.outbox.recent(200, poolId);
      const code = /\b(\d{6})\b/.exec(sent.find((m) => m.to.toLowerCase() === attributes.email!.toLowerCase())?.text ?? '')?.[1];
      assert.ok(code, 'the sign-up code is in the outbox');
      await server.anonymous.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: username, ConfirmationCode: code }));
    }

    before(async () => {
      server = await startTestServer(kind);
      const createPool = async (name: string, extra: Record<string, unknown> = {}) => {
        const id = (await server.admin.send(new CreateUserPoolCommand({ PoolName: name, Schema: [{ Name: 'team', AttributeDataType: 'String', Mutable: true }], ...extra }))).UserPool!.Id!;
        const client = (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: id, PreventUserExistenceErrors: 'ENABLED', ClientName: 'web' }))).UserPoolClient!.ClientId!;
        return [id, client] as const;
      };
      [poolId, clientId] = await createPool('directory', { AutoVerifiedAttributes: ['email'] });
      [strictPoolId, strictClientId] = await createPool('strict', { UsernameConfiguration: { CaseSensitive: true } });
      [pagedPoolId, pagedClientId] = await createPool('paged');

      await confirmedUser('alice', { email: 'Alice@Example.com', given_name: 'Alice', family_name: 'Liddell', name: 'Alice Liddell', preferred_username: 'Wonder', phone_number: '+15555550100', 'custom:team': 'red' });
      await confirmedUser('bob', { email: 'bob@example.com', given_name: 'Bob', family_name: 'Builder', name: 'Bob the Builder', phone_number: '+15555550101', 'custom:team': 'blue' });
      await signUp(clientId, 'alfred', { email: 'alfred@example.org', given_name: 'alfred', family_name: 'Pennyworth' });
      // Values full of SQL and LIKE metacharacters, matched literally.
      await signUp(clientId, 'percent', { email: '%percent@meta.example', name: '%_\\ all' });
      await signUp(clientId, 'underscore', { email: '_under@meta.example', name: '_x' });
      await signUp(clientId, 'backslash', { email: 'back\\slash@meta.example', name: 'x\\y' });
      await signUp(clientId, 'quote', { email: 'a"q@meta.example', name: 'say "hi"' });
      await signUp(clientId, 'injection', { email: "o'brien@meta.example", name: "x' OR '1'='1" });

      await signUp(strictClientId, 'Alice', { email: 'Alice@Example.com', preferred_username: 'Wonder' });
      await signUp(strictClientId, 'alice', { email: 'alice@example.com' });

      for (let i = 0; i < 130; i += 10) {
        await Promise.all(Array.from({ length: 10 }, (_, j) => signUp(pagedClientId, `user${i + j}`, { email: `user${i + j}@paged.example` })));
      }
    });
    after(() => server.stop());

    it('lists every user of the pool as a UserType, and only that pool', async () => {
      const users = await list({});
      assert.deepEqual(users.map((u) => u.Username).sort(), ['alfred', 'alice', 'backslash', 'bob', 'injection', 'percent', 'quote', 'underscore']);
      const alice = users.find((u) => u.Username === 'alice')!;
      assert.equal(alice.Enabled, true);
      assert.equal(alice.UserStatus, 'CONFIRMED');
      assert.ok(alice.UserCreateDate instanceof Date && alice.UserLastModifiedDate instanceof Date);
      assert.equal(attrOf(alice, 'email'), 'Alice@example.com');
      assert.equal(attrOf(alice, 'email_verified'), 'true');
      assert.equal(attrOf(alice, 'custom:team'), 'red');
      assert.match(attrOf(alice, 'sub')!, /^[0-9a-f-]{36}$/);
      assert.equal(alice.Attributes![0]!.Name, 'sub');
      assert.equal(users.find((u) => u.Username === 'alfred')!.UserStatus, 'UNCONFIRMED');
      assert.deepEqual((await list({}, strictPoolId)).map((u) => u.Username).sort(), ['Alice', 'alice']);
    });

    it('filters by each searchable attribute, exact and prefix, with or without spaces', async () => {
      assert.deepEqual(await names('username = "bob"'), ['bob']);
      assert.deepEqual(await names('username ^= "al"'), ['alfred', 'alice']);
      assert.deepEqual(await names('email="bob@example.com"'), ['bob']);
      assert.deepEqual(await names('email^="b"'), ['backslash', 'bob']);
      assert.deepEqual(await names('phone_number ^= "+1555555010"'), ['alice', 'bob']);
      assert.deepEqual(await names('phone_number = "+15555550101"'), ['bob']);
      assert.deepEqual(await names('name = "Bob the Builder"'), ['bob']);
      assert.deepEqual(await names('name ^= "Alice L"'), ['alice']);
      assert.deepEqual(await names('given_name = "Alice"'), ['alice']);
      assert.deepEqual(await names('family_name ^= "P"'), ['alfred']);
      assert.deepEqual(await names('preferred_username = "Wonder"'), ['alice']);
      assert.deepEqual(await names('cognito:user_status = "UNCONFIRMED"'), ['alfred', 'backslash', 'injection', 'percent', 'quote', 'underscore']);
      assert.deepEqual(await names('cognito:user_status ^= "CON"'), ['alice', 'bob']);
      assert.deepEqual((await names('status = "Enabled"')).length, 8);
      assert.deepEqual(await names('status = "Disabled"'), []);
      assert.deepEqual((await names('status ^= "En"')).length, 8);
      const sub = attrOf((await list({ Filter: 'username = "bob"' }))[0]!, 'sub')!;
      assert.deepEqual(await names(`sub = "${sub}"`), ['bob']);
      assert.deepEqual(await names(`sub ^= "${sub.slice(0, 13)}"`), ['bob']);
      assert.deepEqual(await names('"email" ^= "bob@"'), ['bob'], 'a quoted attribute name, as in AWS SDK samples');
      assert.deepEqual(await names('  email   =   "bob@example.com"  '), ['bob']);
      assert.deepEqual(await names('email ^= ""'), ['alfred', 'alice', 'backslash', 'bob', 'injection', 'percent', 'quote', 'underscore'], 'an empty prefix matches everyone with the attribute');
      assert.deepEqual(await names('given_name = ""'), []);
      assert.deepEqual(await names(''), ['alfred', 'alice', 'backslash', 'bob', 'injection', 'percent', 'quote', 'underscore'], 'an empty filter lists everyone');
    });

    it('applies the case rules: the pool decides for username, email and preferred_username', async () => {
      // Case-insensitive pool.
      assert.deepEqual(await names('username = "ALICE"'), ['alice']);
      assert.deepEqual(await names('username ^= "AL"'), ['alfred', 'alice']);
      assert.deepEqual(await names('email = "ALICE@EXAMPLE.COM"'), ['alice']);
      assert.deepEqual(await names('email ^= "ALI"'), ['alice']);
      assert.deepEqual(await names('preferred_username = "wonder"'), ['alice']);
      assert.deepEqual(await names('given_name = "alice"'), [], 'other attributes match as stored');
      assert.deepEqual(await names('given_name ^= "al"'), ['alfred']);
      assert.deepEqual(await names('cognito:user_status = "confirmed"'), ['alice', 'bob'], 'cognito:user_status is case-insensitive');
      assert.deepEqual(await names('status = "enabled"'), [], 'status is case-sensitive');
      // Case-sensitive pool.
      assert.deepEqual(await names('username = "ALICE"', strictPoolId), []);
      assert.deepEqual(await names('username = "Alice"', strictPoolId), ['Alice']);
      assert.deepEqual(await names('username ^= "A"', strictPoolId), ['Alice']);
      assert.deepEqual(await names('email = "alice@example.com"', strictPoolId), ['alice']);
      assert.deepEqual(await names('email = "Alice@EXAMPLE.com"', strictPoolId), ['Alice'], 'email domains are case-insensitive everywhere');
      assert.deepEqual(await names('preferred_username = "wonder"', strictPoolId), []);
    });

    it('keeps injection attempts literal and refuses anything but one well-formed clause (A22)', async () => {
      // An escaped quote is part of the value: this looks for the email `a" OR 1=1 --`.
      assert.deepEqual(await names('email = "a\\" OR 1=1 --"'), []);
      assert.deepEqual(await names('email ^= "a\\"q"'), ['quote']);
      assert.deepEqual(await names('name = "say \\"hi\\""'), ['quote']);
      assert.deepEqual(await names('name = "x\' OR \'1\'=\'1"'), ['injection']);
      assert.deepEqual(await names('name = "x\\\\y"'), ['backslash'], 'an escaped backslash');
      // LIKE metacharacters in a prefix match themselves, not "anything".
      assert.deepEqual(await names('email ^= "%"'), ['percent']);
      assert.deepEqual(await names('email ^= "_"'), ['underscore']);
      assert.deepEqual(await names('name ^= "%_\\\\"'), ['percent']);
      assert.deepEqual(await names('email ^= "back\\\\"'), ['backslash']);
      assert.deepEqual(await names('name ^= "x\\\\"'), ['backslash']);
      assert.deepEqual(await names('email ^= "%@"'), []);

      const refused: [string, string][] = [
        ['email = "a" OR 1=1 --"', 'Error while parsing filter'],
        ['email = "abc', 'Error while parsing filter'],
        ['email = abc"', 'Error while parsing filter'],
        ['email = "a\\"', 'Error while parsing filter'],
        ['email = "a" and name = "b"', 'Error while parsing filter'],
        ['email = "a"; DROP TABLE users; --', 'Error while parsing filter'],
        ['email = "a" "b"', 'Error while parsing filter'],
        ['email = bob', 'Error while parsing filter'],
        ['email == "a"', 'Error while parsing filter'],
        ['email != "a"', 'Error while parsing filter'],
        ['email ~= "a"', 'Error while parsing filter'],
        ['email', 'Error while parsing filter'],
        ['= "a"', 'Error while parsing filter'],
        ['email = "a\\n"', 'Error while parsing filter'],
        ['custom:team = "red"', 'Invalid search attribute: custom:team'],
        ['custom:x = "1"', 'Invalid search attribute: custom:x'],
        ['email_verified = "true"', 'Invalid search attribute: email_verified'],
        ['Email = "bob@example.com"', 'Invalid search attribute: Email'],
        ['password_hash ^= "$"', 'Invalid search attribute: password_hash'],
        ['"u.id" = "x"', 'Invalid search attribute: u.id'],
      ];
      for (const [filter, message] of refused) {
        const err = await failure(() => list({ Filter: filter }));
        assert.equal(err.name, 'InvalidParameterException', filter);
        assert.equal(err.message, message, filter);
      }
      const nul = await failure(() => list({ Filter: 'email = "a\u0000"' }));
      assert.equal(nul.name, 'InvalidParameterException', 'no stored value holds a NUL');
      const tooLong = await failure(() => list({ Filter: `email = "${'a'.repeat(260)}"` }));
      assert.equal(tooLong.name, 'InvalidParameterException');
      assert.equal((await list({})).length, 8, 'nothing was changed by any of it');
    });

    it('returns only the attributes asked for', async () => {
      const emailOnly = await list({ Filter: 'username = "alice"', AttributesToGet: ['email'] });
      assert.deepEqual(emailOnly[0]!.Attributes, [{ Name: 'email', Value: 'Alice@example.com' }]);
      const some = await list({ Filter: 'username = "alice"', AttributesToGet: ['sub', 'given_name', 'custom:team', 'nickname'] });
      assert.deepEqual(some[0]!.Attributes!.map((a) => a.Name), ['sub', 'custom:team', 'given_name']);
      const none = await list({ AttributesToGet: [] });
      assert.equal(none.length, 8);
      assert.ok(none.every((u) => u.Attributes === undefined || u.Attributes.length === 0), 'an empty list returns no attributes');
      assert.ok(none.every((u) => u.Username && u.UserStatus), 'but the rest of each user');
      for (const bad of [['nope'], ['email', 'custom:nope'], ['password'], ['dev:custom:team']]) {
        const err = await failure(() => list({ AttributesToGet: bad }));
        assert.equal(err.name, 'InvalidParameterException', bad.join());
        assert.equal(err.message, 'One or more requested attributes do not exist.');
      }
    });

    it('pages through 130 users without repeating or skipping one, even as users are added', async () => {
      const seen: string[] = [];
      const sizes: number[] = [];
      let token: string | undefined;
      let added = false;
      do {
        const page = await server.admin.send(new ListUsersCommand({ UserPoolId: pagedPoolId, Limit: 60, PaginationToken: token }));
        sizes.push(page.Users!.length);
        seen.push(...page.Users!.map((u) => u.Username!));
        token = page.PaginationToken;
        if (!added) {
          added = true;
          await signUp(pagedClientId, 'latecomer', { email: 'latecomer@paged.example' });
        }
      } while (token);
      assert.equal(new Set(seen).size, seen.length, 'no user appears twice');
      const expected = Array.from({ length: 130 }, (_, i) => `user${i}`);
      assert.deepEqual(seen.filter((u) => u !== 'latecomer').sort(), expected.sort(), 'every user appears');
      assert.ok(sizes[0] === 60 && sizes[1] === 60, `pages of 60 (${sizes.join(', ')})`);

      const byDefault = await server.admin.send(new ListUsersCommand({ UserPoolId: pagedPoolId }));
      assert.equal(byDefault.Users!.length, 60, 'the default page is 60 users');
      assert.ok(byDefault.PaginationToken);
    });

    it('pages through a prefix filter and a status filter', async () => {
      const collect = async (filter: string, limit: number) => {
        const seen: string[] = [];
        let token: string | undefined;
        let pages = 0;
        do {
          const page = await server.admin.send(new ListUsersCommand({ UserPoolId: pagedPoolId, Filter: filter, Limit: limit, PaginationToken: token }));
          assert.ok(page.Users!.length <= limit);
          seen.push(...page.Users!.map((u) => u.Username!));
          token = page.PaginationToken;
          pages++;
        } while (token);
        return { seen, pages };
      };
      const prefix = await collect('email ^= "user1"', 7);
      const expected = Array.from({ length: 130 }, (_, i) => `user${i}`).filter((u) => u.startsWith('user1'));
      assert.equal(expected.length, 41);
      assert.equal(new Set(prefix.seen).size, prefix.seen.length);
      assert.deepEqual(prefix.seen.slice().sort(), expected.sort());
      assert.equal(prefix.pages, 6);
      const prefixUpper = await collect('email ^= "USER1"', 60);
      assert.deepEqual(prefixUpper.seen.sort(), expected.sort(), 'email matches case-insensitively in this pool');

      const unconfirmed = await collect('cognito:user_status = "UNCONFIRMED"', 50);
      assert.equal(new Set(unconfirmed.seen).size, unconfirmed.seen.length);
      assert.equal(unconfirmed.seen.filter((u) => u.startsWith('user')).length, 130);

      const byName = await collect('username ^= "user12"', 3);
      assert.deepEqual(byName.seen.sort(), ['user12', 'user120', 'user121', 'user122', 'user123', 'user124', 'user125', 'user126', 'user127', 'user128', 'user129']);
    });

    it('refuses bad limits, forged, tampered and foreign pagination tokens, and unknown pools', async () => {
      const first = await server.admin.send(new ListUsersCommand({ UserPoolId: pagedPoolId, Limit: 5 }));
      const token = first.PaginationToken!;
      assert.ok(token);
      const second = await server.admin.send(new ListUsersCommand({ UserPoolId: pagedPoolId, Limit: 5, PaginationToken: token }));
      assert.equal(second.Users!.length, 5);
      assert.ok(second.Users!.every((u) => !first.Users!.some((f) => f.Username === u.Username)));

      const tampered = token[5] === 'A' ? 'B' : 'A';
      const badTokens: [string, string][] = [
        ['garbage', 'not-a-token'],
        ['tampered', token.slice(0, 5) + tampered + token.slice(6)],
        ['truncated', token.slice(0, -4)],
        ['plain base64 cursor', Buffer.from(JSON.stringify(['0', 'x'])).toString('base64')],
      ];
      for (const [what, t] of badTokens) {
        const err = await failure(() => server.admin.send(new ListUsersCommand({ UserPoolId: pagedPoolId, Limit: 5, PaginationToken: t })));
        assert.equal(err.name, 'InvalidParameterException', what);
        assert.equal(err.message, 'Invalid pagination token.', what);
      }
      const otherFilter = await failure(() => server.admin.send(new ListUsersCommand({ UserPoolId: pagedPoolId, Filter: 'email ^= "user"', PaginationToken: token })));
      assert.equal(otherFilter.name, 'InvalidParameterException', 'a token is bound to its filter');
      const otherPool = await failure(() => server.admin.send(new ListUsersCommand({ UserPoolId: poolId, PaginationToken: token })));
      assert.equal(otherPool.name, 'InvalidParameterException', 'a token is bound to its pool');
      // A day later (the signing client moves with the server's clock).
      const dayLater = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: server.url, maxAttempts: 1, credentials: server.credentials, systemClockOffset: 25 * 3600_000 });
      server.clock.advance(25 * 3600_000);
      try {
        const expired = await failure(() => dayLater.send(new ListUsersCommand({ UserPoolId: pagedPoolId, Limit: 5, PaginationToken: token })));
        assert.equal(expired.name, 'InvalidParameterException', 'tokens expire after a day');
      } finally {
        server.clock.advance(-25 * 3600_000);
        dayLater.destroy();
      }

      for (const limit of [0, 61, -1]) {
        const err = await failure(() => server.admin.send(new ListUsersCommand({ UserPoolId: pagedPoolId, Limit: limit })));
        assert.equal(err.name, 'InvalidParameterException', `Limit ${limit}`);
      }
      const missing = await failure(() => server.admin.send(new ListUsersCommand({ UserPoolId: 'us-east-1_Nope12345' })));
      assert.equal(missing.name, 'ResourceNotFoundException');
      const malformed = await failure(() => server.admin.send(new ListUsersCommand({ UserPoolId: 'not a pool id' })));
      assert.equal(malformed.name, 'InvalidParameterException');
      const wrongType = await failure(() => server.admin.send(new ListUsersCommand({ UserPoolId: poolId, Filter: 5 as unknown as string })));
      assert.equal(wrongType.name, 'SerializationException');
      const unsigned = await rawCall(server.url, 'AWSCognitoIdentityProviderService.ListUsers', JSON.stringify({ UserPoolId: poolId }));
      assert.equal(unsigned.json.__type, 'MissingAuthenticationTokenException', 'ListUsers is an IAM-signed action');
      const stranger = await failure(() => server.anonymous.send(new ListUsersCommand({ UserPoolId: poolId })));
      assert.equal(stranger.name, 'UnrecognizedClientException');
    });
  });
}
