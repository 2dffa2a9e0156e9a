/**
 * The data-sharing workflow (seed 000) as one state machine. Every transition is a function here:
 *
 *   draft ──submit──▶ submitted ──first approval──▶ in_review ──last stage approved──▶ granted
 *     │                   │                             │
 *     └─withdraw──────────┴──withdraw / reject──────────┴──▶ withdrawn / rejected (不共享)
 *   rejected by a source department ──applicant asks (seed 002 art. 22)──▶ IT office overturns
 *   (back to in_review, the workflow continues) or upholds (stays rejected).
 *
 * Stages: 1 applicant unit's steward → 2 IT office first review → 3 each department owning requested
 * conditional data, in parallel, due in 5 working days (skipped when only universal data is asked
 * for) → 4 the university leader (sensitive fields and ≥ 2000 rows) → 5 IT office final review,
 * which grants. Stages of one number are activated together; the next number starts when all are
 * approved. Each change locks the request row first (`FOR UPDATE`), so concurrent decisions on one
 * request are applied one after the other and the second sees the first; every change ends with its
 * audit row in the same transaction.
 */
import type { Knex } from 'knex';
import type { AppContext } from '../../context';
import { AlreadyDoneError, ConflictError, FieldError, ForbiddenError, NotFoundError, ValidationError } from '../../errors';
import type { Translator } from '../../i18n';
import { can, type CurrentUser } from '../../policies';
import { appendAudit } from '../audit';
import { addDays, addYears, createCalendar, todayIn, type WorkingDayCalendar } from '../calendar';
import { loadCurrentCatalog } from '../catalog/repository';
import { isIsoDate } from '../catalog/values';
import { visibleText } from '../characters';
import { formVersion } from '../form-version';
import type { Catalog } from '../catalog/types';
import { saveUpload, uploadProblem } from '../uploads';
import { boxName } from '../../presenters/error-summary';
import {
  canView,
  decidedFirstReview,
  decidedRefusal,
  holdsStage,
  isApprover,
  isOverdue,
  onBehalfReason,
  type StageRow,
} from './access';
import { canonicalItems, inCatalogSpelling, leaderBasis, sourceParts } from './plan';
import {
  noticeApplicant,
  noticeArbitrationRequested,
  noticeRefusingDepartment,
  noticeReachedStages,
  noticeNoLongerNeeded,
  pendingStageIds,
  reviewersOfStage,
  settleDecidedNotices,
} from './notices';
import { formColumns, inputOf, loadRequest, stageRows, writeInput, type DbRow } from './repository';
import {
  DEFAULT_GRANT_DAYS,
  GRANT_MAX_YEARS,
  REJECTION_REASONS,
  SOURCE_REVIEW_WORKING_DAYS,
  type RejectionReason,
  type RequestStatus,
  type SharingInput,
  type StageKind,
} from './types';
import { validateDraft, validateRequest, type ValidationMode } from './validate';
import { sentText } from './sent-text';

/** Who acts, and where from (for the audit row). */
export interface Actor {
  user: CurrentUser;
  ip?: string;
  requestId?: string;
}

export interface UploadedFile {
  filename: string;
  buffer: Buffer;
}

export interface Attachments {
  material?: UploadedFile;
  pledgeScan?: UploadedFile;
}

export interface PendingStage {
  stage: number;
  kind: StageKind;
  department: string | null;
}

type Trx = Knex.Transaction;

function audit(trx: Trx, actor: Actor | null, action: string, requestId: number, summary: Record<string, unknown>) {
  return appendAudit(trx, {
    actor: actor
      ? { id: actor.user.id, login: actor.user.login, roles: actor.user.roles, department: actor.user.department }
      : null,
    action,
    objectType: 'sharing_request',
    objectId: requestId,
    summary,
    ip: actor?.ip,
    requestId: actor?.requestId,
  });
}

/** The working-day calendar and today's date, from the current catalog (plain weekends without one). */
export async function clock(ctx: AppContext): Promise<{ calendar: WorkingDayCalendar; today: string; catalog: Catalog | null }> {
  const current = await loadCurrentCatalog(ctx.db);
  const catalog = current?.catalog ?? null;
  const calendar = createCalendar(catalog?.calendar ?? { timezone: ctx.config.timezone, events: [], holidays: [], workdays: [] });
  return { calendar, today: catalog ? calendar.today(ctx.now()) : todayIn(ctx.config.timezone, ctx.now()), catalog };
}

async function lockRequest(trx: Trx, id: number) {
  if (!Number.isSafeInteger(id) || id <= 0) throw new NotFoundError('sharing.errors.notFound');
  const request = await trx('sharing_requests').where({ id }).forUpdate().first();
  if (!request) throw new NotFoundError('sharing.errors.notFound');
  return { ...request, id: Number(request.id), applicant_id: Number(request.applicant_id) };
}

async function stagesOf(trx: Knex, id: number): Promise<StageRow[]> {
  const rows = await stageRows(trx, id);
  return rows.map((s: DbRow) => ({ ...s, id: Number(s.id), request_id: Number(s.request_id) }) as StageRow);
}

