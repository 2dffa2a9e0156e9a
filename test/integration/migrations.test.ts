import knexFactory, { type Knex } from 'knex';
import { migrateToLatest, rollbackAll } from '../../server/db/migrate';
import { createTestDatabase, TestDatabase, usingRealPostgres } from '../helpers/database';

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

/**
 * knexfile.ts (knex's CLI and tools) reads the same migrations the same way as `hubwatch migrate`: what one
 * applied, the other finds applied. PostgreSQL only: the knexfile has no embedded-database entry.
 */
(usingRealPostgres() ? describe : describe.skip)('knexfile.ts', () => {
  let db: TestDatabase;
  let viaKnexfile: Knex;
  beforeAll(async () => {
    db = await createTestDatabase('knexfile');
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = db.url;
    try {
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const config = (require('../../knexfile') as { default: Knex.Config }).default;
        viaKnexfile = knexFactory(config);
      });
    } finally {
      if (previous === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = previous;
    }
  });
  afterAll(async () => {
    await viaKnexfile?.destroy();
    await db?.close();
  });

  it("lists the pending migrations by name, as knex's `migrate:status` prints them (`file` of each)", async () => {
    const [completed, pending] = (await viaKnexfile.migrate.list()) as [unknown[], { file?: string }[]];
    expect(completed).toEqual([]);
    expect(pending.length).toBeGreaterThan(0);
    // knex's CLI prints `file` of each pending migration: a source giving bare names printed `undefined`.
    expect(pending.every((m) => typeof m.file === 'string' && /^\d{14}_[a-z0-9_]+\.ts$/.test(m.file))).toBe(true);
  });

  it("migrates with the knexfile's configuration, after which `hubwatch migrate` has nothing to apply", async () => {
    const [, applied] = (await viaKnexfile.migrate.latest()) as [number, string[]];
    expect(applied.length).toBeGreaterThan(0);
    expect(applied.every((name) => /^\d{14}_[a-z0-9_]+$/.test(name))).toBe(true);
    expect(await migrateToLatest(db.knex)).toEqual([]);
    expect(await db.knex.schema.hasTable('users')).toBe(true);
  });
});
