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
import { EXIT, print } from '../io';
import { cliLocale } from '../locale';
import { withServiceRuntime } from '../with-runtime';

/**
 * `hubwatch tickets list --json [--status S] [--department CODE]` (a public contract): a JSON array
 * of tickets, earliest due first, each with id, status, department, table, field (null for
 * table-level checks), check, severity, violations, first_seen, last_seen, due_at, reopened — the
 * same objects as `GET /api/v1/tickets`. Without --status, every status. Without --json, one line a
 * ticket with its sentence in the command line's language (HUBWATCH_LOCALE / LANG, as every command).
 */
export const ticketsListCommand: Command = {
  name: 'tickets list',
  summary: '列出质量工单 / list quality tickets',
  usage: [
    'hubwatch tickets list [--json] [--status S] [--department CODE]',
    '',
    '  --status      open | acknowledged | fixed | resolved | closed | active (open+acknowledged+fixed); default: every status',
    '  --department  department code, e.g. HR',
    '  --json        print a JSON array (for scripts)',
  ].join('\n'),
  options: { json: { type: 'boolean' }, status: { type: 'string' }, department: { type: 'string' } },
  async run({ values }, io) {
    const status = values.status as string | undefined;
    if (status !== undefined && !isStatusFilter(status)) {
      print(
        io.stderr,
        `--status: 未知的状态 "${status}" / unknown status; 可选 / one of: open, acknowledged, fixed, resolved, closed, active`,
      );
      return EXIT.usage;
    }
    return withServiceRuntime(io, 'tickets list', async ({ db, config }) => {
      const { calendar } = await loadTicketCalendar(db, config.timezone);
      const today = todayIn(calendar.timezone, new Date());
      const filters: TicketFilters = { today };
      if (status) filters.status = status as TicketFilters['status'];
      if (values.department) {
        filters.department = String(values.department);
        // An unknown code is a typo, not a department without tickets: said, as --status's is.
        if (!(await db('departments').where({ code: filters.department }).first('code'))) {
          print(io.stderr, `--department: 没有部门 / no department "${filters.department}"`);
          return EXIT.usage;
        }
      }
      const tickets = (await listTickets(db, filters)).items.map((t) => toPublicTicket(t, today));
      if (values.json) {
        print(io.stdout, JSON.stringify(tickets, null, 2));
        return EXIT.ok;
      }
      if (!tickets.length) print(io.stdout, '没有工单 / no tickets');
      const locale = cliLocale(io);
      for (const t of tickets) {
        print(
          io.stdout,
          `#${t.id}\t${t.status}\t${t.department}\t${t.severity}\t${t.due_at}${t.overdue ? '!' : ''}\t${ticketMessage(t, locale)}`,
        );
      }
      return EXIT.ok;
    });
  },
};
