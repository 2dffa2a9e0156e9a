/**
 * The catalog in the service database: import (validate everything, then one transaction), the
 * current catalog for everyone else to read (cached by version id), export, and ownership.
 */
import crypto from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Knex } from 'knex';
import type { Hub } from '../../hub';
import { appendAudit, type AuditActor } from '../audit';
import type { Notifier } from '../notifications';
import {
  applyCatalogTicketChanges,
  catalogOwnersBefore,
  type CatalogTicketChanges,
  previewCatalogTicketChanges,
  tellCatalogReassigned,
} from '../tickets/catalog-change';
import { applyDueDateMoves, calendarDayChanges, type DueDateChanges, previewDueDateMoves } from '../tickets/calendar-change';
import { exportCatalog } from './export';
import { type ImportProblem, lineFinder, verifyAgainstHub } from './hub-verify';
import { parseCatalog } from './parse';
import { formatProblem, type CatalogProblem } from './problems';
import { planStewards, withCurrentStewards } from './stewards';
import type { Catalog, CatalogField, CatalogTable } from './types';

export type { ImportProblem } from './hub-verify';

export interface ImportOptions {
  actor?: AuditActor | null;
  /** Request origin for the audit row (ip, requestId) and where the import came from. */
  origin?: { ip?: string; requestId?: string; source?: 'cli' | 'web' | 'bootstrap' | string };
  /** When given, every table and column the catalog names is looked up in the hub. */
  hub?: Hub;
  /** Tables and columns missing in the hub are errors instead of warnings. */
  strict?: boolean;
  /** Validate and report only; change nothing. */
  dryRun?: boolean;
  /** Tells the departments of tickets the import hands to another department, after the commit. */
  notifier?: Notifier;
  now?: Date;
}

export interface ImportSummary {
  departments: number;
  tables: number;
  fields: number;
  /** Tables (`name`) and fields (`table.field`) that this import deactivates. */
  deactivated: string[];
  /**
   * Active tickets the import hands to the table's or field's new department, and those it closes because their
   * check is no longer in the catalog (tickets/catalog-change.ts). Absent when the file has errors.
   */
  tickets?: CatalogTicketChanges;
  /**
   * Due dates of open tickets counted again because the import changes the holidays or make-up working days
   * (tickets/calendar-change.ts). Absent when the file has errors.
   */
  dueDates?: DueDateChanges;
  /**
   * The current version (its id) when the file's catalog is identical to it: the import still records a new version
   * (each import is one, README), and says so — re-importing the same file looked like a change.
   */
  sameAsVersion?: number;
}

export interface ImportResult {
  ok: boolean;
  /** Errors and warnings, by line. */
  problems: ImportProblem[];
  versionId?: number;
  summary: ImportSummary;
}

/** One line for a problem (CLI, logs): `line 42, tables[1].fields[3].deadline.within: …`. */
export function formatImportProblem(problem: ImportProblem, locale: 'zh-CN' | 'en' = 'en'): string {
  // formatProblem does not look at the code, so the hub codes format like the parser's.
  return formatProblem(problem as CatalogProblem, locale);
}

const IMPORT_LOCK_KEY = 0x4857434c; // 'HWCL': one catalog import at a time

function countSummary(
  catalog: Catalog | null,
  deactivated: string[] = [],
  tickets?: CatalogTicketChanges,
  dueDates?: DueDateChanges,
): ImportSummary {
  return {
    departments: catalog?.departments.length ?? 0,
    tables: catalog?.tables.length ?? 0,
    fields: catalog?.tables.reduce((n, t) => n + t.fields.length, 0) ?? 0,
    deactivated,
    ...(tickets ? { tickets } : {}),
    ...(dueDates ? { dueDates } : {}),
  };
}

