import type { Knex } from 'knex';
import type { AppContext } from '../../context';
import { ConflictError, FieldError, ForbiddenError, NotFoundError, ValidationError } from '../../errors';
import { can } from '../../policies';
import type { Translator } from '../../i18n';
import { appendAudit, auditActorOf } from '../audit';
import { isIsoDate } from '../catalog/values';
import { visibleText } from '../characters';
import { charCount, STRUCTURE_CHANGE_PENDING, SHARING_TEXT_MAX, STRUCTURE_CONTACT_MAX, STRUCTURE_SYSTEM_MAX } from './types';
import { catalogTable } from '../catalog/names';
import { forbiddenCharacterProblem } from '../../middleware/body-safety';
import { departmentRecipients, noticeText, noticeTextEn, type Notifier } from '../notifications';
import { maskFreeText } from '../privacy';
import { clock, type Actor } from './workflow';

/**
 * Data-structure change requests (数据结构变更申请, seed 003 art. 11 and Attachment 1): a department
 * announces, before changing its system's data structure, which hub tables change and when. While
 * any change of a table is submitted or approved-but-not-done, the table carries a "structure change
 * pending" marker, derived from the changes themselves (the catalog's own tables are not altered).
 */

/**
 * The most a change's texts hold (characters), as filing and reviewing measure them: its description, its contact and
 * the IT office's note. The change list's boxes take them as their maxlength (`{{limit "sharing.structure" "note"}}`,
 * views/limits.ts).
 */
export const STRUCTURE_TEXT_MAX = {
  description: SHARING_TEXT_MAX.long,
  contact: STRUCTURE_CONTACT_MAX,
  note: SHARING_TEXT_MAX.long,
} as const;

export interface StructureChangeInput {
  department: string;
  system: string;
  tables: string[];
  description: string;
  plannedOn: string;
  contact: string;
}

/** Checks what was typed (each mistake named by its input's label, in `t`'s language), then files it. */
export async function fileStructureChange(
  ctx: AppContext,
  actor: Actor,
  input: StructureChangeInput,
  t: Translator,
): Promise<number> {
  if (!can(actor.user, 'sharing.structure_file', { department: input.department })) throw new ForbiddenError();
  const { catalog, today } = await clock(ctx);
  const errors: FieldError[] = [];
  const label = (key: string) => t(`sharing.structure.${key}`);
  const tooLong = (field: string, value: string, labelKey: string, max: number) => {
    const length = charCount(value);
    if (length > max) errors.push({ field, key: 'sharing.errors.tooLong', params: { label: label(labelKey), max, length } });
  };
  const system = catalog?.systems.find((s) => s.name === input.system);
  // Named as the form names them: the choice by its label, a department by its name (never its code).
  const departmentName = (code: string) => catalog?.departments.find((d) => d.code === code)?.name ?? code;
  if (!input.system.trim()) errors.push({ field: 'system', key: 'sharing.errors.chooseSystem' });
  else if (!system) errors.push({ field: 'system', key: 'sharing.errors.unknownSystem', params: { system: input.system } });
  else if (system.department !== input.department)
    errors.push({
      field: 'system',
      key: 'sharing.errors.systemNotYours',
      params: { system: input.system, department: departmentName(input.department) },
    });
  if (input.tables.length === 0) errors.push({ field: 'tables', key: 'sharing.errors.noTables' });
  // Table names match the catalog ignoring case, as everywhere in sharing (`STAFF_BASIC` is `staff_basic`),
  // and are stored as the catalog spells them, each once: the pending marker looks them up by that name.
  const tables: string[] = [];
  for (const name of input.tables) {
    const table = catalogTable(catalog, name);
    if (!table) errors.push({ field: 'tables', key: 'sharing.errors.unknownTable', params: { table: name } });
    else if (system && table.system !== system.name && table.department !== input.department) {
      errors.push({
        field: 'tables',
        key: 'sharing.errors.tableNotInSystem',
        params: { table: table.name, system: system.name },
      });
    } else if (!tables.includes(table.name)) tables.push(table.name);
  }
  tooLong('system', input.system, 'system', STRUCTURE_SYSTEM_MAX);
  if (!input.description.trim())
    errors.push({ field: 'description', key: 'sharing.errors.required', params: { label: label('description') } });
  tooLong('description', input.description.trim(), 'description', STRUCTURE_TEXT_MAX.description);
  // A real calendar date (2027-02-30 is none), today or later.
  if (!input.plannedOn.trim())
    errors.push({ field: 'planned_on', key: 'sharing.errors.required', params: { label: label('plannedOn') } });
  else if (!isIsoDate(input.plannedOn))
    errors.push({ field: 'planned_on', key: 'sharing.errors.plannedOnInvalid', params: { value: input.plannedOn } });
  else if (input.plannedOn < today) errors.push({ field: 'planned_on', key: 'sharing.errors.plannedOn', params: { today } });
  tooLong('contact', input.contact.trim(), 'contact', STRUCTURE_TEXT_MAX.contact);
  if (errors.length) throw new ValidationError(errors);
  return ctx.db.transaction(async (trx) => {
    const now = ctx.now();
    const [row] = await trx('structure_changes')
      .insert({
        department_code: input.department,
        system: input.system,
        tables,
        description: input.description.trim(),
        planned_on: input.plannedOn,
        contact: input.contact.trim(),
        filed_by: actor.user.id,
        filed_at: now,
      })
      .returning('id');
    const id = Number(row.id ?? row);
    await appendAudit(trx, {
      actor: auditActorOf(actor.user),
      action: 'sharing.structure_change',
      objectType: 'structure_change',
      objectId: id,
      summary: { system: input.system, tables, plannedOn: input.plannedOn },
      ip: actor.ip,
      requestId: actor.requestId,
    });
    return id;
  });
}

