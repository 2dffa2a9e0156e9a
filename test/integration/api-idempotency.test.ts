import request from 'supertest';
import { issueApiToken } from '../../server/services/users';
import { buildReportsWorld, reportBody } from '../factories/reports';
import { apiRequest, buildSharingWorld, SharingPeople } from '../factories/sharing';
import { createTestApp, TestApp } from '../helpers/app';

/**
 * An API client that timed out sends its request again with the same `Idempotency-Key`: it gets the first
 * answer back and nothing is made twice — a sharing request, a draft, a copy. One key names one request;
 * a failed first request leaves the key free; keys are forgotten after 24 hours.
 */
let now = new Date('2026-03-02T02:00:00Z');
let t: TestApp;
let people: SharingPeople;
let token: string;
let otherToken: string;

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.now = () => now;
  people = await buildSharingWorld(t.db.knex);
  token = await issueApiToken(t.db.knex, people.applicant.id);
  otherToken = await issueApiToken(t.db.knex, people.hrSteward.id);
});
afterAll(() => t.close());

const requests = async () => Number((await t.db.knex('sharing_requests').count({ n: '*' }))[0].n);
const post = (path: string, body: object, key?: string, bearer = token) => {
  const req = request(t.app).post(`/api/v1${path}`).set('Authorization', `Bearer ${bearer}`);
  if (key !== undefined) req.set('Idempotency-Key', key);
  return req.send(body);
};
const valid = () => apiRequest([{ table: 'org_unit', fields: ['unit_code'], range: '全部' }]);

