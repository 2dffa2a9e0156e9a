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
    // In the command line's language (it was the run's stored text, both languages).
    expect(res.stderr).toBe('尚未导入数据目录\n');
    const en = await runCli(['check', 'run'], { ...env, HUBWATCH_LOCALE: 'en' });
    expect(en.stderr).toMatch(/^no catalog imported yet\n$/i);
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
    expect(res.stderr).toMatch(/^数据中台无法连接：(?:Error: )?connect ECONNREFUSED 127\.0\.0\.1:1\n$/);
    expect(res.stderr).not.toContain('Acquire connection error');
  });

  it('with the hub unreachable: the tables never tried say so (--json: tried false, duration_ms null), not 0 ms', async () => {
    const unreachable = { ...env, HUB_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/x' };
    expect((await runCli(['catalog', 'import', EXAMPLE_CATALOG_PATH], unreachable)).code).toBe(0);
    const res = await runCli(['check', 'run', '--json'], unreachable);
    expect(res.code).toBe(1);
    const tables: { table: string; tried: boolean; duration_ms: number | null; error: { code: string } }[] = JSON.parse(
      res.stdout,
    ).tables;
    expect(tables.length).toBeGreaterThan(2);
    // The first table found the hub gone, in its own time; the run tried none after it (they read 0 ms, checked).
    expect(tables[0]).toMatchObject({ tried: true, duration_ms: expect.any(Number), error: { code: 'hub_unreachable' } });
    for (const t of tables.slice(1))
      expect(t).toMatchObject({ tried: false, duration_ms: null, error: { code: 'hub_unreachable' } });
    // The summary for people: the first table's error, the others not checked (each repeated the same error).
    for (const [locale, notTried, error] of [
      ['zh-CN', '未检查（数据中台已无法连接）', '错误 hub_unreachable：'],
      ['en', 'not checked (the hub could no longer be reached)', 'ERROR hub_unreachable: '],
    ]) {
      const text = await runCli(['check', 'run'], { ...unreachable, HUBWATCH_LOCALE: locale });
      const lines = text.stdout.split('\n').filter((l) => l.startsWith('  '));
      expect(lines).toHaveLength(tables.length);
      expect(lines[0]).toContain(error);
      for (const line of lines.slice(1)) expect(line).toMatch(new RegExp(`^  \\S+ +${notTried.replace(/[()]/g, '\\$&')}$`));
    }
  });
});
