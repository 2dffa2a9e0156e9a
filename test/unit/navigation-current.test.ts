import type { CurrentUser, Role } from '../../server/policies';
import { navigationFor } from '../../server/views/navigation';

/**
 * The navigation bar marks the section a page belongs to (aria-current, the highlighted tab): on a phone, where the
 * bar is the only sign of where one is. Pages reached from a section's list marked none: a data user writing a report
 * (/reports/new) or reading one (/reports/5), a steward on a report's ticket (/reports/tickets/3), the IT office on the
 * assessment dashboard its 部门评分 link leads to (/scorecards sends it to /dashboard).
 */
const user = (roles: Role[], department = 'HR'): CurrentUser => ({
  id: 1,
  login: 'u',
  name: 'U',
  department,
  roles,
  locale: null,
});
const current = (u: CurrentUser, path: string) =>
  navigationFor(u, path)
    .filter((l) => l.active)
    .map((l) => l.key);

it.each([
  [['user'], '/reports/new', 'nav.reports'],
  [['user'], '/reports/5', 'nav.reports'],
  [['user'], '/reports/mine', 'nav.reports'],
  [['steward'], '/reports/tickets/3', 'nav.tickets'],
  [['steward'], '/tickets/3', 'nav.tickets'],
  [['it_office'], '/reports/triage', 'nav.triage'],
  [['it_office'], '/dashboard', 'nav.scorecards'],
  [['steward'], '/scorecards/HR', 'nav.scorecards'],
  [['user'], '/', 'nav.home'],
] as [Role[], string, string][])('%j on %s: %s is the current section, alone', (roles, path, key) => {
  expect(current(user(roles, roles.includes('it_office') ? 'ITC' : 'HR'), path)).toEqual([key]);
});

it('marks no section for a page of none, nor a path that only begins like one', () => {
  expect(current(user(['it_office'], 'ITC'), '/account/password')).toEqual([]);
  expect(current(user(['it_office'], 'ITC'), '/reports/5x')).toEqual([]);
  expect(current(user(['it_office'], 'ITC'), '/runsheet')).toEqual([]);
});
