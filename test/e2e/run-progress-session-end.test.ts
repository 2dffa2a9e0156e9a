import { buildUser } from '../factories';
import { Journey, pageAs, startJourney } from '../factories/journeys';
import { describeBrowser } from '../helpers/browser';

/**
 * A running run's page asks for its progress every few seconds. When the session ends meanwhile (idle
 * timeout, signed out in another tab), it stops asking and goes where the page itself now leads — the
 * sign-in page, then back to the run — instead of asking again every 5 s for as long as the tab is open.
 */
describeBrowser("a running run's page after the session ended", () => {
  let j: Journey;
  let office: Awaited<ReturnType<typeof buildUser>>;
  let runId: number;

  beforeAll(async () => {
    j = await startJourney();
    office = await buildUser(j.t.db.knex, { department: 'ITC', roles: ['it_office'] });
    // A run some instance is working on: 2 of 8 tables done (nothing here finishes it).
    const [row] = await j.t.db
      .knex('check_runs')
      .insert({ trigger: 'manual', status: 'running', instance_id: 'elsewhere', tables_total: 8, tables_done: 2 })
      .returning('id');
    runId = Number(row.id ?? row);
  }, 120_000);
  afterAll(() => j?.close());

  it('stops polling and goes to the sign-in page, which leads back to the run', async () => {
    const page = await pageAs(j, office);
    // The progress answers the page got, by status. Once the page has left, its timers are gone: whether it "asks
    // again" afterwards cannot be observed, so what is counted is what it did before leaving.
    const answers: number[] = [];
    page.on('response', (r) => {
      if (r.url().endsWith(`/runs/${runId}/progress`)) answers.push(r.status());
    });
    await page.goto(`${j.baseUrl}/runs/${runId}`);
    await page.waitForResponse((r) => r.url().endsWith(`/runs/${runId}/progress`) && r.status() === 200);
    await j.t.db.knex('sessions').delete();
    await page.waitForURL(/\/login\?next=/, { timeout: 10_000 });
    expect(new URL(page.url()).searchParams.get('next')).toBe(`/runs/${runId}`);
    // It left at the first refusal: one refused answer, not a retry every 5 s before giving up.
    expect(answers.filter((s) => s >= 400)).toEqual([401]);
  });
});
