import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { issueApiToken } from '../../server/services/users';
import { buildReportsWorld, reportBody, ReportsWorld, reportsSessions } from '../factories/reports';
import { createTestApp, TestApp } from '../helpers/app';

/**
 * A report ticket is announced to its department by the rule of check tickets of the same severity:
 * high at once in the inbox, by e-mail and to the department's robot; medium and low in the inbox.
 */
const MONDAY = new Date('2026-03-02T02:00:00Z');

let t: TestApp;
let dataDir: string;
let people: ReportsWorld;
let token: string;
const as = reportsSessions(
  () => t.app,
  () => people,
);

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hw-report-notices-'));
  t = await createTestApp({ DATA_DIR: dataDir });
  t.ctx.now = () => MONDAY;
  // The example catalog lists hr-steward@example.edu.cn as HR's steward address.
  people = await buildReportsWorld(t.db.knex);
  token = await issueApiToken(t.db.knex, people.reporter.id);
});
afterAll(async () => {
  await t.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const file = async (over: Record<string, unknown>) =>
  (await request(t.app).post('/api/v1/reports').set('Authorization', `Bearer ${token}`).send(reportBody(over)).expect(201))
    .body as { id: number; ticket_id: number };
const outbox = () => {
  const dir = path.join(dataDir, 'outbox');
  return fs.existsSync(dir) ? fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')) : [];
};
const hrInbox = () =>
  t.db.knex('notifications').where({ user_id: people.hrSteward.id }).orderBy('id').select('kind', 'title', 'body', 'link');

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
    const ticket = await t.db.knex('tickets').where({ id: r.ticket_id }).first();
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
    const s = await as('hrSteward');
    await s.agent
      .post(`/reports/tickets/${r.ticket_id}/answer?_csrf=${encodeURIComponent(s.csrf)}`)
      .field('answer', 'fixed')
      .expect(302);
    const mails = outbox().length;
    const again = await file({ field: 'id_card', record_key: { staff_no: '20190001' }, description: '仍然有误' });
    expect(again.ticket_id).toBe(r.ticket_id);
    expect((await t.db.knex('tickets').where({ id: r.ticket_id }).first()).status).toBe('open');
    expect(outbox()).toHaveLength(mails + 1);
    expect((await hrInbox()).at(-1)).toMatchObject({ kind: 'ticket.new_high', link: `/tickets/${r.ticket_id}` });
  });
});
