import { createApp } from '../../server/app';
import { createTestApp, TestApp } from '../helpers/app';

/**
 * Templates are compiled once outside development (config.env): Express enables its view cache only when the
 * process's NODE_ENV is `production`, and `npm start` and the tests ran without it, each page compiling every
 * template and partial again (2.5–4× the CPU of the render). In development an edited template shows at once.
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

it('caches compiled templates in test and production, not in development', async () => {
  const appIn = (env: 'development' | 'test' | 'production') => createApp({ ...t.ctx, config: { ...t.ctx.config, env } });
  expect(appIn('test').enabled('view cache')).toBe(true);
  expect(appIn('production').enabled('view cache')).toBe(true);
  expect(appIn('development').enabled('view cache')).toBe(false);
});
