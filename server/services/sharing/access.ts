import { can, type CurrentUser } from '../../policies';
import { neverSubmitted, type StageKind, type StageStatus } from './types';

/**
 * Who may decide a stage and who may see a request. Roles come from the policies; this adds the
 * rules about the request itself: the applicant never decides, a department's stage counts once it
 * is reached (pending or decided), and the IT office may stand in for an overdue source department and
 * for a department (applicant unit or data source) with nobody but the applicant to review.
 */
export interface StageRow {
  id: number;
  request_id: number;
  stage: number;
  kind: StageKind;
  department_code: string | null;
  status: StageStatus;
  due_on: string | null;
  version: number;
  /** A department's stage with no active steward or leader but the applicant (repository.stageRows). */
  no_other_reviewer?: boolean | null;
  /** The IT office's final review, with no office account but the applicant and the first review's (NO_FINAL_REVIEWER_SQL). */
  no_final_reviewer?: boolean | null;
  /** A data source's refusal, with no office account but the applicant and its maker to arbitrate it (NO_ARBITER_SQL). */
  no_arbiter?: boolean | null;
  [key: string]: unknown;
}

/** A source department's review is overdue once its due day is over. */
export function isOverdue(stage: StageRow, today: string): boolean {
  return stage.kind === 'source' && stage.status === 'pending' && !!stage.due_on && stage.due_on < today;
}

/**
 * A department's review (the applicant unit's, or a data source's) waits for nobody who could give it: the
 * applicant is the department's only steward or leader, and self-approval is refused. Without a stand-in the
 * request would wait for ever (a unit stage has no due date) or until a source stage is overdue.
 */
export function lacksOtherReviewer(stage: StageRow): boolean {
  return (
    (stage.kind === 'applicant_unit' || stage.kind === 'source') && stage.status === 'pending' && stage.no_other_reviewer === true
  );
}

/** Why the IT office decides this pending stage in a department's place (holdsStage's `onBehalf`). */
export function onBehalfReason(stage: StageRow, today: string): 'no_other_reviewer' | 'overdue' | null {
  if (lacksOtherReviewer(stage)) return 'no_other_reviewer';
  return isOverdue(stage, today) ? 'overdue' : null;
}

/** Whether `user` holds this stage by role: `own` as its reviewer, `onBehalf` as the IT office standing in. */
export function holdsStage(user: CurrentUser, stage: StageRow, today: string): { own: boolean; onBehalf: boolean } {
  const department = { department: stage.department_code };
  let own = false;
  switch (stage.kind) {
    case 'applicant_unit':
      own = can(user, 'sharing.decide_unit', department);
      break;
    case 'it_first':
    case 'it_final':
      own = can(user, 'sharing.decide_office');
      break;
    case 'source':
      own = can(user, 'sharing.decide_source', department);
      break;
    case 'leader':
      own = can(user, 'sharing.decide_leader');
      break;
  }
  const onBehalf = !own && can(user, 'sharing.decide_office') && onBehalfReason(stage, today) !== null;
  return { own, onBehalf };
}

/**
 * The IT office's final review is not decided by the person who decided its first review: seed 000
 * gives the final box to the office's head (信息办主管领导意见), the first review to a data specialist.
 */
export function decidedFirstReview(user: CurrentUser, stage: StageRow, stages: StageRow[]): boolean {
  return (
    stage.kind === 'it_final' &&
    stages.some((s) => s.kind === 'it_first' && s.decided_by != null && Number(s.decided_by) === user.id)
  );
}

/**
 * `user` made the data source's refusal an applicant disputes (the IT office refusing in an overdue department's
 * place): they do not conclude the arbitration of their own decision, as nobody decides the final review after the
 * first. The request page's flag, the notices and the workflow's 403 ask this; the review queue asks it in SQL.
 */
export function decidedRefusal(user: CurrentUser, stages: StageRow[]): boolean {
  return stages.some(
    (s) => s.kind === 'source' && s.status === 'rejected' && s.decided_by != null && Number(s.decided_by) === user.id,
  );
}

const REACHED: StageStatus[] = ['pending', 'approved', 'rejected', 'overturned'];

/**
 * The stage was put to its reviewers: it is or was pending. A stage cancelled while pending (the applicant
 * withdrew, another department refused) was too — its reviewers were asked and told, and still open what their
 * notices link to; one cancelled while waiting never was (activated_at is set only when a stage becomes pending).
 */
function reached(stage: StageRow): boolean {
  return REACHED.includes(stage.status) || (stage.status === 'cancelled' && stage.activated_at != null);
}

/** Approvers of a request: they see it (and may decide what they hold). The applicant is not one. Who reads its personal data in full: seesPersonalData. */
export function isApprover(user: CurrentUser, applicantId: number, stages: StageRow[], today: string): boolean {
  if (user.id === applicantId) return false;
  if (can(user, 'sharing.manage')) return true;
  return stages.some((s) => {
    if (!reached(s)) return false;
    const held = holdsStage(user, s, today);
    return held.own || held.onBehalf;
  });
}

/** The stages whose reviewers are a department's or the university leader's, by their own role (not the office's). */
const REVIEWED_BY_ROLE: StageKind[] = ['applicant_unit', 'source', 'leader'];

/**
 * Who reads a submitted request's personal data in full — vendors' ID numbers and every phone number (the members',
 * the vendors', the applicant's office phone and numbers typed into the other contact, the purpose, a table's range or
 * note) — on its page, its print form and the API: those who work on it. The IT office (`sharing.personal_data`: it
 * checks these people, calls them, stands in for departments and prints the archive copy) and the reviewers of its
 * reached stages by their own role (the applicant unit's and the data sources' stewards and leaders, the university
 * leader). Not its applicant (its draft's form shows them what they typed), and not an administrator as such: `admin`
 * manages accounts and is an office role (OFFICE_ROLES) only for what the office may do, which needs none of it. Anyone
 * else who may open the request reads them masked.
 */
export function seesPersonalData(user: CurrentUser, applicantId: number, stages: StageRow[], today: string): boolean {
  if (user.id === applicantId) return false;
  if (can(user, 'sharing.personal_data')) return true;
  return stages.some((s) => REVIEWED_BY_ROLE.includes(s.kind) && reached(s) && holdsStage(user, s, today).own);
}

/**
 * Whether `user` may see the request at all. A draft (and one withdrawn as a draft) is its applicant's alone until it is
 * submitted, the IT office's not either: it may hold vendors' ID numbers and phones. A submitted one is its applicant's,
 * the IT office's and its reached stages' reviewers'. To anyone else it is as missing — its page, print form, files, API
 * view and every action on it answer the 404 of an id no request has — so request ids cannot be probed; a 403 means
 * the request is yours to see but the action is not yours.
 */
export function canView(
  user: CurrentUser,
  request: { applicant_id: number; status?: unknown; submitted_at?: unknown },
  stages: StageRow[],
  today: string,
): boolean {
  const applicantId = request.applicant_id;
  if (neverSubmitted(request)) return user.id === applicantId;
  return (
    user.id === applicantId || can(user, 'sharing.view', { ownerId: applicantId }) || isApprover(user, applicantId, stages, today)
  );
}
