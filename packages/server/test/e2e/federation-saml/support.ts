/**
 * A pool federated with the test SAML IdP (idp.ts), its providers and app clients, and the
 * steps of a sign-in, shared by the federation-saml suites.
 */
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { CreateIdentityProviderCommand, CreateUserPoolClientCommand, CreateUserPoolCommand, DescribeIdentityProviderCommand, GetSigningCertificateCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { TestServer } from '../../support/server.js';
import { CALLBACK, FormClient, LOGOUT, formsOf, type PageResponse } from '../hosted-ui/support.js';
import { TestIdp } from './idp.js';

export const EMAIL_ATTRIBUTE = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress';

export interface SamlSetup {
  server: TestServer;
  idp: TestIdp;
  poolId: string;
  /** SP-initiated client: CorpIdP (signed AuthnRequests, IDPSignout) and CorpEnc (EncryptedResponses) */
  clientId: string;
  /** IdP-initiated client: CorpInit (IDPInit) only, as Cognito requires */
  initClientId: string;
  oidc: oidc.Configuration;
}

export async function samlSetup(server: TestServer): Promise<SamlSetup> {
  const idp = new TestIdp();
  await idp.start();
  idp.now = () => server.clock.now();
  const poolId = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'saml' }))).UserPool!.Id!;
  const signingCertificate = (await server.admin.send(new GetSigningCertificateCommand({ UserPoolId: poolId }))).Certificate!;
  const AttributeMapping = { email: EMAIL_ATTRIBUTE };
  const create = (ProviderName: string, ProviderDetails: Record<string, string>) =>
    server.admin.send(new CreateIdentityProviderCommand({ UserPoolId: poolId, ProviderName, ProviderType: 'SAML', ProviderDetails, AttributeMapping }));
  await create('CorpIdP', { MetadataURL: `${idp.url}/metadata`, RequestSigningAlgorithm: 'rsa-sha256', IDPSignout: 'true' });
  await create('CorpEnc', { MetadataURL: `${idp.url}/metadata`, EncryptedResponses: 'true' });
  await create('CorpInit', { MetadataFile: idp.metadata(), IDPInit: 'true' });
  idp.sp = { poolId, acsUrl: `${server.url}/saml2/idpresponse`, logoutUrl: `${server.url}/saml2/logout`, signingCertificate };
  const client = (providers: string[], secret = false) =>
    server.admin.send(
      new CreateUserPoolClientCommand({
        UserPoolId: poolId,
        ClientName: providers.join('+'),
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthFlows: ['code'],
        AllowedOAuthScopes: ['openid', 'email', 'profile'],
        SupportedIdentityProviders: providers,
        CallbackURLs: [CALLBACK],
        LogoutURLs: [LOGOUT],
        GenerateSecret: secret,
      }),
    );
  const clientId = (await client(['CorpIdP', 'CorpEnc'])).UserPoolClient!.ClientId!;
  // IdP-initiated sign-in carries no PKCE challenge (the app never started it): a confidential client.
  const initClientId = (await client(['CorpInit'], true)).UserPoolClient!.ClientId!;
  const metadata = (await (await fetch(`${server.url}/${poolId}/.well-known/openid-configuration`)).json()) as oidc.ServerMetadata;
  const config = new oidc.Configuration(metadata, clientId, undefined, oidc.None());
  oidc.allowInsecureRequests(config);
  return { server, idp, poolId, clientId, initClientId, oidc: config };
}

export async function encryptionCertificate(s: SamlSetup): Promise<string> {
  const described = await s.server.admin.send(new DescribeIdentityProviderCommand({ UserPoolId: s.poolId, ProviderName: 'CorpEnc' }));
  return described.IdentityProvider!.ProviderDetails!.ActiveEncryptionCertificate!;
}

/** An app's authorization request toward `provider` (openid-client builds it: PKCE, state, nonce). */
export async function appRequest(s: SamlSetup, provider: string): Promise<{ url: URL; verifier: string; state: string; nonce: string }> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(s.oidc, {
    redirect_uri: CALLBACK,
    scope: 'openid email',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    identity_provider: provider,
  });
  return { url, verifier, state, nonce };
}

/** The IdP's answer page (after it read our AuthnRequest): the SAMLResponse and RelayState its form posts. */
export async function atIdp(idp: TestIdp, location: string): Promise<{ SAMLResponse: string; RelayState: string }> {
  const res = await fetch(idp.nodeUrl(location));
  const body = await res.text();
  assert.equal(res.status, 200, body);
  const form = formsOf(body)[0];
  assert.ok(form, 'the IdP answers with a form');
  return { SAMLResponse: form.fields.SAMLResponse!, RelayState: form.fields.RelayState! };
}

/** authorize → the IdP (our AuthnRequest) → its form, ready to post to /saml2/idpresponse. */
export async function spInitiated(s: SamlSetup, browser: FormClient, provider = 'CorpIdP') {
  const request = await appRequest(s, provider);
  const toIdp = await browser.get(request.url.toString());
  assert.equal(toIdp.status, 302, toIdp.body.slice(0, 300));
  assert.ok(toIdp.location?.startsWith(`${s.idp.publicUrl}/sso?`), `to the IdP: ${toIdp.location}`);
  return { request, toIdp: toIdp.location!, answer: await atIdp(s.idp, toIdp.location!) };
}

export function postResponse(browser: FormClient, fields: { SAMLResponse: string; RelayState?: string }): Promise<PageResponse> {
  return browser.post('/saml2/idpresponse', { SAMLResponse: fields.SAMLResponse, ...(fields.RelayState !== undefined ? { RelayState: fields.RelayState } : {}) });
}

/** The app's end: the code at the callback, exchanged by openid-client (PKCE, state, nonce checked). */
export async function tokensFrom(s: SamlSetup, done: PageResponse, request: { verifier: string; state: string; nonce: string }) {
  assert.equal(done.status, 302, done.body.slice(0, 300));
  assert.ok(done.location?.startsWith(CALLBACK), `to the app: ${done.location}`);
  return oidc.authorizationCodeGrant(s.oidc, new URL(done.location!), { pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce });
}

/** The RelayState of an IdP-initiated sign-in: the app's authorize parameters (saml2-idpresponse-endpoint). */
export function idpInitRelayState(s: SamlSetup, extra: Record<string, string> = {}): string {
  return new URLSearchParams({ identity_provider: 'CorpInit', client_id: s.initClientId, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid email', ...extra }).toString();
}

/** A refusal: back at the app's callback with an error and no code. */
export function assertRefused(res: PageResponse, why: string): void {
  assert.equal(res.status, 302, `${why}: ${res.body.slice(0, 300)}`);
  const params = new URL(res.location!).searchParams;
  assert.equal(params.get('code'), null, `${why}: no code`);
  assert.equal(params.get('error'), 'invalid_request', why);
}