/**
 * The request an action is taken on, locked, with its stages — if `user` may see it (canView). To anyone else it is
 * as missing: the 404 of an id no request has, before any check of who may act (a 403 would tell them it exists).
 */
export async function lockSeenRequest(trx: Trx, user: CurrentUser, id: number, today: string) {
  const request = await lockRequest(trx, id);
  const stages = await stagesOf(trx, request.id);
  if (!canView(user, request, stages, today)) throw new NotFoundError('sharing.errors.notFound');
  return { request, stages };
}

export function pendingStages(stages: StageRow[]): PendingStage[] {
  return stages
    .filter((s) => s.status === 'pending')
    .map((s) => ({ stage: s.stage, kind: s.kind, department: s.department_code }));
}

/** A wrong file is named with its input's label, without its hint (…扫描件, not …扫描件（可选）), and its name (never the input's internal name). */
function attachmentErrors(files: Attachments, t: Translator): FieldError[] {
  const errors: FieldError[] = [];
  for (const [field, file, labelKey] of [
    ['material', files.material, 'sharing.form.material'],
    ['pledge_scan', files.pledgeScan, 'sharing.form.pledgeScan'],
  ] as const) {
    if (!file) continue;
    const problem = uploadProblem(file.buffer);
    if (problem)
      errors.push({
        field,
        key: `sharing.errors.upload.${problem}`,
        params: { filename: file.filename, label: boxName(t(labelKey)) },
      });
  }
  return errors;
}

async function storeAttachments(trx: Trx, actor: Actor, requestId: number, files: Attachments): Promise<void> {
  if (files.material) {
    const id = await saveUpload(trx, {
      purpose: 'sharing_material',
      filename: files.material.filename,
      buffer: files.material.buffer,
      uploadedBy: actor.user.id,
    });
    await trx('sharing_requests').where({ id: requestId }).update({ material_upload_id: id });
  }
  if (files.pledgeScan) {
    const id = await saveUpload(trx, {
      purpose: 'sharing_pledge',
      filename: files.pledgeScan.filename,
      buffer: files.pledgeScan.buffer,
      uploadedBy: actor.user.id,
    });
    await trx('sharing_requests').where({ id: requestId }).update({ pledge_upload_id: id });
  }
}

/** A new draft of `actor`'s, in their department, holding `input`'s form columns (the caller writes its rows). */
async function insertDraft(ctx: AppContext, trx: Trx, actor: Actor, input: SharingInput, extra: DbRow = {}): Promise<number> {
  const [row] = await trx('sharing_requests')
    .insert({
      ...formColumns(input),
      applicant_id: actor.user.id,
      department_code: actor.user.department,
      status: 'draft',
      created_at: ctx.now(),
      updated_at: ctx.now(),
      ...extra,
    })
    .returning('id');
  return Number(row.id ?? row);
}

/** The draft being continued: only its applicant, only while it is a draft. */
async function lockDraft(trx: Trx, actor: Actor, draftId: number) {
  const request = await lockRequest(trx, draftId);
  if (request.applicant_id !== actor.user.id) throw new ForbiddenError();
  if (request.status !== 'draft') throw new ConflictError('sharing.errors.notDraft');
  return request;
}

/**
 * The caller's own refusals (`refused`: the form's boxes holding a forbidden character) with the checks' other messages:
 * a box keeps its refusal alone (a check of its text would judge what cannot be stored).
 */
function besideRefused(refused: FieldError[] | undefined, errors: FieldError[]): FieldError[] {
  if (!refused?.length) return errors;
  const covered = (field: string) => refused.some((r) => field === r.field || field.startsWith(`${r.field}.`));
  return [...refused, ...errors.filter((e) => !covered(e.field))];
}

// ── draft ──────────────────────────────────────────────────────────────────────────────────────

/**
 * A draft as its edit form was opened from (`edited_from`, form-version.ts): the request and how often it was written
 * (`version`, one more at each save). A form opened before the draft was saved from another tab (or page) saves and
 * submits nothing (`sharing.errors.draftStale`): it put back, without a word, what it showed over what was saved since.
 */
export function draftVersion(request: { readonly [column: string]: unknown }): string {
  return formVersion({ draft: Number(request.id), version: Number(request.version) });
}

/** A draft locked for writing, refused when the form sent was opened from an earlier save of it (draftVersion). */
async function lockDraftAsOpened(trx: Trx, actor: Actor, draftId: number, editedFrom: string | undefined) {
  const request = await lockDraft(trx, actor, draftId);
  if (editedFrom !== undefined && editedFrom !== draftVersion(request))
    throw new ConflictError('sharing.errors.draftStale', { id: request.id });
  return request;
}

/**
 * Saves what was typed without the completeness checks of a submission — but with the limits of every text
 * and list, a choice's value it does not take and, over the API, the values' types (validateDraft; `mode` says
 * how the choices are named, as at submission, the form's by default), and the attachments (a wrong file is
 * never stored); every problem at once, nothing saved then. Tables and fields the catalog knows are stored as it
 * spells them (`Staff_Basic` is `staff_basic`), as a submitted request's are: the lists, the request page and
 * the edit form show the catalog's names.
 */
