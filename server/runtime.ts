import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { Config } from './config';
import { Database, openPglite, openPostgres } from './db/connect';
import { DataDirLock, lockDataDir } from './db/lock';
import { migrateToLatest } from './db/migrate';
import { Hub, openHub } from './hub';

/**
 * The process-wide resources every entry point (server, CLI, jobs) needs: the service database
 * (migrated), and the data-directory lock when it is embedded. Opened once, closed once.
 */
export interface Runtime {
  config: Config;
  db: Knex;
  database: Database;
  hub: Hub;
  /** True when the service database is the embedded PGlite under DATA_DIR. */
  embedded: boolean;
  close(): Promise<void>;
}

export async function openRuntime(config: Config, command: string, opts: { writableHub?: boolean } = {}): Promise<Runtime> {
  let lock: DataDirLock | null = null;
  let database: Database;
  if (config.databaseUrl) {
    database = openPostgres({ url: config.databaseUrl, applicationName: `hubwatch ${command}` });
  } else {
    lock = lockDataDir(config.dataDir, `hubwatch ${command}`);
    try {
      database = await openPglite(path.join(config.dataDir, 'db'));
    } catch (err) {
      lock.release();
      throw err;
    }
  }
  try {
    await migrateToLatest(database.knex);
  } catch (err) {
    await database.close();
    lock?.release();
    throw err;
  }
  if (!config.sessionSecret) config.sessionSecret = embeddedSessionSecret(config.dataDir);
  if (!config.hubDatabaseUrl && !lock) lock = lockDataDir(config.dataDir, `hubwatch ${command}`);
  const hub = await openHub(config, { writable: opts.writableHub });
  return {
    config,
    db: database.knex,
    database,
    hub,
    embedded: !config.databaseUrl,
    close: async () => {
      await hub.close();
      await database.close();
      lock?.release();
    },
  };
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
