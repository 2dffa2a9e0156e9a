import { ReportsWorld, useReportsWorld } from '../factories/reports';

/**
 * Error report forms sent twice — a double click, or the page re-posted from the browser's history —
 * do what they do once: the second post changes nothing and says so.
 */

const world = useReportsWorld();

const count = async (table: string) => Number((await world.db(table).count({ n: '*' }).first())?.n);
const formIdOn = (html: string) => /name="form_id" value="([0-9a-f]{32})"/.exec(html)?.[1];

/** Posts the report form as the browser does (multipart, the CSRF token in the action URL). */
async function postReport(who: keyof ReportsWorld, fields: Record<string, string>) {
  const s = await world.as(who);
  let req = s.agent.post('/reports').field('_csrf', s.csrf).set('Accept', 'text/html');
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  return req;
}
const reportForm = (over: Record<string, string> = {}) => ({
  table: 'staff_basic',
  field: 'political_status',
  'record_key[staff_no]': '20190001',
  description: '应为中共党员',
  suggested_value: '中共党员',
  action: 'submit',
  ...over,
});

describe('the report form', () => {
  it('files one report when it is sent twice, the second post going to the report the first one filed', async () => {
    const page = await (await world.as('reporter')).agent.get('/reports/new?table=staff_basic').expect(200);
    const formId = formIdOn(page.text)!;
    expect(formId).toBeDefined();
    const before = await count('reports');
    const events = await count('ticket_events');
    // A double click: both posts at once.
    const [a, b] = await Promise.all([
      postReport('reporter', reportForm({ form_id: formId })),
      postReport('reporter', reportForm({ form_id: formId })),
    ]);
    expect(await count('reports')).toBe(before + 1);
    expect(await count('ticket_events')).toBe(events + 1);
    const report = await world.db('reports').orderBy('id', 'desc').first('id', 'ticket_id');
    expect([a.headers.location, b.headers.location]).toEqual([`/reports/${report.id}`, `/reports/${report.id}`]);
    expect((await world.db('tickets').where({ id: report.ticket_id }).first()).occurrences).toBe(1);
    // Sent again later (back in the browser's history): still that report, and its page says nothing was sent again.
    const again = await postReport('reporter', reportForm({ form_id: formId }));
    expect(again.status).toBe(303);
    expect(again.headers.location).toBe(`/reports/${report.id}`);
    const shown = await (await world.as('reporter')).agent.get(`/reports/${report.id}`).expect(200);
    expect(shown.text).toContain(`这份表单已提交为报告 #${report.id}，本次没有再提交`);
    expect(await count('reports')).toBe(before + 1);
  });

  it('keeps its id while it comes back (a mistake, a look-up), and a new form files a new report', async () => {
    const page = await (await world.as('reporter2')).agent.get('/reports/new').expect(200);
    const formId = formIdOn(page.text)!;
    const refused = await postReport('reporter2', reportForm({ form_id: formId, description: '' }));
    expect(refused.status).toBe(422);
    expect(formIdOn(refused.text)).toBe(formId);
    const looked = await postReport('reporter2', reportForm({ form_id: formId, action: 'lookup' }));
    expect(formIdOn(looked.text)).toBe(formId);
    const before = await count('reports');
    const filed = await postReport('reporter2', reportForm({ form_id: formId }));
    expect(filed.status).toBe(302);
    expect(await count('reports')).toBe(before + 1);
    // Another form (a fresh page) is another report.
    const next = formIdOn((await (await world.as('reporter2')).agent.get('/reports/new').expect(200)).text)!;
    expect(next).not.toBe(formId);
    await postReport('reporter2', reportForm({ form_id: next, field: 'name', description: '姓名有误' }));
    expect(await count('reports')).toBe(before + 2);
  });

  it('is not taken over by someone else sending its id', async () => {
    const page = await (await world.as('reporter')).agent.get('/reports/new').expect(200);
    const formId = formIdOn(page.text)!;
    await postReport('reporter', reportForm({ form_id: formId, field: 'mobile', description: '手机号有误' }));
    const before = await count('reports');
    const other = await postReport('reporter2', reportForm({ form_id: formId, field: 'mobile', description: '手机号有误' }));
    expect(other.status).toBe(302);
    expect(await count('reports')).toBe(before + 1);
    const mine = await world.db('reports').orderBy('id', 'desc').first('id', 'reporter_id');
    expect(Number(mine.reporter_id)).toBe(world.people.reporter2.id);
    expect(other.headers.location).toBe(`/reports/${mine.id}`);
  });
});

