import { Router } from 'express';
import { auditActor, auditOrigin } from '../../auth/login';
import type { AppContext } from '../../context';
import { NotFoundError } from '../../errors';
import { pathId } from '../../http/path-id';
import { authorize } from '../../middleware/authorize';
import { can } from '../../policies';
import { pageParams, pagination, pastLastPage, redirectKeepingFlash } from '../../presenters/paging';
import { appendAudit } from '../../services/audit';
import { checkRunnerDeps } from '../../services/checks/deps';
import { checkTrend, getRun, listRuns } from '../../services/checks/queries';
import { claimManualRun, executeRun, latestRunId } from '../../services/checks/runs';
import { loadCurrentCatalog, universityTimezone } from '../../services/catalog/repository';
import { catalogTable } from '../../services/catalog/names';
import { checkLabel, isTableVerdict, tableErrorView } from '../../presenters/check-label';
import { localizeCheckError } from '../../services/checks/error-text';
import { trendLabels } from '../../presenters/check-trend';
import { chartSeconds } from '../../presenters/duration';
import { runFigures, untriedAfterOutage } from '../../presenters/run-figures';
import { sampleKeysLine, type SampleKeyWords } from '../../presenters/sample-keys';
import { maskRecordKey, scrubForLog } from '../../services/privacy';
import { ACTIVE_STATUSES } from '../../services/tickets/types';

const RUN_STATUSES = ['running', 'completed', 'failed', 'interrupted'];
/** How a run was started (check_runs.trigger), in the order the filter offers them. */
const RUN_TRIGGERS = ['schedule', 'manual', 'recheck', 'cli', 'rerun', 'bootstrap'];

function durationMs(run: { started_at: Date; finished_at: Date | null }): number | null {
  return run.finished_at ? new Date(run.finished_at).getTime() - new Date(run.started_at).getTime() : null;
}

