/**
 * A user's registered passkeys: ListWebAuthnCredentials, DeleteWebAuthnCredential (access token),
 * and `hasPasskeys` for the sign-in flows that offer WEB_AUTHN. Rows: store/webauthn-credentials.ts.
 */
import { errors } from '../../errors.js';
import * as credentialStore from '../../store/webauthn-credentials.js';
import type { WebAuthnCredentialRow } from '../../store/webauthn-credentials.js';
import type { Ports } from '../cognate.js';
import { openPageToken, sealPageToken } from '../page-tokens.js';
import type { User } from '../users.js';
import type { UserPool } from '../user-pools.js';

/** Passkeys one user may have (Cognito's quota: 20 per user). */
export const MAX_CREDENTIALS_PER_USER = 20;

/** The WebAuthn user handle: the user's sub, base64url (an assertion's userHandle names the user). */
export const userHandle = (user: Pick<User, 'sub'>): string => Buffer.from(user.sub, 'utf8').toString('base64url');

const TRANSPORTS = new Set(['usb', 'nfc', 'ble', 'smart-card', 'hybrid', 'internal']);

/** The transports the browser reported that WebAuthn defines (others are dropped). */
export function knownTransports(value: unknown): string[] {
  return Array.isArray(value) ? [...new Set(value.filter((t): t is string => typeof t === 'string' && TRANSPORTS.has(t)))] : [];
}

/** A few passkey providers by AAGUID, for FriendlyCredentialName (Cognito generates it from the provider). */
const PROVIDERS: Record<string, string> = {
  'fbfc3007-154e-4ecc-8c0b-6e020557d7bd': 'iCloud Keychain',
  'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4': 'Google Password Manager',
  'adce0002-35bc-c60a-648b-0b25f1f05503': 'Chrome on Mac',
  '08987058-cadc-4b81-b6e1-30de50dcbe96': 'Windows Hello',
  '9ddd1817-af5a-4672-a2b9-3e3dd95000a9': 'Windows Hello',
  '6028b017-b1d4-4c02-b4b3-afcdafc96bb2': 'Windows Hello',
  'd548826e-79b4-db40-a3d8-11116f7e8349': 'Bitwarden',
  'bada5566-a7aa-401f-bd96-45619a55120d': '1Password',
};

export function friendlyName(aaguid: string, attachment: string | null): string {
  return PROVIDERS[aaguid] ?? (attachment === 'cross-platform' ? 'Security key' : 'Passkey');
}

/** WebAuthnCredentialDescription. */
const description = (r: WebAuthnCredentialRow) => ({
  CredentialId: r.credential_id,
  FriendlyCredentialName: r.friendly_name,
  RelyingPartyId: r.relying_party_id,
  ...(r.authenticator_attachment ? { AuthenticatorAttachment: r.authenticator_attachment } : {}),
  AuthenticatorTransports: JSON.parse(r.transports) as string[],
  CreatedAt: Math.floor(Number(r.created_at) / 1000),
});

/** ListWebAuthnCredentials: oldest first; MaxResults 1–20 (0 or absent: 20), NextToken sealed to this user. */
export async function listWebAuthnCredentials(cognate: Ports<'clock' | 'secrets' | 'store'>, pool: UserPool, user: User, maxResults: number | undefined, nextToken: string | undefined) {
  const n = maxResults === undefined || maxResults === 0 ? MAX_CREDENTIALS_PER_USER : maxResults;
  const scope = ['ListWebAuthnCredentials', pool.id, user.sub];
  const after = nextToken !== undefined ? (openPageToken(cognate, scope, nextToken, ['number', 'string']) as [number, string]) : undefined;
  const rows = await credentialStore.listForUser(cognate.store.db, user.sub, n + 1, after);
  const page = rows.slice(0, n);
  const last = page[page.length - 1];
  return {
    Credentials: page.map(description),
    ...(rows.length > n && last ? { NextToken: sealPageToken(cognate, scope, [Number(last.created_at), last.credential_id]) } : {}),
  };
}

/** DeleteWebAuthnCredential: one of the caller's own passkeys (another user's is as unknown as none). */
export async function deleteWebAuthnCredential(cognate: Ports<'store'>, user: User, credentialId: string): Promise<void> {
  if (!(await credentialStore.removeForUser(cognate.store.db, user.sub, credentialId))) throw errors.resourceNotFound('Credential not found.');
}

/** Whether the user has a passkey (USER_AUTH's AvailableChallenges offers WEB_AUTHN only then). */
export async function hasPasskeys(cognate: Ports<'store'>, user: Pick<User, 'sub'>): Promise<boolean> {
  return (await credentialStore.countForUser(cognate.store.db, user.sub)) > 0;
}
