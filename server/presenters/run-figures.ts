import type { CheckRunRow } from '../services/checks/queries';

export type RunCounts = Pick<CheckRunRow, 'status' | 'tables_total' | 'tables_done' | 'tables_failed' | 'checks_failed'>;

/**
 * What a run's row says of its tables and failed checks (the runs list, and its chart's failures line).
 *
 * A finished run counts the tables it actually checked, out of its total: a run that could check none (the hub
 * unreachable, each table recorded with its error) read "8 / 8" tables and 0 failed checks, a perfect run. A running
 * one shows its progress, as its page's progress bar (已完成 3 / 8 张表): the tables it is done with, checked or not —
 * the badge beside it counts those it could not check, and a table that times out still moves the run on.
 *
 * Failed checks are null (— on the page, a gap in the chart) while no table was checked: nothing was looked at, which
 * is not the same as nothing found.
 */
export function runFigures(run: RunCounts): { tables: number; total: number; failedChecks: number | null } {
  const done = Number(run.tables_done);
  const checked = Math.max(0, done - Number(run.tables_failed));
  return {
    tables: run.status === 'running' ? done : checked,
    total: Number(run.tables_total),
    failedChecks: checked > 0 ? Number(run.checks_failed) : null,
  };
}

/**
 * Which of a run's tables, in the order the run took them (by each one's error code), it never tried: once a table
 * found the hub gone, runNow records every later table with the same error in 0 ms without trying it. The run page
 * says 未检查 / Not checked of them and `check run` the same (its JSON `"tried": false`), not "checked in 0 ms".
 */
export function untriedAfterOutage(errorCodes: readonly (string | null | undefined)[]): boolean[] {
  const outageAt = errorCodes.indexOf('hub_unreachable');
  return errorCodes.map((code, i) => outageAt >= 0 && i > outageAt && code === 'hub_unreachable');
}
