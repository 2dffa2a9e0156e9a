import type { Page } from 'playwright-core';
import { clickAndLoad, flashText, Journey, pageAs, startSharingBrowser } from '../factories/journeys';
import { buildHubTable, SharingPeople, VALID_ID_CARD } from '../factories/sharing';
import { ARTIFACTS, describeBrowser, screenshot } from '../helpers/browser';

/**
 * Journey 4 (issue 9): a data-sharing request through every stage to a grant, all in the browser.
 * The applicant (计算机学院) fills the form; the college's steward, the IT office's first review,
 * the three source departments (教职工基本信息 is 人事处's but 政治面貌 is 党委组织部's; 学籍 is
 * 学生处's), the university leader (身份证号 is sensitive and the hub holds 2,500 staff rows ≥ 2,000)
 * and the IT office's final review approve; the printable form then shows every value and opinion.
 */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

/** What the applicant types, by input name; each value is looked for on the printable form. */
const TYPED: Record<string, string> = {
  'applicant[name]': '张三',
  'applicant[staff_no]': '20230001',
  'applicant[office_phone]': '0371-67781505',
  'applicant[email]': 'zhang@example.edu.cn',
  'applicant[contact]': '13800000000',
  'system[name]': '计算机学院迎新系统',
  'system[domain]': 'yx.cs.example.edu.cn',
  'system[address]': '10.12.3.4:8443',
  method_other: '数据库视图',
  'members[0][name]': '李四',
  'members[0][unit]': '计算机学院',
  'members[0][staff_no]': '20230002',
  'members[0][phone]': '13800000001',
  'members[1][name]': '赵六',
  'members[1][unit]': '计算机学院网络中心',
  'members[1][staff_no]': '20230003',
  'members[1][phone]': '13800000003',
  'vendors[0][name]': '王五',
  'vendors[0][company]': '郑州某某软件有限公司',
  'vendors[0][id_card]': VALID_ID_CARD,
  'vendors[0][phone]': '13900000002',
  'items[0][range]': '计算机学院在职教职工',
  'items[0][note]': '辅导员配备核对',
  'items[1][range]': '计算机学院2026级新生',
  'items[1][note]': '迎新报到',
  purpose: '计算机学院迎新系统核对新生学籍与辅导员信息',
};
const WHITELIST = ['10.12.0.0/16', '2001:db8::1'];
/**
 * The grant's expiry the final review types: the journey runs on the real clock, and the server takes a date from
 * tomorrow to three years on, so it moves with the clock (200 days on is inside that range in every time zone).
 */
const EXPIRES_ON = new Date(Date.now() + 200 * 86_400_000).toISOString().slice(0, 10);
const RETURNED = ['新生报到状态', '辅导员分配结果'];

/** Each approver's opinion, in stage order; every one must reach the printable form. */
const OPINIONS: [keyof SharingPeople, string][] = [
  ['csSteward', '同意，学院确有迎新需要'],
  ['office', '初审：字段按需，同意送来源部门'],
  ['hrSteward', '人事处同意提供职工号、姓名、身份证号'],
  ['orgSteward', '组织部同意提供政治面貌'],
  ['stuSteward', '学生处同意提供学号与年级'],
  ['leader', '同意，注意身份证号的保密'],
  ['office2', '终审同意，按视图方式共享'],
];

