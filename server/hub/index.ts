import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import type { Config } from '../config';
import { knexLog, type KnexLog, openPglite, openPostgres } from '../db/connect';

/**
 * The hub being monitored. Hubwatch only reads it (the check engine runs each table's queries in a
 * READ ONLY transaction; PostgreSQL connections also default to read-only). The one exception is
 * the embedded demo hub, which `hubwatch demo reset` builds.
 */
export type HubDialect = 'postgres' | 'mysql';

export interface Hub {
  knex: Knex;
  dialect: HubDialect;
  /** 'embedded' is the demo hub under DATA_DIR/hub. */
  kind: 'embedded' | 'postgres' | 'mysql';
  /** Where it is, without credentials, for pages and logs. */
  label: string;
  close(): Promise<void>;
}

/** A database URL as pages, logs and messages show it: without its password, in the user part or the query (`?password=`). */
export function withoutPassword(url: string): string {
  const u = new URL(url);
  u.password = '';
  for (const key of [...u.searchParams.keys()]) if (/password/i.test(key)) u.searchParams.delete(key);
  return u.toString();
}

export async function openHub(config: Config, opts: { writable?: boolean; seed?: Blob; log?: KnexLog } = {}): Promise<Hub> {
  const url = config.hubDatabaseUrl;
  if (!url) {
    // The caller already holds the DATA_DIR lock (the runtime took it). `seed`: a fresh cluster's dump to
    // start a new hub from instead of running initdb (ignored by PGlite when the directory holds one).
    const db = await openPglite(path.join(config.dataDir, 'hub'), { loadDataDir: opts.seed, log: opts.log });
    return { knex: db.knex, dialect: 'postgres', kind: 'embedded', label: 'embedded demo hub', close: db.close };
  }
  const parsed = new URL(url);
  if (parsed.protocol === 'mysql:' || parsed.protocol === 'mariadb:') {
    parsed.protocol = 'mysql:';
    const knex = knexFactory({
      client: 'mysql2',
      connection: {
        uri: parsed.toString(),
        dateStrings: true,
        supportBigNumbers: true,
        bigNumberStrings: false,
      } as Knex.MySql2ConnectionConfig,
      pool: { min: 0, max: 4 },
      log: opts.log ?? knexLog,
    });
    return { knex, dialect: 'mysql', kind: 'mysql', label: withoutPassword(url), close: () => knex.destroy() };
  }
  const withReadOnly = new URL(url);
  if (!opts.writable) withReadOnly.searchParams.set('options', '-c default_transaction_read_only=on');
  // Room for one table's parts (CHECK_SCAN_PARTS) beside another run's table and the pages' reads.
  const db = openPostgres({
    url: withReadOnly.toString(),
    poolMax: Math.max(4, config.checkScanParts + 2),
    applicationName: 'hubwatch hub reader',
    log: opts.log,
  });
  return { knex: db.knex, dialect: 'postgres', kind: 'postgres', label: withoutPassword(url), close: db.close };
}
