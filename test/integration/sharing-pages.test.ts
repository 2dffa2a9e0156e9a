import { translator } from '../../server/i18n';
import { buildUser } from '../factories';
import { createTestApp, postMultipart, sharingSessions, signIn, TestApp } from '../helpers/app';
import {
  apiRequest,
  buildSharingWorld,
  MATERIAL_PDF as PDF,
  SharingPeople,
  submittableForm,
  VALID_ID_CARD,
} from '../factories/sharing';

/** The web side: the form (multipart, drafts, errors in place), lists, the request page, print, files. */
const MONDAY = new Date('2026-03-02T02:00:00Z');

let t: TestApp;
let people: SharingPeople;
/** Each person's session, signed in once. */
const { as, send } = sharingSessions(() => ({ app: t.app, people }));

/**
 * A complete web form as multer will parse it (bracket names): the form that submits (submittableForm) with the system's
 * domain, address and whitelist, and staff_basic's staff_no and name asked for with a range and returned items.
 */
function fullForm(overrides: Record<string, string> = {}): Record<string, string> {
  return submittableForm({
    'system[domain]': 'yx.example.edu.cn',
    'system[address]': '10.1.2.3:8080',
    whitelist: '10.1.2.3\n2001:db8::/32',
    'datasets[]': 'student',
    'items[0][table]': 'staff_basic',
    'items[0][fields][]': 'staff_no',
    'items[0][other_fields]': 'name',
    'items[0][range]': '体育学院当前在职教职工',
    purpose: '迎新系统核对辅导员信息',
    returned_items: '新生报到状态',
    ...overrides,
  });
}

async function postForm(
  login: keyof SharingPeople,
  path: string,
  fields: Record<string, string>,
  files: Record<string, [Buffer, string]> = {},
) {
  return postMultipart(await as(login), path, fields, { files });
}

/** The form's parts in the page's order (a file input sits between text inputs, as a browser sends it). */
async function postInOrder(login: keyof SharingPeople, path: string, parts: ([string, string] | [string, Buffer, string])[]) {
  const s = await as(login);
  let req = s.agent.post(path).set('X-CSRF-Token', s.csrf).set('Accept', 'text/html');
  for (const part of parts) req = part.length === 2 ? req.field(part[0], part[1]) : req.attach(part[0], part[1], part[2]);
  return req;
}

/** A PDF of `bytes` bytes. */
const pdfOf = (bytes: number) => Buffer.concat([PDF, Buffer.alloc(bytes - PDF.length, 0x20)]);

/**
 * An open high-severity ticket on `table`.`field` for `department`, filed Monday: what a request page counts among its
 * tables' active tickets. Written once: two cases start from one.
 */
const openTicket = (fingerprint: string, table: string, field: string, department: string) =>
  t.db.knex('tickets').insert({
    fingerprint,
    check_kind: 'required',
    table_name: table,
    field_name: field,
    fingerprint_department: department,
    department_code: department,
    severity: 'high',
    message: 'x',
    first_seen: MONDAY,
    last_seen: MONDAY,
    due_at: '2026-03-09',
  });

const approveAs = (login: keyof SharingPeople, id: number, extra: Record<string, string> = {}) =>
  send(login, `/sharing/${id}/decision`, { decision: 'approve', ...extra });

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.now = () => MONDAY;
  people = await buildSharingWorld(t.db.knex);
});
afterAll(() => t.close());

