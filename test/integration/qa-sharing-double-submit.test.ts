import request from 'supertest';
import { issueApiToken } from '../../server/services/users';
import { createTestApp, postMultipart, signIn, TestApp } from '../helpers/app';
import { buildSharingWorld, MATERIAL_PDF, SharingPeople, submittableForm } from '../factories/sharing';

/**
 * A request is filed once however often its form is sent: a double click on 提交申请, or the form sent again from
 * the browser's history, goes to the request the first post made (the form carries its own id), and a draft's edit
 * form sent again after it was submitted goes to the request page instead of an error page.
 */
const MONDAY = new Date('2026-03-02T02:00:00Z');

let t: TestApp;
let people: SharingPeople;
let s: Awaited<ReturnType<typeof signIn>>;

const post = (path: string, fields: Record<string, string>) =>
  postMultipart(s, path, fields, { files: { material: [MATERIAL_PDF, '立项批复.pdf'] } });

/** The form id of a fresh new-request form. */
async function newFormId(): Promise<string> {
  const page = (await s.agent.get('/sharing/new').expect(200)).text;
  const id = /<input type="hidden" name="form_id" value="([0-9a-f]{32})">/.exec(page);
  expect(id).not.toBeNull();
  return id![1];
}

const requestCount = async () =>
  Number((await t.db.knex('sharing_requests').where({ applicant_id: people.applicant.id }).count({ n: '*' }))[0].n);

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.now = () => MONDAY;
  people = await buildSharingWorld(t.db.knex);
  s = await signIn(t.app, people.applicant.login, people.applicant.password);
});
afterAll(() => t.close());

it('the form sent again after it was submitted goes to that request, filed once, and says so', async () => {
  const formId = await newFormId();
  const before = await requestCount();
  const first = await post('/sharing/new', submittableForm({ form_id: formId }));
  expect(first.status).toBe(303);
  expect(first.headers.location).toMatch(/^\/sharing\/\d+$/);
  const again = await post('/sharing/new', submittableForm({ form_id: formId, purpose: '又发了一次' }));
  expect(again.status).toBe(303);
  expect(again.headers.location).toBe(first.headers.location);
  expect(await requestCount()).toBe(before + 1);
  const id = Number(first.headers.location.split('/').pop());
  const page = (await s.agent.get(`/sharing/${id}`).expect(200)).text;
  expect(page).toContain(`申请 #${id} 已经提交，不能再修改（只能撤回）：本次发送的内容没有保存。`);
  expect(page).toContain('迎新系统核对单位信息');
  expect(page).not.toContain('又发了一次');
});

it('a double click: two posts of one form at once file one request, both answered with it', async () => {
  const formId = await newFormId();
  const before = await requestCount();
  const [a, b] = await Promise.all([
    post('/sharing/new', submittableForm({ form_id: formId })),
    post('/sharing/new', submittableForm({ form_id: formId })),
  ]);
  expect([a.status, b.status]).toEqual([303, 303]);
  expect(a.headers.location).toBe(b.headers.location);
  expect(await requestCount()).toBe(before + 1);
});

it('a draft saved twice from one form is one draft; submitting that form again submits it', async () => {
  const formId = await newFormId();
  const before = await requestCount();
  const first = await post('/sharing/new', submittableForm({ form_id: formId, action: 'draft' }));
  expect(first.status).toBe(303);
  expect(first.headers.location).toMatch(/^\/sharing\/\d+\/edit$/);
  const id = Number(/\/sharing\/(\d+)\/edit/.exec(first.headers.location)![1]);
  const second = await post('/sharing/new', submittableForm({ form_id: formId, action: 'draft', purpose: '改过的用途' }));
  expect(second.headers.location).toBe(`/sharing/${id}/edit`);
  expect(await requestCount()).toBe(before + 1);
  expect((await t.db.knex('sharing_requests').where({ id }).first('purpose')).purpose).toBe('改过的用途');

  const submitted = await post('/sharing/new', submittableForm({ form_id: formId }));
  expect(submitted.headers.location).toBe(`/sharing/${id}`);
  expect(await requestCount()).toBe(before + 1);
  expect((await t.db.knex('sharing_requests').where({ id }).first('status')).status).toBe('submitted');
});

