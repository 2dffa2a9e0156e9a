import { buildUser } from '../factories';
import { clickAndLoad, flashText, Journey, pageAs, startJourney, startSharingBrowser } from '../factories/journeys';
import type { SharingPeople } from '../factories/sharing';
import { buildReportsWorld, ReportsWorld, STAFF } from '../factories/reports';
import { buildTicket, exampleCatalog, seedCatalogDepartments } from '../factories/tickets';
import { describeBrowser, screenshot } from '../helpers/browser';

/**
 * A steward writes a long dispute reason, but the session ended while they wrote (idle timeout, a password
 * reset): sending it leads to the sign-in page, and once signed in back to the ticket — where the reason they
 * wrote is in the box again, with a notice to check it and send it again. After a post that went through,
 * nothing comes back.
 */
const REASON = '职工号由人事系统外的博士后系统维护，请信息化办公室改派给博士后管理办公室。';

describeBrowser('a form sent after the session ended', () => {
  let j: Journey;
  let steward: Awaited<ReturnType<typeof buildUser>>;
  let ticketId: number;

  beforeAll(async () => {
    j = await startJourney();
    const db = j.t.db.knex;
    const catalog = exampleCatalog();
    await seedCatalogDepartments(db, catalog);
    ticketId = (await buildTicket(db, catalog, new Date('2026-09-30T02:00:00Z'), { field: 'staff_no' })).id;
    steward = await buildUser(db, { department: 'HR', roles: ['steward'] });
  }, 120_000);
  afterAll(() => j?.close());

  it('brings what was typed back into the form once signed in again, and only then', async () => {
    const page = await pageAs(j, steward);
    await page.goto(`${j.baseUrl}/tickets/${ticketId}`);
    await page.fill('#dispute-reason', REASON);
    // The session ends meanwhile (as an idle timeout or an administrator's reset does).
    await j.t.db.knex('sessions').delete();
    await clickAndLoad(page, 'form[action$="/dispute"] button[type=submit]');
    expect(new URL(page.url()).pathname).toBe('/login');

    await page.fill('#login', steward.login);
    await page.fill('#password', steward.password);
    await clickAndLoad(page, 'button[type=submit].primary');
    expect(new URL(page.url()).pathname).toBe(`/tickets/${ticketId}`);
    expect(await page.inputValue('#dispute-reason')).toBe(REASON);
    expect(await flashText(page)).toBe('登录已过期，您刚才未提交成功的内容已填回下面的表单，请检查后重新提交。');
    // Nothing was sent for them: the ticket is not disputed until they send it.
    expect((await j.t.db.knex('tickets').where({ id: ticketId }).first('disputed_at')).disputed_at).toBeNull();
    await screenshot(page, 'form-restored-after-sign-in');

    // Sent again: it goes through, and the page after it shows no restored text.
    await clickAndLoad(page, 'form[action$="/dispute"] button[type=submit]');
    expect(await flashText(page)).toBe('异议已提交信息化办公室。');
    expect((await j.t.db.knex('tickets').where({ id: ticketId }).first('disputed_at')).disputed_at).not.toBeNull();

    // A comment that went through is not offered again on a later sign-in either.
    await page.fill('#comment', '已联系博士后办公室');
    await clickAndLoad(page, 'form[action$="/comment"] button[type=submit]');
    await clickAndLoad(page, '.topbar button.link:has-text("退出登录")');
    await page.goto(`${j.baseUrl}/login?next=${encodeURIComponent(`/tickets/${ticketId}`)}`);
    await page.fill('#login', steward.login);
    await page.fill('#password', steward.password);
    await clickAndLoad(page, 'button[type=submit].primary');
    expect(new URL(page.url()).pathname).toBe(`/tickets/${ticketId}`);
    expect(await page.inputValue('#comment')).toBe('');
    expect(await page.locator('main > .flash-info').count()).toBe(0);
  });

  it('gives nothing typed to someone else who signs in at that sign-in page, and forgets it', async () => {
    const colleague = await buildUser(j.t.db.knex, { department: 'HR', roles: ['steward'] });
    const page = await pageAs(j, steward);
    await page.goto(`${j.baseUrl}/tickets/${ticketId}`);
    await page.fill('#comment', REASON);
    await j.t.db.knex('sessions').delete();
    await clickAndLoad(page, 'form[action$="/comment"] button[type=submit]');
    expect(new URL(page.url()).pathname).toBe('/login');

    // The steward walks away; a colleague signs in at the page left open, and is taken to the same ticket.
    await page.fill('#login', colleague.login);
    await page.fill('#password', colleague.password);
    await clickAndLoad(page, 'button[type=submit].primary');
    expect(new URL(page.url()).pathname).toBe(`/tickets/${ticketId}`);
    expect(await page.inputValue('#comment')).toBe('');
    expect(await page.locator('main > .flash-info').count()).toBe(0);
    expect(await page.evaluate("window.sessionStorage.getItem('hubwatch.pendingForm')")).toBeNull();
  });
});

