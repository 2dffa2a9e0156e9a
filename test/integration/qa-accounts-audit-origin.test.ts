import { buildDepartment, buildUser } from '../factories';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * Every account change's audit row says where it came from (the address and the request id), as the README's
 * audit log promises — except the account's creation: a QA pass found `user.create` rows from the add form with
 * neither, while `user.update`, `user.disable` and the resets beside them had both.
 */
describe('the audit row of an account added on the form', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await buildDepartment(t.db.knex, { code: 'HR', name: '人事处' });
  });
  afterAll(() => t.close());

  it('names the address and the request, as the other account changes do', async () => {
    const admin = await buildUser(t.db.knex, { department: 'HR', roles: ['admin'] });
    const { agent, csrf } = await signIn(t.app, admin.login, admin.password);
    await agent
      .post('/admin/users')
      .type('form')
      .set('X-Request-Id', 'qa-create-1')
      .send({ _csrf: csrf, login: 'li.si', name: '李四', department: 'HR', roles: 'user' })
      .expect(200);
    const row = await t.db.knex('audit_log').where({ action: 'user.create' }).orderBy('seq', 'desc').first();
    expect(row).toMatchObject({ actor_login: admin.login, request_id: 'qa-create-1' });
    expect(row.ip).toMatch(/127\.0\.0\.1|::1/);
  });
});
