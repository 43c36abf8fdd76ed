/**
 * The writes `cognate import` (devflow/import.ts) needs beyond the users repository's: a moved
 * user's credentials exactly as the source server held them (an argon2id hash with its SRP
 * verifier, or an imported hash waiting for its first sign-in), and the time the user was created.
 */
import type { Executor } from './db.js';

export interface TransferredCredentials {
  password_hash: string | null;
  srp_salt: string | null;
  srp_verifier_sealed: string | null;
  imported_password_hash: string | null;
  created_at: number;
}

/** Writes a just-inserted user's credentials and creation time as the export carried them. */
export async function writeTransferredCredentials(db: Executor, sub: string, credentials: TransferredCredentials): Promise<void> {
  await db.updateTable('users').set(credentials).where('id', '=', sub).execute();
}