export async function saveDraft(
  ctx: AppContext,
  actor: Actor,
  typed: SharingInput,
  opts: {
    t: Translator;
    mode?: ValidationMode;
    draftId?: number;
    files?: Attachments;
    refused?: FieldError[];
    /** The draft as the form was opened from (draftVersion); undefined: not compared (the API, a new form). */
    editedFrom?: string;
  },
): Promise<number> {
  const files = opts.files ?? {};
  const errors = besideRefused(opts.refused, [
    ...validateDraft(typed, opts.t, opts.mode ?? 'web'),
    ...attachmentErrors(files, opts.t),
  ]);
  if (errors.length) throw new ValidationError(errors);
  const { catalog } = await clock(ctx);
  const input = inCatalogSpelling(catalog, typed);
  return ctx.db.transaction(async (trx) => {
    let id: number;
    if (opts.draftId) {
      id = (await lockDraftAsOpened(trx, actor, opts.draftId, opts.editedFrom)).id;
      await trx('sharing_requests')
        .where({ id })
        .update({ ...formColumns(input), updated_at: ctx.now(), version: trx.raw('version + 1') });
    } else {
      id = await insertDraft(ctx, trx, actor, input);
    }
    await writeInput(trx, id, input);
    await storeAttachments(trx, actor, id, files);
    await audit(trx, actor, 'sharing.draft', id, { items: input.items.length });
    return id;
  });
}

// ── submit ─────────────────────────────────────────────────────────────────────────────────────

export interface SubmitResult {
  id: number;
  status: RequestStatus;
  pendingStages: PendingStage[];
}

/**
 * Checks everything, then creates the stages: stage 1 pending, the rest waiting. What the leader
 * stage depends on (the hub's row count) is read before the transaction.
 */
export async function submitRequest(
  ctx: AppContext,
  actor: Actor,
  typed: SharingInput,
  opts: {
    mode: ValidationMode;
    t: Translator;
    draftId?: number;
    files?: Attachments;
    refused?: FieldError[];
    /** The draft as the form was opened from (draftVersion); undefined: not compared. */
    editedFrom?: string;
  },
): Promise<SubmitResult> {
  let input = typed;
  const files = opts.files ?? {};
  const { catalog, today } = await clock(ctx);
  let hasMaterial = !!files.material;
  if (!hasMaterial && opts.draftId) {
    const draft = await ctx.db('sharing_requests').where({ id: opts.draftId }).first('material_upload_id');
    hasMaterial = !!draft?.material_upload_id;
  }
  const errors = [...validateRequest(input, catalog, opts.t, opts.mode, { hasMaterial }), ...attachmentErrors(files, opts.t)];
  if (!catalog && !errors.some((e) => e.field.startsWith('items')))
    errors.push({ field: 'items', key: 'sharing.errors.noCatalog' });
  if (errors.length || opts.refused?.length) throw new ValidationError(besideRefused(opts.refused, errors));
  // Field names as the catalog spells them: the plan, the stored request and the grant all use them.
  input = { ...input, items: canonicalItems(catalog!, input.items) };
  const sources = sourceParts(catalog!, input.items);
  const leader = await leaderBasis(ctx.hub, catalog!, input.items);

  return ctx.db.transaction(async (trx) => {
    const now = ctx.now();
    let id: number;
    const columns = {
      ...formColumns(input),
      status: 'submitted',
      submitted_at: now,
      pledge_accepted_at: now,
      leader_basis: JSON.stringify(leader),
      updated_at: now,
    };
    if (opts.draftId) {
      id = (await lockDraftAsOpened(trx, actor, opts.draftId, opts.editedFrom)).id;
      // The applicant's department as it is now, as the applicant unit's review (stage 1) is: a draft saved before its
      // applicant moved department named the old one on the page, the print form and the lists while the new one reviewed it.
      await trx('sharing_requests')
        .where({ id })
        .update({ ...columns, department_code: actor.user.department, version: trx.raw('version + 1') });
    } else {
      const [row] = await trx('sharing_requests')
        .insert({ ...columns, applicant_id: actor.user.id, department_code: actor.user.department, created_at: now })
        .returning('id');
      id = Number(row.id ?? row);
    }
    await writeInput(trx, id, input);
    await storeAttachments(trx, actor, id, files);
    const stages = [
      { stage: 1, kind: 'applicant_unit', department_code: actor.user.department, status: 'pending', activated_at: now },
      { stage: 2, kind: 'it_first', department_code: null, status: 'waiting' },
      ...sources.map((s) => ({
        stage: 3,
        kind: 'source',
        department_code: s.department,
        part: JSON.stringify(s.part),
        status: 'waiting',
      })),
      ...(leader.required ? [{ stage: 4, kind: 'leader', department_code: null, status: 'waiting' }] : []),
      { stage: 5, kind: 'it_final', department_code: null, status: 'waiting' },
    ];
    await trx('sharing_stages').insert(stages.map((s) => ({ part: '[]', ...s, request_id: id })));
    await audit(trx, actor, 'sharing.submit', id, {
      tables: input.items.map((i) => i.table),
      sources: sources.map((s) => s.department),
      leader: { required: leader.required, rows: leader.rows, hubError: leader.hubError ?? null },
    });
    // Stage 1's reviewers hear of the new request.
    await noticeReachedStages(trx, { id, applicant_id: actor.user.id }, new Set(), await stagesOf(trx, id), actor.user.id, today);
    return {
      id,
      status: 'submitted' as RequestStatus,
      pendingStages: [{ stage: 1, kind: 'applicant_unit' as StageKind, department: actor.user.department }],
    };
  });
}

