import type { AppContext } from '../context';
import type { Translator } from '../i18n';
import { can, CurrentUser } from '../policies';
import { eventDataWarning, eventGaps } from './event-data';
import { type HolidayGap, holidayDataWarning, holidayGaps } from './holiday-data';
import type { Festival, WorkingDayCalendar } from '../services/calendar';
import { listMyReports } from '../services/reports/queries';
import { loadReportSettings } from '../services/reports/settings';
import { queueIds } from '../services/sharing/lists';
import { loadTicketCalendar } from '../services/tickets';
import { listTickets, type TicketView } from '../services/tickets/queries';

/**
 * What each role lands on: a card per thing this user is responsible for. Features add their cards
 * here; the home page template just lists them.
 */
export interface HomeCard {
  title: string;
  text: string;
  href: string;
  /** A figure that tells at a glance whether something needs doing (e.g. "12 待处理 · 3 逾期"). */
  figure?: string;
  /** Something is wrong that this user must put right (shown first, marked). */
  warning?: boolean;
  /** Further figures, each a link of its own under the card's (e.g. "2 个异议待决定" → the disputed tickets). */
  links?: { text: string; href: string }[];
}

/**
 * From which month the next year's holidays are asked for: the State Council announces them in November or December,
 * and deadlines counted in working days from then on start to reach into January and the Spring Festival.
 */
const NEXT_YEAR_ASKED_FROM_MONTH = 11;

/**
 * The years whose official holidays are unknown (chinese-days has none, the catalog lacks one of its statutory festivals)
 * while working-day deadlines fall in them: this year, and next year from November. Deadlines in such a year count the
 * missing festivals as working days.
 */
export function yearsWithoutHolidays(calendar: { missingFestivals(year: number): Festival[] }, today: string): HolidayGap[] {
  const year = Number(today.slice(0, 4));
  const asked = Number(today.slice(5, 7)) >= NEXT_YEAR_ASKED_FROM_MONTH ? [year, year + 1] : [year];
  return holidayGaps(calendar, asked);
}

/** Active and overdue (not disputed: the clock stopped) tickets of one department (or all, for the IT office): one aggregate query. */
async function ticketFigures(ctx: AppContext, department: string | null, today: string) {
  const row = await ctx
    .db('tickets')
    .whereIn('status', ['open', 'acknowledged', 'fixed'])
    .modify((q) => (department ? q.where('department_code', department) : q))
    .select(
      ctx.db.raw('count(*) as active'),
      ctx.db.raw('count(*) filter (where due_at < ? and disputed_at is null) as overdue', [today]),
    )
    .first();
  return { active: Number(row?.active ?? 0), overdue: Number(row?.overdue ?? 0) };
}

/**
 * What waits for the IT office's decision, each counted as its view of the queue lists it (the same filter, listTickets):
 * the disputes ("not our data") and the requests for more time.
 */
async function officeDecisions(ctx: AppContext, today: string, t: Translator) {
  const views: TicketView[] = ['disputed', 'extension'];
  const totals = await Promise.all(views.map((view) => listTickets(ctx.db, { today, view }, { limit: 1, offset: 0 })));
  return views.map((view, i) => ({
    text: t(`home.cards.tickets.${view}`, { count: totals[i].total }),
    href: `/tickets?view=${view}`,
  }));
}

