import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { Role, ROLES } from '../../server/policies';
import { AccessWorld, buildAccessWorld, DEPARTMENTS, DepartmentCode, otherDepartment, Person } from '../factories/access';
import { changedSince as changedSinceLog, installChangeLog as installLog, mark as markLog } from '../helpers/change-log';
import { createTestApp, csrfFrom, sessionCache, signIn, TestApp } from '../helpers/app';
import { listRoutes } from '../helpers/routes';

/**
 * Access control over every route (issue 9): each route × role × own/other department (or own/other
 * person's object), signed in, over the API with a Bearer token, signed out, without a CSRF token,
 * and every GET changing nothing. The table below is the one statement of who may use what: a
 * route the app has and the table lacks (or the other way round) fails the first test.
 */

// ── the table ──────────────────────────────────────────────────────────────────────────────────

type Side = 'own' | 'other';
type Values = Record<string, string | number | string[] | number[]>;

interface Access {
  method: 'GET' | 'POST';
  path: string;
  /** Who may use the route (on their own department's or their own object); 'public': anyone, signed out too. */
  roles: readonly Role[] | 'public';
  /**
   * 'department': tried on the caller's department's object (own) and the other department's
   * (other). 'owner': on the caller's own object and on someone else's. None: the route names no
   * department's or person's object (or always acts on the caller's own).
   */
  scope?: 'department' | 'owner';
  /** Roles that may use the route on the other department's / someone else's object too. */
  other?: readonly Role[];
  /**
   * The other department's / someone else's object is as missing to those who may not see it: refused there, a role
   * of `roles` gets a 404 (the API's not_found), never a 403 telling that the id exists. The roles listed see it there:
   * refused, they get the 403 of an action that is not theirs.
   */
  seenBy?: readonly Role[];
  params?: (c: Case) => Values;
  query?: (c: Case) => Values;
  /** A minimal body: valid enough to get past the checks that come before the authorization. */
  body?: (c: Case) => Values;
  /** The status an allowed GET answers (200 unless said). */
  ok?: number;
  /** Refused callers who pass the route's policy are told by a redirect, with nothing changed (bulk actions). */
  refusedBy?: 'redirect';
  /** The request ends the session: try it in a session of its own. */
  endsSession?: true;
  /** An allowed GET that records itself in the audit log (an export of the log): audit_log may grow, nothing else. */
  audited?: true;
}

/** One try: who asks (`me`), about which department's (or whose) object. */
interface Case {
  w: AccessWorld;
  me: Person;
  side: Side;
  /** The department the object belongs to. */
  dept: DepartmentCode;
}

const ALL = ROLES;
const OFFICE = ['admin', 'it_office'] as const;
const DEPT = ['steward', 'dept_leader'] as const;
/** Who sees every department: the IT office and university leaders. */
const SEES_ALL = [...OFFICE, 'univ_leader'] as const;
const TICKET_READERS = [...SEES_ALL, ...DEPT] as const;
const REVIEWERS = [...OFFICE, ...DEPT, 'univ_leader'] as const;

const obj = (c: Case) => c.w.objects[c.dept];
/** The caller's own report/draft, or the other department's plain user's. */
const ownedReport = (c: Case) => (c.side === 'own' ? c.w.own.get(c.me.id)!.report : c.w.objects[c.dept].report);
const ownedRequest = (c: Case) => (c.side === 'own' ? c.w.own.get(c.me.id)!.draft : c.w.objects[c.dept].request);
/** A version no ticket has: an allowed transition stops at 409 (stale) and leaves the ticket as it is. */
const STALE = 999_999;
/** Only the final IT stage takes an expiry date: a reviewer of stage 1 gets 422, after the stage check. */
const DECISION = { decision: 'approve', expires_on: '2099-12-31' };

