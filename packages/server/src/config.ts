/**
 * Cognate's configuration: one typed, commented defaults module.
 * Sources, lowest to highest precedence: these defaults < a JSON file (`--config`) < environment < command-line flags.
 * `cognate start --help` lists every option from this table.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { availableParallelism } from 'node:os';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const bool = z.union([z.boolean(), z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')]);

/** A JSON object of strings, given as an object (config file) or as JSON text (environment, flag). */
const stringMap = z.union([z.string(), z.record(z.string(), z.string())]).transform((v, ctx) => {
  if (typeof v !== 'string') return v;
  try {
    const o: unknown = v ? JSON.parse(v) : {};
    if (o !== null && typeof o === 'object' && !Array.isArray(o) && Object.values(o).every((x) => typeof x === 'string')) return o as Record<string, string>;
  } catch {
    // reported below
  }
  ctx.addIssue({ code: 'custom', message: 'a JSON object of strings' });
  return z.NEVER;
});

/** Every option: its schema, default, environment variable, flag and a one-line description. */
export const options = {
  port: { schema: port, default: 9229, env: 'PORT', flag: '--port <n>', doc: 'HTTP port to listen on' },
  host: { schema: z.string().min(1), default: '127.0.0.1', env: 'HOST', flag: '--host <addr>', doc: 'address to bind (0.0.0.0 to listen on every interface)' },
  dataDir: { schema: z.string().min(1), default: './.cognate', env: 'COGNATE_DATA_DIR', flag: '--data-dir <dir>', doc: 'folder for the embedded database, generated keys and credentials' },
  databaseUrl: { schema: z.string(), default: '', env: 'DATABASE_URL', flag: '--database-url <url>', doc: 'empty: SQLite in the data folder; postgres://… for PostgreSQL (scale-out)' },
  publicUrl: { schema: z.string(), default: '', env: 'COGNATE_PUBLIC_URL', flag: '--public-url <url>', doc: 'the URL clients reach this server at (default http://localhost:<port>, https://localhost:<port> under TLS)' },
  tlsCert: { schema: z.string(), default: '', env: 'COGNATE_TLS_CERT', flag: '--tls-cert <file>', doc: 'PEM certificate (chain) to serve HTTPS with; needs --tls-key (empty: plain HTTP)' },
  tlsKey: { schema: z.string(), default: '', env: 'COGNATE_TLS_KEY', flag: '--tls-key <file>', doc: 'PEM private key of --tls-cert' },
  tlsDev: { schema: bool, default: false as boolean, env: 'COGNATE_TLS_DEV', flag: '--tls-dev', doc: 'serve HTTPS with certificates from a local development CA kept in the data folder (created on first start) for localhost, 127.0.0.1, ::1, the prefix domains and the custom domains' },
  issuerStyle: { schema: z.enum(['public-url', 'aws']), default: 'public-url' as 'public-url' | 'aws', env: 'COGNATE_ISSUER_STYLE', flag: '--issuer-style <style>', doc: "token `iss`: 'public-url' = <publicUrl>/<poolId>; 'aws' = https://cognito-idp.<region>.amazonaws.com/<poolId>, or https://issuer-cognito-idp.<region>.amazonaws.com/<poolId> for a pool whose IssuerConfiguration is UPDATED (what aws-jwt-verify and Amplify expect)" },
  region: { schema: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/), default: 'us-east-1', env: 'COGNATE_REGION', flag: '--region <region>', doc: 'region used in pool and identity IDs' },
  hostedUiBaseDomain: { schema: z.string().regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/), default: 'localhost', env: 'COGNATE_HOSTED_UI_BASE_DOMAIN', flag: '--hosted-ui-base-domain <domain>', doc: "base of prefix domains' hosts: <prefix>.auth.<region>.<base> (Cognito's is amazoncognito.com)" },
  extraRegions: { schema: z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : v.split(',')).map((r) => r.trim()).filter((r) => r !== '')).pipe(z.array(z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/))), default: [] as string[], env: 'COGNATE_EXTRA_REGIONS', flag: '--extra-regions <list>', doc: 'comma-separated regions, besides --region, that admin SigV4 credential scopes may name' },
  adminAccessKeyId: { schema: z.string(), default: '', env: 'COGNATE_ADMIN_ACCESS_KEY_ID', flag: '--admin-access-key-id <id>', doc: 'access key for SigV4-signed admin calls (generated into the data folder when empty)' },
  adminSecretAccessKey: { schema: z.string(), default: '', env: 'COGNATE_ADMIN_SECRET_ACCESS_KEY', flag: '--admin-secret-access-key <secret>', doc: 'secret for the admin access key' },
  masterKey: { schema: z.string(), default: '', env: 'COGNATE_MASTER_KEY', flag: '--master-key <base64>', doc: '32-byte base64 key that encrypts keys and secrets at rest (generated into the data folder when empty; set it when several nodes share PostgreSQL)' },
  logLevel: { schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), default: 'info' as string, env: 'LOG_LEVEL', flag: '--log-level <level>', doc: 'pino log level' },
  bodyLimitBytes: { schema: z.coerce.number().int().min(1024), default: 131072, env: 'COGNATE_BODY_LIMIT', flag: '--body-limit <bytes>', doc: 'largest request body accepted' },
  sqliteBusyTimeoutMs: { schema: z.coerce.number().int().min(0).max(600_000), default: 5000, env: 'COGNATE_SQLITE_BUSY_TIMEOUT', flag: '--sqlite-busy-timeout <ms>', doc: 'how long a SQLite write waits for another process to release the lock; past it the request answers 503 (retryable)' },
  sqliteMmapMb: { schema: z.coerce.number().int().min(0).max(65_536), default: 0, env: 'COGNATE_SQLITE_MMAP_MB', flag: '--sqlite-mmap-mb <MiB>', doc: 'how much of the SQLite database each process reads through a memory map (0: none, reads go through its 64 MiB page cache); mapped pages count in the resident memory but are the kernel\'s file cache, dropped under pressure' },
  sqliteSynchronous: { schema: z.enum(['FULL', 'NORMAL']), default: 'FULL' as 'FULL' | 'NORMAL', env: 'COGNATE_SQLITE_SYNCHRONOUS', flag: '--sqlite-synchronous <mode>', doc: 'FULL survives power loss; NORMAL survives process crashes only' },
  smtpHost: { schema: z.string(), default: '', env: 'COGNATE_SMTP_HOST', flag: '--smtp-host <host>', doc: 'SMTP server for email; empty keeps email in the development outbox' },
  smtpPort: { schema: port, default: 587, env: 'COGNATE_SMTP_PORT', flag: '--smtp-port <n>', doc: 'SMTP port' },
  smtpSecure: { schema: bool, default: false as boolean, env: 'COGNATE_SMTP_SECURE', flag: '--smtp-secure <bool>', doc: 'implicit TLS (port 465)' },
  smtpUser: { schema: z.string(), default: '', env: 'COGNATE_SMTP_USER', flag: '--smtp-user <user>', doc: 'SMTP user' },
  smtpPassword: { schema: z.string(), default: '', env: 'COGNATE_SMTP_PASSWORD', flag: '--smtp-password <password>', doc: 'SMTP password' },
  smtpFrom: { schema: z.string(), default: 'no-reply@cognate.local', env: 'COGNATE_SMTP_FROM', flag: '--smtp-from <address>', doc: 'default From address' },
  smsWebhookUrl: { schema: z.string(), default: '', env: 'COGNATE_SMS_WEBHOOK_URL', flag: '--sms-webhook-url <url>', doc: 'HTTP endpoint that sends SMS; empty keeps SMS in the development outbox' },
  smsWebhookSecret: { schema: z.string(), default: '', env: 'COGNATE_SMS_WEBHOOK_SECRET', flag: '--sms-webhook-secret <secret>', doc: 'HMAC key for the x-cognate-signature header on SMS webhooks' },
  printOutbox: { schema: bool, default: true as boolean, env: 'COGNATE_PRINT_OUTBOX', flag: '--print-outbox <bool>', doc: 'print development-outbox messages (codes) on the console' },
  argon2MemoryKiB: { schema: z.coerce.number().int().min(1024), default: 19456, env: 'COGNATE_ARGON2_MEMORY_KIB', flag: '--argon2-memory <KiB>', doc: 'argon2id memory cost (OWASP: 19 MiB, t=2, p=1)' },
  argon2Iterations: { schema: z.coerce.number().int().min(1), default: 2, env: 'COGNATE_ARGON2_ITERATIONS', flag: '--argon2-iterations <n>', doc: 'argon2id time cost' },
  signingKeyRotationDays: { schema: z.coerce.number().min(0).max(3650), default: 0, env: 'COGNATE_SIGNING_KEY_ROTATION_DAYS', flag: '--signing-key-rotation-days <days>', doc: "rotate each pool's token-signing key once it is this many days old (0: only with `cognate keys rotate`); the old key stays in the JWKS until the tokens it signed have expired" },
  tokenLeewaySeconds: { schema: z.coerce.number().int().min(0).max(300), default: 0, env: 'COGNATE_TOKEN_LEEWAY', flag: '--token-leeway <seconds>', doc: 'clock leeway when this server verifies its own tokens' },
  credentialsBroker: { schema: z.enum(['built-in', 'upstream']), default: 'built-in' as 'built-in' | 'upstream', env: 'COGNATE_CREDENTIALS_BROKER', flag: '--credentials-broker <kind>', doc: "identity-pool credentials: 'built-in' (Cognate mints and verifies them) or 'upstream' (AssumeRoleWithWebIdentity at --upstream-sts-endpoint)" },
  socialEndpoints: { schema: z.string().refine((v) => { try { const o: unknown = v ? JSON.parse(v) : {}; return o !== null && typeof o === 'object' && !Array.isArray(o) && Object.values(o).every((x) => typeof x === 'string'); } catch { return false; } }, 'a JSON object of provider → URL'), default: '', env: 'COGNATE_SOCIAL_ENDPOINTS', flag: '--social-endpoints <json>', doc: 'JSON object overriding where social providers are reached, for identity-pool logins and user-pool federation alike, e.g. {"accounts.google.com":"http://127.0.0.1:8080"} (accounts.google.com, appleid.apple.com: an OIDC issuer whose discovery gives the endpoints; graph.facebook.com: the base of /<version>/dialog/oauth, /oauth/access_token, /me; www.amazon.com: the base of /ap/oa, /auth/o2/token, /user/profile, /auth/o2/tokeninfo)' },
  upstreamStsEndpoint: { schema: z.string(), default: '', env: 'COGNATE_UPSTREAM_STS_ENDPOINT', flag: '--upstream-sts-endpoint <url>', doc: "the STS endpoint of the 'upstream' credentials broker (empty: AWS STS of --region)" },
  triggers: { schema: stringMap, default: {} as Record<string, string>, env: 'COGNATE_TRIGGERS', flag: '--triggers <json>', doc: 'where the Lambda ARNs of pools\' LambdaConfig run: JSON object of ARN → a module path (file: URL or path to an ES module exporting `handler`), an http(s) webhook URL, or "lambda"; unlisted ARNs are invoked through the Lambda API' },
  triggerTimeoutMs: { schema: z.coerce.number().int().min(100).max(30000), default: 5000, env: 'COGNATE_TRIGGER_TIMEOUT_MS', flag: '--trigger-timeout <ms>', doc: 'how long a trigger may take before the operation fails (Cognito: 5 s)' },
  triggerWebhookSecret: { schema: z.string(), default: '', env: 'COGNATE_TRIGGER_WEBHOOK_SECRET', flag: '--trigger-webhook-secret <secret>', doc: 'HMAC key for the x-cognate-signature header on trigger webhooks (recommended whenever a webhook is configured)' },
  customSenderKeys: { schema: stringMap, default: {} as Record<string, string>, env: 'COGNATE_CUSTOM_SENDER_KEYS', flag: '--custom-sender-keys <json>', doc: "JSON object of KMSKeyID → a 256-bit key (base64): pools whose LambdaConfig names that KMSKeyID may use CustomEmailSender/CustomSMSSender, which get the code as a JWE (dir, A256GCM) under that key" },
  breachedPasswordsFile: { schema: z.string(), default: '', env: 'COGNATE_BREACHED_PASSWORDS_FILE', flag: '--breached-passwords-file <file>', doc: "threat protection's compromised-credentials check: a file of SHA-1 hashes (hex, one a line, `HASH` or HIBP's `HASH:COUNT`) checked besides the shipped list of the 10,000 most common breached passwords; read once, on first use" },
  threatFeedbackUrl: { schema: z.string(), default: '', env: 'COGNATE_THREAT_FEEDBACK_URL', flag: '--threat-feedback-url <url>', doc: "the page (yours) that calls UpdateAuthEventFeedback: risk notification emails link to it with user_pool_id, username, event_id, feedback_token and feedback_value; empty: the emails' {one-click-link-*} carry the bare feedback token" },
  logDeliveryWebhooks: { schema: stringMap, default: {} as Record<string, string>, env: 'COGNATE_LOG_DELIVERY_WEBHOOKS', flag: '--log-delivery-webhooks <json>', doc: "log delivery's webhook sink: JSON object of destination ARN (a CloudWatch log group, S3 bucket or Firehose stream that SetLogDeliveryConfiguration names) → an http(s) URL of yours, `*` for any other; that destination's records are POSTed there as JSON, signed (x-cognate-signature) and retried through the outbox, besides the log line" },
  logDeliveryWebhookSecret: { schema: z.string(), default: '', env: 'COGNATE_LOG_DELIVERY_WEBHOOK_SECRET', flag: '--log-delivery-webhook-secret <secret>', doc: 'HMAC key for the x-cognate-signature header of the log-delivery webhooks (required with --log-delivery-webhooks)' },
  // Cognito Sync's push sync and streams (src/sync/push*.ts, streams*.ts; docs/sync.md): Cognate has no SNS or Kinesis of its own.
  syncPushWebhookUrl: { schema: z.string(), default: '', env: 'COGNATE_SYNC_PUSH_WEBHOOK_URL', flag: '--sync-push-webhook-url <url>', doc: "Cognito Sync push sync: the http(s) endpoint of yours that receives each silent push (device platform, token, SNS application ARN and Cognito's push-sync payload) as signed JSON, retried through the outbox; empty: PushSync can't be configured" },
  syncStreamsWebhookUrl: { schema: z.string(), default: '', env: 'COGNATE_SYNC_STREAMS_WEBHOOK_URL', flag: '--sync-streams-webhook-url <url>', doc: "Cognito Streams: the http(s) endpoint of yours that receives each dataset change (Cognito's stream record JSON) as signed JSON, retried through the outbox, unless --sync-kinesis-endpoint is set; empty with no Kinesis endpoint: CognitoStreams can't be enabled" },
  syncWebhookSecret: { schema: z.string(), default: '', env: 'COGNATE_SYNC_WEBHOOK_SECRET', flag: '--sync-webhook-secret <secret>', doc: 'HMAC key for the x-cognate-signature header of the push-sync and streams webhooks (required with either)' },
  syncKinesisEndpoint: { schema: z.string(), default: '', env: 'COGNATE_SYNC_KINESIS_ENDPOINT', flag: '--sync-kinesis-endpoint <url>', doc: "Cognito Streams: a Kinesis-compatible endpoint; each stream record is put there (PutRecord, SigV4) in the configured StreamName, partition key the identity ID" },
  syncKinesisRegion: { schema: z.string(), default: '', env: 'COGNATE_SYNC_KINESIS_REGION', flag: '--sync-kinesis-region <region>', doc: 'the region that signs Kinesis PutRecord calls (empty: the identity pool\'s region)' },
  syncKinesisAccessKeyId: { schema: z.string(), default: '', env: 'COGNATE_SYNC_KINESIS_ACCESS_KEY_ID', flag: '--sync-kinesis-access-key-id <id>', doc: 'access key that signs Kinesis PutRecord calls (required with --sync-kinesis-endpoint)' },
  syncKinesisSecretAccessKey: { schema: z.string(), default: '', env: 'COGNATE_SYNC_KINESIS_SECRET_ACCESS_KEY', flag: '--sync-kinesis-secret-access-key <secret>', doc: 'secret for --sync-kinesis-access-key-id' },
  tierGating: { schema: bool, default: false as boolean, env: 'COGNATE_TIER_GATING', flag: '--tier-gating <bool>', doc: "refuse features above a pool's UserPoolTier with FeatureUnavailableInTierException, as Cognito does (USER_AUTH and passwordless sign-in need ESSENTIALS); off: every feature in every tier" },
  // Request-rate limits (docs/rate-limits.md): Cognito's per-category quotas, applied per user pool.
  rateLimits: { schema: z.union([bool, z.enum(['on', 'off']).transform((v) => v === 'on')]), default: true as boolean, env: 'COGNATE_RATE_LIMITS', flag: '--rate-limits <on|off>', doc: "Cognito's request-rate quotas per user pool and operation category (UserAuthentication 120/s, UserCreation 50/s …), answered with TooManyRequestsException (HTTP 429 on /oauth2/token) when exceeded; raise a category with UpdateProvisionedLimit; off: no limit (development)" },
  rateLimitMaxFactor: { schema: z.coerce.number().int().min(1).max(1000), default: 10, env: 'COGNATE_RATE_LIMIT_MAX_FACTOR', flag: '--rate-limit-max-factor <n>', doc: "the most UpdateProvisionedLimit may raise an adjustable category to, as a multiple of its free (default) rate; above it: ServiceQuotaExceededException (Cognito's account maximum in Service Quotas)" },
  lambdaEndpoint: { schema: z.string(), default: '', env: 'COGNATE_LAMBDA_ENDPOINT', flag: '--lambda-endpoint <url>', doc: 'Lambda API endpoint for ARN triggers (empty: AWS Lambda in the ARN\'s region)' },
  lambdaAccessKeyId: { schema: z.string(), default: '', env: 'COGNATE_LAMBDA_ACCESS_KEY_ID', flag: '--lambda-access-key-id <id>', doc: 'access key that signs Lambda Invoke calls (empty: the AWS SDK\'s default credential chain)' },
  lambdaSecretAccessKey: { schema: z.string(), default: '', env: 'COGNATE_LAMBDA_SECRET_ACCESS_KEY', flag: '--lambda-secret-access-key <secret>', doc: 'secret for --lambda-access-key-id' },
  // Development workflow (issue 17, devflow/): what only a development server may do.
  environment: { schema: z.enum(['production', 'development']), default: 'production' as 'production' | 'development', env: 'COGNATE_ENV', flag: '--env <name>', doc: "'development' allows development-only features (--dev-codes); 'production' (the default) refuses them" },
  devCodes: { schema: z.union([z.literal(''), z.string().regex(/^\d{6}$/, 'six digits')]), default: '', env: 'COGNATE_DEV_CODES', flag: '--dev-codes <code>', doc: 'development only (needs --env development): every verification, MFA, one-time and forgot-password code this server sends is this six-digit value' },
  // Scale-out (issue 16): worker processes of `cognate start`, and how a shutdown ends requests in flight.
  workers: { schema: z.coerce.number().int().min(0).max(256), default: 0, env: 'COGNATE_WORKERS', flag: '--workers <n>', doc: '`cognate start`: worker processes sharing the port and the database (node:cluster); 0: one per core; 1: a single process, no cluster' },
  shutdownGraceMs: { schema: z.coerce.number().int().min(0).max(600_000), default: 10_000, env: 'COGNATE_SHUTDOWN_GRACE', flag: '--shutdown-grace <ms>', doc: 'on SIGTERM/SIGINT: how long requests in flight may take to finish before their connections are cut' },
} as const;

