/**
 * `cognate import <file>`: recreates a pool `cognate export` wrote (devflow/export.ts) on a server
 * that doesn't have it — same pool ID, client IDs, users' subs, usernames, attributes, password
 * hashes, MFA and groups — so the same users sign in with the same passwords, by SRP too when the
 * export's secrets were sealed with a passphrase (the SRP verifier hashes the pool ID, so the ID
 * must stay).
 *
 * All or nothing: the file is checked whole and every sealed secret opened before anything is
 * written; the pool and its clients and groups go through the domain functions the API uses
 * (CreateUserPool, CreateUserPoolClient, CreateGroup), the users in one transaction; if that
 * fails the pool is deleted again, so a failed import leaves nothing behind.
 */
import { z } from 'zod';
import type { Cognate } from '../domain/cognate.js';
import { createAppClient, createUserPool, deleteUserPool } from '../domain/pool-admin.js';
import { createGroup } from '../domain/groups.js';
import { temporaryPasswordExpiry } from '../domain/admin-create-user.js';
import { totpAad } from '../domain/mfa.js';
import { hashSupport, parseImportedHash } from '../domain/imported-passwords.js';
import { stepAt } from '../domain/totp.js';
import type { CreateInput, UserPool } from '../domain/user-pools.js';
import type { UserStatus } from '../domain/users.js';
import type { Sealer } from '../crypto/seal.js';
import { addMembership } from '../store/groups.js';
import * as mfaStore from '../store/mfa.js';
import * as userStore from '../store/users.js';
import { writeTransferredCredentials } from '../store/pool-transfer.js';
import { EXPORT_FORMAT, EXPORT_VERSION, exportAad, type PoolExport } from './export.js';
import { openExportSealer } from './passphrase.js';
import { memberPath } from './seed-file.js';

const nullableString = z.string().nullable();
const exportSchema = z.object({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(EXPORT_VERSION),
  exportedAt: z.string(),
  sealing: z.object({ kdf: z.literal('scrypt'), N: z.number().int(), r: z.number().int(), p: z.number().int(), salt: z.string(), check: z.string() }).optional(),
  pool: z.object({ id: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d_[0-9A-Za-z]{1,55}$/), name: z.string().min(1).max(128), settings: z.record(z.string(), z.unknown()), createdAt: z.number() }),
  clients: z.array(z.object({ id: z.string().regex(/^[a-z0-9]{1,128}$/), name: z.string().max(128), settings: z.record(z.string(), z.unknown()), hasSecret: z.boolean(), secrets: z.string().optional() })),
  groups: z.array(z.object({ name: z.string().min(1).max(128), description: nullableString, precedence: z.number().int().min(0).nullable(), roleArn: nullableString })),
  users: z.array(
    z.object({
      sub: z.uuid(),
      username: z.string().min(1).max(128),
      status: z.enum(['UNCONFIRMED', 'CONFIRMED', 'FORCE_CHANGE_PASSWORD', 'RESET_REQUIRED', 'EXTERNAL_PROVIDER', 'ARCHIVED', 'UNKNOWN']),
      enabled: z.boolean(),
      createdAt: z.number(),
      attributes: z.record(z.string(), z.string()),
      passwordHash: z.string().startsWith('$argon2id$').nullable(),
      importedPasswordHash: nullableString,
      srp: z.string().optional(),
      mfa: z.object({
        sms: z.boolean(),
        email: z.boolean(),
        totp: z.boolean(),
        preferred: z.enum(['SMS_MFA', 'SOFTWARE_TOKEN_MFA', 'EMAIL_OTP']).nullable(),
        mfaOptions: z.array(z.object({ DeliveryMedium: z.string(), AttributeName: z.string() })),
        totpSecret: z.string().optional(),
      }),
      groups: z.array(z.string()),
    }),
  ),
});

/** What an import did, for the command's report. */
export interface ImportResult {
  poolId: string;
  clients: number;
  groups: number;
  users: number;
  /** Clients that had a secret the export left out: their new secrets, shown once. */
  newSecrets: { clientId: string; secret: string }[];
  /** Users who sign in once with USER_PASSWORD_AUTH before SRP works (their verifier stayed behind). */
  withoutSrp: number;
}