async function lockChange(trx: Knex.Transaction, id: number) {
  if (!Number.isSafeInteger(id) || id <= 0) throw new NotFoundError();
  const change = await trx('structure_changes').where({ id }).forUpdate().first();
  if (!change) throw new NotFoundError();
  return change;
}

/** A reviewed change, as its department is told of it (notifyStructureReviewed). */
export interface ReviewedStructureChange {
  id: number;
  departmentCode: string;
  system: string;
  tables: string[];
  plannedOn: string;
  filedBy: number | null;
  status: 'approved' | 'rejected';
  note: string;
}

/**
 * The IT office approves (the change stays pending until it is done) or rejects it — a rejection says why (its
 * department has to change its plan) — with a note of at most 2000 characters. The note is judged once the change may
 * be reviewed (404 and 409 first, as every action); a NUL or a direction override in it is refused here, beside its box
 * (CHECKED_BY_ROUTE). Returns the change as reviewed, for its department's notice.
 */
export async function reviewStructureChange(
  ctx: AppContext,
  actor: Actor,
  id: number,
  input: { decision: string; note: string },
  t: Translator,
): Promise<ReviewedStructureChange> {
  if (!can(actor.user, 'sharing.manage')) throw new ForbiddenError();
  return ctx.db.transaction(async (trx) => {
    const change = await lockChange(trx, id);
    if (change.status !== 'submitted') throw new ConflictError('sharing.errors.notPending');
    const errors: FieldError[] = [];
    const note = visibleText(input.note);
    const characterProblem = forbiddenCharacterProblem('note', input.note);
    if (characterProblem) errors.push(characterProblem);
    else if (charCount(note) > STRUCTURE_TEXT_MAX.note)
      errors.push({
        field: 'note',
        key: 'sharing.errors.tooLong',
        params: { label: t('sharing.structure.note'), max: STRUCTURE_TEXT_MAX.note, length: charCount(note) },
      });
    else if (input.decision === 'reject' && !note) errors.push({ field: 'note', key: 'sharing.errors.structureRejectNote' });
    if (input.decision !== 'approve' && input.decision !== 'reject')
      errors.push({ field: 'decision', key: 'sharing.errors.decision' });
    if (errors.length) throw new ValidationError(errors);
    const status = input.decision === 'approve' ? 'approved' : 'rejected';
    await trx('structure_changes')
      .where({ id })
      .update({
        status,
        reviewed_by: actor.user.id,
        reviewed_at: ctx.now(),
        review_note: note || null,
        version: trx.raw('version + 1'),
      });
    await appendAudit(trx, {
      actor: auditActorOf(actor.user),
      action: 'sharing.structure_review',
      objectType: 'structure_change',
      objectId: id,
      summary: { decision: input.decision },
      ip: actor.ip,
      requestId: actor.requestId,
    });
    return {
      id: Number(change.id),
      departmentCode: change.department_code as string,
      system: change.system as string,
      tables: change.tables as string[],
      plannedOn: String(change.planned_on),
      filedBy: change.filed_by === null || change.filed_by === undefined ? null : Number(change.filed_by),
      status,
      note,
    };
  });
}