const TABLE: Access[] = [
  { method: 'GET', path: '/healthz', roles: 'public' },
  { method: 'GET', path: '/readyz', roles: 'public' },
  { method: 'GET', path: '/static/vendor/chart.umd.min.js', roles: 'public' },
  { method: 'GET', path: '/favicon.ico', roles: 'public' },
  { method: 'GET', path: '/login', roles: 'public', ok: 302 },
  { method: 'POST', path: '/login', roles: 'public' },
  { method: 'POST', path: '/logout', roles: ALL, endsSession: true },
  { method: 'POST', path: '/locale', roles: 'public' },
  { method: 'GET', path: '/', roles: ALL },

  { method: 'GET', path: '/catalog', roles: ALL },
  { method: 'GET', path: '/catalog/tables/:name', roles: ALL, params: () => ({ name: 'staff_basic' }) },
  { method: 'GET', path: '/catalog/export', roles: OFFICE },
  { method: 'GET', path: '/catalog/import', roles: OFFICE },
  { method: 'POST', path: '/catalog/import', roles: OFFICE },
  { method: 'GET', path: '/calendar', roles: ALL },

  { method: 'GET', path: '/runs', roles: SEES_ALL },
  { method: 'POST', path: '/runs', roles: OFFICE, body: () => ({ table: 'org_unit' }) },
  { method: 'GET', path: '/runs/:id', roles: SEES_ALL, params: (c) => ({ id: c.w.checkRun }) },
  { method: 'GET', path: '/runs/:id/progress', roles: SEES_ALL, params: (c) => ({ id: c.w.checkRun }) },
  {
    method: 'GET',
    path: '/checks/trend',
    roles: ALL,
    query: () => ({ table: 'staff_basic', check: 'required', field: 'staff_no' }),
  },

  { method: 'GET', path: '/tickets', roles: TICKET_READERS },
  // Tickets the caller may not acknowledge are skipped and counted in the flash message.
  {
    method: 'POST',
    path: '/tickets/acknowledge',
    roles: DEPT,
    scope: 'department',
    body: (c) => ({ ids: [obj(c).ticket] }),
    refusedBy: 'redirect',
  },
  // A sent-back form's address opened again (a reload, a new tab): to the page the form is on, which authorizes.
  { method: 'GET', path: '/tickets/acknowledge', roles: TICKET_READERS, ok: 302 },
  { method: 'GET', path: '/tickets/settings/webhook', roles: OFFICE, ok: 302 },
  ...['transition', 'comment', 'dispute', 'dispute/dismiss', 'extension', 'extension/grant', 'extension/refuse', 'reassign'].map(
    (action) => ({
      method: 'GET' as const,
      path: `/tickets/:id/${action}`,
      roles: TICKET_READERS,
      params: (c: Case) => ({ id: obj(c).ticket }),
      ok: 302,
    }),
  ),
  { method: 'GET', path: '/tickets/settings', roles: OFFICE },
  { method: 'POST', path: '/tickets/settings', roles: OFFICE },
  { method: 'POST', path: '/tickets/settings/webhook', roles: OFFICE },
  {
    method: 'GET',
    path: '/tickets/:id',
    roles: TICKET_READERS,
    scope: 'department',
    other: SEES_ALL,
    params: (c) => ({ id: obj(c).ticket }),
  },
  {
    method: 'POST',
    path: '/tickets/:id/transition',
    roles: DEPT,
    scope: 'department',
    params: (c) => ({ id: obj(c).ticket }),
    body: () => ({ to: 'acknowledged', version: STALE }),
  },
  {
    method: 'POST',
    path: '/tickets/:id/comment',
    // University leaders read every ticket but do not comment: the department that works it and the IT office.
    roles: [...OFFICE, ...DEPT],
    scope: 'department',
    other: OFFICE,
    params: (c) => ({ id: obj(c).ticket }),
    body: () => ({ comment: '请尽快处理' }),
  },
  { method: 'POST', path: '/tickets/:id/dispute', roles: DEPT, scope: 'department', params: (c) => ({ id: obj(c).ticket }) },
  {
    method: 'POST',
    path: '/tickets/:id/reassign',
    roles: OFFICE,
    scope: 'department',
    other: OFFICE,
    params: (c) => ({ id: obj(c).ticket }),
  },
  {
    method: 'POST',
    path: '/tickets/:id/dispute/dismiss',
    roles: OFFICE,
    scope: 'department',
    other: OFFICE,
    params: (c) => ({ id: obj(c).ticket }),
  },
  // More time: the department asks, the IT office answers.
  { method: 'POST', path: '/tickets/:id/extension', roles: DEPT, scope: 'department', params: (c) => ({ id: obj(c).ticket }) },
  {
    method: 'POST',
    path: '/tickets/:id/extension/grant',
    roles: OFFICE,
    scope: 'department',
    other: OFFICE,
    params: (c) => ({ id: obj(c).ticket }),
  },
  {
    method: 'POST',
    path: '/tickets/:id/extension/refuse',
    roles: OFFICE,
    scope: 'department',
    other: OFFICE,
    params: (c) => ({ id: obj(c).ticket }),
  },

  { method: 'GET', path: '/sharing/structure-changes', roles: ALL },
  {
    method: 'POST',
    path: '/sharing/structure-changes',
    roles: [...OFFICE, ...DEPT],
    scope: 'department',
    other: OFFICE,
    body: (c) => ({ system: c.dept === 'HR' ? '人事管理系统' : '学工管理系统' }),
  },
  // A sent-back review's address opened again: to the list, which authorizes the reader.
  {
    method: 'GET',
    path: '/sharing/structure-changes/:id/review',
    roles: ALL,
    params: (c) => ({ id: obj(c).structureChange }),
    ok: 302,
  },
  {
    method: 'POST',
    path: '/sharing/structure-changes/:id/review',
    roles: OFFICE,
    scope: 'department',
    other: OFFICE,
    params: (c) => ({ id: obj(c).structureChange }),
  },
  // Its complete button's address opened again (after a refused CSRF token): to the list, as the review's.
  {
    method: 'GET',
    path: '/sharing/structure-changes/:id/complete',
    roles: ALL,
    params: (c) => ({ id: obj(c).structureChange }),
    ok: 302,
  },
  {
    method: 'POST',
    path: '/sharing/structure-changes/:id/complete',
    roles: [...OFFICE, ...DEPT],
    scope: 'department',
    other: OFFICE,
    params: (c) => ({ id: obj(c).structureChange }),
  },
  { method: 'GET', path: '/sharing', roles: ALL },
  { method: 'GET', path: '/sharing/queue', roles: REVIEWERS },
  { method: 'GET', path: '/sharing/decided', roles: REVIEWERS },
  { method: 'GET', path: '/sharing/all', roles: OFFICE },
  { method: 'GET', path: '/sharing/new', roles: ALL },
  { method: 'POST', path: '/sharing/new', roles: ALL },
  // Someone else's request (here submitted, its unit's stage pending) is as missing to all but the IT office, who sees
  // every submitted one (its applicant unit's reviewers too: not of the other department).
  // A draft is its applicant's alone: not even the IT office edits it.
  {
    method: 'GET',
    path: '/sharing/:id/edit',
    roles: ALL,
    scope: 'owner',
    seenBy: OFFICE,
    params: (c) => ({ id: ownedRequest(c) }),
  },
  {
    method: 'POST',
    path: '/sharing/:id/edit',
    roles: ALL,
    scope: 'owner',
    seenBy: OFFICE,
    params: (c) => ({ id: ownedRequest(c) }),
  },
  {
    method: 'GET',
    path: '/sharing/:id',
    roles: ALL,
    scope: 'owner',
    other: OFFICE,
    seenBy: OFFICE,
    params: (c) => ({ id: ownedRequest(c) }),
  },
  {
    method: 'GET',
    path: '/sharing/:id/print',
    roles: ALL,
    scope: 'owner',
    other: OFFICE,
    seenBy: OFFICE,
    params: (c) => ({ id: ownedRequest(c) }),
  },
  {
    method: 'GET',
    path: '/sharing/:id/files/:kind',
    roles: ALL,
    scope: 'owner',
    other: OFFICE,
    seenBy: OFFICE,
    params: (c) => ({ id: ownedRequest(c), kind: 'material' }),
    ok: 404,
  },
  // Stage 1 of the department's submitted request is its own steward's (or leader's); the IT office
  // holds stages 2 and 5 (409 until then); a university leader's stage is not reached yet.
  // The decision form's address opened again (after a sent-back form): to the request's page, which authorizes.
  { method: 'GET', path: '/sharing/:id/decision', roles: REVIEWERS, params: (c) => ({ id: obj(c).request }), ok: 302 },
  // So do the page's other sent-back forms (an objection, an arbitration's conclusion, a revoke reason): to the page.
  ...['arbitration', 'arbitration/decision', 'revoke'].map((action) => ({
    method: 'GET' as const,
    path: `/sharing/:id/${action}`,
    roles: ALL,
    params: (c: Case) => ({ id: ownedRequest(c) }),
    ok: 302,
  })),
  {
    method: 'POST',
    path: '/sharing/:id/decision',
    roles: [...OFFICE, ...DEPT],
    scope: 'department',
    other: OFFICE,
    seenBy: OFFICE,
    params: (c) => ({ id: obj(c).request }),
    body: () => DECISION,
  },
  // The request page's buttons' addresses opened again (after a refused CSRF token): to the page, which authorizes.
  ...['copy', 'withdraw', 'returned/:item/delivered'].map((action) => ({
    method: 'GET' as const,
    path: `/sharing/:id/${action}`,
    roles: ALL,
    params: (c: Case) => ({ id: ownedRequest(c), item: 1 }),
    ok: 302,
  })),
  {
    method: 'POST',
    path: '/sharing/:id/withdraw',
    roles: ALL,
    scope: 'owner',
    seenBy: OFFICE,
    params: (c) => ({ id: ownedRequest(c) }),
  },
  // Copying one's own draft is a 409 (only ended or granted requests are copied): allowed, nothing made.
  {
    method: 'POST',
    path: '/sharing/:id/copy',
    roles: ALL,
    scope: 'owner',
    seenBy: OFFICE,
    params: (c) => ({ id: ownedRequest(c) }),
  },
  {
    method: 'POST',
    path: '/sharing/:id/arbitration',
    roles: ALL,
    scope: 'owner',
    seenBy: OFFICE,
    params: (c) => ({ id: ownedRequest(c) }),
  },
  {
    method: 'POST',
    path: '/sharing/:id/arbitration/decision',
    roles: OFFICE,
    params: (c) => ({ id: c.w.objects[otherDepartment(c.me.current.department)].request }),
  },
  {
    method: 'POST',
    path: '/sharing/:id/revoke',
    roles: OFFICE,
    params: (c) => ({ id: c.w.objects[otherDepartment(c.me.current.department)].request }),
  },
  {
    method: 'POST',
    path: '/sharing/:id/returned/:item/delivered',
    roles: ALL,
    scope: 'owner',
    other: OFFICE,
    seenBy: OFFICE,
    params: (c) => ({ id: ownedRequest(c), item: 1 }),
  },

  { method: 'GET', path: '/scorecards', roles: TICKET_READERS, ok: 302 },
  { method: 'GET', path: '/dashboard', roles: SEES_ALL },
  { method: 'GET', path: '/scorecards/weights', roles: OFFICE },
  { method: 'POST', path: '/scorecards/weights', roles: OFFICE },
  { method: 'GET', path: '/scorecards/snapshot', roles: OFFICE, ok: 302 },
  { method: 'POST', path: '/scorecards/snapshot', roles: OFFICE },
  { method: 'GET', path: '/scorecards/periods', roles: TICKET_READERS }, // departments: read-only, their own rows
  { method: 'POST', path: '/scorecards/periods', roles: OFFICE },
  // A department steward sees the closed period with their own department's row only (checked below).
  { method: 'GET', path: '/scorecards/periods/:id', roles: TICKET_READERS, params: (c) => ({ id: c.w.closedPeriod }) },
  // A refused appeal's address opened again: to the period's page, which authorizes the reader.
  {
    method: 'GET',
    path: '/scorecards/periods/:id/appeals',
    roles: TICKET_READERS,
    params: (c) => ({ id: c.w.closedPeriod }),
    ok: 302,
  },
  // An appeal is always for the caller's own department.
  { method: 'POST', path: '/scorecards/periods/:id/appeals', roles: DEPT, params: (c) => ({ id: c.w.closedPeriod }) },
  // A sent-back answer's address opened again: to the appeal's period page, for those who answer appeals only.
  {
    method: 'GET',
    path: '/scorecards/appeals/:id/answer',
    roles: OFFICE,
    params: (c) => ({ id: obj(c).appeal }),
    ok: 302,
  },
  {
    method: 'POST',
    path: '/scorecards/appeals/:id/answer',
    roles: OFFICE,
    scope: 'department',
    other: OFFICE,
    params: (c) => ({ id: obj(c).appeal }),
  },
  // Stewards and department leaders get their own department's row only (checked below).
  { method: 'GET', path: '/scorecards/export.csv', roles: TICKET_READERS },
  { method: 'GET', path: '/scorecards/export.xlsx', roles: TICKET_READERS },
  {
    method: 'GET',
    path: '/scorecards/:code',
    roles: TICKET_READERS,
    scope: 'department',
    other: SEES_ALL,
    params: (c) => ({ code: c.dept }),
  },

  { method: 'GET', path: '/reports/new', roles: ALL },
  { method: 'GET', path: '/reports', roles: ALL, ok: 302 },
  { method: 'POST', path: '/reports', roles: ALL },
  { method: 'GET', path: '/reports/mine', roles: ALL },
  { method: 'GET', path: '/reports/triage', roles: OFFICE },
  { method: 'POST', path: '/reports/settings', roles: OFFICE },
  // The queue's forms' addresses opened again (a new tab, an error page's reload): to the queue.
  { method: 'GET', path: '/reports/settings', roles: OFFICE, ok: 302 },
  ...['route', 'reject'].map((action) => ({
    method: 'GET' as const,
    path: `/reports/:id/${action}`,
    roles: OFFICE,
    params: (c: Case) => ({ id: ownedReport(c) }),
    ok: 302,
  })),
  {
    method: 'POST',
    path: '/reports/:id/route',
    roles: OFFICE,
    scope: 'owner',
    other: OFFICE,
    params: (c) => ({ id: ownedReport(c) }),
  },
  {
    method: 'POST',
    path: '/reports/:id/reject',
    roles: OFFICE,
    scope: 'owner',
    other: OFFICE,
    params: (c) => ({ id: ownedReport(c) }),
  },
  {
    method: 'GET',
    path: '/reports/tickets/:ticketId',
    roles: TICKET_READERS,
    scope: 'department',
    other: SEES_ALL,
    params: (c) => ({ ticketId: obj(c).reportTicket }),
  },
  // The answer form's address opened (after a sent-back form): to the ticket's page, which authorizes.
  {
    method: 'GET',
    path: '/reports/tickets/:ticketId/answer',
    roles: ALL,
    params: (c) => ({ ticketId: obj(c).reportTicket }),
    ok: 302,
  },
  // "Not an error" without the reason: a department that may answer stops at 422, after the check.
  {
    method: 'POST',
    path: '/reports/tickets/:ticketId/answer',
    roles: DEPT,
    scope: 'department',
    params: (c) => ({ ticketId: obj(c).reportTicket }),
    body: () => ({ answer: 'not_error' }),
  },
  // A refused reopen's address opened again: to the ticket's page, which authorizes.
  {
    method: 'GET',
    path: '/reports/tickets/:ticketId/reopen',
    roles: ALL,
    params: (c) => ({ ticketId: obj(c).reportTicket }),
    ok: 302,
  },
  {
    method: 'POST',
    path: '/reports/tickets/:ticketId/reopen',
    roles: OFFICE,
    scope: 'department',
    other: OFFICE,
    params: (c) => ({ ticketId: obj(c).reportTicket }),
  },
  // Everyone of the department reported on its data: reporters get the answer's document (none yet: 404).
  {
    method: 'GET',
    path: '/reports/tickets/:ticketId/document',
    roles: ALL,
    scope: 'department',
    other: SEES_ALL,
    params: (c) => ({ ticketId: obj(c).reportTicket }),
    ok: 404,
  },
  { method: 'GET', path: '/reports/:id', roles: ALL, scope: 'owner', other: OFFICE, params: (c) => ({ id: ownedReport(c) }) },
  // Someone else's attachment: whoever may see the report's ticket.
  {
    method: 'GET',
    path: '/reports/:id/attachment',
    roles: ALL,
    scope: 'owner',
    other: SEES_ALL,
    params: (c) => ({ id: ownedReport(c) }),
  },
  { method: 'POST', path: '/reports/:id/confirm', roles: ALL, scope: 'owner', params: (c) => ({ id: ownedReport(c) }) },
  { method: 'GET', path: '/reports/:id/confirm', roles: ALL, params: (c) => ({ id: ownedReport(c) }), ok: 302 },
  { method: 'GET', path: '/reports/:id/reopen', roles: ALL, params: (c) => ({ id: ownedReport(c) }), ok: 302 },
  {
    method: 'POST',
    path: '/reports/:id/reopen',
    roles: ALL,
    scope: 'owner',
    other: OFFICE,
    params: (c) => ({ id: ownedReport(c) }),
  },
  { method: 'GET', path: '/reports/:id/withdraw', roles: ALL, params: (c) => ({ id: ownedReport(c) }), ok: 302 },
  // Its reporter only; someone else's report is as missing, but to the IT office, which reads any report, it is not
  // theirs to withdraw (403). A reason over 500 characters: an allowed try stops at 422 (or 409) and withdraws nothing.
  {
    method: 'POST',
    path: '/reports/:id/withdraw',
    roles: ALL,
    scope: 'owner',
    seenBy: OFFICE,
    params: (c) => ({ id: ownedReport(c) }),
    body: () => ({ reason: '撤'.repeat(501) }),
  },

  { method: 'GET', path: '/inbox', roles: ALL },
  { method: 'GET', path: '/inbox/read', roles: ALL, ok: 302 },
  { method: 'POST', path: '/inbox/read', roles: ALL },
  { method: 'GET', path: '/admin/users', roles: ['admin'] },
  { method: 'POST', path: '/admin/users', roles: ['admin'] },
  // An account's page and its forms, tried on the caller's own account: an allowed administrator stops at a
  // field error (an e-mail that is not one, disabling or resetting their own account) or enables what is
  // enabled already — nothing changed, the session kept.
  { method: 'GET', path: '/admin/users/:id', roles: ['admin'], params: (c) => ({ id: c.me.id }) },
  {
    method: 'POST',
    path: '/admin/users/:id',
    roles: ['admin'],
    params: (c) => ({ id: c.me.id }),
    body: (c) => ({ name: c.me.name, department: c.me.department_code, roles: c.me.roles, email: 'not-an-email' }),
  },
  // The account page's sent-back forms' addresses opened again: to the account's page.
  ...['password', 'disable', 'enable', 'tokens', 'tokens/revoke'].map((action) => ({
    method: 'GET' as const,
    path: `/admin/users/:id/${action}`,
    roles: ['admin'] as Role[],
    params: (c: Case) => ({ id: c.me.id }),
    ok: 302,
  })),
  { method: 'POST', path: '/admin/users/:id/disable', roles: ['admin'], params: (c) => ({ id: c.me.id }) },
  { method: 'POST', path: '/admin/users/:id/enable', roles: ['admin'], params: (c) => ({ id: c.me.id }) },
  // On an account that does not exist (404 for an administrator): every person's token is needed by the API matrix.
  { method: 'POST', path: '/admin/users/:id/tokens/revoke', roles: ['admin'], params: () => ({ id: 999999 }) },
  {
    method: 'POST',
    path: '/admin/users/:id/tokens',
    roles: ['admin'],
    params: () => ({ id: 999999 }),
    body: () => ({ label: 'x' }),
  },
  {
    method: 'POST',
    path: '/admin/users/:id/password',
    roles: ['admin'],
    params: (c) => ({ id: c.me.id }),
    body: () => ({ password: 'a new long password' }),
  },
  { method: 'GET', path: '/account/password', roles: ALL },
  // A wrong current password: 422, nothing changed.
  {
    method: 'POST',
    path: '/account/password',
    roles: ALL,
    body: () => ({ current_password: 'not the password', new_password: 'a new long password' }),
  },
  { method: 'GET', path: '/admin/audit', roles: OFFICE },
  {
    method: 'GET',
    path: '/admin/audit/export.csv',
    roles: OFFICE,
    audited: true,
    query: () => ({ from: '2026-03-01', to: '2026-03-02' }),
  },
  {
    method: 'GET',
    path: '/departments/:code',
    roles: [...SEES_ALL, ...DEPT],
    scope: 'department',
    other: SEES_ALL,
    params: (c) => ({ code: c.dept }),
  },
  // A sent-back stewards list's address opened again: to the department's page, for those who may view it.
  {
    method: 'GET',
    path: '/departments/:code/stewards',
    roles: [...SEES_ALL, ...DEPT],
    scope: 'department',
    other: SEES_ALL,
    params: (c) => ({ code: c.dept }),
    ok: 302,
  },
  {
    method: 'POST',
    path: '/departments/:code/stewards',
    roles: [...OFFICE, ...DEPT],
    scope: 'department',
    other: OFFICE,
    params: (c) => ({ code: c.dept }),
    body: () => ({ stewards: 'not-an-email' }),
  },

  { method: 'GET', path: '/api/v1/tickets', roles: TICKET_READERS },
  {
    method: 'GET',
    path: '/api/v1/tickets/:id',
    roles: TICKET_READERS,
    scope: 'department',
    other: SEES_ALL,
    params: (c) => ({ id: obj(c).ticket }),
  },
  {
    method: 'POST',
    path: '/api/v1/tickets/:id/transitions',
    roles: DEPT,
    scope: 'department',
    params: (c) => ({ id: obj(c).ticket }),
    body: () => ({ to: 'acknowledged', version: STALE }),
  },
  {
    method: 'POST',
    path: '/api/v1/tickets/:id/extension',
    roles: DEPT,
    scope: 'department',
    params: (c) => ({ id: obj(c).ticket }),
    body: () => ({ days: 3, reason: '等待文件', version: STALE }),
  },
  {
    method: 'POST',
    path: '/api/v1/tickets/:id/comments',
    roles: [...OFFICE, ...DEPT],
    scope: 'department',
    other: OFFICE,
    params: (c) => ({ id: obj(c).ticket }),
    body: () => ({ comment: '请尽快处理' }),
  },
  {
    method: 'POST',
    path: '/api/v1/tickets/:id/dispute',
    roles: DEPT,
    scope: 'department',
    params: (c) => ({ id: obj(c).ticket }),
  },
  {
    method: 'POST',
    path: '/api/v1/tickets/:id/dispute/dismiss',
    roles: OFFICE,
    scope: 'department',
    other: OFFICE,
    params: (c) => ({ id: obj(c).ticket }),
  },
  {
    method: 'POST',
    path: '/api/v1/tickets/:id/reassign',
    roles: OFFICE,
    scope: 'department',
    other: OFFICE,
    params: (c) => ({ id: obj(c).ticket }),
  },
  {
    method: 'POST',
    path: '/api/v1/tickets/:id/extension/grant',
    roles: OFFICE,
    scope: 'department',
    other: OFFICE,
    params: (c) => ({ id: obj(c).ticket }),
  },
  {
    method: 'POST',
    path: '/api/v1/tickets/:id/extension/refuse',
    roles: OFFICE,
    scope: 'department',
    other: OFFICE,
    params: (c) => ({ id: obj(c).ticket }),
  },
  { method: 'POST', path: '/api/v1/sharing-requests', roles: ALL },
  { method: 'GET', path: '/api/v1/sharing-requests', roles: ALL },
  {
    method: 'GET',
    path: '/api/v1/sharing-requests/:id',
    roles: ALL,
    scope: 'owner',
    other: OFFICE,
    seenBy: OFFICE,
    params: (c) => ({ id: ownedRequest(c) }),
  },
  {
    method: 'POST',
    path: '/api/v1/sharing-requests/:id/decisions',
    roles: [...OFFICE, ...DEPT],
    scope: 'department',
    other: OFFICE,
    seenBy: OFFICE,
    params: (c) => ({ id: obj(c).request }),
    body: () => DECISION,
  },
  {
    method: 'POST',
    path: '/api/v1/sharing-requests/:id/withdraw',
    roles: ALL,
    scope: 'owner',
    seenBy: OFFICE,
    params: (c) => ({ id: ownedRequest(c) }),
  },
  {
    method: 'POST',
    path: '/api/v1/sharing-requests/:id/copy',
    roles: ALL,
    scope: 'owner',
    seenBy: OFFICE,
    params: (c) => ({ id: ownedRequest(c) }),
  },
  {
    method: 'POST',
    path: '/api/v1/sharing-requests/:id/arbitration',
    roles: ALL,
    scope: 'owner',
    seenBy: OFFICE,
    params: (c) => ({ id: ownedRequest(c) }),
  },
  {
    method: 'POST',
    path: '/api/v1/sharing-requests/:id/arbitration/decision',
    roles: OFFICE,
    params: (c) => ({ id: c.w.objects[otherDepartment(c.me.current.department)].request }),
  },
  { method: 'GET', path: '/api/v1/scorecards', roles: TICKET_READERS, query: () => ({ from: '2026-02-01', to: '2026-02-28' }) },
  { method: 'POST', path: '/api/v1/reports', roles: ALL },
  { method: 'GET', path: '/api/v1/reports/mine', roles: ALL },
  {
    method: 'GET',
    path: '/api/v1/reports/:id',
    roles: ALL,
    scope: 'owner',
    other: OFFICE,
    params: (c) => ({ id: ownedReport(c) }),
  },
  {
    method: 'POST',
    path: '/api/v1/reports/:id/withdraw',
    roles: ALL,
    scope: 'owner',
    seenBy: OFFICE,
    params: (c) => ({ id: ownedReport(c) }),
    body: () => ({ reason: '撤'.repeat(501) }),
  },
  { method: 'GET', path: '/api/v1/me', roles: ALL },
];

