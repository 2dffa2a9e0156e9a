import { createTestApp, sharingSessions, summaryLinks, TestApp } from '../helpers/app';
import { installChangeLog, refusedWritingNothing } from '../helpers/change-log';
import { buildSharingWorld, SharingPeople } from '../factories/sharing';
import { MAX_ACTION_TEXT } from '../../server/services/sharing/sent-text';

/**
 * The request page's other text forms — the applicant's objection, the IT office's arbitration conclusion, its reason to
 * revoke a grant — left blank or over 2000 characters: the page comes back (422) with the text as typed, the message
 * beside the box and in the summary at the top naming it, nothing written (as for a NUL: qa-sharing-decision-characters).
 * They went back to the page as a message at its top, the text gone.
 */
const MONDAY = new Date('2026-03-02T02:00:00Z');
const LONG = '长'.repeat(1999) + '𠀀𠀀'; // 2001 characters (one of Extension B: a character, not two)
const TOO_LONG = '最多 2000 个字符（已填写 2001 个）';

let t: TestApp;
let people: SharingPeople;
/** Each person's session, signed in once. */
const { as, send, speak, decideAs, submitted } = sharingSessions(() => ({ app: t.app, people }));

/** A form refused (422): nothing was written. */
async function refused(login: keyof SharingPeople, path: string, body: Record<string, string> | string) {
  await as(login); // signing in writes
  return refusedWritingNothing(t.db.knex, () => send(login, path, body));
}

/** A request HR's steward refused (the applicant may ask for arbitration). */
async function refusedByHr(): Promise<number> {
  const id = await submitted();
  await decideAs('csSteward', id);
  await decideAs('office', id);
  await decideAs('hrSteward', id, { decision: 'reject', reason: 'data_incomplete' });
  return id;
}

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.now = () => MONDAY;
  people = await buildSharingWorld(t.db.knex);
  await installChangeLog(t.db.knex);
});
afterAll(() => t.close());

describe("the applicant's objection", () => {
  it('left blank: 请说明异议理由 beside the box, what was typed kept, nothing asked', async () => {
    const id = await refusedByHr();
    const res = await refused('applicant', `/sharing/${id}/arbitration`, { note: '   ' });
    expect(res.text).toContain('aria-describedby="arbitration-note-error">   </textarea>');
    expect(res.text).toContain('id="arbitration-note-error">请说明异议理由</p>');
    expect(summaryLinks(res.text)).toEqual([{ anchor: 'arbitration-note-error', text: '异议说明：请说明异议理由' }]);
    // No message at the top of the page instead, now or on the next page.
    expect(res.text).not.toContain('class="flash flash-error" role="alert" data-sent-back');
    expect((await (await as('applicant')).agent.get(`/sharing/${id}`)).text).not.toContain('请说明异议理由');
    expect((await t.db.knex('sharing_requests').where({ id }).first('arbitration')).arbitration).toBeNull();
  });

  it('over 2000 characters: the text comes back whole with the limit and the count beside the box, in English too', async () => {
    const id = await refusedByHr();
    const res = await refused('applicant', `/sharing/${id}/arbitration`, { note: LONG });
    expect(res.text).toContain(`aria-describedby="arbitration-note-error">${LONG}</textarea>`);
    expect(res.text).toContain(`id="arbitration-note-error">${TOO_LONG}</p>`);
    expect(summaryLinks(res.text)).toEqual([{ anchor: 'arbitration-note-error', text: `异议说明：${TOO_LONG}` }]);
    await speak('applicant', 'en');
    try {
      const en = await refused('applicant', `/sharing/${id}/arbitration`, { note: LONG });
      expect(en.text).toContain('id="arbitration-note-error">At most 2000 characters (2001 given)</p>');
      expect(summaryLinks(en.text)).toEqual([
        { anchor: 'arbitration-note-error', text: 'Why you dispute it: At most 2000 characters (2001 given)' },
      ]);
    } finally {
      await speak('applicant', 'zh-CN');
    }
    // 2000 characters are taken.
    expect((await send('applicant', `/sharing/${id}/arbitration`, { note: LONG.slice(0, -2) })).status).toBe(303);
    expect((await t.db.knex('sharing_requests').where({ id }).first('arbitration')).arbitration).toBe('requested');
  });

  it('sent as a group of values (note[x]=…, no browser sends it): a 422 naming the field, nothing stored', async () => {
    const id = await refusedByHr();
    const res = await refused('applicant', `/sharing/${id}/arbitration`, 'note[x]=%E5%AD%97%E6%AE%B5%E9%BD%90%E5%85%A8');
    expect(res.text).toContain('只能填写一个值');
    expect(res.text).toMatch(/<strong>备注<\/strong>/);
    const a = await as('applicant');
    const json = await a.agent
      .post(`/sharing/${id}/arbitration`)
      .set('X-CSRF-Token', a.csrf)
      .send({ note: { x: '字段齐全' } });
    expect(json.status).toBe(422);
    expect(json.text).toContain('只能填写一个值');
    expect(await t.db.knex('sharing_requests').where({ id }).first('arbitration', 'arbitration_note')).toEqual({
      arbitration: null,
      arbitration_note: null,
    });
  });
});

