import request from 'supertest';
import { issueApiToken } from '../../server/services/users';
import { buildUser } from '../factories';
import { applyCheckResults } from '../../server/services/tickets';
import { buildTicket, checkResult, exampleCalendar, exampleCatalog, seedCatalogDepartments } from '../factories/tickets';
import { createTestApp, csrfFrom, postForm, signIn, switchLocale, TestApp } from '../helpers/app';

const catalog = exampleCatalog();
const T0 = new Date('2026-09-30T02:00:00Z');

describe('ticket pages and API', () => {
  let t: TestApp;
  let hrTicket: number;
  let stuTicket: number;
  let hrToken: string;
  let officeToken: string;
  let hrSteward: { login: string; password: string };
  let office: { login: string; password: string };

  beforeAll(async () => {
    t = await createTestApp();
    // The app's clock: the day after filing, so nothing is overdue yet.
    t.ctx.now = () => new Date('2026-10-01T02:00:00Z');
    const db = t.db.knex;
    await seedCatalogDepartments(db, catalog);
    hrTicket = (await buildTicket(db, catalog, T0, { field: 'staff_no', violations: 3 })).id;
    stuTicket = (
      await buildTicket(db, catalog, T0, {
        table: 'student_status',
        field: 'id_card',
        department: 'STU',
        check: 'validate',
        severity: 'high',
        violations: 2,
        sampleKeys: [{ student_no: '2024000001' }],
      })
    ).id;
    const s = await buildUser(db, { department: 'HR', roles: ['steward'] });
    hrSteward = s;
    hrToken = await issueApiToken(db, s.id);
    const o = await buildUser(db, { department: 'ITC', roles: ['it_office'] });
    office = o;
    officeToken = await issueApiToken(db, o.id);
  });
  afterAll(() => t.close());

  const api = (token: string) => ({
    get: (path: string) => request(t.app).get(`/api/v1${path}`).set('Authorization', `Bearer ${token}`),
    post: (path: string, body: object) =>
      request(t.app).post(`/api/v1${path}`).set('Authorization', `Bearer ${token}`).send(body),
  });

  describe('department isolation', () => {
    it("lists only the steward's own department on the queue page, and refuses another department's ticket page", async () => {
      const { agent } = await signIn(t.app, hrSteward.login, hrSteward.password);
      const page = await agent.get('/tickets').expect(200);
      expect(page.text).toContain('教职工基本信息·职工号：3 条在职记录在报到 7 天后仍未填写');
      expect(page.text).not.toContain('本专科生学籍基本信息');
      // Asking for another department in the query string changes nothing.
      const forced = await agent.get('/tickets?department=STU').expect(200);
      expect(forced.text).toContain('教职工基本信息·职工号：3 条在职记录在报到 7 天后仍未填写');
      expect(forced.text).not.toContain('本专科生学籍基本信息');
      await agent.get(`/tickets/${hrTicket}`).expect(200);
      // Another department's ticket is as missing: the same 404 and words as a number no ticket has, so a steward
      // cannot learn which ticket numbers exist elsewhere.
      const elsewhere = await agent.get(`/tickets/${stuTicket}`).expect(404);
      const missing = await agent.get('/tickets/999999').expect(404);
      expect(elsewhere.text).toContain(`工单 #${stuTicket} 不存在，或不由本单位负责`);
      expect(missing.text).toContain('工单 #999999 不存在，或不由本单位负责');
    });

    it("gives the steward's API token the same view: own tickets only, another department's as missing", async () => {
      const list = await api(hrToken).get('/tickets').expect(200);
      expect(list.body.items.map((x: { id: number }) => x.id)).toEqual([hrTicket]);
      expect(list.body).toMatchObject({ total: 1, page: 1, per_page: 50 });
      await api(hrToken).get('/tickets?department=STU').expect(403);
      const elsewhere = await api(hrToken).get(`/tickets/${stuTicket}`).expect(404);
      const missing = await api(hrToken).get('/tickets/999999').expect(404);
      expect(elsewhere.body).toEqual({ error: 'not_found', message: `工单 #${stuTicket} 不存在，或不由本单位负责` });
      expect(missing.body).toEqual({ error: 'not_found', message: '工单 #999999 不存在，或不由本单位负责' });
      await api(hrToken).post(`/tickets/${stuTicket}/transitions`, { to: 'acknowledged' }).expect(404);
      // The IT office reads every ticket: a missing one is simply missing.
      expect((await api(officeToken).get('/tickets/999999').expect(404)).body.message).toBe('工单 #999999 不存在');
    });

    it('lets the IT office see every department, filter by one, and open any ticket', async () => {
      const all = await api(officeToken).get('/tickets').expect(200);
      expect(all.body.items.map((x: { department: string }) => x.department).sort()).toEqual(['HR', 'STU']);
      const stu = await api(officeToken).get('/tickets?department=STU&severity=high').expect(200);
      expect(stu.body.items).toHaveLength(1);
      const one = await api(officeToken).get(`/tickets/${stuTicket}`).expect(200);
      expect(one.body).toMatchObject({
        id: stuTicket,
        department: 'STU',
        table: 'student_status',
        field: 'id_card',
        check: 'validate',
        severity: 'high',
        status: 'open',
        violations: 2,
        due_at: '2026-10-10',
        reopened: 0,
      });
      expect(one.body.history.map((e: { kind: string }) => e.kind)).toEqual(['filed']);
    });

    it('names the bad filter with 422', async () => {
      const res = await api(officeToken).get('/tickets?status=done').expect(422);
      expect(res.body.fields.status).toContain('done');
    });
  });

  describe('transitions over the API', () => {
    it('acknowledges, then refuses acknowledging again with 409', async () => {
      const res = await api(hrToken)
        .post(`/tickets/${hrTicket}/transitions`, { to: 'acknowledged', comment: '已收到' })
        .expect(200);
      expect(res.body).toMatchObject({ id: hrTicket, status: 'acknowledged', version: 2 });
      const again = await api(hrToken).post(`/tickets/${hrTicket}/transitions`, { to: 'acknowledged' }).expect(409);
      expect(again.body.error).toBe('conflict');
      // The API keeps the 409 of a transition already made, and says so.
      expect(again.body.message).toBe(`工单 #${hrTicket} 已签收，本次提交未作改动`);
    });

    it('answers 422 naming the field for a bad body', async () => {
      const noTo = await api(hrToken).post(`/tickets/${hrTicket}/transitions`, { comment: 'x' }).expect(422);
      expect(Object.keys(noTo.body.fields)).toEqual(['to']);
      const badTo = await api(hrToken).post(`/tickets/${hrTicket}/transitions`, { to: 'resolved' }).expect(422);
      expect(Object.keys(badTo.body.fields)).toEqual(['to']);
    });

    it('judges the comment and version only once the action is possible: 404, 403 and 409 first, whatever was sent', async () => {
      const badBody = { to: 'acknowledged', comment: { a: 1 }, version: 'v1' };
      const missing = await api(hrToken).post('/tickets/999999/transitions', badBody).expect(404);
      expect(missing.body.error).toBe('not_found');
      const notANumber = await api(hrToken).post('/tickets/abc/transitions', badBody).expect(404);
      expect(notANumber.body.message).toBe('工单 #abc 不存在，或不由本单位负责');
      await api(hrToken).post(`/tickets/${stuTicket}/transitions`, badBody).expect(404);
      await api(hrToken)
        .post(`/tickets/${hrTicket}/transitions`, { ...badBody, to: 'closed' })
        .expect(403);
      await api(hrToken).post(`/tickets/${hrTicket}/transitions`, { to: 'acknowledged' });
      // Already acknowledged: 409 (nothing changed), not 422 for the comment.
      await api(hrToken).post(`/tickets/${hrTicket}/transitions`, badBody).expect(409);
      // Possible: now the body is judged, every bad field named.
      const judged = await api(hrToken)
        .post(`/tickets/${hrTicket}/transitions`, { ...badBody, to: 'fixed' })
        .expect(422);
      expect(Object.keys(judged.body.fields).sort()).toEqual(['comment', 'version']);
      const comment = await api(hrToken)
        .post(`/tickets/${hrTicket}/transitions`, { to: 'fixed', comment: [1] })
        .expect(422);
      expect(Object.keys(comment.body.fields)).toEqual(['comment']);
      // A number that is no version at all is a malformed body too, not a stale version (409).
      for (const version of [-1, 0, 1.5, 1e308, '2']) {
        const res = await api(hrToken).post(`/tickets/${hrTicket}/transitions`, { to: 'fixed', version });
        expect({ version, status: res.status, fields: res.body.fields }).toEqual({
          version,
          status: 422,
          fields: { version: 'version 应为工单的版本号（从 1 起的整数，如读取工单时的 version）' },
        });
      }
    });

    it('keeps closing to the IT office (403 for the steward) and requires a reason (422)', async () => {
      await api(hrToken).post(`/tickets/${hrTicket}/transitions`, { to: 'closed', comment: '不想改' }).expect(403);
      const noReason = await api(officeToken)
        .post(`/tickets/${hrTicket}/transitions`, { to: 'closed', comment: '  ' })
        .expect(422);
      expect(Object.keys(noReason.body.fields)).toEqual(['comment']);
      // The IT office does not work a department's ticket.
      await api(officeToken).post(`/tickets/${stuTicket}/transitions`, { to: 'fixed' }).expect(403);
    });

    it('refuses a stale version with 409 and changes nothing', async () => {
      const before = (await api(hrToken).get(`/tickets/${hrTicket}`).expect(200)).body;
      await api(hrToken)
        .post(`/tickets/${hrTicket}/transitions`, { to: 'fixed', version: before.version - 1 })
        .expect(409);
      expect((await api(hrToken).get(`/tickets/${hrTicket}`)).body.status).toBe(before.status);
    });
  });

  describe('pages', () => {
    /**
     * The version the ticket page's button to `to` carries as `session` opens it now: what that page sends later, after
     * a change made elsewhere (another tab, a colleague) or with a double click. Written once: three cases start so.
     */
    const versionOnPage = async (session: Awaited<ReturnType<typeof signIn>>, ticket: number, to: string) => {
      const page = await session.agent.get(`/tickets/${ticket}`).expect(200);
      return new RegExp(`name="to" value="${to}"><input type="hidden" name="version" value="(\\d+)"`).exec(page.text)![1];
    };

    it('shows a steward only the actions they may take, with CSRF-protected forms', async () => {
      const { agent } = await signIn(t.app, hrSteward.login, hrSteward.password);
      await agent.get(`/tickets/${stuTicket}`).expect(404);
      const own = await agent.get(`/tickets/${hrTicket}`).expect(200);
      expect(own.text).toContain('value="fixed"');
      expect(own.text).not.toContain('value="closed"');
      expect(own.text).not.toContain(`/tickets/${hrTicket}/reassign`);
      expect(own.text).toContain('name="_csrf"');
      expect(own.text).toContain('id="check-trend"');
    });

    it('takes a form sent twice as done: back to the ticket with a notice, nothing changed, whatever the input', async () => {
      const db = t.db.knex;
      const ticket = (await buildTicket(db, catalog, T0, { field: 'gender', check: 'codes', violations: 1 })).id;
      const events = async () => Number((await db('ticket_events').where({ ticket_id: ticket }).count({ n: '*' }))[0].n);
      const steward = await signIn(t.app, hrSteward.login, hrSteward.password);
      const version = await versionOnPage(steward, ticket, 'acknowledged');
      // 签收 clicked twice: both requests carry the version the page was shown with.
      const form = { to: 'acknowledged', version };
      await postForm(steward, `/tickets/${ticket}/transition`, form).expect(302);
      const [after, eventsAfter] = [await db('tickets').where({ id: ticket }).first('status', 'version'), await events()];
      const twice = await postForm(steward, `/tickets/${ticket}/transition`, { ...form, comment: '长'.repeat(3000) }).expect(302);
      expect(twice.headers.location).toBe(`/tickets/${ticket}`);
      const shown = await steward.agent.get(`/tickets/${ticket}`).expect(200);
      expect(shown.text).toContain(`<div class="flash flash-info" role="status">工单 #${ticket} 已签收，本次提交未作改动</div>`);
      expect(await db('tickets').where({ id: ticket }).first('status', 'version')).toEqual(after);
      expect(await events()).toBe(eventsAfter);

      // "Not our data" sent twice: one dispute, one notice to the IT office.
      const notices = () =>
        db('notifications')
          .where({ kind: 'ticket.disputed', link: `/tickets/${ticket}` })
          .count({ n: '*' });
      await postForm(steward, `/tickets/${ticket}/dispute`, { reason: '性别由学生处维护' }).expect(302);
      const noticesAfter = Number((await notices())[0].n);
      expect(noticesAfter).toBeGreaterThan(0);
      const again = await postForm(steward, `/tickets/${ticket}/dispute`, { reason: '长'.repeat(3000) }).expect(302);
      expect(again.headers.location).toBe(`/tickets/${ticket}`);
      expect((await steward.agent.get(`/tickets/${ticket}`).expect(200)).text).toContain(
        `工单 #${ticket} 已提出异议，等待信息化办公室处理`,
      );
      expect(Number((await db('ticket_events').where({ ticket_id: ticket, kind: 'disputed' }).count({ n: '*' }))[0].n)).toBe(1);
      expect(Number((await notices())[0].n)).toBe(noticesAfter);

      // The IT office's reassignment sent twice: the second finds the ticket with that department.
      const office_ = await signIn(t.app, office.login, office.password);
      const reassign = { department: 'STU', reason: '学生处维护' };
      await postForm(office_, `/tickets/${ticket}/reassign`, reassign).expect(302);
      const moved = await db('tickets').where({ id: ticket }).first('department_code', 'version');
      await postForm(office_, `/tickets/${ticket}/reassign`, reassign).expect(302);
      expect((await office_.agent.get(`/tickets/${ticket}`).expect(200)).text).toContain(
        `工单 #${ticket} 已属于该单位，本次提交未作改动`,
      );
      expect(await db('tickets').where({ id: ticket }).first('department_code', 'version')).toEqual(moved);
    });

    it("a stale page whose ticket the sender changed elsewhere (another tab) says so, not 'someone else'", async () => {
      const db = t.db.knex;
      const ticket = (await buildTicket(db, catalog, T0, { field: 'ethnicity', check: 'codes', violations: 1 })).id;
      const steward = await signIn(t.app, hrSteward.login, hrSteward.password);
      // Two tabs on the same ticket: the first sends a comment, the second then marks it fixed from the older page.
      const version = await versionOnPage(steward, ticket, 'fixed');
      await postForm(steward, `/tickets/${ticket}/comment`, { comment: '正在核对' }).expect(302);
      const before = await db('tickets').where({ id: ticket }).first('status', 'version');
      const stale = await postForm(steward, `/tickets/${ticket}/transition`, {
        to: 'fixed',
        version,
        comment: '已在人事系统更正',
      }).expect(409);
      expect(stale.text).toContain(
        `<div class="flash flash-error" role="alert" data-sent-back>工单 #${ticket} 在此页面打开后有了改动，最近一次是您在其他页面（另一个标签页或窗口）中作出的；请查看当前状态后重试</div>`,
      );
      expect(stale.text).toContain('已在人事系统更正</textarea>');
      expect(await db('tickets').where({ id: ticket }).first('status', 'version')).toEqual(before);
      await switchLocale(steward, 'en');
      const english = await postForm(steward, `/tickets/${ticket}/transition`, {
        to: 'fixed',
        version,
        comment: 'Fixed in the HR system',
      }).expect(409);
      expect(english.text).toContain(
        `Ticket #${ticket} has changed since this page was opened, last by you in another tab or window; check its current state and try again`,
      );
      await switchLocale(steward, 'zh-CN');
    });

    it('answers a real conflict with 409 on the ticket page as it is now, whatever the input', async () => {
      const db = t.db.knex;
      const ticket = (await buildTicket(db, catalog, T0, { field: 'ethnicity', check: 'codes', violations: 1 })).id;
      const hrLeader = await buildUser(db, { department: 'HR', roles: ['dept_leader'] });
      const steward = await signIn(t.app, hrSteward.login, hrSteward.password);
      const version = await versionOnPage(steward, ticket, 'fixed');
      // The department leader acknowledges while the steward's page is open: the steward's "fixed" is stale.
      const leader = await signIn(t.app, hrLeader.login, hrLeader.password);
      await postForm(leader, `/tickets/${ticket}/transition`, { to: 'acknowledged' }).expect(302);
      const stale = await postForm(steward, `/tickets/${ticket}/transition`, {
        to: 'fixed',
        version,
        comment: '已在人事系统更正',
      }).expect(409);
      expect(stale.text).toContain(
        `<div class="flash flash-error" role="alert" data-sent-back>工单 #${ticket} 已被他人修改，请查看当前状态后重试</div>`,
      );
      // The ticket page as it is now (acknowledged), with the typed text kept in its form.
      expect(stale.text).toContain(`<h1>#${ticket} `);
      expect(stale.text).toContain('<span class="badge acknowledged">已签收</span>');
      expect(stale.text).toContain('已在人事系统更正</textarea>');
      expect((await db('tickets').where({ id: ticket }).first('status')).status).toBe('acknowledged');

      // Not possible from its status: the statuses in words; refused before its over-long comment.
      await postForm(steward, `/tickets/${ticket}/transition`, { to: 'fixed' }).expect(302);
      const illegal = await postForm(steward, `/tickets/${ticket}/transition`, {
        to: 'acknowledged',
        comment: '长'.repeat(3000),
      }).expect(409);
      expect(illegal.text).toContain(`工单 #${ticket} 当前为“已整改待复查”，不能变更为“已签收”`);
      await switchLocale(steward, 'en');
      const english = await postForm(steward, `/tickets/${ticket}/transition`, { to: 'acknowledged' }).expect(409);
      expect(english.text).toContain(`Ticket #${ticket} is “Fixed, awaiting re-check”; it cannot become “Acknowledged”`);
      await switchLocale(steward, 'zh-CN');
    });

    it('says in the history why a fixed ticket came back: the failed re-check, its violations and its run', async () => {
      const db = t.db.knex;
      const ticket = (await buildTicket(db, catalog, T0, { field: 'report_date', check: 'required', violations: 4 })).id;
      const s = await signIn(t.app, hrSteward.login, hrSteward.password);
      await postForm(s, `/tickets/${ticket}/transition`, { to: 'fixed' }).expect(302);
      // The re-check (run 77), after the "fixed": 2 rows still violate.
      await applyCheckResults(db, {
        runId: 77,
        results: [checkResult({ field: 'report_date', check: 'required', violations: 2 })],
        catalog,
        calendar: exampleCalendar(catalog),
        now: new Date('2026-10-01T03:00:00Z'),
      });
      expect((await db('tickets').where({ id: ticket }).first('status')).status).toBe('open');
      const o = await signIn(t.app, office.login, office.password);
      const officePage = (await o.agent.get(`/tickets/${ticket}`).expect(200)).text;
      expect(officePage).toMatch(
        /已整改待复查 → 待签收\s*<span class="event-note">复查未通过：仍有 2 条记录不符合要求<\/span> · <a href="\/runs\/77">检查运行 #77<\/a>/,
      );
      // The steward may not open the runs pages: the run is named, not linked.
      const stewardPage = (await s.agent.get(`/tickets/${ticket}`).expect(200)).text;
      expect(stewardPage).toContain('复查未通过：仍有 2 条记录不符合要求</span> · <span class="muted">检查运行 #77</span>');
      expect(stewardPage).not.toContain('href="/runs/77"');
      await switchLocale(s, 'en');
      expect((await s.agent.get(`/tickets/${ticket}`).expect(200)).text).toContain(
        'Re-check failed: 2 rows still violate the check</span> · <span class="muted">Check run #77</span>',
      );
      await switchLocale(s, 'zh-CN');

      // A reassignment names both departments and the new due date.
      await postForm(o, `/tickets/${ticket}/reassign`, { department: 'STU', reason: '学生处维护' }).expect(302);
      const due = (await db('tickets').where({ id: ticket }).first('due_at')).due_at;
      expect((await o.agent.get(`/tickets/${ticket}`).expect(200)).text).toContain(
        `<span class="event-note">人事处（HR） → 学生处（STU），整改期限 ${due}</span>`,
      );
    });

    it('lets the IT office close with a reason from the page, and keeps the typed text on a missing reason', async () => {
      const { agent } = await signIn(t.app, office.login, office.password);
      const page = await agent.get(`/tickets/${stuTicket}`).expect(200);
      expect(page.text).toContain('value="closed"');
      expect(page.text).not.toContain('value="fixed"');
      const csrf = csrfFrom(page.text);
      const bad = await agent
        .post(`/tickets/${stuTicket}/transition`)
        .type('form')
        .send({ _csrf: csrf, to: 'closed', comment: '' })
        .expect(422);
      expect(bad.text).toContain('请填写理由');
      const reassign = await agent
        .post(`/tickets/${stuTicket}/reassign`)
        .type('form')
        .send({ _csrf: csrf, department: 'ADM', reason: '' })
        .expect(422);
      expect(reassign.text).toContain('<option value="ADM" selected>');
      const none = await agent.get('/tickets?view=overdue').expect(200);
      expect(none.text).toContain('没有符合条件的工单');
      // 2026-10-12: the high-severity STU ticket (due 10-10) is overdue, the HR one (due 10-13) is not.
      t.ctx.now = () => new Date('2026-10-12T02:00:00Z');
      try {
        const overdue = await agent.get('/tickets?view=overdue').expect(200);
        expect(overdue.text).toContain(`href="/tickets/${stuTicket}"`);
        expect(overdue.text).not.toContain(`href="/tickets/${hrTicket}"`);
        // Its badge reads as its neighbours do in English, capitalised as "Open" and "High" beside it (it read "overdue").
        await agent.post('/locale').type('form').send({ _csrf: csrf, locale: 'en', next: '/' }).expect(302);
        const badge = '<span class="badge bad">Overdue</span>';
        expect((await agent.get('/tickets?view=overdue').expect(200)).text).toContain(badge);
        expect((await agent.get(`/tickets/${stuTicket}`).expect(200)).text).toContain(badge);
        await agent.post('/locale').type('form').send({ _csrf: csrf, locale: 'zh-CN', next: '/' }).expect(302);
      } finally {
        t.ctx.now = () => new Date('2026-10-01T02:00:00Z');
      }
    });

    it("asks for the department of a reassignment in words, in the user's language, and changes nothing", async () => {
      const db = t.db.knex;
      const ticket = (await buildTicket(db, catalog, T0, { field: 'name', check: 'required' })).id;
      const before = await db('tickets').where({ id: ticket }).first('department_code', 'status', 'version');
      const events = async () => Number((await db('ticket_events').where({ ticket_id: ticket }).count({ n: '*' }))[0].n);
      const eventsBefore = await events();
      const it = await signIn(t.app, office.login, office.password);
      // The menu's first line says to choose (it was blank), as the app's other menus that must be chosen from do.
      const menu = (page: string) =>
        page.slice(
          page.indexOf('<select id="reassign-department"'),
          page.indexOf('</select>', page.indexOf('<select id="reassign-department"')),
        );
      expect(menu((await it.agent.get(`/tickets/${ticket}`).expect(200)).text)).toMatch(
        /^<select [^>]*><option value="">请选择<\/option><option value="ACA" >/,
      );
      await switchLocale(it, 'en');
      expect(menu((await it.agent.get(`/tickets/${ticket}`).expect(200)).text)).toContain('<option value="">Choose</option>');
      await switchLocale(it, 'zh-CN');
      const none = await postForm(it, `/tickets/${ticket}/reassign`, { department: '', reason: '学生信息' }).expect(422);
      expect(none.text).toContain('<p class="field-error" id="reassign-department-error">请在“改派给”中选择接收工单的单位</p>');
      expect(none.text).not.toContain('未知的单位代码');
      expect(none.text).toContain('学生信息</textarea>');
      expect(menu(none.text)).toContain('<option value="">请选择</option>');
      // A crafted `to` on the transition form: said in words, not as the API's codes.
      const crafted = await postForm(it, `/tickets/${ticket}/transition`, { to: 'resolved' }).expect(422);
      expect(crafted.text).toContain('无法识别要执行的操作，请刷新页面后重试');
      expect(crafted.text).not.toContain('to 应为');
      // The settings page's webhook form without its department: the settings page again, with the message.
      const hook = await postForm(it, '/tickets/settings/webhook', {
        department: '',
        webhook_url: 'https://oapi.dingtalk.com/robot/send?access_token=x',
      }).expect(422);
      expect(hook.text).toContain('请求中没有单位，请刷新页面后在要设置的单位一行中保存');
      expect(hook.text).toContain('action="/tickets/settings/webhook"');

      await switchLocale(it, 'en');
      const english = await postForm(it, `/tickets/${ticket}/reassign`, { department: '', reason: '' }).expect(422);
      expect(english.text).toContain('Choose the department to hand the ticket to in “Reassign to”');
      expect(english.text).toContain('A reason is required');
      await switchLocale(it, 'zh-CN');

      expect(await db('tickets').where({ id: ticket }).first('department_code', 'status', 'version')).toEqual(before);
      expect(await events()).toBe(eventsBefore);
    });

    it("keeps comments to the ticket's department and the IT office: a university leader reads the ticket but may not comment", async () => {
      const db = t.db.knex;
      const leader = await buildUser(db, { department: 'XXB', roles: ['univ_leader'] });
      const hrLeader = await buildUser(db, { department: 'HR', roles: ['dept_leader'] });
      const form = (id: number) => `action="/tickets/${id}/comment"`;
      const comments = async (id: number) =>
        Number((await db('ticket_events').where({ ticket_id: id, kind: 'comment' }).count({ n: '*' }))[0].n);
      const audits = async (id: number) =>
        Number(
          (
            await db('audit_log')
              .where({ object_type: 'ticket', object_id: String(id), action: 'ticket.comment' })
              .count({ n: '*' })
          )[0].n,
        );

      // The university leader: the page without the comment form, and a POST refused with the reason, nothing written.
      const l = await signIn(t.app, leader.login, leader.password);
      const page = await l.agent.get(`/tickets/${hrTicket}`).expect(200);
      expect(page.text).not.toContain(form(hrTicket));
      const before = await db('tickets').where({ id: hrTicket }).first('version', 'updated_at');
      const [commentsBefore, auditsBefore] = [await comments(hrTicket), await audits(hrTicket)];
      const refused = await postForm(l, `/tickets/${hrTicket}/comment`, { comment: '请人事处本周内完成' }).expect(403);
      expect(refused.text).toContain('只有工单责任单位的数据专员、部门负责人和信息化办公室可以添加备注');
      expect(await db('tickets').where({ id: hrTicket }).first('version', 'updated_at')).toEqual(before);
      expect([await comments(hrTicket), await audits(hrTicket)]).toEqual([commentsBefore, auditsBefore]);
      // An empty comment is refused for who first (403), not for the input (422 with a form the page does not show).
      await postForm(l, `/tickets/${hrTicket}/comment`, { comment: '' }).expect(403);
      // In the leader's language.
      await switchLocale(l, 'en');
      const english = await postForm(l, `/tickets/${stuTicket}/comment`, { comment: 'please hurry' }).expect(403);
      expect(english.text).toContain('Only the stewards and leaders of the responsible department and the IT office may comment');
      expect(await comments(stuTicket)).toBe(0);

      // The department's steward and leader, and the IT office (on any department's ticket), comment.
      for (const [who, id] of [
        [hrSteward, hrTicket],
        [hrLeader, hrTicket],
        [office, stuTicket],
      ] as const) {
        const s = await signIn(t.app, who.login, who.password);
        expect((await s.agent.get(`/tickets/${id}`).expect(200)).text).toContain(form(id));
        await postForm(s, `/tickets/${id}/comment`, { comment: '已通知相关人员' }).expect(302);
      }
      expect([await comments(hrTicket), await comments(stuTicket)]).toEqual([commentsBefore + 2, 1]);
    });

    it('bulk-acknowledges the selected tickets the user may acknowledge, in one POST', async () => {
      const db = t.db.knex;
      const a = await buildTicket(db, catalog, T0, { field: 'name' });
      const b = await buildTicket(db, catalog, T0, { field: 'gender' });
      const steward = await signIn(t.app, hrSteward.login, hrSteward.password);
      await postForm(steward, '/tickets/acknowledge', `ids=${a.id}&ids=${b.id}&ids=${stuTicket}`).expect(302);
      const status = async (id: number) => (await db('tickets').where({ id }).first()).status;
      expect([await status(a.id), await status(b.id), await status(stuTicket)]).toEqual(['acknowledged', 'acknowledged', 'open']);
    });

    it('shows each user only their own inbox and marks only their own notices read', async () => {
      const db = t.db.knex;
      const mine = await db('users').where({ login: hrSteward.login }).first('id');
      const theirs = await db('users').where({ login: office.login }).first('id');
      const [own] = await db('notifications')
        .insert({
          user_id: mine.id,
          kind: 'ticket.reminder',
          title: '【提醒】工单将到期',
          body: '#1',
          link: `/tickets/${hrTicket}`,
        })
        .returning('id');
      const [other] = await db('notifications')
        .insert({ user_id: theirs.id, kind: 'ticket.escalated', title: '【督办】逾期工单', body: '#2' })
        .returning('id');
      const steward = await signIn(t.app, hrSteward.login, hrSteward.password);
      const page = await steward.agent.get('/inbox').expect(200);
      expect(page.text).toContain('【提醒】工单将到期');
      expect(page.text).not.toContain('【督办】逾期工单');
      await postForm(steward, '/inbox/read', { id: String(other.id) }).expect(302);
      expect((await db('notifications').where({ id: other.id }).first()).read_at).toBeNull();
      const open = await postForm(steward, '/inbox/read', { id: String(own.id), next: `/tickets/${hrTicket}` }).expect(302);
      expect(open.headers.location).toBe(`/tickets/${hrTicket}`);
      expect((await db('notifications').where({ id: own.id }).first()).read_at).not.toBeNull();
    });

    it('keeps the settings page to the IT office and validates each severity', async () => {
      const steward = await signIn(t.app, hrSteward.login, hrSteward.password);
      await steward.agent.get('/tickets/settings').expect(403);
      const { agent } = await signIn(t.app, office.login, office.password);
      const page = await agent.get('/tickets/settings').expect(200);
      const csrf = csrfFrom(page.text);
      const bad = await agent
        .post('/tickets/settings')
        .type('form')
        .send({ _csrf: csrf, high: '0', medium: '5', low: 'x' })
        .expect(422);
      expect(bad.text).toContain('应为 1–60 之间的整数');
      // Full-width digits, as a Chinese input method in full-width mode types them (and its ideographic space), count.
      await agent
        .post('/tickets/settings')
        .type('form')
        .send({ _csrf: csrf, high: '２', medium: '\u3000４', low: '８' })
        .expect(302);
      expect((await t.db.knex('settings').where({ key: 'tickets.due_working_days' }).first()).value).toEqual({
        high: 2,
        medium: 4,
        low: 8,
      });
      // Still whole numbers only: a sign, a decimal point or an exponent is refused.
      for (const low of ['+8', '8.0', '1e1', '８.５'])
        await agent.post('/tickets/settings').type('form').send({ _csrf: csrf, high: '2', medium: '4', low }).expect(422);
      await agent.post('/tickets/settings').type('form').send({ _csrf: csrf, high: '2', medium: '4', low: '8' }).expect(302);
      await agent
        .post('/tickets/settings/webhook')
        .type('form')
        .send({ _csrf: csrf, department: 'HR', webhook_url: 'javascript:alert(1)' })
        .expect(422);
      await agent
        .post('/tickets/settings/webhook')
        .type('form')
        .send({ _csrf: csrf, department: 'HR', webhook_url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc' })
        .expect(302);
      expect((await t.db.knex('departments').where({ code: 'HR' }).first()).webhook_url).toBe(
        'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc',
      );
    });

    it('keeps department webhooks to https robots on public hosts: no http, no loopback, link-local or unspecified host', async () => {
      const db = t.db.knex;
      const robot = 'https://oapi.dingtalk.com/robot/send?access_token=abc';
      await db('departments').where({ code: 'FIN' }).update({ webhook_url: robot });
      const audits = async () => Number((await db('audit_log').where({ action: 'department.webhook' }).count({ n: '*' }))[0].n);
      const auditsBefore = await audits();
      const it = await signIn(t.app, office.login, office.password);
      const save = (url: string) => postForm(it, '/tickets/settings/webhook', { department: 'FIN', webhook_url: url });
      const https = '应为 https:// 开头的网址';
      const host = '不能指向本机、链路本地或未指定地址';
      for (const [url, message] of [
        ['http://169.254.169.254/latest/meta-data', https],
        ['http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc', https],
        ['ftp://example.edu.cn/hook', https],
        ['https://169.254.169.254/latest/meta-data', host],
        ['https://localhost/hook', host],
        ['https://LOCALHOST./hook', host],
        ['https://robot.localhost/hook', host],
        ['https://127.0.0.1:8080/hook', host],
        ['https://127.1/hook', host],
        ['https://2130706433/hook', host],
        ['https://0x7f.0.0.1/hook', host],
        ['https://0.0.0.0/hook', host],
        ['https://[::1]/hook', host],
        ['https://[::]/hook', host],
        ['https://[::ffff:169.254.169.254]/hook', host],
        ['https://[fe80::1]/hook', host],
      ]) {
        const res = await save(url).expect(422);
        expect([url, res.text.includes(message)]).toEqual([url, true]);
        // The typed URL comes back in its row's input, escaped.
        expect(res.text).toContain(`value="${url.replace(/&/g, '&amp;').replace(/=/g, '&#x3D;')}"`);
      }
      expect((await db('departments').where({ code: 'FIN' }).first('webhook_url')).webhook_url).toBe(robot);
      expect(await audits()).toBe(auditsBefore);

      // WeCom and DingTalk robots are saved.
      for (const url of [
        'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k-1',
        'https://oapi.dingtalk.com/robot/send?access_token=t-2',
      ]) {
        await save(url).expect(302);
        expect((await db('departments').where({ code: 'FIN' }).first('webhook_url')).webhook_url).toBe(url);
      }
      // Saved for the department by its name.
      expect((await it.agent.get('/tickets/settings').expect(200)).text).toContain('财务处（FIN）的 Webhook 已保存。');

      await switchLocale(it, 'en');
      expect((await save('https://[::1]/hook').expect(422)).text).toContain(
        'must not point at this machine or a link-local or unspecified address',
      );
      expect((await save('http://oapi.dingtalk.com/robot/send').expect(422)).text).toContain('must be an https:// URL');
      await switchLocale(it, 'zh-CN');
    });
  });

  describe("the ticket page's boxes with a NUL or a direction override", () => {
    it('come back in their form with the text and the message beside the box, the summary naming it; nothing written', async () => {
      const db = t.db.knex;
      const id = (await buildTicket(db, catalog, T0, { field: 'name', violations: 2 })).id;
      const steward = await signIn(t.app, hrSteward.login, hrSteward.password);
      const before = await db('ticket_events').where({ ticket_id: id }).count({ n: '*' }).first();
      const ticketBefore = await db('tickets').where({ id }).first('status', 'version', 'disputed_at', 'extension_days');
      // A phone number copied from a Windows app comes wrapped in U+202A … U+202C: it was the bare error page, the
      // comment gone.
      const phone = '请联系本人 \u202a13812345678\u202c 核实';
      const comment = await postForm(steward, `/tickets/${id}/comment`, { comment: phone });
      expect(comment.status).toBe(422);
      expect(comment.text).not.toContain('class="error-page"');
      expect(comment.text).toContain(`>${phone}</textarea>`);
      expect(comment.text).toMatch(/id="comment-error"[^>]*>文本中含有看不见的控制字符/);
      expect(comment.text).toContain('<a href="#comment-error">备注：文本中含有看不见的控制字符');
      // A NUL is sent back as the browser shows it; the dispute's reason in the dispute's box.
      const dispute = await postForm(steward, `/tickets/${id}/dispute`, { reason: '非本单位\u0000数据' });
      expect(dispute.status).toBe(422);
      expect(dispute.text).toContain('>非本单位\ufffd数据</textarea>');
      expect(dispute.text).toMatch(/id="dispute-reason-error"[^>]*>文本中含有看不见的控制字符/);
      // With the form's other mistakes, all at once; the fix note too.
      const extension = await postForm(steward, `/tickets/${id}/extension`, { days: '0', reason: '\u202e待核实' });
      expect(extension.status).toBe(422);
      expect(extension.text).toContain('<a href="#extension-days-error">');
      expect(extension.text).toContain('<a href="#extension-reason-error">延期理由：文本中含有看不见的控制字符');
      const fixed = await postForm(steward, `/tickets/${id}/transition`, { to: 'fixed', comment: '已更正\u0000' });
      expect(fixed.status).toBe(422);
      expect(fixed.text).toMatch(/id="fix-comment-error"[^>]*>文本中含有看不见的控制字符/);
      expect(await db('ticket_events').where({ ticket_id: id }).count({ n: '*' }).first()).toEqual(before);
      expect(await db('tickets').where({ id }).first('status', 'version', 'disputed_at', 'extension_days')).toEqual(ticketBefore);
      // In English as well.
      await switchLocale(steward, 'en');
      const en = await postForm(steward, `/tickets/${id}/comment`, { comment: phone });
      expect(en.status).toBe(422);
      expect(en.text).toContain('<a href="#comment-error">Comment: The text contains an invisible control character');
      await switchLocale(steward, 'zh-CN');
      // The API's body is refused before any route reads it, as before.
      const viaApi = await api(hrToken).post(`/tickets/${id}/transitions`, { to: 'acknowledged', comment: phone });
      expect(viaApi.status).toBe(422);
    });
  });

  describe('the error page', () => {
    it("names a refused field as the form does, in the reader's language, never by its key", async () => {
      const steward = await signIn(t.app, hrSteward.login, hrSteward.password);
      const before = await t.db.knex('ticket_events').count({ n: '*' }).first();
      // A NUL character in a field no route checks itself is refused before any route reads it: the generic error
      // page (the ticket page's text boxes come back in their form: above).
      const zhPage = await postForm(steward, `/tickets/${hrTicket}/transition`, { to: 'acknowledged', version: '1\u0000' });
      expect(zhPage.status).toBe(422);
      expect(zhPage.text).toContain('class="error-page"');
      expect(zhPage.text).toContain(
        '<li><strong>版本</strong>：文本中含有看不见的控制字符（常见于从其他程序复制电话号码或文字时一并带入）：请删除这部分后重新输入（字符代码 \\u0000）</li>',
      );
      expect(zhPage.text).not.toContain('<strong>version</strong>');

      await switchLocale(steward, 'en');
      const enPage = await postForm(steward, `/tickets/${hrTicket}/transition`, { to: 'acknowledged', version: '1\u0000' });
      expect(enPage.status).toBe(422);
      expect(enPage.text).toContain(
        '<li><strong>Version</strong>: The text contains an invisible control character (often copied in with a phone number or text from another program): delete that part and type it again (character code \\u0000)</li>',
      );
      // The whole page speaks the reader's language, navigation included, as a refused CSRF token's page does.
      expect(enPage.text).toContain('<html lang="en">');
      expect(enPage.text).toContain('Back to the home page');
      expect(enPage.text).toContain('href="/tickets"');
      const forged = await steward.agent
        .post(`/tickets/${hrTicket}/comment`)
        .type('form')
        .send({ _csrf: 'forged', comment: 'x' });
      expect(forged.status).toBe(403);
      expect(forged.text).toContain('<html lang="en">');
      expect(forged.text).toContain('The page has expired');
      await switchLocale(steward, 'zh-CN');
      // The same for a right-to-left override (which would show the text after it reversed to every reader): in a
      // comment, beside its box.
      const rlo = await postForm(steward, `/tickets/${hrTicket}/comment`, { comment: '请核对\u202e8765' });
      expect(rlo.status).toBe(422);
      expect(rlo.text).toMatch(/id="comment-error"[^>]*>文本中含有看不见的控制字符/);
      // The message names the character found (it listed \\u0000 or \\u202A–\\u202E whatever was there).
      expect(rlo.text).toMatch(/id="comment-error"[^>]*>[^<]*请删除这部分后重新输入（字符代码 \\u202E）<\/p>/);
      expect(await t.db.knex('ticket_events').count({ n: '*' }).first()).toEqual(before);
      // A query string refuses the isolates too (a filter pasted from a chat): named, which the list of codes left out.
      const isolate = await steward.agent.get('/tickets?department=\u2066HR\u2069').expect(422);
      expect(isolate.text).toContain('请删除这部分后重新输入（字符代码 \\u2066 \\u2069）</li>');
      await switchLocale(steward, 'en');
      expect((await steward.agent.get('/tickets?department=HR\u2069').expect(422)).text).toContain(
        'delete that part and type it again (character code \\u2069)</li>',
      );
      await switchLocale(steward, 'zh-CN');
      // The isolates chat apps and Android keyboards put, invisibly, around a pasted name are removed, not refused:
      // the writer could neither see nor find them, and lost the whole form.
      await postForm(steward, `/tickets/${hrTicket}/comment`, {
        comment: '姓名应为\u2068王小明\u2069，\u2066工号\u2067 20190001\u2069',
      }).expect(302);
      const isolated = await t.db.knex('ticket_events').where({ ticket_id: hrTicket }).orderBy('id', 'desc').first('comment');
      expect(isolated.comment).toBe('姓名应为王小明，工号 20190001');
      // Text pasted from Word or PowerPoint (a vertical tab, a form feed, an escape), tabs and line breaks are text.
      await postForm(steward, `/tickets/${hrTicket}/comment`, { comment: '第一行\n\t第二行\u000b第三行\u000c\u001b' }).expect(
        302,
      );
    });
  });
});
