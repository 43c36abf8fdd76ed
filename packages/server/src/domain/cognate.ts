/**
 * The services the domain is given: built once by the app wiring (src/app.ts), which is the only
 * place that knows SMTP, SMS, pino, the trigger invokers and the database driver. Nothing here
 * knows HTTP; this file holds types only.
 */
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Store } from '../store/db.js';
import type { Clock } from '../ports.js';
import type { Outbox } from '../messaging/outbox.js';
import type { AdminCredentials, ServerSecrets } from './secrets.js';
import type { UserPools } from './user-pools.js';
import type { AppClients } from './app-clients.js';
import type { Users } from './users.js';
import type { PasswordHasher } from './passwords.js';
import type { Codes } from './codes.js';
import type { SigningKeys } from './signing-keys.js';
import type { Tokens } from './tokens.js';
import type { Lockout } from './lockout.js';
import type { IdentityService } from '../identity/index.js';
import type { TriggerFunctions } from '../triggers/functions.js';
import type { TriggerInvocations } from '../triggers/invocations.js';
import type { RateLimiter } from './rate-limits/limiter.js';

export interface Cognate {
  config: Config;
  clock: Clock;
  log: Logger;
  store: Store;
  secrets: ServerSecrets;
  admin: AdminCredentials;
  pools: UserPools;
  clients: AppClients;
  users: Users;
  hasher: PasswordHasher;
  codes: Codes;
  outbox: Outbox;
  keys: SigningKeys;
  tokens: Tokens;
  lockout: Lockout;
  /** Identity pools (cognito-identity). */
  identity: IdentityService;
  /** Where the pools' Lambda triggers run (triggers/). */
  triggers: TriggerFunctions;
  /** The log of those runs the console shows (triggers/invocations.ts). */
  triggerInvocations: TriggerInvocations;
  /** This node's request-rate counts, shared through the database (rate-limits/). */
  rateLimits: RateLimiter;
  close(): Promise<void>;
}

/**
 * The part of `Cognate` a domain function uses, named at its parameter: `Ports<'store' | 'clock'>`
 * says the function reads the database and the time and touches nothing else (no outbox, no
 * triggers). Callers pass their `Cognate`; a test can pass just those members.
 */
export type Ports<K extends keyof Cognate> = Pick<Cognate, K>;