describe('Idempotency-Key on the API', () => {
  it('answers a retry with the first answer, making one sharing request', async () => {
    const before = await requests();
    const first = await post('/sharing-requests', valid(), 'retry-1');
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await post('/sharing-requests', valid(), 'retry-1');
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await requests()).toBe(before + 1);
    // Without a key every post makes one, as before.
    await post('/sharing-requests', valid()).expect(201);
    await post('/sharing-requests', valid()).expect(201);
    expect(await requests()).toBe(before + 3);
  });

  it('makes one request of two sent at once with one key: the other is the replay or a 409 to retry', async () => {
    const before = await requests();
    const both = await Promise.all([
      post('/sharing-requests', valid(), 'at-once'),
      post('/sharing-requests', valid(), 'at-once'),
    ]);
    const statuses = both.map((r) => r.status).sort();
    expect([JSON.stringify([201, 201]), JSON.stringify([201, 409])]).toContain(JSON.stringify(statuses));
    expect(await requests()).toBe(before + 1);
    // Whichever way it went, the retry now gets the one request.
    const retry = await post('/sharing-requests', valid(), 'at-once');
    expect(retry.body.id).toBe(both.find((r) => r.status === 201)!.body.id);
  });

  it("keeps one account's keys apart from another's", async () => {
    const before = await requests();
    const mine = await post('/sharing-requests', { ...valid(), draft: true }, 'shared-name');
    const theirs = await post('/sharing-requests', { ...valid(), draft: true }, 'shared-name', otherToken);
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(await requests()).toBe(before + 2);
  });

  it('refuses the same key for another body, naming the header, and makes nothing', async () => {
    await post('/sharing-requests', { ...valid(), draft: true }, 'one-request').expect(201);
    const before = await requests();
    const res = await post('/sharing-requests', { ...valid(), purpose: '另一个用途', draft: true }, 'one-request');
    expect(res.status).toBe(422);
    expect(res.body.fields).toEqual({
      'Idempotency-Key': '这个 Idempotency-Key 已用于另一个请求（方法、路径或正文不同）；新的请求请换一个新的键',
    });
    expect(await requests()).toBe(before);
  });

  it('replays a retry whose body lists the same fields in another order (JSON objects are unordered)', async () => {
    const body = { ...valid(), draft: true };
    const first = await post('/sharing-requests', body, 'reordered').expect(201);
    const before = await requests();
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    expect(Object.keys(reordered)).not.toEqual(Object.keys(body));
    const again = await post('/sharing-requests', reordered, 'reordered');
    expect({ status: again.status, replayed: again.headers['idempotent-replayed'], body: again.body }).toEqual({
      status: 201,
      replayed: 'true',
      body: first.body,
    });
    expect(await requests()).toBe(before);
  });

  it('refuses a malformed key before doing anything', async () => {
    const before = await requests();
    for (const key of ['', 'x'.repeat(256), 'with space', 'tab\there']) {
      const res = await post('/sharing-requests', valid(), key).set('Accept-Language', 'en');
      expect({ key, status: res.status, field: Object.keys(res.body.fields ?? {}) }).toEqual({
        key,
        status: 422,
        field: ['Idempotency-Key'],
      });
    }
    expect(await requests()).toBe(before);
  });

  it('says what is wrong with a malformed key: its length only when the length is wrong', async () => {
    // 中文 as a client sends it, in UTF-8: Node writes header strings as Latin-1, one byte a character, and reads them
    // so (with a string body it writes them in the body's UTF-8: these requests have none, the key is judged first).
    const chinese = Buffer.from('中文').toString('latin1');
    const cases: [string | string[], string, string][] = [
      ['', 'Idempotency-Key 须为 1–255 个可见 ASCII 字符（如一个 UUID），收到 0 个字符', 'received 0 characters'],
      ['x'.repeat(256), 'Idempotency-Key 须为 1–255 个可见 ASCII 字符（如一个 UUID），收到 256 个字符', 'received 256'],
      ['a b', 'Idempotency-Key 须为可见 ASCII 字符（如一个 UUID），不能含空格：第 2 个字符是空格', 'character 2 is a space'],
      [
        'tab\there',
        'Idempotency-Key 须为可见 ASCII 字符（如一个 UUID），第 4 个字符是不可见的控制字符 U+0009',
        'character U+0009',
      ],
      [
        chinese,
        'Idempotency-Key 须为可见 ASCII 字符（如一个 UUID），第 1 个字符“中”（U+4E2D）不是 ASCII 字符',
        '“中” (U+4E2D), is not ASCII',
      ],
      [['abc', 'abc'], 'Idempotency-Key 只能发送一次，收到了 2 个：一个请求只带一个键', 'was sent 2 times'],
    ];
    const before = await requests();
    for (const [key, zh, en] of cases) {
      const send = (language: string) =>
        request(t.app)
          .post('/api/v1/sharing-requests')
          .set('Authorization', `Bearer ${token}`)
          .set('Accept-Language', language)
          .set('Idempotency-Key', key as string);
      const inChinese = await send('zh-CN');
      expect({ key, status: inChinese.status, fields: inChinese.body.fields }).toEqual({
        key,
        status: 422,
        fields: { 'Idempotency-Key': zh },
      });
      expect((await send('en')).body.fields['Idempotency-Key']).toContain(en);
    }
    expect(await requests()).toBe(before);
  });

  it('lets a failed first request go: the corrected retry with the same key runs', async () => {
    const before = await requests();
    const bad = await post('/sharing-requests', { ...valid(), purpose: '' }, 'fix-and-retry');
    expect(bad.status).toBe(422);
    expect(await t.db.knex('api_idempotency_keys').where({ key: 'fix-and-retry' }).first()).toBeUndefined();
    // The same body again is judged again (not a replay of the 422), and the corrected one is made.
    expect((await post('/sharing-requests', { ...valid(), purpose: '' }, 'fix-and-retry')).status).toBe(422);
    expect((await post('/sharing-requests', valid(), 'fix-and-retry')).status).toBe(201);
    expect(await requests()).toBe(before + 1);
  });

  it('says 409 while the first request with the key is still being handled', async () => {
    // The first request's claim, as it stands while its transaction runs.
    const first = await post('/sharing-requests', valid(), 'in-flight');
    await t.db.knex('api_idempotency_keys').where({ key: 'in-flight' }).update({ status: null, response: null });
    const before = await requests();
    const res = await post('/sharing-requests', valid(), 'in-flight');
    expect(res.status).toBe(409);
    expect(res.body.message).toBe('使用这个 Idempotency-Key 的请求仍在处理中，请稍后重试');
    expect(await requests()).toBe(before);
    expect(first.status).toBe(201);
  });

  it('copies a request once per key', async () => {
    const draft = await post('/sharing-requests', valid(), 'to-copy');
    await post(`/sharing-requests/${draft.body.id}/withdraw`, {}).expect(200);
    const before = await requests();
    const copy = await post(`/sharing-requests/${draft.body.id}/copy`, {}, 'copy-once');
    const again = await post(`/sharing-requests/${draft.body.id}/copy`, {}, 'copy-once');
    expect([copy.status, again.status]).toEqual([201, 201]);
    expect(again.body).toEqual(copy.body);
    expect(await requests()).toBe(before + 1);
    // The key named the copy of that request: on another path it is another request.
    expect((await post('/sharing-requests', valid(), 'copy-once')).status).toBe(422);
  });

  it('forgets a key after 24 hours', async () => {
    const first = await post('/sharing-requests', { ...valid(), draft: true }, 'a-day');
    now = new Date(now.getTime() + 24 * 3600_000 + 1000);
    const later = await post('/sharing-requests', { ...valid(), draft: true }, 'a-day');
    expect(later.status).toBe(201);
    expect(later.body.id).not.toBe(first.body.id);
    expect(later.headers['idempotent-replayed']).toBeUndefined();
  });
});

describe('Idempotency-Key on POST /api/v1/reports', () => {
  let r: TestApp;
  let reporterToken: string;
  beforeAll(async () => {
    r = await createTestApp();
    r.ctx.now = () => new Date('2026-03-02T02:00:00Z');
    const world = await buildReportsWorld(r.db.knex);
    reporterToken = await issueApiToken(r.db.knex, world.reporter.id);
  });
  afterAll(() => r.close());

  it('files one report for a retried post, answering the retry with the same report and ticket', async () => {
    const send = () =>
      request(r.app)
        .post('/api/v1/reports')
        .set('Authorization', `Bearer ${reporterToken}`)
        .set('Idempotency-Key', '5f0c2f6e-report')
        .send(reportBody());
    const first = await send();
    const again = await send();
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await r.db.knex('reports').count({ n: '*' })).toEqual([{ n: 1 }]);
  });
});
