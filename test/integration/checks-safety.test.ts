import { runChecks, runTableChecks } from '../../rules/engine';
import { catalogField as field, catalogTable } from '../../rules/testing';
import type { CheckContext } from '../../rules/types';
import { openPostgres } from '../../server/db/connect';
import { createCalendar } from '../../server/services/calendar';
import type { Catalog } from '../../server/services/catalog/types';
import { createTestDatabase, terminateBackendRunning, TestDatabase, usingRealPostgres } from '../helpers/database';

// Operational problems are table errors (never data-quality findings), the hub is only read, and a
// hostile catalog cannot get SQL executed.

const TZ = 'Asia/Shanghai';
const calendar = createCalendar({ timezone: TZ, events: [], holidays: [], workdays: [] });
const ctx: CheckContext = { now: new Date('2026-03-10T10:00:00+08:00'), timezone: TZ, calendar, dialect: 'postgres' };
const catalogOf = (...tables: Catalog['tables']): Catalog => ({
  calendar: { timezone: TZ, events: [], holidays: [], workdays: [] },
  departments: [],
  systems: [],
  tables,
  rules: [],
});

describe('check engine: errors, read-only access and hostile catalogs', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('hw_checks_safety');
    await db.knex.raw('CREATE TABLE t (id int)');
    await db.knex.raw('INSERT INTO t VALUES (1)');
    await db.knex.raw('CREATE TABLE ok_table (id int, name text)');
    await db.knex.raw(`INSERT INTO ok_table VALUES (1, 'a')`);
  });
  afterAll(() => db.close());

  async function tExists(): Promise<boolean> {
    const { rows } = await db.knex.raw(`SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 't'`);
    return rows[0].n === 1;
  }

  it('a missing hub table is the table_missing error; a missing column is column_missing', async () => {
    const missing = await runTableChecks(
      db.knex,
      catalogTable('no_such_table', { fields: [field('x', { required: true })] }),
      ctx,
    );
    expect(missing).toMatchObject({
      table: 'no_such_table',
      status: 'error',
      error: { code: 'table_missing' },
      results: [],
      facts: null,
    });
    const noColumn = await runTableChecks(
      db.knex,
      catalogTable('ok_table', { fields: [field('name', { required: true }), field('ghost', { required: true })] }),
      ctx,
    );
    expect(noColumn).toMatchObject({ status: 'error', error: { code: 'column_missing' }, results: [] });
    expect(noColumn.error?.message).toContain('ghost');
    const noKey = await runTableChecks(db.knex, catalogTable('ok_table', { key: ['nope'] }), ctx);
    expect(noKey.error?.code).toBe('column_missing');
    const refMissing = await runTableChecks(
      db.knex,
      catalogTable('ok_table', { fields: [field('name', { references: { table: 'gone', column: 'x' } })] }),
      ctx,
    );
    expect(refMissing.error).toMatchObject({ code: 'table_missing' });
    expect(refMissing.error?.message).toContain('gone');
  });

  it('runs every table in a READ ONLY transaction: a view that writes fails and writes nothing', async () => {
    await db.knex.raw('CREATE TABLE audit_log (n int)');
    await db.knex.raw(
      `CREATE FUNCTION sneaky_write() RETURNS int LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit_log VALUES (1); RETURN 1; END $$`,
    );
    await db.knex.raw('CREATE VIEW sneaky AS SELECT sneaky_write() AS x');
    const o = await runTableChecks(db.knex, catalogTable('sneaky', { fields: [field('x', { required: true })] }), ctx);
    expect(o).toMatchObject({ status: 'error', error: { code: 'query_failed' } });
    expect(o.error?.message).toMatch(/read-only/);
    const { rows } = await db.knex.raw('SELECT count(*) AS n FROM audit_log');
    expect(rows[0].n).toBe(0);
  });

  (usingRealPostgres() ? it : it.skip)(
    'a query over the statement timeout is the timeout error and the run goes on',
    async () => {
      // PGlite has no statement_timeout, so this runs on PostgreSQL only (TEST_DATABASE_URL).
      await db.knex.raw(
        `CREATE VIEW slow AS SELECT g AS id, CAST(pg_sleep(0.01) AS text) || g AS v FROM generate_series(1, 1000) g`,
      );
      const run = await runChecks(
        db.knex,
        catalogOf(catalogTable('slow', { fields: [field('v', { required: true })] }), catalogTable('ok_table')),
        {
          ...ctx,
          statementTimeoutMs: 50,
        },
      );
      expect(run.tables.map((t) => t.status)).toEqual(['error', 'ok']);
      expect(run.tables[0].error?.code).toBe('timeout');
      // The database's words, not the ~1.5 KB statement knex puts before them (runs page, CLI, the office's notice).
      expect(run.tables[0].error?.message).toBe(
        '查询超过 50 ms 被中止 / query exceeded the 50 ms statement timeout: canceling statement due to statement timeout',
      );
      expect(run.tables[1].facts?.row_count).toBe(1);
    },
  );

  (usingRealPostgres() ? it : it.skip)(
    "a connection lost mid-check (the hub restarts, a DBA ends the session) is hub_unreachable in the database's words, not the failed rollback's",
    async () => {
      await db.knex.raw(`CREATE VIEW lost_midway AS SELECT 1 AS id, CAST(pg_sleep(30) AS text) AS v`);
      const checking = runTableChecks(db.knex, catalogTable('lost_midway', { fields: [field('v', { required: true })] }), ctx);
      expect(await terminateBackendRunning(db.knex, '%FROM "lost_midway"%')).toBe(true);
      const outcome = await checking;
      // knex's ROLLBACK on the dead connection fails too ("… is not queryable"): that must not be what is reported.
      expect(outcome.error).toEqual({ code: 'hub_unreachable', message: 'terminating connection due to administrator command' });
    },
  );

  it("keeps the database's words whole when they hold ' - ' themselves, without the statement before them", async () => {
    await db.knex.raw(`CREATE VIEW bad_cast AS SELECT CAST(v AS integer) AS n FROM (VALUES ('12 - 3')) AS x(v)`);
    const run = await runChecks(db.knex, catalogOf(catalogTable('bad_cast', { fields: [field('n', { required: true })] })), ctx);
    expect(run.tables[0].error).toEqual({ code: 'query_failed', message: 'invalid input syntax for type integer: "12 - 3"' });
  });

  (usingRealPostgres() ? it : it.skip)(
    'a hub database that does not exist, a role the server does not know or one without CONNECT is hub_unreachable for every table, tried once',
    async () => {
      const server = new URL(process.env.TEST_DATABASE_URL!);
      const noDatabase = new URL(server);
      noDatabase.pathname = '/hubwatch_no_such_hub';
      const noRole = new URL(server);
      noRole.username = 'hubwatch_no_such_role';
      // A role that exists but may not connect to this database (42501, FATAL; a table's 42501 is not FATAL).
      const role = `hw_noconnect_${process.pid}`;
      const database = new URL(db.url!).pathname.slice(1);
      await db.knex.raw(`CREATE ROLE "${role}" LOGIN`);
      await db.knex.raw(`REVOKE CONNECT ON DATABASE "${database}" FROM PUBLIC`);
      const noConnect = new URL(db.url!);
      noConnect.username = role;
      noConnect.password = '';
      try {
        for (const url of [noDatabase, noRole, noConnect]) {
          const hub = openPostgres({ url: url.toString(), poolMax: 1 });
          try {
            const run = await runChecks(hub.knex, catalogOf(catalogTable('a'), catalogTable('b')), ctx);
            expect(run.tables.map((t) => t.error?.code)).toEqual(['hub_unreachable', 'hub_unreachable']);
            expect(run.tables[1].durationMs).toBe(0);
            expect(run.tables[0].error?.message).toMatch(/hubwatch_no_such_(hub|role)|permission denied for database/);
          } finally {
            await hub.close();
          }
        }
      } finally {
        await db.knex.raw(`GRANT CONNECT ON DATABASE "${database}" TO PUBLIC`);
        await db.knex.raw(`DROP ROLE IF EXISTS "${role}"`);
      }
    },
  );

  it('an unreachable hub is hub_unreachable for every table, tried once', async () => {
    const down = openPostgres({ url: 'postgres://nobody@127.0.0.1:1/none', poolMax: 1 });
    try {
      const run = await runChecks(down.knex, catalogOf(catalogTable('a'), catalogTable('b')), ctx);
      expect(run.tables.map((t) => t.error?.code)).toEqual(['hub_unreachable', 'hub_unreachable']);
      expect(run.tables[1].durationMs).toBe(0);
    } finally {
      await down.close();
    }
  });

  it('identifiers with quotes and semicolons are quoted and values bound: a table literally named x"; drop table t; -- is checked and nothing is dropped', async () => {
    const evil = 'x"; drop table t; --';
    const evilColumn = `a"b'; drop table t; --`;
    await db.knex.raw(`CREATE TABLE "x""; drop table t; --" (id int, "a""b'; drop table t; --" text, status text)`);
    await db.knex.raw(
      `INSERT INTO "x""; drop table t; --" VALUES (1, '''; drop table t; --', 'on'), (2, 'plain', 'on'), (3, NULL, 'on'), (4, 'plain', '''); drop table t; --')`,
    );
    const table = catalogTable(evil, {
      key: ['id'],
      scope: { status: ['on', `'); drop table t; --`] },
      fields: [
        field(evilColumn, {
          required: true,
          pattern: `^'; drop table t; --$`,
          codes: { kind: 'inline', values: [`'; drop table t; --`, `"; drop table t; --`] },
        }),
      ],
    });
    const o = await runTableChecks(db.knex, table, ctx);
    expect(o.status).toBe('ok');
    expect(o.facts?.row_count).toBe(4);
    const byCheck = Object.fromEntries(o.results.map((r) => [r.check, r]));
    expect(byCheck.required).toMatchObject({ violations: 1, checkedRows: 4, sampleKeys: [{ id: '3' }] });
    expect(byCheck.pattern).toMatchObject({ violations: 2, checkedRows: 3, sampleKeys: [{ id: '2' }, { id: '4' }] });
    expect(byCheck.codes).toMatchObject({ violations: 2, checkedRows: 3 });

    const hostile = [
      catalogTable('t; drop table t; --', { fields: [field('id', { required: true })] }),
      catalogTable('public"."t', { fields: [field('id', { required: true })] }),
      catalogTable('ok_table', { fields: [field('id" FROM t; DROP TABLE t; --', { required: true })] }),
      catalogTable('ok_table', { key: ['id); DROP TABLE t; --'] }),
      catalogTable('ok_table', { fields: [field('name', { references: { table: 't; drop table t', column: 'id' } })] }),
      catalogTable('ok_table', {
        fields: [field('name', { codes: { kind: 'hub', table: 't', column: 'id"; drop table t; --' } })],
      }),
    ];
    const codes = [];
    for (const h of hostile) codes.push((await runTableChecks(db.knex, h, ctx)).error?.code);
    expect(codes).toEqual([
      'table_missing',
      'table_missing',
      'column_missing',
      'column_missing',
      'table_missing',
      'column_missing',
    ]);
    expect(await tExists()).toBe(true);
  });

  it('refuses a name containing ? (a binding placeholder to knex and mysql2) with a table error', async () => {
    // knex itself needs the escape \\? here: unescaped, it would create "what$1".
    await db.knex.raw('CREATE TABLE "what\\?" (id int)');
    const o = await runTableChecks(db.knex, catalogTable('what?', { fields: [field('id', { required: true })] }), ctx);
    expect(o).toMatchObject({ status: 'error', error: { code: 'query_failed' } });
    expect(o.error?.message).toContain('what?');
  });
});
