import type { Knex } from 'knex';
import { catalogField, catalogTable } from '../../rules/testing';
import type { Hub } from '../../server/hub';
import type { Catalog } from '../../server/services/catalog/types';
import { readHubRecord } from '../../server/services/reports/lookup';
import { leaderBasis } from '../../server/services/sharing/plan';
import { createMariadbDatabase, MariadbDatabase, mariadbTestsRun } from '../helpers/mariadb';

/**
 * Hubwatch only reads the hub: every read outside the check engine — the report form's look-up of a record,
 * the sharing form's row count for the leader rule — runs in a READ ONLY transaction too, so that the hub
 * itself refuses a write the read would set off. On MySQL/MariaDB nothing else says so (a PostgreSQL hub's
 * connections default to read-only): a hub view that calls a function writing a row (a read log, say) was
 * written to by a look-up. MariaDB at 127.0.0.1:3306 (root, no password; test/helpers/mariadb.ts), as
 * test/integration/checks-mysql; skipped, with a note, where none answers outside CI.
 */

(mariadbTestsRun('hub-read-only') ? describe : describe.skip)('reads of a MySQL/MariaDB hub outside the check engine', () => {
  let database: MariadbDatabase;
  let knex: Knex;
  let hub: Hub;
  const reads = async () =>
    Number(((await database.admin.raw(`SELECT count(*) AS n FROM \`${database.name}\`.read_log`)) as [{ n: number }[]])[0][0].n);

  beforeAll(async () => {
    database = await createMariadbDatabase('hw_readonly');
    const setup = database.connect(1);
    for (const sql of [
      'CREATE TABLE staff (staff_no VARCHAR(10) PRIMARY KEY, name VARCHAR(20), mobile VARCHAR(20))',
      `INSERT INTO staff VALUES ('20190001', '张三', '13800000001')`,
      'CREATE TABLE read_log (staff_no VARCHAR(10))',
      `CREATE FUNCTION logged(v VARCHAR(10)) RETURNS VARCHAR(10) MODIFIES SQL DATA NOT DETERMINISTIC
         BEGIN INSERT INTO read_log VALUES (v); RETURN v; END`,
      // A view the hub serves (as hubs often do) whose rows are logged as they are read.
      'CREATE VIEW staff_view AS SELECT logged(staff_no) AS staff_no, name, mobile FROM staff',
    ])
      await setup.raw(sql);
    await setup.destroy();
    knex = database.connect(2);
    hub = { knex, dialect: 'mysql', kind: 'mysql', label: 'test', close: () => knex.destroy() };
  });
  beforeEach(() => database.admin.raw(`DELETE FROM \`${database.name}\`.read_log`));
  afterAll(async () => {
    await knex?.destroy();
    await database?.drop();
  });

  const table = catalogTable('staff_view', {
    key: ['staff_no'],
    sharing: 'conditional',
    fields: [catalogField('staff_no'), catalogField('name'), catalogField('mobile', { sensitive: true })],
  });

  it('the report look-up writes nothing to the hub', async () => {
    await readHubRecord(hub, table, table.fields[1], { staff_no: '20190001' });
    expect(await reads()).toBe(0);
  });

  it("the sharing form's row count writes nothing to the hub", async () => {
    const catalog = { tables: [table] } as unknown as Catalog;
    await leaderBasis(hub, catalog, [{ table: 'staff_view', fields: ['mobile'], range: '', note: '' }]);
    expect(await reads()).toBe(0);
  });
});
