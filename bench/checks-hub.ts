import type { Knex } from 'knex';
import pg from 'pg';
import { openPostgres, type Database } from '../server/db/connect';
import { planDemoHub, resetDemoHub, type DemoHubOptions } from '../server/services/demo-hub';

/** The benchmark's own database; nothing else on the server is touched. */
export const BENCH_DATABASE = 'hubwatch_bench';
export const DEFAULT_BENCH_URL = `postgres://postgres@127.0.0.1:5432/${BENCH_DATABASE}`;

/**
 * The hub the benchmark measures: 2 M staff (the widest table, 14 checks) and 5 M grades (the longest),
 * the other tables at a size a mid-sized university really has. A fixed `today` makes every run see the
 * same data and the same verdicts.
 */
export const BENCH_HUB: Required<Pick<DemoHubOptions, 'scale' | 'tableScales' | 'seed' | 'today'>> = {
  scale: 1000,
  tableScales: {
    course_grade: 250,
    student_status: 20,
    student_payment: 20,
    freshman_admission: 10,
    library_loan: 20,
    research_output: 20,
  },
  seed: 1,
  today: '2026-11-22',
};

/** The instant "now" of every measured check run: noon of BENCH_HUB.today in Asia/Shanghai. */
export const BENCH_NOW = new Date(`${BENCH_HUB.today}T12:00:00+08:00`);

const log = (line: string) => process.stdout.write(`${line}\n`);

/** Creates the database if it does not exist (CREATE DATABASE cannot be bound: the name is our constant). */
async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) {
      log(`creating database ${name}`);
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    }
  } finally {
    await client.end();
  }
}

/** What the database says it was built with (a comment written after a complete build), or null. */
async function builtWith(knex: Knex): Promise<string | null> {
  const r = await knex.raw(
    `SELECT shobj_description(oid, 'pg_database') AS d FROM pg_database WHERE datname = current_database()`,
  );
  return (r.rows[0]?.d as string | null) ?? null;
}

/**
 * Opens the benchmark hub, building it unless `reuse` is set and a complete build with the same
 * options is already there. Prints progress while building.
 */
export async function openBenchHub(url: string, reuse: boolean): Promise<Database> {
  await ensureDatabase(url);
  // Ours may read a big table on up to 8 connections (--parts); the other methods use one.
  const db = openPostgres({ url, poolMax: 9, applicationName: 'hubwatch-bench' });
  const signature = JSON.stringify(BENCH_HUB);
  if (reuse && (await builtWith(db.knex)) === signature) {
    log('reusing the existing demo hub (--reuse; same build options)');
    return db;
  }
  const plan = planDemoHub(BENCH_HUB);
  const total = plan.summary.tables.reduce((s, t) => s + t.rows, 0);
  log(
    `building the demo hub: ${total.toLocaleString('en-US')} rows (${plan.summary.tables
      .map((t) => `${t.name} ${t.rows.toLocaleString('en-US')}`)
      .join(', ')})`,
  );
  const started = Date.now();
  let last = started;
  await resetDemoHub(db.knex, {
    ...BENCH_HUB,
    onProgress: (step, done, all) => {
      const now = Date.now();
      log(`  [${done}/${all}] ${step} built in ${((now - last) / 1000).toFixed(1)} s`);
      last = now;
    },
  });
  // The comment marks a complete build; a build interrupted half-way leaves none, so --reuse rebuilds.
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  await db.knex.raw(`COMMENT ON DATABASE "${name.replace(/"/g, '""')}" IS ${literal(signature)}`);
  log(`demo hub built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return db;
}

/** A SQL string literal of our own constant text (COMMENT takes no bound parameter). */
function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
