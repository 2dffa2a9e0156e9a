import type { Request } from 'express';
import type { Knex } from 'knex';
import { can, CurrentUser } from '../../policies';
import {
  ACTIVE_STATUSES,
  disputedByReportAnswer,
  EXTENSION_STATUSES,
  PublicTicket,
  SEVERITIES,
  TICKET_STATUSES,
  TicketEventRow,
  TicketFilters,
  isStatusFilter,
  isTicketView,
} from '../../services/tickets';
import type { Translator } from '../../i18n';
import { tableFilter } from '../api/filters';
import { departmentCodeAsWritten } from '../../services/department-code';
import type { Catalog } from '../../services/catalog/types';
import { formatCount } from '../../services/figures';
import { OptionList, renderOptionList, withSelected } from '../../views/option-list';

/**
 * Query string → filters, with the department forced for users who see only their own. A department code and a
 * table name in any case, as the API and the command line take them (`hr` is HR, STAFF_BASIC is staff_basic): the
 * form then shows them as spelled; one nobody has stays as typed (the list is empty, the menu shows it chosen).
 */
export async function filtersFrom(
  req: Request,
  today: string,
  db: Knex,
  catalog: Catalog | null | undefined,
): Promise<{ filters: TicketFilters; form: Record<string, string> }> {
  const q = req.query as Record<string, unknown>;
  const s = (k: string) => (typeof q[k] === 'string' ? (q[k] as string).trim() : '');
  const user = req.user!;
  // A status or view the menus do not have (an old or mistyped link) is the default, as the menu then
  // shows it: the list filtered by what the form says, never every status under “待处理”.
  const status = s('status') === 'all' || isStatusFilter(s('status')) ? s('status') : 'active';
  const severity = (SEVERITIES as string[]).includes(s('severity')) ? s('severity') : '';
  const view = isTicketView(s('view')) ? s('view') : '';
  const filters: TicketFilters = { today };
  if (status !== 'all') filters.status = status as TicketFilters['status'];
  const typedDepartment = s('department');
  const department = !can(user, 'tickets.viewAll')
    ? user.department
    : typedDepartment && ((await departmentCodeAsWritten(db, typedDepartment)) ?? typedDepartment);
  if (department) filters.department = department;
  const table = s('table') && tableFilter(catalog, s('table'));
  if (table) filters.table = table;
  if (s('check')) filters.check = s('check');
  if (severity) filters.severity = severity;
  if (view) filters.view = view as TicketFilters['view'];
  return {
    filters,
    form: { status, department, table, check: s('check'), severity, view },
  };
}

export const STATUS_CHOICES = ['active', ...TICKET_STATUSES, 'all'];

/**
 * How a filter menu labels its values: `key` names the labelling (the locale and the catalog version
 * the labels come from), so a rendered menu is reused only with the same labels.
 */
export interface MenuLabels {
  key: string;
  label(value: string): string;
}

/**
 * A filter menu's <option>s as HTML, `selected` on the chosen value; the values stay the filter's
 * codes, the labels are what people read (`labels`; without it the value itself). The menus' value
 * lists are cached (filterChoices keeps one array per list until a ticket is filed), so the options
 * are rendered once per list and labelling.
 */
const renderedMenus = new WeakMap<readonly string[], Map<string, OptionList>>();
/** Labellings kept per list: the two locales, and a catalog version replaced by the next import. */
const MAX_LABELLINGS = 4;

export function menuOptions(values: readonly string[], chosen: string, labels?: MenuLabels): string {
  let menus = renderedMenus.get(values);
  if (!menus) renderedMenus.set(values, (menus = new Map()));
  const key = labels?.key ?? '';
  let menu = menus.get(key);
  if (!menu) {
    menu = renderOptionList(values.map((value) => ({ value, label: labels ? labels.label(value) : value })));
    if (menus.size >= MAX_LABELLINGS) menus.delete(menus.keys().next().value as string);
    menus.set(key, menu);
  }
  // A filter on a value the menu lacks (an old link, a table no ticket names now) is still the filter applied:
  // the menu shows it chosen rather than （全部） over a list that is empty for it.
  if (chosen && !values.includes(chosen))
    return menu.html + withSelected(renderOptionList([{ value: chosen, label: labels ? labels.label(chosen) : chosen }]), chosen);
  return withSelected(menu, chosen);
}

export { checkLabel } from '../../presenters/check-label';

