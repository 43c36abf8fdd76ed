/**
 * `cognate export --pool <id>`: one user pool as a JSON document for moving it to another
 * environment (`cognate import`, devflow/import.ts): its settings, app clients, groups and users
 * with their password hashes, attributes, MFA settings and group memberships.
 *
 * What moves, and how:
 * - Password hashes (argon2id PHC strings, and hashes brought by `cognate users import`, as they
 *   are): in the clear. They are made to be stored; the file is written 0600.
 * - Secrets — client secrets, SRP verifiers (an SRP verifier falls to a dictionary far faster than
 *   an argon2id hash: one SHA-256 and one modular exponentiation a guess), TOTP secrets — only
 *   sealed with a passphrase (devflow/passphrase.ts). Without one they are left out: import gives
 *   a secret client a new secret and prints it, and users sign in once with USER_PASSWORD_AUTH
 *   (which rebuilds their SRP verifier, as for `cognate users import`) before SRP works. A pool
 *   whose users have software tokens is refused without a passphrase: leaving a TOTP secret behind
 *   would let its user sign in without the second factor. Leaving secrets out by default keeps a
 *   file that is mailed or committed by mistake from handing out working credentials.
 * - Not moved: signing keys (the target signs with its own; tokens of the old environment don't
 *   verify there), refresh tokens, devices, passkeys, sign-in history, codes, the outbox, and the
 *   pool's domains, identity providers and resource servers.
 */
import type { Cognate } from '../domain/cognate.js';
import { listUsers } from '../domain/list-users.js';
import { readUserMfa, totpAad } from '../domain/mfa.js';
import type { Sealer } from '../crypto/seal.js';
import type { User } from '../domain/users.js';
import { groupRowsOfUser, listGroupRows } from '../store/groups.js';
import { newExportSealer, type SealingHeader } from './passphrase.js';

export const EXPORT_FORMAT = 'cognate-user-pool-export';
export const EXPORT_VERSION = 1;

export interface ExportedClient {
  id: string;
  name: string;
  settings: Record<string, unknown>;
  /** Whether the client had a secret (sealed in `secrets` when a passphrase was given). */
  hasSecret: boolean;
  /** The client's live secrets (up to two), sealed with the export passphrase. */
  secrets?: string;
}

export interface ExportedUser {
  sub: string;
  username: string;
  status: string;
  enabled: boolean;
  createdAt: number;
  attributes: Record<string, string>;
  /** argon2id PHC string, as stored. */
  passwordHash: string | null;
  /** A hash brought by `cognate users import`, not yet replaced by a first sign-in. */
  importedPasswordHash: string | null;
  /** `{ salt, verifier }` sealed with the export passphrase. */
  srp?: string;
  mfa: {
    sms: boolean;
    email: boolean;
    totp: boolean;
    preferred: string | null;
    mfaOptions: { DeliveryMedium: string; AttributeName: string }[];
    /** The TOTP secret, sealed with the export passphrase. */
    totpSecret?: string;
  };
  groups: string[];
}

export interface PoolExport {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  exportedAt: string;
  /** Present when secrets are sealed in the file; absent when they were left out. */
  sealing?: SealingHeader;
  pool: { id: string; name: string; settings: Record<string, unknown>; createdAt: number };
  clients: ExportedClient[];
  groups: { name: string; description: string | null; precedence: number | null; roleArn: string | null }[];
  users: ExportedUser[];
}

/** The associated data each sealed secret carries: a secret opens only in its own place. */
export const exportAad = {
  clientSecrets: (poolId: string, clientId: string) => `client-secrets:${poolId}:${clientId}`,
  srp: (poolId: string, sub: string) => `srp:${poolId}:${sub}`,
  totp: (poolId: string, sub: string) => `totp:${poolId}:${sub}`,
};

