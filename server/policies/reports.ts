import { has, isOffice, isOwner, Rule, sameDepartment } from './rule';

/**
 * Error reports (数据纠错). Anyone signed in may report and see their own reports; a report's page
 * is its reporter's (and the IT office's). The department answers through the ticket service,
 * which checks `tickets.work` itself.
 */
export const reportsRules = {
  'reports.file': () => true,
  /** "我的报告": every user's own list. */
  'reports.mine': () => true,
  'reports.view': (u, r) => isOwner(u, r) || isOffice(u),
  /** Withdrawing a report: its reporter only (the IT office reads any report, but takes none back for its reporter). */
  'reports.withdraw': (u, r) => isOwner(u, r),
  /** The answer page of a report ticket: who may see the ticket. */
  'reports.ticket': (u, r) => isOffice(u) || has(u, 'univ_leader') || (has(u, 'steward', 'dept_leader') && sameDepartment(u, r)),
  'reports.answer': (u, r) => has(u, 'steward', 'dept_leader') && sameDepartment(u, r),
  /**
   * The hub's current value of a record on the report form, for a table not shared with everyone
   * (conditional, none): the IT office and the departments owning the table or the field. Others
   * only learn whether the record exists and whether the hub holds the value they saw.
   */
  'reports.hubValue': (u, r) => isOffice(u) || (has(u, 'steward', 'dept_leader') && sameDepartment(u, r)),
  /** Triage-first queue and the setting that turns it on. */
  'reports.triage': (u) => isOffice(u),
} satisfies Record<string, Rule>;
