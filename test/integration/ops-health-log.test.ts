import request from 'supertest';
import { createApp } from '../../server/app';
import { createLogger } from '../../server/logger';
import { createTestApp, TestApp } from '../helpers/app';

/**
 * README, Operations: `/healthz`, which a load balancer polls every few seconds, is not logged. A probe that asks it with
 * a query string (a cache-buster, `?probe=lb1`) or as Express also answers it (`/healthz/`) was logged, a line every
 * few seconds; `/readyz` and every other request still are.
 */
describe('the request log leaves out the liveness probe', () => {
  let t: TestApp;
  const lines: { req?: { url?: string } }[] = [];
  beforeAll(async () => {
    t = await createTestApp();
    const logger = createLogger('info', { destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
    t.ctx = { ...t.ctx, logger };
    t.app = createApp(t.ctx);
  });
  afterAll(() => t.close());

  const logged = () => lines.filter((l) => l.req?.url).map((l) => l.req!.url);

  it('is not logged however the probe asks for it; /readyz is', async () => {
    for (const path of ['/healthz', '/healthz?probe=lb1', '/healthz/', '/healthz/?t=1'])
      expect((await request(t.app).get(path)).status).toBe(200);
    await request(t.app).head('/healthz').expect(200);
    await request(t.app).get('/readyz').expect(200);
    expect(logged()).toEqual(['/readyz']);
  });
});
