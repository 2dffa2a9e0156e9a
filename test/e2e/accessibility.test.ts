import { createHash } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { describeBrowser, launchBrowser, serveAxe } from '../helpers/browser';
import { FirstStart, startFirstStart, waitFor } from '../helpers/process';

/**
 * axe-core's WCAG 2.1 A and AA rules on every page each role reaches, in Chinese and in English, over the demo a
 * first start builds (`hubwatch serve` on an empty DATA_DIR: the demo hub, its first check run's tickets, error
 * reports and sharing requests in their stages), plus a closed scoring period. Any violation of impact "serious"
 * or "critical" fails, naming the page, the rule and the elements.
 *
 * The pages are found as a user finds them: from the home page, every link on every page (one page of each kind:
 * /tickets/9 stands for /tickets/:id; every sharing request, as each stage shows another page), and a few pages
 * behind a filter or an error. EXPECTED below lists the kinds of page the crawl must reach, so that a page that
 * drops out of it (a link removed, a role losing it) is noticed rather than silently no longer checked.
 *
 * axe runs inside the page (node_modules/axe-core/axe.min.js, served by the test itself: serveAxe). A page whose
 * content and navigation are the same as one already checked in that language (the calendar is the same for a
 * steward as for a leader) is not checked again. Besides the WCAG rules, EXTRA_RULES fail at any impact, and so does a chart's line or
 * bar in a colour outside app.css's palette or under 3:1 against its background (WCAG 1.4.11; axe does not look into
 * a canvas).
 */

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
/**
 * Best-practice rules run besides the WCAG ones, failing at any impact: a column header with no text (a checkbox or
 * action column's `<th></th>`, impact "minor") leaves a screen reader announcing nothing when it enters the column.
 */
const EXTRA_RULES = ['empty-table-header'];
/** Pages with a checkbox or action column, where the crawl must have met a table header for EXTRA_RULES to check. */
const HEADER_PAGES = ['/reports/triage', '/sharing/structure-changes', '/tickets'];

/** The roles that see pages of their own, each a demo account of the first start. */
const ROLES = [
  { login: 'itoffice', role: 'IT office' },
  { login: 'stu.steward', role: 'department steward' },
  { login: 'hr.leader', role: 'department leader' },
  { login: 'leader', role: 'university leader' },
  { login: 'stu.user', role: 'data user' },
  { login: 'admin', role: 'administrator' },
];

/**
 * Pages no link leads to from a role's pages as they are after the first start: a step is a path to open, or a
 * pattern of the link on the page before to follow (skipped without one: not every role has report tickets).
 */
const JOURNEYS: (string | RegExp)[][] = [
  // The ticket list filtered to error reports, a report's ticket, its answer page (the steward answers there).
  ['/tickets?check=report', /^\/tickets\/\d+$/, /^\/reports\/tickets\/\d+$/],
  // The error page.
  ['/no-such-page'],
];

/** The kinds of page the crawl must have checked (path patterns, as `kind()` names them). */
const EXPECTED = [
  '/',
  '/account/password',
  '/admin/audit',
  '/admin/users',
  '/admin/users/:id',
  '/calendar',
  '/catalog',
  '/catalog/import',
  '/catalog/tables/:name',
  '/dashboard',
  '/departments/:code',
  '/inbox',
  '/login',
  '/no-such-page',
  '/reports/:id',
  '/reports/mine',
  '/reports/new',
  '/reports/tickets/:id',
  '/reports/triage',
  '/runs',
  '/runs/:id',
  '/scorecards/:code',
  '/scorecards/periods',
  '/scorecards/periods/:id',
  '/scorecards/weights',
  '/sharing',
  '/sharing/:id',
  '/sharing/:id/edit',
  '/sharing/:id/print',
  '/sharing/all',
  '/sharing/new',
  '/sharing/queue',
  '/sharing/structure-changes',
  '/tickets',
  '/tickets/:id',
  '/tickets/settings',
];