describeBrowser('an error report (a multipart form whose inputs follow its table) sent after the session ended', () => {
  let j: Journey;
  let world: ReportsWorld;

  beforeAll(async () => {
    j = await startJourney();
    world = await buildReportsWorld(j.t.db.knex);
  }, 120_000);
  afterAll(() => j?.close());

  it('comes back with its table, field, record key and description, to be sent again', async () => {
    const page = await pageAs(j, world.reporter);
    await page.goto(`${j.baseUrl}/reports/new`);
    await page.selectOption('#report-table', 'staff_basic');
    await page.selectOption('#report-field', 'political_status');
    await page.fill('input[name="record_key[staff_no]"]', STAFF.staff_no);
    await page.fill('#report-description', '该教职工 2024 年已入党，政治面貌应为中共党员');
    await j.t.db.knex('sessions').delete();
    await clickAndLoad(page, 'form[data-report-form] button[value=submit]');
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.fill('#login', world.reporter.login);
    await page.fill('#password', world.reporter.password);
    await clickAndLoad(page, 'button[type=submit].primary');

    expect(new URL(page.url()).pathname).toBe('/reports/new');
    expect(await page.inputValue('#report-table')).toBe('staff_basic');
    expect(await page.inputValue('#report-field')).toBe('political_status');
    expect(await page.inputValue('input[name="record_key[staff_no]"]')).toBe(STAFF.staff_no);
    expect(await page.inputValue('#report-description')).toBe('该教职工 2024 年已入党，政治面貌应为中共党员');
    expect(await j.t.db.knex('reports').count({ n: '*' })).toEqual([{ n: 0 }]);
    await clickAndLoad(page, 'form[data-report-form] button[value=submit]');
    expect(await j.t.db.knex('reports').count({ n: '*' })).toEqual([{ n: 1 }]);
  });
});

describeBrowser('a sharing request (a form with inputs named "method" and "action") sent after the session ended', () => {
  let j: Journey;
  let people: SharingPeople;

  beforeAll(async () => {
    ({ people, ...j } = await startSharingBrowser());
  }, 120_000);
  afterAll(() => j?.close());

  it('comes back with what was typed and chosen, to be sent again', async () => {
    const requests = () => j.t.db.knex('sharing_requests').count({ n: '*' });
    const before = await requests();
    const page = await pageAs(j, people.applicant);
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${j.baseUrl}/sharing/new`);
    await page.fill('[name="applicant[name]"]', '张三');
    await page.fill('[name="system[name]"]', '计算机学院迎新系统');
    await page.check('input[name="method"][value="other"]');
    await page.fill('[name="method_other"]', '数据库视图');
    await page.fill('[name="purpose"]', '核对新生学籍与辅导员信息');
    // A member row added by the page's 增加一行 (the form draws two).
    await page.click('button[data-add-row="members"]');
    await page.fill('[name="members[2][name]"]', '第三位成员');
    await j.t.db.knex('sessions').delete();
    await clickAndLoad(page, 'form[data-sharing-form] button[value=submit]');
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.fill('#login', people.applicant.login);
    await page.fill('#password', people.applicant.password);
    await clickAndLoad(page, 'button[type=submit].primary');

    expect(new URL(page.url()).pathname).toBe('/sharing/new');
    expect(await page.locator('main > .flash-info').count()).toBe(1);
    expect(await page.inputValue('[name="applicant[name]"]')).toBe('张三');
    expect(await page.inputValue('[name="system[name]"]')).toBe('计算机学院迎新系统');
    expect(await page.isChecked('input[name="method"][value="other"]')).toBe(true);
    expect(await page.inputValue('[name="method_other"]')).toBe('数据库视图');
    expect(await page.inputValue('[name="purpose"]')).toBe('核对新生学籍与辅导员信息');
    expect(await page.inputValue('[name="members[2][name]"]')).toBe('第三位成员');
    expect(await page.locator('tbody[data-rows="members"] > tr').count()).toBe(3);
    expect(errors).toEqual([]);
    expect(await requests()).toEqual(before);
  });

  it('a form sent back (422) keeps no CSRF token in the address bar', async () => {
    const page = await pageAs(j, people.applicant);
    await page.goto(`${j.baseUrl}/sharing/new`);
    await page.fill('[name="applicant[name]"]', '张三');
    await clickAndLoad(page, 'form[data-sharing-form] button[value=submit]');
    expect(await page.locator('.error-summary').count()).toBe(1);
    const url = new URL(page.url());
    expect(url.pathname).toBe('/sharing/new');
    expect(url.search).toBe('');
    // Sent again from there, the form's own token still does its work: the same page with its messages, no 403.
    await clickAndLoad(page, 'form[data-sharing-form] button[value=submit]');
    expect(await page.locator('.error-summary').count()).toBe(1);
  });
});