/** Files a report through the form (no form id: each call is a new report) on staff member `staffNo`'s `field`. */
async function file(who: keyof ReportsWorld, staffNo: string, field = 'title_rank') {
  const res = await postReport(
    who,
    reportForm({ field, 'record_key[staff_no]': staffNo, description: '有误', suggested_value: '' }),
  );
  expect(res.status).toBe(302);
  return world.db('reports').orderBy('id', 'desc').first('id', 'ticket_id');
}
async function answer(who: keyof ReportsWorld, ticketId: number, fields: Record<string, string>) {
  const s = await world.as(who);
  let req = s.agent.post(`/reports/tickets/${ticketId}/answer`).field('_csrf', s.csrf).set('Accept', 'text/html');
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  return req;
}
async function reporterPost(who: keyof ReportsWorld, path: string, form: Record<string, string> = {}) {
  const s = await world.as(who);
  return s.agent
    .post(path)
    .type('form')
    .send({ _csrf: s.csrf, ...form });
}
const kinds = async (ticketId: number) =>
  (await world.db('ticket_events').where({ ticket_id: ticketId }).orderBy('id').select('kind')).map((e) => e.kind);
const audits = async (ticketId: number) =>
  Number(
    (
      await world
        .db('audit_log')
        .where({ object_type: 'ticket', object_id: String(ticketId) })
        .count({ n: '*' })
        .first()
    )?.n,
  );
const notice = async (who: keyof ReportsWorld, path: string) => {
  const page = await (await world.as(who)).agent.get(path).expect(200);
  return /<div class="flash flash-(\w+)"[^>]*>([^<]*)<\/div>/.exec(page.text)?.slice(1, 3);
};

