import { migrateToLatest, rollbackAll } from '../../server/db/migrate';
import { createTestDatabase, TestDatabase } from '../helpers/database';

describe('migrations', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.close());

  it('apply, roll back and apply again cleanly', async () => {
    const applied = await migrateToLatest(db.knex);
    expect(applied.length).toBeGreaterThan(0);
    expect(await migrateToLatest(db.knex)).toEqual([]);
    await rollbackAll(db.knex);
    expect(await db.knex.schema.hasTable('users')).toBe(false);
    expect(await migrateToLatest(db.knex)).toEqual(applied);
  });
});
