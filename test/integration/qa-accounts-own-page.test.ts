import { translator } from '../../server/i18n';
import { buildDepartment, buildUser } from '../factories';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * An administrator's own account page offered 停用账号 (with its confirmation) although disabling oneself is
 * always refused: a QA pass pressed it, confirmed, and got a 422. As the password section already does for
 * one's own account, the status section says why instead of offering a button that cannot work.
 */

const zh = translator('zh-CN');
const en = translator('en');
const sectionOf = (page: string, id: string) =>
  page.slice(page.indexOf(`id="${id}"`), page.indexOf('</section>', page.indexOf(`id="${id}"`)));

describe('an administrator’s own account page', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await buildDepartment(t.db.knex, { code: 'HR', name: '人事处' });
  });
  afterAll(() => t.close());

  it('offers no disable button for the own account, saying why; another account’s page still has it', async () => {
    const admin = await buildUser(t.db.knex, { department: 'HR', roles: ['admin'] });
    const other = await buildUser(t.db.knex, { department: 'HR', roles: ['admin'] });
    const { agent, csrf } = await signIn(t.app, admin.login, admin.password);
    const own = sectionOf((await agent.get(`/admin/users/${admin.id}`).expect(200)).text, 'account-status');
    expect(own).not.toContain(`/admin/users/${admin.id}/disable`);
    expect(own).toContain(zh('admin.users.disableSelfNote'));
    const theirs = sectionOf((await agent.get(`/admin/users/${other.id}`).expect(200)).text, 'account-status');
    expect(theirs).toContain(`action="/admin/users/${other.id}/disable"`);
    expect(theirs).not.toContain(zh('admin.users.disableSelfNote'));

    await agent.post('/locale').type('form').send({ _csrf: csrf, locale: 'en', next: '/' });
    const english = sectionOf((await agent.get(`/admin/users/${admin.id}`).expect(200)).text, 'account-status');
    expect(english).toContain(en('admin.users.disableSelfNote'));
  });
});
