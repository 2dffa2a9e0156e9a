import fs from 'node:fs';
import { importCatalog } from '../../server/services/catalog/repository';
import { buildUser } from '../factories';
import { buildTicket, EXAMPLE_CATALOG, exampleCatalog } from '../factories/tickets';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * Words the server joins itself (a list of events, a department and its code, two labels and a value) are joined in
 * the reader's language: an English page had 人事处（HR） in a ticket's history, 'Status：Enabled' on an account page,
 * 'months 7、8、9' on a catalog table and 'Spring Festival；the start of each semester' in the calendar's tooltips.
 */
describe('an English page joins its words with English punctuation', () => {
  let t: TestApp;
  let office: Awaited<ReturnType<typeof buildUser>>;
  let admin: Awaited<ReturnType<typeof buildUser>>;
  const FULL_WIDTH = /[（）；：、]/;

  beforeAll(async () => {
    t = await createTestApp();
    t.ctx.now = () => new Date('2026-03-02T02:00:00Z');
    const imported = await importCatalog(t.db.knex, fs.readFileSync(EXAMPLE_CATALOG, 'utf8'));
    expect(imported.ok).toBe(true);
    office = await buildUser(t.db.knex, { department: 'ITC', roles: ['it_office'] });
    admin = await buildUser(t.db.knex, { department: 'ITC', roles: ['admin'] });
    await t.db.knex('users').whereIn('id', [office.id, admin.id]).update({ locale: 'en' });
  });
  afterAll(() => t.close());

  /** The page's text with data the catalog gives in Chinese (titles, department names, scopes) taken out. */
  const chrome = (html: string, data: string[]) => data.reduce((text, d) => text.split(d).join(''), html);

  it('the calendar’s tooltip lists a day’s events with "; "', async () => {
    const { agent } = await signIn(t.app, office.login, office.password);
    const page = (await agent.get('/calendar?year=2026').expect(200)).text;
    // 2026-07-10 ends the semester and the academic year (the example catalog's events).
    const day = /data-date="2026-07-10"[^>]*title="([^"]*)"|title="([^"]*)"[^>]*data-date="2026-07-10"/.exec(page);
    const note = day?.[1] ?? day?.[2] ?? /title="([^"]*the end of each semester[^"]*)"/.exec(page)?.[1];
    expect(note).toBe('the end of each semester; the end of each academic year');
  });

  it('a reassignment in a ticket’s history names the departments as 人事处 (HR)', async () => {
    const ticket = await buildTicket(t.db.knex, exampleCatalog(), new Date('2026-03-02T02:00:00Z'), { field: 'staff_no' });
    const { agent, csrf } = await signIn(t.app, office.login, office.password);
    await agent
      .post(`/tickets/${ticket.id}/reassign`)
      .type('form')
      .send({ _csrf: csrf, department: 'STU', reason: 'The student office keeps it' })
      .expect(302);
    const page = (await agent.get(`/tickets/${ticket.id}`).expect(200)).text;
    expect(page).toMatch(/人事处 \(HR\) → 学生处 \(STU\)/);
    expect(page).not.toContain('（HR）');
  });

  it('a saved webhook’s message names the department as 教务处 (ACA)', async () => {
    const { agent, csrf } = await signIn(t.app, office.login, office.password);
    await agent
      .post('/tickets/settings/webhook')
      .type('form')
      .send({ _csrf: csrf, department: 'ACA', webhook_url: '' })
      .expect(302);
    const page = (await agent.get('/tickets/settings').expect(200)).text;
    expect(page).toContain('教务处 (ACA)');
    expect(page).not.toContain('教务处（ACA）');
  });

  it('an account’s page says "Status: " and "Last sign-in: "', async () => {
    const { agent } = await signIn(t.app, admin.login, admin.password);
    const page = (await agent.get(`/admin/users/${office.id}`).expect(200)).text;
    expect(page).toMatch(/Status: <span class="tag">Enabled<\/span>/);
    expect(page).toMatch(/Last sign-in: /);
  });

  it('a catalog table maintained in some months lists them as "7, 8, 9"', async () => {
    const { agent } = await signIn(t.app, office.login, office.password);
    const page = (await agent.get('/catalog/tables/freshman_admission').expect(200)).text;
    expect(page).toContain('months 7, 8, 9');
    const main = page.slice(page.indexOf('<main'), page.indexOf('</main>'));
    // What is left once the catalog's own Chinese (titles, the system, the domain) is taken out has no full-width marks.
    const titles = exampleCatalog().tables.find((x) => x.name === 'freshman_admission')!;
    const data = [titles.title, ...titles.fields.map((f) => f.title ?? ''), '招生管理系统', '学生管理域', '招生办公室', '招生办'];
    expect(
      chrome(
        main,
        data.filter((d): d is string => !!d),
      ),
    ).not.toMatch(FULL_WIDTH);
  });
});
