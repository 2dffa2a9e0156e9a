import type { Knex } from 'knex';
import { addCheck, checkComponents, emptySums, scoreOf, type CheckSums } from './components';
import { weightsFor } from './weights';

export interface TableScore {
  /** 0–100, null when the table's checks measured nothing that day. */
  score: number | null;
  /** The snapshot day it is read from (YYYY-MM-DD). */
  day: string;
}

/**
 * The quality score of each table on the latest snapshot day that holds its checks: the scorecards'
 * one formula (`scoreOf`, with the weights valid that day) over the table's own check results —
 * freshness, deadline, validity, completeness. Overdue tickets, reports and sharing reviews are the
 * department's, not a table's, so they leave their weight to the others. Tables never snapshotted
 * are absent.
 */
export async function tableScores(db: Knex | Knex.Transaction, tables: string[]): Promise<Map<string, TableScore>> {
  const out = new Map<string, TableScore>();
  if (tables.length === 0) return out;
  const rows: {
    table_name: string;
    day: string;
    check_kind: string;
    passed: boolean;
    violations: unknown;
    checked_rows: unknown;
  }[] = await db('scorecard_check_days as c')
    .join(
      db('scorecard_check_days')
        .whereIn('table_name', tables)
        .groupBy('table_name')
        .select('table_name')
        .max({ day: 'day' })
        .as('l'),
      (j) => j.on('l.table_name', 'c.table_name').andOn('l.day', 'c.day'),
    )
    .select('c.table_name', 'c.day', 'c.check_kind', 'c.passed', 'c.violations', 'c.checked_rows');
  const sums = new Map<string, { day: string; sums: CheckSums }>();
  for (const r of rows) {
    const entry = sums.get(r.table_name) ?? { day: String(r.day), sums: emptySums() };
    sums.set(r.table_name, entry);
    addCheck(entry.sums, {
      check_kind: r.check_kind,
      passed: Boolean(r.passed),
      violations: Number(r.violations),
      checked_rows: Number(r.checked_rows),
    });
  }
  const weights = new Map<string, Awaited<ReturnType<typeof weightsFor>>>();
  for (const [table, { day, sums: s }] of sums) {
    if (!weights.has(day)) weights.set(day, await weightsFor(db, day));
    const values = { ...checkComponents(s), tickets: null, reports: null, sharing: null };
    out.set(table, { score: scoreOf(values, weights.get(day)!.weights), day });
  }
  return out;
}
