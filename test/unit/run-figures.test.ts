import { runFigures, type RunCounts } from '../../server/presenters/run-figures';

/**
 * The runs list's tables and failed checks. A run that could check no table (the hub unreachable: recorded as failed,
 * each table with its error) read 表 8 / 8 and 未通过检查 0, a perfect run; one with 2 tables it could not check 9 / 9.
 */
describe("a run's figures on the runs list", () => {
  const run = (over: Partial<RunCounts>): RunCounts => ({
    status: 'completed',
    tables_total: 8,
    tables_done: 8,
    tables_failed: 0,
    checks_failed: 0,
    ...over,
  });

  it('counts the tables a finished run checked, out of its total', () => {
    expect(runFigures(run({ checks_failed: 3 }))).toEqual({ tables: 8, total: 8, failedChecks: 3 });
    expect(runFigures(run({ tables_total: 9, tables_done: 9, tables_failed: 2, checks_failed: 5 }))).toEqual({
      tables: 7,
      total: 9,
      failedChecks: 5,
    });
    // Interrupted after 3 tables, one of which it could not check.
    expect(runFigures(run({ status: 'interrupted', tables_done: 3, tables_failed: 1, checks_failed: 2 }))).toEqual({
      tables: 2,
      total: 8,
      failedChecks: 2,
    });
  });

  it('gives no failed checks (—) for a run that checked no table, not a 0 that reads as a perfect run', () => {
    expect(runFigures(run({ status: 'failed', tables_failed: 8 }))).toEqual({ tables: 0, total: 8, failedChecks: null });
    // Failed before reading the catalog (none imported).
    expect(runFigures(run({ status: 'failed', tables_total: 0, tables_done: 0 }))).toEqual({
      tables: 0,
      total: 0,
      failedChecks: null,
    });
  });

  it("shows a running run's progress as its page does: the tables it is done with, checked or not", () => {
    expect(runFigures(run({ status: 'running', tables_done: 3, tables_failed: 1, checks_failed: 4 }))).toEqual({
      tables: 3,
      total: 8,
      failedChecks: 4,
    });
    expect(runFigures(run({ status: 'running', tables_done: 0 }))).toEqual({ tables: 0, total: 8, failedChecks: null });
  });
});
