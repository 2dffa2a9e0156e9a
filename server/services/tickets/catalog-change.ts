/**
 * What a catalog import does to the active tickets (repository.ts importCatalog):
 *
 * - A check ticket whose table or field the catalog now gives to another department moves to it, as the IT office's
 *   reassignment moves a ticket (transitions.ts reassignLocked: open, a fresh due date, the previous department's
 *   answer set aside, a `reassigned` history row, both departments told after the commit). Its fingerprint becomes the
 *   new owner's, which the check results carry from then on: the next run updates or resolves this ticket instead of
 *   filing another. A ticket the department already has (the office had reassigned it there) only changes fingerprint.
 *   The comparison is with the department in the ticket's fingerprint, so a ticket left behind by an import before
 *   this existed moves on the next import too; where the new owner already has an active ticket for the same check
 *   (the duplicate such an import let a run file), the old one is closed as its duplicate.
 * - A check ticket of a check the catalog no longer has (the table or field removed, or the field no longer has that
 *   check) is closed by the system with the reason `catalog_dropped`: nothing would ever resolve it. Closed with
 *   `resolved_at` set, so a check that comes back later files a new ticket rather than staying quiet.
 * - A report ticket (about one record) moves with its table's or field's owner when it is still with the department
 *   the catalog named before (one the IT office routed elsewhere stays there); a report on a removed table or field
 *   stays open for a person to answer.
 *
 * The plan is worked out the same way for the dry run (read only) and the import (inside its transaction, with the
 * fingerprints' locks the check runs take, then each ticket's row lock).
 */
import type { Knex } from 'knex';
import { builtinChecksOf, customRuleName } from '../../../rules/compile';
import { createCalendar } from '../calendar';
import { ownerOf } from '../catalog/names';
import type { Catalog } from '../catalog/types';
import type { Notifier } from '../notifications';
import { lockFingerprint } from './apply';
import { lockTicket, recordAndAudit, updateTicket } from './events';
import { fingerprintOf } from './fingerprint';
import { notifyReassigned } from './notify';
import { REPORT_CHECK } from './report-state';
import { loadDueWorkingDays } from './settings';
import { reassignLocked } from './transitions';
import { ACTIVE_STATUSES, endingExtension, type TicketRow } from './types';
import { systemCloseReason } from './closed-reason';

/** What an import does (or a dry run would do) to active tickets. */
export interface CatalogTicketChanges {
  /** Tickets handed to another department, by the department they go to (code order). */
  moved: { department: string; count: number }[];
  /** Tickets closed: their check is no longer in the catalog. */
  closed: number;
  /** Tickets closed as duplicates: the new owner already had an active ticket for the same check. */
  duplicates: number;
}

type Action =
  | { kind: 'move'; id: number; fingerprint: string; department: string; fingerprintOnly: boolean }
  | { kind: 'close'; id: number; reason: 'catalog_dropped' }
  | { kind: 'close'; id: number; reason: 'catalog_duplicate'; duplicateOf: number; fingerprint: string };

type Candidate = Pick<
  TicketRow,
  'id' | 'fingerprint' | 'check_kind' | 'table_name' | 'field_name' | 'fingerprint_department' | 'department_code' | 'record_key'
>;

const checkKey = (check: string, table: string, field: string | null) => JSON.stringify([check, table, field ?? '']);

/** Every check the catalog has, with the department its results carry (rules/engine.ts, rules/facts/plan.ts). */
function checksOf(catalog: Catalog): Map<string, string> {
  const checks = new Map<string, string>();
  for (const table of catalog.tables) {
    for (const { check, field } of builtinChecksOf(table)) {
      const owner =
        field === null ? table.department : (table.fields.find((f) => f.name === field)?.department ?? table.department);
      checks.set(checkKey(check, table.name, field), owner);
    }
  }
  for (const rule of catalog.rules) {
    const table = catalog.tables.find((t) => t.name === rule.table);
    if (table) checks.set(checkKey(customRuleName(rule.name), table.name, null), table.department);
  }
  return checks;
}

/** The owners the service database holds now (the previous import's), by table and `table\0field`. */
async function previousOwners(db: Knex | Knex.Transaction): Promise<Map<string, string>> {
  const owners = new Map<string, string>();
  for (const t of (await db('catalog_tables').select('name', 'department_code')) as { name: string; department_code: string }[])
    owners.set(t.name, t.department_code);
  for (const f of (await db('catalog_fields').select('table_name', 'name', 'department_code')) as {
    table_name: string;
    name: string;
    department_code: string;
  }[])
    owners.set(`${f.table_name}\u0000${f.name}`, f.department_code);
  return owners;
}

