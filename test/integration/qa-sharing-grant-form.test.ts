import { createTestApp, sharingSessions, summaryLinks, TestApp } from '../helpers/app';
import { buildSharingWorld, SharingPeople } from '../factories/sharing';

/**
 * The final review's grant form: its expiry's date picker offers the days the server takes — after today in the
 * university's time zone (Asia/Shanghai: at 01:00 on 2 March there it is still 1 March in UTC), three years on at most
 * — where it offered past days the page then refused; a refused expiry's summary line names its box as the others do
 * (授权截止日期：…); the revoke reason, labelled 必填, is required by the browser too (and still by the server).
 */
const EARLY_MONDAY = new Date('2026-03-01T17:00:00Z'); // 2026-03-02 01:00 in Shanghai

let t: TestApp;
let people: SharingPeople;
const { as, send, decideAs, submitted } = sharingSessions(() => ({ app: t.app, people }));

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.now = () => EARLY_MONDAY;
  people = await buildSharingWorld(t.db.knex);
});
afterAll(() => t.close());

/** A request for org_unit waiting for its final review (office2's): its id and the final stage's id. */
async function atFinalStage() {
  const id = await submitted([{ table: 'org_unit', fields: ['unit_code'] }]);
  for (const login of ['csSteward', 'office'] as const) await decideAs(login, id);
  const stage = await t.db.knex('sharing_stages').where({ request_id: id, kind: 'it_final' }).first('id');
  return { id, stage: Number(stage.id) };
}

const expiryBox = (stage: number) => `id="decide-${stage}-expires_on" name="expires_on"`;

it("offers the expiry dates the final review takes: after today in the university's zone, three years on at most", async () => {
  const { id, stage } = await atFinalStage();
  const page = await (await as('office2')).agent.get(`/sharing/${id}`);
  expect(page.status).toBe(200);
  expect(page.text).toContain(`${expiryBox(stage)} value="" min="2026-03-03" max="2029-03-02"`);
  // Today is refused (after today, as the picker's min says); the day after its max too, naming the max as the latest.
  const today = await send('office2', `/sharing/${id}/decision`, {
    stage_id: String(stage),
    decision: 'approve',
    expires_on: '2026-03-02',
  });
  expect(today.status).toBe(422);
  expect(today.text).toContain(`${expiryBox(stage)} value="2026-03-02" min="2026-03-03" max="2029-03-02"`);
  expect(today.text).toContain(`id="decide-${stage}-expires_on-error">授权截止日期须为 2026-03-02 之后的日期（YYYY-MM-DD）</p>`);
  const late = await send('office2', `/sharing/${id}/decision`, {
    stage_id: String(stage),
    decision: 'approve',
    expires_on: '2029-03-03',
  });
  expect(late.status).toBe(422);
  expect(late.text).toContain('最晚为 2029-03-02');
  // The picker's min is taken.
  const granted = await send('office2', `/sharing/${id}/decision`, {
    stage_id: String(stage),
    decision: 'approve',
    expires_on: '2026-03-03',
  });
  expect(granted.status).toBe(303);
  expect((await (await as('office')).agent.get(`/sharing/${id}`)).text).toContain('授权有效期至 2026-03-03');
});

it("names the expiry's box in the error summary as the form's other lines are named (意见：…)", async () => {
  const { id, stage } = await atFinalStage();
  const res = await send('office2', `/sharing/${id}/decision`, {
    stage_id: String(stage),
    decision: 'approve',
    comment: '同意\u0000',
    expires_on: '2026-03-02',
  });
  expect(res.status).toBe(422);
  expect(summaryLinks(res.text)).toEqual([
    { anchor: `decide-${stage}-comment-error`, text: expect.stringMatching(/^意见：/) },
    { anchor: `decide-${stage}-expires_on-error`, text: '授权截止日期：须为 2026-03-02 之后的日期（YYYY-MM-DD）' },
  ]);
  const late = await send('office2', `/sharing/${id}/decision`, {
    stage_id: String(stage),
    decision: 'approve',
    expires_on: '2029-03-03',
  });
  expect(summaryLinks(late.text).map((l) => l.text)).toEqual([expect.stringMatching(/^授权截止日期：最晚为 2029-03-02：/)]);
});

it('requires the revoke reason its label says is required (必填), in the browser and still on the server', async () => {
  const { id, stage } = await atFinalStage();
  expect((await send('office2', `/sharing/${id}/decision`, { stage_id: String(stage), decision: 'approve' })).status).toBe(303);
  const page = await (await as('office')).agent.get(`/sharing/${id}`);
  expect(page.text).toContain('撤销原因（必填） <input name="reason" maxlength="2000" required value="">');
  const empty = await send('office', `/sharing/${id}/revoke`, { reason: '  ' });
  expect(empty.status).toBe(422);
  expect(empty.text).toContain('id="revoke-reason-error">请填写撤销原因</p>');
  expect((await t.db.knex('sharing_requests').where({ id }).first('status')).status).toBe('granted');
});
