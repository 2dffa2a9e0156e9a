import type { Knex } from 'knex';
import { dialectFor } from '../../../rules/engine';
import { quoteIdent, quoteTable } from '../../../rules/identifiers';
import type { Hub } from '../../hub';
import { builtinCodeLabel, codeLabelOf } from '../catalog/code-lists';
import type { CatalogField, CatalogTable } from '../catalog/types';
import { can, type CurrentUser } from '../../policies';
import { maskPersonal } from '../privacy';
import { answerWithin } from '../answer-within';

/**
 * "What does the hub hold?" for one record and field, read once: found (with the raw value — for the
 * code that decides what to show, never shown as it is), not found, or why it could not be read. Read only,
 * names quoted, values bound, one statement under a timeout. The hub without the catalog's table (`table_missing`,
 * as the import warns 中台中没有表) or without a column the query names — the field or a key column
 * (`column_missing`) — is said as such: it is not a passing outage, and asking again will not help. Any other hub
 * problem (down, slow) is `unavailable`. The report can be sent in each case.
 */
export type HubRecord =
  | { status: 'found'; raw: unknown }
  | { status: 'not_found' }
  | { status: 'table_missing' }
  | { status: 'column_missing' }
  | { status: 'unavailable' };

/** Why the hub could not be read for a record (the look-up says each in its own words). */
export type HubUnread = { status: 'table_missing' } | { status: 'column_missing' } | { status: 'unavailable' };

/**
 * What the report form's look-up tells a user. `shown`: the hub's value itself (personal data
 * masked) — for a table shared with everyone, and for the IT office and the departments owning the
 * table or field. Otherwise only whether the record exists, whether the field is empty, and — when
 * the user typed the value they saw — whether the hub holds exactly that (`matches`).
 */
export type HubLookup =
  /** `label`: a code's label when the field is coded by a national list (`13` → 群众; codeLabelOf). */
  | { status: 'found'; shown: true; value: string | null; label: string | null; empty: boolean; matches: boolean | null }
  | { status: 'found'; shown: false; value: null; empty: boolean; matches: boolean | null }
  | { status: 'not_found' }
  | HubUnread;

export const LOOKUP_TIMEOUT_MS = 5000;

function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

async function limitTime(trx: Knex.Transaction, hub: Hub, timeoutMs: number): Promise<void> {
  if (hub.dialect === 'postgres') {
    await trx.raw(`SELECT set_config('statement_timeout', ?, true)`, [String(timeoutMs)]);
    return;
  }
  const result = (await trx.raw('SELECT VERSION() AS v')) as [Record<string, unknown>[]];
  if (/mariadb/i.test(String(result[0]?.[0]?.v))) await trx.raw('SET SESSION max_statement_time = ?', [timeoutMs / 1000]);
  else await trx.raw('SET SESSION max_execution_time = ?', [timeoutMs]);
}

export async function readHubRecord(
  hub: Hub,
  table: CatalogTable,
  field: CatalogField,
  recordKey: Record<string, string>,
  timeoutMs = LOOKUP_TIMEOUT_MS,
): Promise<HubRecord> {
  // The statement timeout bounds the query once it runs; waiting for a hub connection (the pool is shared with check
  // runs, which hold connections for minutes) is bounded here too: a page never hangs on the hub, it says
  // "unavailable". A query answered late is dropped (its connection goes back to the pool when it ends).
  return answerWithin(readOnce(hub, table, field, recordKey, timeoutMs), timeoutMs, { status: 'unavailable' });
}

async function readOnce(
  hub: Hub,
  table: CatalogTable,
  field: CatalogField,
  recordKey: Record<string, string>,
  timeoutMs: number,
): Promise<HubRecord> {
  try {
    const where = table.key.map((column) => `${quoteIdent(hub.dialect, column)} = ?`).join(' AND ');
    const sql = `SELECT ${quoteIdent(hub.dialect, field.name)} AS hw_value FROM ${quoteTable(hub.dialect, table.name)} WHERE ${where} LIMIT 1`;
    // READ ONLY on every dialect: MySQL/MariaDB connections have no read-only default (PostgreSQL's do).
    const rows = await hub.knex.transaction(
      async (trx) => {
        await limitTime(trx, hub, timeoutMs);
        const result = await trx.raw(
          sql,
          table.key.map((column) => recordKey[column]),
        );
        return hub.dialect === 'postgres'
          ? (result as { rows: Record<string, unknown>[] }).rows
          : (result as [Record<string, unknown>[]])[0];
      },
      { readOnly: true },
    );
    if (!rows.length) return { status: 'not_found' };
    return { status: 'found', raw: rows[0].hw_value };
  } catch (err) {
    // A key that cannot be cast to the column's type (letters for an integer key) matches no row.
    const code = String((err as { code?: string })?.code ?? '');
    if (code === '22P02' || code === '22003' || code === '22007' || code === '22008') return { status: 'not_found' };
    // As a check run tells them apart (rules/facts/sql-*.ts): 42P01 / 1146 no such table, 42703 / 1054 no such column.
    const kind = dialectFor(hub.dialect).classifyError(err);
    if (kind === 'table_missing' || kind === 'column_missing') return { status: kind };
    return { status: 'unavailable' };
  }
}

