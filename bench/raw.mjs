// The raw load generator of bench/run.mjs: it measures the server, not an SDK.
//
// Every request of a raw scenario is built before the window (method, path, headers and body;
// SigV4 signatures too), checked once with fetch (it must get the right answer, not merely a 200),
// and then sent as prebuilt bytes by autocannon (pinned 8.0.0: a purpose-built HTTP/1.1 load tool
// over raw sockets and a small HTTP parser, so a request costs the load generator some tens of
// microseconds instead of the SDK's few hundred; see docs/benchmarks.md). Each connection is a
// closed-loop virtual user (pipelining 1 unless BENCH_PIPELINING says otherwise) and starts at its
// own place in the list, so the users are spread over the connections. Latencies are taken from
// autocannon's per-response timings (process.hrtime, sub-millisecond), not its integer histogram.

import { Sha256 } from './sha256.mjs';
import autocannon from 'autocannon';
import { SignatureV4 } from '@smithy/signature-v4';

const IDP = 'AWSCognitoIdentityProviderService';
const IDENTITY = 'AWSCognitoIdentityService';

/** An awsJson 1.1 POST, as the SDK sends it, minus what the SDK adds that the server ignores (unsigned calls). */
const awsJson = (target, body) => ({
  method: 'POST',
  path: '/',
  headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
  body: JSON.stringify(body),
});


/**
 * The raw scenarios. `ops(ctx)` returns the operations, each a list of requests sent one after
 * the other on one connection (a pair for GetId + GetCredentialsForIdentity) with, for each, what
 * its answer must be (`check(status, json)` returns an error message or nothing).
 */
export const RAW_SCENARIOS = {
  rawgetuser: {
    label: 'GetUser, raw HTTP',
    target: 5000,
    what: 'GetUser with an access token: one prebuilt awsJson POST per operation, sent by autocannon',
    ops: ({ users }) =>
      users.map((u) => [
        {
          request: awsJson(`${IDP}.GetUser`, { AccessToken: u.accessToken }),
          check: (status, json) => (status === 200 && json.Username === u.username ? undefined : `GetUser answered ${status} ${JSON.stringify(json).slice(0, 200)}`),
        },
      ]),
  },
  rawrefresh: {
    label: 'refresh, raw HTTP',
    target: 1500,
    what: 'InitiateAuth REFRESH_TOKEN_AUTH with a refresh token from set-up: one prebuilt awsJson POST per operation, sent by autocannon',
    ops: ({ users, clientId }) =>
      users.map((u) => [
        {
          request: awsJson(`${IDP}.InitiateAuth`, { AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: clientId, AuthParameters: { REFRESH_TOKEN: u.refreshToken } }),
          check: (status, json) => (status === 200 && json.AuthenticationResult?.AccessToken ? undefined : `refresh answered ${status} ${JSON.stringify(json).slice(0, 200)}`),
        },
      ]),
  },
  rawgetid: {
    label: 'GetId + GetCredentialsForIdentity, raw HTTP (pairs)',
    target: 2000,
    identity: true,
    what: 'GetId then GetCredentialsForIdentity with a user pool ID token (the identity already linked at set-up), two prebuilt awsJson POSTs on one connection: one pair per operation',
    ops: ({ users, identity }) =>
      users.map((u) => {
        const Logins = { [identity.provider]: u.idToken };
        return [
          {
            request: awsJson(`${IDENTITY}.GetId`, { IdentityPoolId: identity.identityPoolId, Logins }),
            check: (status, json) => (status === 200 && json.IdentityId === u.identityId ? undefined : `GetId answered ${status} ${JSON.stringify(json).slice(0, 200)}`),
          },
          {
            request: awsJson(`${IDENTITY}.GetCredentialsForIdentity`, { IdentityId: u.identityId, Logins }),
            check: (status, json) => (status === 200 && json.Credentials?.SessionToken ? undefined : `GetCredentialsForIdentity answered ${status} ${JSON.stringify(json).slice(0, 200)}`),
          },
        ];
      }),
  },
  rawverify: {
    label: 'verifier checks, raw HTTP (POST /identity/verify)',
    target: null,
    identity: true,
    what: 'POST /identity/verify on a GET signed (SigV4, before the window) with a user\'s built-in identity-pool credentials; the answer must be allowed',
    ops: async ({ users, identity }) =>
      Promise.all(
        users.map(async (u, n) => {
          const host = `${identity.bucket}.s3.local`;
          const path = `/private/${u.identityId}/photo-${n}.jpg`;
          const signer = new SignatureV4({ service: 's3', region: 'us-east-1', credentials: u.credentials, sha256: Sha256 });
          const signed = await signer.sign({ method: 'GET', protocol: 'http:', hostname: host, path, query: {}, headers: { host } }, { signingDate: new Date() });
          const body = { method: 'GET', path, query: '', headers: signed.headers, body: '', action: 's3:GetObject', resource: `arn:aws:s3:::${identity.bucket}${path}` };
          return [
            {
              request: { method: 'POST', path: '/identity/verify', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
              check: (status, json) => (status === 200 && json.allowed === true && json.identityId === u.identityId ? undefined : `the verifier answered ${status} ${JSON.stringify(json).slice(0, 200)}`),
            },
          ];
        }),
      ),
  },
  rawlistusers: {
    label: 'ListUsers, raw HTTP',
    targetP99: 50,
    listPool: true,
    what: 'ListUsers, Filter email ^= "<random 3-char prefix>", Limit 60, signed (SigV4, the admin key, before the window): 1,000 prebuilt awsJson POSTs with different prefixes, sent by autocannon',
    ops: async ({ url, listPoolId, admin, randomPrefix }) => {
      const host = new URL(url).host;
      const signer = new SignatureV4({ service: 'cognito-idp', region: 'us-east-1', credentials: admin, sha256: Sha256 });
      return Promise.all(
        Array.from({ length: 1000 }, async () => {
          const prefix = randomPrefix();
          const plain = awsJson(`${IDP}.ListUsers`, { UserPoolId: listPoolId, Filter: `email ^= "${prefix}"`, Limit: 60 });
          const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname: host, path: '/', query: {}, headers: { ...plain.headers, host }, body: plain.body }, { signingDate: new Date() });
          return [
            {
              request: { ...plain, headers: signed.headers },
              check: (status, json) =>
                status === 200 && Array.isArray(json.Users) && json.Users.every((u) => (u.Attributes ?? []).find((a) => a.Name === 'email')?.Value.startsWith(prefix))
                  ? undefined
                  : `ListUsers answered ${status} ${JSON.stringify(json).slice(0, 200)}`,
            },
          ];
        }),
      );
    },
  },
  rawjwks: {
    label: 'JWKS, raw HTTP (GET /<pool>/.well-known/jwks.json)',
    target: null,
    what: 'GET /<pool id>/.well-known/jwks.json: what a token verifier (aws-jwt-verify, openid-client) fetches from the server; the signature checks themselves run in the verifier, not the server',
    ops: ({ poolId }) => [
      [
        {
          request: { method: 'GET', path: `/${poolId}/.well-known/jwks.json`, headers: {} },
          check: (status, json) => (status === 200 && Array.isArray(json.keys) && json.keys.length > 0 ? undefined : `JWKS answered ${status} ${JSON.stringify(json).slice(0, 200)}`),
        },
      ],
    ],
  },
};

