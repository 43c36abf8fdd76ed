/**
 * An in-memory Cognito Sync (and the two identity-pool calls the client makes), behind a
 * FetchLike, for the SyncManager's unit tests: the wire format of the service model (restJson1
 * routes, query parameters, epoch-second timestamps, per-record SyncCount checks answered with
 * ResourceConflictException, SyncSessionToken, MergedDatasetNames), a switch to go offline, and
 * hooks to act between two requests. The end-to-end suites use the real server instead.
 */
import { randomUUID } from 'node:crypto';
import type { FetchLike } from '../src/index.js';

export const IDENTITY_POOL = 'us-east-1:0e8c7a4b-1d2c-4f6e-9a0b-123456789abc';
export const ENDPOINT = 'http://sync.test';

interface FakeRecord {
  value: string | null;
  syncCount: number;
  lastModified: number;
  deviceLastModified?: number;
  by: string;
}

interface FakeDataset {
  syncCount: number;
  created: number;
  records: Map<string, FakeRecord>;
  merged: string[];
}

export interface Request {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  action: string;
}

export class FakeSync {
  /** identity → datasets */
  readonly datasets = new Map<string, Map<string, FakeDataset>>();
  /** login → identity */
  readonly logins = new Map<string, string>();
  /** access key → identity */
  readonly keys = new Map<string, string>();
  readonly guests = new Set<string>();
  readonly tokens = new Set<string>();
  readonly requests: Request[] = [];
  offline = false;
  /** Records per ListRecords page. */
  pageSize = 1024;
  now = Date.parse('2026-12-07T12:00:00Z');
  /** Runs before a request is answered (e.g. another device's push just before ours). */
  before: ((req: Request) => void | Promise<void>) | undefined;

