/**
 * The Cognito Sync routes: each operation's HTTP method and URI template, read from the model
 * (`/identitypools/{IdentityPoolId}/identities/{IdentityId}/datasets/{DatasetName}` ...), and the
 * restJson1 bindings that turn a request into the operation's input: URI labels, query string and
 * headers by their `locationName`, the other members from the JSON body.
 */
import { loadServiceModel, type OperationModel, type ServiceModel } from '../protocol/model.js';
import { syncErrors } from './errors.js';

interface Route {
  method: string;
  segments: readonly (string | { label: string })[];
  labels: number;
  op: OperationModel;
}

let routes: Route[] | undefined;

function compile(model: ServiceModel): Route[] {
  const out: Route[] = [];
  for (const name of model.operationNames()) {
    const op = model.operation(name)!;
    if (!op.http) continue;
    const segments = op.http.requestUri.split('/').filter((s) => s !== '').map((s) => (/^\{\w+\}$/.test(s) ? { label: s.slice(1, -1) } : s));
    out.push({ method: op.http.method, segments, labels: segments.filter((s) => typeof s !== 'string').length, op });
  }
  // Literal segments win over labels when two templates could match.
  return out.sort((a, b) => a.labels - b.labels);
}

/** Whether a request target is a Cognito Sync path (`/identitypools` and below). */
export function isSyncPath(url: string | undefined): boolean {
  return url !== undefined && /^\/identitypools(?:[/?]|$)/.test(url);
}

/** The path's segments, percent-decoded; undefined when one is not valid percent-encoding. */
function decodedSegments(path: string): string[] | undefined {
  try {
    return path.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

export interface MatchedRoute {
  model: ServiceModel;
  op: OperationModel;
  /** URI label values by label name, decoded. */
  labels: Record<string, string>;
}

/**
 * The operation a method and path stand for. A known path with another method, or an unknown
 * path, is undefined (the caller answers 404 UnknownOperationException, as AWS's front end).
 */
export function matchRoute(method: string, path: string): MatchedRoute | undefined {
  const model = loadServiceModel('cognito-sync');
  routes ??= compile(model);
  const parts = decodedSegments(path);
  if (!parts) return undefined;
  for (const route of routes) {
    if (route.method !== method || route.segments.length !== parts.length) continue;
    const labels: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < parts.length && ok; i++) {
      const seg = route.segments[i]!;
      if (typeof seg === 'string') ok = seg === parts[i];
      else labels[seg.label] = parts[i]!;
    }
    if (ok) return { model, op: route.op, labels };
  }
  return undefined;
}

/** Query parameters, percent-decoded (a `+` stays a plus, as SigV4 reads it); the first of repeated ones. */
export function parseQuery(rawQuery: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq));
      value = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1));
    } catch {
      throw syncErrors.invalidParameter('The query string is not valid percent-encoding.');
    }
    if (!out.has(key)) out.set(key, value);
  }
  return out;
}

/**
 * The operation's input from the request's parts, by the model's bindings. Members bound to the
 * URI, query string or a header come only from there (a body member of the same name is ignored).
 */
export function bindInput(model: ServiceModel, op: OperationModel, parts: { labels: Record<string, string>; query: Map<string, string>; headers: Record<string, string | string[] | undefined>; body: Record<string, unknown> }): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  const shape = op.inputShape ? model.shape(op.inputShape) : undefined;
  for (const [member, ref] of Object.entries(shape?.members ?? {})) {
    const where = ref.locationName ?? member;
    let value: unknown;
    if (ref.location === 'uri') value = parts.labels[where];
    else if (ref.location === 'querystring') value = parts.query.get(where);
    else if (ref.location === 'header') {
      const h = parts.headers[where.toLowerCase()];
      value = Array.isArray(h) ? h[0] : h;
    } else if (Object.prototype.hasOwnProperty.call(parts.body, member)) value = parts.body[member];
    if (value !== undefined) input[member] = value;
  }
  return input;
}

/** After validation: URI, query and header members of number or boolean shapes as their values. */
export function coerceBound(model: ServiceModel, op: OperationModel, input: Record<string, unknown>): void {
  const shape = op.inputShape ? model.shape(op.inputShape) : undefined;
  for (const [member, ref] of Object.entries(shape?.members ?? {})) {
    const value = input[member];
    if (typeof value !== 'string' || !ref.location) continue;
    const type = model.shape(ref.shape)?.type;
    if (type === 'integer' || type === 'long') input[member] = Number(value.trim());
    else if (type === 'boolean') input[member] = value.trim() === 'true';
  }
}