/** The current version's id when `catalog` is identical to its catalog (as stored: JSON), else undefined. */
function identicalVersion(current: CachedCatalog | null, catalog: Catalog): number | undefined {
  if (!current) return undefined;
  return isDeepStrictEqual(JSON.parse(JSON.stringify(catalog)), current.catalog) ? current.versionId : undefined;
}

/** `summary` with `sameAsVersion` when it is set. */
function withSameAs(summary: ImportSummary, sameAsVersion: number | undefined): ImportSummary {
  return sameAsVersion === undefined ? summary : { ...summary, sameAsVersion };
}

function byLine(a: ImportProblem, b: ImportProblem): number {
  return (a.line ?? 0) - (b.line ?? 0);
}

/** What an import would deactivate: active tables and fields that the new catalog no longer names. */
async function findDeactivated(db: Knex | Knex.Transaction, catalog: Catalog): Promise<string[]> {
  const tables = new Map(catalog.tables.map((t) => [t.name, new Set(t.fields.map((f) => f.name))]));
  const activeTables: { name: string }[] = await db('catalog_tables').where({ active: true }).select('name').orderBy('name');
  const activeFields: { table_name: string; name: string }[] = await db('catalog_fields')
    .where({ active: true })
    .select('table_name', 'name')
    .orderBy(['table_name', 'name']);
  const gone = activeTables.filter((t) => !tables.has(t.name)).map((t) => t.name);
  const goneFields = activeFields
    .filter((f) => tables.has(f.table_name) && !tables.get(f.table_name)!.has(f.name))
    .map((f) => `${f.table_name}.${f.name}`);
  return [...gone, ...goneFields];
}

/**
 * Departments of the file whose code is a department's of the service database in another letter case (HR there, hr
 * in the file): errors. Codes are matched in any case wherever people type them (departmentCodeAsWritten), and the
 * department that left the catalog keeps its row, its accounts, tickets and scores, so with both `Hr` would be
 * neither, and the department's history would stay under the old spelling. The file keeps the stored spelling.
 */
async function departmentCaseClashes(db: Knex | Knex.Transaction, catalog: Catalog, yamlText: string): Promise<ImportProblem[]> {
  const stored = (await db('departments').select('code', 'name')) as { code: string; name: string }[];
  const byLowerCase = new Map(stored.map((d) => [d.code.toLowerCase(), d]));
  const problems: ImportProblem[] = [];
  let lineOf: ((segments: (string | number)[]) => number | null) | null = null;
  catalog.departments.forEach((department, index) => {
    const other = byLowerCase.get(department.code.toLowerCase());
    if (!other || other.code === department.code) return;
    lineOf ??= lineFinder(yamlText);
    problems.push({
      line: lineOf(['departments', index, 'code']),
      path: `departments[${index}].code`,
      code: 'department_case',
      message: {
        'zh-CN': `部门代码 "${department.code}" 与已有部门 "${other.code}"（${other.name}）仅大小写不同：各处输入的部门代码不区分大小写，该部门的账号、工单和评分都记在 "${other.code}" 名下；请沿用 "${other.code}"`,
        en: `department code "${department.code}" differs only in letter case from the existing department "${other.code}" (${other.name}): department codes are matched in any case, and its accounts, tickets and scores are recorded under "${other.code}"; keep "${other.code}"`,
      },
      severity: 'error',
    });
  });
  return problems;
}

/** Whether any catalog was ever imported: from then on departments are the catalog's (and the first start is over). */
export async function catalogImported(db: Knex): Promise<boolean> {
  return !!(await db('catalog_versions').first('id'));
}