  fetch: FetchLike = async (url, init) => {
    if (this.offline) throw new TypeError('fetch failed');
    const u = new URL(url);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(init.headers)) headers[k.toLowerCase()] = v;
    const body = (init as { body?: string }).body ? (JSON.parse((init as { body: string }).body) as Record<string, unknown>) : {};
    const target = headers['x-amz-target'];
    const req: Request = { method: init.method, path: u.pathname, query: u.searchParams, headers, body, action: target ? target.split('.')[1]! : routeName(init.method, u.pathname) };
    this.requests.push(req);
    await this.before?.(req);
    try {
      const out = target ? this.identity(req) : this.sync(req);
      return answer(200, out);
    } catch (e) {
      if (e instanceof ServiceError) return answer(e.status, { __type: e.type, message: e.message }, e.type);
      throw e;
    }
  };

  private identity(req: Request): unknown {
    const logins = (req.body.Logins ?? {}) as Record<string, string>;
    const login = Object.entries(logins).map(([p, t]) => `${p}/${t}`)[0];
    if (req.action === 'GetId') {
      if (login && this.logins.has(login)) return { IdentityId: this.logins.get(login) };
      const id = `us-east-1:${randomUUID()}`;
      if (login) this.logins.set(login, id);
      else this.guests.add(id);
      return { IdentityId: id };
    }
    if (req.action === 'GetCredentialsForIdentity') {
      let id = req.body.IdentityId as string;
      if (login) {
        const owner = this.logins.get(login);
        if (owner && owner !== id && this.guests.has(id)) {
          // The guest merges into the login's identity, its datasets with it (as name.<guest id>).
          for (const [name, ds] of this.datasets.get(id) ?? []) {
            const mergedName = `${name}.${id}`;
            this.identityDatasets(owner).set(mergedName, ds);
            const target = this.identityDatasets(owner).get(name);
            if (target) target.merged.push(mergedName);
            else this.identityDatasets(owner).set(name, { syncCount: 0, created: this.now, records: new Map(), merged: [mergedName] });
          }
          this.datasets.delete(id);
          this.guests.delete(id);
          id = owner;
        } else if (!owner) {
          this.logins.set(login, id);
          this.guests.delete(id);
        }
      }
      const key = `ASIA${randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase()}`;
      this.keys.set(key, id);
      return { IdentityId: id, Credentials: { AccessKeyId: key, SecretKey: 'secret', SessionToken: 'token', Expiration: this.now / 1000 + 3600 } };
    }
    throw new ServiceError(400, 'UnsupportedOperationException', req.action);
  }

  identityDatasets(identityId: string): Map<string, FakeDataset> {
    let m = this.datasets.get(identityId);
    if (!m) this.datasets.set(identityId, (m = new Map()));
    return m;
  }

  private sync(req: Request): unknown {
    const m = /^\/identitypools\/([^/]+)\/identities\/([^/]+)\/datasets(?:\/([^/]+))?(\/records)?$/.exec(req.path);
    if (!m) throw new ServiceError(404, 'ResourceNotFoundException', 'no route');
    const [, poolId, identityId, name] = m.map((p) => (p === undefined ? p : decodeURIComponent(p)));
    if (poolId !== IDENTITY_POOL) throw new ServiceError(404, 'ResourceNotFoundException', 'pool');
    const auth = /Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1];
    if (!auth || this.keys.get(auth) !== identityId) throw new ServiceError(403, 'NotAuthorizedException', 'Access to the requested identity is denied.');
    if (!req.headers['x-amz-date'] || !req.headers['x-amz-content-sha256']) throw new ServiceError(403, 'NotAuthorizedException', 'unsigned');
    const datasets = this.identityDatasets(identityId!);
    switch (req.action) {
      case 'ListDatasets':
        return { Datasets: [...datasets].map(([n, d]) => ({ IdentityId: identityId, DatasetName: n, CreationDate: d.created / 1000, LastModifiedDate: this.now / 1000, NumRecords: [...d.records.values()].filter((r) => r.value !== null).length, DataStorage: 0 })), Count: datasets.size };
      case 'ListRecords': {
        const ds = datasets.get(name!);
        const last = Number(req.query.get('lastSyncCount') ?? '0');
        const given = req.query.get('syncSessionToken');
        if (given !== null && !this.tokens.has(given)) throw new ServiceError(400, 'InvalidParameterException', 'bad token');
        const token = given ?? randomUUID();
        this.tokens.add(token);
        const all = ds ? [...ds.records].filter(([, r]) => r.syncCount > last).map(([k, r]) => wire(k, r)) : [];
        const from = Number(req.query.get('nextToken') ?? '0');
        const page = all.slice(from, from + this.pageSize);
        return {
          ...(from + this.pageSize < all.length ? { NextToken: String(from + this.pageSize) } : {}),
          Records: page,
          DatasetSyncCount: ds?.syncCount ?? 0,
          DatasetExists: ds !== undefined,
          DatasetDeletedAfterRequestedSyncCount: false,
          MergedDatasetNames: ds?.merged ?? [],
          SyncSessionToken: token,
          Count: 0,
        };
      }
      case 'UpdateRecords': {
        if (!this.tokens.delete(req.body.SyncSessionToken as string)) throw new ServiceError(400, 'InvalidParameterException', 'bad token');
        let ds = datasets.get(name!);
        const patches = req.body.RecordPatches as { Op: string; Key: string; Value?: string; SyncCount: number; DeviceLastModifiedDate?: number }[];
        for (const p of patches) {
          const current = ds?.records.get(p.Key)?.syncCount ?? 0;
          if (p.SyncCount !== current) throw new ServiceError(409, 'ResourceConflictException', `Current SyncCount for: ${p.Key} is: ${current} not: ${p.SyncCount}`);
        }
        if (!ds) datasets.set(name!, (ds = { syncCount: 0, created: this.now, records: new Map(), merged: [] }));
        ds.syncCount++;
        const out = [];
        for (const p of patches) {
          const r: FakeRecord = { value: p.Op === 'remove' ? null : p.Value ?? '', syncCount: ds.syncCount, lastModified: this.now, by: identityId!, ...(p.DeviceLastModifiedDate !== undefined ? { deviceLastModified: p.DeviceLastModifiedDate * 1000 } : {}) };
          ds.records.set(p.Key, r);
          out.push(wire(p.Key, r));
        }
        return { Records: out };
      }
      case 'DeleteDataset': {
        if (!datasets.delete(name!)) throw new ServiceError(404, 'ResourceNotFoundException', 'no dataset');
        return {};
      }
      default:
        throw new ServiceError(400, 'UnsupportedOperationException', req.action);
    }
  }

  /** Another device's push, straight into the store. */
  write(identityId: string, name: string, values: Record<string, string | null>, deviceLastModified = this.now): void {
    const datasets = this.identityDatasets(identityId);
    let ds = datasets.get(name);
    if (!ds) datasets.set(name, (ds = { syncCount: 0, created: this.now, records: new Map(), merged: [] }));
    ds.syncCount++;
    for (const [k, v] of Object.entries(values)) ds.records.set(k, { value: v, syncCount: ds.syncCount, lastModified: this.now, deviceLastModified, by: 'other-device' });
  }

  values(identityId: string, name: string): Record<string, string> {
    const ds = this.datasets.get(identityId)?.get(name);
    return Object.fromEntries([...(ds?.records ?? [])].filter(([, r]) => r.value !== null).map(([k, r]) => [k, r.value!]));
  }
}

function wire(key: string, r: FakeRecord) {
  return { Key: key, ...(r.value !== null ? { Value: r.value } : {}), SyncCount: r.syncCount, LastModifiedDate: r.lastModified / 1000, LastModifiedBy: r.by, ...(r.deviceLastModified !== undefined ? { DeviceLastModifiedDate: r.deviceLastModified / 1000 } : {}) };
}

function routeName(method: string, path: string): string {
  if (path.endsWith('/records')) return 'ListRecords';
  if (path.endsWith('/datasets')) return 'ListDatasets';
  return method === 'POST' ? 'UpdateRecords' : method === 'DELETE' ? 'DeleteDataset' : 'DescribeDataset';
}

class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

function answer(status: number, body: unknown, errorType?: string) {
  const text = JSON.stringify(body);
  return { status, headers: { get: (n: string) => (n.toLowerCase() === 'x-amzn-errortype' && errorType ? `${errorType}:` : null) }, text: async () => text };
}
