import fs from 'node:fs';
import path from 'node:path';
import { importCatalog, loadCurrentCatalog } from '../../server/services/catalog/repository';
import { MAX_DESCRIPTION, MAX_KEY_VALUE, MAX_SUGGESTED_VALUE } from '../../server/services/reports';
import { MONDAY, PNG, ReportsWorld, useReportsWorld } from '../factories/reports';
import { signIn } from '../helpers/app';

/** The web form: table → fields and key inputs without JS, the hub look-up, errors in place, the attachment check. */

const world = useReportsWorld();

/** Posts the multipart form as the browser does, the CSRF token in the action URL. */
async function postForm(who: keyof ReportsWorld, fields: Record<string, string>, file?: [Buffer, string]) {
  const s = await world.as(who);
  let req = s.agent.post('/reports').field('_csrf', s.csrf).set('Accept', 'text/html');
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  if (file) req = req.attach('attachment', file[0], file[1]);
  return req;
}
const form = (over: Record<string, string> = {}) => ({
  table: 'staff_basic',
  field: 'political_status',
  'record_key[staff_no]': '20190001',
  description: '应为中共党员',
  suggested_value: '中共党员',
  action: 'submit',
  ...over,
});
/** The table picker's options and the tables the page's script reads, as the page shows them. */
/** The error summary at the form's top: each entry's link target and text. */
const summaryOf = (html: string) =>
  [
    ...(/<div class="flash flash-error error-summary"[\s\S]*?<\/div>/.exec(html)?.[0] ?? '').matchAll(
      /<a href="#([^"]+)">([^<]*)<\/a>/g,
    ),
  ].map((m) => [m[1], m[2]]);
const tableOptions = (html: string) => /<select id="report-table"[^>]*>([\s\S]*?)<\/select>/.exec(html)![1];
const embeddedTables = (html: string) =>
  JSON.parse(/<script type="application\/json" id="report-tables">([\s\S]*?)<\/script>/.exec(html)![1]) as {
    name: string;
    title: string;
    label: string;
    fields: { name: string; label: string }[];
  }[];
const count = async (table: string) => Number((await world.db(table).count({ n: '*' }).first())?.n);

