import request from 'supertest';
import { issueApiToken } from '../../server/services/users';
import { buildDepartment, buildUser } from '../factories';
import { createTestApp, signIn, TestApp } from '../helpers/app';

describe('authorization by role and department', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await buildDepartment(t.db.knex, { code: 'HR', name: '人事处' });
    await buildDepartment(t.db.knex, { code: 'STU', name: '学生处' });
  });
  afterAll(() => t.close());

  it("gives a steward their own department's admin page and 403 on another department's", async () => {
    const steward = await buildUser(t.db.knex, { department: 'HR', roles: ['steward'] });
    const { agent, csrf } = await signIn(t.app, steward.login, steward.password);
    await agent.get('/departments/HR').expect(200);
    await agent.get('/departments/STU').expect(403);
    await agent.post('/departments/STU/stewards').type('form').send({ stewards: 'x@example.edu.cn', _csrf: csrf }).expect(403);
    const stu = await t.db.knex('departments').where({ code: 'STU' }).first();
    expect(stu.stewards).toEqual([]);
    await agent.post('/departments/HR/stewards').type('form').send({ stewards: 'hr@example.edu.cn', _csrf: csrf }).expect(302);
    const hr = await t.db.knex('departments').where({ code: 'HR' }).first();
    expect(hr.stewards).toEqual(['hr@example.edu.cn']);
  });

  it('lets the IT office see every department, and keeps plain users out of admin pages', async () => {
    const office = await buildUser(t.db.knex, { department: 'HR', roles: ['it_office'] });
    const { agent } = await signIn(t.app, office.login, office.password);
    await agent.get('/departments/STU').expect(200);
    await agent.get('/admin/audit').expect(200);
    await agent.get('/admin/users').expect(403);

    const plain = await buildUser(t.db.knex, { department: 'STU', roles: ['user'] });
    const session = await signIn(t.app, plain.login, plain.password);
    await session.agent.get('/admin/audit').expect(403);
    await session.agent.get('/departments/STU').expect(403);
  });

  it('names the bad e-mail and changes nothing', async () => {
    const steward = await buildUser(t.db.knex, { department: 'STU', roles: ['steward'] });
    const { agent, csrf } = await signIn(t.app, steward.login, steward.password);
    const res = await agent
      .post('/departments/STU/stewards')
      .type('form')
      .send({ stewards: 'ok@example.edu.cn\nnot-an-email', _csrf: csrf })
      .expect(422);
    expect(res.text).toContain('not-an-email');
    expect((await t.db.knex('departments').where({ code: 'STU' }).first()).stewards).toEqual([]);
  });

  it('keeps one address per mailbox (case ignored) and refuses an address over 320 characters', async () => {
    const steward = await buildUser(t.db.knex, { department: 'STU', roles: ['steward'] });
    const { agent, csrf } = await signIn(t.app, steward.login, steward.password);
    const long = `${'a'.repeat(300)}@${'b'.repeat(20)}.cn`;
    const refused = await agent
      .post('/departments/STU/stewards')
      .type('form')
      .send({ stewards: `ok@example.edu.cn\n${long}`, _csrf: csrf })
      .expect(422);
    expect(refused.text).toContain('过长：最多 320 个字符');
    expect((await t.db.knex('departments').where({ code: 'STU' }).first()).stewards).toEqual([]);
    await agent
      .post('/departments/STU/stewards')
      .type('form')
      .send({ stewards: 'Zhao@Example.edu.cn\nzhao@example.edu.cn\nqian@example.edu.cn', _csrf: csrf })
      .expect(302);
    expect((await t.db.knex('departments').where({ code: 'STU' }).first()).stewards).toEqual([
      'Zhao@Example.edu.cn',
      'qian@example.edu.cn',
    ]);
  });

  describe('API', () => {
    it('answers 401 as JSON without a token, and 401 for a bad token', async () => {
      const res = await request(t.app).get('/api/v1/me').expect(401);
      expect(res.body).toEqual({ error: 'unauthorized', message: expect.any(String) });
      await request(t.app).get('/api/v1/me').set('Authorization', 'Bearer hw_nope').expect(401);
    });

    it('authenticates a bearer token, needs no CSRF token, and stops working once revoked', async () => {
      const user = await buildUser(t.db.knex, { department: 'HR', roles: ['steward'] });
      const token = await issueApiToken(t.db.knex, user.id);
      const stored = await t.db.knex('api_tokens').where({ user_id: user.id }).first();
      expect(stored.token_hash).not.toContain(token);
      const res = await request(t.app).get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(200);
      expect(res.body).toMatchObject({ login: user.login, department: { code: 'HR', name: '人事处' }, roles: ['steward'] });
      // A POST over the API needs no CSRF token: it gets as far as the input (422), not 403.
      const post = await request(t.app).post('/api/v1/reports').set('Authorization', `Bearer ${token}`).send({}).expect(422);
      expect(Object.keys(post.body.fields)).toContain('table');
      // A page does not take the token at all: as anyone not signed in, it is sent to sign in.
      await request(t.app)
        .post('/departments/STU/stewards')
        .set('Authorization', `Bearer ${token}`)
        .send({ stewards: '' })
        .expect(302);
      await t.db.knex('api_tokens').where({ user_id: user.id }).update({ revoked_at: new Date() });
      await request(t.app).get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(401);
    });
  });
});