export async function importCatalog(db: Knex, yamlText: string, opts: ImportOptions = {}): Promise<ImportResult> {
  const parsed = parseCatalog(yamlText);
  const problems: ImportProblem[] = [...parsed.problems];
  const catalog = parsed.catalog;
  if (catalog && opts.hub) problems.push(...(await verifyAgainstHub(opts.hub, catalog, yamlText, { strict: opts.strict })));
  if (catalog) problems.push(...(await departmentCaseClashes(db, catalog, yamlText)));
  if (catalog && !problems.some((p) => p.severity === 'error'))
    problems.push(...(await planStewards(db, catalog, yamlText)).problems);
  problems.sort(byLine);
  if (!catalog || problems.some((p) => p.severity === 'error')) {
    return { ok: false, problems, summary: countSummary(catalog) };
  }
  const now = opts.now ?? new Date();
  if (opts.dryRun) {
    const current = await loadCurrentCatalog(db);
    return {
      ok: true,
      problems,
      summary: withSameAs(
        countSummary(
          catalog,
          await findDeactivated(db, catalog),
          await previewCatalogTicketChanges(db, catalog),
          await previewDueDateMoves(db, current?.catalog.calendar ?? null, catalog.calendar, now),
        ),
        identicalVersion(current, catalog),
      ),
    };
  }

  const checksum = crypto.createHash('sha256').update(yamlText).digest('hex');
  const imported = await db.transaction(async (trx) => {
    await trx.raw(`select pg_advisory_xact_lock(${IMPORT_LOCK_KEY})`);
    // Again under the lock: an import that committed while this one waited for it may have added the department
    // this file spells in another case (the check above read the departments before that).
    const clashes = await departmentCaseClashes(trx, catalog, yamlText);
    if (clashes.length > 0)
      return {
        result: { ok: false, problems: [...problems, ...clashes].sort(byLine), summary: countSummary(catalog) },
        reassigned: [],
      };
    const deactivated = await findDeactivated(trx, catalog);
    // Who owned what before this import: a report ticket follows its owner only from the department named here.
    const ownersBefore = await catalogOwnersBefore(trx);
    // Before the new version is stored: the previous import is what the file is compared with.
    const stewards = await planStewards(trx, catalog, yamlText);
    // Under the lock, before the new version: the current catalog, whose calendar due dates were counted on until
    // now (the official one before the first import) and which this file may repeat.
    const current = await loadCurrentCatalog(trx);
    const previousCalendar = current?.catalog.calendar ?? null;
    const sameAsVersion = identicalVersion(current, catalog);
    const [version] = await trx('catalog_versions')
      .insert({
        imported_by: opts.actor?.id ?? null,
        origin: opts.origin?.source ?? null,
        source_yaml: yamlText,
        catalog: JSON.stringify(catalog),
        checksum,
      })
      .returning('id');
    const versionId = Number(version.id ?? version);
    await saveDepartments(trx, catalog, stewards.writes);
    await saveSystems(trx, catalog);
    await saveTables(trx, catalog, versionId);
    // Before the reassignments: a ticket handed to another department gets a due date counted afresh on the new calendar.
    const dueDates = await applyDueDateMoves(trx, previousCalendar, catalog.calendar, { now, versionId });
    const tickets = await applyCatalogTicketChanges(trx, catalog, ownersBefore, { versionId, now });
    const summary = withSameAs(countSummary(catalog, deactivated, tickets.changes, dueDates), sameAsVersion);
    const { tickets: _tickets, dueDates: _dueDates, sameAsVersion: _same, ...counts } = summary;
    const { moved, closed, duplicates } = tickets.changes;
    await appendAudit(trx, {
      actor: opts.actor ?? null,
      action: 'catalog.import',
      objectType: 'catalog_version',
      objectId: versionId,
      summary: {
        ...counts,
        // Only when the import changed tickets: `ACA: 2, FIN: 1` moved to these departments, and the number closed (no
        // longer checked, or duplicates of the new owner's).
        ...(moved.length > 0 ? { tickets_moved: moved.map((m) => `${m.department}: ${m.count}`).join(', ') } : {}),
        ...(closed + duplicates > 0 ? { tickets_closed: closed + duplicates } : {}),
        // Open tickets whose due dates the changed holidays moved (each has its own audit row, ticket.due_moved).
        ...(dueDates.count > 0 ? { due_dates_moved: dueDates.count } : {}),
        // Who entered or took out which holidays and make-up working days (dates; only the lists that changed).
        ...calendarAudit(previousCalendar, catalog),
        checksum,
        source: opts.origin?.source ?? null,
        warnings: problems.length,
        ...(stewards.writes.size > 0 ? { stewards: [...stewards.writes.keys()] } : {}),
      },
      ip: opts.origin?.ip,
      requestId: opts.origin?.requestId,
    });
    return { result: { ok: true, problems, versionId, summary }, reassigned: tickets.reassigned };
  });
  // After the commit, as the office's reassignment: the new departments have tickets to fix, the previous ones none.
  if (opts.notifier && imported.result.ok)
    await tellCatalogReassigned(db, opts.notifier, imported.reassigned, imported.result.versionId!);
  return imported.result;
}

