import { createTestApp, signIn, TestApp } from '../helpers/app';
import { apiRequest, buildHubTable, buildSharingWorld, SharingPeople, sharingActor } from '../factories/sharing';
import { inputFromBody } from '../../server/services/sharing/input';
import {
  arbitrate,
  decide,
  requestArbitration,
  saveDraft,
  submitRequest,
  withdraw,
} from '../../server/services/sharing/workflow';
import { revokeGrant } from '../../server/services/sharing/grants';
import { queueIds } from '../../server/services/sharing/lists';
import { toCurrentUser } from '../../server/services/users';
import { translator } from '../../server/i18n';
import { buildUser } from '../factories';

/**
 * Who hears of a data-sharing request as it moves: each reviewer of a stage it reaches (the people whose queue shows
 * it) one inbox notice linking to it, and the applicant its end (granted, refused) and an arbitration's conclusion;
 * nobody of their own action. The clock is Monday 2026-03-02 10:00 in Beijing.
 */
let t: TestApp;
let people: SharingPeople;
type Person = keyof SharingPeople;
const EVERYONE: Person[] = [
  'applicant',
  'csSteward',
  'office',
  'office2',
  'hrSteward',
  'orgSteward',
  'stuSteward',
  'leader',
  'outsider',
];

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.now = () => new Date('2026-03-02T02:00:00Z');
  people = await buildSharingWorld(t.db.knex);
  await buildHubTable(t.db.knex, 'staff_basic', 1999);
  await buildHubTable(t.db.knex, 'student_status', 2000);
});
afterAll(() => t.close());

interface NoticeRow {
  user_id: number;
  kind: string;
  title: string;
  body: string;
  title_en: string | null;
  body_en: string | null;
  link: string | null;
}

/** Every notice about request `id`, by person. */
async function noticesOf(id: number): Promise<Record<Person, NoticeRow[]>> {
  const rows = (await t.db
    .knex('notifications')
    .where({ link: `/sharing/${id}` })
    .orderBy('id')) as NoticeRow[];
  const out = {} as Record<Person, NoticeRow[]>;
  for (const p of EVERYONE) out[p] = rows.filter((r) => Number(r.user_id) === people[p].id);
  return out;
}

/** Who got how many notices about request `id` (only people with some). */
async function counts(id: number): Promise<Partial<Record<Person, string[]>>> {
  const all = await noticesOf(id);
  return Object.fromEntries(
    Object.entries(all)
      .filter(([, list]) => list.length)
      .map(([p, list]) => [p, list.map((n) => n.kind)]),
  );
}

async function submit(items: { table: string; fields: string[] }[]): Promise<number> {
  const input = inputFromBody(apiRequest(items));
  return (await submitRequest(t.ctx, sharingActor(people.applicant), input, { mode: 'api', t: translator('zh-CN') })).id;
}

/** Who sees request `id` in their review queue now (lists.ts queueIds, as the queue page asks). */
async function queueHolders(id: number): Promise<Person[]> {
  const out: Person[] = [];
  for (const p of EVERYONE) if ((await queueIds(t.db.knex, toCurrentUser(people[p]), '2026-03-02')).includes(id)) out.push(p);
  return out;
}

const approve = (who: Person, id: number, extra: Record<string, unknown> = {}) =>
  decide(t.ctx, sharingActor(people[who]), id, { decision: 'approve', ...extra });

