import { buildUser } from '../factories';
import {
  chartsSettled,
  chartTicks,
  chartValues,
  clickAndLoad,
  flashText,
  Journey,
  pageAs,
  reloadUntil,
  startJourney,
} from '../factories/journeys';
import { describeBrowser, screenshot } from '../helpers/browser';
import { checkRunnerDeps, registerRecheck } from '../../server/services/checks/deps';
import { runNow } from '../../server/services/checks/runs';
import { importCatalog } from '../../server/services/catalog/repository';
import { onRecheckRequested } from '../../server/services/tickets';

/**
 * Journey 1 (issue 9): a steward of 人事处 signs in, finds the overdue ticket in the department queue,
 * acknowledges it, fixes the record in the hub, marks it fixed, and sees it resolved by the re-check
 * that "fixed" starts — the same wiring `serve` registers (registerRecheck).
 */
const CATALOG = `
departments:
  - { code: HR, name: 人事处 }
  - { code: STU, name: 学生处 }
  - { code: ITC, name: 信息化办公室 }
tables:
  - name: staff_contact
    title: 教职工联系方式
    department: HR
    sharing: conditional
    key: [staff_no]
    fields:
      - { name: staff_no, title: 职工号, required: true }
      - { name: email, title: 电子邮箱, validate: email }
  - name: staff_post
    title: 教职工岗位
    department: HR
    sharing: conditional
    key: [staff_no]
    fields:
      - { name: staff_no, title: 职工号, required: true }
      - { name: post, title: 岗位, required: true }
  - name: student_contact
    title: 学生联系方式
    department: STU
    sharing: conditional
    key: [student_no]
    fields:
      - { name: student_no, title: 学号, required: true }
      - { name: email, title: 电子邮箱, validate: email }
`;

const DAY = 86_400_000;