/** A hub table as people read it: "教职工基本信息 (staff_basic)" where the catalog has a title, else its name. */
export function tableLabel(catalog: Catalog | null | undefined, name: string): string {
  const title = catalog?.tables.find((t) => t.name === name)?.title;
  return title ? `${title} (${name})` : name;
}

export { conflictMessage } from '../../presenters/ticket-conflict';

/** A history row as the ticket page shows it: what the system's events were about, in words. */
export type ShownEvent = TicketEventRow & {
  /** e.g. 复查未通过：仍有 3 条记录不符合要求 — the reason the details record, for the events that have one. */
  note?: string;
  /** The check run the event came from, linked for those who may open the runs pages. */
  run?: { label: string; href: string | null };
  /** A report the IT office routed from triage: when the reporter sent it, who routed it (`reportRouting`). */
  routed?: { reportedAt: string; by: string };
};

/**
 * A routed report's history entry is recorded when the department got it, in the reporter's name: it says when the
 * reporter sent it and who routed it, or it reads as the reporter's act at the routing's time.
 */
export function reportRouting(e: Pick<TicketEventRow, 'kind' | 'details'>): ShownEvent['routed'] {
  const d = e.details ?? {};
  return e.kind === 'reported' && typeof d.reported_at === 'string' && typeof d.routed_by === 'string'
    ? { reportedAt: d.reported_at, by: d.routed_by }
    : undefined;
}

/** 人事处（HR） in Chinese, 人事处 (HR) in English; the code alone for a department without a row. */
export const departmentLabel = (t: Translator, names: ReadonlyMap<string, string>, code: unknown) => {
  const name = names.get(String(code));
  return name ? `${name}${t('common.inParentheses', { text: String(code) })}` : String(code);
};

/**
 * The note of an event about more time (extensions.ts): what was asked, granted or refused, or that a request ended with
 * this event (fixed, closed, disputed; a reassignment says it after its own note). For the ticket page and the
 * department's report answer page alike.
 */
function extensionNote(t: Translator, kind: string, d: Record<string, unknown>): string | undefined {
  if (d.extension_ended != null && kind !== 'reassigned')
    return t('tickets.history.extensionEnded', { days: Number(d.extension_ended) });
  if (kind === 'extension_asked')
    return t('tickets.history.extensionAsked', { days: Number(d.days ?? 0), due: String(d.due_at ?? '') });
  if (kind === 'extension_given') {
    const params = {
      days: Number(d.days ?? 0),
      asked: Number(d.days_asked ?? d.days ?? 0),
      before: String(d.due_at_before ?? ''),
      due: String(d.due_at ?? ''),
    };
    return t(params.asked > params.days ? 'tickets.history.extensionGivenFewer' : 'tickets.history.extensionGiven', params);
  }
  if (kind === 'extension_denied') return t('tickets.history.extensionDenied', { due: String(d.due_at ?? '') });
  return undefined;
}

/**
 * Each event's note: a failed re-check (`recheck_failed`: the violations the run still found) or a
 * passing check (`check_passed`) names its run; a reassignment names both departments and the new due date;
 * a report fix confirmed by the reporters' silence (`no_reply`) says so.
 */
