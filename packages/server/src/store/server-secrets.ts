/**
 * The server secrets repository: named random secrets, sealed under the master key. The first
 * node to insert a name wins; the others read what it wrote.
 */
import type { Executor } from './db.js';

export async function findServerSecret(db: Executor, name: string): Promise<string | undefined> {
  const row = await db.selectFrom('server_secrets').select('value_sealed').where('name', '=', name).executeTakeFirst();
  return row?.value_sealed;
}

/** Inserts the secret unless one of this name exists already (then nothing changes). */
export async function insertServerSecretIfAbsent(db: Executor, name: string, valueSealed: string, now: number): Promise<void> {
  await db.insertInto('server_secrets').values({ name, value_sealed: valueSealed, created_at: now }).onConflict((oc) => oc.column('name').doNothing()).execute();
}
