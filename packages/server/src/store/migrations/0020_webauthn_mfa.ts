import { type Kysely, type Migration } from 'kysely';

export default {
  async up(db: Kysely<any>) {
    // SetUserMFAPreference's WebAuthnMfaSettings: the user turned passkey MFA on (their passkey
    // sign-ins must verify the user, and stand for both factors where MFA is required).
    await db.schema.alterTable('user_mfa').addColumn('webauthn_mfa_enabled', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  },
} satisfies Migration;
