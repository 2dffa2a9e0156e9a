/**
 * The naive way, as dbt tests and OpenMetadata test cases run: one statement per check, each
 * `SELECT count(*) FROM table WHERE <violation>` (freshness a `max()`, unique a GROUP BY … HAVING,
 * references an anti-join). Written by hand, independent of `rules/`, with the same semantics and
 * literal cut-offs as bench/floor.sql.ts (see there). Each statement returns one row; `violations`
 * is compared with the engine's result of the same check.
 */

const B = `E' \\t\\r\\n\\u3000'`;
/** The trimmed value, '' for NULL: "empty" is `= ''`. */
const v = (column: string) => `coalesce(btrim(${column}::text, ${B}), '')`;
const STAFF_SCOPE = `btrim(employment_status, ${B}) = '在职'`;
const STAFF_DUE = `report_date <= DATE '2026-11-15'`;

const GENDER_CODES = `('0', '1', '2', '9', '未知的性别', '男', '女', '未说明的性别')`;
const POLITICAL_CODES = `('01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '13',
  '中国共产党党员', '中国共产党预备党员', '中国共产主义青年团团员', '中国国民党革命委员会会员', '中国民主同盟盟员',
  '中国民主建国会会员', '中国民主促进会会员', '中国农工民主党党员', '中国致公党党员', '九三学社社员',
  '台湾民主自治同盟盟员', '无党派民主人士', '群众')`;

/** GB 11643 validity of the trimmed ID number `x`, the way one writes it inline: substrings and casts. */
const idCardValid = (x: string) => `(CASE
  WHEN ${x} !~ '^[0-9]{17}[0-9X]$' THEN false
  WHEN substr(${x}, 7, 8) > '20261122' OR substr(${x}, 7, 4) < '1900' THEN false
  WHEN substr(${x}, 11, 2)::int NOT BETWEEN 1 AND 12 THEN false
  WHEN substr(${x}, 13, 2)::int < 1 OR substr(${x}, 13, 2)::int > CASE
    WHEN substr(${x}, 11, 2)::int IN (4, 6, 9, 11) THEN 30
    WHEN substr(${x}, 11, 2)::int = 2 THEN CASE WHEN (substr(${x}, 7, 4)::int % 4 = 0 AND substr(${x}, 7, 4)::int % 100 <> 0)
      OR substr(${x}, 7, 4)::int % 400 = 0 THEN 29 ELSE 28 END
    ELSE 31 END THEN false
  ELSE substr('10X98765432', (substr(${x}, 1, 1)::int * 7 + substr(${x}, 2, 1)::int * 9 + substr(${x}, 3, 1)::int * 10
    + substr(${x}, 4, 1)::int * 5 + substr(${x}, 5, 1)::int * 8 + substr(${x}, 6, 1)::int * 4 + substr(${x}, 7, 1)::int * 2
    + substr(${x}, 8, 1)::int * 1 + substr(${x}, 9, 1)::int * 6 + substr(${x}, 10, 1)::int * 3 + substr(${x}, 11, 1)::int * 7
    + substr(${x}, 12, 1)::int * 9 + substr(${x}, 13, 1)::int * 10 + substr(${x}, 14, 1)::int * 5 + substr(${x}, 15, 1)::int * 8
    + substr(${x}, 16, 1)::int * 4 + substr(${x}, 17, 1)::int * 2) % 11 + 1, 1) = substr(${x}, 18, 1)
  END)`;

const EMAIL = `'^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}$'`;

export interface NaiveCheck {
  /** `<check>:<field>` as in the engine's results (`freshness:`, `rule:<name>:` for table-level ones). */
  check: string;
  sql: string;
  /** Whether the statement's `violations` column is the engine's violation count (else: not compared). */
  compare: boolean;
}

const count = (check: string, table: string, where: string): NaiveCheck => ({
  check,
  sql: `SELECT count(*) AS violations FROM ${table} WHERE ${where}`,
  compare: true,
});
const newest = (table: string, column: string): NaiveCheck => ({
  check: 'freshness:',
  sql: `SELECT max(${column}) AS newest FROM ${table}`,
  compare: false,
});
const duplicates = (check: string, table: string, column: string, where: string): NaiveCheck => ({
  check,
  sql: `SELECT coalesce(sum(copies), 0) AS violations FROM (SELECT count(*) AS copies FROM ${table}
    WHERE ${where} AND ${v(column)} <> '' GROUP BY ${v(column)} HAVING count(*) > 1) AS d`,
  compare: true,
});
const orphans = (
  check: string,
  table: string,
  column: string,
  where: string,
  target: string,
  targetColumn: string,
): NaiveCheck => ({
  check,
  sql: `SELECT count(*) AS violations FROM ${table} AS t
    LEFT JOIN (SELECT DISTINCT btrim(${targetColumn}, ${B}) AS v FROM ${target}) AS p ON p.v = ${v(`t.${column}`)}
    WHERE ${where} AND ${v(`t.${column}`)} <> '' AND p.v IS NULL`,
  compare: true,
});
const staffAfterEvent = (field: string, event: string): NaiveCheck =>
  count(
    `deadline:${field}`,
    'staff_basic',
    `${STAFF_SCOPE} AND (${v(field)} = '' OR update_time IS NULL OR update_time < TIMESTAMP '${event} 00:00:00')`,
  );

