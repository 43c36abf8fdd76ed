// PostgreSQL for the tests. scripts/run-tests.mjs starts one throwaway cluster
// per run and passes its URL as COGNATE_TEST_PG_URL; every suite that wants
// PostgreSQL creates its own database in it, so test files running in
// parallel never see each other's data.
//
//   for (const kind of databaseKinds) {
//     describe(`users (${kind})`, () => {
//       let db: TestDatabase | undefined;
//       before(async () => { if (kind === 'postgres') db = await createTestDatabase(); });
//       after(() => db?.drop());
//       ...
//     });
//   }

import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestDatabase {
  /** URL of the new, empty database (same server and credentials as COGNATE_TEST_PG_URL). */
  url: string;
  /** Ends every connection to the database and drops it. Safe to call twice. */
  drop(): Promise<void>;
}

/** The PostgreSQL server the tests may use, or undefined when none is configured. */
export const testPostgresUrl: string | undefined = process.env.COGNATE_TEST_PG_URL || undefined;

/** The databases every black-box suite should run on. */
export const databaseKinds: Array<'sqlite' | 'postgres'> = testPostgresUrl ? ['sqlite', 'postgres'] : ['sqlite'];

/**
 * Creates a fresh database named `cognate_t_<random>` on the test server and
 * returns its URL, or undefined when no PostgreSQL is configured.
 */
export async function createTestDatabase(): Promise<TestDatabase | undefined> {
  if (!testPostgresUrl) return undefined;
  const name = `cognate_t_${randomBytes(8).toString('hex')}`;
  // template0 because nobody can be connected to it: CREATE DATABASE from a
  // template someone is connected to fails ("source database is being accessed
  // by other users"), which parallel test files could otherwise provoke.
  await withAdmin((client) => client.query(`CREATE DATABASE ${quote(name)} TEMPLATE template0`));

  const url = new URL(testPostgresUrl);
  url.pathname = `/${name}`;
  let dropped: Promise<void> | undefined;
  return {
    url: url.toString(),
    drop: () =>
      (dropped ??= withAdmin(async (client) => {
        // A pool the test forgot to close would make DROP DATABASE fail, so
        // end those sessions first. (PostgreSQL 13+ could say WITH (FORCE);
        // this works on any version.)
        await client.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [name],
        );
        await client.query(`DROP DATABASE IF EXISTS ${quote(name)}`);
      })),
  };
}

/** Runs `work` on a short-lived connection to the server's maintenance database. */
async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  // A Client rather than a Pool: an idle pool would keep the test process alive.
  const client = new pg.Client({ connectionString: testPostgresUrl, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}
