// A load-generator thread for bench/run.mjs. It owns one AWS SDK v3 client (keep-alive, one
// attempt per call) and runs a scenario with a fixed number of closed-loop "virtual users" until
// the deadline it is given. It reports the latencies of the operations that completed inside the
// measured window, and the errors.
//
// Messages from the parent:
//   { type: 'prepare', scenario, ephemerals }  precompute SRP client ephemerals (a, A); answers 'prepared'
//   { type: 'prepare', scenario, signed }  SigV4-sign requests with the users' identity-pool credentials
//                                          (and, for verifylib, open the database); answers 'prepared'
//   { type: 'run', scenario, measureFrom, deadline }  (epoch ms); answers 'result'
//   { type: 'run', scenario, pair: true, ... }  a timing-parity pair (`pairs` below): the two sides
//                                          alternate request by request (A B B A ...); answers
//                                          'result' with the latencies of side A and of side B
//   { type: 'exit' }

import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import {
  AdminCreateUserCommand,
  CognitoIdentityProviderClient,
  ForgotPasswordCommand,
  GetUserCommand,
  ListUsersCommand,
  SignUpCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createHash, randomBytes } from 'node:crypto';
import { Sha256 } from './sha256.mjs';
import { CognitoIdentityClient, GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import { tsImport } from 'tsx/esm/api';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { formatTimestamp } from '../packages/server/dist/crypto/srp.js';

// The client half of SRP is a test helper (packages/server/test/support/srp-client.ts, OpenSSL doing the
// exponentiations), loaded through tsx as the tests load it. The client package's own SRP
// (packages/client/src/internal/srp.ts, BigInt and WebCrypto so that it runs in browsers) takes about 9x the
// CPU per claim (78 ms against 9 ms on the bench machine), which would make the load generator, not the
// server, bound the SRP figures.
const { computePasswordClaim, generateClientEphemeral } = await tsImport('../packages/server/test/support/srp-client.ts', import.meta.url);

/** @type {{ endpoint: string, poolId: string, clientId: string, users: { username: string, password: string, refreshToken: string, accessToken: string }[], concurrency: number, index: number, workers: number, requestTimeoutMs: number }} */
const cfg = workerData;
const poolName = cfg.poolId.slice(cfg.poolId.indexOf('_') + 1);

const agent = new http.Agent({ keepAlive: true, maxSockets: cfg.concurrency, maxFreeSockets: cfg.concurrency });
/** SDK client settings shared by every client here: one keep-alive agent, no retries, bounded waits. */
const clientOptions = (credentials) => ({
  region: 'us-east-1',
  endpoint: cfg.endpoint,
  maxAttempts: 1,
  credentials,
  requestHandler: new NodeHttpHandler({ httpAgent: agent, connectionTimeout: 5_000, requestTimeout: cfg.requestTimeoutMs }),
});
// The user-pool and identity-pool actions driven here are unsigned; fixed credentials keep the SDK
// from searching for some. The admin actions (AdminCreateUser, ListUsers) are signed with the bench's admin keys.
const UNSIGNED = { accessKeyId: 'unused', secretAccessKey: 'unused' };
const client = new CognitoIdentityProviderClient(clientOptions(UNSIGNED));
const adminClient = new CognitoIdentityProviderClient(clientOptions(cfg.admin));
const identityClient = new CognitoIdentityClient(clientOptions(UNSIGNED));
const sendIdentity = (command) => identityClient.send(command, { abortSignal: AbortSignal.timeout(cfg.requestTimeoutMs + 1_000) });


const S3_HOST = `${cfg.identity?.bucket ?? 'bench'}.s3.local`;
/** Signed requests re-signed when older than this (the verifier allows 5 minutes of clock skew). */
const RESIGN_AFTER_MS = 4 * 60_000;

/** A GET on the user's own private prefix, signed as an S3 client would sign it; and what it stands for. */
async function signedRequest(user, n) {
  const path = `/private/${user.identityId}/photo-${n}.jpg`;
  const signer = new SignatureV4({ service: 's3', region: 'us-east-1', credentials: user.credentials, sha256: Sha256 });
  const at = Date.now();
  const signed = await signer.sign({ method: 'GET', protocol: 'http:', hostname: S3_HOST, path, query: {}, headers: { host: S3_HOST } }, { signingDate: new Date(at) });
  const request = { method: 'GET', path, query: '', headers: signed.headers, body: '' };
  const action = 's3:GetObject';
  const resource = `arn:aws:s3:::${cfg.identity.bucket}${path}`;
  return {
    user,
    n,
    at,
    identityId: user.identityId,
    // What POST /identity/verify takes, serialized once.
    http: JSON.stringify({ ...request, action, resource }),
    // What CredentialsVerifier.verify() takes.
    lib: { req: { method: 'GET', rawPath: path, rawQuery: '', headers: lowerCase(signed.headers), body: Buffer.alloc(0) }, opts: { action, resource } },
  };
}

const lowerCase = (headers) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));

