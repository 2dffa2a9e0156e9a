import fs from 'node:fs';
import { EXAMPLE_CATALOG_PATH } from '../../server/bootstrap/embedded-demo';
import { importCatalog } from '../../server/services/catalog/repository';
import { buildUser } from '../../test/factories';
import { createTestApp, signIn, TestApp } from '../helpers/app';

const EXAMPLE = fs.readFileSync(EXAMPLE_CATALOG_PATH, 'utf8');

/** Visible text of a page, tags removed, whitespace collapsed. */
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&gt;/g, '>')
    .replace(/\s+/g, ' ');

describe('catalog and calendar pages', () => {
  let t: TestApp;
  let office: Awaited<ReturnType<typeof signIn>>;
  let steward: Awaited<ReturnType<typeof signIn>>;
  let plain: Awaited<ReturnType<typeof signIn>>;
  const versions = async () => Number((await t.db.knex('catalog_versions').count({ n: '*' }))[0].n);

  beforeAll(async () => {
    t = await createTestApp();
    expect((await importCatalog(t.db.knex, EXAMPLE)).ok).toBe(true);
    const it = await buildUser(t.db.knex, { login: 'it', department: 'ITC', roles: ['it_office'] });
    const hr = await buildUser(t.db.knex, { login: 'hrs', department: 'HR', roles: ['steward'] });
    const user = await buildUser(t.db.knex, { login: 'aca', department: 'ACA', roles: ['user'] });
    office = await signIn(t.app, it.login, it.password);
    steward = await signIn(t.app, hr.login, hr.password);
    plain = await signIn(t.app, user.login, user.password);
  });
  afterAll(() => t.close());

  it("lists departments with their tables, and fields owned in other departments' tables", async () => {
    const res = await plain.agent.get('/catalog').expect(200);
    const page = text(res.text);
    expect(page).toContain('人事处 HR');
    expect(res.text).toContain('href="/catalog/tables/staff_basic"');
    // 组织部 owns 政治面貌 of the HR table staff_basic.
    const org = res.text.slice(res.text.indexOf('id="dept-ORG"'), res.text.indexOf('id="dept-STU"'));
    expect(text(org)).toContain('教职工基本信息 · 政治面貌 staff_basic.political_status');
    expect(res.text).toContain('href="/catalog"'); // nav item
    expect(res.text).not.toContain('href="/catalog/import"'); // only the IT office imports
  });

  it('searches by field title and by table name', async () => {
    const byField = await plain.agent.get('/catalog').query({ q: '身份证' }).expect(200);
    expect(byField.text).toContain('/catalog/tables/staff_basic');
    expect(byField.text).toContain('/catalog/tables/student_status');
    expect(byField.text).not.toContain('/catalog/tables/org_unit');
    expect(byField.text).not.toContain('/catalog/tables/library_loan');
    const byTable = await plain.agent.get('/catalog').query({ q: 'LIBRARY' }).expect(200);
    expect(byTable.text).toContain('/catalog/tables/library_loan');
    expect(byTable.text).not.toContain('/catalog/tables/staff_basic');
    const none = await plain.agent.get('/catalog').query({ q: 'zzz' }).expect(200);
    expect(text(none.text)).toContain('没有与“zzz”匹配的表或字段');
  });

  it('shows each field with its owner, checks and deadline in words', async () => {
    const res = await plain.agent.get('/catalog/tables/staff_basic').expect(200);
    const row = (field: string) => {
      const start = res.text.indexOf(`id="field-${field}"`);
      return text(res.text.slice(start, res.text.indexOf('</tr>', start)));
    };
    expect(row('duty_status')).toContain('每学期开学后7天内');
    expect(row('staff_no')).toContain('教师报到后7天内');
    expect(row('staff_no')).toContain('必填');
    expect(row('staff_no')).toContain('唯一');
    expect(row('staff_no')).toContain('格式 ^[0-9]{8}$');
    expect(row('political_status')).toContain('党委组织部 ORG');
    expect(row('political_status')).toContain('代码：GB/T 4762 政治面貌代码');
    expect(row('id_card')).toContain('校验：身份证号（GB 11643）');
    expect(row('id_card')).toMatch(/ 是 高/);
    expect(row('unit_code')).toContain('引用 org_unit.unit_code');
    expect(row('research_area')).toContain('每学年开学后7天内');
    expect(text(res.text)).toContain('有条件共享');
    expect(res.text).toContain('id="latest-check-results"');
    expect(res.text).toContain('尚未检查');
    expect(res.text).toContain('data-slot="report-error"');

    const students = await plain.agent.get('/catalog/tables/student_status').expect(200);
    expect(text(students.text)).toContain('每年10月1日后30天内');

    // In English the standard's title is English too.
    await plain.agent.post('/locale').type('form').send({ _csrf: plain.csrf, locale: 'en', next: '/' }).expect(302);
    const english = text((await plain.agent.get('/catalog/tables/staff_basic').expect(200)).text);
    expect(english).toContain('GB/T 4762 Codes for political status');
    expect(english).not.toContain('政治面貌代码');
    await plain.agent.post('/locale').type('form').send({ _csrf: plain.csrf, locale: 'zh-CN', next: '/' }).expect(302);
    await plain.agent.get('/catalog/tables/no_such_table').expect(404);
  });

  it('the IT office uploads a file: errors are listed by line next to the YAML, nothing changes', async () => {
    const bad = EXAMPLE.replace(
      'deadline: { after: report_date, within: 7d }        # 教师报到1周内',
      'deadline: { after: report_date, within: 7x }',
    );
    const before = await versions();
    const res = await office.agent
      .post('/catalog/import')
      .set('X-CSRF-Token', office.csrf)
      .attach('file', Buffer.from(bad), 'catalog.yaml')
      .expect(422);

    expect(text(res.text)).toContain('有错误，未做任何更改');
    expect(text(res.text)).toContain('第 66 行 ， tables[1].fields[0].deadline.within ：');
    expect(res.text).toMatch(/<li id="L66" class="error">/);
    expect(res.text).toMatch(/<li id="L65" class="">/);
    expect(await versions()).toBe(before);
  });

  it('the IT office imports by upload and by paste, with dry run', async () => {
    const before = await versions();
    const dry = await office.agent
      .post('/catalog/import')
      .set('X-CSRF-Token', office.csrf)
      .field('dry_run', '1')
      .attach('file', Buffer.from(EXAMPLE), 'catalog.yaml')
      .expect(200);
    expect(text(dry.text)).toContain('校验通过（试运行，未做更改）：10 个部门、8 张表、24 个字段');
    expect(await versions()).toBe(before);

    const real = await office.agent
      .post('/catalog/import')
      .set('X-CSRF-Token', office.csrf)
      .attach('file', Buffer.from(EXAMPLE), 'catalog.yaml')
      .expect(200);
    expect(text(real.text)).toContain(`已导入目录版本 ${before + 1}`);
    const audit = await t.db.knex('audit_log').where({ action: 'catalog.import' }).orderBy('seq', 'desc').first();
    expect(audit.actor_login).toBe('it');

    const pasted = await office.agent
      .post('/catalog/import')
      .type('form')
      .send({ _csrf: office.csrf, yaml: EXAMPLE })
      .expect(200);
    expect(text(pasted.text)).toContain(`已导入目录版本 ${before + 2}`);
    const empty = await office.agent.post('/catalog/import').type('form').send({ _csrf: office.csrf, yaml: '  ' }).expect(422);
    expect(text(empty.text)).toContain('请上传文件或粘贴 YAML 内容');
  });

  it('a file over 1 MB is refused on the form', async () => {
    const res = await office.agent
      .post('/catalog/import')
      .set('X-CSRF-Token', office.csrf)
      .attach('file', Buffer.alloc(1024 * 1024 + 1, 'a'), 'big.yaml');
    expect(res.status).toBe(422);
    expect(text(res.text)).toContain('文件超过 1 MB');
  });

  it('a steward may not import or download', async () => {
    const before = await versions();
    await steward.agent.get('/catalog/import').expect(403);
    await steward.agent
      .post('/catalog/import')
      .set('X-CSRF-Token', steward.csrf)
      .attach('file', Buffer.from(EXAMPLE), 'catalog.yaml')
      .expect(403);
    await steward.agent.get('/catalog/export').expect(403);
    expect(await versions()).toBe(before);
  });

  it('the IT office downloads the current catalog as YAML', async () => {
    const res = await office.agent.get('/catalog/export').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/yaml/);
    expect(res.headers['content-disposition']).toContain('catalog.yaml');
    expect(res.text).toContain('name: staff_basic');
  });

  it('the calendar shows holidays, make-up days and events; the IT office is warned about missing holiday data', async () => {
    t.ctx.now = () => new Date('2026-03-01T04:00:00Z');
    const res = await office.agent.get('/calendar').query({ year: 2025 }).expect(200);
    expect(res.text).toContain('<td class="holiday" title="国庆节" data-date="2025-10-02">2</td>');
    expect(res.text).toMatch(/<td class="workday" title="调休上班（国庆节）" data-date="2025-09-28">28<\/td>/);
    // 2026 data exists, 2027 does not (chinese-days stops at 2026-10-10).
    expect(text(res.text)).toContain('2027 年没有法定节假日数据');
    const events = await office.agent.get('/calendar').query({ year: 2026 }).expect(200);
    expect(events.text).toMatch(/class="event" title="每学期开学；每学年开学" data-date="2026-09-07"/);
    expect(text(events.text)).toContain('每年年末 year_end 2026-12-31');
    // A yearly event without a title or a common name reads as its date, as in deadlines (it showed its name twice).
    expect(text(events.text)).toContain('每年10月1日 student_status_review 2026-10-01');
    expect(events.text).toMatch(/class="holiday event" title="国庆节；每年10月1日" data-date="2026-10-01"/);

    // The English page names official days in English (chinese-days has both names).
    await office.agent.post('/locale').type('form').send({ _csrf: office.csrf, locale: 'en', next: '/' }).expect(302);
    const english = await office.agent.get('/calendar').query({ year: 2025 }).expect(200);
    expect(english.text).toContain('<td class="holiday" title="National Day" data-date="2025-10-02">2</td>');
    expect(english.text).toContain('<li>2025-09-28 (National Day)</li>');
    expect(english.text).toContain('<li>National Day: 2025-10-01 – 2025-10-05</li>');
    expect(english.text).not.toContain('：');
    expect(english.text).not.toContain('国庆节');
    expect(text(english.text)).toContain('October 1 each year student_status_review 2025-10-01');
    await office.agent.post('/locale').type('form').send({ _csrf: office.csrf, locale: 'zh-CN', next: '/' }).expect(302);

    const user = await plain.agent.get('/calendar').expect(200);
    expect(user.text).not.toContain('holiday-data-warning');
    // A reader who maintains no catalog still learns that those due dates may be off, without the catalog's chores.
    expect(/<div class="flash flash-info" id="holiday-data-note">([^<]*)<\/div>/.exec(user.text)?.[1]).toBe(
      '2027 年的法定节假日尚未录入：这段时间按工作日计算的整改期限只跳过周末，可能与实际放假安排不符。',
    );
    // Today (2026-03-01, Beijing) is marked, and said to a screen reader.
    expect(user.text).toContain('<td class="weekend today" title="今天" aria-current="date" data-date="2026-03-01">1</td>');
    expect(user.text.match(/aria-current="date"/g)).toHaveLength(1);
    expect((await plain.agent.get('/calendar').query({ year: 2025 }).expect(200)).text).not.toContain('aria-current="date"');
    t.ctx.now = () => new Date('2025-06-01T04:00:00Z');
    const covered = await office.agent.get('/calendar').expect(200);
    expect(covered.text).not.toContain('holiday-data-warning');
    expect(text(covered.text)).toContain('2025 年');

    // The first and last years shown link only inward: a link past them showed this year instead, unannounced.
    const first = (await office.agent.get('/calendar').query({ year: 2004 }).expect(200)).text;
    expect(first).not.toContain('href="/calendar?year=2003"');
    expect(first).toContain('href="/calendar?year=2005"');
    const last = (await office.agent.get('/calendar').query({ year: 2100 }).expect(200)).text;
    expect(last).not.toContain('href="/calendar?year=2101"');
    expect(last).toContain('href="/calendar?year=2099"');
    expect((await office.agent.get('/calendar').query({ year: 2025 }).expect(200)).text).toContain(
      '<a href="/calendar?year=2024">← 上一年</a> · <a href="/calendar?year=2026">下一年 →</a>',
    );
  });
  it("names an event by its catalog title on the calendar and in the fields' deadlines", async () => {
    const titled = EXAMPLE.replace(
      'rank_documents_issued: [2026-06-15]',
      'rank_documents_issued: { dates: [2026-06-15], title: 职称文件出台 }',
    );
    expect(titled).not.toBe(EXAMPLE);
    expect((await importCatalog(t.db.knex, titled)).ok).toBe(true);
    const calendar = await office.agent.get('/calendar').query({ year: 2026 }).expect(200);
    expect(text(calendar.text)).toContain('职称文件出台 rank_documents_issued 2026-06-15');
    const table = await plain.agent.get('/catalog/tables/staff_basic').expect(200);
    expect(text(table.text)).toContain('职称文件出台后7天内');
    expect((await importCatalog(t.db.knex, EXAMPLE)).ok).toBe(true);
  });
});
