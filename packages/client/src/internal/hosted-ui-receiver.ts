/**
 * The port between a hosted-UI sign-in (hosted-ui.ts) and whatever takes the redirect back outside
 * a browser page (hosted-ui-loopback.ts in Node); its own module so options.ts can name it.
 */
/**
 * Receives the hosted UI's redirect outside a browser page: `@cognate/client/node`'s
 * `loopbackRedirect()` is one (RFC 8252 §7.3); implement it for another transport.
 *
 * @example
 * ```ts
 * import { loopbackRedirect } from '@cognate/client/node';
 * const receiver: RedirectReceiver = loopbackRedirect({ timeoutMs: 120_000 });
 * ```
 */
export interface RedirectReceiver {
  /**
   * Starts listening for the redirect to `redirectUri` that carries `state`; answers the redirect
   * URI to send (the loopback listener's, with the port it got) and the URL the browser came back
   * to. Requests with another `state` are refused and the wait goes on; the receiver stops after
   * one answer, on timeout (`hostedUITimeout`) or `close()`.
   */
  start(redirectUri: string, state: string): Promise<{ redirectUri: string; received: Promise<string>; close(): Promise<void> }>;
}
