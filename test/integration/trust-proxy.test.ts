import request from 'supertest';
import { createApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import { buildUser } from '../factories';
import { createTestApp, csrfFrom, TestApp } from '../helpers/app';

/**
 * Which address the audit log records for a sign-in (and the rate limits key on): the client's, named by a trusted
 * reverse proxy's X-Forwarded-For, or the connecting address when the header comes from anyone else. supertest
 * connects from 127.0.0.1.
 */
describe('TRUST_PROXY: whose X-Forwarded-For names the client', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  /** A failed sign-in sent with `forwardedFor`, through the app built with TRUST_PROXY = `trustProxy`; the address audited. */
  async function auditedAddress(trustProxy: string | undefined, forwardedFor: string): Promise<string> {
    const config = loadConfig({
      NODE_ENV: 'test',
      SESSION_SECRET: 'x'.repeat(40),
      DATA_DIR: '/nonexistent-test-data',
      ...(trustProxy === undefined ? {} : { TRUST_PROXY: trustProxy }),
    });
    const app = createApp({ ...t.ctx, config });
    const user = await buildUser(t.db.knex);
    const agent = request.agent(app);
    const page = await agent.get('/login').expect(200);
    await agent
      .post('/login')
      .set('X-Forwarded-For', forwardedFor)
      .type('form')
      .send({ login: user.login, password: 'wrong password', _csrf: csrfFrom(page.text) })
      .expect(401);
    const row = await t.db.knex('audit_log').where({ action: 'auth.login_failed', object_id: user.login }).first('ip');
    return String(row.ip);
  }

  it('by default trusts a proxy on the same machine (loopback): the forwarded client is audited', async () => {
    expect(await auditedAddress(undefined, '203.0.113.9')).toBe('203.0.113.9');
  });

  it('with TRUST_PROXY=none ignores the header: a client cannot choose the address it is audited and limited under', async () => {
    expect(await auditedAddress('none', '203.0.113.9')).toMatch(/127\.0\.0\.1|::1/);
  });

  it('trusts only the listed proxies: a connection from elsewhere keeps its own address', async () => {
    expect(await auditedAddress('10.0.0.0/8', '203.0.113.9')).toMatch(/127\.0\.0\.1|::1/);
    expect(await auditedAddress('10.0.0.0/8, 127.0.0.1', '203.0.113.9')).toBe('203.0.113.9');
  });
});
