/**
 * The loopback redirect of a native app (RFC 8252 §7.3): an HTTP listener on the redirect URI's
 * loopback IP, on a port the system picks, for one answer carrying the request's `state`; closed
 * after it or on timeout. Cognito (and Cognate) accept any port on a loopback IP redirect URI, so
 * `SignInRedirectURI: 'http://127.0.0.1/callback'` is registered once. Node only.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MobileClientError } from '../errors.js';
import type { RedirectReceiver } from './hosted-ui-receiver.js';

/**
 * Options of {@link loopbackRedirect}.
 *
 * @example
 * ```ts
 * const options: LoopbackRedirectOptions = { timeoutMs: 2 * 60_000 };
 * ```
 */
export interface LoopbackRedirectOptions {
  /** How long to wait for the browser to come back. Default: 5 minutes. */
  timeoutMs?: number;
  /** The page the browser shows once the answer arrived. Default: a short "you can close this window". */
  responseHtml?: string;
}

const PAGE = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Signed in</title></head><body><p>The sign-in answer reached the application. You can close this window.</p></body></html>';

function loopbackOf(redirectUri: string): URL {
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    throw new MobileClientError('invalidConfiguration', 'SignInRedirectURI is not a URL.');
  }
  // RFC 8252 §8.3: a loopback IP literal, not `localhost` (which a resolver may send elsewhere).
  if (url.protocol !== 'http:' || (url.hostname !== '127.0.0.1' && url.hostname !== '[::1]')) {
    throw new MobileClientError('invalidConfiguration', `The loopback listener needs SignInRedirectURI on http://127.0.0.1 or http://[::1] (got ${redirectUri}).`);
  }
  return url;
}

/**
 * A {@link RedirectReceiver} for Node: listens on the loopback IP of `SignInRedirectURI`, on a free
 * port, and takes the first request to its path whose `state` is the request's.
 *
 * @example
 * ```ts
 * import { exec } from 'node:child_process';
 * import { loopbackRedirect } from '@cognate/client/node';
 *
 * await client.signInWithHostedUI({
 *   openUrl: (url) => void exec(`xdg-open '${url}'`),
 *   redirectReceiver: loopbackRedirect({ timeoutMs: 120_000 }),
 * });
 * ```
 */
export function loopbackRedirect(options: LoopbackRedirectOptions = {}): RedirectReceiver {
  const timeoutMs = options.timeoutMs ?? 5 * 60_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new MobileClientError('invalidParameter', 'timeoutMs must be a positive number.');
  return {
    async start(redirectUri, state) {
      const target = loopbackOf(redirectUri);
      let settle!: { resolve(url: string): void; reject(e: unknown): void };
      const received = new Promise<string>((resolve, reject) => (settle = { resolve, reject }));
      received.catch(() => undefined);
      let done = false;
      const finish = (outcome: { url: string } | { error: unknown }) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        server.close();
        if ('url' in outcome) settle.resolve(outcome.url);
        else settle.reject(outcome.error);
      };
      const server = createServer((req: IncomingMessage, res: ServerResponse) => {
        const url = new URL(req.url ?? '/', `http://${target.host}`);
        const headers = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', connection: 'close' };
        if (req.method !== 'GET' || url.pathname !== target.pathname) return void res.writeHead(404, headers).end();
        // Someone else on this machine may knock first: only the answer to this request counts.
        if (done || url.searchParams.get('state') !== state) return void res.writeHead(400, headers).end();
        res.writeHead(200, headers).end(options.responseHtml ?? PAGE);
        finish({ url: `http://${target.hostname}:${(server.address() as AddressInfo).port}${req.url ?? '/'}` });
      });
      const timer = setTimeout(() => finish({ error: new MobileClientError('hostedUITimeout', `No answer from the hosted UI within ${Math.round(timeoutMs / 1000)} s.`) }), timeoutMs);
      timer.unref?.();
      const host = target.hostname === '[::1]' ? '::1' : target.hostname;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, host, () => resolve());
      }).catch((e: unknown) => {
        clearTimeout(timer);
        throw new MobileClientError('unableToSignIn', `The loopback listener could not start: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      });
      const port = (server.address() as AddressInfo).port;
      const sent = new URL(redirectUri);
      sent.port = String(port);
      return {
        redirectUri: sent.href,
        received,
        close: async () => {
          finish({ error: new MobileClientError('unableToSignIn', 'The loopback listener was closed.') });
          server.closeAllConnections?.();
        },
      };
    },
  };
}