/** Requests signed with identity-pool credentials, used round-robin by the verifier scenarios. */
let signed = [];
let nextSigned = 0;
async function takeSigned() {
  const i = nextSigned++ % signed.length;
  if (Date.now() - signed[i].at > RESIGN_AFTER_MS) signed[i] = await signedRequest(signed[i].user, signed[i].n);
  return signed[i];
}

/** POSTs a JSON body over the keep-alive agent; resolves to { status, text }. */
function postJson(path, body, contentType = 'application/json', target = undefined) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      cfg.endpoint + path,
      { method: 'POST', agent, headers: { 'content-type': contentType, 'content-length': Buffer.byteLength(body), ...(target ? { 'x-amz-target': target } : {}) }, timeout: cfg.requestTimeoutMs },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode, text }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

/** A user-pool API call as raw awsJson (no SDK), as the SDK would send it unsigned; resolves to the answer's JSON. */
async function idpCall(action, input) {
  const res = await postJson('/', JSON.stringify(input), 'application/x-amz-json-1.1', `AWSCognitoIdentityProviderService.${action}`);
  const json = JSON.parse(res.text || '{}');
  if (res.status !== 200) throw Object.assign(new Error(json.message ?? `HTTP ${res.status}`), { name: String(json.__type ?? `HTTP ${res.status}`).split('#').pop() });
  return json;
}

/** aws-jwt-verify's verifier with the pool's JWKS cached (jwtverify). */
let jwtVerifier;

/** The library's verifier, on the server's own database (verifylib). */
let cognate;
async function openCognate() {
  if (cognate) return;
  const { createCognate, loadConfig } = await import('../packages/server/dist/index.js');
  const { default: pino } = await import('pino');
  const config = loadConfig({ dataDir: cfg.dataDir, ...(cfg.databaseUrl ? { databaseUrl: cfg.databaseUrl } : {}), logLevel: 'warn' });
  cognate = await createCognate({ ...config, printOutbox: false }, pino({ level: 'warn' }), { generateAdminCredentials: false });
}

/** Unique usernames for AdminCreateUser and SignUp: run, thread and a counter. */
let created = 0;
const uniqueName = (kind) => `${kind}-${cfg.runId}-${cfg.index}-${created++}`;
const EMAIL_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const randomPrefix = () => Array.from({ length: 3 }, () => EMAIL_ALPHABET[Math.floor(Math.random() * EMAIL_ALPHABET.length)]).join('');

/** Precomputed SRP client ephemerals, used round-robin. */
let ephemerals = [];
let nextEphemeral = 0;

/** Sends one command; no call may outlive the request timeout. */
const send = (command) => client.send(command, { abortSignal: AbortSignal.timeout(cfg.requestTimeoutMs + 1_000) });
const sendAdmin = (command) => adminClient.send(command, { abortSignal: AbortSignal.timeout(cfg.requestTimeoutMs + 1_000) });

const fail = (what) => Object.assign(new Error(what), { name: 'UnexpectedResponse' });