/**
 * The value kept with a report (`reports.hub_value`, read by the people entitled to it): masked when the
 * field is sensitive, by the rule the look-up and the report pages mask that field's values with
 * (`maskPersonal`: a phone as `120****7932` wherever it is shown), never to be masked again.
 */
export function storedHubValue(record: HubRecord, field: CatalogField): string | null {
  if (record.status !== 'found') return null;
  const value = asText(record.raw);
  return value === null || !storedMasked(field) ? value : maskPersonal(value, field);
}

/**
 * Whether `storedHubValue` keeps the field's value masked (`reports.hub_value_masked`): the readers who see it masked
 * are shown such a value as stored, any other masked as they read it (services/reports/privacy.ts) — a field the
 * catalog marks sensitive after the report was filed kept its value in full.
 */
export const storedMasked = (field: Pick<CatalogField, 'sensitive'>): boolean => field.sensitive;

/**
 * Whether the hub's value equals what the user typed: as text after trimming (ID numbers ignoring
 * the case of a final x), as numbers when both are numbers (85.50 = 85.5), as instants for timestamps,
 * and for a field coded by a national list as the same entry, code or label (the hub's 13 is the 群众 a
 * page showed: the look-up said they differed).
 */
export function sameValue(raw: unknown, typed: string, field: Pick<CatalogField, 'validate' | 'codes'>): boolean {
  if (raw === null || raw === undefined) return false;
  const want = typed.trim();
  if (raw instanceof Date)
    return want === raw.toISOString() || (!Number.isNaN(Date.parse(want)) && Date.parse(want) === raw.getTime());
  const have = (asText(raw) ?? '').trim();
  if (have === want) return true;
  if (field.codes?.kind === 'builtin') {
    const label = builtinCodeLabel(field.codes.name, have);
    if (label !== undefined && label === builtinCodeLabel(field.codes.name, want)) return true;
  }
  if (field.validate === 'cn_id_card') return have.toUpperCase() === want.toUpperCase();
  const [a, b] = [Number(have), Number(want)];
  return have !== '' && want !== '' && Number.isFinite(a) && Number.isFinite(b) && a === b;
}

/** Whether the hub matched what the reporter saw: null when nothing was typed or the record was not read. */
export function hubMatches(record: HubRecord, field: CatalogField, observed: string | null): boolean | null {
  if (!observed || (record.status !== 'found' && record.status !== 'not_found')) return null;
  return record.status === 'found' && sameValue(record.raw, observed, field);
}

/**
 * May this user read the hub's value of the field (not only compare with it)? Yes for a table
 * shared with everyone (普遍共享); for a conditional or unshared one, only the IT office and the
 * departments owning the table or the field ('reports.hubValue') — anyone else would be reading data
 * that needs a sharing approval.
 */
export function mayReadHubValue(user: CurrentUser, table: CatalogTable, field: CatalogField): boolean {
  if (table.sharing === 'universal') return true;
  return (
    can(user, 'reports.hubValue', { department: table.department }) ||
    can(user, 'reports.hubValue', { department: field.department ?? table.department })
  );
}

/** The look-up as this user may see it (see HubLookup); personal data (names, ID numbers, phones) is masked even where the value is shown. */
export function presentLookup(
  record: HubRecord,
  opts: { user: CurrentUser; table: CatalogTable; field: CatalogField; observed: string | null },
): HubLookup {
  if (record.status !== 'found') return record;
  const text = asText(record.raw);
  const empty = text === null || text.trim() === '';
  const matches = hubMatches(record, opts.field, opts.observed);
  if (!mayReadHubValue(opts.user, opts.table, opts.field)) return { status: 'found', shown: false, value: null, empty, matches };
  const value = text === null ? null : maskPersonal(text, opts.field);
  return { status: 'found', shown: true, value, label: codeLabelOf(value, opts.field.codes), empty, matches };
}

/**
 * The hub's value now, for a reporter asked to confirm a fix (已整改，请核对): the look-up as this user may see it,
 * compared with the value they suggested (`matches`), so they check the fix rather than take it on trust — and with
 * the value they saw and reported wrong (`stillSeen`: whether the hub still holds it; null when they typed none), as
 * the look-up compared it: a reporter who did not know the right value learns whether the wrong one is still there.
 * Null when the current catalog no longer has the table or field. One record, read only, under the look-up's timeout.
 */
export type HubNow = HubLookup & { stillSeen?: boolean | null };

export async function currentHubValue(
  hub: Hub,
  catalog: { tables: CatalogTable[] } | null | undefined,
  user: CurrentUser,
  report: {
    table_name: string;
    field_name: string;
    record_key: Record<string, string>;
    suggested_value: string | null;
    observed_value?: string | null;
  },
): Promise<HubNow | null> {
  const table = catalog?.tables.find((t) => t.name === report.table_name);
  const field = table?.fields.find((f) => f.name === report.field_name);
  if (!table || !field || table.key.some((column) => typeof report.record_key?.[column] !== 'string')) return null;
  const record = await readHubRecord(hub, table, field, report.record_key);
  const lookup = presentLookup(record, { user, table, field, observed: report.suggested_value });
  if (lookup.status !== 'found') return lookup;
  return { ...lookup, stillSeen: hubMatches(record, field, report.observed_value ?? null) };
}
