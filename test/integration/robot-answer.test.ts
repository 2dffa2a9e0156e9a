import { run as runDigest } from '../../jobs/daily-digest';
import { createNotifier, FetchLike } from '../../server/services/notifications';
import { buildUser } from '../factories';
import { buildTicket, exampleCatalog, seedCatalogDepartments } from '../factories/tickets';
import { createTestApp, TestApp } from '../helpers/app';

const catalog = exampleCatalog();
const T0 = new Date('2026-09-30T02:00:00Z');
const at = (day: string) => new Date(`${day}T00:30:00Z`); // 08:30 in Shanghai

/**
 * WeCom and DingTalk robots answer HTTP 200 whether or not they took a message, and say which in the JSON body:
 * `{"errcode":0,"errmsg":"ok"}`, or another errcode (a deleted key, a DingTalk keyword the message lacks…). A digest the
 * robot refused was counted as sent to it.
 */
describe('a robot that answers 200 with an errcode', () => {
  let t: TestApp;
  let answer: string;
  let posts: number;
  const logged: unknown[] = [];

  const notifier = () => {
    const fetch: FetchLike = async () => {
      posts += 1;
      return { ok: true, status: 200, body: answer };
    };
    const logger = Object.assign(Object.create(t.ctx.logger), {
      error: (obj: unknown, msg: string) => void logged.push({ obj, msg }),
    });
    return createNotifier({ db: t.db.knex, mailer: { send: async () => {} }, logger, baseUrl: 'http://hubwatch.test', fetch });
  };

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.db.knex;
    await seedCatalogDepartments(db, catalog);
    // HR: a steward account (the inbox) and a robot. STU: its robot alone (no account, no address).
    await db('departments')
      .whereIn('code', ['HR', 'STU'])
      .update({ webhook_url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k' });
    await db('departments')
      .where({ code: 'STU' })
      .update({ stewards: JSON.stringify([]) });
    await buildUser(db, { department: 'HR', roles: ['steward'] });
    await buildTicket(db, catalog, T0);
    await buildTicket(db, catalog, T0, { table: 'student_status', field: 'grade', department: 'STU' });
  });
  afterAll(() => t.close());

  beforeEach(async () => {
    await t.db.knex('department_digests').delete();
    await t.db.knex('notifications').delete();
    posts = 0;
    logged.splice(0);
  });

  it('counts a refused digest as a failed robot, and sends it again where the robot was all it had', async () => {
    answer = '{"errcode":93000,"errmsg":"invalid webhook url, hint: [1733]"}';
    const first = await runDigest(t.ctx, { now: at('2026-10-09'), notifier: notifier() });
    expect(posts).toBe(2);
    // HR's stewards have it in the inbox: sent, its robot a problem; STU's robot was its one channel: not sent, again.
    expect(first.sent).toEqual(['HR']);
    expect(first.problems).toEqual([
      { department: 'HR', problem: 'webhook', again: false },
      { department: 'STU', problem: 'webhook', again: true },
    ]);
    // The log says what the robot said (never the URL: it carries the key).
    expect(logged).toEqual([
      expect.objectContaining({ msg: 'webhook delivery failed' }),
      expect.objectContaining({ msg: 'webhook delivery failed' }),
    ]);
    expect(String((logged[0] as { obj: { err: Error } }).obj.err.message)).toBe(
      'webhook refused the message (errcode 93000: invalid webhook url, hint: [1733])',
    );
    expect(JSON.stringify(logged)).not.toContain('key=k');

    // Fixed at the robot's end, the same day: STU's digest goes out now; HR's is not sent twice.
    answer = '{"errcode":0,"errmsg":"ok"}';
    const second = await runDigest(t.ctx, { now: at('2026-10-09'), notifier: notifier() });
    expect(second).toMatchObject({ sent: ['STU'], problems: [], alreadySent: ['HR'] });
  });

  it('takes errcode 0, a string errcode "0", and an answer that is not the robots\' JSON as sent', async () => {
    for (const body of ['{"errcode":0,"errmsg":"ok"}', '{"errcode":"0"}', 'OK', '']) {
      await t.db.knex('department_digests').delete();
      answer = body;
      const res = await runDigest(t.ctx, { now: at('2026-10-09'), notifier: notifier() });
      expect({ body, ...res }).toMatchObject({ body, sent: ['HR', 'STU'], problems: [] });
    }
  });

  it('takes a DingTalk refusal (a keyword the robot asks for) as failed too', async () => {
    answer = '{"errcode":310000,"errmsg":"keywords not in content"}';
    const res = await runDigest(t.ctx, { now: at('2026-10-09'), notifier: notifier() });
    expect(res.problems.map((p) => p.problem)).toEqual(['webhook', 'webhook']);
  });
});