// Timing parity: a wrong password for a real user and any password for no user must look alike.
const INCORRECT = 'Incorrect username or password.';
/** Sends a sign-in that must be refused with the generic answer. */
async function refused(command) {
  try {
    await send(command);
  } catch (e) {
    if (e?.name === 'NotAuthorizedException' && e.message === INCORRECT) return;
    throw e;
  }
  throw fail('a wrong password signed in');
}
/** A full SRP sign-in whose claim is computed from `password`; returns the second step's answer. */
async function srpAttempt(username, password) {
  const { a, A } = ephemerals[nextEphemeral++ % ephemerals.length];
  const start = await send(new InitiateAuthCommand({ AuthFlow: 'USER_SRP_AUTH', ClientId: cfg.clientId, AuthParameters: { USERNAME: username, SRP_A: A } }));
  if (start.ChallengeName !== 'PASSWORD_VERIFIER') throw fail(`expected PASSWORD_VERIFIER, got ${start.ChallengeName}`);
  const p = start.ChallengeParameters;
  const timestamp = formatTimestamp(new Date());
  const signature = computePasswordClaim({ poolName, userId: p.USER_ID_FOR_SRP, password, a, A, B: p.SRP_B, salt: p.SALT, secretBlock: p.SECRET_BLOCK, timestamp });
  return new RespondToAuthChallengeCommand({
    ClientId: cfg.clientId,
    ChallengeName: 'PASSWORD_VERIFIER',
    ChallengeResponses: { USERNAME: p.USER_ID_FOR_SRP, PASSWORD_CLAIM_SECRET_BLOCK: p.SECRET_BLOCK, PASSWORD_CLAIM_SIGNATURE: signature, TIMESTAMP: timestamp },
  });
}
/** Real users stay below the lockout (5): before a 4th wrong password in a row, one right sign-in (untimed). */
const wrongInARow = new Map();
async function stayBelowLockout(user) {
  const n = (wrongInARow.get(user.username) ?? 0) + 1;
  wrongInARow.set(user.username, n > 3 ? 1 : n);
  if (n > 3) await scenarios.password(user);
}
const unknownName = (user) => `nobody-${user.username}`;

/** POST /oauth2/token for a machine token: a raw form request on the keep-alive agent, as an OAuth client library sends it. */
function clientCredentialsToken() {
  const url = new URL('/oauth2/token', cfg.endpoint);
  const body = 'grant_type=client_credentials&scope=bench%2Fread';
  const authorization = `Basic ${Buffer.from(`${cfg.machine.id}:${cfg.machine.secret}`).toString('base64')}`;
  return new Promise((resolve, reject) => {
    const req = http.request(
      { agent, hostname: url.hostname, port: url.port, path: url.pathname, method: 'POST', timeout: cfg.requestTimeoutMs, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), authorization } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * One plain-HTTP request on the keep-alive agent, as a browser without rendering sends it: the
 * jar's cookies go out, the answer's Set-Cookie lines come back into the jar, no redirect is
 * followed. Resolves to { status, location, text }.
 */
function browserRequest(jar, method, target, { form, headers = {} } = {}) {
  const url = new URL(target, cfg.endpoint);
  const body = form ? new URLSearchParams(form).toString() : undefined;
  const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        hostname: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        timeout: cfg.requestTimeoutMs,
        headers: { ...(cookie ? { cookie } : {}), ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } : {}), ...headers },
      },
      (res) => {
        for (const line of res.headers['set-cookie'] ?? []) {
          const pair = line.split(';', 1)[0];
          const eq = pair.indexOf('=');
          const name = pair.slice(0, eq).trim();
          const value = pair.slice(eq + 1).trim();
          if (value === '' || /;\s*Max-Age=0/i.test(line)) jar.delete(name);
          else jar.set(name, value);
        }
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, location: res.headers.location, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

const unescapeHtml = (s) => s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]);

/** The first form of a page: its action and its hidden fields (the CSRF token among them). */
function firstForm(html) {
  const m = /<form\b([^>]*)>([\s\S]*?)<\/form>/.exec(html);
  if (!m) return undefined;
  const action = unescapeHtml(/action="([^"]*)"/.exec(m[1])?.[1] ?? '');
  const fields = {};
  for (const input of m[2].matchAll(/<input\b([^>]*)>/g)) {
    if (!/type="hidden"/.test(input[1])) continue;
    const name = /name="([^"]*)"/.exec(input[1])?.[1];
    if (name) fields[unescapeHtml(name)] = unescapeHtml(/value="([^"]*)"/.exec(input[1])?.[1] ?? '');
  }
  return { action, fields };
}

/** The console session of this thread (its cookie jar), signed in with the admin key pair by prepare(). */
let consoleJar;

