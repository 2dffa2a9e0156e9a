import request from 'supertest';
import { issueApiToken } from '../../server/services/users';
import { buildUser } from '../factories';
import { createTestApp, TestApp } from '../helpers/app';

/**
 * A POST to the API whose body is not declared JSON. `fetch(url, {method: 'POST', body: JSON.stringify(x)})`
 * without a Content-Type header sends `text/plain;charset=UTF-8`: the body was silently ignored and the caller
 * told that `to` (or `table`, `purpose`…) was missing although it sent it. A form-encoded body was read as
 * if it were the API's input (`version=2` then "is not a whole number"). Now both are a 415 that says to send
 * JSON with `Content-Type: application/json`, before anything is read or written; a POST without a body
 * (withdraw, copy) is unchanged.
 */
let t: TestApp;
let token: string;
beforeAll(async () => {
  t = await createTestApp();
  const user = await buildUser(t.db.knex, { department: 'HR', roles: ['steward'] });
  token = await issueApiToken(t.db.knex, user.id);
});
afterAll(() => t.close());

const count = async (table: string) => Number((await t.db.knex(table).count({ n: '*' }))[0].n);

describe('an API body that is not declared JSON', () => {
  it('JSON sent as text/plain (fetch without a Content-Type) is a 415 saying what to send, in both languages', async () => {
    const before = { reports: await count('reports'), requests: await count('sharing_requests') };
    for (const url of ['/api/v1/reports', '/api/v1/sharing-requests', '/api/v1/tickets/1/transitions']) {
      const zh = await request(t.app)
        .post(url)
        .set('Authorization', `Bearer ${token}`)
        .set('Content-Type', 'text/plain;charset=UTF-8')
        .send(JSON.stringify({ to: 'acknowledged', table: 'staff_basic', purpose: '教学评估' }));
      expect({ url, status: zh.status, type: zh.type, body: zh.body }).toEqual({
        url,
        status: 415,
        type: 'application/json',
        body: { error: 'unsupported_media_type', message: expect.stringContaining('Content-Type: application/json') },
      });
      expect(zh.body.message).toContain('text/plain');
      const en = await request(t.app)
        .post(url)
        .set('Authorization', `Bearer ${token}`)
        .set('Accept-Language', 'en')
        .set('Content-Type', 'text/plain')
        .send('{"to":"acknowledged"}');
      expect(en.status).toBe(415);
      expect(en.body.message).toMatch(/^The request body must be JSON/);
    }
    expect({ reports: await count('reports'), requests: await count('sharing_requests') }).toEqual(before);
  });

  it('a form-encoded body, or a body without any Content-Type, is the same 415', async () => {
    const form = await request(t.app)
      .post('/api/v1/tickets/1/transitions')
      .set('Authorization', `Bearer ${token}`)
      .type('form')
      .send({ to: 'acknowledged', version: '2' });
    expect(form.status).toBe(415);
    expect(form.body.error).toBe('unsupported_media_type');
    expect(form.body.message).toContain('application/x-www-form-urlencoded');
    const untyped = await request(t.app)
      .post('/api/v1/reports')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', '')
      .send(Buffer.from('{"table":"staff_basic"}'));
    expect(untyped.status).toBe(415);
    expect(untyped.body.error).toBe('unsupported_media_type');
  });

  it('JSON as JSON, and a POST without a body, are read as before', async () => {
    const json = await request(t.app)
      .post('/api/v1/tickets/999/transitions')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json; charset=utf-8')
      .send('{"to":"acknowledged"}');
    expect(json.status).toBe(404);
    const invalid = await request(t.app).post('/api/v1/reports').set('Authorization', `Bearer ${token}`).send({});
    expect(invalid.status).toBe(422);
    const bodiless = await request(t.app).post('/api/v1/sharing-requests/999/withdraw').set('Authorization', `Bearer ${token}`);
    expect(bodiless.status).toBe(404);
    const empty = await request(t.app)
      .post('/api/v1/sharing-requests/999/withdraw')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'text/plain')
      .send('');
    expect(empty.status).toBe(404);
  });

  it('a JSON string holding half a character (a lone surrogate escape) is a 422 naming the field, nothing stored', async () => {
    // PostgreSQL's UTF-8 cannot hold "\ud800": such a body was a 500 from the middle of the write.
    const before = await count('sharing_requests');
    const zh = await request(t.app)
      .post('/api/v1/sharing-requests')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json')
      .send('{"draft": true, "purpose": "教学\\ud800评估", "system": {"name": "迎新系统\\udc00"}}');
    expect(zh.status).toBe(422);
    expect(zh.body.error).toBe('validation_failed');
    expect(zh.body.fields).toEqual({
      purpose: '文本中含有残缺的字符（单独的 UTF-16 代理项，如 \\uD800）：请发送完整的字符',
      'system.name': '文本中含有残缺的字符（单独的 UTF-16 代理项，如 \\uD800）：请发送完整的字符',
    });
    const en = await request(t.app)
      .post('/api/v1/sharing-requests')
      .set('Authorization', `Bearer ${token}`)
      .set('Accept-Language', 'en')
      .set('Content-Type', 'application/json')
      .send('{"draft": true, "purpose": "\\udfff教学"}');
    expect(en.status).toBe(422);
    expect(en.body.fields).toEqual({ purpose: expect.stringContaining('half of a UTF-16 surrogate pair') });
    expect(await count('sharing_requests')).toBe(before);
    // A whole character written as its escaped pair (U+20BB7 𠮷, in names) is a character like any other.
    const pair = await request(t.app)
      .post('/api/v1/sharing-requests')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json')
      .send('{"draft": true, "purpose": "\\ud842\\udfb7姓教职工"}');
    expect({ status: pair.status, body: pair.body }).toEqual({ status: 201, body: expect.anything() });
    const stored = await t.db.knex('sharing_requests').where({ id: pair.body.id }).first();
    expect(JSON.stringify(stored)).toContain('𠮷姓教职工');
  });

  it('without a token it is still "who are you?" first (401)', async () => {
    const res = await request(t.app).post('/api/v1/reports').set('Content-Type', 'text/plain').send('{"table":"x"}');
    expect(res.status).toBe(401);
  });
});
