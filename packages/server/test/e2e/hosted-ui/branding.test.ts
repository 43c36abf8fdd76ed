/**
 * Branding rendered on the pages (domain/oauth/branding.ts): a pool's classic UI customization
 * (CSS for Cognito's class names, and the logo) and a client's own replacing it; managed-login
 * branding (ManagedLoginVersion 2) as colours the page's styles use, with its logo. The CSS stays
 * in the page's one nonce'd style element; nothing of it becomes markup.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { CreateManagedLoginBrandingCommand, CreateUserPoolDomainCommand, SetUICustomizationCommand } from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { FormClient, authorizeQuery, oauthApp, type OAuthApp } from './support.js';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
const POOL_CSS = '.submitButton-customizable { background-color: #1a73e8; }\n.banner-customizable { background-color: rgb(30, 30, 30); }';
const CLIENT_CSS = '.background-customizable { background-color: #ffaaff; }';
const CERT_ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';

/** GETs `path` on the server at `base` as if it had come to `host`, following same-host redirects (node:http: fetch can't set Host). */
async function pageOn(base: string, host: string, path: string): Promise<string> {
  const url = new URL(base);
  for (let hops = 0; hops < 4; hops++) {
    const res = await new Promise<{ status: number; location?: string; body: string }>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path, headers: { host } }, (r) => {
        let body = '';
        r.setEncoding('utf8');
        r.on('data', (d: string) => (body += d));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, ...(r.headers.location ? { location: r.headers.location } : {}), body }));
      });
      req.on('error', reject);
      req.end();
    });
    if (res.status !== 302 && res.status !== 303) return res.body;
    const next = new URL(res.location!, `http://${host}`);
    path = next.pathname + next.search;
  }
  throw new Error('too many redirects');
}

for (const kind of databaseKinds) {
  describe(`hosted UI branding (${kind})`, () => {
    let server: TestServer;
    let classic: OAuthApp;
    let own: OAuthApp;
    let managed: OAuthApp;
    before(async () => {
      server = await startTestServer(kind);
      classic = await oauthApp(server);
      await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: classic.poolId, Domain: `classic-${kind}` }));
      await server.admin.send(new SetUICustomizationCommand({ UserPoolId: classic.poolId, ClientId: 'ALL', CSS: POOL_CSS, ImageFile: PNG }));
      own = await oauthApp(server);
      await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: own.poolId, Domain: `own-${kind}` }));
      await server.admin.send(new SetUICustomizationCommand({ UserPoolId: own.poolId, ClientId: 'ALL', CSS: POOL_CSS }));
      await server.admin.send(new SetUICustomizationCommand({ UserPoolId: own.poolId, ClientId: own.clientId, CSS: CLIENT_CSS }));
      managed = await oauthApp(server);
      await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: managed.poolId, Domain: `managed-${kind}`, ManagedLoginVersion: 2 }));
      await server.admin.send(
        new CreateManagedLoginBrandingCommand({
          UserPoolId: managed.poolId,
          ClientId: managed.clientId,
          Settings: { components: { primaryButton: { lightMode: { defaults: { backgroundColor: '660000ff', textColor: 'ffffffff' } } } } } as never,
          Assets: [{ Category: 'FORM_LOGO', ColorMode: 'LIGHT', Extension: 'PNG', Bytes: PNG }],
        }),
      );
    });
    after(async () => {
      await server?.stop();
    });

    const loginPage = async (app: OAuthApp) => {
      const page = await new FormClient(server.url).follow(`/oauth2/authorize?${authorizeQuery(app).query}`);
      assert.equal(page.status, 200);
      const style = /<style nonce="[^"]+">([\s\S]*?)<\/style>/.exec(page.body)?.[1] ?? '';
      return { body: page.body, style };
    };

    it("classic: the pool's CSS styles Cognito's class names on the page, and its logo is shown", async () => {
      const { body, style } = await loginPage(classic);
      assert.ok(style.includes('.submitButton-customizable'), style.slice(-300));
      assert.match(body, /<button class="submitButton-customizable"/);
      assert.match(body, /<div class="banner banner-customizable"><img class="logo-customizable" src="data:image\/png;base64,[A-Za-z0-9+/=]+" alt="">/);
      assert.match(body, /class="inputField-customizable"/);
      assert.match(body, /<label class="label-customizable"/);
      assert.match(body, /<body class="background-customizable">/);
    });

    it("classic: a client's own customization replaces the pool's", async () => {
      const { style } = await loginPage(own);
      assert.ok(style.includes('#ffaaff'));
      assert.ok(!style.includes('.submitButton-customizable'));
    });

    it('managed login: the style\'s colours reach the page as the custom properties its CSS reads, with the form logo', async () => {
      const { body, style } = await loginPage(managed);
      assert.match(style, /--cognate-primary:\s*#660000ff/);
      assert.match(style, /background:var\(--cognate-primary,#0b57d0\)/);
      assert.match(body, /<img class="logo-customizable" src="data:image\/png;base64,/);
    });

    it("on one of the pool's domains the look is that domain's: managed login on the prefix domain, classic on a custom domain", async () => {
      const custom = `brand-${kind}.example.test`;
      await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: managed.poolId, Domain: custom, CustomDomainConfig: { CertificateArn: CERT_ARN }, ManagedLoginVersion: 1 }));
      await server.admin.send(new SetUICustomizationCommand({ UserPoolId: managed.poolId, ClientId: 'ALL', CSS: POOL_CSS }));
      const port = new URL(server.url).port;
      const path = `/oauth2/authorize?${authorizeQuery(managed).query}`;
      const onPrefix = await pageOn(server.url, `managed-${kind}.auth.us-east-1.localhost:${port}`, path);
      assert.match(onPrefix, /--cognate-primary:\s*#660000ff/);
      assert.ok(!onPrefix.includes('.submitButton-customizable {'), 'the prefix domain (version 2) shows managed login');
      const onCustom = await pageOn(server.url, `${custom}:${port}`, path);
      assert.ok(onCustom.includes('.submitButton-customizable'), 'the custom domain (version 1) shows the classic customization');
      assert.doesNotMatch(onCustom, /--cognate-primary:\s*#660000ff/);
    });

    it('a client without branding keeps the default look', async () => {
      const plain = await oauthApp(server);
      const { body } = await loginPage(plain);
      assert.doesNotMatch(body, /logo-customizable/);
    });
  });
}