export async function homeFor(ctx: AppContext, user: CurrentUser, t: Translator) {
  const cards: HomeCard[] = [];
  // The university's today (the catalog calendar's zone), as the ticket and sharing pages count overdue and due;
  // looked up only for a card that counts by it.
  let universityCalendar: ReturnType<typeof loadTicketCalendar> | undefined;
  const loaded = () => (universityCalendar ??= loadTicketCalendar(ctx.db, ctx.config.timezone));
  const calendar = async (): Promise<WorkingDayCalendar> => (await loaded()).calendar;
  const today = async () => (await calendar()).today(ctx.now());
  // Those who maintain the catalog's calendar hear where they look every day that deadlines are being guessed (the
  // calendar page says so too, but nobody opens it to find out). Before any catalog import, deadlines count the
  // official holidays alone (loadTicketCalendar's calendar then): the same question.
  const missing = can(user, 'catalog.manage') ? yearsWithoutHolidays(await calendar(), await today()) : [];
  if (missing.length)
    cards.push({
      title: t('home.cards.holidays.title'),
      text: holidayDataWarning(t, missing),
      href: `/calendar?year=${missing[missing.length - 1].year}`,
      warning: true,
    });
  // Likewise an event that deadlines count from whose next occurrence is due and not entered (the spring semester's
  // start): its deadlines keep counting from the previous one, and the checks stop asking for the new term's updates.
  const events = can(user, 'catalog.manage') ? eventGaps((await loaded()).catalog, await today()) : [];
  if (events.length)
    cards.push({
      title: t('home.cards.events.title'),
      text: eventDataWarning(t, events),
      href: '/catalog/import',
      warning: true,
    });
  if (can(user, 'users.manage'))
    cards.push({ title: t('home.cards.users.title'), text: t('home.cards.users.text'), href: '/admin/users' });
  if (can(user, 'audit.view'))
    cards.push({ title: t('home.cards.audit.title'), text: t('home.cards.audit.text'), href: '/admin/audit' });
  if (can(user, 'tickets.list')) {
    const all = can(user, 'tickets.viewAll');
    const figures = await ticketFigures(ctx, all ? null : user.department, await today());
    // University-wide roles (IT office, administrators, university leaders) count every department's tickets and
    // go to the overdue ones first; with none overdue, to the active ones (the overdue view would be an empty list).
    const overdueFirst = all && figures.overdue > 0;
    cards.push({
      title: t('tickets.home.title'),
      text: overdueFirst ? t('home.cards.tickets.all') : all ? t('home.cards.tickets.allNoneOverdue') : t('tickets.home.text'),
      href: overdueFirst ? '/tickets?view=overdue' : '/tickets',
      figure: t('home.ticketFigure', figures),
      ...(can(user, 'tickets.reassign') ? { links: await officeDecisions(ctx, await today(), t) } : {}),
    });
  }
  if (can(user, 'reports.triage')) {
    // The IT office's own queue: shown while reports wait for it, or while new reports go through it first.
    const [waiting, settings] = await Promise.all([
      ctx.db('reports').where({ status: 'triage' }).count({ n: '*' }).first(),
      loadReportSettings(ctx.db),
    ]);
    const count = Number(waiting?.n ?? 0);
    if (count > 0 || settings.triage)
      cards.push({
        title: t('home.cards.triage.title'),
        text: t('home.cards.triage.text'),
        href: '/reports/triage',
        figure: t('home.cards.triage.figure', { count }),
      });
  }
  if (can(user, 'reports.file')) {
    // Fixes waiting for this reporter to check (silence confirms them after 5 working days): counted as 我的报告's
    // 已整改待确认 filter lists them, and linked to it — the card said nothing, the inbox only.
    const toConfirm = (await listMyReports(ctx.db, user.id, { status: 'fixed' }, { limit: 1, offset: 0 })).total;
    cards.push({
      title: t('reports.home.title'),
      text: t('reports.home.text'),
      href: '/reports/mine',
      ...(toConfirm > 0
        ? { links: [{ text: t('home.cards.reports.toConfirm', { count: toConfirm }), href: '/reports/mine?status=fixed' }] }
        : {}),
    });
  }
  if (can(user, 'sharing.apply')) {
    const reviews = can(user, 'sharing.review');
    // A reviewer's queue is counted as its page lists it (queueIds): the figure and the list agree.
    const queued = reviews ? (await queueIds(ctx.db, user, await today())).length : 0;
    cards.push({
      title: t('sharing.title'),
      // An applicant who reviews nothing is not offered a review queue they do not have.
      text: reviews ? t('sharing.homeCard') : t('home.cards.sharing.applyText'),
      href: reviews ? '/sharing/queue' : '/sharing',
      ...(reviews ? { figure: t('home.cards.sharing.queueFigure', { count: queued }) } : {}),
    });
  }
  if (can(user, 'department.view', { department: user.department })) {
    cards.push({
      title: t('home.cards.department.title'),
      text: t('home.cards.department.text'),
      href: `/departments/${encodeURIComponent(user.department)}`,
    });
  }
  if (can(user, 'scorecards.dashboard'))
    cards.push({ title: t('scorecards.home.dashboard.title'), text: t('scorecards.home.dashboard.text'), href: '/dashboard' });
  else if (can(user, 'scorecards.view', { department: user.department }))
    cards.push({
      title: t('scorecards.home.own.title'),
      text: t('scorecards.home.own.text'),
      href: `/scorecards/${encodeURIComponent(user.department)}`,
    });
  const department = await ctx.db('departments').where({ code: user.department }).first('name');
  return {
    title: t('home.title'),
    // By name only: the roles are the tags under it. A role title added to the name repeated it for
    // names that are titles themselves (信息化主管校领导 → 信息化主管校领导校领导，您好).
    greeting: t('home.greeting', { name: user.name }),
    departmentName: department?.name ?? user.department,
    roles: user.roles.map((r) => t(`roles.${r}`)),
    cards,
  };
}
