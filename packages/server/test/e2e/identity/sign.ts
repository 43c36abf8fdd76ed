/**
 * Signing requests the way AWS clients do, with @smithy/signature-v4 (the SDK's own signer), for
 * the verifier and IAM suites.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

/** The Checksum the signer wants, over node:crypto (SHA-256, or HMAC-SHA256 with a secret). */
class Sha256 {
  private readonly h: Hash | Hmac;
  constructor(secret?: string | Uint8Array) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', secret);
  }
  update(data: string | Uint8Array): void {
    this.h.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return this.h.digest();
  }
  reset(): void {}
}

export interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignedHttp {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: string;
}

/** The SDK's own SigV4 signer for `service` in `region`, over node:crypto. */
export function signerFor(service: string, credentials: Creds, region = 'us-east-1'): SignatureV4 {
  return new SignatureV4({ service, region, credentials, sha256: Sha256 as never });
}

/** Signs a request for `service` at the given time; returns it as sent. */
export async function sign(
  creds: Creds,
  service: string,
  req: { method: string; host: string; path: string; query?: Record<string, string>; headers?: Record<string, string>; body?: string },
  at: number,
): Promise<SignedHttp> {
  const signer = signerFor(service, creds);
  const signed = await signer.sign(
    { method: req.method, protocol: 'http:', hostname: req.host, path: req.path, query: req.query ?? {}, headers: { host: req.host, ...(req.headers ?? {}) }, body: req.body },
    { signingDate: new Date(at) },
  );
  const query = new URLSearchParams(req.query ?? {}).toString();
  return { method: req.method, path: req.path, query, headers: signed.headers as Record<string, string>, body: req.body ?? '' };
}

/** Sends an IAM query call signed with the admin credentials; returns status and XML. */
export async function iam(url: string, admin: Creds, params: Record<string, string>, at: number): Promise<{ status: number; text: string }> {
  const host = new URL(url).host;
  const body = new URLSearchParams({ Version: '2010-05-08', ...params }).toString();
  const signed = await sign(admin, 'iam', { method: 'POST', host, path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body }, at);
  const { host: _host, ...headers } = signed.headers;
  void _host;
  const res = await fetch(url + '/', { method: 'POST', headers, body });
  return { status: res.status, text: await res.text() };
}

/** Asks Cognate's verifier about a signed request. */
export async function verify(url: string, req: SignedHttp, action: string, resource: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${url}/identity/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ method: req.method, path: req.path, query: req.query, headers: req.headers, body: Buffer.from(req.body).toString('base64'), action, resource }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}
