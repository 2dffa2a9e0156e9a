import { MAX_KEY_VALUE } from '../../server/services/reports';
import { clickAndLoad, flashText, Journey, pageAs, startJourney } from '../factories/journeys';
import { buildReportsWorld, ReportsWorld } from '../factories/reports';
import { describeBrowser, screenshot } from '../helpers/browser';

/**
 * Journey 2 (issue 9): a data user reports a wrong value (table, field, key, description, with the
 * hub look-up), the steward of the field's department (政治面貌 is 党委组织部's, 一数一源) answers
 * "fixed" in the browser, and the reporter sees the answer in 我的报告 and confirms it.
 */
describeBrowser('journey: a data user reports an error and sees the answer', () => {
  let j: Journey;
  let people: ReportsWorld;

  beforeAll(async () => {
    j = await startJourney();
    // The example catalog, hub table staff_basic with 张三 (20190001, 群众), and the people.
    people = await buildReportsWorld(j.t.db.knex);
  }, 60_000);

  afterAll(async () => {
    await j?.close();
  });

  it('goes from the report form to the steward’s answer to the reporter’s confirmation', async () => {
    // ── the reporter files the report ──
    const reporter = await pageAs(j, people.reporter);
    await Promise.all([reporter.waitForURL(/\/reports\/mine$/), reporter.click('nav.mainnav a:has-text("数据纠错")')]);
    expect(await reporter.textContent('main')).toContain('还没有');
    await Promise.all([reporter.waitForURL(/\/reports\/new$/), reporter.click('a.button:has-text("报告数据错误")')]);
    // Sent empty: focus on the summary of the mistakes (it started at the top of the page); its link to a message goes
    // to the box the message is about (it went to the message, past the box), which names the message.
    await Promise.all([reporter.waitForURL(/\/reports$/), reporter.click('button[value="submit"]')]);
    expect(await reporter.evaluate('document.activeElement.classList.contains("error-summary")')).toBe(true);
    await reporter.keyboard.press('Tab');
    expect(await reporter.evaluate('document.activeElement.getAttribute("href")')).toBe('#report-table-error');
    await reporter.keyboard.press('Enter');
    expect(
      await reporter.evaluate('[document.activeElement.id, document.activeElement.getAttribute("aria-describedby")]'),
    ).toEqual(['report-table', 'report-table-error']);
    await reporter.selectOption('#report-table', 'staff_basic');
    // The page's script fills the field list and one input per key column for the chosen table, each stopping at the
    // server's limit as the page's own key boxes do.
    expect(await reporter.getAttribute('input[name="record_key[staff_no]"]', 'maxlength')).toBe(String(MAX_KEY_VALUE));
    await reporter.selectOption('#report-field', 'political_status');
    await reporter.fill('input[name="record_key[staff_no]"]', '20190001');
    // The no-JavaScript "选择" button is hidden: the script fills the form as the table is chosen.
    expect(await reporter.isVisible('button[value="choose"]')).toBe(false);
    // The look-up comes before the description on the form, and works without one. 教职工基本信息 is
    // shared on approval only: a data user learns whether the hub holds the value they saw, not the value.
    await reporter.fill('#report-observed', '群众');
    // Enter in a one-line box runs the look-up (it pressed the hidden "选择" button: the form came back unchanged).
    await Promise.all([reporter.waitForURL(/\/reports$/), reporter.press('#report-observed', 'Enter')]);
    expect(await reporter.locator('#report-lookup').innerText()).toContain('中台中该记录的“政治面貌”与您看到的值一致');
    // Focus is on the answer, mid-page (it started at the top of the page).
    expect(await reporter.evaluate('document.activeElement.id')).toBe('report-lookup');
    expect(await reporter.locator('code.hub-value').count()).toBe(0);
    // What was chosen survives the look-up.
    expect(await reporter.inputValue('#report-table')).toBe('staff_basic');
    expect(await reporter.inputValue('#report-field')).toBe('political_status');
    expect(await reporter.inputValue('input[name="record_key[staff_no]"]')).toBe('20190001');
    await reporter.fill('#report-description', '张三老师 2024 年已入党，政治面貌应为中共党员');
    await reporter.fill('#report-suggested', '中共党员');
    await screenshot(reporter, 'journey-report-1-form');
    // Enter in the last box, below the look-up, sends the report (it ran the look-up again).
    await Promise.all([reporter.waitForURL(/\/reports\/\d+$/), reporter.press('#report-suggested', 'Enter')]);
    const reportUrl = reporter.url();
    const reportId = Number(/\/reports\/(\d+)$/.exec(reportUrl)![1]);
    const ticket = await j.t.db.knex('tickets').where({ check_kind: 'report' }).first();
    expect(ticket.department_code).toBe('ORG');
    expect(await flashText(reporter)).toBe(`报告 #${reportId} 已提交，已生成工单 #${ticket.id} 转责任单位处理。`);
    expect(await reporter.locator('dl.report-facts').innerText()).toContain('群众');

    // ── the steward of 党委组织部 answers it ──
    const steward = await pageAs(j, people.orgSteward);
    await Promise.all([steward.waitForURL(/\/tickets$/), steward.click('nav.mainnav a[href="/tickets"]')]);
    const row = steward.locator('table.tickets tbody tr', { hasText: '政治面貌' });
    expect(await row.count()).toBe(1);
    await Promise.all([
      steward.waitForURL(`${j.baseUrl}/tickets/${ticket.id}`),
      row.locator(`a[href="/tickets/${ticket.id}"]`).first().click(),
    ]);
    await Promise.all([steward.waitForURL(/\/reports\/tickets\/\d+$/), steward.click('a.button:has-text("查看报告并答复")')]);
    const reports = await steward.locator('table.report-list').innerText();
    expect(reports).toContain('报告人甲');
    expect(reports).toContain('张三老师 2024 年已入党，政治面貌应为中共党员');
    expect(reports).toContain('群众');
    expect(await steward.locator('ol.report-history').innerText()).toContain('报告人甲 用户报告数据错误 → 待签收');
    // The steward corrects 政治面貌 at the source; the hub has it after the next sync.
    await j.t.db.knex('staff_basic').where({ staff_no: '20190001' }).update({ political_status: '中共党员' });
    // Sent with no answer chosen: a summary at the page's top takes the focus (the form is a screen below the reports,
    // and the page came back at its top without a word); its link goes to the first answer.
    await clickAndLoad(steward, 'button:has-text("提交答复")');
    expect(await steward.evaluate('document.activeElement.classList.contains("error-summary")')).toBe(true);
    expect(await steward.locator('.error-summary').innerText()).toContain('答复类型');
    await steward.keyboard.press('Tab');
    await steward.keyboard.press('Enter');
    expect(await steward.evaluate('document.activeElement.getAttribute("value")')).toBe('fixed');
    await steward.check('input[name="answer"][value="fixed"]');
    await steward.fill('#answer-comment', '已按组织关系材料更正为中共党员');
    await screenshot(steward, 'journey-report-2-answer');
    await clickAndLoad(steward, 'button:has-text("提交答复")');
    expect(await flashText(steward)).toBe('已答复“已整改”，等待报告人确认。');
    expect(await steward.locator('main').innerText()).toContain(
      '当前答复：已整改（请报告人确认）——已按组织关系材料更正为中共党员',
    );
    await steward.context().close();

    // ── the reporter sees the answer in 我的报告 and confirms ──
    await reporter.goto(`${j.baseUrl}/inbox`);
    expect(await reporter.locator('main').innerText()).toContain('责任单位已整改，请确认是否已更正');
    await Promise.all([reporter.waitForURL(/\/reports\/mine$/), reporter.click('nav.mainnav a:has-text("数据纠错")')]);
    const mine = reporter.locator('table.reports tbody tr');
    expect(await mine.count()).toBe(1);
    const line = await mine.innerText();
    expect(line).toContain('staff_basic.political_status');
    expect(line).toContain('已整改待确认');
    expect(line).toContain('已整改（请报告人确认）');
    expect(line).toContain('已按组织关系材料更正为中共党员');
    await screenshot(reporter, 'journey-report-3-mine');
    await Promise.all([reporter.waitForURL(reportUrl), mine.locator(`a[href="/reports/${reportId}"]`).click()]);
    // Before confirming, the reporter checks the hub as it is now (staff_basic is shared on condition: no value shown).
    expect(await reporter.locator('p.hub-now').innerText()).toBe('中台中该记录的“政治面貌”现与您建议的值一致。');
    await clickAndLoad(reporter, 'button:has-text("确认已更正")');
    expect(reporter.url()).toBe(reportUrl);
    expect(await flashText(reporter)).toBe('已确认，工单已解决。谢谢！');
    expect(await reporter.locator('h1 + p .badge').innerText()).toBe('已解决');
    expect(await reporter.locator('ol.report-history').innerText()).toContain('已按组织关系材料更正为中共党员');
    await screenshot(reporter, 'journey-report-4-confirmed');
    expect((await j.t.db.knex('tickets').where({ id: ticket.id }).first()).status).toBe('resolved');
    await reporter.context().close();
  });
});
