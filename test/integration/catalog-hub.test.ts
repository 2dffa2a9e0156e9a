import knexFactory from 'knex';
import { migrateToLatest } from '../../server/db/migrate';
import type { Hub } from '../../server/hub';
import { importCatalog } from '../../server/services/catalog/repository';
import { createMigratedTestDatabase, createTestDatabase, TestDatabase } from '../helpers/database';

// Line numbers below are those of this text (line 1 is "calendar:").
const CATALOG = `calendar:
  timezone: Asia/Shanghai
departments:
  - { code: HR, name: 人事处 }
tables:
  - name: hub_staff
    department: HR
    sharing: conditional
    key: [staff_no]
    updated_at: update_time
    scope: { status: [在职] }
    fields:
      - { name: staff_no, required: true }
      - { name: mobile, deadline: { after: report_date, within: 7d } }
      - { name: unit_code, references: hub_unit.unit_code }
  - name: hub_unit
    department: HR
    sharing: universal
    key: [unit_code]
    updated_at: update_time
`;

describe('catalog import checks the hub', () => {
  let db: TestDatabase;
  let hub: Hub;
  const versions = async () => Number((await db.knex('catalog_versions').count({ n: '*' }))[0].n);

  beforeAll(async () => {
    db = await createMigratedTestDatabase('cathub');
    // hub_staff lacks mobile, report_date and status; hub_unit does not exist.
    await db.knex.schema.createTable('hub_staff', (t) => {
      t.string('staff_no');
      t.string('unit_code');
      t.timestamp('update_time');
    });
    hub = { knex: db.knex, dialect: 'postgres', kind: 'postgres', label: 'test hub', close: async () => {} };
  });
  afterAll(() => db.close());

  const expected = [
    [11, 'tables[0].scope.status', 'hub_column_missing'],
    [14, 'tables[0].fields[1].name', 'hub_column_missing'],
    [14, 'tables[0].fields[1].deadline.after', 'hub_column_missing'],
    [15, 'tables[0].fields[2].references', 'hub_table_missing'],
  ];

  it('reports missing tables and columns as warnings with line and path, and imports', async () => {
    const result = await importCatalog(db.knex, CATALOG, { hub });
    expect(result.ok).toBe(true);
    expect(result.problems.map((p) => [p.line, p.path, p.code])).toEqual(expected);
    expect(result.problems.every((p) => p.severity === 'warning')).toBe(true);
    expect(result.problems[1].message.en).toBe('hub table "hub_staff" has no column "mobile"');
    expect(result.problems[3].message.en).toBe('the hub has no table "hub_unit"');
    expect(await versions()).toBe(1);
  });

  it('with strict they are errors and nothing changes', async () => {
    const result = await importCatalog(db.knex, CATALOG.replace('7d', '8d'), { hub, strict: true });
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => [p.line, p.path, p.code, p.severity])).toEqual(expected.map((e) => [...e, 'error']));
    expect(await versions()).toBe(1);
    const mobile = await db.knex('catalog_fields').where({ table_name: 'hub_staff', name: 'mobile' }).first();
    expect(mobile.definition.deadline.within).toEqual({ amount: 7, unit: 'd' });
  });

  it('an unreachable hub is one warning, not a failure', async () => {
    const dead = knexFactory({
      client: 'pg',
      connection: 'postgres://nobody@127.0.0.1:1/none',
      pool: { min: 0, max: 1 },
      acquireConnectionTimeout: 2000,
    });
    try {
      const result = await importCatalog(db.knex, CATALOG, {
        hub: { knex: dead, dialect: 'postgres', kind: 'postgres', label: 'dead hub', close: async () => {} },
        strict: true,
      });
      expect(result.ok).toBe(true);
      expect(result.problems.map((p) => [p.code, p.severity])).toEqual([['hub_unreachable', 'warning']]);
      expect(await versions()).toBe(2);
    } finally {
      await dead.destroy();
    }
  });
});

describe('catalog import checks a MySQL hub', () => {
  const server = 'mysql://root@127.0.0.1:3306';
  const name = `hw_hub_${process.pid}`;
  let admin: ReturnType<typeof knexFactory> | null = null;

  beforeAll(async () => {
    const candidate = knexFactory({ client: 'mysql2', connection: server, pool: { min: 0, max: 1 } });
    try {
      await candidate.raw('select 1');
      admin = candidate;
    } catch {
      await candidate.destroy();
    }
  });
  afterAll(async () => {
    if (!admin) return;
    await admin.raw(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.destroy();
  });

  it('finds columns case-insensitively in information_schema', async () => {
    if (!admin) {
      console.warn('MariaDB/MySQL at 127.0.0.1:3306 not reachable: MySQL hub check not run');
      return;
    }
    await admin.raw(`CREATE DATABASE \`${name}\``);
    await admin.raw(
      `CREATE TABLE \`${name}\`.hub_staff (STAFF_NO varchar(20), unit_code varchar(20), status varchar(8), update_time datetime)`,
    );
    const knex = knexFactory({ client: 'mysql2', connection: `${server}/${name}`, pool: { min: 0, max: 1 } });
    const db = await createTestDatabase('cathubmy');
    try {
      await migrateToLatest(db.knex);
      const result = await importCatalog(db.knex, CATALOG, {
        hub: { knex, dialect: 'mysql', kind: 'mysql', label: 'mysql', close: async () => {} },
      });
      expect(result.problems.map((p) => [p.line, p.path, p.code])).toEqual([
        [14, 'tables[0].fields[1].name', 'hub_column_missing'],
        [14, 'tables[0].fields[1].deadline.after', 'hub_column_missing'],
        [15, 'tables[0].fields[2].references', 'hub_table_missing'],
      ]);
    } finally {
      await knex.destroy();
      await db.close();
    }
  });
});