describe('answers and the reporter’s reply sent twice', () => {
  it('the department’s "fixed" sent twice (a double click) is given once; the second post says nothing was changed', async () => {
    const r = await file('reporter', '20190011');
    const [a, b] = await Promise.all([
      answer('hrSteward', r.ticket_id, { answer: 'fixed', comment: '已更正' }),
      answer('hrSteward', r.ticket_id, { answer: 'fixed', comment: '已更正' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([302, 303]);
    expect(await kinds(r.ticket_id)).toEqual(['reported', 'answered']);
    // Sent once more from the page left open: back to the ticket, told so.
    const again = await answer('hrSteward', r.ticket_id, { answer: 'fixed', comment: '已更正' });
    expect([again.status, again.headers.location]).toEqual([303, `/reports/tickets/${r.ticket_id}`]);
    expect(await notice('hrSteward', `/reports/tickets/${r.ticket_id}`)).toEqual([
      'info',
      `纠错工单 #${r.ticket_id} 已答复“已整改”，正在等待报告人确认；本次提交未作改动`,
    ]);
    expect(await kinds(r.ticket_id)).toEqual(['reported', 'answered']);
    // Another answer on an answered ticket is still a conflict, named in words.
    const other = await answer('hrSteward', r.ticket_id, { answer: 'not_error', comment: '无误' });
    expect(other.status).toBe(409);
    expect(other.text).toContain('纠错工单当前状态为“已整改待确认”，不能答复“数据无误”');
  });

  it('"not an error" and "not ours" sent twice change nothing the second time and say so', async () => {
    const r = await file('reporter', '20190012');
    expect((await answer('hrSteward', r.ticket_id, { answer: 'not_error', comment: '以聘任文件为准' })).status).toBe(302);
    const events = await kinds(r.ticket_id);
    const audited = await audits(r.ticket_id);
    const again = await answer('hrSteward', r.ticket_id, { answer: 'not_error', comment: '以聘任文件为准' });
    expect([again.status, again.headers.location]).toEqual([303, `/reports/tickets/${r.ticket_id}`]);
    expect(await notice('hrSteward', `/reports/tickets/${r.ticket_id}`)).toEqual([
      'info',
      `纠错工单 #${r.ticket_id} 已答复“数据无误”并关闭；本次提交未作改动`,
    ]);
    expect([await kinds(r.ticket_id), await audits(r.ticket_id)]).toEqual([events, audited]);

    const o = await file('reporter', '20190013', 'political_status');
    expect((await answer('orgSteward', o.ticket_id, { answer: 'not_ours', comment: '应由人事处维护' })).status).toBe(302);
    const state = await world.db('report_tickets').where({ ticket_id: o.ticket_id }).first();
    const second = await answer('orgSteward', o.ticket_id, { answer: 'not_ours', comment: '应由人事处维护' });
    expect([second.status, second.headers.location]).toEqual([303, `/reports/tickets/${o.ticket_id}`]);
    expect(await notice('orgSteward', `/reports/tickets/${o.ticket_id}`)).toEqual([
      'info',
      `工单 #${o.ticket_id} 已提出异议，等待信息化办公室处理`,
    ]);
    expect(await world.db('report_tickets').where({ ticket_id: o.ticket_id }).first()).toEqual(state);
    expect(await kinds(o.ticket_id)).toEqual(['reported', 'disputed']);
  });

  it('the reporter’s confirm and reopen sent twice are done once, and the page says so in the reader’s language', async () => {
    const r = await file('reporter', '20190014');
    await answer('hrSteward', r.ticket_id, { answer: 'fixed' });
    expect((await reporterPost('reporter', `/reports/${r.id}/confirm`)).status).toBe(302);
    const again = await reporterPost('reporter', `/reports/${r.id}/confirm`);
    expect([again.status, again.headers.location]).toEqual([303, `/reports/${r.id}`]);
    expect(await notice('reporter', `/reports/${r.id}`)).toEqual(['info', '该报告已解决，本次提交未作改动']);
    expect(await kinds(r.ticket_id)).toEqual(['reported', 'answered', 'confirmed']);

    // Reopen (once allowed), sent twice: one reopen, not "责任单位答复后才能重新打开".
    expect((await reporterPost('reporter', `/reports/${r.id}/reopen`, { comment: '仍未更正' })).status).toBe(302);
    const twice = await reporterPost('reporter', `/reports/${r.id}/reopen`, { comment: '仍未更正' });
    expect([twice.status, twice.headers.location]).toEqual([303, `/reports/${r.id}`]);
    expect(await notice('reporter', `/reports/${r.id}`)).toEqual(['info', '已重新打开，退回责任单位处理；本次提交未作改动']);
    expect(await kinds(r.ticket_id)).toEqual(['reported', 'answered', 'confirmed', 'reopened']);
    expect((await world.db('report_tickets').where({ ticket_id: r.ticket_id }).first()).reporter_reopens).toBe(1);
    // Someone else's reopen is not this reporter's: a second reporter's reopen of the open ticket is still refused.
    const other = await file('reporter2', '20190014');
    expect(other.ticket_id).toBe(r.ticket_id);
    const refused = await reporterPost('reporter2', `/reports/${other.id}/reopen`, { comment: '不对' });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('报告当前状态为“待处理”，责任单位答复后才能重新打开');

    // In English too.
    const en = await world.as('reporter');
    await en.agent.post('/locale').type('form').send({ _csrf: en.csrf, locale: 'en', next: '/' }).expect(302);
    await reporterPost('reporter', `/reports/${r.id}/reopen`, { comment: '仍未更正' });
    expect(await notice('reporter', `/reports/${r.id}`)).toEqual([
      'info',
      'Already reopened and back with the department; nothing was changed',
    ]);
    await en.agent.post('/locale').type('form').send({ _csrf: en.csrf, locale: 'zh-CN', next: '/' }).expect(302);
  });
});

describe('the IT office’s triage sent twice', () => {
  const office = () => world.as('office');
  const triage = (on: boolean) => world.triageFirst(on);
  const act = async (id: number, action: 'route' | 'reject', form: Record<string, string>) => {
    const s = await office();
    return s.agent
      .post(`/reports/${id}/${action}`)
      .type('form')
      .send({ _csrf: s.csrf, back: '/reports/triage', ...form });
  };
  const queueNotice = () => notice('office', '/reports/triage');
  afterAll(() => triage(false));

  it('a route or a reject sent twice is done once and says so; the other action afterwards names what became of the report', async () => {
    await triage(true);
    const routed = await file('reporter', '20190021');
    const rejected = await file('reporter', '20190022');
    expect([routed.ticket_id, rejected.ticket_id]).toEqual([null, null]);
    await queueNotice();

    const [a, b] = await Promise.all([
      act(routed.id, 'route', { department: 'HR' }),
      act(routed.id, 'route', { department: 'HR' }),
    ]);
    expect([a.status, b.status]).toEqual([302, 302]);
    const ticket = (await world.db('reports').where({ id: routed.id }).first('ticket_id')).ticket_id;
    expect(await kinds(ticket)).toEqual(['reported']);
    await queueNotice();
    await act(routed.id, 'route', { department: 'HR' });
    expect(await queueNotice()).toEqual(['info', `报告 #${routed.id} 已分派（工单 #${ticket}），本次提交未作改动`]);
    await act(routed.id, 'reject', { reason: '不是数据问题' });
    expect(await queueNotice()).toEqual(['error', `报告 #${routed.id} 已分派（工单 #${ticket}），不能再标记为不受理`]);
    expect((await world.db('reports').where({ id: routed.id }).first()).status).toBe('routed');

    expect((await act(rejected.id, 'reject', { reason: '不是数据问题' })).status).toBe(302);
    await queueNotice();
    const inbox = async () =>
      Number((await world.db('notifications').where({ user_id: world.people.reporter.id }).count({ n: '*' }).first())?.n);
    const notices = await inbox();
    await act(rejected.id, 'reject', { reason: '不是数据问题' });
    expect(await queueNotice()).toEqual(['info', `报告 #${rejected.id} 已标记为不受理，本次提交未作改动`]);
    expect(await inbox()).toBe(notices);
    await act(rejected.id, 'route', { department: 'HR' });
    expect(await queueNotice()).toEqual(['error', `报告 #${rejected.id} 已标记为不受理，不能再分派`]);
  });

  it('tells the reporter why a report was not accepted, in their language, and its page shows its steps', async () => {
    await triage(true);
    const waiting = await file('reporter', '20190023');
    const turnedDown = await file('reporter', '20190024');
    const reporter = await world.as('reporter');
    const historyOf = async (id: number) => {
      const page = (await reporter.agent.get(`/reports/${id}`).expect(200)).text;
      return /<h2>处理进展<\/h2>([\s\S]*?)(<h2|<\/main>)/.exec(page)![1];
    };
    // Waiting for the IT office: sent, nothing more (was 暂无进展).
    const sent = await historyOf(waiting.id);
    expect(sent).toContain('提交报告');
    expect(sent).not.toContain('暂无进展');

    // A phone typed into the reason reaches the reporter's notice masked (notices carry no personal data).
    expect((await act(turnedDown.id, 'reject', { reason: '不是数据问题，详询 0371-67781234' })).status).toBe(302);
    const notice = await world
      .db('notifications')
      .where({ user_id: world.people.reporter.id, kind: 'report.rejected' })
      .orderBy('id', 'desc')
      .first('title', 'body', 'title_en', 'body_en');
    expect(notice).toEqual({
      title: `【数据纠错】您的报告 #${turnedDown.id} 未受理`,
      body: '理由：不是数据问题，详询 037*-****1234',
      title_en: `[Error report] Your report #${turnedDown.id} was not accepted`,
      body_en: 'Reason: 不是数据问题，详询 037*-****1234',
    });
    const steps = await historyOf(turnedDown.id);
    expect(steps).toContain('提交报告');
    expect(steps).toContain('信息化办公室未受理');
    expect(steps.indexOf('提交报告')).toBeLessThan(steps.indexOf('信息化办公室未受理'));
  });
});
