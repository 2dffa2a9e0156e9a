import { createTestApp, sharingSessions, TestApp } from '../helpers/app';
import { apiRequest, buildSharingWorld, SharingPeople } from '../factories/sharing';

/**
 * Lists of sharing requests and structure changes page instead of stopping at 200 rows:
 * `GET /api/v1/sharing-requests` pages, filters (as /sharing/all does) and gives each request its stages;
 * /sharing/structure-changes pages its list.
 */
const MONDAY = new Date('2026-03-02T02:00:00Z');

let t: TestApp;
let people: SharingPeople;
/** Each person's session, signed in once. */
const { as } = sharingSessions(() => ({ app: t.app, people }));
const get = async (login: keyof SharingPeople, path: string) => (await as(login)).agent.get(path);

/** Request ids, newest first: [granted-path one at stage 2, three submitted]. */
const ids: number[] = [];

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.now = () => MONDAY;
  people = await buildSharingWorld(t.db.knex);
  const a = await as('applicant');
  for (let i = 0; i < 4; i++) {
    const res = await a.agent
      .post('/api/v1/sharing-requests')
      .set('X-CSRF-Token', a.csrf)
      .send(apiRequest([{ table: 'org_unit', fields: ['unit_code'] }], { purpose: `用途 ${i}` }));
    ids.unshift(res.body.id);
  }
  const steward = await as('csSteward');
  await steward.agent
    .post(`/api/v1/sharing-requests/${ids[3]}/decisions`)
    .set('X-CSRF-Token', steward.csrf)
    .send({ decision: 'approve' });
  // Someone else's request, of another department.
  const o = await as('outsider');
  await o.agent
    .post('/api/v1/sharing-requests')
    .set('X-CSRF-Token', o.csrf)
    .send(apiRequest([{ table: 'org_unit', fields: ['unit_name'] }]));
});
afterAll(() => t.close());