/** Signs in to the console as a browser would: the sign-in page, then its admin-key form posted with that form's CSRF token. */
async function consoleSignIn() {
  const jar = new Map();
  const page = await browserRequest(jar, 'GET', '/console/sign-in');
  const keyForm = [...page.text.matchAll(/<form\b[\s\S]*?<\/form>/g)].map((m) => firstForm(m[0])).find((f) => f?.fields.kind === 'key');
  if (page.status !== 200 || !keyForm) throw new Error(`the console sign-in page answered ${page.status} without the admin-key form`);
  const signedIn = await browserRequest(jar, 'POST', keyForm.action || '/console/sign-in', { form: { ...keyForm.fields, accessKeyId: cfg.admin.accessKeyId, secretAccessKey: cfg.admin.secretAccessKey } });
  if (signedIn.status !== 303 && signedIn.status !== 302) throw new Error(`the console sign-in answered ${signedIn.status}: ${signedIn.text.slice(0, 300)}`);
  return jar;
}

const scenarios = {
  /** The console's users page searched by a random email prefix, then the page of the first user listed. */
  async console() {
    const prefix = randomPrefix();
    const base = `/console/pools/${encodeURIComponent(cfg.listPoolId)}/users`;
    const list = await browserRequest(consoleJar, 'GET', `${base}?${new URLSearchParams({ attr: 'email', op: '^=', value: prefix })}`);
    if (list.status !== 200) throw fail(`the users page answered ${list.status}`);
    const first = new RegExp(`href="(${base}/[^"]+)"`).exec(list.text)?.[1];
    if (!first) return; // no one's email starts with this prefix: the search page alone
    const user = await browserRequest(consoleJar, 'GET', unescapeHtml(first));
    if (user.status !== 200 || !user.text.includes(prefix)) throw fail(`the user page answered ${user.status} without the searched address`);
  },
  /**
   * The hosted UI's sign-in round trip, by a new browser each time (no session to reuse): authorize,
   * the login page, the password POST, the code at the callback, and the code exchange with PKCE.
   */
  async hostedui(user) {
    const { clientId, callback } = cfg.hostedUi;
    const jar = new Map();
    const verifier = randomBytes(32).toString('base64url');
    const state = randomBytes(8).toString('hex');
    const query = new URLSearchParams({ client_id: clientId, response_type: 'code', redirect_uri: callback, scope: 'openid email', state, code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256' });
    const authorize = await browserRequest(jar, 'GET', `/oauth2/authorize?${query}`);
    if (authorize.status !== 302 || !authorize.location?.startsWith('/login?')) throw fail(`authorize answered ${authorize.status} ${authorize.location ?? authorize.text.slice(0, 200)}`);
    const login = await browserRequest(jar, 'GET', authorize.location);
    const form = login.status === 200 ? firstForm(login.text) : undefined;
    if (!form) throw fail(`the login page answered ${login.status} without a form`);
    const signedIn = await browserRequest(jar, 'POST', form.action, { form: { ...form.fields, username: user.username, password: user.password } });
    if (signedIn.status !== 302 || !signedIn.location?.startsWith(`${callback}?`)) throw fail(`the login POST answered ${signedIn.status} ${signedIn.location ?? signedIn.text.slice(0, 200)}`);
    const params = new URL(signedIn.location).searchParams;
    const code = params.get('code');
    if (!code || params.get('state') !== state) throw fail(`no code or a wrong state at the callback: ${signedIn.location}`);
    const token = await browserRequest(new Map(), 'POST', '/oauth2/token', { form: { grant_type: 'authorization_code', client_id: clientId, code, redirect_uri: callback, code_verifier: verifier } });
    if (token.status !== 200) throw fail(`token endpoint answered ${token.status} ${token.text.slice(0, 200)}`);
    const json = JSON.parse(token.text);
    if (typeof json.access_token !== 'string' || typeof json.id_token !== 'string' || typeof json.refresh_token !== 'string') throw fail('the code exchange gave no tokens');
  },
  /** client_credentials at the token endpoint: one machine token (RS256) per call, checked. */
  async clientcredentials() {
    const out = await clientCredentialsToken();
    if (out.status !== 200) throw fail(`token endpoint answered ${out.status} ${out.text.slice(0, 200)}`);
    const json = JSON.parse(out.text);
    if (typeof json.access_token !== 'string' || json.token_type !== 'Bearer') throw fail('no access token');
  },
  /** USER_SRP_AUTH, then PASSWORD_VERIFIER: one complete SRP sign-in (two round trips). */
  async srp(user) {
    const { a, A } = ephemerals[nextEphemeral++ % ephemerals.length];
    const start = await send(new InitiateAuthCommand({ AuthFlow: 'USER_SRP_AUTH', ClientId: cfg.clientId, AuthParameters: { USERNAME: user.username, SRP_A: A } }));
    if (start.ChallengeName !== 'PASSWORD_VERIFIER') throw fail(`expected PASSWORD_VERIFIER, got ${start.ChallengeName}`);
    const p = start.ChallengeParameters;
    const timestamp = formatTimestamp(new Date());
    const signature = computePasswordClaim({ poolName, userId: p.USER_ID_FOR_SRP, password: user.password, a, A, B: p.SRP_B, salt: p.SALT, secretBlock: p.SECRET_BLOCK, timestamp });
    const done = await send(
      new RespondToAuthChallengeCommand({
        ClientId: cfg.clientId,
        ChallengeName: 'PASSWORD_VERIFIER',
        ChallengeResponses: { USERNAME: p.USER_ID_FOR_SRP, PASSWORD_CLAIM_SECRET_BLOCK: p.SECRET_BLOCK, PASSWORD_CLAIM_SIGNATURE: signature, TIMESTAMP: timestamp },
      }),
    );
    if (!done.AuthenticationResult?.AccessToken) throw fail('no tokens after PASSWORD_VERIFIER');
  },
  /**
   * The same SRP sign-in without the SDK: both calls as raw awsJson POSTs on the keep-alive agent
   * (the second step can't be prebuilt: it answers the server's B and salt). What is left to the
   * load generator is the client's half of SRP, the claim.
   */
  async rawsrp(user) {
    const { a, A } = ephemerals[nextEphemeral++ % ephemerals.length];
    const start = await idpCall('InitiateAuth', { AuthFlow: 'USER_SRP_AUTH', ClientId: cfg.clientId, AuthParameters: { USERNAME: user.username, SRP_A: A } });
    if (start.ChallengeName !== 'PASSWORD_VERIFIER') throw fail(`expected PASSWORD_VERIFIER, got ${start.ChallengeName}`);
    const p = start.ChallengeParameters;
    const timestamp = formatTimestamp(new Date());
    const signature = computePasswordClaim({ poolName, userId: p.USER_ID_FOR_SRP, password: user.password, a, A, B: p.SRP_B, salt: p.SALT, secretBlock: p.SECRET_BLOCK, timestamp });
    const done = await idpCall('RespondToAuthChallenge', {
      ClientId: cfg.clientId,
      ChallengeName: 'PASSWORD_VERIFIER',
      ChallengeResponses: { USERNAME: p.USER_ID_FOR_SRP, PASSWORD_CLAIM_SECRET_BLOCK: p.SECRET_BLOCK, PASSWORD_CLAIM_SIGNATURE: signature, TIMESTAMP: timestamp },
    });
    if (!done.AuthenticationResult?.AccessToken) throw fail('no tokens after PASSWORD_VERIFIER');
  },
  /** USER_PASSWORD_AUTH: one call, argon2id verification on the server. */
  async password(user) {
    const out = await send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: cfg.clientId, AuthParameters: { USERNAME: user.username, PASSWORD: user.password } }));
    if (!out.AuthenticationResult?.AccessToken) throw fail('no tokens after USER_PASSWORD_AUTH');
  },
  /** REFRESH_TOKEN_AUTH with a refresh token obtained during set-up. */
  async refresh(user) {
    const out = await send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: cfg.clientId, AuthParameters: { REFRESH_TOKEN: user.refreshToken } }));
    if (!out.AuthenticationResult?.AccessToken) throw fail('no tokens after REFRESH_TOKEN_AUTH');
  },
  /** GetUser with an access token obtained during set-up. */
  async getuser(user) {
    const out = await send(new GetUserCommand({ AccessToken: user.accessToken }));
    if (out.Username !== user.username) throw fail(`GetUser answered ${out.Username} for ${user.username}`);
  },
  /** AdminCreateUser with MessageAction SUPPRESS and a new username. */
  async admincreateuser() {
    const name = uniqueName('ac');
    const out = await sendAdmin(
      new AdminCreateUserCommand({ UserPoolId: cfg.poolId, Username: name, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: `${name}@example.com` }] }),
    );
    if (out.User?.Username !== name) throw fail(`AdminCreateUser answered ${out.User?.Username} for ${name}`);
  },
  /** SignUp with a new username (argon2id hashes the password; the pool queues an email code). */
  async signup() {
    const name = uniqueName('su');
    const out = await send(new SignUpCommand({ ClientId: cfg.clientId, Username: name, Password: cfg.password, UserAttributes: [{ Name: 'email', Value: `${name}@example.com` }] }));
    if (!out.UserSub) throw fail('no UserSub after SignUp');
  },
  /** USER_PASSWORD_AUTH with a wrong password for a real user: the measured time is the refusal's. */
  async wrongpassword(user) {
    await stayBelowLockout(user);
    const t0 = performance.now();
    await refused(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: cfg.clientId, AuthParameters: { USERNAME: user.username, PASSWORD: `${user.password}x` } }));
    return performance.now() - t0;
  },
  /** USER_PASSWORD_AUTH for a username no one has. */
  async unknownuser(user) {
    await refused(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: cfg.clientId, AuthParameters: { USERNAME: unknownName(user), PASSWORD: user.password } }));
  },
  /** SRP with a wrong password for a real user (both steps are measured). */
  async srpwrong(user) {
    await stayBelowLockout(user);
    const t0 = performance.now();
    await refused(await srpAttempt(user.username, `${user.password}x`));
    return performance.now() - t0;
  },
  /** SRP for a username no one has (a fake salt and B, then the refusal). */
  async srpunknown(user) {
    await refused(await srpAttempt(unknownName(user), user.password));
  },
  /** ListUsers filtered on a random 3-character email prefix in the seeded pool. */
  async listusers() {
    const prefix = randomPrefix();
    const out = await sendAdmin(new ListUsersCommand({ UserPoolId: cfg.listPoolId, Filter: `email ^= "${prefix}"`, Limit: 60 }));
    if (!Array.isArray(out.Users)) throw fail('no Users in the ListUsers answer');
    for (const u of out.Users) {
      const email = u.Attributes?.find((a) => a.Name === 'email')?.Value ?? '';
      if (!email.startsWith(prefix)) throw fail(`ListUsers answered ${email} for the prefix ${prefix}`);
    }
  },
  /** GetId then GetCredentialsForIdentity with the user's ID token: the same identity every time. */
  async getid(user) {
    const Logins = { [cfg.identity.provider]: user.idToken };
    const { IdentityId } = await sendIdentity(new GetIdCommand({ IdentityPoolId: cfg.identity.identityPoolId, Logins }));
    if (IdentityId !== user.identityId) throw fail(`GetId answered ${IdentityId} for ${user.username}, not ${user.identityId}`);
    const out = await sendIdentity(new GetCredentialsForIdentityCommand({ IdentityId, Logins }));
    if (!out.Credentials?.SessionToken || !out.Credentials.AccessKeyId?.startsWith('ASIA')) throw fail('no credentials after GetCredentialsForIdentity');
  },
  /** GetId without logins (a new guest identity), then GetCredentialsForIdentity for it. */
  async getidguest() {
    const { IdentityId } = await sendIdentity(new GetIdCommand({ IdentityPoolId: cfg.identity.identityPoolId }));
    if (!IdentityId) throw fail('no IdentityId after GetId');
    const out = await sendIdentity(new GetCredentialsForIdentityCommand({ IdentityId }));
    if (!out.Credentials?.SessionToken) throw fail('no credentials after GetCredentialsForIdentity');
  },
  /** The verifier over HTTP: POST /identity/verify with a signed request; must be allowed. */
  async verify() {
    const s = await takeSigned();
    const res = await postJson('/identity/verify', s.http);
    if (res.status !== 200) throw fail(`the verifier answered ${res.status}: ${res.text.slice(0, 200)}`);
    const out = JSON.parse(res.text);
    if (out.allowed !== true || out.identityId !== s.identityId) throw fail(`the verifier answered ${res.text.slice(0, 200)}`);
  },
  /** A relying party verifying an access token with aws-jwt-verify (no server call: the JWKS is cached). */
  async jwtverify(user) {
    const payload = await jwtVerifier.verify(user.accessToken);
    if (payload.username !== user.username) throw fail(`the token is ${payload.username}'s, not ${user.username}'s`);
  },
  /** The verifier in-process (the library). */
  async verifylib() {
    const s = await takeSigned();
    const out = await cognate.identity.verifier.verify(s.lib.req, s.lib.opts);
    if (out.allowed !== true || out.identityId !== s.identityId) throw fail(`the verifier answered ${JSON.stringify(out).slice(0, 200)}`);
  },
};

