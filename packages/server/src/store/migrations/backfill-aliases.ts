import type { Kysely } from 'kysely';
import { aliasSettings, hasAliases, syncAliases } from '../../domain/aliases.js';

/**
 * Gives the users already stored the aliases they hold (0005_aliases). Where two of them hold the
 * same verified value, the older keeps it and the newer's value becomes unverified, so the rule
 * "one verified holder" holds from the start.
 */
export async function backfillAliases(db: Kysely<any>): Promise<void> {
  const pools = (await db.selectFrom('user_pools').select(['id', 'settings']).execute()) as { id: string; settings: string }[];
  for (const pool of pools) {
    const settings = aliasSettings(JSON.parse(pool.settings));
    if (!hasAliases(settings)) continue;
    let after: { created_at: number; id: string } | undefined;
    for (;;) {
      let q = db.selectFrom('users').select(['id', 'status', 'created_at']).where('pool_id', '=', pool.id).orderBy('created_at').orderBy('id').limit(500);
      if (after) {
        const { created_at, id } = after;
        q = q.where((eb) => eb.or([eb('created_at', '>', created_at), eb.and([eb('created_at', '=', created_at), eb('id', '>', id)])]));
      }
      const users = (await q.execute()) as { id: string; status: string; created_at: number }[];
      if (users.length === 0) break;
      const attrs = (await db.selectFrom('user_attributes').select(['user_id', 'name', 'value']).where('user_id', 'in', users.map((u) => u.id)).execute()) as { user_id: string; name: string; value: string }[];
      for (const user of users) {
        const attributes = new Map(attrs.filter((a) => a.user_id === user.id).map((a) => [a.name, a.value]));
        await syncAliases(db, { poolId: pool.id, settings, sub: user.id, status: user.status, attributes, mode: 'yield', now: user.created_at });
      }
      after = users[users.length - 1];
    }
  }
}
