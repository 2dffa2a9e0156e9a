import { downloadName } from '../../server/services/uploads';
import { createTestApp, postMultipart, signIn, summaryLinks, TestApp } from '../helpers/app';
import { buildSharingWorld, SharingPeople } from '../factories/sharing';

/**
 * The request form as read: what its script is given to draw the field picker; each choice (radio buttons, the
 * datasets' checkboxes) a fieldset named by its legend; each message tied to its input (aria-invalid,
 * aria-describedby naming the message), as the account and ticket settings forms do.
 */
let t: TestApp;
let people: SharingPeople;
let s: Awaited<ReturnType<typeof signIn>>;

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.now = () => new Date('2026-03-02T02:00:00Z');
  people = await buildSharingWorld(t.db.knex);
  s = await signIn(t.app, people.applicant.login, people.applicant.password);
});
afterAll(() => t.close());

it("gives the field picker's script the sensitive badge's text in the page's language (the browser test: e2e sharing-field-picker)", async () => {
  const zh = (await s.agent.get('/sharing/new').expect(200)).text;
  expect(zh).toContain('data-sharing-form data-sensitive-label="敏感"');
  const en = (await s.agent.get('/sharing/new').set('Accept-Language', 'en').expect(200)).text;
  expect(en).toContain('data-sharing-form data-sensitive-label="sensitive"');
});

/** The fieldset that holds every input named `name`, by its legend's text (null: no single fieldset holds them). */
function groupOf(html: string, name: string): { legend: string; tag: string } | null {
  const first = html.indexOf(`name="${name}"`);
  const last = html.lastIndexOf(`name="${name}"`);
  const start = html.lastIndexOf('<fieldset', first);
  const end = html.indexOf('</fieldset>', first);
  if (first < 0 || start < 0 || html.slice(start, first).includes('</fieldset>') || end < last) return null;
  const legend = /^<fieldset[^>]*>\s*<legend>([^<]*)<\/legend>/.exec(html.slice(start));
  return legend ? { legend: legend[1], tag: /^<fieldset[^>]*>/.exec(html.slice(start))![0] } : null;
}

/** The form sent with mistakes: nothing filled in but a table without fields and a vendor with a wrong ID number. */
async function sentWithMistakes(): Promise<string> {
  const res = await s.agent
    .post('/sharing/new')
    .set('X-CSRF-Token', s.csrf)
    .set('Accept', 'text/html')
    .field('items[0][table]', 'staff_basic')
    .field('vendors[0][name]', '王五')
    .field('vendors[0][id_card]', '123')
    .field('action', 'submit');
  expect(res.status).toBe(422);
  return res.text.slice(res.text.indexOf('<form method="post" action="/sharing/new'));
}

it('each set of radio buttons (and the datasets) is a fieldset named by its legend', async () => {
  const page = (await s.agent.get('/sharing/new').expect(200)).text;
  expect(
    ['system[status]', 'system[on_campus]', 'system[campus_address]', 'method', 'datasets[]'].map(
      (name) => [name, groupOf(page, name)?.legend] as const,
    ),
  ).toEqual([
    ['system[status]', '系统运行情况 *'],
    ['system[on_campus]', '系统是否在校内部署 *'],
    ['system[campus_address]', '是否为校内域名及IP *'],
    ['method', '数据对接方式 *'],
    ['datasets[]', '数据集名称 *'],
  ]);
  // The explanation typed for 其他 belongs to its question.
  expect(groupOf(page, 'method_other')?.legend).toBe('数据对接方式 *');
  expect(groupOf(page, 'dataset_other')?.legend).toBe('数据集名称 *');
});