it('tells each stage’s reviewers once as the request reaches it, and the applicant of the grant', async () => {
  const id = await submit([{ table: 'org_unit', fields: ['unit_code', 'unit_name'] }]);
  // Stage 1, the applicant unit's steward (CS): only them; the applicant is not told of their own submission.
  expect(await counts(id)).toEqual({ csSteward: ['sharing.stage'] });
  expect(await queueHolders(id)).toEqual(['csSteward']);
  const [first] = (await noticesOf(id)).csSteward;
  expect(first).toMatchObject({
    link: `/sharing/${id}`,
    title: `数据共享申请 #${id} 待您审核：数据申请单位信息化专员审核`,
    title_en: `Data-sharing request #${id} is waiting for your review: Applicant unit's IT steward`,
  });

  // Stage 2, the IT office's first review: both office accounts; the steward who approved hears nothing more.
  await approve('csSteward', id);
  expect(await counts(id)).toEqual({ csSteward: ['sharing.stage'], office: ['sharing.stage'], office2: ['sharing.stage'] });
  expect(await queueHolders(id)).toEqual(['office', 'office2']);

  const unread = async (who: Person) =>
    (
      await t.db
        .knex('notifications')
        .where({ link: `/sharing/${id}`, user_id: people[who].id })
        .whereNull('read_at')
        .orderBy('id')
    ).map((n) => n.title as string);
  // The steward's notice of stage 1 is done with once stage 1 is decided: no longer unread in their inbox.
  expect(await unread('csSteward')).toEqual([]);
  expect(await unread('office2')).toEqual([`数据共享申请 #${id} 待您审核：信息化办公室数据专员初审`]);

  // Stage 5, the final review: not to whoever decided the first (nor told of their own action), so office2 alone.
  await approve('office', id);
  // office decided the first review: office2's notice of it no longer waits; the final review's does.
  expect(await unread('office')).toEqual([]);
  expect(await unread('office2')).toEqual([`数据共享申请 #${id} 待您审核：信息化办公室终审、共享数据`]);
  expect(await counts(id)).toEqual({
    csSteward: ['sharing.stage'],
    office: ['sharing.stage'],
    office2: ['sharing.stage', 'sharing.stage'],
  });
  expect(await queueHolders(id)).toEqual(['office2']);
  expect((await noticesOf(id)).office2[1].title_en).toBe(
    `Data-sharing request #${id} is waiting for your review: IT office final review and grant`,
  );

  // Granted: the applicant hears, with the grant's last day; the deciding officer does not.
  await approve('office2', id, { expiresOn: '2026-12-31' });
  const after = await noticesOf(id);
  expect(after.applicant).toEqual([
    expect.objectContaining({
      kind: 'sharing.granted',
      link: `/sharing/${id}`,
      title: `您的数据共享申请 #${id} 已获批准，数据已共享（授权至 2026-12-31）`,
      title_en: `Your data-sharing request #${id} was granted (until 2026-12-31)`,
    }),
  ]);
  expect(after.office2).toHaveLength(2);
  for (const p of ['hrSteward', 'orgSteward', 'stuSteward', 'leader', 'outsider'] as Person[]) expect(after[p]).toEqual([]);

  // Revoked: the applicant's system loses its data, and hears of it (the typed reason stays on the request page).
  await revokeGrant(t.ctx, sharingActor(people.office), id, '项目结束，联系人 13800000001');
  const revoked = (await noticesOf(id)).applicant;
  expect(revoked).toHaveLength(2);
  expect(revoked[1]).toMatchObject({
    kind: 'sharing.revoked',
    link: `/sharing/${id}`,
    title: `您的数据共享申请 #${id} 的授权已被信息化办公室撤销`,
    title_en: `The grant of your data-sharing request #${id} was revoked by the IT office`,
    body: '',
  });
  expect((await noticesOf(id)).office).toHaveLength(1);
});

