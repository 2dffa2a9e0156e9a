import { describeHubTable } from '../../rules/hub-schema';
import { createTestDatabase, TestDatabase } from '../helpers/database';

// The check engine reads a PostgreSQL hub table's columns from pg_catalog (a few times faster than
// information_schema.columns); what it sees must be what information_schema shows: the same columns
// in order, the same time kinds, the same tables found or not found.

describe('hub table shapes from the catalog (PostgreSQL)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('hw_hub_describe');
    for (const statement of [
      'CREATE DOMAIN moment AS timestamptz',
      "CREATE TYPE mood AS ENUM ('ok', 'bad')",
      `CREATE TABLE staff (staff_no text, born date, seen timestamp, at moment, tags text[], feeling mood, "Mixed Case" int, gone int)`,
      'ALTER TABLE staff DROP COLUMN gone',
      'CREATE VIEW staff_view AS SELECT staff_no, seen FROM staff',
      'CREATE TABLE "Odd ""Name""" (id int)',
      'CREATE SCHEMA other',
      'CREATE TABLE other.elsewhere (id int, made timestamptz)',
      'CREATE SEQUENCE a_sequence',
      'CREATE INDEX staff_idx ON staff (staff_no)',
      `CREATE TABLE ${'x'.repeat(63)} (id int)`,
    ])
      await db.knex.raw(statement);
  });
  afterAll(() => db.close());

  async function informationSchema(schema: string | null, table: string) {
    const { rows } = await db.knex.raw(
      `SELECT column_name, data_type FROM information_schema.columns
       WHERE table_schema = coalesce(?, current_schema()) AND table_name = ? ORDER BY ordinal_position`,
      [schema, table],
    );
    return rows as Array<{ column_name: string; data_type: string }>;
  }

  it.each([
    ['staff', null, 'staff'],
    ['staff_view', null, 'staff_view'],
    ['Odd "Name"', null, 'Odd "Name"'],
    ['other.elsewhere', 'other', 'elsewhere'],
  ])('%s: the columns, their order and time kinds information_schema shows', async (name, schema, table) => {
    const expected = await informationSchema(schema, table);
    expect(expected.length).toBeGreaterThan(0);
    const shape = await describeHubTable(db.knex, 'postgres', name);
    expect([...shape!.columns.keys()]).toEqual(expected.map((c) => c.column_name));
    const kindOf = (t: string) =>
      t === 'timestamp with time zone'
        ? 'timestamptz'
        : t === 'timestamp without time zone'
          ? 'timestamp'
          : t === 'date'
            ? 'date'
            : 'other';
    expect([...shape!.columns.values()].map((c) => c.timeKind)).toEqual(expected.map((c) => kindOf(c.data_type)));
  });

  it('tells plain tables (rows with an address) from views', async () => {
    expect((await describeHubTable(db.knex, 'postgres', 'staff'))!.plainTable).toBe(true);
    expect((await describeHubTable(db.knex, 'postgres', 'staff_view'))!.plainTable).toBe(false);
  });

  it('finds a table exactly where information_schema finds it', async () => {
    const names = [
      'missing',
      'elsewhere',
      'STAFF',
      'a_sequence',
      'staff_idx',
      'other.staff',
      'staff; DROP TABLE staff',
      'x'.repeat(80),
    ];
    for (const name of names) {
      const [schema, table] = name.includes('.') && !name.includes(';') ? name.split('.') : [null, name];
      const expected = (await informationSchema(schema, table)).map((c) => c.column_name);
      const shape = await describeHubTable(db.knex, 'postgres', name);
      expect([name, shape ? [...shape.columns.keys()] : []]).toEqual([name, expected]);
    }
    // Only the over-long name is found (truncated to the 63-byte table, by both): the rest are not tables.
    expect(await describeHubTable(db.knex, 'postgres', 'x'.repeat(80))).not.toBeNull();
    for (const name of names.slice(0, -1)) expect(await describeHubTable(db.knex, 'postgres', name)).toBeNull();
    // The hostile name was a bound value: staff is still there.
    expect(Number((await db.knex.raw(`SELECT count(*) AS n FROM staff`)).rows[0].n)).toBe(0);
  });
});
