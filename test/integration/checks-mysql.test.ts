import knexFactory, { type Knex } from 'knex';
import { runChecks, runTableChecks } from '../../rules/engine';
import { catalogField as field, catalogTable } from '../../rules/testing';
import type { CheckContext, TableCheckOutcome } from '../../rules/types';
import { createCalendar } from '../../server/services/calendar';
import type { Catalog } from '../../server/services/catalog/types';
import { createMariadbDatabase, MARIADB, MariadbDatabase, mariadbTestsRun } from '../helpers/mariadb';

// The check engine on a MySQL/MariaDB hub: MariaDB at 127.0.0.1:3306, root, no password (test/helpers/mariadb.ts;
// `.ci/run` starts it). Outside CI the tests are skipped, with a note, where no MariaDB answers.

const TZ = 'Asia/Shanghai';
const calendar = createCalendar({
  timezone: TZ,
  events: [{ name: 'semester_start', dates: ['2026-02-23'], yearly: [] }],
  holidays: [],
  workdays: [],
});
const ctx: CheckContext = { now: new Date('2026-03-10T10:00:00+08:00'), timezone: TZ, calendar, dialect: 'mysql' };

function result(o: TableCheckOutcome, check: string, fieldName: string | null) {
  const r = o.results.find((x) => x.check === check && x.field === fieldName);
  if (!r) throw new Error(`no ${check} result for ${fieldName} in ${JSON.stringify(o)}`);
  return r;
}

