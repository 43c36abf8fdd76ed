/**
 * The awsJson 1.1 wire call, as amazon-cognito-identity-js and Amplify make it: `POST` to the
 * endpoint, `X-Amz-Target: <service>.<Action>`, a JSON body, no SigV4 (every operation the client
 * uses is unsigned). Internal: not exported from the package.
 */
import { MobileClientError } from '../errors.js';

export type Service = 'AWSCognitoIdentityProviderService' | 'AWSCognitoIdentityService';

/**
 * The part of `fetch` the client uses; `globalThis.fetch` fits, and so does a wrapper that logs,
 * counts or routes requests.
 *
 * @example
 * ```ts
 * const logged: FetchLike = (url, init) => {
 *   console.log(init.headers['x-amz-target']);
 *   return fetch(url, init);
 * };
 * const client = new MobileClient({ fetch: logged });
 * ```
 */
export type FetchLike = (input: string, init: { method: string; headers: Record<string, string>; body: string }) => Promise<{
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}>;

type Fetch = FetchLike;

/**
 * Calls one action. Network failures (fetch rejects: server down, DNS, CORS) become `network`
 * errors; service errors become {@link MobileClientError.fromService}.
 */
export async function call<T>(fetchImpl: Fetch, endpoint: string, service: Service, action: string, input: object): Promise<T> {
  let res: Awaited<ReturnType<Fetch>>;
  let text: string;
  try {
    res = await fetchImpl(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `${service}.${action}`,
        'x-amz-user-agent': 'cognate-client/0.1.0',
        'cache-control': 'no-store',
      },
      body: JSON.stringify(input),
    });
    text = await res.text();
  } catch (cause) {
    throw new MobileClientError('network', `Could not reach ${endpoint}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  let body: Record<string, unknown> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    if (res.status < 300) throw new MobileClientError('unknown', `${action}: the server answered with something that is not JSON`, { status: res.status });
  }
  if (res.status >= 300) {
    // amazon-cognito-identity-js: `__type` or `code`, else the x-amzn-ErrorType header.
    const type = (typeof body.__type === 'string' && body.__type) || (typeof body.code === 'string' && body.code) || res.headers.get('x-amzn-errortype') || '';
    const message = (typeof body.message === 'string' && body.message) || (typeof body.Message === 'string' && body.Message) || '';
    if (!type) throw new MobileClientError(res.status >= 500 ? 'internalError' : 'unknown', message || `${action} failed with HTTP ${res.status}`, { status: res.status });
    throw MobileClientError.fromService(type, message, res.status);
  }
  return body as T;
}