describe('the request form', () => {
  it('submits with every item of seed 000 and a PDF, and lands on the request page', async () => {
    const res = await postForm('applicant', '/sharing/new', fullForm(), { material: [PDF, '立项批复.pdf'] });
    expect(res.status).toBe(303);
    const id = Number(/\/sharing\/(\d+)$/.exec(res.headers.location)![1]);
    const page = await (await as('applicant')).agent.get(`/sharing/${id}`).expect(200);
    expect(page.text).toContain('已提交');
    expect(page.text).toContain('数据申请单位信息化专员审核');
    expect(page.text).toContain('<dd>张三（20230001）</dd>');
    const items = await t.db.knex('sharing_items').where({ request_id: id });
    expect(items.map((i) => [i.table_name, i.fields, i.range])).toEqual([
      ['staff_basic', ['staff_no', 'name'], '体育学院当前在职教职工'],
    ]);
    const file = await (await as('applicant')).agent.get(`/sharing/${id}/files/material`).expect(200);
    expect(file.headers['content-type']).toBe('application/pdf');
    // The file keeps its Chinese name (browsers send it as UTF-8).
    expect(file.headers['content-disposition']).toBe(`attachment; filename*=UTF-8''${encodeURIComponent('立项批复.pdf')}`);
    expect(Buffer.from(file.body).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('numbers and addresses typed in full width (a Chinese input method) are read as their ASCII twins, not refused', async () => {
    // What a Chinese input method types: full-width digits, its colon after the IP address, its ＠ and its comma.
    const res = await postForm(
      'applicant',
      '/sharing/new',
      fullForm({
        'applicant[staff_no]': '２０２３０００１',
        'applicant[office_phone]': '０３７１－６７７８１５０５',
        'applicant[email]': 'zhang＠example.edu.cn',
        'system[address]': '10.1.2.3：8080',
        whitelist: '１０．１．２．３，10.1.2.4',
        'members[0][staff_no]': '２０２３０００２',
        'members[0][phone]': '１３８００００００３１',
        'vendors[0][id_card]': '１１０１０５１９４９１２３１００２ｘ',
        'vendors[0][phone]': '１３９　００００　０００２',
      }),
      { material: [PDF, '立项批复.pdf'] },
    );
    expect(res.status).toBe(303);
    const id = Number(/\/sharing\/(\d+)$/.exec(res.headers.location)![1]);
    const request = await t.db.knex('sharing_requests').where({ id }).first();
    expect(request.status).toBe('submitted');
    const form = typeof request.form === 'string' ? JSON.parse(request.form) : request.form;
    expect([form.applicant.staffNo, form.applicant.officePhone, form.applicant.email, form.system.address]).toEqual([
      '20230001',
      '0371-67781505',
      'zhang@example.edu.cn',
      '10.1.2.3:8080',
    ]);
    const whitelist = typeof request.whitelist === 'string' ? JSON.parse(request.whitelist) : request.whitelist;
    expect(whitelist).toEqual(['10.1.2.3', '10.1.2.4']);
    const people = await t.db.knex('sharing_people').where({ request_id: id }).orderBy(['kind', 'position']);
    expect(people.map((p) => [p.kind, p.staff_no, p.id_card, p.phone])).toEqual([
      ['member', '20230002', null, '13800000031'],
      ['vendor', null, '11010519491231002X', '139 0000 0002'],
    ]);
  });

  it('a file over 5 MB: the form comes back with everything typed, before and after the file, naming the input and the file; nothing is written', async () => {
    const counts = async () =>
      Promise.all(['sharing_requests', 'uploads'].map(async (table) => Number((await t.db.knex(table).count({ n: '*' }))[0].n)));
    const before = await counts();
    const form = Object.entries(fullForm());
    const at = form.findIndex(([k]) => k === 'members[0][name]');
    const res = await postInOrder('applicant', '/sharing/new', [
      ...form.slice(0, at),
      ['material', pdfOf(5 * 1024 * 1024 + 1), '立项批复.pdf'],
      ...form.slice(at),
    ]);
    expect(res.status).toBe(422);
    expect(res.text).toContain('“系统立项或相关材料”：文件 立项批复.pdf 超过 5 MB');
    // Typed before the file, and after it.
    for (const value of [
      'value="体育学院迎新系统"',
      'value="李四"',
      'value="20230002"',
      'value="体育学院当前在职教职工"',
      '迎新系统核对辅导员信息',
      '新生报到状态',
    ]) {
      expect(res.text).toContain(value);
    }
    expect(res.text).not.toMatch(/文件 (material|pledge_scan) /);
    expect(await counts()).toEqual(before);

    // A 12 MB pledge scan on a draft (the button's value comes after the file input).
    const at2 = form.findIndex(([k]) => k === 'action');
    const draft = await postInOrder('applicant', '/sharing/new', [
      ...form.slice(0, at2),
      ['pledge_scan', pdfOf(12 * 1024 * 1024), '承诺书.pdf'],
      ['action', 'draft'],
    ]);
    expect(draft.status).toBe(422);
    // The input by its label without the hint (可选) its label on the form carries.
    expect(draft.text).toContain('“签字盖章的承诺书扫描件”：文件 承诺书.pdf 超过 5 MB');
    expect(draft.text).toContain('value="体育学院迎新系统"');
    expect(await counts()).toEqual(before);
  });

  it('a text far over any limit (a paste nobody meant to send) is a 413 page naming it; nothing read further or written', async () => {
    const before = await t.db.knex('sharing_requests').count({ n: '*' }).first();
    // More than 2 MB of text in all (five fields of 500,000 characters): refused while it is read.
    const huge = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`members[${i}][unit]`, 'u'.repeat(500_000)]));
    const res = await postForm('applicant', '/sharing/new', { ...fullForm(), ...huge });
    expect(res.status).toBe(413);
    expect(res.text).toContain('表单内容过多（文字部分至多 2 MB），未保存任何内容');
    // A purpose far too long (40,000 characters, 120 KB) still comes back on the form with its own message.
    const long = await postForm('applicant', '/sharing/new', fullForm({ purpose: '用途'.repeat(20_000) }));
    expect(long.status).toBe(422);
    expect(long.text).toContain('class="field-error"');
    // A request as large as its own rules allow is read: 50 members and 50 vendors (with 25 tables, 529 inputs).
    const rows: Record<string, string> = {};
    for (let i = 0; i < 50; i++) {
      Object.assign(rows, {
        [`members[${i}][name]`]: `成员${i}`,
        [`members[${i}][unit]`]: '体育学院',
        [`members[${i}][staff_no]`]: String(20230100 + i),
        [`members[${i}][phone]`]: '13800000001',
        [`vendors[${i}][name]`]: `开发${i}`,
        [`vendors[${i}][company]`]: '某某软件有限公司',
        [`vendors[${i}][id_card]`]: VALID_ID_CARD,
        [`vendors[${i}][phone]`]: '13900000002',
      });
    }
    const large = await postForm('applicant', '/sharing/new', { ...fullForm({ action: 'draft' }), ...rows });
    expect(large.status).toBe(303);
    // 2,000 inputs at most: the 2,001st stops the parsing.
    const many = Object.fromEntries(Array.from({ length: 2001 }, (_, i) => [`extra${i}`, 'x']));
    const crowded = await postForm('applicant', '/sharing/new', { ...fullForm(), ...many });
    expect(crowded.status).toBe(413);
    expect(crowded.text).toContain('表单的输入项过多（至多 2000 项）');
    // Only the large draft was written.
    const after = await t.db.knex('sharing_requests').count({ n: '*' }).first();
    expect(Number(after!.n)).toBe(Number(before!.n) + 1);
  });

  it('names every wrong field in Chinese and keeps what was typed', async () => {
    const res = await postForm(
      'applicant',
      '/sharing/new',
      fullForm({
        whitelist: '10.1.2.3\n300.1.1.1\n10.0.0.0/33',
        'vendors[0][id_card]': '110105194912310021',
        'applicant[email]': '',
        'items[0][table]': 'salary_detail',
      }),
      { material: [Buffer.from('just text'), 'notes.txt'] },
    );
    expect(res.status).toBe(422);
    expect(res.text).toContain('“访问数据需设置白名单地址”格式不正确：300.1.1.1、10.0.0.0/33');
    expect(res.text).toContain('“身份证号”格式不正确：110105194912310021');
    expect(res.text).toContain('请填写“数据申请人邮箱”');
    expect(res.text).toContain('表“工资明细（salary_detail）”属于不共享类数据，不能申请');
    expect(res.text).toContain('“系统立项或相关材料”：文件 notes.txt 不是 PDF、PNG 或 JPEG');
    // What was typed stays.
    expect(res.text).toContain('value="体育学院迎新系统"');
    expect(res.text).toContain('value="110105194912310021"');
    expect(res.text).toContain('300.1.1.1');
  });

  it('names the unknown field names typed in "other fields" under that input, and keeps them', async () => {
    const res = await postForm(
      'applicant',
      '/sharing/new',
      fullForm({ 'items[0][other_fields]': 'NAME, mobile_phone，wechat' }),
      {
        material: [PDF, 'x.pdf'],
      },
    );
    expect(res.status).toBe(422);
    expect(res.text).toContain(
      '<p class="field-error" id="items-0-fields-error">数据目录中表“教职工基本信息（staff_basic）”没有以下字段：mobile_phone、wechat</p>',
    );
    expect(res.text).toContain('value="NAME, mobile_phone, wechat"');
  });

  it('answers in English for an English session', async () => {
    const s = await as('outsider');
    await s.agent.post('/locale').type('form').send({ _csrf: s.csrf, locale: 'en', next: '/' });
    const res = await postForm('outsider', '/sharing/new', fullForm({ 'vendors[0][id_card]': '123' }));
    expect(res.status).toBe(422);
    expect(res.text).toContain('“ID number” is not valid: 123');
  });

  it("a request sent over the API without the applicant's details shows dashes, not empty brackets", async () => {
    const s = await as('applicant');
    const created = await s.agent
      .post('/api/v1/sharing-requests')
      .set('X-CSRF-Token', s.csrf)
      .send({
        purpose: '接口提交',
        method: 'api',
        items: [{ table: 'org_unit', fields: ['unit_code'], range: '' }],
        pledge_accepted: true,
      });
    expect(created.status).toBe(201);
    const page = (await s.agent.get(`/sharing/${created.body.id}`).expect(200)).text;
    expect(page).toContain('<dt>数据申请人姓名</dt><dd>—</dd>');
    expect(page).not.toContain('()');
    // No approval material: its box on the print form is empty (a bare "证明材料，打印附审批表后" read on paper as a
    // statement that it is attached), as a request with its material has it ticked.
    const print = (await s.agent.get(`/sharing/${created.body.id}/print`).expect(200)).text;
    expect(print).toContain('<span class="box">☐</span>证明材料，打印附审批表后');
    expect(print).not.toContain('☑ 证明材料');
  });

  it("a draft's stored approval material is still named on the form after a refused submission (it is kept)", async () => {
    const draft = await postForm(
      'applicant',
      '/sharing/new',
      { purpose: '草稿用途', 'items[0][table]': 'org_unit', action: 'draft' },
      { material: [PDF, '立项批复.pdf'] },
    );
    const id = Number(/\/sharing\/(\d+)\/edit$/.exec(draft.headers.location)![1]);
    const kept = '已上传：立项批复.pdf（1 KB），不重新选择则保留';
    expect((await (await as('applicant')).agent.get(`/sharing/${id}/edit`).expect(200)).text).toContain(kept);
    const refused = await postForm(
      'applicant',
      `/sharing/${id}/edit`,
      fullForm({ 'items[0][table]': 'org_unit', pledge_accepted: '' }),
    );
    expect(refused.status).toBe(422);
    expect(refused.text).toContain(kept);
  });

  it('saves a draft without checks, edits it, submits it; afterwards it cannot be edited', async () => {
    const draft = await postForm('applicant', '/sharing/new', {
      purpose: '草稿用途',
      'items[0][table]': 'org_unit',
      action: 'draft',
    });
    expect(draft.status).toBe(303);
    const id = Number(/\/sharing\/(\d+)\/edit$/.exec(draft.headers.location)![1]);
    const edit = await (await as('applicant')).agent.get(`/sharing/${id}/edit`).expect(200);
    expect(edit.text).toContain('草稿用途');
    // The draft's form names the draft (it was titled 新建申请 as an empty form).
    expect(edit.text).toContain(`<title>草稿 #${id} · `);
    expect(edit.text).toContain(`<p class="muted draft-number">草稿 #${id}</p>`);
    expect((await (await as('outsider')).agent.get(`/sharing/${id}/edit`)).status).toBe(404);

    const submitted = await postForm(
      'applicant',
      `/sharing/${id}/edit`,
      fullForm({ 'items[0][table]': 'org_unit', 'items[0][fields][]': 'unit_code', 'items[0][other_fields]': '' }),
      { material: [PDF, 'a.pdf'] },
    );
    expect(submitted.status).toBe(303);
    expect(submitted.headers.location).toBe(`/sharing/${id}`);
    // Sent again (another tab, a double click): back to the request page, saying so; nothing saved.
    const again = await postForm('applicant', `/sharing/${id}/edit`, fullForm({ action: 'draft', purpose: '再改一次' }));
    expect(again.status).toBe(303);
    expect(again.headers.location).toBe(`/sharing/${id}`);
    const page = (await (await as('applicant')).agent.get(`/sharing/${id}`)).text;
    expect(page).toContain(`申请 #${id} 已经提交，不能再修改（只能撤回）：本次发送的内容没有保存。`);
    expect((await t.db.knex('sharing_requests').where({ id }).first('status')).status).toBe('submitted');
    expect(page).not.toContain('再改一次');
  });

  it('the API refuses a not-shared table and a request without fields, naming them', async () => {
    const s = await as('applicant');
    const res = await s.agent
      .post('/api/v1/sharing-requests')
      .set('X-CSRF-Token', s.csrf)
      .send(
        apiRequest(
          [
            { table: 'salary_detail', fields: ['staff_no'] },
            { table: 'org_unit', fields: [] },
          ],
          { pledge_accepted: false, whitelist: ['10.1.1.1/24', 'fe80::1/129'] },
        ),
      );
    expect(res.status).toBe(422);
    expect(res.body.fields).toEqual({
      whitelist: '“访问数据需设置白名单地址”格式不正确：fe80::1/129（应为IPv4/IPv6 地址或 CIDR 网段）',
      'items.0.table': '表“工资明细（salary_detail）”属于不共享类数据，不能申请',
      'items.1.fields': '请为表“组织机构（org_unit）”至少选择一个字段',
      pledge_accepted: '请阅读并接受《数据安全保密承诺书》',
    });
  });
});

