import { apiRequest, buildSharingWorld, SharingPeople } from '../factories/sharing';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * A request waiting for the university leader's approval when no university leader but the applicant has an
 * active account (a leader's own request, or no leader account yet) waits for nobody: the applicant never decides
 * their own request and the IT office does not stand in for a leader. Its page says so, for an administrator to act.
 */
let t: TestApp;
let people: SharingPeople;
let requestId: number;

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.now = () => new Date('2026-03-02T02:00:00Z');
  people = await buildSharingWorld(t.db.knex);
  const s = await signIn(t.app, people.applicant.login, people.applicant.password);
  const res = await s.agent
    .post('/api/v1/sharing-requests')
    .set('X-CSRF-Token', s.csrf)
    .send(apiRequest([{ table: 'org_unit', fields: ['unit_code'], range: '全部' }]))
    .expect(201);
  requestId = res.body.id;
  // The request as it stands at the leader's approval: the stages before it decided, the leader's pending.
  await t.db.knex('sharing_stages').where({ request_id: requestId }).update({ status: 'approved', decided_at: new Date() });
  await t.db.knex('sharing_stages').insert({ request_id: requestId, stage: 4, kind: 'leader', status: 'pending' });
  await t.db.knex('sharing_requests').where({ id: requestId }).update({ status: 'in_review' });
});
afterAll(() => t.close());

const WARNING = '除申请人外没有可审批的校领导账号';
const page = async () => {
  const s = await signIn(t.app, people.office.login, people.office.password);
  return (await s.agent.get(`/sharing/${requestId}`).expect(200)).text;
};

it("says nothing while a university leader may approve, and says so once none may (the only leader's account disabled)", async () => {
  expect(await page()).not.toContain(WARNING);
  await t.db.knex('users').where({ id: people.leader.id }).update({ disabled: true });
  try {
    const html = await page();
    expect(html).toMatch(/class="warn-text no-leader">除申请人外没有可审批的校领导账号：本环节无人能审批/);
  } finally {
    await t.db.knex('users').where({ id: people.leader.id }).update({ disabled: false });
  }
});

it('counts the applicant out: a leader applying is no approver of their own request', async () => {
  await t.db.knex('sharing_requests').where({ id: requestId }).update({ applicant_id: people.leader.id });
  expect(await page()).toContain(WARNING);
});
