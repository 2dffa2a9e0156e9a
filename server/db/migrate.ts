import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';

/**
 * Migrations are the TypeScript files in `migrations/` (timestamped, one concern each, `up` and
 * `down`). knex's default loader guesses between require() and import(); a source of our own loads
 * them through the same module system as the rest of the code, so it works under tsx, jest and tsc.
 */
export const MIGRATIONS_DIR = path.resolve(__dirname, '../../migrations');

interface MigrationModule {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
  /** Set to false for a migration that cannot run inside a transaction. */
  config?: { transaction?: boolean };
}

/** A migration file, as knex's own file source describes one: its CLI's `migrate:status` prints `file` of each pending. */
interface MigrationFile {
  file: string;
}

class DirectoryMigrationSource implements Knex.MigrationSource<MigrationFile> {
  async getMigrations(): Promise<MigrationFile[]> {
    return fs
      .readdirSync(MIGRATIONS_DIR)
      .filter((f) => /^\d{14}_[a-z0-9_]+\.ts$/.test(f))
      .sort()
      .map((file) => ({ file }));
  }
  getMigrationName(migration: MigrationFile): string {
    return migration.file.replace(/\.ts$/, '');
  }
  async getMigration(migration: MigrationFile): Promise<Knex.Migration> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path.join(MIGRATIONS_DIR, migration.file)) as MigrationModule;
  }
}

/** Where the migrations are and how they load: the same for `hubwatch migrate`, the tests and knexfile.ts. */
export const migrationConfig: Knex.MigratorConfig = {
  migrationSource: new DirectoryMigrationSource(),
  tableName: 'knex_migrations',
};

/** Applies every pending migration; returns the names applied. */
export async function migrateToLatest(knex: Knex): Promise<string[]> {
  const [, applied] = (await knex.migrate.latest(migrationConfig)) as [number, string[]];
  return applied;
}

export async function rollbackAll(knex: Knex): Promise<void> {
  await knex.migrate.rollback(migrationConfig, true);
}
