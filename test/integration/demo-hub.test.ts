import { isValidIdCard } from '../helpers/id-card';
import { createTestDatabase, TestDatabase } from '../helpers/database';
import {
  DEMO_CONTROLS,
  DEMO_DEFECTS,
  DemoHubSummary,
  demoDefectsMarkdown,
  planDemoHub,
  resetDemoHub,
  stageHeadcountDrop,
} from '../../server/services/demo-hub';

/**
 * The demo hub at scale 1, seed 7, today 2026-11-22. Every documented count below was worked out from
 * the injection plan by hand and is re-counted here with plain SQL, independent of the generator.
 * Relevant events (example catalog): semester_start / academic_year_start 2026-09-07,
 * rank_documents_issued 2026-06-15, student_status_review 2026-10-01, year_end 2025-12-31.
 */
const TODAY = '2026-11-22';
const SEED = 7;

const EMPTY = (col: string): string => `(${col} IS NULL OR trim(${col}) = '')`;
const FILLED = (col: string): string => `NOT ${EMPTY(col)}`;
const IN_SCOPE = `employment_status = '在职'`;

describe('demo hub', () => {
  let db: TestDatabase;
  let summary: DemoHubSummary;
  const progress: [string, number, number][] = [];

  const count = async (sql: string): Promise<number> => Number((await db.knex.raw(sql)).rows[0].n);
  const text = async (sql: string): Promise<string> => String((await db.knex.raw(sql)).rows[0].v);
  const defect = (id: string) => summary.defects.find((d) => d.id === id);

  beforeAll(async () => {
    db = await createTestDatabase('demohub');
    summary = await resetDemoHub(db.knex, { seed: SEED, today: TODAY, onProgress: (s, d, t) => progress.push([s, d, t]) });
  });
  afterAll(() => db.close());

  it('builds every catalog table with the documented row counts', async () => {
    const expected = {
      org_unit: 60,
      staff_basic: 2000,
      student_status: 5000,
      student_payment: 8000,
      course_grade: 20000,
      freshman_admission: 3000,
      library_loan: 10000,
      research_output: 1500,
    };
    expect(Object.fromEntries(summary.tables.map((t) => [t.name, t.rows]))).toEqual(expected);
    for (const [table, rows] of Object.entries(expected)) {
      expect([table, await count(`SELECT count(*) AS n FROM ${table}`)]).toEqual([table, rows]);
    }
    expect(progress.map(([s]) => s)).toEqual([...Object.keys(expected), 'analyze']);
    expect(progress.at(-1)).toEqual(['analyze', 9, 9]);
  });

  it('has the columns the example catalog names, with realistic types', async () => {
    const { rows } = await db.knex.raw(`SELECT table_name, column_name, data_type FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name IN ('staff_basic', 'library_loan', 'student_payment')`);
    const columns = rows as { table_name: string; column_name: string; data_type: string }[];
    const type = (t: string, c: string) => columns.find((r) => r.table_name === t && r.column_name === c)?.data_type;
    expect(type('staff_basic', 'staff_no')).toBe('character varying');
    expect(type('staff_basic', 'report_date')).toBe('date');
    expect(type('staff_basic', 'update_time')).toBe('timestamp without time zone');
    expect(type('library_loan', 'reader_no')).toBe('character varying');
    expect(type('library_loan', 'sync_time')).toBe('timestamp without time zone');
    expect(type('student_payment', 'amount')).toBe('numeric');
    // staff_no is the catalog key but must hold duplicates and blanks: no unique index on it.
    const unique = await count(
      `SELECT count(*) AS n FROM pg_indexes WHERE tablename = 'staff_basic' AND indexdef ILIKE '%UNIQUE%staff_no%'`,
    );
    expect(unique).toBe(0);
  });

  it('documents the same defects as DEMO_DEFECTS (counts do not depend on the seed)', () => {
    expect(summary.defects).toEqual(DEMO_DEFECTS);
    expect(summary.controls).toEqual(DEMO_CONTROLS);
    expect(Object.fromEntries(summary.defects.map((d) => [d.id, d.rows]))).toEqual({
      'staff_basic.staff_no:deadline': 4,
      'staff_basic.name:deadline': 3,
      'staff_basic.id_card:deadline': 5,
      'staff_basic.id_card:validate': 10,
      'staff_basic.gender:codes': 4,
      'staff_basic.political_status:codes': 3,
      'staff_basic.staff_no:pattern': 5,
      'staff_basic.staff_no:unique': 10,
      'staff_basic.unit_code:references': 6,
      'staff_basic.mobile:validate': 4,
      'staff_basic.email:validate': 3,
      'staff_basic.duty_status:deadline': 10,
      'staff_basic.title_rank:deadline': 2,
      'staff_basic.political_status:deadline': 2,
      'staff_basic.research_area:deadline': 11,
      'student_status.name:required': 3,
      'student_status.id_card:validate': 3,
      'student_status.grade:deadline': 9,
      'student_payment.student_no:references': 6,
      'student_payment.amount:required': 2,
      'course_grade.student_no:references': 8,
      'library_loan:freshness': 1,
      'library_loan:rule:loan_reader_missing': 200,
      'research_output.staff_no:required': 2,
      'research_output.staff_no:references': 3,
      'research_output.audited:deadline': 6,
    });
    expect(defect('staff_basic.staff_no:unique')?.values).toBe(5);
    const kinds = new Set([...summary.defects.map((d) => d.check), ...summary.controls.map((c) => c.check)]);
    for (const kind of [
      'freshness',
      'deadline',
      'required',
      'pattern',
      'validate',
      'codes',
      'unique',
      'references',
      'rule:staff_headcount_drop',
      'rule:loan_reader_missing',
    ]) {
      expect(kinds).toContain(kind);
    }
  });

  it('staff deadlines after report_date count only due rows in scope', async () => {
    const due = `${IN_SCOPE} AND report_date + 7 <= date '${TODAY}'`;
    expect(await count(`SELECT count(*) AS n FROM staff_basic WHERE ${due} AND ${EMPTY('staff_no')}`)).toBe(4);
    expect(await count(`SELECT count(*) AS n FROM staff_basic WHERE ${due} AND ${EMPTY('name')}`)).toBe(3);
    expect(await count(`SELECT count(*) AS n FROM staff_basic WHERE ${due} AND ${EMPTY('id_card')}`)).toBe(5);
    expect(await count(`SELECT count(*) AS n FROM staff_basic WHERE ${due} AND ${EMPTY('gender')}`)).toBe(0);
    // Controls: 6 in-scope rows reported 2 days ago, 5 out-of-scope (离职) rows, all with the fields empty.
    expect(
      await count(`SELECT count(*) AS n FROM staff_basic WHERE ${IN_SCOPE} AND report_date = date '2026-11-20'
      AND ${EMPTY('staff_no')} AND ${EMPTY('name')} AND ${EMPTY('id_card')}`),
    ).toBe(6);
    expect(await count(`SELECT count(*) AS n FROM staff_basic WHERE employment_status = '离职' AND ${EMPTY('staff_no')}`)).toBe(
      5,
    );
    expect(await count(`SELECT count(*) AS n FROM staff_basic WHERE ${EMPTY('staff_no')}`)).toBe(4 + 6 + 5);
    const control = summary.controls.find((c) => c.id === 'staff_basic.staff_no:deadline:not_yet_due');
    expect(control?.rows).toBe(6);
    expect(summary.controls.find((c) => c.id === 'staff_basic:deadline:out_of_scope')?.rows).toBe(5);
  });

  it('staff deadlines after events flag empty values and rows not updated since the event', async () => {
    const stale = (field: string, event: string) =>
      `SELECT count(*) AS n FROM staff_basic WHERE ${IN_SCOPE} AND (${EMPTY(field)} OR update_time < timestamp '${event} 00:00:00')`;
    expect(await count(stale('duty_status', '2026-09-07'))).toBe(10);
    expect(await count(stale('research_area', '2026-09-07'))).toBe(11);
    expect(await count(stale('title_rank', '2026-06-15'))).toBe(2);
    expect(await count(stale('political_status', '2026-06-15'))).toBe(2);
  });

  it('staff validity checks count each injected value', async () => {
    const filled = (col: string) => `${IN_SCOPE} AND ${FILLED(col)}`;
    expect(
      await count(
        `SELECT count(*) AS n FROM staff_basic WHERE ${filled('gender')} AND gender NOT IN ('0', '1', '2', '9', '未知的性别', '男', '女', '未说明的性别')`,
      ),
    ).toBe(4);
    expect(
      await count(`SELECT count(*) AS n FROM staff_basic WHERE ${filled('political_status')}
      AND political_status NOT IN ('01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '13')`),
    ).toBe(3);
    expect(await count(`SELECT count(*) AS n FROM staff_basic WHERE ${filled('staff_no')} AND staff_no !~ '^[0-9]{8}$'`)).toBe(5);
    expect(
      await count(`SELECT count(*) AS n FROM staff_basic s WHERE ${filled('staff_no')}
      AND (SELECT count(*) FROM staff_basic d WHERE d.staff_no = s.staff_no AND d.${IN_SCOPE}) > 1`),
    ).toBe(10);
    expect(
      await count(`SELECT count(DISTINCT staff_no) AS n FROM staff_basic s WHERE ${filled('staff_no')}
      AND (SELECT count(*) FROM staff_basic d WHERE d.staff_no = s.staff_no AND d.${IN_SCOPE}) > 1`),
    ).toBe(5);
    expect(
      await count(`SELECT count(*) AS n FROM staff_basic s WHERE ${filled('unit_code')}
      AND NOT EXISTS (SELECT 1 FROM org_unit o WHERE o.unit_code = s.unit_code)`),
    ).toBe(6);
    expect(await count(`SELECT count(*) AS n FROM staff_basic WHERE ${filled('mobile')} AND mobile !~ '^1[3-9][0-9]{9}$'`)).toBe(
      4,
    );
    expect(
      await count(
        `SELECT count(*) AS n FROM staff_basic WHERE ${filled('email')} AND email !~ '^[^[:space:]@]+@[^[:space:]@]+[.][^[:space:]@]+$'`,
      ),
    ).toBe(3);
  });

  it('ID numbers are valid GB 11643 numbers except the injected ones', async () => {
    const staff = (
      await db.knex.raw(`SELECT id, id_card, gender, to_char(birth_date, 'YYYYMMDD') AS birth FROM staff_basic
      WHERE ${IN_SCOPE} AND ${FILLED('id_card')} ORDER BY id`)
    ).rows as { id: number; id_card: string; gender: string; birth: string }[];
    const invalid = staff.filter((r) => !isValidIdCard(r.id_card));
    expect(invalid).toHaveLength(10);
    // The injected ones: residue 6 (check character) and 7 (birth date) of id % 100.
    expect(invalid.map((r) => r.id % 100).sort()).toEqual([6, 6, 6, 6, 6, 6, 6, 7, 7, 7]);
    const healthy = staff.filter((r) => r.id % 100 >= 20);
    expect(healthy.length).toBeGreaterThan(1000);
    for (const r of healthy) {
      expect([r.id_card, isValidIdCard(r.id_card)]).toEqual([r.id_card, true]);
      expect(r.id_card.slice(6, 14)).toBe(r.birth);
      // The 17th digit is odd for men ('1'), even for women ('2').
      expect(Number(r.id_card[16]) % 2 === 1 ? '1' : '2').toBe(r.gender);
    }
    const students = (await db.knex.raw(`SELECT id_card FROM student_status WHERE ${FILLED('id_card')}`)).rows as {
      id_card: string;
    }[];
    expect(students).toHaveLength(5000);
    expect(students.filter((r) => !isValidIdCard(r.id_card))).toHaveLength(3);
  });

  it('student, payment, grade and research checks count the injected rows', async () => {
    expect(await count(`SELECT count(*) AS n FROM student_status WHERE ${EMPTY('name')}`)).toBe(3);
    expect(
      await count(
        `SELECT count(*) AS n FROM student_status WHERE ${EMPTY('grade')} OR update_time < timestamp '2026-10-01 00:00:00'`,
      ),
    ).toBe(9);
    expect(await count(`SELECT count(*) AS n FROM student_status WHERE student_no !~ '^[0-9]{10,12}$'`)).toBe(0);
    // Control: gender written as a label ('男'/'女') — valid GB/T 2261.1 values.
    expect(await count(`SELECT count(*) AS n FROM student_status WHERE gender IN ('男', '女')`)).toBe(4);
    expect(
      await count(`SELECT count(*) AS n FROM student_payment p
      WHERE NOT EXISTS (SELECT 1 FROM student_status s WHERE s.student_no = p.student_no)`),
    ).toBe(6);
    expect(await count(`SELECT count(*) AS n FROM student_payment WHERE amount IS NULL`)).toBe(2);
    expect(
      await count(`SELECT count(*) AS n FROM course_grade g
      WHERE NOT EXISTS (SELECT 1 FROM student_status s WHERE s.student_no = g.student_no)`),
    ).toBe(8);
    expect(
      await count(
        `SELECT count(*) AS n FROM research_output WHERE ${EMPTY('audited')} OR update_time < timestamp '2025-12-31 00:00:00'`,
      ),
    ).toBe(6);
    expect(await count(`SELECT count(*) AS n FROM research_output WHERE ${EMPTY('staff_no')}`)).toBe(2);
    expect(
      await count(`SELECT count(*) AS n FROM research_output r WHERE ${FILLED('staff_no')}
      AND NOT EXISTS (SELECT 1 FROM staff_basic s WHERE s.staff_no = r.staff_no)`),
    ).toBe(3);
    expect(
      await count(`SELECT count(*) AS n FROM library_loan l WHERE reader_no IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM student_status s WHERE s.student_no = l.reader_no)
      AND NOT EXISTS (SELECT 1 FROM staff_basic s WHERE s.staff_no = l.reader_no)`),
    ).toBe(0);
  });

  it('dates freshness relative to today: loans 3 days stale, payments and grades fresh, admissions out of season', async () => {
    const newest = (table: string, col: string) =>
      text(`SELECT to_char(max(${col}), 'YYYY-MM-DD HH24:MI:SS') AS v FROM ${table}`);
    expect(await newest('library_loan', 'sync_time')).toBe('2026-11-19 00:30:00');
    expect(defect('library_loan:freshness')?.newest).toBe('2026-11-19 00:30:00');
    expect(await newest('student_payment', 'sync_time')).toBe('2026-11-22 00:30:00');
    expect(await newest('course_grade', 'update_time')).toBe('2026-11-22 00:30:00');
    expect(await newest('staff_basic', 'update_time')).toBe('2026-11-22 00:30:00');
    expect(await newest('freshman_admission', 'update_time')).toBe('2026-09-20 16:00:00');
    expect(summary.controls.map((c) => c.id)).toEqual(
      expect.arrayContaining([
        'student_payment:freshness:fresh',
        'course_grade:freshness:fresh',
        'freshman_admission:freshness:out_of_season',
      ]),
    );
    expect(await text(`SELECT round(avg(CASE WHEN reader_no IS NULL THEN 1.0 ELSE 0 END), 4)::text AS v FROM library_loan`)).toBe(
      '0.0200',
    );
  });

  it('stageHeadcountDrop removes a quarter of the staff without changing any other documented count', async () => {
    const dropped = await stageHeadcountDrop(db.knex);
    expect(dropped.rows).toBe(500);
    expect(await count('SELECT count(*) AS n FROM staff_basic')).toBe(1500);
    expect(
      await count(
        `SELECT count(*) AS n FROM staff_basic WHERE ${IN_SCOPE} AND report_date + 7 <= date '${TODAY}' AND ${EMPTY('staff_no')}`,
      ),
    ).toBe(4);
    expect(
      await count(`SELECT count(*) AS n FROM research_output r WHERE ${FILLED('staff_no')}
      AND NOT EXISTS (SELECT 1 FROM staff_basic s WHERE s.staff_no = r.staff_no)`),
    ).toBe(3);
  });

  it('is deterministic: same seed and today give identical rows, another seed different ones', async () => {
    const fingerprint = async () => text(`SELECT md5(string_agg(t::text, '|' ORDER BY t.id)) AS v FROM staff_basic t`);
    const grades = async () =>
      text(`SELECT md5(string_agg(t::text, '|' ORDER BY t.student_no, t.course_code, t.term)) AS v FROM course_grade t`);
    await resetDemoHub(db.knex, { seed: SEED, today: TODAY });
    const first = [await fingerprint(), await grades()];
    await resetDemoHub(db.knex, { seed: SEED, today: TODAY });
    expect([await fingerprint(), await grades()]).toEqual(first);
    await resetDemoHub(db.knex, { seed: SEED + 1, today: TODAY });
    expect(await fingerprint()).not.toBe(first[0]);
  });
});

