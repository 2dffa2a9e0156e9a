import type { Knex } from 'knex';
import type { CheckResult, TableCheckOutcome } from '../../../rules/types';
import type { Catalog } from '../catalog/types';
import { scrubForLog } from '../privacy';
import { maskSampleKeys } from '../tickets/samples';

/** Stores one table's outcome and its results, in the caller's transaction. */
export async function saveTableOutcome(
  trx: Knex.Transaction,
  runId: number,
  outcome: TableCheckOutcome,
  catalog: Catalog,
  checkedAt: Date,
): Promise<CheckResult[]> {
  // A key column can itself be personal data (an ID number as key): stored masked exactly as tickets store it.
  const results = outcome.results.map((r) => ({ ...r, sampleKeys: maskSampleKeys(catalog, r.table, r.sampleKeys) }));
  await trx('check_run_tables').insert({
    run_id: runId,
    table_name: outcome.table,
    status: outcome.status,
    error_code: outcome.error?.code ?? null,
    // The hub's own message can quote a row's values (an ID number that failed a cast): kept masked as the logs
    // and the audit log keep them; the IT office reads it so on the pages (presenters/check-label.ts).
    error_message: outcome.error ? scrubForLog(outcome.error.message) : null,
    duration_ms: Math.round(outcome.durationMs),
    row_count: outcome.facts?.row_count ?? null,
    facts: outcome.facts ? JSON.stringify(outcome.facts) : null,
  });
  if (results.length) {
    await trx('check_results').insert(
      results.map((r) => ({
        run_id: runId,
        checked_at: checkedAt,
        table_name: r.table,
        field_name: r.field,
        check_kind: r.check,
        department_code: r.department,
        passed: r.passed,
        violations: r.violations,
        checked_rows: r.checkedRows,
        severity: r.severity,
        sample_keys: JSON.stringify(r.sampleKeys),
        message: r.message ?? null,
        details: r.details ? JSON.stringify(r.details) : null,
      })),
    );
  }
  const failed = results.filter((r) => !r.passed).length;
  await trx('check_runs')
    .where({ id: runId })
    .update({
      tables_done: trx.raw('tables_done + 1'),
      tables_failed: trx.raw('tables_failed + ?', [outcome.status === 'error' ? 1 : 0]),
      checks_failed: trx.raw('checks_failed + ?', [failed]),
      heartbeat_at: trx.fn.now(),
    });
  return results;
}
