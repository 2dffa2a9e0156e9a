import type { Knex } from 'knex';
import { quoteIdent, quoteTable } from '../../../rules/identifiers';
import type { Hub } from '../../hub';
import type { CatalogField, CatalogTable } from '../catalog/types';
import { maskFieldValue } from '../privacy';

/**
 * "What does the hub hold?" for one record and field: the value (masked when the field is
 * sensitive), or not found. Read only, names quoted, values bound, one statement under a timeout;
 * any hub problem (down, slow, column renamed) is `unavailable` — the report can still be sent.
 */
export type HubLookup = { status: 'found'; value: string | null } | { status: 'not_found' } | { status: 'unavailable' };

export const LOOKUP_TIMEOUT_MS = 5000;

function shown(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

async function limitTime(trx: Knex.Transaction, hub: Hub, timeoutMs: number): Promise<void> {
  if (hub.dialect === 'postgres') {
    await trx.raw('SET TRANSACTION READ ONLY');
    await trx.raw(`SELECT set_config('statement_timeout', ?, true)`, [String(timeoutMs)]);
    return;
  }
  const result = (await trx.raw('SELECT VERSION() AS v')) as [Record<string, unknown>[]];
  if (/mariadb/i.test(String(result[0]?.[0]?.v))) await trx.raw('SET SESSION max_statement_time = ?', [timeoutMs / 1000]);
  else await trx.raw('SET SESSION max_execution_time = ?', [timeoutMs]);
}

export async function lookupRecord(
  hub: Hub,
  table: CatalogTable,
  field: CatalogField,
  recordKey: Record<string, string>,
  timeoutMs = LOOKUP_TIMEOUT_MS,
): Promise<HubLookup> {
  try {
    const where = table.key.map((column) => `${quoteIdent(hub.dialect, column)} = ?`).join(' AND ');
    const sql = `SELECT ${quoteIdent(hub.dialect, field.name)} AS hw_value FROM ${quoteTable(hub.dialect, table.name)} WHERE ${where} LIMIT 1`;
    const rows = await hub.knex.transaction(async (trx) => {
      await limitTime(trx, hub, timeoutMs);
      const result = await trx.raw(
        sql,
        table.key.map((column) => recordKey[column]),
      );
      return hub.dialect === 'postgres'
        ? (result as { rows: Record<string, unknown>[] }).rows
        : (result as [Record<string, unknown>[]])[0];
    });
    if (!rows.length) return { status: 'not_found' };
    const value = shown(rows[0].hw_value);
    return { status: 'found', value: value === null ? null : String(maskFieldValue(value, field)) };
  } catch (err) {
    // A key that cannot be cast to the column's type (letters for an integer key) matches no row.
    const code = String((err as { code?: string })?.code ?? '');
    if (code === '22P02' || code === '22003' || code === '22007' || code === '22008') return { status: 'not_found' };
    return { status: 'unavailable' };
  }
}
