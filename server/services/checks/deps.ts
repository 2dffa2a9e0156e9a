import type { AppContext } from '../../context';
import { DEFAULT_LOCALE, hasKey, translate, translator, type Locale } from '../../i18n';
import { notifierFromConfig } from '../notifications';
import { scrubForLog } from '../privacy';
import { applyCheckResults, onRecheckRequested } from '../tickets';
import { localizeCheckError } from './error-text';
import { claimRun, CheckRunnerDeps, executeRun } from './runs';

/** The notice's sentence on what a table error means and what to do; none for a code this version does not know. */
const errorHint = (locale: Locale, code: string) =>
  hasKey(DEFAULT_LOCALE, `checks.errorCodes.${code}`) ? translate(locale, `checks.errorCodes.${code}`) : '';

/**
 * Wires the check runner to the rest of the product: results go to the ticket service; a table that
 * cannot be checked is an operational problem for the IT office (inbox and e-mail), never a ticket.
 * One place, so the scheduler, the CLI and "run now" behave the same.
 */
export function checkRunnerDeps(ctx: AppContext, extra: Partial<CheckRunnerDeps> = {}): CheckRunnerDeps {
  const notifier = notifierFromConfig(ctx.db, ctx.config, ctx.logger);
  return {
    db: ctx.db,
    hub: ctx.hub,
    logger: ctx.logger,
    now: ctx.now,
    statementTimeoutMs: ctx.config.checkStatementTimeoutMs,
    // The embedded hub has one connection: nothing to read beside it.
    scanParts: ctx.hub.kind === 'postgres' ? ctx.config.checkScanParts : 1,
    onTableResults: async (handoff) => {
      await applyCheckResults(ctx.db, { ...handoff, notifier });
    },
    onTableError: async ({ runId, table, code, message }) => {
      // Tell the IT office when a table goes from checkable to not, or from one problem to another (a missing column
      // where the table was missing is news), not on every run of the same problem. An outage of the hub says nothing
      // about a table: a table missing before it and after it was told of once; an outage is told of once, when it
      // starts, in one notice for the run (the runner calls this for the first table of an outage only).
      const hubDown = code === 'hub_unreachable';
      const previous = await ctx
        .db('check_run_tables')
        .where({ table_name: table })
        .whereNot({ run_id: runId })
        .modify((q) => {
          if (!hubDown) q.where((w) => w.whereNull('error_code').orWhereNot({ error_code: 'hub_unreachable' }));
        })
        .orderBy('finished_at', 'desc')
        .first('status', 'error_code');
      if (previous && previous.status === 'error' && previous.error_code === code) return;
      // The hub's message can quote a row's values (an ID or mobile number): masked, as the pages show it.
      const shown = scrubForLog(message);
      const key = hubDown ? 'checks.notice.hub' : 'checks.notice';
      // Each language's notice says the runner's own sentence ("中台中不存在表 x / hub table x does not exist") in that
      // language only.
      const params = (locale: Locale) => ({
        table,
        run: runId,
        code,
        message: localizeCheckError(translator(locale), shown),
        hint: errorHint(locale, code),
      });
      await notifier.office(
        {
          kind: 'check.table_error',
          title: translate('zh-CN', `${key}.title`, params('zh-CN')),
          body: translate('zh-CN', `${key}.body`, params('zh-CN')),
          link: `/runs/${runId}`,
          en: { title: translate('en', `${key}.title`, params('en')), body: translate('en', `${key}.body`, params('en')) },
        },
        { email: true },
      );
    },
    ...extra,
  };
}

/**
 * A steward's "fixed" asks for an immediate re-check of that table: registered once per process by
 * `serve`. The re-check is a run of its own (trigger `recheck`), so it shows on the runs page.
 */
export function registerRecheck(ctx: AppContext): void {
  onRecheckRequested(async (table) => {
    const runId = await claimRun(ctx.db, { trigger: 'recheck', scope: [table] });
    if (runId !== null)
      void executeRun(checkRunnerDeps(ctx), runId).catch((err) => ctx.logger.error({ err, table }, 're-check failed'));
  });
}