it("a draft's edit form sent again after it was submitted goes to the request page with a note, not an error page", async () => {
  const draft = await post('/sharing/new', submittableForm({ action: 'draft' }));
  const id = Number(/\/sharing\/(\d+)\/edit/.exec(draft.headers.location)![1]);
  expect((await post(`/sharing/${id}/edit`, submittableForm())).headers.location).toBe(`/sharing/${id}`);
  const again = await post(`/sharing/${id}/edit`, submittableForm({ purpose: '第二次' }));
  expect(again.status).toBe(303);
  expect(again.headers.location).toBe(`/sharing/${id}`);
  const page = (await s.agent.get(`/sharing/${id}`).expect(200)).text;
  expect(page).toContain(`申请 #${id} 已经提交，不能再修改（只能撤回）：本次发送的内容没有保存。`);
  expect((await t.db.knex('sharing_requests').where({ id }).first('purpose')).purpose).toBe('迎新系统核对单位信息');
});

describe('以此申请为基础新建 (copy a request into a new draft)', () => {
  /** A request of the applicant's, filed from the form and rejected by their department. */
  async function rejected(): Promise<number> {
    const filed = await post('/sharing/new', submittableForm());
    const id = Number(/^\/sharing\/(\d+)$/.exec(filed.headers.location)![1]);
    const steward = await signIn(t.app, people.csSteward.login, people.csSteward.password);
    const res = await steward.agent
      .post(`/sharing/${id}/decision`)
      .type('form')
      .send({ _csrf: steward.csrf, decision: 'reject', reason: 'scope_too_large' });
    expect(res.status).toBe(303);
    return id;
  }

  /** The form id of the copy button on the request's page. */
  async function copyFormId(id: number): Promise<string> {
    const page = (await s.agent.get(`/sharing/${id}`).expect(200)).text;
    const form = new RegExp(`<form method="post" action="/sharing/${id}/copy" class="inline">[^]*?</form>`).exec(page);
    expect(form).not.toBeNull();
    const formId = /<input type="hidden" name="form_id" value="([0-9a-f]{32})">/.exec(form![0]);
    expect(formId).not.toBeNull();
    return formId![1];
  }

  const copy = (id: number, formId: string) =>
    s.agent.post(`/sharing/${id}/copy`).type('form').send({ _csrf: s.csrf, form_id: formId });

  it('a double click makes one draft, and both posts go to it', async () => {
    const id = await rejected();
    const formId = await copyFormId(id);
    const before = await requestCount();
    const [a, b] = await Promise.all([copy(id, formId), copy(id, formId)]);
    expect([a.status, b.status]).toEqual([303, 303]);
    expect(a.headers.location).toMatch(/^\/sharing\/\d+\/edit$/);
    expect(b.headers.location).toBe(a.headers.location);
    expect(await requestCount()).toBe(before + 1);
    const page = (await s.agent.get(a.headers.location).expect(200)).text;
    expect(page).toContain(`已根据申请 #${id} 新建草稿：请核对内容、重新签署保密承诺后提交。`);

    // A new page's button makes a new draft: the id is the form's, not the request's.
    const another = await copy(id, await copyFormId(id));
    expect(another.headers.location).not.toBe(a.headers.location);
    expect(await requestCount()).toBe(before + 2);
  });

  it('the form sent again once its draft was submitted goes to that request, saying nothing else was made', async () => {
    const id = await rejected();
    const formId = await copyFormId(id);
    const first = await copy(id, formId);
    const draftId = Number(/^\/sharing\/(\d+)\/edit$/.exec(first.headers.location)![1]);
    expect((await post(`/sharing/${draftId}/edit`, submittableForm())).headers.location).toBe(`/sharing/${draftId}`);
    const before = await requestCount();
    const again = await copy(id, formId);
    expect([again.status, again.headers.location]).toEqual([303, `/sharing/${draftId}`]);
    expect(await requestCount()).toBe(before);
    const page = (await s.agent.get(`/sharing/${draftId}`).expect(200)).text;
    expect(page).toContain(`已根据申请 #${id} 新建过申请 #${draftId}，这次没有再新建。`);
  });
});

