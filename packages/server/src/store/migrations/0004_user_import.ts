import { type Kysely, type Migration } from 'kysely';

export default {
  async up(db: Kysely<any>) {
    // A foreign password hash from `cognate users import`, verified and replaced at first sign-in.
    await db.schema.alterTable('users').addColumn('imported_password_hash', 'text').execute();

    // CreateUserImportJob … StartUserImportJob. The uploaded CSV lives here (not on a node's disk)
    // so any node behind the load balancer can take the upload and another can run the job.
    await db.schema
      .createTable('user_import_jobs')
      .addColumn('id', 'varchar(55)', (c) => c.primaryKey().notNull())
      .addColumn('pool_id', 'varchar(55)', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
      .addColumn('name', 'varchar(128)', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('cloudwatch_logs_role_arn', 'varchar(2048)', (c) => c.notNull())
      .addColumn('password_hashing_algorithm', 'varchar(16)')
      .addColumn('csv', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('started_at', 'bigint')
      .addColumn('completed_at', 'bigint')
      .addColumn('imported_users', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('skipped_users', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('failed_users', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('completion_message', 'varchar(512)')
      .execute();
    await db.schema.createIndex('user_import_jobs_pool').on('user_import_jobs').columns(['pool_id', 'created_at', 'id']).execute();
  },
} satisfies Migration;
