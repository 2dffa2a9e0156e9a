import { translator } from '../../server/i18n';
import { buildUser } from '../factories';
import { createScorecardTestApp } from '../factories/scorecards';
import { signIn, TestApp } from '../helpers/app';

/**
 * The period picker of the dashboard and a department's scorecard names the period the page shows. With a date range
 * or a closed period it had none of its entries selected, so the browser showed its first, 本月（2026-11-01 – 2026-11-30）,
 * above another period's figures: whoever printed or read the page took them for this month's. "Today" is 2026-11-22
 * in Beijing.
 */
const zh = translator('zh-CN');
const en = translator('en');

/** The picker's options as [value, selected, disabled, text]. */
function options(html: string): [string, boolean, boolean, string][] {
  const select = /<select name="period"[^>]*>([\s\S]*?)<\/select>/.exec(html)?.[1];
  if (select === undefined) throw new Error('the page has no period picker');
  return [...select.matchAll(/<option value="([^"]*)"([^>]*)>([^<]*)<\/option>/g)].map((m) => [
    m[1],
    /\bselected\b/.test(m[2]),
    /\bdisabled\b/.test(m[2]),
    m[3],
  ]);
}
const selected = (html: string) => options(html).filter((o) => o[1]);

describe('the period picker', () => {
  let t: TestApp;
  let office: Awaited<ReturnType<typeof signIn>>;
  let periodId: number;

  beforeAll(async () => {
    t = await createScorecardTestApp();
    const o = await buildUser(t.db.knex, { department: 'ORG', roles: ['it_office'] });
    office = await signIn(t.app, o.login, o.password);
    const closing = await office.agent
      .post('/scorecards/periods')
      .type('form')
      // No snapshot in it: closed as the IT office confirms (the picker is what is tested here, not the scores).
      .send({ _csrf: office.csrf, from: '2026-11-01', to: '2026-11-20', label: '11月上中旬考核', confirm_empty: '1' })
      .expect(302);
    periodId = Number(String(closing.headers.location).split('/').pop());
  });
  afterAll(() => t.close());

  it.each(['/dashboard', '/scorecards/HR'])('%s: a date range is the selected entry, not 本月', async (page) => {
    const html = (await office.agent.get(`${page}?from=2026-10-08&to=2026-10-31`).expect(200)).text;
    // Chosen, not offered: sent as it is, the form asks for this month, so the entry cannot be picked again.
    expect(selected(html)).toEqual([['', true, true, `${zh('scorecards.period.customRange')}（2026-10-08 – 2026-10-31）`]]);
    expect(options(html).find((o) => o[0] === 'month')).toEqual(['month', false, false, '本月（2026-11-01 – 2026-11-30）']);
  });

  it.each(['/dashboard', '/scorecards/HR'])('%s: a closed period is the selected entry, by its name', async (page) => {
    const html = (await office.agent.get(`${page}?period=${periodId}`).expect(200)).text;
    // Sent again as it is, the form keeps the closed period.
    expect(selected(html)).toEqual([[String(periodId), true, false, '11月上中旬考核（2026-11-01 – 2026-11-20）']]);
  });

  it('this month, asked or by default, is selected as before, with no entry of its own', async () => {
    for (const query of ['', '?period=month']) {
      const html = (await office.agent.get(`/dashboard${query}`).expect(200)).text;
      expect(selected(html)).toEqual([['month', true, false, '本月（2026-11-01 – 2026-11-30）']]);
      expect(options(html).map((o) => o[0])).not.toContain('');
    }
  });

  it('offers the periods just over — last month and last semester — and shows the one chosen', async () => {
    const html = (await office.agent.get('/dashboard').expect(200)).text;
    const texts = options(html).map((o) => o[3]);
    expect(texts).toContain('上月（2026-10-01 – 2026-10-31）');
    // The spring semester, up to the day before this semester began.
    expect(texts).toContain('上学期（2026-02-23 – 2026-09-06）');
    // The calendar knows no academic year before 2026-09-07: no entry rather than a guessed one.
    expect(options(html).map((o) => o[0])).not.toContain('previous_academic_year');

    const last = (await office.agent.get('/scorecards/HR?period=previous_month').expect(200)).text;
    expect(selected(last)).toEqual([['previous_month', true, false, '上月（2026-10-01 – 2026-10-31）']]);
    expect(last).toContain('周期：2026-10-01 至 2026-10-31');
    // Its links (here the dashboard) keep the period (handlebars writes = as &#x3D;).
    expect(last).toMatch(/href="\/dashboard\?period(=|&#x3D;)previous_month"/);
  });

  it('the periods page lists last month and last semester among the periods that can be closed', async () => {
    const html = (await office.agent.get('/scorecards/periods').expect(200)).text;
    expect(html).toContain('上月：2026-10-01 – 2026-10-31');
    expect(html).toContain('上学期：2026-02-23 – 2026-09-06');
  });

  it('in English', async () => {
    await office.agent.post('/locale').type('form').send({ _csrf: office.csrf, locale: 'en', next: '/' }).expect(302);
    try {
      const html = (await office.agent.get('/dashboard?from=2026-10-08&to=2026-10-31').expect(200)).text;
      expect(selected(html)[0][3]).toBe(`${en('scorecards.period.customRange')} (2026-10-08 – 2026-10-31)`);
    } finally {
      await office.agent.post('/locale').type('form').send({ _csrf: office.csrf, locale: 'zh-CN', next: '/' }).expect(302);
    }
  });
});
