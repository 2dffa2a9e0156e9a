/**
 * The English sentence (`message_en`) of tickets filed before it was kept (migration
 * 20261203220000_ticket_message_en): English pages, notices and e-mails showed them in Chinese. Written
 * the way a new ticket gets it, from what is stored, with the current catalog's titles:
 *
 * - a check ticket: `describeProblem(result, catalog, 'en')`, the result being the ticket's check kind,
 *   table, field and violations with the details (and a custom rule's message) of its latest failing
 *   result in `check_results` — the one of the run that last wrote the ticket's figures (`last_run_id`),
 *   else the latest failing one up to `last_seen` (a result a later ticket of the fingerprint got is not
 *   this one's, nor is the passing result that resolved it);
 * - a report ticket: `reportMessage(catalog, table, field, shownKey(…), 'en')` of its record key (the
 *   ticket's, else its first report's), sensitive key columns masked as the report flow masks them.
 *
 * A ticket whose table is no longer in the catalog (or with no catalog at all), a check ticket without a
 * stored failing result, and a report ticket without a record key cannot be described: left null, its page
 * keeps the Chinese sentence.
 *
 * Not a migration: the sentence needs service code (the catalog as the service reads it, the wording, the
 * masking), which a migration would run against the schema of its own point in history, and a migration's
 * transaction would hold every ticket it touched until all pending migrations commit. It is an idempotent
 * step that `hubwatch serve` and `hubwatch migrate` run after the migrations: it reads only tickets whose
 * `message_en` is null, in batches by id, and writes each batch in one statement that skips a ticket given
 * its sentence meanwhile (a check run or a report writes both sentences). Run again it finds only the
 * tickets it could not describe, and describes them once the catalog has their table again.
 */
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { loadCurrentCatalog } from '../catalog/repository';
import type { Catalog } from '../catalog/types';
import { reportMessage, shownKey } from '../reports/describe';
import { describeProblem } from './message';
import { REPORT_CHECK } from './report-state';
import type { CheckResult } from './types';

export interface EnglishBackfillSummary {
  /** Tickets given their English sentence by this call. */
  described: number;
  /** Tickets still without one: their table is gone from the catalog, or nothing stored describes them. */
  left: number;
}

/** Tickets read and written per statement. */
export const ENGLISH_BACKFILL_BATCH = 500;

interface Candidate {
  id: number | string;
  check_kind: string;
  table_name: string;
  field_name: string | null;
  fingerprint_department: string;
  severity: CheckResult['severity'];
  violations: number | string;
  checked_rows: number | string;
  record_key: Record<string, string> | null;
  result_found: boolean | null;
  result_message: string | null;
  result_details: Record<string, unknown> | null;
}

/** The English sentence of one stored ticket, or null when it cannot be described. */
export function englishMessageOf(row: Candidate, catalog: Catalog): string | null {
  if (!catalog.tables.some((t) => t.name === row.table_name)) return null;
  if (row.check_kind === REPORT_CHECK) {
    if (!row.field_name || !row.record_key) return null;
    const shown = shownKey(catalog, row.table_name, row.record_key);
    return reportMessage(catalog, row.table_name, row.field_name, shown, 'en');
  }
  if (!row.result_found) return null;
  const result: CheckResult = {
    check: row.check_kind as CheckResult['check'],
    department: row.fingerprint_department,
    table: row.table_name,
    field: row.field_name,
    passed: false,
    violations: Number(row.violations),
    checkedRows: Number(row.checked_rows),
    sampleKeys: [],
    severity: row.severity,
    ...(row.result_message != null ? { message: row.result_message } : {}),
    ...(row.result_details != null ? { details: row.result_details } : {}),
  };
  return describeProblem(result, catalog, 'en');
}

/** One batch of tickets without an English sentence after `afterId`, with what describes them. */
function candidates(db: Knex, afterId: number, limit: number): Promise<Candidate[]> {
  return db
    .raw(
      `SELECT t.id, t.check_kind, t.table_name, t.field_name, t.fingerprint_department, t.severity,
              t.violations, t.checked_rows,
              COALESCE(t.record_key, (SELECT r.record_key FROM reports r WHERE r.ticket_id = t.id ORDER BY r.id LIMIT 1)) AS record_key,
              res.found AS result_found, res.message AS result_message, res.details AS result_details
         FROM tickets t
         LEFT JOIN LATERAL (
           SELECT true AS found, cr.message, cr.details
             FROM check_results cr
            WHERE t.check_kind <> ?
              AND cr.table_name = t.table_name
              AND cr.check_kind = t.check_kind
              AND cr.field_name IS NOT DISTINCT FROM t.field_name
              AND cr.department_code = t.fingerprint_department
              AND NOT cr.passed
              AND (cr.run_id::text = t.last_run_id OR cr.checked_at <= t.last_seen)
            ORDER BY (cr.run_id::text = t.last_run_id) IS TRUE DESC, cr.checked_at DESC, cr.id DESC
            LIMIT 1
         ) res ON true
        WHERE t.message_en IS NULL AND t.id > ?
        ORDER BY t.id
        LIMIT ?`,
      [REPORT_CHECK, afterId, limit],
    )
    .then((r: { rows: Candidate[] }) => r.rows);
}

/**
 * Writes the English sentence of every ticket that lacks one and can be described (see above); returns
 * how many it wrote and how many are left without one. Each batch that wrote some is logged at info.
 */
export async function describeOlderTicketsInEnglish(
  db: Knex,
  opts: { logger?: Logger; batchSize?: number } = {},
): Promise<EnglishBackfillSummary> {
  const batchSize = opts.batchSize ?? ENGLISH_BACKFILL_BATCH;
  // Nearly always nothing to do: no catalog read then (an index probe: migration 20261206000000_tickets_message_en_missing).
  if (!(await db('tickets').whereNull('message_en').first('id'))) return { described: 0, left: 0 };
  const catalog = (await loadCurrentCatalog(db))?.catalog ?? null;
  let described = 0;
  let left = 0;
  let afterId = 0;
  for (;;) {
    const rows = await candidates(db, afterId, batchSize);
    if (!rows.length) break;
    afterId = Number(rows[rows.length - 1].id);
    const sentences = rows
      .map((row) => ({ id: Number(row.id), text: catalog ? englishMessageOf(row, catalog) : null }))
      .filter((s): s is { id: number; text: string } => s.text !== null);
    let written = 0;
    if (sentences.length) {
      const values = sentences.map(() => '(?::bigint, ?::text)').join(', ');
      const result = (await db.raw(
        `UPDATE tickets SET message_en = v.text FROM (VALUES ${values}) AS v(id, text)
          WHERE tickets.id = v.id AND tickets.message_en IS NULL
          RETURNING tickets.id`,
        sentences.flatMap((s) => [s.id, s.text]),
      )) as { rows: unknown[] };
      written = result.rows.length;
    }
    described += written;
    left += rows.length - sentences.length;
    if (written)
      opts.logger?.info({ throughTicket: afterId, described: written }, 'older tickets: a batch of English sentences written');
    if (rows.length < batchSize) break;
  }
  return { described, left };
}