export function checkRoutes(ctx: AppContext): Router {
  const router = Router();
  const { db } = ctx;

  router.get('/runs', authorize('runs.view'), async (req, res) => {
    const { page, perPage } = pageParams(req.query, 30);
    const status = RUN_STATUSES.includes(String(req.query.status)) ? String(req.query.status) : undefined;
    const withTableErrors = req.query.table_errors === '1';
    // As the status: a value the filter does not offer is no filter (a stale bookmark lists every run, not none).
    const trigger = RUN_TRIGGERS.includes(String(req.query.trigger)) ? String(req.query.trigger) : undefined;
    const catalog = (await loadCurrentCatalog(db))?.catalog;
    // Named as the tickets' and reports' table menus name them: 教职工基本信息 (staff_basic), not the hub's name alone.
    const tableNames = (catalog?.tables ?? [])
      .map((t) => ({ name: t.name, title: t.title ?? '' }))
      .sort((a, b) => a.name.localeCompare(b.name));
    const table =
      typeof req.query.table === 'string' && req.query.table ? catalogTable(catalog, req.query.table)?.name : undefined;
    const { rows, total } = await listRuns(db, {
      limit: perPage,
      offset: (page - 1) * perPage,
      status,
      withTableErrors,
      trigger,
      table,
    });
    const last = pastLastPage(req.originalUrl, page, perPage, total);
    if (last) return redirectKeepingFlash(req, res, last);
    const canRun = can(req.user!, 'checks.run');
    res.render('pages/checks/runs', {
      title: req.t('checks.runs.title'),
      runs: rows.map((r) => ({ ...r, durationMs: durationMs(r), figures: runFigures(r) })),
      statuses: RUN_STATUSES,
      status: status ?? '',
      triggers: RUN_TRIGGERS,
      trigger: trigger ?? '',
      tableNames,
      table: table ?? '',
      filtered: Boolean(status || trigger || table || withTableErrors),
      withTableErrors,
      canRun,
      // The "run now" form's `seen`: only a reader who has the button needs it.
      latestRunId: canRun ? await latestRunId(db) : undefined,
      pager: pagination(req.originalUrl, page, perPage, total),
      chart: rows
        .slice()
        .reverse()
        .filter((r) => r.finished_at)
        // Runs of every table only: a run of one table ("run now" on its page, a recheck, a re-run of what an
        // interrupted run left) found that table's failures alone, and plotted among full runs its line fell from 26
        // to 15 as if the data had improved.
        .filter((r) => !r.scope?.length)
        // Each run as the table beside it reads it: its duration as elapsedText gives it (788 ms is 0.788, 1,290 ms
        // 1.2), and a run that checked no table (the hub unreachable, no catalog) found nothing — a gap in the failures
        // line, as the table's —, not a 0 that reads as perfect data.
        .map((r) => ({ id: r.id, seconds: chartSeconds(durationMs(r)), failed: runFigures(r).failedChecks })),
    });
  });

  router.post('/runs', authorize('checks.run'), async (req, res) => {
    const requested: unknown = req.body.table;
    let table: string | null = null;
    // A table missing from the catalog (a crafted form, or removed since the page was shown) would
    // record an empty "completed" run: say so instead, and start nothing. A name is read ignoring case (as the
    // table's page and `check run --table` read it): ORG_UNIT runs the catalog's org_unit, by its spelling.
    if (requested !== undefined && requested !== '') {
      const current = await loadCurrentCatalog(db);
      const found = typeof requested === 'string' ? catalogTable(current?.catalog, requested) : undefined;
      if (!found) {
        req.session.flash = { kind: 'error', text: req.t('checks.errors.unknownTable', { table: String(requested) }) };
        return res.redirect('/runs');
      }
      table = found.name;
    }
    // The newest run the form's page knew of (a hidden field; anything else is read as not given).
    const seen = typeof req.body.seen === 'string' && /^\d{1,15}$/.test(req.body.seen) ? Number(req.body.seen) : null;
    const claimed = await claimManualRun(db, { table, requestedBy: req.user!.id, seen });
    if (claimed.going !== undefined) {
      // Still going, or already done since the page was shown (the run page says which).
      req.session.flash = {
        kind: 'info',
        text: req.t(claimed.live ? 'checks.errors.alreadyRunning' : 'checks.errors.alreadyRan', { id: claimed.going }),
      };
      return res.redirect(`/runs/${claimed.going}`);
    }
    const { runId } = claimed;
    await appendAudit(db, {
      actor: auditActor(req),
      action: 'check.run_now',
      objectType: 'check_run',
      objectId: runId!,
      summary: { table },
      ...auditOrigin(req),
    });
    // The run goes on after the response: the run page shows its progress.
    executeRun(checkRunnerDeps(ctx), runId!).catch((err) => ctx.logger.error({ err, runId }, 'manual run failed'));
    res.redirect(`/runs/${runId}`);
  });

  router.get('/runs/:id', authorize('runs.view'), async (req, res) => {
    const found = await getRun(db, pathId(req.params.id) || 0);
    if (!found) throw new NotFoundError();
    // Tables, fields, checks and departments by the names people know them by (as the ticket pages do).
    const failedTables = [...new Set(found.failures.map((f) => f.table_name))];
    const [catalog, departments, activeTickets, rerun] = await Promise.all([
      loadCurrentCatalog(db).then((c) => c?.catalog ?? null),
      db('departments').select('code', 'name') as Promise<{ code: string; name: string }[]>,
      (failedTables.length
        ? db('tickets')
            .whereIn('status', ACTIVE_STATUSES)
            .whereIn('table_name', failedTables)
            .orderBy('id')
            .select('id', 'check_kind', 'table_name', 'field_name', 'department_code', 'fingerprint_department')
        : Promise.resolve([])) as Promise<
        {
          id: number;
          check_kind: string;
          table_name: string;
          field_name: string | null;
          department_code: string;
          fingerprint_department: string;
        }[]
      >,
      // An interrupted run's re-run (its unfinished tables): the page links to it, and a re-run back to its run.
      db('check_runs').where({ rerun_of: found.run.id }).first('id') as Promise<{ id: number } | undefined>,
    ]);
    // The ticket that tracks a failing check now, where this reader may open it (a link never leads to a 403): the
    // one filed to the department the result names (its fingerprint's; a reassigned ticket keeps it), not an older
    // one of the same check filed when another department owned it.
    const ticketOf = (f: { check_kind: string; table_name: string; field_name: string | null; department_code: string }) =>
      activeTickets.find(
        (tk) =>
          tk.check_kind === f.check_kind &&
          tk.table_name === f.table_name &&
          (tk.field_name ?? null) === (f.field_name ?? null) &&
          tk.fingerprint_department === f.department_code &&
          can(req.user!, 'tickets.view', { department: tk.department_code }),
      )?.id ?? null;
    const tableOf = (name: string) => catalog?.tables.find((t) => t.name === name);
    const departmentName = (code: string) => departments.find((d) => d.code === code)?.name ?? code;
    // Sample keys are stored masked (maskRecordKey); results stored before undeclared key columns were masked by
    // their name (sfzh, mobile…) are masked here the same way: masking twice reads the same.
    const keyWords: SampleKeyWords = {
      emptyKey: req.t('checks.run.emptyKey'),
      emptyPart: req.t('checks.run.emptyKeyPart'),
      separator: req.t('checks.run.sampleSeparator'),
      ofColumn: (column, keys) => req.t('checks.run.samplesOfColumn', { column, keys }),
    };
    const shownKeys = (tableName: string, keys: Record<string, string | null>[]) => {
      const table = tableOf(tableName);
      return sampleKeysLine(
        table,
        keys.map((k) => maskRecordKey(table, k)),
        keyWords,
      );
    };
    const running = found.run.status === 'running';
    // "Every check passed" only of a completed run whose tables were all checked: a run that checked no
    // table (each busy in another run, no catalog) or is still going says so instead, and one that left some of
    // its tables to another run says how many it checked.
    const checked = found.tables.filter((tb) => tb.status === 'ok').length;
    const noFailures = running
      ? req.t('checks.run.noFailuresYet')
      : checked === 0
        ? req.t('checks.run.noTables')
        : checked < found.tables.length || found.run.status !== 'completed' || (found.run.skipped_tables ?? []).length > 0
          ? req.t('checks.run.noFailuresChecked', { count: checked })
          : req.t('checks.run.noFailures');
    const forOffice = can(req.user!, 'checks.run');
    const untried = untriedAfterOutage(found.tables.map((tb) => tb.error_code));
    res.render('pages/checks/run', {
      title: req.t('checks.run.title', { id: found.run.id }),
      ...found,
      // Stored in both languages ("尚未导入数据目录 / no catalog imported yet"): shown in the reader's.
      run: { ...found.run, error: forOffice && found.run.error ? localizeCheckError(req.t, scrubForLog(found.run.error)) : null },
      durationMs: durationMs(found.run),
      running,
      noFailures,
      noTables: req.t(running ? 'checks.run.noTablesYet' : 'checks.run.noTables'),
      skipped: (found.run.skipped_tables ?? []) as { table: string; run_id: number | null }[],
      rerunId: rerun ? Number(rerun.id) : null,
      rerunOf: found.run.rerun_of == null ? null : Number(found.run.rerun_of),
      // A table the catalog no longer has is named, not linked: its catalog page is gone. A table never tried after the
      // hub went away (untriedAfterOutage) reads 未检查 / Not checked as its duration, not "0 ms".
      tables: found.tables.map((tb, i) => {
        // The code, the hub's message (masked) and what they mean only for the IT office (tableErrorView); a
        // university leader reads that it is the run's problem, not the data's.
        const error = tableErrorView(req.t, tb, forOffice);
        return {
          ...tb,
          table_title: tableOf(tb.table_name)?.title ?? null,
          in_catalog: !!tableOf(tb.table_name),
          not_tried: untried[i],
          error_hint: error.hint ?? (tb.error_code && !forOffice ? req.t('checks.run.tableErrorOthers') : null),
          error_code: error.code,
          error_message: error.message === null ? null : localizeCheckError(req.t, error.message),
        };
      }),
      failures: found.failures.map((f) => ({
        ...f,
        table_title: tableOf(f.table_name)?.title ?? null,
        in_catalog: !!tableOf(f.table_name),
        ticket_id: ticketOf(f) === null ? null : Number(ticketOf(f)),
        field_title: f.field_name ? (tableOf(f.table_name)?.fields.find((x) => x.name === f.field_name)?.title ?? null) : null,
        check_label: checkLabel(req.t, f.check_kind),
        table_verdict: isTableVerdict(f.check_kind, f.field_name),
        department_name: departmentName(f.department_code),
        samples: shownKeys(f.table_name, (f.sample_keys as Record<string, string | null>[]).slice(0, 3)),
      })),
    });
  });

  router.get('/runs/:id/progress', authorize('runs.view'), async (req, res) => {
    const run = await db('check_runs')
      .where({ id: pathId(req.params.id) || 0 })
      .first('id', 'status', 'tables_total', 'tables_done', 'tables_failed', 'checks_failed');
    if (!run) throw new NotFoundError();
    res.json(run);
  });

  // One check's trend, as JSON for chart.js (ticket pages and table pages).
  router.get('/checks/trend', authorize('checks.view'), async (req, res) => {
    const table = String(req.query.table ?? '');
    const check = String(req.query.check ?? '');
    const field = req.query.field ? String(req.query.field) : null;
    const rows = await checkTrend(db, { table, check, field });
    const labels = trendLabels(
      rows.map((r) => ({ at: new Date(r.checked_at), runId: Number(r.run_id) })),
      await universityTimezone(db, ctx.config.timezone),
    );
    res.json(
      rows.map((r, i) => ({
        at: r.checked_at,
        label: labels[i],
        violations: Number(r.violations),
        checked: Number(r.checked_rows),
        passed: r.passed,
      })),
    );
  });

  return router;
}
