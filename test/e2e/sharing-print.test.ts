import { ARTIFACTS, browserSignIn, describeBrowser, screenshot } from '../helpers/browser';
import { Journey, startSharingBrowser } from '../factories/journeys';
import { apiRequest, SharingPeople, sharingActor, VALID_ID_CARD } from '../factories/sharing';
import { decide, submitRequest } from '../../server/services/sharing/workflow';
import { inputFromBody } from '../../server/services/sharing/input';
import { translator } from '../../server/i18n';

/**
 * The printable approval form in headless Chromium: it renders with CJK glyphs, lays out like seed
 * 000's paper form, and paginates for A4 (the screenshot is in test-artifacts/ for a human to look at).
 */
describeBrowser('the printable approval form in a browser', () => {
  let j: Journey;
  let people: SharingPeople;
  let id: number;

  beforeAll(async () => {
    ({ people, ...j } = await startSharingBrowser());
    const input = inputFromBody({
      ...apiRequest(
        [
          { table: 'student_status', fields: ['student_no', 'grade'], range: '体育学院当前在校生数据' },
          { table: 'staff_basic', fields: ['staff_no', 'name', 'political_status'], range: '体育学院在职教职工' },
        ],
        {
          purpose: '体育学院迎新系统核对新生与辅导员信息',
          method: 'other',
          method_other: '数据库视图',
          whitelist: ['10.12.0.0/16', '2001:db8::1'],
        },
      ),
      applicant: {
        name: '张三',
        staff_no: '20230001',
        office_phone: '0371-67781505',
        email: 'zhang@example.edu.cn',
        contact: '13800000000',
      },
      system: {
        name: '体育学院迎新系统',
        status: 'running',
        domain: 'yx.example.edu.cn',
        address: '10.12.3.4:8443',
        on_campus: 'yes',
        campus_address: 'yes',
      },
      members: [{ name: '李四', unit: '体育学院', staff_no: '20230002', phone: '13800000001' }],
      vendors: [{ name: '王五', company: '郑州某某软件有限公司', id_card: VALID_ID_CARD, phone: '13900000002' }],
      datasets: ['student', 'staff'],
      returned_items: '新生报到状态\n辅导员分配结果',
    });
    const { ctx } = j.t;
    id = (await submitRequest(ctx, sharingActor(people.applicant), input, { mode: 'api', t: translator('zh-CN') })).id;
    await decide(ctx, sharingActor(people.csSteward), id, { decision: 'approve', comment: '同意，请按需使用' });
    await decide(ctx, sharingActor(people.office), id, { decision: 'approve' });
    await decide(ctx, sharingActor(people.hrSteward), id, { decision: 'approve' });
    await decide(ctx, sharingActor(people.orgSteward), id, {
      decision: 'reject',
      reason: 'scope_too_large',
      comment: '政治面貌不在按需范围内',
    });
  }, 60_000);

  afterAll(async () => {
    await j?.close();
  });

  it('renders every value in A4 width (look at test-artifacts/sharing-print*.png for the glyphs)', async () => {
    // A Chinese browser: the form is the Chinese one (an English browser gets the English pages).
    const page = await j.browser.newPage({ locale: 'zh-CN', viewport: { width: 1000, height: 1200 } });
    await browserSignIn(page, j.baseUrl, people.office.login, people.office.password);
    await page.goto(`${j.baseUrl}/sharing/${id}/print`);
    const text = await page.locator('.print-doc').innerText();
    for (const v of [
      '郑州大学信息化数据共享使用申请审批表',
      '体育学院迎新系统',
      '10.12.0.0/16',
      VALID_ID_CARD,
      '同意，请按需使用',
      '政治面貌不在按需范围内',
      '体育学院当前在校生数据',
      '郑州大学数据安全保密承诺书',
    ]) {
      expect(text).toContain(v);
    }
    const sheetWidth = await page
      .locator('.sheet')
      .first()
      .evaluate((el) => el.getBoundingClientRect().width);
    // 190 mm at 96 dpi ≈ 718 px.
    expect(Math.round(sheetWidth)).toBe(718);
    await screenshot(page, 'sharing-print');
    await page.screenshot({ path: `${ARTIFACTS}/sharing-print-top.png`, clip: { x: 120, y: 60, width: 760, height: 900 } });
    await page.emulateMedia({ media: 'print' });
    await screenshot(page, 'sharing-print-media-print');
    await page.close();
  }, 60_000);

  it('breaks English labels between words, not inside them (Applying departm|ent)', async () => {
    const page = await j.browser.newPage({ locale: 'en-US', viewport: { width: 1000, height: 1200 } });
    await browserSignIn(page, j.baseUrl, people.office.login, people.office.password);
    await page.goto(`${j.baseUrl}/sharing/${id}/print`);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    // Each label cell's words: one whose letters lie on two lines was broken inside it.
    const broken = (await page.evaluate(`(() => {
      const out = [];
      for (const th of document.querySelectorAll('.form-table th')) {
        const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          for (const m of node.textContent.matchAll(/[A-Za-z]{4,}/g)) {
            const range = document.createRange();
            range.setStart(node, m.index);
            range.setEnd(node, m.index + m[0].length);
            if (range.getClientRects().length > 1) out.push(m[0]);
          }
        }
      }
      return out;
    })()`)) as string[];
    expect(broken).toEqual([]);
    await screenshot(page, 'sharing-print-en');
    await page.close();
  }, 60_000);

  // The A4 page's printable width (210 mm less the 10 mm margins) at 96 dpi: with print media emulated at this
  // viewport the form lays out as on paper.
  const A4_CONTENT_WIDTH = 718;

  it('keeps each section heading with the box it introduces, and the notes with the last box, when printed', async () => {
    const loose: Record<string, string[]> = {};
    for (const locale of ['zh-CN', 'en-US']) {
      const page = await j.browser.newPage({ locale, viewport: { width: A4_CONTENT_WIDTH, height: 1000 } });
      await browserSignIn(page, j.baseUrl, people.office.login, people.office.password);
      await page.goto(`${j.baseUrl}/sharing/${id}/print`);
      await page.emulateMedia({ media: 'print' });
      // A page may end between two rows only where nothing asks to avoid it: a heading row and the row after it are
      // in one tbody kept whole (Chromium's PDF also honours break-after: avoid on the heading row itself).
      loose[locale] = (await page.evaluate(`(() => {
        const out = [];
        const rows = [...document.querySelectorAll('.form-table tr')];
        for (const th of document.querySelectorAll('.form-table th.section')) {
          const row = th.parentElement;
          const next = rows[rows.indexOf(row) + 1];
          const group = row.parentElement;
          const kept = next && next.parentElement === group && getComputedStyle(group).breakInside === 'avoid';
          if (!kept || getComputedStyle(row).breakAfter !== 'avoid') out.push(th.textContent.trim());
        }
        for (const h of document.querySelectorAll('.sheet-title')) {
          if (getComputedStyle(h).breakAfter !== 'avoid') out.push(h.textContent.trim());
        }
        // The notes under the form: not a page of their own, kept with the last box.
        const notes = document.querySelector('.notes');
        const group = notes.closest('tbody');
        if (!group || !group.querySelector('td.opinion') || getComputedStyle(group).breakInside !== 'avoid') out.push('notes');
        return out;
      })()`)) as string[];
      await page.close();
    }
    expect(loose).toEqual({ 'zh-CN': [], 'en-US': [] });
  }, 60_000);

  it('prints each tick box on the line of its label, and field codes unbroken (audited, not audit|ed)', async () => {
    const wrong: Record<string, { apart: string[]; broken: string[] }> = {};
    for (const locale of ['en-US', 'zh-CN']) {
      const page = await j.browser.newPage({ locale, viewport: { width: A4_CONTENT_WIDTH, height: 1000 } });
      await browserSignIn(page, j.baseUrl, people.office.login, people.office.password);
      await page.goto(`${j.baseUrl}/sharing/${id}/print`);
      await page.emulateMedia({ media: 'print' });
      const found = (await page.evaluate(`(() => {
        const apart = [];
        let boxes = 0;
        for (const box of document.querySelectorAll('.form-table .box')) {
          // The label is the text right after the box: its first word's line is the box's line.
          const node = box.nextSibling;
          if (!node || node.nodeType !== Node.TEXT_NODE) continue;
          const m = node.textContent.match(/\\S+/);
          if (!m) continue;
          boxes++;
          const range = document.createRange();
          range.setStart(node, m.index);
          range.setEnd(node, m.index + m[0].length);
          const b = box.getBoundingClientRect();
          const r = range.getClientRects()[0];
          if (Math.abs((b.top + b.bottom) / 2 - (r.top + r.bottom) / 2) > 6) apart.push(box.textContent + m[0]);
        }
        // A field or table code fits its column, so it is on one line.
        const codes = [...document.querySelectorAll('.doc-table .mono')];
        const broken = codes.filter((el) => el.getClientRects().length > 1).map((el) => el.textContent);
        return { boxes, apart, codes: codes.length, broken };
      })()`)) as { boxes: number; apart: string[]; codes: number; broken: string[] };
      expect(found.boxes).toBeGreaterThan(10);
      expect(found.codes).toBeGreaterThan(4);
      wrong[locale] = { apart: found.apart, broken: found.broken };
      await page.close();
    }
    const none = { apart: [], broken: [] };
    expect(wrong).toEqual({ 'en-US': none, 'zh-CN': none });
  }, 60_000);

  it('keeps what each cell holds inside its borders when printed (the blank after ☐ Other dataset ran past the table in English)', async () => {
    const outside: Record<string, string[]> = {};
    for (const locale of ['en-US', 'zh-CN']) {
      const page = await j.browser.newPage({ locale, viewport: { width: A4_CONTENT_WIDTH, height: 1000 } });
      await browserSignIn(page, j.baseUrl, people.office.login, people.office.password);
      await page.goto(`${j.baseUrl}/sharing/${id}/print`);
      await page.emulateMedia({ media: 'print' });
      // Every box a cell's content makes (text, underlines, blanks, tick boxes) ends left of the cell's right border.
      outside[locale] = (await page.evaluate(`(() => {
        const out = [];
        for (const cell of document.querySelectorAll('.form-table td, .form-table th')) {
          const edge = cell.getBoundingClientRect().right - parseFloat(getComputedStyle(cell).borderRightWidth);
          const range = document.createRange();
          range.selectNodeContents(cell);
          const right = Math.max(...[...range.getClientRects()].map((r) => r.right), -Infinity);
          if (right > edge + 0.5) out.push(cell.textContent.replace(/\\s+/g, ' ').trim().slice(-40));
        }
        return out;
      })()`)) as string[];
      await page.close();
    }
    expect(outside).toEqual({ 'en-US': [], 'zh-CN': [] });
  }, 60_000);

  it('fits a phone screen (390 px) without scrolling sideways', async () => {
    const scrollWidth: Record<string, number> = {};
    for (const locale of ['zh-CN', 'en-US']) {
      const page = await j.browser.newPage({ locale, viewport: { width: 390, height: 844 } });
      await browserSignIn(page, j.baseUrl, people.office.login, people.office.password);
      await page.goto(`${j.baseUrl}/sharing/${id}/print`);
      scrollWidth[locale] = (await page.evaluate('document.documentElement.scrollWidth')) as number;
      await screenshot(page, `sharing-print-phone-${locale}`);
      await page.close();
    }
    expect(scrollWidth).toEqual({ 'zh-CN': 390, 'en-US': 390 });
  }, 60_000);
});