(mariadbTestsRun('checks-mysql') ? describe : describe.skip)('check engine on MySQL/MariaDB', () => {
  let database: MariadbDatabase;
  let hub: Knex;
  const exec = async (...statements: string[]) => {
    for (const s of statements) await hub.raw(s);
  };

  beforeAll(async () => {
    database = await createMariadbDatabase('hw_checks');
    hub = database.connect(2);
  });
  afterAll(async () => {
    await hub?.destroy();
    await database?.drop();
  });

  it('computes field checks with scope, exact (case-sensitive) codes, the ID check digit, unique and references', async () => {
    await exec(
      'CREATE TABLE org (unit_code VARCHAR(10))',
      `INSERT INTO org VALUES ('U1'), ('U2')`,
      'CREATE TABLE staff (staff_no VARCHAR(10), status VARCHAR(10), name VARCHAR(20), gender VARCHAR(4), id_card VARCHAR(30), unit VARCHAR(10))',
      `INSERT INTO staff VALUES
        ('01', '在职', '张三', '1', '11010519491231002X', 'U1'),
        ('02', '在职', NULL, 'x', '110105194912310021', 'u1'),
        ('03', '在职', '  ', '男', '11010519491231002x', 'U9'),
        ('03', '在职', '李四', NULL, NULL, NULL),
        ('05', '离职', NULL, 'x', '1', 'U9')`,
    );
    const table = catalogTable('staff', {
      key: ['staff_no'],
      scope: { status: ['在职'] },
      fields: [
        field('staff_no', { unique: true }),
        field('name', { required: true }),
        field('gender', { codes: { kind: 'builtin', name: 'GB/T 2261.1' } }),
        field('id_card', { validate: 'cn_id_card' }),
        field('unit', { references: { table: 'org', column: 'unit_code' } }),
      ],
    });
    const o = await runTableChecks(hub, table, ctx);
    expect(o.status).toBe('ok');
    expect(o.facts?.row_count).toBe(5);
    expect(result(o, 'unique', 'staff_no')).toMatchObject({ violations: 2, checkedRows: 4 });
    expect(result(o, 'required', 'name')).toMatchObject({
      violations: 2,
      checkedRows: 4,
      sampleKeys: [{ staff_no: '02' }, { staff_no: '03' }],
    });
    expect(result(o, 'codes', 'gender')).toMatchObject({ violations: 1, checkedRows: 3, sampleKeys: [{ staff_no: '02' }] });
    expect(result(o, 'validate', 'id_card')).toMatchObject({
      violations: 2,
      checkedRows: 3,
      sampleKeys: [{ staff_no: '02' }, { staff_no: '03' }],
    });
    // 'u1' is not 'U1': comparisons are byte for byte, as on PostgreSQL.
    expect(result(o, 'references', 'unit')).toMatchObject({
      violations: 2,
      checkedRows: 3,
      sampleKeys: [{ staff_no: '02' }, { staff_no: '03' }],
    });
  });

  it('reads naive DATETIME values in the catalog timezone for deadlines and freshness', async () => {
    await exec(
      'CREATE TABLE regs (id INT, registered_at DATETIME, note VARCHAR(10), sync_time DATETIME)',
      `INSERT INTO regs VALUES (1, '2026-03-09 10:00:00', NULL, '2026-03-09 10:00:00'), (2, '2026-03-09 10:00:01', NULL, NULL)`,
    );
    const table = catalogTable('regs', {
      key: ['id'],
      updatedAt: 'sync_time',
      freshness: { amount: 24, unit: 'h' },
      fields: [field('note', { deadline: { kind: 'after', column: 'registered_at', within: { amount: 24, unit: 'h' } } })],
    });
    const o = await runTableChecks(hub, table, ctx);
    expect(o.facts?.newest_update).toBe('2026-03-09T02:00:00.000Z');
    expect(result(o, 'freshness', null)).toMatchObject({ passed: true });
    expect(result(o, 'deadline', 'note')).toMatchObject({ violations: 1, checkedRows: 1, sampleKeys: [{ id: '1' }] });
    const later = await runTableChecks(hub, table, { ...ctx, now: new Date(ctx.now.getTime() + 1000) });
    expect(result(later, 'freshness', null)).toMatchObject({ passed: false });
    expect(result(later, 'deadline', 'note')).toMatchObject({ violations: 2, checkedRows: 2 });
  });

  it('records missing tables and columns, timeouts, and survives hostile names', async () => {
    await exec(
      'CREATE TABLE t (id INT)',
      'CREATE TABLE `x``; drop table t; --` (id INT, `a"b` VARCHAR(10))',
      "INSERT INTO `x``; drop table t; --` VALUES (1, NULL), (2, 'v')",
    );
    const catalog: Catalog = {
      calendar: { timezone: TZ, events: [], holidays: [], workdays: [] },
      departments: [],
      systems: [],
      rules: [],
      tables: [
        catalogTable('nope'),
        catalogTable('t', { fields: [field('ghost', { required: true })] }),
        catalogTable('x`; drop table t; --', {
          key: ['id'],
          fields: [field('a"b', { required: true, pattern: "^'; drop table t; --$" })],
        }),
      ],
    };
    const run = await runChecks(hub, catalog, ctx);
    expect(run.tables.map((t) => t.error?.code ?? 'ok')).toEqual(['table_missing', 'column_missing', 'ok']);
    expect(result(run.tables[2], 'required', 'a"b')).toMatchObject({ violations: 1, sampleKeys: [{ id: '1' }] });
    expect(result(run.tables[2], 'pattern', 'a"b')).toMatchObject({ violations: 1, sampleKeys: [{ id: '2' }] });
    const [rows] = await hub.raw(
      `SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = ? AND table_name = 't'`,
      [database.name],
    );
    expect(Number(rows[0].n)).toBe(1);

    await exec(
      `CREATE VIEW slow AS SELECT CONCAT(a.column_name, b.column_name, c.column_name) AS v
         FROM information_schema.columns a, information_schema.columns b, information_schema.columns c`,
    );
    const slow = await runTableChecks(hub, catalogTable('slow', { fields: [field('v', { pattern: '^zz' })] }), {
      ...ctx,
      statementTimeoutMs: 50,
    });
    expect(slow.error?.code).toBe('timeout');
    // The server's words after the limit, without the generated statement knex puts before them.
    expect(slow.error?.message).toMatch(/^查询超过 50 ms 被中止 \/ query exceeded the 50 ms statement timeout: (?!select)/i);
    expect(slow.error?.message).not.toMatch(/information_schema|count\(/i);
  });

  it('a database that does not exist, or one the account may not use, is hub_unreachable for every table, tried once', async () => {
    const missing = `${database.name}_missing`;
    const noDatabase = knexFactory({ client: 'mysql2', connection: { ...MARIADB, database: missing }, pool: { min: 0, max: 1 } });
    const catalog: Catalog = {
      calendar: { timezone: TZ, events: [], holidays: [], workdays: [] },
      departments: [],
      systems: [],
      rules: [],
      tables: [catalogTable('a'), catalogTable('b')],
    };
    try {
      const run = await runChecks(noDatabase, catalog, ctx);
      expect(run.tables.map((t) => t.error?.code)).toEqual(['hub_unreachable', 'hub_unreachable']);
      expect(run.tables[1].durationMs).toBe(0);
      expect(run.tables[0].error?.message).toContain(missing);
    } finally {
      await noDatabase.destroy();
    }
  });
});