describeBrowser('journey: a steward works an overdue ticket until the re-check resolves it', () => {
  let j: Journey;
  let steward: Awaited<ReturnType<typeof buildUser>>;

  beforeAll(async () => {
    j = await startJourney();
    const db = j.t.db.knex;
    expect((await importCatalog(db, CATALOG)).ok).toBe(true);
    // The hub tables (the test hub is the test database).
    await db.schema.createTable('staff_contact', (b) => {
      b.string('staff_no');
      b.string('email');
    });
    await db.schema.createTable('staff_post', (b) => {
      b.string('staff_no');
      b.string('post');
    });
    await db.schema.createTable('student_contact', (b) => {
      b.string('student_no');
      b.string('email');
    });
    await db('staff_contact').insert([
      { staff_no: '20190001', email: 'li@example.edu.cn' },
      { staff_no: '20190002', email: 'wang at example' },
    ]);
    await db('staff_post').insert([{ staff_no: '20190001', post: '讲师' }]);
    await db('student_contact').insert([{ student_no: '202301001', email: 'no-at-sign' }]);

    // Forty days ago a scheduled run filed the e-mail tickets: far past any due date, so overdue now.
    const longAgo = new Date(Date.now() - 40 * DAY);
    await runNow(checkRunnerDeps(j.t.ctx, { now: () => longAgo }), { trigger: 'cli' });
    // Today's run finds a new problem in 岗位 (a fresh ticket, not overdue) and the old ones again.
    await db('staff_post').insert({ staff_no: '20190002', post: null });
    await runNow(checkRunnerDeps(j.t.ctx), { trigger: 'cli' });
    expect(await db('tickets').count({ n: '*' }).first()).toEqual({ n: 3 });

    registerRecheck(j.t.ctx);
    steward = await buildUser(db, { login: 'hr-zhou', name: '周专员', department: 'HR', roles: ['steward'] });
  }, 60_000);

  afterAll(async () => {
    onRecheckRequested(null);
    await j?.close();
  });

  it('finds, acknowledges and fixes the overdue ticket, then sees it resolved after the re-check', async () => {
    const page = await pageAs(j, steward);
    await Promise.all([page.waitForURL(/\/tickets$/), page.click('nav.mainnav a[href="/tickets"]')]);
    expect(await page.textContent('h1')).toContain('质量工单');

    // The department queue: HR's two active tickets, not 学生处's; exactly one is overdue.
    const rows = page.locator('table.tickets tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await page.locator('table.tickets').innerText()).not.toContain('学生联系方式');
    const overdue = page.locator('table.tickets tbody tr.overdue');
    expect(await overdue.count()).toBe(1);
    expect(await overdue.innerText()).toContain('教职工联系方式·电子邮箱');
    expect(await overdue.innerText()).toContain('逾期');
    expect(await page.locator('table.tickets tbody tr:not(.overdue)').innerText()).toContain('教职工岗位·岗位');
    await screenshot(page, 'journey-ticket-1-queue');
    // 签收所选工单 with none ticked: the message saying so is announced and focused (it was a status box at the top,
    // read by nobody, with focus left on the page).
    await clickAndLoad(page, 'button:has-text("签收所选工单")');
    expect(await page.evaluate('[document.activeElement.className, document.activeElement.getAttribute("role")]')).toEqual([
      'flash flash-error',
      'alert',
    ]);

    await Promise.all([page.waitForURL(/\/tickets\/\d+$/), overdue.locator('a').nth(1).click()]);
    const ticketUrl = page.url();
    const ticketId = Number(/\/tickets\/(\d+)$/.exec(ticketUrl)![1]);
    expect(await page.textContent('h1')).toContain('教职工联系方式·电子邮箱');
    const badges = () => page.locator('h1 + p').innerText();
    expect(await badges()).toContain('待签收');
    expect(await badges()).toContain('逾期');
    // The sample key names the bad record: the steward knows what to fix.
    expect(await page.locator('table.samples').innerText()).toContain('20190002');

    await clickAndLoad(page, 'button:has-text("签收")');
    expect(page.url()).toBe(ticketUrl);
    expect(await flashText(page)).toBe('已签收该工单。');
    expect(await badges()).toContain('已签收');
    expect(await chartsSettled(page)).toBe(1);
    await screenshot(page, 'journey-ticket-2-acknowledged');

    // The steward corrects the record in the hub (人事系统 → 中台), then says so.
    await j.t.db.knex('staff_contact').where({ staff_no: '20190002' }).update({ email: 'wang@example.edu.cn' });
    await page.fill('#fix-comment', '已在人事系统中更正王老师的邮箱');
    await clickAndLoad(page, 'button:has-text("已整改，申请复查")');
    expect(page.url()).toBe(ticketUrl);
    expect(await flashText(page)).toBe('已标记为已整改，复查已开始：结果见本页的状态和处理记录；未通过时也会通知您。');

    // "Fixed" starts a re-check run of this table; its passing result resolves the ticket.
    await reloadUntil(page, async () => (await badges()).includes('已解决'), 'the re-check to resolve the ticket');
    expect(await badges()).not.toContain('逾期');
    const history = await page.locator('ol.ticket-history').innerText();
    expect(history).toContain('已整改待复查 → 已解决');
    expect(history).toContain('已在人事系统中更正王老师的邮箱');
    // The trend: one bad record on the two scheduled runs, none on the re-check.
    expect(await chartsSettled(page)).toBe(1);
    expect(await chartValues(page.locator('#check-trend canvas'))).toEqual([1, 1, 0]);
    // Counts of bad records on whole ticks: 0 and 1, not 0, 0.1, 0.2 … 1.0.
    expect(await chartTicks(page.locator('#check-trend canvas'))).toEqual({ values: [0, 1], precision: 0 });
    await screenshot(page, 'journey-ticket-3-resolved');

    const recheck = await j.t.db.knex('check_runs').where({ trigger: 'recheck' });
    expect(recheck).toHaveLength(1);
    expect(recheck[0].scope).toEqual(['staff_contact']);
    expect((await j.t.db.knex('tickets').where({ id: ticketId }).first()).status).toBe('resolved');

    // Back in the queue only the 岗位 ticket is left to do.
    await page.goto(`${j.baseUrl}/tickets`);
    expect(await rows.count()).toBe(1);
    expect(await rows.innerText()).toContain('教职工岗位·岗位');
    await page.context().close();
  });
});
