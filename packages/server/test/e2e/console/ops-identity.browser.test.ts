/**
 * The identity-pool pages in headless Chromium: create a role, then an identity pool with a user
 * pool provider, set its roles and a rules role mapping, run the policy simulator (a guest, a user
 * the rule sends to the admin role, an explicit deny), edit a role's policies, delete with typed
 * confirmation — each change checked through the API and in the audit trail. Screenshots in
 * test-artifacts/console/ops-*.png.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateUserPoolClientCommand, CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DescribeIdentityPoolCommand, GetIdentityPoolRolesCommand } from '@aws-sdk/client-cognito-identity';
import { browserSkip, launchBrowser, type TestBrowser } from '../../support/browser.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { readAudit } from '../../../src/console/audit.js';
import { checkConsolePage, shot, signInInBrowser, watchCsp } from './browser-support.js';

describe('console identity pools, roles and the policy simulator in Chromium', { skip: browserSkip }, () => {
  let server: TestServer;
  let browser: TestBrowser;
  let provider: string;
  let clientId: string;
  before(async () => {
    server = await startTestServer('sqlite');
    browser = await launchBrowser();
    const poolId = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'people' }))).UserPool!.Id!;
    clientId = (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web' }))).UserPoolClient!.ClientId!;
    provider = `${poolId}:${clientId}`;
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const lastAudit = async () => (await readAudit(server.running.cognate, { limit: 1 })).rows[0]!;

  it('creates roles, an identity pool, sets roles and a mapping, simulates, edits and deletes', async () => {
    const page = await browser.newPage();
    const violations = watchCsp(page);
    await signInInBrowser(page, server);

    // Roles first: the pool's roles must exist to be chosen.
    const trust = (aud: string) => JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'cognito-identity.amazonaws.com:aud': aud } } }] });
    const makeRole = async (name: string, trustDoc: string, policy: string) => {
      await page.goto(`${server.url}/console/roles`);
      await page.getByLabel('Name', { exact: true }).fill(name);
      await page.getByLabel('Trust policy (JSON)').fill(trustDoc);
      await page.getByLabel('Permission policy name').fill('main');
      await page.getByLabel('Permission policy (JSON)').fill(policy);
      await Promise.all([page.waitForURL(new RegExp(`/console/roles/${name}`)), page.getByRole('button', { name: 'Create role' }).click()]);
      assert.equal(await page.locator('h1').textContent(), `Role ${name}`);
    };

    // The identity pool (its ID goes into the trust policies' aud).
    await page.goto(`${server.url}/console/identity-pools`);
    await checkConsolePage(page, violations);
    await page.getByLabel('Name', { exact: true }).fill('app identities');
    await page.getByLabel('Allow guests (unauthenticated identities)').check();
    await page.getByLabel('User pool app client').fill(provider);
    await Promise.all([page.waitForURL(/\/console\/identity-pools\/[^/]+$/), page.getByRole('button', { name: 'Create identity pool' }).click()]);
    const identityPoolId = decodeURIComponent(page.url().split('/').pop()!.split('?')[0]!);
    assert.equal((await server.identityAdmin.send(new DescribeIdentityPoolCommand({ IdentityPoolId: identityPoolId }))).AllowUnauthenticatedIdentities, true);
    assert.equal((await lastAudit()).action, 'CreateIdentityPool');

    await makeRole('guest', trust(identityPoolId), JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::public/*' }] }));
    await makeRole('member', trust(identityPoolId), JSON.stringify({ Statement: [{ Sid: 'Own', Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::data/${cognito-identity.amazonaws.com:sub}/*' }, { Sid: 'NoDelete', Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' }] }));
    await makeRole('admin', trust(identityPoolId), JSON.stringify({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }));
    await checkConsolePage(page, violations);
    await shot(page, 'ops-role');
    assert.equal((await lastAudit()).action, 'CreateRole');

    // Roles and a Rules mapping on the pool.
    await page.goto(`${server.url}/console/identity-pools/${encodeURIComponent(identityPoolId)}`);
    const arn = (name: string) => `arn:aws:iam::000000000000:role/${name}`;
    const poolKey = `cognito-idp.${provider.split('_')[0]}.amazonaws.com/${provider.split(':')[0]}:${clientId}`;
    await page.getByLabel('Authenticated role ARN', { exact: true }).fill(arn('member'));
    await page.getByLabel('Unauthenticated role ARN').fill(arn('guest'));
    await page.getByLabel('Role mappings (JSON, as SetIdentityPoolRoles takes them)').fill(JSON.stringify({ [poolKey]: { Type: 'Rules', AmbiguousRoleResolution: 'AuthenticatedRole', RulesConfiguration: { Rules: [{ Claim: 'cognito:groups', MatchType: 'Contains', Value: 'admins', RoleARN: arn('admin') }] } } }));
    await Promise.all([page.waitForURL(/notice=/), page.getByRole('button', { name: 'Save roles' }).click()]);
    assert.match((await page.getByRole('status').textContent()) ?? '', /Roles saved/);
    const roles = await server.identityAdmin.send(new GetIdentityPoolRolesCommand({ IdentityPoolId: identityPoolId }));
    assert.equal(roles.Roles?.authenticated, arn('member'));
    assert.equal(roles.RoleMappings?.[poolKey]?.Type, 'Rules');
    assert.equal((await lastAudit()).action, 'SetIdentityPoolRoles');
    await checkConsolePage(page, violations);
    await shot(page, 'ops-identity-pool');

    // The simulator: a guest reading public data.
    const simulate = async (fields: Record<string, string>) => {
      for (const [label, value] of Object.entries(fields)) await page.getByLabel(label, { exact: true }).fill(value);
      await page.getByRole('button', { name: 'Simulate' }).click();
      await page.waitForSelector('#sim-result');
      return (await page.locator('section[aria-labelledby="sim-result"]').textContent()) ?? '';
    };
    const auditBefore = (await lastAudit()).id;
    let result = await simulate({ Action: 's3:GetObject', Resource: 'arn:aws:s3:::public/a.txt' });
    assert.match(result, /Allowed/);
    assert.match(result, /unauthenticated role/);
    // A user in the admins group: the rule picks the admin role.
    result = await simulate({ Action: 'dynamodb:DeleteTable', Resource: '*', 'Login provider': poolKey.split(':')[0]!, 'App client ID (user pool logins)': clientId, 'Token claims (JSON)': '{"cognito:groups":["admins"]}' });
    assert.match(result, /Allowed/);
    assert.match(result, /role\/admin/);
    // Everyone else gets member; member may not delete even its own data.
    const id = 'us-east-1:11111111-2222-3333-4444-555555555555';
    result = await simulate({ Action: 's3:DeleteObject', Resource: `arn:aws:s3:::data/${id}/x`, 'Token claims (JSON)': '{}', 'Identity ID': id });
    assert.match(result, /Denied/);
    assert.match(result, /ExplicitDeny/);
    assert.match(result, /NoDelete/);
    await checkConsolePage(page, violations);
    await shot(page, 'ops-policy-simulator');
    // Bad input: an error, the form again.
    await page.getByLabel('Token claims (JSON)', { exact: true }).fill('{not json');
    await page.getByRole('button', { name: 'Simulate' }).click();
    assert.match((await page.getByRole('alert').textContent()) ?? '', /Token claims is not JSON/);
    assert.equal((await lastAudit()).id, auditBefore, 'simulating changes nothing and records nothing');

    // Edit a role: put a policy, delete it.
    await page.goto(`${server.url}/console/roles/guest`);
    await page.getByLabel('Policy name').fill('extra');
    await page.getByLabel('Policy document (JSON)').fill('{"Statement":[{"Effect":"Allow","Action":"sns:Publish","Resource":"*"}]}');
    await Promise.all([page.waitForURL(/notice=/), page.getByRole('button', { name: 'Put policy' }).click()]);
    assert.ok((await server.running.cognate.identity.roles.findByName('guest'))!.policies.extra);
    await page.getByRole('button', { name: 'Delete extra' }).click();
    await page.waitForURL(/notice=/);
    assert.equal((await server.running.cognate.identity.roles.findByName('guest'))!.policies.extra, undefined);
    assert.equal((await lastAudit()).action, 'DeleteRolePolicy');

    // Delete the identity pool with its name typed out.
    await page.goto(`${server.url}/console/identity-pools/${encodeURIComponent(identityPoolId)}`);
    await page.getByLabel(/To delete identity pool, type its name/).fill('app identities');
    await Promise.all([page.waitForURL(/\/console\/identity-pools(\?|$)/), page.getByRole('button', { name: 'Delete identity pool' }).click()]);
    await assert.rejects(server.identityAdmin.send(new DescribeIdentityPoolCommand({ IdentityPoolId: identityPoolId })), /ResourceNotFound|not found/i);
    assert.equal((await lastAudit()).action, 'DeleteIdentityPool');
    await page.close();
  });
});
