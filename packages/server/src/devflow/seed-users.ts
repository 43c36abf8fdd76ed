/**
 * The users of a seed file (devflow/seed.ts): created through AdminCreateUser (then
 * AdminSetUserPassword for a permanent password) or, for an unconfirmed user, SignUp through one
 * of the pool's clients, as the API would; then attributes, enabled, groups and MFA. An existing
 * user is brought to what the file says about them, member by member.
 */
import type { AppClient } from '../domain/app-clients.js';
import { secretHash } from '../domain/app-clients.js';
import { adminCreateUser } from '../domain/admin-create-user.js';
import { adminSetUserPassword } from '../domain/admin-user-passwords.js';
import { adminConfirmSignUp, adminDisableUser, adminEnableUser } from '../domain/admin-users.js';
import { adminUpdateUserAttributes } from '../domain/admin-user-attributes.js';
import { addUserToGroup } from '../domain/groups.js';
import { readUserMfa, setMfaPreference, totpAad, type MfaPreferenceInput } from '../domain/mfa.js';
import { signUp } from '../domain/sign-up.js';
import { stepAt } from '../domain/totp.js';
import type { User } from '../domain/users.js';
import type { UserPool } from '../domain/user-pools.js';
import type { Cognate } from '../domain/cognate.js';
import { groupRowsOfUser } from '../store/groups.js';
import * as mfaStore from '../store/mfa.js';
import { SeedFileError, type SeedPool, type SeedUser } from './seed-file.js';
import { act, type SeedContext } from './seed-report.js';

/** The file-level checks of one user (seed.ts checkSeed): references and combinations. */
export function checkSeedUser(u: SeedUser, at: string, known: { groups: ReadonlySet<string>; clients: ReadonlySet<string>; hasClients: boolean }): void {
  for (const [k, g] of (u.groups ?? []).entries()) if (!known.groups.has(g)) throw new SeedFileError(`${at}.groups[${k}]: no group ${g} in this pool's groups`);
  if (u.confirmed === false) {
    if (u.password === undefined) throw new SeedFileError(`${at}.password: an unconfirmed user signs up, which needs a password`);
    if (u.temporaryPassword) throw new SeedFileError(`${at}.temporaryPassword: an unconfirmed user signs up with a permanent password`);
    if (u.client !== undefined && !known.clients.has(u.client)) throw new SeedFileError(`${at}.client: no client ${u.client} in this pool's clients`);
    if (u.client === undefined && !known.hasClients) throw new SeedFileError(`${at}.client: an unconfirmed user signs up through a client, and this pool has none in the file`);
  } else if (u.client !== undefined) {
    throw new SeedFileError(`${at}.client: only an unconfirmed user (confirmed: false) signs up through a client`);
  }
  if (u.mfa?.totp === true && !u.mfa.totpSecret) throw new SeedFileError(`${at}.mfa.totp: software token MFA needs mfa.totpSecret`);
}

const attributeList = (attrs: Record<string, string> | undefined) => Object.entries(attrs ?? {}).map(([Name, Value]) => ({ Name, Value }));

/** Creates a user the file names and the pool lacks. */
async function createUser(cognate: Cognate, pool: UserPool, p: SeedPool, u: SeedUser, clients: readonly AppClient[]): Promise<User> {
  if (u.confirmed === false) {
    const named = u.client ?? p.clients![0]!.ClientName;
    const client = clients.find((c) => c.id === named || c.name === named)!;
    await signUp(cognate, {
      ClientId: client.id,
      ...(client.secret ? { SecretHash: secretHash(client.secret, u.Username, client.id) } : {}),
      Username: u.Username,
      Password: u.password!,
      UserAttributes: attributeList(u.attributes),
    });
  } else {
    await adminCreateUser(cognate, { UserPoolId: pool.id, Username: u.Username, UserAttributes: attributeList(u.attributes), MessageAction: 'SUPPRESS', ...(u.password ? { TemporaryPassword: u.password } : {}) });
    if (u.password && !u.temporaryPassword) await adminSetUserPassword(cognate, { UserPoolId: pool.id, Username: u.Username, Password: u.password, Permanent: true });
  }
  return (await cognate.users.findByUsername(pool, u.Username))!;
}

/** Makes `secret` the user's software token (AssociateSoftwareToken + VerifySoftwareToken's end state), sealed as theirs are. */
async function setTotpSecret(cognate: Cognate, user: User, secret: string): Promise<void> {
  const now = cognate.clock.now();
  const sealed = cognate.secrets.atRest.sealToString(Buffer.from(secret), totpAad(user));
  await cognate.store.transaction(async (trx) => {
    await mfaStore.ensure(trx, user, now);
    await mfaStore.setPendingTotp(trx, user.sub, sealed, now);
    // No step used yet: every code of the current window is accepted once.
    await mfaStore.promotePendingTotp(trx, user.sub, sealed, stepAt(now) - 2, now);
  });
}

