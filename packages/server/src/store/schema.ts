/**
 * The database tables, as Kysely sees them. Times are epoch milliseconds (BIGINT), booleans are
 * 0/1 integers and documents are JSON text, so one set of queries serves SQLite and PostgreSQL.
 */
import type { ColumnType, Generated } from 'kysely';

export interface UserPoolsTable {
  id: string;
  name: string;
  /** The pool's Cognito settings (UserPoolType fields that are stored as given), as JSON. */
  settings: string;
  created_at: number;
  updated_at: number;
}

export interface UserPoolClientsTable {
  id: string;
  pool_id: string;
  name: string;
  /** The client secret, sealed with the server's secrets key; null for public clients. */
  secret_sealed: string | null;
  /** The client's Cognito settings (UserPoolClientType fields), as JSON. */
  settings: string;
  created_at: number;
  updated_at: number;
}

export interface SigningKeysTable {
  kid: string;
  /** The user pool the key signs for, or '' for server-wide keys (identity tokens). */
  pool_id: string;
  private_key_sealed: string;
  public_jwk: string;
  created_at: number;
  /** Set when a newer key took over; the key stays published until its tokens have expired. */
  retired_at: number | null;
  /** When a retired key leaves the JWKS and is deleted: every token it signed has expired by then. */
  unpublish_at: number | null;
}

export interface ServerSecretsTable {
  name: string;
  value_sealed: string;
  created_at: number;
}

export interface UsersTable {
  /** The user's `sub`. */
  id: string;
  pool_id: string;
  /** The username as created (case kept). */
  username: string;
  /** The lookup key: the username canonicalised according to the pool's case sensitivity. */
  username_key: string;
  /** UNCONFIRMED | CONFIRMED | FORCE_CHANGE_PASSWORD | RESET_REQUIRED | EXTERNAL_PROVIDER | ARCHIVED | UNKNOWN */
  status: string;
  enabled: number;
  /** argon2id PHC string; null for users without a password. */
  password_hash: string | null;
  srp_salt: string | null;
  /** The SRP verifier (hex), sealed. */
  srp_verifier_sealed: string | null;
  created_at: number;
  updated_at: number;
  failed_attempts: number;
  last_failed_at: number | null;
  locked_until: number | null;
  /** 1 when the last reserved sign-in attempt was admitted, 0 when it came during a lock (domain/lockout.ts). */
  attempt_admitted?: number;
  /** When a FORCE_CHANGE_PASSWORD user's temporary password expires; null for other users. */
  temporary_password_expires_at?: number | null;
  /**
   * A password hash brought by `cognate users import` (bcrypt, scrypt, PBKDF2 or argon2, as given),
   * for a user with no argon2id hash or SRP verifier yet; cleared when the first sign-in with the
   * password replaces it (domain/imported-passwords.ts).
   */
  imported_password_hash?: string | null;
  /**
   * The user's attributes as a JSON array of [name, value] pairs in name order: a copy of their
   * user_attributes rows, rewritten in the transaction of every attribute write (store/users.ts),
   * so a user reads as one row. '[]' when there are none.
   */
  attributes?: string;
}

export interface UserAttributesTable {
  user_id: string;
  pool_id: string;
  name: string;
  value: string;
}

export interface CodesTable {
  id: string;
  pool_id: string;
  user_id: string;
  /** What the code confirms: 'signup' | 'forgot_password' | 'verify:<attribute>' */
  purpose: string;
  /** HMAC-SHA256 of the code under the server's code key, hex. */
  code_hash: string;
  expires_at: number;
  attempts: number;
  consumed_at: number | null;
  created_at: number;
}

