import type { Command } from '../command';
import { todayIn } from '../../server/services/calendar';
import {
  isStatusFilter,
  listTickets,
  loadTicketCalendar,
  ticketMessage,
  toPublicTicket,
  type TicketFilters,
} from '../../server/services/tickets';
import { departmentCodeAsWritten } from '../../server/services/department-code';
import { loadCurrentCatalog } from '../../server/services/catalog/repository';
import { EXIT, print } from '../io';
import { cliLocale, cliTranslator } from '../locale';
import { withServiceRuntime } from '../with-runtime';

/**
 * `hubwatch tickets list --json [--status S] [--department CODE]` (a public contract): a JSON array
 * of tickets, earliest due first, each with id, status, department, table, field (null for
 * table-level checks), check, severity, violations, first_seen, last_seen, due_at, reopened — the
 * same objects as `GET /api/v1/tickets`. Without --status, every status. Without --json, one line a
 * ticket with its sentence in the command line's language (HUBWATCH_LOCALE / LANG, as every command).
 */
/** Tickets read a page at a time. */
const CLI_PAGE = 2_000;

/** One ticket as `JSON.stringify(list, null, 2)` writes an element of the array. */
const indented = (ticket: unknown) => `  ${JSON.stringify(ticket, null, 2).replace(/\n/g, '\n  ')}`;

export const ticketsListCommand: Command = {
  name: 'tickets list',
  summary: '列出质量工单 / list quality tickets',
  usage: 'hubwatch tickets list [--json] [--status S] [--department CODE]',
  help: {
    zh: [
      '--status      状态：open | acknowledged | fixed | resolved | closed | active（open+acknowledged+fixed）；默认：全部状态',
      '--department  部门代码，如 HR',
      '--json        输出 JSON 数组（供脚本使用）',
    ],
    en: [
      '--status      open | acknowledged | fixed | resolved | closed | active (open+acknowledged+fixed); default: every status',
      '--department  department code, e.g. HR',
      '--json        print a JSON array (for scripts)',
    ],
  },
  options: { json: { type: 'boolean' }, status: { type: 'string' }, department: { type: 'string' } },
  async run({ values }, io) {
    const t = cliTranslator(io);
    const status = values.status as string | undefined;
    if (status !== undefined && !isStatusFilter(status)) {
      print(
        io.stderr,
        `--status: ${t('cli.unknownStatus', { status, statuses: 'open, acknowledged, fixed, resolved, closed, active' })}`,
      );
      return EXIT.usage;
    }
    return withServiceRuntime(io, 'tickets list', async ({ db, config }) => {
      const { calendar } = await loadTicketCalendar(db, config.timezone);
      const today = todayIn(calendar.timezone, new Date());
      const filters: TicketFilters = { today };
      if (status) filters.status = status as TicketFilters['status'];
      // Given, even empty (`--department "$DEPT"` with DEPT unset): an empty code names no department, as an empty
      // --status names no status — not every department's tickets.
      if (values.department !== undefined) {
        // In any case, as the API takes it (`hr` is HR). An unknown code is a typo, not a department without
        // tickets: said, as --status's is.
        const code = await departmentCodeAsWritten(db, String(values.department));
        if (code === null) {
          print(io.stderr, `--department: ${t('cli.unknownDepartment', { department: String(values.department) })}`);
          return EXIT.usage;
        }
        filters.department = code;
      }
      // Every ticket, a page at a time (a university's history runs past any single page; the list was cut at
      // 10,000 without a word), each page written as it comes: memory stays flat.
      const locale = cliLocale(io);
      const catalog = (await loadCurrentCatalog(db))?.catalog;
      let listed = 0;
      if (values.json) io.stdout.write('[');
      for (let offset = 0; ; offset += CLI_PAGE) {
        const page = (await listTickets(db, filters, { limit: CLI_PAGE, offset })).items.map((t) =>
          toPublicTicket(t, today, catalog),
        );
        for (const t of page) {
          if (values.json) io.stdout.write(`${listed ? ',' : ''}\n${indented(t)}`);
          else
            print(
              io.stdout,
              `#${t.id}\t${t.status}\t${t.department}\t${t.severity}\t${t.due_at}${t.overdue ? '!' : ''}\t${ticketMessage(t, locale)}`,
            );
          listed++;
        }
        if (page.length < CLI_PAGE) break;
      }
      if (values.json) print(io.stdout, listed ? '\n]' : ']');
      else if (!listed) print(io.stdout, t('cli.result.noTickets'));
      return EXIT.ok;
    });
  },
};
