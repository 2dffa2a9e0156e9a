import YAML from 'yaml';
import fs from 'node:fs';
import path from 'node:path';
import { translator } from '../../server/i18n';
import { AccessWorld, createAccessWorldApp } from '../factories/access';
import {
  billionLaughs,
  changedSince,
  EXE,
  HOSTILE_IDENTIFIERS,
  HTML,
  mark,
  OVERSIZED_PDF,
  SVG,
  withTable,
  zipBomb,
} from '../factories/hostile';
import { PNG, STAFF } from '../factories/reports';
import { sessionCache, TestApp } from '../helpers/app';

/**
 * Hostile uploads over the three forms that take files (issue 9): the report form's attachment,
 * the sharing form's material, the catalog import. The type is decided by the first bytes, so an
 * executable, a web page, an SVG or a zip (a zip bomb too) named .png/.pdf is refused without
 * being opened; over 5 MB is refused naming the file input; a refused upload writes nothing.
 */

const EXAMPLE = fs.readFileSync(
  path.resolve(__dirname, '../../server/services/catalog/examples/university.catalog.yaml'),
  'utf8',
);
const zh = translator('zh-CN');
/** Handlebars escapes text: compare messages as the page writes them. */
const html = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#x27;')
    .replace(/=/g, '&#x3D;');

let t: TestApp;
let w: AccessWorld;
/** Each person's session, signed in once. */
const sessionOf = sessionCache(() => t.app);

beforeAll(async () => {
  ({ t, w } = await createAccessWorldApp());
}, 120_000);
afterAll(() => t.close());

const BAD_FILES: [string, string, Buffer][] = [
  ['an executable named .png', 'evidence.png', EXE],
  ['a web page named .png', 'evidence.png', HTML],
  ['an SVG with a script named .png', 'evidence.png', SVG],
  ['a zip named .pdf', 'material.pdf', zipBomb(1024)],
  ['a zip bomb (50 MB of zeros in ~50 KB)', 'evidence.pdf', zipBomb()],
  ['a PDF whose first bytes are cut', 'evidence.pdf', Buffer.from('PDF-1.4\n%%EOF')],
];

describe('the report form (/reports)', () => {
  async function fileReport(file: { name: string; content: Buffer }) {
    const { agent, csrf } = await sessionOf(w.people.HR.user);
    const before = await mark(t.db.knex);
    const res = await agent
      .post('/reports')
      .field('_csrf', csrf)
      .field('table', 'staff_basic')
      .field('field', 'name')
      .field('record_key[staff_no]', STAFF.staff_no)
      .field('description', '姓名有误')
      .attach('attachment', file.content, file.name);
    return { res, changed: await changedSince(t.db.knex, before) };
  }

  it.each(BAD_FILES)('refuses %s with the attachment field message, writing nothing', async (_what, name, content) => {
    const { res, changed } = await fileReport({ name, content });
    expect(res.status).toBe(422);
    expect(res.text).toContain(html(zh('reports.errors.upload.bad_type')));
    expect(changed).toEqual([]);
  });

  it('refuses a file over 5 MB naming the attachment, writing nothing', async () => {
    const { res, changed } = await fileReport({ name: 'scan.pdf', content: OVERSIZED_PDF });
    expect(res.status).toBe(422);
    expect(res.text).toContain(html(zh('reports.errors.upload.too_large')));
    expect(changed).toEqual([]);
  });

  it('takes the type from the content: a PNG named .pdf is stored and served as a PNG', async () => {
    const { res, changed } = await fileReport({ name: 'looks-like.pdf', content: PNG });
    expect(res.status).toBe(302);
    expect(changed).toContain('uploads');
    const upload = await t.db.knex('uploads').orderBy('id', 'desc').first('file_type', 'filename');
    expect(upload).toEqual({ file_type: 'png', filename: 'looks-like.pdf' });
    const report = Number(/\/reports\/(\d+)/.exec(res.headers.location)![1]);
    const file = await (await sessionOf(w.people.HR.user)).agent.get(`/reports/${report}/attachment`).expect(200);
    expect(file.headers['content-type']).toBe('image/png');
    expect(file.headers['content-disposition']).toMatch(/^attachment;/);
  });
});