describe('an old edit form sent once the request is no longer a draft says what became of it', () => {
  const NOT_SAVED = '本次发送的内容没有保存';
  const COPY_HINT = '如需重新申请，可用本页的“以此申请为基础新建”。';

  /** A draft of the applicant's, its id. */
  async function draft(): Promise<number> {
    const saved = await post('/sharing/new', submittableForm({ action: 'draft' }));
    return Number(/\/sharing\/(\d+)\/edit/.exec(saved.headers.location)![1]);
  }

  /** A request filed from the form, its id. */
  async function filed(): Promise<number> {
    const res = await post('/sharing/new', submittableForm());
    return Number(/^\/sharing\/(\d+)$/.exec(res.headers.location)![1]);
  }

  async function decideAs(person: keyof SharingPeople, id: number, fields: Record<string, string>) {
    const who = await signIn(t.app, people[person].login, people[person].password);
    const res = await who.agent
      .post(`/sharing/${id}/decision`)
      .type('form')
      .send({ _csrf: who.csrf, ...fields });
    expect(res.status).toBe(303);
  }

  /** A request of org_unit only (no data source, no leader) approved by its three stages. */
  async function granted(): Promise<number> {
    const id = await filed();
    await decideAs('csSteward', id, { decision: 'approve' });
    await decideAs('office', id, { decision: 'approve' });
    await decideAs('office2', id, { decision: 'approve' });
    expect((await t.db.knex('sharing_requests').where({ id }).first('status')).status).toBe('granted');
    return id;
  }

  /** The old form sent (as 提交申请 or 保存草稿); the flash its page then shows, and what is stored. */
  async function sendOldForm(id: number, action: 'submit' | 'draft', locale = 'zh-CN') {
    const res = await postMultipart(s, `/sharing/${id}/edit`, submittableForm({ action, purpose: '旧标签页里改的用途' }), {
      lang: locale,
      files: { material: [MATERIAL_PDF, '立项批复.pdf'] },
    });
    expect([res.status, res.headers.location]).toEqual([303, `/sharing/${id}`]);
    const page = (await s.agent.get(`/sharing/${id}`).expect(200)).text;
    const flash = /<div class="flash flash-info" role="status">([^<]*)<\/div>/.exec(page)?.[1];
    const stored = await t.db.knex('sharing_requests').where({ id }).first('status', 'purpose');
    return { flash, stored };
  }

  it('a draft withdrawn in another tab: 已撤回 (not 已经提交, not 只能撤回), nothing saved, and how to apply again', async () => {
    const id = await draft();
    await s.agent.post(`/sharing/${id}/withdraw`).type('form').send({ _csrf: s.csrf }).expect(303);
    for (const action of ['submit', 'draft'] as const) {
      const { flash, stored } = await sendOldForm(id, action);
      expect(flash).toBe(`申请 #${id} 已撤回，不能再修改：${NOT_SAVED}。${COPY_HINT}`);
      expect(stored).toEqual({ status: 'withdrawn', purpose: '迎新系统核对单位信息' });
    }
    const { flash } = await sendOldForm(id, 'submit', 'en');
    expect(flash).toBe(
      `Request #${id} has been withdrawn and can no longer be changed: what was just sent was not saved. To apply again, use “New request from this one” on this page.`,
    );
  });

  it('a request withdrawn while under review says so too', async () => {
    const id = await filed();
    await s.agent.post(`/sharing/${id}/withdraw`).type('form').send({ _csrf: s.csrf }).expect(303);
    expect((await sendOldForm(id, 'submit')).flash).toBe(`申请 #${id} 已撤回，不能再修改：${NOT_SAVED}。${COPY_HINT}`);
  });

  it('a refused request: 审核未通过, nothing saved; no new request offered while its arbitration is pending', async () => {
    const id = await filed();
    await decideAs('csSteward', id, { decision: 'reject', reason: 'scope_too_large' });
    const { flash, stored } = await sendOldForm(id, 'submit');
    expect(flash).toBe(`申请 #${id} 审核未通过（不共享），不能再修改：${NOT_SAVED}。${COPY_HINT}`);
    expect(stored).toEqual({ status: 'rejected', purpose: '迎新系统核对单位信息' });
    expect((await sendOldForm(id, 'draft', 'en')).flash).toBe(
      `Request #${id} was not approved (not shared) and can no longer be changed: what was just sent was not saved. To apply again, use “New request from this one” on this page.`,
    );
    await t.db.knex('sharing_requests').where({ id }).update({ arbitration: 'requested' });
    expect((await sendOldForm(id, 'submit')).flash).toBe(`申请 #${id} 审核未通过（不共享），不能再修改：${NOT_SAVED}。`);
  });

  it('a granted request: 已共享, and whether its grant has expired or been revoked', async () => {
    const id = await granted();
    const { flash, stored } = await sendOldForm(id, 'submit');
    expect(flash).toBe(`申请 #${id} 已共享，不能再修改：${NOT_SAVED}。${COPY_HINT}`);
    expect(stored).toEqual({ status: 'granted', purpose: '迎新系统核对单位信息' });
    expect((await sendOldForm(id, 'submit', 'en')).flash).toBe(
      `Request #${id} has been granted and can no longer be changed: what was just sent was not saved. To apply again, use “New request from this one” on this page.`,
    );

    await t.db.knex('sharing_grants').where({ request_id: id }).update({ expires_on: '2026-03-01' });
    expect((await sendOldForm(id, 'submit')).flash).toBe(
      `申请 #${id} 已共享，授权已过期，不能再修改：${NOT_SAVED}。${COPY_HINT}`,
    );
    expect((await sendOldForm(id, 'submit', 'en')).flash).toBe(
      `Request #${id} was granted and its grant has expired; it can no longer be changed: what was just sent was not saved. To apply again, use “New request from this one” on this page.`,
    );
    await t.db.knex('sharing_grants').where({ request_id: id }).update({ revoked_at: MONDAY });
    expect((await sendOldForm(id, 'submit')).flash).toBe(
      `申请 #${id} 已共享，授权已撤销，不能再修改：${NOT_SAVED}。${COPY_HINT}`,
    );
    expect((await sendOldForm(id, 'submit', 'en')).flash).toBe(
      `Request #${id} was granted and its grant has been revoked; it can no longer be changed: what was just sent was not saved. To apply again, use “New request from this one” on this page.`,
    );
  });

  it('still under review: 已经提交，只能撤回, as before; the new-request form sent again says what became of its request too', async () => {
    const id = await filed();
    expect((await sendOldForm(id, 'submit')).flash).toBe(`申请 #${id} 已经提交，不能再修改（只能撤回）：${NOT_SAVED}。`);

    const formId = await newFormId();
    const made = await post('/sharing/new', submittableForm({ form_id: formId, action: 'draft' }));
    const madeId = Number(/\/sharing\/(\d+)\/edit/.exec(made.headers.location)![1]);
    await s.agent.post(`/sharing/${madeId}/withdraw`).type('form').send({ _csrf: s.csrf }).expect(303);
    const again = await post('/sharing/new', submittableForm({ form_id: formId }));
    expect([again.status, again.headers.location]).toEqual([303, `/sharing/${madeId}`]);
    const page = (await s.agent.get(`/sharing/${madeId}`).expect(200)).text;
    expect(page).toContain(`申请 #${madeId} 已撤回，不能再修改：${NOT_SAVED}。${COPY_HINT}`);
    expect((await t.db.knex('sharing_requests').where({ id: madeId }).first('status')).status).toBe('withdrawn');
  });
});