async function exportUser(cognate: Cognate, poolId: string, user: User, sealer: Sealer | undefined): Promise<ExportedUser> {
  const mfa = await readUserMfa(cognate.store.db, user.sub);
  const groups = (await groupRowsOfUser(cognate.store.db, poolId, user.sub)).map((g) => g.name);
  const verifier = sealer && user.srpSalt ? cognate.users.srpVerifier(user) : undefined;
  const totpSecret = sealer && mfa.totpSecretSealed ? cognate.secrets.atRest.openString(mfa.totpSecretSealed, totpAad(user))?.toString() : undefined;
  const attributes = Object.fromEntries([...user.attributes].filter(([name]) => name !== 'sub'));
  return {
    sub: user.sub,
    username: user.username,
    status: user.status,
    enabled: user.enabled,
    createdAt: user.createdAt,
    attributes,
    passwordHash: user.passwordHash,
    importedPasswordHash: user.importedPasswordHash ?? null,
    ...(verifier && sealer ? { srp: sealer.sealToString(JSON.stringify({ salt: user.srpSalt, verifier }), exportAad.srp(poolId, user.sub)) } : {}),
    mfa: {
      sms: mfa.sms,
      email: mfa.email,
      // Without its secret a software token can't be used: the user sets it up again.
      totp: mfa.totp && (sealer === undefined ? false : totpSecret !== undefined),
      preferred: mfa.preferred === 'SOFTWARE_TOKEN_MFA' && totpSecret === undefined ? null : mfa.preferred,
      mfaOptions: mfa.mfaOptions,
      ...(totpSecret && sealer ? { totpSecret: sealer.sealToString(totpSecret, exportAad.totp(poolId, user.sub)) } : {}),
    },
    groups,
  };
}

/** Exports a pool (see the top of this file); `passphrase` seals its secrets, none leaves them out. */
export async function exportPool(cognate: Cognate, poolId: string, passphrase: string | undefined): Promise<PoolExport> {
  const pool = await cognate.pools.get(poolId);
  const sealing = passphrase === undefined ? undefined : newExportSealer(passphrase);
  const sealer = sealing?.sealer;
  const clients: ExportedClient[] = [];
  for (let page = await cognate.clients.list(pool.id, 60); ; page = await cognate.clients.list(pool.id, 60, page.next)) {
    for (const c of page.clients) {
      clients.push({
        id: c.id,
        name: c.name,
        settings: c.settings as unknown as Record<string, unknown>,
        hasSecret: c.secrets.length > 0,
        ...(sealer && c.secrets.length > 0 ? { secrets: sealer.sealToString(JSON.stringify(c.secrets.map((s) => s.value)), exportAad.clientSecrets(pool.id, c.id)) } : {}),
      });
    }
    if (!page.next) break;
  }
  const groups: PoolExport['groups'] = [];
  for (let after: string | undefined; ; ) {
    const rows = await listGroupRows(cognate.store.db, pool.id, 60, after);
    groups.push(...rows.slice(0, 60).map((g) => ({ name: g.name, description: g.description, precedence: g.precedence === null ? null : Number(g.precedence), roleArn: g.role_arn })));
    if (rows.length <= 60) break;
    after = rows[59]!.name;
  }
  const users: ExportedUser[] = [];
  const withSoftwareTokens: string[] = [];
  let token: string | undefined;
  do {
    const page = await listUsers(cognate, { UserPoolId: pool.id, Limit: 60, ...(token ? { PaginationToken: token } : {}) });
    for (const user of page.users) {
      if (!sealer && (await readUserMfa(cognate.store.db, user.sub)).totpSecretSealed) withSoftwareTokens.push(user.username);
      users.push(await exportUser(cognate, pool.id, user, sealer));
    }
    token = page.paginationToken;
  } while (token);
  // Leaving a software token behind would let its user sign in without their second factor.
  if (withSoftwareTokens.length > 0) {
    throw new Error(`${withSoftwareTokens.length} users have a software token (TOTP), e.g. ${withSoftwareTokens.slice(0, 3).join(', ')}: export with a passphrase (--passphrase-file or COGNATE_EXPORT_PASSPHRASE) so their secrets move sealed`);
  }
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: new Date(cognate.clock.now()).toISOString(),
    ...(sealing ? { sealing: sealing.header } : {}),
    pool: { id: pool.id, name: pool.name, settings: pool.settings as unknown as Record<string, unknown>, createdAt: pool.createdAt },
    clients,
    groups,
    users,
  };
}
