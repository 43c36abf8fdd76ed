/**
 * Federation into a user pool through Google, Facebook, Login with Amazon and Sign in with Apple,
 * over HTTP: the hosted UI sends the browser (a cookie-keeping form client) to the provider's
 * local stand-in (stand-ins.ts, at the overridden `socialEndpoints`), which approves and sends it
 * back to /oauth2/idpresponse; the app, an openid-client relying party, redeems the code Cognate
 * gives it. Then the attacks on the provider's answer: a replayed or made-up state, and ID tokens
 * with another nonce, issuer or audience, expired, badly signed or unsigned, and an answer
 * naming another issuer (RFC 9207 mix-up).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { AdminGetUserCommand, CreateIdentityProviderCommand, CreateUserPoolClientCommand, CreateUserPoolCommand, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { databaseKinds } from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { CALLBACK, FormClient, authorizeQuery, formsOf, redirectParams, type OAuthApp, type PageResponse } from '../hosted-ui/support.js';
import { decodeJwt, relyingParty } from '../oauth/helpers.js';
import { identityPoolFor } from '../identity/helpers.js';
import { AMAZON, APPLE, FACEBOOK, GOOGLE, startStandIns, type StandIns, type Tamper } from './stand-ins.js';

type Provider = 'Google' | 'Facebook' | 'LoginWithAmazon' | 'SignInWithApple';

/**
 * The browser's trip: /oauth2/authorize with `extra` → the provider (which approves at once; Apple's
 * form_post page is submitted as Chromium would) → /oauth2/idpresponse → the app's callback.
 */
async function federate(server: TestServer, app: OAuthApp, extra: Record<string, string>): Promise<{ answer: PageResponse; idpResponse?: { url: string; method: 'GET' | 'POST'; fields?: Record<string, string> }; verifier: string; state: string; browser: FormClient }> {
  const browser = new FormClient(server.url);
  const { query, verifier, state } = authorizeQuery(app, { scope: 'openid email profile', ...extra });
  const start = await browser.get(`/oauth2/authorize?${query}`);
  assert.equal(start.status, 302, start.body.slice(0, 300));
  if (browser.isOurs(start.location!, start.url)) return { answer: start, verifier, state, browser };
  const atProvider = await fetch(start.location!, { redirect: 'manual' });
  if (atProvider.status === 200) {
    // Apple: an auto-submitting form POSTed to /oauth2/idpresponse. Cross-site, so the Lax session
    // cookie stays behind; the federation binding cookie (SameSite=None under TLS, none named over
    // plain HTTP) goes along.
    const form = formsOf(await atProvider.text())[0]!;
    const fields = form.fields;
    const binding = [...browser.cookies].filter(([name]) => name.includes('cognate-fed-')).map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(form.action, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: binding }, body: new URLSearchParams(fields).toString() });
    const answer: PageResponse = { status: res.status, headers: res.headers, body: await res.text(), location: res.headers.get('location') ?? undefined, url: form.action };
    return { answer, idpResponse: { url: form.action, method: 'POST', fields }, verifier, state, browser };
  }
  assert.equal(atProvider.status, 302, await atProvider.text());
  const back = atProvider.headers.get('location')!;
  assert.ok(back.startsWith(`${server.url}/oauth2/idpresponse?`), back);
  return { answer: await browser.get(back), idpResponse: { url: back, method: 'GET' }, verifier, state, browser };
}