/** The MFA members of a seeded user that differ from the stored ones. */
async function mfaChanges(cognate: Cognate, user: User, m: NonNullable<SeedUser['mfa']>): Promise<string[]> {
  const have = await readUserMfa(cognate.store.db, user.sub);
  const changes: string[] = [];
  if (m.totpSecret !== undefined) {
    const stored = have.totpSecretSealed ? cognate.secrets.atRest.openString(have.totpSecretSealed, totpAad(user))?.toString() : undefined;
    if (stored !== m.totpSecret) changes.push('mfa.totpSecret');
  }
  if (m.sms !== undefined && m.sms !== have.sms) changes.push('mfa.sms');
  if (m.email !== undefined && m.email !== have.email) changes.push('mfa.email');
  if (m.totp !== undefined && m.totp !== have.totp) changes.push('mfa.totp');
  if (m.preferred !== undefined && m.preferred !== have.preferred) changes.push('mfa.preferred');
  return changes;
}

async function applyMfa(cognate: Cognate, pool: UserPool, user: User, m: NonNullable<SeedUser['mfa']>): Promise<void> {
  if (m.totpSecret !== undefined) await setTotpSecret(cognate, user, m.totpSecret);
  const setting = (on: boolean | undefined, type: string) => (on === undefined && m.preferred !== type ? undefined : { Enabled: on ?? true, PreferredMfa: m.preferred === type });
  const input: MfaPreferenceInput = {};
  const sms = setting(m.sms, 'SMS_MFA');
  const totp = setting(m.totp, 'SOFTWARE_TOKEN_MFA');
  const email = setting(m.email, 'EMAIL_OTP');
  if (sms) input.SMSMfaSettings = sms;
  if (totp) input.SoftwareTokenMfaSettings = totp;
  if (email) input.EmailMfaSettings = email;
  if (Object.keys(input).length > 0) await setMfaPreference(cognate, pool, (await cognate.users.findBySub(pool.id, user.sub))!, input);
}

/** Brings one user to what the file says (see the top of this file). */
export async function seedUser(ctx: SeedContext, pool: UserPool | undefined, p: SeedPool, u: SeedUser, at: string, clients: readonly AppClient[]): Promise<void> {
  const { cognate } = ctx;
  const what = `user ${u.Username} of ${p.PoolName}`;
  const existing = pool ? await cognate.users.findByUsername(pool, u.Username) : undefined;
  const rest = async (user: User, changes: readonly string[] | 'all') => {
    const all = changes === 'all';
    if ((all && u.enabled === false) || changes.includes('enabled')) await (u.enabled === false ? adminDisableUser : adminEnableUser)(cognate, { UserPoolId: pool!.id, Username: u.Username });
    for (const g of u.groups ?? []) await addUserToGroup(cognate, { UserPoolId: pool!.id, Username: u.Username, GroupName: g });
    if (u.mfa && (all || changes.some((c) => c.startsWith('mfa.')))) await applyMfa(cognate, pool!, user, u.mfa);
  };
  if (!existing) {
    await act(ctx, what, 'created', async () => {
      const user = await createUser(cognate, pool!, p, u, clients);
      await rest(user, 'all');
    });
    return;
  }
  const changes: string[] = [];
  const attributes = Object.entries(u.attributes ?? {}).filter(([k, v]) => existing.attributes.get(k) !== v);
  if (attributes.length > 0) changes.push(...attributes.map(([k]) => `attributes.${k}`));
  const wantsConfirmed = u.confirmed !== false && !u.temporaryPassword;
  if (wantsConfirmed && existing.status === 'UNCONFIRMED') changes.push('confirmed');
  // A permanent password in the file: set it when the stored one differs or is still temporary.
  if (u.password !== undefined && !u.temporaryPassword && existing.status !== 'UNCONFIRMED') {
    if (existing.status === 'FORCE_CHANGE_PASSWORD' || !(await cognate.hasher.verify(existing.passwordHash, u.password))) changes.push('password');
  }
  if (u.enabled !== undefined && u.enabled !== existing.enabled) changes.push('enabled');
  const inGroups = new Set((await groupRowsOfUser(cognate.store.db, existing.poolId, existing.sub)).map((g) => g.name));
  for (const g of u.groups ?? []) if (!inGroups.has(g)) changes.push(`groups.${g}`);
  if (u.mfa) changes.push(...(await mfaChanges(cognate, existing, u.mfa)));
  await act(
    ctx,
    what,
    changes.length > 0 ? 'updated' : 'unchanged',
    async () => {
      const input = { UserPoolId: pool!.id, Username: u.Username };
      if (attributes.length > 0) await adminUpdateUserAttributes(cognate, { ...input, UserAttributes: attributes.map(([Name, Value]) => ({ Name, Value })) });
      if (changes.includes('confirmed')) await adminConfirmSignUp(cognate, input);
      if (changes.includes('password')) await adminSetUserPassword(cognate, { ...input, Password: u.password!, Permanent: true });
      await rest(existing, changes);
    },
    changes,
  );
}
