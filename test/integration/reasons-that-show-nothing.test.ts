import request from 'supertest';
import { buildUser } from '../factories';
import { buildTicket, exampleCatalog, seedCatalogDepartments } from '../factories/tickets';
import { createTestApp, sharingSessions, TestApp } from '../helpers/app';
import { changedSince, installChangeLog, mark, refusedWritingNothing } from '../helpers/change-log';
import { buildSharingWorld, SharingPeople } from '../factories/sharing';
import { issueApiToken } from '../../server/services/users';

/**
 * A reason the action requires, typed as spaces and zero-width characters only (U+200B, U+2060, U+FEFF; what a chat app
 * pastes, or what is typed to get past 必填): `.trim()` left the zero-width space, so the IT office's reason to revoke a
 * grant, its arbitration conclusion, the applicant's objection, a refusal for "其他原因" and a ticket's refused
 * extension were taken with a reason nobody can read. Each is now refused as left blank (422, the box's own message),
 * nothing written.
 */
const MONDAY = new Date('2026-03-02T02:00:00Z');
const NOTHING = ' \u200B\u2060 \u200B';

let t: TestApp;
let people: SharingPeople;
const { as, send, decideAs, submitted } = sharingSessions(() => ({ app: t.app, people }));

/** Refused (422) with `message`, nothing written. */
async function refused(login: keyof SharingPeople, path: string, body: Record<string, string>, message: string) {
  await as(login); // signing in writes
  expect((await refusedWritingNothing(t.db.knex, () => send(login, path, body))).text).toContain(message);
}

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.now = () => MONDAY;
  people = await buildSharingWorld(t.db.knex);
  await installChangeLog(t.db.knex);
});
afterAll(() => t.close());

describe('data sharing', () => {
  it("the IT office's reason to revoke a grant", async () => {
    const id = await submitted([{ table: 'org_unit', fields: ['unit_code'] }]);
    await decideAs('csSteward', id);
    await decideAs('office', id);
    await decideAs('office2', id);
    await refused('office', `/sharing/${id}/revoke`, { reason: NOTHING }, 'id="revoke-reason-error">请填写撤销原因</p>');
    expect((await t.db.knex('sharing_grants').where({ request_id: id }).first('revoked_at')).revoked_at).toBeNull();
    // A reason with zero-width characters around it is kept, trimmed.
    expect((await send('office', `/sharing/${id}/revoke`, { reason: ' 系统已下线\u200B ' })).status).toBe(303);
    expect((await t.db.knex('sharing_grants').where({ request_id: id }).first('revoke_reason')).revoke_reason).toBe(
      '系统已下线\u200B',
    );
  });

  it('a refusal for "other reasons" (其他原因) with an opinion that shows nothing', async () => {
    const id = await submitted();
    await decideAs('csSteward', id);
    await refused(
      'office',
      `/sharing/${id}/decision`,
      { decision: 'reject', reason: 'other', comment: NOTHING },
      '选择“其他原因”时请说明理由',
    );
    expect(await t.db.knex('sharing_requests').where({ id }).first('status')).toEqual({ status: 'in_review' });
  });

  it("the applicant's objection and the IT office's arbitration conclusion", async () => {
    const id = await submitted();
    await decideAs('csSteward', id);
    await decideAs('office', id);
    await decideAs('hrSteward', id, { decision: 'reject', reason: 'data_incomplete' });
    await refused('applicant', `/sharing/${id}/arbitration`, { note: NOTHING }, '请说明异议理由');
    expect((await send('applicant', `/sharing/${id}/arbitration`, { note: '字段齐全，请复核' })).status).toBe(303);
    await refused(
      'office2',
      `/sharing/${id}/arbitration/decision`,
      { decision: 'uphold', note: NOTHING },
      '请写明仲裁结论的理由',
    );
    expect(await t.db.knex('sharing_requests').where({ id }).first('arbitration', 'arbitration_conclusion')).toEqual({
      arbitration: 'requested',
      arbitration_conclusion: null,
    });
  });
});

describe('tickets', () => {
  it("the IT office's reason to refuse more time (API)", async () => {
    const catalog = exampleCatalog();
    await seedCatalogDepartments(t.db.knex, catalog);
    const steward = await buildUser(t.db.knex, { department: 'HR', roles: ['steward'] });
    const office = await buildUser(t.db.knex, { department: 'ITC', roles: ['it_office'] });
    const tokens = new Map([
      [steward.id, await issueApiToken(t.db.knex, steward.id)],
      [office.id, await issueApiToken(t.db.knex, office.id)],
    ]);
    const post = (userId: number, path: string, body: object) =>
      request(t.app)
        .post(`/api/v1${path}`)
        .set('Authorization', `Bearer ${tokens.get(userId)}`)
        .send(body);
    const id = (await buildTicket(t.db.knex, catalog, new Date('2026-03-02T02:00:00Z'), { field: 'staff_no' })).id;
    expect((await post(steward.id, `/tickets/${id}/extension`, { days: 5, reason: NOTHING })).status).toBe(422);
    expect((await post(steward.id, `/tickets/${id}/extension`, { days: 5, reason: '等待文件' })).status).toBe(200);
    const before = await mark(t.db.knex);
    const res = await post(office.id, `/tickets/${id}/extension/refuse`, { reason: NOTHING });
    expect(res.status).toBe(422);
    expect(Object.keys(res.body.fields)).toEqual(['reason']);
    expect(await changedSince(t.db.knex, before)).toEqual([]);
  });
});