// ── decisions ──────────────────────────────────────────────────────────────────────────────────

/** What a decision sends: text from the forms; over the API any JSON value, judged by checkDecision. */
export interface DecisionInput {
  decision: unknown;
  /** A standard reason code for a rejection (any other text counts as `other` with that text). */
  reason?: unknown;
  /** Opinion or explanation (free text). */
  comment?: unknown;
  /** Only one stage of several the user holds (the IT office standing in for two departments). */
  stageId?: number;
  /** Final stage only: when the grant ends (YYYY-MM-DD), at most GRANT_MAX_YEARS from today; a year from today when absent. */
  expiresOn?: unknown;
}

/**
 * The decision's own input, judged once the user may decide (stageFor): every problem at once, each named
 * by its field in the user's language — never by the codes the form sends (seed 000's reasons by name).
 */
function checkDecision(
  input: DecisionInput,
  today: string,
  kind: StageKind,
): { approve: boolean; reason: RejectionReason | null; text: string; expiresOn: string | undefined } {
  const errors: FieldError[] = [];
  const text = visibleText(sentText(input.comment, 'comment', errors));
  const givenReason = sentText(input.reason, 'reason', errors).trim();
  const expiresOn = sentText(input.expiresOn, 'expires_on', errors);
  const typeProblem = (field: string) => errors.some((e) => e.field === field);
  let reason: RejectionReason | null = null;
  if (input.decision !== 'approve' && input.decision !== 'reject') {
    errors.push({ field: 'decision', key: 'sharing.errors.decision' });
  } else if (input.decision === 'approve' && givenReason && !typeProblem('reason')) {
    // A reason for refusal with an approval is a refusal meant and the wrong choice left ticked (the form used to tick
    // 同意 by default): approving would grant the data, the reason dropped without a word.
    errors.push({ field: 'reason', key: 'sharing.errors.reasonWithApproval' });
  } else if (input.decision === 'reject' && !typeProblem('reason')) {
    const given = givenReason;
    if (!given) errors.push({ field: 'reason', key: 'sharing.errors.reasonRequired' });
    else if ((REJECTION_REASONS as readonly string[]).includes(given)) reason = given as RejectionReason;
    else reason = 'other';
    if (reason === 'other' && !text && !typeProblem('comment') && !(given && given !== 'other'))
      errors.push({ field: 'comment', key: 'sharing.errors.otherNeedsText' });
  }
  if (expiresOn !== '') {
    // A real calendar date (Date.parse takes 2027-02-30 for 2 March; PostgreSQL refuses it), after today, and at most
    // GRANT_MAX_YEARS after it (the grant is given today): 9999-12-31 granted the data for good.
    const latest = addYears(today, GRANT_MAX_YEARS);
    // A date that is none (2027-02-30, 2027/06/30) is said as such: "after 2026-03-02" read as wrong about a later day.
    if (!isIsoDate(expiresOn)) {
      errors.push({ field: 'expires_on', key: 'sharing.errors.expiresOnInvalid', params: { value: expiresOn } });
    } else if (expiresOn <= today) {
      errors.push({ field: 'expires_on', key: 'sharing.errors.expiresOn', params: { today } });
    } else if (expiresOn > latest) {
      errors.push({ field: 'expires_on', key: 'sharing.errors.expiresOnTooLate', params: { latest, years: GRANT_MAX_YEARS } });
    } else if (input.decision === 'approve' && kind !== 'it_final') {
      errors.push({ field: 'expires_on', key: 'sharing.errors.expiresOnFinalOnly' });
    }
  }
  if (errors.length) throw new ValidationError(errors);
  const freeText =
    reason === 'other' && givenReason && givenReason !== 'other' ? [givenReason, text].filter(Boolean).join('；') : text;
  return { approve: input.decision === 'approve', reason, text: freeText, expiresOn: expiresOn || undefined };
}

