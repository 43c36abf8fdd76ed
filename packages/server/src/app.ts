/**
 * The composition root: opens the store, loads the keys, builds the transports (SMTP, SMS webhook,
 * custom senders, the development outbox printer), the trigger invokers and the identity service,
 * and hands them to the domain as one `Cognate`. The server, the CLI and the tests all start here.
 */
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { openStore } from './store/db.js';
import { systemClock, type Clock } from './ports.js';
import { Outbox, type OutboxTransports } from './messaging/outbox.js';
import { consoleTransport, smsWebhookTransport, smtpTransport } from './messaging/transports.js';
import { checkLogDeliveryWebhooks, logWebhookTransport } from './messaging/log-webhook.js';
import { checkSyncDeliveryConfig, withSyncDelivery } from './sync/push-webhook.js';
import { loadAdminCredentials, loadMasterKey, loadServerSecrets } from './domain/secrets.js';
import { UserPools } from './domain/user-pools.js';
import { AppClients } from './domain/app-clients.js';
import { Users } from './domain/users.js';
import { PasswordHasher } from './domain/passwords.js';
import { Codes } from './domain/codes.js';
import { SigningKeys } from './domain/signing-keys.js';
import { Tokens } from './domain/tokens.js';
import { Lockout } from './domain/lockout.js';
import { drainImportJobs } from './domain/import-jobs.js';
import { createIdentityService } from './identity/index.js';
import { TriggerFunctions } from './triggers/functions.js';
import { TriggerInvocations } from './triggers/invocations.js';
import { customSenderTransport } from './triggers/custom-senders.js';
import type { Cognate } from './domain/cognate.js';
import { deliverNotificationError } from './domain/threat-protection/log-delivery.js';
import { RateLimiter } from './domain/rate-limits/limiter.js';

export type { Cognate } from './domain/cognate.js';

export interface CreateOptions {
  clock?: Clock;
  /** Generate (and save) an admin key pair when none is configured or saved: what `cognate start` does. */
  generateAdminCredentials?: boolean;
}

export async function createCognate(config: Config, log: Logger, options: CreateOptions = {}): Promise<Cognate> {
  const clock = options.clock ?? systemClock;
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, sqliteSynchronous: config.sqliteSynchronous, sqliteBusyTimeoutMs: config.sqliteBusyTimeoutMs, sqliteMmapMb: config.sqliteMmapMb });
  try {
    const masterKey = loadMasterKey(config.masterKey, config.dataDir);
    const secrets = await loadServerSecrets(store, masterKey, clock.now());
    const admin = loadAdminCredentials(config.adminAccessKeyId, config.adminSecretAccessKey, config.dataDir, options.generateAdminCredentials ?? true);
    const hasher = new PasswordHasher({ memoryKiB: config.argon2MemoryKiB, iterations: config.argon2Iterations });
    const pools = new UserPools(store, config.region);
    const clients = new AppClients(store, secrets.atRest);
    const users = new Users(store, secrets.atRest, hasher);
    const keys = new SigningKeys(store, secrets.atRest, {
      rotateAfterMs: config.signingKeyRotationDays * 86_400_000,
      onError: (err, poolId) => log.warn({ err, poolId }, 'scheduled signing-key rotation failed; it is tried again at the next load'),
    });
    const tokens = new Tokens(store, keys, pools, users, config, clock);

    const triggers = new TriggerFunctions(config, clock);
    const triggerInvocations = new TriggerInvocations(store, config, clock, log);
    triggers.onInvocation = (run) => triggerInvocations.record(run);
    const transports: OutboxTransports = { custom: customSenderTransport(triggers, config) };
    let closeSmtp: (() => void) | undefined;
    if (config.smtpHost) {
      const smtp = smtpTransport({
        host: config.smtpHost,
        port: config.smtpPort,
        secure: config.smtpSecure,
        from: config.smtpFrom,
        ...(config.smtpUser ? { user: config.smtpUser, password: config.smtpPassword } : {}),
      });
      transports.email = smtp;
      closeSmtp = () => smtp.close();
    }
    if (config.smsWebhookUrl) {
      transports.sms = smsWebhookTransport({ url: config.smsWebhookUrl, ...(config.smsWebhookSecret ? { secret: config.smsWebhookSecret } : {}) });
    }
    if (config.printOutbox) {
      // Development: messages without a real transport are kept in the outbox and shown to the operator.
      const print = consoleTransport((line) => process.stdout.write(line + '\n'));
      transports.outbox = { name: 'outbox', send: (m) => print.send(m) };
    }
    // SetLogDeliveryConfiguration's webhook sink (the operator's endpoints, signed; messaging/log-webhook.ts).
    checkLogDeliveryWebhooks(config.logDeliveryWebhooks, config.logDeliveryWebhookSecret);
    if (Object.keys(config.logDeliveryWebhooks).length > 0) transports.webhook = logWebhookTransport({ secret: config.logDeliveryWebhookSecret, clock });
    // Cognito Sync's push sync and streams ride the same channel to their own endpoints (sync/push-webhook.ts).
    checkSyncDeliveryConfig(config);
    transports.webhook = withSyncDelivery(transports.webhook, config, clock);
    const outbox = new Outbox(store.db, secrets.atRest, clock, transports, log);
    // SetLogDeliveryConfiguration's userNotification source: failed deliveries as structured log lines (and webhooks).
    outbox.onDeliveryFailure = (failure) => deliverNotificationError({ config, log, outbox, store }, failure);
    const identity = createIdentityService({ config, clock, store, secrets, keys, pools, clients });
    const rateLimits = new RateLimiter({ store, clock, log });
    await rateLimits.load();

    return {
      config,
      clock,
      log,
      store,
      secrets,
      admin,
      pools,
      clients,
      users,
      hasher,
      codes: new Codes(secrets.codeKey, config.devCodes || undefined),
      outbox,
      keys,
      tokens,
      lockout: new Lockout(store.db),
      identity,
      triggers,
      triggerInvocations,
      rateLimits,
      async close() {
        await rateLimits.close();
        identity.close();
        triggers.close();
        await triggerInvocations.close();
        await drainImportJobs(store);
        await outbox.stop();
        closeSmtp?.();
        await store.close();
      },
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}