it('tells each source department of its own part only, the leader at stage 4, and the applicant of a refusal', async () => {
  // student_status (STU) has 2000 rows and id_card is sensitive: the leader's stage too.
  const id = await submit([{ table: 'student_status', fields: ['student_no', 'id_card'] }]);
  await approve('csSteward', id);
  await approve('office', id);
  const atSource = await noticesOf(id);
  expect(atSource.stuSteward).toEqual([
    expect.objectContaining({
      kind: 'sharing.stage',
      title: `数据共享申请 #${id} 待您审核：数据来源部门审核（学生处）`,
      body: '答复期限：2026-03-09',
      title_en: `Data-sharing request #${id} is waiting for your review: Data-source department review (学生处)`,
      body_en: 'Due 2026-03-09',
    }),
  ]);
  // Other departments' stewards and leaders, and the stages still to come, hear nothing.
  for (const p of ['hrSteward', 'orgSteward', 'outsider', 'leader', 'applicant'] as Person[]) expect(atSource[p]).toEqual([]);

  await approve('stuSteward', id);
  expect((await counts(id)).leader).toEqual(['sharing.stage']);
  expect((await noticesOf(id)).stuSteward).toHaveLength(1);

  await decide(t.ctx, sharingActor(people.leader), id, {
    decision: 'reject',
    reason: 'scope_too_large',
    comment: '张三 13800138000',
  });
  const after = await noticesOf(id);
  expect(after.applicant).toEqual([
    expect.objectContaining({
      kind: 'sharing.rejected',
      link: `/sharing/${id}`,
      title: `您的数据共享申请 #${id} 未获同意（不共享）：信息化主管校领导审批`,
      body: '理由：数据需求范围过大，不符合“按需够用”原则。',
      title_en: `Your data-sharing request #${id} was refused (not shared) at: University leader in charge of IT`,
      body_en: 'Reason: The scope is too large (request only what is needed).',
    }),
  ]);
  // What the reviewer typed (here a name and a phone number) stays on the request page.
  expect(JSON.stringify(after)).not.toContain('13800138000');
  expect(after.leader).toHaveLength(1);
  // Nobody is told the final review is waiting: the request ended.
  expect(after.office2).toEqual(atSource.office2);
});

