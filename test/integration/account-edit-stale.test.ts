import { buildDepartment, buildUser } from '../factories';
import { createTestApp, signIn, TestApp } from '../helpers/app';
import { changedSince, installChangeLog, mark } from '../helpers/change-log';

/**
 * An account's edit form opened in two tabs (or by two administrators): one moves the account to 学生处 and makes it a
 * steward; the other, still showing 人事处 and 教职工用户, corrects the name and saves. That second save put the
 * department and roles back without a word ("已保存"), and the audit log recorded a demotion nobody meant. The form now
 * carries the account as it was shown (`edited_from`); changed since, nothing is saved and the page says so, showing
 * the account as it is. The same values sent again (a double click) are still "no change".
 */
let t: TestApp;
let session: Awaited<ReturnType<typeof signIn>>;
let accountId: number;

const editForm = async () => {
  const page = await session.agent.get(`/admin/users/${accountId}`).expect(200);
  return /name="edited_from" value="([0-9a-f]+)"/.exec(page.text)?.[1] ?? '';
};
const save = (editedFrom: string, fields: Record<string, string | string[]>) =>
  session.agent
    .post(`/admin/users/${accountId}`)
    .type('form')
    .send({ _csrf: session.csrf, edited_from: editedFrom, email: '', ...fields });

beforeAll(async () => {
  t = await createTestApp();
  await buildDepartment(t.db.knex, { code: 'HR', name: '人事处' });
  await buildDepartment(t.db.knex, { code: 'STU', name: '学生处' });
  const admin = await buildUser(t.db.knex, { login: 'admin', department: 'HR', roles: ['admin'] });
  accountId = (await buildUser(t.db.knex, { login: 'new.person', name: '新人', department: 'HR', roles: ['user'] })).id;
  session = await signIn(t.app, admin.login, admin.password);
  await installChangeLog(t.db.knex);
});
afterAll(() => t.close());

it('a form opened before the account changed saves nothing and says so; the account keeps the change', async () => {
  const tab1 = await editForm();
  const tab2 = await editForm();
  expect(tab1).toMatch(/^[0-9a-f]{32}$/);
  // Tab 1: 学生处, steward and user. A double click sends it twice: the second is no change.
  const moved = { name: '新人', department: 'STU', roles: ['steward', 'user'] };
  expect((await save(tab1, moved)).status).toBe(302);
  const again = await save(tab1, moved);
  expect(again.status).toBe(302);
  expect((await session.agent.get(again.headers.location)).text).toContain('账号 new.person 没有改动');

  // Tab 2, opened before: the name corrected, the old department and roles still on the form.
  const before = await mark(t.db.knex);
  const stale = await save(tab2, { name: '新人二', department: 'HR', roles: ['user'] });
  expect(stale.status).toBe(303);
  expect(stale.headers.location).toBe(`/admin/users/${accountId}`);
  expect(await changedSince(t.db.knex, before)).toEqual([]);
  expect(await t.db.knex('users').where({ id: accountId }).first('name', 'department_code', 'roles')).toEqual({
    name: '新人',
    department_code: 'STU',
    roles: ['steward', 'user'],
  });
  const page = await session.agent.get(stale.headers.location).expect(200);
  expect(page.text).toContain('账号 new.person 在此页面打开后已被修改（另一个标签页或另一位管理员），本次修改未保存');
  expect(page.text).toContain('<option value="STU" selected>');

  // From the page as it is now, the name is saved.
  expect((await save(await editForm(), { ...moved, name: '新人二' })).status).toBe(302);
  expect((await t.db.knex('users').where({ id: accountId }).first('name')).name).toBe('新人二');
});
