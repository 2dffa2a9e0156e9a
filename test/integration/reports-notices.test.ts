import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { saveReportSettings } from '../../server/services/reports/settings';
import { issueApiToken } from '../../server/services/users';
import { reportBody, useReportsWorld } from '../factories/reports';

/**
 * A report ticket is announced to its department by the rule of check tickets of the same severity:
 * high at once in the inbox, by e-mail and to the department's robot; medium and low in the inbox.
 */

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hw-report-notices-'));
let token: string;

// The example catalog lists hr-steward@example.edu.cn as HR's steward address.
const world = useReportsWorld({
  env: { DATA_DIR: dataDir },
  setup: async () => {
    token = await issueApiToken(world.db, world.people.reporter.id);
  },
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const file = async (over: Record<string, unknown>) =>
  (await request(world.app).post('/api/v1/reports').set('Authorization', `Bearer ${token}`).send(reportBody(over)).expect(201))
    .body as { id: number; ticket_id: number };
const outbox = () => {
  const dir = path.join(dataDir, 'outbox');
  return fs.existsSync(dir) ? fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')) : [];
};
const hrInbox = () =>
  world.db('notifications').where({ user_id: world.people.hrSteward.id }).orderBy('id').select('kind', 'title', 'body', 'link');

describe('a new report ticket', () => {
  it('of medium severity goes to the department’s inbox only, as a medium check ticket would (no e-mail at once)', async () => {
    const r = await file({ field: 'name', description: '姓名有误' });
    expect(await hrInbox()).toEqual([expect.objectContaining({ kind: 'report.new', link: `/reports/tickets/${r.ticket_id}` })]);
    expect(outbox()).toEqual([]);
  });

  it('of high severity is e-mailed to the department’s stewards at once, as a high-severity check ticket is', async () => {
    const before = (await hrInbox()).length;
    // 身份证号 is a high-severity field in the example catalog.
    const r = await file({ field: 'id_card', record_key: { staff_no: '20190001' }, description: '身份证号有误' });
    const ticket = await world.db('tickets').where({ id: r.ticket_id }).first();
    expect(ticket.severity).toBe('high');
    expect((await hrInbox()).slice(before)).toEqual([
      {
        kind: 'ticket.new_high',
        title: '【数据质量】1 个高严重度问题待整改',
        body: `#${r.ticket_id} [高] 教职工基本信息·身份证号：数据使用者报告记录（职工号 20190001）有误（整改期限 2026-03-05）`,
        link: `/tickets/${r.ticket_id}`,
      },
    ]);
    const mails = outbox();
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatch(/^To: hr-steward@example\.edu\.cn$/m);
  });

  it('of high severity reopened by a new report on its fix is e-mailed again, as a reopened check ticket is', async () => {
    const r = await file({ field: 'id_card', record_key: { staff_no: '20190001' }, description: '身份证号有误' });
    const s = await world.as('hrSteward');
    await s.agent.post(`/reports/tickets/${r.ticket_id}/answer`).field('_csrf', s.csrf).field('answer', 'fixed').expect(302);
    const mails = outbox().length;
    const again = await file({ field: 'id_card', record_key: { staff_no: '20190001' }, description: '仍然有误' });
    expect(again.ticket_id).toBe(r.ticket_id);
    expect((await world.db('tickets').where({ id: r.ticket_id }).first()).status).toBe('open');
    expect(outbox()).toHaveLength(mails + 1);
    expect((await hrInbox()).at(-1)).toMatchObject({ kind: 'ticket.new_high', link: `/tickets/${r.ticket_id}` });
  });
});

describe('a report waiting for triage', () => {
  it("tells the IT office which field, by its titles with the hub's names beside them", async () => {
    await saveReportSettings(world.db, { triage: true }, null);
    try {
      const r = await file({ field: 'name', description: '姓名有误' });
      const notices = await world
        .db('notifications')
        .where({ user_id: world.people.office.id, kind: 'report.triage' })
        .select('title', 'body', 'body_en', 'link');
      expect(notices).toEqual([
        {
          title: `【数据纠错】新的错误报告 #${r.id} 待分派`,
          body: '教职工基本信息·姓名（staff_basic.name）：姓名有误',
          body_en: '教职工基本信息·姓名 (staff_basic.name): 姓名有误',
          link: `/reports/${r.id}`,
        },
      ]);
      // The notice's page says the report waits and points to its row in the queue.
      const office = await world.as('office');
      const page = (await office.agent.get(`/reports/${r.id}`).expect(200)).text;
      expect(page).toContain(`该报告等待信息化办公室分派给责任单位。 <a href="/reports/triage#report-${r.id}">`);
      expect((await office.agent.get('/reports/triage').expect(200)).text).toContain(`<tr id="report-${r.id}">`);

      // With more reports waiting than a page lists (25, oldest first), the link names the page that lists it.
      // Written as older reports of another reporter: the hourly limit of the one filing below counts its own.
      const rows = Array.from({ length: 25 }, () => ({
        reporter_id: world.people.reporter2.id,
        status: 'triage',
        table_name: 'staff_basic',
        field_name: 'name',
        record_key: JSON.stringify({ staff_no: '20190001' }),
        department_code: 'HR',
        description: '姓名有误',
        created_at: new Date('2026-01-05T02:00:00Z'),
      }));
      await world.db('reports').insert(rows);
      const late = await file({ field: 'name', description: '姓名仍有误', record_key: { staff_no: '20190009' } });
      const latePage = (await office.agent.get(`/reports/${late.id}`).expect(200)).text;
      // (Handlebars writes the = of the query as &#x3D;, which the browser reads as =.)
      expect(latePage).toContain(`<a href="/reports/triage?page&#x3D;2#report-${late.id}">`);
      expect((await office.agent.get('/reports/triage?page=2').expect(200)).text).toContain(`<tr id="report-${late.id}">`);
      await world.db('reports').where({ status: 'triage' }).delete();
    } finally {
      await saveReportSettings(world.db, { triage: false }, null);
    }
  });

  it('is done with in every officer’s inbox once it is routed or turned down', async () => {
    await saveReportSettings(world.db, { triage: true }, null);
    try {
      // The earlier test's notice waits still (its report was not triaged): only this test's notices count.
      const before = Number((await world.db('notifications').max({ id: 'id' }).first())?.id ?? 0);
      const routed = await file({ field: 'name', description: '姓名有误', record_key: { staff_no: '20190002' } });
      const rejected = await file({ field: 'name', description: '姓名可能有误', record_key: { staff_no: '20190003' } });
      const unread = () =>
        world
          .db('notifications')
          .where({ user_id: world.people.office.id, kind: 'report.triage' })
          .whereNull('read_at')
          .where('id', '>', before)
          .orderBy('id')
          .pluck('title');
      expect(await unread()).toEqual([
        `【数据纠错】新的错误报告 #${routed.id} 待分派`,
        `【数据纠错】新的错误报告 #${rejected.id} 待分派`,
      ]);
      const office = await world.as('office');
      await office.agent.post(`/reports/${routed.id}/route`).type('form').send({ _csrf: office.csrf }).expect(302);
      expect(await unread()).toEqual([`【数据纠错】新的错误报告 #${rejected.id} 待分派`]);
      // The notice's link still says what became of it; no pointer to a queue it has left.
      const routedPage = (await office.agent.get(`/reports/${routed.id}`).expect(200)).text;
      expect(routedPage).not.toContain('等待信息化办公室分派');
      expect(routedPage).toContain('人事处');
      await office.agent
        .post(`/reports/${rejected.id}/reject`)
        .type('form')
        .send({ _csrf: office.csrf, reason: '不是数据问题' })
        .expect(302);
      expect(await unread()).toEqual([]);
    } finally {
      await saveReportSettings(world.db, { triage: false }, null);
    }
  });
});
