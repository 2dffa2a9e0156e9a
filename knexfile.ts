import type { Knex } from 'knex';
import { migrationConfig } from './server/db/migrate';

/**
 * knex's own configuration, for its CLI and tools that read a knexfile, against a PostgreSQL service
 * database named by DATABASE_URL:
 *
 *     DATABASE_URL=postgres://… npx tsx node_modules/knex/bin/cli.js --knexfile knexfile.ts migrate:status
 *
 * The product itself migrates with `hubwatch migrate` (and on every start), which also handles the embedded
 * PGlite database — whose data directory must not be opened by a second process, so it has no entry here.
 * Both use the same migrations, loaded the same way (`migrationConfig`, server/db/migrate.ts), and record
 * them in the same table, so either sees what the other applied.
 */
const config: Knex.Config = {
  client: 'pg',
  connection: process.env.DATABASE_URL,
  pool: { min: 0, max: 2 },
  migrations: migrationConfig,
};

export default config;
