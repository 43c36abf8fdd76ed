/**
 * The runner leases repository: which worker or node runs a background job of which only one may
 * run against a database at a time (domain/runner-lease.ts). Taking and renewing are one statement
 * each, so two contenders can't both win.
 */
import type { Executor } from './db.js';

/**
 * Takes the lease `name` for `holder` until `expiresAt`, or renews it, if nobody else holds it
 * (no row, the caller's own row, or a lapsed one: `expires_at < now`). Returns whether the caller holds it now.
 */
export async function takeLease(db: Executor, name: string, holder: string, now: number, expiresAt: number): Promise<boolean> {
  const result = await db
    .insertInto('runner_leases')
    .values({ name, holder, expires_at: expiresAt })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ holder, expires_at: expiresAt })
        .where((eb) => eb.or([eb('runner_leases.holder', '=', holder), eb('runner_leases.expires_at', '<', now)])),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** Gives the lease back, if `holder` still holds it, so another contender takes it at its next try. */
export async function releaseLease(db: Executor, name: string, holder: string): Promise<void> {
  await db.deleteFrom('runner_leases').where('name', '=', name).where('holder', '=', holder).execute();
}

/** Who holds `name` and until when (tests, diagnostics). */
export async function leaseHolder(db: Executor, name: string): Promise<{ holder: string; expires_at: number } | undefined> {
  return db.selectFrom('runner_leases').select(['holder', 'expires_at']).where('name', '=', name).executeTakeFirst();
}