describe('the sharing form (/sharing/new)', () => {
  async function sendForm(action: 'draft' | 'submit', file: { field: string; name: string; content: Buffer }) {
    const { agent, csrf } = await sessionOf(w.people.HR.user);
    const before = await mark(t.db.knex);
    const res = await agent
      .post('/sharing/new')
      .set('X-CSRF-Token', csrf)
      .field('action', action)
      .field('purpose', '迎新系统需要学生基本信息')
      .field('items[0][table]', 'student_status')
      .field('items[0][fields][]', 'student_no')
      .attach(file.field, file.content, file.name);
    return { res, changed: await changedSince(t.db.knex, before) };
  }

  it.each(BAD_FILES)(
    'refuses %s as material, naming the file, on submit and on saving a draft; writes nothing',
    async (_what, name, content) => {
      for (const action of ['submit', 'draft'] as const) {
        const { res, changed } = await sendForm(action, { field: 'material', name, content });
        expect({ action, status: res.status }).toEqual({ action, status: 422 });
        expect(res.text).toContain(
          html(zh('sharing.errors.upload.bad_type', { filename: name, label: zh('sharing.form.material') })),
        );
        expect(changed).toEqual([]);
      }
    },
  );

  it('refuses a pledge scan over 5 MB naming the input by its label (without its hint) and the file, writing nothing', async () => {
    const { res, changed } = await sendForm('draft', { field: 'pledge_scan', name: 'pledge.pdf', content: OVERSIZED_PDF });
    expect(res.status).toBe(422);
    expect(res.text).toContain(
      html(zh('sharing.errors.upload.too_large', { filename: 'pledge.pdf', label: '签字盖章的承诺书扫描件' })),
    );
    expect(changed).toEqual([]);
  });
});

describe('the catalog import (/catalog/import)', () => {
  async function importFile(name: string, content: Buffer | string) {
    const { agent, csrf } = await sessionOf(w.everything);
    const before = await mark(t.db.knex);
    const res = await agent.post('/catalog/import').field('_csrf', csrf).attach('file', Buffer.from(content), name);
    return { res, changed: await changedSince(t.db.knex, before) };
  }
  const example = YAML.parse(EXAMPLE) as { tables: { name: string }[] };
  const staff = example.tables.findIndex((x) => x.name === 'staff_basic');

  it('refuses a billion-laughs file naming the first alias, without expanding it; imports nothing', async () => {
    const { res, changed } = await importFile('catalog.yaml', billionLaughs(EXAMPLE));
    expect(res.status).toBe(422);
    expect(res.text).toContain('rules[2].conditions.all[0].value.l1[0]：目录不支持 YAML 别名（*l0）');
    expect(changed).toEqual([]);
  });

  it.each(HOSTILE_IDENTIFIERS.map((id) => [JSON.stringify(id).slice(0, 40), id]))(
    'refuses the table name %s by its path; imports nothing',
    async (_label, id) => {
      const { res, changed } = await importFile('catalog.yaml', YAML.stringify(withTable(example, staff, { name: id })));
      expect(res.status).toBe(422);
      expect(res.text).toContain(`tables[${staff}].name：`);
      expect(changed).toEqual([]);
    },
  );

  it('refuses a zip (a bomb too) and an executable as YAML problems; imports nothing', async () => {
    for (const [name, content] of [
      ['catalog.yaml', zipBomb()],
      ['catalog.yaml', EXE],
    ] as const) {
      const { res, changed } = await importFile(name, content);
      expect(res.status).toBe(422);
      expect(res.text).toContain('class="problem error"');
      expect(changed).toEqual([]);
    }
  });

  it('refuses a file over 1 MB naming the file input; imports nothing', async () => {
    const { res, changed } = await importFile('catalog.yaml', `${EXAMPLE}\n${'#'.repeat(1024 * 1024)}\n`);
    expect(res.status).toBe(422);
    // On the import form, under the file input (the form comes back with the choices made).
    expect(res.text).toMatch(
      new RegExp(`name="file"[^>]*><p class="field-error" id="c-file-error">${html(zh('catalog.import.errors.tooLarge'))}</p>`),
    );
    expect(changed).toEqual([]);
  });
});