/** The stage `user` decides now: 403 when they hold none of this request's stages, 409 when theirs is not pending. */
function stageFor(
  user: CurrentUser,
  request: { applicant_id: number; status: string; arbitration?: string | null },
  stages: StageRow[],
  today: string,
  stageId?: number,
) {
  if (request.applicant_id === user.id) throw new ForbiddenError('sharing.errors.ownRequest');
  const candidates = stages
    .filter((s) => stageId === undefined || s.id === stageId)
    .map((s) => ({ stage: s, ...holdsStage(user, s, today) }))
    .filter((c) => c.own || c.onBehalf || (c.stage.kind === 'source' && can(user, 'sharing.decide_office')));
  // Holding none of its reached stages: 403 (one who may not even see the request had its 404 in lockSeenRequest).
  if (candidates.length === 0 || !isApprover(user, request.applicant_id, stages, today))
    throw new ForbiddenError('sharing.errors.notYourStage');
  const open = request.status === 'submitted' || request.status === 'in_review';
  const pending = candidates.filter((c) => open && c.stage.status === 'pending' && (c.own || c.onBehalf));
  if (pending.length === 0) {
    const notYetOverdue = candidates.some((c) => !c.own && c.stage.status === 'pending' && c.stage.kind === 'source');
    // Their own stage comes later (the IT office before the unit has reviewed): said so, not "not pending".
    const notYetReached = candidates.some((c) => c.own && c.stage.status === 'waiting');
    // Decided already (by a colleague, or in another tab), or the request withdrawn or ended: said so — "该环节当前不在
    // 待审核状态" left the reviewer to work out why.
    const decided = candidates.some((c) => ['approved', 'rejected', 'overturned'].includes(c.stage.status));
    throw new ConflictError(
      !open
        ? request.status === 'withdrawn'
          ? 'sharing.errors.requestWithdrawn'
          : // Refused, its applicant asking the IT office to arbitrate: not over yet (an overturn resumes the reviews).
            request.status === 'rejected' && request.arbitration === 'requested'
            ? 'sharing.errors.underArbitration'
            : 'sharing.errors.requestEnded'
        : notYetOverdue
          ? 'sharing.errors.notOverdue'
          : notYetReached
            ? 'sharing.errors.notYetReached'
            : decided
              ? 'sharing.errors.stageDecided'
              : 'sharing.errors.notPending',
    );
  }
  const allowed = pending.filter((c) => !decidedFirstReview(user, c.stage, stages));
  if (allowed.length === 0) throw new ForbiddenError('sharing.errors.sameOfficer');
  // Own stages first: the IT office standing in is the exception.
  allowed.sort((a, b) => Number(b.own) - Number(a.own) || a.stage.stage - b.stage.stage);
  return allowed[0];
}

/**
 * Activates the next stage number once every stage of the current one is approved; grants after the
 * last. The caller appends the audit rows (its decision first, then the grant).
 */
async function advance(
  ctx: AppContext,
  trx: Trx,
  actor: Actor | null,
  requestId: number,
  calendar: WorkingDayCalendar,
  today: string,
  expiresOn?: string,
): Promise<RequestStatus> {
  const stages = await stagesOf(trx, requestId);
  if (stages.some((s) => s.status === 'pending' || s.status === 'rejected')) return 'in_review';
  const next = stages.filter((s) => s.status === 'waiting');
  if (next.length > 0) {
    const number = Math.min(...next.map((s) => s.stage));
    const now = ctx.now();
    for (const s of next.filter((x) => x.stage === number)) {
      await trx('sharing_stages')
        .where({ id: s.id })
        .update({
          status: 'pending',
          activated_at: now,
          due_on: s.kind === 'source' ? calendar.addWorkingDays(today, SOURCE_REVIEW_WORKING_DAYS) : null,
          version: trx.raw('version + 1'),
        });
    }
    return 'in_review';
  }
  await grant(ctx, trx, actor, requestId, today, expiresOn);
  return 'granted';
}

async function grant(
  ctx: AppContext,
  trx: Trx,
  actor: Actor | null,
  requestId: number,
  today: string,
  expiresOn?: string,
): Promise<void> {
  const request = await trx('sharing_requests').where({ id: requestId }).first();
  const items = await trx('sharing_items').where({ request_id: requestId }).orderBy('position');
  const expires = expiresOn || addDays(today, DEFAULT_GRANT_DAYS);
  await trx('sharing_grants').insert({
    request_id: requestId,
    items: JSON.stringify(items.map((i: DbRow) => ({ table: i.table_name, fields: i.fields, range: i.range }))),
    method: request.method,
    method_other: request.method === 'other' ? request.method_other : null,
    whitelist: JSON.stringify(request.whitelist ?? []),
    expires_on: expires,
    granted_at: ctx.now(),
    granted_by: actor?.user.id ?? null,
  });
  await trx('sharing_requests').where({ id: requestId }).update({ status: 'granted', closed_at: ctx.now() });
}

async function grantedOutcome(trx: Trx, requestId: number): Promise<{ kind: 'granted'; expiresOn: string }> {
  const g = await trx('sharing_grants').where({ request_id: requestId }).first('expires_on');
  return { kind: 'granted', expiresOn: String(g.expires_on) };
}

async function auditGrant(trx: Trx, actor: Actor | null, requestId: number): Promise<void> {
  const g = await trx('sharing_grants').where({ request_id: requestId }).first('expires_on', 'items');
  await audit(trx, actor, 'sharing.grant', requestId, {
    expiresOn: g.expires_on,
    tables: (g.items as { table: string }[]).map((i) => i.table),
  });
}

/**
 * One decision on the stage the user holds. Approve moves the workflow on; reject ends it as 不共享
 * with a standard reason. The IT office may decide an overdue source stage, recorded as on behalf.
 */
