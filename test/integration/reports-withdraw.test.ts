import { saveReportSettings } from '../../server/services/reports';
import { buildUser } from '../factories';
import { signIn } from '../helpers/app';
import { computeDay, DEFAULT_WEIGHTS } from '../../server/services/scorecards';
import { MONDAY, reportBody, ReportsWorld, useReportsWorld } from '../factories/reports';

/** A reporter withdraws their own report (撤回报告): from triage, from a ticket alone or with others; when refused. */
const world = useReportsWorld({ apiTokens: true });
const at = (iso: string) => new Date(iso);

async function file(
  who: keyof ReportsWorld,
  over: Record<string, unknown> = {},
): Promise<{ id: number; ticket_id: number | null }> {
  const res = await world.api(who).post('/reports', reportBody(over));
  expect(res.status).toBe(201);
  return res.body;
}
async function withdraw(who: keyof ReportsWorld, id: number, form: Record<string, string> = {}) {
  const s = await world.as(who);
  return s.agent
    .post(`/reports/${id}/withdraw`)
    .type('form')
    .send({ _csrf: s.csrf, ...form });
}
async function page(who: keyof ReportsWorld, path: string): Promise<string> {
  return (await (await world.as(who)).agent.get(path).expect(200)).text;
}
/** The report page's history, one line per step, its words without markup and dates. */
function historyOf(html: string): string[] {
  const list = html.slice(
    html.indexOf('<ol class="report-history">'),
    html.indexOf('</ol>', html.indexOf('<ol class="report-history">')),
  );
  return [...list.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) =>
    m[1]
      .replace(/<span class="muted">[0-9: -]+<\/span>/, '')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  );
}
const reportOf = (id: number) => world.db('reports').where({ id }).first();
const ticketOf = (id: number) => world.db('tickets').where({ id }).first();
const eventsOf = (id: number) =>
  world
    .db('ticket_events')
    .where({ ticket_id: id })
    .orderBy('id')
    .select('kind', 'actor_user_id', 'from_status', 'to_status', 'comment', 'details');
const auditOf = (id: number) =>
  world
    .db('audit_log')
    .where({ action: 'report.withdraw', object_id: String(id) })
    .select('actor_login', 'summary');
/** Every row count that a refused or repeated withdrawal must leave as it was. */
async function snapshot() {
  const count = async (table: string) => Number((await world.db(table).count({ n: '*' }).first())?.n);
  return {
    reports: await world.db('reports').orderBy('id').select('id', 'status', 'ticket_id', 'withdrawn_at'),
    tickets: await world.db('tickets').orderBy('id').select('id', 'status', 'version', 'occurrences'),
    events: await count('ticket_events'),
    audit: await count('audit_log'),
    notifications: await count('notifications'),
  };
}

beforeEach(() => {
  world.ctx.now = () => MONDAY;
});
// Each test starts from no active report ticket: a new report files its own.
afterEach(async () => {
  await world.db('tickets').whereIn('status', ['open', 'acknowledged', 'fixed']).update({ status: 'closed' });
  await saveReportSettings(world.db, { triage: false }, null);
});

