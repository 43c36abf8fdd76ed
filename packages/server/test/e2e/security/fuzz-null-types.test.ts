/**
 * issue 10 item 10: `null` and values of the wrong JSON type, sent to every member (nested too) of every
 * action of both APIs, are decided at the protocol edge: never a 5xx, never a stack trace. Required members
 * are filled with real IDs and tokens (a pool, a client, a user, an identity pool) so requests get past the
 * "not found" checks and into the handlers. fast-check (fixed seed) picks the wrong-typed value per member
 * and then throws random JSON at random members.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { SignatureV4 } from '@smithy/signature-v4';
import { signerFor } from '../identity/sign.js';
import { AdminCreateUserCommand, AdminInitiateAuthCommand, AdminSetUserPasswordCommand } from '@aws-sdk/client-cognito-identity-provider';
import { CreateIdentityPoolCommand } from '@aws-sdk/client-cognito-identity';
import { loadServiceModel, type ServiceModel, type ShapeModel } from '../../../src/protocol/model.js';
import { databaseKinds } from '../../support/postgres.js';
import { ADMIN, startTestServer, type TestServer } from '../../support/server.js';
import { PASSWORD, newPool } from './helpers.js';

const SEED = 20261206;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Real values for members by name, so calls reach the handlers. */
interface Known {
  [member: string]: Json;
}

/** A value of the right type for a shape (required members filled). */
function valid(model: ServiceModel, shapeName: string, known: Known, memberName: string, depth = 0): Json {
  if (memberName in known) return known[memberName]!;
  const shape = model.shape(shapeName)!;
  switch (shape.type) {
    case 'string':
      if (shape.enum) return shape.enum[0]!;
      return 'a'.repeat(Math.max(1, shape.min ?? 1));
    case 'integer':
    case 'long':
      return Math.max(shape.min ?? 1, 1);
    case 'double':
    case 'float':
      return 1;
    case 'boolean':
      return true;
    case 'timestamp':
      return 1700000000;
    case 'blob':
      return 'YWFh';
    case 'list':
      return shape.min ? [valid(model, shape.member!.shape, known, '', depth + 1)] : [];
    case 'map':
      return {};
    case 'structure': {
      const out: Record<string, Json> = {};
      if (depth > 4) return out;
      for (const r of shape.required ?? []) out[r] = valid(model, shape.members![r]!.shape, known, r, depth + 1);
      return out;
    }
  }
}

/** Every member path (nested through structures, list items and map values) and its shape. */
function paths(model: ServiceModel, shapeName: string, prefix: (string | number)[] = [], depth = 0): { path: (string | number)[]; shape: ShapeModel }[] {
  const shape = model.shape(shapeName)!;
  if (depth > 4) return [];
  const out: { path: (string | number)[]; shape: ShapeModel }[] = [];
  if (shape.type === 'structure') {
    for (const [name, ref] of Object.entries(shape.members ?? {})) {
      if (ref.location) continue;
      out.push({ path: [...prefix, name], shape: model.shape(ref.shape)! });
      out.push(...paths(model, ref.shape, [...prefix, name], depth + 1));
    }
  } else if (shape.type === 'list') {
    out.push({ path: [...prefix, 0], shape: model.shape(shape.member!.shape)! });
    out.push(...paths(model, shape.member!.shape, [...prefix, 0], depth + 1));
  } else if (shape.type === 'map') {
    out.push({ path: [...prefix, 'k'], shape: model.shape(shape.value!.shape)! });
    out.push(...paths(model, shape.value!.shape, [...prefix, 'k'], depth + 1));
  }
  return out;
}

/** `base` with `value` set at `path`, building the containers on the way from the model. */
function setAt(model: ServiceModel, shapeName: string, base: Json, path: (string | number)[], value: Json, known: Known): Json {
  if (path.length === 0) return value;
  const shape = model.shape(shapeName)!;
  const [head, ...rest] = path;
  if (shape.type === 'structure') {
    const obj = { ...((base ?? {}) as Record<string, Json>) };
    const ref = shape.members![head as string]!;
    const current = obj[head as string] ?? valid(model, ref.shape, known, head as string);
    obj[head as string] = setAt(model, ref.shape, current, rest, value, known);
    return obj;
  }
  if (shape.type === 'list') {
    const current = valid(model, shape.member!.shape, known, '');
    return [setAt(model, shape.member!.shape, current, rest, value, known)];
  }
  const current = valid(model, shape.value!.shape, known, '');
  return { k: setAt(model, shape.value!.shape, current, rest, value, known) };
}

/** Values of every JSON type but the shape's own. */
function wrongTypes(shape: ShapeModel): fc.Arbitrary<Json> {
  const all: Record<string, fc.Arbitrary<Json>> = {
    string: fc.string({ maxLength: 8 }),
    number: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
    boolean: fc.boolean(),
    list: fc.array(fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.constant(null)), { maxLength: 3 }),
    object: fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.constant(null)), { maxKeys: 3 }),
  };
  const own: Record<string, string[]> = {
    string: ['string'], blob: ['string'], integer: ['number'], long: ['number'], double: ['number'], float: ['number'], timestamp: ['number', 'string'],
    boolean: ['boolean'], list: ['list'], map: ['object'], structure: ['object'],
  };
  const skip = new Set(own[shape.type] ?? []);
  return fc.oneof(...Object.entries(all).filter(([k]) => !skip.has(k)).map(([, a]) => a));
}

const SERVICES = [
  { name: 'cognito-idp' as const, signing: 'cognito-idp' },
  { name: 'cognito-identity' as const, signing: 'cognito-identity' },
];
/** Run last: they would delete the pool, client or user the other cases need. */
const destructive = (op: string) => /^(Admin)?Delete|GlobalSignOut|RevokeToken|DisableUser|AdminDisableUser|DeleteIdentities|UnlinkDeveloper|MergeDeveloper/.test(op);