describe('GET /api/v1/sharing-requests', () => {
  it("pages the caller's requests ({items, total, page, per_page}), each with its stages", async () => {
    const first = await get('applicant', '/api/v1/sharing-requests?per_page=3');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ total: 4, page: 1, per_page: 3 });
    expect(first.body.items.map((r: { id: number }) => r.id)).toEqual(ids.slice(0, 3));
    expect(first.body.items[0]).toMatchObject({
      id: ids[0],
      status: 'submitted',
      purpose: '用途 3',
      department: 'CS',
      applicant: { id: people.applicant.id, name: '张三' },
      tables: ['org_unit'],
      pending_stages: [{ stage: 1, kind: 'applicant_unit', department: 'CS' }],
    });
    expect(
      first.body.items[0].stages.map((s: { stage: number; kind: string; status: string }) => `${s.stage}:${s.kind}:${s.status}`),
    ).toEqual(['1:applicant_unit:pending', '2:it_first:waiting', '5:it_final:waiting']);
    const second = await get('applicant', '/api/v1/sharing-requests?per_page=3&page=2');
    expect(second.body.items.map((r: { id: number }) => r.id)).toEqual([ids[3]]);
    expect(second.body.items[0].stages[0]).toMatchObject({
      stage: 1,
      kind: 'applicant_unit',
      department: 'CS',
      status: 'approved',
      decided_by: people.csSteward.id,
      decided_at: expect.any(String),
    });
  });

  it('filters by status and department', async () => {
    const inReview = await get('applicant', '/api/v1/sharing-requests?status=in_review');
    expect(inReview.body.items.map((r: { id: number }) => r.id)).toEqual([ids[3]]);
    expect(inReview.body.total).toBe(1);
    expect((await get('applicant', '/api/v1/sharing-requests?department=LIB')).body.total).toBe(0);
  });

  it("view=queue lists what the caller reviews now; view=all is the IT office's, filtered like /sharing/all", async () => {
    const queue = await get('csSteward', '/api/v1/sharing-requests?view=queue');
    expect(queue.body.items.map((r: { id: number }) => r.id)).toEqual(ids.slice(0, 3));
    const all = await get('office', '/api/v1/sharing-requests?view=all&per_page=50');
    expect(all.body.total).toBe(5);
    const lib = await get('office', '/api/v1/sharing-requests?view=all&department=LIB');
    expect(lib.body.items.map((r: { department: string }) => r.department)).toEqual(['LIB']);
    expect((await get('applicant', '/api/v1/sharing-requests?view=all')).status).toBe(403);
    expect((await get('applicant', '/api/v1/sharing-requests?view=queue')).status).toBe(403);
  });

  it('view=decided lists the requests with a stage the caller decided (reviewers)', async () => {
    const decided = await get('csSteward', '/api/v1/sharing-requests?view=decided');
    expect(decided.body).toMatchObject({ total: 1, items: [{ id: ids[3] }] });
    expect(decided.body.items[0].stages[0]).toMatchObject({ status: 'approved', decided_by: people.csSteward.id });
    expect((await get('hrSteward', '/api/v1/sharing-requests?view=decided')).body.total).toBe(0);
    expect((await get('applicant', '/api/v1/sharing-requests?view=decided')).status).toBe(403);
  });

  it('an unknown status or view is a 422 naming it', async () => {
    const res = await get('office', '/api/v1/sharing-requests?status=lost&view=everything');
    expect(res.status).toBe(422);
    expect(Object.keys(res.body.fields).sort()).toEqual(['status', 'view']);
  });

  it('takes a department code in any case, as the tickets list does, and an unknown one is a 422 naming it', async () => {
    const lib = await get('office', '/api/v1/sharing-requests?view=all&department=lib');
    expect(lib.status).toBe(200);
    expect(lib.body).toMatchObject({ total: 1, items: [{ department: 'LIB' }] });
    const cs = await get('office', '/api/v1/sharing-requests?view=all&department=Cs&per_page=200');
    expect(cs.body.total).toBe(cs.body.items.length);
    expect(cs.body.items.map((r: { department: string }) => r.department)).toEqual(cs.body.items.map(() => 'CS'));
    expect(cs.body.total).toBeGreaterThanOrEqual(4);
    const unknown = await get('office', '/api/v1/sharing-requests?view=all&department=XX');
    expect(unknown.status).toBe(422);
    expect(unknown.body.fields).toEqual({ department: '未知的单位代码：XX' });
    // The caller's own list too: no department has it, whichever view.
    expect((await get('applicant', '/api/v1/sharing-requests?department=xx')).status).toBe(422);
  });

  it('masks an ID or phone number typed into the purpose in every list, for the IT office too', async () => {
    const a = await as('applicant');
    const created = await a.agent
      .post('/api/v1/sharing-requests')
      .set('X-CSRF-Token', a.csrf)
      .send(
        apiRequest([{ table: 'org_unit', fields: ['unit_code'] }], { purpose: '核对 110105199001010002 的电话 13600000004' }),
      );
    expect(created.status).toBe(201);
    for (const [who, view] of [
      ['applicant', 'mine'],
      ['office', 'all'],
    ] as const) {
      const list = await get(who, `/api/v1/sharing-requests?view=${view}&per_page=1`);
      expect(list.body.items[0]).toMatchObject({ id: created.body.id, purpose: '核对 110105********0002 的电话 136****0004' });
    }
  });

  it("masks a number typed into an item's range or note for all but the approvers", async () => {
    const a = await as('applicant');
    const created = await a.agent
      .post('/api/v1/sharing-requests')
      .set('X-CSRF-Token', a.csrf)
      .send(
        apiRequest([{ table: 'org_unit', fields: ['unit_code'], range: '全部，联系 13912345678', note: '备注 13600000004' }]),
      );
    expect(created.status).toBe(201);
    const own = (await get('applicant', `/api/v1/sharing-requests/${created.body.id}`)).body.items[0];
    expect([own.range, own.note]).toEqual(['全部，联系 139****5678', '备注 136****0004']);
    const reviewer = (await get('csSteward', `/api/v1/sharing-requests/${created.body.id}`)).body.items[0];
    expect([reviewer.range, reviewer.note]).toEqual(['全部，联系 13912345678', '备注 13600000004']);
  });
});