/** The calendar dates an import adds to and removes from `holidays` and `workdays`, for its audit row. */
function calendarAudit(previous: Catalog['calendar'] | null, catalog: Catalog) {
  const { holidays, workdays } = calendarDayChanges(previous, catalog.calendar);
  return {
    ...(holidays.added.length ? { holidays_added: holidays.added } : {}),
    ...(holidays.removed.length ? { holidays_removed: holidays.removed } : {}),
    ...(workdays.added.length ? { workdays_added: workdays.added } : {}),
    ...(workdays.removed.length ? { workdays_removed: workdays.removed } : {}),
  };
}

/** Names and catalog membership; stewards only for new departments and where `planStewards` says the file changes them. */
async function saveDepartments(trx: Knex.Transaction, catalog: Catalog, stewards: Map<string, string[]>): Promise<void> {
  for (const d of catalog.departments) {
    await trx('departments')
      .insert({ code: d.code, name: d.name, stewards: JSON.stringify(d.stewards ?? []), in_catalog: true })
      .onConflict('code')
      .merge(['name', 'in_catalog']);
  }
  for (const [code, list] of stewards) {
    await trx('departments')
      .where({ code })
      .update({ stewards: JSON.stringify(list) });
  }
  // Accounts reference departments: ones that left the catalog keep their rows.
  const codes = catalog.departments.map((d) => d.code);
  await trx('departments').whereNotIn('code', codes).update({ in_catalog: false });
}

async function saveSystems(trx: Knex.Transaction, catalog: Catalog): Promise<void> {
  for (const s of catalog.systems) {
    await trx('catalog_systems').insert({ name: s.name, department_code: s.department, active: true }).onConflict('name').merge();
  }
  await trx('catalog_systems')
    .whereNotIn(
      'name',
      catalog.systems.map((s) => s.name),
    )
    .update({ active: false });
}

function tableRow(table: CatalogTable) {
  const { fields: _fields, ...definition } = table;
  return {
    name: table.name,
    title: table.title,
    domain: table.domain,
    department_code: table.department,
    system: table.system,
    sharing: table.sharing,
    key: table.key,
    active: true,
    definition,
  };
}

function fieldRow(table: CatalogTable, field: CatalogField) {
  return {
    table_name: table.name,
    name: field.name,
    title: field.title,
    department_code: field.department ?? table.department,
    sensitive: field.sensitive,
    severity: field.severity,
    definition: field,
    active: true,
  };
}

/** Same content, compared as JSON: jsonb may reorder keys, so compare parsed values key-sorted. */
function sameJson(a: unknown, b: unknown): boolean {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v as object)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v;
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function sameRow(existing: Record<string, unknown>, next: Record<string, unknown>): boolean {
  return Object.keys(next).every((k) => sameJson(existing[k], next[k]));
}