describe("the IT office's arbitration conclusion", () => {
  async function arbitrationAsked(): Promise<number> {
    const id = await refusedByHr();
    expect((await send('applicant', `/sharing/${id}/arbitration`, { note: '字段齐全，请复核' })).status).toBe(303);
    return id;
  }

  it('left blank, or over 2000 characters: beside the box with the text as typed, nothing concluded', async () => {
    const id = await arbitrationAsked();
    const blank = await refused('office2', `/sharing/${id}/arbitration/decision`, { decision: 'uphold', note: ' ' });
    expect(blank.text).toContain('aria-describedby="arbitrate-note-error"> </textarea>');
    expect(blank.text).toContain('id="arbitrate-note-error">请写明仲裁结论的理由</p>');
    expect(summaryLinks(blank.text)).toEqual([{ anchor: 'arbitrate-note-error', text: '请写明仲裁结论的理由' }]);
    const long = await refused('office2', `/sharing/${id}/arbitration/decision`, { decision: 'overturn', note: LONG });
    expect(long.text).toContain(`aria-describedby="arbitrate-note-error">${LONG}</textarea>`);
    expect(long.text).toContain(`id="arbitrate-note-error">${TOO_LONG}</p>`);
    // The message names the box: the summary does not name it again.
    // Without a choice too (a form sent by hand): both said, in the boxes' order.
    const both = await refused('office2', `/sharing/${id}/arbitration/decision`, { note: '' });
    expect(summaryLinks(both.text).map((l) => l.anchor)).toEqual(['arbitrate-note-error', 'arbitrate-decision-error']);
    expect(both.text).toContain('id="arbitrate-decision-error">');
    expect(await t.db.knex('sharing_requests').where({ id }).first('arbitration', 'arbitration_conclusion')).toEqual({
      arbitration: 'requested',
      arbitration_conclusion: null,
    });
  });
});

describe("the IT office's reason to revoke a grant", () => {
  it('left blank, or over 2000 characters: beside the box with the reason as typed, nothing revoked', async () => {
    const id = await submitted([{ table: 'org_unit', fields: ['unit_code'] }]);
    await decideAs('csSteward', id);
    await decideAs('office', id);
    await decideAs('office2', id);
    const blank = await refused('office', `/sharing/${id}/revoke`, { reason: '  ' });
    expect(blank.text).toContain('value="  " aria-invalid="true" aria-describedby="revoke-reason-error">');
    expect(blank.text).toContain('id="revoke-reason-error">请填写撤销原因</p>');
    expect(summaryLinks(blank.text)).toEqual([{ anchor: 'revoke-reason-error', text: '请填写撤销原因' }]);
    const long = await refused('office', `/sharing/${id}/revoke`, { reason: LONG });
    expect(long.text).toContain(`value="${LONG}" aria-invalid="true" aria-describedby="revoke-reason-error">`);
    expect(long.text).toContain(`id="revoke-reason-error">${TOO_LONG}</p>`);
    expect((await t.db.knex('sharing_grants').where({ request_id: id }).first('revoked_at')).revoked_at).toBeNull();
  });
});

describe("the request page's text boxes", () => {
  it("stop at the service's limit (maxlength from MAX_ACTION_TEXT, not a number typed in the page)", async () => {
    const page = async (login: keyof SharingPeople, id: number) =>
      (await (await as(login)).agent.get(`/sharing/${id}`).expect(200)).text;
    const maxlength = (html: string, box: RegExp) =>
      Number(new RegExp(`${box.source}[^>]*\\bmaxlength="(\\d+)"`).exec(html)?.[1]);
    // A decision's comment: the first reviewer's box.
    const waiting = await submitted();
    const decide = maxlength(await page('csSteward', waiting), /<textarea id="decide-\d+-comment"/);
    // The applicant's objection to a refusal, then the office's conclusion on it.
    const refusedId = await refusedByHr();
    const objection = maxlength(await page('applicant', refusedId), /<textarea name="note" rows="2"/);
    expect((await send('applicant', `/sharing/${refusedId}/arbitration`, { note: '字段齐全，请复核' })).status).toBe(303);
    const conclusion = maxlength(await page('office2', refusedId), /<textarea name="note" rows="3"/);
    // The office's reason to revoke a grant.
    const granted = await submitted([{ table: 'org_unit', fields: ['unit_code'] }]);
    await decideAs('csSteward', granted);
    await decideAs('office', granted);
    await decideAs('office2', granted);
    const revoke = maxlength(await page('office', granted), /<input name="reason"/);
    expect({ decide, objection, conclusion, revoke }).toEqual({
      decide: MAX_ACTION_TEXT,
      objection: MAX_ACTION_TEXT,
      conclusion: MAX_ACTION_TEXT,
      revoke: MAX_ACTION_TEXT,
    });
  });
});
