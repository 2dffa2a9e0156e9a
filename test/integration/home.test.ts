import { buildUser } from '../factories';
import { buildTicket, exampleCatalog, seedCatalogDepartments } from '../factories/tickets';
import { createTestApp, signIn, TestApp } from '../helpers/app';

describe('home page per role', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    const catalog = exampleCatalog();
    await seedCatalogDepartments(t.db.knex, catalog);
    // One HR ticket filed a month ago (overdue now), one filed today, one for another department.
    await buildTicket(t.db.knex, catalog, new Date(Date.now() - 30 * 86_400_000), { field: 'staff_no' });
    await buildTicket(t.db.knex, catalog, new Date(), { field: 'name' });
    await buildTicket(t.db.knex, catalog, new Date(), {
      department: 'STU',
      table: 'student_status',
      field: 'name',
      check: 'required',
    });
  });
  afterAll(() => t.close());

  it("shows a steward their own department's active and overdue tickets at a glance", async () => {
    const steward = await buildUser(t.db.knex, { department: 'HR', roles: ['steward'] });
    const { agent } = await signIn(t.app, steward.login, steward.password);
    const home = await agent.get('/').expect(200);
    expect(home.text).toContain('2 个待处理 · 1 个逾期');
    expect(home.text).toContain('href="/tickets"');
  });

  it('shows the IT office every department, linking to the overdue view', async () => {
    const office = await buildUser(t.db.knex, { department: 'ITC', roles: ['it_office'] });
    const { agent } = await signIn(t.app, office.login, office.password);
    const home = await agent.get('/').expect(200);
    expect(home.text).toContain('3 个待处理 · 1 个逾期');
    expect(home.text).toContain('href="/tickets?view&#x3D;overdue"');
  });

  it('gives a plain staff member no ticket card', async () => {
    const user = await buildUser(t.db.knex, { department: 'ACA', roles: ['user'] });
    const { agent } = await signIn(t.app, user.login, user.password);
    const home = await agent.get('/').expect(200);
    expect(home.text).not.toContain('个待处理');
  });
});
