/**
 * Node clients of a Cognate server under TLS: an agent that trusts a given CA (the development CA
 * or a test's own certificate) and resolves the hosted UI's names to loopback, the AWS SDK request
 * handler built on it, and a `fetch` over it (for openid-client's `customFetch`, or plain requests
 * to a domain's pages).
 *
 * Why a lookup override: Chromium resolves every `*.localhost` name to loopback itself (RFC 6761),
 * but Node asks the system resolver, and glibc without systemd's nss-myhostname answers ENOTFOUND
 * for `shop.auth.us-east-1.localhost`. Custom domains (`auth.example.test`) need it everywhere.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { Agent, request as httpsRequest } from 'node:https';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { LookupFunction } from 'node:net';
import { checkServerIdentity, connect, type PeerCertificate } from 'node:tls';

/** Whether a host is served by this machine in tests: `localhost`, any `*.localhost`, or one of `extra`. */
export function isLoopbackName(host: string, extra: readonly string[] = []): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost') || extra.includes(h);
}

/** A `lookup` for sockets and agents: loopback names (isLoopbackName) answer 127.0.0.1, the rest asks DNS. */
export function loopbackLookup(extra: readonly string[] = []): LookupFunction {
  return ((hostname: string, options: LookupOptions, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
    if (!isLoopbackName(hostname, extra)) return dnsLookup(hostname, options, callback as never);
    if (options.all) return callback(null, [{ address: '127.0.0.1', family: 4 }]);
    callback(null, '127.0.0.1', 4);
  }) as LookupFunction;
}

/** An HTTPS agent trusting only `ca` (PEM) and resolving loopback names (plus `extraHosts`) to 127.0.0.1. */
export function trustingAgent(ca: string | Buffer, extraHosts: readonly string[] = []): Agent {
  return new Agent({ ca, lookup: loopbackLookup(extraHosts), keepAlive: true });
}

/** AWS SDK v3 client options for a server under TLS: `new CognitoIdentityProviderClient({ ...sdkOverTls(agent), … })`. */
export function sdkOverTls(agent: Agent): { requestHandler: { httpsAgent: Agent } } {
  return { requestHandler: { httpsAgent: agent } };
}

const headerObject = (h: Headers): Record<string, string> => {
  const out: Record<string, string> = {};
  h.forEach((v, k) => (out[k] = v));
  return out;
};

/**
 * A `fetch` (the subset openid-client and the tests use: method, headers, string or bytes body,
 * `redirect: 'manual'` always) over node:https with `agent`, or node:http for http: URLs. Redirects
 * are never followed: a test reads `Location` itself.
 */
export function fetchWith(agent: Agent): typeof fetch {
  return (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
    const body = init.body === undefined || init.body === null ? undefined : typeof init.body === 'string' ? init.body : init.body instanceof URLSearchParams ? init.body.toString() : Buffer.from(init.body as Uint8Array);
    if (init.body instanceof URLSearchParams && !headers.has('content-type')) headers.set('content-type', 'application/x-www-form-urlencoded;charset=UTF-8');
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<Response>((resolve, reject) => {
      const req = send(url, { method: init.method ?? 'GET', headers: headerObject(headers), ...(url.protocol === 'https:' ? { agent } : { lookup: loopbackLookup() }) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const out = new Headers();
          for (const [k, v] of Object.entries(res.headers as IncomingHttpHeaders)) for (const one of Array.isArray(v) ? v : v === undefined ? [] : [v]) out.append(k, one);
          const status = res.statusCode ?? 0;
          const bytes = Buffer.concat(chunks);
          resolve(new Response(status === 204 || status === 304 ? null : new Uint8Array(bytes), { status, statusText: res.statusMessage ?? '', headers: out }));
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      init.signal?.addEventListener('abort', () => req.destroy(new Error('aborted')));
      req.end(body);
    });
  }) as typeof fetch;
}

/**
 * The certificate a TLS server presents for `servername` (SNI), read without trusting it, and
 * whether a client trusting `ca` accepts it for that name (`error` says why not).
 */
export function presentedCertificate(port: number, servername: string, ca: string | Buffer): Promise<{ cert: PeerCertificate; trusted: boolean; error?: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername, ca, rejectUnauthorized: false }, () => {
      const cert = socket.getPeerCertificate();
      // socket.authorized covers the chain; the name is checked as an HTTPS client checks it.
      const error = socket.authorized ? checkServerIdentity(servername, cert)?.message : String(socket.authorizationError);
      socket.end();
      resolve({ cert, trusted: error === undefined, ...(error ? { error } : {}) });
    });
    socket.on('error', reject);
  });
}