export const NAIVE_SQL: Record<string, NaiveCheck[]> = {
  org_unit: [
    count('required:unit_code', 'org_unit', `${v('unit_code')} = ''`),
    duplicates('unique:unit_code', 'org_unit', 'unit_code', 'true'),
    count('required:unit_name', 'org_unit', `${v('unit_name')} = ''`),
  ],
  staff_basic: [
    newest('staff_basic', 'update_time'),
    count('deadline:staff_no', 'staff_basic', `${STAFF_SCOPE} AND ${STAFF_DUE} AND ${v('staff_no')} = ''`),
    count('pattern:staff_no', 'staff_basic', `${STAFF_SCOPE} AND ${v('staff_no')} <> '' AND ${v('staff_no')} !~ '^[0-9]{8}$'`),
    duplicates('unique:staff_no', 'staff_basic', 'staff_no', STAFF_SCOPE),
    count('deadline:name', 'staff_basic', `${STAFF_SCOPE} AND ${STAFF_DUE} AND ${v('name')} = ''`),
    count('deadline:gender', 'staff_basic', `${STAFF_SCOPE} AND ${STAFF_DUE} AND ${v('gender')} = ''`),
    count('codes:gender', 'staff_basic', `${STAFF_SCOPE} AND ${v('gender')} <> '' AND ${v('gender')} NOT IN ${GENDER_CODES}`),
    count('deadline:id_card', 'staff_basic', `${STAFF_SCOPE} AND ${STAFF_DUE} AND ${v('id_card')} = ''`),
    count('validate:id_card', 'staff_basic', `${STAFF_SCOPE} AND ${v('id_card')} <> '' AND NOT ${idCardValid(v('id_card'))}`),
    orphans('references:unit_code', 'staff_basic', 'unit_code', STAFF_SCOPE, 'org_unit', 'unit_code'),
    staffAfterEvent('duty_status', '2026-09-07'),
    staffAfterEvent('title_rank', '2026-06-15'),
    staffAfterEvent('political_status', '2026-06-15'),
    count(
      'codes:political_status',
      'staff_basic',
      `${STAFF_SCOPE} AND ${v('political_status')} <> '' AND ${v('political_status')} NOT IN ${POLITICAL_CODES}`,
    ),
    staffAfterEvent('research_area', '2026-09-07'),
    count('validate:mobile', 'staff_basic', `${STAFF_SCOPE} AND ${v('mobile')} <> '' AND ${v('mobile')} !~ '^1[3-9][0-9]{9}$'`),
    count('validate:email', 'staff_basic', `${STAFF_SCOPE} AND ${v('email')} <> '' AND ${v('email')} !~ ${EMAIL}`),
    { check: 'rule:staff_headcount_drop:', sql: 'SELECT count(*) AS row_count FROM staff_basic', compare: false },
  ],
  student_status: [
    count('required:student_no', 'student_status', `${v('student_no')} = ''`),
    count('pattern:student_no', 'student_status', `${v('student_no')} <> '' AND ${v('student_no')} !~ '^[0-9]{10,12}$'`),
    duplicates('unique:student_no', 'student_status', 'student_no', 'true'),
    count('required:name', 'student_status', `${v('name')} = ''`),
    count('codes:gender', 'student_status', `${v('gender')} <> '' AND ${v('gender')} NOT IN ${GENDER_CODES}`),
    count('validate:id_card', 'student_status', `${v('id_card')} <> '' AND NOT ${idCardValid(v('id_card'))}`),
    count(
      'deadline:grade',
      'student_status',
      `${v('grade')} = '' OR update_time IS NULL OR update_time < TIMESTAMP '2026-10-01 00:00:00'`,
    ),
  ],
  student_payment: [
    newest('student_payment', 'sync_time'),
    count('required:student_no', 'student_payment', `${v('student_no')} = ''`),
    orphans('references:student_no', 'student_payment', 'student_no', 'true', 'student_status', 'student_no'),
    count('required:amount', 'student_payment', `${v('amount')} = ''`),
  ],
  course_grade: [
    newest('course_grade', 'update_time'),
    count('required:student_no', 'course_grade', `${v('student_no')} = ''`),
    orphans('references:student_no', 'course_grade', 'student_no', 'true', 'student_status', 'student_no'),
  ],
  // Freshness applies in July–September only; in November there is nothing to check.
  freshman_admission: [],
  library_loan: [
    newest('library_loan', 'sync_time'),
    {
      check: 'rule:loan_reader_missing:',
      sql: `SELECT count(*) FILTER (WHERE ${v('reader_no')} = '')::float8 / nullif(count(*), 0) AS ratio FROM library_loan`,
      compare: false,
    },
  ],
  research_output: [
    count('required:staff_no', 'research_output', `${v('staff_no')} = ''`),
    orphans('references:staff_no', 'research_output', 'staff_no', 'true', 'staff_basic', 'staff_no'),
    count(
      'deadline:audited',
      'research_output',
      `${v('audited')} = '' OR update_time IS NULL OR update_time < TIMESTAMP '2025-12-31 00:00:00'`,
    ),
  ],
};
