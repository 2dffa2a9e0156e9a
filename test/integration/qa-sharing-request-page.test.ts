import { createTestApp, signIn, TestApp } from '../helpers/app';
import { apiRequest, buildHubTable, buildSharingWorld, SharingPeople } from '../factories/sharing';

/** The request page and the print form as read: what a draft's header says, numbers, the English form's labels. */
const MONDAY = new Date('2026-03-02T02:00:00Z');

let t: TestApp;
let people: SharingPeople;
type Session = Awaited<ReturnType<typeof signIn>>;
const sessions: Record<string, Session> = {};
async function as(login: keyof SharingPeople): Promise<Session> {
  if (!sessions[login]) sessions[login] = await signIn(t.app, people[login].login, people[login].password);
  return sessions[login];
}

async function file(items: Parameters<typeof apiRequest>[0], extra: Record<string, unknown> = {}): Promise<number> {
  const a = await as('applicant');
  const res = await a.agent.post('/api/v1/sharing-requests').set('X-CSRF-Token', a.csrf).send(apiRequest(items, extra));
  expect(res.status).toBe(201);
  return res.body.id as number;
}

async function decide(login: keyof SharingPeople, id: number, extra: Record<string, string> = {}) {
  const s = await as(login);
  const res = await s.agent
    .post(`/sharing/${id}/decision`)
    .type('form')
    .send({ _csrf: s.csrf, decision: 'approve', ...extra });
  expect(res.status).toBe(303);
}

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.now = () => MONDAY;
  people = await buildSharingWorld(t.db.knex);
});
afterAll(() => t.close());

it("a draft's page names its applicant and department without a dangling separator (it has no submission time)", async () => {
  const id = await file([{ table: 'org_unit', fields: ['unit_code'] }], { draft: true });
  const page = (await (await as('applicant')).agent.get(`/sharing/${id}`).expect(200)).text;
  expect(page).toContain('<p class="muted">张三 · 计算机学院</p>');
  const submitted = await file([{ table: 'org_unit', fields: ['unit_code'] }]);
  const after = (await (await as('applicant')).agent.get(`/sharing/${submitted}`).expect(200)).text;
  expect(after).toContain('<p class="muted">张三 · 计算机学院 · 2026-03-02 10:00</p>');
});

it("the leader rule's threshold is grouped by thousands like the estimated rows", async () => {
  await buildHubTable(t.db.knex, 'student_status', 2500);
  const id = await file([{ table: 'student_status', fields: ['student_no', 'id_card'] }]);
  const page = (await (await as('applicant')).agent.get(`/sharing/${id}`).expect(200)).text;
  expect(page).toContain('涉及敏感字段，估计记录数 2,500（阈值 2,000）');
});

it('the English print form puts a space after each label colon (signatures, dates, the reason)', async () => {
  const id = await file([{ table: 'org_unit', fields: ['unit_code'] }]);
  await decide('csSteward', id);
  await decide('office', id, { decision: 'reject', reason: 'scope_too_large' });
  const o = await as('office2');
  await o.agent.post('/locale').type('form').send({ _csrf: o.csrf, locale: 'en', next: '/' });
  const print = (await o.agent.get(`/sharing/${id}/print`).expect(200)).text;
  expect(print).toContain('<span>Head of department (signature): 计院专员</span><span>Date: 2026-03-02</span>');
  expect(print).toContain('Head of department (signature, seal): 李琳琳');
  expect(print).toContain('Reject, reason: </div>');
  expect(print).toContain('University leader (signature): </span>');
  expect(print).not.toMatch(/\((signature|seal)\):\S/);
});

it("the print form names the request's number in the page's language (编号, No. in English)", async () => {
  const id = await file([{ table: 'org_unit', fields: ['unit_code'] }]);
  const a = await as('applicant');
  const zh = (await a.agent.get(`/sharing/${id}/print`).expect(200)).text;
  expect(zh).toContain(`<p class="sheet-no">编号：${id} · 已提交</p>`);
  expect(zh).not.toContain('No.');
  const en = (await a.agent.get(`/sharing/${id}/print`).set('Accept-Language', 'en').expect(200)).text;
  expect(en).toContain(`<p class="sheet-no">No. ${id} · Submitted</p>`);
});
