import fs from 'node:fs';
import { importCatalog } from '../../server/services/catalog/repository';
import { buildUser } from '../factories';
import { EXAMPLE_CATALOG } from '../factories/tickets';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * The calendar shows the years 2004–2100 (`?year=`). A year it does not show (`abc`, 1999, 2101, sent twice) showed this
 * year's calendar as if it had been asked for: the reader took 2026's holidays for 2101's. The page now says so at the
 * top, naming the parameter and the years it takes, over this year's calendar (422).
 */
describe('the calendar’s year parameter', () => {
  let t: TestApp;
  let steward: Awaited<ReturnType<typeof buildUser>>;
  beforeAll(async () => {
    t = await createTestApp();
    t.ctx.now = () => new Date('2026-03-02T02:00:00Z');
    expect((await importCatalog(t.db.knex, fs.readFileSync(EXAMPLE_CATALOG, 'utf8'))).ok).toBe(true);
    steward = await buildUser(t.db.knex, { department: 'HR', roles: ['steward'] });
  });
  afterAll(() => t.close());

  const heading = (page: string) => /<h1>(.*?)<\/h1>/s.exec(page)?.[1];
  const notice = (page: string) =>
    /<div class="flash flash-error" role="alert" id="calendar-year-error">(.*?)<\/div>/s.exec(page)?.[1];

  it.each([['abc'], ['1999'], ['2003'], ['2101'], ['20260'], ['2026.5'], ['-2026'], ['0x7EA'], ['2.026e3']])(
    '?year=%s is named with the years the page takes, over this year’s calendar',
    async (typed) => {
      const { agent } = await signIn(t.app, steward.login, steward.password);
      const page = (await agent.get('/calendar').query({ year: typed }).expect(422)).text;
      expect(notice(page)).toBe(
        `参数 year 应为 2004 到 2100 之间的年份（如 2026），收到“${typed}”。下面是今年（2026 年）的校历。`,
      );
      expect(heading(page)).toBe('校历与工作日 · 2026 年');
    },
  );

  it('sent twice or as a list, it is said to take one year', async () => {
    const { agent } = await signIn(t.app, steward.login, steward.password);
    for (const query of ['year=2027&year=2028', 'year[]=2027']) {
      const page = (await agent.get(`/calendar?${query}`).expect(422)).text;
      expect(notice(page)).toBe('参数 year 只能给一个年份（收到了多个值或列表）。下面是今年（2026 年）的校历。');
      expect(heading(page)).toBe('校历与工作日 · 2026 年');
    }
  });

  it('in English too', async () => {
    const reader = await buildUser(t.db.knex, { department: 'HR', roles: ['steward'] });
    await t.db.knex('users').where({ id: reader.id }).update({ locale: 'en' });
    const { agent } = await signIn(t.app, reader.login, reader.password);
    const page = (await agent.get('/calendar?year=abc').expect(422)).text;
    expect(notice(page)).toBe(
      'The parameter year takes a year from 2004 to 2100 (such as 2026), not “abc”. Below is this year’s calendar (2026).',
    );
  });

  it('a year in range (full-width digits and spaces too), an empty one and none say nothing', async () => {
    const { agent } = await signIn(t.app, steward.login, steward.password);
    for (const [query, year] of [
      ['year=2004', 2004],
      ['year=2100', 2100],
      [`year=${encodeURIComponent(' ２０２７ ')}`, 2027],
      ['year=', 2026],
      ['', 2026],
    ] as const) {
      const page = (await agent.get(`/calendar?${query}`).expect(200)).text;
      expect(notice(page)).toBeUndefined();
      expect(heading(page)).toBe(`校历与工作日 · ${year} 年`);
    }
  });

  it('a very long value is cut in the message', async () => {
    const { agent } = await signIn(t.app, steward.login, steward.password);
    const page = (
      await agent
        .get('/calendar')
        .query({ year: 'x'.repeat(5000) })
        .expect(422)
    ).text;
    expect(notice(page)).toContain(`收到“${'x'.repeat(64)}…”`);
  });
});
