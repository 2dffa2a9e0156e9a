import type { Knex } from 'knex';
import type { Translator } from '../i18n';
import { checkLabel, tableErrorView } from './check-label';
import { checkTrendChart } from './check-trend';
import { can, CurrentUser } from '../policies';
import { tableRunHistory } from '../services/checks/queries';
import { localizeCheckError } from '../services/checks/error-text';
import { latestRunId } from '../services/checks/runs';
import type { CatalogTable } from '../services/catalog/types';

/** The "latest check results" panel of a catalog table page: each check's last verdict and its trend. */
export async function tableChecksView(db: Knex, table: CatalogTable, user: CurrentUser, t: Translator) {
  // The results of the table's last successful check: exactly the checks the catalog had then. A check an
  // import removed since (a rule, a field's requirement) is history, not a current failure.
  const canRun = can(user, 'checks.run');
  const [lastChecked, history, latestRun] = await Promise.all([
    db('check_run_tables')
      .where({ table_name: table.name, status: 'ok' })
      .orderBy('finished_at', 'desc')
      .first('run_id', 'finished_at'),
    tableRunHistory(db, table.name, 1),
    // The "run now" form's `seen`: only a reader who has the button needs it.
    canRun ? latestRunId(db) : undefined,
  ]);
  const latest = lastChecked
    ? await db('check_results')
        .where({ run_id: lastChecked.run_id, table_name: table.name })
        .orderBy(['check_kind', 'field_name'])
        .select('check_kind', 'field_name', 'passed', 'violations', 'checked_rows', 'severity', 'checked_at', 'message')
    : [];
  const titles = new Map(table.fields.map((f) => [f.name, f.title ?? f.name]));
  const lastOutcome = history[0];
  const results = latest
    .map((r) => {
      const kind = String(r.check_kind);
      // Freshness and a custom rule judge the whole table: "1 / 1" would read as one row of one.
      const { trendUrl, tableVerdict, trendLabel } = checkTrendChart(t, table.name, kind, r.field_name);
      return {
        kind,
        kindLabel: checkLabel(t, kind),
        field: r.field_name,
        fieldTitle: r.field_name ? (titles.get(r.field_name) ?? r.field_name) : '—',
        passed: r.passed,
        violations: Number(r.violations),
        checked: Number(r.checked_rows),
        tableVerdict,
        trendLabel,
        severity: r.severity,
        checkedAt: r.checked_at,
        // A catalog rule's message says what is wrong when it fires ("教职工人数较上次检查下降超过20%"): not beside "passed".
        message: r.passed ? null : r.message,
        trendUrl,
      };
    })
    // Failing first: the most problem records first, then the failed whole-table verdicts, which count no records (1
    // of 1 stored) and so do not belong among the checks with one bad record — the scorecard's order (views.ts).
    .sort(
      (a, b) =>
        Number(a.passed) - Number(b.passed) || Number(a.tableVerdict) - Number(b.tableVerdict) || b.violations - a.violations,
    );
  const failing = results.filter((r) => !r.passed);
  return {
    table: table.name,
    results,
    // Every check has a trend chart: the six worst failing ones in sight, the others drawn when their list is
    // opened (a passing check's chart shows its improvement; twenty charts at once would be twenty requests).
    trendsShown: failing.slice(0, 6),
    trendsFolded: [...failing.slice(6), ...results.filter((r) => r.passed)],
    // Checked, and no check applied then (freshness only in months 7–9, checked in December): when, not "not checked
    // yet" — every run had checked it.
    checkedWithoutResults: lastChecked && !results.length ? (lastChecked.finished_at as Date) : null,
    lastError: lastOutcome?.status === 'error' ? lastErrorView(t, lastOutcome, canRun) : null,
    canRun,
    latestRunId: latestRun,
  };
}

/** Why the last run could not check the table (tableErrorView), its stored bilingual sentence in the reader's language. */
function lastErrorView(t: Translator, outcome: { error_code: string | null; error_message: string | null }, forOffice: boolean) {
  const view = tableErrorView(t, outcome, forOffice);
  return { ...view, message: view.message === null ? null : localizeCheckError(t, view.message) };
}
