import request from 'supertest';
import type { Role } from '../../server/policies';
import { buildDepartment, buildUser } from '../factories';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/** The page around every page: the navigation bar, the icon, the tables' scroll boxes. */
describe('layout', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  /** The navigation bar's links, as href → label. */
  const navLinks = (page: string): Record<string, string> => {
    const nav = page.slice(page.indexOf('<nav class="mainnav"'), page.indexOf('</nav>'));
    return Object.fromEntries([...nav.matchAll(/<a href="([^"]+)"[^>]*>([^<]+)<\/a>/g)].map((m) => [m[1], m[2]]));
  };

  it('links the report triage queue for the roles its route admits (IT office, administrators), for no one else', async () => {
    const expected: [Role[], boolean][] = [
      [['it_office'], true],
      [['admin'], true],
      [['univ_leader'], false],
      [['steward'], false],
      [['dept_leader'], false],
      [['user'], false],
    ];
    for (const [roles, shown] of expected) {
      const user = await buildUser(t.db.knex, { department: 'ITC', roles });
      const { agent } = await signIn(t.app, user.login, user.password);
      const links = navLinks((await agent.get('/').expect(200)).text);
      expect({ roles, triage: links['/reports/triage'] ?? null }).toEqual({ roles, triage: shown ? '纠错分派' : null });
      // The link leads to a page the user may open, and shows as the current page there.
      if (shown) {
        const triage = await agent.get('/reports/triage').expect(200);
        expect(triage.text).toContain('<a href="/reports/triage" class="active" aria-current="page">纠错分派</a>');
      } else {
        await agent.get('/reports/triage').expect(403);
      }
    }
  });

  // The header's 修改密码 is the account page's only link: on that page it said nothing of being the current one.
  it("marks the header's 修改密码 as the current page on the account's password page, and only there", async () => {
    const user = await buildUser(t.db.knex, { roles: ['user'] });
    const { agent } = await signIn(t.app, user.login, user.password);
    const link = (page: string) => /<a href="\/account\/password"[^>]*>/.exec(page)?.[0];
    expect(link((await agent.get('/account/password').expect(200)).text)).toBe(
      '<a href="/account/password" class="link" aria-current="page">',
    );
    expect(link((await agent.get('/inbox').expect(200)).text)).toBe('<a href="/account/password" class="link">');
  });

  it('names an icon on every page, served at /favicon.ico and /static/favicon.svg without a session, under the CSP', async () => {
    // The sign-in page and an error page (both use the layout without the navigation).
    for (const [path, status] of [
      ['/login', 200],
      ['/no-such-page', 404],
    ] as const) {
      const page = await request(t.app).get(path).expect(status);
      expect(page.text).toContain('<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">');
      expect(page.text).toContain('<link rel="icon" href="/favicon.ico"');
    }
    const ico = await request(t.app).get('/favicon.ico').expect(200);
    expect(ico.headers['content-type']).toMatch(/^image\/(x-icon|vnd\.microsoft\.icon)/);
    // An ICO file: reserved 0, type 1 (icon), then the number of images.
    expect(Buffer.isBuffer(ico.body)).toBe(true);
    expect([...(ico.body as Buffer).subarray(0, 4)]).toEqual([0, 0, 1, 0]);
    expect(ico.headers['set-cookie']).toBeUndefined();
    expect(ico.headers['content-security-policy']).toContain("default-src 'self'");
    const svg = await request(t.app).get('/static/favicon.svg').expect(200);
    expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
  });

  it('puts every table of a page in its own scroll box (a wide table scrolls there, not the page)', async () => {
    const admin = await buildUser(t.db.knex, { department: 'ITC', roles: ['admin'] });
    const { agent } = await signIn(t.app, admin.login, admin.password);
    for (const path of ['/admin/users', '/admin/audit']) {
      const page = (await agent.get(path).expect(200)).text;
      const tables = page.match(/<table\b/g) ?? [];
      expect(tables.length).toBeGreaterThan(0);
      expect(page.match(/<div class="table-scroll"><table\b/g)).toHaveLength(tables.length);
      expect(page.match(/<\/table><\/div>/g)).toHaveLength(tables.length);
    }
  });

  // The header said 系统管理员 · ITC: a code most readers do not know. Every role, both languages, on pages and the error page.
  it('names the signed-in user’s department by its name in the header, its code in a title', async () => {
    await buildDepartment(t.db.knex, { code: 'ITC', name: '信息与网络管理中心' });
    await t.db.knex('departments').where({ code: 'ITC' }).update({ name: '信息与网络管理中心' });
    const who = (page: string) => /<span class="who">(.*?)<\/span><\/span>/s.exec(page)?.[1];
    const roles: Role[] = ['admin', 'it_office', 'univ_leader', 'dept_leader', 'steward', 'user'];
    for (const role of roles) {
      const user = await buildUser(t.db.knex, { department: 'ITC', roles: [role], name: '张三' });
      for (const locale of ['zh-CN', 'en']) {
        await t.db.knex('users').where({ id: user.id }).update({ locale });
        const { agent } = await signIn(t.app, user.login, user.password);
        for (const [path, status] of [
          ['/', 200],
          ['/no-such-page', 404],
        ] as const) {
          const page = (await agent.get(path).expect(status)).text;
          expect({ role, locale, path, who: who(page) }).toEqual({
            role,
            locale,
            path,
            who: '张三 · <span class="who-department" title="ITC">信息与网络管理中心',
          });
        }
      }
    }
  });
});
