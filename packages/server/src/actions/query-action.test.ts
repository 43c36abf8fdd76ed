/**
 * The query protocol's typed errors: which error code and status a thrown error becomes
 * (protocol/query.ts writes them; test/e2e/identity/query-errors.test.ts checks them on the wire).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CognitoError, errors } from '../errors.js';
import { iamErrors } from '../identity/iam-errors.js';
import { QUERY_ERRORS, QueryError, QueryParams, queryErrorOf } from './query-action.js';
import { stsActions } from './sts/index.js';
import { iamActions } from './iam/index.js';

const answer = (e: unknown) => {
  const q = queryErrorOf(e);
  return q && { code: q.code, status: q.status, type: q.type, message: q.message };
};

describe('query errors', () => {
  it('a QueryError takes its status from the table, and Receiver for our faults', () => {
    for (const [code, status] of Object.entries(QUERY_ERRORS)) {
      const e = new QueryError(code as keyof typeof QUERY_ERRORS, 'm');
      assert.equal(e.status, status, code);
      assert.equal(e.type, status >= 500 ? 'Receiver' : 'Sender', code);
    }
  });

  it('IAM rule errors answer their IAM code, whatever Cognito name they carry', () => {
    assert.deepEqual(answer(iamErrors.noSuchEntity('gone')), { code: 'NoSuchEntity', status: 404, type: 'Sender', message: 'gone' });
    assert.deepEqual(answer(iamErrors.entityAlreadyExists('twice')), { code: 'EntityAlreadyExists', status: 409, type: 'Sender', message: 'twice' });
    assert.deepEqual(answer(iamErrors.malformedPolicyDocument('bad')), { code: 'MalformedPolicyDocument', status: 400, type: 'Sender', message: 'bad' });
    assert.deepEqual(answer(iamErrors.validation('no')), { code: 'ValidationError', status: 400, type: 'Sender', message: 'no' });
    // Still CognitoErrors with Cognito's names for the domain's other callers (the CLI).
    assert.equal(iamErrors.entityAlreadyExists('x').name, 'InvalidParameterException');
    assert.equal(iamErrors.noSuchEntity('x').name, 'ResourceNotFoundException');
  });

  it('a message never decides the code', () => {
    assert.equal(answer(errors.invalidParameter('Role with name X already exists.'))?.code, 'ValidationError');
    assert.equal(answer(errors.invalidParameter('Malformed policy document: no'))?.code, 'ValidationError');
  });

  it('other Cognito errors keep their meaning by name; SigV4 errors their code and status; ours hide the message', () => {
    assert.deepEqual(answer(errors.resourceNotFound('r')), { code: 'NoSuchEntity', status: 404, type: 'Sender', message: 'r' });
    assert.deepEqual(answer(new CognitoError('InvalidSignatureException', 's', 403)), { code: 'InvalidSignatureException', status: 403, type: 'Sender', message: 's' });
    assert.deepEqual(answer(new CognitoError('IncompleteSignatureException', 'i', 400)), { code: 'IncompleteSignatureException', status: 400, type: 'Sender', message: 'i' });
    assert.deepEqual(answer(new CognitoError('InternalErrorException', 'secret detail', 500)), { code: 'ServiceFailure', status: 500, type: 'Receiver', message: 'An internal error occurred.' });
    assert.equal(answer(new Error('boom')), undefined);
    assert.equal(answer('boom'), undefined);
  });
});

describe('query parameters', () => {
  const params = new QueryParams(new URLSearchParams('RoleName=r&Empty=&ClientIDList.member.1=a&ClientIDList.member.2=b&ClientIDList.member.4=d'));

  it('required refuses absent and empty parameters with AWS wording', () => {
    assert.equal(params.required('RoleName'), 'r');
    for (const name of ['Empty', 'PolicyName']) {
      assert.throws(() => params.required(name), (e: unknown) => e instanceof QueryError && e.code === 'ValidationError' && e.message.includes(`'${name.charAt(0).toLowerCase()}${name.slice(1)}'`));
    }
    assert.equal(params.get('PolicyName'), undefined);
    assert.equal(params.get('Empty'), '');
  });

  it('list reads members up to the first gap', () => {
    assert.deepEqual(params.list('ClientIDList'), ['a', 'b']);
    assert.deepEqual(params.list('Nothing'), []);
  });
});

describe('registries', () => {
  it('STS actions are unsigned STS modules, IAM actions IAM modules, and no name is both', () => {
    assert.deepEqual(Object.keys(stsActions), ['AssumeRoleWithWebIdentity']);
    assert.equal(Object.keys(iamActions).length, 12);
    for (const m of Object.values(stsActions)) assert.equal(m.service, 'sts');
    for (const m of Object.values(iamActions)) assert.equal(m.service, 'iam');
    assert.deepEqual(Object.keys(stsActions).filter((k) => k in iamActions), []);
  });
});
