import { addDays } from '../dates';
import { DemoContext, TablePlan } from '../context';
import { hashedSeries, pick, pickFrom, spreadTimestamp, staffNo, studentNo, timestampLit } from '../sql';
import { BOOKS } from '../vocabulary';
import { referencedStaffId } from './staff-basic';

/** One loan in 50 has no reader number: a 2 % null ratio, over the catalog rule's 1 %. */
const NO_READER = { modulus: 50, residue: 7 };
const STALE_DAYS = 3;

/** 图书借阅: the library's nightly sync stopped three days ago. */
export function libraryLoanPlan(ctx: DemoContext): TablePlan {
  const n = ctx.rows.library_loan;
  const newestDay = addDays(ctx.today, -STALE_DAYS);
  const newest = `${newestDay} 00:30:00`;
  const noReader = n / NO_READER.modulus;
  const reader = `CASE WHEN ${pick('g', NO_READER.modulus, NO_READER.residue, noReader)} THEN NULL
    WHEN h0 % 10 < 7 THEN ${studentNo(`1 + (h0 >> 4) % ${ctx.rows.student_status}`)}
    ELSE ${staffNo(referencedStaffId(ctx, 'h0'))} END`;
  const syncTime = `CASE WHEN g = ${n} THEN ${timestampLit(newest)} ELSE ${spreadTimestamp(`${addDays(newestDay, -365)} 00:00:00`, newest, 'h2')} END`;
  const table = 'library_loan' as const;
  return {
    name: table,
    rows: n,
    statements: [
      'DROP TABLE IF EXISTS library_loan',
      `CREATE TABLE library_loan (
        loan_id bigint NOT NULL,
        reader_no varchar(20),
        book_barcode varchar(20),
        book_title varchar(100),
        loan_time timestamp without time zone,
        due_date date,
        return_time timestamp without time zone,
        sync_time timestamp without time zone
      )`,
      // Seven loans in ten are returned; loan and return precede the sync that carried them.
      `INSERT INTO library_loan (loan_id, reader_no, book_barcode, book_title, loan_time, due_date, return_time, sync_time)
        SELECT g, ${reader}, 'B' || lpad((h1 % 200000)::text, 7, '0'), ${pickFrom(BOOKS, `h1 % ${BOOKS.length}`)},
          sync_time - interval '1 minute' * (1440 + h3 % 86400), (sync_time - interval '1 minute' * (1440 + h3 % 86400))::date + 30,
          CASE WHEN h4 % 10 < 7 THEN sync_time - interval '1 minute' * (h4 % 600) ELSE NULL END, sync_time
        FROM (SELECT a.*, ${syncTime} AS sync_time FROM (${hashedSeries(n, 5, ctx.seed, 7)}) AS a) AS b`,
      'ALTER TABLE library_loan ADD PRIMARY KEY (loan_id)',
    ],
    findings: [
      {
        kind: 'defect',
        table,
        field: null,
        check: 'freshness',
        rows: 1,
        newest,
        description: {
          'zh-CN': `最新 sync_time 为 ${newest}（${STALE_DAYS}天前），超过24小时`,
          en: `Newest sync_time is ${newest} (${STALE_DAYS} days ago), over 24 h`,
        },
      },
      {
        kind: 'defect',
        table,
        field: null,
        check: 'rule:loan_reader_missing',
        rows: noReader,
        description: {
          'zh-CN': `读者号为空 ${noReader} 行，占 2%（规则阈值 1%）`,
          en: `reader_no NULL on ${noReader} rows, 2 % (the rule's threshold is 1 %)`,
        },
      },
    ],
  };
}