describe('the request page, print form and lists', () => {
  let id: number;
  beforeAll(async () => {
    const res = await postForm('applicant', '/sharing/new', fullForm(), { material: [PDF, 'x.pdf'] });
    id = Number(/\/sharing\/(\d+)$/.exec(res.headers.location)![1]);
  });

  it('the print form holds every filled value, the stage opinions and signature lines', async () => {
    await approveAs('csSteward', id, { comment: '同意申请' });
    const html = (await (await as('office')).agent.get(`/sharing/${id}/print`).expect(200)).text;
    for (const value of [
      '郑州大学信息化数据共享使用申请审批表',
      '计算机学院',
      '张三',
      '20230001',
      '0371-67781505',
      'zhang@example.edu.cn',
      '体育学院迎新系统',
      'yx.example.edu.cn',
      '10.1.2.3:8080',
      '2001:db8::/32',
      '李四',
      '某某软件有限公司',
      VALID_ID_CARD,
      '迎新系统核对辅导员信息',
      '新生报到状态',
      '教职工基本信息',
      '体育学院当前在职教职工',
      '职工号',
      '同意申请',
      '计院专员',
      '2026-03-02',
      '部门主要领导（签字）',
      '信息化主管校领导签字',
      '郑州大学数据安全保密承诺书',
      '数据安全保密责任人（签字）',
    ]) {
      expect(html).toContain(value);
    }
    expect(html).toContain('☑</span>运行中');
    expect(html).toContain('☐</span>建设中');
    expect(html).toContain('<span class="box">☑</span>证明材料，打印附审批表后');
  });

  it('shows vendor ID numbers unmasked to approvers only', async () => {
    expect((await (await as('office')).agent.get(`/sharing/${id}`)).text).toContain(VALID_ID_CARD);
    const own = (await (await as('applicant')).agent.get(`/sharing/${id}/print`)).text;
    expect(own).not.toContain(VALID_ID_CARD);
    expect(own).toContain('110105********002X');
    expect((await (await as('outsider')).agent.get(`/sharing/${id}`)).status).toBe(404);
  });

  it('shows phone numbers in full to approvers only, as ID numbers: masked for the applicant on the page, the print form and the API', async () => {
    const res = await postForm(
      'applicant',
      '/sharing/new',
      fullForm({
        'applicant[contact]': '微信同号 13700000003，座机 0371-67781234 转 806',
        purpose: '教务系统对接，联系人手机 13600000004',
      }),
      { material: [PDF, 'x.pdf'] },
    );
    const own = Number(/\/sharing\/(\d+)$/.exec(res.headers.location)![1]);
    const full = ['0371-67781505', '13800000001', '13900000002', '13700000003', '0371-67781234', VALID_ID_CARD, '13600000004'];
    // 3 of 11 digits kept in front, 4 of 11 at the end, separators kept (maskPhone).
    const masked = [
      '037*-****1505',
      '138****0001',
      '139****0002',
      '137****0003',
      '037*-****1234',
      '110105********002X',
      '136****0004',
    ];

    const a = await as('applicant');
    const page = (await a.agent.get(`/sharing/${own}`).expect(200)).text;
    expect(page).toContain('<dd>037*-****1505</dd>');
    expect(page).toContain('<td>139****0002</td>');
    expect(page).toContain('身份证号和电话号码仅对审批人完整显示');
    const print = (await a.agent.get(`/sharing/${own}/print`).expect(200)).text;
    for (const value of masked) expect(print).toContain(value);
    expect(print).toContain('微信同号 137****0003，座机 037*-****1234 转 806');
    for (const html of [page, print]) for (const value of full) expect(html).not.toContain(value);
    const api = (await a.agent.get(`/api/v1/sharing-requests/${own}`).expect(200)).body;
    expect(api.applicant_contact).toMatchObject({
      office_phone: '037*-****1505',
      contact: '微信同号 137****0003，座机 037*-****1234 转 806',
    });
    expect(api.members.map((m: { phone: string }) => m.phone)).toEqual(['138****0001']);
    expect(api.vendors.map((v: { id_card: string; phone: string }) => [v.id_card, v.phone])).toEqual([
      ['110105********002X', '139****0002'],
    ]);
    for (const value of full) expect(JSON.stringify(api)).not.toContain(value);

    // The applicant unit's steward (stage 1, pending) approves: every number in full, no note.
    const steward = await as('csSteward');
    const stewardPage = (await steward.agent.get(`/sharing/${own}`).expect(200)).text;
    expect(stewardPage).toContain('<dd>0371-67781505</dd>');
    expect(stewardPage).toContain('<td>13900000002</td>');
    expect(stewardPage).not.toContain('仅对审批人完整显示');
    const stewardApi = JSON.stringify((await steward.agent.get(`/api/v1/sharing-requests/${own}`).expect(200)).body);
    for (const value of full) expect(stewardApi).toContain(value);
    // The IT office prints the archive copy in full.
    const archive = (await (await as('office')).agent.get(`/sharing/${own}/print`).expect(200)).text;
    for (const value of full) expect(archive).toContain(value);
    // A department whose stage is not reached sees nothing at all: the request is as missing to it (404).
    expect((await (await as('hrSteward')).agent.get(`/api/v1/sharing-requests/${own}`)).status).toBe(404);
  });

  it('lists: mine for the applicant, the queue for the stage holder only, all for the IT office', async () => {
    expect((await (await as('applicant')).agent.get('/sharing')).text).toContain(`/sharing/${id}"`);
    const office = (await (await as('office')).agent.get('/sharing/queue')).text;
    expect(office).toContain(`/sharing/${id}"`);
    expect((await (await as('hrSteward')).agent.get('/sharing/queue')).text).not.toContain(`/sharing/${id}"`);
    expect((await (await as('hrSteward')).agent.get('/sharing/all')).status).toBe(403);
    const all = (await (await as('office')).agent.get('/sharing/all?status=in_review&department=CS')).text;
    expect(all).toContain(`/sharing/${id}"`);
    expect((await (await as('office')).agent.get('/sharing/all?status=granted')).text).not.toContain(`/sharing/${id}"`);
  });

  it('an empty list says why, per tab: no request of one’s own yet, nothing waiting for one’s review, nothing matching', async () => {
    const zh = translator('zh-CN');
    const newcomer = await buildUser(t.db.knex, { department: 'HR', roles: ['steward'] });
    const { agent } = await signIn(t.app, newcomer.login, newcomer.password);
    expect((await agent.get('/sharing').expect(200)).text).toContain(zh('sharing.list.emptyMine'));
    expect((await agent.get('/sharing/queue').expect(200)).text).toContain(zh('sharing.list.emptyQueue'));
    const office = await as('office');
    const none = (await office.agent.get('/sharing/all?status=withdrawn&department=NONE').expect(200)).text;
    expect(none).toContain(zh('sharing.list.empty'));
    expect(none).not.toContain(zh('sharing.list.emptyQueue'));
  });

  it('shows active tickets per requested table, and a pending structure change', async () => {
    await openTicket('fp1', 'staff_basic', 'name', 'HR');
    const filed = await send('hrSteward', '/sharing/structure-changes', {
      system: '人事管理系统',
      tables: 'staff_basic',
      description: '增加字段 title_rank',
      planned_on: '2026-03-20',
      contact: '人事专员 1234',
    });
    expect(filed.status).toBe(303);
    const page = (await (await as('office')).agent.get(`/sharing/${id}`)).text;
    expect(page).toMatch(/<td class="num">1<\/td>/);
    expect(page).toContain('数据结构变更待完成');

    const change = await t.db.knex('structure_changes').first('id');
    const o = await as('office');
    await o.agent
      .post(`/sharing/structure-changes/${change.id}/review`)
      .type('form')
      .send({ _csrf: o.csrf, decision: 'reject', note: '时间冲突' });
    expect((await o.agent.get(`/sharing/${id}`)).text).not.toContain('数据结构变更待完成');
  });

  it('the IT office grants, then revokes; returned items are marked delivered', async () => {
    await approveAs('office', id);
    await approveAs('hrSteward', id);
    await approveAs('office2', id, { expires_on: '2026-09-30' });
    const o = await as('office2');
    let page = (await o.agent.get(`/sharing/${id}`)).text;
    expect(page).toContain('授权有效期至 2026-09-30');
    const item = await t.db.knex('sharing_returned_items').where({ request_id: id }).first('id');
    const a = await as('applicant');
    expect((await a.agent.post(`/sharing/${id}/returned/${item.id}/delivered`).type('form').send({ _csrf: a.csrf })).status).toBe(
      303,
    );
    expect((await t.db.knex('sharing_returned_items').where({ id: item.id }).first()).delivered_at).toBeInstanceOf(Date);
    await a.agent.get(`/sharing/${id}`); // the first marking's flash, shown once
    const audited = async () => Number((await t.db.knex('audit_log').count({ n: '*' }))[0].n);
    /** The flash on the request page after `send`: its kind and text. */
    const flashAfter = async (s: typeof a, send: () => Promise<unknown>) => {
      await send();
      const html = (await s.agent.get(`/sharing/${id}`).expect(200)).text;
      return /<div class="flash flash-(\w+)" role="\w+"(?: data-sent-back)?>([^<]*)<\/div>/.exec(html)?.slice(1);
    };
    // Marked again (another tab, the button pressed twice): done already, said as such, nothing written.
    let auditRows = await audited();
    expect(
      await flashAfter(a, () =>
        a.agent.post(`/sharing/${id}/returned/${item.id}/delivered`).type('form').send({ _csrf: a.csrf }),
      ),
    ).toEqual(['info', '该项已标记为回传，本次提交未作改动']);
    expect(await audited()).toBe(auditRows);
    // A reason over 2000 characters is refused with its message beside the box (422); nothing revoked.
    const long = await o.agent
      .post(`/sharing/${id}/revoke`)
      .type('form')
      .send({ _csrf: o.csrf, reason: '长'.repeat(2001) });
    expect(long.status).toBe(422);
    expect(long.text).toContain('id="revoke-reason-error">最多 2000 个字符（已填写 2001 个）</p>');
    expect((await t.db.knex('sharing_grants').where({ request_id: id }).first()).revoked_at).toBeNull();
    await o.agent.post(`/sharing/${id}/revoke`).type('form').send({ _csrf: o.csrf, reason: '项目结束' });
    page = (await o.agent.get(`/sharing/${id}`)).text;
    expect(page).toContain('项目结束');
    expect((await t.db.knex('sharing_grants').where({ request_id: id }).first()).revoked_at).toBeInstanceOf(Date);
    // Revoked already: said so as done, not as a mistake, whatever reason was typed (none); nothing written, and the
    // applicant is not told a second time.
    auditRows = await audited();
    const notices = async () => Number((await t.db.knex('notifications').count({ n: '*' }))[0].n);
    const noticesBefore = await notices();
    expect(
      await flashAfter(o, () => o.agent.post(`/sharing/${id}/revoke`).type('form').send({ _csrf: o.csrf, reason: '' })),
    ).toEqual(['info', '授权已撤销，本次提交未作改动']);
    expect([await audited(), await notices()]).toEqual([auditRows, noticesBefore]);
  });
});

