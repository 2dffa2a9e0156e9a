import { createTestApp, sharingSessions, summaryLinks, TestApp } from '../helpers/app';
import { installChangeLog, refusedWritingNothing } from '../helpers/change-log';
import { buildSharingWorld, SharingPeople } from '../factories/sharing';

/**
 * A NUL or a direction override (U+202A–U+202E) pasted into a reviewer's opinion, the applicant's objection, the IT
 * office's arbitration conclusion or its reason to revoke a grant: the request's page comes back (422) with the text as
 * typed (a NUL as a browser shows it, U+FFFD) and the message beside the box, the form's other mistakes with it, nothing
 * written. It was the bare app-wide error page (提交的内容有误… 返回首页), the text gone.
 */
const MONDAY = new Date('2026-03-02T02:00:00Z');
/** The message, naming the codes found (`\\u0000 \\u202E`): it named every code refused, not the one in the text. */
const ZH = (codes: string) =>
  `文本中含有看不见的控制字符（常见于从其他程序复制电话号码或文字时一并带入）：请删除这部分后重新输入（字符代码 ${codes}）`;
const EN = (codes: string) =>
  `The text contains an invisible control character (often copied in with a phone number or text from another program): delete that part and type it again (character ${codes.includes(' ') ? 'codes' : 'code'} ${codes})`;

let t: TestApp;
let people: SharingPeople;
/**
 * Each person's session, signed in once; `speak` sets the page's language for `login` (kept on the account: a write
 * of its own, made before a change is looked for).
 */
const { send, speak, decideAs, submitted } = sharingSessions(() => ({ app: t.app, people }));

/** A form refused (422): nothing was written. */
async function refused(login: keyof SharingPeople, path: string, body: Record<string, string>, locale: 'zh-CN' | 'en' = 'zh-CN') {
  await speak(login, locale);
  return refusedWritingNothing(t.db.knex, () => send(login, path, body));
}

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.now = () => MONDAY;
  people = await buildSharingWorld(t.db.knex);
  await installChangeLog(t.db.knex);
});
afterAll(() => t.close());

it("a reviewer's opinion: the decision form comes back with the opinion as typed and the message beside it, nothing decided", async () => {
  const id = await submitted();
  await decideAs('csSteward', id);
  await decideAs('office', id);
  const stage = await t.db.knex('sharing_stages').where({ request_id: id, kind: 'source' }).first('id');
  const res = await refused('hrSteward', `/sharing/${id}/decision`, {
    stage_id: String(stage.id),
    decision: 'approve',
    comment: '同意\u0000，用于\u202E迎新',
  });
  expect(res.text).toContain(`>同意\uFFFD，用于\u202E迎新</textarea>`);
  expect(res.text).toContain(`id="decide-${stage.id}-comment-error">${ZH('\\u0000 \\u202E')}</p>`);
  expect(summaryLinks(res.text)).toEqual([
    { anchor: `decide-${stage.id}-comment-error`, text: `意见：${ZH('\\u0000 \\u202E')}` },
  ]);
  // With the form's other mistakes: no choice ticked is said too.
  const both = await refused('hrSteward', `/sharing/${id}/decision`, { stage_id: String(stage.id), comment: 'a\u202Eb' });
  expect(summaryLinks(both.text).map((l) => l.anchor)).toEqual([
    `decide-${stage.id}-decision-error`,
    `decide-${stage.id}-comment-error`,
  ]);
  const en = await refused(
    'hrSteward',
    `/sharing/${id}/decision`,
    { stage_id: String(stage.id), decision: 'approve', comment: 'a\u0000b' },
    'en',
  );
  expect(en.text).toContain(`id="decide-${stage.id}-comment-error">${EN('\\u0000')}</p>`);
  expect((await t.db.knex('sharing_stages').where({ id: stage.id }).first('status')).status).toBe('pending');
});

