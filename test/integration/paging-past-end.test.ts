import { buildDepartment, buildUser } from '../factories';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * A page number past the end of a list (an old link, a bookmark, the last row of a page handled) shows
 * the list's last page, filters kept, instead of "page 9 of 1" over an empty list that looks like an
 * empty queue. Every paged list of the app does it, as the ticket list and the triage queue did first.
 */
describe('a page past the end of a list', () => {
  let t: TestApp;
  let session: Awaited<ReturnType<typeof signIn>>;
  beforeAll(async () => {
    t = await createTestApp();
    await buildDepartment(t.db.knex, { code: 'ITC' });
    const admin = await buildUser(t.db.knex, { department: 'ITC', roles: ['admin', 'it_office'] });
    session = await signIn(t.app, admin.login, admin.password);
  });
  afterAll(() => t.close());

  it.each([
    ['/runs?status=completed&page=9', '/runs?status=completed&page=1'],
    ['/inbox?unread=1&page=9', '/inbox?unread=1&page=1'],
    ['/admin/audit?page=99999', '/admin/audit?page=1'],
    ['/admin/users?role=admin&page=2', '/admin/users?role=admin&page=1'],
    ['/sharing/all?page=5', '/sharing/all?page=1'],
    ['/sharing?page=5', '/sharing?page=1'],
    ['/sharing/structure-changes?page=3', '/sharing/structure-changes?page=1'],
    ['/reports/mine?page=4', '/reports/mine?page=1'],
    ['/catalog?q=x&page=7', '/catalog?q=x&page=1'],
    ['/tickets?page=99', '/tickets?page=1'],
  ])('%s goes to %s', async (url, last) => {
    const res = await session.agent.get(url).expect(302);
    expect(res.headers.location).toBe(last);
    // The last page itself is a page, not another redirect.
    await session.agent.get(last).expect(200);
  });

  it('a page that exists is shown where it is', async () => {
    await session.agent.get('/admin/users?page=1').expect(200);
    await session.agent.get('/admin/audit?page=1').expect(200);
  });
});
