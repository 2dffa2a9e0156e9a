import fs from 'node:fs';
import path from 'node:path';
import { EXAMPLE_CATALOG_PATH } from '../../server/bootstrap/embedded-demo';
import { importCatalog } from '../../server/services/catalog/repository';
import { buildUser } from '../factories';
import { createTestApp, signIn, TestApp } from '../helpers/app';
import { cliEnvironment, runCli } from '../helpers/cli';
import { createTestDatabase, TestDatabase } from '../helpers/database';

/**
 * An import's result in Chinese reads with Chinese punctuation, as the rest of the UI: 第 30 行，systems[0].department：…
 * and 停用（…）：research_output、course_grade.score. It said "第 30 行, systems[0]…:" and "：research_output,
 * course_grade.score". English keeps its own: line 30, systems[0].department: …, and research_output, course_grade.score.
 */
const EXAMPLE = fs.readFileSync(EXAMPLE_CATALOG_PATH, 'utf8');

function exampleWith(from: string, to: string): string {
  expect(EXAMPLE.split(from)).toHaveLength(2);
  return EXAMPLE.replace(from, to);
}
/** A system's department mistyped: one error, at line 30. */
const BAD = exampleWith('{ name: 人事管理系统,   department: HR }', '{ name: 人事管理系统,   department: NOPE }');
/** Without the table research_output and the field course_grade.score: both would be deactivated. */
const FEWER = (() => {
  const without =
    EXAMPLE.slice(0, EXAMPLE.indexOf('  - name: research_output')) + EXAMPLE.slice(EXAMPLE.indexOf('# Extra rules'));
  expect(without.split('      - { name: score,      title: 成绩 }\n')).toHaveLength(2);
  return without.replace('      - { name: score,      title: 成绩 }\n', '');
})();

describe('the import page', () => {
  let t: TestApp;
  let office: Awaited<ReturnType<typeof signIn>>;
  beforeAll(async () => {
    t = await createTestApp();
    expect((await importCatalog(t.db.knex, EXAMPLE)).ok).toBe(true);
    const u = await buildUser(t.db.knex, { department: 'ITC', roles: ['it_office'] });
    office = await signIn(t.app, u.login, u.password);
  });
  afterAll(() => t.close());

  const post = (text: string, locale: 'zh-CN' | 'en', dryRun = true) => {
    let req = office.agent.post('/catalog/import').field('_csrf', office.csrf).set('Accept-Language', locale);
    if (dryRun) req = req.field('dry_run', '1');
    return req.attach('file', Buffer.from(text), 'catalog.yaml');
  };

  it("names a problem's line and path with the reader's punctuation, in the list and at the line", async () => {
    const zh = await post(BAD, 'zh-CN').expect(422);
    expect(zh.text).toContain(
      '<a href="#L30">第 30 行</a>，<code>systems[0].department</code>：<span class="badge bad">错误</span> 未知的部门 &quot;NOPE&quot;',
    );
    expect(zh.text).toContain('<div class="line-problem error">systems[0].department：未知的部门 &quot;NOPE&quot;');
    const en = await post(BAD, 'en').expect(422);
    expect(en.text).toContain(
      '<a href="#L30">line 30</a>, <code>systems[0].department</code>: <span class="badge bad">error</span> unknown department &quot;NOPE&quot;',
    );
    expect(en.text).toContain('<div class="line-problem error">systems[0].department: unknown department &quot;NOPE&quot;');
  });

  it('lists what an import deactivates with 、 in Chinese, with commas in English', async () => {
    const zh = await post(FEWER, 'zh-CN').expect(200);
    expect(zh.text).toContain('<p>导入后将停用（不再检查，历史保留）：research_output、course_grade.score</p>');
    const en = await post(FEWER, 'en').expect(200);
    expect(en.text).toContain(
      '<p>Would be deactivated on import (no longer checked, history kept): research_output, course_grade.score</p>',
    );
    expect(en.text).not.toContain('catalog-same-as');
  });

  it('says a catalog identical to the current version is so, dry run or not, and still makes a new version', async () => {
    const current = Number((await t.db.knex('catalog_versions').max({ id: 'id' }).first())!.id);
    const dry = await post(EXAMPLE, 'zh-CN').expect(200);
    expect(dry.text).toContain(
      `<p class="catalog-same-as">与当前版本（第 ${current} 版）内容相同：导入后仍会照常记为新的一版。</p>`,
    );
    const imported = await post(EXAMPLE, 'en', false).expect(200);
    expect(imported.text).toContain(`Imported catalog version ${current + 1}:`);
    expect(imported.text).toContain(
      `<p class="catalog-same-as">Identical to version ${current} (the current one before this import): recorded as a new version all the same.</p>`,
    );
    const changed = await post(FEWER, 'en').expect(200);
    expect(changed.text).not.toContain('catalog-same-as');
  });
});

describe('hubwatch catalog import', () => {
  let db: TestDatabase;
  let env: ReturnType<typeof cliEnvironment>;
  const file = (name: string, text: string) => {
    const p = path.join(env.dataDir, name);
    fs.writeFileSync(p, text);
    return p;
  };
  beforeAll(async () => {
    db = await createTestDatabase('catpunct');
    env = cliEnvironment(db.url);
  });
  afterAll(async () => {
    env.cleanup();
    await db.close();
  });

  it("prints problems and the deactivated in each language's punctuation", async () => {
    const zh = await runCli(['catalog', 'import', file('bad.yaml', BAD)], { ...env.env, HUBWATCH_LOCALE: 'zh-CN' });
    expect(zh.code).toBe(2);
    expect(zh.stderr).toContain('第 30 行，systems[0].department：未知的部门 "NOPE"（应为 departments 中的某个 code）\n');
    const en = await runCli(['catalog', 'import', file('bad.yaml', BAD)], { ...env.env, HUBWATCH_LOCALE: 'en' });
    expect(en.stderr).toContain(
      'line 30, systems[0].department: unknown department "NOPE" (expected a code listed under departments)\n',
    );

    expect((await runCli(['catalog', 'import', file('example.yaml', EXAMPLE)], env.env)).code).toBe(0);
    const fewer = file('fewer.yaml', FEWER);
    const zhDry = await runCli(['catalog', 'import', '--dry-run', fewer], { ...env.env, HUBWATCH_LOCALE: 'zh-CN' });
    expect(zhDry.stdout).toContain('导入后将停用（不再检查）：research_output、course_grade.score\n');
    const enDry = await runCli(['catalog', 'import', '--dry-run', fewer], { ...env.env, HUBWATCH_LOCALE: 'en' });
    expect(enDry.stdout).toContain('would deactivate (no longer checked): research_output, course_grade.score\n');
    const zhReal = await runCli(['catalog', 'import', fewer], { ...env.env, HUBWATCH_LOCALE: 'zh-CN' });
    expect(zhReal.stdout).toContain('停用（不再检查）：research_output、course_grade.score\n');
  });
});
