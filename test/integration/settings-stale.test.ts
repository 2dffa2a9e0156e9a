import { buildDepartment, buildUser } from '../factories';
import { createTestApp, signIn, TestApp } from '../helpers/app';
import { changedSince, installChangeLog, mark } from '../helpers/change-log';

/**
 * The IT office's settings forms — the ticket settings' due days (/tickets/settings), the triage setting on the triage
 * queue (/reports/settings) and the scorecard weights (/scorecards/weights) — opened by two officers (or in two tabs):
 * the later save put back what the other had saved meanwhile, without a word ("last write wins"). Each form now carries
 * the settings it was opened from (`edited_from`, as an account's edit form does); changed since, nothing is saved, the
 * page comes back 409 with what was typed still in its boxes and a message giving the settings as they are now. The
 * same values sent twice (a double click) are no error, and a save from the page as it is now works.
 */
let t: TestApp;
type Session = Awaited<ReturnType<typeof signIn>>;
let zhang: Session; // reads Chinese
let li: Session; // reads English

/** The `edited_from` of the form posting to `action` on the page at `path`. */
async function openForm(s: Session, path: string, action: string): Promise<string> {
  const page = await s.agent.get(path).expect(200);
  const form = page.text.slice(page.text.indexOf(`action="${action}"`));
  return /name="edited_from" value="([0-9a-f]*)"/.exec(form.slice(0, form.indexOf('</form>')))?.[1] ?? 'none';
}
const post = (s: Session, path: string, fields: Record<string, string>) =>
  s.agent
    .post(path)
    .type('form')
    .send({ _csrf: s.csrf, ...fields });
/** The error message shown where notices go (a 409's flash). */
const flashOf = (html: string) => /<div class="flash flash-error" role="alert" data-sent-back>([^<]*)<\/div>/.exec(html)?.[1];

beforeAll(async () => {
  t = await createTestApp();
  await buildDepartment(t.db.knex, { code: 'ITC', name: '信息化办公室' });
  const a = await buildUser(t.db.knex, { login: 'zhang', department: 'ITC', roles: ['it_office'] });
  const b = await buildUser(t.db.knex, { login: 'li', department: 'ITC', roles: ['it_office'] });
  zhang = await signIn(t.app, a.login, a.password);
  li = await signIn(t.app, b.login, b.password);
  await li.agent.post('/locale').type('form').send({ _csrf: li.csrf, locale: 'en', next: '/' }).expect(302);
  await installChangeLog(t.db.knex);
});
afterAll(() => t.close());