// ---------------------------------------------------------------------------------------------
// Timing-parity pairs (issue 10, security.md P01): side A is a real user, side B a name no one
// has; each side returns the milliseconds of the request whose timing must not tell them apart.

/** ForgotPassword requests per real user: the server caps them at 20 an hour (past it, it answers like an unknown name). */
const forgotCount = new Map();
const FORGOT_CAP = 20;
/** Times `command`, which must answer with a CodeDeliveryDetails. */
async function forgot(username) {
  const t0 = performance.now();
  const out = await send(new ForgotPasswordCommand({ ClientId: cfg.clientId, Username: username }));
  const ms = performance.now() - t0;
  if (!out.CodeDeliveryDetails?.Destination) throw fail('no CodeDeliveryDetails after ForgotPassword');
  return ms;
}
/** Times USER_SRP_AUTH, which must answer with the PASSWORD_VERIFIER challenge. */
async function srpStart(username) {
  const { A } = ephemerals[nextEphemeral++ % ephemerals.length];
  const t0 = performance.now();
  const out = await send(new InitiateAuthCommand({ AuthFlow: 'USER_SRP_AUTH', ClientId: cfg.clientId, AuthParameters: { USERNAME: username, SRP_A: A } }));
  const ms = performance.now() - t0;
  if (out.ChallengeName !== 'PASSWORD_VERIFIER') throw fail(`expected PASSWORD_VERIFIER, got ${out.ChallengeName}`);
  return ms;
}
/** Times only the PASSWORD_VERIFIER answer (refused) of an SRP sign-in with `password`. */
async function srpVerifier(username, password) {
  const command = await srpAttempt(username, password);
  const t0 = performance.now();
  await refused(command);
  return performance.now() - t0;
}

