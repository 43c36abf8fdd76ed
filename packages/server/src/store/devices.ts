/**
 * Devices: the devices a user signed in from (device key, group key, device SRP salt and sealed
 * verifier, name, remembered status, confirmation and last use), one row per device key. A device
 * key is globally unique; callers check that the row is their user's (and pool's).
 */
import type { Insertable, Selectable } from 'kysely';
import type { Executor } from './db.js';
import type { DevicesTable } from './schema.js';

export type DeviceRow = Selectable<DevicesTable>;

export async function find(db: Executor, deviceKey: string): Promise<DeviceRow | undefined> {
  return db.selectFrom('devices').selectAll().where('device_key', '=', deviceKey).executeTakeFirst();
}

/** Whether `deviceKey` is one of the user's devices (confirmed or not). */
export async function belongsTo(db: Executor, sub: string, deviceKey: string): Promise<boolean> {
  return (await db.selectFrom('devices').select('device_key').where('device_key', '=', deviceKey).where('user_id', '=', sub).executeTakeFirst()) !== undefined;
}

export async function insert(db: Executor, row: Insertable<DevicesTable>): Promise<void> {
  await db.insertInto('devices').values(row).execute();
}

/** Drops the user's devices that were never confirmed and were created before `before`. */
export async function pruneUnconfirmed(db: Executor, sub: string, before: number): Promise<void> {
  await db.deleteFrom('devices').where('user_id', '=', sub).where('confirmed_at', 'is', null).where('created_at', '<', before).execute();
}

/** Records a sign-in the device authenticated. */
export async function touchAuthenticated(db: Executor, deviceKey: string, now: number): Promise<void> {
  await db.updateTable('devices').set({ last_authenticated_at: now }).where('device_key', '=', deviceKey).execute();
}

/** ConfirmDevice's write, only while the device is unconfirmed. True when it was this call that confirmed it. */
export async function confirm(db: Executor, deviceKey: string, p: { name: string | null; salt: string; verifierSealed: string; remembered: boolean }, now: number): Promise<boolean> {
  const result = await db
    .updateTable('devices')
    .set({ name: p.name, salt: p.salt, verifier_sealed: p.verifierSealed, remembered: p.remembered ? 1 : 0, confirmed_at: now, updated_at: now })
    .where('device_key', '=', deviceKey)
    .where('confirmed_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** One page of the user's confirmed devices in (created_at, device_key) order, after `after` if given; `limit` rows at most. */
export async function listConfirmed(db: Executor, sub: string, limit: number, after?: [createdAt: number, deviceKey: string]): Promise<DeviceRow[]> {
  let q = db.selectFrom('devices').selectAll().where('user_id', '=', sub).where('confirmed_at', 'is not', null).orderBy('created_at').orderBy('device_key').limit(limit);
  if (after) {
    const [createdAt, key] = after;
    q = q.where((eb) => eb.or([eb('created_at', '>', createdAt), eb.and([eb('created_at', '=', createdAt), eb('device_key', '>', key)])]));
  }
  return q.execute();
}

export async function setRemembered(db: Executor, deviceKey: string, remembered: boolean, now: number): Promise<void> {
  await db.updateTable('devices').set({ remembered: remembered ? 1 : 0, updated_at: now }).where('device_key', '=', deviceKey).execute();
}

/** Deletes the user's device `deviceKey` (nothing when it is someone else's). */
export async function remove(db: Executor, sub: string, deviceKey: string): Promise<void> {
  await db.deleteFrom('devices').where('device_key', '=', deviceKey).where('user_id', '=', sub).execute();
}

/** Every remembered device of the user becomes not remembered (they stay tracked). */
export async function unrememberAllForUser(db: Executor, sub: string, now: number): Promise<void> {
  await db.updateTable('devices').set({ remembered: 0, updated_at: now }).where('user_id', '=', sub).where('remembered', '=', 1).execute();
}
