import { createTestApp, sharingSessions, TestApp } from '../helpers/app';
import { apiRequest, buildHubTable, buildSharingWorld, SharingPeople, VALID_ID_CARD } from '../factories/sharing';
import { flagOverdueReviews } from '../../server/services/sharing/workflow';
import { remindExpiringGrants } from '../../server/services/sharing/grants';
import * as conclusionMigration from '../../migrations/20261202102000_sharing_arbitration_conclusion';

/**
 * The approval workflow of seed 000 over the API, every path: stages, parallel source reviews, the
 * leader stage, rejections, arbitration, withdrawal, who may decide, overdue reviews and expiry.
 * The clock is fixed at Monday 2026-03-02 10:00 in Beijing (no holidays that week or the next).
 */
const MONDAY = new Date('2026-03-02T02:00:00Z');

let t: TestApp;
let people: SharingPeople;
/** Each person's session, signed in once. */
const { as } = sharingSessions(() => ({ app: t.app, people }));

async function submit(body: Record<string, unknown>) {
  const s = await as('applicant');
  return s.agent.post('/api/v1/sharing-requests').set('X-CSRF-Token', s.csrf).send(body);
}

async function decide(login: keyof SharingPeople, id: number, body: Record<string, unknown>, locale = 'zh-CN') {
  const s = await as(login);
  return s.agent
    .post(`/api/v1/sharing-requests/${id}/decisions`)
    .set('X-CSRF-Token', s.csrf)
    .set('Accept-Language', locale)
    .send(body);
}

async function show(login: keyof SharingPeople, id: number) {
  return (await as(login)).agent.get(`/api/v1/sharing-requests/${id}`);
}

const approve = { decision: 'approve' };
const stageSummary = (body: { stages: { stage: number; department: string | null; status: string }[] }) =>
  body.stages.map((s) => `${s.stage}:${s.department ?? '-'}:${s.status}`);

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.now = () => MONDAY;
  people = await buildSharingWorld(t.db.knex);
  await buildHubTable(t.db.knex, 'staff_basic', 1999);
  await buildHubTable(t.db.knex, 'student_status', 2000);
  await buildHubTable(t.db.knex, 'library_loan', 10);
});
afterAll(() => t.close());
afterEach(() => {
  t.ctx.now = () => MONDAY;
});

