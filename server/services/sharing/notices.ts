/**
 * What the data-sharing workflow tells people as a request moves (the daily reminders, overdue flags and expiry
 * notices are jobs/sharing-reminders.ts'): the reviewers of a stage the request has just reached, and the applicant
 * when it is granted, refused (不共享) or its arbitration concluded; the IT office when an arbitration is asked for. Inbox only, as the reminders and the reporters'
 * notices (a person's notice; e-mail and robots are for departments' mailboxes), written with the transaction that
 * changes the request, so a notice is never sent for a change that was rolled back. In Chinese with the same in
 * English (`noticeText`, `noticeTextEn`); no personal data: the request's number, the stage and a standard reason.
 */
import type { Knex } from 'knex';
import type { MessageParams } from '../../errors';
import { can, type CurrentUser } from '../../policies';
import { addToInbox, noticeText, noticeTextEn, settleNotices } from '../notifications';
import { toCurrentUser, type UserRow } from '../users';
import { decidedFirstReview, decidedRefusal, holdsStage, type StageRow } from './access';
import type { RejectionReason } from './types';

type Trx = Knex.Transaction;

const link = (requestId: number) => `/sharing/${requestId}`;

/**
 * The notices' subjects (notifications `subject`) of what a request asks people to decide: a stage (its reviewers'
 * notice, reminder and overdue flag, the administrators' "nobody may decide it"), an arbitration. Marked read for
 * everyone once decided (`settleDecidedNotices`).
 */
export const stageSubject = (stageId: number) => `sharing_stage:${stageId}`;
const arbitrationSubject = (requestId: number) => `sharing_arbitration:${requestId}`;

/**
 * After a change to a request: the notices of its stages no longer pending (decided, cancelled by a refusal or a
 * withdrawal) and of an arbitration no longer asked for stop waiting in their readers' inboxes — "待您审核" about a
 * stage a colleague decided stayed unread for ever.
 */
export async function settleDecidedNotices(trx: Trx, requestId: number, now: Date): Promise<void> {
  const [stages, request] = await Promise.all([
    trx('sharing_stages').where({ request_id: requestId }).whereNot({ status: 'pending' }).pluck('id'),
    trx('sharing_requests').where({ id: requestId }).first('arbitration'),
  ]);
  const subjects = (stages as (number | string)[]).map((id) => stageSubject(Number(id)));
  if (request && request.arbitration !== 'requested') subjects.push(arbitrationSubject(requestId));
  await settleNotices(trx, subjects, now);
}

/** The ids of the stages waiting for a decision now: taken before a change, to tell which stages it reached. */
export function pendingStageIds(stages: StageRow[]): Set<number> {
  return new Set(stages.filter((s) => s.status === 'pending').map((s) => Number(s.id)));
}

/** The stage's name, a data source's with its department by name (its code when it has none): 数据来源部门审核（人事处）. */
function stageName(stage: StageRow, t: typeof noticeText, open: string, close: string): string {
  const name = t(`sharing.stageKind.${stage.kind}`);
  const department =
    typeof stage.department_name === 'string' && stage.department_name ? stage.department_name : stage.department_code;
  return stage.kind === 'source' && department ? `${name}${open}${department}${close}` : name;
}
const stageZh = (stage: StageRow) => stageName(stage, noticeText, '（', '）');
const stageEn = (stage: StageRow) => stageName(stage, noticeTextEn, ' (', ')');

/**
 * The active accounts that may review sharing requests at all, the applicant left out: read once per change, then
 * filtered per stage by `stageReviewers`.
 */
async function possibleReviewers(trx: Knex, applicantId: number): Promise<CurrentUser[]> {
  const users = (await trx('users')
    .where({ disabled: false })
    .whereNot('id', applicantId)
    // Only to read fewer rows: an account with no role but `user` holds no stage (the policies below decide).
    .whereRaw(`NOT (roles <@ ARRAY['user']::text[])`)
    .select('id', 'login', 'name', 'department_code', 'roles', 'locale')) as UserRow[];
  return users.map((row) => toCurrentUser({ ...row, id: Number(row.id) })).filter((user) => can(user, 'sharing.review'));
}

/**
 * Who of `users` may decide `stage` now: the people whose review queue shows it (lists.ts queueIds) — the holders of
 * the stage by role (access.ts holdsStage, with the IT office standing in where a department has nobody else), and
 * the final review never to whoever decided the first (decidedFirstReview).
 */
function stageReviewers(users: CurrentUser[], stage: StageRow, stages: StageRow[], today: string): number[] {
  return users
    .filter((user) => {
      const held = holdsStage(user, stage, today);
      return (held.own || held.onBehalf) && !decidedFirstReview(user, stage, stages);
    })
    .map((user) => user.id);
}

/**
 * Who may decide `stage` of a request by `applicantId` now — whom its stage notice went to: the day-before reminder of
 * a source review is for them (a department's steward who is the applicant may not decide it; a department reviewed
 * by its leader has no steward to remind).
 */