describe('withdrawing a report waiting for triage', () => {
  it('leaves the queue, settles the office\'s notice, is audited, and reads 已撤回 on its page and in "我的报告"', async () => {
    await saveReportSettings(world.db, { triage: true }, null);
    const r = await file('reporter');
    expect(r.ticket_id).toBeNull();
    const notice = () =>
      world
        .db('notifications')
        .where({ user_id: world.people.office.id, kind: 'report.triage', link: `/reports/${r.id}` })
        .first('read_at');
    expect((await notice()).read_at).toBeNull();
    // The form is there, with its confirmation, only for the reporter.
    const before = await page('reporter', `/reports/${r.id}`);
    expect(before).toMatch(
      new RegExp(
        `<form method="post" action="/reports/${r.id}/withdraw" class="panel" data-confirm="撤回后不能恢复，确定撤回这份报告吗？">`,
      ),
    );
    expect(await page('office', `/reports/${r.id}`)).not.toContain(`/reports/${r.id}/withdraw`);

    const res = await withdraw('reporter', r.id, { reason: '看错了记录，手机 13812345678' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/reports/${r.id}`);
    expect(await reportOf(r.id)).toMatchObject({
      status: 'withdrawn',
      withdraw_reason: '看错了记录，手机 13812345678',
      ticket_id: null,
    });
    expect((await notice()).read_at).not.toBeNull();
    expect(await page('office', '/reports/triage')).not.toContain(`id="report-${r.id}"`);
    const audit = await auditOf(r.id);
    expect(audit).toHaveLength(1);
    expect(audit[0].actor_login).toBe(world.people.reporter.login);
    // Masked in the audit log, as reasons are in notices.
    expect(audit[0].summary).toMatchObject({ from: 'triage', reason: '看错了记录，手机 138****5678' });

    const after = await page('reporter', `/reports/${r.id}`);
    expect(after).toContain('报告 #' + r.id + ' 已撤回。');
    expect(after).toContain('<span class="badge report-withdrawn">已撤回</span>');
    expect(after).toContain('撤回报告');
    expect(after).toContain('<blockquote>看错了记录，手机 13812345678</blockquote>');
    expect(after).not.toContain(`action="/reports/${r.id}/withdraw"`);
    // The IT office reading it sees the reason masked.
    expect(await page('office', `/reports/${r.id}`)).toContain('<blockquote>看错了记录，手机 138****5678</blockquote>');

    expect(await page('reporter', '/reports/mine?status=withdrawn')).toContain(`href="/reports/${r.id}"`);
    expect(await page('reporter', '/reports/mine?status=active')).not.toContain(`href="/reports/${r.id}"`);
    const mine = await page('reporter', '/reports/mine');
    expect(mine).toContain('<option value="withdrawn">已撤回</option>');
  });
});

describe('withdrawing a routed report', () => {
  it('as its only report: the ticket is closed by the system, the stewards told, the scorecard not charged', async () => {
    const r = await file('reporter');
    const ticketId = r.ticket_id!;
    const due = (await ticketOf(ticketId)).due_at;
    // Withdrawn after its due date, unanswered: counted so, it would be a report answered late.
    world.ctx.now = () => at('2026-03-16T02:00:00Z');
    expect(due < '2026-03-16').toBe(true);
    const res = await withdraw('reporter', r.id);
    expect(res.status).toBe(303);
    const ticket = await ticketOf(ticketId);
    expect(ticket).toMatchObject({ status: 'closed', closed_reason: '报告人已撤回报告 / the reporter withdrew the report' });
    expect((await eventsOf(ticketId)).slice(1)).toEqual([
      {
        kind: 'withdrawn',
        actor_user_id: world.people.reporter.id,
        from_status: null,
        to_status: null,
        comment: null,
        details: { report_id: r.id },
      },
      {
        kind: 'transition',
        actor_user_id: null,
        from_status: 'open',
        to_status: 'closed',
        comment: null,
        details: { reason: 'report_withdrawn', report_id: r.id },
      },
    ]);
    const told = await world
      .db('notifications')
      .where({ user_id: world.people.orgSteward.id, kind: 'ticket.report_withdrawn' })
      .select('title', 'link');
    expect(told).toEqual([
      {
        title: `【纠错撤回】质量工单 #${ticketId}：报告人已撤回报告，工单已关闭，无需再处理`,
        link: `/reports/tickets/${ticketId}`,
      },
    ]);
    const shown = await page('reporter', `/reports/${r.id}`);
    expect(shown).toContain(`报告 #${r.id} 已撤回；没有其他报告人，工单已关闭，责任单位已收到通知。`);
    expect(shown).toContain('<span class="badge report-withdrawn">已撤回</span>');
    // Its history ends with the system's closing that the withdrawal caused, after the withdrawal, saying why.
    expect(historyOf(shown)).toEqual(['提交报告', '撤回报告', '状态变更 → 已关闭 报告人已撤回报告，系统关闭']);
    // The scorecard: a report ticket closed because its reporter withdrew is not the department's failure.
    const day = await computeDay(world.db, { day: '2026-03-20', timezone: 'Asia/Shanghai', weights: DEFAULT_WEIGHTS });
    const org = day.departments.find((d) => d.department_code === 'ORG')!;
    expect(org).toMatchObject({ reports_due_30d: 0, reports_in_time_30d: 0 });
  });

  it('with another reporter on the ticket: the ticket stays, with a history entry for the department', async () => {
    const mine = await file('reporter');
    const theirs = await file('reporter2');
    expect(theirs.ticket_id).toBe(mine.ticket_id);
    const ticketId = mine.ticket_id!;
    expect(await page('reporter2', `/reports/${theirs.id}`)).toContain('共 2 人报告');
    const res = await withdraw('reporter', mine.id, { reason: '我弄错了' });
    expect(res.status).toBe(303);
    expect(await ticketOf(ticketId)).toMatchObject({ status: 'open', closed_reason: null, occurrences: 1 });
    const events = await eventsOf(ticketId);
    expect(events.map((e) => e.kind)).toEqual(['reported', 'reported', 'withdrawn']);
    expect(
      await world.db('notifications').where({ kind: 'ticket.report_withdrawn' }).where('link', `/reports/tickets/${ticketId}`),
    ).toEqual([]);
    // The department reads it in the ticket's history, and no longer lists the withdrawn report.
    const answerPage = await page('orgSteward', `/reports/tickets/${ticketId}`);
    expect(answerPage).toContain('报告人撤回了一份报告');
    // The ticket page names who withdrew, then what they did, as its other entries read (not "报告人甲 报告人撤回了…").
    const steps = (lang: string) =>
      world
        .as('orgSteward')
        .then((s) => s.agent.get(`/tickets/${ticketId}`).set('Accept-Language', lang).expect(200))
        .then((res) => {
          const list = res.text.slice(res.text.indexOf('<ol class="ticket-history">'));
          return [...list.slice(0, list.indexOf('</ol>')).matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) =>
            m[1]
              .replace(/<span class="muted">[0-9: -]+<\/span>/, '')
              .replace(/<blockquote>[\s\S]*<\/blockquote>/, '')
              .replace(/<[^>]+>/g, ' ')
              .replace(/\s+/g, ' ')
              .trim(),
          );
        });
    const who = `${world.people.reporter.name} (${world.people.reporter.login})`;
    expect((await steps('zh-CN')).at(-1)).toBe(`${who} 撤回报告`);
    expect((await steps('en')).at(-1)).toBe(`${who} withdrew their report`);
    expect(answerPage).toContain('<blockquote>我弄错了</blockquote>');
    expect(answerPage).not.toContain(world.people.reporter.login);
    // The other reporter's report is theirs alone now, and still withdrawable.
    const other = await page('reporter2', `/reports/${theirs.id}`);
    expect(other).not.toContain('共 2 人报告');
    expect(other).toContain(`action="/reports/${theirs.id}/withdraw"`);
    expect(await reportOf(theirs.id)).toMatchObject({ status: 'routed', ticket_id: ticketId });
    // The other reporter withdraws too: the closing is theirs to read (their withdrawal caused it), not the first's.
    expect((await withdraw('reporter2', theirs.id)).status).toBe(303);
    expect(historyOf(await page('reporter2', `/reports/${theirs.id}`)).at(-1)).toBe(
      '状态变更 → 已关闭 报告人已撤回报告，系统关闭',
    );
    expect(historyOf(await page('reporter', `/reports/${mine.id}`))).toEqual(['提交报告', '撤回报告 我弄错了']);
  });
});