describe('universal data only', () => {
  it('skips the source stage and grants after unit steward, first and final review', async () => {
    const res = await submit(apiRequest([{ table: 'org_unit', fields: ['unit_code', 'unit_name'], range: '全部' }]));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(Number),
      status: 'submitted',
      pending_stages: [{ stage: 1, kind: 'applicant_unit', department: 'CS' }],
    });
    const id = res.body.id;

    const first = await decide('csSteward', id, approve);
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('in_review');
    expect(stageSummary(first.body)).toEqual(['1:CS:approved', '2:-:pending', '5:-:waiting']);

    expect((await decide('office', id, approve)).body.pending_stages).toEqual([{ stage: 5, kind: 'it_final', department: null }]);
    const final = await decide('office2', id, { decision: 'approve', expires_on: '2026-12-31' });
    expect(final.body.status).toBe('granted');
    expect(final.body.grant).toMatchObject({
      method: 'api',
      expires_on: '2026-12-31',
      items: [{ table: 'org_unit', fields: ['unit_code', 'unit_name'], range: '全部' }],
    });
    expect(final.body.stages.map((s: { decided_by: number }) => s.decided_by)).toEqual([
      people.csSteward.id,
      people.office.id,
      people.office2.id,
    ]);

    const audit = await t.db
      .knex('audit_log')
      .where({ object_type: 'sharing_request', object_id: String(id) })
      .orderBy('seq')
      .pluck('action');
    expect(audit).toEqual(['sharing.submit', 'sharing.decision', 'sharing.decision', 'sharing.decision', 'sharing.grant']);
  });

  it("keeps each reviewer's opinion in the decision's audit row, its phone and ID numbers masked", async () => {
    const id = (await submit(apiRequest([{ table: 'org_unit', fields: ['unit_code'] }]))).body.id;
    await decide('csSteward', id, { decision: 'approve', comment: '同意，联系人 13712340000' });
    const [row] = await t.db
      .knex('audit_log')
      .where({ action: 'sharing.decision', object_id: String(id) })
      .select('summary');
    expect(row.summary).toMatchObject({ decision: 'approve', opinion: '同意，联系人 137****0000' });
    // A decision without words records none.
    await decide('office', id, approve);
    const rows = await t.db
      .knex('audit_log')
      .where({ action: 'sharing.decision', object_id: String(id) })
      .orderBy('seq');
    expect(rows[1].summary).not.toHaveProperty('opinion');
  });

  it("shows the grant's data range masked to the applicant, as the request's own items, and in full to an approver", async () => {
    const range = '联系人 13712340000 身份证 11010519491231002X';
    const id = (await submit(apiRequest([{ table: 'org_unit', fields: ['unit_code'], range }]))).body.id;
    await decide('csSteward', id, approve);
    await decide('office', id, approve);
    expect((await decide('office2', id, { decision: 'approve', expires_on: '2026-12-31' })).body.status).toBe('granted');

    const applicant = (await show('applicant', id)).body;
    const masked = '联系人 137****0000 身份证 110105********002X';
    expect([applicant.items[0].range, applicant.grant.items[0].range]).toEqual([masked, masked]);
    const approver = (await show('office', id)).body;
    expect([approver.items[0].range, approver.grant.items[0].range]).toEqual([range, range]);
  });

  it('names every key of a request in snake_case, as the POST takes them, nested objects included', async () => {
    const sent = await submit(
      apiRequest([{ table: 'org_unit', fields: ['unit_code'] }], {
        applicant: { name: '李四', staff_no: '20230001', office_phone: '010-62781234', email: 'li@example.edu.cn' },
        system: { name: '迎新系统', status: 'running', on_campus: 'yes', campus_address: 'no' },
      }),
    );
    const id = sent.body.id;
    const body = (await show('office', id)).body;
    const camel: string[] = [];
    const walk = (value: unknown, path: string) => {
      if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`));
      else if (value && typeof value === 'object')
        for (const [key, v] of Object.entries(value)) {
          if (/[A-Z]/.test(key)) camel.push(`${path}.${key}`);
          walk(v, `${path}.${key}`);
        }
    };
    walk(body, '');
    expect(camel).toEqual([]);
    expect(body.applicant_contact).toMatchObject({ staff_no: '20230001', office_phone: '010-62781234' });
    expect(body.system).toMatchObject({ on_campus: 'yes', campus_address: 'no' });
    expect(body.items[0].quality).toEqual({ active_tickets: 0, score: null, score_day: null });
    expect(body).toMatchObject({ id_cards_unmasked: true, phones_unmasked: true });
    expect(typeof body.created_at).toBe('string');
  });
});

describe('conditional data owned by two departments', () => {
  it('asks HR and ORG in parallel, due in 5 working days, and moves on only when both approved', async () => {
    const res = await submit(apiRequest([{ table: 'staff_basic', fields: ['staff_no', 'name', 'political_status'] }]));
    const id = res.body.id;
    await decide('csSteward', id, approve);
    const afterFirst = await decide('office', id, approve);
    expect(stageSummary(afterFirst.body)).toEqual([
      '1:CS:approved',
      '2:-:approved',
      '3:HR:pending',
      '3:ORG:pending',
      '5:-:waiting',
    ]);
    // Monday 2026-03-02 + 5 working days = Monday 2026-03-09.
    expect(
      afterFirst.body.stages.filter((s: { stage: number }) => s.stage === 3).map((s: { due_on: string }) => s.due_on),
    ).toEqual(['2026-03-09', '2026-03-09']);
    const hrPart = afterFirst.body.stages.find((s: { department: string }) => s.department === 'HR').part;
    expect(hrPart).toEqual([{ table: 'staff_basic', fields: ['staff_no', 'name'] }]);

    const afterOrg = await decide('orgSteward', id, approve);
    expect(stageSummary(afterOrg.body)).toEqual([
      '1:CS:approved',
      '2:-:approved',
      '3:HR:pending',
      '3:ORG:approved',
      '5:-:waiting',
    ]);
    const afterHr = await decide('hrSteward', id, approve);
    expect(stageSummary(afterHr.body)).toEqual([
      '1:CS:approved',
      '2:-:approved',
      '3:HR:approved',
      '3:ORG:approved',
      '5:-:pending',
    ]);
    expect((await decide('office2', id, approve)).body.status).toBe('granted');
  });

  it('a second decision on a stage already decided is a conflict (409)', async () => {
    const id = (await submit(apiRequest([{ table: 'staff_basic', fields: ['staff_no'] }]))).body.id;
    expect((await decide('csSteward', id, approve)).status).toBe(200);
    const again = await decide('csSteward', id, approve);
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('conflict');
  });

  it('concurrent approvals of the two parallel stages both count and the final stage opens once', async () => {
    const id = (await submit(apiRequest([{ table: 'staff_basic', fields: ['staff_no', 'political_status'] }]))).body.id;
    await decide('csSteward', id, approve);
    await decide('office', id, approve);
    const [a, b] = await Promise.all([decide('hrSteward', id, approve), decide('orgSteward', id, approve)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const body = (await show('office', id)).body;
    expect(stageSummary(body)).toEqual(['1:CS:approved', '2:-:approved', '3:HR:approved', '3:ORG:approved', '5:-:pending']);
  });

  it('concurrent decisions on one stage: exactly one applies', async () => {
    const id = (await submit(apiRequest([{ table: 'org_unit', fields: ['unit_code'] }]))).body.id;
    await decide('csSteward', id, approve);
    // Both saw stage 2 pending and answer it (the page sends the stage's id).
    const stageId = (await show('office', id)).body.stages.find((s: { stage: number }) => s.stage === 2).id;
    const results = await Promise.all([
      decide('office', id, { ...approve, stage_id: stageId }),
      decide('office2', id, { decision: 'reject', reason: 'scope_too_large', stage_id: stageId }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const decided = await t.db
      .knex('audit_log')
      .where({ action: 'sharing.decision', object_id: String(id) })
      .count({ n: '*' });
    expect(Number(decided[0].n)).toBe(2);
  });
});

describe('the university leader stage (seed 000 note 3)', () => {
  const toLeader = async (body: Record<string, unknown>) => {
    const id = (await submit(body)).body.id;
    await decide('csSteward', id, approve);
    await decide('office', id, approve);
    return id;
  };

  it('is required for sensitive fields of a table with 2000 rows, after the source department', async () => {
    const id = await toLeader(apiRequest([{ table: 'student_status', fields: ['student_no', 'id_card'] }]));
    await decide('stuSteward', id, approve);
    const body = (await show('office', id)).body;
    expect(stageSummary(body)).toEqual(['1:CS:approved', '2:-:approved', '3:STU:approved', '4:-:pending', '5:-:waiting']);
    expect(body.leader_basis).toMatchObject({ required: true, rows: 2000, threshold: 2000 });
    expect((await decide('office', id, approve)).status).toBe(409);
    expect((await decide('leader', id, approve)).body.pending_stages).toEqual([{ stage: 5, kind: 'it_final', department: null }]);
  });

  it('is absent for sensitive fields of a table with 1999 rows', async () => {
    const id = await toLeader(apiRequest([{ table: 'staff_basic', fields: ['id_card'] }]));
    const body = (await show('office', id)).body;
    expect(body.stages.map((s: { stage: number }) => s.stage)).toEqual([1, 2, 3, 5]);
    expect(body.leader_basis).toMatchObject({ required: false, rows: 1999 });
  });

  it('is absent for 2000 rows when no requested field is sensitive', async () => {
    const id = await toLeader(apiRequest([{ table: 'student_status', fields: ['student_no', 'grade'] }]));
    expect((await show('office', id)).body.stages.map((s: { stage: number }) => s.stage)).toEqual([1, 2, 3, 5]);
  });

  it('is required, with the reason recorded, when the hub cannot count the rows', async () => {
    const id = await toLeader(apiRequest([{ table: 'alumni_contact', fields: ['mobile'] }]));
    const body = (await show('office', id)).body;
    expect(body.stages.map((s: { stage: number }) => s.stage)).toEqual([1, 2, 3, 4, 5]);
    expect(body.leader_basis.required).toBe(true);
    expect(body.leader_basis.rows).toBeNull();
    expect(body.leader_basis.hub_error).toMatch(/alumni_contact/);
    expect(body.leader_basis.hub_unavailable).toBe(true);
    // The hub's own message (hosts, accounts, its tables) is the IT office's to read; the applicant and the other
    // reviewers read that the hub could not count the rows.
    for (const reader of ['applicant', 'csSteward'] as const) {
      const seen = (await show(reader, id)).body;
      expect(seen.leader_basis).toMatchObject({ required: true, rows: null, hub_unavailable: true, hub_error: null });
      const page = (await (await as(reader)).agent.get(`/sharing/${id}`).expect(200)).text;
      expect(page).toContain('数据中台无法估计记录数，须经校领导审批。');
      expect(page).not.toMatch(/does not exist|不存在/);
    }
    expect((await (await as('office')).agent.get(`/sharing/${id}`).expect(200)).text).toMatch(
      /数据中台无法估计记录数，须经校领导审批：.*alumni_contact/,
    );
  });
});

describe("requested table and field names are the catalog's", () => {
  const stagesOf = async (id: number) => (await show('office', id)).body.stages.map((s: { stage: number }) => s.stage);
  const countRequests = async () => Number((await t.db.knex('sharing_requests').count({ n: '*' }))[0].n);

  it('ID_CARD is id_card: matched ignoring case, stored as the catalog spells it, and the leader stage is required', async () => {
    const lower = (await submit(apiRequest([{ table: 'student_status', fields: ['student_no', 'id_card'] }]))).body.id;
    const upper = await submit(apiRequest([{ table: 'student_status', fields: ['Student_No', 'ID_CARD', 'id_card'] }]));
    expect(upper.status).toBe(201);
    expect(await stagesOf(upper.body.id)).toEqual(await stagesOf(lower));
    expect(await stagesOf(upper.body.id)).toEqual([1, 2, 3, 4, 5]);
    const body = (await show('applicant', upper.body.id)).body;
    expect(body.items[0].fields).toEqual([
      { name: 'student_no', title: '学号', sensitive: false, department: 'STU' },
      { name: 'id_card', title: '身份证号', sensitive: true, department: 'STU' },
    ]);
    expect(body.leader_basis).toMatchObject({
      required: true,
      rows: 2000,
      sensitive: [{ table: 'student_status', fields: ['id_card'] }],
    });
  });

  it('STAFF_BASIC is staff_basic: matched ignoring case, stored and shown as the catalog spells it, reviewed and counted as it', async () => {
    const res = await submit(apiRequest([{ table: 'STAFF_BASIC', fields: ['staff_no', 'ID_CARD', 'political_status'] }]));
    expect(res.status).toBe(201);
    const id = res.body.id;
    expect(await t.db.knex('sharing_items').where({ request_id: id }).pluck('table_name')).toEqual(['staff_basic']);
    const body = (await show('applicant', id)).body;
    expect(body.items[0]).toMatchObject({
      table: 'staff_basic',
      title: '教职工基本信息',
      sharing: 'conditional',
      fields: [
        { name: 'staff_no', title: '职工号', sensitive: false, department: 'HR' },
        { name: 'id_card', title: '身份证号', sensitive: true, department: 'HR' },
        { name: 'political_status', title: '政治面貌', sensitive: false, department: 'ORG' },
      ],
    });
    // The hub's "staff_basic" has 1999 rows: counted (a quoted "STAFF_BASIC" is no table), so no leader.
    expect(body.leader_basis).toEqual({
      required: false,
      rows: 1999,
      threshold: 2000,
      sensitive: [{ table: 'staff_basic', fields: ['id_card'] }],
      hub_unavailable: false,
      hub_error: null,
    });
    await decide('csSteward', id, approve);
    const review = (await decide('office', id, approve)).body;
    expect(stageSummary(review)).toEqual(['1:CS:approved', '2:-:approved', '3:HR:pending', '3:ORG:pending', '5:-:waiting']);
    expect(review.stages.find((s: { department: string }) => s.department === 'HR').part).toEqual([
      { table: 'staff_basic', fields: ['staff_no', 'id_card'] },
    ]);
    const list = (await (await as('applicant')).agent.get('/api/v1/sharing-requests?per_page=200')).body;
    expect(list.items.find((r: { id: number }) => r.id === id).tables).toEqual(['staff_basic']);
  });

  it('a table named twice in different cases is one table: 422 on the second row', async () => {
    const before = await countRequests();
    const res = await submit(
      apiRequest([
        { table: 'staff_basic', fields: ['staff_no'] },
        { table: 'Staff_Basic', fields: ['name'] },
      ]),
    );
    expect(res.status).toBe(422);
    expect(res.body.fields).toEqual({ 'items.1.table': '表“教职工基本信息（staff_basic）”重复出现，请合并为一行' });
    expect(await countRequests()).toBe(before);
  });

  it("a name the catalog does not list for the table is refused (422 naming the item's fields, listing the names); nothing is written", async () => {
    const before = await countRequests();
    const res = await submit(
      apiRequest([
        { table: 'org_unit', fields: ['unit_code'] },
        { table: 'alumni_contact', fields: ['alumni_no', 'Mobile', 'wechat', 'home_address'] },
      ]),
    );
    expect(res.status).toBe(422);
    expect(res.body.fields).toEqual({
      'items.1.fields': '数据目录中表“校友联系方式（alumni_contact）”没有以下字段：wechat、home_address',
    });
    expect(await countRequests()).toBe(before);
  });

  it("names them in the user's language (English)", async () => {
    const s = await as('outsider');
    await s.agent.post('/locale').type('form').send({ _csrf: s.csrf, locale: 'en', next: '/' });
    const res = await s.agent
      .post('/api/v1/sharing-requests')
      .set('X-CSRF-Token', s.csrf)
      .send(apiRequest([{ table: 'staff_basic', fields: ['staff_no', 'ID-CARD'] }]));
    expect(res.status).toBe(422);
    expect(res.body.fields).toEqual({
      'items.0.fields': 'The catalog lists no such field in table “教职工基本信息 (staff_basic)”: ID-CARD',
    });
  });

  it('a table whose catalog entry declares no fields: names are taken as typed and counted as sensitive for the leader rule', async () => {
    const small = (await submit(apiRequest([{ table: 'library_loan', fields: ['loan_id', 'reader_no', 'READER_NO'] }]))).body.id;
    const body = (await show('applicant', small)).body;
    expect(body.items[0].fields.map((f: { name: string }) => f.name)).toEqual(['loan_id', 'reader_no']);
    expect(body.leader_basis).toMatchObject({
      required: false,
      rows: 10,
      sensitive: [{ table: 'library_loan', fields: ['loan_id', 'reader_no'], undeclared: true }],
    });
    expect(await stagesOf(small)).toEqual([1, 2, 5]);
    expect((await (await as('applicant')).agent.get(`/sharing/${small}`)).text).toContain(
      '表 library_loan 在数据目录中未登记字段，所申请字段按敏感字段计',
    );

    await buildHubTable(t.db.knex, 'library_loan', 2000);
    try {
      const large = (await submit(apiRequest([{ table: 'library_loan', fields: ['loan_id'] }]))).body.id;
      expect(await stagesOf(large)).toEqual([1, 2, 4, 5]);
    } finally {
      await buildHubTable(t.db.knex, 'library_loan', 10);
    }
    const bad = await submit(apiRequest([{ table: 'library_loan', fields: ['loan-id'] }]));
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.fields)).toEqual(['items.0.fields']);
  });
});

describe('what the API and the pages call sensitive is what the leader rule counts', () => {
  it('every requested field of a table that declares no fields is sensitive, in the API and on the request page', async () => {
    const id = (await submit(apiRequest([{ table: 'library_loan', fields: ['loan_id', 'reader_no'] }]))).body.id;
    const body = (await show('applicant', id)).body;
    expect(body.leader_basis.sensitive).toEqual([{ table: 'library_loan', fields: ['loan_id', 'reader_no'], undeclared: true }]);
    expect(body.items[0].fields).toEqual([
      { name: 'loan_id', title: null, sensitive: true, department: 'LIB' },
      { name: 'reader_no', title: null, sensitive: true, department: 'LIB' },
    ]);
    const page = (await (await as('applicant')).agent.get(`/sharing/${id}`)).text;
    for (const name of ['loan_id', 'reader_no'])
      expect(page).toContain(`<span class="field-chip"><code>${name}</code> <span class="badge warn">敏感</span></span>`);
  });
});

describe('the "other" integration method', () => {
  const countRequests = async () => Number((await t.db.knex('sharing_requests').count({ n: '*' }))[0].n);

  it('its text is at most 200 characters (422 naming method_other, nothing written)', async () => {
    const before = await countRequests();
    const res = await submit(
      apiRequest([{ table: 'org_unit', fields: ['unit_code'] }], { method: 'other', method_other: '视'.repeat(201) }),
    );
    expect(res.status).toBe(422);
    expect(res.body.fields).toEqual({ method_other: '“其他对接方式说明”不能超过 200 个字符（已填写 201 个）' });
    expect(await countRequests()).toBe(before);
    const ok = await submit(
      apiRequest([{ table: 'org_unit', fields: ['unit_code'] }], { method: 'other', method_other: '视'.repeat(200) }),
    );
    expect(ok.status).toBe(201);
  });

  it('is kept only with method "other"', async () => {
    const id = (
      await submit(apiRequest([{ table: 'org_unit', fields: ['unit_code'] }], { method: 'api', method_other: '数据库视图' }))
    ).body.id;
    expect((await t.db.knex('sharing_requests').where({ id }).first('method_other')).method_other).toBeNull();
    expect((await show('applicant', id)).body.method_other).toBeNull();
  });

  it('a request stored before the limit, with 250 characters, is still granted with the whole text', async () => {
    const id = (
      await submit(apiRequest([{ table: 'org_unit', fields: ['unit_code'] }], { method: 'other', method_other: '数据库视图' }))
    ).body.id;
    const long = '数据库视图'.repeat(50);
    await t.db.knex('sharing_requests').where({ id }).update({ method_other: long });
    await decide('csSteward', id, approve);
    await decide('office', id, approve);
    const final = await decide('office2', id, approve);
    expect(final.status).toBe(200);
    expect(final.body.status).toBe('granted');
    expect(final.body.grant).toMatchObject({ method: 'other', method_other: long });
  });
});

describe('rejection (不共享) with the standard reasons', () => {
  it.each([
    ['not_current_staff', 'csSteward', 1],
    ['data_not_available', 'office', 2],
    ['data_incomplete', 'hrSteward', 3],
    ['scope_too_large', 'office', 5],
    ['other', 'office', 2],
  ] as const)('%s at stage of %s ends the request', async (reason, login, stageNumber) => {
    const id = (await submit(apiRequest([{ table: 'staff_basic', fields: ['staff_no'] }]))).body.id;
    const order: (keyof SharingPeople)[] = ['csSteward', 'office', 'hrSteward', 'office2'];
    const numbers = [1, 2, 3, 5];
    for (let i = 0; numbers[i] < stageNumber; i++) expect((await decide(order[i], id, approve)).status).toBe(200);
    const decider = stageNumber === 5 ? 'office2' : login;
    const res = await decide(decider, id, { decision: 'reject', reason, comment: '仅需本学院教职工' });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('rejected');
    expect(res.body.rejection).toEqual({ reason, text: '仅需本学院教职工' });
    const rejected = res.body.stages.find((s: { status: string }) => s.status === 'rejected');
    expect(rejected.stage).toBe(stageNumber);
    expect(res.body.stages.filter((s: { status: string }) => ['pending', 'waiting'].includes(s.status))).toEqual([]);
    expect(res.body.grant).toBeNull();
  });

  it('a rejection needs a reason, and "other" needs its text', async () => {
    const id = (await submit(apiRequest([{ table: 'org_unit', fields: ['unit_code'] }]))).body.id;
    const none = await decide('csSteward', id, { decision: 'reject' });
    expect(none.status).toBe(422);
    expect(Object.keys(none.body.fields)).toEqual(['reason']);
    const other = await decide('csSteward', id, { decision: 'reject', reason: 'other' });
    expect(other.status).toBe(422);
    expect(Object.keys(other.body.fields)).toEqual(['comment']);
    // A reason outside the list counts as "other" with that text.
    const free = await decide('csSteward', id, { decision: 'reject', reason: '项目未立项' });
    expect(free.body.rejection).toEqual({ reason: 'other', text: '项目未立项' });
  });
});

describe('arbitration (seed 002 art. 22)', () => {
  async function rejectedBySource() {
    const id = (await submit(apiRequest([{ table: 'staff_basic', fields: ['staff_no', 'political_status'] }]))).body.id;
    await decide('csSteward', id, approve);
    await decide('office', id, approve);
    await decide('hrSteward', id, approve);
    await decide('orgSteward', id, { decision: 'reject', reason: 'scope_too_large' });
    return id;
  }
  const post = async (login: keyof SharingPeople, path: string, body: Record<string, unknown>) => {
    const s = await as(login);
    return s.agent.post(path).set('X-CSRF-Token', s.csrf).send(body);
  };

  it('the IT office overturns a source department refusal and the workflow continues', async () => {
    const id = await rejectedBySource();
    expect((await post('applicant', `/api/v1/sharing-requests/${id}/arbitration`, { note: '政治面貌为评优必需' })).status).toBe(
      200,
    );
    // Under arbitration the rejection may still be overturned: no copy meanwhile (it would go on beside the request).
    const copy = await post('applicant', `/api/v1/sharing-requests/${id}/copy`, {});
    expect([copy.status, copy.body.message]).toEqual([409, '只有已驳回、已撤回或已授权且不在仲裁中的申请可以据此新建申请']);
    expect((await (await as('applicant')).agent.get(`/sharing/${id}`)).text).not.toContain(`action="/sharing/${id}/copy"`);
    const res = await post('office', `/api/v1/sharing-requests/${id}/arbitration/decision`, {
      decision: 'overturn',
      note: '同意提供',
    });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('in_review');
    expect(stageSummary(res.body)).toEqual(['1:CS:approved', '2:-:approved', '3:HR:approved', '3:ORG:overturned', '5:-:pending']);
    expect(res.body.arbitration).toEqual({
      status: 'overturned',
      note: '政治面貌为评优必需',
      conclusion: '同意提供',
      decided_by: people.office.id,
      decided_by_name: '李琳琳',
      decided_at: expect.any(String),
      no_arbiter: false,
    });
    expect((await decide('office2', id, approve)).body.status).toBe('granted');
    // The audit trail keeps the objection as well as the conclusion.
    const trail = await t.db
      .knex('audit_log')
      .where({ object_id: String(id) })
      .whereIn('action', ['sharing.arbitration_request', 'sharing.arbitration'])
      .orderBy('seq')
      .select('action', 'summary');
    expect(trail.map((row) => [row.action, row.summary.note])).toEqual([
      ['sharing.arbitration_request', '政治面貌为评优必需'],
      ['sharing.arbitration', '同意提供'],
    ]);
  });

  it('the IT office upholds: the request stays not shared', async () => {
    const id = await rejectedBySource();
    await post('applicant', `/api/v1/sharing-requests/${id}/arbitration`, { note: '有异议' });
    const res = await post('office', `/api/v1/sharing-requests/${id}/arbitration/decision`, {
      decision: 'uphold',
      note: '政治面貌不属于迎新所需数据',
    });
    expect(res.body.status).toBe('rejected');
    expect(res.body.arbitration).toMatchObject({ status: 'upheld', note: '有异议', conclusion: '政治面貌不属于迎新所需数据' });
    expect((await post('applicant', `/api/v1/sharing-requests/${id}/arbitration`, { note: '再次' })).status).toBe(409);
  });

  it('an arbitration concluded is among the arbiter’s reviewed requests (我审核过的), page and API', async () => {
    const id = await rejectedBySource();
    await post('applicant', `/api/v1/sharing-requests/${id}/arbitration`, { note: '有异议' });
    // office2 decided no stage of it: before the conclusion it is not theirs to list.
    const decided = async () =>
      (await (await as('office2')).agent.get('/api/v1/sharing-requests?view=decided&per_page=100')).body;
    expect((await decided()).items.map((r: { id: number }) => r.id)).not.toContain(id);
    const res = await post('office2', `/api/v1/sharing-requests/${id}/arbitration/decision`, {
      decision: 'uphold',
      note: '来源部门的理由成立',
    });
    expect(res.status).toBe(200);
    expect((await decided()).items.map((r: { id: number }) => r.id)).toContain(id);
    const page = (await (await as('office2')).agent.get('/sharing/decided').expect(200)).text;
    expect(page).toContain(`<td><a href="/sharing/${id}">`);
  });

  it('a decision without an arbitration to decide is 409 (404 for no request) whatever was sent; then the input, every field named', async () => {
    const id = await rejectedBySource();
    const none = await post('office', `/api/v1/sharing-requests/${id}/arbitration/decision`, {});
    expect([none.status, none.body.error]).toEqual([409, 'conflict']);
    expect((await post('office', '/api/v1/sharing-requests/999999/arbitration/decision', {})).status).toBe(404);
    await post('applicant', `/api/v1/sharing-requests/${id}/arbitration`, { note: '有异议' });
    const bad = await post('office', `/api/v1/sharing-requests/${id}/arbitration/decision`, { decision: 'maybe' });
    expect(bad.status).toBe(422);
    expect(bad.body.fields).toEqual({
      // named by the buttons
      decision: '请选择“撤销来源部门意见，继续审批”或“维持不共享”',
      note: expect.any(String),
    });
  });

  it('texts sent with an arbitration: JSON of another type and over 2000 characters are named, nothing written', async () => {
    const id = await rejectedBySource();
    const asked = await post('applicant', `/api/v1/sharing-requests/${id}/arbitration`, { note: 5 });
    expect([asked.status, Object.keys(asked.body.fields)]).toEqual([422, ['note']]);
    const long = await post('applicant', `/api/v1/sharing-requests/${id}/arbitration`, { note: '长'.repeat(2001) });
    expect([long.status, long.body.fields.note]).toEqual([422, '最多 2000 个字符（已填写 2001 个）']);
    expect((await show('applicant', id)).body.arbitration).toBeNull();
    await post('applicant', `/api/v1/sharing-requests/${id}/arbitration`, { note: '有异议' });
    const concluded = await post('office', `/api/v1/sharing-requests/${id}/arbitration/decision`, {
      decision: ['uphold'],
      note: { a: 1 },
    });
    expect([concluded.status, Object.keys(concluded.body.fields).sort()]).toEqual([422, ['decision', 'note']]);
    expect((await show('applicant', id)).body.arbitration).toMatchObject({ status: 'requested', conclusion: null });
  });

  it('a conclusion needs its reason (422 naming note, nothing written); the reason is shown on the page and the printed form', async () => {
    const id = await rejectedBySource();
    await post('applicant', `/api/v1/sharing-requests/${id}/arbitration`, { note: '有异议' });
    const auditRows = async () =>
      Number(
        (
          await t.db
            .knex('audit_log')
            .where({ object_id: String(id), action: 'sharing.arbitration' })
            .count({ n: '*' })
        )[0].n,
      );
    for (const note of ['', '   ']) {
      const res = await post('office', `/api/v1/sharing-requests/${id}/arbitration/decision`, { decision: 'uphold', note });
      expect(res.status).toBe(422);
      expect(res.body.fields).toEqual({ note: '请写明仲裁结论的理由' });
    }
    const missing = await post('office', `/api/v1/sharing-requests/${id}/arbitration/decision`, { decision: 'overturn' });
    expect(missing.status).toBe(422);
    expect((await t.db.knex('sharing_requests').where({ id }).first('arbitration')).arbitration).toBe('requested');
    expect(await auditRows()).toBe(0);

    // On the page, the form asks for it; a form sent without it comes back (422) with the message beside the box.
    const o = await as('office');
    expect((await o.agent.get(`/sharing/${id}`)).text).toContain('仲裁结论的理由');
    const page = await o.agent
      .post(`/sharing/${id}/arbitration/decision`)
      .type('form')
      .send({ _csrf: o.csrf, decision: 'uphold', note: '' });
    expect(page.status).toBe(422);
    expect(page.text).toContain('id="arbitrate-note-error">请写明仲裁结论的理由</p>');

    const done = await post('office', `/api/v1/sharing-requests/${id}/arbitration/decision`, {
      decision: 'uphold',
      note: '来源部门的理由成立：超出按需够用范围',
    });
    expect(done.status).toBe(200);
    expect(await auditRows()).toBe(1);
    const shown = (await (await as('applicant')).agent.get(`/sharing/${id}`)).text;
    expect(shown).toContain('信息化办公室维持不共享的结论：来源部门的理由成立：超出按需够用范围');
    expect(shown).toContain('李琳琳');
    const printed = (await o.agent.get(`/sharing/${id}/print`)).text;
    expect(printed).toContain('有异议');
    expect(printed).toContain('来源部门的理由成立：超出按需够用范围');
  });

  it('conclusions decided before they were kept on the request are taken from the audit log by the migration', async () => {
    const id = await rejectedBySource();
    await post('applicant', `/api/v1/sharing-requests/${id}/arbitration`, { note: '有异议' });
    await post('office', `/api/v1/sharing-requests/${id}/arbitration/decision`, {
      decision: 'overturn',
      note: '评优确需政治面貌',
    });
    const kept = (await show('applicant', id)).body.arbitration;
    // As before the migration: the columns do not exist, the conclusion is only in the audit row.
    await conclusionMigration.down(t.db.knex);
    await conclusionMigration.up(t.db.knex);
    const audited = await t.db
      .knex('audit_log')
      .where({ object_id: String(id), action: 'sharing.arbitration' })
      .first('occurred_at');
    // The audit row's time is the database's clock (the test's clock is fixed).
    expect((await show('applicant', id)).body.arbitration).toEqual({ ...kept, decided_at: audited.occurred_at.toISOString() });
    expect(kept).toMatchObject({ conclusion: '评优确需政治面貌', decided_by: people.office.id, decided_by_name: '李琳琳' });
  });

  it('a conclusion on a request without a pending arbitration is a conflict (409), whatever the note', async () => {
    const id = (await submit(apiRequest([{ table: 'org_unit', fields: ['unit_code'] }]))).body.id;
    const res = await post('office', `/api/v1/sharing-requests/${id}/arbitration/decision`, { decision: 'uphold', note: '' });
    expect(res.status).toBe(409);
  });

  it('is not open after a rejection by the IT office itself, nor to anyone but the applicant', async () => {
    const id = (await submit(apiRequest([{ table: 'org_unit', fields: ['unit_code'] }]))).body.id;
    await decide('csSteward', id, approve);
    await decide('office', id, { decision: 'reject', reason: 'data_not_available' });
    expect((await post('applicant', `/api/v1/sharing-requests/${id}/arbitration`, { note: 'x' })).status).toBe(409);
    const other = await rejectedBySource();
    // Someone who may not see the request finds none (404); a reviewer who may, is refused (403).
    expect((await post('outsider', `/api/v1/sharing-requests/${other}/arbitration`, { note: 'x' })).status).toBe(404);
    expect((await post('office', `/api/v1/sharing-requests/${other}/arbitration`, { note: 'x' })).status).toBe(403);
    expect(
      (await post('hrSteward', `/api/v1/sharing-requests/${other}/arbitration/decision`, { decision: 'overturn' })).status,
    ).toBe(403);
  });
});

describe('withdrawal', () => {
  it('the applicant withdraws a request under review; it can no longer be decided', async () => {
    const id = (await submit(apiRequest([{ table: 'org_unit', fields: ['unit_code'] }]))).body.id;
    await decide('csSteward', id, approve);
    const s = await as('applicant');
    expect((await s.agent.post(`/api/v1/sharing-requests/${id}/withdraw`).set('X-CSRF-Token', s.csrf)).status).toBe(200);
    const body = (await show('applicant', id)).body;
    expect(body.status).toBe('withdrawn');
    expect(stageSummary(body)).toEqual(['1:CS:approved', '2:-:cancelled', '5:-:cancelled']);
    expect((await decide('office', id, approve)).status).toBe(409);
    expect((await s.agent.post(`/api/v1/sharing-requests/${id}/withdraw`).set('X-CSRF-Token', s.csrf)).status).toBe(409);
  });

  it('a department whose review was asked still opens the request once withdrawn; one never asked does not', async () => {
    const id = (await submit(apiRequest([{ table: 'staff_basic', fields: ['staff_no'] }]))).body.id;
    await decide('csSteward', id, approve);
    expect((await show('hrSteward', id)).status).toBe(404);
    await decide('office', id, approve);
    const s = await as('applicant');
    expect((await s.agent.post(`/api/v1/sharing-requests/${id}/withdraw`).set('X-CSRF-Token', s.csrf)).status).toBe(200);
    expect(stageSummary((await show('applicant', id)).body)).toEqual([
      '1:CS:approved',
      '2:-:approved',
      '3:HR:cancelled',
      '5:-:cancelled',
    ]);
    expect((await show('hrSteward', id)).status).toBe(200);
    expect((await decide('hrSteward', id, approve)).status).toBe(409);

    // Withdrawn before the source stage was reached: HR was never asked, and never sees it.
    const early = (await submit(apiRequest([{ table: 'staff_basic', fields: ['staff_no'] }]))).body.id;
    expect((await s.agent.post(`/api/v1/sharing-requests/${early}/withdraw`).set('X-CSRF-Token', s.csrf)).status).toBe(200);
    expect((await show('hrSteward', early)).status).toBe(404);
  });

  it('only the applicant may withdraw', async () => {
    const id = (await submit(apiRequest([{ table: 'org_unit', fields: ['unit_code'] }]))).body.id;
    const s = await as('office');
    expect((await s.agent.post(`/api/v1/sharing-requests/${id}/withdraw`).set('X-CSRF-Token', s.csrf)).status).toBe(403);
  });
});

describe('who may decide and see', () => {
  it('nobody approves their own request, even as the steward of their unit', async () => {
    const s = await as('csSteward');
    const id = (
      await s.agent
        .post('/api/v1/sharing-requests')
        .set('X-CSRF-Token', s.csrf)
        .send(apiRequest([{ table: 'org_unit', fields: ['unit_code'] }]))
    ).body.id;
    const res = await decide('csSteward', id, approve);
    expect(res.status).toBe(403);
    expect(res.body.message).toBe('不能审核自己提交的申请');
  });

  it('a reviewer of a stage not reached or of another department finds no request (404), the applicant is refused (403), and the IT office before its turn gets 409', async () => {
    const id = (await submit(apiRequest([{ table: 'staff_basic', fields: ['staff_no'] }]))).body.id;
    expect((await decide('hrSteward', id, approve)).status).toBe(404);
    expect((await decide('outsider', id, approve)).status).toBe(404);
    expect((await decide('applicant', id, approve)).status).toBe(403);
    const early = await decide('office', id, approve);
    expect([early.status, early.body.message]).toEqual([409, '本申请尚未进入您的审核环节：须等前面的环节审核通过']);
    expect((await decide('csSteward', id, approve)).status).toBe(200);
    expect((await decide('hrSteward', id, approve)).status).toBe(404);
    expect((await decide('csSteward', id, approve)).status).toBe(409);
  });

  it("the final review is another IT-office person's than the first review (seed 000: the office head's box)", async () => {
    const id = (await submit(apiRequest([{ table: 'org_unit', fields: ['unit_code'] }]))).body.id;
    await decide('csSteward', id, approve);
    await decide('office', id, approve);
    const finalStage = (await show('office', id)).body.stages.find((s: { kind: string }) => s.kind === 'it_final');
    expect(finalStage.status).toBe('pending');

    const same = await decide('office', id, { decision: 'approve', expires_on: '2026-12-31' });
    expect(same.status).toBe(403);
    expect(same.body.message).toBe('初审与终审须由信息化办公室的不同人员作出：您已作出本申请的初审');
    const sameReject = await decide('office', id, { decision: 'reject', reason: 'scope_too_large', stage_id: finalStage.id });
    expect(sameReject.status).toBe(403);
    expect((await t.db.knex('sharing_stages').where({ id: finalStage.id }).first('status')).status).toBe('pending');

    // Not offered to them: no decision form, not in their queue; the other IT-office person has both.
    const o1 = await as('office');
    const firstReviewersPage = (await o1.agent.get(`/sharing/${id}`)).text;
    expect(firstReviewersPage).not.toContain('name="stage_id"');
    // Why, without naming a post: the first reviewer may be the office head (itchief) themself.
    expect(firstReviewersPage).toContain(
      '<p class="muted final-by-other">您已作出本申请的初审，终审须由信息化办公室的另一位人员作出</p>',
    );
    expect((await o1.agent.get('/sharing/queue')).text).not.toContain(`href="/sharing/${id}"`);
    const o2 = await as('office2');
    expect((await o2.agent.get(`/sharing/${id}`)).text).toContain(`name="stage_id" value="${finalStage.id}"`);
    expect((await o2.agent.get('/sharing/queue')).text).toContain(`href="/sharing/${id}"`);

    const other = await decide('office2', id, approve);
    expect(other.status).toBe(200);
    expect(other.body.status).toBe('granted');
  });

  it('a department sees a request only once its stage is reached; outsiders never (as missing: 404)', async () => {
    const id = (await submit(apiRequest([{ table: 'staff_basic', fields: ['staff_no'] }]))).body.id;
    expect((await show('hrSteward', id)).status).toBe(404);
    expect((await show('outsider', id)).status).toBe(404);
    expect((await show('csSteward', id)).status).toBe(200);
    expect((await show('applicant', id)).status).toBe(200);
    await decide('csSteward', id, approve);
    await decide('office', id, approve);
    expect((await show('hrSteward', id)).status).toBe(200);
  });
});

describe('overdue source review', () => {
  it('is flagged to the IT office after 5 working days, who may then decide in its place', async () => {
    const id = (await submit(apiRequest([{ table: 'staff_basic', fields: ['staff_no'] }]))).body.id;
    await decide('csSteward', id, approve);
    await decide('office', id, approve);
    // Not overdue on the due day itself: the IT office may not stand in yet.
    t.ctx.now = () => new Date('2026-03-09T08:00:00Z');
    expect((await flagOverdueReviews(t.ctx)).flagged.filter((f) => f.requestId === id)).toEqual([]);
    const early = await decide('office', id, approve);
    expect(early.status).toBe(409);
    expect(early.body.message).toBe('来源部门尚未逾期，信息化办公室不能代为审核');

    t.ctx.now = () => new Date('2026-03-10T01:00:00Z');
    const stageId = (await show('office', id)).body.stages.find((s: { stage: number }) => s.stage === 3).id;
    expect((await flagOverdueReviews(t.ctx)).flagged.filter((f) => f.requestId === id)).toEqual([
      { stageId, requestId: id, department: 'HR', departmentName: '人事处', dueOn: '2026-03-09' },
    ]);
    expect((await flagOverdueReviews(t.ctx)).flagged.filter((f) => f.requestId === id)).toEqual([]);
    const body = (await show('office', id)).body;
    expect(body.stages.find((s: { stage: number }) => s.stage === 3)).toMatchObject({
      overdue: true,
      overdue_flagged_at: expect.any(String),
    });

    const res = await decide('office', id, approve);
    expect(res.status).toBe(200);
    expect(res.body.stages.find((s: { stage: number }) => s.stage === 3)).toMatchObject({
      status: 'approved',
      on_behalf: true,
      decided_by: people.office.id,
    });
    const audit = await t.db
      .knex('audit_log')
      .where({ object_id: String(id) })
      .orderBy('seq')
      .pluck('action');
    expect(audit).toContain('sharing.overdue');
  });
});

describe('an applicant unit with nobody but the applicant to review', () => {
  it("the HR steward's own request: the IT office reviews stage 1 in the unit's place, offered on its page and in its queue", async () => {
    const hr = await as('hrSteward');
    const created = await hr.agent
      .post('/api/v1/sharing-requests')
      .set('X-CSRF-Token', hr.csrf)
      .send(apiRequest([{ table: 'org_unit', fields: ['unit_code'] }]));
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect((await show('office', id)).body.stages[0]).toMatchObject({
      kind: 'applicant_unit',
      department: 'HR',
      no_other_reviewer: true,
    });
    expect((await decide('hrSteward', id, approve)).status).toBe(403);

    const office = await as('office');
    const page = (await office.agent.get(`/sharing/${id}`)).text;
    expect(page).toContain('本部门除申请人外没有数据专员或部门负责人，由信息化办公室代为审核');
    expect(page).toContain('（信息化办公室代为审核：申请单位除申请人外没有数据专员或部门负责人）');
    expect(page).toContain('name="stage_id"');
    const queue = (await office.agent.get('/sharing/queue')).text;
    expect(queue).toContain(`href="/sharing/${id}"`);
    // The queue says why it is the office's (it listed the unit's stage as if the office held it).
    const row = queue.slice(
      queue.indexOf(`href="/sharing/${id}"`),
      queue.indexOf('</tr>', queue.indexOf(`href="/sharing/${id}"`)),
    );
    expect(row).toContain('<span class="badge warn">本单位无其他审核人，信息化办公室代为审核</span>');

    const res = await decide('office', id, approve);
    expect(res.status).toBe(200);
    expect(res.body.stages[0]).toMatchObject({
      status: 'approved',
      on_behalf: true,
      decided_by: people.office.id,
      no_other_reviewer: false,
    });
    expect(stageSummary(res.body)).toEqual(['1:HR:approved', '2:-:pending', '5:-:waiting']);
    const print = (await office.agent.get(`/sharing/${id}/print`)).text;
    expect(print).toContain('（信息化办公室代为审核：申请单位除申请人外没有数据专员或部门负责人）');
  });

  it("the HR steward asks for HR's own conditional data: the IT office also decides the HR source stage, at once, saying why", async () => {
    const hr = await as('hrSteward');
    const id = (
      await hr.agent
        .post('/api/v1/sharing-requests')
        .set('X-CSRF-Token', hr.csrf)
        .send(apiRequest([{ table: 'staff_basic', fields: ['staff_no'] }]))
    ).body.id;
    await decide('office', id, approve);
    await decide('office2', id, approve);
    const source = (await show('office', id)).body.stages.find((s: { kind: string }) => s.kind === 'source');
    expect(source).toMatchObject({ department: 'HR', status: 'pending', overdue: false, no_other_reviewer: true });
    expect((await decide('hrSteward', id, approve)).status).toBe(403);
    const res = await decide('office', id, { ...approve, stage_id: source.id });
    expect(res.status).toBe(200);
    expect(res.body.stages.find((s: { kind: string }) => s.kind === 'source')).toMatchObject({
      status: 'approved',
      on_behalf: true,
      on_behalf_reason: 'no_other_reviewer',
    });
    expect(res.body.stages[0]).toMatchObject({ on_behalf: true, on_behalf_reason: 'no_other_reviewer' });
    expect(res.body.stages[0]).not.toHaveProperty('on_behalf_note');
    const page = (await (await as('office')).agent.get(`/sharing/${id}`)).text;
    expect(page).toContain('（信息化办公室代为审核：来源部门除申请人外没有数据专员或部门负责人）');
    expect(page).toContain('（信息化办公室代为审核：申请单位除申请人外没有数据专员或部门负责人）');
  });

  it('a unit with its steward is reviewed by it; once that steward is disabled, the IT office may stand in', async () => {
    const id = (await submit(apiRequest([{ table: 'org_unit', fields: ['unit_code'] }]))).body.id;
    expect((await show('office', id)).body.stages[0].no_other_reviewer).toBe(false);
    expect((await decide('office', id, approve)).status).toBe(409);
    expect((await (await as('office')).agent.get('/sharing/queue')).text).not.toContain(`href="/sharing/${id}"`);

    await t.db.knex('users').where({ id: people.csSteward.id }).update({ disabled: true });
    try {
      expect((await show('office', id)).body.stages[0].no_other_reviewer).toBe(true);
      expect((await (await as('office')).agent.get('/sharing/queue')).text).toContain(`href="/sharing/${id}"`);
      const res = await decide('office', id, approve);
      expect(res.status).toBe(200);
      expect(res.body.stages[0]).toMatchObject({ status: 'approved', on_behalf: true });
    } finally {
      await t.db.knex('users').where({ id: people.csSteward.id }).update({ disabled: false });
    }
  });
});

describe('applying again from an ended request', () => {
  const rejectAtUnit = async (id: number) =>
    expect((await decide('csSteward', id, { decision: 'reject', reason: 'not_current_staff' })).status).toBe(200);

  it('a rejected request becomes a new draft of its applicant with the same form, tables, people and material; not the pledge', async () => {
    const body = apiRequest([{ table: 'staff_basic', fields: ['staff_no', 'political_status'], range: '在职教职工' }], {
      whitelist: ['10.1.2.3'],
      vendors: [{ name: '赵六', company: '某软件公司', id_card: VALID_ID_CARD, phone: '13800000001' }],
      returned_items: ['迎新报到结果'],
    });
    const id = (await submit(body)).body.id;
    const [upload] = await t.db
      .knex('uploads')
      .insert({
        purpose: 'sharing_material',
        filename: '立项批复.pdf',
        file_type: 'pdf',
        size: 4,
        sha256: 'x'.repeat(64),
        content: Buffer.from('%PDF'),
      })
      .returning('id');
    await t.db
      .knex('sharing_requests')
      .where({ id })
      .update({ material_upload_id: upload.id ?? upload });
    await rejectAtUnit(id);

    const applicant = await as('applicant');
    const res = await applicant.agent.post(`/api/v1/sharing-requests/${id}/copy`).set('X-CSRF-Token', applicant.csrf);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(Number), status: 'draft', copied_from: id });
    const [before, after] = [(await show('applicant', id)).body, (await show('applicant', res.body.id)).body];
    expect(after).toMatchObject({ status: 'draft', stages: [], rejection: null, pledge_accepted: false, submitted_at: null });
    for (const key of [
      'items',
      'purpose',
      'method',
      'whitelist',
      'vendors',
      'members',
      'datasets',
      'applicant_contact',
      'system',
    ])
      expect({ key, value: after[key] }).toEqual({ key, value: before[key] });
    expect([after.vendors.length, after.whitelist, after.items[0].range]).toEqual([1, ['10.1.2.3'], '在职教职工']);
    expect(after.returned_items.map((r: { description: string }) => r.description)).toEqual(['迎新报到结果']);
    const rows = await t.db.knex('sharing_requests').whereIn('id', [id, res.body.id]).orderBy('id').pluck('material_upload_id');
    expect(rows[1]).toBe(rows[0]);
    expect(rows[0]).not.toBeNull();
    // The original is untouched, and the draft is its applicant's alone (to the IT office as missing).
    expect(before.status).toBe('rejected');
    expect((await show('office', res.body.id)).status).toBe(404);
  });

  it('on the page: the button on a rejected request, and the new draft opens in the form with a message', async () => {
    const id = (
      await submit(apiRequest([{ table: 'org_unit', fields: ['unit_code'] }], { purpose: '教学质量监测平台需要单位编码' }))
    ).body.id;
    const applicant = await as('applicant');
    expect((await applicant.agent.get(`/sharing/${id}`)).text).not.toContain(`action="/sharing/${id}/copy"`);
    await rejectAtUnit(id);
    expect((await applicant.agent.get(`/sharing/${id}`)).text).toContain(`action="/sharing/${id}/copy"`);
    expect((await (await as('office')).agent.get(`/sharing/${id}`)).text).not.toContain(`action="/sharing/${id}/copy"`);

    const res = await applicant.agent.post(`/sharing/${id}/copy`).type('form').send({ _csrf: applicant.csrf });
    expect(res.status).toBe(303);
    const draftId = Number(/^\/sharing\/(\d+)\/edit$/.exec(res.headers.location)![1]);
    expect(draftId).toBeGreaterThan(id);
    const form = (await applicant.agent.get(res.headers.location)).text;
    expect(form).toContain(`已根据申请 #${id} 新建草稿`);
    expect(form).toContain('教学质量监测平台需要单位编码');
  });

  it('is refused while the request is under review (409, nothing made), to anyone but its applicant (403), and without the CSRF token', async () => {
    const id = (await submit(apiRequest([{ table: 'org_unit', fields: ['unit_code'] }]))).body.id;
    const count = async () => Number((await t.db.knex('sharing_requests').count({ n: '*' }))[0].n);
    const n = await count();
    const applicant = await as('applicant');
    const open = await applicant.agent.post(`/api/v1/sharing-requests/${id}/copy`).set('X-CSRF-Token', applicant.csrf);
    expect(open.status).toBe(409);
    expect(open.body.message).toBe('只有已驳回、已撤回或已授权且不在仲裁中的申请可以据此新建申请');
    const page = await applicant.agent.post(`/sharing/${id}/copy`).type('form').send({ _csrf: applicant.csrf });
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe(`/sharing/${id}`);

    await rejectAtUnit(id);
    const office = await as('office');
    expect((await office.agent.post(`/api/v1/sharing-requests/${id}/copy`).set('X-CSRF-Token', office.csrf)).status).toBe(403);
    expect((await applicant.agent.post(`/api/v1/sharing-requests/${id}/copy`)).status).toBe(403);
    expect(await count()).toBe(n);
  });
});