export async function reviewersOfStage(
  db: Knex,
  applicantId: number,
  stage: StageRow,
  stages: StageRow[],
  today: string,
): Promise<number[]> {
  return stageReviewers(await possibleReviewers(db, applicantId), stage, stages, today);
}

/**
 * A request reached a decision nobody may take (a stage with no reviewer, an arbitration with no arbiter): without a
 * word it would wait for ever. The administrators — who can give someone the role — hear it, whoever they are (an
 * administrator who is the applicant, or the IT office member who may not decide, still has to act on it).
 */
async function noticeAdministrators(
  trx: Trx,
  request: { id: number },
  notice: { title: string; title_en: string; subject: string },
): Promise<void> {
  const admins = (await trx('users').where({ disabled: false }).whereRaw(`'admin' = ANY(roles)`).pluck('id')).map(Number);
  await addToInbox(trx, admins, {
    kind: 'sharing.stuck',
    subject: notice.subject,
    title: notice.title,
    body: '',
    link: link(request.id),
    en: { title: notice.title_en, body: '' },
  });
}

/**
 * Tells the reviewers of every stage pending in `stages` (read after the change) that was not pending before it
 * (`before`): one notice each, linking to the request; `actorId`, who made the change, is not told of it.
 */
export async function noticeReachedStages(
  trx: Trx,
  request: { id: number; applicant_id: number },
  before: Set<number>,
  stages: StageRow[],
  actorId: number | null,
  today: string,
): Promise<void> {
  const reached = stages.filter((s) => s.status === 'pending' && !before.has(Number(s.id)));
  if (!reached.length) return;
  const users = await possibleReviewers(trx, request.applicant_id);
  for (const stage of reached) {
    const allowed = stageReviewers(users, stage, stages, today);
    const params = { id: request.id, stage: stageZh(stage), date: stage.due_on ?? '' };
    const paramsEn = { ...params, stage: stageEn(stage) };
    if (!allowed.length) {
      await noticeAdministrators(trx, request, {
        title: noticeText('sharing.notices.nobodyToDecide', params),
        title_en: noticeTextEn('sharing.notices.nobodyToDecide', paramsEn),
        subject: stageSubject(Number(stage.id)),
      });
      continue;
    }
    const reviewers = allowed.filter((id) => id !== actorId);
    await addToInbox(trx, reviewers, {
      kind: 'sharing.stage',
      subject: stageSubject(Number(stage.id)),
      title: noticeText('sharing.notices.stage', params),
      body: stage.due_on ? noticeText('sharing.notices.dueOn', params) : '',
      link: link(request.id),
      en: {
        title: noticeTextEn('sharing.notices.stage', paramsEn),
        body: stage.due_on ? noticeTextEn('sharing.notices.dueOn', paramsEn) : '',
      },
    });
  }
}

/**
 * A request that ended while stages waited for a decision — withdrawn by its applicant, or refused at another stage
 * (a parallel data source's) — : the people who were told it waits for them (the pending stages' reviewers, `stages`
 * read before those stages were cancelled) hear it does not any more. The refusing stage's own reviewers are not told:
 * one of them decided it.
 */
export async function noticeNoLongerNeeded(
  trx: Trx,
  request: { id: number; applicant_id: number },
  stages: StageRow[],
  today: string,
  why: { withdrawn: true } | { refusedAt: StageRow; by: number },
): Promise<void> {
  const pending = stages.filter((s) => s.status === 'pending' && !('refusedAt' in why && s.id === why.refusedAt.id));
  if (!pending.length) return;
  const users = await possibleReviewers(trx, request.applicant_id);
  // Nobody hears of their own action: the IT office refusing for one overdue source may hold the other one too.
  const reviewers = new Set(
    pending.flatMap((stage) => stageReviewers(users, stage, stages, today)).filter((id) => !('by' in why) || id !== why.by),
  );
  if (!reviewers.size) return;
  const notice: { kind: string; key: string; zh: MessageParams; en: MessageParams } =
    'refusedAt' in why
      ? {
          kind: 'sharing.refused_elsewhere',
          key: 'sharing.notices.refusedElsewhere',
          zh: { id: request.id, stage: stageZh(why.refusedAt) },
          en: { id: request.id, stage: stageEn(why.refusedAt) },
        }
      : { kind: 'sharing.withdrawn', key: 'sharing.notices.withdrawn', zh: { id: request.id }, en: { id: request.id } };
  await addToInbox(trx, [...reviewers], {
    kind: notice.kind,
    title: noticeText(notice.key, notice.zh),
    body: '',
    link: link(request.id),
    en: { title: noticeTextEn(notice.key, notice.en), body: '' },
  });
}

/**
 * The applicant asks the IT office to arbitrate a department's refusal (seed 002 art. 22): the people who may conclude
 * it (the IT office's reviewers) hear of it, naming the stage whose refusal is contested; the applicant's note stays on
 * the request page (it is free text).
 */
