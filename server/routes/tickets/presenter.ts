import type { Request } from 'express';
import { Utils } from 'handlebars';
import { can, CurrentUser } from '../../policies';
import {
  ACTIVE_STATUSES,
  PublicTicket,
  SEVERITIES,
  TICKET_STATUSES,
  TicketFilters,
  isStatusFilter,
} from '../../services/tickets';

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
  if (s('view') === 'overdue' || s('view') === 'escalated') filters.view = s('view') as 'overdue' | 'escalated';
  return {
    filters,
    form: { status, department, table: s('table'), check: s('check'), severity: s('severity'), view: s('view') },
  };
}

export const STATUS_CHOICES = ['active', ...TICKET_STATUSES, 'all'];

/**
 * A filter menu's <option>s as HTML, `selected` on the chosen value. The menus' value lists are cached
 * (filterChoices keeps one array per list until a ticket is filed), so the options are rendered once
 * per list: with 500 tables, iterating them in the template was most of the queue page's Node time.
 * Escaped with Handlebars' own function: the same HTML `{{value}}` wrote.
 */
const renderedMenus = new WeakMap<readonly string[], { html: string; selectAt: Map<string, number> }>();

export function menuOptions(values: readonly string[], chosen: string): string {
  let menu = renderedMenus.get(values);
  if (!menu) {
    let html = '';
    const selectAt = new Map<string, number>();
    for (const value of values) {
      html += `<option value="${Utils.escapeExpression(value)}"`;
      selectAt.set(value, html.length);
      html += `>${Utils.escapeExpression(value)}</option>`;
    }
    menu = { html, selectAt };
    renderedMenus.set(values, menu);
  }
  const at = menu.selectAt.get(chosen);
  return at === undefined ? menu.html : `${menu.html.slice(0, at)} selected${menu.html.slice(at)}`;
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
    comment: can(user, 'tickets.view', { department: t.department }),
  };
}
