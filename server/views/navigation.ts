import type { Response } from 'express';
import type { Knex } from 'knex';
import { Action, can, CurrentUser } from '../policies';
import { beforeRender } from './before-render';

/**
 * The navigation bar, by role: an item shows when the user may use its page. Features add their
 * entries here (one line each).
 */
interface NavItem {
  key: string;
  href: string;
  action: Action;
  /** Other pages of the section, reached from its list (the bar marks the section there too). */
  also?: RegExp;
}

const ITEMS: NavItem[] = [
  { key: 'nav.home', href: '/', action: 'home.view' },
  { key: 'nav.catalog', href: '/catalog', action: 'catalog.view' },
  { key: 'nav.calendar', href: '/calendar', action: 'calendar.view' },
  { key: 'nav.runs', href: '/runs', action: 'runs.view' },
  { key: 'nav.tickets', href: '/tickets', action: 'tickets.list', also: /^\/reports\/tickets(\/|$)/ },
  { key: 'nav.scorecards', href: '/scorecards', action: 'scorecards.list', also: /^\/dashboard(\/|$)/ },
  { key: 'notifications.nav', href: '/inbox', action: 'inbox.view' },
  { key: 'nav.sharing', href: '/sharing', action: 'sharing.apply' },
  { key: 'nav.reports', href: '/reports/mine', action: 'reports.mine', also: /^\/reports\/(new|[0-9]+)(\/|$)/ },
  { key: 'nav.triage', href: '/reports/triage', action: 'reports.triage' },
  { key: 'nav.audit', href: '/admin/audit', action: 'audit.view' },
  { key: 'nav.users', href: '/admin/users', action: 'users.manage' },
];

export interface NavLink {
  key: string;
  href: string;
  active: boolean;
  /** Unread notices, on the inbox's link (a page shows it once it is counted; none: not shown). */
  unread?: number;
}

export function navigationFor(user: CurrentUser | undefined, currentPath: string): NavLink[] {
  if (!user) return [];
  return ITEMS.filter((item) => can(user, item.action)).map((item) => ({
    key: item.key,
    href: item.href,
    active: item.href === '/' ? currentPath === '/' : inSection(currentPath, item),
  }));
}

/** The page is the item's own, one under it (`/tickets/5`, not `/ticketsx`) or one of its section's others. */
function inSection(path: string, item: NavItem): boolean {
  return path === item.href || path.startsWith(`${item.href}/`) || !!item.also?.test(path);
}

/**
 * The inbox's link says how many notices are unread, on every page (消息 3), so a new one is seen without
 * opening the inbox, and marking them read clears it. Counted when a page renders (one indexed count).
 */
export function countUnreadWhenRendering(db: Knex, userId: number, res: Response): void {
  beforeRender(res, async () => {
    const row = await db('notifications').where({ user_id: userId }).whereNull('read_at').count({ n: '*' }).first();
    const unread = Number(row?.n ?? 0);
    const nav = res.locals.nav as NavLink[] | undefined;
    if (nav && unread > 0) res.locals.nav = nav.map((link) => (link.href === '/inbox' ? { ...link, unread } : link));
  });
}

/**
 * The header names the signed-in user's department by its name (信息与网络管理中心), its code (ITC) kept in a title:
 * the code alone said nothing to most readers. Looked up when a page renders (one indexed read); without a row, or
 * when the look-up fails, the header keeps the code.
 */
export function departmentNameWhenRendering(db: Knex, code: string, res: Response): void {
  beforeRender(res, async () => {
    const row = (await db('departments').where({ code }).first('name')) as { name: string } | undefined;
    if (row?.name) res.locals.departmentName = row.name;
  });
}
