/**
 * What the federation-admin suites share: a server whose pools' triggers are webhooks on a
 * TriggerHost, a pool with an OIDC provider and an app client, and a federated sign-in driven
 * through the domain function the protocol side calls once a provider's answer is verified
 * (domain/federation/federated-sign-in.ts).
 */
import {
  CreateIdentityProviderCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  type CreateUserPoolClientCommandInput,
  type CreateUserPoolCommandInput,
  type LambdaConfigType,
} from '@aws-sdk/client-cognito-identity-provider';
import { webcrypto } from 'node:crypto';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { federatedSignIn, type ProviderClaims } from '../../../src/domain/federation/federated-sign-in.js';
import { findIdentityProvider } from '../../../src/domain/federation/providers.js';
import { generateTokens } from '../../../src/domain/token-generation.js';
import type { User } from '../../../src/domain/users.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { arn, TriggerHost, WEBHOOK_SECRET } from '../../support/triggers.js';

export const TRIGGERS = ['wh-inbound', 'wh-pre-sign-up', 'wh-post-confirmation', 'wh-post-auth', 'wh-pre-token'] as const;

/** All the federation triggers, as a pool's LambdaConfig. */
export const ALL_TRIGGERS: LambdaConfigType = {
  InboundFederation: { LambdaArn: arn('wh-inbound'), LambdaVersion: 'V1_0' },
  PreSignUp: arn('wh-pre-sign-up'),
  PostConfirmation: arn('wh-post-confirmation'),
  PostAuthentication: arn('wh-post-auth'),
  PreTokenGeneration: arn('wh-pre-token'),
};

export async function startFederationServer(kind: 'sqlite' | 'postgres'): Promise<{ server: TestServer; host: TriggerHost }> {
  const host = await TriggerHost.start();
  const triggers = Object.fromEntries(TRIGGERS.map((name) => [arn(name), `${host.webhookUrl}/${name}`]));
  const server = await startTestServer(kind, { triggers, triggerWebhookSecret: WEBHOOK_SECRET, triggerTimeoutMs: 2000 });
  return { server, host };
}

export const OIDC_DETAILS = {
  client_id: 'cognate-app',
  client_secret: 'provider-app-client-secret-0123456789',
  attributes_request_method: 'GET',
  oidc_issuer: 'https://idp.example.com',
  authorize_scopes: 'openid email profile',
};

export interface FederatedPool {
  poolId: string;
  clientId: string;
  /** Signs in through the provider `name` (default Corp) as `subject` with these verified claims. */
  signIn(subject: string, claims: ProviderClaims, name?: string): Promise<User>;
  /** A federated sign-in's ID token claims, verified with aws-jwt-verify against the pool's JWKS. */
  idToken(user: User): Promise<Record<string, unknown>>;
  /** The ID token itself (PreTokenGeneration runs, as for every sign-in's tokens). */
  rawIdToken(user: User): Promise<string>;
}

let pools = 0;

export async function federatedPool(
  server: TestServer,
  opts: { lambda?: LambdaConfigType; mapping?: Record<string, string>; pool?: Partial<CreateUserPoolCommandInput>; client?: Partial<CreateUserPoolClientCommandInput> } = {},
): Promise<FederatedPool> {
  const poolId = (await server.admin.send(new CreateUserPoolCommand({ PoolName: `federated-${++pools}`, ...(opts.lambda ? { LambdaConfig: opts.lambda } : {}), ...opts.pool }))).UserPool!.Id!;
  await server.admin.send(
    new CreateIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'Corp', ProviderType: 'OIDC', ProviderDetails: OIDC_DETAILS, AttributeMapping: opts.mapping ?? { email: 'email', given_name: 'given_name' } }),
  );
  const clientId = (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', SupportedIdentityProviders: ['COGNITO', 'Corp'], ...opts.client }))).UserPoolClient!.ClientId!;
  const cognate = server.running.cognate;
  const jwks = (await (await fetch(`${server.url}/${poolId}/.well-known/jwks.json`)).json()) as { keys: never[] };
  const verifier = CognitoJwtVerifier.create({ userPoolId: poolId, tokenUse: 'id', clientId });
  verifier.cacheJwks(jwks);
  const rawIdToken = async (user: User): Promise<string> => {
    const pool = await cognate.pools.get(poolId);
    const client = await cognate.clients.get(poolId, clientId);
    const fresh = (await cognate.users.findBySub(poolId, user.sub))!;
    return (await generateTokens(cognate, { pool, client, user: fresh, source: 'HostedAuth' })).IdToken;
  };
  return {
    poolId,
    clientId,
    rawIdToken,
    async signIn(subject, claims, name = 'Corp') {
      const pool = await cognate.pools.get(poolId);
      const client = await cognate.clients.get(poolId, clientId);
      const provider = await findIdentityProvider(cognate, pool, name);
      if (!provider) throw new Error(`no provider ${name}`);
      const signedIn = await federatedSignIn(cognate, { pool, client, provider, subject, claims });
      if (signedIn.session.sub !== signedIn.user.sub) throw new Error('the hosted session is not the user\'s');
      return signedIn.user;
    },
    async idToken(user) {
      return (await verifier.verify(await rawIdToken(user))) as Record<string, unknown>;
    },
  };
}

export const attribute = (attributes: { Name?: string; Value?: string }[] | undefined, name: string) => attributes?.find((a) => a.Name === name)?.Value;

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

/** IdP metadata a SAML provider can sign in with: a signing certificate, HTTP-Redirect SSO and SLO. */
export async function idpMetadata(now: number): Promise<string> {
  const alg = { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' } as const;
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({ serialNumber: '01', name: 'CN=idp.example.com', notBefore: new Date(now - 86_400_000), notAfter: new Date(now + 365 * 86_400_000), keys, signingAlgorithm: alg });
  const redirect = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
  return `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com/saml">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${Buffer.from(cert.rawData).toString('base64')}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleLogoutService Binding="${redirect}" Location="https://idp.example.com/slo"/>
    <md:SingleSignOnService Binding="${redirect}" Location="https://idp.example.com/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`;
}

