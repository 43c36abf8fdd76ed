/**
 * The table types of the admin console (issue 17, migration 0027), split from schema.ts, which
 * re-exports them and lists every table in `Database`.
 */

/** A console user (console/README.md): a person who runs Cognate, never a user pool's user. */
export interface ConsoleUsersTable {
  username: string;
  /** argon2id (domain/passwords.ts). */
  password_hash: string;
  /** The TOTP secret, sealed with `secrets.atRest`. */
  totp_secret: string;
  /** The last TOTP step accepted (each code works once). */
  totp_last_step: number | null;
  created_at: number;
}

/** A signed-in console: keyed by the SHA-256 (hex) of the cookie's secret. */
export interface ConsoleSessionsTable {
  id_hash: string;
  /** `user:<name>` or `key:<access key id>`. */
  principal: string;
  created_at: number;
  /** Epoch ms of the last request (idle expiry). */
  last_seen_at: number;
  /** Epoch ms at which the session ends whatever happens (absolute expiry). */
  expires_at: number;
}

/** Failed console sign-ins per name (an HMAC of it). */
export interface ConsoleSignInAttemptsTable {
  key_hash: string;
  failed_attempts: number;
  last_failed_at: number;
}

/** One change made in the console. */
export interface ConsoleAuditTable {
  id: string;
  at: number;
  actor: string;
  action: string;
  target: string;
  /** `ok`, or the error's name. */
  outcome: string;
  /** JSON: the non-secret parts of the input. */
  detail: string;
}