export async function decide(ctx: AppContext, actor: Actor, requestId: number, input: DecisionInput) {
  const { calendar, today } = await clock(ctx);
  await ctx.db.transaction(async (trx) => {
    const { request, stages } = await lockSeenRequest(trx, actor.user, requestId, today);
    // Who may decide first (403/409), then what they typed (422): a stage decided meanwhile is a 409 whatever the input.
    const { stage, onBehalf } = stageFor(actor.user, request, stages, today, input.stageId);
    const decision = checkDecision(input, today, stage.kind);
    const now = ctx.now();
    const updated = await trx('sharing_stages')
      .where({ id: stage.id, status: 'pending', version: stage.version })
      .update({
        status: decision.approve ? 'approved' : 'rejected',
        decided_by: actor.user.id,
        decided_by_name: actor.user.name,
        decided_at: now,
        on_behalf: onBehalf,
        on_behalf_reason: onBehalf ? onBehalfReason(stage, today) : null,
        reason: decision.reason,
        opinion: decision.text || null,
        version: stage.version + 1,
      });
    // Decided by someone else between the read and this write.
    if (updated !== 1) throw new ConflictError('sharing.errors.stageDecided');
    let status: RequestStatus;
    if (decision.approve) {
      status = await advance(ctx, trx, actor, request.id, calendar, today, decision.expiresOn);
      if (status === 'in_review')
        await trx('sharing_requests')
          .where({ id: request.id })
          .update({ status, updated_at: now, version: trx.raw('version + 1') });
    } else {
      status = 'rejected';
      // A parallel stage still pending (another data source) need not be reviewed any more: its reviewers hear it.
      await noticeNoLongerNeeded(trx, request, stages, today, { refusedAt: stage, by: actor.user.id });
      await trx('sharing_stages')
        .where({ request_id: request.id })
        .whereIn('status', ['pending', 'waiting'])
        .update({ status: 'cancelled', version: trx.raw('version + 1') });
      await trx('sharing_requests')
        .where({ id: request.id })
        .update({
          status,
          rejection_reason: decision.reason,
          rejection_text: decision.text || null,
          closed_at: now,
          updated_at: now,
          version: trx.raw('version + 1'),
        });
    }
    await audit(trx, actor, 'sharing.decision', request.id, {
      stage: stage.stage,
      kind: stage.kind,
      department: stage.department_code,
      decision: input.decision,
      reason: decision.reason,
      // The reviewer's own words, as the request page shows them (the audit log masks ID and phone numbers in them).
      opinion: decision.text || undefined,
      onBehalf,
      status,
    });
    if (status === 'granted') await auditGrant(trx, actor, request.id);
    // Who hears of it: the reviewers of a stage it reached, the applicant of its end.
    if (status === 'in_review')
      await noticeReachedStages(trx, request, pendingStageIds(stages), await stagesOf(trx, request.id), actor.user.id, today);
    else if (status === 'granted') await noticeApplicant(trx, request, await grantedOutcome(trx, request.id), actor.user.id);
    else await noticeApplicant(trx, request, { kind: 'rejected', stage, reason: decision.reason }, actor.user.id);
    await settleDecidedNotices(trx, request.id, now);
  });
  return (await loadRequest(ctx.db, requestId))!;
}

// ── withdraw ───────────────────────────────────────────────────────────────────────────────────

/**
 * The applicant takes back a draft or a request under review; decided requests stay as they are. One already
 * withdrawn (the form sent twice, another tab) is left as it is and said to be done (AlreadyDoneError): no audit
 * row, no notice.
 */
export async function withdraw(ctx: AppContext, actor: Actor, requestId: number): Promise<void> {
  const { today } = await clock(ctx);
  await ctx.db.transaction(async (trx) => {
    const { request, stages } = await lockSeenRequest(trx, actor.user, requestId, today);
    if (request.applicant_id !== actor.user.id) throw new ForbiddenError();
    if (request.status === 'withdrawn') throw new AlreadyDoneError('sharing.errors.alreadyWithdrawn', { id: request.id });
    if (!['draft', 'submitted', 'in_review'].includes(request.status)) throw new ConflictError('sharing.errors.cannotWithdraw');
    // Those it was waiting for hear it does not any more (told before the stages are cancelled: who held them).
    await noticeNoLongerNeeded(trx, request, stages, today, { withdrawn: true });
    await trx('sharing_stages')
      .where({ request_id: request.id })
      .whereIn('status', ['pending', 'waiting'])
      .update({ status: 'cancelled', version: trx.raw('version + 1') });
    await trx('sharing_requests')
      .where({ id: request.id })
      .update({ status: 'withdrawn', closed_at: ctx.now(), updated_at: ctx.now(), version: trx.raw('version + 1') });
    await audit(trx, actor, 'sharing.withdraw', request.id, { from: request.status });
    await settleDecidedNotices(trx, request.id, ctx.now());
  });
}

// ── applying again ─────────────────────────────────────────────────────────────────────────────

/** Requests their applicant may start a new draft from: ended ones, and granted ones (to renew or change a grant). */
export const COPYABLE_STATUSES: readonly RequestStatus[] = ['rejected', 'withdrawn', 'granted'];

/**
 * Whether a new draft may be started from this request: it has ended (or was granted), and no arbitration is
 * pending — a rejection under arbitration may still be overturned, and the request would go on beside its copy.
 */
export function mayCopy(request: { status: string; arbitration?: string | null }): boolean {
  return COPYABLE_STATUSES.includes(request.status as RequestStatus) && request.arbitration !== 'requested';
}

