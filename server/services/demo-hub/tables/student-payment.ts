import { addDays } from '../dates';
import { DemoContext, TablePlan, freshControl, freshNewest } from '../context';
import { hashedSeries, pick, pickFrom, spreadTimestamp, studentNo, timestampLit } from '../sql';
import { PAY_ITEMS } from '../vocabulary';

const GROUP = {
  orphanStudent: { residue: 1, base: 6 },
  noAmount: { residue: 2, base: 2 },
} as const;

/** 学生缴费信息: fresh (synced daily), with orphan student numbers and missing amounts. */
export function studentPaymentPlan(ctx: DemoContext): TablePlan {
  const n = ctx.rows.student_payment;
  const s = ctx.scales.student_payment;
  const c = (g: { base: number }): number => g.base * s;
  const where = (g: { residue: number; base: number }): string => pick('payment_id', 100, g.residue, c(g));
  const newest = freshNewest(ctx.today);
  const item = `(h1 % 10)`;
  const syncTime = `CASE WHEN g = ${n} THEN ${timestampLit(newest)} ELSE ${spreadTimestamp(`${addDays(ctx.today, -180)} 00:00:00`, newest, 'h3')} END`;
  const table = 'student_payment' as const;
  return {
    name: table,
    rows: n,
    statements: [
      'DROP TABLE IF EXISTS student_payment',
      `CREATE TABLE student_payment (
        payment_id bigint NOT NULL,
        student_no varchar(20),
        pay_item varchar(20),
        academic_year varchar(9),
        amount numeric(10, 2),
        pay_time timestamp without time zone,
        sync_time timestamp without time zone
      )`,
      // Tuition six times in ten, accommodation three, textbooks one.
      `INSERT INTO student_payment (payment_id, student_no, pay_item, academic_year, amount, pay_time, sync_time)
        SELECT g, ${studentNo(`1 + h0 % ${ctx.rows.student_status}`)},
          CASE WHEN ${item} < 6 THEN ${pickFrom(PAY_ITEMS, '0')} WHEN ${item} < 9 THEN ${pickFrom(PAY_ITEMS, '1')} ELSE ${pickFrom(PAY_ITEMS, '2')} END,
          ${pickFrom(['2023-2024', '2024-2025', '2025-2026', '2026-2027'], 'h2 % 4')},
          (CASE WHEN ${item} < 6 THEN 4400 + (h2 >> 4) % 5 * 600 WHEN ${item} < 9 THEN 1200 ELSE 150 + (h2 >> 4) % 300 END)::numeric(10, 2),
          sync_time - interval '1 minute' * (1 + h4 % 600), sync_time
        FROM (SELECT a.*, ${syncTime} AS sync_time FROM (${hashedSeries(n, 5, ctx.seed, 4)}) AS a) AS b`,
      // Students who graduated in 2019 were removed from student_status; their payments remain.
      `UPDATE student_payment SET student_no = '2019' || lpad(payment_id::text, 8, '0') WHERE ${where(GROUP.orphanStudent)}`,
      `UPDATE student_payment SET amount = NULL WHERE ${where(GROUP.noAmount)}`,
      'ALTER TABLE student_payment ADD PRIMARY KEY (payment_id)',
    ],
    findings: [
      freshControl(table, 'sync_time', newest),
      {
        kind: 'defect',
        table,
        field: 'student_no',
        check: 'references',
        rows: c(GROUP.orphanStudent),
        description: { 'zh-CN': "学号（'2019…'）在 student_status 中不存在", en: "student_no ('2019…') not in student_status" },
      },
      {
        kind: 'defect',
        table,
        field: 'amount',
        check: 'required',
        rows: c(GROUP.noAmount),
        description: { 'zh-CN': '金额为空', en: 'amount NULL' },
      },
    ],
  };
}
