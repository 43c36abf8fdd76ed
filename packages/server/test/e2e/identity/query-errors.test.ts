/**
 * Every typed error of the STS and IAM action modules (actions/sts, actions/iam,
 * actions/query-action.ts) reaches the wire as the query protocol writes it: the HTTP status, the
 * XML `<Error>` with its `<Type>` and `<Code>`, the service's namespace, and no internals. One
 * named case per error and operation.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GetIdCommand, GetOpenIdTokenCommand } from '@aws-sdk/client-cognito-identity';
import { databaseKinds } from '../../support/postgres.js';
import { LEAKED_INTERNALS, startTestServer, type TestServer } from '../../support/server.js';
import { UNAUTH_ROLE, identityPoolFor } from './helpers.js';
import { iam } from './sign.js';

const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';

const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity' }] });
const ALLOW = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
const MALFORMED = '{"Statement":[{"Effect":"Maybe","Action":"*"}]}';

interface Answer {
  status: number;
  text: string;
}

/** Asserts an XML error answer. */
function assertError(answer: Answer, expected: { status: number; code: string; ns: string; type?: 'Sender' | 'Receiver' }, what: string): void {
  assert.equal(answer.status, expected.status, `${what}: status (${answer.text})`);
  assert.ok(answer.text.startsWith(`<ErrorResponse xmlns="${expected.ns}">`), `${what}: namespace (${answer.text})`);
  assert.match(answer.text, new RegExp(`<Error><Type>${expected.type ?? 'Sender'}</Type><Code>${expected.code}</Code><Message>[^<]+</Message></Error>`), what);
  assert.match(answer.text, /<RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$/, `${what}: request ID`);
  assert.doesNotMatch(answer.text, LEAKED_INTERNALS, `${what}: internals`);
}

async function post(url: string, params: Record<string, string>, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(url + '/', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(params).toString() });
  return { status: res.status, text: await res.text() };
}

