import { addDays } from '../dates';
import { DemoContext, Finding, TablePlan, freshNewest, healthySince } from '../context';
import { PERSON_GENDER, PERSON_ID_CARD, PERSON_NAME, PERSON_PINYIN, personStage } from '../person';
import { dateLit, hashedSeries, idCardCheckDigit, idCardChecksum, pick, pickFrom, spreadTimestamp, staffNo, timestampLit } from '../sql';
import { DUTY_STATUSES, ORG_UNITS, RESEARCH_AREAS, TITLE_RANKS } from '../vocabulary';

/**
 * 教职工基本信息. Rows are grouped by `id % 100`: residues 1–19 carry one injected defect each (the
 * first `base × scale` ids of the residue), residues 0–59 are always in scope (在职) so the counts are
 * exact, residues 50–59 are the staff research outputs and loans point at, and 70–94 are what
 * `stageHeadcountDrop` deletes. Residues 60–99 get a realistic mix of 在职/退休/离职.
 */
const GROUP = {
  dueNoStaffNo: { residue: 1, base: 4 },
  dueNoName: { residue: 2, base: 3 },
  dueNoIdCard: { residue: 3, base: 5 },
  notYetDue: { residue: 4, base: 6 },
  outOfScope: { residue: 5, base: 5 },
  badCheckDigit: { residue: 6, base: 7 },
  badBirthDate: { residue: 7, base: 3 },
  badGender: { residue: 8, base: 4 },
  badPoliticalStatus: { residue: 9, base: 3 },
  badStaffNo: { residue: 10, base: 5 },
  duplicateStaffNo: { residue: 11, base: 5 },
  orphanUnit: { residue: 12, base: 6 },
  badMobile: { residue: 13, base: 4 },
  badEmail: { residue: 14, base: 3 },
  staleSinceSemester: { residue: 15, base: 8 },
  noDutyStatus: { residue: 16, base: 2 },
  noResearchArea: { residue: 17, base: 3 },
  noTitleRank: { residue: 18, base: 2 },
  noPoliticalStatus: { residue: 19, base: 2 },
} as const;

/** A duplicated staff number is copied from the row this many ids further on (residue 51, healthy). */
const DUPLICATE_SOURCE_OFFSET = 40;
/** Residues of the staff that research outputs and loans refer to (never touched by a defect). */
export const REFERENCED_STAFF_RESIDUES = { from: 50, count: 10 };
/** Residues deleted by `stageHeadcountDrop`: 25 of 100, a 25 % drop. */
export const HEADCOUNT_DROP_RESIDUES = { from: 70, to: 94 };

/** Month-day pairs that no calendar has, for ID numbers with an impossible birth date. */
const INVALID_MONTH_DAYS = ['0230', '0231', '1301', '0431', '0631', '0931', '1131', '1200', '0000'];

/** SQL for the id of a referenced staff member chosen by a hash. */
export function referencedStaffId(ctx: DemoContext, hash: string): string {
  const hundreds = ctx.rows.staff_basic / 100;
  return `(100 * (${hash} % ${hundreds}) + ${REFERENCED_STAFF_RESIDUES.from} + (${hash} >> 20) % ${REFERENCED_STAFF_RESIDUES.count})`;
}

const EMPTY_VARIANTS = `CASE id % 3 WHEN 0 THEN NULL WHEN 1 THEN '' ELSE '  ' END`;