describe('ticket settings (due working days)', () => {
  const stored = async () =>
    (await t.db.knex('settings').where({ key: 'tickets.due_working_days' }).first('value'))?.value as unknown;
  const box = (severity: string, value: string) =>
    `<input id="days-${severity}" name="${severity}" inputmode="numeric" value="${value}" size="4">`;

  it('a form opened before another officer saved saves nothing, 409, keeps what was typed and says what is saved now', async () => {
    const zhangForm = await openForm(zhang, '/tickets/settings', '/tickets/settings');
    const liForm = await openForm(li, '/tickets/settings', '/tickets/settings');
    expect(zhangForm).toMatch(/^[0-9a-f]{32}$/);
    expect(liForm).toBe(zhangForm);

    // 张 saves 2 / 4 / 8; a double click sends it twice: the second is no change, no error.
    const mine = { high: '2', medium: '4', low: '8' };
    expect((await post(zhang, '/tickets/settings', { ...mine, edited_from: zhangForm })).status).toBe(302);
    const again = await post(zhang, '/tickets/settings', { ...mine, edited_from: zhangForm });
    expect(again.status).toBe(302);
    expect((await zhang.agent.get(again.headers.location)).text).toContain('设置没有改动，未保存');
    expect(await stored()).toEqual({ high: 2, medium: 4, low: 8 });

    // 李, still showing 3 / 5 / 10, changes the low one to 15: refused, nothing written.
    const before = await mark(t.db.knex);
    const stale = await post(li, '/tickets/settings', { high: '3', medium: '5', low: '15', edited_from: liForm });
    expect(stale.status).toBe(409);
    expect(await changedSince(t.db.knex, before)).toEqual([]);
    expect(await stored()).toEqual({ high: 2, medium: 4, low: 8 });
    expect(flashOf(stale.text)).toBe(
      'The ticket settings were changed by someone else after this page was opened (another IT office user, or another tab), ' +
        'so your changes were not saved, to avoid overwriting those. The time to fix saved now: High 2 working days, ' +
        'Medium 4 working days, Low 8 working days. The boxes below keep what you typed: compare them and save again.',
    );
    for (const [severity, value] of Object.entries({ high: '3', medium: '5', low: '15' }))
      expect(stale.text).toContain(box(severity, value));

    // The page that said so carries the settings as they are now: saved from it, 李's days are saved.
    const fresh = /name="edited_from" value="([0-9a-f]+)"/.exec(stale.text)![1];
    expect(fresh).not.toBe(liForm);
    expect((await post(li, '/tickets/settings', { high: '3', medium: '5', low: '15', edited_from: fresh })).status).toBe(302);
    expect(await stored()).toEqual({ high: 3, medium: 5, low: 15 });
  });

  it('in Chinese: the message names the days saved meanwhile', async () => {
    const form = await openForm(zhang, '/tickets/settings', '/tickets/settings');
    expect((await post(li, '/tickets/settings', { high: '1', medium: '5', low: '15', edited_from: form })).status).toBe(302);
    const stale = await post(zhang, '/tickets/settings', { high: '4', medium: '5', low: '15', edited_from: form }).expect(409);
    expect(flashOf(stale.text)).toBe(
      '工单设置在此页面打开后已被他人修改（另一位信息化办公室人员，或另一个标签页），本次修改未保存，以免覆盖。' +
        '现在保存的整改期限：高 1 个工作日、中 5 个工作日、低 15 个工作日。下面的输入框保留了您填写的内容：请核对后重新保存。',
    );
    expect(stale.text).toContain(box('high', '4'));
    expect(await stored()).toEqual({ high: 1, medium: 5, low: 15 });
  });

  it('a save without edited_from (a page from before) is saved as before', async () => {
    expect((await post(zhang, '/tickets/settings', { high: '3', medium: '5', low: '10' })).status).toBe(302);
    expect(await stored()).toEqual({ high: 3, medium: 5, low: 10 });
  });

  it('two saves from the same page at once: one is saved, the other refused', async () => {
    const form = await openForm(zhang, '/tickets/settings', '/tickets/settings');
    const [a, b] = await Promise.all([
      post(zhang, '/tickets/settings', { high: '6', medium: '5', low: '10', edited_from: form }),
      post(li, '/tickets/settings', { high: '7', medium: '5', low: '10', edited_from: form }),
    ]);
    expect([a.status, b.status].sort()).toEqual([302, 409]);
    expect(await stored()).toEqual({ high: a.status === 302 ? 6 : 7, medium: 5, low: 10 });
  });
});