for (const kind of databaseKinds) {
  describe(`STS and IAM errors on the wire (${kind})`, () => {
    let server: TestServer;
    let token: string;
    const call = (params: Record<string, string>) => iam(server.url, server.credentials, params, server.clock.now());
    const sts = (params: Record<string, string>) =>
      post(server.url, { Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', RoleArn: UNAUTH_ROLE, RoleSessionName: 's1', WebIdentityToken: token, ...params });

    before(async () => {
      server = await startTestServer(kind);
      const identityPoolId = await identityPoolFor(server, []);
      const { IdentityId } = await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId }));
      token = (await server.identity.send(new GetOpenIdTokenCommand({ IdentityId }))).Token!;
      assert.equal((await sts({})).status, 200, 'the guest token assumes the guest role');
      const setUp: Record<string, string>[] = [
        { Action: 'CreateRole', RoleName: 'Existing', AssumeRolePolicyDocument: TRUST },
        { Action: 'PutRolePolicy', RoleName: 'Existing', PolicyName: 'p', PolicyDocument: ALLOW },
        { Action: 'CreateOpenIDConnectProvider', Url: 'https://idp.example', 'ClientIDList.member.1': 'c1' },
        { Action: 'CreateSAMLProvider', Name: 'ExistingSaml', SAMLMetadataDocument: '<EntityDescriptor/>' },
      ];
      for (const params of setUp) {
        const answer = await call(params);
        assert.equal(answer.status, 200, answer.text);
      }
    });
    after(() => server.stop());

    describe('STS AssumeRoleWithWebIdentity', () => {
      const cases: [string, Record<string, string>, string, number][] = [
        ['a missing RoleArn is ValidationError', { RoleArn: '' }, 'ValidationError', 400],
        ['a missing WebIdentityToken is ValidationError', { WebIdentityToken: '' }, 'ValidationError', 400],
        ['a bad RoleSessionName is ValidationError', { RoleSessionName: 'bad name!' }, 'ValidationError', 400],
        ['DurationSeconds below 900 is ValidationError', { DurationSeconds: '60' }, 'ValidationError', 400],
        ['DurationSeconds that is not a number is ValidationError', { DurationSeconds: 'soon' }, 'ValidationError', 400],
        ['a token that is not ours is InvalidIdentityToken', { WebIdentityToken: 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln' }, 'InvalidIdentityToken', 400],
        ['a role that does not exist is AccessDenied', { RoleArn: 'arn:aws:iam::000000000000:role/Nobody' }, 'AccessDenied', 403],
        ['a role whose trust does not admit the identity is AccessDenied', { RoleArn: 'arn:aws:iam::000000000000:role/Cognito_Auth_Role' }, 'AccessDenied', 403],
      ];
      for (const [name, params, code, status] of cases) {
        it(name, async () => assertError(await sts(params), { status, code, ns: STS_NS }, name));
      }

      it('an expired token is ExpiredTokenException', async () => {
        server.clock.advance(601 * 1000);
        try {
          assertError(await sts({}), { status: 400, code: 'ExpiredTokenException', ns: STS_NS }, 'expired');
        } finally {
          server.clock.advance(-601 * 1000);
        }
      });

      it('an unknown action is InvalidAction, unsigned and in the STS namespace', async () => {
        assertError(await post(server.url, { Action: 'AssumeRole', Version: '2011-06-15' }), { status: 400, code: 'InvalidAction', ns: STS_NS }, 'AssumeRole');
        assertError(await post(server.url, { Action: 'toString' }), { status: 400, code: 'InvalidAction', ns: STS_NS }, 'an Object.prototype name');
        assertError(await post(server.url, {}), { status: 400, code: 'InvalidAction', ns: STS_NS }, 'no Action');
      });
    });

    describe('IAM', () => {
      const cases: [string, Record<string, string>, string, number][] = [
        ['CreateRole without RoleName is ValidationError', { Action: 'CreateRole', AssumeRolePolicyDocument: TRUST }, 'ValidationError', 400],
        ['CreateRole without a trust policy is ValidationError', { Action: 'CreateRole', RoleName: 'NoTrust' }, 'ValidationError', 400],
        ['CreateRole with a bad name is ValidationError', { Action: 'CreateRole', RoleName: 'bad name!', AssumeRolePolicyDocument: TRUST }, 'ValidationError', 400],
        ['CreateRole with a bad path is ValidationError', { Action: 'CreateRole', RoleName: 'BadPath', Path: 'no-slashes', AssumeRolePolicyDocument: TRUST }, 'ValidationError', 400],
        ['CreateRole with a malformed trust policy is MalformedPolicyDocument', { Action: 'CreateRole', RoleName: 'Malformed', AssumeRolePolicyDocument: MALFORMED }, 'MalformedPolicyDocument', 400],
        ['CreateRole with a trust policy that is not JSON is MalformedPolicyDocument', { Action: 'CreateRole', RoleName: 'NotJson', AssumeRolePolicyDocument: '{' }, 'MalformedPolicyDocument', 400],
        ['CreateRole of an existing name is EntityAlreadyExists', { Action: 'CreateRole', RoleName: 'Existing', AssumeRolePolicyDocument: TRUST }, 'EntityAlreadyExists', 409],
        ['GetRole of an unknown role is NoSuchEntity', { Action: 'GetRole', RoleName: 'Nobody' }, 'NoSuchEntity', 404],
        ['DeleteRole of an unknown role is NoSuchEntity', { Action: 'DeleteRole', RoleName: 'Nobody' }, 'NoSuchEntity', 404],
        ['UpdateAssumeRolePolicy with a malformed policy is MalformedPolicyDocument', { Action: 'UpdateAssumeRolePolicy', RoleName: 'Existing', PolicyDocument: MALFORMED }, 'MalformedPolicyDocument', 400],
        ['UpdateAssumeRolePolicy of an unknown role is NoSuchEntity', { Action: 'UpdateAssumeRolePolicy', RoleName: 'Nobody', PolicyDocument: TRUST }, 'NoSuchEntity', 404],
        ['PutRolePolicy with a bad policy name is ValidationError', { Action: 'PutRolePolicy', RoleName: 'Existing', PolicyName: 'bad name!', PolicyDocument: ALLOW }, 'ValidationError', 400],
        ['PutRolePolicy with a malformed policy is MalformedPolicyDocument', { Action: 'PutRolePolicy', RoleName: 'Existing', PolicyName: 'p2', PolicyDocument: MALFORMED }, 'MalformedPolicyDocument', 400],
        ['PutRolePolicy on an unknown role is NoSuchEntity', { Action: 'PutRolePolicy', RoleName: 'Nobody', PolicyName: 'p', PolicyDocument: ALLOW }, 'NoSuchEntity', 404],
        ['GetRolePolicy of an unknown policy is NoSuchEntity', { Action: 'GetRolePolicy', RoleName: 'Existing', PolicyName: 'nope' }, 'NoSuchEntity', 404],
        ['GetRolePolicy of an unknown role is NoSuchEntity', { Action: 'GetRolePolicy', RoleName: 'Nobody', PolicyName: 'p' }, 'NoSuchEntity', 404],
        ['DeleteRolePolicy of an unknown policy is NoSuchEntity', { Action: 'DeleteRolePolicy', RoleName: 'Existing', PolicyName: 'nope' }, 'NoSuchEntity', 404],
        ['CreateOpenIDConnectProvider with a bad URL is ValidationError', { Action: 'CreateOpenIDConnectProvider', Url: 'ftp://idp.example' }, 'ValidationError', 400],
        ['CreateOpenIDConnectProvider without Url is ValidationError', { Action: 'CreateOpenIDConnectProvider' }, 'ValidationError', 400],
        ['CreateOpenIDConnectProvider of an existing URL is EntityAlreadyExists', { Action: 'CreateOpenIDConnectProvider', Url: 'https://idp.example/' }, 'EntityAlreadyExists', 409],
        ['GetOpenIDConnectProvider of an unknown ARN is NoSuchEntity', { Action: 'GetOpenIDConnectProvider', OpenIDConnectProviderArn: 'arn:aws:iam::000000000000:oidc-provider/nobody.example' }, 'NoSuchEntity', 404],
        ['GetOpenIDConnectProvider of a SAML provider\'s ARN is NoSuchEntity', { Action: 'GetOpenIDConnectProvider', OpenIDConnectProviderArn: 'arn:aws:iam::000000000000:saml-provider/ExistingSaml' }, 'NoSuchEntity', 404],
        ['DeleteOpenIDConnectProvider of an unknown ARN is NoSuchEntity', { Action: 'DeleteOpenIDConnectProvider', OpenIDConnectProviderArn: 'arn:aws:iam::000000000000:oidc-provider/nobody.example' }, 'NoSuchEntity', 404],
        ['CreateSAMLProvider with a bad name is ValidationError', { Action: 'CreateSAMLProvider', Name: 'bad name!', SAMLMetadataDocument: '<x/>' }, 'ValidationError', 400],
        ['CreateSAMLProvider without metadata is ValidationError', { Action: 'CreateSAMLProvider', Name: 'NoMetadata' }, 'ValidationError', 400],
        ['CreateSAMLProvider of an existing name is EntityAlreadyExists', { Action: 'CreateSAMLProvider', Name: 'ExistingSaml', SAMLMetadataDocument: '<x/>' }, 'EntityAlreadyExists', 409],
        ['DeleteSAMLProvider of an unknown ARN is NoSuchEntity', { Action: 'DeleteSAMLProvider', SAMLProviderArn: 'arn:aws:iam::000000000000:saml-provider/Nobody' }, 'NoSuchEntity', 404],
      ];
      for (const [name, params, code, status] of cases) {
        it(name, async () => assertError(await call(params), { status, code, ns: IAM_NS }, name));
      }

      it('a request the admin did not sign is refused before its parameters are read', async () => {
        // Unsigned, and signed by a key that is not the admin's: the SigV4 errors, in the IAM namespace.
        assertError(await post(server.url, { Action: 'GetRole' }), { status: 403, code: 'MissingAuthenticationTokenException', ns: IAM_NS }, 'unsigned');
        const stranger = await iam(server.url, { accessKeyId: 'AKIASTRANGER', secretAccessKey: 'x'.repeat(40) }, { Action: 'GetRole' }, server.clock.now());
        assertError(stranger, { status: 403, code: 'UnrecognizedClientException', ns: IAM_NS }, 'unknown key');
        const wrongSecret = await iam(server.url, { accessKeyId: server.credentials.accessKeyId, secretAccessKey: 'x'.repeat(40) }, { Action: 'GetRole' }, server.clock.now());
        assertError(wrongSecret, { status: 403, code: 'InvalidSignatureException', ns: IAM_NS }, 'wrong secret');
      });

      it('the failed calls changed nothing', async () => {
        for (const name of ['NoTrust', 'BadPath', 'Malformed', 'NotJson']) assertError(await call({ Action: 'GetRole', RoleName: name }), { status: 404, code: 'NoSuchEntity', ns: IAM_NS }, name);
        const policy = await call({ Action: 'GetRolePolicy', RoleName: 'Existing', PolicyName: 'p' });
        assert.equal(policy.status, 200, policy.text);
        assert.deepEqual(JSON.parse(decodeURIComponent(/<PolicyDocument>([^<]+)<\/PolicyDocument>/.exec(policy.text)![1]!)), JSON.parse(ALLOW));
      });
    });
  });
}