describe('the list pages: decided by me, filtered by status', () => {
  /** The request numbers a list page links, in its order. */
  const page = async (login: keyof SharingPeople, path: string, status: number) => {
    const res = await get(login, path);
    expect({ path, status: res.status }).toEqual({ path, status });
    return res;
  };
  const listed = (html: string) => [...html.matchAll(/<td><a href="\/sharing\/(\d+)">/g)].map((m) => Number(m[1]));

  it('a reviewer finds the requests they decided under 我审核过的, once decided, and only theirs', async () => {
    const mine = await page('csSteward', '/sharing/decided', 200);
    expect(listed(mine.text)).toEqual([ids[3]]);
    expect(mine.text).toContain('aria-current="page">我审核过的</a>');
    // Nothing waits for the steward any more: their queue no longer shows it.
    expect(listed((await page('csSteward', '/sharing/queue', 200)).text)).not.toContain(ids[3]);

    const other = await page('hrSteward', '/sharing/decided', 200);
    expect(listed(other.text)).toEqual([]);
    expect(other.text).toContain('您还没有审核过数据共享申请');
    // A data user reviews nothing: no such tab, and the page is refused.
    expect((await page('applicant', '/sharing', 200)).text).not.toContain('href="/sharing/decided"');
    await page('applicant', '/sharing/decided', 403);
  });

  it('the 待我审核 tab says how many wait, on every list the reviewer opens', async () => {
    const queue = await page('csSteward', '/sharing/queue', 200);
    const waiting = listed(queue.text).length;
    expect(waiting).toBeGreaterThan(0);
    const tab = `<span class="tab-count">${waiting}<span class="visually-hidden"> 项待我审核</span></span></a>`;
    for (const path of ['/sharing', '/sharing/queue', '/sharing/decided'])
      expect((await page('csSteward', path, 200)).text).toContain(tab);
    // A reviewer with nothing waiting sees the tab without a figure.
    const idle = (await page('hrSteward', '/sharing', 200)).text;
    expect(idle).toContain('>待我审核</a>');
    expect(idle).not.toContain('tab-count');
  });

  it('我的申请 and 我审核过的 filter by status, and say when nothing matches', async () => {
    // The applicant's requests by status, newest first (the tests above filed more of them).
    const byStatus = async (status: string) =>
      (
        await t.db
          .knex('sharing_requests')
          .where({ applicant_id: people.applicant.id, status })
          .orderBy('id', 'desc')
          .select('id')
      ).map((r) => Number(r.id));
    expect(await byStatus('in_review')).toEqual([ids[3]]);
    expect((await byStatus('submitted')).length).toBeGreaterThan(2);
    expect(listed((await page('applicant', '/sharing?status=submitted', 200)).text)).toEqual(await byStatus('submitted'));
    const reviewed = await page('applicant', '/sharing?status=in_review', 200);
    expect(listed(reviewed.text)).toEqual([ids[3]]);
    expect(reviewed.text).toMatch(/<option value="in_review" selected>/);

    const none = await page('applicant', '/sharing?status=granted', 200);
    expect(listed(none.text)).toEqual([]);
    expect(none.text).toContain('没有符合条件的申请。');
    expect(none.text).not.toContain('您还没有数据共享申请');
    expect(listed((await page('csSteward', '/sharing/decided?status=submitted', 200)).text)).toEqual([]);
  });
});

describe('/sharing/structure-changes', () => {
  it('pages its list (25 a page) instead of stopping at 200', async () => {
    const hr = await t.db.knex('users').where({ login: people.hrSteward.login }).first('id');
    await t.db.knex('structure_changes').insert(
      Array.from({ length: 230 }, (_, i) => ({
        department_code: 'HR',
        system: '人事管理系统',
        tables: ['staff_basic'],
        description: `变更 ${i + 1}`,
        planned_on: '2026-03-20',
        contact: '',
        status: 'completed',
        filed_by: hr.id,
        filed_at: MONDAY,
      })),
    );
    const first = (await get('office', '/sharing/structure-changes')).text;
    expect(first).toContain('第 1 / 10 页，共 230 条');
    expect(first).toContain('变更 230<');
    expect(first).not.toContain('变更 205<');
    const last = (await get('office', '/sharing/structure-changes?page=10')).text;
    expect(last).toContain('变更 1<');
    expect(last).toContain('href="/sharing/structure-changes?page&#x3D;9"');
  });
});

describe('the lists name tables as the catalog spells them', () => {
  type Listed = { id: number; tables: string[] };
  const listed = async (login: keyof SharingPeople, path: string, id: number) =>
    ((await get(login, path)).body.items as Listed[]).find((r) => r.id === id)?.tables;

  it('a draft saved as Staff_Basic is stored and listed as staff_basic (API and page); a table the catalog lacks stays as typed', async () => {
    const h = await as('hrSteward');
    const draft = await h.agent
      .post('/api/v1/sharing-requests')
      .set('X-CSRF-Token', h.csrf)
      .send(
        apiRequest(
          [
            { table: 'Staff_Basic', fields: ['STAFF_NO', 'staff_no', 'Name'] },
            { table: 'Old_Table', fields: ['Some_Column'] },
          ],
          { draft: true },
        ),
      );
    expect(draft.status).toBe(201);
    const id = draft.body.id;
    const items = await t.db.knex('sharing_items').where({ request_id: id }).orderBy('position');
    expect(items.map((i) => [i.table_name, i.fields])).toEqual([
      ['staff_basic', ['staff_no', 'name']],
      ['Old_Table', ['Some_Column']],
    ]);
    expect(await listed('hrSteward', '/api/v1/sharing-requests', id)).toEqual(['staff_basic', 'Old_Table']);
    const page = (await get('hrSteward', '/sharing')).text;
    // Each table by its catalog title beside its name; one the catalog no longer has by its name alone.
    expect(page).toContain(
      '<span class="table-ref">教职工基本信息 <code>staff_basic</code></span> <span class="table-ref"><code>Old_Table</code></span>',
    );
    expect(page).not.toContain('Staff_Basic');
  });

  it('a draft stored as typed before drafts were saved so is listed as the catalog spells it (mine, page and API)', async () => {
    const h = await as('hrSteward');
    const id = (
      await h.agent
        .post('/api/v1/sharing-requests')
        .set('X-CSRF-Token', h.csrf)
        .send(apiRequest([{ table: 'org_unit', fields: ['unit_code'] }], { draft: true }))
    ).body.id;
    await t.db.knex('sharing_items').where({ request_id: id }).update({ table_name: 'ORG_Unit' });
    expect(await listed('hrSteward', '/api/v1/sharing-requests', id)).toEqual(['org_unit']);
    const page = (await get('hrSteward', '/sharing')).text;
    expect(page).toMatch(
      new RegExp(
        `href="/sharing/${id}">#${id}</a></td>\\s*<td>[^<]*</td>\\s*<td>人事处</td>\\s*<td>[^<]*</td>\\s*<td><span class="table-ref">组织机构 <code>org_unit</code></span> </td>`,
      ),
    );
    expect(page).not.toContain('ORG_Unit');
    // A draft is its author's alone: the IT office's list of every request leaves it out.
    expect(await listed('office', '/api/v1/sharing-requests?view=all&department=HR', id)).toBeUndefined();
    expect((await get('office', '/sharing/all?department=HR')).text).not.toContain(`href="/sharing/${id}"`);
  });
});

