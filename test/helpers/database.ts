import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
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
  await admin.knex.raw(asyncCommits(name));
  await admin.close();
  return withDrop(adminUrl, name);
}

/**
 * A fresh database for one test file with every migration applied, as `createTestDatabase()` then
 * `migrateToLatest()` would leave it — but copied from a template migrated once: on PostgreSQL a template
 * database (`CREATE DATABASE … TEMPLATE`), on PGlite a dump of a migrated data directory in the temp
 * directory (a fresh PGlite spends ~4 s in initdb and ~2 s migrating; loading a dump ~1 s). Templates are
 * named by a hash of the migrations and the lockfile, so a changed migration or PGlite builds a new one;
 * `hubwatch_tpl_*` databases and `hubwatch-test-pglite-*.tar` files may be deleted between runs; building a new one
 * drops those of other hashes older than a day.
 */
export async function createMigratedTestDatabase(label = 'hw'): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) return openPglite(undefined, { loadDataDir: await pgliteTemplate() });
  const template = await postgresTemplate(adminUrl);
  const name = databaseName(label);
  const admin = openPostgres({ url: adminUrl, poolMax: 1 });
  try {
    await admin.knex.raw(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
    await admin.knex.raw(asyncCommits(name));
  } finally {
    await admin.close();
  }
  return withDrop(adminUrl, name);
}

/**
 * A test database commits without waiting for its WAL to reach the disk. A commit that waits costs ~5 ms on
 * these machines' disks (fdatasync; ~0.4 ms without), and the suites commit tens of thousands of times, one
 * request after another. Nothing a test asserts depends on surviving a crash of the server itself (the fault
 * tests kill Hubwatch's processes, not PostgreSQL); the setting belongs to the database, so the servers the
 * e2e tests start on it get it too. Production keeps PostgreSQL's default.
 */
function asyncCommits(name: string): string {
  return `ALTER DATABASE "${name}" SET synchronous_commit = off`;
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
        await admin.knex.raw(`COMMENT ON DATABASE "${name}" IS 'hubwatch test template built ${new Date().toISOString()}'`);
        await dropStaleTemplates(admin.knex, name);
      }
    } finally {
      await admin.knex.raw('select pg_advisory_unlock(hashtext(?))', ['hubwatch test template']);
    }
  } finally {
    await admin.close();
  }
  return name;
}

/**
 * Templates of other migrations or lockfiles, built more than a day ago (or before templates said when), are
 * dropped when a new one is built: each migration change left one behind on a developer's server. A day's grace
 * spares a run of another checkout that may still be copying its own.
 */
async function dropStaleTemplates(admin: Knex, current: string): Promise<void> {
  const { rows } = await admin.raw(
    `select datname, shobj_description(oid, 'pg_database') as note from pg_database
      where datname like 'hubwatch\\_tpl\\_%' and datname <> ? and datname not like '%\\_building'`,
    [current],
  );
  const dayAgo = Date.now() - 24 * 3600_000;
  for (const { datname, note } of rows as Array<{ datname: string; note: string | null }>) {
    const built = Date.parse(/built (\S+)$/.exec(note ?? '')?.[1] ?? '');
    if (Number.isFinite(built) && built > dayAgo) continue;
    await admin.raw(`ALTER DATABASE "${datname}" IS_TEMPLATE false`);
    await admin.raw(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  }
}

/** Dumps of other migrations or lockfiles, written more than a day ago (as with the server's templates). */
function dropStaleDumps(current: string): void {
  const dayAgo = Date.now() - 24 * 3600_000;
  for (const entry of fs.readdirSync(os.tmpdir())) {
    if (!/^hubwatch-test-pglite-[0-9a-f]+\.tar$/.test(entry)) continue;
    const file = path.join(os.tmpdir(), entry);
    if (file === current) continue;
    try {
      if (fs.statSync(file).mtimeMs < dayAgo) fs.rmSync(file);
    } catch {
      // Another run removed it first.
    }
  }
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
      dropStaleDumps(file);
    } finally {
      await db.close();
    }
  }
  return new Blob([fs.readFileSync(file)]);
}

/**
 * Ends the session running a statement whose text is LIKE `pattern`, once one runs (polling every 50 ms for 10 s), as
 * a DBA's pg_terminate_backend or a failing hub would. PostgreSQL only. Whether one was ended.
 */
export async function terminateBackendRunning(knex: Knex, pattern: string): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    const { rows } = await knex.raw(
      `SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE ? AND state = 'active'`,
      [pattern],
    );
    if (rows.some((r: { terminated: boolean }) => r.terminated)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}