describe('choosing the table', () => {
  it('says in words which boxes must be filled in (a bare * was read as "star"), in the reader\'s language', async () => {
    const s = await world.as('reporter');
    const zhPage = (await s.agent.get('/reports/new?table=staff_basic').expect(200)).text;
    for (const label of ['<label for="report-table">数据表（必填）</label>', '<label for="report-field">字段（必填）</label>'])
      expect(zhPage).toContain(label);
    expect(zhPage).toMatch(/<legend>[^<]+（必填）<\/legend>/);
    expect(zhPage).toMatch(/<label for="report-description">[^<]+（必填）<\/label>/);
    expect(zhPage).not.toMatch(/ \*<\/(label|legend)>/);
    const enPage = (await s.agent.get('/reports/new?table=staff_basic').set('Accept-Language', 'en').expect(200)).text;
    expect(enPage).toMatch(/<label for="report-description">[^<]+ \(required\)<\/label>/);
  });

  it('opens from a catalog field link with the field chosen and one input per key column', async () => {
    const page = await (
      await world.as('reporter')
    ).agent
      .get('/reports/new?table=staff_basic&field=political_status')
      .expect(200);
    expect(page.text).toContain('<option value="political_status" selected>');
    expect(page.text).toContain('name="record_key[staff_no]"');
  });

  it('re-renders with the chosen table’s fields and key inputs when the form is sent with only a table (no JavaScript)', async () => {
    const res = await postForm('reporter', { table: 'student_status', action: 'choose' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('name="record_key[student_no]"');
    expect(res.text).toContain('<option value="grade" >年级 (grade)</option>');
    expect(res.text).not.toContain('请选择字段</p>');
  });

  it('links from the catalog table page to the form, for the table and for each field', async () => {
    const page = await (await world.as('reporter')).agent.get('/catalog/tables/staff_basic').expect(200);
    expect(page.text).toContain('href="/reports/new?table=staff_basic"');
    expect(page.text).toContain('href="/reports/new?table=staff_basic&amp;field=political_status"');
  });

  it('offers no report on a table whose fields the catalog does not list (a report names a field), and says so', async () => {
    const s = await world.as('reporter');
    const catalogPage = (await s.agent.get('/catalog/tables/library_loan').expect(200)).text;
    expect(catalogPage).not.toContain('href="/reports/new?table=library_loan"');
    expect(catalogPage).toContain('本表在数据目录中没有列出字段，暂不能在线报告错误');
    const formPage = (await s.agent.get('/reports/new?table=library_loan').expect(200)).text;
    expect(tableOptions(formPage)).not.toContain('library_loan');
    expect(embeddedTables(formPage).map((x) => x.name)).not.toContain('library_loan');
    expect(embeddedTables(formPage).map((x) => x.name)).toContain('staff_basic');
  });

  it('names a key column without a title by its name once (course_code, not "course_code course_code")', async () => {
    const res = await postForm('reporter', { table: 'course_grade', action: 'choose' });
    expect(res.text).toContain('<label><code>course_code</code>');
    expect(res.text).not.toContain('course_code <code>course_code</code>');
  });
});

describe('looking the record up in the hub', () => {
  // What others learn of a conditional table (only whether it holds the value they saw) is in reports-lookup.test.ts.
  it('shows the hub value of the field to the department owning the table', async () => {
    const res = await postForm('hrSteward', form({ action: 'lookup' }));
    expect(res.status).toBe(200);
    expect(res.text).toContain('<code class="hub-value">群众</code>');
  });

  it('masks a sensitive field, and names it by its title', async () => {
    const res = await postForm('hrSteward', form({ action: 'lookup', field: 'id_card' }));
    expect(res.text).toContain('中台中该记录的“身份证号”为： <code class="hub-value">410102********1234</code>');
    expect(res.text).not.toContain('410102199001011234');
  });

  it('finds a record whose key was typed in full width (as a Chinese input method on a phone types it: ２０１９０００１)', async () => {
    const res = await postForm('hrSteward', form({ action: 'lookup', 'record_key[staff_no]': '\u3000２０１９０００１' }));
    expect(res.status).toBe(200);
    expect(res.text).toContain('<code class="hub-value">群众</code>');
    expect(res.text).not.toContain('中台中没有找到这条记录');
  });

  it('says when the record is not in the hub, keeps what was typed, and writes nothing', async () => {
    const before = await count('reports');
    const res = await postForm('reporter', form({ action: 'lookup', 'record_key[staff_no]': '29999999' }));
    expect(res.text).toContain('中台中没有找到这条记录。仍可提交报告。');
    expect(res.text).toContain('value="29999999"');
    expect(res.text).toContain('应为中共党员</textarea>');
    expect(await count('reports')).toBe(before);
  });

  it('not finding a key that holds characters which do not show, says which to delete', async () => {
    // 20190001 is in the hub. Copied from a web page or a chat with a zero-width space inside, the key read as the right
    // one and the look-up said only 中台中没有找到这条记录: the teacher was left thinking the record was missing.
    const before = await count('reports');
    const zwsp = await postForm('reporter', form({ action: 'lookup', 'record_key[staff_no]': '2019\u200b0001' }));
    expect(zwsp.status).toBe(200);
    expect(zwsp.text).toContain('中台中没有找到这条记录。仍可提交报告。');
    expect(zwsp.text).toContain(
      '<p class="lookup-key-invisible">您填写的职工号中有看不见的字符：2019\\u200B0001（\\u 开头的是该字符的代码），常见于从网页、表格或聊天软件复制时一并带入，中台按所填的原样查找。请删除后重新输入，再查询一次。</p>',
    );
    // What was typed stays in its box as typed (the hub is searched for it so: HUB_VALUES).
    expect(zwsp.text).toContain('value="2019\u200b0001"');
    // A no-break space and a byte-order mark, in English.
    const s = await world.as('reporter');
    const en = await s.agent
      .post('/reports')
      .field('_csrf', s.csrf)
      .set('Accept', 'text/html')
      .set('Accept-Language', 'en')
      .field('table', 'staff_basic')
      .field('field', 'political_status')
      .field('record_key[staff_no]', '20\ufeff19\u00a00001')
      .field('action', 'lookup');
    expect(en.status).toBe(200);
    expect(en.text).toContain('The record was not found in the hub.');
    expect(en.text).toContain(
      'The 职工号 you typed holds characters that do not show: 20\\uFEFF19\\u00A00001 (each \\u code is one)',
    );
    // A key not found that holds nothing hidden is only not found; a found one says nothing of the kind either.
    const plain = await postForm('reporter', form({ action: 'lookup', 'record_key[staff_no]': '29999999' }));
    expect(plain.text).toContain('中台中没有找到这条记录。');
    expect(plain.text).not.toContain('lookup-key-invisible');
    const found = await postForm('reporter', form({ action: 'lookup' }));
    expect(found.text).not.toContain('lookup-key-invisible');
    expect(await count('reports')).toBe(before);
  });

  it('asks to choose the file again after a look-up only when a file was sent with it', async () => {
    const hint = '如需附件，请重新选择文件。';
    // No file chosen: nothing to choose again (it said so after every look-up).
    const without = await postForm('hrSteward', form({ action: 'lookup' }));
    expect(without.status).toBe(200);
    expect(without.text).toContain('<code class="hub-value">群众</code>');
    expect(without.text).not.toContain(hint);
    // A file chosen, then the look-up: the form comes back without it, and says so.
    const withFile = await postForm('hrSteward', form({ action: 'lookup' }), [PNG, 'scan.png']);
    expect(withFile.status).toBe(200);
    expect(withFile.text).toContain(hint);
    // In English too; a mistake without a file does not ask for one either.
    const s = await world.as('hrSteward');
    const en = await s.agent
      .post('/reports')
      .field('_csrf', s.csrf)
      .set('Accept', 'text/html')
      .set('Accept-Language', 'en')
      .field('table', 'staff_basic')
      .field('action', 'submit');
    expect(en.status).toBe(422);
    expect(en.text).not.toContain('To attach a file, choose it again.');
  });
});

describe('sending the report', () => {
  it('sent back with several mistakes, raises one alert — its summary — not one more for each message', async () => {
    // Each message beside its box was an alert of its own: a screen reader said every message twice.
    const res = await postForm('reporter', form({ description: '', 'record_key[staff_no]': '' }));
    expect(res.status).toBe(422);
    expect(res.text.match(/<p class="field-error"/g)!.length).toBeGreaterThanOrEqual(2);
    expect(res.text.match(/role="alert"/g)).toHaveLength(1);
    expect(res.text).toMatch(/<div class="flash flash-error error-summary" role="alert">/);
  });

  it('refuses bad input with messages next to the fields, keeping what was typed', async () => {
    const before = [await count('reports'), await count('tickets')];
    const res = await postForm('reporter', form({ field: 'party', description: '', suggested_value: '中共预备党员' }));
    expect(res.status).toBe(422);
    expect(res.text).toContain('数据表“教职工基本信息”中没有字段“party”');
    expect(res.text).toContain('请说明哪里有误');
    const long = await postForm('reporter', form({ description: '长'.repeat(2001) }));
    expect(long.status).toBe(422);
    expect(summaryOf(long.text)).toEqual([['report-description-error', '哪里有误：最多 2000 个字符（已填写 2001 个）']]);
    expect(res.text).toContain('value="中共预备党员"');
    expect(res.text).toContain('value="20190001"');
    const key = await postForm('reporter', form({ 'record_key[staff_no]': '' }));
    expect(key.status).toBe(422);
    // One message for the empty key column, next to its input and naming it by its label; the key's
    // summary for the API ("缺少主键列 staff_no…") would only repeat it.
    expect(key.text.match(/<p class="field-error"[^>]*>[^<]*<\/p>/g)).toEqual([
      '<p class="field-error" id="report-key-staff_no-error">请填写职工号</p>',
    ]);
    expect(key.text).toMatch(
      /name="record_key\[staff_no\]"[^>]*>\s*<\/label>\s*<p class="field-error" id="report-key-staff_no-error">请填写职工号<\/p>/,
    );
    // And at the form's top, linked to it: the message names its box already.
    expect(summaryOf(key.text)).toEqual([['report-key-staff_no-error', '请填写职工号']]);
    // The chosen table stays chosen (the options are built once per catalog; only this one is marked).
    for (const page of [res.text, key.text]) {
      expect(tableOptions(page)).toContain('<option value="staff_basic" selected>教职工基本信息 (staff_basic)</option>');
      expect(tableOptions(page).match(/ selected>/g)).toHaveLength(1);
    }
    expect([await count('reports'), await count('tickets')]).toEqual(before);
  });

  it('says how many characters a box over its limit holds, so that its writer knows how much to cut', async () => {
    // It said only 最多 2000 个字符: a teacher who pasted a long e-mail did not know how much to delete, while the
    // department's answer form and every ticket box said 最多 2000 个字符（已填写 2001 个）.
    const before = await count('reports');
    const zh = await postForm(
      'reporter',
      form({ description: `${'长'.repeat(2040)}\n一`, suggested_value: 'x'.repeat(501), observed_value: '群'.repeat(600) }),
    );
    expect(zh.status).toBe(422);
    expect(summaryOf(zh.text)).toEqual([
      ['report-observed-error', '您看到的值：最多 500 个字符（已填写 600 个）'],
      ['report-description-error', '哪里有误：最多 2000 个字符（已填写 2042 个）'],
      ['report-suggested-error', '正确的值：最多 500 个字符（已填写 501 个）'],
    ]);
    expect(zh.text).toContain('id="report-description-error">最多 2000 个字符（已填写 2042 个）</p>');
    const s = await world.as('reporter');
    const en = await s.agent
      .post('/reports')
      .field('_csrf', s.csrf)
      .set('Accept', 'text/html')
      .set('Accept-Language', 'en')
      .field('table', 'staff_basic')
      .field('field', 'political_status')
      .field('record_key[staff_no]', '2'.repeat(201))
      .field('description', 'd'.repeat(2001))
      .field('action', 'submit');
    expect(en.status).toBe(422);
    expect(en.text).toContain('At most 2000 characters (2001 given)');
    expect(en.text).toContain('At most 200 characters (201 given)');
    expect(await count('reports')).toBe(before);
  });

  it("stops each box where the server's limit is (maxlength), as the sharing form's boxes do", async () => {
    // Nothing stopped a pasted 3,000-character e-mail: the form came back with 最多 2000 个字符 and the text to cut.
    const page = (await (await world.as('reporter')).agent.get('/reports/new?table=staff_basic').expect(200)).text;
    const maxlength = (id: string) => Number(new RegExp(`id="${id}"[^>]*\\bmaxlength="(\\d+)"`).exec(page)?.[1]);
    expect({
      key: maxlength('report-key-staff_no-input'),
      observed: maxlength('report-observed'),
      description: maxlength('report-description'),
      suggested: maxlength('report-suggested'),
      // The key boxes the page's script makes when another table is chosen take theirs from here.
      scriptKeys: Number(/data-report-keys data-key-max="(\d+)"/.exec(page)?.[1]),
    }).toEqual({
      key: MAX_KEY_VALUE,
      observed: MAX_SUGGESTED_VALUE,
      description: MAX_DESCRIPTION,
      suggested: MAX_SUGGESTED_VALUE,
      scriptKeys: MAX_KEY_VALUE,
    });
  });

  it('with a NUL or a direction override in one box, says every other mistake too, the file over 5 MB included', async () => {
    // The forbidden character was the only message: the form came back three times, one problem at a time.
    const before = [await count('reports'), await count('uploads')];
    const big = Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]);
    const res = await postForm(
      'reporter',
      form({ suggested_value: '中共\u202E党员', description: '长'.repeat(2001), 'record_key[staff_no]': '' }),
      [big, 'big.png'],
    );
    expect(res.status).toBe(422);
    expect(summaryOf(res.text)).toEqual([
      ['report-key-staff_no-error', '请填写职工号'],
      ['report-description-error', '哪里有误：最多 2000 个字符（已填写 2001 个）'],
      [
        'report-suggested-error',
        '正确的值：文本中含有看不见的控制字符（常见于从其他程序复制电话号码或文字时一并带入）：请删除这部分后重新输入（字符代码 \\u202E）',
      ],
      ['report-attachment-error', '附件：文件超过 5 MB'],
    ]);
    // A look-up checks what it reads, not the description nor the file.
    const lookup = await postForm(
      'reporter',
      form({ action: 'lookup', observed_value: '群\u0000众', description: '', 'record_key[staff_no]': '' }),
    );
    expect(lookup.status).toBe(422);
    expect(summaryOf(lookup.text)).toEqual([
      ['report-key-staff_no-error', '请填写职工号'],
      [
        'report-observed-error',
        '您看到的值：文本中含有看不见的控制字符（常见于从其他程序复制电话号码或文字时一并带入）：请删除这部分后重新输入（字符代码 \\u0000）',
      ],
    ]);
    expect([await count('reports'), await count('uploads')]).toEqual(before);
  });

  it('refuses a file whose content is not PNG, JPEG or PDF, whatever its name', async () => {
    const before = await count('uploads');
    const res = await postForm('reporter', form(), [Buffer.from('GIF89a not allowed'), 'photo.png']);
    expect(res.status).toBe(422);
    expect(res.text).toContain('只接受 PNG、JPEG 图片或 PDF 文件（按文件内容识别）');
    // The summary at the form's top names the box, a screen or more above it.
    expect(summaryOf(res.text)).toEqual([
      ['report-attachment-error', '附件：只接受 PNG、JPEG 图片或 PDF 文件（按文件内容识别）'],
    ]);
    expect(res.text).toContain('应为中共党员</textarea>');
    expect(await count('uploads')).toBe(before);
  });

  it('over the hourly limit: the form as typed, saying the limit and when the next report may be sent (Retry-After)', async () => {
    const reporter2 = world.people.reporter2;
    await world.db('reports').insert(
      Array.from({ length: 20 }, (_, i) => ({
        reporter_id: reporter2.id,
        status: 'rejected',
        table_name: 'staff_basic',
        field_name: 'name',
        record_key: JSON.stringify({ staff_no: '20190001' }),
        department_code: 'HR',
        description: `#${i}`,
        // The oldest 40 minutes before now (10:00 in Shanghai): the next may be sent at 10:20.
        created_at: new Date(MONDAY.getTime() - 40 * 60_000 + i * 1000),
      })),
    );
    const before = await count('reports');
    const res = await postForm('reporter2', form({ observed_value: '群众' }), [PNG, 'scan.png']);
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe(String(20 * 60));
    expect(res.text).toContain('提交过于频繁：每人每小时最多提交 20 份报告，下一份可于 2026-03-02 10:20 后提交');
    expect(res.text).toContain('应为中共党员</textarea>');
    expect(res.text).toMatch(/name="suggested_value"[^>]*value="中共党员"/);
    expect(res.text).toMatch(/name="observed_value"[^>]*value="群众"/);
    expect(res.text).toContain('如需附件，请重新选择文件。');
    expect(await count('reports')).toBe(before);
  });

  it('refuses a file over 5 MB and keeps the text typed before it', async () => {
    const big = Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]);
    const res = await postForm('reporter', form(), [big, 'big.png']);
    expect(res.status).toBe(422);
    expect(res.text).toContain('文件超过 5 MB');
    expect(res.text).toContain('应为中共党员</textarea>');
  });

  it('accepts a PNG, files the report and shows it under 我的报告; nobody else can open it or its file', async () => {
    const res = await postForm('reporter', form(), [PNG, 'scan.dat']);
    expect(res.status).toBe(302);
    const id = Number(/\/reports\/(\d+)$/.exec(res.headers.location)![1]);
    const row = await world
      .db('reports as r')
      .join('uploads as u', 'u.id', 'r.attachment_id')
      .where('r.id', id)
      .first('u.file_type', 'r.hub_value', 'r.hub_found');
    expect(row).toEqual({ file_type: 'png', hub_value: '群众', hub_found: true });
    const s = await world.as('reporter');
    const mine = await s.agent.get('/reports/mine').expect(200);
    expect(mine.text).toContain(`href="/reports/${id}"`);
    const file = await s.agent.get(`/reports/${id}/attachment`).expect(200);
    expect(file.headers['content-type']).toBe('image/png');
    const other = await world.as('reporter2');
    expect((await other.agent.get('/reports/mine').expect(200)).text).not.toContain(`href="/reports/${id}"`);
    await other.agent.get(`/reports/${id}`).expect(404);
    await other.agent.get(`/reports/${id}/attachment`).expect(404);
    // The field's steward (ORG) opens the answer page with the description and the file.
    const ticketId = (await world.db('reports').where({ id }).first('ticket_id')).ticket_id;
    const org = await signIn(world.app, world.people.orgSteward.login, world.people.orgSteward.password);
    const answerPage = await org.agent.get(`/reports/tickets/${ticketId}`).expect(200);
    expect(answerPage.text).toContain('应为中共党员');
    expect(answerPage.text).toContain('报告人甲');
    await org.agent.get(`/reports/${id}/attachment`).expect(200);
    await (await world.as('hrSteward')).agent.get(`/reports/tickets/${ticketId}`).expect(404);
  });
});