/**
 * A new draft holding what request `sourceId` asked for. Seed 000 ends a request at any "no" (不共享数据): applying
 * again is a new request, and the applicant should not have to type seed 000's long form twice. Copied: the form,
 * the tables and fields (as the catalog now spells them; a name it no longer has stays as typed and is refused at
 * submission), the people, the returned items and the approval material. Not copied: the signed pledge and its
 * acceptance (signed for each request), opinions, stages, the grant.
 */
export async function copyAsDraft(ctx: AppContext, actor: Actor, sourceId: number): Promise<number> {
  // Read before the transaction: PGlite has one connection, a query on ctx.db inside it would wait for ever.
  const { catalog, today } = await clock(ctx);
  return ctx.db.transaction(async (trx) => {
    const { request: source } = await lockSeenRequest(trx, actor.user, sourceId, today);
    if (source.applicant_id !== actor.user.id) throw new ForbiddenError();
    if (!mayCopy(source)) throw new ConflictError('sharing.errors.cannotCopy');
    const loaded = (await loadRequest(trx, source.id))!;
    const input = inCatalogSpelling(catalog, { ...inputOf(loaded), pledgeAccepted: false });
    const id = await insertDraft(ctx, trx, actor, input, { material_upload_id: source.material_upload_id ?? null });
    await writeInput(trx, id, input);
    await audit(trx, actor, 'sharing.draft', id, { items: input.items.length, copiedFrom: source.id });
    return id;
  });
}

// ── arbitration (seed 002 art. 22) ─────────────────────────────────────────────────────────────

async function rejectedSourceStage(trx: Trx, request: { id: number; status: string }): Promise<StageRow | null> {
  if (request.status !== 'rejected') return null;
  const stages = await stagesOf(trx, request.id);
  return stages.find((s) => s.status === 'rejected' && s.kind === 'source') ?? null;
}

export async function requestArbitration(ctx: AppContext, actor: Actor, requestId: number, sentNote: unknown): Promise<void> {
  const { today } = await clock(ctx);
  await ctx.db.transaction(async (trx) => {
    const { request } = await lockSeenRequest(trx, actor.user, requestId, today);
    if (request.applicant_id !== actor.user.id) throw new ForbiddenError();
    const stage = await rejectedSourceStage(trx, request);
    if (!stage || request.arbitration === 'requested' || request.arbitration === 'upheld')
      throw new ConflictError('sharing.errors.cannotArbitrate');
    const errors: FieldError[] = [];
    const note = visibleText(sentText(sentNote, 'note', errors));
    if (!note && !errors.length) errors.push({ field: 'note', key: 'sharing.errors.arbitrationNote' });
    if (errors.length) throw new ValidationError(errors);
    await trx('sharing_requests')
      .where({ id: request.id })
      .update({
        arbitration: 'requested',
        arbitration_note: note,
        arbitration_requested_at: ctx.now(),
        // A new arbitration (after an earlier one overturned a refusal) waits for its own conclusion.
        arbitration_conclusion: null,
        arbitrated_by: null,
        arbitrated_by_name: null,
        arbitrated_at: null,
        version: trx.raw('version + 1'),
      });
    // The objection in the audit row too: a later arbitration of the same request (another department refusing after
    // this one was overturned) replaces arbitration_note, and the trail keeps what each one said.
    await audit(trx, actor, 'sharing.arbitration_request', request.id, { department: stage.department_code, note });
    await noticeArbitrationRequested(trx, request, stage);
    await noticeRefusingDepartment(trx, request, stage, 'requested', actor.user.id);
  });
}

/**
 * The IT office's conclusion, with its reason (required; kept on the request). Overturning sets the department's rejection aside (kept on the
 * timeline as `overturned`) and resumes the workflow where the rejection stopped it.
 */
