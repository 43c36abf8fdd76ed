import { type Kysely, type Migration } from 'kysely';

export default {
  async up(db: Kysely<any>) {
    // Case-sensitive pools now compare canonically equivalent usernames as equal (NFC; see
    // usernameKey): re-key the stored ones that weren't in NFC. A key that would collide with
    // another user's stays as it was, so no account becomes unreachable.
    const pools = (await db.selectFrom('user_pools').select(['id', 'settings']).execute()) as { id: string; settings: string }[];
    for (const pool of pools) {
      if (JSON.parse(pool.settings)?.UsernameConfiguration?.CaseSensitive !== true) continue;
      const rows = (await db.selectFrom('users').select(['id', 'username_key']).where('pool_id', '=', pool.id).execute()) as { id: string; username_key: string }[];
      const taken = new Set(rows.map((r) => r.username_key));
      for (const row of rows) {
        const nfc = row.username_key.normalize('NFC');
        if (nfc === row.username_key || taken.has(nfc)) continue;
        await db.updateTable('users').set({ username_key: nfc }).where('id', '=', row.id).execute();
        taken.add(nfc);
      }
    }
  },
} satisfies Migration;