const keyOf = (r: { method: string; path: string }) => `${r.method} ${r.path}`;
const isApi = (a: Access) => a.path.startsWith('/api/');

function mayUse(a: Access, role: Role, side: Side): boolean {
  if (a.roles === 'public') return true;
  if (!a.roles.includes(role)) return false;
  return side === 'own' || !a.scope || (a.other ?? []).includes(role);
}

/**
 * For a route with `seenBy`, refused on the other side by a role of its `roles`: whether the object is as missing to
 * the caller (404) or seen by them (403); null where the route says nothing of it (a role the route refuses outright
 * gets its 403 without the object being looked at).
 */
function asMissing(a: Access, role: Role, side: Side): boolean | null {
  if (!a.seenBy || side !== 'other' || a.roles === 'public' || !a.roles.includes(role)) return null;
  return !a.seenBy.includes(role);
}

/** The URL of one try: path parameters filled in, query string appended. */
function urlOf(a: Access, c: Case): string {
  const params = a.params?.(c) ?? {};
  const path = a.path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    if (params[name] === undefined) throw new Error(`${keyOf(a)}: no value for :${name}`);
    return encodeURIComponent(String(params[name]));
  });
  const query = a.query?.(c);
  return query ? `${path}?${new URLSearchParams(query as Record<string, string>).toString()}` : path;
}