describe('a request reads as it stands on its page and its print form', () => {
  it('leads back to the list the reader came from: the applicant to 我的申请, a reviewer it waits for to 待我审核, the IT office to 全部申请, a reviewer who decided to 我审核过的', async () => {
    const res = await postForm('applicant', '/sharing/new', fullForm(), { material: [PDF, 'x.pdf'] });
    const id = Number(/\/sharing\/(\d+)$/.exec(res.headers.location)![1]);
    const back = async (who: Parameters<typeof as>[0]) =>
      /<p class="back"><a href="([^"]*)">← ([^<]*)<\/a><\/p>/
        .exec((await (await as(who)).agent.get(`/sharing/${id}`).expect(200)).text)
        ?.slice(1);
    expect(await back('applicant')).toEqual(['/sharing', '我的申请']);
    expect(await back('csSteward')).toEqual(['/sharing/queue', '待我审核']);
    expect((await approveAs('csSteward', id)).status).toBe(303);
    expect(await back('csSteward')).toEqual(['/sharing/decided', '我审核过的']);
    expect(await back('office')).toEqual(['/sharing/queue', '待我审核']);
    expect((await approveAs('office', id)).status).toBe(303);
    expect(await back('office')).toEqual(['/sharing/all', '全部申请']);
  });

  it('names the source department’s part by titles; without a leader stage, the leader box says the request does not need it, in review and granted; decided stages show no deadline', async () => {
    const res = await postForm('applicant', '/sharing/new', fullForm(), { material: [PDF, 'x.pdf'] });
    const id = Number(/\/sharing\/(\d+)$/.exec(res.headers.location)![1]);
    const leaderBox = async () => {
      const html = (await (await as('office')).agent.get(`/sharing/${id}/print`).expect(200)).text;
      return /<th>信息化主管校领导审批<\/th>\s*<td colspan="3" class="opinion">([\s\S]*?)<div class="sign">/.exec(html)?.[1];
    };
    const deadlines = async () =>
      (
        (await (await as('office')).agent.get(`/sharing/${id}`).expect(200)).text.match(
          /<small>答复期限 \d{4}-\d{2}-\d{2}<\/small>/g,
        ) ?? []
      ).length;
    // In review: its stages were planned at submission (no sensitive field, no leader), so the leader box says it is not
    // needed, not 暂无 (which reads as a signature still to come). The source department's stage waits, with its deadline.
    for (const who of ['csSteward', 'office'] as const) expect((await approveAs(who, id)).status).toBe(303);
    expect(await leaderBox()).toContain('本申请无需此环节');
    expect(await leaderBox()).not.toContain('暂无');
    expect(await deadlines()).toBe(1);
    // The source department's part of the request by the catalog's titles (it listed `staff_basic: staff_no name`).
    const page = (await (await as('office')).agent.get(`/sharing/${id}`).expect(200)).text;
    expect(page).toContain('<div>教职工基本信息 <code>staff_basic</code>：职工号、姓名</div>');
    expect(page).toContain('<p class="back"><a href="/sharing/all">← 全部申请</a></p>');
    const print = (await (await as('office')).agent.get(`/sharing/${id}/print`).expect(200)).text;
    expect(print).toContain('<div>教职工基本信息：职工号、姓名</div>');
    for (const who of ['hrSteward', 'office2'] as const) expect((await approveAs(who, id)).status).toBe(303);
    expect((await t.db.knex('sharing_requests').where({ id }).first('status')).status).toBe('granted');
    expect(await leaderBox()).toContain('本申请无需此环节');
    expect(await leaderBox()).not.toContain('暂无');
    expect(await deadlines()).toBe(0);
  });
});

describe('the print form of a request of universal tables only', () => {
  it('says in the data source box that the request does not need that stage, from submission on, not 暂无', async () => {
    const res = await postForm(
      'applicant',
      '/sharing/new',
      fullForm({ 'items[0][table]': 'org_unit', 'items[0][fields][]': 'unit_code', 'items[0][other_fields]': '' }),
      { material: [PDF, 'x.pdf'] },
    );
    const id = Number(/\/sharing\/(\d+)$/.exec(res.headers.location)![1]);
    const sourceBox = async () => {
      const html = (await (await as('office')).agent.get(`/sharing/${id}/print`).expect(200)).text;
      return /<th>（实际审批单位）<\/th><td colspan="3" class="opinion">([\s\S]*?)<\/td><\/tr>/.exec(html)?.[1];
    };
    expect(await sourceBox()).toBe('<div class="muted">本申请无需此环节</div>');
    for (const who of ['csSteward', 'office', 'office2'] as const) expect((await approveAs(who, id)).status).toBe(303);
    expect((await t.db.knex('sharing_requests').where({ id }).first('status')).status).toBe('granted');
    expect(await sourceBox()).toBe('<div class="muted">本申请无需此环节</div>');
  });
});

describe('the print form of a request that ended before every review', () => {
  /** The text of each review box of the print form (its heading cell, then the box up to its signature line). */
  const boxes = async (id: number) => {
    const html = (await (await as('office')).agent.get(`/sharing/${id}/print`).expect(200)).text;
    const text = (cell: string) =>
      cell
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim();
    return Object.fromEntries(
      [...html.matchAll(/<th>([^<]+)<\/th>\s*<td colspan="3" class="opinion">([\s\S]*?)<div class="sign">/g)].map((m) => [
        m[1],
        text(m[2]),
      ]),
    );
  };

  it('a withdrawn request: the boxes of the stages it was waiting for say they were not reviewed and why', async () => {
    const res = await postForm('applicant', '/sharing/new', fullForm(), { material: [PDF, 'x.pdf'] });
    const id = Number(/\/sharing\/(\d+)$/.exec(res.headers.location)![1]);
    expect((await approveAs('csSteward', id)).status).toBe(303);
    const a = await as('applicant');
    expect((await a.agent.post(`/sharing/${id}/withdraw`).type('form').send({ _csrf: a.csrf })).status).toBe(303);
    const box = await boxes(id);
    // The applicant unit decided before the withdrawal: its decision, no note.
    expect(box['申请单位主管领导审核']).toContain('☑ 同意');
    expect(box['申请单位主管领导审核']).not.toContain('本环节未审核');
    expect(box['人事处']).toContain('本环节未审核：申请已撤回');
    expect(box['信息化办公室终审、共享数据']).toContain('本环节未审核：申请已撤回');
    // No leader stage was planned: said so, as before.
    expect(box['信息化主管校领导审批']).toBe('本申请无需此环节');
  });

  it('a request refused by the IT office: the data source box it never reached says the request was refused elsewhere', async () => {
    const res = await postForm('applicant', '/sharing/new', fullForm(), { material: [PDF, 'x.pdf'] });
    const id = Number(/\/sharing\/(\d+)$/.exec(res.headers.location)![1]);
    expect((await approveAs('csSteward', id)).status).toBe(303);
    expect((await approveAs('office', id, { decision: 'reject', reason: 'scope_too_large' })).status).toBe(303);
    const box = await boxes(id);
    expect(box['人事处']).toContain('本环节未审核：申请在其他环节未获同意');
    // The office's own refusal is its box's decision, not a note — its first review's, said so (on paper it read as
    // the final review's).
    expect(box['信息化办公室终审、共享数据']).toContain('☑ 不同意');
    expect(box['信息化办公室终审、共享数据']).not.toContain('本环节未审核');
    expect(box['信息化办公室终审、共享数据']).toContain('以下为信息化办公室初审意见：申请在初审未获同意，未进入终审。');
  });

  it('a refusal for "other reasons" prints its text once, beside the reason (it was printed twice)', async () => {
    const res = await postForm('applicant', '/sharing/new', fullForm(), { material: [PDF, 'x.pdf'] });
    const id = Number(/\/sharing\/(\d+)$/.exec(res.headers.location)![1]);
    expect((await approveAs('csSteward', id)).status).toBe(303);
    const refused = await approveAs('office', id, { decision: 'reject', reason: 'other', comment: '与申请单位职责无关' });
    expect(refused.status).toBe(303);
    const office = (await boxes(id))['信息化办公室终审、共享数据'];
    expect(office).toContain('☑ 其他原因 与申请单位职责无关');
    expect(office.split('与申请单位职责无关').length - 1).toBe(1);
  });
});

describe('the pages offer only what the routes allow', () => {
  it('the arbitration request says its objection is required, and the browser asks for it before sending', async () => {
    const res = await postForm('applicant', '/sharing/new', fullForm(), { material: [PDF, 'x.pdf'] });
    const id = Number(/\/sharing\/(\d+)$/.exec(res.headers.location)![1]);
    expect((await approveAs('csSteward', id)).status).toBe(303);
    expect((await approveAs('office', id)).status).toBe(303);
    expect((await approveAs('hrSteward', id, { decision: 'reject', reason: 'data_incomplete' })).status).toBe(303);
    const page = (await (await as('applicant')).agent.get(`/sharing/${id}`).expect(200)).text;
    const form = page.slice(page.indexOf(`action="/sharing/${id}/arbitration"`));
    // Sent empty, it came back as 请说明异议理由 at the page's top, the box unmarked (now: beside the box, as typed).
    expect(form.slice(0, form.indexOf('</form>'))).toContain(
      '<label>异议说明 *<textarea name="note" rows="2" maxlength="2000" required></textarea></label>',
    );
  });

  it('"标记为已回传" only to the applicant and the IT office (a source department approver gets no button: the route answers it 403)', async () => {
    const res = await postForm('applicant', '/sharing/new', fullForm({ returned_items: '新生报到状态\n辅导员分配结果' }), {
      material: [PDF, 'x.pdf'],
    });
    const id = Number(/\/sharing\/(\d+)$/.exec(res.headers.location)![1]);
    for (const who of ['csSteward', 'office', 'hrSteward', 'office2'] as const)
      expect((await approveAs(who, id)).status).toBe(303);
    expect((await t.db.knex('sharing_requests').where({ id }).first('status')).status).toBe('granted');
    const button = '标记为已回传';
    const page = async (who: keyof SharingPeople) => (await (await as(who)).agent.get(`/sharing/${id}`).expect(200)).text;
    expect(await page('applicant')).toContain(button);
    expect(await page('office')).toContain(button);
    const hr = await page('hrSteward');
    expect(hr).toContain('新生报到状态');
    expect(hr).not.toContain(button);
    const item = await t.db.knex('sharing_returned_items').where({ request_id: id }).orderBy('position').first('id');
    const h = await as('hrSteward');
    expect((await h.agent.post(`/sharing/${id}/returned/${item.id}/delivered`).type('form').send({ _csrf: h.csrf })).status).toBe(
      403,
    );
  });

  it('the "待我审核" and "全部申请" tabs only to those who may open them', async () => {
    const tabs = async (who: keyof SharingPeople) => {
      const html = (await (await as(who)).agent.get('/sharing').expect(200)).text;
      return ['/sharing/queue', '/sharing/all'].filter((href) => html.includes(`href="${href}"`));
    };
    expect(await tabs('applicant')).toEqual([]);
    expect(await tabs('hrSteward')).toEqual(['/sharing/queue']);
    expect(await tabs('leader')).toEqual(['/sharing/queue']);
    expect(await tabs('office')).toEqual(['/sharing/queue', '/sharing/all']);
    // And what the tabs open answers as they imply.
    expect((await (await as('applicant')).agent.get('/sharing/queue')).status).toBe(403);
    expect((await (await as('hrSteward')).agent.get('/sharing/all')).status).toBe(403);
    expect((await (await as('hrSteward')).agent.get('/sharing/queue')).status).toBe(200);
  });
});