/** Times USER_PASSWORD_AUTH with `password`, which must be refused as a wrong password. */
async function passwordAttempt(username, password) {
  const t0 = performance.now();
  await refused(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: cfg.clientId, AuthParameters: { USERNAME: username, PASSWORD: password } }));
  return performance.now() - t0;
}

/** A wrong password for a real user (kept below the lockout) against a name no one has, timed by `attempt`. */
const wrongVsUnknown = (attempt) => ({
  async a(user) {
    await stayBelowLockout(user);
    return attempt(user.username, `${user.password}x`);
  },
  b: (user) => attempt(unknownName(user), user.password),
});

const pairs = {
  passwordauth: wrongVsUnknown(passwordAttempt),
  srpstart: {
    a: (user) => srpStart(user.username),
    b: (user) => srpStart(unknownName(user)),
  },
  srpverifier: wrongVsUnknown(srpVerifier),
  forgot: {
    a(user) {
      const n = (forgotCount.get(user.username) ?? 0) + 1;
      forgotCount.set(user.username, n);
      if (n > FORGOT_CAP) throw fail(`more than ${FORGOT_CAP} ForgotPassword requests for ${user.username} this hour: raise BENCH_USERS`);
      return forgot(user.username);
    },
    b: (user) => forgot(unknownName(user)),
  },
};
/** Side of the n-th request of a pair: A B B A, A B B A … (cancels drift and which-goes-first). */
const sideOf = (n) => (n % 4 === 0 || n % 4 === 3 ? 'a' : 'b');