export interface RefreshTokensTable {
  /** The `origin_jti` of every token minted from this authentication. */
  id: string;
  pool_id: string;
  user_id: string;
  client_id: string;
  /** SHA-256 of the token's secret part, hex. */
  token_hash: string;
  device_key: string | null;
  auth_time: number;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  /** OAuth families: the granted scopes, space-separated (null: an API sign-in, aws.cognito.signin.user.admin). */
  scopes: ColumnType<string | null, string | null | undefined, string | null>;
  /** OAuth families: the hosted-UI session whose sign-in produced them (its logout ends them). */
  hosted_session_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface OutboxTable {
  id: string;
  pool_id: string;
  channel: string;
  destination: string;
  kind: string;
  /** { subject, text, html } sealed: messages carry codes and temporary passwords. */
  content_sealed: string;
  created_at: number;
  attempts: number;
  next_attempt_at: number;
  delivered_at: number | null;
  /** The transport that took the message, 'outbox' for the development outbox. */
  delivered_by: string | null;
  last_error: string | null;
  failed_at: number | null;
}

/** A changed email or phone number waiting for VerifyUserAttribute; never an active value. */
export interface PendingAttributesTable {
  user_id: string;
  pool_id: string;
  /** 'email' | 'phone_number' */
  name: string;
  value: string;
  created_at: number;
}

/** A user pool group (CreateGroup). */
export interface UserPoolGroupsTable {
  pool_id: string;
  /** The GroupName, case kept and compared exactly. */
  name: string;
  description: string | null;
  role_arn: string | null;
  /** 0 is the highest precedence; null ranks below every number. */
  precedence: number | null;
  created_at: number;
  updated_at: number;
}

/** A user's membership of a group (AdminAddUserToGroup). */
export interface UserGroupMembershipsTable {
  pool_id: string;
  group_name: string;
  user_id: string;
  created_at: number;
}

/** A sign-in alias a user holds (domain/aliases.ts); the key makes each alias one user's. */
export interface SignInAliasesTable {
  pool_id: string;
  /** 'email' | 'phone_number' | 'preferred_username' */
  name: string;
  /** SHA-256 (hex) of the attribute name and the value folded as the pool compares it. */
  value_key: string;
  user_id: string;
  created_at: number;
}

/** A password a user had before (PasswordPolicy.PasswordHistorySize): its argon2id hash. */
export interface PasswordHistoryTable {
  user_id: string;
  /** 1, 2, 3 … per user, in the order the passwords were replaced. */
  seq: number;
  pool_id: string;
  password_hash: string;
  created_at: number;
}

/** A CSV import job (CreateUserImportJob … StartUserImportJob). */
export interface UserImportJobsTable {
  /** `import-` and 10 alphanumerics. */
  id: string;
  pool_id: string;
  name: string;
  /** Created | Pending | InProgress | Stopping | Expired | Stopped | Failed | Succeeded */
  status: string;
  cloudwatch_logs_role_arn: string;
  /** BCRYPT | SCRYPT | ARGON2ID | PBKDF2_SHA256, or null. */
  password_hashing_algorithm: string | null;
  /** The uploaded CSV; dropped once the job has run or expired. */
  csv: string | null;
  created_at: number;
  started_at: number | null;
  completed_at: number | null;
  imported_users: number;
  skipped_users: number;
  failed_users: number;
  completion_message: string | null;
  /** Until when the node running the job holds it (epoch ms); null when no node does. */
  lease_until: number | null;
  /** How many of the CSV's rows (in file order, after the header) the job has finished. */
  rows_done: number;
}

/** An identity pool (CreateIdentityPool). */
export interface IdentityPoolsTable {
  /** `<region>:<uuid>`. */
  id: string;
  name: string;
  /** AllowUnauthenticatedIdentities, providers … as JSON (identity/identity-pools.ts). */
  settings: string;
  /** { Roles, RoleMappings } as JSON. */
  roles: string;
  /** Principal-tag attribute maps by provider name, as JSON. */
  principal_tags: string;
  /** The pool's tags, as JSON. */
  tags: string;
  created_at: number;
  updated_at: number;
}

/** An identity of an identity pool, guest or linked to logins. */
export interface IdentitiesTable {
  /** `<region>:<uuid>`. */
  id: string;
  pool_id: string;
  /** 1 once a login was linked: from then on only a linked login opens it (guests are 0). */
  authenticated: number;
  created_at: number;
  updated_at: number;
}

/** A login linked to an identity: one provider's user, owned by one identity per pool. */
export interface IdentityLoginsTable {
  pool_id: string;
  /** The provider's canonical name (`cognito-idp.<region>.amazonaws.com/<poolId>`, `accounts.google.com`, a developer provider name …). */
  provider: string;
  /** SHA-256 (hex) of `subject`: the key. */
  subject_key: string;
  /** The user's ID at the provider. */
  subject: string;
  identity_id: string;
  created_at: number;
}

/** A role the built-in credentials broker issues credentials for, with its policy document. */
export interface IamRolesTable {
  arn: string;
  /** The role name, unique. */
  name: string;
  /** The IAM-style policy document, as JSON. */
  policy: string;
  created_at: number;
  updated_at: number;
}

/** An OpenID Connect or SAML provider (IAM CreateOpenIDConnectProvider / CreateSAMLProvider). */
export interface IamProvidersTable {
  arn: string;
  /** 'oidc' | 'saml' */
  kind: string;
  /** { url, clientIds } for OIDC, { metadata } for SAML, as JSON. */
  document: string;
  created_at: number;
}

/** A user's MFA settings (SetUserMFAPreference, SetUserSettings) and software token (domain/mfa.ts). */
export interface UserMfaTable {
  user_id: string;
  pool_id: string;
  sms_enabled: number;
  email_enabled: number;
  totp_enabled: number;
  /** SetUserMFAPreference's WebAuthnMfaSettings.Enabled (1/0). */
  webauthn_mfa_enabled: number;
  /** 'SMS_MFA' | 'SOFTWARE_TOKEN_MFA' | 'EMAIL_OTP', or null for no preference. */
  preferred: string | null;
  /** The verified TOTP secret (base32), sealed. */
  totp_secret_sealed: string | null;
  /** A secret from AssociateSoftwareToken waiting for VerifySoftwareToken, sealed. */
  totp_pending_sealed: string | null;
  /** The 30 s step of the last TOTP code accepted: each code works once. */
  totp_last_step: number | null;
  /** Legacy MFAOptions (SetUserSettings), as JSON. */
  mfa_options: string | null;
  /**
   * The nonce of the user's last sign-in session whose MFA was answered and that went on to
   * DEVICE_SRP_AUTH: amazon-cognito-identity-js answers DEVICE_SRP_AUTH with that MFA Session.
   */
  mfa_passed_session: string | null;
  /** Consecutive wrong second-factor codes; a correct password does not reset them. */
  failed_attempts: number;
  last_failed_at: number | null;
  updated_at: number;
}

/** A device tracked for a user (NewDeviceMetadata, ConfirmDevice; domain/devices.ts). */
export interface DevicesTable {
  /** `<region>_<uuid>` */
  device_key: string;
  pool_id: string;
  user_id: string;
  /** The DeviceGroupKey: the "pool name" of device SRP. */
  group_key: string;
  name: string | null;
  /** Device SRP salt (hex) and verifier (sealed), from ConfirmDevice. */
  salt: string | null;
  verifier_sealed: string | null;
  /** 1 when remembered (DeviceRememberedStatus). */
  remembered: number;
  confirmed_at: number | null;
  created_at: number;
  updated_at: number;
  last_authenticated_at: number | null;
}

/** Nonces of single-use sealed Sessions already answered (domain/single-use.ts). */
export interface SpentSessionsTable {
  nonce: string;
  /** when the Session would have expired anyway; the row can go after that */
  expires_at: number;
}

/**
 * Stand-ins for users who don't exist, so a password attempt for an unknown name does the lockout
 * write a real user's attempt does (domain/lockout.ts Lockout.reserveDecoy): a fixed set of slots,
 * each name mapped to one by an HMAC under a server key. The counters mean nothing.
 */
export interface LockoutDecoysTable {
  slot: number;
  failed_attempts: number;
  last_failed_at: number | null;
  locked_until: number | null;
  attempt_admitted: number;
}

/**
 * Decoy recovery requests (domain/messages.ts sendDecoyCode): the writes a ForgotPassword (or a
 * resent confirmation code) for a name that gets no code makes instead of a code and an outbox
 * message, so that it costs what a real one costs (issue 10, security.md P01). Two rows per pool
 * and name, a `code` row (the code's hash) and a `message` row (the sealed message); the key is an
 * HMAC of kind, pool id and name under a server-held key, so the table names no one. Nothing reads
 * the rows; old ones are pruned now and then.
 */
export interface RecoveryRequestsTable {
  /** hex HMAC-SHA256 of kind, pool id and name */
  key: string;
  pool_id: string;
  kind: 'code' | 'message' | 'attempt';
  purpose: string;
  /** the code's HMAC (code), the sealed message (message), or nothing (attempt: a wrong code's write, tryDecoyCode) */
  value: string;
  /** wrong codes tried against a decoy code (code rows; tryDecoyCode) */
  attempts: Generated<number>;
  created_at: number;
}

/**
 * The pools' hosted-UI domains (domain/user-pool-domains.ts): a prefix domain (`shop`) or a custom domain
 * (`auth.example.com`). The name is the key, so it is unique across pools; one of each kind per pool.
 */
export interface UserPoolDomainsTable {
  domain: string;
  pool_id: string;
  kind: 'prefix' | 'custom';
  /** CustomDomainConfigType as JSON (custom domains); null for prefix domains */
  custom_domain_config: string | null;
  /** 1 (classic hosted UI) or 2 (managed login) */
  managed_login_version: number;
  /** DomainDescription.Version: changes on every update */
  version: string;
  created_at: number;
  updated_at: number;
}

/** An authorization code (domain/oauth/authorization-codes.ts); the code itself is never stored. */
export interface AuthorizationCodesTable {
  /** SHA-256 of the code, hex. */
  code_hash: string;
  pool_id: string;
  client_id: string;
  user_id: string;
  /** exactly as the authorize request gave it */
  redirect_uri: string;
  /** granted scopes, space-separated */
  scopes: string;
  nonce: string | null;
  /** PKCE S256 challenge */
  code_challenge: string | null;
  /** epoch seconds */
  auth_time: number;
  /** JSON array */
  amr: string | null;
  hosted_session_id: string | null;
  created_at: number;
  expires_at: number;
  redeemed_at: number | null;
  /** the refresh-token family the redemption issued */
  family_id: string | null;
}

/** A refresh token replaced by rotation: still accepted until grace_until, reuse after that. */
export interface RefreshTokenRotationsTable {
  token_hash: string;
  family_id: string;
  rotated_at: number;
  grace_until: number;
}

/** Resource servers (domain/oauth/resource-servers.ts): an identifier is unique in its pool. */
export interface ResourceServersTable {
  pool_id: string;
  identifier: string;
  name: string;
  /** ResourceServerScopeType[] as JSON */
  scopes: string;
  created_at: number;
  updated_at: number;
}

/**
 * Classic hosted-UI customization (domain/oauth/branding.ts): `target` is 'ALL' for the pool's
 * default or a client ID; `client_id` is that client (null for 'ALL'), so the row goes with it.
 */
export interface UiCustomizationsTable {
  pool_id: string;
  target: string;
  client_id: string | null;
  css: string | null;
  css_version: string;
  /** the logo, base64 */
  image: string | null;
  /** the logo's media type (image/png, image/jpeg) */
  image_type: string | null;
  created_at: number;
  updated_at: number;
}

/** Managed-login branding styles (domain/oauth/branding.ts), one per app client. */
export interface ManagedLoginBrandingsTable {
  id: string;
  pool_id: string;
  client_id: string;
  use_cognito_provided_values: number;
  /** the Settings document as JSON; null when none was given */
  settings: string | null;
  /** AssetType[] as JSON (Bytes base64) */
  assets: string;
  created_at: number;
  updated_at: number;
}

/** Terms documents (domain/oauth/terms.ts), one of each name per app client. */
export interface TermsTable {
  id: string;
  pool_id: string;
  client_id: string;
  name: 'terms-of-use' | 'privacy-policy';
  source: string;
  enforcement: string;
  /** language id → URL, as JSON */
  links: string;
  created_at: number;
  updated_at: number;
}

/**
 * The hosted UI's signed-in browsers (domain/oauth/hosted-sessions.ts). The browser holds a random
 * cookie value; only its SHA-256 is stored, so a database dump names no usable session.
 */
/** A registered passkey (domain/webauthn/). */
export interface WebAuthnCredentialsTable {
  pool_id: string;
  /** base64url, as the credential's `id` */
  credential_id: string;
  /** the user's sub */
  user_id: string;
  /** the COSE public key, base64url */
  public_key: string;
  /** the authenticator's signature counter at the last accepted use */
  sign_count: number;
  /** JSON array of transports the browser reported (`internal`, `usb`, `hybrid` …) */
  transports: string;
  friendly_name: string;
  relying_party_id: string;
  /** `platform` or `cross-platform`, when the browser said */
  authenticator_attachment: string | null;
  aaguid: string;
  /** 1 when the registration's authenticator verified the user */
  user_verified: number;
  created_at: number;
  last_used_at: number | null;
}

export interface HostedSessionsTable {
  /** SHA-256 (hex) of the cookie value */
  id_hash: string;
  pool_id: string;
  /** the user's sub */
  user_id: string;
  /** the app client the sign-in was for (the session serves every client of the pool, as Cognito's does) */
  client_id: string;
  /** JSON array: how the user proved themselves (`pwd`, `mfa` …) */
  amr: string;
  /** when the user signed in, epoch ms */
  auth_time: number;
  created_at: number;
  expires_at: number;
}

import type { AreaTables } from './schema-areas.js';
export type * from './schema-areas.js';

export interface Database extends AreaTables {
  user_pools: UserPoolsTable;
  user_pool_clients: UserPoolClientsTable;
  signing_keys: SigningKeysTable;
  server_secrets: ServerSecretsTable;
  users: UsersTable;
  user_attributes: UserAttributesTable;
  codes: CodesTable;
  refresh_tokens: RefreshTokensTable;
  outbox: OutboxTable;
  pending_attributes: PendingAttributesTable;
  user_pool_groups: UserPoolGroupsTable;
  user_group_memberships: UserGroupMembershipsTable;
  user_import_jobs: UserImportJobsTable;
  sign_in_aliases: SignInAliasesTable;
  password_history: PasswordHistoryTable;
  identity_pools: IdentityPoolsTable;
  identities: IdentitiesTable;
  identity_logins: IdentityLoginsTable;
  iam_roles: IamRolesTable;
  iam_providers: IamProvidersTable;
  user_mfa: UserMfaTable;
  devices: DevicesTable;
  spent_sessions: SpentSessionsTable;
  lockout_decoys: LockoutDecoysTable;
  recovery_requests: RecoveryRequestsTable;
  user_pool_domains: UserPoolDomainsTable;
  authorization_codes: AuthorizationCodesTable;
  refresh_token_rotations: RefreshTokenRotationsTable;
  resource_servers: ResourceServersTable;
  ui_customizations: UiCustomizationsTable;
  managed_login_brandings: ManagedLoginBrandingsTable;
  terms: TermsTable;
  hosted_sessions: HostedSessionsTable;
  webauthn_credentials: WebAuthnCredentialsTable;
  kysely_placeholder?: { id: Generated<number> };
}