describe('a withdrawal sent again', () => {
  it('says the request is already withdrawn and changes nothing: no audit row, no notice', async () => {
    const res = await post('/sharing/new', submittableForm());
    const id = Number(/^\/sharing\/(\d+)$/.exec(res.headers.location)![1]);
    const withdraw = (locale = 'zh-CN') =>
      s.agent.post(`/sharing/${id}/withdraw`).set('Accept-Language', locale).type('form').send({ _csrf: s.csrf }).expect(303);
    await withdraw();
    await s.agent.get(`/sharing/${id}`).expect(200); // the first withdrawal's flash, shown once
    const written = async () => ({
      audit: Number((await t.db.knex('audit_log').count({ n: '*' }))[0].n),
      notices: Number((await t.db.knex('notifications').count({ n: '*' }))[0].n),
      request: await t.db.knex('sharing_requests').where({ id }).first('status', 'version', 'closed_at'),
    });
    const token = await issueApiToken(t.db.knex, people.applicant.id); // audited: before the count
    const before = await written();
    expect(before.request.status).toBe('withdrawn');
    /** The flash the request page shows after the withdrawal is sent again: its kind and text. */
    const again = async (locale = 'zh-CN') => {
      expect((await withdraw(locale)).headers.location).toBe(`/sharing/${id}`);
      const page = (await s.agent.get(`/sharing/${id}`).set('Accept-Language', locale).expect(200)).text;
      return /<div class="flash flash-(\w+)" role="\w+"(?: data-sent-back)?>([^<]*)<\/div>/.exec(page)?.slice(1);
    };
    expect(await again()).toEqual(['info', `申请 #${id} 已撤回，本次提交未作改动`]);
    expect(await again('en')).toEqual(['info', `Request #${id} is already withdrawn; nothing was changed`]);
    // Over the API: a conflict (409) saying so.
    const api = await request(t.app)
      .post(`/api/v1/sharing-requests/${id}/withdraw`)
      .set('Authorization', `Bearer ${token}`)
      .set('Accept-Language', 'zh-CN');
    expect([api.status, api.body.message]).toEqual([409, `申请 #${id} 已撤回，本次提交未作改动`]);
    expect(await written()).toEqual(before);
  });
});
