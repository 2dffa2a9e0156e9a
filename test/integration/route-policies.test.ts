import { createTestApp, TestApp } from '../helpers/app';
import { listRoutes } from '../helpers/routes';

describe('every route declares a policy', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('finds the routes, and none lacks authorize() or publicRoute()', () => {
    const routes = listRoutes(t.app);
    expect(routes.length).toBeGreaterThan(8);
    const unguarded = routes.filter((r) => r.policy === null && !['/healthz', '/readyz', '/static/vendor/chart.umd.min.js'].includes(r.path));
    expect(unguarded).toEqual([]);
  });

  it('changes state only over POST (or PUT/PATCH/DELETE), never over GET', () => {
    const getRoutes = listRoutes(t.app).filter((r) => r.method === 'GET');
    const suspicious = getRoutes.filter((r) => /\/(delete|remove|approve|reject|transition|logout|import|reset|revoke)(\/|$)/.test(r.path));
    expect(suspicious).toEqual([]);
  });
});
