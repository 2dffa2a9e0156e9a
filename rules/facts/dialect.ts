import type { Knex } from 'knex';
import type { TimeKind } from '../hub-schema';
import type { HubDialectName, TableErrorCode } from '../types';

/** A SQL fragment with `?` placeholders and its bound values, in order. */
export interface Sql {
  sql: string;
  bindings: unknown[];
}

export const sql = (text: string, bindings: unknown[] = []): Sql => ({ sql: text, bindings });

/** Joins fragments, concatenating bindings in the same order as the text. */
export function joinSql(parts: Sql[], separator: string): Sql {
  return { sql: parts.map((p) => p.sql).join(separator), bindings: parts.flatMap((p) => p.bindings) };
}

/**
 * The differences between PostgreSQL and MySQL/MariaDB that the check SQL needs. Everything else
 * (CASE, MOD, IN, LEFT JOIN, scalar subqueries) is written once in standard SQL.
 */
export interface SqlDialect {
  name: HubDialectName;
  /**
   * Whether the aggregate reads a derived table that computes each trimmed value once per row.
   * PostgreSQL streams it (OFFSET 0 only stops inlining); MySQL would materialize it, so not there.
   */
  projectOnce: boolean;
  ident(name: string): string;
  table(name: string): string;
  /** The value as text, untrimmed (sample keys). */
  asText(expr: string): string;
  /** The value as text with surrounding blanks trimmed; NULL stays NULL. */
  trimmedText(expr: string): string;
  /**
   * Where the dialect has a cheaper form: a boolean, true when text `expr` is NULL or only blanks
   * (`trimmedText(expr)` is NULL or '') — the same verdict without trimming every value.
   */
  blankText?(expr: string): string;
  /** `expr` compared byte for byte (MySQL string comparison otherwise ignores case by collation). */
  exact(expr: string): string;
  /** Aggregate: the number of rows for which `cond` holds (0 on an empty table). */
  countIf(cond: string): string;
  /** `expr` matches the regular expression bound in the returned fragment. */
  regexMatch(expr: string, pattern: string): Sql;
  substr(expr: string, pos: number | string, len: number): string;
  toInt(expr: string): string;
  toBigint(expr: string): string;
  /** An expression comparable with `instantValue()` bindings: the column read as an instant. */
  instant(column: string, kind: TimeKind, timezone: string): Sql;
  instantValue(at: Date, timezone: string): unknown;
  /** Select-list expression for the newest value of a time column; read back with `readInstant`. */
  newest(column: string, kind: TimeKind, timezone: string): Sql;
  /**
   * Whether `newest` converts a naive column's max() to an instant (one conversion per table, not one
   * per row). Exact wherever the local→UTC mapping is monotone; the engine re-checks near offset
   * changes, where a wall-clock time inside a spring-forward gap can map past later ones.
   */
  newestConvertsMax: boolean;
  readInstant(value: unknown, timezone: string): Date | null;
  rows(result: unknown): Record<string, unknown>[];
  /** Session/transaction settings at the start of each table's read-only transaction. */
  prepare(trx: Knex.Transaction, opts: { timeoutMs: number; timezone: string; now: Date }): Promise<void>;
  classifyError(err: unknown): TableErrorCode;
}

/** Errors that mean the hub could not be reached at all (same meaning on both drivers). */
export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: string; message?: string; name?: string };
  const code = String(e?.code ?? '');
  if (
    ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'EPIPE', 'PROTOCOL_CONNECTION_LOST'].includes(code)
  )
    return true;
  if (e?.name === 'KnexTimeoutError') return true;
  return /Timeout acquiring a connection|Connection terminated|connect ECONNREFUSED/i.test(String(e?.message ?? ''));
}
