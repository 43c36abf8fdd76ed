/**
 * Local stand-ins for Google, Sign in with Apple, Facebook and Login with Amazon, on one HTTP
 * server, at the paths Cognate's `socialEndpoints` are pointed at: real authorization codes (single
 * use, bound to redirect_uri and PKCE), a real token endpoint checking the client's secret (Apple:
 * its ES256 client-secret JWT, verified with the key pair Apple "issued"), ID tokens signed RS256
 * with jose and published in a JWKS, userinfo / Graph `/me` (with appsecret_proof) / profile APIs.
 * Their authorize endpoints approve at once as the configured person (there is no login to drive);
 * Apple answers with an auto-submitting form_post page, as Apple does.
 *
 * `tamper` makes the next ID tokens wrong one way (the attacks): another nonce, issuer or audience,
 * expired, signed with a key not in the JWKS, or `alg: none`; or the authorization answer's `iss`
 * (RFC 9207) another provider's. `deny` makes the authorize endpoint
 * answer `error=access_denied`.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, exportPKCS8, generateKeyPair, jwtVerify } from 'jose';

export type Tamper = 'nonce' | 'issuer' | 'audience' | 'expired' | 'signature' | 'alg-none' | 'answer-iss' | undefined;

export const GOOGLE = { clientId: 'google-client.apps.example', clientSecret: 'google-secret', sub: '109876543210987654321', email: 'gina@gmail.example', name: 'Gina Google' };
export const FACEBOOK = { clientId: '4242424242', clientSecret: 'fb-app-secret', id: '10150000000000001', email: 'fiona@facebook.example', name: 'Fiona Facebook' };
export const AMAZON = { clientId: 'amzn1.application-oa2-client.test', clientSecret: 'amzn-secret', userId: 'amzn1.account.AFAKEUSER', email: 'amy@amazon.example', name: 'Amy Amazon' };
export const APPLE = { clientId: 'com.example.app.signin', teamId: 'TEAM123456', keyId: 'KEY1234567', sub: '001234.abcdef0123456789.0123', email: 'relay@privaterelay.appleid.example' };

interface Grant {
  provider: string;
  clientId: string;
  redirectUri: string;
  nonce?: string;
  challenge?: string;
}

export interface TokenRequest {
  provider: string;
  method: string;
  params: Record<string, string>;
}

export interface StandIns {
  base: string;
  /** socialEndpoints for Cognate's configuration */
  socialEndpoints: string;
  /** Apple's private key for the provider's ProviderDetails (PKCS#8 PEM) */
  applePrivateKey: string;
  tamper: Tamper;
  deny: boolean;
  /** the token requests received, newest last */
  tokenRequests: TokenRequest[];
  /** the authorize requests received (their query), newest last */
  authorizeRequests: URLSearchParams[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startStandIns(): Promise<StandIns> {
  const signing = await generateKeyPair('RS256');
  const rogue = await generateKeyPair('RS256');
  const apple = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(signing.publicKey)), kid: 'stand-in-1', use: 'sig', alg: 'RS256' };
  const codes = new Map<string, Grant>();
  const accessTokens = new Map<string, string>();
  let base = '';

  const state: StandIns = {
    base: '',
    socialEndpoints: '',
    applePrivateKey: await exportPKCS8(apple.privateKey),
    tamper: undefined,
    deny: false,
    tokenRequests: [],
    authorizeRequests: [],
    close: async () => {},
  };

  async function idToken(provider: 'google' | 'apple', audience: string, nonce: string | undefined, claims: Record<string, unknown>): Promise<string> {
    const t = state.tamper;
    const now = Math.floor(Date.now() / 1000);
    const payload = { ...claims, nonce: t === 'nonce' ? 'not-the-nonce' : nonce, aud: t === 'audience' ? 'someone-else' : audience };
    if (t === 'alg-none') {
      const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      return `${part({ alg: 'none', kid: 'stand-in-1' })}.${part({ ...payload, iss: `${base}/${provider}`, iat: now, exp: now + 600 })}.`;
    }
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', kid: 'stand-in-1' })
      .setIssuer(t === 'issuer' ? 'https://evil.example.com' : `${base}/${provider}`)
      .setIssuedAt(t === 'expired' ? now - 7200 : now)
      .setExpirationTime(t === 'expired' ? now - 3600 : now + 600)
      .sign(t === 'signature' ? rogue.privateKey : signing.privateKey);
  }

  function issueCode(grant: Grant): string {
    const code = randomBytes(16).toString('base64url');
    codes.set(code, grant);
    return code;
  }

  /** The code's grant, once: right client, redirect URI and PKCE verifier. */
  function redeem(params: Record<string, string>, provider: string, clientId: string): Grant | undefined {
    const grant = codes.get(params.code ?? '');
    codes.delete(params.code ?? '');
    if (!grant || grant.provider !== provider || grant.clientId !== clientId || grant.redirectUri !== params.redirect_uri) return undefined;
    if (grant.challenge !== undefined && createHash('sha256').update(params.code_verifier ?? '').digest('base64url') !== grant.challenge) return undefined;
    return grant;
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', base);
      const json = (status: number, body: unknown): undefined => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      };
      const redirect = (to: string): undefined => {
        res.writeHead(302, { location: to }).end();
      };
      const q = url.searchParams;
      const form = req.method === 'POST' ? Object.fromEntries(new URLSearchParams(await readBody(req))) : Object.fromEntries(q);
      const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      const p = url.pathname;

      // ---- authorize endpoints: approve at once ----
      const authorize = (provider: string, clientId: string, pkce: boolean): { code: string; back: string } | undefined => {
        state.authorizeRequests.push(new URLSearchParams(q));
        const back = q.get('redirect_uri') ?? '';
        if (q.get('client_id') !== clientId || q.get('response_type') !== 'code' || !back) return json(400, { error: 'invalid_request' });
        if (state.deny) return redirect(`${back}?${new URLSearchParams({ error: 'access_denied', error_description: 'The user denied the request', state: q.get('state') ?? '' })}`);
        if (pkce && q.get('code_challenge_method') !== 'S256') return json(400, { error: 'invalid_request', error_description: 'PKCE S256 required' });
        const code = issueCode({ provider, clientId, redirectUri: back, ...(q.get('nonce') ? { nonce: q.get('nonce')! } : {}), ...(pkce ? { challenge: q.get('code_challenge')! } : {}) });
        return { code, back };
      };
      const to = (back: string, params: Record<string, string>) => redirect(`${back}?${new URLSearchParams(params)}`);

      if (p === '/google/.well-known/openid-configuration' || p === '/apple/.well-known/openid-configuration') {
        const who = p.split('/')[1];
        return json(200, who === 'google'
          ? { issuer: `${base}/google`, authorization_endpoint: `${base}/google/o/oauth2/v2/auth`, token_endpoint: `${base}/google/token`, userinfo_endpoint: `${base}/google/v1/userinfo`, jwks_uri: `${base}/google/certs`, token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'] }
          : { issuer: `${base}/apple`, authorization_endpoint: `${base}/apple/auth/authorize`, token_endpoint: `${base}/apple/auth/token`, jwks_uri: `${base}/apple/auth/keys`, response_modes_supported: ['query', 'fragment', 'form_post'] });
      }
      if (p === '/google/certs' || p === '/apple/auth/keys') return json(200, { keys: [jwk] });
      if (p === '/google/o/oauth2/v2/auth') {
        const out = authorize('google', GOOGLE.clientId, true);
        // RFC 9207: Google names itself in its answer.
        if (out) to(out.back, { code: out.code, state: q.get('state') ?? '', scope: q.get('scope') ?? '', iss: state.tamper === 'answer-iss' ? 'https://evil.example.com' : `${base}/google` });
        return;
      }
      if (p === '/apple/auth/authorize') {
        if (q.get('response_mode') !== 'form_post') return json(400, { error: 'invalid_request', error_description: 'response_mode must be form_post' });
        const out = authorize('apple', APPLE.clientId, false);
        if (!out) return;
        const fields = { code: out.code, state: q.get('state') ?? '', ...(state.tamper === 'answer-iss' ? { iss: 'https://evil.example.com' } : {}), user: JSON.stringify({ name: { firstName: 'Ada', lastName: 'Apple' }, email: APPLE.email }) };
        const inputs = Object.entries(fields).map(([k, v]) => `<input type="hidden" name="${k}" value="${v.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}">`).join('');
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><html><body onload="document.forms[0].submit()"><form method="post" action="${out.back}">${inputs}</form></body></html>`);
        return;
      }
      if (p === '/facebook/v17.0/dialog/oauth') {
        const out = authorize('facebook', FACEBOOK.clientId, false);
        if (out) to(out.back, { code: out.code, state: q.get('state') ?? '' });
        return;
      }
      if (p === '/amazon/ap/oa') {
        const out = authorize('amazon', AMAZON.clientId, true);
        if (out) to(out.back, { code: out.code, state: q.get('state') ?? '', scope: q.get('scope') ?? '' });
        return;
      }

      // ---- token endpoints ----
      const tokenFor = async (provider: string) => {
        state.tokenRequests.push({ provider, method: req.method ?? '', params: form });
        const access = randomBytes(16).toString('base64url');
        accessTokens.set(access, provider);
        return access;
      };
      if (p === '/google/token' && req.method === 'POST') {
        if (form.client_id !== GOOGLE.clientId || form.client_secret !== GOOGLE.clientSecret) return json(401, { error: 'invalid_client' });
        const grant = redeem(form, 'google', GOOGLE.clientId);
        if (!grant) return json(400, { error: 'invalid_grant' });
        const access = await tokenFor('google');
        return json(200, { access_token: access, token_type: 'Bearer', expires_in: 3599, scope: 'openid email profile', id_token: await idToken('google', GOOGLE.clientId, grant.nonce, { sub: GOOGLE.sub, email: GOOGLE.email, email_verified: true, azp: GOOGLE.clientId }) });
      }
      if (p === '/google/v1/userinfo') {
        if (accessTokens.get(bearer) !== 'google') return json(401, { error: 'invalid_token' });
        return json(200, { sub: GOOGLE.sub, email: GOOGLE.email, email_verified: true, name: GOOGLE.name, given_name: 'Gina', family_name: 'Google', picture: 'https://example.com/gina.png' });
      }
      if (p === '/apple/auth/token' && req.method === 'POST') {
        try {
          await jwtVerify(form.client_secret ?? '', apple.publicKey, { issuer: APPLE.teamId, audience: `${base}/apple`, subject: APPLE.clientId, algorithms: ['ES256'] });
        } catch {
          return json(400, { error: 'invalid_client' });
        }
        if (form.client_id !== APPLE.clientId) return json(400, { error: 'invalid_client' });
        const grant = redeem(form, 'apple', APPLE.clientId);
        if (!grant) return json(400, { error: 'invalid_grant' });
        const access = await tokenFor('apple');
        return json(200, { access_token: access, token_type: 'Bearer', expires_in: 3600, id_token: await idToken('apple', APPLE.clientId, grant.nonce, { sub: APPLE.sub, email: APPLE.email, email_verified: 'true', is_private_email: 'true' }) });
      }
      if (p === '/facebook/v17.0/oauth/access_token' && req.method === 'GET') {
        if (form.client_id !== FACEBOOK.clientId || form.client_secret !== FACEBOOK.clientSecret) return json(400, { error: { message: 'Error validating client secret.', type: 'OAuthException' } });
        if (!redeem(form, 'facebook', FACEBOOK.clientId)) return json(400, { error: { message: 'Invalid verification code format.', type: 'OAuthException' } });
        return json(200, { access_token: await tokenFor('facebook'), token_type: 'bearer', expires_in: 5183944 });
      }
      if (p === '/facebook/v17.0/me') {
        const token = q.get('access_token') ?? '';
        if (accessTokens.get(token) !== 'facebook') return json(400, { error: { message: 'Invalid OAuth access token.', type: 'OAuthException' } });
        if (q.get('appsecret_proof') !== createHmac('sha256', FACEBOOK.clientSecret).update(token).digest('hex')) return json(400, { error: { message: 'Invalid appsecret_proof provided in the API argument', type: 'GraphMethodException' } });
        const all: Record<string, string> = { id: FACEBOOK.id, email: FACEBOOK.email, name: FACEBOOK.name, first_name: 'Fiona', last_name: 'Facebook' };
        return json(200, Object.fromEntries((q.get('fields') ?? 'id').split(',').filter((f) => all[f] !== undefined).map((f) => [f, all[f]])));
      }
      if (p === '/amazon/auth/o2/token' && req.method === 'POST') {
        if (form.client_id !== AMAZON.clientId || form.client_secret !== AMAZON.clientSecret) return json(401, { error: 'invalid_client' });
        if (!redeem(form, 'amazon', AMAZON.clientId)) return json(400, { error: 'invalid_grant' });
        return json(200, { access_token: `Atza|${await tokenFor('amazon')}`, token_type: 'bearer', expires_in: 3600, refresh_token: 'Atzr|x' });
      }
      if (p === '/amazon/user/profile') {
        if (accessTokens.get(bearer.replace(/^Atza\|/, '')) !== 'amazon') return json(401, { error: 'invalid_token' });
        return json(200, { user_id: AMAZON.userId, email: AMAZON.email, name: AMAZON.name, postal_code: '98109' });
      }
      json(404, { error: 'not_found' });
    })().catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.base = base;
  state.socialEndpoints = JSON.stringify({ 'accounts.google.com': `${base}/google`, 'appleid.apple.com': `${base}/apple`, 'graph.facebook.com': `${base}/facebook`, 'www.amazon.com': `${base}/amazon` });
  state.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return state;
}

