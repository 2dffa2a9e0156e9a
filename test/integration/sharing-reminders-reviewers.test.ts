import { translator } from '../../server/i18n';
import { inputFromBody } from '../../server/services/sharing/input';
import { decide, saveDraft, submitRequest } from '../../server/services/sharing/workflow';
import { run as runSharingReminders } from '../../jobs/sharing-reminders';
import { buildUser } from '../factories';
import { toCurrentUser } from '../../server/services/users';
import { apiRequest, buildSharingWorld, SharingPeople } from '../factories/sharing';
import { createTestApp, sharingSessions, TestApp } from '../helpers/app';

/**
 * Who a sharing request names and reminds once people moved on: a draft submitted after its applicant changed
 * department names the unit that reviews it; the day-before reminder of a source review goes to whoever may decide
 * it — as the notice that the review reached them did — never to the applicant, and to a leader reviewing alone.
 */
const MONDAY = new Date('2026-03-02T02:00:00Z');
let t: TestApp;
let people: SharingPeople;
const { as } = sharingSessions(() => ({ app: t.app, people }));

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.now = () => MONDAY;
  people = await buildSharingWorld(t.db.knex);
});
afterAll(() => t.close());

it("a draft submitted after its applicant moved department: the request's unit is the unit that reviews it", async () => {
  const zh = translator('zh-CN');
  // 张三 (计算机学院) saves a draft…
  const input = inputFromBody(apiRequest([{ table: 'org_unit', fields: ['unit_code'] }]), 'api');
  const draftId = await saveDraft(t.ctx, { user: toCurrentUser(people.applicant) }, input, { t: zh, mode: 'api' });
  // …is moved to 人事处 by an administrator, and submits the draft from its edit form (which names 人事处 as 申请单位).
  await t.db.knex('users').where({ id: people.applicant.id }).update({ department_code: 'HR' });
  const moved = toCurrentUser({ ...people.applicant, department_code: 'HR' });
  await submitRequest(t.ctx, { user: moved }, input, { t: zh, mode: 'api', draftId });

  const body = (await (await as('applicant')).agent.get(`/api/v1/sharing-requests/${draftId}`).expect(200)).body;
  const unitStage = body.stages.find((s: { kind: string }) => s.kind === 'applicant_unit');
  // 人事处's steward holds the applicant unit's review (stage 1)…
  expect(unitStage.department).toBe('HR');
  // …so the request (its page, print form — 申请单位 and the pledge's 单位盖章 — and the lists' department filter)
  // names the same unit (it named 计算机学院, whose steward cannot even open it).
  expect(body.department.code).toBe(unitStage.department);
  expect((await (await as('csSteward')).agent.get(`/sharing/${draftId}`)).status).toBe(404);
});

it('the day-before reminder of a source review goes to who may decide it, not to the applicant (a steward of that department)', async () => {
  const zh = translator('zh-CN');
  t.ctx.now = () => MONDAY;
  // 学生处's second steward applies for 学生处's own conditional data; 学生处专员 (the other steward) holds both reviews.
  const applicant = await buildUser(t.db.knex, {
    login: 'stu-applicant',
    name: '学生处申请人',
    department: 'STU',
    roles: ['steward'],
  });
  const input = inputFromBody(apiRequest([{ table: 'student_status', fields: ['grade'] }]), 'api');
  const { id } = await submitRequest(t.ctx, { user: toCurrentUser(applicant) }, input, { t: zh, mode: 'api' });
  await decide(t.ctx, { user: toCurrentUser(people.stuSteward) }, id, { decision: 'approve' }); // unit (学生处)
  await decide(t.ctx, { user: toCurrentUser(people.office) }, id, { decision: 'approve' }); // first review; source due 03-09
  const inbox = (userId: number) =>
    t.db
      .knex('notifications')
      .where({ user_id: userId })
      .whereRaw('link = ?', [`/sharing/${id}`])
      .orderBy('id')
      .pluck('kind');
  // The reaching notice went to the reviewer only (nobody is asked to review their own request)…
  expect(await inbox(applicant.id)).toEqual([]);
  t.ctx.now = () => new Date('2026-03-06T02:00:00Z'); // Friday: the review is due Monday
  await runSharingReminders(t.ctx);
  expect(await inbox(people.stuSteward.id)).toEqual(['sharing.stage', 'sharing.stage', 'sharing.reminder']); // unit, source, reminder
  // …and so does the reminder "数据共享申请 #N：请于 2026-03-09 前答复来源部门审核" (it went to every steward of 学生处,
  // the applicant included, who may not decide it: 403 sharing.errors.ownRequest).
  expect(await inbox(applicant.id)).toEqual([]);
});

it('the day-before reminder reaches a source department whose reviewer is its leader (dept_leader, no steward)', async () => {
  const zh = translator('zh-CN');
  t.ctx.now = () => MONDAY;
  // political_status is 党委组织部's (一数一源); its only reviewer is 组织部专员, a dept_leader.
  const input = inputFromBody(apiRequest([{ table: 'staff_basic', fields: ['political_status'] }]), 'api');
  const { id } = await submitRequest(t.ctx, { user: toCurrentUser(people.applicant) }, input, { t: zh, mode: 'api' });
  await decide(t.ctx, { user: toCurrentUser(people.csSteward) }, id, { decision: 'approve' });
  await decide(t.ctx, { user: toCurrentUser(people.office) }, id, { decision: 'approve' }); // ORG due Monday 03-09
  const inbox = (userId: number) =>
    t.db
      .knex('notifications')
      .where({ user_id: userId })
      .whereRaw('link = ?', [`/sharing/${id}`])
      .orderBy('id')
      .pluck('kind');
  // Told when the request reached it (noticeReachedStages: steward or dept_leader holds a department's review)…
  expect(await inbox(people.orgSteward.id)).toEqual(['sharing.stage']);
  t.ctx.now = () => new Date('2026-03-06T02:00:00Z');
  await runSharingReminders(t.ctx);
  // …and reminded (it went to the department's stewards only: nobody here, the stage marked reminded all the same).
  expect(await inbox(people.orgSteward.id)).toEqual(['sharing.stage', 'sharing.reminder']);
});