export async function noticeArbitrationRequested(
  trx: Trx,
  request: { id: number; applicant_id: number },
  stage: StageRow,
): Promise<void> {
  // Not whoever made the refusal (the IT office deciding for an overdue department): they may not conclude it.
  const arbiters = (await possibleReviewers(trx, request.applicant_id)).filter(
    (user) => can(user, 'sharing.decide_office') && !decidedRefusal(user, [stage]),
  );
  if (!arbiters.length) {
    await noticeAdministrators(trx, request, {
      title: noticeText('sharing.notices.nobodyToArbitrate', { id: request.id }),
      title_en: noticeTextEn('sharing.notices.nobodyToArbitrate', { id: request.id }),
      subject: arbitrationSubject(request.id),
    });
    return;
  }
  await addToInbox(
    trx,
    arbiters.map((user) => user.id),
    {
      kind: 'sharing.arbitration_requested',
      subject: arbitrationSubject(request.id),
      title: noticeText('sharing.notices.arbitrationRequested', { id: request.id, stage: stageZh(stage) }),
      body: '',
      link: link(request.id),
      en: { title: noticeTextEn('sharing.notices.arbitrationRequested', { id: request.id, stage: stageEn(stage) }), body: '' },
    },
  );
}

/**
 * The department whose refusal is in dispute hears that it is (the applicant asked for arbitration) and how it ended
 * (overturned: the review goes on; upheld): the conclusion's reason is written for the applicant and the source
 * department (seed 002 art. 22), and its inbox said nothing after "待您审核". Its stewards and leaders, and whoever
 * made the refusal (the IT office deciding in an overdue department's place), not the one who acted.
 */
export async function noticeRefusingDepartment(
  trx: Trx,
  request: { id: number; applicant_id: number },
  stage: StageRow,
  event: 'requested' | 'overturn' | 'uphold',
  actorId: number,
): Promise<void> {
  const department = stage.department_code;
  const members = department
    ? ((await trx('users')
        .where({ disabled: false, department_code: department })
        .whereRaw(`roles && ARRAY['steward', 'dept_leader']::text[]`)
        .pluck('id')) as Array<number | string>)
    : [];
  const maker = stage.decided_by === null || stage.decided_by === undefined ? [] : [stage.decided_by as number | string];
  const to = [...new Set([...members, ...maker].map(Number))].filter((id) => id !== actorId && id !== request.applicant_id);
  if (!to.length) return;
  const name = { requested: 'refusalDisputed', overturn: 'refusalOverturned', uphold: 'refusalUpheld' }[event];
  await addToInbox(trx, to, {
    kind: `sharing.${name}`,
    // Done with once concluded, as the IT office's "please arbitrate" is (settleDecidedNotices).
    ...(event === 'requested' ? { subject: arbitrationSubject(request.id) } : {}),
    title: noticeText(`sharing.notices.${name}`, { id: request.id, stage: stageZh(stage) }),
    body: '',
    link: link(request.id),
    en: { title: noticeTextEn(`sharing.notices.${name}`, { id: request.id, stage: stageEn(stage) }), body: '' },
  });
}

/** What the applicant hears of their request's end, of its arbitration, or of its grant revoked. */
export type Outcome =
  | { kind: 'granted'; expiresOn: string }
  | { kind: 'rejected'; stage: StageRow; reason: RejectionReason | null }
  | { kind: 'arbitration'; decision: 'overturn' | 'uphold' }
  | { kind: 'revoked' };

/** Tells the applicant of `outcome` (never when they made the change themselves). */
export async function noticeApplicant(
  trx: Trx,
  request: { id: number; applicant_id: number },
  outcome: Outcome,
  actorId: number | null,
): Promise<void> {
  if (request.applicant_id === actorId) return;
  let name: string;
  let params: Record<string, string | number> = { id: request.id };
  let paramsEn = params;
  let body = '';
  let bodyEn = '';
  switch (outcome.kind) {
    case 'granted':
      name = 'granted';
      params = paramsEn = { id: request.id, date: outcome.expiresOn };
      break;
    case 'rejected':
      name = 'rejected';
      params = { id: request.id, stage: stageZh(outcome.stage) };
      paramsEn = { id: request.id, stage: stageEn(outcome.stage) };
      // The standard reason only: what the reviewer typed stays on the request page (it may name people).
      if (outcome.reason) {
        body = noticeText('sharing.notices.reason', { reason: noticeText(`sharing.reasons.${outcome.reason}`) });
        bodyEn = noticeTextEn('sharing.notices.reason', { reason: noticeTextEn(`sharing.reasons.${outcome.reason}`) });
      }
      break;
    case 'arbitration':
      name = outcome.decision === 'overturn' ? 'overturned' : 'upheld';
      break;
    case 'revoked':
      // The reason the IT office typed stays on the request page, as a reviewer's opinion does.
      name = 'revoked';
      break;
  }
  await addToInbox(trx, [request.applicant_id], {
    kind: `sharing.${name}`,
    title: noticeText(`sharing.notices.${name}`, params),
    body,
    link: link(request.id),
    en: { title: noticeTextEn(`sharing.notices.${name}`, paramsEn), body: bodyEn },
  });
}