describe('the list pages name departments, not their codes', () => {
  it('/sharing/all takes a department code in any case and chooses it in the menu; an unknown one lists every department', async () => {
    const libId = (await get('office', '/api/v1/sharing-requests?view=all&department=LIB')).body.items[0].id;
    const libPage = await get('office', '/sharing/all?department=lib');
    expect(libPage.status).toBe(200);
    const lib = libPage.text;
    expect(lib).toContain(`href="/sharing/${libId}"`);
    expect(lib).not.toContain(`href="/sharing/${ids[0]}"`);
    expect(lib).toContain('<option value="LIB" selected>');
    // As an unknown status is: ignored, every department's requests under 全部.
    const unknownPage = await get('office', '/sharing/all?department=XX');
    expect(unknownPage.status).toBe(200);
    const unknown = unknownPage.text;
    expect(unknown).toContain(`href="/sharing/${libId}"`);
    expect(unknown).toContain(`href="/sharing/${ids[0]}"`);
    expect(unknown).not.toMatch(/<option value="[^"]*" selected>/);
  });

  it('申请部门 and the current stage’s department by name on /sharing/all; the API keeps the codes', async () => {
    const res = await get('office', '/sharing/all');
    expect(res.status).toBe(200);
    const all = res.text;
    const row = new RegExp(`<a href="/sharing/${ids[0]}">#${ids[0]}</a></td>[\\s\\S]*?</tr>`).exec(all)![0];
    expect(row).toContain('<td>计算机学院</td>');
    expect(row).toContain('<div>数据申请单位信息化专员审核 · 计算机学院');
    expect(row).not.toMatch(/<td>CS<\/td>|· CS/);
    const api = (await get('office', '/api/v1/sharing-requests?view=all&per_page=200')).body;
    const item = api.items.find((r: { id: number }) => r.id === ids[0]);
    expect([item.department, item.pending_stages[0].department]).toEqual(['CS', 'CS']);
  });
});

describe('the list pages tell requests of the same tables apart', () => {
  it('each row names the system it is for (系统名称), masked as the purpose; two drafts of nothing yet are two systems', async () => {
    const a = await as('applicant');
    const made: number[] = [];
    for (const system of ['迎新服务系统', '宿舍门禁系统（王工 13912345678）']) {
      const res = await a.agent
        .post('/api/v1/sharing-requests')
        .set('X-CSRF-Token', a.csrf)
        .send({ system: { name: system }, draft: true });
      expect(res.status).toBe(201);
      made.push(res.body.id);
    }
    const page = (await (await as('applicant')).agent.get('/sharing?status=draft').expect(200)).text;
    const rowOf = (id: number) => new RegExp(`<a href="/sharing/${id}">#${id}</a></td>[\\s\\S]*?</tr>`).exec(page)![0];
    // Both rows read 张三 · 计算机学院 · 草稿 and nothing else: which was which had to be opened to be known.
    expect(page).toContain('<th>系统名称</th>');
    expect(rowOf(made[0])).toContain('<td>迎新服务系统</td>');
    expect(rowOf(made[1])).toContain('<td>宿舍门禁系统（王工 139****5678）</td>');
    const en = (await (await as('applicant')).agent.get('/sharing?status=draft').set('Accept-Language', 'en')).text;
    expect(en).toContain('<th>System name</th>');
  });
});
