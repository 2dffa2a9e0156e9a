import { createTestApp, sharingSessions, TestApp } from '../helpers/app';
import { apiRequest, buildHubTable, buildSharingWorld, SharingPeople } from '../factories/sharing';

/**
 * A data-sharing request is as missing to whoever may not see it: someone else's draft (the IT office's too), a
 * submitted request to anyone neither its applicant nor one of its approvers. Its page, print form, files, edit form,
 * API view and every action answer exactly what an id no request has answers (404: the not-found page, the API's
 * not_found), so request ids cannot be probed; nothing changes. One who may see it but may not act keeps the 403 (or
 * 409) of an action that is not theirs. As tickets (README, "A ticket of another department is a 404, as a missing one").
 */
const MONDAY = new Date('2026-03-02T02:00:00Z');
/** An id no request has. */
const MISSING = 999_999;

let t: TestApp;
let people: SharingPeople;
type Who = keyof SharingPeople;
/** Each person's session, signed in once. */
const { as } = sharingSessions(() => ({ app: t.app, people }));

const api = async (who: Who, path: string, body?: Record<string, unknown>) => {
  const s = await as(who);
  return body === undefined
    ? s.agent.get(`/api/v1${path}`)
    : s.agent.post(`/api/v1${path}`).set('X-CSRF-Token', s.csrf).send(body);
};

const page = async (who: Who, path: string, form?: Record<string, string>) => {
  const s = await as(who);
  return form === undefined
    ? s.agent.get(path)
    : s.agent
        .post(path)
        .type('form')
        .send({ ...form, _csrf: s.csrf });
};

/**
 * A page as it would read for any id and render: the request's number in its links and forms, and the CSRF token (a
 * fresh mask of the session's at each render), are the only differences allowed.
 */
const anyId = (text: string, id: number) =>
  text
    .split(`/sharing/${id}`)
    .join('/sharing/ID')
    .replace(/(name="_csrf" value="|name="csrf-token" content=")[^"]*/g, '$1…');

/** Everything of a request and its stages that an action would change. */
async function state(id: number) {
  const request = await t.db.knex('sharing_requests').where({ id }).first('status', 'version', 'arbitration', 'closed_at');
  const stages = await t.db.knex('sharing_stages').where({ request_id: id }).orderBy('id').select('status', 'version');
  const requests = Number((await t.db.knex('sharing_requests').count({ n: '*' }))[0].n);
  return { request, stages, requests };
}

/** Reading over the API, and each API action: what `who` gets on `id` is what they get on an id no request has. */
const API_TRIES: [string, string, Record<string, unknown> | undefined][] = [
  ['read', '', undefined],
  ['decision', '/decisions', { decision: 'approve' }],
  ['withdraw', '/withdraw', {}],
  ['copy', '/copy', {}],
  ['arbitration', '/arbitration', { note: '请仲裁' }],
  ['arbitration decision', '/arbitration/decision', { decision: 'overturn', note: '同意' }],
];

/** The pages, the files and each page action, likewise. */
const PAGE_TRIES: [string, string, Record<string, string> | undefined][] = [
  ['page', '', undefined],
  ['print form', '/print', undefined],
  ['approval material', '/files/material', undefined],
  ['signed pledge', '/files/pledge', undefined],
  ['edit form', '/edit', undefined],
  ['edit', '/edit', { purpose: '改写', action: 'draft' }],
  ['decision', '/decision', { decision: 'approve' }],
  ['withdraw', '/withdraw', {}],
  ['copy', '/copy', {}],
  ['arbitration', '/arbitration', { note: '请仲裁' }],
  ['arbitration decision', '/arbitration/decision', { decision: 'overturn', note: '同意' }],
  ['returned item delivered', '/returned/1/delivered', {}],
];

/** What `who` is told on each try at `id`, beside what they are told at the missing id; and `id` left as it was. */
async function expectAsMissing(who: Who, id: number) {
  const before = await state(id);
  const seen: unknown[] = [];
  const missing: unknown[] = [];
  for (const [label, path, body] of API_TRIES) {
    const [a, m] = [
      await api(who, `/sharing-requests/${id}${path}`, body),
      await api(who, `/sharing-requests/${MISSING}${path}`, body),
    ];
    seen.push({ who, api: label, status: a.status, body: a.body });
    missing.push({ who, api: label, status: m.status, body: m.body });
  }
  for (const [label, path, form] of PAGE_TRIES) {
    const [p, m] = [await page(who, `/sharing/${id}${path}`, form), await page(who, `/sharing/${MISSING}${path}`, form)];
    seen.push({ who, page: label, status: p.status, text: anyId(p.text, id) });
    missing.push({ who, page: label, status: m.status, text: anyId(m.text, MISSING) });
  }
  expect(seen).toEqual(missing);
  // Reading is a 404 (an action the caller's role never takes is the 403 of its role, whatever the id).
  expect((seen as { status: number }[]).filter((s, i) => i === 0 || i === API_TRIES.length).map((s) => s.status)).toEqual([
    404, 404,
  ]);
  expect(await state(id)).toEqual(before);
}

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.now = () => MONDAY;
  people = await buildSharingWorld(t.db.knex);
  await buildHubTable(t.db.knex, 'staff_basic', 1999);
});
afterAll(() => t.close());