for (const kind of databaseKinds) {
  describe(`federation through Google, Facebook, Amazon and Apple stand-ins (${kind})`, () => {
    let server: TestServer;
    let idps: StandIns;
    let app: OAuthApp;
    let rp: oidc.Configuration;

    const redeem = async (location: string, verifier: string, state: string) =>
      oidc.authorizationCodeGrant(rp, new URL(location), { pkceCodeVerifier: verifier, expectedState: state });

    before(async () => {
      idps = await startStandIns();
      server = await startTestServer(kind, { socialEndpoints: idps.socialEndpoints });
      const poolId = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'social', AutoVerifiedAttributes: ['email'] }))).UserPool!.Id!;
      const provider = (ProviderName: Provider, ProviderDetails: Record<string, string>, AttributeMapping: Record<string, string>) =>
        server.admin.send(new CreateIdentityProviderCommand({ UserPoolId: poolId, ProviderName, ProviderType: ProviderName, ProviderDetails, AttributeMapping }));
      await provider('Google', { client_id: GOOGLE.clientId, client_secret: GOOGLE.clientSecret, authorize_scopes: 'openid email profile' }, { email: 'email', email_verified: 'email_verified', name: 'name' });
      await provider('Facebook', { client_id: FACEBOOK.clientId, client_secret: FACEBOOK.clientSecret, authorize_scopes: 'public_profile,email', api_version: 'v17.0' }, { email: 'email', name: 'name' });
      await provider('LoginWithAmazon', { client_id: AMAZON.clientId, client_secret: AMAZON.clientSecret, authorize_scopes: 'profile postal_code' }, { email: 'email', name: 'name' });
      await provider('SignInWithApple', { client_id: APPLE.clientId, team_id: APPLE.teamId, key_id: APPLE.keyId, private_key: idps.applePrivateKey, authorize_scopes: 'email name' }, { email: 'email', given_name: 'firstName', family_name: 'lastName' });
      const client = (
        await server.admin.send(
          new CreateUserPoolClientCommand({
            UserPoolId: poolId,
            ClientName: 'web',
            GenerateSecret: true,
            AllowedOAuthFlowsUserPoolClient: true,
            AllowedOAuthFlows: ['code'],
            AllowedOAuthScopes: ['openid', 'email', 'profile'],
            SupportedIdentityProviders: ['COGNITO', 'Google', 'Facebook', 'LoginWithAmazon', 'SignInWithApple'],
            CallbackURLs: [CALLBACK],
          }),
        )
      ).UserPoolClient!;
      app = { poolId, clientId: client.ClientId!, clientSecret: client.ClientSecret! };
      rp = await relyingParty(server, poolId, { id: app.clientId, secret: app.clientSecret! });
    });
    after(async () => {
      await server?.stop();
      await idps?.close();
    });

    it('Google: authorize with identity_provider → the provider with state, nonce and PKCE S256 → idpresponse → a code the app redeems for Google_<sub> tokens', async () => {
      const { answer, verifier, state } = await federate(server, app, { identity_provider: 'Google' });
      const toGoogle = idps.authorizeRequests.at(-1)!;
      assert.equal(toGoogle.get('redirect_uri'), `${server.url}/oauth2/idpresponse`);
      assert.equal(toGoogle.get('scope'), 'openid email profile');
      assert.equal(toGoogle.get('code_challenge_method'), 'S256');
      assert.match(toGoogle.get('state')!, new RegExp(`^${app.poolId}\\.[A-Za-z0-9_-]{43}$`));
      assert.match(toGoogle.get('nonce')!, /^[A-Za-z0-9_-]{43}$/);
      // client_secret_post and the PKCE verifier at Google's token endpoint.
      const exchange = idps.tokenRequests.at(-1)!;
      assert.deepEqual([exchange.provider, exchange.params.client_secret, exchange.params.grant_type, exchange.params.code_verifier?.length], ['google', GOOGLE.clientSecret, 'authorization_code', 43]);

      assert.equal(answer.status, 302);
      assert.ok(answer.location!.startsWith(`${CALLBACK}?`), answer.location);
      const tokens = await redeem(answer.location!, verifier, state);
      const id = tokens.claims()!;
      assert.equal(id['cognito:username'], `Google_${GOOGLE.sub}`);
      assert.equal(id.email, GOOGLE.email);
      assert.equal(id.name, GOOGLE.name);
      const identities = id.identities as { providerName: string; providerType: string; userId: string }[];
      assert.deepEqual(identities.map((i) => [i.providerName, i.providerType, i.userId]), [['Google', 'Google', GOOGLE.sub]]);
      assert.ok((id['cognito:groups'] as string[]).includes(`${app.poolId}_Google`));
      const user = await server.admin.send(new AdminGetUserCommand({ UserPoolId: app.poolId, Username: `Google_${GOOGLE.sub}` }));
      assert.equal(user.UserStatus, 'EXTERNAL_PROVIDER');
    });

    it('Facebook: the Graph API /me with the mapped fields and appsecret_proof gives Facebook_<id>', async () => {
      const { answer, verifier, state } = await federate(server, app, { identity_provider: 'Facebook' });
      const toFacebook = idps.authorizeRequests.at(-1)!;
      assert.equal(toFacebook.get('scope'), 'public_profile,email');
      assert.equal(toFacebook.get('nonce'), null, 'no ID token, no nonce');
      assert.equal(idps.tokenRequests.at(-1)!.method, 'GET');
      const id = (await redeem(answer.location!, verifier, state)).claims()!;
      assert.equal(id['cognito:username'], `Facebook_${FACEBOOK.id}`);
      assert.equal(id.email, FACEBOOK.email);
      assert.equal(id.name, FACEBOOK.name);
    });

    it('Login with Amazon: the profile API gives LoginWithAmazon_<user_id>', async () => {
      const { answer, verifier, state } = await federate(server, app, { identity_provider: 'LoginWithAmazon' });
      const id = (await redeem(answer.location!, verifier, state)).claims()!;
      assert.equal(id['cognito:username'], `LoginWithAmazon_${AMAZON.userId}`);
      assert.equal(id.email, AMAZON.email);
    });

    it("Sign in with Apple: response_mode=form_post, the ES256 client secret Apple's token endpoint verifies, the name from the user field", async () => {
      const { answer, idpResponse, verifier, state } = await federate(server, app, { identity_provider: 'SignInWithApple' });
      assert.equal(idpResponse?.method, 'POST');
      assert.equal(idps.authorizeRequests.at(-1)!.get('response_mode'), 'form_post');
      assert.equal(answer.status, 302, answer.body.slice(0, 300));
      const id = (await redeem(answer.location!, verifier, state)).claims()!;
      assert.equal(id['cognito:username'], `SignInWithApple_${APPLE.sub}`);
      assert.equal(id.email, APPLE.email);
      assert.equal(id.given_name, 'Ada');
      assert.equal(id.family_name, 'Apple');
    });

    it('the sign-in page shows a button per provider; a client whose only provider is Google goes straight there; one with only external providers shows no password form, refuses a password and has no sign-up or forgotten-password pages', async () => {
      const browser = new FormClient(server.url);
      const login = await browser.follow(`/oauth2/authorize?${authorizeQuery(app).query}`);
      assert.equal(login.status, 200);
      for (const name of ['Google', 'Facebook', 'LoginWithAmazon', 'SignInWithApple']) assert.ok(login.body.includes(`identity_provider=${name}`), name);
      assert.match(login.body, /Continue with Google/);
      assert.match(login.body, /name="password"/);

      const clientWith = async (name: string, providers: string[]) =>
        (
          await server.admin.send(
            new CreateUserPoolClientCommand({ UserPoolId: app.poolId, ClientName: name, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['code'], AllowedOAuthScopes: ['openid', 'email'], SupportedIdentityProviders: providers, CallbackURLs: [CALLBACK] }),
          )
        ).UserPoolClient!.ClientId!;
      const onlyGoogle = await clientWith('google-only', ['Google']);
      const straight = await browser.get(`/oauth2/authorize?${authorizeQuery({ poolId: app.poolId, clientId: onlyGoogle }).query}`);
      assert.equal(straight.status, 302);
      assert.ok(straight.location!.startsWith(`${idps.base}/google/o/oauth2/v2/auth?`), straight.location);
      const viaLogin = await browser.get(`/login?${authorizeQuery({ poolId: app.poolId, clientId: onlyGoogle }).query}`);
      assert.ok(viaLogin.location?.startsWith(`${idps.base}/google/`), 'the only provider: /login goes there too');

      const externalOnly = await clientWith('external-only', ['Google', 'Facebook']);
      const buttonsOnly = await browser.follow(`/oauth2/authorize?${authorizeQuery({ poolId: app.poolId, clientId: externalOnly }).query}`);
      assert.equal(buttonsOnly.status, 200);
      assert.match(buttonsOnly.body, /identity_provider=Facebook/);
      assert.doesNotMatch(buttonsOnly.body, /name="password"/);
      // A password posted anyway (with this browser's valid CSRF token from the other page) is refused.
      const csrf = formsOf(login.body)[0]!.fields._csrf!;
      const refused = await browser.post(`/login?${authorizeQuery({ poolId: app.poolId, clientId: externalOnly }).query}`, { _csrf: csrf, username: 'someone', password: 'whatever-1A!' });
      assert.equal(refused.status, 400);
      assert.equal(refused.location, undefined);
      // No user-pool accounts either: no sign-up, confirmation or forgotten-password pages, shown or posted.
      const q = authorizeQuery({ poolId: app.poolId, clientId: externalOnly }).query;
      for (const path of ['/signup', '/confirmUser', '/forgotPassword', '/confirmForgotPassword']) assert.equal((await browser.get(`${path}?${q}`)).status, 400, path);
      const signUp = await browser.post(`/signup?${q}`, { _csrf: csrf, username: 'someone', password: 'whatever-1A!' });
      assert.equal(signUp.status, 400);
      const forgot = await browser.post(`/forgotPassword?${q}`, { _csrf: csrf, username: 'someone' });
      assert.equal(forgot.status, 400);
    });

    it('a provider not enabled for the client, or an unknown one, is invalid_request at the callback', async () => {
      const onlyGoogle = (
        await server.admin.send(
          new CreateUserPoolClientCommand({ UserPoolId: app.poolId, ClientName: 'google-and-cognito', AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['code'], AllowedOAuthScopes: ['openid'], SupportedIdentityProviders: ['COGNITO', 'Google'], CallbackURLs: [CALLBACK] }),
        )
      ).UserPoolClient!.ClientId!;
      const browser = new FormClient(server.url);
      for (const extra of [{ identity_provider: 'Facebook' }, { identity_provider: 'Nobody' }, { idp_identifier: 'nothing.example' }]) {
        const res = await browser.get(`/oauth2/authorize?${authorizeQuery({ poolId: app.poolId, clientId: onlyGoogle }, { scope: 'openid', ...extra }).query}`);
        assert.equal(res.status, 302);
        assert.ok(res.location!.startsWith(CALLBACK), res.location);
        assert.equal(redirectParams(res.location).get('error'), 'invalid_request', JSON.stringify(extra));
      }
    });

    it("the provider's access_denied goes back to the app with the app's state", async () => {
      idps.deny = true;
      try {
        const { answer, state } = await federate(server, app, { identity_provider: 'Google' });
        const params = redirectParams(answer.location);
        assert.deepEqual([params.get('error'), params.get('state')], ['access_denied', state]);
        assert.equal(params.get('code'), null);
      } finally {
        idps.deny = false;
      }
    });

    it('A09: a replayed idpresponse (the provider request is single use) and a made-up state get an error page, no redirect', async () => {
      const first = await federate(server, app, { identity_provider: 'Google' });
      assert.equal(first.answer.status, 302);
      const again = await first.browser.get(first.idpResponse!.url);
      assert.equal(again.status, 400);
      assert.equal(again.location, undefined);
      const url = new URL(first.idpResponse!.url);
      url.searchParams.set('state', `${app.poolId}.${'A'.repeat(43)}`);
      const madeUp = await first.browser.get(url.toString());
      assert.deepEqual([madeUp.status, madeUp.location], [400, undefined]);
      url.searchParams.delete('state');
      assert.equal((await first.browser.get(url.toString())).status, 400);
    });

    it("login CSRF (RFC 6749 §10.12): the provider's answer to an attacker's flow, opened in the victim's browser, signs the victim in as no one; the attacker's own browser still can", async () => {
      const attacker = new FormClient(server.url);
      const { query } = authorizeQuery(app, { scope: 'openid email', identity_provider: 'Google' });
      const start = await attacker.get(`/oauth2/authorize?${query}`);
      const binding = start.headers.getSetCookie().find((c) => c.startsWith('cognate-fed-'));
      assert.ok(binding && /HttpOnly/.test(binding) && /Max-Age=600/.test(binding), `the redirect to the provider binds the request to this browser: ${binding}`);
      const atProvider = await fetch(start.location!, { redirect: 'manual' });
      const callback = atProvider.headers.get('location')!;
      assert.ok(callback.startsWith(`${server.url}/oauth2/idpresponse?`), callback);

      const victim = new FormClient(server.url);
      await victim.get(`/login?${authorizeQuery(app).query}`); // the victim has a hosted-UI cookie of their own
      const sessionBefore = [...victim.cookies];
      const planted = await victim.get(callback);
      assert.deepEqual([planted.status, planted.location], [400, undefined], 'an error page, no code, no redirect');
      assert.deepEqual([...victim.cookies], sessionBefore, "the victim's browser gets no session");

      const own = await attacker.get(callback);
      assert.equal(own.status, 302, 'the request was not spent by the refused attempt');
      assert.ok(redirectParams(own.location).get('code'));
      assert.ok(own.headers.getSetCookie().some((c) => c.startsWith('cognate-fed-') && /Max-Age=0/.test(c)), 'the binding is cleared once used');
    });

    const attacks: { name: string; tamper: Tamper }[] = [
      { name: "an ID token whose nonce is not the request's", tamper: 'nonce' },
      { name: 'A14: an ID token from another issuer', tamper: 'issuer' },
      { name: 'A14: an ID token for another audience', tamper: 'audience' },
      { name: 'A15: an expired ID token', tamper: 'expired' },
      { name: "A16: an ID token signed with a key not in the provider's JWKS", tamper: 'signature' },
      { name: 'A11: an unsigned ID token (alg none)', tamper: 'alg-none' },
      { name: "an authorization answer whose iss (RFC 9207) is another provider's (mix-up)", tamper: 'answer-iss' },
    ];
    for (const { name, tamper } of attacks) {
      it(`${name} signs no one in: invalid_request at the callback, no user`, async () => {
        const before = (await server.admin.send(new ListUsersCommand({ UserPoolId: app.poolId }))).Users!.length;
        idps.tamper = tamper;
        try {
          for (const provider of ['Google', 'SignInWithApple']) {
            const { answer, state } = await federate(server, app, { identity_provider: provider });
            assert.equal(answer.status, 302, answer.body.slice(0, 200));
            const params = redirectParams(answer.location);
            assert.deepEqual([params.get('error'), params.get('state'), params.get('code')], ['invalid_request', state, null], provider);
          }
        } finally {
          idps.tamper = undefined;
        }
        assert.equal((await server.admin.send(new ListUsersCommand({ UserPoolId: app.poolId }))).Users!.length, before);
      });
    }

    it("a federated user's ID token opens an identity in an identity pool (GetId, GetCredentialsForIdentity)", async () => {
      const { answer, verifier, state } = await federate(server, app, { identity_provider: 'Google' });
      const tokens = await redeem(answer.location!, verifier, state);
      const identityPoolId = await identityPoolFor(server, [{ poolId: app.poolId, clientId: app.clientId } as never]);
      const login = { [`cognito-idp.us-east-1.amazonaws.com/${app.poolId}`]: tokens.id_token! };
      const { IdentityId } = await server.identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: login }));
      const creds = await server.identity.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: login }));
      assert.ok(creds.Credentials?.AccessKeyId && creds.Credentials.SessionToken);
      assert.equal(decodeJwt(tokens.id_token!)['cognito:username'], `Google_${GOOGLE.sub}`);
    });
  });
}
