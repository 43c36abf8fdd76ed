/**
 * A local OpenID Connect identity provider served over HTTP (jose keys and signatures): discovery
 * and JWKS for an OIDC issuer (`/oidc`) and Google (`/google`), Facebook's Graph API and Login with
 * Amazon's tokeninfo, for the identity-pool suites that federate external providers.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';

export interface LocalIdp {
  base: string;
  sign(path: string, payload: Record<string, unknown>, opts?: { key?: CryptoKey; expiresIn?: string | number; iss?: string }): Promise<string>;
  close(): Promise<void>;
}

export async function startIdp(): Promise<LocalIdp> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const rogue = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', use: 'sig', alg: 'RS256' };
  let base = '';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const m = /^\/(oidc|google)\/(.+)$/.exec(url.pathname);
    if (m && m[2] === '.well-known/openid-configuration') return json(200, { issuer: `${base}/${m[1]}`, jwks_uri: `${base}/${m[1]}/jwks` });
    if (m && m[2] === 'jwks') return json(200, { keys: [jwk] });
    const token = url.searchParams.get('access_token');
    if (url.pathname === '/facebook/me') return token?.startsWith('fb-good') ? json(200, { id: token.endsWith('2') ? '1002' : '1001' }) : json(400, { error: { message: 'Invalid OAuth access token.' } });
    if (url.pathname === '/facebook/app') return token?.startsWith('fb-good') ? json(200, { id: token.includes('other') ? 'other-app' : 'fb-app' }) : json(400, { error: {} });
    if (url.pathname === '/amazon/auth/o2/tokeninfo') return token === 'amzn-good' ? json(200, { aud: 'amzn-app', user_id: 'amzn1.account.ABC', exp: 3600 }) : json(400, { error: 'invalid_token' });
    json(404, {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    async sign(path, payload, opts = {}) {
      return new SignJWT(payload)
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(opts.iss ?? `${base}/${path}`)
        .setIssuedAt(Math.floor(Date.now() / 1000) - 5)
        .setExpirationTime(opts.expiresIn ?? '1h')
        .sign(opts.key ?? privateKey);
    },
    rogueKey: rogue.privateKey,
    close: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  } as LocalIdp & { rogueKey: CryptoKey };
}