async function planChanges(
  db: Knex | Knex.Transaction,
  catalog: Catalog,
  before: Map<string, string>,
  opts: { forUpdate?: boolean; only?: { ids: number[]; fingerprints: string[] } } = {},
): Promise<Action[]> {
  const only = opts.only;
  let q = db('tickets')
    .whereIn('status', ACTIVE_STATUSES)
    // Locking: the tickets the first plan concerns and those under their new fingerprints (a duplicate's keeper),
    // not every active ticket of the university.
    .modify((x) => {
      if (only) x.where((w) => w.whereIn('id', only.ids).orWhereIn('fingerprint', only.fingerprints));
    })
    .select(
      'id',
      'fingerprint',
      'check_kind',
      'table_name',
      'field_name',
      'fingerprint_department',
      'department_code',
      'record_key',
    )
    .orderBy('id');
  if (opts.forUpdate) q = q.forUpdate();
  const active = (await q) as Candidate[];
  const checks = checksOf(catalog);
  const moving: { ticket: Candidate; department: string; fingerprint: string }[] = [];
  const actions: Action[] = [];
  for (const ticket of active) {
    let owner: string | null | undefined;
    if (ticket.check_kind === REPORT_CHECK) {
      const previous = before.get(
        ticket.field_name === null ? ticket.table_name : `${ticket.table_name}\u0000${ticket.field_name}`,
      );
      owner = ownerOf(catalog, ticket.table_name, ticket.field_name);
      // Removed (someone answers it), routed elsewhere by the office (who acts now is not the department the catalog
      // named: the office's reassignment keeps the fingerprint), or a record key this ticket never stored: stays.
      if (!owner || previous !== ticket.department_code || owner === previous || !ticket.record_key) continue;
    } else {
      owner = checks.get(checkKey(ticket.check_kind, ticket.table_name, ticket.field_name));
      if (owner === undefined) {
        actions.push({ kind: 'close', id: ticket.id, reason: 'catalog_dropped' });
        continue;
      }
      if (owner === ticket.fingerprint_department) continue;
    }
    const fingerprint = fingerprintOf({
      check: ticket.check_kind,
      table: ticket.table_name,
      field: ticket.field_name,
      department: owner,
      recordKey: ticket.check_kind === REPORT_CHECK ? ticket.record_key : null,
    });
    moving.push({ ticket, department: owner, fingerprint });
  }
  // The new owner's own active ticket for the same check keeps it; a moving one would be its duplicate.
  const movingIds = new Set(moving.map((m) => m.ticket.id));
  const taken = new Map(active.filter((t) => !movingIds.has(t.id)).map((t) => [t.fingerprint, t.id]));
  for (const m of moving) {
    const other = taken.get(m.fingerprint);
    if (other !== undefined) {
      actions.push({
        kind: 'close',
        id: m.ticket.id,
        reason: 'catalog_duplicate',
        duplicateOf: other,
        fingerprint: m.fingerprint,
      });
      continue;
    }
    taken.set(m.fingerprint, m.ticket.id);
    actions.push({
      kind: 'move',
      id: m.ticket.id,
      fingerprint: m.fingerprint,
      department: m.department,
      fingerprintOnly: m.ticket.department_code === m.department,
    });
  }
  return actions.sort((a, b) => a.id - b.id);
}

function summarize(actions: Action[]): CatalogTicketChanges {
  const moved = new Map<string, number>();
  for (const a of actions)
    if (a.kind === 'move' && !a.fingerprintOnly) moved.set(a.department, (moved.get(a.department) ?? 0) + 1);
  return {
    moved: [...moved].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([department, count]) => ({ department, count })),
    closed: actions.filter((a) => a.kind === 'close' && a.reason === 'catalog_dropped').length,
    duplicates: actions.filter((a) => a.kind === 'close' && a.reason === 'catalog_duplicate').length,
  };
}

/** The dry run: what importing `catalog` would do to the active tickets. Reads only. */
export async function previewCatalogTicketChanges(db: Knex, catalog: Catalog): Promise<CatalogTicketChanges> {
  return summarize(await planChanges(db, catalog, await previousOwners(db)));
}

/** Owners as the service database has them before an import writes the new catalog: read first, inside its transaction. */
export { previousOwners as catalogOwnersBefore };

export interface AppliedCatalogTicketChanges {
  changes: CatalogTicketChanges;
  /** To tell both departments after the commit (`tellCatalogReassigned`). */
  reassigned: (TicketRow & { reassigned_from: string })[];
}