export function withNotes(
  t: Translator,
  events: TicketEventRow[],
  opts: { departments: ReadonlyMap<string, string>; runLinks: boolean },
): ShownEvent[] {
  return events.map((e) => {
    const d = e.details ?? {};
    const runId = typeof d.runId === 'string' || typeof d.runId === 'number' ? String(d.runId) : null;
    const run =
      runId && /^\d+$/.test(runId)
        ? { label: t('checks.run.title', { id: runId }), href: opts.runLinks ? `/runs/${runId}` : null }
        : undefined;
    if (e.kind === 'transition' && d.reason === 'recheck_failed')
      return { ...e, note: t('tickets.history.recheckFailed', { violations: formatCount(Number(d.violations ?? 0)) }), run };
    // A note of its own, and the request for more time the event ended (said after it).
    const andEnded = (note: string) =>
      d.extension_ended != null
        ? note + t('tickets.history.noteSeparator') + t('tickets.history.extensionEnded', { days: Number(d.extension_ended) })
        : note;
    // Closed by a catalog import: the check is gone, or the ticket duplicated the new owner's.
    if (e.kind === 'transition' && d.reason === 'catalog_dropped')
      return { ...e, note: andEnded(t('tickets.history.catalogDropped', { version: String(d.catalog_version ?? '') })) };
    if (e.kind === 'transition' && d.reason === 'catalog_duplicate')
      return {
        ...e,
        note: andEnded(
          t('tickets.history.catalogDuplicate', { version: String(d.catalog_version ?? ''), id: String(d.duplicate_of ?? '') }),
        ),
      };
    // Closed by the system when its last report was withdrawn (reports/withdraw.ts).
    if (e.kind === 'transition' && d.reason === 'report_withdrawn')
      return { ...e, note: andEnded(t('tickets.history.reportWithdrawn')) };
    if (e.kind === 'transition' && d.reason === 'check_passed')
      return { ...e, note: andEnded(t('tickets.history.checkPassed')), run };
    // A resolved ticket whose check failed again within the reopen window (apply.ts): which run, and the due date counted
    // afresh from it — it read 重新打开 已解决 → 待签收 alone, the due date changed without a word.
    if (e.kind === 'reopened' && run)
      return { ...e, note: t('tickets.history.checkFailedAgain', { due: String(d.due_at ?? '') }), run };
    // A report fix resolved by the reporters' silence: the system confirmed it, not a reporter.
    if (e.kind === 'confirmed' && d.reason === 'no_reply')
      return { ...e, note: t('tickets.history.noReply', { days: Number(d.working_days ?? 5) }) };
    if (e.kind === 'dispute_refused') {
      const days = Number(d.working_days ?? 0);
      const due = String(d.due_at ?? '');
      return {
        ...e,
        note:
          days > 0 ? t('tickets.history.disputeDismissed', { days, due }) : t('tickets.history.disputeDismissedSameDay', { due }),
      };
    }
    // A catalog import changed the holidays: the due date was counted again (tickets/calendar-change.ts).
    if (e.kind === 'due_moved')
      return {
        ...e,
        note: t('tickets.history.dueMovedCalendar', {
          version: String(d.catalog_version ?? ''),
          before: String(d.due_at_before ?? ''),
          due: String(d.due_at ?? ''),
        }),
      };
    // "Not an error" closes the ticket: the history read 责任单位答复 → 已关闭, as any closing (a fix reads → 已整改待确认).
    if (e.kind === 'answered' && d.answer === 'not_error') return { ...e, note: andEnded(t('tickets.history.answeredNotError')) };
    const extension = extensionNote(t, e.kind, d);
    if (extension) return { ...e, note: extension };
    if (e.kind === 'reassigned' && d.to_department)
      return {
        ...e,
        note: andEnded(
          t(d.reason === 'catalog_owner_changed' ? 'tickets.history.catalogReassigned' : 'tickets.history.reassigned', {
            from: departmentLabel(t, opts.departments, d.from_department),
            to: departmentLabel(t, opts.departments, d.to_department),
            due: String(d.due_at ?? ''),
            version: String(d.catalog_version ?? ''),
          }),
        ),
      };
    const routed = reportRouting(e);
    return routed ? { ...e, routed } : e;
  });
}

/** What the ticket page may offer this user: each flag is one form. */
export function actionsFor(user: CurrentUser, t: PublicTicket, opts: { disputeSettled?: boolean } = {}) {
  const active = ACTIVE_STATUSES.includes(t.status);
  const work = can(user, 'tickets.work', { department: t.department });
  return {
    acknowledge: work && t.status === 'open',
    // A report ticket is fixed by answering the report (its own page): the reporter confirms the fix.
    fix: work && (t.status === 'open' || t.status === 'acknowledged') && t.check !== 'report',
    // Once per department: the IT office's "not accepted" settles it (transitions.ts disputeSettled). A report ticket's
    // "not ours" is an answer to the report, given on its answer page with the others (the service refuses it here too).
    dispute: work && active && !t.disputed_at && !opts.disputeSettled && !disputedByReportAnswer(t.check),
    close: active && can(user, 'tickets.close', { department: t.department }),
    reassign: active && can(user, 'tickets.reassign', { department: t.department }),
    /** Keep a disputed ticket with its department (the IT office, as reassigning). */
    dismissDispute: active && !!t.disputed_at && can(user, 'tickets.reassign', { department: t.department }),
    // More time (extensions.ts): the department asks while it works the ticket, one request at a time; the IT office answers.
    requestExtension: work && EXTENSION_STATUSES.includes(t.status) && !t.disputed_at && !t.extension_requested_at,
    decideExtension: !!t.extension_requested_at && can(user, 'tickets.reassign', { department: t.department }),
    comment: can(user, 'tickets.comment', { department: t.department }),
  };
}
