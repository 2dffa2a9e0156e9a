import type { Page } from 'playwright-core';
import { run as snapshotJob } from '../../jobs/snapshot-scorecards';
import { buildUser } from '../factories';
import { chartsSettled, Journey, pageAs, startJourney } from '../factories/journeys';
import { buildCheckRun, seedScorecardCatalog } from '../factories/scorecards';
import { describeBrowser, screenshot } from '../helpers/browser';

/**
 * The scorecard charts and tables as drawn in Chromium, the day after the first snapshot: a trend of
 * one day is one point, which a line of radius-0 points does not show; and the dashboard's wide
 * ranking table (14 columns, English headers) scrolls inside its box instead of widening the page.
 *
 * 2026-11-20 (as in scorecards-http.test.ts): ORG 88.57, HR 77, STU not scored; the mean is 82.79.
 */
describeBrowser('scorecard charts and tables in Chromium', () => {
  let j: Journey;
  let office: Awaited<ReturnType<typeof buildUser>>;
  let steward: Awaited<ReturnType<typeof buildUser>>;

  /** Each dataset of the chart.js chart on canvas `id`: its values and the radius its points are drawn with. */
  const datasets = (page: Page, id: string) =>
    page.evaluate(`(() => {
      const chart = Chart.getChart('${id}');
      return chart.data.datasets.map((d, i) => ({
        data: d.data,
        hidden: !chart.isDatasetVisible(i),
        radius: chart.getDatasetMeta(i).data.map((p) => p.options.radius),
      }));
    })()`) as Promise<{ data: (number | null)[]; hidden: boolean; radius: number[] }[]>;

  beforeAll(async () => {
    j = await startJourney();
    j.t.ctx.now = () => new Date('2026-11-21T10:00:00+08:00');
    const db = j.t.db.knex;
    await seedScorecardCatalog(db);
    office = await buildUser(db, { department: 'ORG', roles: ['it_office'] });
    steward = await buildUser(db, { department: 'HR', roles: ['steward'] });
    await buildCheckRun(db, '2026-11-20T10:00:00+08:00', [
      { table: 'staff', check: 'freshness', department: 'HR', passed: true },
      { table: 'payroll', check: 'freshness', department: 'HR', passed: false },
      { table: 'staff', field: 'staff_no', check: 'required', department: 'HR', violations: 10, checked: 100 },
      { table: 'staff', field: 'political_status', check: 'codes', department: 'ORG', violations: 10, checked: 50 },
    ]);
    // A department's full name, as universities write them, makes the ranking's name column wide.
    await db('departments').where({ code: 'HR' }).update({ name: '人事处（党委教师工作部、人才工作办公室）' });
    await snapshotJob(j.t.ctx, { day: '2026-11-20' });
  }, 120_000);
  afterAll(() => j?.close());

  it('draws a trend of a single snapshot as visible points, on the dashboard and on the scorecard', async () => {
    const page = await pageAs(j, office);
    await page.goto(`${j.baseUrl}/dashboard?from=2026-11-20&to=2026-11-20`);
    await chartsSettled(page);
    // The mean and the two ranked departments, one point each, drawn with a radius.
    expect(await datasets(page, 'sc-trend')).toEqual([
      { data: [82.79], hidden: false, radius: [expect.any(Number)] },
      { data: [88.57], hidden: false, radius: [expect.any(Number)] },
      { data: [77], hidden: false, radius: [expect.any(Number)] },
    ]);
    for (const d of await datasets(page, 'sc-trend')) expect(d.radius[0]).toBeGreaterThan(0);
    await screenshot(page, 'scorecards-single-day-dashboard');

    const own = await pageAs(j, steward);
    await own.goto(`${j.baseUrl}/scorecards/HR`);
    await chartsSettled(own);
    const card = await datasets(own, 'sc-card-trend');
    expect(card[0]).toEqual({ data: [77], hidden: false, radius: [expect.any(Number)] });
    expect(card[0].radius[0]).toBeGreaterThan(0);
    await screenshot(own, 'scorecards-single-day-scorecard');
    await page.context().close();
    await own.context().close();
  });

  it('says in every tooltip a score with its two decimals and a component in percent, as the tables do', async () => {
    /** The tooltip's lines when every dataset (components too) shows its value at `index`. */
    const tooltip = (page: Page, id: string, index: number) =>
      page.evaluate(`(() => {
        const chart = Chart.getChart('${id}');
        chart.data.datasets.forEach((d, i) => chart.setDatasetVisibility(i, true));
        chart.update();
        const active = chart.data.datasets.map((d, i) => ({ datasetIndex: i, index: ${index} }))
          .filter((a) => chart.data.datasets[a.datasetIndex].data[${index}] !== null);
        chart.tooltip.setActiveElements(active, { x: 0, y: 0 });
        chart.update();
        return chart.tooltip.body.map((b) => b.lines.join(' '));
      })()`) as Promise<string[]>;
    const page = await pageAs(j, office, 1280);
    await page.goto(`${j.baseUrl}/dashboard?from=2026-11-20&to=2026-11-20`);
    await chartsSettled(page);
    // 77 read 77 beside 88.57, and a component 50 beside a score of 77: the table says 77.00 and 50.0%.
    expect(await tooltip(page, 'sc-trend', 0)).toEqual([
      '全校平均: 82.79',
      '党委组织部: 88.57',
      '人事处（党委教师工作部、人才工作办公室）: 77.00',
    ]);
    expect(await tooltip(page, 'sc-ranking-bars', 1)).toEqual([
      '得分: 77.00',
      '时效性: 50.0%',
      '完整性: 90.0%',
      '工单按期: 100.0%',
    ]);
    await page.goto(`${j.baseUrl}/scorecards/HR?from=2026-11-20&to=2026-11-20`);
    await chartsSettled(page);
    expect(await tooltip(page, 'sc-card-trend', 0)).toEqual([
      '得分: 77.00',
      '时效性: 50.0%',
      '完整性: 90.0%',
      '工单按期: 100.0%',
    ]);
    // Its legend says the components are percentages, as the dashboard's bars do.
    expect(await page.evaluate(`Chart.getChart('sc-card-trend').data.datasets.map((d) => d.label)`)).toEqual([
      '得分',
      '时效性 (%)',
      '完整性 (%)',
      '工单按期 (%)',
    ]);
    await page.context().close();
  });
  it('keeps the English dashboard within a 1280 px window: the ranking table fits, its headers wrap between words', async () => {
    // An account whose language is English (sign-in takes it): this test is about the English page's layout. (It used
    // the header's English button, which in loaded runs sometimes left the next page Chinese: the redirect went out
    // before the session was stored; app.ts now stores it first, test/integration/session-before-redirect.)
    const reader = await buildUser(j.t.db.knex, { department: 'ORG', roles: ['it_office'] });
    await j.t.db.knex('users').where({ id: reader.id }).update({ locale: 'en' });
    const page = await pageAs(j, reader, 1280);
    await page.goto(`${j.baseUrl}/dashboard?from=2026-11-20&to=2026-11-20`);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.textContent('h1')).toContain('Data-quality assessment dashboard');
    await chartsSettled(page);
    const widths = (await page.evaluate(`(() => {
      const table = document.querySelector('table.sc-ranking');
      const box = table.parentElement;
      const main = document.querySelector('main');
      const mainStyle = getComputedStyle(main);
      return {
        page: document.documentElement.scrollWidth,
        window: document.documentElement.clientWidth,
        boxClass: box.className,
        boxOverflow: getComputedStyle(box).overflowX,
        boxRight: box.getBoundingClientRect().right,
        mainRight: main.getBoundingClientRect().right - parseFloat(mainStyle.paddingRight),
        tableWidth: table.scrollWidth,
        boxWidth: box.clientWidth,
        // A header cut inside a word shows as a header wider than its column.
        headersCut: [...table.querySelectorAll('th')].filter((th) => th.scrollWidth > th.clientWidth + 1).length,
      };
    })()`)) as Record<string, number> & { boxClass: string; boxOverflow: string };
    await screenshot(page, 'scorecards-dashboard-en-1280');
    expect(widths.boxClass).toContain('sc-table-scroll');
    expect(widths.boxOverflow).toBe('auto');
    // The table fits its box (its 15 columns' long English headers made it ~1,470 px, the last columns behind a
    // scroll); the box would still scroll it inside the page's content on a narrower window.
    expect(widths.tableWidth).toBeLessThanOrEqual(widths.boxWidth);
    expect(widths.headersCut).toBe(0);
    expect(widths.boxRight).toBeLessThanOrEqual(widths.mainRight + 1);
    expect(widths.page).toBeLessThanOrEqual(widths.window);
    await page.context().close();
  });
  it("keeps the departments' names readable on a 375 px phone: shortened, not cut off at the chart's edge", async () => {
    const page = await pageAs(j, office, 375);
    await page.goto(`${j.baseUrl}/dashboard?from=2026-11-20&to=2026-11-20`);
    await chartsSettled(page);
    /** Each chart's drawn labels (y ticks, legend) against the room chart.js gave them. */
    const fit = (await page.evaluate(`(() => {
      const measure = (chart, font, text) => {
        const ctx = chart.ctx;
        ctx.save();
        ctx.font = Chart.helpers.toFont(font).string;
        const w = ctx.measureText(text).width;
        ctx.restore();
        return w;
      };
      const bars = Chart.getChart('sc-ranking-bars');
      const y = bars.scales.y;
      const trend = Chart.getChart('sc-trend');
      return {
        names: bars.data.labels,
        ticks: y.ticks.map((t) => ({ label: t.label, width: measure(bars, y.options.ticks.font, String(t.label)) })),
        room: y.width - y.options.ticks.padding,
        barHeight: bars.chartArea.height / bars.data.labels.length,
        legend: trend.legend.legendHitBoxes.map((b) => b.left + b.width),
        legendTexts: trend.legend.legendItems.map((i) => i.text),
        trendWidth: trend.width,
      };
    })()`)) as {
      names: string[];
      ticks: { label: string; width: number }[];
      room: number;
      barHeight: number;
      legend: number[];
      legendTexts: string[];
      trendWidth: number;
    };
    await screenshot(page, 'scorecards-dashboard-375');
    // The chart keeps the full names (its tooltips show them); the axis shows each name's beginning,
    // shortened with … to the room it has (the long name lost its beginning: "工作部、人才工作办公室）").
    expect(fit.names).toContain('人事处（党委教师工作部、人才工作办公室）');
    const hr = fit.ticks.find((t) => t.label.startsWith('人事处'))!;
    expect(hr.label).toMatch(/…$/);
    for (const t of fit.ticks) expect(t.width).toBeLessThanOrEqual(fit.room + 1);
    // The legend above wraps onto several lines: the bars keep their height below it.
    expect(fit.barHeight).toBeGreaterThanOrEqual(20);
    // The trend's legend names a department within the chart's width too.
    for (const right of fit.legend) expect(right).toBeLessThanOrEqual(fit.trendWidth + 1);
    expect(fit.legendTexts.some((text) => text.startsWith('人事处'))).toBe(true);

    // The freshness heat map scrolls sideways here: it opens on its newest days (the only day with a snapshot is the
    // last column), the table names still in view beside them.
    const heat = (await page.evaluate(`(() => {
      const grid = document.querySelector('.sc-heat');
      const name = grid.querySelector('.sc-heat-table').getBoundingClientRect();
      const cells = grid.querySelectorAll('.sc-cell');
      const last = cells[cells.length - 1].getBoundingClientRect();
      const box = grid.getBoundingClientRect();
      return { scrolls: grid.scrollWidth > grid.clientWidth, atEnd: grid.scrollLeft + grid.clientWidth >= grid.scrollWidth - 1,
        nameLeft: name.left - box.left, lastRight: last.right - box.right };
    })()`)) as { scrolls: boolean; atEnd: boolean; nameLeft: number; lastRight: number };
    expect(heat).toMatchObject({ scrolls: true, atEnd: true });
    expect(Math.abs(heat.nameLeft)).toBeLessThanOrEqual(1);
    expect(heat.lastRight).toBeLessThanOrEqual(1);

    // The tables with the most problems are cards, each value after its column's header: their failed checks and
    // problem records were off-screen behind a sideways scroll.
    const worst = (await page.evaluate(`(() => {
      const heading = [...document.querySelectorAll('main h2')].find((h) => h.textContent.trim() === '问题最多的数据表');
      const table = [...document.querySelectorAll('main table')].find((t) => heading.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING);
      const box = table.closest('.table-scroll') || table;
      const row = table.querySelector(':scope > tbody > tr');
      return { cards: table.getAttribute('role') === 'table', scrolls: box.scrollWidth > box.clientWidth,
        labels: [...row.children].map((td) => td.getAttribute('data-label')),
        right: Math.max(...[...row.children].map((td) => td.getBoundingClientRect().right)) };
    })()`)) as { cards: boolean; scrolls: boolean; labels: string[]; right: number };
    expect(worst).toEqual({
      cards: true,
      scrolls: false,
      labels: ['数据表', '部门', '未通过检查', '问题记录数', '时效'],
      right: expect.any(Number),
    });
    expect(worst.right).toBeLessThanOrEqual(375);
    await page.context().close();
  });
  it.each(['zh-CN', 'en'] as const)(
    'on a 375 px phone in %s a department’s scorecard tables are cards: nothing scrolls sideways, each value after its column’s header',
    async (locale) => {
      const reader = await buildUser(j.t.db.knex, { department: 'HR', roles: ['steward'] });
      await j.t.db.knex('users').where({ id: reader.id }).update({ locale });
      const page = await pageAs(j, reader, 375);
      await page.goto(`${j.baseUrl}/scorecards/HR?from=2026-11-20&to=2026-11-20`);
      expect(await page.getAttribute('html', 'lang')).toBe(locale);
      await chartsSettled(page);
      // The worst checks' trend charts have their two-column figures table under them (public/js/checks.js): not cards,
      // and within the page's width (asserted at the end).
      const tables =
        (await page.evaluate(`(() => [...document.querySelectorAll('main table')].filter((t) => !t.closest('figure.trend')).map((table) => {
        const box = table.closest('.table-scroll, .sc-table-scroll') || table;
        const headers = [...table.querySelectorAll(':scope > thead th')].map((th) => th.textContent.replace(/\\s+/g, ' ').trim());
        const row = table.querySelector(':scope > tbody > tr');
        const cells = [...row.children].map((td, i) => {
          const label = /^"((?:[^"\\\\]|\\\\.)*)"/.exec(getComputedStyle(td, '::before').content);
          return { header: headers[i], label: label ? label[1] : null, top: td.getBoundingClientRect().top, bottom: td.getBoundingClientRect().bottom };
        });
        return { cards: table.getAttribute('role') === 'table', scrolls: box.scrollWidth > box.clientWidth, cells };
      }))()`)) as {
          cards: boolean;
          scrolls: boolean;
          cells: { header: string; label: string | null; top: number; bottom: number }[];
        }[];
      await screenshot(page, `scorecards-card-375-${locale}`);
      // The trend chart's figures (a card a day), the breakdown, the tables, the checks with most problems and the
      // overdue tickets (none: one line saying so).
      expect(tables).toHaveLength(5);
      for (const [i, table] of tables.entries()) {
        expect({ table: i, cards: table.cards, scrolls: table.scrolls }).toEqual({ table: i, cards: true, scrolls: false });
        if (i < 4) expect(table.cells.length).toBeGreaterThan(3);
        if (table.cells.length > 1)
          for (const c of table.cells) expect({ table: i, label: c.label }).toEqual({ table: i, label: c.header });
        for (let k = 1; k < table.cells.length; k++)
          expect(table.cells[k].top).toBeGreaterThanOrEqual(table.cells[k - 1].bottom - 1);
      }
      // Each card's label stays in its own room beside the value: laid out as its ::before is (its width, font and
      // wrapping), it is no wider than that room. "Hours since update" ran over its value ("Hours since upda6.3").
      const overflowing = (await page.evaluate(`(() => [...document.querySelectorAll('main table[role=table] td[data-label]')]
        .filter((td) => !td.closest('figure.trend') && td.offsetParent !== null).map((td) => {
          const before = getComputedStyle(td, '::before');
          const probe = document.createElement('div');
          for (const p of ['width', 'font-family', 'font-size', 'font-weight', 'line-height', 'white-space', 'word-break', 'overflow-wrap', 'letter-spacing'])
            probe.style.setProperty(p, before.getPropertyValue(p));
          probe.style.position = 'absolute';
          probe.textContent = td.getAttribute('data-label');
          td.appendChild(probe);
          const wider = probe.scrollWidth > probe.clientWidth + 1;
          probe.remove();
          return wider ? td.getAttribute('data-label') : null;
        }).filter(Boolean))()`)) as string[];
      expect(overflowing).toEqual([]);
      // The heat map's legend: each swatch on the line of the word it stands for (the grey one ended a line, 无检查 /
      // Not checked began the next).
      const legend = (await page.evaluate(`(() => [...document.querySelectorAll('.sc-legend .sc-cell')].map((swatch) => {
        let text = swatch.nextSibling;
        while (text && !(text.textContent || '').trim()) text = text.nextSibling;
        const range = document.createRange();
        range.selectNodeContents(text);
        const word = range.getClientRects()[0];
        const box = swatch.getBoundingClientRect();
        return { word: text.textContent.trim().split(/\\s/)[0], apart: Math.abs((box.top + box.bottom) / 2 - (word.top + word.bottom) / 2) };
      }))()`)) as { word: string; apart: number }[];
      expect(legend).toHaveLength(3);
      for (const l of legend) expect({ word: l.word, apart: l.apart < 8 }).toEqual({ word: l.word, apart: true });
      expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
      await page.context().close();
    },
  );
  it('keeps each date of the weights history on one line on a 375 px phone', async () => {
    const page = await pageAs(j, office, 375);
    await page.goto(`${j.baseUrl}/scorecards/weights`);
    // 生效日期 and the time of the change: the first column's 2000-01-01 broke at its hyphen (2000- / 01-01).
    const lines = (await page.evaluate(`(() => [...document.querySelectorAll('main table tbody tr:first-child td')]
      .filter((td) => /\\d{4}-\\d{2}-\\d{2}/.test(td.textContent)).map((td) => {
        const m = /\\d{4}-\\d{2}-\\d{2}( \\d{2}:\\d{2})?/.exec(td.textContent)[0];
        const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
        let node;
        while ((node = walker.nextNode()) && !node.textContent.includes(m));
        const range = document.createRange();
        const at = node.textContent.indexOf(m);
        range.setStart(node, at);
        range.setEnd(node, at + m.length);
        return { date: m, lines: new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size };
      }))()`)) as { date: string; lines: number }[];
    await screenshot(page, 'scorecards-weights-375');
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(l).toEqual({ date: l.date, lines: 1 });
    await page.context().close();
  });
});