describe("ticket settings (a department's robot address)", () => {
  const A = 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=aaa';
  const B = 'https://oapi.dingtalk.com/robot/send?access_token=bbb';
  const stored = async () => (await t.db.knex('departments').where({ code: 'ITC' }).first('webhook_url')).webhook_url as unknown;
  /** The `edited_from` of department ITC's row. */
  const openRow = async (s: Session) => {
    const page = await s.agent.get('/tickets/settings').expect(200);
    const row = page.text.slice(page.text.indexOf('name="department" value="ITC"'));
    return /name="edited_from" value="([0-9a-f]+)"/.exec(row)?.[1] ?? 'none';
  };
  const rowOf = (html: string) => {
    const row = html.slice(html.indexOf('name="department" value="ITC"'));
    return row.slice(0, row.indexOf('</form>'));
  };

  it('a row opened before another officer set the address saves nothing, 409, keeps the typed address and shows the one set now', async () => {
    const zhangRow = await openRow(zhang);
    const liRow = await openRow(li);
    expect(zhangRow).toMatch(/^[0-9a-f]{32}$/);
    const sendAddress = (s: Session, webhook_url: string, edited_from?: string) =>
      post(s, '/tickets/settings/webhook', { department: 'ITC', webhook_url, ...(edited_from ? { edited_from } : {}) });

    // 张 sets A; sent twice, the second is no change.
    expect((await sendAddress(zhang, A, zhangRow)).status).toBe(302);
    const again = await sendAddress(zhang, A, zhangRow);
    expect(again.status).toBe(302);
    expect((await zhang.agent.get(again.headers.location)).text).toContain('信息化办公室（ITC）的机器人地址没有改动，未保存');

    // 李's row, opened when none was set, sends B: refused, nothing written.
    const before = await mark(t.db.knex);
    const stale = await sendAddress(li, B, liRow);
    expect(stale.status).toBe(409);
    expect(await changedSince(t.db.knex, before)).toEqual([]);
    expect(await stored()).toBe(A);
    expect(flashOf(stale.text)).toBe(
      'The robot address of 信息化办公室 (ITC) was changed by someone else after this page was opened (another IT office user, ' +
        'or another tab), so your address was not saved, to avoid overwriting it. ' +
        'The address now: https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key&#x3D;aaa. ' +
        'Its row keeps the address you typed: compare them and save again.',
    );
    expect(rowOf(stale.text)).toContain('value="https://oapi.dingtalk.com/robot/send?access_token&#x3D;bbb"');

    // From that page, 李's address is saved; in Chinese the refusal names "未设置" once the address is removed meanwhile.
    const fresh = /name="edited_from" value="([0-9a-f]+)"/.exec(rowOf(stale.text))![1];
    expect((await sendAddress(li, B, fresh)).status).toBe(302);
    expect(await stored()).toBe(B);
    const old = await openRow(zhang);
    expect((await sendAddress(li, '', old)).status).toBe(302);
    const zh = await sendAddress(zhang, A, old).expect(409);
    expect(flashOf(zh.text)).toBe(
      '信息化办公室（ITC）的机器人地址在此页面打开后已被他人修改（另一位信息化办公室人员，或另一个标签页），本次修改未保存，以免覆盖。' +
        '现在的地址：未设置（不推送）。该行的输入框保留了您填写的地址：请核对后重新保存。',
    );
    expect(await stored()).toBe(null);

    // Without edited_from (a page from before), saved as before.
    expect((await sendAddress(zhang, A)).status).toBe(302);
    expect(await stored()).toBe(A);
  });

  it('a cleared address refused as stale comes back cleared: the row shows the empty box as typed, not the address set now', async () => {
    const send = (s: Session, webhook_url: string, edited_from: string) =>
      post(s, '/tickets/settings/webhook', { department: 'ITC', webhook_url, edited_from });
    expect((await send(zhang, A, await openRow(zhang))).status).toBe(302);
    // 张 opens the row (A) to remove the robot; meanwhile 李 sets B.
    const zhangRow = await openRow(zhang);
    expect((await send(li, B, await openRow(li))).status).toBe(302);
    const before = await mark(t.db.knex);
    const stale = await send(zhang, '', zhangRow).expect(409);
    expect(await changedSince(t.db.knex, before)).toEqual([]);
    expect(await stored()).toBe(B);
    // The address set now is in the message to compare; the box holds what 张 typed: nothing.
    expect(flashOf(stale.text)).toContain('现在的地址：https://oapi.dingtalk.com/robot/send?access_token&#x3D;bbb。');
    const box = /<input name="webhook_url"[^>]*>/.exec(rowOf(stale.text))![0];
    expect(box).toContain('value=""');
    expect(box).not.toContain('dingtalk');
    // Saved from that page (its row carries B now), the address is removed.
    const fresh = /name="edited_from" value="([0-9a-f]+)"/.exec(rowOf(stale.text))![1];
    expect((await send(zhang, '', fresh)).status).toBe(302);
    expect(await stored()).toBe(null);
  });
});

