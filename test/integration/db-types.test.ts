import { createTestDatabase, TestDatabase } from '../helpers/database';

describe('database type parsing', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.close());

  it('returns the same JavaScript types on PGlite and PostgreSQL', async () => {
    const { rows } = await db.knex.raw(
      "select 7::int8 as big, count(*) as n, '2026-02-13'::date as day, now() as ts, 1.50::numeric as amount",
    );
    expect(rows[0]).toEqual({ big: 7, n: 1, day: '2026-02-13', ts: expect.any(Date), amount: '1.50' });
  });
});
