import { buildUser } from '../factories';
import { createScorecardTestApp } from '../factories/scorecards';
import { signIn, TestApp } from '../helpers/app';

/**
 * The periods page offered 上月 (and this month, this semester…) as a period to close after it was closed: closing it
 * then said it was closed already. A preset closed already is no longer offered nor put in the form; a muted note
 * names it and says why. "Today" is 2026-11-22 in Beijing.
 */
describe('the periods page once a preset is closed', () => {
  let t: TestApp;
  let office: Awaited<ReturnType<typeof signIn>>;

  /** The close form's presets line, the note of the closed ones (or ''), and the dates put in the form. */
  const closingForm = async () => {
    const html = (await office.agent.get('/scorecards/periods').expect(200)).text;
    const start = html.indexOf('<form method="post" action="/scorecards/periods"');
    const form = html.slice(start, html.indexOf('</form>', start));
    const muted = [...form.matchAll(/<p class="muted">([^<]*)<\/p>/g)].map((m) => m[1]);
    return {
      presets: muted[1] ?? '',
      closed: /<p class="muted presets-closed">([^<]*)<\/p>/.exec(form)?.[1] ?? '',
      from: /id="from"[^>]*value="([^"]*)"/.exec(form)?.[1],
      to: /id="to"[^>]*value="([^"]*)"/.exec(form)?.[1],
    };
  };
  const close = (from: string, to: string) =>
    office.agent.post('/scorecards/periods').type('form').send({ _csrf: office.csrf, from, to, label: '', confirm_empty: '1' });

  beforeAll(async () => {
    t = await createScorecardTestApp();
    const o = await buildUser(t.db.knex, { department: 'ORG', roles: ['it_office'] });
    office = await signIn(t.app, o.login, o.password);
  });
  afterAll(() => t.close());

  it('no longer offers last month once it is closed, and says why', async () => {
    const before = await closingForm();
    expect(before.presets).toContain('上月：2026-10-01 – 2026-10-31');
    expect(before.closed).toBe('');

    await close('2026-10-01', '2026-10-31').expect(302);
    const after = await closingForm();
    expect(after.presets).not.toContain('上月');
    expect(after.presets).toContain('本月：2026-11-01 – 2026-11-21');
    expect(after.closed).toBe('已关账，不再列出：上月 2026-10-01 – 2026-10-31');
  });

  it('puts the first preset still open in the form, not one closed already', async () => {
    expect(await closingForm()).toMatchObject({ from: '2026-11-01', to: '2026-11-21' });
    await close('2026-11-01', '2026-11-21').expect(302);
    const after = await closingForm();
    // 本学期 is next (2026-09-07 up to yesterday).
    expect(after).toMatchObject({ from: '2026-09-07', to: '2026-11-21' });
    expect(after.presets).not.toContain('本月');
    expect(after.closed).toBe('已关账，不再列出：本月 2026-11-01 – 2026-11-21；上月 2026-10-01 – 2026-10-31');
  });

  it('in English', async () => {
    await office.agent.post('/locale').type('form').send({ _csrf: office.csrf, locale: 'en', next: '/' }).expect(302);
    try {
      const after = await closingForm();
      expect(after.presets).not.toContain('Last month');
      expect(after.closed).toBe(
        'Already closed, not offered: This month 2026-11-01 – 2026-11-21; Last month 2026-10-01 – 2026-10-31',
      );
    } finally {
      await office.agent.post('/locale').type('form').send({ _csrf: office.csrf, locale: 'zh-CN', next: '/' }).expect(302);
    }
  });
});
