/**
 * What the current API request says about the end user's context, for the auth events: the
 * source address of the request, and the UserContextData / ContextData the call carried. The
 * protocol layer runs each action inside `withRequestContext`, so the domain reads it here without
 * every sign-in, sign-up and password function growing a parameter. Nothing here knows HTTP.
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

const storage = new AsyncLocalStorage<RequestContext>();

export const withRequestContext = <T>(context: RequestContext, fn: () => Promise<T>): Promise<T> => storage.run(context, fn);

export const currentRequest = (): RequestContext | undefined => storage.getStore();

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The end user's address and device as Cognito takes them: ContextData.IpAddress from a server's
 * Admin* call; UserContextData.IpAddress only when the app client has
 * EnablePropagateAdditionalUserContextData (otherwise a client could name any address); else the
 * request's own source address. The device name is the User-Agent the end user's browser sent
 * (ContextData.HttpHeaders) or that the request carried.
 */
export function endUserContext(propagate: boolean): { ip: string | undefined; deviceName: string | undefined } {
  const ctx = currentRequest();
  if (!ctx) return { ip: undefined, deviceName: undefined };
  const data = ctx.contextData as { IpAddress?: unknown; HttpHeaders?: { headerName?: unknown; headerValue?: unknown }[] } | undefined;
  const user = ctx.userContextData as { IpAddress?: unknown } | undefined;
  const headerAgent = Array.isArray(data?.HttpHeaders) ? data.HttpHeaders.find((h) => typeof h?.headerName === 'string' && h.headerName.toLowerCase() === 'user-agent')?.headerValue : undefined;
  const ip = str(data?.IpAddress) ?? (propagate ? str(user?.IpAddress) : undefined) ?? str(ctx.sourceIp);
  const deviceName = str(headerAgent) ?? str(ctx.userAgent);
  return { ip: ip?.replace(/^::ffff:/, ''), deviceName: deviceName?.slice(0, 256) };
}
