import { createTestApp, signIn, TestApp } from '../helpers/app';
import { apiRequest, buildHubTable, buildSharingWorld, SharingPeople } from '../factories/sharing';
import { flagOverdueReviews } from '../../server/services/sharing/workflow';

/**
 * A source department's review left unanswered past its due date is flagged to the IT office (flagOverdueReviews):
 * its stage on the request's page read 逾期未答复，已提请信息化办公室处理 / Overdue: flagged to the IT office. The line
 * stayed once the stage was answered (by the department late, or by the office in its place), next to who decided
 * and when — "not answered" beside the answer. While the stage waits it still says so; once decided it reads
 * 曾逾期未答复… / Was overdue…, as history. The API keeps `overdue_flagged_at` as the time it was flagged.
 * Monday 2026-03-02 (no holidays that month): the HR review is due 03-09 and flagged on 03-10.
 */
const MONDAY = new Date('2026-03-02T02:00:00Z');
let t: TestApp;
let people: SharingPeople;

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.now = () => MONDAY;
  people = await buildSharingWorld(t.db.knex);
  await buildHubTable(t.db.knex, 'staff_basic', 1999);
});
afterAll(() => t.close());

/** The timeline entry of stage `stage` on the request's page. */
const stageItem = (page: string, stage: number) => {
  const items = page.slice(page.indexOf('<ol class="timeline">'), page.indexOf('</ol>', page.indexOf('<ol class="timeline">')));
  const all = items.split('<li class="stage ').slice(1);
  return all.find((li) => new RegExp(`<strong>${stage}\\. `).test(li)) ?? '';
};

it('says an overdue review is flagged while it waits, and that it was once it is answered, in both languages', async () => {
  const sign = (who: keyof SharingPeople) => signIn(t.app, people[who].login, people[who].password);
  const applicant = await sign('applicant');
  const id = (
    await applicant.agent
      .post('/api/v1/sharing-requests')
      .set('X-CSRF-Token', applicant.csrf)
      .send(apiRequest([{ table: 'staff_basic', fields: ['staff_no'] }]))
      .expect(201)
  ).body.id;
  const decide = async (s: Awaited<ReturnType<typeof sign>>) =>
    s.agent
      .post(`/api/v1/sharing-requests/${id}/decisions`)
      .set('X-CSRF-Token', s.csrf)
      .send({ decision: 'approve' })
      .expect(200);
  const office = await sign('office');
  await decide(await sign('csSteward'));
  await decide(office);

  t.ctx.now = () => new Date('2026-03-10T01:00:00Z');
  expect((await flagOverdueReviews(t.ctx)).flagged.map((f) => f.requestId)).toContain(id);
  const waiting = stageItem((await office.agent.get(`/sharing/${id}`).expect(200)).text, 3);
  expect(waiting).toContain('<small class="warn-text">逾期未答复，已提请信息化办公室处理</small>');

  // HR answers a day late.
  t.ctx.now = () => new Date('2026-03-11T01:00:00Z');
  const answered = await decide(await sign('hrSteward'));
  const stage = answered.body.stages.find((s: { stage: number }) => s.stage === 3);
  expect(stage).toMatchObject({ status: 'approved', overdue: false, overdue_flagged_at: expect.any(String) });

  const page = stageItem((await office.agent.get(`/sharing/${id}`).expect(200)).text, 3);
  expect(page).toContain('人事专员');
  expect(page).not.toContain('<small class="warn-text">');
  expect(page).toContain('<small class="muted overdue-flag-past">曾逾期未答复，已提请信息化办公室处理</small>');

  await t.db.knex('users').where({ id: people.office.id }).update({ locale: 'en' });
  const en = stageItem((await (await sign('office')).agent.get(`/sharing/${id}`).expect(200)).text, 3);
  expect(en).not.toContain('>Overdue: flagged');
  expect(en).toContain('<small class="muted overdue-flag-past">Was overdue: flagged to the IT office</small>');
});