it('a message is tied to its input: aria-invalid, and aria-describedby naming the message', async () => {
  const form = await sentWithMistakes();
  expect(form).toContain(
    '<input name="applicant[name]" maxlength="200" value="" aria-invalid="true" aria-describedby="applicant-name-error">' +
      '<p class="field-error" id="applicant-name-error">请填写“数据申请人姓名”</p>',
  );
  expect(form).toContain(
    '<input name="vendors[0][id_card]" value="123" maxlength="18" aria-label="身份证号" aria-invalid="true" aria-describedby="vendors-0-id_card-error">' +
      '<p class="field-error" id="vendors-0-id_card-error">“身份证号”格式不正确：123（应为18 位居民身份证号码（GB 11643，末位校验码正确））</p>',
  );
  expect(form).toMatch(
    /<textarea name="purpose" rows="3" maxlength="2000" aria-invalid="true" aria-describedby="purpose-error"><\/textarea><\/label>\s*<p class="field-error" id="purpose-error">请填写“数据用途”<\/p>/,
  );
  // The file input: its message. No file was chosen, so no line under it to choose one again.
  expect(form).toContain(
    '<input type="file" name="material" accept="application/pdf,image/png,image/jpeg" aria-invalid="true" aria-describedby="material-error">',
  );
  expect(form).not.toContain('id="material-again"');
  expect(form).toContain(
    'aria-invalid="true" aria-describedby="pledge_accepted-error"> 本人已阅读并承诺遵守上述《数据安全保密承诺书》',
  );
  // A choice: its message describes the group (the legend names it), each button is invalid.
  expect(groupOf(form, 'system[status]')?.tag).toBe('<fieldset class="choices" aria-describedby="system-status-error">');
  expect(form).toContain('<p class="field-error" id="system-status-error">请选择系统运行情况</p></fieldset>');
  expect(form.match(/<input type="radio" name="system\[status\]"[^>]*>/g)).toEqual([
    '<input type="radio" name="system[status]" value="building"  aria-invalid="true">',
    '<input type="radio" name="system[status]" value="running"  aria-invalid="true">',
  ]);
  // A table's fields: the ticked boxes' group and the other-fields input both name the message.
  expect(form).toContain('data-index="0" role="group" aria-label="字段" aria-describedby="items-0-fields-error">');
  expect(form).toContain(
    'aria-label="其他字段（英文字段名，逗号分隔）" aria-invalid="true" aria-describedby="items-0-fields-error">\n' +
      '          <p class="field-error" id="items-0-fields-error">请为表“教职工基本信息（staff_basic）”至少选择一个字段</p>',
  );
  // Every message has its id and something names it; an input without a message is not invalid.
  const messages = [...form.matchAll(/<p class="field-error"( id="([^"]+)")?>/g)];
  expect(messages.length).toBeGreaterThan(10);
  for (const [, , id] of messages) {
    expect(id).toBeDefined();
    expect(form).toMatch(new RegExp(`aria-describedby="([^"]* )?${id}( [^"]*)?"`));
    expect(form.split(` id="${id}"`).length).toBe(2);
  }
  expect(form).toContain('<input name="applicant[contact]" maxlength="200" value="">');
  expect(form).toContain('<input name="vendors[1][name]" maxlength="200" value="" aria-label="姓名">');
});

it('its headings go down one level at a time (h1, then h2: no h3 under the h1)', async () => {
  const page = (await s.agent.get('/sharing/new').expect(200)).text;
  const main = /<main[\s\S]*<\/main>/.exec(page)![0];
  const levels = [...main.matchAll(/<h([1-6])\b/g)].map((m) => Number(m[1]));
  expect(levels[0]).toBe(1);
  expect(levels.length).toBeGreaterThanOrEqual(3);
  const jumps = levels.filter((level, i) => i > 0 && level > levels[i - 1] + 1);
  expect(jumps).toEqual([]);
});

it('names a file the sent-back form did not keep, beside its input and in the summary at the top', async () => {
  const pdf = Buffer.from('%PDF-1.4\n%%EOF\n');
  const res = await s.agent
    .post('/sharing/new')
    .set('X-CSRF-Token', s.csrf)
    .set('Accept', 'text/html')
    .field('items[0][table]', 'staff_basic')
    .field('action', 'submit')
    .attach('material', pdf, '立项批复.pdf')
    .expect(422);
  const summary = res.text.slice(
    res.text.indexOf('error-summary'),
    res.text.indexOf('</div>', res.text.indexOf('error-summary')),
  );
  expect(summary).toContain(
    '<a href="#material-again">请重新选择“系统立项或相关材料”：所选文件“立项批复.pdf”未随退回的表单保留</a>',
  );
  expect(res.text).toContain(
    '<p class="muted warn-text" id="material-again">请重新选择“系统立项或相关材料”：所选文件“立项批复.pdf”未随退回的表单保留</p>',
  );
  // No pledge scan was chosen: nothing to choose again under its input (it asked for one), nor in the summary.
  expect(res.text).not.toContain('id="pledge_scan-again"');
  expect(res.text).not.toContain('表单退回时不保留已选的文件');
  expect(res.text).toContain('<input type="file" name="pledge_scan" accept="application/pdf,image/png,image/jpeg">');
  expect(summary).not.toContain('#pledge_scan-again');
});

it('names a file the form did not keep without the control and direction characters of the name the browser sent', async () => {
  const pdf = Buffer.from('%PDF-1.4\n%%EOF\n');
  // An RLO (U+202E) shows “立项批复\u202Efdp.exe” as 立项批复exe.pdf; control characters (U+0085 NEXT LINE, U+009B)
  // show nothing, or break the line. The form's own mistake (no fields chosen) sends it back.
  const sent = '立项\u009B批复\u0085\u202Efdp.exe';
  const res = await postMultipart(
    s,
    '/sharing/new',
    { 'items[0][table]': 'staff_basic', action: 'submit' },
    { files: { material: [pdf, sent], pledge_scan: [pdf, '\u202E承诺书.pdf'] } },
  ).expect(422);
  // Without the characters a stored file's download name drops (downloadName), but not given the extension it adds: the
  // applicant looks for the file by the name they chose (a.html above). Beside its input and at the top.
  const shown = '立项批复fdp.exe';
  expect(shown).toBe(downloadName(sent, 'pdf').replace(/\.pdf$/, ''));
  expect(res.text).toContain(
    `<p class="muted warn-text" id="material-again">请重新选择“系统立项或相关材料”：所选文件“${shown}”未随退回的表单保留</p>`,
  );
  expect(summaryLinks(res.text)).toContainEqual({
    anchor: 'material-again',
    text: `请重新选择“系统立项或相关材料”：所选文件“${shown}”未随退回的表单保留`,
  });
  expect(res.text).toContain(
    'id="pledge_scan-again">请重新选择“签字盖章的承诺书扫描件”：所选文件“承诺书.pdf”未随退回的表单保留</p>',
  );
  for (const c of ['\u202E', '\u009B', '\u0085', '&#x202E;', '&#x9B;', '&#x85;']) expect(res.text).not.toContain(c);
});

it("lists the summary's messages in the order of their boxes on the page", async () => {
  // Nothing filled in but a wrong e-mail address (checked after the required boxes) and a member's row half typed.
  const res = await s.agent
    .post('/sharing/new')
    .set('X-CSRF-Token', s.csrf)
    .set('Accept', 'text/html')
    .field('applicant[email]', 'nobody')
    .field('members[0][name]', '李四')
    .field('action', 'submit')
    .expect(422);
  const links = summaryLinks(res.text);
  expect(links.map((l) => l.text)).toEqual([
    '请填写“数据申请人姓名”',
    '请填写“数据申请人工号”',
    '请填写“数据申请人办公电话”',
    '“数据申请人邮箱”格式不正确：nobody（应为电子邮箱地址）',
    '请填写“系统名称”',
    '请选择系统运行情况',
    '请选择系统是否在校内部署',
    '请选择是否为校内域名及IP',
    '请选择数据对接方式',
    '请上传“系统立项或相关材料”',
    expect.stringContaining('所属单位'),
    expect.stringContaining('工号'),
    expect.stringContaining('联系电话'),
    '请至少选择一项“数据集名称”',
    '请在数据字段需求文档中至少填写一张表',
    '请填写“数据用途”',
    '请阅读并接受《数据安全保密承诺书》',
  ]);
  // And each one's message stands on the page in that order.
  const places = links.map((l) => res.text.indexOf(` id="${l.anchor}"`));
  expect(places.every((p) => p > 0)).toBe(true);
  expect(places).toEqual([...places].sort((a, b) => a - b));
});

/** The opening tag of the element whose aria-describedby names `id` (the first, as the summary's links look it up). */
function describedBy(html: string, id: string): string | undefined {
  return new RegExp(`<[a-z]+ [^>]*aria-describedby="(?:[^"]* )?${id}(?: [^"]*)?"[^>]*>`).exec(html)?.[0];
}

it("ties the field document's message (no table chosen) to its first table menu, which a summary link can focus", async () => {
  const res = await s.agent
    .post('/sharing/new')
    .set('X-CSRF-Token', s.csrf)
    .set('Accept', 'text/html')
    .field('action', 'submit')
    .expect(422);
  expect(summaryLinks(res.text)).toContainEqual({ anchor: 'items-error', text: '请在数据字段需求文档中至少填写一张表' });
  expect(describedBy(res.text, 'items-error')).toBe(
    '<select name="items[0][table]" data-table-select aria-label="表" aria-invalid="true" aria-describedby="items-error">',
  );
  // The second row's menu is not the one the message is about.
  expect(res.text).toContain('<select name="items[1][table]" data-table-select aria-label="表">');
});

it('a file the sent-back form did not keep: its summary line links to the id its file input names', async () => {
  const pdf = Buffer.from('%PDF-1.4\n%%EOF\n');
  const res = await s.agent
    .post('/sharing/new')
    .set('X-CSRF-Token', s.csrf)
    .set('Accept', 'text/html')
    .field('items[0][table]', 'staff_basic')
    .field('action', 'submit')
    .attach('material', pdf, '立项批复.pdf')
    .attach('pledge_scan', pdf, '承诺书.pdf')
    .expect(422);
  const anchors = summaryLinks(res.text).map((l) => l.anchor);
  expect(anchors).toContain('material-again');
  expect(anchors).toContain('pledge_scan-again');
  expect(describedBy(res.text, 'material-again')).toBe(
    '<input type="file" name="material" accept="application/pdf,image/png,image/jpeg" aria-describedby="material-again">',
  );
  expect(describedBy(res.text, 'pledge_scan-again')).toBe(
    '<input type="file" name="pledge_scan" accept="application/pdf,image/png,image/jpeg" aria-describedby="pledge_scan-again">',
  );
});

it('names the optional pledge scan in its messages by its label without the hint (可选)', async () => {
  const page = Buffer.from('<html></html>');
  const pdf = Buffer.from('%PDF-1.4\n%%EOF\n');
  const send = (locale: string, scan: Buffer) =>
    s.agent
      .post('/sharing/new')
      .set('X-CSRF-Token', s.csrf)
      .set('Accept', 'text/html')
      .set('Accept-Language', locale)
      .field('items[0][table]', 'staff_basic')
      .field('action', 'submit')
      .attach('pledge_scan', scan, 'a.html')
      .expect(422);
  const zh = (await send('zh-CN', page)).text;
  expect(zh).toContain('id="pledge_scan-error">“签字盖章的承诺书扫描件”：文件 a.html 不是 PDF、PNG 或 JPEG</p>');
  // A file was sent (refused for itself): the line under its input says the form did not keep it.
  expect(zh).toContain('<p class="muted" id="pledge_scan-again">表单退回时不保留已选的文件，请重新选择。</p>');
  expect(summaryLinks(zh)).toContainEqual({
    anchor: 'pledge_scan-error',
    text: '“签字盖章的承诺书扫描件”：文件 a.html 不是 PDF、PNG 或 JPEG',
  });
  const en = (await send('en', page)).text;
  expect(en).toContain('id="pledge_scan-error">“Signed and stamped pledge scan”:');
  expect(en).not.toContain('(optional)”');
  // A scan that was fine but not kept: to be chosen again, by the same name.
  const dropped = (await send('zh-CN', pdf)).text;
  expect(summaryLinks(dropped)).toContainEqual({
    anchor: 'pledge_scan-again',
    text: '请重新选择“签字盖章的承诺书扫描件”：所选文件“a.html”未随退回的表单保留',
  });
  expect(dropped).toContain('id="pledge_scan-again">请重新选择“签字盖章的承诺书扫描件”：所选文件“a.html”未随退回的表单保留</p>');
  // The form's own label keeps its hint.
  expect(dropped).toContain('<label>签字盖章的承诺书扫描件（可选）<input type="file" name="pledge_scan"');
});

it('a draft that could not be saved says so at the top of its summary, not 未提交成功', async () => {
  const send = (action: string, locale = 'zh-CN') =>
    s.agent
      .post('/sharing/new')
      .set('X-CSRF-Token', s.csrf)
      .set('Accept', 'text/html')
      .set('Accept-Language', locale)
      .field('system[name]', '迎新系统')
      .attach('pledge_scan', Buffer.from('<html></html>'), 'a.html')
      .field('action', action)
      .expect(422);
  /** The summary box's heading and its links' anchors. */
  const summaryOf = (html: string) => {
    const box = /<div class="flash flash-error error-summary" role="alert">\s*<p>([^<]*)<\/p>([\s\S]*?)<\/div>/.exec(html)!;
    return { heading: box[1], anchors: [...box[2].matchAll(/href="#([^"]+)"/g)].map((m) => m[1]) };
  };
  const draft = await send('draft');
  expect(summaryOf(draft.text)).toEqual({ heading: '草稿未保存，请修改以下各处：', anchors: ['pledge_scan-error'] });
  expect(draft.text).not.toContain('<p>未提交成功');
  expect(summaryOf((await send('draft', 'en')).text).heading).toBe('The draft was not saved. Please correct the following:');
  // Submitted, it is still what a submission says.
  expect(summaryOf((await send('submit')).text).heading).toBe('未提交成功，请修改以下各处：');
});

it("a draft's stored pledge scan is named on its form, as its approval material is, and kept when none is chosen", async () => {
  const pdf = Buffer.from('%PDF-1.4\n%%EOF\n');
  const saved = await s.agent
    .post('/sharing/new')
    .set('X-CSRF-Token', s.csrf)
    .field('system[name]', '迎新系统')
    .field('action', 'draft')
    .attach('material', pdf, '立项批复.pdf')
    .attach('pledge_scan', pdf, '承诺书扫描.pdf')
    .expect(303);
  const edit = saved.headers.location as string;
  const form = (await s.agent.get(edit).expect(200)).text;
  expect(form).toContain('<p class="muted" id="material-kept">已上传：立项批复.pdf（1 KB），不重新选择则保留</p>');
  expect(form).toContain('<p class="muted" id="pledge_scan-kept">已上传：承诺书扫描.pdf（1 KB），不重新选择则保留</p>');
  expect(describedBy(form, 'pledge_scan-kept')).toBe(
    '<input type="file" name="pledge_scan" accept="application/pdf,image/png,image/jpeg" aria-describedby="pledge_scan-kept">',
  );
  const en = (await s.agent.get(edit).set('Accept-Language', 'en').expect(200)).text;
  expect(en).toContain('id="pledge_scan-kept">Uploaded: 承诺书扫描.pdf (1 KB), kept unless you choose another</p>');
  // Sent back (a text over its limit) without a new file: the stored scan is still named, not "choose the file again".
  const back = await s.agent
    .post(edit)
    .set('X-CSRF-Token', s.csrf)
    .set('Accept', 'text/html')
    .field('purpose', 'x'.repeat(2001))
    .field('action', 'draft')
    .expect(422);
  expect(back.text).toContain('id="pledge_scan-kept">已上传：承诺书扫描.pdf（1 KB），不重新选择则保留</p>');
  expect(back.text).not.toContain('id="pledge_scan-again"');
  // A new scan chosen with it is not kept: said beside the input, where the summary links to.
  const replaced = await s.agent
    .post(edit)
    .set('X-CSRF-Token', s.csrf)
    .set('Accept', 'text/html')
    .field('purpose', 'x'.repeat(2001))
    .field('action', 'draft')
    .attach('pledge_scan', pdf, '新承诺书.pdf')
    .expect(422);
  expect(summaryLinks(replaced.text).map((l) => l.anchor)).toContain('pledge_scan-again');
  expect(replaced.text).toContain(
    'id="pledge_scan-again">请重新选择“签字盖章的承诺书扫描件”：所选文件“新承诺书.pdf”未随退回的表单保留</p>',
  );
  // The draft still holds the scan it was saved with: submitted, the request's page offers it.
  const id = /\/sharing\/(\d+)\/edit/.exec(edit)![1];
  expect((await s.agent.get(`/sharing/${id}`).expect(200)).text).toContain(`href="/sharing/${id}/files/pledge"`);
});

it('a NUL or a direction override in a box brings the form back as typed with the message at that box, nothing saved', async () => {
  const before = Number((await t.db.knex('sharing_requests').count({ n: '*' }))[0].n);
  const send = (action: string, locale = 'zh-CN') =>
    s.agent
      .post('/sharing/new')
      .set('X-CSRF-Token', s.csrf)
      .set('Accept', 'text/html')
      .set('Accept-Language', locale)
      .field('system[name]', '迎新系统')
      .field('purpose', '用于迎新\u202E报到')
      .field('members[0][name]', '')
      .field('members[1][name]', '王\u0000五')
      .field('members[1][phone]', '12')
      .field('action', action)
      .expect(422);
  const res = await send('draft');
  // The form, not the bare error page: what was typed is there (a NUL as a browser shows it), each message at its box.
  expect(res.text).toContain('<form method="post" action="/sharing/new"');
  expect(res.text).toContain('value="迎新系统"');
  expect(res.text).toContain('>用于迎新\u202E报到</textarea>');
  expect(res.text).toContain(
    'id="purpose-error">“数据用途”中含有看不见的控制字符（常见于从其他程序复制电话号码或文字时一并带入），不能保存：请删除这部分后重新输入（字符代码 \\u202E）</p>',
  );
  // The blank first row is left out, as always: the member typed is row 1, its name shown with U+FFFD.
  expect(res.text).toContain('name="members[0][name]" maxlength="200" value="王\uFFFD五"');
  expect(res.text).toContain('id="members-0-name-error">“姓名”中含有看不见的控制字符');
  // Each box names the character it holds, not every one refused.
  expect(res.text).toMatch(/id="members-0-name-error">[^<]*（字符代码 \\u0000）<\/p>/);
  // The form's other mistakes are said with it (a draft's limits; the phone is judged at submission).
  expect(summaryLinks(res.text).map((l) => l.anchor)).toEqual(['members-0-name-error', 'purpose-error']);
  const submitted = await send('submit');
  const anchors = summaryLinks(submitted.text).map((l) => l.anchor);
  expect(anchors).toEqual(expect.arrayContaining(['applicant-name-error', 'members-0-phone-error', 'purpose-error']));
  expect(submitted.text).not.toContain('id="purpose-error">请填写');
  const en = await send('draft', 'en');
  expect(en.text).toContain(
    'id="purpose-error">“Purpose” contains an invisible control character (often copied in with a phone number or text from another program), which cannot be saved: delete that part and type it again',
  );
  expect(Number((await t.db.knex('sharing_requests').count({ n: '*' }))[0].n)).toBe(before);
  // Elsewhere than in the form's boxes (a field the form has not), the app-wide refusal stands.
  await s.agent
    .post('/sharing/new')
    .set('X-CSRF-Token', s.csrf)
    .set('Accept', 'text/html')
    .field('purpose', 'x')
    .field('unknown_box', 'a\u202Eb')
    .field('action', 'draft')
    .expect(422)
    .expect((r) => expect(r.text).not.toContain('<form method="post" action="/sharing/new"'));
});

it("a member's phone number copied from Windows (wrapped in U+202A … U+202C): the message at the phone's box says what to do", async () => {
  const before = Number((await t.db.knex('sharing_requests').count({ n: '*' }))[0].n);
  const send = (locale: string) =>
    s.agent
      .post('/sharing/new')
      .set('X-CSRF-Token', s.csrf)
      .set('Accept', 'text/html')
      .set('Accept-Language', locale)
      .field('purpose', '用于迎新报到')
      .field('members[0][name]', '王五')
      .field('members[0][phone]', '\u202A138 0000 1234\u202C')
      .field('action', 'draft')
      .expect(422);
  expect((await send('zh-CN')).text).toContain(
    'id="members-0-phone-error">“联系电话”中含有看不见的控制字符（常见于从其他程序复制电话号码或文字时一并带入），不能保存：请删除这部分后重新输入（字符代码 \\u202A \\u202C）</p>',
  );
  expect((await send('en')).text).toContain(
    'id="members-0-phone-error">“Phone” contains an invisible control character (often copied in with a phone number or text from another program), which cannot be saved: delete that part and type it again (character codes \\u202A \\u202C)</p>',
  );
  expect(Number((await t.db.knex('sharing_requests').count({ n: '*' }))[0].n)).toBe(before);
});
