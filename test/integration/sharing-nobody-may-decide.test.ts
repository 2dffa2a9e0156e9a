import { createTestApp, signIn, TestApp } from '../helpers/app';
import { apiRequest, buildHubTable, buildSharingWorld, SharingPeople, sharingActor } from '../factories/sharing';
import { inputFromBody } from '../../server/services/sharing/input';
import { arbitrate, decide, requestArbitration, submitRequest } from '../../server/services/sharing/workflow';
import { translator } from '../../server/i18n';

/**
 * The IT office's decisions one person may not take twice — the final review after the first, the arbitration of a
 * refusal they made in an overdue department's place — wait for nobody when the office has no other account (a small
 * deployment: one person, administrator and IT office at once). The request page says so, and the administrators are
 * told, so that someone gives the office another account; the rule itself is not relaxed. The clock is Monday
 * 2026-03-02 10:00 in Beijing.
 */
let t: TestApp;
let people: SharingPeople;

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.now = () => new Date('2026-03-02T02:00:00Z');
  people = await buildSharingWorld(t.db.knex);
  await buildHubTable(t.db.knex, 'staff_basic', 1999);
  // The office's only other account is an administrator of the IT office too.
  await t.db
    .knex('users')
    .where({ id: people.office.id })
    .update({ roles: ['admin', 'it_office'] });
});
afterAll(() => t.close());

const setDisabled = (who: keyof SharingPeople, disabled: boolean) =>
  t.db.knex('users').where({ id: people[who].id }).update({ disabled });

async function submit(items: { table: string; fields: string[] }[]): Promise<number> {
  const input = inputFromBody(apiRequest(items));
  return (await submitRequest(t.ctx, sharingActor(people.applicant), input, { mode: 'api', t: translator('zh-CN') })).id;
}

const approve = (who: keyof SharingPeople, id: number) => decide(t.ctx, sharingActor(people[who]), id, { decision: 'approve' });

/** The "nobody may decide" notices about request `id`, by user id. */
const stuckNotices = async (id: number) =>
  (await t.db
    .knex('notifications')
    .where({ link: `/sharing/${id}`, kind: 'sharing.stuck' })
    .orderBy('id')) as {
    user_id: number;
    title: string;
    title_en: string;
  }[];

async function pageFor(who: keyof SharingPeople, id: number): Promise<string> {
  const s = await signIn(t.app, people[who].login, people[who].password);
  return (await s.agent.get(`/sharing/${id}`).expect(200)).text;
}

it('tells nobody and warns nobody while another office member may give the final review', async () => {
  const id = await submit([{ table: 'org_unit', fields: ['unit_code'] }]);
  await approve('csSteward', id);
  await approve('office', id);
  expect(await stuckNotices(id)).toEqual([]);
  expect(await pageFor('office', id)).not.toContain('no-final-reviewer');
});

it('warns on the page and tells the administrators when only the first reviewer is left for the final review', async () => {
  await setDisabled('office2', true);
  try {
    const id = await submit([{ table: 'org_unit', fields: ['unit_code'] }]);
    await approve('csSteward', id);
    await approve('office', id);
    // The administrator is the one who gave the first review: they are told, so they can add someone.
    const notices = await stuckNotices(id);
    expect(notices.map((n) => Number(n.user_id))).toEqual([people.office.id]);
    expect(notices[0].title).toBe(
      `数据共享申请 #${id} 停在“信息化办公室终审、共享数据”环节：没有可审批本环节的账号（申请人不能审批本人的申请，初审人员不作终审），请管理员开通相应账号`,
    );
    expect(notices[0].title_en).toContain(`Data-sharing request #${id} is stuck at IT office final review and grant`);
    expect(await pageFor('applicant', id)).toMatch(
      /class="warn-text no-final-reviewer">信息化办公室除初审人员及申请人外没有其他账号/,
    );
    // Read live: once the office has another account again, the warning is gone and that member decides.
    await setDisabled('office2', false);
    expect(await pageFor('applicant', id)).not.toContain('no-final-reviewer');
    await approve('office2', id);
  } finally {
    await setDisabled('office2', false);
  }
});

it('warns on the page and tells the administrators when only the member who refused could arbitrate the refusal', async () => {
  const id = await submit([{ table: 'staff_basic', fields: ['staff_no', 'political_status'] }]);
  await approve('csSteward', id);
  await approve('office', id);
  // ORG does not answer in time: the IT office (office) refuses in its place.
  const org = await t.db.knex('sharing_stages').where({ request_id: id, kind: 'source', department_code: 'ORG' }).first('id');
  await t.db.knex('sharing_stages').where({ id: org.id }).update({ due_on: '2026-02-27' });
  await decide(t.ctx, sharingActor(people.office), id, {
    decision: 'reject',
    reason: 'data_incomplete',
    stageId: Number(org.id),
  });
  await setDisabled('office2', true);
  try {
    await requestArbitration(t.ctx, sharingActor(people.applicant), id, '有异议');
    const notices = await stuckNotices(id);
    expect(notices.map((n) => Number(n.user_id))).toEqual([people.office.id]);
    expect(notices[0].title).toBe(
      `数据共享申请 #${id} 的仲裁无人能作出结论：不共享决定由信息化办公室人员代为作出，本人不能仲裁，信息化办公室没有其他账号，请管理员为信息化办公室增加人员`,
    );
    const applicantPage = await pageFor('applicant', id);
    expect(applicantPage).toMatch(/class="warn-text no-arbiter">信息化办公室除作出不共享决定的人员及申请人外没有其他账号/);
    // The rule holds: the member who refused still may not conclude it.
    await expect(
      arbitrate(t.ctx, sharingActor(people.office), id, { decision: 'overturn', note: '自己改判' }),
    ).rejects.toMatchObject({
      status: 403,
      messageKey: 'sharing.errors.ownRefusal',
    });
    await setDisabled('office2', false);
    expect(await pageFor('applicant', id)).not.toContain('no-arbiter');
    await arbitrate(t.ctx, sharingActor(people.office2), id, { decision: 'uphold', note: '维持' });
    expect(await pageFor('applicant', id)).not.toContain('no-arbiter');
  } finally {
    await setDisabled('office2', false);
  }
});
