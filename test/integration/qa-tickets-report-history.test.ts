import request from 'supertest';
import { run as runConfirmations } from '../../jobs/report-confirmations';
import { issueApiToken } from '../../server/services/users';
import { reportBody, useReportsWorld } from '../factories/reports';

/**
 * A report ticket's history on the ticket page when the reporters stayed silent for 5 working days
 * after the fix: the system confirmed it, and the page says so — it read “系统 报告人确认已改正”, a
 * reporter's confirmation nobody gave. A reporter's own confirmation is still theirs.
 */

const world = useReportsWorld();

const historyItems = (html: string) =>
  [...html.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) =>
    m[1]
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  );

/** A report on 姓名 of staff 20190001 by the reporter, through the API: its ticket's id. */
async function fileNameReport(): Promise<number> {
  const token = await issueApiToken(world.db, world.people.reporter.id);
  const filed = await request(world.app)
    .post('/api/v1/reports')
    .set('Authorization', `Bearer ${token}`)
    .send(reportBody({ field: 'name', description: '姓名应为张叁' }))
    .expect(201);
  return filed.body.ticket_id as number;
}

describe('a report fix confirmed by silence, on the ticket page', () => {
  it('says the system confirmed it after 5 working days without objection, in both languages', async () => {
    const ticket = await fileNameReport();
    const steward = await world.as('hrSteward');
    await steward.agent
      .post(`/reports/tickets/${ticket}/answer`)
      .field('_csrf', steward.csrf)
      .field('answer', 'fixed')
      .expect(302);
    // Fixed on Monday 2026-03-02; the 5 working days are Tue 3 … Mon 9: resolved on Tuesday 10.
    expect((await runConfirmations(world.ctx, { now: new Date('2026-03-10T01:00:00Z') })).resolved).toEqual([ticket]);

    const office = await world.as('office');
    const page = (await office.agent.get(`/tickets/${ticket}`).expect(200)).text;
    const last = historyItems(page).at(-1)!;
    // A report's fix waits for its reporters' confirmation, not a re-check: the ticket page says so, as the report page.
    expect(last).toContain('系统 确认已改正 已整改待确认 → 已解决');
    expect(page).not.toContain('已整改待复查');
    expect(last).toContain('整改后 5 个工作日内报告人未提出异议，自动确认');
    expect(page).not.toContain('报告人确认已改正');

    const english = (await office.agent.get(`/tickets/${ticket}`).set('Accept-Language', 'en').expect(200)).text;
    expect(historyItems(english).at(-1)).toContain(
      'No objection from the reporters within 5 working days of the fix: confirmed automatically',
    );
  });
});

describe('a report ticket is fixed by answering its report', () => {
  it('offers no "fixed, re-check" on the ticket page, and refuses it (409, nothing changed): no re-check looks at one record', async () => {
    const ticket = await fileNameReport();
    const steward = await world.as('hrSteward');
    const page = (await steward.agent.get(`/tickets/${ticket}`).expect(200)).text;
    expect(page).toContain(`href="/reports/tickets/${ticket}"`);
    expect(page).not.toContain('name="to" value="fixed"');
    const before = await world.db('tickets').where({ id: ticket }).first('status', 'version');
    const res = await steward.agent
      .post(`/api/v1/tickets/${ticket}/transitions`)
      .set('X-CSRF-Token', steward.csrf)
      .send({ to: 'fixed' })
      .expect(409);
    expect(res.body.message).toContain('请在“查看报告并答复”页答复“已整改”');
    expect(await world.db('tickets').where({ id: ticket }).first('status', 'version')).toEqual(before);
    // Acknowledging stays where it was: on the ticket page too.
    expect(page).toContain('name="to" value="acknowledged"');
  });
});
