import type { Role } from '../../server/policies';
import { buildUser } from '../factories';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/** The page around every page: the navigation bar. */
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
});
