import { has, isOffice, Rule, sameDepartment } from './rule';

/** Accounts, departments, catalog and checks. Each feature area keeps its rules in its own file. */
export const coreRules = {
  /** Any signed-in account. */
  'session.use': () => true,
  'home.view': () => true,
  'profile.view': () => true,

  'users.manage': (u) => has(u, 'admin'),
  'audit.view': (u) => isOffice(u),

  /** A department's settings page: its stewards, webhook, members. */
  'department.view': (u, r) => isOffice(u) || has(u, 'univ_leader') || (has(u, 'steward', 'dept_leader') && sameDepartment(u, r)),
  'department.manage': (u, r) => isOffice(u) || (has(u, 'steward', 'dept_leader') && sameDepartment(u, r)),

  'catalog.view': () => true,
  'catalog.manage': (u) => isOffice(u),
  'calendar.view': () => true,

  'checks.view': () => true,
  'checks.run': (u) => isOffice(u),
  'runs.view': (u) => isOffice(u) || has(u, 'univ_leader'),
} satisfies Record<string, Rule>;