// ── what changed: the row-trigger change log of test/helpers/change-log.ts ──────────────────────

const installChangeLog = (t: TestApp) => installLog(t.db.knex);
const mark = (t: TestApp) => markLog(t.db.knex);
const changedSince = (t: TestApp, since: number) => changedSinceLog(t.db.knex, since);

// ── the app, the world, the sessions ───────────────────────────────────────────────────────────

const MONDAY = new Date('2026-03-02T02:00:00Z'); // 10:00 in Beijing
let t: TestApp;
let w: AccessWorld;
/** Each person's session, signed in once. */
const sessionOf = sessionCache(() => t.app);

type Session = { agent: TestAgent; csrf: string };

/**
 * Sends one try as `c.me`: in `session` (their lasting one unless given), with its CSRF token unless
 * `csrf` is false, or with their Bearer token when `session` is 'token'.
 */
async function send(a: Access, c: Case, session: Session | 'token', csrf = true) {
  const url = urlOf(a, c);
  const body = a.body?.(c) ?? {};
  const agent = session === 'token' ? request(t.app) : session.agent;
  const token = session !== 'token' && csrf ? session.csrf : null;
  const req = a.method === 'GET' ? agent.get(url) : agent.post(url);
  if (session === 'token') req.set('Authorization', `Bearer ${c.me.token}`);
  if (a.method === 'GET') return req;
  if (isApi(a)) return (token ? req.set('X-CSRF-Token', token) : req).send(body);
  return req.type('form').send(token ? { ...body, _csrf: token } : body);
}