export async function arbitrate(
  ctx: AppContext,
  actor: Actor,
  requestId: number,
  input: { decision: unknown; note: unknown },
): Promise<void> {
  if (!can(actor.user, 'sharing.decide_office')) throw new ForbiddenError();
  const { calendar, today } = await clock(ctx);
  await ctx.db.transaction(async (trx) => {
    const { request } = await lockSeenRequest(trx, actor.user, requestId, today);
    if (request.applicant_id === actor.user.id) throw new ForbiddenError('sharing.errors.ownRequest');
    const stage = await rejectedSourceStage(trx, request);
    if (!stage || request.arbitration !== 'requested') throw new ConflictError('sharing.errors.noArbitration');
    // The refusal in dispute is theirs (made in an overdue department's place): another person of the office concludes.
    if (decidedRefusal(actor.user, [stage])) throw new ForbiddenError('sharing.errors.ownRefusal');
    const before = await stagesOf(trx, request.id);
    // The input only once there is an arbitration to decide (404, 403, 409 first, as every action).
    // The conclusion says why (研究并做出结论): the applicant and the source department read it.
    const problems: FieldError[] = [];
    const note = visibleText(sentText(input.note, 'note', problems));
    if (input.decision !== 'overturn' && input.decision !== 'uphold')
      problems.push({ field: 'decision', key: 'sharing.errors.arbitrationDecision' });
    if (!note && !problems.some((p) => p.field === 'note'))
      problems.push({ field: 'note', key: 'sharing.errors.arbitrationConclusion' });
    if (problems.length) throw new ValidationError(problems);
    const conclusion = {
      arbitration_conclusion: note,
      arbitrated_by: actor.user.id,
      arbitrated_by_name: actor.user.name,
      arbitrated_at: ctx.now(),
    };
    let granted = false;
    if (input.decision === 'uphold') {
      await trx('sharing_requests')
        .where({ id: request.id })
        .update({ arbitration: 'upheld', ...conclusion, version: trx.raw('version + 1') });
    } else {
      await trx('sharing_stages')
        .where({ id: stage.id })
        .update({ status: 'overturned', version: trx.raw('version + 1') });
      const cancelled = (await stagesOf(trx, request.id)).filter((s) => s.status === 'cancelled');
      for (const s of cancelled) {
        const again = s.stage === stage.stage;
        await trx('sharing_stages')
          .where({ id: s.id })
          .update({
            status: again ? 'pending' : 'waiting',
            due_on: again && s.kind === 'source' ? calendar.addWorkingDays(today, SOURCE_REVIEW_WORKING_DAYS) : null,
            activated_at: again ? ctx.now() : null,
            overdue_flagged_at: null,
            reminded_at: null,
            version: trx.raw('version + 1'),
          });
      }
      await trx('sharing_requests')
        .where({ id: request.id })
        .update({
          status: 'in_review',
          arbitration: 'overturned',
          ...conclusion,
          rejection_reason: null,
          rejection_text: null,
          closed_at: null,
          version: trx.raw('version + 1'),
        });
      granted = (await advance(ctx, trx, actor, request.id, calendar, today)) === 'granted';
    }
    await audit(trx, actor, 'sharing.arbitration', request.id, {
      decision: input.decision,
      department: stage.department_code,
      note,
    });
    if (granted) await auditGrant(trx, actor, request.id);
    const decision = input.decision === 'overturn' ? 'overturn' : 'uphold';
    await noticeApplicant(trx, request, { kind: 'arbitration', decision }, actor.user.id);
    await noticeRefusingDepartment(trx, request, stage, decision, actor.user.id);
    if (granted) await noticeApplicant(trx, request, await grantedOutcome(trx, request.id), actor.user.id);
    else if (decision === 'overturn')
      await noticeReachedStages(trx, request, pendingStageIds(before), await stagesOf(trx, request.id), actor.user.id, today);
    await settleDecidedNotices(trx, request.id, ctx.now());
  });
}

// ── time: reminders and overdue reviews ────────────────────────────────────────────────────────

/**
 * Source reviews due tomorrow or today get one reminder; reviews past their due day are flagged to
 * the IT office (who may then decide in their place). Returns what changed, for the job's log.
 */
export interface StageNotice {
  stageId: number;
  requestId: number;
  department: string | null;
  /** The department's name (人事处), as the notices say it: never its code. */
  departmentName: string | null;
  dueOn: string | null;
  /** A reminder's readers: who may decide the stage now, as its stage notice went to them (never the applicant). */
  reviewers?: number[];
}

export async function flagOverdueReviews(ctx: AppContext): Promise<{ reminded: StageNotice[]; flagged: StageNotice[] }> {
  const { calendar, today } = await clock(ctx);
  const tomorrow = calendar.addWorkingDays(today, 1);
  const pending: StageRow[] = await ctx.db('sharing_stages').where({ kind: 'source', status: 'pending' }).whereNotNull('due_on');
  const reminded: StageNotice[] = [];
  const flagged: StageNotice[] = [];
  const names = new Map<string, string>(
    (await ctx.db('departments').select('code', 'name')).map((d: { code: string; name: string }) => [d.code, d.name]),
  );
  for (const s of pending) {
    const stage = { ...s, id: Number(s.id), request_id: Number(s.request_id) };
    const notice: StageNotice = {
      stageId: stage.id,
      requestId: stage.request_id,
      department: stage.department_code,
      departmentName: stage.department_code ? (names.get(stage.department_code) ?? stage.department_code) : null,
      dueOn: stage.due_on,
    };
    if (isOverdue(stage, today) && !s.overdue_flagged_at) {
      await ctx.db.transaction(async (trx) => {
        const n = await trx('sharing_stages')
          .where({ id: stage.id, status: 'pending' })
          .whereNull('overdue_flagged_at')
          .update({ overdue_flagged_at: ctx.now() });
        if (n === 1) {
          await audit(trx, null, 'sharing.overdue', stage.request_id, { department: stage.department_code, dueOn: stage.due_on });
          flagged.push(notice);
        }
      });
    } else if (!isOverdue(stage, today) && stage.due_on! <= tomorrow && !s.reminded_at) {
      await ctx.db('sharing_stages').where({ id: stage.id }).whereNull('reminded_at').update({ reminded_at: ctx.now() });
      const request = await ctx.db('sharing_requests').where({ id: stage.request_id }).first('applicant_id');
      const stages = await stagesOf(ctx.db, stage.request_id);
      reminded.push({ ...notice, reviewers: await reviewersOfStage(ctx.db, Number(request.applicant_id), stage, stages, today) });
    }
  }
  return { reminded, flagged };
}
