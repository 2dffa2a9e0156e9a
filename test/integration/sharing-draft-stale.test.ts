import { createTestApp, postMultipart, signIn, TestApp } from '../helpers/app';
import { buildSharingWorld, MATERIAL_PDF, SharingPeople, submittableForm } from '../factories/sharing';

/**
 * A draft open in two tabs: saved in one, the other — opened before that save — no longer puts back, without a word,
 * what it showed over what was saved meanwhile (a teacher's purpose typed in one tab was wiped by 保存草稿 in the
 * other). The edit form carries the draft as it was opened (`edited_from`); saved since, nothing is saved or submitted
 * and the form comes back (409) as typed on that page, saying so, carrying the draft as saved now.
 */
const MONDAY = new Date('2026-03-02T02:00:00Z');

let t: TestApp;
let people: SharingPeople;
let s: Awaited<ReturnType<typeof signIn>>;

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.now = () => MONDAY;
  people = await buildSharingWorld(t.db.knex);
  s = await signIn(t.app, people.applicant.login, people.applicant.password);
});
afterAll(() => t.close());

const base = { 'applicant[name]': '张三', 'system[name]': '体育学院迎新系统', action: 'draft' };
/** Everything a submission needs (the approval material sent with it). */
const complete = submittableForm({ purpose: '此页的用途' });

const post = (path: string, fields: Record<string, string>, opts: { file?: string; lang?: string } = {}) =>
  postMultipart(s, path, fields, { lang: opts.lang, files: opts.file ? { material: [MATERIAL_PDF, opts.file] } : {} });

/** A new draft, saved once from the new-request form: its id. */
async function newDraft(): Promise<number> {
  const res = await post('/sharing/new', base);
  expect(res.status).toBe(303);
  return Number(/^\/sharing\/(\d+)\/edit$/.exec(res.headers.location)![1]);
}

/** The `edited_from` an edit form (or a page sent back) carries. */
const editedFrom = (html: string) => /<input type="hidden" name="edited_from" value="([0-9a-f]{32})">/.exec(html)?.[1];

/** A tab opening the draft's edit form: the version it carries. */
async function openTab(id: number): Promise<string> {
  const page = await s.agent.get(`/sharing/${id}/edit`).expect(200);
  const version = editedFrom(page.text);
  expect(version).toBeDefined();
  return version!;
}

const stored = (id: number) => t.db.knex('sharing_requests').where({ id }).first('purpose', 'whitelist', 'status');

it('a tab opened before the draft was saved in another saves nothing, keeps what it typed, and says so', async () => {
  const id = await newDraft();
  const tabA = await openTab(id);
  const tabB = await openTab(id);
  expect(tabB).toBe(tabA);

  const savedB = await post(`/sharing/${id}/edit`, { ...base, purpose: 'B 标签页写的用途', edited_from: tabB });
  expect([savedB.status, savedB.headers.location]).toEqual([303, `/sharing/${id}/edit`]);

  // Tab A, opened before, saves: before, B's purpose was wiped (A's empty box saved over it) with 草稿已保存.
  const staleA = await post(
    `/sharing/${id}/edit`,
    { ...base, whitelist: '10.9.9.9', edited_from: tabA },
    { file: '立项批复.pdf' },
  );
  expect(staleA.status).toBe(409);
  expect(staleA.text).toContain(
    `草稿 #${id} 在此页面打开后已在其他页面（或其他标签页）保存过：本次未保存，也未提交，以免覆盖那次保存的内容。`,
  );
  expect(staleA.text).not.toContain('草稿已保存');
  // The file line at the top is a draft's (not 未提交成功: nothing was being submitted).
  expect(staleA.text).toContain('<p>草稿未保存，请修改以下各处：</p>');
  // What A typed is in its boxes, the file to be chosen again; the draft is B's.
  expect(staleA.text).toMatch(/<textarea name="whitelist"[^>]*>10\.9\.9\.9<\/textarea>/);
  expect(staleA.text).toContain('立项批复.pdf');
  const afterB = await stored(id);
  expect([afterB.purpose, afterB.whitelist]).toEqual(['B 标签页写的用途', []]);
  expect(await t.db.knex('uploads').where({ filename: '立项批复.pdf' }).first()).toBeUndefined();

  // The page sent back carries the draft as saved now: saving from it is a choice made seeing the message.
  const now = editedFrom(staleA.text);
  expect(now).toBeDefined();
  expect(now).not.toBe(tabA);
  expect(now).toBe(await openTab(id));
  const kept = await post(`/sharing/${id}/edit`, { ...base, whitelist: '10.9.9.9', edited_from: now! });
  expect(kept.status).toBe(303);
  expect((await stored(id)).whitelist).toEqual(['10.9.9.9']);
});

it('submits nothing from a tab opened before another save, in English too', async () => {
  const id = await newDraft();
  const tabA = await openTab(id);
  await post(`/sharing/${id}/edit`, { ...base, purpose: '另一个标签页', edited_from: await openTab(id) }).expect(303);
  const stale = await post(
    `/sharing/${id}/edit`,
    { ...base, purpose: '此页的用途', action: 'submit', edited_from: tabA },
    { lang: 'en' },
  );
  // Incomplete: its mistakes first (422 as before, nothing saved), the page still carrying A's version …
  expect(stale.status).toBe(422);
  expect(editedFrom(stale.text)).toBe(tabA);
  // … so that, completed and sent, it is refused as stale: not submitted, no stage, the draft as the other tab saved it.
  const en = await post(`/sharing/${id}/edit`, { ...complete, edited_from: tabA }, { lang: 'en', file: '立项批复.pdf' });
  expect(en.status).toBe(409);
  expect(en.text).toContain(
    `Draft #${id} was saved from another page (or tab) after this page was opened: nothing was saved or submitted now`,
  );
  expect(await stored(id)).toMatchObject({ purpose: '另一个标签页', status: 'draft' });
  expect(await t.db.knex('sharing_stages').where({ request_id: id })).toHaveLength(0);
  // Sent again from the page that said so, it is submitted.
  const submitted = await post(
    `/sharing/${id}/edit`,
    { ...complete, edited_from: editedFrom(en.text)! },
    { file: '立项批复.pdf' },
  );
  expect([submitted.status, submitted.headers.location]).toEqual([303, `/sharing/${id}`]);
  expect(await stored(id)).toMatchObject({ purpose: '此页的用途', status: 'submitted' });
});

it('saves one tab twice in a row, and a form without edited_from as before', async () => {
  const id = await newDraft();
  await post(`/sharing/${id}/edit`, { ...base, purpose: '第一次', edited_from: await openTab(id) }).expect(303);
  // After its save the tab is the draft's edit form again (the redirect), carrying the new version.
  await post(`/sharing/${id}/edit`, { ...base, purpose: '第二次', edited_from: await openTab(id) }).expect(303);
  expect((await stored(id)).purpose).toBe('第二次');
  await post(`/sharing/${id}/edit`, { ...base, purpose: '没有版本' }).expect(303);
  expect((await stored(id)).purpose).toBe('没有版本');
});