/**
 * Builds the scenario's requests and sends each once (fetch) to check its answer: a raw scenario
 * whose requests are wrong would measure error answers. Resolves to what runRaw takes.
 */
export async function prepareRaw(name, ctx) {
  const ops = await RAW_SCENARIOS[name].ops(ctx);
  for (const op of ops) {
    for (const { request, check } of op) {
      const res = await fetch(ctx.url + request.path, { method: request.method, headers: request.headers, body: request.body, signal: AbortSignal.timeout(15_000) });
      const text = await res.text();
      let json;
      try {
        json = JSON.parse(text);
      } catch {
        json = { text: text.slice(0, 200) };
      }
      const problem = check(res.status, json);
      if (problem) throw new Error(`${name}: a prebuilt request got a wrong answer before the window: ${problem}`);
    }
  }
  return { perOp: ops[0].length, requests: ops.flat().map((r) => r.request) };
}

/** One autocannon run of `seconds` over `requests`; resolves to the responses it saw. */
function cannon({ url, requests, perOp, connections, pipelining, seconds, timeoutSeconds, record }) {
  return new Promise((resolve, reject) => {
    // Each connection starts at its own operation (never inside a pair), so users are spread.
    let nextStart = 0;
    const setupClient = (client) => {
      const start = (nextStart++ * perOp * 7) % requests.length;
      client.setRequests([...requests.slice(start), ...requests.slice(0, start)]);
    };
    const instance = autocannon({ url, connections, pipelining, duration: seconds, timeout: timeoutSeconds, requests, setupClient }, (err, result) => (err ? reject(err) : resolve(result)));
    if (!record) return;
    // A pair's latency is the sum of its two answers on the same connection (pipelining 1).
    const pending = new Map();
    instance.on('response', (client, statusCode, _bytes, ms) => {
      if (statusCode < 200 || statusCode >= 300) {
        pending.delete(client);
        record.error(`HTTP ${statusCode}`);
        return;
      }
      if (perOp === 1) return record.ok(ms);
      const sofar = (pending.get(client) ?? { n: 0, ms: 0 });
      sofar.n++;
      sofar.ms += ms;
      if (sofar.n < perOp) return pending.set(client, sofar);
      pending.delete(client);
      record.ok(sofar.ms);
    });
  });
}

/**
 * Runs a raw scenario: a warm-up run, then the measured run, with `sample()` (the caller's CPU
 * readings: server, load generator, machine) taken just before and just after the measured one.
 */
export async function runRaw({ url, prepared, connections, pipelining, seconds, warmup, timeoutSeconds, sample }) {
  const common = { url, requests: prepared.requests, perOp: prepared.perOp, connections, pipelining, timeoutSeconds };
  if (warmup > 0) await cannon({ ...common, seconds: warmup });
  const latencies = [];
  const errors = {};
  let errorCount = 0;
  const record = {
    ok: (ms) => latencies.push(ms),
    error: (key) => {
      errorCount++;
      errors[key] = (errors[key] ?? 0) + 1;
    },
  };
  const cpu0 = await sample();
  const result = await cannon({ ...common, seconds, record });
  const cpu1 = await sample();
  // Connection errors and timeouts never reach the 'response' event.
  for (const [key, n] of [['connection errors', result.errors - result.timeouts], ['timeouts', result.timeouts]]) {
    if (n > 0) {
      errorCount += n;
      errors[key] = (errors[key] ?? 0) + n;
    }
  }
  const sorted = Float64Array.from(latencies).sort();
  return { ok: sorted.length, latencies: sorted, errorCount, errors, samples: [], cpu0, cpu1 };
}