describe('a request id that does not exist', () => {
  it('is the not-found page and the JSON not_found, the baseline of what follows', async () => {
    const pageRes = await page('office', `/sharing/${MISSING}`);
    expect(pageRes.status).toBe(404);
    expect(pageRes.text).toContain('没有这条数据共享申请');
    const apiRes = await api('office', `/sharing-requests/${MISSING}`);
    expect([apiRes.status, apiRes.body]).toEqual([404, { error: 'not_found', message: '没有这条数据共享申请' }]);
    for (const [label, path, body] of API_TRIES.filter(([, , b]) => b)) {
      const res = await api('office', `/sharing-requests/${MISSING}${path}`, body);
      expect({ label, status: res.status, error: res.body.error }).toEqual({ label, status: 404, error: 'not_found' });
    }
  });
});

describe('a draft', () => {
  it('is as missing to everyone but its applicant, the IT office included, for reading it and every action on it', async () => {
    const draft = (
      await api('applicant', '/sharing-requests', { ...apiRequest([{ table: 'org_unit', fields: ['unit_code'] }]), draft: true })
    ).body.id;
    for (const who of ['office', 'office2', 'csSteward', 'outsider'] as const) await expectAsMissing(who, draft);
    expect((await t.db.knex('sharing_requests').where({ id: draft }).first('status')).status).toBe('draft');
    // Its applicant still opens it; what they may not do with it stays a conflict (409), not a missing request.
    expect((await page('applicant', `/sharing/${draft}`)).status).toBe(200);
    expect((await api('applicant', `/sharing-requests/${draft}`)).status).toBe(200);
    const copy = await api('applicant', `/sharing-requests/${draft}/copy`, {});
    expect([copy.status, copy.body.error]).toEqual([409, 'conflict']);
  });

  it('its applicant, when a reviewer, still may not decide it: 403, not 404', async () => {
    const s = await as('csSteward');
    const draft = (
      await s.agent
        .post('/api/v1/sharing-requests')
        .set('X-CSRF-Token', s.csrf)
        .send({ ...apiRequest([{ table: 'org_unit', fields: ['unit_code'] }]), draft: true })
    ).body.id;
    const res = await api('csSteward', `/sharing-requests/${draft}/decisions`, { decision: 'approve' });
    expect([res.status, res.body]).toEqual([403, { error: 'forbidden', message: '不能审核自己提交的申请' }]);
  });
});

describe('a submitted request', () => {
  it('is as missing to one neither its applicant nor its approver: a department whose stage is not reached, another department', async () => {
    // staff_basic is HR's conditional data: HR's review comes after the unit's and the IT office's first review.
    const id = (await api('applicant', '/sharing-requests', apiRequest([{ table: 'staff_basic', fields: ['staff_no'] }]))).body
      .id;
    for (const who of ['hrSteward', 'outsider', 'leader'] as const) await expectAsMissing(who, id);

    // Once HR's review is reached, HR sees it: what is not HR's to do is a 403 again.
    expect((await api('csSteward', `/sharing-requests/${id}/decisions`, { decision: 'approve' })).status).toBe(200);
    expect((await api('office', `/sharing-requests/${id}/decisions`, { decision: 'approve' })).status).toBe(200);
    expect((await api('hrSteward', `/sharing-requests/${id}`)).status).toBe(200);
    expect((await api('hrSteward', `/sharing-requests/${id}/withdraw`, {})).status).toBe(403);
    await expectAsMissing('outsider', id);
  });

  it('to one who may see it, what is not theirs to do stays a 403 (or a 409), on the API and the pages', async () => {
    const id = (await api('applicant', '/sharing-requests', apiRequest([{ table: 'org_unit', fields: ['unit_code'] }]))).body.id;
    const forbidden = async (who: Who, path: string, body: Record<string, unknown>) => {
      const res = await api(who, `/sharing-requests/${id}${path}`, body);
      return [res.status, res.body.error];
    };
    // The unit's reviewer and the IT office neither withdraw, copy nor ask for arbitration: the applicant's.
    for (const who of ['csSteward', 'office'] as const) {
      expect(await forbidden(who, '/withdraw', {})).toEqual([403, 'forbidden']);
      expect(await forbidden(who, '/copy', {})).toEqual([403, 'forbidden']);
      expect(await forbidden(who, '/arbitration', { note: '请仲裁' })).toEqual([403, 'forbidden']);
      expect((await page(who, `/sharing/${id}/withdraw`, {})).status).toBe(403);
      expect((await page(who, `/sharing/${id}/edit`)).status).toBe(403);
    }
    // The applicant copies no request still open.
    expect(await forbidden('applicant', '/copy', {})).toEqual([409, 'conflict']);
    // The first IT-office reviewer does not decide the final review.
    expect((await api('csSteward', `/sharing-requests/${id}/decisions`, { decision: 'approve' })).status).toBe(200);
    expect((await api('office', `/sharing-requests/${id}/decisions`, { decision: 'approve' })).status).toBe(200);
    const final = await api('office', `/sharing-requests/${id}/decisions`, { decision: 'approve' });
    expect([final.status, final.body.message]).toEqual([403, '初审与终审须由信息化办公室的不同人员作出：您已作出本申请的初审']);
    expect((await page('office', `/sharing/${id}/decision`, { decision: 'approve' })).status).toBe(403);
    // No arbitration to conclude: a conflict, for the IT office who sees it.
    expect(await forbidden('office2', '/arbitration/decision', { decision: 'overturn', note: '同意' })).toEqual([
      409,
      'conflict',
    ]);
  });
});
