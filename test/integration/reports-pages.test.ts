import request from 'supertest';
import { loadCurrentCatalog } from '../../server/services/catalog/repository';
import { issueApiToken } from '../../server/services/users';
import { buildTicket } from '../factories/tickets';
import { MONDAY, reportBody, useReportsWorld } from '../factories/reports';

/**
 * The report pages name things as the catalog does: tables and fields by title (教职工基本信息 ·
 * 移动手机, the hub name beside it), key columns by title (职工号), departments by name (人事处).
 */

let token: string;

const world = useReportsWorld({
  setup: async () => {
    token = await issueApiToken(world.db, world.people.reporter.id);
  },
});

const file = async (over: Record<string, unknown>) =>
  (await request(world.app).post('/api/v1/reports').set('Authorization', `Bearer ${token}`).send(reportBody(over)).expect(201))
    .body as { id: number; ticket_id: number | null };
/** The text of the page's <main>, tags dropped and spaces folded. */
const textOf = (html: string) =>
  /<main[^>]*>([\s\S]*)<\/main>/
    .exec(html)![1]
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');

describe('the reporter’s pages', () => {
  it('the report page names the table, the field, the key column and the department as the catalog does', async () => {
    const r = await file({ field: 'mobile', description: '手机号有误' });
    const text = textOf((await (await world.as('reporter')).agent.get(`/reports/${r.id}`).expect(200)).text);
    expect(text).toContain('数据表 教职工基本信息 staff_basic 字段 移动手机 mobile 记录 职工号 20190001');
    expect(text).toContain('责任单位 人事处 (HR)');
  });

  it('“我的报告” lists reports by table and field titles and offers the tables by title', async () => {
    const html = (await (await world.as('reporter')).agent.get('/reports/mine').expect(200)).text;
    expect(textOf(html)).toContain('教职工基本信息·移动手机 staff_basic.mobile 职工号 20190001');
    expect(html).toContain('<option value="staff_basic">教职工基本信息 (staff_basic)</option>');
  });
});

describe('the IT office’s and the department’s pages', () => {
  it('the triage queue names the catalog’s department and the data by title', async () => {
    await world.db('settings').insert({ key: 'reports.triage', value: JSON.stringify(true), updated_at: MONDAY });
    try {
      await file({ field: 'email', description: '邮箱有误' });
      const html = (await (await world.as('office')).agent.get('/reports/triage').expect(200)).text;
      const text = textOf(html);
      expect(text).toContain('教职工基本信息·电子邮箱 staff_basic.email 职工号 20190001');
      expect(text).toContain('人事处 (HR) 分派给');
      expect(html).toContain('<option value="staff_basic">教职工基本信息 (staff_basic)</option>');
    } finally {
      await world.db('settings').where({ key: 'reports.triage' }).delete();
    }
  });

  it('the report ticket’s page names the reporter’s department', async () => {
    const r = await file({ field: 'name', description: '姓名有误' });
    const text = textOf((await (await world.as('hrSteward')).agent.get(`/reports/tickets/${r.ticket_id}`).expect(200)).text);
    expect(text).toContain(`报告人甲 ${world.people.reporter.login} · 各学院`);
    expect(text).toContain('人事处 (HR)');
  });

  // The two kinds share one numbering: a check ticket's number typed at /reports/tickets/ said 工单 #9 不存在.
  it('a check ticket’s number at /reports/tickets/ goes to its page for whoever may see it; others are told it does not exist', async () => {
    const current = await loadCurrentCatalog(world.db);
    const check = await buildTicket(world.db, current!.catalog, MONDAY);
    for (const who of ['hrSteward', 'office'] as const) {
      const res = await (await world.as(who)).agent.get(`/reports/tickets/${check.id}`).expect(302);
      expect(res.headers.location).toBe(`/tickets/${check.id}`);
    }
    // The reporter (another department) may not see HR's check ticket: the same answer as for a number never used.
    const outsider = await (await world.as('reporter')).agent.get(`/reports/tickets/${check.id}`).expect(404);
    expect(outsider.text).toContain(`#${check.id}`);
  });

  it('someone else’s report, read by the IT office, names its reporter and speaks of them, not of “you”; back to the office’s page', async () => {
    // The hub holds no 政治面貌 for this one (the IT office, which reads the hub's values, is then told the comparison).
    await world.db('staff_basic').insert({ staff_no: '20190005', name: '李四' });
    const r = await file({ record_key: { staff_no: '20190005' }, description: '政治面貌应为中共党员', observed_value: '群众' });
    const office = await world.as('office');
    const html = (await office.agent.get(`/reports/${r.id}`).expect(200)).text;
    const text = textOf(html);
    expect(html).toContain(`<a href="/reports/tickets/${r.ticket_id}">← 纠错工单 #${r.ticket_id}</a>`);
    expect(html).not.toContain('← 我的报告');
    // Named as the triage queue and the ticket's report page name reporters.
    expect(text).toContain(`报告人 报告人甲 ${world.people.reporter.login} · 各学院`);
    expect(text).toContain('报告人看到的值 群众');
    expect(text).toContain('提交时中台中的值与报告人看到的不一致');
    expect(text).not.toContain('您');
    const en = textOf((await office.agent.get(`/reports/${r.id}`).set('Accept-Language', 'en').expect(200)).text);
    expect(en).toContain('Value the reporter saw 群众');
    expect(en).toContain('When sent, the hub did not hold the value the reporter saw');
    expect(en).not.toMatch(/\byou\b/i);

    // Waiting for triage: back to the queue.
    await world.db('settings').insert({ key: 'reports.triage', value: JSON.stringify(true), updated_at: MONDAY });
    try {
      const waiting = await file({ field: 'name', description: '姓名有误' });
      const page = (await office.agent.get(`/reports/${waiting.id}`).expect(200)).text;
      expect(page).toContain('<a href="/reports/triage">← 纠错分派</a>');
    } finally {
      await world.db('settings').where({ key: 'reports.triage' }).delete();
    }

    // The reporter's own page as it was.
    const own = (await (await world.as('reporter')).agent.get(`/reports/${r.id}`).expect(200)).text;
    expect(own).toContain('<a href="/reports/mine">← 我的报告</a>');
    expect(textOf(own)).toContain('您看到的值 群众');
    expect(textOf(own)).toContain('提交时中台中的值与您看到的不一致');
    expect(textOf(own)).not.toContain('报告人甲');
  });

  it('the report ticket’s reports read as cards on a phone, as the other lists do (none of their values cut off)', async () => {
    const r = await file({ field: 'name', description: '姓名有误' });
    const html = (await (await world.as('hrSteward')).agent.get(`/reports/tickets/${r.ticket_id}`).expect(200)).text;
    expect(html).toContain('<table class="table report-list cards-narrow">');
    expect(html).toContain('<script src="/static/js/cards-narrow.js" defer></script>');
  });
});