describe('error-report triage setting', () => {
  const stored = async () => (await t.db.knex('settings').where({ key: 'reports.triage' }).first('value'))?.value as unknown;

  it('a queue opened before another officer switched triage on saves nothing, 409, keeps the box as sent and says what is set now', async () => {
    const zhangForm = await openForm(zhang, '/reports/triage', '/reports/settings');
    const liForm = await openForm(li, '/reports/triage', '/reports/settings');
    expect(zhangForm).toMatch(/^[0-9a-f]{32}$/);

    // 张 switches triage on; sent twice, the second is no change.
    expect((await post(zhang, '/reports/settings', { triage: 'on', edited_from: zhangForm })).status).toBe(302);
    const again = await post(zhang, '/reports/settings', { triage: 'on', edited_from: zhangForm });
    expect(again.status).toBe(302);
    expect((await zhang.agent.get(again.headers.location)).text).toContain('分派设置没有改动，未保存');
    expect(await stored()).toBe(true);

    // 李's queue still shows it off; 李 leaves it off and saves (the box unticked): refused, nothing written.
    const before = await mark(t.db.knex);
    const stale = await post(li, '/reports/settings', { edited_from: liForm });
    expect(stale.status).toBe(409);
    expect(await changedSince(t.db.knex, before)).toEqual([]);
    expect(await stored()).toBe(true);
    expect(flashOf(stale.text)).toBe(
      'The triage setting was changed by someone else after this page was opened (another IT office user, or another tab), ' +
        'so your change was not saved, to avoid overwriting it. The setting now: reports are triaged first. ' +
        'The form below keeps your choice: compare it and save again.',
    );
    expect(stale.text).toContain('<input type="checkbox" name="triage" value="on" >');

    // From that page (it carries the setting as it is now), the choice is saved.
    const fresh = /name="edited_from" value="([0-9a-f]+)"/.exec(stale.text)![1];
    expect((await post(li, '/reports/settings', { edited_from: fresh })).status).toBe(302);
    expect(await stored()).toBe(false);
  });

  it('in Chinese, and a save without edited_from is saved as before', async () => {
    const form = await openForm(zhang, '/reports/triage', '/reports/settings');
    expect((await post(li, '/reports/settings', { triage: 'on', edited_from: form })).status).toBe(302);
    const stale = await post(zhang, '/reports/settings', { edited_from: form }).expect(409);
    expect(flashOf(stale.text)).toBe(
      '分派设置在此页面打开后已被他人修改（另一位信息化办公室人员，或另一个标签页），本次修改未保存，以免覆盖。' +
        '现在的设置：先由信息化办公室分派。下面的表单保留了您的选择：请核对后重新保存。',
    );
    expect(await stored()).toBe(true);
    expect((await post(zhang, '/reports/settings', {})).status).toBe(302);
    expect(await stored()).toBe(false);
  });

  it('the same choice sent twice at once (a double click): saved once, the other no change', async () => {
    const form = await openForm(zhang, '/reports/triage', '/reports/settings');
    expect(await stored()).toBe(false);
    const audited = async () =>
      Number((await t.db.knex('audit_log').where({ action: 'reports.settings' }).count({ n: '*' }).first())?.n);
    const before = await audited();
    const [a, b] = await Promise.all([
      post(zhang, '/reports/settings', { triage: 'on', edited_from: form }),
      post(li, '/reports/settings', { triage: 'on', edited_from: form }),
    ]);
    // The second finds the choice saved by the first: no change, no error.
    expect([a.status, b.status]).toEqual([302, 302]);
    expect(await audited()).toBe(before + 1);
    expect(await stored()).toBe(true);
  });
});