/** Links not to follow: signing out, JSON and files (a download that is not listed here is recognised and skipped too). */
const NOT_PAGES = /^\/(static|api)\/|^\/logout$|\/export(\.\w+)?$/;

/** A path's kind of page: ids, department codes and table names as placeholders. */
function kind(pathname: string): string {
  return pathname
    .replace(/^\/catalog\/tables\/[^/]+/, '/catalog/tables/:name')
    .replace(/\/\d+(?=\/|$)/g, '/:id')
    .replace(/\/[A-Z][A-Z0-9_-]*(?=\/|$)/g, '/:code');
}

/** Every sharing request is its own page: a draft, one under review and a decided one show different things. */
function crawlKey(pathname: string): string {
  return /^\/sharing\/\d+$/.test(pathname) ? pathname : kind(pathname);
}

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Pages with charts, whose colours the crawl must have checked. */
const CHART_PAGES = ['/runs', '/dashboard', '/scorecards/:code'];

interface ChartColour {
  canvas: string;
  dataset: string;
  colour: string;
  background: string;
  ratio: number;
  inPalette: boolean;
}

/**
 * The colour of every line (its border) and bar (its fill) of the open page's charts, hidden series too (the legend
 * shows them): its contrast with the background the chart is drawn on, and whether it is one of app.css's palette
 * (its :root custom properties), as the rest of the UI's colours are. Waits a moment for charts drawn from fetched
 * data (a check's trend). A check's trend inside a closed <details> (a table page's other checks) is drawn only when it
 * is opened (public/js/checks.js), which no one does here: it is not waited for (it made every table page wait the
 * whole 5 s) and, undrawn, has no colours to check, as before.
 */
async function chartColours(page: Page): Promise<ChartColour[]> {
  await page
    .waitForFunction(
      `!window.Chart || [...document.querySelectorAll('canvas')].every((c) => Chart.getChart(c) || (c.matches('canvas[data-trend]') && c.closest('details:not([open])')))`,
      null,
      { timeout: 5_000 },
    )
    .catch(() => undefined);
  return (await page.evaluate(`(() => {
    if (!window.Chart) return [];
    const probe = document.createElement('canvas').getContext('2d');
    // Any CSS colour as the canvas spells it: #rrggbb when opaque, rgba(…) otherwise.
    const normal = (c) => { probe.fillStyle = '#010203'; probe.fillStyle = c; return probe.fillStyle; };
    const rgb = (c) => { const n = normal(c); return n.startsWith('#') ? [1, 3, 5].map((i) => parseInt(n.slice(i, i + 2), 16)) : null; };
    const luminance = ([r, g, b]) => [r, g, b].map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
      .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
    const root = getComputedStyle(document.documentElement);
    const palette = new Set();
    for (const sheet of document.styleSheets)
      for (const rule of sheet.cssRules)
        if (rule.selectorText === ':root')
          for (const name of rule.style) if (name.startsWith('--')) palette.add(normal(root.getPropertyValue(name).trim()));
    const out = [];
    for (const canvas of document.querySelectorAll('canvas')) {
      const chart = Chart.getChart(canvas);
      if (!chart) continue;
      let background = 'rgba(0, 0, 0, 0)';
      for (let el = canvas; el && normal(background) !== normal('#fff') && rgb(background) === null; el = el.parentElement)
        background = getComputedStyle(el).backgroundColor;
      if (rgb(background) === null) background = '#ffffff';
      chart.data.datasets.forEach((d) => {
        const type = d.type || chart.config.type;
        for (const c of [].concat(type === 'bar' ? d.backgroundColor : d.borderColor)) {
          const fg = rgb(c);
          const [a, b] = [luminance(fg || [255, 255, 255]), luminance(rgb(background))];
          out.push({
            canvas: canvas.id || canvas.getAttribute('data-trend'),
            dataset: d.label,
            colour: normal(c),
            background: normal(background),
            ratio: fg ? (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) : 0,
            inPalette: palette.has(normal(c)),
          });
        }
      });
    }
    return out;
  })()`)) as ChartColour[];
}

