/**
 * Hosted-UI branding with the AWS SDK: SetUICustomization / GetUICustomization (pool default `ALL`
 * and per client, the client's own replacing the default, Cognito's CSS classes and properties
 * only, PNG/JPEG logos up to 100 KB, a domain required) and the managed-login branding APIs
 * (Create/Describe/DescribeByClient/Update/Delete, one style per client, Settings merged on update,
 * ReturnMergedResources), what brandingFor() gives the pages for each, cascades, and bad input.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateManagedLoginBrandingCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
  DeleteManagedLoginBrandingCommand,
  DeleteUserPoolClientCommand,
  DeleteUserPoolCommand,
  DescribeManagedLoginBrandingByClientCommand,
  DescribeManagedLoginBrandingCommand,
  GetUICustomizationCommand,
  SetUICustomizationCommand,
  UpdateManagedLoginBrandingCommand,
  UpdateUserPoolDomainCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { failure, startTestServer, type TestServer } from '../../support/server.js';
import { brandingFor } from '../../../src/domain/oauth/branding.js';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 1)]);
const CSS = '.label-customizable { font-weight: 400; }\n.submitButton-customizable { background-color: #1a73e8; color: white; }\n.banner-customizable { padding: 25px 0px 25px 0px; background-color: rgb(30, 30, 30); }';

let seq = 0;

for (const kind of databaseKinds) {
  describe(`hosted-UI branding (${kind})`, () => {
    let server: TestServer;
    const newPool = async (domain = true) => {
      const poolId = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'brand' }))).UserPool!.Id!;
      if (domain) await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: `brand-${kind}-${++seq}` }));
      return poolId;
    };
    const newClient = async (poolId: string) => (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web' }))).UserPoolClient!.ClientId!;
    const looks = async (poolId: string, clientId: string) => {
      const { cognate } = server.running;
      return brandingFor(cognate, await cognate.pools.get(poolId), await cognate.clients.get(poolId, clientId));
    };

    before(async () => {
      // Cognito takes SetUICustomization requests up to 135 KB and branding requests up to 2 MB; the default body limit is 128 KB.
      server = await startTestServer(kind, { bodyLimitBytes: 4_000_000 });
    });
    after(async () => {
      await server?.stop();
    });

    it('sets the pool default (ALL) and a client\'s own; a client with its own no longer falls back', async () => {
      const poolId = await newPool();
      const a = await newClient(poolId);
      const b = await newClient(poolId);
      const set = await server.admin.send(new SetUICustomizationCommand({ UserPoolId: poolId, ClientId: 'ALL', CSS, ImageFile: PNG }));
      assert.equal(set.UICustomization?.UserPoolId, poolId);
      assert.equal(set.UICustomization?.ClientId, 'ALL');
      assert.equal(set.UICustomization?.CSS, CSS);
      assert.ok(set.UICustomization?.CSSVersion);
      assert.match(set.UICustomization?.ImageUrl ?? '', new RegExp(`/ui-customization/${poolId}/ALL/logo\\?v=`));
      assert.ok(set.UICustomization?.CreationDate instanceof Date);

      // ImageUrl serves the logo (the hosted UI's /ui-customization/... route), as an image that runs nothing.
      const imageUrl = new URL(set.UICustomization!.ImageUrl!);
      const logo = await fetch(`${server.url}${imageUrl.pathname}${imageUrl.search}`);
      assert.equal(logo.status, 200);
      assert.equal(logo.headers.get('content-type'), 'image/png');
      assert.equal(logo.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(logo.headers.get('content-security-policy'), "default-src 'none'");
      assert.deepEqual(Buffer.from(await logo.arrayBuffer()), PNG);
      for (const missing of [`/ui-customization/${poolId}/${a}/logo`, '/ui-customization/us-east-1_Nowhere00/ALL/logo', `/ui-customization/${poolId}/..%2F..%2Fetc/logo`, `/ui-customization/x'y/ALL/logo`]) {
        const res = await fetch(`${server.url}${missing}`);
        assert.equal(res.status, 404, missing);
        await res.arrayBuffer();
      }

      // No client-level settings: the client gets the pool's.
      const forA = await server.admin.send(new GetUICustomizationCommand({ UserPoolId: poolId, ClientId: a }));
      assert.equal(forA.UICustomization?.ClientId, 'ALL');
      assert.equal(forA.UICustomization?.CSS, CSS);
      const noClient = await server.admin.send(new GetUICustomizationCommand({ UserPoolId: poolId }));
      assert.equal(noClient.UICustomization?.CSS, CSS);

      // Client-level settings replace the default for that client only, CSS and logo together.
      await server.admin.send(new SetUICustomizationCommand({ UserPoolId: poolId, ClientId: b, CSS: '.background-customizable { background-color: #faf; }' }));
      const forB = await server.admin.send(new GetUICustomizationCommand({ UserPoolId: poolId, ClientId: b }));
      assert.equal(forB.UICustomization?.ClientId, b);
      assert.equal(forB.UICustomization?.CSS, '.background-customizable { background-color: #faf; }');
      assert.equal(forB.UICustomization?.ImageUrl, undefined);

      // What the pages get (contract 3): sanitised CSS and the logo as a data: URI.
      const lookA = await looks(poolId, a);
      assert.equal(lookA.kind, 'classic');
      assert.equal(lookA.custom, true);
      assert.match(lookA.css, /\.submitButton-customizable \{ background-color: #1a73e8; color: white; \}/);
      assert.equal(lookA.logo?.contentType, 'image/png');
      assert.equal(lookA.logo?.dataUri, `data:image/png;base64,${PNG.toString('base64')}`);
      const lookB = await looks(poolId, b);
      assert.equal(lookB.css, '.background-customizable { background-color: #faf; }');
      assert.equal(lookB.logo, undefined);

      // Setting again replaces both (JPEG logo, no CSS).
      await server.admin.send(new SetUICustomizationCommand({ UserPoolId: poolId, ClientId: 'ALL', ImageFile: JPEG }));
      const again = await server.admin.send(new GetUICustomizationCommand({ UserPoolId: poolId, ClientId: a }));
      assert.equal(again.UICustomization?.CSS, undefined);
      assert.ok(again.UICustomization?.ImageUrl);
      assert.equal((await looks(poolId, a)).logo?.contentType, 'image/jpeg');

      // Deleting client b takes its customization; a new lookup of the pool's default still works.
      await server.admin.send(new DeleteUserPoolClientCommand({ UserPoolId: poolId, ClientId: b }));
      assert.equal((await server.running.cognate.store.db.selectFrom('ui_customizations').selectAll().where('target', '=', b).execute()).length, 0);
    });

    it('answers an empty customization when none is set, and the default look', async () => {
      const poolId = await newPool();
      const client = await newClient(poolId);
      const got = await server.admin.send(new GetUICustomizationCommand({ UserPoolId: poolId, ClientId: client }));
      assert.deepEqual(got.UICustomization, { UserPoolId: poolId, ClientId: client });
      const look = await looks(poolId, client);
      assert.deepEqual({ kind: look.kind, custom: look.custom, css: look.css }, { kind: 'classic', custom: false, css: '' });
    });

    it('refuses CSS outside Cognito\'s classes and properties, bad logos, and pools without a domain', async () => {
      const poolId = await newPool();
      const refused = async (input: { CSS?: string; ImageFile?: Uint8Array }, what: string) => {
        const e = await failure(() => server.admin.send(new SetUICustomizationCommand({ UserPoolId: poolId, ...input })));
        assert.equal(e.name, 'InvalidParameterException', what);
      };
      for (const css of [
        '.not-a-class { color: red; }',
        'body { color: red; }',
        '.label-customizable { color: red; }', // labels only take font-weight
        '@import url(https://evil.example/x.css);',
        '@media screen { .label-customizable { font-weight: 400; } }',
        '.background-customizable { background-color: url(javascript:alert(1)); }',
        '.background-customizable { background-color: expression(alert(1)); }',
        '.background-customizable { background-color: red; } </style><script>alert(1)</script>',
        '.background-customizable { background-color: "red"; }',
        '.background-customizable { background-color: var(--x); }',
        '.background-customizable { background-color: red',
        '.background-customizable { background-color }',
      ]) {
        await refused({ CSS: css }, css);
      }
      await refused({ ImageFile: Buffer.from('GIF89a-not-allowed') }, 'gif');
      await refused({ ImageFile: Buffer.concat([PNG.subarray(0, 8), Buffer.alloc(100 * 1024)]) }, 'over 100 KB');
      const noDomain = await newPool(false);
      const e = await failure(() => server.admin.send(new SetUICustomizationCommand({ UserPoolId: noDomain, CSS })));
      assert.deepEqual(e, { name: 'InvalidParameterException', message: 'There has to be an existing domain associated with this user pool' });
      const getNoDomain = await failure(() => server.admin.send(new GetUICustomizationCommand({ UserPoolId: noDomain })));
      assert.deepEqual(getNoDomain, { name: 'InvalidParameterException', message: 'There has to be an existing domain associated with this user pool' });
      for (const call of [
        () => server.admin.send(new SetUICustomizationCommand({ UserPoolId: 'us-east-1_Nowhere00', CSS })),
        () => server.admin.send(new GetUICustomizationCommand({ UserPoolId: 'us-east-1_Nowhere00' })),
        () => server.admin.send(new SetUICustomizationCommand({ UserPoolId: poolId, ClientId: 'nosuchclient', CSS })),
        () => server.admin.send(new GetUICustomizationCommand({ UserPoolId: poolId, ClientId: 'nosuchclient' })),
      ]) {
        assert.equal((await failure(call)).name, 'ResourceNotFoundException');
      }
      for (const input of [{ UserPoolId: null }, { UserPoolId: poolId, CSS: 5 }, { UserPoolId: poolId, ImageFile: 'not base64!' }, { UserPoolId: poolId, ClientId: [] }, { UserPoolId: poolId, CSS: 'x'.repeat(131073) }]) {
        const err = await failure(() => server.admin.send(new SetUICustomizationCommand(input as never)));
        assert.match(err.name, /^(InvalidParameterException|SerializationException)$/, JSON.stringify(input).slice(0, 80));
      }
    });

    it('creates, describes (by ID and by client), updates (merging) and deletes a managed-login style', async () => {
      const poolId = await newPool();
      const client = await newClient(poolId);
      const settings = { components: { primaryButton: { lightMode: { defaults: { backgroundColor: 'ff0000ff' } } } } };
      const created = await server.admin.send(
        new CreateManagedLoginBrandingCommand({ UserPoolId: poolId, ClientId: client, Settings: settings as never, Assets: [{ Category: 'FORM_LOGO', ColorMode: 'LIGHT', Extension: 'PNG', Bytes: PNG }] }),
      );
      const style = created.ManagedLoginBranding!;
      assert.match(style.ManagedLoginBrandingId!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(style.UserPoolId, poolId);
      assert.equal(style.UseCognitoProvidedValues, false);
      assert.deepEqual(style.Settings, settings);
      assert.deepEqual(Buffer.from(style.Assets![0]!.Bytes!), PNG);

      const exists = await failure(() => server.admin.send(new CreateManagedLoginBrandingCommand({ UserPoolId: poolId, ClientId: client, UseCognitoProvidedValues: true })));
      assert.equal(exists.name, 'ManagedLoginBrandingExistsException');

      const byId = await server.admin.send(new DescribeManagedLoginBrandingCommand({ UserPoolId: poolId, ManagedLoginBrandingId: style.ManagedLoginBrandingId }));
      assert.deepEqual(byId.ManagedLoginBranding?.Settings, settings);
      const byClient = await server.admin.send(new DescribeManagedLoginBrandingByClientCommand({ UserPoolId: poolId, ClientId: client, ReturnMergedResources: true }));
      const merged = byClient.ManagedLoginBranding?.Settings as { components: { primaryButton: { lightMode: { defaults: Record<string, string> } }; pageBackground: unknown } };
      assert.equal(merged.components.primaryButton.lightMode.defaults.backgroundColor, 'ff0000ff');
      assert.equal(merged.components.primaryButton.lightMode.defaults.textColor, 'ffffffff', 'defaults merged in');
      assert.ok(merged.components.pageBackground);

      const updated = await server.admin.send(
        new UpdateManagedLoginBrandingCommand({ UserPoolId: poolId, ManagedLoginBrandingId: style.ManagedLoginBrandingId, Settings: { components: { pageBackground: { lightMode: { color: '00ff00ff' } } } } as never }),
      );
      const u = updated.ManagedLoginBranding!.Settings as { components: Record<string, unknown> };
      assert.deepEqual(Object.keys(u.components).sort(), ['pageBackground', 'primaryButton'], 'the update keeps what it was not given');
      assert.equal(updated.ManagedLoginBranding!.Assets!.length, 1);

      // The pages use it once the domain is on managed login (ManagedLoginVersion 2).
      assert.equal((await looks(poolId, client)).kind, 'classic');
      const domain = (await server.running.cognate.store.db.selectFrom('user_pool_domains').select('domain').where('pool_id', '=', poolId).executeTakeFirstOrThrow()).domain;
      await server.admin.send(new UpdateUserPoolDomainCommand({ UserPoolId: poolId, Domain: domain, ManagedLoginVersion: 2 }));
      const look = await looks(poolId, client);
      assert.equal(look.kind, 'managed-login');
      assert.equal(look.custom, true);
      assert.equal(look.colors.primaryButton, '#ff0000ff');
      assert.equal(look.colors.pageBackground, '#00ff00ff');
      assert.match(look.css, /--cognate-primary: #ff0000ff;/);
      assert.equal(look.logo?.dataUri, `data:image/png;base64,${PNG.toString('base64')}`);

      const reset = await server.admin.send(new UpdateManagedLoginBrandingCommand({ UserPoolId: poolId, ManagedLoginBrandingId: style.ManagedLoginBrandingId, UseCognitoProvidedValues: true }));
      assert.equal(reset.ManagedLoginBranding?.UseCognitoProvidedValues, true);
      assert.equal(reset.ManagedLoginBranding?.Settings, undefined);
      assert.deepEqual(reset.ManagedLoginBranding?.Assets, []);
      assert.equal((await looks(poolId, client)).custom, false);

      await server.admin.send(new DeleteManagedLoginBrandingCommand({ UserPoolId: poolId, ManagedLoginBrandingId: style.ManagedLoginBrandingId }));
      for (const call of [
        () => server.admin.send(new DescribeManagedLoginBrandingCommand({ UserPoolId: poolId, ManagedLoginBrandingId: style.ManagedLoginBrandingId })),
        () => server.admin.send(new DescribeManagedLoginBrandingByClientCommand({ UserPoolId: poolId, ClientId: client })),
        () => server.admin.send(new DeleteManagedLoginBrandingCommand({ UserPoolId: poolId, ManagedLoginBrandingId: style.ManagedLoginBrandingId })),
        () => server.admin.send(new UpdateManagedLoginBrandingCommand({ UserPoolId: poolId, ManagedLoginBrandingId: style.ManagedLoginBrandingId, UseCognitoProvidedValues: true })),
      ]) {
        assert.equal((await failure(call)).name, 'ResourceNotFoundException');
      }
      const fresh = await server.admin.send(new CreateManagedLoginBrandingCommand({ UserPoolId: poolId, ClientId: client }));
      assert.equal(fresh.ManagedLoginBranding?.UseCognitoProvidedValues, true);
    });

    it('keeps styles to their pool, and deletes them with their client and pool', async () => {
      const a = await newPool();
      const b = await newPool();
      const ca = await newClient(a);
      const style = (await server.admin.send(new CreateManagedLoginBrandingCommand({ UserPoolId: a, ClientId: ca, UseCognitoProvidedValues: true }))).ManagedLoginBranding!;
      for (const call of [
        () => server.admin.send(new DescribeManagedLoginBrandingCommand({ UserPoolId: b, ManagedLoginBrandingId: style.ManagedLoginBrandingId })),
        () => server.admin.send(new DeleteManagedLoginBrandingCommand({ UserPoolId: b, ManagedLoginBrandingId: style.ManagedLoginBrandingId })),
        () => server.admin.send(new UpdateManagedLoginBrandingCommand({ UserPoolId: b, ManagedLoginBrandingId: style.ManagedLoginBrandingId, UseCognitoProvidedValues: true })),
        () => server.admin.send(new DescribeManagedLoginBrandingByClientCommand({ UserPoolId: b, ClientId: ca })),
        () => server.admin.send(new CreateManagedLoginBrandingCommand({ UserPoolId: b, ClientId: ca })),
      ]) {
        assert.equal((await failure(call)).name, 'ResourceNotFoundException');
      }
      const db = server.running.cognate.store.db;
      await server.admin.send(new DeleteUserPoolClientCommand({ UserPoolId: a, ClientId: ca }));
      assert.equal((await db.selectFrom('managed_login_brandings').selectAll().where('pool_id', '=', a).execute()).length, 0);
      const cb = await newClient(b);
      await server.admin.send(new CreateManagedLoginBrandingCommand({ UserPoolId: b, ClientId: cb }));
      await server.admin.send(new SetUICustomizationCommand({ UserPoolId: b, CSS }));
      await server.admin.send(new DeleteUserPoolCommand({ UserPoolId: b }));
      assert.equal((await db.selectFrom('managed_login_brandings').selectAll().where('pool_id', '=', b).execute()).length, 0);
      assert.equal((await db.selectFrom('ui_customizations').selectAll().where('pool_id', '=', b).execute()).length, 0);
    });

    it('refuses bad managed-login input', async () => {
      const poolId = await newPool();
      const client = await newClient(poolId);
      const bad = async (what: string, call: () => Promise<unknown>, name: RegExp = /^(InvalidParameterException|SerializationException)$/) => {
        const e = await failure(call);
        assert.match(e.name, name, `${what}: ${e.name} ${e.message}`);
      };
      await bad('settings and UseCognitoProvidedValues', () => server.admin.send(new CreateManagedLoginBrandingCommand({ UserPoolId: poolId, ClientId: client, UseCognitoProvidedValues: true, Settings: { a: 1 } as never })));
      await bad('settings not an object', () => server.admin.send(new CreateManagedLoginBrandingCommand({ UserPoolId: poolId, ClientId: client, Settings: [1, 2] as never })));
      await bad('duplicate asset', () =>
        server.admin.send(new CreateManagedLoginBrandingCommand({ UserPoolId: poolId, ClientId: client, Assets: [{ Category: 'FORM_LOGO', ColorMode: 'LIGHT', Extension: 'PNG', Bytes: PNG }, { Category: 'FORM_LOGO', ColorMode: 'LIGHT', Extension: 'PNG', Bytes: PNG }] })),
      );
      await bad('favicon extension', () => server.admin.send(new CreateManagedLoginBrandingCommand({ UserPoolId: poolId, ClientId: client, Assets: [{ Category: 'FAVICON_ICO', ColorMode: 'LIGHT', Extension: 'PNG', Bytes: PNG }] })));
      await bad('asset without bytes', () => server.admin.send(new CreateManagedLoginBrandingCommand({ UserPoolId: poolId, ClientId: client, Assets: [{ Category: 'FORM_LOGO', ColorMode: 'LIGHT', Extension: 'PNG' }] })));
      await bad('unknown category', () => server.admin.send(new CreateManagedLoginBrandingCommand({ UserPoolId: poolId, ClientId: client, Assets: [{ Category: 'NOPE', ColorMode: 'LIGHT', Extension: 'PNG', Bytes: PNG } as never] })));
      await bad('null client', () => server.admin.send(new CreateManagedLoginBrandingCommand({ UserPoolId: poolId, ClientId: null as never })));
      await bad('update without pool', () => server.admin.send(new UpdateManagedLoginBrandingCommand({ ManagedLoginBrandingId: '11111111-2222-4333-8444-555555555555', UseCognitoProvidedValues: true })));
      await bad('malformed ID', () => server.admin.send(new DescribeManagedLoginBrandingCommand({ UserPoolId: poolId, ManagedLoginBrandingId: 'not-a-uuid' })));
      await bad('unknown pool', () => server.admin.send(new CreateManagedLoginBrandingCommand({ UserPoolId: 'us-east-1_Nowhere00', ClientId: client })), /^ResourceNotFoundException$/);
      await bad('unknown client', () => server.admin.send(new CreateManagedLoginBrandingCommand({ UserPoolId: poolId, ClientId: 'nosuchclient' })), /^ResourceNotFoundException$/);
      await bad('unknown style', () => server.admin.send(new DescribeManagedLoginBrandingCommand({ UserPoolId: poolId, ManagedLoginBrandingId: '11111111-2222-4333-8444-555555555555' })), /^ResourceNotFoundException$/);
      await bad('wrong type ReturnMergedResources', () => server.admin.send(new DescribeManagedLoginBrandingByClientCommand({ UserPoolId: poolId, ClientId: client, ReturnMergedResources: 'yes' as never })));
    });
  });
}