describe('NUL characters in multipart text (the forms that take files parse their own bodies)', () => {
  /** The message naming the codes found. */
  const NUL = (codes: string) => html(zh('errors.nulCharacter', { codes, count: codes.split(' ').length }));

  it('refuses a report whose description contains NUL beside its box, the form kept as typed; writes nothing', async () => {
    // It was a bare error page: everything typed (and the file chosen) was gone.
    const { agent, csrf } = await sessionOf(w.people.HR.user);
    const before = await mark(t.db.knex);
    const res = await agent
      .post('/reports')
      .field('_csrf', csrf)
      .field('table', 'staff_basic')
      .field('field', 'name')
      .field('record_key[staff_no]', STAFF.staff_no)
      .field('description', '姓名\u0000有误');
    expect(res.status).toBe(422);
    expect(res.text).toContain(`id="report-description-error">${NUL('\\u0000')}</p>`);
    expect(res.text).toContain('<a href="#report-description-error">'); // in the summary at the top
    expect(res.text).toMatch(/name="description"[^>]*>姓名\ufffd有误<\/textarea>/); // as a browser shows a NUL
    expect(res.text).toContain(`value="${STAFF.staff_no}"`);
    expect(await changedSince(t.db.knex, before)).toEqual([]);
  });

  it('refuses a direction override in a key box or the value seen beside that box, before any look-up', async () => {
    const { agent, csrf } = await sessionOf(w.people.HR.user);
    const before = await mark(t.db.knex);
    for (const action of ['lookup', 'submit']) {
      const res = await agent
        .post('/reports')
        .field('_csrf', csrf)
        .field('action', action)
        .field('table', 'staff_basic')
        .field('field', 'name')
        .field('record_key[staff_no]', `2019\u202E0001`)
        .field('observed_value', '张\u202E三')
        .field('description', '姓名有误');
      expect(res.status).toBe(422);
      expect(res.text).toContain(`id="report-key-staff_no-error">${NUL('\\u202E')}</p>`);
      expect(res.text).toContain(`id="report-observed-error">${NUL('\\u202E')}</p>`);
      expect(res.text).toMatch(/name="description"[^>]*>姓名有误<\/textarea>/);
    }
    expect(await changedSince(t.db.knex, before)).toEqual([]);
  });

  it('takes numbered rows with a gap (items[1] without items[0]) as the url-encoded form does: one after another', async () => {
    // multer parsed them into an array with holes, and a walk over the body threw outside express: the process ended.
    const { agent, csrf } = await sessionOf(w.people.HR.user);
    const res = await agent
      .post('/sharing/new')
      .set('X-CSRF-Token', csrf)
      .field('action', 'draft')
      .field('purpose', '迎新系统')
      .field('items[1][table]', 'student_status')
      .field('items[1][fields][]', 'student_no')
      .timeout(20_000); // a server that died meanwhile answers nothing: fail, not wait
    expect(res.status).toBe(303);
    const draft = await t.db.knex('sharing_requests').orderBy('id', 'desc').first('id', 'purpose');
    expect(draft.purpose).toBe('迎新系统');
    const items = await t.db.knex('sharing_items').where({ request_id: draft.id }).select('table_name');
    expect(items.map((i: { table_name: string }) => i.table_name)).toEqual(['student_status']);
  });

  it('answers a report form with a numbered field of its own with a gap (foo[1]) and goes on serving', async () => {
    const { agent, csrf } = await sessionOf(w.people.HR.user);
    const before = await mark(t.db.knex);
    const res = await agent
      .post('/reports')
      .field('_csrf', csrf)
      .field('table', 'staff_basic')
      .field('field', 'name')
      .field('record_key[staff_no]', STAFF.staff_no)
      .field('description', '姓名有误')
      .field('foo[1]', 'a')
      .timeout(20_000);
    expect(res.status).toBeLessThan(500);
    expect((await agent.get('/reports/mine')).status).toBe(200);
    if (res.status !== 302) expect(await changedSince(t.db.knex, before)).toEqual([]);
  });

  it("counts a purpose's line breaks as the browser's maxlength does: 2,000 characters in 20 lines sent with CRLF are taken", async () => {
    // Browsers send a text box's line breaks as CRLF; it was refused as "已填写 2019 个".
    const lines = Array.from({ length: 20 }, (_, i) => (i === 19 ? '用'.repeat(100) : '用'.repeat(99)));
    const purpose = lines.join('\r\n');
    expect(lines.join('\n')).toHaveLength(2000);
    const { agent, csrf } = await sessionOf(w.people.HR.user);
    const res = await agent
      .post('/sharing/new')
      .set('X-CSRF-Token', csrf)
      .field('action', 'draft')
      .field('purpose', purpose)
      .field('items[0][table]', 'student_status')
      .field('items[0][fields][]', 'student_no');
    expect(res.status).toBe(303);
    const draft = await t.db.knex('sharing_requests').orderBy('id', 'desc').first('purpose');
    expect(draft.purpose).toBe(lines.join('\n'));
  });

  it('refuses a sharing request whose purpose contains NUL at its box, the form as typed; writes nothing', async () => {
    const { agent, csrf } = await sessionOf(w.people.HR.user);
    const before = await mark(t.db.knex);
    const res = await agent
      .post('/sharing/new')
      .set('X-CSRF-Token', csrf)
      .field('action', 'draft')
      .field('purpose', '迎新\u0000系统')
      .field('items[0][table]', 'student_status')
      .field('items[0][fields][]', 'student_no');
    expect(res.status).toBe(422);
    // The form comes back (routes/sharing/form.ts forbiddenInForm), the message at the purpose's box.
    expect(res.text).toContain('id="purpose-error">“数据用途”中含有看不见的控制字符');
    expect(res.text).toContain('>迎新\ufffd系统</textarea>');
    expect(await changedSince(t.db.knex, before)).toEqual([]);
  });

  it('a NUL pasted into the catalog text: the form comes back with the text and the line named; imports nothing', async () => {
    const { agent, csrf } = await sessionOf(w.everything);
    const before = await mark(t.db.knex);
    const pasted = EXAMPLE.replace('人事处', '人事\u0000处');
    const lineNo = pasted.slice(0, pasted.indexOf('\u0000')).split('\n').length;
    const res = await agent.post('/catalog/import').field('_csrf', csrf).field('yaml', pasted).field('dry_run', '1');
    expect(res.status).toBe(422);
    // Not the error page: the import form, with the pasted text (the NUL shown as U+FFFD, as a browser shows it).
    const textarea = /<textarea[^>]*name="yaml"[^>]*>([\s\S]*?)<\/textarea>/.exec(res.text)?.[1] ?? '';
    expect(textarea).toContain('人事\ufffd处');
    expect(textarea).toContain('staff_basic');
    expect(res.text).not.toContain('\u0000');
    // The line with the NUL is the one marked, with the message under it.
    expect(res.text).toContain(
      `<li id="L${lineNo}" class="error"><span class="ln">${lineNo}</span><code>  - { code: HR,   name: 人事\ufffd处,`,
    );
    const marked = res.text.slice(
      res.text.indexOf(`<li id="L${lineNo}"`),
      res.text.indexOf('</li>', res.text.indexOf(`<li id="L${lineNo}"`)),
    );
    expect(marked).toContain(`<div class="line-problem error">${html('文件中含有控制字符 U+0000，请删除')}</div>`);
    expect(await changedSince(t.db.knex, before)).toEqual([]);

    // Sent again as the browser shows it: the replacement character is refused on the same line.
    const again = await agent.post('/catalog/import').field('_csrf', csrf).field('yaml', pasted.replace('\u0000', '\ufffd'));
    expect(again.status).toBe(422);
    expect(again.text).toContain('文件中含有替换字符 U+FFFD');
    expect(await changedSince(t.db.knex, before)).toEqual([]);
  });

  it('refuses a catalog file containing NUL as a YAML problem; imports nothing', async () => {
    const { agent, csrf } = await sessionOf(w.everything);
    const before = await mark(t.db.knex);
    const res = await agent
      .post('/catalog/import')
      .field('_csrf', csrf)
      .attach('file', Buffer.from(EXAMPLE.replace('staff_basic', 'staff\u0000basic')), 'catalog.yaml');
    expect(res.status).toBe(422);
    expect(await changedSince(t.db.knex, before)).toEqual([]);
  });
});