describe('demo hub plan (no database)', () => {
  it('moves the defects with today: in August admissions are stale and rows before the rank documents count', () => {
    const { defects, controls } = planDemoHub({ today: '2026-08-10' }).summary;
    const rows = (id: string) => defects.find((d) => d.id === id)?.rows;
    expect(rows('freshman_admission:freshness')).toBe(1);
    expect(rows('library_loan:freshness')).toBe(1);
    // Latest semester_start with 7 days passed is 2026-02-23; the 8 stale rows date from 2026-02-03.
    expect(rows('staff_basic.duty_status:deadline')).toBe(10);
    expect(rows('staff_basic.title_rank:deadline')).toBe(10);
    // academic_year_start (2026-09-07) has not passed: nothing due for research_area yet.
    expect(rows('staff_basic.research_area:deadline')).toBeUndefined();
    expect(controls.find((c) => c.id === 'staff_basic.research_area:deadline:no_event_research_area')?.rows).toBe(3);
  });

  it('scales row and defect counts linearly, org units excepted', () => {
    const { tables, defects } = planDemoHub({ today: TODAY, scale: 3, tableScales: { course_grade: 2 } }).summary;
    const rows = Object.fromEntries(tables.map((t) => [t.name, t.rows]));
    expect(rows).toMatchObject({ org_unit: 60, staff_basic: 6000, course_grade: 40000, student_status: 15000 });
    expect(defects.find((d) => d.id === 'staff_basic.staff_no:deadline')?.rows).toBe(12);
    expect(defects.find((d) => d.id === 'course_grade.student_no:references')?.rows).toBe(16);
    expect(defects.find((d) => d.id === 'library_loan:rule:loan_reader_missing')?.rows).toBe(600);
  });

  it('rejects bad options naming the option and what is expected', () => {
    expect(() => planDemoHub({ scale: 0 })).toThrow(/scale: 0 .*integer from 1 to 100000/);
    expect(() => planDemoHub({ scale: 1.5 })).toThrow(/^scale/);
    expect(() => planDemoHub({ today: '2026-02-30' })).toThrow(/today: "2026-02-30" .*YYYY-MM-DD/);
    expect(() => planDemoHub({ tableScales: { staf_basic: 2 } as never })).toThrow(/tableScales.staf_basic/);
  });

  it('renders the documentation as markdown with every defect and control', () => {
    const md = demoDefectsMarkdown();
    expect(md).toContain('| `staff_basic.staff_no:deadline` | deadline | 4 |');
    expect(md).toContain('| `library_loan:rule:loan_reader_missing` | rule:loan_reader_missing | 200 |');
    expect(md).toContain('| `freshman_admission:freshness:out_of_season` | freshness | 0 |');
    expect(md).toContain('| course_grade | 20,000 |');
  });
});