/** Errors seen in a window: a count, a count per name, and the first three, for the report. */
function errorTally() {
  const tally = { errorCount: 0, errors: {}, samples: [] };
  tally.add = (error, prefix = '') => {
    tally.errorCount++;
    const name = error?.name ?? 'Error';
    tally.errors[name] = (tally.errors[name] ?? 0) + 1;
    if (tally.samples.length < 3) tally.samples.push(`${prefix}${name}: ${error?.message ?? error}`);
  };
  return tally;
}

async function runPair({ scenario, measureFrom, deadline }) {
  const pair = pairs[scenario];
  const latencies = { a: [], b: [] };
  const tally = errorTally();
  let ok = 0;
  let turn = cfg.index;
  for (let n = 0; Date.now() < deadline; n++) {
    const side = sideOf(n);
    // Both sides of a quadruple use the same user (B uses the user's unknown twin name).
    const user = cfg.users[turn % cfg.users.length];
    if (n % 4 === 3) turn += cfg.workers;
    let error;
    let ms;
    try {
      ms = await pair[side](user);
    } catch (e) {
      error = e;
    }
    const finished = Date.now();
    if (finished < measureFrom || finished > deadline) continue;
    if (error) {
      tally.add(error, `${side}: `);
    } else {
      ok++;
      latencies[side].push(ms);
    }
  }
  const a = Float64Array.from(latencies.a);
  const b = Float64Array.from(latencies.b);
  parentPort.postMessage({ type: 'result', ok, errorCount: tally.errorCount, errors: tally.errors, samples: tally.samples, latencies: a, latenciesB: b }, [a.buffer, b.buffer]);
}

