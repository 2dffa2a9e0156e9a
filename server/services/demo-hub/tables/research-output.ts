import { yearOf } from '../dates';
import { DemoContext, Finding, TablePlan, freshNewest, healthySince } from '../context';
import { hashedSeries, pick, pickFrom, spreadTimestamp, staffNo } from '../sql';
import { OUTPUT_TOPICS, OUTPUT_TYPES, RESEARCH_AREAS } from '../vocabulary';
import { referencedStaffId } from './staff-basic';

const GROUP = {
  noAudit: { residue: 1, base: 6 },
  noStaffNo: { residue: 2, base: 2 },
  orphanStaff: { residue: 3, base: 3 },
} as const;

/** 科研成果: every row is due once the year-end deadline (12-31 + 15 days) has passed. */
export function researchOutputPlan(ctx: DemoContext): TablePlan {
  const n = ctx.rows.research_output;
  const s = ctx.scales.research_output;
  const c = (g: { base: number }): number => g.base * s;
  const where = (g: { residue: number; base: number }): string => pick('output_id', 100, g.residue, c(g));
  const yearEnd = ctx.events.yearEnd;
  const since = healthySince(ctx, [yearEnd], 180);
  const year = yearOf(ctx.today);
  const table = 'research_output' as const;
  const findings: Finding[] = [
    {
      kind: 'defect',
      table,
      field: 'staff_no',
      check: 'required',
      rows: c(GROUP.noStaffNo),
      description: { 'zh-CN': '职工号为空', en: 'staff_no NULL' },
    },
    {
      kind: 'defect',
      table,
      field: 'staff_no',
      check: 'references',
      rows: c(GROUP.orphanStaff),
      description: { 'zh-CN': "职工号（'09…'）在 staff_basic 中不存在", en: "staff_no ('09…') not in staff_basic" },
    },
    yearEnd
      ? {
          kind: 'defect',
          table,
          field: 'audited',
          check: 'deadline',
          rows: c(GROUP.noAudit),
          description: {
            'zh-CN': `年度审核标记为空（${yearEnd} 年末后15天的期限已过）`,
            en: `audited empty (15 days after the year end ${yearEnd} have passed)`,
          },
        }
      : {
          kind: 'control',
          name: 'no_event_audited',
          table,
          field: 'audited',
          check: 'deadline',
          rows: c(GROUP.noAudit),
          description: {
            'zh-CN': '年度审核标记为空，但年末期限尚未到，不应计入',
            en: 'audited empty, but no year-end deadline has passed yet: must not count',
          },
        },
  ];
  return {
    name: table,
    rows: n,
    statements: [
      'DROP TABLE IF EXISTS research_output',
      `CREATE TABLE research_output (
        output_id bigint NOT NULL,
        staff_no varchar(20),
        title varchar(200),
        output_type varchar(20),
        publish_year smallint,
        audited varchar(2),
        update_time timestamp without time zone
      )`,
      `INSERT INTO research_output (output_id, staff_no, title, output_type, publish_year, audited, update_time)
        SELECT g, ${staffNo(referencedStaffId(ctx, 'h0'))},
          '面向' || ${pickFrom(RESEARCH_AREAS, `h1 % ${RESEARCH_AREAS.length}`)} || '的' || ${pickFrom(OUTPUT_TOPICS, `(h1 >> 8) % ${OUTPUT_TOPICS.length}`)},
          ${pickFrom(OUTPUT_TYPES, `h2 % ${OUTPUT_TYPES.length}`)}, ${year - 5} + (h2 >> 8) % 6,
          CASE WHEN h3 % 10 < 8 THEN '是' ELSE '否' END, ${spreadTimestamp(`${since} 00:00:00`, freshNewest(ctx.today), 'h3 >> 4')}
        FROM (${hashedSeries(n, 4, ctx.seed, 8)}) AS a`,
      `UPDATE research_output SET audited = CASE WHEN output_id % 2 = 0 THEN '' ELSE NULL END WHERE ${where(GROUP.noAudit)}`,
      `UPDATE research_output SET staff_no = NULL WHERE ${where(GROUP.noStaffNo)}`,
      `UPDATE research_output SET staff_no = '09' || lpad(output_id::text, 6, '0') WHERE ${where(GROUP.orphanStaff)}`,
      'ALTER TABLE research_output ADD PRIMARY KEY (output_id)',
    ],
    findings,
  };
}
