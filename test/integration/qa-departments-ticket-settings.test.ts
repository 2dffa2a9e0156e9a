import { buildDepartment, buildUser } from '../factories';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * The IT office's ticket settings (`/tickets/settings`): a value refused comes back with its message tied
 * to its input, so a screen reader announces the input as invalid and reads the message with it.
 */
/** The error summary's lines as [href, text]. */
function summaryOf(html: string): [string, string][] {
  const box = /<div class="flash flash-error error-summary" role="alert">([\s\S]*?)<\/div>/.exec(html)?.[1] ?? '';
  return [...box.matchAll(/<li><a href="([^"]*)">([^<]*)<\/a><\/li>/g)].map((m) => [m[1], m[2]]);
}

describe('ticket settings: messages tied to their inputs', () => {
  let t: TestApp;
  let office: Awaited<ReturnType<typeof signIn>>;

  beforeAll(async () => {
    t = await createTestApp();
    await buildDepartment(t.db.knex, { code: 'HR', name: '人事处' });
    const it = await buildUser(t.db.knex, { login: 'it', department: 'ITC', roles: ['it_office'] });
    office = await signIn(t.app, it.login, it.password);
  });
  afterAll(() => t.close());

  it('a due-days value out of range marks that input invalid and names its message', async () => {
    const res = await office.agent
      .post('/tickets/settings')
      .type('form')
      .send({ _csrf: office.csrf, high: '0', medium: '5', low: '10' })
      .expect(422);
    expect(res.text).toContain(
      '<input id="days-high" name="high" inputmode="numeric" value="0" size="4" aria-invalid="true" aria-describedby="days-high-error"> 个工作日<p class="field-error" id="days-high-error">应为 1–60 之间的整数</p>',
    );
    // Said once at the top, linking to the box, as on every other refused form.
    expect(summaryOf(res.text)).toEqual([['#days-high-error', '整改期限（高）：应为 1–60 之间的整数']]);
    expect(res.text).toContain('<input id="days-medium" name="medium" inputmode="numeric" value="5" size="4"> 个工作日</div>');
  });

  it("a refused robot URL marks that department's input invalid and names its message", async () => {
    const res = await office.agent
      .post('/tickets/settings/webhook')
      .type('form')
      .send({ _csrf: office.csrf, department: 'HR', webhook_url: 'http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k' })
      .expect(422);
    expect(res.text).toMatch(
      /<input name="webhook_url" type="url" class="webhook-url" value="http:\/\/qyapi\.weixin\.qq\.com\/cgi-bin\/webhook\/send\?key&#x3D;k" aria-label="Webhook 地址 HR" aria-invalid="true" aria-describedby="webhook-HR-error">/,
    );
    expect(res.text).toContain('<p class="field-error" id="webhook-HR-error">应为 https:// 开头的网址');
    // The department's row may be a screen or more below the top, where the page comes back.
    expect(summaryOf(res.text)).toEqual([
      ['#webhook-HR-error', expect.stringMatching(/^Webhook 地址 HR：应为 https:\/\/ 开头的网址/)],
    ]);
  });

  // `https://exa mple.com/` was told "应为 https:// 开头的网址" though it starts so; one of 5,000 characters was saved.
  it('a robot URL with a space, or too long, is told so in both languages; nothing saved', async () => {
    const send = (webhook_url: string) =>
      office.agent
        .post('/tickets/settings/webhook')
        .type('form')
        .send({ _csrf: office.csrf, department: 'HR', webhook_url })
        .expect(422);
    const messageOf = (page: string) => /<p class="field-error" id="webhook-HR-error">([^<]*)<\/p>/.exec(page)?.[1];
    const long = `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${'k'.repeat(5000)}`;
    expect(messageOf((await send('https://exa mple.com/')).text)).toBe('网址中不能有空格：请删去空格后再保存');
    expect(messageOf((await send('https://exa%mple.com/')).text)).toBe(
      '不是有效的网址，请从企业微信或钉钉机器人设置中复制完整的 Webhook 地址',
    );
    expect(messageOf((await send(long)).text)).toBe(`网址最多 2000 个字符（现有 ${long.length} 个）`);
    await office.agent.post('/locale').type('form').send({ _csrf: office.csrf, locale: 'en', next: '/' }).expect(302);
    try {
      expect(messageOf((await send('https://exa mple.com/')).text)).toBe(
        'The address must not contain spaces: remove them and save again',
      );
      expect(messageOf((await send('https://exa%mple.com/')).text)).toBe(
        'Not a valid web address: copy the whole webhook URL from the WeCom or DingTalk robot&#x27;s settings',
      );
      expect(messageOf((await send(long)).text)).toBe(`The address may be at most 2000 characters long (it has ${long.length})`);
    } finally {
      await office.agent.post('/locale').type('form').send({ _csrf: office.csrf, locale: 'zh-CN', next: '/' }).expect(302);
    }
    expect((await t.db.knex('departments').where({ code: 'HR' }).first('webhook_url')).webhook_url).toBeNull();
  });

  // Saving the settings as they were said "saved" and wrote an audit row of a change of nothing, for the due days and
  // for a department's robot address alike.
  it('saving the settings unchanged says nothing changed and writes nothing; a change is saved and audited once', async () => {
    const audits = async () => Number((await t.db.knex('audit_log').count({ n: '*' }))[0].n);
    const save = async (path: string, body: Record<string, string>) => {
      const res = await office.agent
        .post(path)
        .type('form')
        .send({ _csrf: office.csrf, ...body })
        .expect(302);
      const page = await office.agent.get(res.headers.location).expect(200);
      return /<div class="flash flash-(\w+)"[^>]*>([^<]*)<\/div>/.exec(page.text)?.slice(1, 3);
    };
    const before = await audits();
    expect(await save('/tickets/settings', { high: '3', medium: '5', low: '10' })).toEqual(['info', '设置没有改动，未保存']);
    expect(await save('/tickets/settings/webhook', { department: 'HR', webhook_url: '' })).toEqual([
      'info',
      '人事处（HR）的机器人地址没有改动，未保存',
    ]);
    expect(await audits()).toBe(before);
    expect((await save('/tickets/settings', { high: '4', medium: '5', low: '10' }))?.[0]).toBe('success');
    expect(await audits()).toBe(before + 1);
    expect((await save('/tickets/settings', { high: '4', medium: '5', low: '10' }))?.[0]).toBe('info');
    expect(await audits()).toBe(before + 1);
  });
});