type Options = typeof options;
/** The resolved configuration. */
export type Config = { -readonly [K in keyof Options]: z.output<Options[K]['schema']> };

/** Flag values as commander gives them (camelCase keys). */
export type FlagValues = Partial<Record<keyof Config, unknown>> & { config?: string };

/**
 * Resolves the configuration from defaults, an optional JSON file, the environment and flags.
 * Throws an Error naming the offending option on invalid input.
 */
export function loadConfig(flags: FlagValues = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const file: Record<string, unknown> = flags.config ? JSON.parse(readFileSync(flags.config, 'utf8')) : {};
  const out: Record<string, unknown> = {};
  for (const [key, option] of Object.entries(options) as [keyof Config, Options[keyof Config]][]) {
    let raw: unknown = option.default;
    if (file[key] !== undefined) raw = file[key];
    if (env[option.env] !== undefined && env[option.env] !== '') raw = env[option.env];
    if (flags[key] !== undefined) raw = flags[key];
    const parsed = (option.schema as z.ZodType).safeParse(raw);
    if (!parsed.success) throw new Error(`invalid ${key} (${option.env}): ${parsed.error.issues[0]?.message ?? 'bad value'}`);
    out[key] = parsed.data;
  }
  const config = out as Config;
  checkTls(config);
  checkDevCodes(config);
  config.dataDir = path.resolve(config.dataDir);
  if (config.workers === 0) config.workers = availableParallelism();
  if (!config.publicUrl) config.publicUrl = `${usesTls(config) ? 'https' : 'http'}://localhost:${config.port}`;
  config.publicUrl = config.publicUrl.replace(/\/+$/, '');
  return config;
}

