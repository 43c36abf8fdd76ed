import { type Kysely, type Migration } from 'kysely';

export default {
  async up(db: Kysely<any>) {
    // Signing-key rotation: when a retired key leaves the pool's JWKS (and the table), set when it
    // is retired to the moment the last token it signed has expired (domain/signing-keys.ts).
    await db.schema.alterTable('signing_keys').addColumn('unpublish_at', 'bigint').execute();
  },
} satisfies Migration;
