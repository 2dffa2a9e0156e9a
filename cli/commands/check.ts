import { formatCount } from '../../server/services/figures';
import { checkLabel, isTableVerdict } from '../../server/presenters/check-label';
import type { Command } from '../command';
import { elapsedText } from '../../server/presenters/duration';
import { untriedAfterOutage } from '../../server/presenters/run-figures';
import { checkRunnerDeps } from '../../server/services/checks/deps';
import { runNow } from '../../server/services/checks/runs';
import { localizeCheckError } from '../../server/services/checks/error-text';
import { catalogTable } from '../../server/services/catalog/names';
import { loadCurrentCatalog } from '../../server/services/catalog/repository';
import { EXIT, print } from '../io';
import { cliTranslator } from '../locale';
import { scrubForLog } from '../../server/services/privacy';
import { commandContext, withRuntime } from '../with-runtime';

export const checkRunCommand: Command = {
  name: 'check run',
  summary: '立即检查数据中台 / run the hub checks now',
  usage: 'hubwatch check run [--table T]… [--json]',
  help: {
    zh: [
      '运行每张启用中的表的检查（或 --table 指定的表，可重复），把结果交给工单服务，并输出摘要；',
      '--json 输出运行编号、耗时和每项检查的结果。',
      '运行完成时退出码为 0（无论发现了什么）；无法运行时为 1（没有数据目录、连不上数据中台）；',
      '--table 指定的表不在数据目录中（或为空）时为 2，不做任何检查。',
      '诊断信息写到 stderr：使用 --json 时，stdout 只有 JSON。',
    ],
    en: [
      "Runs every active table's checks (or those of the tables named, --table repeated), hands the results to the ticket service and prints",
      'a summary; --json prints the run id, duration and every check result.',
      'Exit 0 when the run completed, whatever it found; 1 when it could not run (no catalog, the hub unreachable);',
      '2 when a --table is not in the catalog (or empty): nothing is checked.',
      'Diagnostics go to stderr: with --json, stdout holds only the JSON.',
    ],
  },
  options: { table: { type: 'string', multiple: true }, json: { type: 'boolean' } },
  async run({ values }, io) {
    return withRuntime(io, 'check run', async (runtime) => {
      const t = cliTranslator(io);
      let tables = values.table as string[] | undefined;
      // `--table ""` (an unset shell variable) names no table: not "every table", and not "not in the catalog: ".
      if (tables?.some((name) => name.trim() === '')) {
        print(io.stderr, `--table: ${t('cli.tableNeeded')}`);
        return EXIT.usage;
      }
      if (tables?.length) {
        // Names ignore case, as everywhere in the product (STAFF_BASIC is staff_basic); run as the catalog spells them.
        const current = await loadCurrentCatalog(runtime.db);
        const inCatalog = (name: string) => catalogTable(current?.catalog, name);
        const unknown = tables.filter((t) => !inCatalog(t));
        if (unknown.length) {
          print(io.stderr, `--table: ${t('cli.tablesNotInCatalog', { tables: unknown.join(', ') })}`);
          return EXIT.usage;
        }
        tables = [...new Set(tables.map((name) => inCatalog(name)!.name))];
      }
      // The run's outcome (failed, interrupted) is this command's to say, below, in both languages — not a second time
      // as the service's log line.
      const ctx = commandContext(runtime, io, (record) => record.runOutcome !== undefined);
      const summary = await runNow(checkRunnerDeps(ctx), { trigger: 'cli', scope: tables?.length ? tables : null });
      // A hub that could not be reached is a failed run (each table with its error, for the runs page); its
      // summary for people says nothing was checked after the outage began.
      const unreachable = summary.tables.find((t) => t.error?.code === 'hub_unreachable');
      // Once a table found the hub gone, the run's later tables were not tried: as the run page reads them, they say so.
      const untried = untriedAfterOutage(summary.tables.map((t) => t.error?.code));
      if (values.json) {
        print(
          io.stdout,
          JSON.stringify(
            {
              run_id: summary.runId,
              status: summary.status,
              duration_ms: summary.durationMs,
              // Exit 1 and this say the same: the run failed (no catalog, the hub could not be reached…).
              // Errors as the runs page shows them: the hub's own message may quote a row's value.
              error: scrubForLog(summary.error ?? null),
              // Tables another run was checking at that moment, with its id: not checked again by this run.
              skipped_tables: summary.skipped,
              tables: summary.tables.map((t, i) => ({
                table: t.table,
                status: t.status,
                // false (and duration_ms null) for a table the run never tried after the hub went away. Not `checked`:
                // a result's `checked` is its number of rows checked.
                tried: !untried[i],
                error: scrubForLog(t.error ?? null),
                duration_ms: untried[i] ? null : Math.round(t.durationMs),
                results: t.results.map((r) => ({
                  check: r.check,
                  department: r.department,
                  table: r.table,
                  field: r.field,
                  passed: r.passed,
                  violations: r.violations,
                  checked: r.checkedRows,
                  severity: r.severity,
                  ...(r.message ? { message: r.message } : {}),
                })),
              })),
            },
            null,
            2,
          ),
        );
      } else {
        // In the command line's language (HUBWATCH_LOCALE / LANG), as every command; check kinds as the pages name
        // them, with the stored kind after them (what --json, the API and the catalog say), error codes as stored.
        // "Failed" alone would not say why: when no table was checked the summary says the hub was not reached
        // (the database's words follow on stderr); one lost midway is named at the tables it left unchecked.
        const nothingChecked = unreachable && !summary.tables.some((t) => t.status === 'ok');
        const runStatus = nothingChecked ? t('checks.cli.hubUnreachable') : t(`checks.status.${summary.status}`);
        print(
          io.stdout,
          t('checks.cli.summary', { id: summary.runId, status: runStatus, duration: elapsedText(t, summary.durationMs) }),
        );
        for (const [i, table] of summary.tables.entries()) {
          const failed = table.results.filter((r) => !r.passed);
          const status = untried[i]
            ? t('checks.cli.notTried')
            : table.status !== 'ok'
              ? t('checks.cli.error', { code: table.error?.code ?? '', message: scrubForLog(table.error?.message ?? '') })
              : table.results.length === 0
                ? // A table none of whose checks applies now (freshness outside its maintained_in months, no fields):
                  // "0/0 passed" read as if something had been looked at.
                  t('checks.cli.nothingApplies')
                : t('checks.cli.passed', { passed: table.results.length - failed.length, total: table.results.length });
          print(io.stdout, `  ${table.table.padEnd(24)} ${status}`);
          for (const r of failed) {
            const what = `${checkLabel(t, r.check)} (${r.check})${r.field ? ` ${r.field}` : ''}`;
            const found = isTableVerdict(r.check, r.field)
              ? t('checks.cli.tableVerdict')
              : t('checks.cli.violations', { violations: formatCount(r.violations), checked: formatCount(r.checkedRows) });
            print(io.stdout, `      ✗ ${what}: ${found}`);
          }
        }
        for (const s of summary.skipped)
          print(
            io.stdout,
            `  ${s.table.padEnd(24)} ${s.run_id ? t('checks.cli.skipped', { run: s.run_id }) : t('checks.cli.skippedGone')}`,
          );
      }
      // Diagnostics in the command line's language, as the summary, with --json too (whose `error` is as stored).
      if (summary.error) print(io.stderr, localizeCheckError(t, scrubForLog(summary.error)));
      return summary.status === 'completed' ? EXIT.ok : EXIT.failed;
    });
  },
};
