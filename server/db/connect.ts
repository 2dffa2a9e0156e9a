import knexFactory, { Knex } from 'knex';
import pg from 'pg';

/**
 * One place that opens a knex on either engine, so that both return the same JavaScript types:
 * int8 (count(*), bigserial) → number, date → 'YYYY-MM-DD' string, timestamptz → Date,
 * numeric → string (exact). Without this, `pg` returns int8 as string and date as a local Date,
 * while PGlite returns different shapes, and code that works on one engine breaks on the other.
 */
const PG_INT8 = 20;
const PG_DATE = 1082;

let pgParsersSet = false;
function setPgParsers(): void {
  if (pgParsersSet) return;
  pg.types.setTypeParser(PG_INT8, (v: string) => Number(v));
  pg.types.setTypeParser(PG_DATE, (v: string) => v);
  pgParsersSet = true;
}

export type Engine = 'postgres' | 'pglite';

export interface Database {
  knex: Knex;
  engine: Engine;
  close(): Promise<void>;
  /** PGlite only: the whole data directory as a tarball, which `openPglite(…, { loadDataDir })` starts from. */
  dumpDataDir?(): Promise<Blob>;
}

export interface PostgresOptions {
  url: string;
  poolMax?: number;
  /** Milliseconds; applied to every connection with SET statement_timeout. */
  statementTimeoutMs?: number;
  applicationName?: string;
  /** Where knex's own warnings go; `knexLog` (stderr) by default. */
  log?: KnexLog;
}

export type KnexLog = NonNullable<Knex.Config['log']>;

/**
 * knex's own warnings ("Acquire connection error: …" while a database is down) as one line each, to `write`:
 * its default writes them, with their stack, to stdout, where a command's `--json` output is. The error
 * itself reaches the caller, which says what failed (a hub outage is recorded on the run).
 */
export function knexLogTo(write: (line: string) => void): KnexLog {
  return Object.fromEntries(
    (['warn', 'error', 'deprecate', 'debug'] as const).map((level) => [
      level,
      (message: unknown) => {
        if (level === 'debug') return;
        const text = message instanceof Error ? message.message : String(message);
        write(`knex ${level}: ${text.split('\n')[0]}\n`);
      },
    ]),
  );
}

/** The service's: knex's warnings on stderr, beside its logs. */
export const knexLog: KnexLog = knexLogTo((line) => process.stderr.write(line));

export function openPostgres(opts: PostgresOptions): Database {
  setPgParsers();
  const knex = knexFactory({
    client: 'pg',
    connection: {
      connectionString: opts.url,
      application_name: opts.applicationName ?? 'hubwatch',
      ...(opts.statementTimeoutMs ? { statement_timeout: opts.statementTimeoutMs } : {}),
    },
    pool: { min: 0, max: opts.poolMax ?? 10 },
    log: opts.log ?? knexLog,
  });
  return { knex, engine: 'postgres', close: () => knex.destroy() };
}

/**
 * Opens PGlite (`dataDir` a directory, or undefined for in-memory). PGlite is one connection:
 * inside `knex.transaction(trx => …)` every query must go through `trx`, never `knex`, or it deadlocks.
 * Callers that open a data directory must hold its lock first (see `lock.ts`).
 */
export async function openPglite(dataDir?: string, opts: { loadDataDir?: Blob; log?: KnexLog } = {}): Promise<Database> {
  // PGlite is an ES module with a CommonJS build; load lazily so PostgreSQL-only processes never pay for the WASM.
  const { PGlite, types } = await import('@electric-sql/pglite');
  const pglite = new PGlite(dataDir ?? 'memory://', {
    // A dump of another data directory instead of a fresh initdb (~4 s of WASM; loading a dump ~1 s).
    ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
    parsers: {
      [types.INT8]: (v: string) => Number(v),
      [types.DATE]: (v: string) => v,
    },
  });
  await pglite.waitReady;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ClientPGLite = require('knex-pglite');
  const knex = knexFactory({ client: ClientPGLite, connection: { pglite }, log: opts.log ?? knexLog } as Knex.Config);
  return {
    knex,
    engine: 'pglite',
    dumpDataDir: async () => (await pglite.dumpDataDir('none')) as Blob,
    close: async () => {
      await knex.destroy();
      if (!pglite.closed) await pglite.close();
    },
  };
}

/**
 * SQLSTATEs and socket errors that mean "the database connection went away" (server restarted or
 * shut down, network cut, no connection to be had), as opposed to an error in the statement itself.
 * Work that fails this way did not fail on its merits: it is retried once the database is back.
 */
const CONNECTION_LOST_CODES = new Set([
  '57P01', // admin_shutdown: terminated by pg_ctl stop/restart or pg_terminate_backend
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: the server is starting up or shutting down
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
]);
const CONNECTION_LOST_MESSAGES =
  /Connection terminated|Connection ended unexpectedly|connection error and is not queryable|Timeout acquiring a connection/i;

export function isConnectionLost(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown; name?: unknown } | null;
  if (!e) return false;
  if (typeof e.code === 'string' && CONNECTION_LOST_CODES.has(e.code)) return true;
  return e.name === 'KnexTimeoutError' || (typeof e.message === 'string' && CONNECTION_LOST_MESSAGES.test(e.message));
}