describe('a table typed in another case (over the API) is the catalog’s on every page', () => {
  it('a draft of Student_Status.GRADE: the form has student_status chosen and grade ticked; the request page shows their titles, tickets and pending change', async () => {
    await openTicket('fp-student-status', 'student_status', 'grade', 'STU');
    const filed = await send('stuSteward', '/sharing/structure-changes', {
      system: '学工管理系统',
      tables: 'student_status',
      description: '年级改为入学年份',
      planned_on: '2026-03-20',
      contact: '学生处专员 5678',
    });
    expect(filed.status).toBe(303);

    const a = await as('applicant');
    const draft = await a.agent
      .post('/api/v1/sharing-requests')
      .set('X-CSRF-Token', a.csrf)
      .send(apiRequest([{ table: 'Student_Status', fields: ['GRADE'] }], { draft: true }));
    expect(draft.status).toBe(201);
    const id = draft.body.id;

    const form = (await a.agent.get(`/sharing/${id}/edit`).expect(200)).text;
    expect(form).toMatch(/<option value="student_status"\s+selected>/);
    expect(form).toMatch(/name="items\[0\]\[fields\]\[\]" value="grade" checked>/);
    expect(form).toContain('name="items[0][other_fields]" value=""');

    const page = (await a.agent.get(`/sharing/${id}`).expect(200)).text;
    expect(page).toContain('本专科生学籍基本信息 <code>student_status</code>');
    expect(page).toContain('年级 <code>grade</code>');
    expect(page).not.toMatch(/Student_Status|GRADE/);
    expect(page).toMatch(/<td class="num">1<\/td>/);
    expect(page).toContain('数据结构变更待完成');
  });

  it('submitted as STAFF_BASIC: the print form names the table as the catalog does', async () => {
    const a = await as('applicant');
    const res = await a.agent
      .post('/api/v1/sharing-requests')
      .set('X-CSRF-Token', a.csrf)
      .send(apiRequest([{ table: 'STAFF_BASIC', fields: ['staff_no'], range: '全体在职教职工' }]));
    expect(res.status).toBe(201);
    const html = (await a.agent.get(`/sharing/${res.body.id}/print`).expect(200)).text;
    expect(html).toContain('教职工基本信息（1）');
    expect(html).toContain(
      '<td>教职工基本信息<div class="mono small">staff_basic</div></td><td>职工号 <span class="mono small">staff_no</span></td>',
    );
    expect(html).toContain('教职工基本信息（staff_basic）');
    expect(html).not.toContain('STAFF_BASIC');
  });

  it('prints a field the catalog gives no title (a table declaring no fields) by its name once, not twice', async () => {
    const a = await as('applicant');
    const res = await a.agent
      .post('/api/v1/sharing-requests')
      .set('X-CSRF-Token', a.csrf)
      .send(apiRequest([{ table: 'library_loan', fields: ['reader_no'] }]));
    expect(res.status).toBe(201);
    const html = (await a.agent.get(`/sharing/${res.body.id}/print`).expect(200)).text;
    expect(html).toContain(
      '<td>图书借阅<div class="mono small">library_loan</div></td><td><span class="mono small">reader_no</span></td>',
    );
    expect(html).not.toContain('reader_no <span class="mono small">reader_no</span>');
  });
});

/** A request submitted through the form (`overrides` on fullForm), its id. */
async function submitForm(overrides: Record<string, string> = {}): Promise<number> {
  const res = await postForm('applicant', '/sharing/new', fullForm(overrides), { material: [PDF, 'x.pdf'] });
  expect(res.status).toBe(303);
  return Number(/\/sharing\/(\d+)$/.exec(res.headers.location)![1]);
}

async function inLocale<T>(login: keyof SharingPeople, locale: 'en' | 'zh-CN', fn: () => Promise<T>): Promise<T> {
  const s = await as(login);
  await s.agent.post('/locale').type('form').send({ _csrf: s.csrf, locale, next: '/' });
  try {
    return await fn();
  } finally {
    if (locale !== 'zh-CN') await s.agent.post('/locale').type('form').send({ _csrf: s.csrf, locale: 'zh-CN', next: '/' });
  }
}

describe('a form sent back (422) says what to correct at its top, and that files must be chosen again', () => {
  /** The summary box before the form: each message and the id it links to. */
  const summaryOf = (html: string) => {
    const box = /<div class="flash flash-error error-summary" role="alert">([\s\S]*?)<\/div>/.exec(html);
    if (!box) return null;
    return {
      beforeForm: html.indexOf(box[0]) < html.indexOf('<form method="post" action="/sharing/new'),
      links: [...box[1].matchAll(/<a href="#([^"]+)">([^<]*)<\/a>/g)].map((m) => ({ anchor: m[1], message: m[2] })),
    };
  };

  const WRONG_CHECK_DIGIT = VALID_ID_CARD.slice(0, 17) + (VALID_ID_CARD[17] === '0' ? '1' : '0');

  it('a wrong vendor ID number: the summary names it and links to its message beside the input; the chosen file is to be chosen again', async () => {
    const res = await postForm('applicant', '/sharing/new', fullForm({ 'vendors[0][id_card]': WRONG_CHECK_DIGIT }), {
      material: [PDF, '立项批复.pdf'],
    });
    expect(res.status).toBe(422);
    const summary = summaryOf(res.text);
    expect(summary?.beforeForm).toBe(true);
    // In the order of the page: the file that was not kept (it must be chosen again, or the next send fails on it),
    // whose box comes first, then the mistake.
    expect(summary?.links.map((l) => l.anchor)).toEqual(['material-again', 'vendors-0-id_card-error']);
    const [, link] = summary!.links;
    // The message beside the input, and in the summary with its table and row (a member's row has a 姓名 too).
    const beside = new RegExp(`<p class="field-error" id="${link.anchor}">([^<]*)</p>`).exec(res.text)![1];
    expect(beside).toContain('身份证号');
    expect(link.message).toBe(`系统开发人员信息（公司）第 1 行：${beside}`);
    // Browsers cannot put a file back: the form says so under the input whose file was chosen, naming it; not under
    // the pledge scan's, left empty.
    expect(res.text).toContain(
      'id="material-again">请重新选择“系统立项或相关材料”：所选文件“立项批复.pdf”未随退回的表单保留</p>',
    );
    expect(res.text).not.toContain('id="pledge_scan-again"');
    expect(res.text).not.toContain('表单退回时不保留已选的文件，请重新选择。');
  });

  it('an empty form: every message of the summary links to a message on the page; a missing file is to be uploaded', async () => {
    const res = await postForm('applicant', '/sharing/new', { action: 'submit' });
    expect(res.status).toBe(422);
    const summary = summaryOf(res.text);
    expect(summary!.links.length).toBeGreaterThan(5);
    for (const { anchor } of summary!.links)
      expect({ anchor, onPage: res.text.includes(`id="${anchor}"`) }).toEqual({ anchor, onPage: true });
    expect(summary!.links.map((l) => l.message)).toContain('请上传“系统立项或相关材料”');
  });

  it('a form with nothing wrong has no summary', async () => {
    const page = await (await as('applicant')).agent.get('/sharing/new').expect(200);
    expect(page.text).not.toContain('error-summary');
    expect(page.text).not.toContain('请重新选择');
  });
});

