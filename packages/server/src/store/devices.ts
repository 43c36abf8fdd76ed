/**
 * Devices: the devices a user signed in from (device key, group, SRP verifier, name, remembered
 * status, last use), one row per device key.
 */
import type { Executor } from './db.js';

/** Every remembered device of the user becomes not remembered (they stay tracked). */
export async function unrememberAllForUser(db: Executor, sub: string, now: number): Promise<void> {
  await db.updateTable('devices').set({ remembered: 0, updated_at: now }).where('user_id', '=', sub).where('remembered', '=', 1).execute();
}
