import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildUser } from '../factories';
import { createTestApp, sharingSessions, summaryLinks, TestApp } from '../helpers/app';
import { changedSince, installChangeLog, mark } from '../helpers/change-log';
import { buildSharingWorld, SharingPeople } from '../factories/sharing';

/**
 * The IT office's review of a data-structure change (/sharing/structure-changes): a rejection says why — without a
 * reason the list comes back (422) with the change's form as typed and the message beside its box, nothing written,
 * nobody told — and the department that filed the change hears of the decision (inbox and e-mail), the note masked.
 * Before, a rejection needed no reason and nobody was told of either decision.
 */
const MONDAY = new Date('2026-03-02T02:00:00Z');
const NO_REASON = '不同意时请在“审核意见”中写明理由';

let t: TestApp;
let dataDir: string;
let people: SharingPeople;
let hrLeader: Awaited<ReturnType<typeof buildUser>>;
/** Each person's session, signed in once. */
const { as } = sharingSessions(() => ({ app: t.app, people }));

const valid = {
  system: '人事管理系统',
  tables: 'staff_basic',
  description: '增加字段 title_rank',
  planned_on: '2026-03-20',
  contact: '人事专员 1234',
};

/** A change filed by `login` (HR's system): its id. */
async function filed(login: keyof SharingPeople = 'hrSteward'): Promise<number> {
  const s = await as(login);
  const res = await s.agent
    .post('/sharing/structure-changes')
    .type('form')
    .send({ _csrf: s.csrf, ...valid });
  expect(res.status).toBe(303);
  return Number((await t.db.knex('structure_changes').max({ id: 'id' }))[0].id);
}

async function review(id: number, body: Record<string, string>, login: keyof SharingPeople = 'office') {
  const s = await as(login);
  return s.agent
    .post(`/sharing/structure-changes/${id}/review`)
    .type('form')
    .send({ _csrf: s.csrf, ...body });
}

/** A review refused (422): nothing was written (no notice either). */
async function refused(id: number, body: Record<string, string>) {
  await as('office');
  const before = await mark(t.db.knex);
  const res = await review(id, body);
  expect(res.status).toBe(422);
  expect(await changedSince(t.db.knex, before)).toEqual([]);
  return res;
}

const notices = (userId: number) =>
  t.db
    .knex('notifications')
    .where({ user_id: userId })
    .whereLike('kind', 'sharing.structure%')
    .orderBy('id')
    .select('kind', 'title', 'body', 'title_en', 'body_en', 'link');

