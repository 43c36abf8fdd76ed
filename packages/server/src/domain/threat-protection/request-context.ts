/**
 * What the current API request says about the end user's context, for the auth events: the
 * source address of the request, and the UserContextData / ContextData the call carried. The
 * protocol layer hands each action a `cognate` made with `forRequest` (the hosted UI runs its
 * pages inside `withRequestContext`), so the domain reads it here from the ports it already has,
 * without every sign-in, sign-up and password function growing a parameter. Nothing here knows HTTP.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  /** the TCP peer of the request */
  sourceIp: string;
  /** the request's User-Agent header */
  userAgent?: string | undefined;
  /** UserContextData (public API calls): IpAddress, EncodedData */
  userContextData?: unknown;
  /** ContextData (Admin* calls from a server): IpAddress, ServerName, ServerPath, HttpHeaders, EncodedData */
  contextData?: unknown;
}

const REQUEST = Symbol('cognate.requestContext');

/**
 * The ports an API action runs with, carrying its request's context: a shallow copy of `cognate`
 * (the same services), made per request by the protocol layer. Explicit rather than an
 * AsyncLocalStorage: on Node 20 an enabled AsyncLocalStorage hooks every promise of the process,
 * which cost a tenth of a refresh's and a sixth of a GetUser's server CPU.
 */
export function forRequest<T extends object>(cognate: T, context: RequestContext): T {
  return { ...cognate, [REQUEST]: context };
}

/**
 * The hosted UI's pages reach the domain through the server's own `cognate`, so their context
 * travels in an AsyncLocalStorage, enabled only while such a request is in flight (the hooks it
 * installs slow every promise of the process, API calls included).
 */
const storage = new AsyncLocalStorage<RequestContext>();
let inFlight = 0;

export async function withRequestContext<T>(context: RequestContext, fn: () => Promise<T>): Promise<T> {
  inFlight++;
  try {
    return await storage.run(context, fn);
  } finally {
    if (--inFlight === 0) storage.disable();
  }
}

/** The context of the request `cognate` was made for ({@link forRequest}), else the hosted UI's. */
export const currentRequest = (cognate: object): RequestContext | undefined => (cognate as { [REQUEST]?: RequestContext })[REQUEST] ?? storage.getStore();

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The end user's address and device as Cognito takes them: ContextData.IpAddress from a server's
 * Admin* call; UserContextData.IpAddress only when the app client has
 * EnablePropagateAdditionalUserContextData (otherwise a client could name any address); else the
 * request's own source address. The device name is the User-Agent the end user's browser sent
 * (ContextData.HttpHeaders) or that the request carried.
 */
export function endUserContext(cognate: object, propagate: boolean): { ip: string | undefined; deviceName: string | undefined } {
  const ctx = currentRequest(cognate);
  if (!ctx) return { ip: undefined, deviceName: undefined };
  const data = ctx.contextData as { IpAddress?: unknown; HttpHeaders?: { headerName?: unknown; headerValue?: unknown }[] } | undefined;
  const user = ctx.userContextData as { IpAddress?: unknown } | undefined;
  const headerAgent = Array.isArray(data?.HttpHeaders) ? data.HttpHeaders.find((h) => typeof h?.headerName === 'string' && h.headerName.toLowerCase() === 'user-agent')?.headerValue : undefined;
  const ip = str(data?.IpAddress) ?? (propagate ? str(user?.IpAddress) : undefined) ?? str(ctx.sourceIp);
  const deviceName = str(headerAgent) ?? str(ctx.userAgent);
  return { ip: ip?.replace(/^::ffff:/, ''), deviceName: deviceName?.slice(0, 256) };
}
