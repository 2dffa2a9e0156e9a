/**
 * The floor: for each table of the example catalog, ONE aggregate statement written by hand that
 * computes the same numbers as a check run — row count, newest timestamp and, per check, the violating
 * rows and the rows it considered. Nothing here comes from `rules/`: it is the independent reference
 * the engine's generated SQL is measured against.
 *
 * Hand-written for the benchmark's fixed hub and instant (bench/checks-hub.ts: today 2026-11-22, now
 * 12:00 Asia/Shanghai), so the cut-offs are literals worked out here:
 * - deadline `after: report_date, within: 7d` on a DATE column → due when report_date <= 2026-11-15;
 * - `after_event` deadlines → the latest occurrence whose 7/30/15 days have passed: semester_start and
 *   academic_year_start 2026-09-07, rank_documents_issued 2026-06-15, student_status_review 2026-10-01,
 *   year_end 2025-12-31; a row violates when the field is empty or update_time (naive, already
 *   Asia/Shanghai wall-clock) is NULL or before that day.
 * "Empty" is NULL or blank after trimming spaces, tabs, CR/LF and U+3000, as the catalog contract says.
 * Each derived table computes the trimmed values once per row (OFFSET 0 keeps PostgreSQL from inlining
 * them back into every FILTER).
 *
 * Column names are `<check>:<field>` for violations (compared with the engine's results) and
 * `checked:<field>` for denominators.
 */

/** The blanks the catalog contract trims. */
const B = `E' \\t\\r\\n\\u3000'`;

const GENDER_CODES = `('0', '1', '2', '9', '未知的性别', '男', '女', '未说明的性别')`;
const POLITICAL_CODES = `('01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '13',
  '中国共产党党员', '中国共产党预备党员', '中国共产主义青年团团员', '中国国民党革命委员会会员', '中国民主同盟盟员',
  '中国民主建国会会员', '中国民主促进会会员', '中国农工民主党党员', '中国致公党党员', '九三学社社员',
  '台湾民主自治同盟盟员', '无党派民主人士', '群众')`;

/**
 * GB 11643 validity of a trimmed ID number `v` whose 17-digit body is `b` (a bigint, NULL when `v`
 * is not 17 digits + digit/X): a real birth date from 1900 to today, and the ISO 7064 MOD 11-2 check
 * character, with integer arithmetic on the body.
 */
const idCardValid = (v: string, b: string) => `(${b} IS NOT NULL
  AND (${b} / 1000) % 100000000 BETWEEN 19000101 AND 20261122
  AND (${b} / 100000) % 100 BETWEEN 1 AND 12
  AND (${b} / 1000) % 100 BETWEEN 1 AND CASE
    WHEN (${b} / 100000) % 100 IN (4, 6, 9, 11) THEN 30
    WHEN (${b} / 100000) % 100 = 2 THEN
      CASE WHEN ((${b} / 10000000) % 4 = 0 AND (${b} / 10000000) % 100 <> 0) OR (${b} / 10000000) % 400 = 0 THEN 29 ELSE 28 END
    ELSE 31 END
  AND substr('10X98765432', ((
      (${b} / 10000000000000000) % 10 * 7 + (${b} / 1000000000000000) % 10 * 9 + (${b} / 100000000000000) % 10 * 10
    + (${b} / 10000000000000) % 10 * 5 + (${b} / 1000000000000) % 10 * 8 + (${b} / 100000000000) % 10 * 4
    + (${b} / 10000000000) % 10 * 2 + (${b} / 1000000000) % 10 * 1 + (${b} / 100000000) % 10 * 6
    + (${b} / 10000000) % 10 * 3 + (${b} / 1000000) % 10 * 7 + (${b} / 100000) % 10 * 9
    + (${b} / 10000) % 10 * 10 + (${b} / 1000) % 10 * 5 + (${b} / 100) % 10 * 8
    + (${b} / 10) % 10 * 4 + ${b} % 10 * 2) % 11)::int + 1, 1) = right(${v}, 1))`;

/** The 17-digit body of a trimmed ID number, or NULL when it is not 17 digits + digit/X. */
const idCardBody = (v: string) => `CASE WHEN ${v} ~ '^[0-9]{17}[0-9X]$' THEN left(${v}, 17)::bigint END`;

const EMAIL = `'^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}$'`;