/**
 * The import: inside its transaction (`trx` only), after the new catalog is stored. `before` is `catalogOwnersBefore`
 * read before the catalog rows changed.
 */
export async function applyCatalogTicketChanges(
  trx: Knex.Transaction,
  catalog: Catalog,
  before: Map<string, string>,
  opts: { versionId: number; now: Date },
): Promise<AppliedCatalogTicketChanges> {
  const first = await planChanges(trx, catalog, before);
  if (first.length === 0) return { changes: summarize(first), reassigned: [] };
  // The check runs' order: a fingerprint's advisory lock, then its tickets' rows (apply.ts). Both the old and the
  // new fingerprint of every ticket concerned, in one order, then the plan again on locked rows.
  const rows = (await trx('tickets')
    .whereIn(
      'id',
      first.map((a) => a.id),
    )
    .select('fingerprint')) as { fingerprint: string }[];
  const fingerprints = new Set([
    ...rows.map((r) => r.fingerprint),
    // A move's new fingerprint, and a duplicate's: its keeper must be locked and read again too.
    ...first.flatMap((a) => (a.kind === 'move' || a.reason === 'catalog_duplicate' ? [a.fingerprint] : [])),
  ]);
  for (const fingerprint of [...fingerprints].sort()) await lockFingerprint(trx, fingerprint);
  const actions = await planChanges(trx, catalog, before, {
    forUpdate: true,
    only: { ids: first.map((a) => a.id), fingerprints: [...fingerprints] },
  });
  const calendar = createCalendar(catalog.calendar);
  const reassigned: (TicketRow & { reassigned_from: string })[] = [];
  const details = { catalog_version: opts.versionId };
  const dueDays = await loadDueWorkingDays(trx);
  for (const action of actions) {
    const current = await lockTicket(trx, action.id);
    if (!current || !ACTIVE_STATUSES.includes(current.status)) continue;
    if (action.kind === 'move') {
      await lockFingerprint(trx, action.fingerprint);
      const fingerprint = { fingerprint: action.fingerprint, fingerprint_department: action.department };
      if (action.fingerprintOnly) {
        // Already with that department (the IT office had handed it there): only its identity follows the catalog.
        await updateTicket(trx, current, fingerprint, opts.now, {});
        continue;
      }
      reassigned.push(
        await reassignLocked(trx, current, {
          department: action.department,
          actor: null,
          comment: null,
          calendar,
          now: opts.now,
          fingerprint,
          details: { reason: 'catalog_owner_changed', ...details },
          dueDays,
        }),
      );
      continue;
    }
    const reason =
      action.reason === 'catalog_duplicate' ? systemCloseReason('duplicate', action.duplicateOf) : systemCloseReason('uncovered');
    const closed = await updateTicket(trx, current, { status: 'closed', closed_reason: reason, resolved_at: opts.now }, opts.now);
    await recordAndAudit(trx, closed, 'ticket.transition', {
      kind: 'transition',
      at: opts.now,
      actor: null,
      from: current.status,
      to: 'closed',
      // The page says why in the reader's language (the history's note); the ticket's closing reason holds both.
      details: {
        reason: action.reason,
        ...details,
        ...(action.kind === 'close' && action.reason === 'catalog_duplicate' ? { duplicate_of: action.duplicateOf } : {}),
        extension_ended: endingExtension(current),
      },
    });
  }
  return { changes: summarize(actions), reassigned };
}

/** After the import's commit: each moved ticket's new department (stewards) and previous one (stewards, leaders). */
export async function tellCatalogReassigned(
  db: Knex,
  notifier: Notifier,
  reassigned: (TicketRow & { reassigned_from: string })[],
  versionId: number,
): Promise<void> {
  if (reassigned.length === 0) return;
  const names = new Map(
    ((await db('departments').select('code', 'name')) as { code: string; name: string }[]).map((d) => [d.code, d.name]),
  );
  // In each reader's language, as the ticket's history says it (tickets.history.catalogReassigned).
  const reason = {
    zh: `数据目录导入（版本 ${versionId}）改变了负责部门`,
    en: `a catalog import (version ${versionId}) changed the responsible department`,
  };
  for (const ticket of reassigned) {
    const link = ticket.check_kind === REPORT_CHECK ? `/reports/tickets/${ticket.id}` : `/tickets/${ticket.id}`;
    await notifyReassigned(
      notifier,
      { ...ticket, department_name: names.get(ticket.department_code) },
      { department_code: ticket.reassigned_from, department_name: names.get(ticket.reassigned_from) },
      reason,
      link,
    );
  }
}