it('tells two source departments in parallel; on arbitration the IT office when asked, then the applicant and the department asked again', async () => {
  const id = await submit([{ table: 'staff_basic', fields: ['staff_no', 'name', 'political_status'] }]);
  await approve('csSteward', id);
  await approve('office', id);
  expect(await counts(id)).toMatchObject({ hrSteward: ['sharing.stage'], orgSteward: ['sharing.stage'] });
  expect((await counts(id)).stuSteward).toBeUndefined();

  // ORG refuses while HR has not answered: HR's review is cancelled and HR told it need not answer, the applicant
  // told of the refusal; ORG, who refused, nothing more.
  await decide(t.ctx, sharingActor(people.orgSteward), id, { decision: 'reject', reason: 'data_incomplete' });
  const refused = await counts(id);
  expect(refused.applicant).toEqual(['sharing.rejected']);
  expect(refused.orgSteward).toEqual(['sharing.stage']);
  expect(refused.hrSteward).toEqual(['sharing.stage', 'sharing.refused_elsewhere']);
  expect((await noticesOf(id)).hrSteward[1]).toMatchObject({
    link: `/sharing/${id}`,
    title: `数据共享申请 #${id} 已在数据来源部门审核（党委组织部）被拒绝，无需再审核`,
    title_en: `Data-sharing request #${id} was refused at Data-source department review (党委组织部): no review needed`,
  });
  // …and HR still opens the request its notices link to (its review was put to it), without deciding it.
  const hr = await signIn(t.app, people.hrSteward.login, people.hrSteward.password);
  const page = await hr.agent.get(`/sharing/${id}`);
  expect([page.status, page.text.includes(`action="/sharing/${id}/decision"`)]).toEqual([200, false]);
  const late = await hr.agent
    .post(`/api/v1/sharing-requests/${id}/decisions`)
    .set('X-CSRF-Token', hr.csrf)
    .send({ decision: 'approve' });
  expect(late.status).toBe(409);
  const hrStage = await t.db.knex('sharing_stages').where({ request_id: id, department_code: 'HR' }).first('status');
  expect(hrStage.status).toBe('cancelled');

  // The applicant asks for arbitration: the IT office, who may conclude it, hears which refusal is contested (not
  // the applicant's note, free text on the request page), and so does the department that refused (its inbox said
  // nothing after "待您审核" while its refusal was disputed and set aside). Then the IT office overturns the refusal.
  await requestArbitration(t.ctx, sharingActor(people.applicant), id, '政治面貌为评优必需');
  // Under arbitration the request is not over: HR acting now hears why it may not (not "the request has ended").
  const waiting = await hr.agent
    .post(`/api/v1/sharing-requests/${id}/decisions`)
    .set('X-CSRF-Token', hr.csrf)
    .send({ decision: 'approve' });
  expect(waiting.status).toBe(409);
  expect(JSON.stringify(waiting.body)).toContain('该申请的不共享决定正在仲裁中');
  const asked = await noticesOf(id);
  for (const officer of ['office', 'office2'] as const) {
    expect(asked[officer].map((n) => n.kind)).toEqual(['sharing.stage', 'sharing.arbitration_requested']);
    expect(asked[officer][1].title).toBe(
      `数据共享申请 #${id}：申请人对数据来源部门审核（党委组织部）的不共享决定申请仲裁，请信息化办公室裁决`,
    );
    expect(asked[officer][1].title_en).toBe(
      `Data-sharing request #${id}: the applicant asks for arbitration of the refusal at Data-source department review (党委组织部)`,
    );
    expect(asked[officer][1].body).not.toContain('评优');
  }
  expect(asked.orgSteward[1]).toMatchObject({
    kind: 'sharing.refusalDisputed',
    link: `/sharing/${id}`,
    title: `数据共享申请 #${id}：申请人对数据来源部门审核（党委组织部）的不共享决定申请了仲裁，信息化办公室将作出结论`,
  });
  expect(asked.orgSteward[1].body).not.toContain('评优');
  expect(await counts(id)).toEqual({
    ...refused,
    orgSteward: ['sharing.stage', 'sharing.refusalDisputed'],
    office: asked.office.map((n) => n.kind),
    office2: asked.office2.map((n) => n.kind),
  });
  await arbitrate(t.ctx, sharingActor(people.office2), id, { decision: 'overturn', note: '评优确需' });
  const after = await noticesOf(id);
  expect(after.applicant.map((n) => n.kind)).toEqual(['sharing.rejected', 'sharing.overturned']);
  expect(after.applicant[1].title_en).toBe(
    `Your data-sharing request #${id}: the IT office overturned the department's refusal on arbitration; the review goes on`,
  );
  // HR's cancelled review is pending again: HR is told again; ORG hears its refusal was set aside; not the officer.
  expect(after.hrSteward.map((n) => n.kind)).toEqual(['sharing.stage', 'sharing.refused_elsewhere', 'sharing.stage']);
  expect(after.hrSteward[2].body).toBe('答复期限：2026-03-09');
  expect(after.orgSteward.map((n) => n.kind)).toEqual(['sharing.stage', 'sharing.refusalDisputed', 'sharing.refusalOverturned']);
  expect(after.orgSteward[2].title_en).toBe(
    `Data-sharing request #${id}: the IT office’s arbitration set aside the refusal at Data-source department review (党委组织部); the review goes on`,
  );
  expect(after.office2).toHaveLength(2);
});

it('tells nobody when one of two parallel reviews is approved; an arbitration waits in the IT office’s queue; the applicant hears it upheld', async () => {
  const id = await submit([{ table: 'staff_basic', fields: ['staff_no', 'political_status'] }]);
  await approve('csSteward', id);
  await approve('office', id);
  const before = await counts(id);
  await approve('hrSteward', id);
  expect(await counts(id)).toEqual(before);

  await decide(t.ctx, sharingActor(people.orgSteward), id, { decision: 'reject', reason: 'data_incomplete' });
  expect(await queueHolders(id)).toEqual([]);
  // Under arbitration the refusal waits for the IT office: in its queue (the people told), its list saying so.
  await requestArbitration(t.ctx, sharingActor(people.applicant), id, '有异议');
  expect(await queueHolders(id)).toEqual(['office', 'office2']);
  const officer = await signIn(t.app, people.office.login, people.office.password);
  const queue = (await officer.agent.get('/sharing/queue').expect(200)).text;
  const row = queue.slice(queue.indexOf(`href="/sharing/${id}"`), queue.indexOf('</tr>', queue.indexOf(`href="/sharing/${id}"`)));
  expect(row).toContain('待仲裁（信息化办公室）');
  const api = (await officer.agent.get('/api/v1/sharing-requests?view=queue').expect(200)).body as {
    items: { id: number; arbitration: string }[];
  };
  expect(api.items.find((item) => item.id === id)?.arbitration).toBe('requested');
  await arbitrate(t.ctx, sharingActor(people.office2), id, { decision: 'uphold', note: '维持' });
  expect(await queueHolders(id)).toEqual([]);
  const after = await noticesOf(id);
  expect(after.applicant.map((n) => [n.kind, n.title_en])).toEqual([
    ['sharing.rejected', expect.stringContaining(`#${id}`)],
    ['sharing.upheld', `Your data-sharing request #${id}: the IT office upheld the refusal on arbitration`],
  ]);
  expect(after.orgSteward.map((n) => [n.kind, n.title])).toEqual([
    ['sharing.stage', expect.stringContaining(`#${id}`)],
    ['sharing.refusalDisputed', expect.stringContaining(`#${id}`)],
    ['sharing.refusalUpheld', `数据共享申请 #${id}：信息化办公室仲裁维持数据来源部门审核（党委组织部）的不共享决定`],
  ]);
  expect(after.hrSteward).toHaveLength(1);
});

