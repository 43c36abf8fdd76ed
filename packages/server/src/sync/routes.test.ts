import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadServiceModel } from '../protocol/model.js';
import { SYNC_ERROR_STATUS } from './errors.js';
import { bindInput, coerceBound, isSyncPath, matchRoute, parseQuery } from './routes.js';

const model = loadServiceModel('cognito-sync');

/** A request path for an operation's URI template, with encoded sample label values. */
const pathOf = (template: string) => template.replace(/\{(\w+)\}/g, (_, label: string) => encodeURIComponent(label === 'DatasetName' ? 'my.data' : label === 'DeviceId' ? 'dev 1' : 'us-east-1:0a1b'));

describe('Cognito Sync routes', () => {
  it('match every operation of the model by its own method and path, and nothing else', () => {
    assert.equal(model.operationNames().length, 17);
    for (const name of model.operationNames()) {
      const op = model.operation(name)!;
      const found = matchRoute(op.http!.method, pathOf(op.http!.requestUri));
      assert.equal(found?.op.name, name, `${op.http!.method} ${op.http!.requestUri}`);
      assert.ok(isSyncPath(pathOf(op.http!.requestUri)));
    }
    assert.equal(matchRoute('PUT', '/identitypools/us-east-1:0a1b'), undefined);
    assert.equal(matchRoute('GET', '/identitypools/a/b/c/d/e/f/g/h'), undefined);
    assert.equal(matchRoute('GET', '/identitypools/%E0%A4%A'), undefined, 'bad percent-encoding is no route');
  });

  it('claim only /identitypools paths, so the other services keep theirs', () => {
    for (const path of ['/', '/identity/verify', '/oauth2/token', '/us-east-1_abc/.well-known/jwks.json', '/identitypoolsX', '/login']) assert.equal(isSyncPath(path), false, path);
    for (const path of ['/identitypools', '/identitypools?maxResults=2', '/identitypools/x']) assert.ok(isSyncPath(path), path);
  });

  it('bind URI labels (decoded), query parameters and headers by locationName, the rest from the body', () => {
    const found = matchRoute('GET', '/identitypools/us-east-1%3Aab/identities/us-east-1%3Acd/datasets/d.1/records')!;
    assert.deepEqual(found.labels, { IdentityPoolId: 'us-east-1:ab', IdentityId: 'us-east-1:cd', DatasetName: 'd.1' });
    const input = bindInput(model, found.op, { labels: found.labels, query: parseQuery('lastSyncCount=4&maxResults=%2010&syncSessionToken=a%2Bb+c&lastSyncCount=9'), headers: {}, body: { IdentityId: 'ignored', LastSyncCount: 99 } });
    assert.deepEqual(input, { IdentityPoolId: 'us-east-1:ab', IdentityId: 'us-east-1:cd', DatasetName: 'd.1', LastSyncCount: '4', MaxResults: ' 10', SyncSessionToken: 'a+b+c' });
    coerceBound(model, found.op, input);
    assert.equal(input.LastSyncCount, 4);
    assert.equal(input.MaxResults, 10);
    const update = matchRoute('POST', '/identitypools/p%3A1/identities/i%3A2/datasets/d')!;
    assert.deepEqual(bindInput(model, update.op, { labels: update.labels, query: new Map(), headers: { 'x-amz-client-context': 'ctx' }, body: { SyncSessionToken: 't', RecordPatches: [] } }), {
      IdentityPoolId: 'p:1', IdentityId: 'i:2', DatasetName: 'd', SyncSessionToken: 't', RecordPatches: [], ClientContext: 'ctx',
    });
  });

  it('answer each model error with the model status', () => {
    const raw = model.shapeNames().map((n) => [n, model.shape(n)!] as const).filter(([, s]) => s.exception);
    assert.deepEqual(raw.map(([n]) => n).sort(), Object.keys(SYNC_ERROR_STATUS).sort());
    for (const [name, shape] of raw) assert.equal((shape as unknown as { error: { httpStatusCode: number } }).error.httpStatusCode, SYNC_ERROR_STATUS[name as keyof typeof SYNC_ERROR_STATUS], name);
  });
});