describe("the grant's expiry date", () => {
  it('is a real calendar date after today: 2027-02-30 is a 422 naming expires_on, and the stage stays pending', async () => {
    const id = (await submit(apiRequest([{ table: 'org_unit', fields: ['unit_code'] }]))).body.id;
    await decide('csSteward', id, approve);
    await decide('office', id, approve);
    // A day that is none is said to be none (it read "must be after 2026-03-02", which 2027-02-30 looks to be).
    for (const expires_on of ['2027-02-30', '2027-13-01', '2027/06/30']) {
      const res = await decide('office2', id, { decision: 'approve', expires_on });
      expect({ expires_on, status: res.status, fields: res.body.fields }).toEqual({
        expires_on,
        status: 422,
        fields: { expires_on: `授权截止日期“${expires_on}”不是有效的日期（YYYY-MM-DD）` },
      });
    }
    for (const expires_on of ['2026-03-02', '2025-12-31']) {
      const res = await decide('office2', id, { decision: 'approve', expires_on });
      expect({ expires_on, status: res.status, fields: res.body.fields }).toEqual({
        expires_on,
        status: 422,
        fields: { expires_on: '授权截止日期须为 2026-03-02 之后的日期（YYYY-MM-DD）' },
      });
    }
    const en = await decide('office2', id, { decision: 'approve', expires_on: '2027-02-30' }, 'en');
    expect(en.body.fields).toEqual({ expires_on: 'The grant expiry “2027-02-30” is not a valid date (YYYY-MM-DD)' });
    expect(stageSummary((await show('office2', id)).body)).toEqual(['1:CS:approved', '2:-:approved', '5:-:pending']);
    const ok = await decide('office2', id, { decision: 'approve', expires_on: '2028-02-29' });
    expect(ok.body.grant.expires_on).toBe('2028-02-29');
  });

  it('is at most three years after the grant: 9999-12-31 or 2029-03-03 is a 422 naming expires_on and the latest day', async () => {
    const id = (await submit(apiRequest([{ table: 'org_unit', fields: ['unit_code'] }]))).body.id;
    await decide('csSteward', id, approve);
    await decide('office', id, approve);
    for (const expires_on of ['9999-12-31', '2029-03-03', '2100-01-01']) {
      const res = await decide('office2', id, { decision: 'approve', expires_on });
      expect({ expires_on, status: res.status, fields: res.body.fields }).toEqual({
        expires_on,
        status: 422,
        fields: { expires_on: '授权截止日期最晚为 2029-03-02：授权自授权之日起最长 3 年（YYYY-MM-DD）' },
      });
    }
    const s = await as('office2');
    const en = await s.agent
      .post(`/api/v1/sharing-requests/${id}/decisions`)
      .set('X-CSRF-Token', s.csrf)
      .set('Accept-Language', 'en')
      .send({ decision: 'approve', expires_on: '9999-12-31' });
    expect([en.status, en.body.fields]).toEqual([
      422,
      {
        expires_on:
          'The grant expiry must be 2029-03-02 or earlier: a grant lasts at most 3 years from the day it is given (YYYY-MM-DD)',
      },
    ]);
    // Nothing granted, nothing decided.
    expect(stageSummary((await show('office2', id)).body)).toEqual(['1:CS:approved', '2:-:approved', '5:-:pending']);
    expect(await t.db.knex('sharing_grants').where({ request_id: id }).first()).toBeUndefined();
    // The last day of the three years is a grant's.
    const ok = await decide('office2', id, { decision: 'approve', expires_on: '2029-03-02' });
    expect([ok.status, ok.body.grant.expires_on]).toEqual([200, '2029-03-02']);
  });
});