/** Parses and checks an export file's text; the error names the bad member. */
export function parseExport(text: string, fileName: string): PoolExport {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${fileName}: not valid JSON: ${(e as Error).message}`);
  }
  const parsed = exportSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`${fileName} is not a cognate export:\n${parsed.error.issues.slice(0, 20).map((i) => `  ${memberPath(i.path)}: ${i.message}`).join('\n')}`);
  }
  return parsed.data as PoolExport;
}

/** Every sealed secret of the export, opened (before anything is written). */
interface Opened {
  clientSecrets: Map<string, string[]>;
  srp: Map<string, { salt: string; verifier: string }>;
  totp: Map<string, string>;
}

function openSecrets(data: PoolExport, sealer: Sealer | undefined): Opened {
  const opened: Opened = { clientSecrets: new Map(), srp: new Map(), totp: new Map() };
  if (!sealer) return opened;
  const open = (text: string, aad: string, where: string) => {
    const plain = sealer.openString(text, aad);
    if (!plain) throw new Error(`${where}: the sealed secret does not open (the file was changed, or this part was moved from elsewhere)`);
    return plain.toString('utf8');
  };
  const poolId = data.pool.id;
  data.clients.forEach((c, i) => {
    if (c.secrets) opened.clientSecrets.set(c.id, JSON.parse(open(c.secrets, exportAad.clientSecrets(poolId, c.id), `clients[${i}].secrets`)) as string[]);
  });
  data.users.forEach((u, i) => {
    if (u.srp) opened.srp.set(u.sub, JSON.parse(open(u.srp, exportAad.srp(poolId, u.sub), `users[${i}].srp`)) as { salt: string; verifier: string });
    if (u.mfa.totpSecret) opened.totp.set(u.sub, open(u.mfa.totpSecret, exportAad.totp(poolId, u.sub), `users[${i}].mfa.totpSecret`));
  });
  return opened;
}

/** Checks that the export fits this server before anything is written. */
async function checkTarget(cognate: Cognate, data: PoolExport): Promise<void> {
  // Hashes are checked as `cognate users import` checks them: a form this server verifies, within
  // its cost caps, so no file can make one sign-in attempt arbitrarily expensive.
  const support = await hashSupport();
  data.users.forEach((u, i) => {
    for (const [member, hash] of [['passwordHash', u.passwordHash], ['importedPasswordHash', u.importedPasswordHash]] as const) {
      if (hash === null) continue;
      const parsed = parseImportedHash(hash, support);
      if ('reason' in parsed) throw new Error(`users[${i}].${member}: ${parsed.reason}`);
    }
  });
  const region = data.pool.id.slice(0, data.pool.id.indexOf('_'));
  const served = [cognate.config.region, ...cognate.config.extraRegions];
  if (!served.includes(region)) throw new Error(`pool ${data.pool.id} is in ${region}, which this server doesn't serve (--region ${cognate.config.region}); start it with --region ${region}`);
  if (await cognate.pools.find(data.pool.id)) throw new Error(`this server already has pool ${data.pool.id}; import recreates a pool on a server that doesn't have it`);
  for (const [i, c] of data.clients.entries()) if (await cognate.clients.find(undefined, c.id)) throw new Error(`clients[${i}]: this server already has client ${c.id}`);
  const groups = new Set(data.groups.map((g) => g.name));
  data.users.forEach((u, i) => {
    for (const g of u.groups) if (!groups.has(g)) throw new Error(`users[${i}].groups: no group ${g} in the export`);
  });
}

