import { addDays } from '../dates';
import { DemoContext, TablePlan, freshNewest, healthySince } from '../context';
import { staffFindings } from './staff-basic-findings';
import { STAFF_GROUPS } from './staff-groups';
import { PERSON_GENDER, PERSON_ID_CARD, PERSON_NAME, PERSON_PINYIN, personStage } from '../person';
import {
  dateLit,
  hashedSeries,
  idCardCheckDigit,
  idCardChecksum,
  pick,
  pickFrom,
  spreadTimestamp,
  staffNo,
  timestampLit,
} from '../sql';
import { DUTY_STATUSES, ORG_UNITS, RESEARCH_AREAS, TITLE_RANKS } from '../vocabulary';

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
    `UPDATE staff_basic SET staff_no = ${EMPTY_VARIANTS}, report_date = ${dateLit(dueReport)}, update_time = ${dueUpdate} WHERE ${where(STAFF_GROUPS.dueNoStaffNo)}`,
    `UPDATE staff_basic SET name = ${EMPTY_VARIANTS}, report_date = ${dateLit(dueReport)}, update_time = ${dueUpdate} WHERE ${where(STAFF_GROUPS.dueNoName)}`,
    `UPDATE staff_basic SET id_card = ${EMPTY_VARIANTS}, report_date = ${dateLit(dueReport)}, update_time = ${dueUpdate} WHERE ${where(STAFF_GROUPS.dueNoIdCard)}`,
    `UPDATE staff_basic SET staff_no = NULL, name = '', id_card = NULL, report_date = ${dateLit(notDueReport)},
      update_time = greatest(update_time, ${timestampLit(`${notDueReport} 10:00:00`)}) WHERE ${where(STAFF_GROUPS.notYetDue)}`,
    // Everything wrong, but 离职: outside the catalog's scope, so no field check may count these rows.
    `UPDATE staff_basic SET employment_status = '离职', staff_no = NULL, name = '', id_card = '41010219990230123X',
      gender = '3', political_status = 'XX', unit_code = '999', duty_status = NULL, title_rank = NULL, research_area = NULL,
      mobile = '123', email = 'n/a', report_date = ${dateLit('2019-07-01')}, update_time = ${timestampLit('2020-01-10 09:00:00')}
      WHERE ${where(STAFF_GROUPS.outOfScope)}`,
    // Offset 1–9 from the right checksum: always a wrong check character.
    `UPDATE staff_basic SET id_card = ${body17} || substr('10X98765432', ((${idCardChecksum(body17)} + 1 + id % 9) % 11)::int + 1, 1) WHERE ${where(STAFF_GROUPS.badCheckDigit)}`,
    // Impossible birth date but a correct check character: only the date makes it invalid.
    `UPDATE staff_basic SET id_card = ${badBirthBody} || ${idCardCheckDigit(`(${badBirthBody})`)} WHERE ${where(STAFF_GROUPS.badBirthDate)}`,
    `UPDATE staff_basic SET gender = '3' WHERE ${where(STAFF_GROUPS.badGender)}`,
    `UPDATE staff_basic SET political_status = 'XX' WHERE ${where(STAFF_GROUPS.badPoliticalStatus)}`,
    `UPDATE staff_basic SET staff_no = CASE WHEN id % 2 = 0 THEN 'T' || staff_no ELSE substr(staff_no, 2) END WHERE ${where(STAFF_GROUPS.badStaffNo)}`,
    `UPDATE staff_basic SET staff_no = ${staffNo(`id + ${DUPLICATE_SOURCE_OFFSET}`)} WHERE ${where(STAFF_GROUPS.duplicateStaffNo)}`,
    `UPDATE staff_basic SET unit_code = '999' WHERE ${where(STAFF_GROUPS.orphanUnit)}`,
    `UPDATE staff_basic SET mobile = CASE id % 3 WHEN 0 THEN substr(mobile, 1, 10) WHEN 1 THEN '12' || substr(mobile, 3) ELSE mobile || '8' END WHERE ${where(STAFF_GROUPS.badMobile)}`,
    `UPDATE staff_basic SET email = CASE id % 3 WHEN 0 THEN replace(email, '@', '#') WHEN 1 THEN split_part(email, '@', 1) || '@' ELSE replace(email, '@', '@@') END WHERE ${where(STAFF_GROUPS.badEmail)}`,
    `UPDATE staff_basic SET duty_status = ${EMPTY_VARIANTS} WHERE ${where(STAFF_GROUPS.noDutyStatus)}`,
    `UPDATE staff_basic SET research_area = ${EMPTY_VARIANTS} WHERE ${where(STAFF_GROUPS.noResearchArea)}`,
    `UPDATE staff_basic SET title_rank = ${EMPTY_VARIANTS} WHERE ${where(STAFF_GROUPS.noTitleRank)}`,
    `UPDATE staff_basic SET political_status = ${EMPTY_VARIANTS} WHERE ${where(STAFF_GROUPS.noPoliticalStatus)}`,
  ];
  if (staleDate) {
    updates.push(
      `UPDATE staff_basic SET update_time = ${timestampLit(`${staleDate} 09:00:00`)} + interval '1 second' * (id % 3600),
        report_date = least(report_date, ${dateLit(addDays(staleDate, -60))}) WHERE ${where(STAFF_GROUPS.staleSinceSemester)}`,
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
