/**
 * The API surface, checked against the model: (1) the table of model operations × registered action
 * modules, so no operation the project claims answers UnsupportedOperationException; (2) request
 * members the model defines that no code reads (a silently dropped member), against one list of
 * deliberate exceptions, each with its reason.
 *
 * How "dropped" is detected (a static scan, and what it proves). Actions receive the model-validated
 * input object; they read members as `input.Member`, destructure them, or hand `input` to a domain
 * function that reads `input.Member` / `settings.Member`. So for each operation this test takes the
 * action module and every `src/` module reachable through its relative imports, and counts a
 * top-level request member as read when some module in that closure reads a property of that name
 * (`.Member`, a quoted `'Member'` key, or a destructuring/shorthand `{ Member, … }`). A type annotation
 * such as `FriendlyDeviceName?: string` is not a read. What it catches: a member that no reachable
 * code reads at all — the usual silent drop (declared in the input type, never used). What it cannot
 * catch: a member whose name is read for a different shape in the same closure; nested members of
 * settings structures are checked by the behaviour tests of this folder (settings.test.ts) instead.
 * Cheaper and sounder than a runtime registry each action fills in, which would only prove that the
 * action copied a name into a list.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { registry } from '../../../src/actions/index.js';
import { syncActions } from '../../../src/sync/actions/index.js';

const serverRoot = fileURLToPath(new URL('../../../', import.meta.url));
const services = ['cognito-idp', 'cognito-identity'] as const;
type Service = (typeof services)[number];

interface RawModel {
  operations: Record<string, { input?: { shape: string } }>;
  shapes: Record<string, { members?: Record<string, unknown> }>;
}
const model = (service: Service | 'cognito-sync') => JSON.parse(readFileSync(path.join(serverRoot, 'models', `${service}.json`), 'utf8')) as RawModel;

/**
 * Operations of the model that main does not answer yet, with the reason. Other issue-15 work adds
 * some of them concurrently: an operation on this list that is registered is fine (the list is then
 * stale and the test says so in its output); an operation missing from the registry and from this list fails.
 */
export const NOT_YET_IMPLEMENTED: Readonly<Record<string, string>> = {
};

/**
 * Top-level request members no code reads on purpose: `Operation.Member` → why. Members of operations
 * not registered yet are not scanned.
 */
export const DELIBERATELY_IGNORED: Readonly<Record<string, string>> = {
  // Amazon Pinpoint analytics: a self-hosted server has no Pinpoint project to send endpoint ids to
  // (docs/settings.md); Cognito itself only forwards them.
  ...Object.fromEntries(
    ['AdminInitiateAuth', 'AdminRespondToAuthChallenge', 'ConfirmForgotPassword', 'ConfirmSignUp', 'ForgotPassword', 'InitiateAuth', 'ResendConfirmationCode', 'RespondToAuthChallenge', 'SignUp'].map(
      (op) => [`${op}.AnalyticsMetadata`, 'Pinpoint analytics endpoint id: no Pinpoint on a self-hosted server'],
    ),
  ),
  // Threat-protection signals: read for every operation by the wire layer (protocol/awsjson.ts) into
  // the request context (domain/threat-protection/request-context.ts), which the action files don't
  // import, so the scan can't see it; auth events and account-takeover signals use them.
  ...Object.fromEntries(
    [
      ['AdminInitiateAuth', 'ContextData'],
      ['AdminRespondToAuthChallenge', 'ContextData'],
      ['ConfirmForgotPassword', 'UserContextData'],
      ['ConfirmSignUp', 'UserContextData'],
      ['ForgotPassword', 'UserContextData'],
      ['InitiateAuth', 'UserContextData'],
      ['ResendConfirmationCode', 'UserContextData'],
      ['RespondToAuthChallenge', 'UserContextData'],
      ['SignUp', 'UserContextData'],
    ].map(([op, member]) => [`${op}.${member}`, 'read by protocol/awsjson.ts for every call: the auth-event history and account-takeover signals (docs/threat-protection.md)']),
  ),
  // Customer-managed keys (2026 members): Cognate's keys are its own signing keys (rotation: issue 15, api-surface).
  'CreateUserPool.KeyConfiguration': 'customer-managed KMS key for data at rest: no KMS; the database is the operator’s to encrypt',
  'UpdateUserPool.KeyConfiguration': 'customer-managed KMS key for data at rest: no KMS; the database is the operator’s to encrypt',
  // Cognito keeps the TOTP authenticator's name but returns it in no API response (GetUser,
  // AdminGetUser and the MFA settings carry no such member); keeping write-only data helps nobody.
  'VerifySoftwareToken.FriendlyDeviceName': 'Cognito shows the authenticator name in no API response; accepted (model-checked) and not kept (docs/settings.md)',
  // cognito-identity
  'GetId.AccountId': 'the AWS account that owns the identity pool: Cognate serves a single account, the pool id alone decides',
};

