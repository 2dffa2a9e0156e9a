import { createTestApp, sharingSessions, TestApp } from '../helpers/app';
import { buildSharingWorld, SharingPeople } from '../factories/sharing';

/**
 * A grant that no longer holds says so: the request stays 已共享 (granted is how it was decided), and beside it the
 * request page, the lists and the print form say 授权已过期 once the grant's last day is over, or 授权已撤销.
 */
const MONDAY = new Date('2026-03-02T02:00:00Z');

let t: TestApp;
let people: SharingPeople;
/** Each person's session, signed in once. */
const { as, decideAs, submitted } = sharingSessions(() => ({ app: t.app, people }));

/** A request for universal data (no source stage), granted until `expiresOn`. */
async function grantedUntil(expiresOn: string): Promise<number> {
  const id = await submitted([{ table: 'org_unit', fields: ['unit_code'] }]);
  await decideAs('csSteward', id);
  await decideAs('office', id);
  await decideAs('office2', id, { expires_on: expiresOn });
  expect((await t.db.knex('sharing_requests').where({ id }).first('status')).status).toBe('granted');
  return id;
}

/** The list row of request `id` on `html`. */
function rowOf(html: string, id: number): string {
  const row = new RegExp(`<tr>\\s*<td><a href="/sharing/${id}">#${id}</a></td>[\\s\\S]*?</tr>`).exec(html);
  expect(row).not.toBeNull();
  return row![0];
}

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.now = () => MONDAY;
  people = await buildSharingWorld(t.db.knex);
});
afterAll(() => t.close());

it('an expired or revoked grant is marked on the request page, the lists and the print form; an active one is not', async () => {
  const expiring = await grantedUntil('2026-03-10');
  const revoked = await grantedUntil('2027-03-01');
  const active = await grantedUntil('2027-03-01');
  const o = await as('office');
  const revoke = await o.agent.post(`/sharing/${revoked}/revoke`).type('form').send({ _csrf: o.csrf, reason: '项目结束' });
  expect(revoke.status).toBe(303);

  // On its last day the grant still holds.
  t.ctx.now = () => new Date('2026-03-10T15:00:00Z'); // 23:00 in Shanghai
  let page = (await o.agent.get(`/sharing/${expiring}`).expect(200)).text;
  expect(page).toContain('授权有效期至 2026-03-10 ·');
  expect(page).not.toContain('授权已过期');

  // The day after, it has expired.
  t.ctx.now = () => new Date('2026-03-11T01:00:00Z');
  page = (await o.agent.get(`/sharing/${expiring}`).expect(200)).text;
  expect(page).toMatch(
    /<h1>数据共享申请 #\d+ <span class="badge status-granted">已共享<\/span> <span class="badge bad grant-state">授权已过期<\/span><\/h1>/,
  );
  expect(page).toContain('授权有效期至 2026-03-10，已过期');
  // Nothing is left to revoke: the form is not offered (it was, and sent without asking first).
  expect(page).not.toContain(`action="/sharing/${expiring}/revoke"`);
  const print = (await o.agent.get(`/sharing/${expiring}/print`).expect(200)).text;
  expect(print).toContain(`编号：${expiring} · 已共享 · 授权已过期`);
  expect(print).toContain('授权有效期至 2026-03-10，已过期');

  page = (await o.agent.get(`/sharing/${revoked}`).expect(200)).text;
  expect(page).toContain('<span class="badge bad grant-state">授权已撤销</span></h1>');
  const revokedPrint = (await o.agent.get(`/sharing/${revoked}/print`).expect(200)).text;
  expect(revokedPrint).toContain(`编号：${revoked} · 已共享 · 授权已撤销`);
  expect(revokedPrint).toContain('撤销：项目结束');

  page = (await o.agent.get(`/sharing/${active}`).expect(200)).text;
  expect(page).toContain('授权有效期至 2027-03-01 ·');
  // An active grant may be revoked, once asked: the applicant's system loses the data.
  expect(page).toContain(
    `action="/sharing/${active}/revoke" class="inline-form" data-confirm="撤销授权后，申请方的系统将不能再使用这些数据。确定撤销？"`,
  );
  expect(page).not.toContain('grant-state');

  // The applicant's list and the IT office's list of every request.
  for (const html of [
    (await (await as('applicant')).agent.get('/sharing').expect(200)).text,
    (await o.agent.get('/sharing/all?status=granted').expect(200)).text,
  ]) {
    expect(rowOf(html, expiring)).toContain('已共享</span> <span class="badge bad grant-state">授权已过期</span>');
    expect(rowOf(html, revoked)).toContain('已共享</span> <span class="badge bad grant-state">授权已撤销</span>');
    expect(rowOf(html, active)).toContain('已共享</span>');
    expect(rowOf(html, active)).not.toContain('grant-state');
  }

  // In English too.
  await o.agent.post('/locale').type('form').send({ _csrf: o.csrf, locale: 'en', next: '/' });
  page = (await o.agent.get(`/sharing/${expiring}`).expect(200)).text;
  expect(page).toContain('Grant expired</span></h1>');
  expect(page).toContain('Granted until 2026-03-10: expired');
});

it('an expired grant is not revoked by a form sent after its last day: said so, nothing written, the applicant not told', async () => {
  t.ctx.now = () => MONDAY;
  const id = await grantedUntil('2026-03-10');
  const o = await as('office');
  await o.agent.post('/locale').type('form').send({ _csrf: o.csrf, locale: 'zh-CN', next: '/' });
  t.ctx.now = () => new Date('2026-03-11T01:00:00Z');
  const notices = async () => Number((await t.db.knex('notifications').count({ n: '*' }))[0].n);
  const audits = async () => Number((await t.db.knex('audit_log').where({ action: 'sharing.revoke' }).count({ n: '*' }))[0].n);
  const [n, a] = [await notices(), await audits()];
  const res = await o.agent.post(`/sharing/${id}/revoke`).type('form').send({ _csrf: o.csrf, reason: '项目结束' });
  expect(res.status).toBe(303);
  const page = (await o.agent.get(`/sharing/${id}`).expect(200)).text;
  expect(page).toContain('授权已于 2026-03-10 到期，无需撤销；本次提交未作改动');
  expect(page).toContain('<span class="badge bad grant-state">授权已过期</span></h1>');
  expect((await t.db.knex('sharing_grants').where({ request_id: id }).first('revoked_at')).revoked_at).toBeNull();
  expect([await notices(), await audits()]).toEqual([n, a]);
});
