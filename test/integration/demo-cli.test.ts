import fs from 'node:fs';
import { BENCH_HUB } from '../../bench/checks-hub';
import { DEMO_SCALE_MAX, demoHubRefusal, demoScaleRefusal } from '../../cli/commands/demo';
import { EXAMPLE_CATALOG_PATH } from '../../server/bootstrap/embedded-demo';
import { translator } from '../../server/i18n';
import { cliEnvironment, runCli } from '../helpers/cli';

const zh = translator('zh-CN');
const en = translator('en');

describe('hubwatch demo reset', () => {
  it('refuses a hub that is not a demo or test database, before connecting to it', async () => {
    const env = cliEnvironment();
    try {
      // Port 1 has nothing listening: a connection attempt would fail with exit 1, not 2.
      const real = await runCli(['demo', 'reset', '--yes-i-mean-it'], {
        ...env.env,
        HUBWATCH_LOCALE: 'en',
        HUB_DATABASE_URL: 'postgres://hub@127.0.0.1:1/datacenter',
      });
      expect(real.code).toBe(2);
      // In the command line's language only (HUBWATCH_LOCALE=en): it was both, Chinese first.
      expect(real.stderr).toBe('refusing to write to database "datacenter": its name must contain "demo" or "test"\n');
      const unconfirmed = await runCli(['demo', 'reset'], {
        ...env.env,
        HUB_DATABASE_URL: 'postgres://hub@127.0.0.1:1/hub_demo',
      });
      expect(unconfirmed.code).toBe(2);
      expect(unconfirmed.stderr).toContain('--yes-i-mean-it');
      const badScale = await runCli(['demo', 'reset', '--scale', '0'], env.env);
      expect(badScale.code).toBe(2);
      expect(badScale.stderr).toContain('--scale');
    } finally {
      env.cleanup();
    }
  });

  it('refuses a --scale above the maximum, naming it: exit 2 before anything is opened or built', async () => {
    const env = cliEnvironment();
    try {
      const embedded = await runCli(['demo', 'reset', '--scale', String(DEMO_SCALE_MAX.embedded + 1)], {
        ...env.env,
        HUBWATCH_LOCALE: 'en',
      });
      expect(embedded.code).toBe(2);
      expect(embedded.stdout).toBe('');
      expect(embedded.stderr).toMatch(/^--scale: .*at most 100 for the embedded demo hub/);
      // Nothing opened: neither database was created under DATA_DIR.
      expect(fs.readdirSync(env.dataDir)).toEqual([]);
      // A PostgreSQL hub (port 1: a connection attempt would be exit 1): the benchmark's scale at most.
      const hub = { ...env.env, HUBWATCH_LOCALE: 'en', HUB_DATABASE_URL: 'postgres://hub@127.0.0.1:1/hub_demo' };
      const big = await runCli(['demo', 'reset', '--yes-i-mean-it', '--scale', '1001'], hub);
      expect([big.code, big.stdout]).toEqual([2, '']);
      expect(big.stderr).toMatch(/^--scale: .*at most 1000 for a PostgreSQL hub/);
    } finally {
      env.cleanup();
    }
  });

  it('the maximum scale: 100 embedded, 1000 on PostgreSQL (the benchmark builds 1000)', () => {
    expect(BENCH_HUB.scale).toBeLessThanOrEqual(DEMO_SCALE_MAX.postgres);
    expect(demoScaleRefusal(100, null, zh)).toBeNull();
    expect(demoScaleRefusal(101, null, zh)).toMatch(/^--scale: 内嵌演示中台至多 100（[^/]*$/);
    expect(demoScaleRefusal(101, null, en)).toMatch(/^--scale: at most 100 for the embedded demo hub/);
    expect(demoScaleRefusal(1000, 'postgres://u@h/hub_demo', en)).toBeNull();
    expect(demoScaleRefusal(1001, 'postgres://u@h/hub_demo', zh)).toMatch(/^--scale: 至多 1000（[^/]*$/);
    expect(demoScaleRefusal(1001, 'postgres://u@h/hub_demo', en)).toMatch(/^--scale: at most 1000/);
  });

  it('names that allow a reset', () => {
    expect(demoHubRefusal(null, false, en)).toBeNull();
    expect(demoHubRefusal('postgres://u@h/university_test', true, en)).toBeNull();
    expect(demoHubRefusal('postgres://u@h/DemoHub', true, en)).toBeNull();
    expect(demoHubRefusal('postgres://u@h/hub', true, en)).toMatch(/must contain "demo" or "test"/);
    expect(demoHubRefusal('postgres://u@h/hub', true, zh)).toBe('拒绝写入数据库 "hub"：名称中须含 demo 或 test');
    expect(demoHubRefusal('mysql://u@h/demo', true, en)).toMatch(/only be built in PostgreSQL/);
  });

  it('builds the embedded demo hub with progress and the defect list; the example then imports strictly', async () => {
    const env = cliEnvironment();
    try {
      const result = await runCli(['demo', 'reset', '--seed', '3'], env.env);
      expect(result.code).toBe(0);
      const lines = result.stdout.split('\n');
      expect(lines.filter((l) => /^\s+\[\d\/9\]/.test(l)).map((l) => l.trim())).toEqual([
        '[1/9] org_unit',
        '[2/9] staff_basic',
        '[3/9] student_status',
        '[4/9] student_payment',
        '[5/9] course_grade',
        '[6/9] freshman_admission',
        '[7/9] library_loan',
        '[8/9] research_output',
        '[9/9] analyze',
      ]);
      expect(result.stdout).toContain('## 演示数据中台 / The demo hub');
      expect(result.stdout).toContain('seed = 3');

      // Every table and column of the example catalog exists in the demo hub: no warnings even with --strict.
      const imported = await runCli(['catalog', 'import', '--strict', EXAMPLE_CATALOG_PATH], env.env);
      expect(imported.stderr).toBe('');
      expect(imported.code).toBe(0);
      expect(imported.stdout.trim()).toBe('已导入目录版本 1：10 个部门、8 张表、24 个字段');

      // A table named in any case is the catalog's table; a name the catalog lacks is exit 2, nothing run.
      const run = await runCli(['check', 'run', '--table', 'STAFF_BASIC', '--json'], env.env);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout).tables.map((t: { table: string }) => t.table)).toEqual(['staff_basic']);
      // The summary speaks the command line's language, as every command.
      const chinese = await runCli(['check', 'run', '--table', 'staff_basic'], { ...env.env, HUBWATCH_LOCALE: 'zh-CN' });
      expect(chinese.stdout).toMatch(
        /^检查运行 #\d+：已完成，用时 (?:\d+ 毫秒|\d+\.\d 秒|\d+ 分 \d+ 秒)\n {2}staff_basic +\d+\/\d+ 项通过/,
      );
      // Each failing check as the pages name it, its stored kind beside it, and what it found of how many rows.
      expect(chinese.stdout).toMatch(/\n {6}✗ 有效性 \(validate\) id_card: [\d,]+ \/ [\d,]+ 条\n/);
      const english = await runCli(['check', 'run', '--table', 'staff_basic'], { ...env.env, HUBWATCH_LOCALE: 'en' });
      expect(english.stdout).toMatch(
        /^Check run #\d+: Completed, (?:\d+ ms|\d+\.\d s|\d+ min \d+ s)\n {2}staff_basic +\d+\/\d+ passed/,
      );
      expect(english.stdout).toMatch(/\n {6}✗ \w[\w ]* \(validate\) id_card: [\d,]+ of [\d,]+ rows\n/);
      // freshman_admission has only its freshness, checked in July to September (maintained_in): out of them no check
      // applies, said so rather than "0/0 项通过".
      const freshmen = await runCli(['check', 'run', '--table', 'freshman_admission'], { ...env.env, HUBWATCH_LOCALE: 'zh-CN' });
      const month = Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', month: 'numeric' }).format(new Date()));
      expect(freshmen.stdout).toMatch(
        [7, 8, 9].includes(month)
          ? /\n {2}freshman_admission +[01]\/1 项通过\n/
          : /\n {2}freshman_admission +没有适用的检查项（如时效只在维护月份检查）\n/,
      );
      const unknown = await runCli(['check', 'run', '--table', 'staff_basics'], env.env);
      expect([unknown.code, unknown.stderr.trim()]).toEqual([2, '--table: 数据目录中没有表：staff_basics']);
      // An empty name (an unset shell variable) names no table: exit 2 saying a name is needed, nothing run.
      const empty = await runCli(['check', 'run', '--table', ''], env.env);
      expect([empty.code, empty.stderr.trim()]).toEqual([2, '--table: 需要表名']);
    } finally {
      env.cleanup();
    }
    // Builds the whole embedded demo hub in PGlite (WASM): ~20–30 s alone, over 70 s on a loaded 2-vCPU machine.
  }, 240_000);
});
