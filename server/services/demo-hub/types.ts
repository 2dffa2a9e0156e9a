/** The public shapes of the demo hub: options, the summary a reset returns, the documented defects. */

export const DEMO_TABLES = [
  'org_unit',
  'staff_basic',
  'student_status',
  'student_payment',
  'course_grade',
  'freshman_admission',
  'library_loan',
  'research_output',
] as const;

export type DemoTableName = (typeof DEMO_TABLES)[number];

export type DemoCheck =
  | 'freshness'
  | 'deadline'
  | 'required'
  | 'pattern'
  | 'validate'
  | 'codes'
  | 'unique'
  | 'references'
  | 'rule:staff_headcount_drop'
  | 'rule:loan_reader_missing';

export interface DemoText {
  'zh-CN': string;
  en: string;
}

/**
 * What one check over the example catalog must find right after a reset.
 * `rows` is the number of violating rows; for `freshness` (a table-level check) it is 1 and `newest`
 * is the table's newest updated_at (naive, Asia/Shanghai); for `unique` it counts every row that
 * shares a duplicated value and `values` the number of such values.
 */
export interface DemoDefect {
  /** `table.field:check`, or `table:check` for table-level checks. */
  id: string;
  table: string;
  field: string | null;
  check: DemoCheck;
  rows: number;
  description: DemoText;
  newest?: string;
  values?: number;
}

/**
 * Rows that look wrong but that the check must NOT count (not yet due, out of scope, out of season,
 * accepted code labels, nothing to compare with yet). `rows` is how many such rows the hub holds.
 */
export interface DemoControl {
  id: string;
  table: string;
  field: string | null;
  check: DemoCheck;
  rows: number;
  description: DemoText;
}

export interface DemoHubSummary {
  today: string;
  seed: number;
  tables: { name: string; rows: number }[];
  defects: DemoDefect[];
  controls: DemoControl[];
}

export interface DemoHubOptions {
  /** Multiplies every table's rows (and its defect counts) except org_unit's 60. Integer ≥ 1; default 1. */
  scale?: number;
  /** Per-table scale overriding `scale`, e.g. for a benchmark wanting many staff but fewer grades. */
  tableScales?: Partial<Record<DemoTableName, number>>;
  /** Default 1. Same seed and same today → byte-identical data. */
  seed?: number;
  /** YYYY-MM-DD; every injected defect is dated relative to it. Default: today in Asia/Shanghai. */
  today?: string;
  onProgress?: (step: string, done: number, total: number) => void;
}
