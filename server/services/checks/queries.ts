import type { Knex } from 'knex';

/** Read side of check runs and results, for pages and the API. */
export interface CheckRunRow {
  id: number;
  slot_key: string | null;
  trigger: string;
  scope: string[] | null;
  status: 'running' | 'completed' | 'failed' | 'interrupted';
  started_at: Date;
  finished_at: Date | null;
  heartbeat_at: Date;
  instance_id: string;
  tables_total: number;
  tables_done: number;
  tables_failed: number;
  checks_failed: number;
  error: string | null;
  /** Tables of its scope it left to another run that was checking them (not counted in `tables_total`). */
  skipped_tables: { table: string; run_id: number | null }[] | null;
}

export async function listRuns(
  db: Knex,
  opts: { limit: number; offset: number; status?: string; withTableErrors?: boolean },
): Promise<{ rows: CheckRunRow[]; total: number }> {
  const base = db('check_runs').modify((q) => {
    if (opts.status) q.where({ status: opts.status });
    // Runs in which some table could not be checked (missing, timed out, the hub down): what the IT office looks for.
    if (opts.withTableErrors) q.where('tables_failed', '>', 0);
  });
  const [rows, [{ n }]] = await Promise.all([
    base.clone().orderBy('id', 'desc').limit(opts.limit).offset(opts.offset).select('*'),
    base.clone().count({ n: '*' }),
  ]);
  return { rows, total: Number(n) };
}

export async function getRun(db: Knex, id: number) {
  const run = await db('check_runs').where({ id }).first();
  if (!run) return null;
  const tables = await db('check_run_tables').where({ run_id: id }).orderBy('finished_at');
  const failures = await db('check_results')
    .where({ run_id: id, passed: false })
    .orderBy(['table_name', 'check_kind', 'field_name']);
  return { run, tables, failures };
}

export async function latestRun(db: Knex) {
  return db('check_runs').orderBy('id', 'desc').first();
}

/** One check's history (violations per run), oldest first, for trend charts. */
export async function checkTrend(
  db: Knex,
  q: { table: string; check: string; field: string | null; limit?: number },
): Promise<{ run_id: number; checked_at: Date; violations: number; checked_rows: number; passed: boolean }[]> {
  const rows = await db('check_results')
    .where({ table_name: q.table, check_kind: q.check })
    .modify((b) => (q.field ? b.where('field_name', q.field) : b.whereNull('field_name')))
    .orderBy('checked_at', 'desc')
    .limit(q.limit ?? 60)
    .select('run_id', 'checked_at', 'violations', 'checked_rows', 'passed');
  return rows.reverse();
}

/** The last table outcomes of one table (duration, errors). */
export async function tableRunHistory(db: Knex, table: string, limit = 20) {
  return db('check_run_tables').where({ table_name: table }).orderBy('finished_at', 'desc').limit(limit);
}
