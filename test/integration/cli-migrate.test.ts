import { CliDatabase, runCli, startCliDatabase } from '../helpers/cli';

// `hubwatch migrate` says what it did: on a fresh database, how many migrations it applied (it said "up to date" only,
// as if nothing had been done); run again, that the database was up to date, nothing applied.
describe('hubwatch migrate', () => {
  let cli: CliDatabase;
  beforeAll(async () => {
    cli = await startCliDatabase();
  });
  afterAll(() => cli.close());

  it('says how many migrations it applied, then that none were pending', async () => {
    const first = await runCli(['migrate'], cli.env);
    expect(first.code).toBe(0);
    const applied = /^已执行 (\d+) 个迁移，数据库现已是最新（共 (\d+) 个迁移）$/m.exec(first.stdout);
    expect(applied).not.toBeNull();
    const [, count, total] = applied!.map(Number);
    // A fresh database: every migration there is was applied by this run.
    expect(count).toBeGreaterThan(1);
    expect(total).toBe(count);
    expect(first.stdout).not.toContain('数据库已是最新（');

    const second = await runCli(['migrate'], cli.env);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(`数据库已是最新（${count} 个迁移）\n`);
    // In English when the command line speaks it, and only then.
    const english = await runCli(['migrate'], { ...cli.env, HUBWATCH_LOCALE: 'en' });
    expect(english.stdout).toBe(`database is up to date (${count} migrations)\n`);
  });
});