export function staffBasicPlan(ctx: DemoContext): TablePlan {
  const n = ctx.rows.staff_basic;
  const scale = ctx.scales.staff_basic;
  const count = (g: { base: number }): number => g.base * scale;
  const where = (g: { residue: number; base: number }): string => pick('id', 100, g.residue, count(g));
  const ev = ctx.events;
  const since = healthySince(ctx, [ev.semesterStart, ev.academicYearStart, ev.rankDocumentsIssued], 90);
  const newest = freshNewest(ctx.today);
  const latestReport = addDays(ctx.today, -30);
  const reportSpan = Math.max(1, Math.round((Date.parse(latestReport) - Date.parse('1988-07-01')) / 86_400_000));

  const stageB = `SELECT g, ${personStage(
    { sex: 'h0', birth: 'h1', area: 'h2', seq: 'h3', surname: 'h4', given: 'h5' },
    dateLit('1960-01-01'),
    15_700,
    58,
  ).join(', ')}, h6, h7, h8, h9, h10, h11, h12, h13 FROM (${hashedSeries(n, 14, ctx.seed, 2)}) AS a OFFSET 0`;

  const politicalStatus = `CASE WHEN h10 % 100 < 42 THEN '01' WHEN h10 % 100 < 45 THEN '02' WHEN h10 % 100 < 52 THEN '03'
    WHEN h10 % 100 < 58 THEN lpad((4 + (h10 >> 8) % 9)::text, 2, '0') ELSE '13' END`;
  const employmentStatus = `CASE WHEN g % 100 < 60 THEN '在职' WHEN (h13 >> 12) % 100 < 75 THEN '在职'
    WHEN (h13 >> 12) % 100 < 92 THEN '退休' ELSE '离职' END`;
  // Hired between 1988 and a month ago, and not before the age of 22.
  const reportDate = `least(greatest(birth_date + 8036, ${dateLit('1988-07-01')} + ((h11 >> 8) % ${reportSpan})::int), ${dateLit(latestReport)})`;
  const updateTime = `CASE WHEN g = ${n} THEN ${timestampLit(newest)} ELSE greatest(${spreadTimestamp(`${since} 00:00:00`, newest, 'h12')}, ${reportDate} + interval '10 hours') END`;
  const email = `${PERSON_PINYIN} || CASE WHEN h13 % 3 = 0 THEN '' ELSE ((h13 >> 4) % 100)::text END || '@example.edu.cn'`;

  const insert = `INSERT INTO staff_basic (id, staff_no, name, gender, birth_date, id_card, ethnicity, unit_code, duty_status,
      title_rank, political_status, research_area, mobile, email, employment_status, report_date, update_time)
    SELECT g, ${staffNo('g')}, ${PERSON_NAME}, ${PERSON_GENDER}, birth_date, ${PERSON_ID_CARD},
      CASE WHEN h6 % 100 < 92 THEN '01' ELSE lpad((2 + (h6 >> 8) % 55)::text, 2, '0') END,
      lpad((1 + h7 % ${ORG_UNITS.length})::text, 3, '0'),
      CASE WHEN h8 % 10 < 9 THEN '在岗' ELSE ${pickFrom(DUTY_STATUSES, `1 + (h8 >> 4) % ${DUTY_STATUSES.length - 1}`)} END,
      ${pickFrom(TITLE_RANKS, `h9 % ${TITLE_RANKS.length}`)},
      ${politicalStatus},
      ${pickFrom(RESEARCH_AREAS, `h11 % ${RESEARCH_AREAS.length}`)},
      '1' || ${pickFrom(['3', '5', '7', '8', '9'], 'h12 % 5')} || lpad(((h12 >> 3) % 1000000000)::text, 9, '0'),
      ${email}, ${employmentStatus}, ${reportDate}, ${updateTime}
    FROM (${stageB}) AS b`;

  const dueReport = addDays(ctx.today, -10);
  const notDueReport = addDays(ctx.today, -2);
  const dueUpdate = `greatest(update_time, ${timestampLit(`${dueReport} 10:00:00`)})`;
  const staleDate = ev.semesterStart ? addDays(ev.semesterStart, -20) : null;
  const body17 = 'left(id_card, 17)';
  const badBirthBody = `left(id_card, 10) || ${pickFrom(INVALID_MONTH_DAYS, `id % ${INVALID_MONTH_DAYS.length}`)} || substr(id_card, 15, 3)`;

  const updates = [
    `UPDATE staff_basic SET staff_no = ${EMPTY_VARIANTS}, report_date = ${dateLit(dueReport)}, update_time = ${dueUpdate} WHERE ${where(GROUP.dueNoStaffNo)}`,
    `UPDATE staff_basic SET name = ${EMPTY_VARIANTS}, report_date = ${dateLit(dueReport)}, update_time = ${dueUpdate} WHERE ${where(GROUP.dueNoName)}`,
    `UPDATE staff_basic SET id_card = ${EMPTY_VARIANTS}, report_date = ${dateLit(dueReport)}, update_time = ${dueUpdate} WHERE ${where(GROUP.dueNoIdCard)}`,
    `UPDATE staff_basic SET staff_no = NULL, name = '', id_card = NULL, report_date = ${dateLit(notDueReport)},
      update_time = greatest(update_time, ${timestampLit(`${notDueReport} 10:00:00`)}) WHERE ${where(GROUP.notYetDue)}`,
    // Everything wrong, but 离职: outside the catalog's scope, so no field check may count these rows.
    `UPDATE staff_basic SET employment_status = '离职', staff_no = NULL, name = '', id_card = '41010219990230123X',
      gender = '3', political_status = 'XX', unit_code = '999', duty_status = NULL, title_rank = NULL, research_area = NULL,
      mobile = '123', email = 'n/a', report_date = ${dateLit('2019-07-01')}, update_time = ${timestampLit('2020-01-10 09:00:00')}
      WHERE ${where(GROUP.outOfScope)}`,
    // Offset 1–9 from the right checksum: always a wrong check character.
    `UPDATE staff_basic SET id_card = ${body17} || substr('10X98765432', ((${idCardChecksum(body17)} + 1 + id % 9) % 11)::int + 1, 1) WHERE ${where(GROUP.badCheckDigit)}`,
    // Impossible birth date but a correct check character: only the date makes it invalid.
    `UPDATE staff_basic SET id_card = ${badBirthBody} || ${idCardCheckDigit(`(${badBirthBody})`)} WHERE ${where(GROUP.badBirthDate)}`,
    `UPDATE staff_basic SET gender = '3' WHERE ${where(GROUP.badGender)}`,
    `UPDATE staff_basic SET political_status = 'XX' WHERE ${where(GROUP.badPoliticalStatus)}`,
    `UPDATE staff_basic SET staff_no = CASE WHEN id % 2 = 0 THEN 'T' || staff_no ELSE substr(staff_no, 2) END WHERE ${where(GROUP.badStaffNo)}`,
    `UPDATE staff_basic SET staff_no = ${staffNo(`id + ${DUPLICATE_SOURCE_OFFSET}`)} WHERE ${where(GROUP.duplicateStaffNo)}`,
    `UPDATE staff_basic SET unit_code = '999' WHERE ${where(GROUP.orphanUnit)}`,
    `UPDATE staff_basic SET mobile = CASE id % 3 WHEN 0 THEN substr(mobile, 1, 10) WHEN 1 THEN '12' || substr(mobile, 3) ELSE mobile || '8' END WHERE ${where(GROUP.badMobile)}`,
    `UPDATE staff_basic SET email = CASE id % 3 WHEN 0 THEN replace(email, '@', '#') WHEN 1 THEN split_part(email, '@', 1) || '@' ELSE replace(email, '@', '@@') END WHERE ${where(GROUP.badEmail)}`,
    `UPDATE staff_basic SET duty_status = ${EMPTY_VARIANTS} WHERE ${where(GROUP.noDutyStatus)}`,
    `UPDATE staff_basic SET research_area = ${EMPTY_VARIANTS} WHERE ${where(GROUP.noResearchArea)}`,
    `UPDATE staff_basic SET title_rank = ${EMPTY_VARIANTS} WHERE ${where(GROUP.noTitleRank)}`,
    `UPDATE staff_basic SET political_status = ${EMPTY_VARIANTS} WHERE ${where(GROUP.noPoliticalStatus)}`,
  ];
  if (staleDate) {
    updates.push(
      `UPDATE staff_basic SET update_time = ${timestampLit(`${staleDate} 09:00:00`)} + interval '1 second' * (id % 3600),
        report_date = least(report_date, ${dateLit(addDays(staleDate, -60))}) WHERE ${where(GROUP.staleSinceSemester)}`,
    );
  }

  return {
    name: 'staff_basic',
    rows: n,
    statements: [
      'DROP TABLE IF EXISTS staff_basic',
      `CREATE TABLE staff_basic (
        id bigint NOT NULL,
        staff_no varchar(20),
        name varchar(50),
        gender varchar(2),
        birth_date date,
        id_card varchar(18),
        ethnicity varchar(2),
        unit_code varchar(10),
        duty_status varchar(20),
        title_rank varchar(30),
        political_status varchar(2),
        research_area varchar(100),
        mobile varchar(20),
        email varchar(100),
        employment_status varchar(10),
        report_date date,
        update_time timestamp without time zone
      )`,
      insert,
      ...updates,
      // Surrogate key: the catalog's key staff_no is deliberately neither primary nor unique here.
      'ALTER TABLE staff_basic ADD PRIMARY KEY (id)',
      'CREATE INDEX staff_basic_staff_no_idx ON staff_basic (staff_no)',
    ],
    findings: staffFindings(ctx, staleDate, newest),
  };
}