/** Recreates the pool (see the top of this file). */
export async function importPool(cognate: Cognate, data: PoolExport, passphrase: string | undefined): Promise<ImportResult> {
  if (data.sealing && passphrase === undefined) throw new Error("this export's secrets are sealed: give its passphrase (--passphrase-file <file> or COGNATE_EXPORT_PASSPHRASE)");
  const sealer = data.sealing && passphrase !== undefined ? openExportSealer(passphrase, data.sealing) : undefined;
  const opened = openSecrets(data, sealer);
  await checkTarget(cognate, data);

  // The stored settings are CreateUserPool's members as the source completed them: they go
  // through CreateUserPool's checks again here, under the same pool ID. The MFA members are
  // SetUserPoolMfaConfig's (CreateUserPool refuses MFA ON/OPTIONAL before factors exist): they are
  // put back as the source stored them, once the pool exists.
  const { MfaConfiguration, SmsMfaConfiguration, SoftwareTokenMfaConfiguration, EmailMfaConfiguration, WebAuthnConfiguration, ...settings } = data.pool.settings;
  const mfa = Object.fromEntries(Object.entries({ MfaConfiguration, SmsMfaConfiguration, SoftwareTokenMfaConfiguration, EmailMfaConfiguration, WebAuthnConfiguration }).filter(([, v]) => v !== undefined));
  const pool = await createUserPool(cognate, { ...(settings as unknown as CreateInput), PoolName: data.pool.name }, { id: data.pool.id });
  try {
    if (Object.keys(mfa).length > 0) await cognate.pools.patchSettings(pool.id, mfa, cognate.clock.now());
    const result: ImportResult = { poolId: pool.id, clients: 0, groups: 0, users: 0, newSecrets: [], withoutSrp: 0 };
    for (const c of data.clients) {
      const secrets = opened.clientSecrets.get(c.id) ?? [];
      const input = { ...(c.settings as object), UserPoolId: pool.id, ClientName: c.name, ...(secrets[0] !== undefined ? { ClientSecret: secrets[0] } : c.hasSecret ? { GenerateSecret: true } : {}) };
      const created = await createAppClient(cognate, input, { id: c.id });
      for (const more of secrets.slice(1)) await cognate.clients.addSecret(pool.id, c.id, more, cognate.clock.now());
      if (c.hasSecret && secrets.length === 0 && created.secret) result.newSecrets.push({ clientId: c.id, secret: created.secret });
      result.clients++;
    }
    for (const g of data.groups) {
      await createGroup(cognate, { UserPoolId: pool.id, GroupName: g.name, ...(g.description !== null ? { Description: g.description } : {}), ...(g.precedence !== null ? { Precedence: g.precedence } : {}), ...(g.roleArn !== null ? { RoleArn: g.roleArn } : {}) });
      result.groups++;
    }
    result.withoutSrp = await importUsers(cognate, pool, data, opened);
    result.users = data.users.length;
    return result;
  } catch (e) {
    await deleteUserPool(cognate, pool.id);
    throw e;
  }
}

/** Every user in one transaction; returns how many have no SRP verifier yet. */
async function importUsers(cognate: Cognate, pool: UserPool, data: PoolExport, opened: Opened): Promise<number> {
  const now = cognate.clock.now();
  let withoutSrp = 0;
  await cognate.store.transaction(async (trx) => {
    for (const u of data.users) {
      await cognate.users.insert(trx, pool, { sub: u.sub, username: u.username, status: u.status as UserStatus, attributes: new Map(Object.entries(u.attributes)) }, now);
      const srp = opened.srp.get(u.sub);
      // Without its SRP verifier the argon2id hash waits as an imported one: the first
      // USER_PASSWORD_AUTH sign-in checks it and writes a new hash and verifier (imported-passwords.ts).
      const keepsHash = srp !== undefined && u.passwordHash !== null;
      if (!keepsHash && (u.passwordHash ?? u.importedPasswordHash)) withoutSrp++;
      await writeTransferredCredentials(trx, u.sub, {
        password_hash: keepsHash ? u.passwordHash : null,
        srp_salt: keepsHash ? srp.salt : null,
        srp_verifier_sealed: keepsHash ? cognate.secrets.atRest.sealToString(Buffer.from(srp.verifier, 'hex'), `srp-verifier:${pool.id}:${u.username}`) : null,
        imported_password_hash: keepsHash ? null : (u.passwordHash ?? u.importedPasswordHash),
        created_at: u.createdAt,
      });
      if (u.status === 'FORCE_CHANGE_PASSWORD') await userStore.setTemporaryPasswordExpiry(trx, u.sub, temporaryPasswordExpiry(pool, now));
      if (!u.enabled) await userStore.disableUser(trx, u.sub, now);
      const totp = opened.totp.get(u.sub);
      const m = u.mfa;
      if (m.sms || m.email || m.totp || m.mfaOptions.length > 0 || totp) {
        await mfaStore.ensure(trx, { sub: u.sub, poolId: pool.id }, now);
        if (totp) {
          const sealed = cognate.secrets.atRest.sealToString(Buffer.from(totp), totpAad({ sub: u.sub }));
          await mfaStore.setPendingTotp(trx, u.sub, sealed, now);
          await mfaStore.promotePendingTotp(trx, u.sub, sealed, stepAt(now) - 2, now);
        }
        await mfaStore.setFactors(trx, u.sub, { sms: m.sms, email: m.email, totp: m.totp && totp !== undefined, webAuthn: false, preferred: m.preferred === 'SOFTWARE_TOKEN_MFA' && !totp ? null : m.preferred }, now);
        // After the factors: setFactors clears the legacy MFAOptions of a user without SMS MFA.
        if (m.mfaOptions.length > 0) await mfaStore.setOptions(trx, u.sub, JSON.stringify(m.mfaOptions), now);
      }
      for (const g of u.groups) await addMembership(trx, { pool_id: pool.id, group_name: g, user_id: u.sub, created_at: now });
    }
  });
  return withoutSrp;
}
