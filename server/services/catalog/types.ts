/**
 * The normalized catalog: what the YAML file (`../shared/examples/university.catalog.yaml`) says,
 * after validation, in the shape the rest of Hubwatch reads. Parsing and validation live in
 * `parse.ts`; persistence in `repository.ts`; the check engine (`rules/`) compiles it to SQL facts
 * and json-rules-engine rules.
 *
 * Semantics (the contract of the catalog issue):
 * - A table's `scope` restricts field checks to rows matching all entries (column IN values).
 * - `deadline.after`: a row is due once `row[after] + within` has passed; a due row violates when the
 *   field is empty.
 * - `deadline.afterEvent`: with `e` the latest occurrence of the event such that `e + within` has
 *   passed (none: nothing is due), every row in scope is due and violates when the field is empty
 *   or the row's `updated_at < e`.
 * - A field with a deadline is checked for emptiness only on due rows; `required` without a deadline
 *   applies to every row in scope. Validity keys (pattern, validate, codes, unique, references) apply
 *   to every non-empty value in scope. "Empty" means NULL or a string that is blank after trimming.
 */

export type DurationUnit = 'h' | 'd' | 'wd';

/** `24h` hours, `7d` calendar days, `5wd` Chinese working days. */
export interface Duration {
  amount: number;
  unit: DurationUnit;
}

export type SharingClass = 'universal' | 'conditional' | 'none';
export type Severity = 'high' | 'medium' | 'low';
export type Validator = 'cn_id_card' | 'cn_mobile' | 'email' | 'date';

export type CodeList =
  /** A built-in national code list, by its standard's name, e.g. `GB/T 2261.1`. */
  | { kind: 'builtin'; name: string }
  | { kind: 'inline'; values: string[] }
  /** Allowed values are those in a hub column. */
  | { kind: 'hub'; table: string; column: string };

export type Deadline =
  { kind: 'after'; column: string; within: Duration } | { kind: 'afterEvent'; event: string; within: Duration };

export interface CatalogField {
  name: string;
  title: string | null;
  /** Owner when it differs from the table's; null means the table's department. */
  department: string | null;
  required: boolean;
  unique: boolean;
  pattern: string | null;
  validate: Validator | null;
  codes: CodeList | null;
  references: { table: string; column: string } | null;
  sensitive: boolean;
  severity: Severity;
  deadline: Deadline | null;
}

export interface CatalogTable {
  /** Hub table name, `schema.table` allowed. */
  name: string;
  title: string | null;
  domain: string | null;
  department: string;
  system: string | null;
  sharing: SharingClass;
  key: string[];
  updatedAt: string | null;
  freshness: Duration | null;
  /** Months 1–12 in which freshness applies; null means every month. */
  maintainedIn: number[] | null;
  /** column → allowed values; field checks consider only rows matching all entries. */
  scope: Record<string, string[]>;
  /** Optional cron expression overriding the global check schedule for this table. */
  schedule: string | null;
  fields: CatalogField[];
}

export interface CalendarEvent {
  name: string;
  /** Explicit ISO dates (YYYY-MM-DD). */
  dates: string[];
  /** Yearly occurrences as "MM-DD". */
  yearly: string[];
  /** The event in words (职称文件出台), for messages and pages; else a common title or its date. */
  title?: string;
}

export interface CatalogCalendar {
  timezone: string;
  events: CalendarEvent[];
  /** Extra official holidays (YYYY-MM-DD) beyond the built-in data. */
  holidays: string[];
  /** Extra make-up working days (调休, YYYY-MM-DD) beyond the built-in data. */
  workdays: string[];
  /**
   * Names given to some of those dates (`{ date: 2027-02-11, name: 春节 }`), by date; absent when none is named
   * (and in catalogs stored before names could be given).
   */
  dayNames?: Record<string, string>;
}

export interface CatalogDepartment {
  code: string;
  name: string;
  /**
   * Steward e-mails as the file lists them; absent when the file has no `stewards:` key. The current
   * list is `departments.stewards` (the department page edits it too): see `stewards.ts`.
   */
  stewards?: string[];
}

export interface CatalogSystem {
  name: string;
  department: string;
}

/** A custom rule in json-rules-engine's JSON, evaluated over one table's facts. */
export interface CustomRule {
  name: string;
  table: string;
  conditions: Record<string, unknown>;
  event: { type: string; params?: { severity?: Severity; message?: string; [k: string]: unknown } };
  priority?: number;
}

export interface Catalog {
  calendar: CatalogCalendar;
  departments: CatalogDepartment[];
  systems: CatalogSystem[];
  tables: CatalogTable[];
  rules: CustomRule[];
}