function staffFindings(ctx: DemoContext, staleDate: string | null, newest: string): Finding[] {
  const s = ctx.scales.staff_basic;
  const c = (g: { base: number }): number => g.base * s;
  const ev = ctx.events;
  const table = 'staff_basic' as const;
  const defect = (field: string | null, check: Finding['check'], rows: number, zh: string, en: string, extra: Partial<Finding> = {}): Finding => ({
    kind: 'defect', table, field, check, rows, description: { 'zh-CN': zh, en }, ...extra,
  });
  const control = (name: string, field: string | null, check: Finding['check'], rows: number, zh: string, en: string): Finding => ({
    kind: 'control', name, table, field, check, rows, description: { 'zh-CN': zh, en },
  });

  const findings: Finding[] = [
    control('fresh', null, 'freshness', 0, `最新 update_time 为 ${newest}，未超过24小时，不应报时效性问题`, `Newest update_time is ${newest}, under 24 h old: no freshness problem`),
    defect('staff_no', 'deadline', c(GROUP.dueNoStaffNo), '在职、报到已超过7天（报到日期为10天前）但职工号为空', 'In scope (在职), reported 10 days ago (past the 7-day deadline), staff_no empty'),
    defect('name', 'deadline', c(GROUP.dueNoName), '在职、报到已超过7天但姓名为空', 'In scope, reported 10 days ago, name empty'),
    defect('id_card', 'deadline', c(GROUP.dueNoIdCard), '在职、报到已超过7天但身份证号为空', 'In scope, reported 10 days ago, id_card empty'),
    ...['staff_no', 'name', 'id_card'].map((field) =>
      control('not_yet_due', field, 'deadline', c(GROUP.notYetDue), `报到仅2天（${field} 与另两项同为空），尚未到期，不应计入`, `Reported 2 days ago with ${field} (and the other two of staff_no, name, id_card) empty: not yet due, must not count`)),
    control('out_of_scope', null, 'deadline', c(GROUP.outOfScope), '离职人员（不在 scope 内）：各字段为空或无效、长期未更新，任何字段检查都不应计入', 'Left the university (离职, outside the scope): empty or invalid fields and stale rows, no field check may count them'),
    defect('id_card', 'validate', c(GROUP.badCheckDigit) + c(GROUP.badBirthDate),
      `${c(GROUP.badCheckDigit)} 行校验码错误；${c(GROUP.badBirthDate)} 行出生日期不存在（如0230、1301），校验码正确`,
      `${c(GROUP.badCheckDigit)} rows with a wrong check character; ${c(GROUP.badBirthDate)} rows with an impossible birth date (e.g. 0230, 1301) and a correct check character`),
    defect('gender', 'codes', c(GROUP.badGender), "性别代码为 '3'，不在 GB/T 2261.1 中", "Gender code '3', not in GB/T 2261.1"),
    defect('political_status', 'codes', c(GROUP.badPoliticalStatus), "政治面貌为 'XX'，不在 GB/T 4762 中", "Political status 'XX', not in GB/T 4762"),
    defect('staff_no', 'pattern', c(GROUP.badStaffNo), "职工号不是8位数字（如 'T10000010'、'0000110'）", "staff_no is not 8 digits (e.g. 'T10000010', '0000110')"),
    defect('staff_no', 'unique', 2 * c(GROUP.duplicateStaffNo),
      `${c(GROUP.duplicateStaffNo)} 个职工号各出现在2行（共 ${2 * c(GROUP.duplicateStaffNo)} 行）`,
      `${c(GROUP.duplicateStaffNo)} staff numbers each on 2 rows (${2 * c(GROUP.duplicateStaffNo)} rows)`,
      { values: c(GROUP.duplicateStaffNo) }),
    defect('unit_code', 'references', c(GROUP.orphanUnit), "部门代码 '999' 在 org_unit 中不存在（已撤销单位）", "unit_code '999' is not in org_unit (a dissolved unit)"),
    defect('mobile', 'validate', c(GROUP.badMobile), '手机号为10位、12位或以12开头', 'Mobile with 10 or 12 digits, or starting with 12'),
    defect('email', 'validate', c(GROUP.badEmail), "电子邮箱缺少@、缺少域名或含'@@'", "E-mail without '@', without domain, or with '@@'"),
  ];

  // after_event deadlines: a row is due for every passed event; violations are empty values and rows
  // not updated since the event.
  const afterEvent: { field: string; e: string | null; empty: { residue: number; base: number } }[] = [
    { field: 'duty_status', e: ev.semesterStart, empty: GROUP.noDutyStatus },
    { field: 'title_rank', e: ev.rankDocumentsIssued, empty: GROUP.noTitleRank },
    { field: 'political_status', e: ev.rankDocumentsIssued, empty: GROUP.noPoliticalStatus },
    { field: 'research_area', e: ev.academicYearStart, empty: GROUP.noResearchArea },
  ];
  for (const { field, e, empty } of afterEvent) {
    if (!e) {
      findings.push(control(`no_event_${field}`, field, 'deadline', c(empty), `${field} 为空，但截止事件尚未到期，不应计入`, `${field} empty, but no event deadline has passed yet: must not count`));
      continue;
    }
    findings.push(defect(field, 'deadline', c(empty), `${field} 为空（事件 ${e} 之后7天的期限已过）`, `${field} empty (the 7 days after the event on ${e} have passed)`));
    if (staleDate && staleDate < e) {
      findings.push(defect(field, 'deadline', c(GROUP.staleSinceSemester),
        `${staleDate} 之后未更新，早于事件 ${e}`, `Not updated since ${staleDate}, before the event on ${e}`));
    }
  }
  findings.push(control('first_run', null, 'rule:staff_headcount_drop', 0,
    '重置后首次检查没有上次结果可比，不应触发；调用 stageHeadcountDrop() 删除25%在册记录后再检查才会触发',
    'The first check after a reset has no previous run to compare with and must not fire; it fires after stageHeadcountDrop() deletes 25 % of the rows'));
  return findings;
}