describe('messages name the field by its label and the choices by their names, in the user’s language', () => {
  it('the form: no integration method, no system status, no campus answers → 请选择…; nothing written', async () => {
    const before = Number((await t.db.knex('sharing_requests').count({ n: '*' }))[0].n);
    const res = await postForm(
      'applicant',
      '/sharing/new',
      fullForm({ method: '', 'system[status]': '', 'system[on_campus]': '', 'system[campus_address]': '' }),
      { material: [PDF, 'x.pdf'] },
    );
    expect(res.status).toBe(422);
    for (const [id, message] of [
      ['method', '请选择数据对接方式'],
      ['system-status', '请选择系统运行情况'],
      ['system-on_campus', '请选择系统是否在校内部署'],
      ['system-campus_address', '请选择是否为校内域名及IP'],
    ])
      expect(res.text).toContain(`<p class="field-error" id="${id}-error">${message}</p>`);
    expect(res.text).not.toMatch(/api \| file|building \| running|yes \| no/);
    expect(Number((await t.db.knex('sharing_requests').count({ n: '*' }))[0].n)).toBe(before);
  });

  it('a choice the form does not offer (a crafted form) is named with the choices’ names, as its buttons show them', async () => {
    const res = await postForm(
      'applicant',
      '/sharing/new',
      fullForm({ method: 'ftp', 'system[status]': 'retired', 'system[on_campus]': 'maybe', 'datasets[]': 'weather' }),
      { material: [PDF, 'x.pdf'] },
    );
    expect(res.status).toBe(422);
    for (const [id, message] of [
      ['method', '“数据对接方式”须为以下之一：API、文本、其他'],
      ['system-status', '“系统运行情况”须为以下之一：建设中、运行中'],
      ['system-on_campus', '“系统是否在校内部署”须为以下之一：是、否'],
      [
        'datasets',
        '“数据集名称”须为以下之一：学校概况数据集、教职工管理数据集、学生管理数据集、教学管理数据集、资产与设备管理数据集、一卡通管理数据集、公共服务数据集、其他数据集',
      ],
    ])
      expect(res.text).toContain(`<p class="field-error" id="${id}-error">${message}</p>`);
    const s = await as('applicant');
    const api = await s.agent
      .post('/api/v1/sharing-requests')
      .set('X-CSRF-Token', s.csrf)
      .send(apiRequest([{ table: 'org_unit', fields: ['unit_code'] }], { method: '' }));
    expect(api.status).toBe(422);
    expect(api.body.fields).toEqual({ method: '请选择数据对接方式' });
  });

  it('an IP:port that is none (abc:99999) is refused naming the field and what it takes; nothing written', async () => {
    const before = Number((await t.db.knex('sharing_requests').count({ n: '*' }))[0].n);
    const res = await postForm('applicant', '/sharing/new', fullForm({ 'system[address]': 'abc:99999' }), {
      material: [PDF, 'x.pdf'],
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain(
      '<p class="field-error" id="system-address-error">“IP地址：端口号”格式不正确：abc:99999（应为IP 地址或主机名加端口号（1–65535），如 10.1.2.3:8080、[2001:db8::1]:8443 或 yx.example.edu.cn:443）</p>',
    );
    expect(res.text).toContain('value="abc:99999"');
    const s = await as('applicant');
    const api = await s.agent
      .post('/api/v1/sharing-requests')
      .set('X-CSRF-Token', s.csrf)
      .send(apiRequest([{ table: 'org_unit', fields: ['unit_code'] }], { system: { address: '10.1.2.3:0' } }));
    expect(api.status).toBe(422);
    expect(Object.keys(api.body.fields)).toEqual(['system.address']);
    expect(Number((await t.db.knex('sharing_requests').count({ n: '*' }))[0].n)).toBe(before);
  });

  it('in English for an English session', async () => {
    const res = await inLocale('applicant', 'en', () =>
      postForm('applicant', '/sharing/new', fullForm({ method: '', 'system[status]': 'retired' }), { material: [PDF, 'x.pdf'] }),
    );
    expect(res.status).toBe(422);
    expect(res.text).toContain('<p class="field-error" id="method-error">Choose “Integration method”</p>');
    expect(res.text).toContain(
      '<p class="field-error" id="system-status-error">“System status” must be one of: Being built, Running</p>',
    );
  });
  // The arbitration's buttons are named the same way: sharing-workflow, "a decision without an arbitration…".
  it('decisions the buttons do not offer (structure-change review) are named by the buttons', async () => {
    const o = await as('office');
    const h = await as('hrSteward');
    await h.agent.post('/sharing/structure-changes').type('form').send({
      _csrf: h.csrf,
      system: '人事管理系统',
      tables: 'staff_basic',
      description: '增加字段',
      planned_on: '2026-03-20',
      contact: '',
    });
    const change = await t.db.knex('structure_changes').orderBy('id', 'desc').first('id');
    const review = await o.agent
      .post(`/sharing/structure-changes/${change.id}/review`)
      .type('form')
      .send({ _csrf: o.csrf, decision: 'maybe', note: '' });
    // The list comes back (422) with the message beside the buttons.
    expect(review.status).toBe(422);
    expect(review.text).toContain(`id="sc-review-${change.id}-decision-error">请选择“同意”或“不同意”</p>`);
    expect((await t.db.knex('structure_changes').where({ id: change.id }).first('status')).status).toBe('submitted');
  });

  it('a file sent under an input the form does not have is refused naming the form’s file inputs, not internal names', async () => {
    const before = Number((await t.db.knex('sharing_requests').count({ n: '*' }))[0].n);
    const res = await postForm('applicant', '/sharing/new', fullForm(), { material: [PDF, 'x.pdf'], evil: [PDF, 'y.pdf'] });
    expect(res.status).toBe(422);
    expect(res.text).toContain('只能上传“系统立项或相关材料”和“签字盖章的承诺书扫描件”，各一个文件');
    expect(res.text).not.toMatch(/文件 (evil|material|pledge_scan) /);
    expect(Number((await t.db.knex('sharing_requests').count({ n: '*' }))[0].n)).toBe(before);
  });
});

describe('a decision the form cannot take comes back with its message and what was typed (422); nothing is written', () => {
  let id: number;
  let stageId: number;
  beforeAll(async () => {
    id = await submitForm();
    stageId = Number((await t.db.knex('sharing_stages').where({ request_id: id, kind: 'applicant_unit' }).first('id')).id);
  });
  const state = async (requestId = id) => ({
    stages: await t.db.knex('sharing_stages').where({ request_id: requestId }).orderBy('id').select('status', 'version'),
    request: await t.db.knex('sharing_requests').where({ id: requestId }).first('status', 'version'),
    audit: Number(
      (
        await t.db
          .knex('audit_log')
          .where({ object_id: String(requestId), action: 'sharing.decision' })
          .count({ n: '*' })
      )[0].n,
    ),
  });
  const post = async (login: keyof SharingPeople, requestId: number, body: Record<string, string>) => {
    const s = await as(login);
    return s.agent
      .post(`/sharing/${requestId}/decision`)
      .type('form')
      .send({ _csrf: s.csrf, ...body });
  };

  it('a rejection without a reason: 请选择不同意的理由 at the reason, the opinion and the choice typed stay', async () => {
    const before = await state();
    const res = await post('csSteward', id, {
      stage_id: String(stageId),
      decision: 'reject',
      reason: '',
      comment: '项目材料不全，请补充后再申请',
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain(`<p class="field-error" id="decide-${stageId}-reason-error">请选择不同意的理由</p>`);
    expect(res.text).toMatch(
      /<textarea id="decide-\d+-comment" name="comment" rows="2" maxlength="2000"[^>]*>项目材料不全，请补充后再申请<\/textarea>/,
    );
    expect(res.text).toMatch(/<input type="radio" name="decision" value="reject" checked>/);
    expect(res.text).not.toMatch(/<input type="radio" name="decision" value="approve" checked>/);
    expect(res.text).not.toMatch(/not_current_staff \||理由：not_current/);
    expect(await state()).toEqual(before);
  });

  it('a refusal reason sent with 同意 is refused at the reason, with a summary naming it; neither choice is ticked first', async () => {
    // The form ticked 同意 by default: a reviewer who chose 数据需求范围过大 and wrote why, but did not tick 不同意,
    // approved the request (at the final review, granting the data) and the reason was dropped without a word.
    const page = (await (await as('csSteward')).agent.get(`/sharing/${id}`).expect(200)).text;
    expect(page).not.toMatch(/name="decision" value="(approve|reject)" checked/);
    const before = await state();
    const res = await post('csSteward', id, {
      stage_id: String(stageId),
      decision: 'approve',
      reason: 'scope_too_large',
      comment: '申请范围过大，请缩小字段范围后重新申请',
    });
    expect(res.status).toBe(422);
    const message = '选择了不同意理由却勾选了“同意”：同意时请清空不同意理由，不同意时请选择“不同意”';
    expect(res.text).toContain(`<p class="field-error" id="decide-${stageId}-reason-error">${message}</p>`);
    expect(res.text).toMatch(
      new RegExp(
        `<select id="decide-${stageId}-reason" name="reason" aria-invalid="true" aria-describedby="decide-${stageId}-reason-error">`,
      ),
    );
    // At the page's top (the form is a screen or more below), linked to the message (which names its box).
    const summary = /<div class="flash flash-error error-summary" role="alert">([\s\S]*?)<\/div>/.exec(res.text)?.[1] ?? '';
    expect(summary).toContain(`<a href="#decide-${stageId}-reason-error">${message}</a>`);
    // What was typed stays: the choice, the reason and the opinion.
    expect(res.text).toMatch(/<input type="radio" name="decision" value="approve" checked>/);
    expect(res.text).toContain('<option value="scope_too_large" selected>');
    expect(await state()).toEqual(before);
    // In English; "other reason" with its text is a reason too.
    const api = await inLocale('csSteward', 'en', () =>
      post('csSteward', id, { stage_id: String(stageId), decision: 'approve', reason: 'other', comment: 'x' }),
    );
    expect(api.text).toContain('A reason for rejection is chosen with “Approve”');
    expect(await state()).toEqual(before);
  });

  it("the decision form's address opened again (a reload after a sent-back form) is the request's page", async () => {
    const res = await (await as('csSteward')).agent.get(`/sharing/${id}/decision`);
    expect([res.status, res.headers.location]).toEqual([302, `/sharing/${id}`]);
  });

  it('"other reason" without its text keeps the reason chosen', async () => {
    const before = await state();
    const res = await post('csSteward', id, { stage_id: String(stageId), decision: 'reject', reason: 'other', comment: '' });
    expect(res.status).toBe(422);
    expect(res.text).toContain(`<p class="field-error" id="decide-${stageId}-comment-error">选择“其他原因”时请说明理由</p>`);
    expect(res.text).toContain('<option value="other" selected>其他原因</option>');
    expect(await state()).toEqual(before);
  });

  it('a decision value the form does not offer: 请选择“同意”或“不同意”', async () => {
    const before = await state();
    const res = await post('csSteward', id, { stage_id: String(stageId), decision: 'maybe', comment: '再看看' });
    expect(res.status).toBe(422);
    expect(res.text).toContain(`<p class="field-error" id="decide-${stageId}-decision-error">请选择“同意”或“不同意”</p>`);
    expect(res.text).toMatch(
      /<textarea id="decide-\d+-comment" name="comment" rows="2" maxlength="2000"[^>]*>再看看<\/textarea>/,
    );
    expect(res.text).not.toContain('decision 须为');
    expect(await state()).toEqual(before);
  });

  it('a stage number that is no number (a crafted form) is named, not answered as "no stage of yours"', async () => {
    const before = await state();
    const res = await post('csSteward', id, { stage_id: 'abc', decision: 'reject', reason: 'other', comment: 'x' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('stage_id 应为本申请中由您审核的审批环节编号（整数）');
    expect(await state()).toEqual(before);
  });

  it('in English for an English session', async () => {
    const res = await inLocale('csSteward', 'en', () =>
      post('csSteward', id, { stage_id: String(stageId), decision: 'reject', comment: 'Too broad' }),
    );
    expect(res.status).toBe(422);
    expect(res.text).toContain(
      `<p class="field-error" id="decide-${stageId}-reason-error">Choose the reason for the rejection</p>`,
    );
    expect(res.text).toMatch(
      /<textarea id="decide-\d+-comment" name="comment" rows="2" maxlength="2000"[^>]*>Too broad<\/textarea>/,
    );
  });

  it('the final review: an expiry that is no date keeps the date and the opinion typed', async () => {
    const universal = await submitForm({
      'items[0][table]': 'org_unit',
      'items[0][fields][]': 'unit_code',
      'items[0][other_fields]': '',
    });
    expect((await approveAs('csSteward', universal)).status).toBe(303);
    expect((await approveAs('office', universal)).status).toBe(303);
    const before = await state(universal);
    const res = await post('office2', universal, { decision: 'approve', expires_on: '2027-02-30', comment: '终审同意' });
    expect(res.status).toBe(422);
    expect(res.text).toMatch(
      /<p class="field-error" id="decide-\d+-expires_on-error">授权截止日期“2027-02-30”不是有效的日期（YYYY-MM-DD）<\/p>/,
    );
    expect(res.text).toMatch(/<input type="date" id="decide-\d+-expires_on" name="expires_on" value="2027-02-30"[^>]*>/);
    expect(res.text).toMatch(
      /<textarea id="decide-\d+-comment" name="comment" rows="2" maxlength="2000"[^>]*>终审同意<\/textarea>/,
    );
    expect(await state(universal)).toEqual(before);
  });

  it('the final review: an expiry more than three years away (9999-12-31) is named with the latest day, nothing granted', async () => {
    const universal = await submitForm({
      'items[0][table]': 'org_unit',
      'items[0][fields][]': 'unit_code',
      'items[0][other_fields]': '',
    });
    expect((await approveAs('csSteward', universal)).status).toBe(303);
    expect((await approveAs('office', universal)).status).toBe(303);
    // The form says the bound before anything is sent.
    const form = (await (await as('office2')).agent.get(`/sharing/${universal}`).expect(200)).text;
    expect(form).toContain('授权截止日期（终审时可选，默认一年，最长三年）');
    const before = await state(universal);
    const res = await post('office2', universal, { decision: 'approve', expires_on: '9999-12-31', comment: '终审同意' });
    expect(res.status).toBe(422);
    expect(res.text).toMatch(
      /<p class="field-error" id="decide-\d+-expires_on-error">授权截止日期最晚为 2029-03-02：授权自授权之日起最长 3 年（YYYY-MM-DD）<\/p>/,
    );
    expect(res.text).toMatch(/<input type="date" id="decide-\d+-expires_on" name="expires_on" value="9999-12-31"[^>]*>/);
    expect(await state(universal)).toEqual(before);
    const en = await inLocale('office2', 'en', () =>
      post('office2', universal, { decision: 'approve', expires_on: '2029-03-03' }),
    );
    expect(en.status).toBe(422);
    expect(en.text).toContain(
      'The grant expiry must be 2029-03-02 or earlier: a grant lasts at most 3 years from the day it is given (YYYY-MM-DD)',
    );
    expect(await state(universal)).toEqual(before);
  });

  it('a stage decided meanwhile is still a 409 with its message on the page (the input is judged once the action is possible)', async () => {
    expect((await approveAs('csSteward', id)).status).toBe(303);
    const res = await post('csSteward', id, { stage_id: String(stageId), decision: 'reject', reason: '' });
    expect(res.status).toBe(303);
    const page = (await (await as('csSteward')).agent.get(`/sharing/${id}`)).text;
    // Says why (it said 该环节当前不在待审核状态, leaving the reviewer to work it out).
    expect(page).toContain('该环节已作出审核决定（见审核记录），无需再审核');
  });

  it('a request withdrawn meanwhile says so to the reviewer who acts on it', async () => {
    const withdrawn = await submitForm();
    const stage = await t.db.knex('sharing_stages').where({ request_id: withdrawn, kind: 'applicant_unit' }).first('id');
    const a = await as('applicant');
    expect((await a.agent.post(`/sharing/${withdrawn}/withdraw`).type('form').send({ _csrf: a.csrf })).status).toBe(303);
    const res = await post('csSteward', withdrawn, { stage_id: String(stage.id), decision: 'approve' });
    expect(res.status).toBe(303);
    expect((await (await as('csSteward')).agent.get(`/sharing/${withdrawn}`)).text).toContain('申请人已撤回该申请，无需再审核');
  });
});

describe('the request page shows what the print form shows, each value under its own label', () => {
  let id: number;
  beforeAll(async () => {
    id = await submitForm({
      'system[domain]': '',
      'system[address]': '10.1.2.3:8080',
      'applicant[contact]': '微信同号 13700000003',
      method: 'other',
      method_other: '数据库视图',
      'datasets[]': 'other',
      dataset_other: '迎新数据集',
      'members[1][name]': '赵六',
      'members[1][unit]': '体育学院网络中心',
      'members[1][staff_no]': '20230003',
      'members[1][phone]': '13800000003',
    });
  });
  /** The text of the <dd> under the <dt> labelled `label` (the first such), or null. */
  const fact = (html: string, label: string) => {
    const m = new RegExp(`<dt>${label}</dt>\\s*<dd>([\\s\\S]*?)</dd>`).exec(html);
    return m
      ? m[1]
          .replace(/<[^>]+>/g, '')
          .replace(/\s+/g, ' ')
          .trim()
      : null;
  };

  it('the IP:port under "IP地址：端口号", an empty domain as none (never "域名: 10.1.2.3:8080")', async () => {
    const page = (await (await as('csSteward')).agent.get(`/sharing/${id}`).expect(200)).text;
    expect(fact(page, '域名')).toBe('—');
    expect(fact(page, 'IP地址：端口号')).toBe('10.1.2.3:8080');
  });

  it('project members, the integration method, the datasets and the other contact, masked for the applicant as on the print form', async () => {
    const steward = (await (await as('csSteward')).agent.get(`/sharing/${id}`).expect(200)).text;
    expect(fact(steward, '数据申请人联系方式')).toBe('微信同号 13700000003');
    expect(fact(steward, '数据对接方式')).toBe('其他：数据库视图');
    expect(fact(steward, '数据集名称')).toBe('其他数据集：迎新数据集');
    expect(fact(steward, '系统是否在校内部署')).toBe('是');
    expect(fact(steward, '是否为校内域名及IP')).toBe('是');
    expect(steward).toContain('<h3>项目人员信息（校内）</h3>');
    expect(steward).toContain(`<a href="/sharing/${id}/files/material">x.pdf</a><small class="muted">（1 KB）</small>`);
    for (const cell of ['李四', '体育学院', '20230002', '13800000001', '赵六', '体育学院网络中心', '20230003', '13800000003'])
      expect(steward).toContain(`<td>${cell}</td>`);

    const own = (await (await as('applicant')).agent.get(`/sharing/${id}`).expect(200)).text;
    expect(fact(own, '数据申请人联系方式')).toBe('微信同号 137****0003');
    expect(own).toContain('<td>138****0001</td>');
    expect(own).toContain('<td>138****0003</td>');
    for (const full of ['13700000003', '13800000001', '13800000003']) expect(own).not.toContain(full);
  });

  it('links the approval material and the pledge scan by the names they download under, with their sizes', async () => {
    // Both read a bare 下载: which file was attached, and was it the right one? The name is the applicant's: escaped, and
    // without the direction override that made `…\u202efdp.hta` read as a PDF's name (downloadName).
    const res = await postForm('applicant', '/sharing/new', fullForm(), {
      material: [pdfOf(1536 * 1024), '<script>立项批复\u202efdp.hta'],
      pledge_scan: [PDF, '承诺书扫描件.pdf'],
    });
    expect(res.status).toBe(303);
    const filed = Number(/\/sharing\/(\d+)$/.exec(res.headers.location)![1]);
    const page = (await (await as('csSteward')).agent.get(`/sharing/${filed}`).expect(200)).text;
    expect(page).toContain(
      `<dd><a href="/sharing/${filed}/files/material">&lt;script&gt;立项批复fdp.hta.pdf</a><small class="muted">（1.5 MB）</small></dd>`,
    );
    expect(page).not.toContain('<script>立项批复');
    expect(fact(page, '承诺书扫描件')).toBe('承诺书扫描件.pdf（1 KB）');
    expect(page).not.toContain('>下载</a>');
    // The link is named by the file alone (its size beside it): a screen reader's list of links reads 承诺书扫描件.pdf.
    expect(page).toContain(`<a href="/sharing/${filed}/files/pledge">承诺书扫描件.pdf</a>`);
    const file = await (await as('csSteward')).agent.get(`/sharing/${filed}/files/material`).expect(200);
    expect(decodeURIComponent(/filename\*=UTF-8''(.+)$/.exec(file.headers['content-disposition'] as string)![1])).toBe(
      '<script>立项批复fdp.hta.pdf',
    );
    const en = await inLocale('csSteward', 'en', async () => (await (await as('csSteward')).agent.get(`/sharing/${filed}`)).text);
    expect(en).toContain(`>承诺书扫描件.pdf</a><small class="muted"> (1 KB)</small>`);
  });

  it("names a draft's stored files on its form as the request's page links them: the name they download under, their size", async () => {
    // The form said 已上传：<the name as typed>, the direction override with it (…\u202efdp.hta read as a PDF's name),
    // while the request's page names the file as it downloads (downloadName) with its size.
    const draft = await postForm(
      'applicant',
      '/sharing/new',
      { purpose: '草稿用途', 'items[0][table]': 'org_unit', action: 'draft' },
      { material: [pdfOf(1536 * 1024), '<script>立项批复\u202efdp.hta'], pledge_scan: [PDF, '承诺书扫描件'] },
    );
    expect(draft.status).toBe(303);
    const id = Number(/\/sharing\/(\d+)\/edit$/.exec(draft.headers.location)![1]);
    const form = (await (await as('applicant')).agent.get(`/sharing/${id}/edit`).expect(200)).text;
    expect(form).toContain(
      '<p class="muted" id="material-kept">已上传：&lt;script&gt;立项批复fdp.hta.pdf（1.5 MB），不重新选择则保留</p>',
    );
    expect(form).toContain('<p class="muted" id="pledge_scan-kept">已上传：承诺书扫描件.pdf（1 KB），不重新选择则保留</p>');
    expect(form).not.toContain('\u202e');
    const page = (await (await as('applicant')).agent.get(`/sharing/${id}`).expect(200)).text;
    expect(page).toContain(
      `<a href="/sharing/${id}/files/material">&lt;script&gt;立项批复fdp.hta.pdf</a><small class="muted">（1.5 MB）</small>`,
    );
    expect(page).toContain(`<a href="/sharing/${id}/files/pledge">承诺书扫描件.pdf</a><small class="muted">（1 KB）</small>`);
    // Sent back (a text over its limit): the same note.
    const back = await postForm('applicant', `/sharing/${id}/edit`, { purpose: 'x'.repeat(2001), action: 'draft' });
    expect(back.status).toBe(422);
    expect(back.text).toContain('id="pledge_scan-kept">已上传：承诺书扫描件.pdf（1 KB），不重新选择则保留</p>');
    const en = await inLocale(
      'applicant',
      'en',
      async () => (await (await as('applicant')).agent.get(`/sharing/${id}/edit`)).text,
    );
    expect(en).toContain('id="pledge_scan-kept">Uploaded: 承诺书扫描件.pdf (1 KB), kept unless you choose another</p>');
  });

  it('in English: labels and choices translated', async () => {
    const page = await inLocale('csSteward', 'en', async () => (await (await as('csSteward')).agent.get(`/sharing/${id}`)).text);
    expect(fact(page, 'Domain')).toBe('—');
    expect(fact(page, 'IP address:port')).toBe('10.1.2.3:8080');
    expect(fact(page, 'Integration method')).toBe('Other: 数据库视图');
    expect(fact(page, 'Datasets')).toBe('Other dataset: 迎新数据集');
  });
});

describe('approval stages are numbered as the request has them, consecutively', () => {
  /** "n. kind" of each stage on the request page's timeline, in order. */
  const timeline = async (id: number) => {
    const page = (await (await as('office')).agent.get(`/sharing/${id}`).expect(200)).text;
    const list = /<ol class="timeline">([\s\S]*?)<\/ol>/.exec(page)![1];
    return [...list.matchAll(/<strong>(\d+)\. ([^<]+)<\/strong>/g)].map((m) => `${m[1]}. ${m[2]}`);
  };

  it('universal data (no source stage, no leader): 1, 2, 3 — the API keeps the stages’ own numbers', async () => {
    const id = await submitForm({
      'items[0][table]': 'org_unit',
      'items[0][fields][]': 'unit_code',
      'items[0][other_fields]': '',
    });
    expect(await timeline(id)).toEqual([
      '1. 数据申请单位信息化专员审核',
      '2. 信息化办公室数据专员初审',
      '3. 信息化办公室终审、共享数据',
    ]);
    const api = (await (await as('office')).agent.get(`/api/v1/sharing-requests/${id}`).expect(200)).body;
    expect(api.stages.map((s: { stage: number }) => s.stage)).toEqual([1, 2, 5]);
  });

  it('no leader stage: 1, 2, 3 (both source departments, in parallel), 4', async () => {
    const id = await submitForm({ 'items[0][fields][]': 'political_status' });
    expect(await timeline(id)).toEqual([
      '1. 数据申请单位信息化专员审核',
      '2. 信息化办公室数据专员初审',
      '3. 数据来源部门审核',
      '3. 数据来源部门审核',
      '4. 信息化办公室终审、共享数据',
    ]);
  });

  it('every stage: 1 to 5', async () => {
    // The hub cannot count staff_basic (no such table in the test hub): a sensitive field brings the leader in.
    const id = await submitForm({ 'items[0][fields][]': 'id_card' });
    expect(await timeline(id)).toEqual([
      '1. 数据申请单位信息化专员审核',
      '2. 信息化办公室数据专员初审',
      '3. 数据来源部门审核',
      '4. 信息化主管校领导审批',
      '5. 信息化办公室终审、共享数据',
    ]);
  });
});

describe('the form names the applying department', () => {
  it('数据申请部门 shows the department’s name, not its code', async () => {
    const form = (await (await as('applicant')).agent.get('/sharing/new').expect(200)).text;
    expect(form).toContain('<label>数据申请部门 *<input value="计算机学院" disabled></label>');
    expect(form).not.toContain('<input value="CS" disabled>');
  });
});

describe('what only some readers may see', () => {
  it("a draft is its author's alone: not on the IT office's lists, its page, print form and files as missing (404)", async () => {
    const res = await postForm('applicant', '/sharing/new', fullForm({ action: 'draft', purpose: '草稿：仅本人可见' }), {
      material: [PDF, 'x.pdf'],
    });
    const draft = Number(/\/sharing\/(\d+)(\/edit)?$/.exec(res.headers.location)![1]);
    expect((await t.db.knex('sharing_requests').where({ id: draft }).first()).status).toBe('draft');
    // The same applicant's request submitted next is listed: the list is the one a draft would be on (the lists show
    // numbers, not purposes).
    const sent = await postForm('applicant', '/sharing/new', fullForm(), { material: [PDF, 'x.pdf'] });
    const submitted = Number(/\/sharing\/(\d+)$/.exec(sent.headers.location)![1]);
    const office = await as('office');
    const all = (await office.agent.get('/sharing/all').expect(200)).text;
    expect(all).toContain(`<a href="/sharing/${submitted}">#${submitted}</a>`);
    expect(all).not.toContain(`<a href="/sharing/${draft}">`);
    expect((await office.agent.get('/sharing/all?status=draft').expect(200)).text).not.toContain(`/sharing/${draft}"`);
    await office.agent.get(`/sharing/${draft}`).expect(404);
    await office.agent.get(`/sharing/${draft}/print`).expect(404);
    await office.agent.get(`/sharing/${draft}/files/material`).expect(404);
    const own = await (await as('applicant')).agent.get(`/sharing/${draft}`).expect(200);
    expect(own.text).toContain('草稿：仅本人可见');

    // Withdrawn as a draft (the draft's page offers 撤回申请), it was never submitted: it stays its author's alone —
    // it became a "withdrawn request" the IT office listed and read in full, vendors' ID numbers included.
    const applicant = await as('applicant');
    await applicant.agent.post(`/sharing/${draft}/withdraw`).type('form').send({ _csrf: applicant.csrf }).expect(303);
    expect((await t.db.knex('sharing_requests').where({ id: draft }).first()).status).toBe('withdrawn');
    for (const list of ['/sharing/all', '/sharing/all?status=withdrawn'])
      expect((await office.agent.get(list).expect(200)).text).not.toContain(`/sharing/${draft}"`);
    await office.agent.get(`/sharing/${draft}`).expect(404);
    await office.agent.get(`/sharing/${draft}/print`).expect(404);
    await office.agent.get(`/sharing/${draft}/files/material`).expect(404);
    await office.agent.get(`/api/v1/sharing-requests/${draft}`).expect(404);
    const api = (await office.agent.get('/api/v1/sharing-requests?view=all&status=withdrawn').expect(200)).body;
    expect(api.items.map((r: { id: number }) => r.id)).not.toContain(draft);
    // Its author still has it, 已撤回, on their own list and page (to copy it into a new draft).
    expect((await applicant.agent.get('/sharing').expect(200)).text).toContain(`/sharing/${draft}"`);
    expect((await applicant.agent.get(`/sharing/${draft}`).expect(200)).text).toContain('已撤回');
  });

  it("shows each requested table's quality score from the latest snapshot, with its day", async () => {
    const res = await postForm('applicant', '/sharing/new', fullForm(), { material: [PDF, 'x.pdf'] });
    const id = Number(/\/sharing\/(\d+)$/.exec(res.headers.location)![1]);
    const before = (await (await as('applicant')).agent.get(`/sharing/${id}`).expect(200)).text;
    expect(before).not.toContain('截至');
    await t.db.knex('scorecard_check_days').insert([
      {
        department_code: 'HR',
        day: '2026-03-01',
        table_name: 'staff_basic',
        field_name: 'staff_no',
        check_kind: 'required',
        passed: false,
        violations: 25,
        checked_rows: 100,
      },
    ]);
    const html = (await (await as('applicant')).agent.get(`/sharing/${id}`).expect(200)).text;
    // Completeness 0.75 is the only measured component: 75.
    expect(html).toMatch(/<td class="num">75.00<div class="muted">截至 2026-03-01<\/div><\/td>/);
    await t.db.knex('scorecard_check_days').where({ table_name: 'staff_basic' }).delete();
  });

  it('phone numbers typed into an opinion are masked for every reader, on the page and the print form', async () => {
    const res = await postForm('applicant', '/sharing/new', fullForm(), { material: [PDF, 'x.pdf'] });
    const id = Number(/\/sharing\/(\d+)$/.exec(res.headers.location)![1]);
    expect((await approveAs('csSteward', id, { comment: '同意，有事联系 13812345678 或 0371-67781234' })).status).toBe(303);
    for (const who of ['applicant', 'office', 'csSteward'] as const) {
      for (const path of [`/sharing/${id}`, `/sharing/${id}/print`]) {
        const html = (await (await as(who)).agent.get(path).expect(200)).text;
        expect(html).toContain('同意，有事联系 138****5678 或 037*-****1234');
        expect(html).not.toContain('13812345678');
      }
    }
  });
});