describe('after the withdrawal', () => {
  it("the ticket's later answer is not the withdrawn reporter's: not shown, not told, no confirming", async () => {
    const mine = await file('reporter');
    const theirs = await file('reporter2');
    expect((await withdraw('reporter', mine.id)).status).toBe(303);
    const steward = await world.as('orgSteward');
    await steward.agent
      .post(`/reports/tickets/${mine.ticket_id}/answer`)
      .field('_csrf', steward.csrf)
      .field('answer', 'fixed')
      .field('comment', '已在系统中更正')
      .expect(302);
    const shown = await page('reporter', `/reports/${mine.id}`);
    expect(shown).not.toContain('已在系统中更正');
    expect(shown).not.toContain(`action="/reports/${mine.id}/confirm"`);
    expect(await page('reporter2', `/reports/${theirs.id}`)).toContain('已在系统中更正');
    expect((await world.api('reporter').get(`/reports/${mine.id}`)).body).toMatchObject({ status: 'withdrawn', answer: null });
    expect(
      await world.db('notifications').where({ user_id: world.people.reporter.id, kind: 'report.answered' }).select('title'),
    ).toEqual([]);
    const before = await snapshot();
    expect((await withdraw('reporter', mine.id)).status).toBe(303);
    const s = await world.as('reporter');
    expect((await s.agent.post(`/reports/${mine.id}/confirm`).type('form').send({ _csrf: s.csrf })).status).toBe(409);
    expect(await snapshot()).toEqual(before);
  });

  it('a stale triage form: routing or turning down a withdrawn report says so, nothing changed', async () => {
    await saveReportSettings(world.db, { triage: true }, null);
    const r = await file('reporter');
    expect((await withdraw('reporter', r.id)).status).toBe(303);
    const office = await world.as('office');
    const before = await snapshot();
    const routed = await office.agent.post(`/reports/${r.id}/route`).type('form').send({ _csrf: office.csrf, department: 'ORG' });
    expect(routed.status).toBe(302);
    expect(await page('office', '/reports/triage')).toContain(`报告 #${r.id} 已由报告人撤回，不能再分派或标记为不受理`);
    const rejected = await office.agent.post(`/reports/${r.id}/reject`).type('form').send({ _csrf: office.csrf, reason: '无' });
    expect(rejected.status).toBe(302);
    expect(await snapshot()).toEqual(before);
  });
});

