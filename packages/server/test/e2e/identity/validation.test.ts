/**
 * issue 15: cognito-identity answers what its API model forbids (required members, lengths, patterns, ranges,
 * enums, list and map sizes) the way AWS's front end does for that service: `ValidationException`, HTTP 400,
 * `1 validation error detected: Value '…' at '<lowerCamel.path>' failed to satisfy constraint: Member must …`
 * (captured from real GetId / CreateIdentityPool / GetCredentialsForIdentity answers), where cognito-idp keeps
 * `InvalidParameterException` with the same message. The service's own (semantic) refusals stay
 * `InvalidParameterException`.
 *
 * `null` and values of the wrong JSON type, at every top-level member of all 23 actions (and a few nested
 * places): a `null` member is the member left out (AWS's JSON protocol), so the answer is exactly the one for the
 * body without it; a value of the wrong JSON type is a `SerializationException` (never a ValidationException),
 * decided before the constraints, so it wins over a missing required member, as AWS's front end does.
 *
 * Driven by @aws-sdk/client-cognito-identity (which checks no constraint itself) and, for bodies the SDK won't
 * send, raw awsJson requests signed with the SDK's own SigV4 signer.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import {
  CreateIdentityPoolCommand,
  DeleteIdentitiesCommand,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  GetOpenIdTokenForDeveloperIdentityCommand,
  ListIdentityPoolsCommand,
  LookupDeveloperIdentityCommand,
  MergeDeveloperIdentitiesCommand,
  SetIdentityPoolRolesCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-cognito-identity';
import { loadServiceModel, type ShapeModel } from '../../../src/protocol/model.js';
import { databaseKinds } from '../../support/postgres.js';
import { ADMIN, LEAKED_INTERNALS, failureWithStatus, startTestServer, type TestServer } from '../../support/server.js';
import { signerFor } from './sign.js';
import { AUTH_ROLE } from './helpers.js';

const model = loadServiceModel('cognito-identity');
const POOL_ID = 'us-east-1:00000000-0000-0000-0000-000000000000';
const ARN = `arn:aws:cognito-identity:us-east-1:000000000000:identitypool/${POOL_ID}`;
const PROVIDER = 'cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123';
const MAPPING = `${PROVIDER}:5lpkq0example`;
const ID_PATTERN = 'Member must satisfy regular expression pattern: [\\w-]+:[0-9a-f-]+';
const one = (violation: string) => `1 validation error detected: ${violation}`;
const notNull = (path: string) => `Value null at '${path}' failed to satisfy constraint: Member must not be null`;

/** One step into a request body: a structure member, a list's (first) item, or a map's value (under the key `k`). */
type Step = { kind: 'member'; name: string } | { kind: 'item' } | { kind: 'value' };

/** Every member of a shape, nested ones too (through structures, list items and map values), with its wire path. */
function sites(shapeName: string, steps: Step[] = [], path = '', depth = 0): { steps: Step[]; shape: ShapeModel; path: string }[] {
  const shape = model.shape(shapeName)!;
  if (depth > 6 || shape.document) return [];
  const out: { steps: Step[]; shape: ShapeModel; path: string }[] = [];
  const add = (step: Step, child: string, segment: string) => {
    const childPath = path === '' ? segment : `${path}.${segment}`;
    out.push({ steps: [...steps, step], shape: model.shape(child)!, path: childPath });
    out.push(...sites(child, [...steps, step], childPath, depth + 1));
  };
  if (shape.type === 'structure') for (const [name, ref] of Object.entries(shape.members ?? {})) add({ kind: 'member', name }, ref.shape, name[0]!.toLowerCase() + name.slice(1));
  if (shape.type === 'list') add({ kind: 'item' }, shape.member!.shape, '1.member');
  // AWS reports a map's structure value at `map.<key>.member`, a scalar one at `map.<key>`.
  if (shape.type === 'map') add({ kind: 'value' }, shape.value!.shape, model.shape(shape.value!.shape)!.type === 'structure' ? 'k.member' : 'k');
  return out;
}

