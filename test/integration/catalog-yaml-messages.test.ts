import fs from 'node:fs';
import path from 'node:path';
import { EXAMPLE_CATALOG_PATH } from '../../server/bootstrap/embedded-demo';
import { buildUser } from '../factories';
import { createTestApp, signIn, TestApp } from '../helpers/app';
import { cliEnvironment, runCli } from '../helpers/cli';
import { createTestDatabase, TestDatabase } from '../helpers/database';

/**
 * The CLI and the web import tell a YAML syntax error in the user's language, the first bad line only,
 * and a department code too long once; nothing is imported.
 */
const EXAMPLE = fs.readFileSync(EXAMPLE_CATALOG_PATH, 'utf8');
const NO_DASH = EXAMPLE.replace('  - { code: ORG,', '    { code: ORG,');
const NO_DASH_TABLE = EXAMPLE.replace('  - name: staff_basic', '  name: staff_basic');
// `title:` of student_payment one space short of its siblings (3 spaces, not 4).
const UNDER_INDENTED = EXAMPLE.replace('  - name: student_payment\n    title:', '  - name: student_payment\n   title:');
const LONG_CODE = EXAMPLE.replace(/\bHR\b/g, 'H'.repeat(70));

describe('hubwatch catalog import: YAML errors in the command line language', () => {
  let db: TestDatabase;
  let env: ReturnType<typeof cliEnvironment>;
  const file = (name: string, text: string) => {
    const p = path.join(env.dataDir, name);
    fs.writeFileSync(p, text);
    return p;
  };
  beforeAll(async () => {
    db = await createTestDatabase('catyaml');
    env = cliEnvironment(db.url);
  });
  afterAll(async () => {
    env.cleanup();
    await db.close();
  });

  it('Chinese by default, English with HUBWATCH_LOCALE=en; exit 2, nothing imported', async () => {
    const zh = await runCli(['catalog', 'import', file('bad.yaml', NO_DASH)], env.env);
    expect(zh.code).toBe(2);
    expect(zh.stderr).toContain('第 19 行，（文件）：YAML 语法错误：列表项缺少开头的“- ”：同一列表的每一项都以“- ”开头');
    expect(zh.stderr).not.toContain('Sequence item without - indicator');
    const en = await runCli(['catalog', 'import', '--dry-run', file('bad.yaml', NO_DASH)], { ...env.env, HUBWATCH_LOCALE: 'en' });
    expect(en.code).toBe(2);
    expect(en.stderr).toContain('line 19, (file): YAML syntax error: a list item without its leading "- "');
    expect((await runCli(['catalog', 'export'], env.env)).code).toBe(1);
  });

  it('one bad line: its error and a count of those that follow, not twenty lines', async () => {
    const result = await runCli(['catalog', 'import', file('bad.yaml', NO_DASH_TABLE)], { ...env.env, HUBWATCH_LOCALE: 'en' });
    expect(result.code).toBe(2);
    // The count of those that follow is said with the line's error, not counted as an error itself.
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^line 49, \(file\): YAML syntax error: inconsistent indentation: the keys of one level start at the same column\. \d+ more YAML syntax errors follow, most caused by this line's: correct this line/,
      ),
      '1 error; nothing changed.',
    ]);
  });

  it('a key indented between two levels: said first as its indentation, one error in the totals', async () => {
    const result = await runCli(['catalog', 'import', '--dry-run', file('bad.yaml', UNDER_INDENTED)], env.env);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^第 100 行，（文件）：YAML 语法错误：缩进不对：这一行缩进了 3 个空格，介于上面两个层级（2 个和 4 个空格）之间/,
      ),
      '共 1 个错误，未做任何更改。',
    ]);
    expect(result.stderr).not.toContain('列表项缺少开头的“- ”');
  });

  it('a department code too long: one error', async () => {
    const result = await runCli(['catalog', 'import', file('bad.yaml', LONG_CODE)], { ...env.env, HUBWATCH_LOCALE: 'en' });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      'line 18, departments[0].code: too long: 70 characters, at most 64',
      '1 error; nothing changed.',
    ]);
  });

  it('the example imports as it stands', async () => {
    const result = await runCli(['catalog', 'import', '--dry-run', file('ok.yaml', EXAMPLE)], env.env);
    expect(result.code).toBe(0);
  });
});