/** The caller's lasting session, or a new one for a try that ends it (sign-in itself writes: do it before marking). */
const sessionFor = async (a: Access, me: Person): Promise<Session> =>
  a.endsSession ? signIn(t.app, me.login, me.password) : sessionOf(me);

/** A manual check run goes on after the response: wait for it, so its writes do not count against the next try. */
async function settle(): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    const running = await t.db.knex('check_runs').where({ status: 'running' }).first('id');
    if (!running) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('a check run is still running after 30 s');
}

/** Each matrix test's limit: it only stops a hang. */
const MATRIX_LIMIT_MS = 300_000;
/** How long before its limit a matrix test stops trying (the try in flight still ends inside the limit). */
const STOP_MARGIN_MS = 20_000;

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.now = () => MONDAY;
  w = await buildAccessWorld(t.ctx);
  await installChangeLog(t);
});
afterAll(() => t.close());

// ── the tests ──────────────────────────────────────────────────────────────────────────────────

describe('access matrix', () => {
  it('has a decision for every route of the app, and no route the app no longer has', () => {
    const app = listRoutes(t.app).map(keyOf).sort();
    const table = TABLE.map(keyOf).sort();
    expect(new Set(table).size).toBe(table.length);
    expect({ missingFromTable: app.filter((k) => !table.includes(k)), notInApp: table.filter((k) => !app.includes(k)) }).toEqual({
      missingFromTable: [],
      notInApp: [],
    });
    // Every route of the table but the three probes/assets declares its policy in the router.
    const unguarded = listRoutes(t.app)
      .filter((r) => r.policy === null)
      .map(keyOf);
    expect(unguarded.sort()).toEqual(['GET /healthz', 'GET /readyz', 'GET /static/vendor/chart.umd.min.js']);
  });

  it('refuses every POST of a signed-in session without the CSRF token (403), changing nothing', async () => {
    const problems: string[] = [];
    const c: Case = { w, me: w.everything, side: 'own', dept: 'HR' };
    for (const a of TABLE.filter((x) => x.method === 'POST')) {
      const session = await sessionFor(a, w.everything);
      const before = await mark(t);
      const res = await send(a, c, session, false);
      if (res.status !== 403) problems.push(`${keyOf(a)} → ${res.status}`);
      else if (isApi(a) && res.body.error !== 'csrf_failed') problems.push(`${keyOf(a)} → ${JSON.stringify(res.body)}`);
      const changed = await changedSince(t, before);
      if (changed.length) problems.push(`${keyOf(a)} changed ${changed.join(', ')}`);
    }
    expect(problems).toEqual([]);
    // The refused logout did not end the session.
    await (await sessionOf(w.everything)).agent.get('/').expect(200);
  });

  it('sends signed-out callers to the login page (pages) or answers 401 JSON (API), changing nothing', async () => {
    // A visitor with a session and its CSRF token (from the login page): the refusal is about who, not CSRF.
    const agent = request.agent(t.app);
    const anonymous: Session = { agent, csrf: csrfFrom((await agent.get('/login').expect(200)).text) };
    const before = await mark(t);
    const problems: string[] = [];
    const c: Case = { w, me: w.people.HR.user, side: 'own', dept: 'HR' };
    for (const a of TABLE.filter((x) => x.roles !== 'public')) {
      const res = await send(a, c, anonymous);
      // Signing out with no one signed in goes to the sign-in page as it is (there is nothing to come back to).
      const signOut = keyOf(a) === 'POST /logout';
      const ok = isApi(a)
        ? res.status === 401 && res.body.error === 'unauthorized'
        : signOut
          ? res.status === 303 && res.headers.location === '/login'
          : // A form's own URL answers only POST: after signing in, back to the page it was on (its Referer, none
            // here: the home page).
            res.status === 302 &&
            res.headers.location === `/login?next=${encodeURIComponent(a.method === 'GET' ? urlOf(a, c) : '/')}`;
      if (!ok) problems.push(`${keyOf(a)} → ${res.status} ${res.headers.location ?? JSON.stringify(res.body)}`);
    }
    // A bad Bearer token is no one, on every API route.
    for (const a of TABLE.filter(isApi)) {
      const url = urlOf(a, c);
      const res = await (a.method === 'GET' ? request(t.app).get(url) : request(t.app).post(url).send({})).set(
        'Authorization',
        'Bearer hw_nobody',
      );
      if (res.status !== 401 || res.body.error !== 'unauthorized') problems.push(`${keyOf(a)} with a bad token → ${res.status}`);
    }
    expect(problems).toEqual([]);
    expect(await changedSince(t, before)).toEqual([]);
  });

  /**
   * Each route × role × own/other, by people of both departments. Refused: 403 or 404 (a bulk
   * action: its redirect) and not one row changed. Allowed: neither 401 nor 403, never a 5xx; a
   * GET answers its expected status and changes nothing either (no state change over GET).
   */
  async function runMatrix(
    via: 'session' | 'token',
    routes: Access[],
    roles: readonly Role[],
    limitMs: number,
  ): Promise<{ problems: string[]; tries: number }> {
    const problems: string[] = [];
    let tries = 0;
    // Jest does not stop a test it has cut off at its limit: the loop would go on beside the next test and its
    // writes would count there ("a GET changed audit_log"). So the loop stops itself, a margin before the limit.
    const stopAt = Date.now() + limitMs - STOP_MARGIN_MS;
    for (const a of routes) {
      // Where no department's object is named, the caller's department cannot matter: HR's people suffice.
      for (const home of a.scope ? DEPARTMENTS : (['HR'] as const)) {
        for (const role of roles) {
          const me = w.people[home][role];
          for (const side of a.scope ? (['own', 'other'] as const) : (['own'] as const)) {
            const c: Case = { w, me, side, dept: side === 'own' ? home : otherDepartment(home) };
            const label = `${keyOf(a)} as ${role}@${home} on ${side} (${urlOf(a, c)})`;
            if (Date.now() > stopAt)
              throw new Error(`stopped before ${label} after ${tries} tries: the test's time limit is near`);
            const allowed = mayUse(a, role, side);
            const session = via === 'token' ? 'token' : await sessionFor(a, me);
            // A refused request, and any GET, must leave every table as it was.
            const watched = !allowed || a.method === 'GET';
            const before = watched ? await mark(t) : 0;
            const res = await send(a, c, session);
            tries++;
            if (res.status >= 500) problems.push(`${label} → ${res.status}`);
            else if (allowed) {
              if (a.path === '/runs' && a.method === 'POST') await settle();
              if (res.status === 401 || res.status === 403) problems.push(`${label}: allowed, got ${res.status}`);
              else if (a.method === 'GET' && res.status !== (a.ok ?? 200))
                problems.push(`${label}: allowed, got ${res.status} not ${a.ok ?? 200}`);
              const written = watched ? await changedSince(t, before) : [];
              const changed = written.filter((table) => !(a.audited && table === 'audit_log'));
              if (changed.length) problems.push(`${label}: a GET changed ${changed.join(', ')}`);
              if (a.audited && !written.includes('audit_log')) problems.push(`${label}: not recorded in the audit log`);
            } else {
              const refused = res.status === 403 || res.status === 404 || (a.refusedBy === 'redirect' && res.status === 302);
              if (!refused) problems.push(`${label}: refused, got ${res.status}`);
              if (isApi(a) && !['forbidden', 'not_found'].includes(res.body?.error))
                problems.push(`${label}: refused, body ${JSON.stringify(res.body)}`);
              const hidden = asMissing(a, role, side);
              if (hidden !== null) {
                const [status, error] = hidden ? [404, 'not_found'] : [403, 'forbidden'];
                if (res.status !== status || (isApi(a) && res.body?.error !== error))
                  problems.push(
                    `${label}: ${hidden ? 'as missing to the caller' : 'seen by the caller'}, got ${res.status} not ${status}`,
                  );
              }
              const changed = await changedSince(t, before);
              if (changed.length) problems.push(`${label}: refused, yet changed ${changed.join(', ')}`);
            }
          }
        }
      }
    }
    return { problems, tries };
  }

  // One test per role (3–6 s each alone on PostgreSQL, the six together took 290 s in the most loaded CI run).
  it.each(ROLES)(
    'lets %s do exactly what the table says, on its own and the other department; no GET changes a thing',
    async (role) => {
      const { problems, tries } = await runMatrix(
        'session',
        TABLE.filter((a) => a.roles !== 'public'),
        [role],
        MATRIX_LIMIT_MS,
      );
      expect(problems).toEqual([]);
      expect(tries).toBeGreaterThan(150);
    },
    MATRIX_LIMIT_MS,
  );

  it(
    'does the same over the API with Bearer tokens',
    async () => {
      const { problems, tries } = await runMatrix('token', TABLE.filter(isApi), ROLES, MATRIX_LIMIT_MS);
      expect(problems).toEqual([]);
      expect(tries).toBeGreaterThan(150);
    },
    MATRIX_LIMIT_MS,
  );
});