export const FLOOR_SQL: Record<string, string> = {
  org_unit: `
    SELECT count(*) AS row_count, max(update_time) AS newest_update,
      count(*) FILTER (WHERE unit_code = '') AS "required:unit_code",
      count(*) FILTER (WHERE unit_name = '') AS "required:unit_name",
      count(*) FILTER (WHERE unit_code <> '') AS "checked:unit_code",
      (SELECT coalesce(sum(copies), 0) FROM (
        SELECT count(*) AS copies FROM org_unit WHERE btrim(unit_code, ${B}) <> ''
        GROUP BY btrim(unit_code, ${B}) HAVING count(*) > 1) AS d) AS "unique:unit_code"
    FROM (SELECT update_time, coalesce(btrim(unit_code, ${B}), '') AS unit_code, coalesce(btrim(unit_name, ${B}), '') AS unit_name
      FROM org_unit OFFSET 0) AS s`,

  staff_basic: `
    SELECT count(*) AS row_count, max(update_time) AS newest_update,
      count(*) FILTER (WHERE in_scope) AS scope_rows,
      count(*) FILTER (WHERE in_scope AND due) AS "checked:due",
      count(*) FILTER (WHERE in_scope AND due AND staff_no = '') AS "deadline:staff_no",
      count(*) FILTER (WHERE in_scope AND due AND name = '') AS "deadline:name",
      count(*) FILTER (WHERE in_scope AND due AND gender = '') AS "deadline:gender",
      count(*) FILTER (WHERE in_scope AND due AND id_card = '') AS "deadline:id_card",
      count(*) FILTER (WHERE in_scope AND (duty_status = '' OR before_semester)) AS "deadline:duty_status",
      count(*) FILTER (WHERE in_scope AND (research_area = '' OR before_semester)) AS "deadline:research_area",
      count(*) FILTER (WHERE in_scope AND (title_rank = '' OR before_rank_documents)) AS "deadline:title_rank",
      count(*) FILTER (WHERE in_scope AND (political_status = '' OR before_rank_documents)) AS "deadline:political_status",
      count(*) FILTER (WHERE in_scope AND staff_no <> '') AS "checked:staff_no",
      count(*) FILTER (WHERE in_scope AND staff_no <> '' AND staff_no !~ '^[0-9]{8}$') AS "pattern:staff_no",
      count(*) FILTER (WHERE in_scope AND gender <> '') AS "checked:gender",
      count(*) FILTER (WHERE in_scope AND gender <> '' AND gender NOT IN ${GENDER_CODES}) AS "codes:gender",
      count(*) FILTER (WHERE in_scope AND political_status <> '') AS "checked:political_status",
      count(*) FILTER (WHERE in_scope AND political_status <> '' AND political_status NOT IN ${POLITICAL_CODES}) AS "codes:political_status",
      count(*) FILTER (WHERE in_scope AND id_card <> '') AS "checked:id_card",
      count(*) FILTER (WHERE in_scope AND id_card <> '' AND NOT ${idCardValid('id_card', 'id_body')}) AS "validate:id_card",
      count(*) FILTER (WHERE in_scope AND mobile <> '') AS "checked:mobile",
      count(*) FILTER (WHERE in_scope AND mobile <> '' AND mobile !~ '^1[3-9][0-9]{9}$') AS "validate:mobile",
      count(*) FILTER (WHERE in_scope AND email <> '') AS "checked:email",
      count(*) FILTER (WHERE in_scope AND email <> '' AND email !~ ${EMAIL}) AS "validate:email",
      count(*) FILTER (WHERE in_scope AND unit_code <> '') AS "checked:unit_code",
      count(*) FILTER (WHERE in_scope AND unit_code <> '' AND o.v IS NULL) AS "references:unit_code",
      (SELECT coalesce(sum(copies), 0) FROM (
        SELECT count(*) AS copies FROM staff_basic
        WHERE btrim(employment_status, ${B}) = '在职' AND btrim(staff_no, ${B}) <> ''
        GROUP BY btrim(staff_no, ${B}) HAVING count(*) > 1) AS d) AS "unique:staff_no"
    FROM (
      SELECT *, ${idCardBody('id_card')} AS id_body FROM (
        SELECT update_time,
          btrim(employment_status, ${B}) = '在职' AS in_scope,
          report_date <= DATE '2026-11-15' AS due,
          update_time IS NULL OR update_time < TIMESTAMP '2026-09-07 00:00:00' AS before_semester,
          update_time IS NULL OR update_time < TIMESTAMP '2026-06-15 00:00:00' AS before_rank_documents,
          coalesce(btrim(staff_no, ${B}), '') AS staff_no,
          coalesce(btrim(name, ${B}), '') AS name,
          coalesce(btrim(gender, ${B}), '') AS gender,
          coalesce(btrim(id_card, ${B}), '') AS id_card,
          coalesce(btrim(unit_code, ${B}), '') AS unit_code,
          coalesce(btrim(duty_status, ${B}), '') AS duty_status,
          coalesce(btrim(title_rank, ${B}), '') AS title_rank,
          coalesce(btrim(political_status, ${B}), '') AS political_status,
          coalesce(btrim(research_area, ${B}), '') AS research_area,
          coalesce(btrim(mobile, ${B}), '') AS mobile,
          coalesce(btrim(email, ${B}), '') AS email
        FROM staff_basic OFFSET 0) AS trimmed
      OFFSET 0) AS s
    LEFT JOIN (SELECT DISTINCT btrim(unit_code, ${B}) AS v FROM org_unit) AS o ON o.v = s.unit_code`,

  student_status: `
    SELECT count(*) AS row_count, max(update_time) AS newest_update,
      count(*) FILTER (WHERE student_no = '') AS "required:student_no",
      count(*) FILTER (WHERE student_no <> '') AS "checked:student_no",
      count(*) FILTER (WHERE student_no <> '' AND student_no !~ '^[0-9]{10,12}$') AS "pattern:student_no",
      count(*) FILTER (WHERE name = '') AS "required:name",
      count(*) FILTER (WHERE gender <> '') AS "checked:gender",
      count(*) FILTER (WHERE gender <> '' AND gender NOT IN ${GENDER_CODES}) AS "codes:gender",
      count(*) FILTER (WHERE id_card <> '') AS "checked:id_card",
      count(*) FILTER (WHERE id_card <> '' AND NOT ${idCardValid('id_card', 'id_body')}) AS "validate:id_card",
      count(*) FILTER (WHERE grade = '' OR update_time IS NULL OR update_time < TIMESTAMP '2026-10-01 00:00:00') AS "deadline:grade",
      (SELECT coalesce(sum(copies), 0) FROM (
        SELECT count(*) AS copies FROM student_status WHERE btrim(student_no, ${B}) <> ''
        GROUP BY btrim(student_no, ${B}) HAVING count(*) > 1) AS d) AS "unique:student_no"
    FROM (
      SELECT *, ${idCardBody('id_card')} AS id_body FROM (
        SELECT update_time,
          coalesce(btrim(student_no, ${B}), '') AS student_no,
          coalesce(btrim(name, ${B}), '') AS name,
          coalesce(btrim(gender, ${B}), '') AS gender,
          coalesce(btrim(id_card, ${B}), '') AS id_card,
          coalesce(btrim(grade, ${B}), '') AS grade
        FROM student_status OFFSET 0) AS trimmed
      OFFSET 0) AS s`,

  student_payment: `
    SELECT count(*) AS row_count, max(sync_time) AS newest_update,
      count(*) FILTER (WHERE student_no = '') AS "required:student_no",
      count(*) FILTER (WHERE amount = '') AS "required:amount",
      count(*) FILTER (WHERE student_no <> '') AS "checked:student_no",
      count(*) FILTER (WHERE student_no <> '' AND r.v IS NULL) AS "references:student_no"
    FROM (SELECT sync_time, coalesce(btrim(student_no, ${B}), '') AS student_no, coalesce(btrim(amount::text, ${B}), '') AS amount
      FROM student_payment OFFSET 0) AS s
    LEFT JOIN (SELECT DISTINCT btrim(student_no, ${B}) AS v FROM student_status) AS r ON r.v = s.student_no`,

  course_grade: `
    SELECT count(*) AS row_count, max(update_time) AS newest_update,
      count(*) FILTER (WHERE student_no = '') AS "required:student_no",
      count(*) FILTER (WHERE student_no <> '') AS "checked:student_no",
      count(*) FILTER (WHERE student_no <> '' AND r.v IS NULL) AS "references:student_no"
    FROM (SELECT update_time, coalesce(btrim(student_no, ${B}), '') AS student_no FROM course_grade OFFSET 0) AS s
    LEFT JOIN (SELECT DISTINCT btrim(student_no, ${B}) AS v FROM student_status) AS r ON r.v = s.student_no`,

  freshman_admission: `SELECT count(*) AS row_count, max(update_time) AS newest_update FROM freshman_admission`,

  library_loan: `
    SELECT count(*) AS row_count, max(sync_time) AS newest_update,
      count(*) FILTER (WHERE coalesce(btrim(reader_no, ${B}), '') = '') AS "null_count:reader_no"
    FROM library_loan`,

  research_output: `
    SELECT count(*) AS row_count, max(update_time) AS newest_update,
      count(*) FILTER (WHERE staff_no = '') AS "required:staff_no",
      count(*) FILTER (WHERE staff_no <> '') AS "checked:staff_no",
      count(*) FILTER (WHERE staff_no <> '' AND r.v IS NULL) AS "references:staff_no",
      count(*) FILTER (WHERE audited = '' OR update_time IS NULL OR update_time < TIMESTAMP '2025-12-31 00:00:00') AS "deadline:audited"
    FROM (SELECT update_time, coalesce(btrim(staff_no, ${B}), '') AS staff_no, coalesce(btrim(audited, ${B}), '') AS audited
      FROM research_output OFFSET 0) AS s
    LEFT JOIN (SELECT DISTINCT btrim(staff_no, ${B}) AS v FROM staff_basic) AS r ON r.v = s.staff_no`,
};
