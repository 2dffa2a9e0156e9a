import { randomBytes } from 'node:crypto';
import { Database, openPglite, openPostgres } from '../../server/db/connect';

/**
 * A fresh, empty database for one test file: in-memory PGlite by default, or — when
 * TEST_DATABASE_URL points at a PostgreSQL server (CI does) — a new database created on that
 * server and dropped afterwards. Tests never share state across files.
 */
export interface TestDatabase extends Database {
  /** Connection URL of the created PostgreSQL database (undefined on PGlite). */
  url?: string;
}

export function usingRealPostgres(): boolean {
  return Boolean(process.env.TEST_DATABASE_URL);
}

export async function createTestDatabase(label = 'hw'): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) return openPglite();
  const name = `${label}_${process.pid}_${randomBytes(4).toString('hex')}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const admin = openPostgres({ url: adminUrl, poolMax: 1 });
  await admin.knex.raw(`CREATE DATABASE "${name}"`);
  await admin.close();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = openPostgres({ url: url.toString(), poolMax: 10 });
  return {
    ...db,
    url: url.toString(),
    close: async () => {
      await db.close();
      const again = openPostgres({ url: adminUrl, poolMax: 1 });
      await again.knex.raw(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await again.close();
    },
  };
}