function reachable(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const m of readFileSync(file, 'utf8').matchAll(/(?:import|export)\s[^'"]*?from\s+'(\.[^']+)'/g)) {
    const target = path.resolve(path.dirname(file), m[1]!.replace(/\.js$/, '.ts'));
    if (existsSync(target)) reachable(target, seen);
  }
  return seen;
}

const actionFile = (service: Service, op: string) => path.join(serverRoot, 'src', 'actions', service === 'cognito-identity' ? 'identity' : '', `${op}.ts`);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('API surface: model operations × registered action modules', () => {
  for (const service of services) {
    it(`${service}: every model operation is registered, or listed as not yet implemented with a reason`, () => {
      const ops = Object.keys(model(service).operations);
      const registered = registry[service];
      const missing = ops.filter((op) => !registered[op] && !NOT_YET_IMPLEMENTED[op]);
      assert.deepEqual(missing, [], `operations answering UnsupportedOperationException without a reason in NOT_YET_IMPLEMENTED`);
      const stale = Object.keys(NOT_YET_IMPLEMENTED).filter((op) => registered[op] && service === 'cognito-idp');
      assert.deepEqual(stale, [], 'NOT_YET_IMPLEMENTED lists operations that are registered now: remove them');
      // nothing registered under a name the model lacks (it could never be reached)
      assert.deepEqual(Object.keys(registered).filter((op) => !ops.includes(op)), []);
    });
  }

  it("the README's claim holds: identity pools answer all of the model's cognito-identity operations", () => {
    const readme = readFileSync(path.join(serverRoot, '..', '..', 'README.md'), 'utf8');
    const ops = Object.keys(model('cognito-identity').operations);
    assert.match(readme, new RegExp(`all ${ops.length} actions`), 'the README states the number of identity-pool actions the model has');
    assert.deepEqual(ops.filter((op) => !registry['cognito-identity'][op]), []);
  });

  it("the README's claim holds: Cognito Sync answers all of the model's cognito-sync operations", () => {
    const readme = readFileSync(path.join(serverRoot, '..', '..', 'README.md'), 'utf8');
    const ops = Object.keys(model('cognito-sync').operations);
    assert.match(readme, new RegExp(`Cognito Sync, all ${ops.length} actions`), 'the README states the number of Sync actions the model has');
    assert.deepEqual(ops.filter((op) => !syncActions[op]), [], 'every Sync operation has an action');
    assert.deepEqual(Object.keys(syncActions).filter((op) => !ops.includes(op)), [], 'no action under a name the model lacks');
  });

  it("the README's feature table holds: all of the model's cognito-idp operations answer, and every page it points to exists", () => {
    const root = path.join(serverRoot, '..', '..');
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const ops = Object.keys(model('cognito-idp').operations);
    assert.match(readme, new RegExp(`all ${ops.length} cognito-idp actions`), 'the README states the number of user-pool actions the model has');
    assert.deepEqual(ops.filter((op) => !registry['cognito-idp'][op]), [], 'every operation the README claims is registered');
    const links = [...readme.matchAll(/\]\(((?:docs\/)?[\w./-]+\.md)(?:#[\w-]+)?\)/g)].map((m) => m[1]!);
    assert.ok(links.length > 10, 'the table links its reference pages');
    assert.deepEqual(links.filter((link) => !existsSync(path.join(root, link))), [], 'pages the README links to exist');
  });

  it('the reasons are not stale: every listed operation exists in the model', () => {
    const all = new Set(services.flatMap((s) => Object.keys(model(s).operations)));
    assert.deepEqual(Object.keys(NOT_YET_IMPLEMENTED).filter((op) => !all.has(op)), []);
  });
});

describe('API surface: request members an action silently drops', () => {
  for (const service of services) {
    it(`${service}: every top-level request member is read by the action or its domain, or listed with a reason`, () => {
      const m = model(service);
      const dropped: string[] = [];
      const honoured: string[] = [];
      const scanned = new Set<string>();
      for (const [op, def] of Object.entries(m.operations)) {
        const file = actionFile(service, op);
        if (!registry[service][op] || !existsSync(file)) continue;
        const text = [...reachable(file)].map((f) => readFileSync(f, 'utf8')).join('\n');
        for (const member of Object.keys(m.shapes[def.input?.shape ?? '']?.members ?? {})) {
          const key = `${op}.${member}`;
          scanned.add(key);
          const name = escape(member);
          const read = new RegExp(`\\.${name}\\b|['"\`]${name}['"\`]|[{,]\\s*${name}\\s*[,}=]`).test(text);
          if (!read && !DELIBERATELY_IGNORED[key]) dropped.push(key);
          if (read && DELIBERATELY_IGNORED[key]) honoured.push(key);
        }
      }
      assert.deepEqual(honoured, [], 'DELIBERATELY_IGNORED lists members code now reads: remove them once they are honoured');
      assert.deepEqual(dropped, [], 'request members no reachable code reads: read them, refuse them, or list them in DELIBERATELY_IGNORED with a reason');
      // an exception for a member the scan now sees read (or a registered operation's member the model lacks) is stale
      const staleHere = Object.keys(DELIBERATELY_IGNORED).filter((key) => {
        const [op] = key.split('.');
        return Object.prototype.hasOwnProperty.call(m.operations, op!) && registry[service][op!] && !scanned.has(key);
      });
      assert.deepEqual(staleHere, [], 'DELIBERATELY_IGNORED names members the model does not define');
    });
  }
});