/** The smallest body holding `leaf` at `steps`. */
function build(steps: readonly Step[], leaf: unknown): unknown {
  if (steps.length === 0) return leaf;
  const [head, ...rest] = steps;
  const inner = build(rest, leaf);
  return head!.kind === 'member' ? { [head!.name]: inner } : head!.kind === 'item' ? [inner] : { k: inner };
}

interface Raw {
  status: number;
  type: string | null;
  json: { __type?: string; message?: string };
}

for (const kind of databaseKinds) {
  describe(`cognito-identity: model-constraint violations are ValidationException (issue 15) (${kind})`, () => {
    let server: TestServer;
    /** A real identity pool (with a developer provider), for the refusals that come after the pool is found. */
    let pool: { id: string; arn: string };

    before(async () => {
      server = await startTestServer(kind);
      const id = (await server.identityAdmin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'validation', AllowUnauthenticatedIdentities: true, DeveloperProviderName: 'login.dev' }))).IdentityPoolId!;
      pool = { id, arn: `arn:aws:cognito-identity:us-east-1:000000000000:identitypool/${id}` };
    });
    after(() => server?.stop());

    /** Posts `body` as the action's JSON, signed with the admin keys unless the action is an unsigned one. */
    async function raw(op: string, body: string): Promise<Raw> {
      const url = new URL(server.url);
      let headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityService.${op}` };
      if (!model.operation(op)!.unsigned) {
        const signed = await signerFor('cognito-identity', ADMIN).sign(
          { method: 'POST', protocol: 'http:', hostname: url.host, path: '/', query: {}, headers: { host: url.host, ...headers }, body },
          { signingDate: new Date(server.clock.now()) },
        );
        const { host: _host, ...rest } = signed.headers as Record<string, string>;
        void _host;
        headers = rest;
      }
      const res = await fetch(`${server.url}/`, { method: 'POST', headers, body });
      const text = await res.text();
      assert.ok(!LEAKED_INTERNALS.test(text), `${op} ${body.slice(0, 200)}: ${text}`);
      return { status: res.status, type: res.headers.get('x-amzn-errortype'), json: JSON.parse(text) as Raw['json'] };
    }

    it("answers a user pool ID given as IdentityPoolId exactly as AWS does: ValidationException, 400, the model's pattern", async () => {
      const expected = one(`Value 'eu-west-1_AbCdEf123' at 'identityPoolId' failed to satisfy constraint: ${ID_PATTERN}`);
      const sdk = await failureWithStatus(() => server.identity.send(new GetIdCommand({ IdentityPoolId: 'eu-west-1_AbCdEf123' })));
      assert.deepEqual(sdk, { name: 'ValidationException', message: expected, status: 400 });
      const wire = await raw('GetId', JSON.stringify({ IdentityPoolId: 'eu-west-1_AbCdEf123' }));
      assert.equal(wire.status, 400);
      assert.equal(wire.type, 'ValidationException');
      assert.deepEqual(wire.json, { __type: 'ValidationException', message: expected });
    });

    it('words every kind of constraint as AWS does, members in lowerCamel paths (required, length, pattern, range, enum, list, map, nested)', async () => {
      const admin = server.identityAdmin;
      const cases: [string, () => Promise<unknown>, string][] = [
        ['a missing required member', () => server.identity.send(new GetIdCommand({} as never)), one(notNull('identityPoolId'))],
        [
          'four missing required members, in alphabetical order of their paths',
          () => admin.send(new MergeDeveloperIdentitiesCommand({} as never)),
          `4 validation errors detected: ${notNull('destinationUserIdentifier')}; ${notNull('developerProviderName')}; ${notNull('identityPoolId')}; ${notNull('sourceUserIdentifier')}`,
        ],
        [
          'an empty IdentityId: its length, then its pattern',
          () => server.identity.send(new GetCredentialsForIdentityCommand({ IdentityId: '' })),
          `2 validation errors detected: Value '' at 'identityId' failed to satisfy constraint: Member must have length greater than or equal to 1; Value '' at 'identityId' failed to satisfy constraint: ${ID_PATTERN}`,
        ],
        [
          'a name outside the pattern',
          () => admin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'app#1', AllowUnauthenticatedIdentities: true })),
          one("Value 'app#1' at 'identityPoolName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+"),
        ],
        [
          'an integer under its range',
          () => admin.send(new ListIdentityPoolsCommand({ MaxResults: 0 })),
          one("Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1"),
        ],
        [
          'an integer over its range',
          () => admin.send(new ListIdentityPoolsCommand({ MaxResults: 61 })),
          one("Value '61' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 60"),
        ],
        [
          'a long over its range',
          () => admin.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: POOL_ID, Logins: { 'login.dev': 'u' }, TokenDuration: 86_401 })),
          one("Value '86401' at 'tokenDuration' failed to satisfy constraint: Member must have value less than or equal to 86400"),
        ],
        [
          'a value outside its enum, inside a map of structures',
          () => admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: POOL_ID, Roles: {}, RoleMappings: { [MAPPING]: { Type: 'Magic' as never, AmbiguousRoleResolution: 'Deny' } } })),
          one(`Value 'Magic' at 'roleMappings.${MAPPING}.member.type' failed to satisfy constraint: Member must satisfy enum value set: [Token, Rules]`),
        ],
        [
          'a missing required member of a map value',
          () => admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: POOL_ID, Roles: {}, RoleMappings: { [MAPPING]: { AmbiguousRoleResolution: 'Deny' } as never } })),
          one(notNull(`roleMappings.${MAPPING}.member.type`)),
        ],
        [
          'a member of a list item (1-based)',
          () => admin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'app', AllowUnauthenticatedIdentities: true, CognitoIdentityProviders: [{ ProviderName: PROVIDER, ClientId: 'bad client!' }] })),
          one("Value 'bad client!' at 'cognitoIdentityProviders.1.member.clientId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w_]+"),
        ],
        [
          'an empty list',
          () => admin.send(new DeleteIdentitiesCommand({ IdentityIdsToDelete: [] })),
          one("Value '[]' at 'identityIdsToDelete' failed to satisfy constraint: Member must have length greater than or equal to 1"),
        ],
        [
          'a list of strings with one out of its constraints: reported once, at the list',
          () => admin.send(new UntagResourceCommand({ ResourceArn: ARN, TagKeys: ['ok', ''] })),
          one(
            "Value '[ok, ]' at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]",
          ),
        ],
        [
          'a map key outside its pattern',
          () => admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: POOL_ID, Roles: { admin: AUTH_ROLE } })),
          one(
            `Value '{admin=${AUTH_ROLE}}' at 'roles' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: (un)?authenticated]`,
          ),
        ],
        [
          'an empty tag value',
          () => admin.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: POOL_ID, Logins: { 'login.dev': 'u' }, PrincipalTags: { team: '' } })),
          one("Value '{team=}' at 'principalTags' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 256, Member must have length greater than or equal to 1]"),
        ],
        [
          'three at once, the login token (sensitive in the model) never echoed',
          () => server.identity.send(new GetCredentialsForIdentityCommand({ IdentityId: '', Logins: { [PROVIDER]: '' } })),
          '3 validation errors detected: ' +
            "Value '' at 'identityId' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
            `Value '' at 'identityId' failed to satisfy constraint: ${ID_PATTERN}; ` +
            "Value at 'logins' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 50000, Member must have length greater than or equal to 1]",
        ],
      ];
      for (const [what, call, message] of cases) {
        assert.deepEqual(await failureWithStatus(call), { name: 'ValidationException', message, status: 400 }, what);
      }
    });

    it('never echoes a login token, however short, and says which member failed', async () => {
      const token = 'x'.repeat(50_001);
      const out = await failureWithStatus(() => server.identity.send(new GetIdCommand({ IdentityPoolId: POOL_ID, Logins: { [PROVIDER]: token } })));
      assert.equal(out.name, 'ValidationException');
      assert.ok(!out.message.includes('xxxx'), out.message);
      assert.equal(out.message, one("Value at 'logins' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 50000, Member must have length greater than or equal to 1]"));
    });

    it("keeps the service's own refusals InvalidParameterException, and cognito-idp's constraint errors InvalidParameterException", async () => {
      const admin = server.identityAdmin;
      assert.deepEqual(await failureWithStatus(() => admin.send(new ListIdentityPoolsCommand({ MaxResults: 5, NextToken: 'AAE' }))), {
        name: 'InvalidParameterException',
        message: 'Invalid pagination token.',
        status: 400,
      });
      assert.equal((await failureWithStatus(() => admin.send(new LookupDeveloperIdentityCommand({ IdentityPoolId: pool.id })))).name, 'InvalidParameterException');
      assert.equal((await failureWithStatus(() => admin.send(new TagResourceCommand({ ResourceArn: pool.arn, Tags: { 'aws:team': 'x' } })))).name, 'InvalidParameterException');
      assert.equal((await failureWithStatus(() => admin.send(new TagResourceCommand({ ResourceArn: pool.arn, Tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) })))).name, 'InvalidParameterException');
      // The same kind of violation on the user-pool API: Cognito user pools answer InvalidParameterException.
      assert.deepEqual(await failureWithStatus(() => server.admin.send(new AdminGetUserCommand({ UserPoolId: 'bad', Username: 'alice' }))), {
        name: 'InvalidParameterException',
        message: one("Value 'bad' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+"),
        status: 400,
      });
    });

    it('answers {} for every one of the 23 actions with a ValidationException naming its required members', async () => {
      assert.equal(model.operationNames().length, 23);
      for (const op of model.operationNames()) {
        const input = model.shape(model.operation(op)!.inputShape!)!;
        const out = await raw(op, '{}');
        assert.equal(out.status, 400, op);
        assert.equal(out.type, 'ValidationException', op);
        assert.equal(out.json.__type, 'ValidationException', op);
        const required = [...(input.required ?? [])].map((m) => m[0]!.toLowerCase() + m.slice(1)).sort();
        const noun = required.length === 1 ? 'error' : 'errors';
        assert.equal(out.json.message, `${required.length} validation ${noun} detected: ${required.map(notNull).join('; ')}`, op);
      }
    });

    it('null at any member of any action, nested ones too, is the member left out: the same answer as without it', async () => {
      let compared = 0;
      for (const op of model.operationNames()) {
        for (const site of sites(model.operation(op)!.inputShape!)) {
          const last = site.steps[site.steps.length - 1]!;
          // A null list element is not a member left out: Cognate refuses it (SerializationException, see protocol/model.ts).
          if (last.kind === 'item') continue;
          const withNull = await raw(op, JSON.stringify(build(site.steps, null)));
          const without = await raw(op, JSON.stringify(build(site.steps.slice(0, -1), {})));
          assert.equal(withNull.status, 400, `${op} ${site.path} = null`);
          assert.deepEqual(withNull, without, `${op} ${site.path} = null`);
          compared++;
        }
      }
      assert.ok(compared >= 80, `${compared} members`);
      // With the required members given: still exactly the answer without the null ones.
      const nested: [string, object, object][] = [
        [
          'CreateIdentityPool',
          { IdentityPoolName: 'app#', AllowUnauthenticatedIdentities: true, CognitoIdentityProviders: [{ ProviderName: PROVIDER, ClientId: null, ServerSideTokenCheck: null }] },
          { IdentityPoolName: 'app#', AllowUnauthenticatedIdentities: true, CognitoIdentityProviders: [{ ProviderName: PROVIDER }] },
        ],
        [
          'SetIdentityPoolRoles',
          { IdentityPoolId: POOL_ID, Roles: { authenticated: null }, RoleMappings: { [MAPPING]: { Type: null, AmbiguousRoleResolution: 'Deny', RulesConfiguration: null } } },
          { IdentityPoolId: POOL_ID, Roles: {}, RoleMappings: { [MAPPING]: { AmbiguousRoleResolution: 'Deny' } } },
        ],
        ['GetId', { IdentityPoolId: 'nocolon', Logins: { [PROVIDER]: null } }, { IdentityPoolId: 'nocolon', Logins: {} }],
      ];
      for (const [op, withNulls, without] of nested) {
        const a = await raw(op, JSON.stringify(withNulls));
        assert.equal(a.json.__type, 'ValidationException', `${op}: ${a.json.message}`);
        assert.deepEqual(a, await raw(op, JSON.stringify(without)), op);
      }
    });

    it('a value of the wrong JSON type at any member of any action, nested ones too, is a SerializationException naming it, decided before the constraints', async () => {
      /** A value of another JSON type than the shape's. */
      const wrong = (shape: ShapeModel): unknown => {
        switch (shape.type) {
          case 'string':
          case 'blob':
            return 7;
          case 'integer':
          case 'long':
          case 'double':
          case 'float':
            return 'ten';
          case 'boolean':
            return 'yes';
          case 'timestamp':
            return true;
          case 'list':
            return 'x';
          default:
            return ['x'];
        }
      };
      let sent = 0;
      for (const op of model.operationNames()) {
        for (const site of sites(model.operation(op)!.inputShape!)) {
          // Only the wrong member is sent: the required ones are missing too, and the type error still wins.
          const out = await raw(op, JSON.stringify(build(site.steps, wrong(site.shape))));
          const what = `${op} ${site.path} (${site.shape.type})`;
          assert.equal(out.status, 400, what);
          assert.equal(out.type, 'SerializationException', what);
          assert.equal(out.json.__type, 'SerializationException', what);
          assert.ok(out.json.message!.endsWith(` at '${site.path}'.`), `${what}: ${out.json.message}`);
          sent++;
        }
      }
      assert.ok(sent >= 100, `${sent} members`);
      // Nested, through the SDK: a list where a principal tag's string value goes (the case of aws-sdk-js-v3#2831),
      // a number in a list of IDs, a string where a role mapping's structure goes.
      const admin = server.identityAdmin;
      const listTag = await failureWithStatus(() =>
        admin.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: POOL_ID, Logins: { 'login.dev': 'u' }, PrincipalTags: { plural: ['a', 'b'] as never } })),
      );
      assert.deepEqual(listTag, { name: 'SerializationException', message: "Start of list found where not expected at 'principalTags.plural'.", status: 400 });
      assert.deepEqual(await failureWithStatus(() => admin.send(new DeleteIdentitiesCommand({ IdentityIdsToDelete: [1 as never] }))), {
        name: 'SerializationException',
        message: "NUMBER_VALUE can not be converted to a String at 'identityIdsToDelete.1.member'.",
        status: 400,
      });
      assert.deepEqual(await failureWithStatus(() => admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: POOL_ID, Roles: {}, RoleMappings: { [MAPPING]: 'Token' as never } }))), {
        name: 'SerializationException',
        message: `Expected null at 'roleMappings.${MAPPING}.member'.`,
        status: 400,
      });
    });

    it("words type errors as AWS's front end does (JSON token, target type), then says where", async () => {
      const cases: [string, string, string][] = [
        ['GetId', '{"IdentityPoolId":7}', "NUMBER_VALUE can not be converted to a String at 'identityPoolId'."],
        ['GetId', '{"IdentityPoolId":{}}', "Start of structure or map found where not expected at 'identityPoolId'."],
        ['GetId', '{"IdentityPoolId":"us-east-1:0","Logins":["x"]}', "Start of list found where not expected at 'logins'."],
        ['CreateIdentityPool', '{"IdentityPoolName":"a","AllowUnauthenticatedIdentities":"yes"}', "STRING_VALUE can not be converted to a Boolean at 'allowUnauthenticatedIdentities'."],
        ['ListIdentityPools', '{"MaxResults":true}', "TRUE_VALUE can not be converted to an Integer at 'maxResults'."],
        ['ListIdentityPools', '{"MaxResults":false}', "FALSE_VALUE can not be converted to an Integer at 'maxResults'."],
        ['GetOpenIdTokenForDeveloperIdentity', '{"IdentityPoolId":"us-east-1:0","Logins":{"a":"b"},"TokenDuration":"soon"}', "STRING_VALUE can not be converted to a Long at 'tokenDuration'."],
        ['DeleteIdentities', '{"IdentityIdsToDelete":"us-east-1:0"}', "Expected list or null at 'identityIdsToDelete'."],
        ['GetId', '{"IdentityPoolId":"us-east-1:0","Logins":"x"}', "Expected null at 'logins'."],
      ];
      for (const [op, body, message] of cases) {
        assert.deepEqual(await raw(op, body), { status: 400, type: 'SerializationException', json: { __type: 'SerializationException', message } }, `${op} ${body}`);
      }
    });
  });
}
