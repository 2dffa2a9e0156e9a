import fs from 'node:fs';
import path from 'node:path';
import { EXAMPLE_CATALOG_PATH } from '../../server/bootstrap/embedded-demo';
import { importCatalog } from '../../server/services/catalog/repository';
import { buildUser } from '../factories';
import { changedSince, installChangeLog, mark } from '../helpers/change-log';
import { createTestApp, signIn, TestApp } from '../helpers/app';
import { cliEnvironment, runCli } from '../helpers/cli';
import { createTestDatabase, TestDatabase } from '../helpers/database';

/**
 * Values the parser accepted but the database refused (a 500 on the web, raw SQL and exit 1 in the
 * CLI, "valid" from a dry run): names and titles longer than their columns, control characters from
 * YAML escapes; and files that are not UTF-8 (GBK), which were imported as mojibake. Each is now a
 * problem naming its line and path; the dry run, the web import and the CLI agree; nothing changes.
 */

const EXAMPLE = fs.readFileSync(EXAMPLE_CATALOG_PATH, 'utf8');
const GBK = fs.readFileSync(path.resolve(__dirname, '../fixtures/catalogs/gbk.catalog.yaml'));
const LONG_NAME = '人'.repeat(201);

/** The example with one text replaced (the replaced text occurs once). */
function exampleWith(from: string, to: string): string {
  expect(EXAMPLE.split(from)).toHaveLength(2);
  return EXAMPLE.replace(from, to);
}

const BAD_CATALOGS: [string, string, number, string, string][] = [
  [
    'a department name of 201 characters',
    exampleWith('{ code: HR,   name: 人事处,', `{ code: HR,   name: ${LONG_NAME},`),
    18,
    'departments[0].name',
    'too long: 201 characters, at most 200',
  ],
  [
    'a table title of 201 characters',
    exampleWith('title: 教职工基本信息', `title: ${'表'.repeat(201)}`),
    51,
    'tables[1].title',
    'too long: 201 characters, at most 200',
  ],
  [
    'a department code of 65 characters',
    exampleWith('{ code: ITC,  name: 信息与网络管理中心 }', `{ code: ${'I'.repeat(65)}, name: 信息与网络管理中心 }`),
    27,
    'departments[9].code',
    'too long: 65 characters, at most 64',
  ],
  [
    'a "\\0" escape in a department name',
    exampleWith('{ code: HR,   name: 人事处,', '{ code: HR,   name: "人事\\0处",'),
    18,
    'departments[0].name',
    'contains the character U+0000',
  ],
  [
    'a "\\0" escape in a rule condition',
    exampleWith('value: -0.2', 'value: "\\0"'),
    166,
    'rules[0].conditions.all[0].value',
    'contains the character U+0000',
  ],
];

describe('catalog values the database cannot store (service)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('catvalues');
    const { migrateToLatest } = await import('../../server/db/migrate');
    await migrateToLatest(db.knex);
  });
  afterAll(() => db.close());

  it.each(BAD_CATALOGS)(
    '%s: the dry run and the import report it by line and path',
    async (_what, text, line, where, message) => {
      for (const dryRun of [true, false]) {
        const result = await importCatalog(db.knex, text, { dryRun });
        expect(result.ok).toBe(false);
        const errors = result.problems.filter((p) => p.severity === 'error');
        expect(errors).toHaveLength(1);
        expect(errors[0]).toMatchObject({ line, path: where });
        expect(errors[0].message.en).toContain(message);
      }
      expect(Number((await db.knex('catalog_versions').count({ n: '*' }))[0].n)).toBe(0);
    },
  );

  it('still imports the example, and a name of exactly 200 characters', async () => {
    expect((await importCatalog(db.knex, EXAMPLE)).ok).toBe(true);
    const result = await importCatalog(
      db.knex,
      exampleWith('{ code: HR,   name: 人事处,', `{ code: HR,   name: ${'人'.repeat(200)},`),
    );
    expect(result.ok).toBe(true);
    expect((await db.knex('departments').where({ code: 'HR' }).first()).name).toBe('人'.repeat(200));
  });
});

