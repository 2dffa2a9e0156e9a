import { createTestApp, sharingSessions, TestApp } from '../helpers/app';
import { apiRequest, buildSharingWorld, SharingPeople } from '../factories/sharing';

/**
 * A request's choice fields (integration method, system status, the campus questions, datasets) take fixed values.
 * A value not among them is a 422 naming the field and what it takes — over the API the values to send, each with
 * its name, in the request's language; on the form the names beside its buttons — for a submission and for a draft
 * alike (a draft may be incomplete, not wrong): nothing is written.
 */
const MONDAY = new Date('2026-03-02T02:00:00Z');

let t: TestApp;
let people: SharingPeople;
/** Each person's session, signed in once. */
const { as } = sharingSessions(() => ({ app: t.app, people }));

async function api(body: unknown, lang?: 'en') {
  const s = await as('applicant');
  const req = s.agent.post('/api/v1/sharing-requests').set('X-CSRF-Token', s.csrf);
  if (lang) req.set('Accept-Language', lang);
  return req.send(body as object);
}

async function postForm(path: string, fields: Record<string, string | string[]>) {
  const s = await as('applicant');
  let req = s.agent.post(path).set('X-CSRF-Token', s.csrf).set('Accept', 'text/html');
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) req = req.field(k, one);
  return req;
}

const count = async () => Number((await t.db.knex('sharing_requests').count({ n: '*' }))[0].n);
const items = [{ table: 'student_status', fields: ['student_no'], range: '全部' }];
const fieldError = (id: string, message: string) => `<p class="field-error" id="${id}-error">${message}</p>`;

const ZH = {
  method: '“数据对接方式”须为以下之一：api（API）、file（文本）、other（其他）',
  status: '“系统运行情况”须为以下之一：building（建设中）、running（运行中）',
  datasets:
    '“数据集名称”须为以下之一：school（学校概况数据集）、staff（教职工管理数据集）、student（学生管理数据集）、teaching（教学管理数据集）、' +
    'assets（资产与设备管理数据集）、card（一卡通管理数据集）、public_service（公共服务数据集）、other（其他数据集）',
};

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.now = () => MONDAY;
  people = await buildSharingWorld(t.db.knex);
});
afterAll(() => t.close());

describe('POST /api/v1/sharing-requests: a choice names the values it takes', () => {
  it('a display name (File, 文本, Running, 学生管理数据集) is refused, the message listing the values with their names', async () => {
    const before = await count();
    for (const method of ['File', '文本']) {
      const res = await api(
        apiRequest(items, { method, system: { status: 'Running' }, datasets: ['student', '学生管理数据集'] }),
      );
      expect(res.status).toBe(422);
      expect(res.body.fields).toEqual({ 'system.status': ZH.status, method: ZH.method, datasets: ZH.datasets });
    }
    expect(await count()).toBe(before);
  });

  it('in English for Accept-Language: en', async () => {
    const res = await api(apiRequest(items, { method: 'File', system: { status: 'Running' }, datasets: ['Campus card'] }), 'en');
    expect(res.status).toBe(422);
    expect(res.body.fields).toEqual({
      'system.status': '“System status” must be one of: building (Being built), running (Running)',
      method: '“Integration method” must be one of: api (API), file (File), other (Other)',
      datasets:
        '“Datasets” must be one of: school (University overview), staff (Staff management), student (Student management), ' +
        'teaching (Teaching management), assets (Assets and equipment), card (Campus card), public_service (Public services), ' +
        'other (Other dataset)',
    });
  });

  it('the values the message lists are taken', async () => {
    const res = await api(apiRequest(items, { method: 'file', system: { status: 'running' }, datasets: ['student', 'card'] }));
    expect(res.status).toBe(201);
    const got = await (await as('applicant')).agent.get(`/api/v1/sharing-requests/${res.body.id}`);
    expect(got.body.method).toBe('file');
  });
});

describe('a draft: incomplete is fine, a wrong choice is not', () => {
  it('API: a method, system status or dataset not among the values is a 422 naming it; nothing written', async () => {
    const before = await count();
    const method = await api({ purpose: 'p', method: 'bogus', draft: true });
    expect(method.status).toBe(422);
    expect(method.body.fields).toEqual({ method: ZH.method });

    const rest = await api({ purpose: 'p', system: { status: 'retired' }, datasets: ['weather'], draft: true });
    expect(rest.status).toBe(422);
    expect(rest.body.fields).toEqual({ 'system.status': ZH.status, datasets: ZH.datasets });

    const en = await api({ purpose: 'p', method: 'File', draft: true }, 'en');
    expect(en.status).toBe(422);
    expect(en.body.fields).toEqual({ method: '“Integration method” must be one of: api (API), file (File), other (Other)' });
    expect(await count()).toBe(before);
  });

  it('API: a draft without the choices, or with the right ones, is saved as sent', async () => {
    const bare = await api({ purpose: 'p', draft: true });
    expect(bare.status).toBe(201);
    const res = await api({ purpose: 'p', method: 'file', system: { status: 'building' }, datasets: ['card'], draft: true });
    expect(res.status).toBe(201);
    const got = await (await as('applicant')).agent.get(`/api/v1/sharing-requests/${res.body.id}`);
    expect(got.body.method).toBe('file');
  });

  it('the form: a crafted draft save with values the buttons do not offer is sent back naming each; nothing written', async () => {
    const before = await count();
    const res = await postForm('/sharing/new', {
      purpose: '草稿用途',
      method: 'ftp',
      'system[status]': 'retired',
      'system[on_campus]': 'maybe',
      'system[campus_address]': 'perhaps',
      'datasets[]': ['student', 'weather'],
      action: 'draft',
    });
    expect(res.status).toBe(422);
    // The form names the choices as its buttons do, not by the codes it sends.
    for (const [id, message] of [
      ['method', '“数据对接方式”须为以下之一：API、文本、其他'],
      ['system-status', '“系统运行情况”须为以下之一：建设中、运行中'],
      ['system-on_campus', '“系统是否在校内部署”须为以下之一：是、否'],
      ['system-campus_address', '“是否为校内域名及IP”须为以下之一：是、否'],
      [
        'datasets',
        '“数据集名称”须为以下之一：学校概况数据集、教职工管理数据集、学生管理数据集、教学管理数据集、资产与设备管理数据集、一卡通管理数据集、公共服务数据集、其他数据集',
      ],
    ])
      expect(res.text).toContain(fieldError(id, message));
    expect(await count()).toBe(before);
  });

  it('the form: saving a draft again with a wrong method keeps the stored one', async () => {
    const saved = await postForm('/sharing/new', { purpose: '草稿用途', method: 'file', action: 'draft' });
    expect(saved.status).toBe(303);
    const id = Number(/\/sharing\/(\d+)\/edit/.exec(saved.headers.location)![1]);
    const res = await postForm(`/sharing/${id}/edit`, { purpose: '改过的用途', method: 'bogus', action: 'draft' });
    expect(res.status).toBe(422);
    expect(res.text).toContain(fieldError('method', '“数据对接方式”须为以下之一：API、文本、其他'));
    const row = await t.db.knex('sharing_requests').where({ id }).first('method', 'purpose');
    expect(row).toEqual({ method: 'file', purpose: '草稿用途' });
  });
});