/** Upserts tables and fields; rows whose content did not change are not touched (idempotent re-import). */
async function saveTables(trx: Knex.Transaction, catalog: Catalog, versionId: number): Promise<void> {
  const existingTables = new Map<string, Record<string, unknown>>(
    (await trx('catalog_tables').select('*')).map((r: Record<string, unknown>) => [String(r.name), r]),
  );
  const existingFields = new Map<string, Record<string, unknown>>(
    (await trx('catalog_fields').select('*')).map((r: Record<string, unknown>) => [`${r.table_name}\u0000${r.name}`, r]),
  );
  for (const table of catalog.tables) {
    const row = tableRow(table);
    const existing = existingTables.get(table.name);
    if (!existing) {
      await trx('catalog_tables').insert({ ...row, definition: JSON.stringify(row.definition), version_id: versionId });
    } else if (!sameRow(existing, row)) {
      await trx('catalog_tables')
        .where({ name: table.name })
        .update({ ...row, definition: JSON.stringify(row.definition), version_id: versionId });
    }
    for (const field of table.fields) {
      const frow = fieldRow(table, field);
      const previous = existingFields.get(`${table.name}\u0000${field.name}`);
      if (!previous) {
        await trx('catalog_fields').insert({ ...frow, definition: JSON.stringify(frow.definition) });
      } else if (!sameRow(previous, frow)) {
        await trx('catalog_fields')
          .where({ table_name: table.name, name: field.name })
          .update({ ...frow, definition: JSON.stringify(frow.definition) });
      }
    }
    const fieldNames = table.fields.map((f) => f.name);
    await trx('catalog_fields')
      .where({ table_name: table.name, active: true })
      .whereNotIn('name', fieldNames)
      .update({ active: false });
  }
  // Removed tables stop being checked; their rows (and their fields) stay for history.
  const names = catalog.tables.map((t) => t.name);
  const removed = trx('catalog_tables').where({ active: true }).whereNotIn('name', names);
  const removedNames: string[] = (await removed.clone().select('name')).map((r: { name: string }) => r.name);
  if (removedNames.length > 0) {
    await trx('catalog_tables').whereIn('name', removedNames).update({ active: false, version_id: versionId });
    await trx('catalog_fields').whereIn('table_name', removedNames).update({ active: false });
  }
}

interface CachedCatalog {
  versionId: number;
  catalog: Catalog;
}

// Per database (tests open several): the catalog is read on every page and check run, but changes rarely.
const cache = new WeakMap<object, CachedCatalog>();

/** The latest imported catalog, or null before the first import. One small query when unchanged. */
export async function loadCurrentCatalog(db: Knex | Knex.Transaction): Promise<CachedCatalog | null> {
  const latest = await db('catalog_versions').orderBy('id', 'desc').first('id');
  if (!latest) return null;
  const versionId = Number(latest.id);
  const key = (db as { client?: object }).client ?? db;
  const cached = cache.get(key);
  if (cached && cached.versionId === versionId) return cached;
  const row = await db('catalog_versions').where({ id: versionId }).first('catalog');
  const catalog = (typeof row.catalog === 'string' ? JSON.parse(row.catalog) : row.catalog) as Catalog;
  const loaded = { versionId, catalog };
  cache.set(key, loaded);
  return loaded;
}

/**
 * The university's time zone: the catalog calendar's (where its "today", months and working days are
 * read), or `fallback` (the service's TZ) before the first catalog import. Schedules, snapshots and
 * "today" on pages follow it, so they agree with the due dates the ticket service computes.
 */
export async function universityTimezone(db: Knex | Knex.Transaction, fallback: string): Promise<string> {
  return (await loadCurrentCatalog(db))?.catalog.calendar.timezone ?? fallback;
}

/** The current catalog as catalog YAML (imports back to the same catalog, changing nothing), or null before the first import. */
export async function currentCatalogYaml(db: Knex): Promise<string | null> {
  const current = await loadCurrentCatalog(db);
  // Stewards as they are now (the department page edits them), not as the last file listed them.
  return current ? exportCatalog(await withCurrentStewards(db, current.catalog)) : null;
}

export { ownerOf } from './names';
