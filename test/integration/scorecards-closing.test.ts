import { run as snapshotJob } from '../../jobs/snapshot-scorecards';
import { translator } from '../../server/i18n';
import { importCatalog } from '../../server/services/catalog/repository';
import { buildUser } from '../factories';
import { buildCheckRun, createScorecardTestApp, SCORECARD_CATALOG } from '../factories/scorecards';
import { signIn, TestApp } from '../helpers/app';

/**
 * Closing an assessment period freezes its days, so a period may end only on a day that is over:
 * before today in the catalog calendar's time zone (a period ending today froze a half-measured day,
 * and the later snapshots of that day were skipped). The presets on the periods page end yesterday at
 * the latest. Also: the closed-period page offers its exports to everyone who may export (university
 * leaders too; a department's stewards and leaders their own row), and the scorecard's hours since update have one decimal.
 *
 * "Today" is 2026-11-22 in Beijing (10:00); the calendar's last semester started 2026-09-07 and has no
 * next start, so "this semester" runs until today.
 */
const zh = translator('zh-CN');
const html = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;').replace(/=/g, '&#x3D;');

describe('closing assessment periods', () => {
  let t: TestApp;
  let office: Awaited<ReturnType<typeof signIn>>;
  let leader: Awaited<ReturnType<typeof signIn>>;
  let steward: Awaited<ReturnType<typeof signIn>>;
  const periods = async () => Number((await t.db.knex('assessment_periods').count({ n: '*' }))[0].n);
  const close = (from: string, to: string) =>
    office.agent
      .post('/scorecards/periods')
      .type('form')
      .send({ _csrf: office.csrf, from, to, label: `${from}–${to}` });

  beforeAll(async () => {
    t = await createScorecardTestApp();
    const o = await buildUser(t.db.knex, { department: 'ORG', roles: ['it_office'] });
    const l = await buildUser(t.db.knex, { department: 'ORG', roles: ['univ_leader'] });
    const s = await buildUser(t.db.knex, { department: 'HR', roles: ['steward'] });
    await buildCheckRun(
      t.db.knex,
      '2026-11-21T10:00:00+08:00',
      [{ table: 'staff', check: 'freshness', department: 'HR', passed: true }],
      {
        staff: 4,
      },
    );
    await buildCheckRun(
      t.db.knex,
      '2026-11-22T09:00:00+08:00',
      [{ table: 'staff', check: 'freshness', department: 'HR', passed: true }],
      {
        staff: 5.579520555555556,
      },
    );
    await snapshotJob(t.ctx, { day: '2026-11-21' });
    await snapshotJob(t.ctx, { day: '2026-11-22' });
    office = await signIn(t.app, o.login, o.password);
    leader = await signIn(t.app, l.login, l.password);
    steward = await signIn(t.app, s.login, s.password);
  });
  afterAll(() => t.close());

  it('refuses a period ending today, naming the end date in place; nothing is closed', async () => {
    const res = await close('2026-11-01', '2026-11-22').expect(422);
    const message = html(zh('scorecards.errors.closeUnfinished', { today: '2026-11-22', last: '2026-11-21' }));
    const toCell = res.text.slice(res.text.indexOf('id="to"'), res.text.indexOf('id="label"'));
    expect(toCell).toContain(message);
    expect(await periods()).toBe(0);
    // Today's snapshot still changes.
    expect((await snapshotJob(t.ctx, { day: '2026-11-22' })).skipped).toBeFalsy();
  });

  it('closes a period ending yesterday', async () => {
    const res = await close('2026-11-21', '2026-11-21').expect(302);
    expect(res.headers.location).toMatch(/^\/scorecards\/periods\/\d+$/);
    expect(await periods()).toBe(1);
  });

  it('proposes presets that end yesterday at the latest: "this semester" does not end today', async () => {
    const page = (await office.agent.get('/scorecards/periods').expect(200)).text;
    expect(page).toContain(`${zh('scorecards.period.semester')}：2026-09-07 – 2026-11-21`);
    expect(page).toContain(`${zh('scorecards.period.month')}：2026-11-01 – 2026-11-21`);
    expect(page).not.toContain('– 2026-11-22');
    expect(page).toContain('id="to" name="to" type="date" aria-required="true" value="2026-11-21" max="2026-11-21"');
  });

  it('reads "today" in the catalog calendar\'s time zone', async () => {
    // At 10:00 in Beijing it is still 2026-11-21 in Honolulu: the 21st is not over there.
    const honolulu = SCORECARD_CATALOG.replace('timezone: Asia/Shanghai', 'timezone: Pacific/Honolulu');
    expect((await importCatalog(t.db.knex, honolulu)).ok).toBe(true);
    try {
      const res = await close('2026-11-20', '2026-11-21').expect(422);
      expect(res.text).toContain(html(zh('scorecards.errors.closeUnfinished', { today: '2026-11-21', last: '2026-11-20' })));
      expect(await periods()).toBe(1);
    } finally {
      expect((await importCatalog(t.db.knex, SCORECARD_CATALOG)).ok).toBe(true);
    }
  });

  it("shows the closed period's export links to those who may export: the IT office, university leaders and (their own row) stewards", async () => {
    const [{ id }] = await t.db.knex('assessment_periods').select('id');
    const link = `href="/scorecards/export.xlsx?period=${id}"`;
    expect((await office.agent.get(`/scorecards/periods/${id}`).expect(200)).text).toContain(link);
    expect((await leader.agent.get(`/scorecards/periods/${id}`).expect(200)).text).toContain(link);
    await leader.agent.get(`/scorecards/export.xlsx?period=${id}`).expect(200);
    // A steward's links export their own department's row only (scorecards-walkthrough.test.ts reads the files).
    const stewards = (await steward.agent.get(`/scorecards/periods/${id}`).expect(200)).text;
    expect(stewards).toContain(link);
    await steward.agent.get(`/scorecards/export.xlsx?period=${id}`).expect(200);
    // Their own row only, so its rank says out of how many (as the periods list does); the office's table needs not.
    const { results } = await t.db.knex('assessment_periods').where({ id }).first('results');
    const ranked = (results as { rank: number | null }[]).filter((r) => r.rank !== null).length;
    expect(ranked).toBeGreaterThan(0);
    expect(stewards).toMatch(new RegExp(`<tr><td class="num">\\d+ / ${ranked}</td>`));
    expect((await office.agent.get(`/scorecards/periods/${id}`).expect(200)).text).not.toMatch(
      /<td class="num">\d+ \/ \d+<\/td>/,
    );
  });

  it('shows hours since the last update with one decimal', async () => {
    const page = (await office.agent.get('/scorecards/HR').expect(200)).text;
    expect(page).toContain('<td class="num">5.6</td>');
    expect(page).not.toContain('5.5795');
  });
});
