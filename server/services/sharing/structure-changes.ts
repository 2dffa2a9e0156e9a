import type { Knex } from 'knex';
import type { AppContext } from '../../context';
import { ConflictError, FieldError, ForbiddenError, NotFoundError, ValidationError } from '../../errors';
import { can } from '../../policies';
import type { Translator } from '../../i18n';
import { appendAudit, auditActorOf } from '../audit';
import { isIsoDate } from '../catalog/values';
import {
  charCount,
  STRUCTURE_CHANGE_PENDING,
  SHARING_TEXT_MAX,
  STRUCTURE_CONTACT_MAX,
  STRUCTURE_SYSTEM_MAX,
  type StructureChangeStatus,
} from './types';
import { catalogTable } from '../catalog/names';
import { clock, type Actor } from './workflow';

/**
 * Data-structure change requests (数据结构变更申请, seed 003 art. 11 and Attachment 1): a department
 * announces, before changing its system's data structure, which hub tables change and when. While
 * any change of a table is submitted or approved-but-not-done, the table carries a "structure change
 * pending" marker, derived from the changes themselves (the catalog's own tables are not altered).
 */
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
  tooLong('description', input.description.trim(), 'description', SHARING_TEXT_MAX.long);
  // A real calendar date (2027-02-30 is none), today or later.
  if (!input.plannedOn.trim())
    errors.push({ field: 'planned_on', key: 'sharing.errors.required', params: { label: label('plannedOn') } });
  else if (!isIsoDate(input.plannedOn))
    errors.push({ field: 'planned_on', key: 'sharing.errors.plannedOnInvalid', params: { value: input.plannedOn } });
  else if (input.plannedOn < today) errors.push({ field: 'planned_on', key: 'sharing.errors.plannedOn', params: { today } });
  tooLong('contact', input.contact.trim(), 'contact', STRUCTURE_CONTACT_MAX);
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

/** The IT office approves (the change stays pending until it is done) or rejects it, with a note of at most 2000 characters. */
export async function reviewStructureChange(
  ctx: AppContext,
  actor: Actor,
  id: number,
  input: { decision: string; note: string },
  t: Translator,
): Promise<void> {
  if (!can(actor.user, 'sharing.manage')) throw new ForbiddenError();
  if (input.decision !== 'approve' && input.decision !== 'reject')
    throw new ValidationError([{ field: 'decision', key: 'sharing.errors.decision' }]);
  const noteLength = charCount(input.note.trim());
  if (noteLength > SHARING_TEXT_MAX.long)
    throw new ValidationError([
      {
        field: 'note',
        key: 'sharing.errors.tooLong',
        params: { label: t('sharing.structure.note'), max: SHARING_TEXT_MAX.long, length: noteLength },
      },
    ]);
  await ctx.db.transaction(async (trx) => {
    const change = await lockChange(trx, id);
    if (change.status !== 'submitted') throw new ConflictError('sharing.errors.notPending');
    const status: StructureChangeStatus = input.decision === 'approve' ? 'approved' : 'rejected';
    await trx('structure_changes')
      .where({ id })
      .update({
        status,
        reviewed_by: actor.user.id,
        reviewed_at: ctx.now(),
        review_note: input.note.trim() || null,
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
  });
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
