import { type Kysely, type Migration } from 'kysely';

export default {
  async up(db: Kysely<any>) {
    // What an auth event was, where EventType doesn't say: 'refresh' for a token refresh (a SignIn
    // that proves nothing and so never makes an address or device known). Null: a sign-in proper.
    await db.schema.alterTable('auth_events').addColumn('source', 'varchar(16)').execute();
  },
} satisfies Migration;