describe('refusals', () => {
  it('after the department answered: 409 naming why, no form, nothing changed', async () => {
    const r = await file('reporter');
    const steward = await world.as('orgSteward');
    await steward.agent
      .post(`/reports/tickets/${r.ticket_id}/answer`)
      .field('_csrf', steward.csrf)
      .field('answer', 'fixed')
      .field('comment', '已更正')
      .expect(302);
    const shown = await page('reporter', `/reports/${r.id}`);
    expect(shown).not.toContain(`action="/reports/${r.id}/withdraw"`);
    const before = await snapshot();
    const res = await withdraw('reporter', r.id);
    expect(res.status).toBe(409);
    expect(res.text).toContain('责任单位已答复该报告，不能撤回');
    expect(await snapshot()).toEqual(before);
    const api = await world.api('reporter').post(`/reports/${r.id}/withdraw`, {});
    expect(api.status).toBe(409);
    expect(api.body.error).toBe('conflict');
    expect(await snapshot()).toEqual(before);
  });

  it("someone else's report: as missing (404) to another user, not theirs (403) to the IT office; nothing changed", async () => {
    const r = await file('reporter');
    await world.as('reporter2');
    await world.as('office');
    const before = await snapshot();
    expect((await withdraw('reporter2', r.id)).status).toBe(404);
    expect((await withdraw('office', r.id)).status).toBe(403);
    expect((await world.api('reporter2').post(`/reports/${r.id}/withdraw`, {})).status).toBe(404);
    expect((await world.api('office').post(`/reports/${r.id}/withdraw`, {})).body.error).toBe('forbidden');
    expect(await snapshot()).toEqual(before);
    expect(await reportOf(r.id)).toMatchObject({ status: 'routed' });
  });

  it('without the CSRF token: 403, nothing changed', async () => {
    const r = await file('reporter');
    const s = await world.as('reporter');
    const before = await snapshot();
    const res = await s.agent.post(`/reports/${r.id}/withdraw`).type('form').send({ reason: '' });
    expect(res.status).toBe(403);
    expect(await snapshot()).toEqual(before);
  });

  it('a reason over 500 characters comes back beside its box, as typed, nothing changed', async () => {
    const r = await file('reporter');
    await world.as('reporter');
    const before = await snapshot();
    const res = await withdraw('reporter', r.id, { reason: '错'.repeat(501) });
    expect(res.status).toBe(422);
    expect(res.text).toContain('撤回理由最多 500 个字符');
    expect(res.text).toContain('aria-describedby="withdraw-reason-error"');
    expect(res.text).toContain('错'.repeat(501));
    expect(await snapshot()).toEqual(before);
  });
});

