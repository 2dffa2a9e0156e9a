import { has, isOffice, Rule, sameDepartment } from './rule';

/** Quality tickets and the inbox. A department's people see and work their own tickets only. */
const seesAll = (u: Parameters<Rule>[0]) => isOffice(u) || has(u, 'univ_leader');

export const ticketsRules = {
  /** The queue page and API list (filtered to the user's department unless `tickets.viewAll`). */
  'tickets.list': (u) => seesAll(u) || has(u, 'steward', 'dept_leader'),
  'tickets.viewAll': (u) => seesAll(u),
  'tickets.view': (u, r) => seesAll(u) || (has(u, 'steward', 'dept_leader') && sameDepartment(u, r)),
  /** Acknowledge, mark fixed, dispute: the responsible department's steward (or its leader). */
  'tickets.work': (u, r) => has(u, 'steward', 'dept_leader') && sameDepartment(u, r),
  /**
   * A comment in the ticket's history: the people who work it (the department's steward or leader)
   * and the IT office that supervises it. University leaders read every ticket but do not act on
   * one (oversight: the dashboard, scorecards and sharing approvals are theirs).
   */
  'tickets.comment': (u, r) => isOffice(u) || (has(u, 'steward', 'dept_leader') && sameDepartment(u, r)),
  'tickets.close': (u) => isOffice(u),
  'tickets.reassign': (u) => isOffice(u),
  /** Due working days per severity and department webhooks. */
  'tickets.settings': (u) => isOffice(u),
  'inbox.view': () => true,
} satisfies Record<string, Rule>;
