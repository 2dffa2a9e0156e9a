import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { postgresUnreachable } from '../rules/facts/sql-postgres';
import { Config, ConfigError } from './config';
import { Database, type KnexLog, openPglite, openPostgres } from './db/connect';
import { DataDirLock, lockDataDir } from './db/lock';
import { migrateToLatest } from './db/migrate';
import { Hub, openHub, withoutPassword } from './hub';

/**
 * The process-wide resources every entry point (server, CLI, jobs) needs: the service database
 * (migrated), and the data-directory lock when it is embedded. Opened once, closed once.
 */
export interface ServiceRuntime {
  config: Config;
  db: Knex;
  database: Database;
  /** True when the service database is the embedded PGlite under DATA_DIR. */
  embedded: boolean;
  /** The migrations this opening applied (none when the database was up to date), for `hubwatch migrate` to say. */
  applied: string[];
  close(): Promise<void>;
}

/** The service database and the monitored hub (the server, the check run, the catalog import). */
export interface Runtime extends ServiceRuntime {
  hub: Hub;
}

export interface RuntimeOptions {
  /** Where knex's own warnings go: the service's stderr by default; a command says what failed itself. */
  databaseLog?: KnexLog;
}

/**
 * The service database alone, for commands that never read the hub (accounts, the audit chain, ticket
 * lists, migrations): opening the embedded demo hub would start a second WASM PostgreSQL (1–2 s, and a
 * first start builds it) for nothing.
 */
export async function openServiceRuntime(config: Config, command: string, opts: RuntimeOptions = {}): Promise<ServiceRuntime> {
  const { runtime } = await openService(config, command, opts);
  return runtime;
}

export async function openRuntime(
  config: Config,
  command: string,
  opts: RuntimeOptions & { writableHub?: boolean } = {},
): Promise<Runtime> {
  // The first start on the embedded default creates two PGlite clusters; the hub starts as a copy of the
  // service's fresh one (a dump loads in ~1 s, initdb takes ~4 s of WASM).
  const seedHub = !config.databaseUrl && !config.hubDatabaseUrl && !isCluster(path.join(config.dataDir, 'hub'));
  const { runtime, lock: serviceLock, freshCluster } = await openService(config, command, { ...opts, dumpFresh: seedHub });
  let lock = serviceLock;
  try {
    // The embedded hub lives under DATA_DIR too: one process at a time, even when the service database is elsewhere.
    if (!config.hubDatabaseUrl && !lock) lock = lockDataDir(config.dataDir, `hubwatch ${command}`);
    const hub = await openHub(config, { writable: opts.writableHub, seed: freshCluster, log: opts.databaseLog });
    return {
      ...runtime,
      hub,
      close: async () => {
        await hub.close();
        await runtime.database.close();
        lock?.release();
      },
    };
  } catch (err) {
    await runtime.database.close();
    lock?.release();
    throw err;
  }
}

/** Whether `dir` holds a PostgreSQL cluster already (PGlite writes PG_VERSION when it creates one). */
function isCluster(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'PG_VERSION'));
}

async function openService(
  config: Config,
  command: string,
  opts: RuntimeOptions & { dumpFresh?: boolean } = {},
): Promise<{ runtime: ServiceRuntime; lock: DataDirLock | null; freshCluster?: Blob }> {
  let lock: DataDirLock | null = null;
  let database: Database;
  let freshCluster: Blob | undefined;
  if (config.databaseUrl) {
    database = openPostgres({ url: config.databaseUrl, applicationName: `hubwatch ${command}`, log: opts.databaseLog });
  } else {
    lock = lockDataDir(config.dataDir, `hubwatch ${command}`);
    const dir = path.join(config.dataDir, 'db');
    const created = !isCluster(dir);
    try {
      database = await openPglite(dir, { log: opts.databaseLog });
    } catch (err) {
      lock.release();
      throw err;
    }
    // Before any migration: an empty cluster, what a new hub starts as.
    if (created && opts.dumpFresh) freshCluster = await database.dumpDataDir!().catch(() => undefined);
  }
  let applied: string[];
  try {
    applied = await migrateToLatest(database.knex);
  } catch (err) {
    await database.close();
    lock?.release();
    // The first statement is where a DATABASE_URL that cannot be had shows: say which setting, not only the
    // driver's words (`database "x" does not exist` read as a problem of the hub, or of the command).
    if (config.databaseUrl && postgresUnreachable(err))
      throw new ConfigError([
        {
          variable: 'DATABASE_URL',
          key: 'databaseUnreachable',
          params: { url: withoutPassword(config.databaseUrl), detail: (err as Error).message },
        },
      ]);
    throw err;
  }
  if (!config.sessionSecret) config.sessionSecret = embeddedSessionSecret(config.dataDir);
  const runtime: ServiceRuntime = {
    config,
    db: database.knex,
    database,
    embedded: !config.databaseUrl,
    applied,
    close: async () => {
      await database.close();
      lock?.release();
    },
  };
  return { runtime, lock, freshCluster };
}

/** Outside production a secret is generated once and kept under DATA_DIR, so sessions survive restarts. */
function embeddedSessionSecret(dataDir: string): string {
  const file = path.join(dataDir, 'session-secret');
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch {
    /* first start */
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const secret = crypto.randomBytes(32).toString('base64url');
  fs.writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
