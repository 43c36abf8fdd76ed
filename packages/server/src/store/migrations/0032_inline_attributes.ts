import { PostgresAdapter, sql, type Kysely, type Migration } from 'kysely';

export default {
  async up(db: Kysely<any>) {
    const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
    // A copy of the user's attributes in their own row, as a JSON array of [name, value] pairs in
    // name order (store/users.ts keeps it, in the transaction of every attribute write). Reading a
    // user is then one row, and a ListUsers page one row per listed user, instead of the rows of
    // user_attributes too, which at a million users are pages scattered across the file. The
    // attribute table stays: its indexes answer the searches by value.
    await db.schema.alterTable('users').addColumn('attributes', 'text', (c) => c.notNull().defaultTo('[]')).execute();
    const pairs = postgres
      ? sql`(select coalesce(json_agg(json_build_array(a.name, a.value) order by a.name collate "C")::text, '[]') from user_attributes a where a.user_id = users.id)`
      : sql`(select json_group_array(json_array(a.name, a.value) order by a.name) from user_attributes a where a.user_id = users.id)`;
    await sql`update users set attributes = ${pairs} where exists (select 1 from user_attributes a where a.user_id = users.id)`.execute(db);

    // The case-folded search index ends with user_id, the order's tie-break, so a page is read in
    // index order without a sort; on SQLite the value indexes also cover the search (the matches'
    // ids come from the index alone, and the users row is the only other read per match).
    // PostgreSQL's user_attributes_value_c stays as it is: given user_id it could answer a search
    // with an index-only scan, and before the first ANALYZE of a freshly imported pool the planner
    // took that scan of every value in the pool (filtered) for a case-folded prefix, over the
    // folded index's range (the bench's ListUsers at a million users timed out).
    if (postgres) {
      await sql`drop index user_attributes_folded`.execute(db);
      await sql`create index user_attributes_folded on user_attributes (pool_id, name, (lower(value collate "C")), user_id)`.execute(db);
    } else {
      await sql`drop index user_attributes_lookup`.execute(db);
      await sql`drop index user_attributes_folded`.execute(db);
      await sql`create index user_attributes_lookup on user_attributes (pool_id, name, value, user_id)`.execute(db);
      await sql`create index user_attributes_folded on user_attributes (pool_id, name, lower(value), user_id)`.execute(db);
    }
  },
} satisfies Migration;
