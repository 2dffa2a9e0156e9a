import { monthOf, yearOf } from '../dates';
import { DemoContext, Finding, TablePlan } from '../context';
import { PERSON_GENDER, PERSON_ID_CARD, PERSON_NAME, personStage } from '../person';
import { dateLit, hashedSeries, pickFrom, spreadTimestamp, timestampLit } from '../sql';
import { MAJORS } from '../vocabulary';

const SEASON = [7, 8, 9];

/**
 * 新生招生信息, maintained in July–September only (maintained_in: [7, 8, 9]). The rows come from the
 * latest finished admission season: old, yet out of season in any other month — a freshness check
 * must not flag them then. During the season they are last year's data, and that is a defect.
 */
export function freshmanAdmissionPlan(ctx: DemoContext): TablePlan {
  const n = ctx.rows.freshman_admission;
  const month = monthOf(ctx.today);
  const seasonYear = month >= 10 ? yearOf(ctx.today) : yearOf(ctx.today) - 1;
  const newest = `${seasonYear}-09-20 16:00:00`;
  const inSeason = SEASON.includes(month);
  const stageB = `SELECT g, ${personStage(
    { sex: 'h0', birth: 'h1', area: 'h2', seq: 'h3', surname: 'h4', given: 'h5' },
    dateLit(`${seasonYear - 18}-01-01`),
    365,
    51,
  ).join(', ')}, h6 FROM (${hashedSeries(n, 7, ctx.seed, 6)}) AS a OFFSET 0`;
  const table = 'freshman_admission' as const;
  const freshness: Finding = inSeason
    ? {
        kind: 'defect',
        table,
        field: null,
        check: 'freshness',
        rows: 1,
        newest,
        description: {
          'zh-CN': `招生季（7–9月）内最新数据仍是 ${newest}`,
          en: `In the admission season (July–September) the newest row is still ${newest}`,
        },
      }
    : {
        kind: 'control',
        name: 'out_of_season',
        table,
        field: null,
        check: 'freshness',
        rows: 0,
        description: {
          'zh-CN': `最新 update_time 为 ${newest}，已很旧，但本月不在维护月份（7、8、9月）内，不应报时效性问题`,
          en: `Newest update_time ${newest} is old, but this month is outside maintained_in (7, 8, 9): no freshness problem`,
        },
      };
  return {
    name: table,
    rows: n,
    statements: [
      'DROP TABLE IF EXISTS freshman_admission',
      `CREATE TABLE freshman_admission (
        exam_no varchar(14) NOT NULL,
        name varchar(50),
        gender varchar(2),
        id_card varchar(18),
        province_code varchar(6),
        major varchar(50),
        total_score numeric(5, 1),
        admission_status varchar(10),
        update_time timestamp without time zone
      )`,
      // 考生号: two-digit year, province, then a running number.
      `INSERT INTO freshman_admission (exam_no, name, gender, id_card, province_code, major, total_score, admission_status, update_time)
        SELECT '${String(seasonYear % 100).padStart(2, '0')}' || left(id_body, 2) || lpad(g::text, 10, '0'),
          ${PERSON_NAME}, ${PERSON_GENDER}, ${PERSON_ID_CARD}, left(id_body, 2) || '0000',
          ${pickFrom(MAJORS, `h6 % ${MAJORS.length}`)}, (450 + h6 % 250 + ((h6 >> 8) % 10) / 10.0)::numeric(5, 1), '已录取',
          CASE WHEN g = ${n} THEN ${timestampLit(newest)} ELSE ${spreadTimestamp(`${seasonYear}-07-01 08:00:00`, newest, '(h6 >> 12)')} END
        FROM (${stageB}) AS b`,
      'ALTER TABLE freshman_admission ADD PRIMARY KEY (exam_no)',
    ],
    findings: [freshness],
  };
}
