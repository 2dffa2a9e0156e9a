import { EXAMPLE_CATALOG_PATH } from '../../server/bootstrap/embedded-demo';
import { cliEnvironment, runCli } from '../helpers/cli';
import { createTestDatabase, TestDatabase } from '../helpers/database';

/**
 * What an operator reads when a command cannot do its work: its own message, in both languages, and nothing else —
 * not the service's JSON log line of the same failure, nor knex's "Acquire connection error" each time it tried the
 * hub. LOG_LEVEL as an operator has it (the default, info), not the tests' silent.
 */
describe('hubwatch check run: only its own message on stderr', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let cleanup: () => void;
  beforeAll(async () => {
    db = await createTestDatabase('clioutput');
    ({ env, cleanup } = cliEnvironment(db.url));
    env.LOG_LEVEL = 'info';
  });
  afterAll(async () => {
    cleanup();
    await db.close();
  });

  it('without a catalog: exit 1, the message alone, no log line', async () => {
    const res = await runCli(['check', 'run'], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe('尚未导入数据目录 / no catalog imported yet\n');
    expect(res.stderr).not.toContain('{"level"');
  });

  it('with the hub unreachable: exit 1, the message alone, no knex warnings', async () => {
    const unreachable = { ...env, HUB_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/x' };
    const imported = await runCli(['catalog', 'import', EXAMPLE_CATALOG_PATH], unreachable);
    expect(imported.code).toBe(0);
    // The import's one warning says the hub was not reached (on stdout: warnings are not errors); nothing on stderr.
    expect(imported.stdout).toContain('无法连接数据中台');
    expect(imported.stderr).toBe('');
    const res = await runCli(['check', 'run'], unreachable);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/^检查运行 #\d+：未能检查（数据中台无法连接）/);
    // ("Error: " before the driver's words in jest only: its errors are of another realm than the driver's.)
    expect(res.stderr).toMatch(
      /^数据中台无法连接 \/ the hub could not be reached: (?:Error: )?connect ECONNREFUSED 127\.0\.0\.1:1\n$/,
    );
    expect(res.stderr).not.toContain('Acquire connection error');
  });
});
