import type { Browser, Locator, Page } from 'playwright-core';
import { createTestApp, listen, TestApp } from '../helpers/app';
import { browserSignIn, launchBrowser } from '../helpers/browser';
import { buildUser } from './index';
import { buildSharingWorld, SharingPeople } from './sharing';
import { buildTicket, exampleCatalog, seedCatalogDepartments } from './tickets';

/**
 * Browser journeys (test/e2e/journey-*.test.ts): the real app on a local port over a fresh test
 * database, one Chromium, and one browser context per person so that each keeps their own session.
 */
export interface Journey {
  t: TestApp;
  baseUrl: string;
  browser: Browser;
  close(): Promise<void>;
}

export async function startJourney(env: Record<string, string> = {}): Promise<Journey> {
  const t = await createTestApp(env);
  const server = await listen(t.app);
  const browser = await launchBrowser();
  return {
    t,
    baseUrl: server.baseUrl,
    browser,
    close: async () => {
      await browser.close();
      await server.close();
      await t.close();
    },
  };
}

/**
 * The sharing pages in a browser (test/e2e/sharing-*.test.ts, journey-sharing-grant): the app on a local port over a
 * fresh test database, its clock at Monday 2026-03-02 10:00 in Shanghai, the sharing catalog and its people
 * (buildSharingWorld), and one Chromium; `close()` ends them all.
 */
export async function startSharingBrowser(): Promise<Journey & { people: SharingPeople }> {
  const j = await startJourney();
  try {
    j.t.ctx.now = () => new Date('2026-03-02T02:00:00Z');
    return { ...j, people: await buildSharingWorld(j.t.db.knex) };
  } catch (err) {
    // The test file never gets the journey to close: it is closed here.
    await j.close();
    throw err;
  }
}

/**
 * One ticket in a browser (test/e2e/ticket-*.test.ts, confirm-needs-reason): the journey, the example catalog's
 * departments, a ticket on staff_basic.staff_no filed Thursday 2026-03-26 10:00 in Shanghai (medium: due Thursday
 * 04-02), the app's clock at Monday 03-30 10:00 and the IT office signed in; `before(j, ticketId)` runs between the
 * ticket and the sign-in (a steward's request for more time). `close()` ends them all.
 */
export async function startTicketBrowser(
  before: (j: Journey, ticketId: number) => Promise<void> = async () => {},
): Promise<Journey & { ticketId: number; office: Page }> {
  const j = await startJourney();
  try {
    const catalog = exampleCatalog();
    await seedCatalogDepartments(j.t.db.knex, catalog);
    const ticketId = (await buildTicket(j.t.db.knex, catalog, new Date('2026-03-26T02:00:00Z'), { field: 'staff_no' })).id;
    j.t.ctx.now = () => new Date('2026-03-30T02:00:00Z');
    await before(j, ticketId);
    const officeUser = await buildUser(j.t.db.knex, { department: 'ITC', roles: ['it_office'] });
    return { ...j, ticketId, office: await pageAs(j, officeUser) };
  } catch (err) {
    await j.close();
    throw err;
  }
}

/** A fresh browser context (own cookies) signed in through the login form as `who`. */
export async function pageAs(j: Journey, who: { login: string; password: string }, width = 1280): Promise<Page> {
  const context = await j.browser.newContext({ locale: 'zh-CN', viewport: { width, height: 900 } });
  // A step that cannot happen fails in 10 s with its selector, well inside the test's time.
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  await browserSignIn(page, j.baseUrl, who.login, who.password);
  if (page.url().includes('/login')) throw new Error(`sign-in as ${who.login} failed`);
  return page;
}

/**
 * Reloads until `ready` holds: for what the product does in the background after a click (a re-check
 * run). Gives up after `timeoutMs` naming what it waited for; the caller then asserts the outcome.
 */
export async function reloadUntil(page: Page, ready: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await ready()) return;
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
    await page.reload();
  }
}

/**
 * Clicks and waits for the page that follows (a form post and its redirect). waitForURL alone would
 * not wait when the redirect comes back to the same address (post → 303 → the same request page).
 */
export async function clickAndLoad(page: Page, target: string | Locator): Promise<void> {
  const click = typeof target === 'string' ? page.click(target) : target.click();
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), click]);
}

/** The text of the flash message after a redirect (the layout's role="status" box). */
export async function flashText(page: Page): Promise<string> {
  return (await page.locator('main > .flash').first().innerText()).trim();
}

/**
 * Waits until every chart on the page is drawn and its entry animation has ended, so that a
 * screenshot shows the real values (mid-animation a line of 1 is drawn at 0.2). Returns the
 * number of charts.
 */
export async function chartsSettled(page: Page): Promise<number> {
  await page.waitForFunction(() => {
    // The project's TypeScript has no DOM types: the page's globals, as far as this needs them.
    const g = globalThis as unknown as PageGlobals;
    const canvases = Array.from(g.document.querySelectorAll('canvas'));
    if (!g.Chart) return canvases.length === 0;
    const Chart = g.Chart;
    return canvases.every((c) => {
      const chart = Chart.getChart(c);
      return !!chart && !Chart.animator.running(chart);
    });
  });
  return page.locator('canvas').count();
}

/** The first dataset's values of the chart.js chart drawn on `canvas` (a locator of one canvas). */
export async function chartValues(canvas: Locator): Promise<unknown[]> {
  return canvas.evaluate((c) => (globalThis as unknown as PageGlobals).Chart!.getChart(c)!.data.datasets[0].data);
}

/**
 * The values of the ticks chart.js drew on `axis` of the chart on `canvas`, and the precision its options ask for
 * there (a chart of counts asks for 0: whole ticks).
 */
export async function chartTicks(canvas: Locator, axis = 'y'): Promise<{ values: number[]; precision: unknown }> {
  return canvas.evaluate((c, id) => {
    const scale = (globalThis as unknown as PageGlobals).Chart!.getChart(c)!.scales[id];
    return { values: scale.ticks.map((t) => t.value), precision: scale.options.ticks.precision };
  }, axis);
}

interface ChartInstance {
  data: { datasets: { data: unknown[] }[] };
  scales: Record<string, { ticks: { value: number }[]; options: { ticks: { precision?: number } } }>;
}
interface PageGlobals {
  document: { querySelectorAll(selector: string): ArrayLike<unknown> };
  Chart?: { getChart(canvas: unknown): ChartInstance | undefined; animator: { running(chart: ChartInstance): boolean } };
}
