import { has, isOffice, Rule, sameDepartment } from './rule';

/**
 * Scorecards (issue 7). The IT office and university leaders see every department (dashboard,
 * ranking, exports); a department's stewards and leaders see their own scorecard only.
 */
const seesAll = (u: Parameters<Rule>[0]) => isOffice(u) || has(u, 'univ_leader');

export const scorecardsRules = {
  /** The nav entry and the API: anyone with a scorecard to look at. */
  'scorecards.list': (u) => seesAll(u) || has(u, 'steward', 'dept_leader'),
  'scorecards.dashboard': (u) => seesAll(u),
  /**
   * The Excel and CSV exports: every department's rows for those who see all; a department's stewards and leaders
   * their own department's row only (the route narrows it), as they read it on their scorecard and the period pages.
   */
  'scorecards.export': (u) => seesAll(u) || has(u, 'steward', 'dept_leader'),
  'scorecards.view': (u, r) => seesAll(u) || (has(u, 'steward', 'dept_leader') && sameDepartment(u, r)),
  /** Weights, closing periods, answering appeals, snapshot now. */
  'scorecards.manage': (u) => isOffice(u),
  'scorecards.appeal': (u, r) => has(u, 'steward', 'dept_leader') && sameDepartment(u, r),
} satisfies Record<string, Rule>;
