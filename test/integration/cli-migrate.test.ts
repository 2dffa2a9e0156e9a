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
    const applied =
      /已执行 (\d+) 个迁移，数据库现已是最新（共 (\d+) 个迁移）\/ applied (\d+) migrations: the database is now up to date \((\d+) migrations\)/.exec(
        first.stdout,
      );
    expect(applied).not.toBeNull();
    const [, zhApplied, zhTotal, enApplied, enTotal] = applied!.map(Number);
    // A fresh database: every migration there is was applied by this run.
    expect(zhApplied).toBeGreaterThan(1);
    expect([zhTotal, enApplied, enTotal]).toEqual([zhApplied, zhApplied, zhApplied]);
    expect(first.stdout).not.toContain('database is up to date');

    const second = await runCli(['migrate'], cli.env);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`数据库已是最新（${zhApplied} 个迁移）/ database is up to date (${zhApplied} migrations)`);
    expect(second.stdout).not.toContain('已执行');
    expect(second.stdout).not.toContain('applied');
  });
});
