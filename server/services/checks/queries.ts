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
  /** Who asked for it ("run now", a recheck); null for a schedule's run. */
  requested_by: number | null;
  /** The interrupted run it re-ran. */
  rerun_of: number | null;
  /** Tables of its scope it left to another run that was checking them (not counted in `tables_total`). */
  skipped_tables: { table: string; run_id: number | null }[] | null;
}

export async function listRuns(
  db: Knex,
  opts: { limit: number; offset: number; status?: string; withTableErrors?: boolean; trigger?: string; table?: string },
): Promise<{ rows: (CheckRunRow & { requested_by_name: string | null })[]; total: number }> {
  const base = db('check_runs').modify((q) => {
    if (opts.status) q.where('check_runs.status', opts.status);
    if (opts.trigger) q.where('check_runs.trigger', opts.trigger);
    // Runs in which some table could not be checked (missing, timed out, the hub down): what the IT office looks for.
    if (opts.withTableErrors) q.where('check_runs.tables_failed', '>', 0);
    // Runs that took the table: named in their scope (a "run now" for it, a recheck), or checked by a run of every
    // table (it has its row once its check began; a running run's table not yet begun is not listed).
    if (opts.table) {
      const table = opts.table;
      q.where((w) =>
        w
          .whereRaw('? = any(check_runs.scope)', [table])
          .orWhereExists((e) =>
            e
              .select(db.raw('1'))
              .from('check_run_tables')
              .whereRaw('check_run_tables.run_id = check_runs.id')
              .andWhere('check_run_tables.table_name', table),
          ),
      );
    }
  });
  const [rows, [{ n }]] = await Promise.all([
    base
      .clone()
      // Who pressed "run now" or asked for the recheck (a schedule's run has nobody).
      .leftJoin('users', 'users.id', 'check_runs.requested_by')
      .orderBy('check_runs.id', 'desc')
      .limit(opts.limit)
      .offset(opts.offset)
      .select('check_runs.*', 'users.name as requested_by_name'),
    base.clone().count({ n: '*' }),
  ]);
  return { rows, total: Number(n) };
}

export async function getRun(db: Knex, id: number) {
  const run = (await db('check_runs')
    .leftJoin('users', 'users.id', 'check_runs.requested_by')
    .where('check_runs.id', id)
    .first('check_runs.*', 'users.name as requested_by_name')) as
    (CheckRunRow & { requested_by_name: string | null }) | undefined;
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