const outbox = () => {
  const dir = path.join(dataDir, 'outbox');
  return fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .sort()
        .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
    : [];
};
/** A mail's text (nodemailer writes a non-ASCII body as base64 or quoted-printable). */
const mailText = (mail: string) => {
  const split = /\r?\n\r?\n/.exec(mail)!;
  const [head, body] = [mail.slice(0, split.index), mail.slice(split.index + split[0].length)];
  if (/^Content-Transfer-Encoding: base64$/im.test(head)) return Buffer.from(body.replace(/\s/g, ''), 'base64').toString('utf8');
  if (/^Content-Transfer-Encoding: quoted-printable$/im.test(head))
    return Buffer.from(
      body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
      'latin1',
    ).toString('utf8');
  return body;
};

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hw-structure-'));
  t = await createTestApp({ DATA_DIR: dataDir });
  t.ctx.now = () => MONDAY;
  people = await buildSharingWorld(t.db.knex);
  hrLeader = await buildUser(t.db.knex, { login: 'hr-leader', department: 'HR', roles: ['dept_leader'] });
  await t.db.knex('users').where({ id: people.hrSteward.id }).update({ email: 'hr-steward@example.edu.cn' });
  await t.db.knex('users').where({ id: hrLeader.id }).update({ email: 'hr-leader@example.edu.cn' });
  await installChangeLog(t.db.knex);
});
afterAll(async () => {
  await t.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('a rejection says why', () => {
  it('without a reason: the change’s form comes back with the message beside the box, nothing rejected, nobody told', async () => {
    const id = await filed();
    const mails = outbox().length;
    const res = await refused(id, { decision: 'reject', note: '   ' });
    expect(res.text).toContain(`value="   " aria-invalid="true" aria-describedby="sc-review-${id}-note-error">`);
    expect(res.text).toContain(`<p class="field-error" id="sc-review-${id}-note-error">${NO_REASON}</p>`);
    expect(summaryLinks(res.text)).toEqual([{ anchor: `sc-review-${id}-note-error`, text: NO_REASON }]);
    expect((await t.db.knex('structure_changes').where({ id }).first('status')).status).toBe('submitted');
    expect(outbox()).toHaveLength(mails);
    // The box says so before anything is sent.
    expect(res.text).toContain('placeholder="审核意见（不同意时必填）"');
    // In English too.
    const o = await as('office');
    await o.agent.post('/locale').type('form').send({ _csrf: o.csrf, locale: 'en', next: '/' });
    try {
      const en = await refused(id, { decision: 'reject', note: '' });
      expect(en.text).toContain(`id="sc-review-${id}-note-error">Give the reason for rejecting in “Review note”</p>`);
    } finally {
      await o.agent.post('/locale').type('form').send({ _csrf: o.csrf, locale: 'zh-CN', next: '/' });
    }
    // An approval needs none.
    expect((await review(id, { decision: 'approve', note: '' })).status).toBe(303);
  });

  it('a NUL or a direction override in the note, or no choice: beside the box too, the note as typed', async () => {
    const id = await filed();
    const nul = await refused(id, { decision: 'reject', note: '与\u0000既有对接\u202E冲突' });
    expect(nul.text).toContain(
      `value="与\uFFFD既有对接\u202E冲突" aria-invalid="true" aria-describedby="sc-review-${id}-note-error">`,
    );
    expect(nul.text).toContain(`id="sc-review-${id}-note-error">文本中含有看不见的控制字符`);
    const none = await refused(id, { note: '与既有对接冲突' });
    expect(none.text).toContain('value="与既有对接冲突">');
    expect(none.text).toContain(`id="sc-review-${id}-decision-error">请选择“同意”或“不同意”</p>`);
    expect(summaryLinks(none.text)).toEqual([
      { anchor: `sc-review-${id}-decision-error`, text: '审核结论：请选择“同意”或“不同意”' },
    ]);
  });

  it('a change further down the list comes back on its own page of the list', async () => {
    const id = await filed();
    // 25 newer changes: this one is on page 2.
    for (let i = 0; i < 25; i++) await filed();
    const res = await refused(id, { decision: 'reject', note: '' });
    expect(res.text).toContain(`id="sc-review-${id}-note-error">${NO_REASON}</p>`);
    // Its pager leads to the list's pages (not the review form's address).
    expect(res.text).toContain('<a href="/sharing/structure-changes?page&#x3D;1">');
    // The review form's address opened again (a reload without resending, an error page's reload): the list's page
    // showing the change, not a 404; a newer change's on the first page.
    const o = await as('office');
    expect((await o.agent.get(`/sharing/structure-changes/${id}/review`).expect(302)).headers.location).toBe(
      '/sharing/structure-changes?page=2',
    );
    expect((await o.agent.get(`/sharing/structure-changes/${id + 25}/review`).expect(302)).headers.location).toBe(
      '/sharing/structure-changes',
    );
    await o.agent.get('/sharing/structure-changes/x1/review').expect(404);
    for (const c of await t.db.knex('structure_changes').where({ status: 'submitted' }).pluck('id'))
      expect((await review(Number(c), { decision: 'reject', note: '清理' })).status).toBe(303);
  });
});

describe('the department that filed the change hears the decision', () => {
  it('rejected: its stewards and leaders, in the inbox and by e-mail, the reason masked; nobody else', async () => {
    const id = await filed();
    const mails = outbox().length;
    const before = { stu: (await notices(people.stuSteward.id)).length, office: (await notices(people.office.id)).length };
    const res = await review(id, { decision: 'reject', note: '与既有对接冲突，请联系 13612345678 再议' });
    expect(res.status).toBe(303);
    for (const person of [people.hrSteward, hrLeader])
      expect((await notices(person.id)).at(-1)).toEqual({
        kind: 'sharing.structure_rejected',
        title: `数据结构变更申请 #${id}（人事管理系统）未获信息化办公室同意`,
        body: '受影响的表：staff_basic\n理由：与既有对接冲突，请联系 136****5678 再议',
        title_en: `Data-structure change request #${id} (人事管理系统) was rejected by the IT office`,
        body_en: 'Affected tables: staff_basic\nReason: 与既有对接冲突，请联系 136****5678 再议',
        link: '/sharing/structure-changes',
      });
    expect(await notices(people.stuSteward.id)).toHaveLength(before.stu);
    expect(await notices(people.office.id)).toHaveLength(before.office);
    const sent = outbox().slice(mails);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/^To: hr-steward@example\.edu\.cn, hr-leader@example\.edu\.cn$/m);
    const text = mailText(sent[0]);
    expect(text).toContain('理由：与既有对接冲突，请联系 136****5678 再议');
    expect(text).not.toContain('13612345678');
    expect(text).toContain('/sharing/structure-changes');
  });

  it('approved: the same people, with the planned date and the note if any; one who filed for the department too', async () => {
    const id = await filed('office2');
    const mails = outbox().length;
    expect((await review(id, { decision: 'approve', note: '' })).status).toBe(303);
    const approved = {
      kind: 'sharing.structure_approved',
      title: `数据结构变更申请 #${id}（人事管理系统）已获信息化办公室同意，可按计划于 2026-03-20 实施`,
      body: '受影响的表：staff_basic',
      title_en: `Data-structure change request #${id} (人事管理系统) was approved by the IT office: it may go ahead on 2026-03-20 as planned`,
      body_en: 'Affected tables: staff_basic',
      link: '/sharing/structure-changes',
    };
    for (const person of [people.hrSteward, hrLeader, people.office2])
      expect((await notices(person.id)).at(-1)).toEqual(approved);
    expect(outbox()).toHaveLength(mails + 1);
    const noted = await filed();
    expect((await review(noted, { decision: 'approve', note: '周末实施，联系 13612345678' })).status).toBe(303);
    expect((await notices(people.hrSteward.id)).at(-1)!.body).toBe(
      '受影响的表：staff_basic\n审核意见：周末实施，联系 136****5678',
    );
  });
});
