import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import knexFactory, { Knex } from 'knex';

/**
 * The MySQL/MariaDB hub tests' server: MariaDB at 127.0.0.1:3306 (TEST_MYSQL_HOST for another host), root, no
 * password. `.ci/run` starts the local server when it is stopped, and fails when it cannot. Outside CI the tests
 * are skipped, with a note, where no MariaDB answers: `npm test` on a developer's machine needs nothing but Node.
 */
export const MARIADB = {
  host: process.env.TEST_MYSQL_HOST ?? '127.0.0.1',
  port: 3306,
  user: 'root',
  password: '',
  charset: 'utf8mb4',
};

function hasMysql2(): boolean {
  try {
    require.resolve('mysql2');
    return true;
  } catch {
    return false;
  }
}

/** Whether something accepts connections on the MariaDB port (decided before the tests are declared). */
function mariadbAnswers(host: string, port: number): boolean {
  const probe = spawnSync(
    process.execPath,
    [
      '-e',
      `require('net').connect(${port}, ${JSON.stringify(host)}).on('connect', () => process.exit(0)).on('error', () => process.exit(1))`,
    ],
    { timeout: 3_000 },
  );
  return probe.status === 0;
}

/**
 * Whether `file`'s MariaDB tests run here: always in CI (where a missing server fails them), elsewhere where
 * mysql2 is installed and MariaDB answers; when not, says so naming `file`.
 */
export function mariadbTestsRun(file: string): boolean {
  const run = hasMysql2() && (Boolean(process.env.CI) || mariadbAnswers(MARIADB.host, MARIADB.port));
  if (!run) console.warn(`${file}: skipped, no MariaDB at ${MARIADB.host}:${MARIADB.port} (CI runs it)`);
  return run;
}

export interface MariadbDatabase {
  /** The database's name: `prefix` and 8 random hex digits. */
  name: string;
  /** A connection to the server (no database chosen; one connection), for statements naming the database. */
  admin: Knex;
  /** A new pool of at most `poolMax` connections to the database; its caller destroys it. */
  connect(poolMax: number): Knex;
  /** Drops the database and closes `admin`. */
  drop(): Promise<void>;
}

/** A new utf8mb4 database of one test file's own on the MariaDB server. */
export async function createMariadbDatabase(prefix: string): Promise<MariadbDatabase> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = knexFactory({ client: 'mysql2', connection: MARIADB, pool: { min: 0, max: 1 } });
  try {
    await admin.raw(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  } catch (err) {
    await admin.destroy();
    throw err;
  }
  return {
    name,
    admin,
    connect: (poolMax) =>
      knexFactory({ client: 'mysql2', connection: { ...MARIADB, database: name }, pool: { min: 0, max: poolMax } }),
    drop: async () => {
      try {
        await admin.raw(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await admin.destroy();
      }
    },
  };
}