/**
 * WeCom refuses a text longer than 2,048 bytes, the whole message: a department's digest of a dozen tickets (the demo's
 * 人事处 has 13, about 3,900 bytes) never reached its group chat.
 */
describe('a long notice to a robot', () => {
  let t: TestApp;
  const hooks: string[] = [];
  const mails: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.db.knex;
    await seedCatalogDepartments(db, catalog);
    await db('departments')
      .where({ code: 'HR' })
      .update({ webhook_url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k' });
    await buildUser(db, { department: 'HR', roles: ['steward'] });
    for (const field of ['staff_no', 'name', 'gender', 'unit_code', 'duty_status', 'title_rank', 'mobile', 'email'])
      for (const check of ['deadline', 'required', 'unique'] as const) await buildTicket(db, catalog, T0, { field, check });
  });
  afterAll(() => t.close());

  it('keeps the digest within 2,048 bytes for the robot, its title, whole lines, how many more and the link; the e-mail has every line', async () => {
    const fetch: FetchLike = async (_url, init) => {
      hooks.push(JSON.parse(init.body).text.content);
      // As WeCom answers a text over its limit.
      return Buffer.byteLength(JSON.parse(init.body).text.content) > 2048
        ? { ok: true, status: 200, body: '{"errcode":40058,"errmsg":"content exceed max length 2048"}' }
        : { ok: true, status: 200, body: '{"errcode":0,"errmsg":"ok"}' };
    };
    const notifier = createNotifier({
      db: t.db.knex,
      mailer: { send: async (m) => void mails.push(m.text) },
      logger: t.ctx.logger,
      baseUrl: 'https://hubwatch.example.edu.cn',
      fetch,
    });
    const res = await runDigest(t.ctx, { now: at('2026-10-09'), notifier });
    expect(res).toMatchObject({ sent: ['HR'], problems: [] });
    const tickets = await t.db.knex('tickets').where({ department_code: 'HR' }).select('id');
    expect(tickets.length).toBeGreaterThan(20);

    expect(hooks).toHaveLength(1);
    const content = hooks[0];
    expect(Buffer.byteLength(content)).toBeLessThanOrEqual(2048);
    const lines = content.split('\n');
    expect(lines[0]).toBe(`【数据质量日报】人事处 2026-10-09：${tickets.length} 个待整改工单`);
    expect(lines.at(-1)).toBe('https://hubwatch.example.edu.cn/tickets?status=active');
    const listed = lines.filter((l) => /^#\d+ \[/.test(l));
    expect(listed.length).toBeGreaterThan(5);
    // Each listed line whole, as the e-mail has it; the rest counted.
    for (const line of listed) expect(mails[0].split('\n')).toContain(line);
    expect(lines.at(-2)).toBe(`……还有 ${tickets.length - listed.length} 行未列出，完整内容见：`);
    // The e-mail is not cut.
    expect(mails[0].split('\n').filter((l) => /^#\d+ \[/.test(l))).toHaveLength(tickets.length);
  });
});
