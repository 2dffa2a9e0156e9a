import { translator } from '../../server/i18n';
import { inputFromBody } from '../../server/services/sharing/input';
import { decide, submitRequest } from '../../server/services/sharing/workflow';
import { buildUser } from '../factories';
import { apiRequest, buildHubTable, buildSharingWorld, SharingPeople, sharingActor, VALID_ID_CARD } from '../factories/sharing';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * Personal data on a sharing request — vendors' ID numbers and every phone number — is masked wherever it is not needed
 * in full, per role, on the request page, the print form and the API (the lists show none at all). Those who work on
 * the request read it in full: the IT office and the reviewers of its reached stages. An administrator (`admin`,
 * accounts) read it all in full as an office role; it needs none of it.
 */
let t: TestApp;
let people: SharingPeople;
let id: number;
type Person = { login: string; password: string };
const extra: Record<string, Person> = {};

const FULL = ['0371-67781505', '13800000001', VALID_ID_CARD, '13900000002', '13700000003', '13600000004', '13500000005'];
const MASKED = ['037*-****1505', '138****0001', '110105********002X', '139****0002', '137****0003', '136****0004', '135****0005'];

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.now = () => new Date('2026-03-02T02:00:00Z');
  people = await buildSharingWorld(t.db.knex);
  // Sensitive fields of 2,000 rows: the university leader's approval too.
  await buildHubTable(t.db.knex, 'staff_basic', 2000);
  extra.admin = await buildUser(t.db.knex, { login: 'sysadmin', name: '系统管理员', department: 'IT', roles: ['admin'] });
  extra.adminOffice = await buildUser(t.db.knex, {
    login: 'admin-office',
    name: '信息办管理员',
    department: 'IT',
    roles: ['admin', 'it_office'],
  });
  extra.csLeader = await buildUser(t.db.knex, { login: 'cs-leader', name: '计院领导', department: 'CS', roles: ['dept_leader'] });
  const input = inputFromBody({
    ...apiRequest([{ table: 'staff_basic', fields: ['staff_no', 'id_card'], range: '联系人 13500000005 核对' }], {
      purpose: '迎新系统核对教职工，联系人手机 13600000004',
    }),
    applicant: {
      name: '张三',
      staff_no: '20230001',
      office_phone: '0371-67781505',
      email: 'zhang@example.edu.cn',
      contact: '微信 13700000003',
    },
    system: { name: '迎新系统', status: 'running', domain: '', address: '', on_campus: 'yes', campus_address: 'yes' },
    members: [{ name: '李四', unit: '计算机学院', staff_no: '20230002', phone: '13800000001' }],
    vendors: [{ name: '王五', company: '郑州某某软件有限公司', id_card: VALID_ID_CARD, phone: '13900000002' }],
    datasets: ['staff'],
  });
  id = (await submitRequest(t.ctx, sharingActor(people.applicant), input, { mode: 'api', t: translator('zh-CN') })).id;
  // The unit, the first review and HR's review approve: the leader's approval is pending (reached).
  await decide(t.ctx, sharingActor(people.csSteward), id, { decision: 'approve' });
  await decide(t.ctx, sharingActor(people.office), id, { decision: 'approve' });
  await decide(t.ctx, sharingActor(people.hrSteward), id, { decision: 'approve' });
});
afterAll(() => t.close());

/** What `who` reads of the request: 'full', 'masked' (page, print form and API alike), or 404 on all three. */
async function readAs(who: Person): Promise<'full' | 'masked' | 404 | string> {
  const s = await signIn(t.app, who.login, who.password);
  const answers = [
    await s.agent.get(`/sharing/${id}`),
    await s.agent.get(`/sharing/${id}/print`),
    await s.agent.get(`/api/v1/sharing-requests/${id}`),
  ];
  if (answers.every((r) => r.status === 404)) return 404;
  const seen = answers.map((r) => {
    const text = r.type === 'application/json' ? JSON.stringify(r.body) : r.text;
    if (FULL.every((v) => text.includes(v)) && !MASKED.some((v) => text.includes(v))) return 'full';
    if (MASKED.every((v) => text.includes(v)) && !FULL.some((v) => text.includes(v))) return 'masked';
    return `${r.status}: ${FULL.filter((v) => text.includes(v)).join(' ')} | ${MASKED.filter((v) => text.includes(v)).join(' ')}`;
  });
  return seen.every((v) => v === seen[0]) ? seen[0] : seen.join(' ; ');
}

it('shows ID and phone numbers in full to those who work on the request, masked to an administrator and the applicant', async () => {
  const read: Record<string, unknown> = {};
  const everyone: Record<string, Person> = { ...people, ...extra };
  for (const [role, who] of Object.entries(everyone)) read[role] = await readAs(who);
  expect(read).toEqual({
    // The applicant: masked, as before (their draft's form shows them what they typed).
    applicant: 'masked',
    // The reviewers of the reached stages, by their own role: the applicant unit's steward and leader, the data source's
    // steward, the university leader whose approval is pending; the IT office (both of its members).
    csSteward: 'full',
    csLeader: 'full',
    hrSteward: 'full',
    leader: 'full',
    office: 'full',
    office2: 'full',
    adminOffice: 'full',
    // Accounts, not the request: masked.
    admin: 'masked',
    // Not on the request (no ORG stage: political_status not asked for; another department): as missing.
    orgSteward: 404,
    stuSteward: 404,
    outsider: 404,
  });
});

it("says so to an administrator, and the API's flags say masked", async () => {
  const s = await signIn(t.app, extra.admin.login, extra.admin.password);
  expect((await s.agent.get(`/sharing/${id}`).expect(200)).text).toContain('身份证号和电话号码仅对审批人完整显示');
  const api = (await s.agent.get(`/api/v1/sharing-requests/${id}`).expect(200)).body;
  expect([api.id_cards_unmasked, api.phones_unmasked]).toEqual([false, false]);
  expect(api.vendors.map((v: { id_card: string; phone: string }) => [v.id_card, v.phone])).toEqual([
    ['110105********002X', '139****0002'],
  ]);
});

it('the lists show no personal data, to an administrator or the IT office', async () => {
  for (const who of [extra.admin, people.office]) {
    const s = await signIn(t.app, who.login, who.password);
    const page = (await s.agent.get('/sharing/all').expect(200)).text;
    const api = (await s.agent.get('/api/v1/sharing-requests?view=all').expect(200)).body;
    expect({
      who: who.login,
      listed: [page.includes(`href="/sharing/${id}"`), api.items.some((i: { id: number }) => i.id === id)],
      full: FULL.filter((v) => page.includes(v) || JSON.stringify(api).includes(v)),
    }).toEqual({ who: who.login, listed: [true, true], full: [] });
  }
});
