import { EXAMPLE_CATALOG_PATH } from '../../server/bootstrap/embedded-demo';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliEnvironment, runCli } from '../helpers/cli';
import { createTestDatabase, TestDatabase, usingRealPostgres } from '../helpers/database';

/**
 * Commands that never read the hub open the service database alone. With the service database on
 * PostgreSQL and the embedded demo hub under DATA_DIR, the running server holds DATA_DIR (the hub's lock):
 * an administrator must still be able to add an account or verify the audit chain; a command that reads
 * the hub (catalog import checks tables against it) is refused and names the holder, as before.
 * On the embedded service database every command needs DATA_DIR; there is nothing to show.
 */
(usingRealPostgres() ? describe : describe.skip)('commands that do not read the hub, beside a running server', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let cleanup: () => void;
  let dataDir: string;

  beforeAll(async () => {
    db = await createTestDatabase('clihub');
    ({ env, cleanup, dataDir } = cliEnvironment(db.url));
    delete env.HUB_DATABASE_URL; // the embedded demo hub, as `npm start` with DATABASE_URL alone runs it
  });
  afterAll(async () => {
    cleanup();
    await db.close();
  });

  it('adds an account, lists tickets and verifies the audit chain while the server holds DATA_DIR; catalog import is refused', async () => {
    // The server's lock as `hubwatch serve` writes it (another live process: jest's parent stands in for it).
    const lockFile = path.join(dataDir, 'hubwatch.lock');
    const server = { pid: process.ppid, host: os.hostname(), command: 'hubwatch serve', startedAt: new Date().toISOString() };
    fs.writeFileSync(lockFile, JSON.stringify(server));
    try {
      const add = await runCli(
        [
          'users',
          'add',
          '--login',
          'ops',
          '--name',
          '运维',
          '--department',
          'ITC',
          '--department-name',
          '信息中心',
          '--role',
          'admin',
        ],
        env,
        'a long enough password\n',
      );
      expect(add.stderr).toBe('');
      expect(add.code).toBe(0);
      expect((await runCli(['audit', 'verify'], env)).code).toBe(0);
      expect((await runCli(['tickets', 'list'], env)).code).toBe(0);

      const exported = await runCli(['catalog', 'export'], env);
      expect(exported.stderr).not.toContain('正被另一个 Hubwatch 进程使用');

      const imported = await runCli(['catalog', 'import', '--dry-run', EXAMPLE_CATALOG_PATH], env);
      expect(imported.code).toBe(1);
      expect(imported.stderr).toContain(`正被另一个 Hubwatch 进程使用（PID ${server.pid}，hubwatch serve`);
      expect(JSON.parse(fs.readFileSync(lockFile, 'utf8'))).toEqual(server);
    } finally {
      fs.rmSync(lockFile, { force: true });
    }
  });
});
