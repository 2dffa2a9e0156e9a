import { run as snapshotJob } from '../../jobs/snapshot-scorecards';
import { closePeriod } from '../../server/services/scorecards';
import { buildUser } from '../factories';
import { Journey, pageAs, startJourney } from '../factories/journeys';
import { buildCheckRun, seedScorecardCatalog } from '../factories/scorecards';
import { describeBrowser, screenshot } from '../helpers/browser';

/**
 * A closed period's name is what the IT office typed, up to 200 characters. One without spaces (200 × A, a long
 * Chinese name) made the periods list, the period's page and the period picker wider than a 390 px phone: the page
 * scrolled sideways. Every page that shows the name keeps the window's width, the name all there, broken over lines.
 * "Today" is 2026-11-22 in Beijing; 2026-11-20 and 2026-11-19 are snapshotted and closed under those names.
 */
describeBrowser('a long period name on a 390 px phone', () => {
  let j: Journey;
  let office: Awaited<ReturnType<typeof buildUser>>;
  let steward: Awaited<ReturnType<typeof buildUser>>;
  const names = { latin: 'A'.repeat(200), chinese: '二〇二六年秋季学期数据质量考核'.repeat(14).slice(0, 200) };
  const ids: Record<keyof typeof names, number> = { latin: 0, chinese: 0 };

  beforeAll(async () => {
    j = await startJourney();
    j.t.ctx.now = () => new Date('2026-11-22T10:00:00+08:00');
    const db = j.t.db.knex;
    await seedScorecardCatalog(db);
    office = await buildUser(db, { department: 'ORG', roles: ['it_office'] });
    steward = await buildUser(db, { department: 'HR', roles: ['steward'] });
    for (const [key, day] of [
      ['latin', '2026-11-20'],
      ['chinese', '2026-11-19'],
    ] as const) {
      await buildCheckRun(db, `${day}T10:00:00+08:00`, [{ table: 'staff', check: 'freshness', department: 'HR', passed: true }]);
      await snapshotJob(j.t.ctx, { day });
      const closed = await db.transaction((trx) =>
        closePeriod(trx, {
          from: day,
          to: day,
          label: names[key],
          today: '2026-11-22',
          userId: office.id,
          login: office.login,
          now: new Date(),
        }),
      );
      ids[key] = closed.id;
    }
  }, 120_000);
  afterAll(() => j?.close());

  /** Each page as wide as the window, and the name on it whole. */
  const widths = async (who: { login: string; password: string }, paths: (id: number) => string[]) => {
    const page = await pageAs(j, who, 390);
    const seen: Record<string, { width: number; named: boolean; nameColumn: number }> = {};
    for (const key of Object.keys(names) as (keyof typeof names)[]) {
      for (const path of paths(ids[key])) {
        await page.goto(`${j.baseUrl}${path}`);
        const width = (await page.evaluate('document.documentElement.scrollWidth')) as number;
        // The periods list's name column: as wide as it was 200 × A made it ~2,000 px, scrolling the list in its box.
        const nameColumn = (await page.evaluate(
          `Math.max(0, ...[...document.querySelectorAll('table.sc-periods td:first-child')].map((td) => td.getBoundingClientRect().width))`,
        )) as number;
        // In the text of the page, or as the period picker's chosen entry (a <select>'s options are no innerText).
        const named =
          (await page.locator('main').innerText()).replace(/\s+/g, '').includes(names[key]) ||
          (await page.locator('main select[name=period] option:checked').allTextContents()).join('').includes(names[key]);
        seen[`${key} ${path}`] = { width, named, nameColumn };
        if (width > 390) await screenshot(page, `scorecards-period-390-${key}-${path.replace(/\W+/g, '-')}`);
      }
    }
    await page.context().close();
    return seen;
  };
  // The name column no wider than the window (on a phone the periods list is a card a period, the card its width).
  const within = (seen: Record<string, { width: number; named: boolean; nameColumn: number }>) =>
    Object.fromEntries(
      Object.entries(seen).map(([path, s]) => [
        path,
        { within: s.width <= 390, named: s.named, nameColumn: s.nameColumn <= 390 },
      ]),
    );
  const all = (seen: Record<string, unknown>) =>
    Object.fromEntries(Object.keys(seen).map((p) => [p, { within: true, named: true, nameColumn: true }]));

  it("keeps the IT office's periods list, the period's page and the dashboard's picker within the window", async () => {
    const seen = await widths(office, (id) => ['/scorecards/periods', `/scorecards/periods/${id}`, `/dashboard?period=${id}`]);
    expect(within(seen)).toEqual(all(seen));
  });

  it("keeps a steward's periods list, the period's page and the scorecard's picker within the window", async () => {
    const seen = await widths(steward, (id) => [
      '/scorecards/periods',
      `/scorecards/periods/${id}`,
      `/scorecards/HR?period=${id}`,
    ]);
    expect(within(seen)).toEqual(all(seen));
  });

  it("shows a steward, on the phone, each period's score, rank and the link to appeal, not a sideways scroll away", async () => {
    // The list scrolled in its box: 名称, 开始日期, 结束日期 and 关账时间 filled the 390 px, and the department's own
    // score, rank and 提出申诉 — what the list is there for — were off to the right. Each period is now a card, each
    // value after its column's header.
    const page = await pageAs(j, steward, 390);
    await page.goto(`${j.baseUrl}/scorecards/periods`);
    const cells = (await page.evaluate(`[...document.querySelectorAll('table.sc-periods tbody tr')].map((tr) =>
      [...tr.cells].map((td) => ({ label: td.getAttribute('data-label'), text: td.innerText.trim(), right: Math.round(td.getBoundingClientRect().right) })))`)) as {
      label: string | null;
      text: string;
      right: number;
    }[][];
    expect(cells).toHaveLength(2);
    for (const row of cells) {
      expect(row.slice(4).map((c) => ({ label: c.label, text: c.text, inSight: c.right <= 390 }))).toEqual([
        { label: '得分', text: '100.00', inSight: true },
        { label: '排名', text: '1 / 1', inSight: true },
        { label: '申诉', text: '提出申诉', inSight: true },
      ]);
    }
    await screenshot(page, 'scorecards-periods-steward-390');
    // At 1280 px it is the table it was.
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(await page.evaluate(`getComputedStyle(document.querySelector('table.sc-periods tbody tr')).display`)).toBe(
      'table-row',
    );
    await page.context().close();
  });
});
