import { ID_CARD_LENGTH } from '../../server/services/sharing/identity';
import { METHOD_OTHER_MAX, SHARING_TEXT_MAX } from '../../server/services/sharing/types';
import { createTestApp, sharingSessions, TestApp } from '../helpers/app';
import { apiRequest, buildSharingWorld, SharingPeople } from '../factories/sharing';

/**
 * A request's free text is bounded and an API body's types are checked, for submissions and drafts,
 * over the API and on the form: 422 naming each field and the limit (or the type), nothing stored.
 */
const MONDAY = new Date('2026-03-02T02:00:00Z');
const LONG = 'x'.repeat(90_000);

let t: TestApp;
let people: SharingPeople;
/** Each person's session, signed in once. */
const { as } = sharingSessions(() => ({ app: t.app, people }));

async function api(body: unknown, lang?: 'en') {
  const s = await as('applicant');
  const req = s.agent.post('/api/v1/sharing-requests').set('X-CSRF-Token', s.csrf);
  if (lang) req.set('Accept-Language', 'en');
  return req.send(body as object);
}

async function postForm(fields: Record<string, string>) {
  const s = await as('applicant');
  let req = s.agent.post('/sharing/new').set('X-CSRF-Token', s.csrf).set('Accept', 'text/html');
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  return req;
}

const count = async () => Number((await t.db.knex('sharing_requests').count({ n: '*' }))[0].n);
const valid = () => apiRequest([{ table: 'org_unit', fields: ['unit_code'], range: '全部' }]);

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.now = () => MONDAY;
  people = await buildSharingWorld(t.db.knex);
});
afterAll(() => t.close());

describe('POST /api/v1/sharing-requests: lengths', () => {
  it.each([false, true])(
    'refuses 90,000-character purpose, range, note and returned items (draft: %s), storing nothing',
    async (draft) => {
      const before = await count();
      const res = await api({
        ...valid(),
        purpose: LONG,
        items: [{ table: 'org_unit', fields: ['unit_code'], range: LONG, note: LONG }],
        returned_items: [LONG],
        ...(draft ? { draft: true } : {}),
      });
      expect(res.status).toBe(422);
      expect(res.body.error).toBe('validation_failed');
      expect(Object.keys(res.body.fields).sort()).toEqual(['items.0.note', 'items.0.range', 'purpose', 'returned_items']);
      expect(res.body.fields.purpose).toBe('“数据用途”不能超过 2000 个字符（已填写 90000 个）');
      expect(res.body.fields['items.0.range']).toBe('“数据范围”不能超过 500 个字符（已填写 90000 个）');
      expect(res.body.fields.returned_items).toContain('2000');
      expect(await count()).toBe(before);
    },
  );

  it('names the field and the limit in English', async () => {
    const res = await api({ ...valid(), purpose: LONG, applicant: { name: 'y'.repeat(201) } }, 'en');
    expect(res.status).toBe(422);
    expect(res.body.fields).toEqual({
      purpose: '“Purpose” may have at most 2000 characters (90000 given)',
      'applicant.name': '“Applicant name” may have at most 200 characters (201 given)',
    });
  });

  it('accepts text at the limits', async () => {
    const res = await api({
      ...valid(),
      purpose: '用'.repeat(2000),
      items: [{ table: 'org_unit', fields: ['unit_code'], range: '范'.repeat(500), note: '注'.repeat(500) }],
    });
    expect(res.status).toBe(201);
  });

  it('bounds the number of rows', async () => {
    const members = Array.from({ length: 51 }, (_, i) => ({
      name: `成员${i}`,
      unit: '体育学院',
      staff_no: `2023${i}`,
      phone: '13800000001',
    }));
    const res = await api({ ...valid(), members, draft: true });
    expect(res.status).toBe(422);
    expect(res.body.fields).toEqual({ members: '“项目人员信息（校内）”最多 50 项（已填写 51 项）' });
  });
});

