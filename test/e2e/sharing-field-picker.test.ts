import type { Page } from 'playwright-core';
import { signIn } from '../helpers/app';
import { browserSignIn, describeBrowser } from '../helpers/browser';
import { Journey, startSharingBrowser } from '../factories/journeys';
import { apiRequest, SharingPeople } from '../factories/sharing';

/**
 * The request form's field picker in Chromium: the fields the page's script draws when a table is chosen mark a
 * sensitive field with the same badge (敏感, or "sensitive" on the English page) as the list the server drew.
 */
describeBrowser('the field picker in a browser', () => {
  let j: Journey;
  let people: SharingPeople;
  let draftId: number;

  beforeAll(async () => {
    ({ people, ...j } = await startSharingBrowser());
    // A draft whose first row is staff_basic: the server draws that row's fields (id_card is sensitive).
    const s = await signIn(j.t.app, people.applicant.login, people.applicant.password);
    const res = await s.agent
      .post('/api/v1/sharing-requests')
      .set('X-CSRF-Token', s.csrf)
      .send(apiRequest([{ table: 'staff_basic', fields: ['staff_no'] }], { draft: true }));
    expect(res.status).toBe(201);
    draftId = res.body.id;
  }, 60_000);

  afterAll(async () => {
    await j?.close();
  });

  /** Row 1 gets staff_basic in the browser; returns the fields as the server drew them (row 0) and as the script did. */
  async function drawn(page: Page): Promise<{ server: string; script: string }> {
    await browserSignIn(page, j.baseUrl, people.applicant.login, people.applicant.password);
    await page.goto(`${j.baseUrl}/sharing/${draftId}/edit`);
    await page.selectOption('select[name="items[1][table]"]', 'staff_basic');
    await page.waitForSelector('[data-field-choices][data-index="1"] code');
    const html = (index: number) => page.locator(`[data-field-choices][data-index="${index}"]`).innerHTML();
    // Row 0 has staff_no ticked and its own input names; otherwise the two lists are the same markup.
    return { server: (await html(0)).replace(' checked=""', '').replaceAll('items[0]', 'items[1]'), script: await html(1) };
  }

  it('marks a sensitive field 敏感 as the server-drawn list does', async () => {
    const page = await j.browser.newPage({ locale: 'zh-CN' });
    const { server: fromServer, script } = await drawn(page);
    expect(script).toContain('<code>id_card</code> <span class="badge warn">敏感</span></label>');
    expect((script.match(/badge warn/g) ?? []).length).toBe(1);
    expect(script).toBe(fromServer);
    await page.close();
  }, 60_000);

  it('says "sensitive" on the English page', async () => {
    const page = await j.browser.newPage({ locale: 'en' });
    const { server: fromServer, script } = await drawn(page);
    expect(script).toContain('<code>id_card</code> <span class="badge warn">sensitive</span></label>');
    expect(script).toBe(fromServer);
    await page.close();
  }, 60_000);

  it('adds a blank row to the members and to the field list; a table chosen there gets its boxes; a draft keeps them', async () => {
    const page = await j.browser.newPage({ locale: 'zh-CN' });
    await browserSignIn(page, j.baseUrl, people.applicant.login, people.applicant.password);
    await page.goto(`${j.baseUrl}/sharing/new`);
    const rows = (name: string) => page.locator(`tbody[data-rows="${name}"] > tr`).count();
    const members = await rows('members');
    await page.fill(`input[name="members[${members - 1}][name]"]`, '前一行');
    await page.click('button[data-add-row="members"]');
    expect(await rows('members')).toBe(members + 1);
    // The new row is blank, named after the last, and has the focus.
    expect(await page.inputValue(`input[name="members[${members}][name]"]`)).toBe('');
    expect(
      await page.evaluate(() =>
        (
          globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string } } }
        ).document.activeElement.getAttribute('name'),
      ),
    ).toBe(`members[${members}][name]`);
    await page.fill(`input[name="members[${members}][name]"]`, '新增成员');
    await page.fill(`input[name="members[${members}][unit]"]`, '计算机学院');

    const items = await rows('items');
    await page.click('button[data-add-row="items"]');
    expect(await rows('items')).toBe(items + 1);
    expect(await page.locator(`tbody[data-rows="items"] > tr:last-child > td:first-child`).innerText()).toBe(String(items + 1));
    await page.selectOption(`select[name="items[${items}][table]"]`, 'staff_basic');
    await page.check(`input[name="items[${items}][fields][]"][value="staff_no"]`);
    await page.fill(`input[name="items[${items}][range]"]`, '新增的一行');

    await Promise.all([page.waitForURL(/\/sharing\/\d+\/edit$/), page.click('button[name=action][value=draft]')]);
    expect(await page.locator(`input[value="新增成员"]`).count()).toBe(1);
    expect(await page.locator(`input[value="前一行"]`).count()).toBe(1);
    expect(await page.locator(`input[value="新增的一行"]`).count()).toBe(1);
    expect(await page.locator('[data-field-choices] input[value="staff_no"]:checked').count()).toBe(1);
    await page.close();
  }, 60_000);
});
