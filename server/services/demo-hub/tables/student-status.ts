import { addDays } from '../dates';
import { DemoContext, Finding, TablePlan, freshNewest, healthySince } from '../context';
import { PERSON_GENDER, PERSON_ID_CARD, PERSON_NAME, personStage } from '../person';
import { hashedSeries, idCardChecksum, pick, pickFrom, spreadTimestamp, studentNo, timestampLit } from '../sql';
import { MAJORS, OFFICE_COUNT, ORG_UNITS } from '../vocabulary';

/** 本专科生学籍基本信息. Defect groups by `id % 100` (residues 1–5), base × scale rows each. */
const GROUP = {
  blankName: { residue: 1, base: 3 },
  noGrade: { residue: 2, base: 4 },
  staleSinceReview: { residue: 3, base: 5 },
  badCheckDigit: { residue: 4, base: 3 },
  genderLabel: { residue: 5, base: 4 },
} as const;

export function studentStatusPlan(ctx: DemoContext): TablePlan {
  const n = ctx.rows.student_status;
  const s = ctx.scales.student_status;
  const c = (g: { base: number }): number => g.base * s;
  const where = (g: { residue: number; base: number }): string => pick('id', 100, g.residue, c(g));
  const review = ctx.events.studentStatusReview;
  const since = healthySince(ctx, [review], 90);
  const entryYear = '(2022 + g % 4)';
  const colleges = ORG_UNITS.length - OFFICE_COUNT;

  // Born in the year they turn 18 at entry.
  const stageB = `SELECT g, ${personStage(
    { sex: 'h0', birth: 'h1', area: 'h2', seq: 'h3', surname: 'h4', given: 'h5' },
    `make_date((${entryYear} - 18)::int, 1, 1)`,
    365,
    52,
  ).join(', ')}, h6, h7 FROM (${hashedSeries(n, 8, ctx.seed, 3)}) AS a OFFSET 0`;

  const major = pickFrom(MAJORS, `h6 % ${MAJORS.length}`);
  const insert = `INSERT INTO student_status (id, student_no, name, gender, birth_date, id_card, college_code, major, grade,
      class_name, enrollment_date, study_status, update_time)
    SELECT g, ${studentNo('g')}, ${PERSON_NAME}, ${PERSON_GENDER}, birth_date, ${PERSON_ID_CARD},
      lpad((${OFFICE_COUNT + 1} + h7 % ${colleges})::text, 3, '0'), ${major}, ${entryYear}::text,
      ${major} || right(${entryYear}::text, 2) || lpad((1 + (h6 >> 8) % 6)::text, 2, '0') || '班',
      make_date(${entryYear}::int, 9, 1), '在读', ${spreadTimestamp(`${since} 00:00:00`, freshNewest(ctx.today), 'h7')}
    FROM (${stageB}) AS b`;

  const staleDate = review ? addDays(review, -10) : null;
  const body17 = 'left(id_card, 17)';
  const updates = [
    `UPDATE student_status SET name = CASE WHEN id % 2 = 0 THEN '  ' ELSE NULL END WHERE ${where(GROUP.blankName)}`,
    `UPDATE student_status SET grade = CASE WHEN id % 2 = 0 THEN '' ELSE NULL END WHERE ${where(GROUP.noGrade)}`,
    `UPDATE student_status SET id_card = ${body17} || substr('10X98765432', ((${idCardChecksum(body17)} + 1 + id % 9) % 11)::int + 1, 1) WHERE ${where(GROUP.badCheckDigit)}`,
    `UPDATE student_status SET gender = CASE gender WHEN '1' THEN '男' ELSE '女' END WHERE ${where(GROUP.genderLabel)}`,
  ];
  if (staleDate) {
    updates.push(
      `UPDATE student_status SET update_time = ${timestampLit(`${staleDate} 15:00:00`)} WHERE ${where(GROUP.staleSinceReview)}`,
    );
  }

  const table = 'student_status' as const;
  const findings: Finding[] = [
    {
      kind: 'defect',
      table,
      field: 'name',
      check: 'required',
      rows: c(GROUP.blankName),
      description: { 'zh-CN': '姓名为空或仅含空格', en: 'name NULL or blank (spaces only)' },
    },
    {
      kind: 'defect',
      table,
      field: 'id_card',
      check: 'validate',
      rows: c(GROUP.badCheckDigit),
      description: { 'zh-CN': '身份证号校验码错误', en: 'id_card with a wrong check character' },
    },
    {
      kind: 'control',
      name: 'gender_labels',
      table,
      field: 'gender',
      check: 'codes',
      rows: c(GROUP.genderLabel),
      description: {
        'zh-CN': "性别写作名称 '男'/'女'（GB/T 2261.1 的名称同样有效），不应计入",
        en: "Gender written as the label '男'/'女' (GB/T 2261.1 labels are valid too): must not count",
      },
    },
  ];
  if (review) {
    findings.push(
      {
        kind: 'defect',
        table,
        field: 'grade',
        check: 'deadline',
        rows: c(GROUP.noGrade),
        description: {
          'zh-CN': `年级为空（学籍核查 ${review} 后30天的期限已过）`,
          en: `grade empty (30 days after the student status review on ${review} have passed)`,
        },
      },
      {
        kind: 'defect',
        table,
        field: 'grade',
        check: 'deadline',
        rows: c(GROUP.staleSinceReview),
        description: {
          'zh-CN': `${staleDate} 之后未更新，早于学籍核查 ${review}`,
          en: `Not updated since ${staleDate}, before the review on ${review}`,
        },
      },
    );
  } else {
    findings.push({
      kind: 'control',
      name: 'no_event_grade',
      table,
      field: 'grade',
      check: 'deadline',
      rows: c(GROUP.noGrade),
      description: {
        'zh-CN': '年级为空，但学籍核查期限尚未到，不应计入',
        en: 'grade empty, but no review deadline has passed yet: must not count',
      },
    });
  }

  return {
    name: table,
    rows: n,
    statements: [
      'DROP TABLE IF EXISTS student_status',
      `CREATE TABLE student_status (
        id bigint NOT NULL,
        student_no varchar(20),
        name varchar(50),
        gender varchar(4),
        birth_date date,
        id_card varchar(18),
        college_code varchar(10),
        major varchar(50),
        grade varchar(4),
        class_name varchar(60),
        enrollment_date date,
        study_status varchar(10),
        update_time timestamp without time zone
      )`,
      insert,
      ...updates,
      'ALTER TABLE student_status ADD PRIMARY KEY (id)',
      'CREATE INDEX student_status_student_no_idx ON student_status (student_no)',
    ],
    findings,
  };
}
