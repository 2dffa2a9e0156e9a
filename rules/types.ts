import type { Severity } from '../server/services/catalog/types';

/** The checks the catalog's tables and fields get; `violations` and `checked_rows` take one as `params.check`. */
export const BUILTIN_CHECKS = [
  'freshness',
  'deadline',
  'required',
  'pattern',
  'validate',
  'codes',
  'unique',
  'references',
] as const;
export type BuiltinCheck = (typeof BUILTIN_CHECKS)[number];
/** The check kinds a result can have; custom rules are `rule:<name>`. */
export type CheckKind = BuiltinCheck | `rule:${string}`;

/**
 * Whether a result is one verdict on the whole table (freshness, a custom rule): the engine stores it as 1 violation
 * of 1 "row" (engine.ts), which is not a count of records — pages say 整表判定 instead, and record counts leave it out.
 */
export function isTableVerdict(kind: string, field: string | null): boolean {
  return field === null && (kind === 'freshness' || kind.startsWith('rule:'));
}

export type HubDialectName = 'postgres' | 'mysql';

/**
 * What the check engine needs from the academic calendar (`server/services/calendar`). Dates are
 * 'YYYY-MM-DD' in the catalog timezone. The calendar service's object satisfies this structurally.
 */
export interface CheckCalendar {
  addWorkingDays(date: string, n: number): string;
  /** The latest date d with addWorkingDays(d, n) <= today. */
  latestCutoffForWorkingDays(today: string, n: number): string;
  /** The latest occurrence of the named event on or before `date`, or null. */
  latestOccurrenceBefore(event: string, date: string): string | null;
}

export interface CheckContext {
  now: Date;
  /** The catalog timezone (IANA), e.g. Asia/Shanghai: dates, months and naive timestamps are read in it. */
  timezone: string;
  calendar: CheckCalendar;
  dialect: HubDialectName;
  /** Row counts of the previous run, by table name: the base of the `row_count_change` fact. */
  previousRowCounts?: Record<string, number>;
  /** Per statement; default 60 000 ms. */
  statementTimeoutMs?: number;
  /** Keys of violating rows kept per failing check; default 20. */
  sampleLimit?: number;
  /**
   * PostgreSQL server hubs: how many connections may read one big table's aggregate at once (page
   * ranges under one exported snapshot, rules/split-scan.ts); 1 (default) reads it on one.
   */
  scanParts?: number;
  /** Heap pages from which a table is read in parts; default SPLIT_MIN_PAGES (64 MB). */
  scanMinPages?: number;
}

export type TableErrorCode = 'table_missing' | 'column_missing' | 'timeout' | 'hub_unreachable' | 'query_failed';

export interface CheckResult {
  check: CheckKind;
  /** The field's owner, else the table's (department code from the catalog). */
  department: string;
  table: string;
  field: string | null;
  passed: boolean;
  violations: number;
  /** The denominator: rows or values the check considered (for scorecard ratios). */
  checkedRows: number;
  /**
   * Keys of up to `sampleLimit` violating rows, sorted by key; fetched only for failing checks. Which
   * rows (when there are more) follows the table's physical order, not the key: see rules/README.md.
   */
  sampleKeys: Record<string, string>[];
  severity: Severity;
  /** The event's message, for custom rules. */
  message?: string;
  details?: Record<string, unknown>;
}

export interface TableFacts {
  row_count: number;
  /** Newest row timestamp (ISO instant), null for an empty table or one without `updated_at`. */
  newest_update: string | null;
  hours_since_update: number | null;
  row_count_previous: number | null;
  row_count_change: number | null;
  /** Empty (NULL or blank) values per column referenced by null_count/null_ratio in custom rules. */
  null_counts: Record<string, number>;
}

export interface TableCheckOutcome {
  table: string;
  status: 'ok' | 'error';
  error?: { code: TableErrorCode; message: string };
  durationMs: number;
  /** Present when the SQL pass succeeded. */
  facts: TableFacts | null;
  results: CheckResult[];
}

export interface CheckRunOutcome {
  startedAt: Date;
  durationMs: number;
  tables: TableCheckOutcome[];
}
