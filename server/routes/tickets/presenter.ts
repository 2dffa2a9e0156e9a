import type { Request } from 'express';
import { can, CurrentUser } from '../../policies';
import {
  ACTIVE_STATUSES,
  PublicTicket,
  SEVERITIES,
  TICKET_STATUSES,
  TicketFilters,
  isStatusFilter,
  isTicketView,
} from '../../services/tickets';
import { OptionList, renderOptionList, withSelected } from '../../views/option-list';

/** Query string → filters, with the department forced for users who see only their own. */
export function filtersFrom(req: Request, today: string): { filters: TicketFilters; form: Record<string, string> } {
  const q = req.query as Record<string, unknown>;
  const s = (k: string) => (typeof q[k] === 'string' ? (q[k] as string).trim() : '');
  const user = req.user!;
  const status = s('status') || 'active';
  const filters: TicketFilters = { today };
  if (status !== 'all' && isStatusFilter(status)) filters.status = status;
  const department = can(user, 'tickets.viewAll') ? s('department') : user.department;
  if (department) filters.department = department;
  if (s('table')) filters.table = s('table');
  if (s('check')) filters.check = s('check');
  if ((SEVERITIES as string[]).includes(s('severity'))) filters.severity = s('severity');
  if (isTicketView(s('view'))) filters.view = s('view') as TicketFilters['view'];
  return {
    filters,
    form: { status, department, table: s('table'), check: s('check'), severity: s('severity'), view: s('view') },
  };
}

export const STATUS_CHOICES = ['active', ...TICKET_STATUSES, 'all'];

/**
 * A filter menu's <option>s as HTML, `selected` on the chosen value. The menus' value lists are cached
 * (filterChoices keeps one array per list until a ticket is filed), so the options are rendered once
 * per list.
 */
const renderedMenus = new WeakMap<readonly string[], OptionList>();

export function menuOptions(values: readonly string[], chosen: string): string {
  let menu = renderedMenus.get(values);
  if (!menu) {
    menu = renderOptionList(values.map((value) => ({ value, label: value })));
    renderedMenus.set(values, menu);
  }
  return withSelected(menu, chosen);
}

/** What the ticket page may offer this user: each flag is one form. */
export function actionsFor(user: CurrentUser, t: PublicTicket) {
  const active = ACTIVE_STATUSES.includes(t.status);
  const work = can(user, 'tickets.work', { department: t.department });
  return {
    acknowledge: work && t.status === 'open',
    fix: work && (t.status === 'open' || t.status === 'acknowledged'),
    dispute: work && active && !t.disputed_at,
    close: active && can(user, 'tickets.close', { department: t.department }),
    reassign: active && can(user, 'tickets.reassign', { department: t.department }),
    comment: can(user, 'tickets.comment', { department: t.department }),
  };
}
