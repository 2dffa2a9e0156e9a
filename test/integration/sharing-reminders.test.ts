import { run } from '../../jobs/sharing-reminders';
import { createTestApp, signIn, TestApp } from '../helpers/app';
import { apiRequest, buildSharingWorld, SharingPeople } from '../factories/sharing';
import { inputFromBody } from '../../server/services/sharing/input';
import { decide, submitRequest } from '../../server/services/sharing/workflow';
import { translator } from '../../server/i18n';

/** The daily job: a reminder the working day before a source review is due, then the overdue flag to the IT office. */
let t: TestApp;
let people: SharingPeople;
const actor = (u: SharingPeople[keyof SharingPeople]) => ({
  user: { id: u.id, login: u.login, name: u.name, department: u.department_code, roles: u.roles, locale: 'zh-CN' } as never,
});

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.now = () => new Date('2026-03-02T02:00:00Z'); // Monday
  people = await buildSharingWorld(t.db.knex);
  const input = inputFromBody(apiRequest([{ table: 'student_status', fields: ['grade'] }]));
  const { id } = await submitRequest(t.ctx, actor(people.applicant), input, { mode: 'api', t: translator('zh-CN') });
  await decide(t.ctx, actor(people.csSteward), id, { decision: 'approve' });
  await decide(t.ctx, actor(people.office), id, { decision: 'approve' }); // STU due Monday 2026-03-09
});
afterAll(() => t.close());

const inbox = (userId: number) => t.db.knex('notifications').where({ user_id: userId }).orderBy('id').pluck('kind');

it('reminds the source department on Friday 03-06 (due Monday 03-09), once', async () => {
  t.ctx.now = () => new Date('2026-03-05T02:00:00Z'); // Thursday: nothing yet
  expect(await run(t.ctx)).toEqual({ reminded: 0, flagged: 0, expiring: 0 });
  t.ctx.now = () => new Date('2026-03-06T02:00:00Z');
  expect(await run(t.ctx)).toEqual({ reminded: 1, flagged: 0, expiring: 0 });
  expect(await run(t.ctx)).toEqual({ reminded: 0, flagged: 0, expiring: 0 });
  // After the notice of the request reaching its stage (workflow, sharing-notices.test.ts).
  expect(await inbox(people.stuSteward.id)).toEqual(['sharing.stage', 'sharing.reminder']);
});

it('flags the overdue review to every IT office account on Tuesday 03-10', async () => {
  t.ctx.now = () => new Date('2026-03-10T02:00:00Z');
  expect(await run(t.ctx)).toEqual({ reminded: 0, flagged: 1, expiring: 0 });
  expect(await inbox(people.office.id)).toEqual(['sharing.stage', 'sharing.overdue']);
  expect(await inbox(people.office2.id)).toEqual(['sharing.stage', 'sharing.overdue']);
  expect(await inbox(people.stuSteward.id)).toEqual(['sharing.stage', 'sharing.reminder']);
  // The department by its name, as the other notices name it (it read 来源部门 STU).
  const notice = await t.db.knex('notifications').where({ user_id: people.office.id, kind: 'sharing.overdue' }).first();
  expect(notice.title).toMatch(/^数据共享申请 #\d+：来源部门 学生处 逾期未答复，信息化办公室可代为审核$/);
  expect(JSON.stringify(notice)).toContain('department 学生处 is overdue');
});

// The request page said 已逾期; the queues gave only the due date (应于 2026-03-09 前答复), for the department and for the
// IT office, who sees it there because it is overdue.
it('the review queues mark the overdue review 已逾期, and not before its due day is over', async () => {
  const row = (html: string) =>
    html.slice(html.indexOf('<td><a href="/sharing/'), html.indexOf('</tr>', html.indexOf('<td><a href="/sharing/')));
  for (const person of [people.stuSteward, people.office]) {
    const { agent } = await signIn(t.app, person.login, person.password);
    const queue = row((await agent.get('/sharing/queue').expect(200)).text);
    expect(queue).toContain('应于 2026-03-09 前答复</small> <span class="badge bad">已逾期</span>');
  }
  t.ctx.now = () => new Date('2026-03-09T15:00:00Z'); // 23:00 on the due day in Shanghai
  const { agent } = await signIn(t.app, people.stuSteward.login, people.stuSteward.password);
  const due = row((await agent.get('/sharing/queue').expect(200)).text);
  expect(due).toContain('应于 2026-03-09 前答复');
  expect(due).not.toContain('已逾期');
});
