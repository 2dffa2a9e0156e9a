import { buildUser } from '../factories';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * The catalog import form sent back (422) shows the error summary at the top of the page, as the other forms do
 * (views/partials/error-summary.hbs, focused by public/js/app.js): each line links to the message beside its box, and
 * the box names that message in aria-describedby. The paste box is at the bottom of the page; without the summary the
 * message was only there, and focus stayed on the page's body.
 */
let t: TestApp;
let office: Awaited<ReturnType<typeof signIn>>;

beforeAll(async () => {
  t = await createTestApp();
  const it = await buildUser(t.db.knex, { login: 'it', department: 'ITC', roles: ['it_office'] });
  office = await signIn(t.app, it.login, it.password);
});
afterAll(() => t.close());

const post = (locale: 'zh-CN' | 'en' = 'zh-CN') =>
  office.agent.post('/catalog/import').field('_csrf', office.csrf).set('Accept-Language', locale);

/** The summary's links, [anchor, text], or null without a summary. */
function summary(html: string): [string, string][] | null {
  const box = /<div class="flash flash-error error-summary" role="alert">([\s\S]*?)<\/div>/.exec(html);
  if (!box) return null;
  return [...box[1].matchAll(/<a href="#([^"]+)">([^<]*)<\/a>/g)].map((m) => [m[1], m[2]]);
}

/** The summary comes before the forms, and each anchor is the id of an element of the page. */
function expectLinked(html: string) {
  const lines = summary(html)!;
  expect(html.indexOf('error-summary')).toBeLessThan(html.indexOf('action="/catalog/import"'));
  for (const [anchor] of lines) expect(html).toContain(`id="${anchor}"`);
  return lines;
}

describe('the catalog import form sent back', () => {
  it('a file over 1 MB: the summary links to the message beside the file input, which names it', async () => {
    const res = await post().attach('file', Buffer.alloc(1024 * 1024 + 10, 'a'), 'catalog.yaml');
    expect(res.status).toBe(422);
    const lines = expectLinked(res.text);
    expect(lines).toEqual([['c-file-error', expect.stringContaining('文件超过 1 MB')]]);
    expect(lines[0][1]).toMatch(/^目录文件：/);
    expect(res.text).toMatch(/<input id="c-file"[^>]*aria-invalid="true" aria-describedby="c-file-error"/);
    expect(res.text).toContain('<p class="field-error" id="c-file-error">');
  });

  it('a file not in UTF-8: the summary links to the file input’s message', async () => {
    const gbk = Buffer.from([0x23, 0x20, 0xc8, 0xcb, 0xca, 0xc2, 0x0a]); // "# 人事" in GBK
    const res = await post('en').attach('file', gbk, 'catalog.yaml');
    expect(res.status).toBe(422);
    expect(expectLinked(res.text)).toEqual([
      ['c-file-error', 'Catalog file: The file is not UTF-8 encoded: save it as UTF-8 and upload it again'],
    ]);
    expect(res.text).toMatch(/<input id="c-file"[^>]*aria-describedby="c-file-error"/);
  });

  it('an empty paste: the summary links to the message beside the text box', async () => {
    const res = await post().field('yaml', '   ');
    expect(res.status).toBe(422);
    expect(expectLinked(res.text)).toEqual([['c-yaml-error', '请上传文件或粘贴 YAML 内容']]);
    expect(res.text).toMatch(/<textarea id="c-yaml"[^>]*aria-describedby="c-yaml-error"/);
    // The file input has no message: it describes none.
    expect(res.text).not.toMatch(/<input id="c-file"[^>]*aria-describedby/);
  });

  it('a catalog with YAML problems: the summary counts them and links to their list', async () => {
    const res = await post('en').field('yaml', 'timezone: [\n');
    expect(res.status).toBe(422);
    const lines = expectLinked(res.text);
    expect(lines).toEqual([['import-problems', expect.stringMatching(/^YAML text: 1 error, 0 warnings$/)]]);
  });

  it('the form opened, not sent back: no summary', async () => {
    expect(summary((await office.agent.get('/catalog/import').expect(200)).text)).toBeNull();
  });
});