/**
 * The department that filed a change hears how the IT office decided it, at once: its stewards and leaders (who file
 * and complete changes) in their inboxes and by e-mail, as a department hears the office's decisions on its tickets,
 * and whoever filed it, when not one of them (the IT office filing for the department), in the inbox. The office's
 * note — a rejection's reason — is in it with phone and ID numbers masked, as the change list shows it to others
 * (mailboxes are shared). Sent after the review is committed; a delivery problem is logged, the review stands.
 */
export async function notifyStructureReviewed(
  db: Knex,
  notifier: Notifier,
  change: ReviewedStructureChange,
  actorId: number,
): Promise<void> {
  const approved = change.status === 'approved';
  const params = { id: change.id, system: change.system, date: change.plannedOn };
  const note = maskFreeText(change.note);
  const noteLine = (t: typeof noticeText) =>
    note ? t(approved ? 'sharing.notices.structureNote' : 'sharing.notices.reason', { note, reason: note }) : '';
  const lines = (t: typeof noticeText) =>
    [t('sharing.notices.structureTables', { tables: change.tables.join(', ') }), noteLine(t)].filter(Boolean).join('\n');
  const key = approved ? 'sharing.notices.structureApproved' : 'sharing.notices.structureRejected';
  const notice = {
    kind: approved ? 'sharing.structure_approved' : 'sharing.structure_rejected',
    title: noticeText(key, params),
    body: lines(noticeText),
    link: '/sharing/structure-changes',
    en: { title: noticeTextEn(key, params), body: lines(noticeTextEn) },
  };
  await notifier.department(change.departmentCode, notice, { email: true, leaders: true });
  if (change.filedBy === null || change.filedBy === actorId) return;
  const { userIds } = await departmentRecipients(db, change.departmentCode, { leaders: true });
  if (!userIds.includes(change.filedBy)) await notifier.users([change.filedBy], notice);
}

/** The department (or the IT office) reports the change done: it no longer marks its tables. */
export async function completeStructureChange(ctx: AppContext, actor: Actor, id: number): Promise<void> {
  await ctx.db.transaction(async (trx) => {
    const change = await lockChange(trx, id);
    if (!can(actor.user, 'sharing.structure_file', { department: change.department_code })) throw new ForbiddenError();
    if (change.status !== 'approved') throw new ConflictError('sharing.errors.notApproved');
    await trx('structure_changes')
      .where({ id })
      .update({ status: 'completed', version: trx.raw('version + 1') });
    await appendAudit(trx, {
      actor: auditActorOf(actor.user),
      action: 'sharing.structure_complete',
      objectType: 'structure_change',
      objectId: id,
      summary: {},
      ip: actor.ip,
      requestId: actor.requestId,
    });
  });
}

/**
 * Which of `tables` have a structure change pending → the newest such change's id (the marker on a
 * request's tables): every change still submitted or approved-but-not-done counts, so deciding one
 * change of a table never hides another that is still pending.
 */
export async function structureChangePending(db: Knex, tables: string[]): Promise<Record<string, number>> {
  if (tables.length === 0) return {};
  const rows: { table_name: string; change_id: number | string }[] = await db('structure_changes as c')
    .joinRaw('CROSS JOIN LATERAL unnest(c.tables) AS t(table_name)')
    .whereIn('c.status', [...STRUCTURE_CHANGE_PENDING])
    .whereIn('t.table_name', tables)
    .groupBy('t.table_name')
    .select('t.table_name', db.raw('max(c.id) as change_id'));
  return Object.fromEntries(rows.map((r) => [r.table_name, Number(r.change_id)]));
}

/** One page of change requests, newest first, and how many there are. */
export async function listStructureChanges(db: Knex, limit: number, offset: number) {
  const [{ n }] = await db('structure_changes').count({ n: '*' });
  const rows = await db('structure_changes').orderBy('id', 'desc').limit(limit).offset(offset);
  return { rows, total: Number(n) };
}
