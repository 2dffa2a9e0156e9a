import fs from 'node:fs';
import path from 'node:path';
import { EXAMPLE_CATALOG_PATH } from '../../server/bootstrap/embedded-demo';
import { cliEnvironment, runCli } from '../helpers/cli';
import { createTestDatabase, TestDatabase } from '../helpers/database';

const EXAMPLE = fs.readFileSync(EXAMPLE_CATALOG_PATH, 'utf8');

describe('hubwatch catalog import / export', () => {
  let db: TestDatabase;
  let env: ReturnType<typeof cliEnvironment>;
  const file = (name: string, text: string) => {
    const p = path.join(env.dataDir, name);
    fs.writeFileSync(p, text);
    return p;
  };

  beforeAll(async () => {
    db = await createTestDatabase('catcli');
    env = cliEnvironment(db.url);
  });
  afterAll(async () => {
    env.cleanup();
    await db.close();
  });

  it('names a missing file or an extra argument (exit 2), as the option parser names what was typed', async () => {
    const none = await runCli(['catalog', 'import'], env.env);
    expect(none.code).toBe(2);
    expect(none.stderr.split('\n')[0]).toBe('缺少要导入的文件 FILE');
    const two = await runCli(['catalog', 'import', 'a.yaml', 'b.yaml'], env.env);
    expect(two.code).toBe(2);
    expect(two.stderr.split('\n')[0]).toBe('多余的参数 b.yaml：只导入一个文件');
    const en = await runCli(['catalog', 'import', 'a.yaml', 'b.yaml'], { ...env.env, HUBWATCH_LOCALE: 'en' });
    expect(en.stderr.split('\n')[0]).toBe('unexpected argument b.yaml: one file is imported');
    expect(two.stderr).toContain('用法 / Usage: hubwatch catalog import FILE');
  });

  it('prints every problem at once and exits 2 without changing anything', async () => {
    const bad = EXAMPLE.replace(
      'deadline: { after: report_date, within: 7d }        # 教师报到1周内',
      'deadline: { after: report_date, within: 7x }',
    ).replace('    department: FIN\n', '    department: XYZ\n');
    const result = await runCli(['catalog', 'import', file('bad.yaml', bad)], { ...env.env, HUBWATCH_LOCALE: 'en' });
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines[0]).toBe('line 66, tables[1].fields[0].deadline.within: "7x" is not a duration (24h, 7d or 5wd)');
    expect(lines[1]).toMatch(/^line 102, tables\[3\]\.department: /);
    expect(lines.at(-1)).toBe('2 errors; nothing changed.');
    const exported = await runCli(['catalog', 'export'], env.env);
    expect(exported.code).toBe(1);
  });

  it('a dry run exits 0 and imports nothing', async () => {
    const result = await runCli(['catalog', 'import', '--dry-run', file('ok.yaml', EXAMPLE)], env.env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('校验通过（试运行，未更改）：10 个部门、8 张表、24 个字段');
    expect((await runCli(['catalog', 'export'], env.env)).code).toBe(1);
  });

  it('imports with hub warnings (exit 0), and --strict turns them into errors (exit 2)', async () => {
    // The hub (this data directory's fresh embedded one, or on PostgreSQL the test's database) has none of the tables.
    const strict = await runCli(['catalog', 'import', '--strict', file('ok.yaml', EXAMPLE)], env.env);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain('第 39 行，tables[0].name：数据中台中没有表 "org_unit"');

    const result = await runCli(['catalog', 'import', file('ok.yaml', EXAMPLE)], env.env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('第 39 行，tables[0].name：警告：数据中台中没有表 "org_unit"');
    expect(result.stdout).toMatch(/已导入目录版本 1：10 个部门、8 张表、24 个字段/);
    expect(result.stdout).not.toContain('相同');
  });

  it('export prints YAML that imports back to the same export', async () => {
    const first = await runCli(['catalog', 'export'], env.env);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('name: staff_basic');
    const again = await runCli(['catalog', 'import', file('exported.yaml', first.stdout)], env.env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('已导入目录版本 2');
    // The same catalog in other words (the export's layout): a new version all the same, and said to be identical.
    expect(again.stdout).toContain('内容与第 1 版（导入前的当前版本）相同：仍照常记为新的一版');
    const second = await runCli(['catalog', 'export'], env.env);
    expect(second.stdout).toBe(first.stdout);
  });

  it('importing the current version again says it is identical to it, dry run or not (it made a new version silently)', async () => {
    const current = (await runCli(['catalog', 'export'], env.env)).stdout;
    const versions = async () => Number((await db.knex('catalog_versions').count({ n: '*' }).first())!.n);
    const before = await versions();
    const dry = await runCli(['catalog', 'import', '--dry-run', file('same.yaml', current)], env.env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`与当前版本（第 ${before} 版）内容相同：导入后仍会照常记为新的一版`);
    const dryEn = await runCli(['catalog', 'import', '--dry-run', file('same.yaml', current)], {
      ...env.env,
      HUBWATCH_LOCALE: 'en',
    });
    expect(dryEn.stdout).toContain(`identical to the current version (${before}): importing it still records a new version`);
    expect(await versions()).toBe(before);
    const en = await runCli(['catalog', 'import', file('same.yaml', current)], { ...env.env, HUBWATCH_LOCALE: 'en' });
    expect(en.code).toBe(0);
    expect(en.stdout).toContain(`imported catalog version ${before + 1}`);
    expect(en.stdout).toContain(
      `identical to version ${before} (the current one before this import): recorded as a new version all the same`,
    );
    expect(await versions()).toBe(before + 1);
  });

  it('a dry run that would deactivate tables says it would (it said "deactivated" of tables it left alone)', async () => {
    // The example without its last table (research_output): the import would stop checking it.
    const fewer =
      EXAMPLE.slice(0, EXAMPLE.indexOf('  - name: research_output')) + EXAMPLE.slice(EXAMPLE.indexOf('# Extra rules'));
    expect(fewer).toContain('\nrules:');
    const dry = await runCli(['catalog', 'import', '--dry-run', file('fewer.yaml', fewer)], env.env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('导入后将停用（不再检查）：research_output');
    expect(dry.stdout).not.toMatch(/^停用/m);
    expect(dry.stdout).not.toContain('内容相同');
    const en = await runCli(['catalog', 'import', '--dry-run', file('fewer.yaml', fewer)], { ...env.env, HUBWATCH_LOCALE: 'en' });
    expect(en.stdout).toContain('would deactivate (no longer checked): research_output');
  });

  it('a missing file is a usage error naming it in words', async () => {
    const missing = path.join(env.dataDir, 'nope.yaml');
    const result = await runCli(['catalog', 'import', missing], env.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`FILE: 无法读取 ${missing}：文件不存在\n`);
    const en = await runCli(['catalog', 'import', missing], { ...env.env, HUBWATCH_LOCALE: 'en' });
    expect(en.stderr).toBe(`FILE: cannot read ${missing}: no such file\n`);
    const folder = await runCli(['catalog', 'import', env.dataDir], env.env);
    expect(folder.stderr).toBe(`FILE: 无法读取 ${env.dataDir}：这是一个目录，不是文件\n`);
  });
});
