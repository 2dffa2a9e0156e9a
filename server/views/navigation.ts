import { Action, can, CurrentUser } from '../policies';

/**
 * The navigation bar, by role: an item shows when the user may use its page. Features add their
 * entries here (one line each).
 */
interface NavItem {
  key: string;
  href: string;
  action: Action;
}

const ITEMS: NavItem[] = [
  { key: 'nav.home', href: '/', action: 'home.view' },
  { key: 'nav.catalog', href: '/catalog', action: 'catalog.view' },
  { key: 'nav.calendar', href: '/calendar', action: 'calendar.view' },
  { key: 'nav.runs', href: '/runs', action: 'runs.view' },
  { key: 'nav.tickets', href: '/tickets', action: 'tickets.list' },
  { key: 'nav.scorecards', href: '/scorecards', action: 'scorecards.list' },
  { key: 'notifications.nav', href: '/inbox', action: 'inbox.view' },
  { key: 'nav.sharing', href: '/sharing', action: 'sharing.apply' },
  { key: 'nav.reports', href: '/reports/mine', action: 'reports.mine' },
  { key: 'nav.triage', href: '/reports/triage', action: 'reports.triage' },
  { key: 'nav.audit', href: '/admin/audit', action: 'audit.view' },
  { key: 'nav.users', href: '/admin/users', action: 'users.manage' },
];

export interface NavLink {
  key: string;
  href: string;
  active: boolean;
}

export function navigationFor(user: CurrentUser | undefined, currentPath: string): NavLink[] {
  if (!user) return [];
  return ITEMS.filter((item) => can(user, item.action)).map((item) => ({
    key: item.key,
    href: item.href,
    active: item.href === '/' ? currentPath === '/' : currentPath.startsWith(item.href),
  }));
}