describe('the tables the form lists', () => {
  const EXAMPLE = path.resolve(__dirname, '../../server/services/catalog/examples/university.catalog.yaml');
  const HOSTILE = `<script>alert('x')</script> & "q" </script><!--`;
  /** The example catalog plus one table whose title is markup (catalog text is never trusted as HTML). */
  const withExtraTable = () =>
    fs.readFileSync(EXAMPLE, 'utf8').replace(
      '\nrules:\n',
      `
  - name: zz_added
    title: ${JSON.stringify(HOSTILE)}
    domain: 测试域
    department: HR
    sharing: none
    key: [k_id]
    fields:
      - { name: k_id, title: 键 }

rules:
`,
    );
  async function reimport(yaml: string) {
    const result = await importCatalog(world.db, yaml);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
  }
  afterAll(() => reimport(fs.readFileSync(EXAMPLE, 'utf8')));

  it('embeds the current catalog’s tables for the script and follows a re-import', async () => {
    const s = await world.as('reporter');
    // The tables a report may name: those whose fields the catalog lists.
    const names = async () =>
      (await loadCurrentCatalog(world.db))!.catalog.tables.filter((x) => x.fields.length).map((x) => x.name);
    const before = await s.agent.get('/reports/new').expect(200);
    expect(embeddedTables(before.text).map((x) => x.name)).toEqual(await names());
    expect(embeddedTables(before.text).map((x) => x.name)).not.toContain('zz_added');

    await reimport(withExtraTable());
    const after = await s.agent.get('/reports/new?table=zz_added').expect(200);
    const listed = embeddedTables(after.text);
    expect(listed.map((x) => x.name)).toEqual(await names());
    expect(listed.find((x) => x.name === 'zz_added')?.title).toBe(HOSTILE);
    // Escaped in both places: `<` as \u003c inside the script block, HTML entities in the option.
    expect(after.text).not.toContain(HOSTILE);
    expect(after.text).toContain('"title":"\\u003cscript>alert(\'x\')\\u003c/script> & \\"q\\" \\u003c/script>\\u003c!--"');
    expect(tableOptions(after.text)).toContain(
      '<option value="zz_added" selected>&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;q&quot; &lt;/script&gt;&lt;!-- (zz_added)</option>',
    );
    expect(tableOptions(after.text).match(/ selected>/g)).toHaveLength(1);
    expect(tableOptions(after.text)).toContain('<option value="staff_basic" >教职工基本信息 (staff_basic)</option>');
  });

  it('names a table and a field without catalog titles once in the menus (zz_plain, not "zz_plain (zz_plain)")', async () => {
    await reimport(
      fs.readFileSync(EXAMPLE, 'utf8').replace(
        '\nrules:\n',
        `
  - name: zz_plain
    domain: 测试域
    department: HR
    sharing: none
    key: [k_id]
    fields:
      - { name: k_id }
      - { name: note, title: 备注 }

rules:
`,
      ),
    );
    const s = await world.as('reporter');
    const chosen = await postForm('reporter', { table: 'zz_plain', action: 'choose' });
    expect(chosen.status).toBe(200);
    const page = chosen.text;
    expect(tableOptions(page)).toContain('<option value="zz_plain" selected>zz_plain</option>');
    expect(page).toContain('<option value="k_id" >k_id</option>');
    expect(page).toContain('<option value="note" >备注 (note)</option>');
    // The script fills the field menu from the same labels when another table is chosen.
    const listed = embeddedTables((await s.agent.get('/reports/new').expect(200)).text).find((x) => x.name === 'zz_plain');
    expect(listed?.label).toBe('zz_plain');
    expect(listed?.fields.map((f) => f.label)).toEqual(['k_id', '备注 (note)']);
  });
});

it('opens the form at /reports, where the form comes back after a mistake or a look-up (a bookmark, a reload, Back)', async () => {
  const s = await world.as('reporter');
  const res = await s.agent.get('/reports').expect(302);
  expect(res.headers.location).toBe('/reports/new');
});
