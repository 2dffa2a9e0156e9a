import { buildUser } from '../factories';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * The import page's text box is sent in the multipart form (the page's file input shares it). A catalog pasted
 * there larger than the 1 MB a catalog may be is refused at the text box, in the reader's language, the text's
 * size named; nothing is imported. (It came back as an English parser message under the file input.)
 */
let t: TestApp;
let office: Awaited<ReturnType<typeof signIn>>;

beforeAll(async () => {
  t = await createTestApp();
  const it = await buildUser(t.db.knex, { login: 'it', department: 'ITC', roles: ['it_office'] });
  office = await signIn(t.app, it.login, it.password);
});
afterAll(() => t.close());

const paste = (yaml: string, locale: 'zh-CN' | 'en' = 'zh-CN') =>
  office.agent
    .post('/catalog/import')
    .field('_csrf', office.csrf)
    .set('Accept-Language', locale)
    .field('yaml', yaml)
    .field('dry_run', '1');

describe('a catalog pasted into the import page', () => {
  it('over 1 MB is refused at the text box, in the reader’s language; nothing imported', async () => {
    const big = `# ${'注释'.repeat(200_000)}\ntimezone: Asia/Shanghai\n`; // 1.2 MB of UTF-8
    const zh = await paste(big);
    expect(zh.status).toBe(422);
    expect(zh.text).toMatch(/id="c-yaml"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="c-yaml"/);
    expect(zh.text).toContain('粘贴的目录超过 1 MB');
    expect(zh.text).not.toContain('Field value too long');
    const en = await paste(big, 'en');
    expect(en.status).toBe(422);
    expect(en.text).toContain('The pasted catalog is larger than 1 MB');
    expect(Number((await t.db.knex('catalog_versions').count({ n: '*' }))[0].n)).toBe(0);
  });

  it('of several MB comes back on the form too, saying how to import a larger catalog and not to split it', async () => {
    const huge = `# ${'x'.repeat(5 * 1024 * 1024)}\n`; // 5 MB: past the 2 MB of text other forms take
    const res = await paste(huge);
    expect(res.status).toBe(422);
    expect(res.text).toContain('id="c-yaml"');
    expect(res.text).toContain(
      '粘贴的目录超过 1 MB（网页导入至多 1 MB）；更大的目录请在服务器上用命令行导入：npx hubwatch catalog import 文件名。请勿拆分导入：每次导入都替换整个目录，未包含的表将被停用',
    );
    expect(Number((await t.db.knex('catalog_versions').count({ n: '*' }))[0].n)).toBe(0);
  });

  it('is sent by the page as multipart, so its size counts as UTF-8, not URL-encoded (9 bytes a Chinese character)', async () => {
    const page = (await office.agent.get('/catalog/import').expect(200)).text;
    const form = /<form[^>]*>(?:(?!<\/form>)[\s\S])*id="c-yaml"/.exec(page)![0];
    expect(form).toMatch(/^<form[^>]*enctype="multipart\/form-data"/);
    // The CSRF token is the form's first field, not in its action (which logs and the history keep).
    expect(form).toMatch(/^<form[^>]*action="\/catalog\/import"[^>]*>\s*<input type="hidden" name="_csrf" value="[^"]+">/);
  });

  it('under 1 MB of UTF-8 is read (a catalog of Chinese titles is not refused for its encoded size)', async () => {
    const res = await paste(`# ${'注释'.repeat(150_000)}\ntimezone: Asia/Shanghai\n`); // 0.9 MB
    expect(res.text).not.toContain('粘贴的目录超过 1 MB');
    expect(res.text).not.toContain('Field value too long');
    // It was read: the catalog's own problems are listed (it has no departments, no tables).
    expect(res.text).toMatch(/发现 \d+ 个错误/);
  });
});