describe('scorecard weights', () => {
  const weights = (freshness: string) => ({
    'weights.freshness': freshness,
    'weights.deadline': '20',
    'weights.validity': '20',
    'weights.completeness': '10',
    'weights.tickets': '10',
    'weights.reports': '10',
    'weights.sharing': '0',
  });
  const versions = async () =>
    (await t.db.knex('scorecard_weights').orderBy('id').select('id', 'weights', 'note')).map((r) => ({
      id: Number(r.id),
      freshness: (typeof r.weights === 'string' ? JSON.parse(r.weights) : r.weights).freshness as number,
      note: r.note as string | null,
    }));

  it('a form opened before another officer added a version adds nothing, 409, keeps what was typed and names the version now', async () => {
    const zhangForm = await openForm(zhang, '/scorecards/weights', '/scorecards/weights');
    const liForm = await openForm(li, '/scorecards/weights', '/scorecards/weights');
    expect(zhangForm).toMatch(/^[0-9a-f]{32}$/);
    const start = await versions();

    // 张 adds a version; a double click sends it twice: one version, the second said to be the same.
    const mine = { ...weights('40'), note: '加重时效' };
    expect((await post(zhang, '/scorecards/weights', { ...mine, edited_from: zhangForm })).status).toBe(302);
    const again = await post(zhang, '/scorecards/weights', { ...mine, edited_from: zhangForm });
    expect(again.status).toBe(302);
    const added = await versions();
    expect(added.length).toBe(start.length + 1);
    const id = added[added.length - 1].id;
    expect((await zhang.agent.get(again.headers.location)).text).toContain(
      `与最新的第 ${id} 版相同（权重、生效日期和说明都一样），未新增版本`,
    );

    // 李, opened before, types 35 and a note: refused, nothing written.
    const before = await mark(t.db.knex);
    const stale = await post(li, '/scorecards/weights', { ...weights('35'), note: 'Balance', edited_from: liForm });
    expect(stale.status).toBe(409);
    expect(await changedSince(t.db.knex, before)).toEqual([]);
    expect(await versions()).toEqual(added);
    expect(flashOf(stale.text)).toMatch(
      new RegExp(
        `^The score weights were changed by someone else after this page was opened \\(another IT office user, or another tab\\), ` +
          `so your weights were not saved, to avoid overwriting theirs\\. The newest version is now #${id} \\(saved by zhang, ` +
          `valid from \\d{4}-\\d{2}-\\d{2}: Freshness 40, .*\\), listed in the weights history below too\\. ` +
          `The boxes below keep what you typed: compare them and save again\\.$`,
      ),
    );
    expect(stale.text).toMatch(/<input id="w-freshness" name="weights\.freshness" type="number"[^>]*value="35">/);
    expect(stale.text).toContain('value="Balance"');

    // From that page, 李's version is added.
    const fresh = /name="edited_from" value="([0-9a-f]+)"/.exec(stale.text)![1];
    expect((await post(li, '/scorecards/weights', { ...weights('35'), note: 'Balance', edited_from: fresh })).status).toBe(302);
    expect((await versions()).slice(-1)[0]).toMatchObject({ freshness: 35, note: 'Balance' });
  });

  it('in Chinese, and a save without edited_from is added as before', async () => {
    const form = await openForm(zhang, '/scorecards/weights', '/scorecards/weights');
    expect((await post(li, '/scorecards/weights', { ...weights('45'), edited_from: form })).status).toBe(302);
    const count = (await versions()).length;
    const stale = await post(zhang, '/scorecards/weights', { ...weights('50'), edited_from: form }).expect(409);
    expect(flashOf(stale.text)).toMatch(
      /^评分权重在此页面打开后已被他人修改（另一位信息化办公室人员，或另一个标签页），本次修改未保存，以免覆盖。现在最新的是第 \d+ 版（li 保存，自 \d{4}-\d{2}-\d{2} 起生效：时效性 45、.*），也列在下方的权重历史中。下面的输入框保留了您填写的内容：请核对后重新保存。$/,
    );
    expect((await versions()).length).toBe(count);
    expect((await post(zhang, '/scorecards/weights', weights('50'))).status).toBe(302);
    expect((await versions()).slice(-1)[0]).toMatchObject({ freshness: 50 });
  });

  it('two saves from the same page at once: one version is added, the other refused', async () => {
    const form = await openForm(zhang, '/scorecards/weights', '/scorecards/weights');
    const count = (await versions()).length;
    const [a, b] = await Promise.all([
      post(zhang, '/scorecards/weights', { ...weights('11'), edited_from: form }),
      post(li, '/scorecards/weights', { ...weights('12'), edited_from: form }),
    ]);
    expect([a.status, b.status].sort()).toEqual([302, 409]);
    expect((await versions()).length).toBe(count + 1);
  });
});