describe('POST /api/v1/sharing-requests: types', () => {
  it('names each value of the wrong type with the type expected, storing nothing', async () => {
    const before = await count();
    const res = await api({ ...valid(), system: 'abc', members: 'x', vendors: { a: 1 }, whitelist: 5 });
    expect(res.status).toBe(422);
    expect(res.body.fields).toEqual({
      system: 'system 应为 JSON 对象',
      members: 'members 应为列表（JSON 数组）',
      vendors: 'vendors 应为列表（JSON 数组）',
      whitelist: 'whitelist 应为文本列表（JSON 字符串数组）或一段文本',
    });
    expect(await count()).toBe(before);
  });

  it('names wrong types inside rows, together with the other problems', async () => {
    const res = await api(
      {
        method: 'api',
        pledge_accepted: true,
        items: [{ table: 'org_unit', fields: 'unit_code', range: 5 }, 'x'],
        applicant: { email: 1 },
      },
      'en',
    );
    expect(res.status).toBe(422);
    expect(res.body.fields).toEqual({
      'items.0.range': 'items.0.range must be a string',
      'items.1': 'items.1 must be a JSON object',
      'applicant.email': 'applicant.email must be a string',
      purpose: 'Fill in “Purpose”',
    });
  });

  it('types a draft too', async () => {
    const res = await api({ draft: true, purpose: ['a'], members: 'x' });
    expect(res.status).toBe(422);
    expect(Object.keys(res.body.fields).sort()).toEqual(['members', 'purpose']);
  });

  it('counts only the JSON true as accepting the pledge', async () => {
    const before = await count();
    for (const pledge of ['yes', 'true', 1, 'on']) {
      const res = await api({ ...valid(), pledge_accepted: pledge });
      expect({ pledge, status: res.status, fields: res.body.fields }).toEqual({
        pledge,
        status: 422,
        fields: { pledge_accepted: 'pledge_accepted 应为 true（JSON 布尔值）表示接受《数据安全保密承诺书》' },
      });
    }
    expect((await api({ ...valid(), pledge_accepted: false })).body.fields).toEqual({
      pledge_accepted: '请阅读并接受《数据安全保密承诺书》',
    });
    expect(await count()).toBe(before);
    expect((await api({ ...valid(), pledge_accepted: true })).status).toBe(201);
  });

  it('refuses a draft flag that is not a boolean', async () => {
    const res = await api({ ...valid(), draft: 'yes' });
    expect(res.status).toBe(422);
    expect(res.body.fields).toEqual({ draft: 'draft 应为 true 或 false（JSON 布尔值）' });
  });
});

describe('the form', () => {
  it('does not save a draft with a 100,000-character purpose: the form comes back with the message, as typed', async () => {
    const before = await count();
    const res = await postForm({ purpose: 'p'.repeat(100_000), 'items[0][range]': 'r'.repeat(501), action: 'draft' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('“数据用途”不能超过 2000 个字符（已填写 100000 个）');
    expect(res.text).toContain('“数据范围”不能超过 500 个字符（已填写 501 个）');
    expect(await count()).toBe(before);
  });

  it('refuses long text on submission too', async () => {
    const res = await postForm({
      purpose: '用途',
      'applicant[contact]': 'c'.repeat(201),
      pledge_accepted: 'on',
      action: 'submit',
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('“数据申请人联系方式”不能超过 200 个字符（已填写 201 个）');
  });

  it('still accepts the checkbox and saves a draft within the limits', async () => {
    const res = await postForm({ purpose: '用'.repeat(2000), pledge_accepted: 'on', action: 'draft' });
    expect(res.status).toBe(303);
    const id = Number(/\/sharing\/(\d+)\/edit/.exec(res.headers.location)![1]);
    const row = await t.db.knex('sharing_requests').where({ id }).first('pledge_accepted');
    expect(row.pledge_accepted).toBe(true);
  });

  it('gives the inputs their maximum', async () => {
    const page = await (await as('applicant')).agent.get('/sharing/new');
    expect(page.text).toMatch(/<textarea name="purpose" rows="3" maxlength="2000">/);
    expect(page.text).toMatch(/name="items\[0\]\[range\]" value="" maxlength="500"/);
    expect(page.text).toMatch(/name="applicant\[name\]" maxlength="200"/);
  });

  it("gives every text box the service's own limit, not a number typed in the page", async () => {
    const page = (await (await as('applicant')).agent.get('/sharing/new').expect(200)).text;
    // Each box by its column (`members[1][phone]` → members.phone), with the maxlengths of its rows.
    const limits: Record<string, number[]> = {};
    for (const box of page.match(/<(?:input|textarea)\b[^>]*>/g) ?? []) {
      if (/\btype="(?:hidden|file|radio|checkbox)"|\bdisabled\b/.test(box)) continue;
      const name = /\bname="([^"]+)"/.exec(box)?.[1] ?? box;
      const column = name.replace(/\[\d+\]/g, '').replace(/\[(\w+)\]/g, '.$1');
      // A table's other fields: names separated by commas, each at most a field's 200; the box as a whole has no limit.
      if (column === 'items.other_fields') continue;
      const max = Number(/\bmaxlength="(\d+)"/.exec(box)?.[1]);
      limits[column] = [...new Set([...(limits[column] ?? []), max])];
    }
    const { short, itemText, long } = SHARING_TEXT_MAX;
    expect(limits).toEqual({
      'applicant.name': [short],
      'applicant.staff_no': [short],
      'applicant.office_phone': [short],
      'applicant.email': [short],
      'applicant.contact': [short],
      'system.name': [short],
      'system.domain': [short],
      'system.address': [short],
      whitelist: [long],
      method_other: [METHOD_OTHER_MAX],
      'members.name': [short],
      'members.unit': [short],
      'members.staff_no': [short],
      'members.phone': [short],
      'vendors.name': [short],
      'vendors.company': [short],
      // An ID number's own length: no longer text is one (the service's text limit for it is 200).
      'vendors.id_card': [ID_CARD_LENGTH],
      'vendors.phone': [short],
      dataset_other: [short],
      'items.range': [itemText],
      'items.note': [itemText],
      purpose: [long],
      returned_items: [long],
    });
  });
});