describe('withdrawing twice', () => {
  it('the second says it was done already (info) and writes nothing', async () => {
    const r = await file('reporter');
    expect((await withdraw('reporter', r.id)).status).toBe(303);
    const before = await snapshot();
    const again = await withdraw('reporter', r.id);
    expect(again.status).toBe(303);
    expect(again.headers.location).toBe(`/reports/${r.id}`);
    expect(await page('reporter', `/reports/${r.id}`)).toMatch(/flash-info[^>]*>[^<]*报告 #\d+ 已撤回，本次提交未作改动/);
    expect(await snapshot()).toEqual(before);
    expect(await auditOf(r.id)).toHaveLength(1);
  });
});

describe('the API', () => {
  it('POST /api/v1/reports/:id/withdraw answers the withdrawn report; again a 409; a bad reason a 422', async () => {
    const r = await file('reporter');
    const long = await world.api('reporter').post(`/reports/${r.id}/withdraw`, { reason: 'x'.repeat(501) });
    expect(long.status).toBe(422);
    expect(Object.keys(long.body.fields)).toEqual(['reason']);
    const unknown = await world.api('reporter').post(`/reports/${r.id}/withdraw`, { why: 'x' });
    expect(unknown.status).toBe(422);
    const res = await world.api('reporter').post(`/reports/${r.id}/withdraw`, { reason: '重复报告' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: r.id,
      ticket_id: r.ticket_id,
      status: 'withdrawn',
      withdraw_reason: '重复报告',
      withdrawn_at: MONDAY.toISOString(),
    });
    expect((await ticketOf(r.ticket_id!)).status).toBe('closed');
    const again = await world.api('reporter').post(`/reports/${r.id}/withdraw`, {});
    expect(again.status).toBe(409);
    expect(again.body.message).toBe(`报告 #${r.id} 已撤回，本次提交未作改动`);
    const mine = await world.api('reporter').get('/reports/mine?status=withdrawn');
    expect(mine.body.items.map((i: { id: number }) => i.id)).toContain(r.id);
    const active = await world.api('reporter').get('/reports/mine?status=active');
    expect(active.body.items.map((i: { id: number }) => i.id)).not.toContain(r.id);
  });
});

describe('a ticket closed by its last withdrawal', () => {
  it("reads in the reader's language, ends a waiting request for more time, and is no more to answer or reopen", async () => {
    const r = await file('reporter');
    const ticketId = r.ticket_id!;
    const steward = await world.as('orgSteward');
    await steward.agent
      .post(`/tickets/${ticketId}/extension`)
      .type('form')
      .send({ _csrf: steward.csrf, days: '3', reason: '需与本人核实' })
      .expect(302);
    expect((await withdraw('reporter', r.id)).status).toBe(303);
    expect((await eventsOf(ticketId)).at(-1)?.details).toEqual({
      reason: 'report_withdrawn',
      report_id: r.id,
      extension_ended: 3,
    });
    // The history in Chinese and in English, with the request's end; the ticket page only reads the reports now.
    const zh = await page('orgSteward', `/tickets/${ticketId}`);
    expect(zh).toContain('报告人已撤回报告，系统关闭；申请的 3 个工作日延期随之结束');
    // The reason closed in the reader's language, as the history says it (stored in both: an import's closings too).
    expect(zh).toContain('<dd>报告人已撤回报告</dd>');
    expect(zh).not.toContain('the reporter withdrew the report');
    expect(await page('office', `/tickets/${ticketId}`)).toContain('<dd>报告人已撤回报告</dd>');
    // A report ticket's count is the record reported, not what a check last found: not marked 最后一次未通过时.
    expect(zh).not.toContain('最后一次未通过时');
    const closedList = await page('orgSteward', '/tickets?status=closed');
    expect(closedList).toContain(`href="/tickets/${ticketId}"`);
    expect(closedList).not.toContain('最后一次未通过时');
    expect(zh).toContain('查看报告');
    expect(zh).not.toContain('查看报告并答复');
    const english = await buildUser(world.db, { name: '组织部专员乙', department: 'ORG', roles: ['steward'] });
    const en = await signIn(world.app, english.login, english.password);
    await en.agent.post('/locale').type('form').send({ _csrf: en.csrf, locale: 'en', next: '/' }).expect(302);
    const enPage = (await en.agent.get(`/tickets/${ticketId}`).expect(200)).text;
    expect(enPage).toContain(
      'Closed by the system: the reporter withdrew the report; the request for a 3-working-day extension ended with it',
    );
    expect(enPage).toContain('<dd>the reporter withdrew the report</dd>');
    expect(enPage).not.toContain('报告人已撤回报告');
    // The reporter reads the closing in their language too, at the end of their report's history.
    const reporter = await world.as('reporter');
    await reporter.agent.post('/locale').type('form').send({ _csrf: reporter.csrf, locale: 'en', next: '/' }).expect(302);
    const enReport = (await reporter.agent.get(`/reports/${r.id}`).expect(200)).text;
    await reporter.agent.post('/locale').type('form').send({ _csrf: reporter.csrf, locale: 'zh-CN', next: '/' }).expect(302);
    expect(historyOf(enReport).at(-1)).toBe(
      'Status change → Closed Closed by the system: the reporter withdrew the report; the request for a 3-working-day extension ended with it',
    );
    const enAnswer = (await en.agent.get(`/reports/tickets/${ticketId}`).expect(200)).text;
    expect(enAnswer).toContain('Every report on this ticket was withdrawn by its reporter: there is nothing to answer.');
    expect(enAnswer).not.toContain('<table class="table report-list');

    // The IT office: no reopen offered, and one sent anyway is refused, nothing changed.
    const answerPage = await page('office', `/reports/tickets/${ticketId}`);
    expect(answerPage).toContain('该工单的报告均已由报告人撤回，无需答复。');
    expect(answerPage).not.toContain(`action="/reports/tickets/${ticketId}/reopen"`);
    const office = await world.as('office');
    const before = await snapshot();
    const reopen = await office.agent
      .post(`/reports/tickets/${ticketId}/reopen`)
      .type('form')
      .send({ _csrf: office.csrf, comment: '请再核实' });
    expect(reopen.status).toBe(409);
    expect(reopen.text).toContain('该工单的报告均已由报告人撤回，无需重新打开');
    expect(await snapshot()).toEqual(before);

    // The audit log reads the codes as words: the status the report left, why the system closed the ticket.
    const audit = await page('office', '/admin/audit');
    expect(audit).toContain('<span class="k" title="from">原状态</span>: 已转责任单位</li>');
    expect(audit).toContain('<span class="k" title="reason">原因</span>: 报告人已撤回报告</li>');
    expect(audit).not.toContain(': routed</li>');
    expect(audit).not.toContain(': report_withdrawn</li>');
  });
});

describe('refused while "not ours" waits for the IT office', () => {
  it('says so, not that the report can be reopened; nothing changed', async () => {
    const r = await file('reporter');
    const steward = await world.as('orgSteward');
    await steward.agent
      .post(`/reports/tickets/${r.ticket_id}/answer`)
      .field('_csrf', steward.csrf)
      .field('answer', 'not_ours')
      .field('comment', '该字段由人事处维护')
      .expect(302);
    const before = await snapshot();
    const res = await withdraw('reporter', r.id);
    expect(res.status).toBe(409);
    expect(res.text).toContain('正等待信息化办公室裁定，暂不能撤回');
    expect(res.text).not.toContain('重新打开');
    expect(await snapshot()).toEqual(before);
  });
});

describe('a reason with a NUL or a direction override', () => {
  it('comes back beside its box on the report page, as the browser shows it, nothing changed', async () => {
    const r = await file('reporter');
    await world.as('reporter');
    const before = await snapshot();
    const res = await withdraw('reporter', r.id, { reason: 'a\u0000b' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('aria-describedby="withdraw-reason-error"');
    expect(res.text).toContain('文本中含有看不见的控制字符');
    expect(res.text).toContain(`action="/reports/${r.id}/withdraw"`);
    expect(await snapshot()).toEqual(before);
  });

  it('on a report withdrawn already says it was done (it was a 422 on a page without the box to show it)', async () => {
    const r = await file('reporter');
    expect((await withdraw('reporter', r.id)).status).toBe(303);
    const before = await snapshot();
    const again = await withdraw('reporter', r.id, { reason: 'a\u0000b' });
    expect(again.status).toBe(303);
    expect(again.headers.location).toBe(`/reports/${r.id}`);
    expect(await page('reporter', `/reports/${r.id}`)).toMatch(/flash-info[^>]*>[^<]*报告 #\d+ 已撤回，本次提交未作改动/);
    expect(await snapshot()).toEqual(before);
  });
});

describe('the scorecard of a ticket closed by a withdrawal and open again', () => {
  it("does not take the system's closing for the department's answer", async () => {
    // Nothing in the product reopens such a ticket today (the IT office is refused, a new report files a new ticket);
    // the measure must still not credit the department should one be reopened, as the history would then read.
    const r = await file('reporter');
    const ticketId = r.ticket_id!;
    expect((await withdraw('reporter', r.id)).status).toBe(303);
    // The file's other report tickets are in the same window: compared with the figures before the reopen.
    const org = async () =>
      (await computeDay(world.db, { day: '2026-03-20', timezone: 'Asia/Shanghai', weights: DEFAULT_WEIGHTS })).departments.find(
        (d) => d.department_code === 'ORG',
      )!;
    const before = await org();
    await world.db('tickets').where({ id: ticketId }).update({ status: 'open', closed_reason: null });
    await world.db('ticket_events').insert({
      ticket_id: ticketId,
      kind: 'reopened',
      at: at('2026-03-10T02:00:00Z'),
      from_status: 'closed',
      to_status: 'open',
      details: JSON.stringify({ by: 'it_office' }),
    });
    // Counted again (open, past due, unanswered): due one more, in time as before.
    expect(await org()).toMatchObject({
      reports_due_30d: before.reports_due_30d + 1,
      reports_in_time_30d: before.reports_in_time_30d,
    });
  });
});