describeBrowser('journey: a sharing request goes through every stage to a grant and the printable form', () => {
  let j: Journey;
  let people: SharingPeople;

  beforeAll(async () => {
    ({ people, ...j } = await startSharingBrowser());
    // The hub's 教职工基本信息 holds 2,500 rows: with a sensitive field requested, the leader must approve.
    await buildHubTable(j.t.db.knex, 'staff_basic', 2500);
    await buildHubTable(j.t.db.knex, 'student_status', 300);
  }, 60_000);

  afterAll(async () => {
    await j?.close();
  });

  /** Chooses a table in one row of the field list; the page's script shows its fields as boxes. */
  async function chooseItem(page: Page, index: number, table: string, fields: string[]) {
    await page.selectOption(`select[name="items[${index}][table]"]`, table);
    for (const f of fields) await page.check(`input[name="items[${index}][fields][]"][value="${f}"]`);
  }

  it('applies, collects seven approvals in the browser, grants, and prints every value and opinion', async () => {
    // ── the applicant fills the form ──
    const applicant = await pageAs(j, people.applicant);
    await Promise.all([applicant.waitForURL(/\/sharing$/), applicant.click('nav.mainnav a:has-text("数据共享")')]);
    await Promise.all([applicant.waitForURL(/\/sharing\/new$/), applicant.click('a.button:has-text("新建申请")')]);
    for (const [name, value] of Object.entries(TYPED)) await applicant.fill(`[name="${name}"]`, value);
    await applicant.check('input[name="system[status]"][value="running"]');
    await applicant.check('input[name="system[on_campus]"][value="yes"]');
    await applicant.check('input[name="system[campus_address]"][value="yes"]');
    await applicant.fill('textarea[name="whitelist"]', WHITELIST.join('\n'));
    await applicant.check('input[name="method"][value="other"]');
    await applicant.setInputFiles('input[name="material"]', { name: '立项批复.pdf', mimeType: 'application/pdf', buffer: PDF });
    await applicant.check('input[name="datasets[]"][value="staff"]');
    await applicant.check('input[name="datasets[]"][value="student"]');
    await chooseItem(applicant, 0, 'staff_basic', ['staff_no', 'name', 'id_card', 'political_status']);
    await chooseItem(applicant, 1, 'student_status', ['student_no', 'grade']);
    await applicant.fill('textarea[name="returned_items"]', RETURNED.join('\n'));
    await applicant.check('input[name="pledge_accepted"]');
    await screenshot(applicant, 'journey-sharing-1-form');
    await Promise.all([applicant.waitForURL(/\/sharing\/\d+$/), applicant.click('button[value="submit"]')]);
    const requestUrl = applicant.url();
    const id = Number(/\/sharing\/(\d+)$/.exec(requestUrl)![1]);
    expect(await flashText(applicant)).toBe('申请已提交，等待申请单位信息化专员审核。');
    const timeline = await applicant.locator('ol.timeline').innerText();
    for (const stage of [
      '数据申请单位信息化专员审核',
      '信息化办公室数据专员初审',
      '数据来源部门审核',
      '信息化主管校领导审批',
      '信息化办公室终审、共享数据',
    ]) {
      expect(timeline).toContain(stage);
    }
    expect(await applicant.locator('ol.timeline li').count()).toBe(7);
    expect(await applicant.locator('main').innerText()).toContain('2,500');

    // ── every approver signs in, finds it in 待我审核, and approves with an opinion ──
    for (const [who, opinion] of OPINIONS) {
      const page = await pageAs(j, people[who]);
      await page.goto(`${j.baseUrl}/sharing`);
      await Promise.all([page.waitForURL(/\/sharing\/queue$/), page.click('.sharing-tabs a:has-text("待我审核")')]);
      await Promise.all([page.waitForURL(requestUrl), page.click(`table.sharing-list a[href="/sharing/${id}"]`)]);
      const forms = page.locator('section.decide');
      expect(await forms.count()).toBe(1);
      // Neither choice is ticked at first (同意 was: a refusal reason chosen without ticking 不同意 approved).
      await forms.locator('input[name="decision"][value="approve"]').check();
      await forms.locator('textarea[name="comment"]').fill(opinion);
      if (who === 'office2') await forms.locator('input[name="expires_on"]').fill(EXPIRES_ON);
      if (who === 'leader') await screenshot(page, 'journey-sharing-2-leader');
      await clickAndLoad(page, forms.locator('button[type=submit]'));
      expect(page.url()).toBe(requestUrl);
      expect(`${who}: ${await flashText(page)}`).toBe(`${who}: 审核意见已记录。`);
      expect(await page.locator('ol.timeline').innerText()).toContain(opinion);
      await page.context().close();
    }

    // ── the applicant sees the grant and prints the form ──
    await applicant.reload();
    expect(await applicant.locator('h1 .badge').innerText()).toBe('已共享');
    expect(await applicant.locator('main').innerText()).toContain(EXPIRES_ON);
    await screenshot(applicant, 'journey-sharing-3-granted');
    await Promise.all([applicant.waitForURL(`${j.baseUrl}/sharing/${id}/print`), applicant.click('a.button:has-text("打印")')]);
    // 身份证号仅对审批人完整显示: the applicant's copy masks the vendor's number.
    const own = await applicant.locator('.print-doc').innerText();
    expect(own).toContain('110105********002X');
    expect(own).not.toContain(VALID_ID_CARD);
    await applicant.context().close();

    // ── the IT office prints the form for the archive: every value and every opinion ──
    const office = await pageAs(j, people.office2, 1000);
    await office.goto(requestUrl);
    await Promise.all([office.waitForURL(`${j.baseUrl}/sharing/${id}/print`), office.click('a.button:has-text("打印")')]);
    const printed = await office.locator('.print-doc').innerText();
    const missing = [
      ...Object.values(TYPED),
      ...WHITELIST,
      ...RETURNED,
      ...OPINIONS.map(([, o]) => o),
      '计算机学院',
      '教职工基本信息',
      '本专科生学籍基本信息',
      '身份证号',
      '政治面貌',
      '年级',
      EXPIRES_ON,
    ].filter((v) => !printed.includes(v));
    expect(missing).toEqual([]);
    // An approval's opinion stands on its own line, never after 「不同意，理由：」.
    const boxes = await office.locator('.print-doc td.opinion').allInnerTexts();
    for (const box of boxes) {
      const disagreeLine = box.split('\n').find((l) => l.includes('不同意')) ?? '';
      for (const [, opinion] of OPINIONS) expect(disagreeLine).not.toContain(opinion);
    }
    // Every approver's decision is in their box as the online review record (线上审核：name date; the first review's
    // on its line in the IT office's box); the signature lines stay blank for the handwritten signatures (seed 000).
    for (const [who] of OPINIONS) expect(printed).toContain(`线上审核：${people[who].name} 2026-`);
    const signatureLines = await office.locator('.print-doc .sign').allInnerTexts();
    expect(signatureLines.length).toBeGreaterThan(4);
    for (const line of signatureLines) for (const [who] of OPINIONS) expect(line).not.toContain(people[who].name);
    // Ticked boxes: system running, on campus, campus address, method "other", the approval material attached,
    // datasets 教职工 and 学生, the unit's, three sources', the leader's and the office's 同意.
    expect(await office.locator('.print-doc .box', { hasText: '☑' }).count()).toBe(13);
    await screenshot(office, 'journey-sharing-4-print');
    await office.screenshot({
      path: `${ARTIFACTS}/journey-sharing-4-print-top.png`,
      clip: { x: 120, y: 0, width: 760, height: 1400 },
    });
    await office.context().close();
    // Eight people's browser sessions one after another: ~30 s alone, past 60 s when the machine is busy.
  }, 480_000);
});
