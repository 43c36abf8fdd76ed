/**
 * A real OpenID Provider in the test process — the certified `oidc-provider` package — standing in
 * for Auth0, Okta or Keycloak: discovery, its own RSA key in a JWKS, authorization codes with PKCE
 * (required here, to prove Cognate sends it), client_secret_post, userinfo, and its development
 * login and consent pages (any login name signs in; the name becomes `sub`).
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type ClientMetadata } from 'oidc-provider';

export interface OpenIdProvider {
  issuer: string;
  close(): Promise<void>;
}

export async function startOpenIdProvider(clients: ClientMetadata[]): Promise<OpenIdProvider> {
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end();
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://localhost:${(server.address() as AddressInfo).port}`;
  const jwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const provider = new Provider(issuer, {
    clients,
    jwks: { keys: [{ ...jwk, kid: 'op-key-1', use: 'sig', alg: 'RS256' } as never] },
    findAccount: async (_ctx, id) => ({
      accountId: id,
      claims: async () => ({ sub: id, email: `${id}@auth0.example`, email_verified: true, name: `Person ${id}` }),
    }),
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    cookies: { keys: ['federation-oidc-test-cookie-key'] },
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => true },
  });
  handler = provider.callback();
  return {
    issuer,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