for (const kind of databaseKinds) {
  describe(`null and wrong JSON types never reach a handler (issue 10 item 10) (${kind})`, () => {
    let server: TestServer;
    const errors: unknown[] = [];
    const known: Known = {};
    let signer: SignatureV4;

    before(async () => {
      server = await startTestServer(kind);
      const log = server.running.cognate.log as unknown as Record<string, unknown>;
      for (const level of ['error', 'fatal']) log[level] = (...args: unknown[]) => void errors.push(args);
      const pool = await newPool(server, { AliasAttributes: ['email'] });
      await server.admin.send(new AdminCreateUserCommand({ UserPoolId: pool.poolId, Username: 'fuzz', MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: 'fuzz@example.com' }] }));
      await server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.poolId, Username: 'fuzz', Password: PASSWORD, Permanent: true }));
      const auth = await server.admin.send(new AdminInitiateAuthCommand({ UserPoolId: pool.poolId, ClientId: pool.clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'fuzz', PASSWORD } }));
      const identityPool = await server.identityAdmin.send(
        new CreateIdentityPoolCommand({ IdentityPoolName: 'fuzz', AllowUnauthenticatedIdentities: true, DeveloperProviderName: 'login.fuzz', CognitoIdentityProviders: [{ ProviderName: `cognito-idp.us-east-1.amazonaws.com/${pool.poolId}`, ClientId: pool.clientId }] }),
      );
      Object.assign(known, {
        UserPoolId: pool.poolId,
        ClientId: pool.clientId,
        Username: 'fuzz',
        AccessToken: auth.AuthenticationResult!.AccessToken!,
        RefreshToken: auth.AuthenticationResult!.RefreshToken!,
        Token: auth.AuthenticationResult!.RefreshToken!,
        IdentityPoolId: identityPool.IdentityPoolId!,
        DeveloperProviderName: 'login.fuzz',
        Password: PASSWORD,
        PreviousPassword: PASSWORD,
        ProposedPassword: PASSWORD,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: 'fuzz', PASSWORD },
      });
      signer = signerFor('cognito-idp', ADMIN);
    });
    after(() => server.stop());

    async function call(service: (typeof SERVICES)[number], model: ServiceModel, op: string, body: Json): Promise<{ status: number; text: string }> {
      const url = new URL(server.url);
      const text = JSON.stringify(body);
      let headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${model.targetPrefix}.${op}` };
      if (!model.operation(op)!.unsigned) {
        const s = signerFor(service.signing, ADMIN);
        const signed = await s.sign({ method: 'POST', protocol: 'http:', hostname: url.host, path: '/', query: {}, headers: { host: url.host, ...headers }, body: text }, { signingDate: new Date(server.clock.now()) });
        const { host: _h, ...rest } = signed.headers as Record<string, string>;
        void _h;
        headers = rest;
      }
      const res = await fetch(server.url + '/', { method: 'POST', headers, body: text });
      return { status: res.status, text: await res.text() };
    }

    const check = (what: string, out: { status: number; text: string }) => {
      assert.ok(out.status < 500, `${what}: ${out.status} ${out.text}`);
      assert.ok(!/\n\s+at /.test(out.text), `${what}: stack trace in ${out.text}`);
    };

    it('null, then a wrong-typed value, at every member of every action', async () => {
      void signer;
      let sent = 0;
      for (const service of SERVICES) {
        const model = loadServiceModel(service.name);
        const ops = model.operationNames().filter((o) => model.operation(o)!.inputShape);
        ops.sort((a, b) => Number(destructive(a)) - Number(destructive(b)));
        for (const op of ops) {
          const input = model.operation(op)!.inputShape!;
          const base = valid(model, input, known, '');
          const bodies: { what: string; body: Json }[] = [];
          for (const { path, shape } of paths(model, input)) {
            const [wrong] = fc.sample(wrongTypes(shape), { seed: SEED + bodies.length, numRuns: 1 });
            for (const value of [null, wrong!]) bodies.push({ what: `${op} ${path.join('.')}=${JSON.stringify(value)}`, body: setAt(model, input, base, path, value, known) });
          }
          // Many calls wait (uniform delays for unknown users and wrong passwords), so they go 32 at a time.
          for (let i = 0; i < bodies.length; i += 32) {
            const batch = bodies.slice(i, i + 32);
            const outs = await Promise.all(batch.map((b) => call(service, model, op, b.body)));
            outs.forEach((out, j) => check(batch[j]!.what, out));
          }
          sent += bodies.length;
        }
      }
      assert.ok(sent > 1000, `${sent} requests`);
      assert.deepEqual(errors, []);
    });

    it('random JSON at random members (fast-check, fixed seed)', async () => {
      const cases = SERVICES.flatMap((service) => {
        const model = loadServiceModel(service.name);
        return model
          .operationNames()
          .filter((o) => model.operation(o)!.inputShape && !destructive(o))
          .flatMap((op) => paths(model, model.operation(op)!.inputShape!).map((p) => ({ service, model, op, path: p.path })));
      });
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...cases), fc.jsonValue({ maxDepth: 2 }), async (c, value) => {
          const input = c.model.operation(c.op)!.inputShape!;
          const body = setAt(c.model, input, valid(c.model, input, known, ''), c.path, value as Json, known);
          check(`${c.op} ${c.path.join('.')}=${JSON.stringify(value)}`, await call(c.service, c.model, c.op, body));
        }),
        { seed: SEED, numRuns: 300 },
      );
      assert.deepEqual(errors, []);
    });
  });
}