it("the applicant's objection and the IT office's conclusion: the arbitration form comes back as typed, nothing written", async () => {
  const id = await submitted();
  await decideAs('csSteward', id);
  await decideAs('office', id);
  await decideAs('hrSteward', id, { decision: 'reject', reason: 'data_incomplete' });

  const asked = await refused('applicant', `/sharing/${id}/arbitration`, { note: '字段\u0000齐全，\u202D请复核' });
  expect(asked.text).toContain('aria-describedby="arbitration-note-error">字段\uFFFD齐全，\u202D请复核</textarea>');
  expect(asked.text).toContain(`id="arbitration-note-error">${ZH('\\u0000 \\u202D')}</p>`);
  expect(summaryLinks(asked.text)).toEqual([{ anchor: 'arbitration-note-error', text: `异议说明：${ZH('\\u0000 \\u202D')}` }]);
  const askedEn = await refused('applicant', `/sharing/${id}/arbitration`, { note: 'a\u202Eb' }, 'en');
  expect(askedEn.text).toContain(`id="arbitration-note-error">${EN('\\u202E')}</p>`);
  await speak('applicant', 'zh-CN');
  expect((await t.db.knex('sharing_requests').where({ id }).first('arbitration')).arbitration).toBeNull();

  expect((await send('applicant', `/sharing/${id}/arbitration`, { note: '字段齐全，请复核' })).status).toBe(303);
  const concluded = await refused('office2', `/sharing/${id}/arbitration/decision`, {
    decision: 'overturn',
    note: '理由\u0000不成立\u202A',
  });
  expect(concluded.text).toContain('aria-describedby="arbitrate-note-error">理由\uFFFD不成立\u202A</textarea>');
  expect(concluded.text).toContain(`id="arbitrate-note-error">${ZH('\\u0000 \\u202A')}</p>`);
  expect(summaryLinks(concluded.text)).toEqual([
    { anchor: 'arbitrate-note-error', text: `仲裁结论的理由：${ZH('\\u0000 \\u202A')}` },
  ]);
  const concludedEn = await refused(
    'office2',
    `/sharing/${id}/arbitration/decision`,
    { decision: 'uphold', note: 'a\u0000' },
    'en',
  );
  expect(concludedEn.text).toContain(`id="arbitrate-note-error">${EN('\\u0000')}</p>`);
  expect((await t.db.knex('sharing_requests').where({ id }).first('arbitration')).arbitration).toBe('requested');
});

it("the IT office's reason to revoke a grant: the grant's form comes back with the reason as typed, nothing revoked", async () => {
  const id = await submitted([{ table: 'org_unit', fields: ['unit_code'] }]);
  await decideAs('csSteward', id);
  await decideAs('office', id);
  await decideAs('office2', id);
  expect((await t.db.knex('sharing_requests').where({ id }).first('status')).status).toBe('granted');
  const res = await refused('office', `/sharing/${id}/revoke`, { reason: '项目\u0000结束\u202E' });
  expect(res.text).toContain('value="项目\uFFFD结束\u202E" aria-invalid="true" aria-describedby="revoke-reason-error">');
  expect(res.text).toContain(`id="revoke-reason-error">${ZH('\\u0000 \\u202E')}</p>`);
  expect(summaryLinks(res.text)).toEqual([{ anchor: 'revoke-reason-error', text: `撤销原因：${ZH('\\u0000 \\u202E')}` }]);
  const en = await refused('office', `/sharing/${id}/revoke`, { reason: 'done\u202E' }, 'en');
  expect(en.text).toContain(`id="revoke-reason-error">${EN('\\u202E')}</p>`);
  await speak('office', 'zh-CN');
  // Anything but the form's own box is refused app-wide, as before (the bare error page).
  const other = await refused('office', `/sharing/${id}/revoke`, { reason: '项目结束', extra: 'a\u202Eb' });
  expect(other.text).not.toContain('revoke-reason-error');
});

it('a phone number copied from Windows (wrapped in U+202A … U+202C): the message says what to do, in either language', async () => {
  const id = await submitted();
  const stage = await t.db.knex('sharing_stages').where({ request_id: id, kind: 'source' }).first('id');
  await decideAs('csSteward', id);
  await decideAs('office', id);
  const comment = '同意，联系人电话 \u202A138 0000 1234\u202C';
  const res = await refused('hrSteward', `/sharing/${id}/decision`, { stage_id: String(stage.id), decision: 'approve', comment });
  // Nothing shows in the box: the message names the invisible characters found, where they come from and what to do.
  expect(res.text).toContain(
    `id="decide-${stage.id}-comment-error">文本中含有看不见的控制字符（常见于从其他程序复制电话号码或文字时一并带入）：请删除这部分后重新输入（字符代码 \\u202A \\u202C）</p>`,
  );
  const en = await refused(
    'hrSteward',
    `/sharing/${id}/decision`,
    { stage_id: String(stage.id), decision: 'approve', comment },
    'en',
  );
  expect(en.text).toContain(
    `id="decide-${stage.id}-comment-error">The text contains an invisible control character (often copied in with a phone number or text from another program): delete that part and type it again (character codes \\u202A \\u202C)</p>`,
  );
});
