import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run as runDigest } from '../../jobs/daily-digest';
import { run as remindAndEscalate } from '../../jobs/remind-and-escalate';
import { createNotifier, FetchLike, Mail } from '../../server/services/notifications';
import { createMailer } from '../../server/services/notifications/mailer';
import { buildUser } from '../factories';
import { buildTicket, exampleCatalog, seedCatalogDepartments } from '../factories/tickets';
import { createTestApp, signIn, TestApp } from '../helpers/app';

const catalog = exampleCatalog();
/** Filed Wednesday 2026-09-30: medium due 2026-10-13 (5wd), high due 2026-10-10 (3wd, the make-up Saturday). */
const T0 = new Date('2026-09-30T02:00:00Z');
const at = (day: string) => new Date(`${day}T00:30:00Z`); // 08:30 in Shanghai

describe('reminders, escalation and the daily digest', () => {
  let t: TestApp;
  let mails: Mail[];
  let hooks: { url: string; body: unknown }[];
  let notifier: ReturnType<typeof createNotifier>;
  let hrSteward: number;
  let hrLeader: number;
  let officeUser: number;

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.db.knex;
    await seedCatalogDepartments(db, catalog);
    await db('departments').where({ code: 'HR' }).update({ webhook_url: 'https://oapi.dingtalk.com/robot/send?access_token=t' });
    hrSteward = (await buildUser(db, { department: 'HR', roles: ['steward'] })).id;
    hrLeader = (await buildUser(db, { department: 'HR', roles: ['dept_leader'] })).id;
    officeUser = (await buildUser(db, { department: 'ITC', roles: ['it_office'] })).id;
  });
  afterAll(() => t.close());

  beforeEach(async () => {
    const db = t.db.knex;
    await db('ticket_events').delete();
    await db('tickets').delete();
    await db('notifications').delete();
    await db('department_digests').delete();
    mails = [];
    hooks = [];
    const fetch: FetchLike = async (url, init) => {
      hooks.push({ url, body: JSON.parse(init.body) });
      return { ok: true, status: 200 };
    };
    notifier = createNotifier({
      db,
      mailer: { send: async (m) => void mails.push(m) },
      logger: t.ctx.logger,
      baseUrl: 'http://hubwatch.test',
      fetch,
    });
  });

  const inbox = (userId: number) => t.db.knex('notifications').where({ user_id: userId }).orderBy('id');

  it('reminds once, on the working day before the due date, and not earlier', async () => {
    const ticket = await buildTicket(t.db.knex, catalog, T0); // due 2026-10-13 (Tue)
    // Friday 10-09: the next working day is the make-up Saturday 10-10, not the due date.
    expect((await remindAndEscalate(t.ctx, { now: at('2026-10-09'), notifier })).reminded).toEqual([]);
    // Monday 10-12 is the working day before Tuesday 10-13.
    expect((await remindAndEscalate(t.ctx, { now: at('2026-10-12'), notifier })).reminded).toEqual([ticket.id]);
    expect((await remindAndEscalate(t.ctx, { now: at('2026-10-12'), notifier })).reminded).toEqual([]);
    const notes = await inbox(hrSteward);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ kind: 'ticket.reminder' });
    // A reminder is the stewards' day-to-day work: the department leader is not reminded.
    expect(await inbox(hrLeader)).toEqual([]);
    expect(notes[0].body).toContain(`#${ticket.id}`);
    // Reminders do not e-mail: the department's mail is its daily digest.
    expect(mails).toEqual([]);
    expect(await t.db.knex('ticket_events').where({ ticket_id: ticket.id, kind: 'reminded' })).toHaveLength(1);
  });

  it('escalates an overdue ticket once, to the IT office at once, and not on its due date', async () => {
    const ticket = await buildTicket(t.db.knex, catalog, T0, { check: 'validate', field: 'id_card', severity: 'high' }); // due 10-10
    expect((await remindAndEscalate(t.ctx, { now: at('2026-10-10'), notifier })).escalated).toEqual([]);
    expect((await remindAndEscalate(t.ctx, { now: at('2026-10-11'), notifier })).escalated).toEqual([ticket.id]);
    expect((await remindAndEscalate(t.ctx, { now: at('2026-10-12'), notifier })).escalated).toEqual([]);
    const row = await t.db.knex('tickets').where({ id: ticket.id }).first();
    expect(row.escalated_at.toISOString()).toBe(at('2026-10-11').toISOString());
    const officeNotes = await inbox(officeUser);
    expect(officeNotes.map((n) => n.kind)).toEqual(['ticket.escalated']);
    // The office's notice lists departments by name.
    expect(officeNotes[0].body).toMatch(new RegExp(`^人事处（HR） #${ticket.id} \\[高\\] `));
    // The department hears of it too: its stewards, and its leader, whose business an escalation is.
    for (const user of [hrSteward, hrLeader]) {
      const notes = (await inbox(user)).filter((n) => n.kind === 'ticket.escalated');
      expect(notes).toHaveLength(1);
      expect(notes[0].title).toBe('【逾期】1 个质量工单已逾期，已上报信息化办公室');
    }
    expect(mails.filter((m) => m.subject.includes('督办'))).toHaveLength(0); // the office user has no e-mail address
    const audit = await t.db.knex('audit_log').where({ action: 'ticket.escalate', object_id: String(ticket.id) });
    expect(audit).toHaveLength(1);
  });

  it('sends one digest per department listing its tickets by urgency, once a day', async () => {
    const db = t.db.knex;
    const overdue = await buildTicket(db, catalog, T0, { field: 'name', severity: 'high' }); // due 10-10
    const soon = await buildTicket(db, catalog, T0, { field: 'gender' }); // due 10-13
    const fresh = await buildTicket(db, catalog, new Date('2026-10-11T02:00:00Z'), {
      field: 'email',
      check: 'validate',
      severity: 'low',
    });
    const stu = await buildTicket(db, catalog, T0, { table: 'student_status', field: 'grade', department: 'STU' });
    await db('tickets').where({ id: soon.id }).update({ status: 'acknowledged' });
    const resolved = await buildTicket(db, catalog, T0, { field: 'mobile', check: 'validate' });
    await db('tickets').where({ id: resolved.id }).update({ status: 'resolved' });

    const first = await runDigest(t.ctx, { now: at('2026-10-12'), notifier });
    expect(first.sent).toEqual(['HR', 'STU']);
    // …and the audit log's head, for the service log (an anchor for `audit verify --anchor`).
    const last = await t.db.knex('audit_log').orderBy('seq', 'desc').first('seq', 'row_hash');
    expect(first.auditHead).toBe(`${last.seq}:${String(last.row_hash).trim()}`);
    expect((await runDigest(t.ctx, { now: new Date('2026-10-12T09:00:00Z'), notifier })).sent).toEqual([]);

    const hrMail = mails.find((m) => m.to.includes('hr-steward@example.edu.cn'))!;
    expect(mails).toHaveLength(2);
    expect(hrMail.subject).toBe('【数据质量日报】人事处 2026-10-12：3 个待整改工单');
    const body = hrMail.text;
    expect(body).toContain('已逾期 1，即将到期 1，新增 1');
    const section = (name: string) => body.split(`【${name}】`)[1]?.split('【')[0] ?? '';
    expect(section('已逾期')).toContain(`#${overdue.id} `);
    expect(section('即将到期')).toContain(`#${soon.id} `);
    expect(section('新增')).toContain(`#${fresh.id} `);
    expect(body).not.toContain(`#${stu.id} `);
    expect(body).not.toContain(`#${resolved.id} `);
    expect(body).toContain('http://hubwatch.test/tickets?status=active');
    expect(hooks).toEqual([
      {
        url: 'https://oapi.dingtalk.com/robot/send?access_token=t',
        body: { msgtype: 'text', text: { content: expect.stringContaining('人事处') } },
      },
    ]);
    expect((await inbox(hrSteward)).map((n) => n.kind)).toEqual(['tickets.digest']);

    // The next day's digest counts as new only what arrived since the last one (nothing did).
    mails = [];
    await runDigest(t.ctx, { now: at('2026-10-13'), notifier });
    expect(mails.find((m) => m.to.includes('hr-steward@example.edu.cn'))!.text).toContain('新增 0');
  });

  it('sends a new high-severity ticket to the department at once', async () => {
    const { applyCheckResults } = await import('../../server/services/tickets');
    const { checkResult, exampleCalendar } = await import('../factories/tickets');
    await applyCheckResults(t.db.knex, {
      runId: 1,
      results: [checkResult({ field: 'id_card', check: 'validate', severity: 'high' }), checkResult({ field: 'name' })],
      catalog,
      calendar: exampleCalendar(catalog),
      now: T0,
      notifier,
    });
    expect(mails).toHaveLength(1);
    expect(mails[0].subject).toBe('【数据质量】1 个高严重度问题待整改');
    expect(mails[0].text).toContain('教职工基本信息·身份证号：3 条在职记录的身份证号无效（格式或校验位错误）');
    expect(hooks).toHaveLength(1);
  });

  it('tells the department, once, when the re-check it asked for still finds the problem (inbox only)', async () => {
    const { applyCheckResults, transitionTicket } = await import('../../server/services/tickets');
    const { checkResult, exampleCalendar } = await import('../factories/tickets');
    const db = t.db.knex;
    const ticket = await buildTicket(db, catalog, T0, { field: 'name' });
    const steward = await db('users').where({ id: hrSteward }).first();
    await transitionTicket(db, {
      ticketId: ticket.id,
      to: 'fixed',
      actor: { id: hrSteward, login: steward.login, name: steward.name, department: 'HR', roles: ['steward'], locale: 'zh-CN' },
      now: at('2026-10-09'),
    });
    const apply = (runId: number, day: string, violations: number) =>
      applyCheckResults(db, {
        runId,
        results: [checkResult({ field: 'name', violations })],
        catalog,
        calendar: exampleCalendar(catalog),
        now: new Date(at(day).getTime() + 3_600_000),
        notifier,
      });
    await apply(7, '2026-10-09', 2);
    expect((await db('tickets').where({ id: ticket.id }).first()).status).toBe('open');
    const notices = await inbox(hrSteward).where({ kind: 'ticket.recheck_failed' });
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      title: '【复查未通过】1 个标记为已整改的质量工单仍有问题',
      link: `/tickets/${ticket.id}`,
    });
    expect(notices[0].body).toContain(`#${ticket.id} [中]`);
    expect(notices[0].title_en).toBe('[Re-check failed] 1 ticket marked fixed still has problems');
    // The stewards who work the tickets; not the department's leader, not the IT office.
    expect(await inbox(hrLeader).where({ kind: 'ticket.recheck_failed' })).toHaveLength(0);
    expect(await inbox(officeUser).where({ kind: 'ticket.recheck_failed' })).toHaveLength(0);
    expect(mails).toEqual([]);
    // The next failing run finds the ticket open: nothing more to tell.
    await apply(8, '2026-10-10', 2);
    expect(await inbox(hrSteward).where({ kind: 'ticket.recheck_failed' })).toHaveLength(1);
  });

  it('an English reader reads the inbox in English; the e-mail stays Chinese, and older notices show as stored', async () => {
    const db = t.db.knex;
    const reader = await buildUser(db, { department: 'HR', roles: ['steward'] });
    const ticket = await buildTicket(db, catalog, T0);
    expect(ticket.message_en).toBe('教职工基本信息·职工号: 3 rows (在职) still empty 7 days after reporting for duty');
    await runDigest(t.ctx, { now: at('2026-10-09'), notifier });
    expect(mails.map((m) => m.subject)).toEqual([expect.stringMatching(/^【数据质量日报】/)]);
    // A notice from before notices kept English (or whose words someone typed): shown as stored.
    await db('notifications').insert({ user_id: reader.id, kind: 'ticket.reminder', title: '【提醒】旧通知', body: '' });

    const s = await signIn(t.app, reader.login, reader.password);
    const chinese = (await s.agent.get('/inbox').expect(200)).text;
    expect(chinese).toContain('【数据质量日报】');
    expect(chinese).toContain(ticket.message);
    await s.agent.post('/locale').type('form').send({ _csrf: s.csrf, locale: 'en', next: '/' }).expect(302);
    const english = (await s.agent.get('/inbox').expect(200)).text;
    expect(english).toContain('[Daily data-quality digest]');
    expect(english).toContain(`#${ticket.id} [Medium] ${ticket.message_en} (due ${ticket.due_at})`);
    expect(english).not.toContain('【数据质量日报】');
    expect(english).toContain('【提醒】旧通知');
  });

  it('writes real .eml files to DATA_DIR/outbox without SMTP', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hw-outbox-'));
    try {
      const mailer = createMailer({ smtpUrl: null, dataDir: dir, from: 'Hubwatch <hubwatch@example.edu.cn>' });
      await mailer.send({
        to: ['hr-steward@example.edu.cn'],
        subject: '【数据质量日报】人事处',
        text: '教职工基本信息·职工号：3 条',
      });
      const files = fs.readdirSync(path.join(dir, 'outbox'));
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/\.eml$/);
      const eml = fs.readFileSync(path.join(dir, 'outbox', files[0]), 'utf8');
      expect(eml).toMatch(/^To: hr-steward@example\.edu\.cn$/m);
      expect(eml).toMatch(/^Subject: =\?UTF-8\?/m);
      expect(eml).toMatch(/^MIME-Version: 1\.0$/m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
