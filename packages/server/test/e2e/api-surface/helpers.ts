/**
 * A SigV4-signed raw cognito-idp call, for bad input the SDK won't put on the wire (null map values,
 * members of the wrong JSON type).
 */
import { signerFor } from '../identity/sign.js';
import { ADMIN, type TestServer } from '../../support/server.js';

export async function signedIdp(server: TestServer, op: string, body: unknown): Promise<{ status: number; name: string; message: string }> {
  const url = new URL(server.url);
  const text = JSON.stringify(body);
  const headers = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${op}` };
  const signed = await signerFor('cognito-idp', ADMIN).sign({ method: 'POST', protocol: 'http:', hostname: url.host, path: '/', query: {}, headers: { host: url.host, ...headers }, body: text }, { signingDate: new Date(server.clock.now()) });
  const { host: _host, ...rest } = signed.headers as Record<string, string>;
  void _host;
  const res = await fetch(server.url + '/', { method: 'POST', headers: rest, body: text });
  const json = (await res.json().catch(() => ({}))) as { __type?: string; message?: string };
  return { status: res.status, name: (json.__type ?? '').replace(/^.*#/, ''), message: json.message ?? '' };
}