/** Whether the listener serves HTTPS (given certificate or development CA). */
export function usesTls(config: Pick<Config, 'tlsCert' | 'tlsKey' | 'tlsDev'>): boolean {
  return config.tlsDev || (config.tlsCert !== '' && config.tlsKey !== '');
}

/** TLS comes from a given certificate and key (both) or from the development CA, never from both. */
function checkTls(config: Config): void {
  if ((config.tlsCert === '') !== (config.tlsKey === '')) {
    throw new Error('--tls-cert and --tls-key go together (COGNATE_TLS_CERT, COGNATE_TLS_KEY): give both files, or neither for plain HTTP');
  }
  if (config.tlsDev && config.tlsCert !== '') {
    throw new Error('--tls-dev makes its own certificates: give either --tls-dev or --tls-cert with --tls-key, not both');
  }
}

/**
 * Fixed codes make every code guessable: they are refused unless the operator said, in this
 * server's own configuration, that it is a development server (docs/cli.md, "Development mode").
 */
function checkDevCodes(config: Config): void {
  if (config.devCodes !== '' && config.environment !== 'development') {
    throw new Error('--dev-codes (COGNATE_DEV_CODES) makes every code predictable and is refused outside development mode: start with --env development (COGNATE_ENV=development) to use it');
  }
}

/**
 * The token issuer for a pool, as the `iss` claim and the discovery document carry it. With the
 * 'aws' style, `type` picks Cognito's form: ORIGINAL `https://cognito-idp.<region>.amazonaws.com/<id>`,
 * UPDATED (the multi-Region issuer) `https://issuer-cognito-idp.<region>.amazonaws.com/<id>`, where
 * region is the pool's primary (its ID's prefix). With 'public-url' both are `<publicUrl>/<id>`: one
 * deployment answers under one public name (docs/replicas.md).
 */
export function issuerFor(config: Pick<Config, 'issuerStyle' | 'publicUrl'>, poolId: string, type: 'ORIGINAL' | 'UPDATED' = 'ORIGINAL'): string {
  if (config.issuerStyle === 'aws') {
    const region = poolId.slice(0, poolId.indexOf('_'));
    return `https://${type === 'UPDATED' ? 'issuer-cognito-idp' : 'cognito-idp'}.${region}.amazonaws.com/${poolId}`;
  }
  return `${config.publicUrl}/${poolId}`;
}