describe('catalog values the database cannot store (web import)', () => {
  let t: TestApp;
  let office: Awaited<ReturnType<typeof signIn>>;

  beforeAll(async () => {
    t = await createTestApp();
    const it = await buildUser(t.db.knex, { login: 'it', department: 'ITC', roles: ['it_office'] });
    office = await signIn(t.app, it.login, it.password);
    await installChangeLog(t.db.knex);
  });
  afterAll(() => t.close());

  const upload = async (content: Buffer | string, dryRun = false) => {
    const before = await mark(t.db.knex);
    let req = office.agent.post('/catalog/import').field('_csrf', office.csrf);
    if (dryRun) req = req.field('dry_run', '1');
    const res = await req.attach('file', Buffer.from(content), 'catalog.yaml');
    return { res, changed: await changedSince(t.db.knex, before) };
  };

  it.each(BAD_CATALOGS)('%s: 422 naming the line and path (dry run too), nothing imported', async (_what, text, line, where) => {
    for (const dryRun of [true, false]) {
      const { res, changed } = await upload(text, dryRun);
      expect(res.status).toBe(422);
      expect(res.text).toContain(`href="#L${line}">第 ${line} 行</a>，<code>${where}</code>：<span class="badge bad">`);
      expect(res.text).toContain('<span class="badge bad">错误</span>');
      expect(changed).toEqual([]);
    }
  });

  it('a GBK file: 422 saying it is not UTF-8, naming the first line it cannot read; nothing imported', async () => {
    const { res, changed } = await upload(GBK);
    expect(res.status).toBe(422);
    expect(res.text).toContain('文件不是 UTF-8 编码');
    // Named, not linked: a file that cannot be read shows no source lines to link to (the link went nowhere).
    expect(/<li class="problem error">\s*([^<]*)</.exec(res.text)?.[1].trim()).toBe('第 7 行：');
    expect(res.text).not.toContain('href="#L7"');
    expect(res.text).not.toContain('人事处'.slice(0, 1) + '\uFFFD');
    expect(changed).toEqual([]);
  });

  it('a UTF-8 file with a byte order mark imports', async () => {
    const { res } = await upload(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(EXAMPLE)]));
    expect(res.status).toBe(200);
    expect((await t.db.knex('departments').where({ code: 'HR' }).first()).name).toBe('人事处');
  });

  it('an empty file: 422 saying the file chosen is empty (not "upload a file"), beside the file input', async () => {
    const { res, changed } = await upload(Buffer.alloc(0));
    expect(res.status).toBe(422);
    expect(res.text).toMatch(
      /name="file"[^>]*>\s*<p class="field-error" id="c-file-error">所选文件没有内容，请选择数据目录 YAML 文件<\/p>/,
    );
    expect(res.text).not.toContain('请上传文件或粘贴 YAML 内容');
    expect(changed).toEqual([]);
  });

  it('a dry run of a catalog without one of the imported tables says it would be deactivated, not that it was', async () => {
    const start = EXAMPLE.indexOf('  - name: research_output');
    const without = EXAMPLE.slice(0, start) + EXAMPLE.slice(EXAMPLE.indexOf('# Extra rules'));
    const dry = await upload(without, true);
    expect(dry.res.status).toBe(200);
    expect(dry.res.text).toContain('<p>导入后将停用（不再检查，历史保留）：research_output</p>');
    expect(dry.changed).toEqual([]);
    const real = await upload(without);
    expect(real.res.text).toContain('<p>停用（不再检查，历史保留）：research_output</p>');
  });
});

describe('catalog values the database cannot store (hubwatch catalog import)', () => {
  let db: TestDatabase;
  let env: ReturnType<typeof cliEnvironment>;
  const file = (name: string, content: string | Buffer) => {
    const p = path.join(env.dataDir, name);
    fs.writeFileSync(p, content);
    return p;
  };

  beforeAll(async () => {
    db = await createTestDatabase('catvaluescli');
    env = cliEnvironment(db.url);
  });
  afterAll(async () => {
    env.cleanup();
    await db.close();
  });

  it.each(BAD_CATALOGS)(
    '%s: exit 2 with the problem by line and path, dry run too; nothing imported',
    async (_what, text, line, where, message) => {
      for (const dry of [['--dry-run'], []]) {
        const result = await runCli(['catalog', 'import', ...dry, file('bad.yaml', text)], { ...env.env, HUBWATCH_LOCALE: 'en' });
        expect(result.code).toBe(2);
        expect(result.stderr).toContain(`line ${line}, ${where}: ${message}`);
        expect(result.stderr).not.toMatch(/insert into|value too long|Unicode escape/i);
      }
      expect((await runCli(['catalog', 'export'], env.env)).code).toBe(1);
    },
  );

  it('a GBK file: exit 2, the bilingual problem, nothing imported', async () => {
    const zh = await runCli(['catalog', 'import', file('gbk.yaml', GBK)], env.env);
    expect(zh.code).toBe(2);
    expect(zh.stderr).toContain('第 7 行，（文件）：文件不是 UTF-8 编码');
    const en = await runCli(['catalog', 'import', '--dry-run', file('gbk.yaml', GBK)], { ...env.env, HUBWATCH_LOCALE: 'en' });
    expect(en.code).toBe(2);
    expect(en.stderr).toContain('line 7, (file): the file is not UTF-8 encoded');
    expect((await runCli(['catalog', 'export'], env.env)).code).toBe(1);
  });
});