interface AxeResults {
  violations: Violation[];
  /** The rules that found elements to check on the page (passed or not). */
  applied: string[];
}

interface Finding {
  page: string;
  who: string;
  locale: string;
  rule: string;
  impact: string;
  help: string;
  targets: string[];
}

describeBrowser('accessibility (axe-core, WCAG 2.1 A/AA) of every page, each role, Chinese and English', () => {
  let demo: FirstStart;
  let base: string;
  let passwords: Map<string, string>;
  let browser: Browser;
  let axe: Awaited<ReturnType<typeof serveAxe>>;

  beforeAll(async () => {
    demo = await startFirstStart('a11y');
    ({ base, passwords } = demo);
    browser = await launchBrowser();
    axe = await serveAxe();
  }, 200_000);

  afterAll(async () => {
    await browser?.close();
    await axe?.close();
    await demo?.stop();
  });

  /** A browser context of its own (own session), signed in as `login` unless null. */
  async function newPage(login: string | null): Promise<Page> {
    // The pages' Content-Security-Policy (script-src 'self') would refuse the injected axe script.
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 }, bypassCSP: true });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    if (login === null) return page;
    const password = passwords.get(login);
    if (!password) throw new Error(`the first start printed no password for ${login}:\n${demo.server.output()}`);
    await page.goto(`${base}/login`);
    await page.fill('#login', login);
    await page.fill('#password', password);
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit].primary')]);
    if (new URL(page.url()).pathname === '/login') throw new Error(`sign-in as ${login} failed`);
    return page;
  }

  /** Switches the session's language with the header's 中文/English button (the choice is the session's). */
  async function useLocale(page: Page, locale: 'zh-CN' | 'en'): Promise<void> {
    await page.goto(`${base}/`);
    if ((await page.getAttribute('html', 'lang')) === locale) return;
    await Promise.all([page.waitForNavigation(), page.click('.locale-switch button')]);
    expect(await page.getAttribute('html', 'lang')).toBe(locale);
  }

  it('no page has a serious or critical violation', async () => {
    const findings: Finding[] = [];
    const checked = new Set<string>();
    const seen = new Set<string>();
    /** The kinds of page on which axe checked table headers. */
    const headersChecked = new Set<string>();
    /** The kinds of page whose charts' colours were checked. */
    const chartsChecked = new Set<string>();

    /** Runs axe on the open page unless the same content and navigation were checked already (then false). */
    async function check(page: Page, who: string, locale: string): Promise<boolean> {
      const url = new URL(page.url());
      checked.add(kind(url.pathname));
      const { header, content } = (await page.evaluate(`(() => {
        const strip = (html) => html.replace(/_csrf[^>]*?value="[^"]*"/g, '');
        const header = document.querySelector('header');
        // The navigation without what changes from page to page: the current entry, the locale switch's way back.
        const nav = header
          ? strip(header.innerHTML).replace(/ class="active" aria-current="page"|name="next" value="[^"]*"/g, '')
          : '';
        const body = document.body.cloneNode(true);
        body.querySelector('header')?.remove();
        return { header: nav, content: strip(body.innerHTML) };
      })()`)) as { header: string; content: string };
      const keys = [header, content].map((html) => `${locale} ${createHash('sha1').update(html).digest('hex')}`);
      if (keys.every((k) => seen.has(k))) return false;
      keys.forEach((k) => seen.add(k));
      await page.addScriptTag({ url: axe.url });
      const rules = Object.fromEntries(EXTRA_RULES.map((id) => [id, { enabled: true }]));
      const { violations, applied } = (await page.evaluate(
        `axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(TAGS)} }, rules: ${JSON.stringify(rules)}, resultTypes: ['violations'] })
          .then((r) => ({
            violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })),
            applied: [...r.passes, ...r.violations].map((v) => v.id),
          }))`,
      )) as AxeResults;
      if (applied.includes('empty-table-header')) headersChecked.add(kind(url.pathname));
      for (const v of violations) {
        if (v.impact !== 'serious' && v.impact !== 'critical' && !EXTRA_RULES.includes(v.id)) continue;
        findings.push({
          page: url.pathname + url.search,
          who,
          locale,
          rule: v.id,
          impact: v.impact ?? 'none',
          help: v.help,
          targets: v.nodes.map((n) => n.target.join(' ')),
        });
      }
      const charts = await chartColours(page);
      if (charts.length) chartsChecked.add(kind(url.pathname));
      for (const { canvas, dataset, colour, background, ratio, inPalette } of charts) {
        const problems = [
          inPalette ? '' : `${colour} is not a colour of app.css's palette (its :root custom properties)`,
          ratio >= 3 ? '' : `${colour} on ${background} is ${ratio.toFixed(2)}:1, under 3:1 (WCAG 1.4.11)`,
        ].filter(Boolean);
        if (problems.length)
          findings.push({
            page: url.pathname + url.search,
            who,
            locale,
            rule: 'chart-colour',
            impact: 'serious',
            help: problems.join('; '),
            targets: [`canvas#${canvas} "${dataset}"`],
          });
      }
      return true;
    }

    /** Opens a page; false for a download, JSON or (unless `allowError`) an error. */
    async function open(page: Page, target: string, allowError = false): Promise<boolean> {
      try {
        const response = await page.goto(`${base}${target}`);
        if (!response || !/text\/html/.test(response.headers()['content-type'] ?? '')) return false;
        return response.ok() || allowError;
      } catch (err) {
        if (/Download is starting/.test(String(err))) return false;
        throw err;
      }
    }

    /** Same-site links on the open page, as paths with their query (no fragment). */
    async function links(page: Page): Promise<string[]> {
      const hrefs = await page.$$eval('a[href]:not([download])', (as) => as.map((a) => (a as unknown as { href: string }).href));
      return hrefs
        .map((h) => new URL(h))
        .filter((u) => u.origin === base && !NOT_PAGES.test(u.pathname))
        .map((u) => u.pathname + u.search);
    }

    async function role(login: string, who: string): Promise<void> {
      const page = await newPage(login);
      await useLocale(page, 'zh-CN');
      // Chinese: crawl, checking each new kind of page; remember the pages for English.
      const visited: { target: string; allowError: boolean; checked: boolean }[] = [];
      const keys = new Set<string>();
      const queue = ['/'];
      while (queue.length) {
        const target = queue.shift()!;
        const key = crawlKey(new URL(target, base).pathname);
        if (keys.has(key)) continue;
        keys.add(key);
        if (!(await open(page, target))) continue;
        visited.push({ target, allowError: false, checked: await check(page, who, 'zh-CN') });
        for (const link of await links(page)) if (!keys.has(crawlKey(new URL(link, base).pathname))) queue.push(link);
      }
      for (const steps of JOURNEYS) {
        for (const step of steps) {
          let target: string | undefined;
          if (typeof step === 'string') target = step;
          else target = (await links(page)).find((l) => step.test(new URL(l, base).pathname));
          if (!target) break;
          const allowError = target === '/no-such-page';
          if (!(await open(page, target, allowError))) break;
          visited.push({ target, allowError, checked: await check(page, who, 'zh-CN') });
        }
      }
      // English: the same pages in the same session, except those the same as another role's in Chinese (the same
      // data and template make the same English page).
      await useLocale(page, 'en');
      for (const { target, allowError } of visited.filter((v) => v.checked))
        if (await open(page, target, allowError)) await check(page, who, 'en');
      await page.context().close();
    }

    // The sign-in page, signed out.
    const anonymous = await newPage(null);
    for (const locale of ['zh-CN', 'en'] as const) {
      await anonymous.goto(`${base}/login`);
      if ((await anonymous.getAttribute('html', 'lang')) !== locale)
        await Promise.all([anonymous.waitForNavigation(), anonymous.click('.locale-switch button')]);
      expect(await anonymous.getAttribute('html', 'lang')).toBe(locale);
      await check(anonymous, 'signed out', locale);
    }
    await anonymous.context().close();

    // The first start's check run and scorecard snapshot end a few seconds after the server listens: the tickets,
    // the dashboard's ranking. Then the IT office closes yesterday as a scoring period (the period's page).
    const office = await newPage('itoffice');
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    await waitFor(
      async () => {
        const res = await office.request.get(`${base}/api/v1/scorecards?from=${today}&to=${today}`);
        const body = res.ok() ? ((await res.json()) as { items: { score: number | null }[] }) : { items: [] };
        return body.items.some((i) => i.score !== null);
      },
      60_000,
      "the first check run and today's scores",
    );
    await office.goto(`${base}/scorecards/periods`);
    const yesterday = (await office.getAttribute('#to', 'max'))!;
    await office.fill('#from', yesterday);
    await office.fill('#to', yesterday);
    // Closing asks first (it cannot be undone): accepted here, and the question names what closing does.
    const asked: string[] = [];
    office.once('dialog', (dialog) => {
      asked.push(dialog.message());
      void dialog.accept();
    });
    await Promise.all([office.waitForNavigation(), office.click('form[action="/scorecards/periods"] button.primary')]);
    expect(asked).toEqual(['关账后该周期的得分将被冻结且不能撤销，并会通知各部门。确定关账吗？']);
    // Yesterday has no score (the first snapshot is today's): refused, with the box to close it anyway.
    await office.check('#confirm_empty');
    office.once('dialog', (dialog) => void dialog.accept());
    await Promise.all([office.waitForNavigation(), office.click('form[action="/scorecards/periods"] button.primary')]);
    expect(await office.locator('.flash-success').count()).toBe(1);
    await office.context().close();

    // The demo has no data-structure change: a steward files one, so that the list and its action column are there.
    const steward = await newPage('stu.steward');
    await steward.goto(`${base}/sharing/structure-changes`);
    await steward.check('input[name=tables] >> nth=0');
    await steward.fill('#sc-desc', '新增字段 / a new field');
    await steward.fill('#sc-date', today);
    await steward.fill('#sc-contact', '学生处 0371-00000000');
    await Promise.all([steward.waitForNavigation(), steward.click('form[action="/sharing/structure-changes"] button.primary')]);
    expect(await steward.locator('.flash-success').count()).toBe(1);
    await steward.context().close();

    // Two roles at a time, each in its own context.
    const roles = [...ROLES];
    await Promise.all(
      [0, 1].map(async () => {
        for (let next = roles.shift(); next; next = roles.shift()) await role(next.login, next.role);
      }),
    );

    expect([...EXPECTED].filter((k) => !checked.has(k))).toEqual([]);
    expect(HEADER_PAGES.filter((k) => !headersChecked.has(k))).toEqual([]);
    expect(CHART_PAGES.filter((k) => !chartsChecked.has(k))).toEqual([]);
    const report = findings.map(
      (f) =>
        `${f.page} (${f.who}, ${f.locale}) ${f.rule} [${f.impact}] ${f.help}\n` +
        f.targets
          .slice(0, 8)
          .map((t) => `    ${t}`)
          .join('\n') +
        (f.targets.length > 8 ? `\n    … and ${f.targets.length - 8} more` : ''),
    );
    expect(report).toEqual([]);
    // ~1½ minutes on an idle machine, 525 s in a loaded CI run: the limit only stops a hang.
  }, 1_200_000);
});