it('leaves an arbitration to the IT office members who did not make the refusal (one refused for an overdue department)', async () => {
  const id = await submit([{ table: 'staff_basic', fields: ['staff_no', 'political_status'] }]);
  await approve('csSteward', id);
  await approve('office', id);
  // ORG does not answer in time: the IT office (office) refuses in its place.
  await t.db
    .knex('sharing_stages')
    .where({ request_id: id, kind: 'source', department_code: 'ORG' })
    .update({ due_on: '2026-02-27' });
  const org = await t.db.knex('sharing_stages').where({ request_id: id, kind: 'source', department_code: 'ORG' }).first('id');
  await decide(t.ctx, sharingActor(people.office), id, {
    decision: 'reject',
    reason: 'data_incomplete',
    stageId: Number(org.id),
  });
  expect(await t.db.knex('sharing_stages').where({ id: org.id }).first('decided_by')).toEqual({ decided_by: people.office.id });

  await requestArbitration(t.ctx, sharingActor(people.applicant), id, '有异议');
  // office2 is told and queues it; office, whose refusal it is, neither, and may not conclude it (403), nor sees the form.
  expect(await queueHolders(id)).toEqual(['office2']);
  const told = await noticesOf(id);
  expect(told.office2.map((n) => n.kind)).toContain('sharing.arbitration_requested');
  expect(told.office.map((n) => n.kind)).not.toContain('sharing.arbitration_requested');
  await expect(
    arbitrate(t.ctx, sharingActor(people.office), id, { decision: 'overturn', note: '自己的决定' }),
  ).rejects.toMatchObject({
    status: 403,
    messageKey: 'sharing.errors.ownRefusal',
  });
  const page = (await (await signIn(t.app, people.office.login, people.office.password)).agent.get(`/sharing/${id}`).expect(200))
    .text;
  expect(page).not.toContain('/arbitration/decision');
  const other = (
    await (await signIn(t.app, people.office2.login, people.office2.password)).agent.get(`/sharing/${id}`).expect(200)
  ).text;
  expect(other).toContain('/arbitration/decision');
  await arbitrate(t.ctx, sharingActor(people.office2), id, { decision: 'uphold', note: '维持' });
});

it('tells the IT office when it stands in for a department with nobody but the applicant to review, as its queue shows', async () => {
  // An applicant of the IT office's own department, which has no steward or department leader: stage 1 is the office's.
  const itUser = await buildUser(t.db.knex, { login: 'it-user', name: '信息办职员', department: 'IT' });
  const input = inputFromBody(apiRequest([{ table: 'org_unit', fields: ['unit_code'] }]));
  const { id } = await submitRequest(t.ctx, { user: toCurrentUser(itUser) }, input, { mode: 'api', t: translator('zh-CN') });
  expect(await counts(id)).toEqual({ office: ['sharing.stage'], office2: ['sharing.stage'] });
  expect(await queueHolders(id)).toEqual(['office', 'office2']);
  expect(await t.db.knex('notifications').where({ user_id: itUser.id, link: `/sharing/${id}` })).toEqual([]);
});