describe('grant expiry reminder', () => {
  it('reminds 30 days before the default one-year expiry, once', async () => {
    const id = (await submit(apiRequest([{ table: 'library_loan', fields: ['loan_id'] }]))).body.id;
    await decide('csSteward', id, approve);
    await decide('office', id, approve);
    const granted = await decide('office2', id, approve);
    expect(granted.body.grant.expires_on).toBe('2027-03-02');
    t.ctx.now = () => new Date('2027-01-30T02:00:00Z');
    expect((await remindExpiringGrants(t.ctx)).filter((r) => r.requestId === id)).toEqual([]);
    t.ctx.now = () => new Date('2027-01-31T02:00:00Z');
    expect((await remindExpiringGrants(t.ctx)).filter((r) => r.requestId === id)).toEqual([
      { requestId: id, applicantId: people.applicant.id, expiresOn: '2027-03-02' },
    ]);
    expect((await remindExpiringGrants(t.ctx)).filter((r) => r.requestId === id)).toEqual([]);
  });
});

describe('what a decision sends over the API', () => {
  it('is judged once the caller may decide: other JSON types and over-long text named at once, nothing decided', async () => {
    const res = await submit(apiRequest([{ table: 'org_unit', fields: ['unit_code'], range: '全部' }]));
    const id = res.body.id;
    // Not the applicant unit's reviewer, nor one who may see the request: 404 whatever is sent.
    expect((await decide('hrSteward', id, { decision: 'approve', comment: { x: 1 } })).status).toBe(404);
    const bad = await decide('csSteward', id, { decision: 'approve', comment: { x: 1 }, expires_on: 20270101 });
    expect([bad.status, Object.keys(bad.body.fields).sort()]).toEqual([422, ['comment', 'expires_on']]);
    const reason = await decide('csSteward', id, { decision: 'reject', reason: ['other'] });
    expect([reason.status, Object.keys(reason.body.fields)]).toEqual([422, ['reason']]);
    const long = await decide('csSteward', id, { decision: 'approve', comment: '好'.repeat(2001) });
    expect([long.status, long.body.fields.comment]).toEqual([422, '最多 2000 个字符（已填写 2001 个）']);
    const stage = await decide('csSteward', id, { decision: 'approve', stage_id: 'x' });
    expect([stage.status, Object.keys(stage.body.fields)]).toEqual([422, ['stage_id']]);
    expect(stageSummary((await show('csSteward', id)).body)[0]).toBe('1:CS:pending');
    expect((await decide('csSteward', id, { decision: 'approve', comment: '好'.repeat(2000) })).status).toBe(200);
  });
});
