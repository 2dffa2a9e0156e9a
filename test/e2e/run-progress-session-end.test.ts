import { buildUser } from '../factories';
import { Journey, pageAs, startJourney } from '../factories/journeys';
import { describeBrowser } from '../helpers/browser';

/**
 * A running run's page asks for its progress every few seconds. The tables finished so far appear in its list as
 * they finish (the bar counted 7 / 8 while the list said no table had been checked). When the session ends
 * meanwhile (idle timeout, signed out in another tab), it stops asking and goes where the page itself now leads —
 * the sign-in page, then back to the run — instead of asking again every 5 s for as long as the tab is open.
 */
describeBrowser("a running run's page", () => {
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

  it('shows each table as it finishes, as the progress bar counts it, a card on a phone', async () => {
    const page = await pageAs(j, office, 375);
    await page.goto(`${j.baseUrl}/runs/${runId}`);
    const list = page.locator('#run-results table').first();
    await expect(list.locator('tbody tr').count()).resolves.toBe(1);
    expect(await list.locator('tbody').innerText()).toBe('尚无检查完毕的表');
    // The running instance finishes a third table.
    await j.t.db
      .knex('check_run_tables')
      .insert({ run_id: runId, table_name: 'staff_basic', status: 'ok', duration_ms: 1200, row_count: 2000 });
    await j.t.db.knex('check_runs').where({ id: runId }).update({ tables_done: 3 });
    await page.locator('#run-results code', { hasText: 'staff_basic' }).waitFor();
    expect(await page.locator('#run-progress-text').innerText()).toBe('已完成 3 / 8 张表');
    expect(await list.locator('tbody').innerText()).not.toContain('尚无检查完毕的表');
    // The new row is a card as the page's first ones are: each cell labelled by its column.
    expect(await list.locator('tbody td').nth(2).getAttribute('data-label')).toBe('行数');
    await page.context().close();
  });

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
