import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Database, openPglite, openPostgres } from '../../server/db/connect';
import { migrateToLatest, MIGRATIONS_DIR } from '../../server/db/migrate';

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
  const name = databaseName(label);
  const admin = openPostgres({ url: adminUrl, poolMax: 1 });
  await admin.knex.raw(`CREATE DATABASE "${name}"`);
  await admin.close();
  return withDrop(adminUrl, name);
}

/**
 * A fresh database for one test file with every migration applied, as `createTestDatabase()` then
 * `migrateToLatest()` would leave it — but copied from a template migrated once: on PostgreSQL a template
 * database (`CREATE DATABASE … TEMPLATE`), on PGlite a dump of a migrated data directory in the temp
 * directory (a fresh PGlite spends ~4 s in initdb and ~2 s migrating; loading a dump ~1 s). Templates are
 * named by a hash of the migrations and the lockfile, so a changed migration or PGlite builds a new one;
 * `hubwatch_tpl_*` databases and `hubwatch-test-pglite-*.tar` files may be deleted between runs.
 */
export async function createMigratedTestDatabase(label = 'hw'): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) return openPglite(undefined, { loadDataDir: await pgliteTemplate() });
  const template = await postgresTemplate(adminUrl);
  const name = databaseName(label);
  const admin = openPostgres({ url: adminUrl, poolMax: 1 });
  try {
    await admin.knex.raw(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  } finally {
    await admin.close();
  }
  return withDrop(adminUrl, name);
}

function databaseName(label: string): string {
  return `${label}_${process.pid}_${randomBytes(4).toString('hex')}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

function withDrop(adminUrl: string, name: string): TestDatabase {
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

/** What a migrated template depends on: every migration file, and the lockfile (the PGlite and knex versions). */
function templateKey(): string {
  const hash = createHash('sha256');
  for (const file of fs.readdirSync(MIGRATIONS_DIR).sort()) {
    hash.update(file);
    hash.update(fs.readFileSync(path.join(MIGRATIONS_DIR, file)));
  }
  hash.update(fs.readFileSync(path.resolve(__dirname, '../../package-lock.json')));
  return hash.digest('hex').slice(0, 16);
}

/**
 * The migrated template database on the server, built once under an advisory lock (jest's workers ask at
 * the same time). It is marked `IS_TEMPLATE` only once migrated: a run killed half-way leaves a
 * `…_building` database that the next run drops and builds again.
 */
async function postgresTemplate(adminUrl: string): Promise<string> {
  const name = `hubwatch_tpl_${templateKey()}`;
  const building = `${name}_building`;
  const admin = openPostgres({ url: adminUrl, poolMax: 1 });
  try {
    await admin.knex.raw('select pg_advisory_lock(hashtext(?))', ['hubwatch test template']);
    try {
      const ready = await admin.knex.raw('select 1 from pg_database where datname = ? and datistemplate', [name]);
      if (ready.rows.length === 0) {
        await admin.knex.raw(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
        await admin.knex.raw(`CREATE DATABASE "${building}"`);
        const url = new URL(adminUrl);
        url.pathname = `/${building}`;
        const db = openPostgres({ url: url.toString(), poolMax: 1 });
        try {
          await migrateToLatest(db.knex);
        } finally {
          await db.close();
        }
        await admin.knex.raw(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await admin.knex.raw(`ALTER DATABASE "${building}" RENAME TO "${name}"`);
        await admin.knex.raw(`ALTER DATABASE "${name}" IS_TEMPLATE true`);
      }
    } finally {
      await admin.knex.raw('select pg_advisory_unlock(hashtext(?))', ['hubwatch test template']);
    }
  } finally {
    await admin.close();
  }
  return name;
}

/** The migrated PGlite data directory as a tarball, built by the first test file that needs it (written whole, then renamed). */
async function pgliteTemplate(): Promise<Blob> {
  const file = path.join(os.tmpdir(), `hubwatch-test-pglite-${templateKey()}.tar`);
  if (!fs.existsSync(file)) {
    const db = await openPglite();
    try {
      await migrateToLatest(db.knex);
      const dump = await db.dumpDataDir!();
      const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
      fs.writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
      fs.renameSync(partial, file);
    } finally {
      await db.close();
    }
  }
  return new Blob([fs.readFileSync(file)]);
}