describe('lists show the caller their own department only', () => {
  const NAMES: Record<DepartmentCode, string> = { HR: '人事处', STU: '学生处' };
  const bearer = (p: Person) => ({ Authorization: `Bearer ${p.token}` });

  it("keeps another department's tickets, scorecards and requests out of a steward's lists", async () => {
    for (const home of DEPARTMENTS) {
      const other = otherDepartment(home);
      const steward = w.people[home].steward;
      const tickets = await request(t.app).get('/api/v1/tickets').set(bearer(steward)).expect(200);
      expect(tickets.body.items.length).toBeGreaterThan(0);
      expect(new Set(tickets.body.items.map((i: { department: string }) => i.department))).toEqual(new Set([home]));
      await request(t.app).get(`/api/v1/tickets?department=${other}`).set(bearer(steward)).expect(403);

      const { agent } = await sessionOf(steward);
      const page = await agent.get(`/tickets?department=${other}&status=all`).expect(200);
      expect(page.text).toContain(`href="/tickets/${w.objects[home].ticket}"`);
      expect(page.text).not.toContain(`href="/tickets/${w.objects[other].ticket}"`);

      const scorecards = await request(t.app)
        .get('/api/v1/scorecards?from=2026-02-01&to=2026-02-28')
        .set(bearer(steward))
        .expect(200);
      expect(scorecards.body.items.map((i: { department: string }) => i.department)).toEqual([home]);

      const queue = await agent.get('/sharing/queue').expect(200);
      expect(queue.text).toContain(`href="/sharing/${w.objects[home].request}"`);
      expect(queue.text).not.toContain(`href="/sharing/${w.objects[other].request}"`);
      // Holding stage 1 of the own department's request opens it; the other department's is as missing.
      await agent.get(`/sharing/${w.objects[home].request}`).expect(200);
      await agent.get(`/sharing/${w.objects[other].request}`).expect(404);

      // The closed period: the own department's row and appeal only.
      const period = await agent.get(`/scorecards/periods/${w.closedPeriod}`).expect(200);
      expect(period.text).toContain(NAMES[home]);
      expect(period.text).not.toContain(NAMES[other]);

      // The exports: the own department's row only, for its stewards and its leaders alike.
      for (const role of DEPT) {
        const { agent: theirs } = await sessionOf(w.people[home][role]);
        for (const query of [`period=${w.closedPeriod}`, 'from=2026-02-01&to=2026-02-28']) {
          const csv = (await theirs.get(`/scorecards/export.csv?${query}`).expect(200)).text;
          expect(csv).toContain(NAMES[home]);
          expect(csv).not.toContain(NAMES[other]);
          expect(csv.trim().split('\r\n')).toHaveLength(2);
        }
      }
    }
    // The IT office's export holds both: the narrowing above is the department's, not the data's.
    const { agent: office } = await sessionOf(w.people.HR.it_office);
    const all = (await office.get(`/scorecards/export.csv?period=${w.closedPeriod}`).expect(200)).text;
    for (const name of Object.values(NAMES)) expect(all).toContain(name);
  });

  it("lets nobody mark another person's notice read", async () => {
    const [notice] = await t.db
      .knex('notifications')
      .insert({ user_id: w.people.STU.user.id, kind: 'test', title: '学生处的通知', body: '' })
      .returning('id');
    const { agent, csrf } = await sessionOf(w.people.HR.user);
    await agent.post('/inbox/read').type('form').send({ id: notice.id, _csrf: csrf }).expect(302);
    expect((await t.db.knex('notifications').where({ id: notice.id }).first()).read_at).toBeNull();
  });
});