it('does not tell the IT office member who refused one overdue source that the other one need not be reviewed', async () => {
  const id = await submit([{ table: 'staff_basic', fields: ['staff_no', 'political_status'] }]);
  await approve('csSteward', id);
  await approve('office', id);
  // Both sources overdue: the IT office holds both in their place; office2 refuses ORG's.
  await t.db.knex('sharing_stages').where({ request_id: id, kind: 'source' }).update({ due_on: '2026-02-27' });
  const org = await t.db.knex('sharing_stages').where({ request_id: id, kind: 'source', department_code: 'ORG' }).first('id');
  await decide(t.ctx, sharingActor(people.office2), id, {
    decision: 'reject',
    reason: 'data_incomplete',
    stageId: Number(org.id),
  });
  const told = await counts(id);
  expect(told.hrSteward).toEqual(['sharing.stage', 'sharing.refused_elsewhere']);
  expect(told.office).toContain('sharing.refused_elsewhere');
  expect(told.office2).not.toContain('sharing.refused_elsewhere');
});

it('tells the reviewers a request waits for when its applicant withdraws it, and nobody else', async () => {
  const id = await submit([{ table: 'org_unit', fields: ['unit_code', 'unit_name'] }]);
  await approve('csSteward', id);
  // Stage 2 waits for the IT office (both accounts were told).
  expect(await counts(id)).toEqual({ csSteward: ['sharing.stage'], office: ['sharing.stage'], office2: ['sharing.stage'] });
  await withdraw(t.ctx, sharingActor(people.applicant), id);
  expect(await counts(id)).toEqual({
    csSteward: ['sharing.stage'],
    office: ['sharing.stage', 'sharing.withdrawn'],
    office2: ['sharing.stage', 'sharing.withdrawn'],
  });
  expect((await noticesOf(id)).office[1]).toMatchObject({
    title: `数据共享申请 #${id} 已由申请人撤回，无需再审核`,
    title_en: `Data-sharing request #${id} was withdrawn by its applicant: no review needed`,
  });
  // A draft withdrawn waited for nobody: nobody is told.
  const draft = await saveDraft(
    t.ctx,
    sharingActor(people.applicant),
    inputFromBody(apiRequest([{ table: 'org_unit', fields: ['unit_code'] }])),
    { t: translator('zh-CN') },
  );
  await withdraw(t.ctx, sharingActor(people.applicant), draft);
  expect(await counts(draft)).toEqual({});
});

it('says in the inbox where the request stands now, to those who may still open it: 审核中 after a colleague decided, 已共享 and a revoked grant', async () => {
  const id = await submit([{ table: 'org_unit', fields: ['unit_code', 'unit_name'] }]);
  /** The line under this request's notices in `who`'s inbox, as the page shows it. */
  const nowLines = async (who: Person) => {
    const html = (await (await signIn(t.app, people[who].login, people[who].password)).agent.get('/inbox').expect(200)).text;
    return [...html.matchAll(/<li class="[^"]*">([\s\S]*?)<\/li>/g)]
      .map((m) => m[1])
      .filter((li) => li.includes(`#${id} `))
      .map((li) => /<p class="muted sharing-now">([^<]*)<\/p>/.exec(li)?.[1] ?? null);
  };
  expect(await nowLines('csSteward')).toEqual(['申请当前状态：已提交']);
  await approve('csSteward', id);
  // The steward's "待您审核" reads as settled: the request moved on to the IT office.
  expect(await nowLines('csSteward')).toEqual(['申请当前状态：审核中']);
  await approve('office', id);
  await approve('office2', id, { expiresOn: '2026-12-31' });
  await revokeGrant(t.ctx, sharingActor(people.office), id, '项目结束');
  expect(await nowLines('applicant')).toEqual(['申请当前状态：已共享；授权已撤销', '申请当前状态：已共享；授权已撤销']);
});