describe('web import: YAML errors in the page language', () => {
  let t: TestApp;
  let office: Awaited<ReturnType<typeof signIn>>;
  beforeAll(async () => {
    t = await createTestApp();
    const it = await buildUser(t.db.knex, { login: 'it', department: 'ITC', roles: ['it_office'] });
    office = await signIn(t.app, it.login, it.password);
  });
  afterAll(() => t.close());

  it('shows the Chinese message at its line, and nothing else; nothing imported', async () => {
    const res = await office.agent
      .post('/catalog/import')
      .field('_csrf', office.csrf)
      .attach('file', Buffer.from(NO_DASH), 'catalog.yaml');
    expect(res.status).toBe(422);
    expect(res.text).toContain('href="#L19">第 19 行</a>');
    expect(res.text).toContain('YAML 语法错误：列表项缺少开头的“- ”：同一列表的每一项都以“- ”开头');
    expect(res.text).not.toContain('Sequence item without');
    expect(res.text.match(/<span class="badge bad">错误<\/span>/g)).toHaveLength(1);
    expect(Number((await t.db.knex('catalog_versions').count({ n: '*' }))[0].n)).toBe(0);
  });

  it('counts the bad line as one error, with the errors after it said there', async () => {
    const res = await office.agent
      .post('/catalog/import')
      .field('_csrf', office.csrf)
      .attach('file', Buffer.from(NO_DASH_TABLE), 'catalog.yaml');
    expect(res.status).toBe(422);
    expect(res.text).toContain('发现 1 个错误、0 个警告');
    expect(res.text).toMatch(/缩进不一致：同一层级的键须从同一列开始。其后还有 \d+ 处 YAML 语法错误/);
    expect(res.text.match(/<span class="badge bad">错误<\/span>/g)).toHaveLength(1);
    // Under the bad line of the file: the message, without an empty key path before it (it read ": YAML …").
    expect(res.text).toMatch(/<div class="line-problem error">YAML 语法错误：缩进不一致/);
  });

  it('a key indented between two levels: its indentation said first, one error in the totals', async () => {
    const res = await office.agent
      .post('/catalog/import')
      .field('_csrf', office.csrf)
      .attach('file', Buffer.from(UNDER_INDENTED), 'catalog.yaml');
    expect(res.status).toBe(422);
    expect(res.text).toContain('发现 1 个错误、0 个警告');
    expect(res.text.match(/<span class="badge bad">错误<\/span>/g)).toHaveLength(1);
    expect(res.text).toContain('href="#L100">第 100 行</a>');
    expect(res.text).toContain('YAML 语法错误：缩进不对：这一行缩进了 3 个空格');
    expect(res.text).not.toContain('列表项缺少开头的“- ”');
  });
});

describe('web import: what a Chinese input method and a pasted second document do', () => {
  let t: TestApp;
  let office: Awaited<ReturnType<typeof signIn>>;
  const versions = async () => Number((await t.db.knex('catalog_versions').count({ n: '*' }))[0].n);
  const post = (yaml: string, locale: 'zh-CN' | 'en') =>
    office.agent
      .post('/catalog/import')
      .set('Accept-Language', locale)
      .type('form')
      .send({ _csrf: office.csrf, yaml, dry_run: '1' });
  beforeAll(async () => {
    t = await createTestApp();
    const it = await buildUser(t.db.knex, { login: 'it', department: 'ITC', roles: ['it_office'] });
    office = await signIn(t.app, it.login, it.password);
  });
  afterAll(() => t.close());

  it('a full-width colon after a key is named at its line, not as an indentation error two lines later', async () => {
    const bad = EXAMPLE.replace('  timezone: Asia/Shanghai', '  timezone：Asia/Shanghai');
    const line = bad.split('\n').findIndex((l) => l.includes('timezone：')) + 1;
    const zh = await post(bad, 'zh-CN');
    expect(zh.status).toBe(422);
    expect(zh.text).toContain(`href="#L${line}">第 ${line} 行</a>`);
    expect(zh.text).toContain('“timezone”后用了中文冒号“：”：键和值之间须用英文冒号加空格，如“timezone: 值”');
    expect(zh.text).not.toContain('缩进不一致');
    expect(zh.text).toContain('发现 1 个错误、0 个警告');
    const en = await post(bad, 'en');
    expect(en.text).toContain(`href="#L${line}">line ${line}</a>`);
    expect(en.text).toContain('&quot;timezone&quot; is followed by a full-width colon &quot;：&quot;');
  });

  it('in braces: the key is named with the colon it needs', async () => {
    const bad = EXAMPLE.replace('{ code: ORG,', '{ code：ORG,');
    const res = await post(bad, 'zh-CN');
    expect(res.status).toBe(422);
    expect(res.text).toContain('&quot;code：ORG&quot; 用了中文冒号“：”：键和值之间须用英文冒号加空格，如 &quot;code: ORG&quot;');
  });

  it('a second document after "---" is said in the reader\'s language, not as the library\'s advice to call parseAllDocuments()', async () => {
    const bad = `${EXAMPLE}---\ndepartments: []\n`;
    const line = bad.split('\n').indexOf('---') + 1;
    const zh = await post(bad, 'zh-CN');
    expect(zh.status).toBe(422);
    expect(zh.text).toContain(`href="#L${line}">第 ${line} 行</a>`);
    expect(zh.text).toContain('文件中有多个 YAML 文档（以单独一行的“---”分隔）：数据目录只能是一个文档');
    expect(zh.text).not.toContain('parseAllDocuments');
    const en = await post(bad, 'en');
    expect(en.text).toContain('the file holds several YAML documents (separated by a &quot;---&quot; line)');
    expect(en.text).not.toContain('parseAllDocuments');
    expect(await versions()).toBe(0);
  });
});
