import { addDays } from '../dates';
import { DemoContext, TablePlan, freshControl, freshNewest } from '../context';
import { hashedSeries, pick, pickFrom, spreadTimestamp, studentNo, timestampLit } from '../sql';
import { COURSES, TERMS } from '../vocabulary';

const ORPHAN_STUDENT = { residue: 1, base: 8 };
/** Distinct course codes; with 8 terms a student can hold up to 8 × 300 grades without a key clash. */
export const COURSE_CODES = 300;

/**
 * 本专科生成绩信息. Row g is grade number k = (g-1) div students of student (g-1) mod students + 1;
 * term = k mod 8 and course = (student·7 + k div 8) mod 300, so (student_no, course_code, term) is
 * unique by construction. The table has no surrogate id, so the orphan rows are chosen by g at insert.
 */
export function courseGradePlan(ctx: DemoContext): TablePlan {
  const n = ctx.rows.course_grade;
  const students = ctx.rows.student_status;
  if (n / students > TERMS.length * COURSE_CODES) {
    throw new Error(
      `tableScales.course_grade: at most ${TERMS.length * COURSE_CODES} grades per student (course_grade rows / student_status rows)`,
    );
  }
  const orphans = ORPHAN_STUDENT.base * ctx.scales.course_grade;
  const newest = freshNewest(ctx.today);
  const sid = `(1 + (g - 1) % ${students})`;
  const k = `((g - 1) / ${students})`;
  const course = `((${sid} * 7 + ${k} / ${TERMS.length}) % ${COURSE_CODES})`;
  // Grades of students no longer in student_status (a 2019 cohort purged too early); unique per g.
  const student = `CASE WHEN ${pick('g', 100, ORPHAN_STUDENT.residue, orphans)} THEN '2019' || lpad(g::text, 8, '0') ELSE ${studentNo(sid)} END`;
  const table = 'course_grade' as const;
  return {
    name: table,
    rows: n,
    statements: [
      'DROP TABLE IF EXISTS course_grade',
      `CREATE TABLE course_grade (
        student_no varchar(20) NOT NULL,
        course_code varchar(10) NOT NULL,
        term varchar(11) NOT NULL,
        course_name varchar(50),
        credit numeric(3, 1),
        score numeric(4, 1),
        update_time timestamp without time zone
      )`,
      `INSERT INTO course_grade (student_no, course_code, term, course_name, credit, score, update_time)
        SELECT ${student}, 'C' || (1000 + ${course})::text, ${pickFrom(TERMS, `${k} % ${TERMS.length}`)},
          ${pickFrom(COURSES, `${course} % ${COURSES.length}`)},
          (${pickFrom(['1.0', '2.0', '2.5', '3.0', '4.0'], `${course} % 5`)})::numeric(3, 1),
          CASE WHEN h0 % 100 < 3 THEN NULL ELSE (40 + h0 % 60 + ((h0 >> 8) % 10) / 10.0)::numeric(4, 1) END,
          CASE WHEN g = ${n} THEN ${timestampLit(newest)} ELSE ${spreadTimestamp(`${addDays(ctx.today, -120)} 00:00:00`, newest, 'h1')} END
        FROM (${hashedSeries(n, 2, ctx.seed, 5)}) AS a`,
      'ALTER TABLE course_grade ADD PRIMARY KEY (student_no, course_code, term)',
    ],
    findings: [
      freshControl(table, 'update_time', newest),
      {
        kind: 'defect',
        table,
        field: 'student_no',
        check: 'references',
        rows: orphans,
        description: { 'zh-CN': "学号（'2019…'）在 student_status 中不存在", en: "student_no ('2019…') not in student_status" },
      },
    ],
  };
}