async function prepare(msg) {
  if ((msg.scenario === 'verify' || msg.scenario === 'verifylib') && msg.signed) {
    // Requests signed before the window, spread over this thread's users, so that the load
    // generator's CPU goes to the checks.
    const mine = cfg.users.filter((_, i) => i % cfg.workers === cfg.index);
    const users = mine.length ? mine : cfg.users;
    signed = [];
    for (let n = 0; n < msg.signed; n++) signed.push(await signedRequest(users[n % users.length], n));
    if (msg.scenario === 'verifylib') await openCognate();
  }
  if (msg.scenario === 'console' && !consoleJar) consoleJar = await consoleSignIn();
  if (msg.scenario === 'jwtverify' && !jwtVerifier) {
    // A relying party's token verifier: the pool's JWKS fetched from the server once, then every
    // access token checked (RS256 signature, issuer, client, token use, expiry) in this thread.
    const verifier = CognitoJwtVerifier.create({ userPoolId: cfg.poolId, tokenUse: 'access', clientId: cfg.clientId });
    const res = await fetch(`${cfg.endpoint}/${cfg.poolId}/.well-known/jwks.json`, { signal: AbortSignal.timeout(cfg.requestTimeoutMs) });
    if (res.status !== 200) throw new Error(`the JWKS answered ${res.status}`);
    verifier.cacheJwks(await res.json());
    jwtVerifier = verifier;
  }
  if (['srp', 'rawsrp', 'srpwrong', 'srpunknown', 'srpstart', 'srpverifier'].includes(msg.scenario) && ephemerals.length < msg.ephemerals) {
    // a = 128 random bytes and A = g^a mod N, as amazon-cognito-identity-js makes them; computed
    // here, before the timed window, so that the load generator's CPU goes to the exchange itself.
    while (ephemerals.length < msg.ephemerals) ephemerals.push(generateClientEphemeral());
  }
}

async function run({ scenario, measureFrom, deadline, concurrency }) {
  const op = scenarios[scenario];
  const latencies = [];
  const tally = errorTally();
  let ok = 0;
  // Users are dealt round-robin over the threads and virtual users, so every user sees load.
  let turn = cfg.index;
  const nextUser = () => {
    const user = cfg.users[turn % cfg.users.length];
    turn += cfg.workers;
    return user;
  };
  const loop = async () => {
    while (Date.now() < deadline) {
      const user = nextUser();
      const t0 = performance.now();
      let error;
      let measured;
      try {
        // An operation may time part of itself (the parity scenarios leave out their lockout resets).
        measured = await op(user);
      } catch (e) {
        error = e;
      }
      const t1 = performance.now();
      const finished = Date.now();
      if (finished < measureFrom || finished > deadline) continue;
      if (error) {
        tally.add(error);
      } else {
        ok++;
        latencies.push(typeof measured === 'number' ? measured : t1 - t0);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency ?? cfg.concurrency }, loop));
  const lat = Float64Array.from(latencies);
  parentPort.postMessage({ type: 'result', ok, errorCount: tally.errorCount, errors: tally.errors, samples: tally.samples, latencies: lat }, [lat.buffer]);
}

parentPort.on('message', (msg) => {
  if (msg.type === 'prepare') {
    prepare(msg).then(
      () => parentPort.postMessage({ type: 'prepared' }),
      (e) => parentPort.postMessage({ type: 'failed', message: String(e?.stack ?? e) }),
    );
  } else if (msg.type === 'run') {
    (msg.pair ? runPair(msg) : run(msg)).catch((e) => parentPort.postMessage({ type: 'failed', message: String(e?.stack ?? e) }));
  } else if (msg.type === 'exit') {
    client.destroy();
    adminClient.destroy();
    identityClient.destroy();
    void cognate?.close();
    agent.destroy();
    parentPort.close();
  }
});
