import { checkRunnerDeps } from '../../server/services/checks/deps';
import { runNow } from '../../server/services/checks/runs';
import { Session, staffCatalog, startCheckPages } from '../factories/checks';
import type { TestApp } from '../helpers/app';

/**
 * A table page's trend chart (/checks/trend) labels each run in the service's time zone (Asia/Shanghai,
 * UTC+8) by the minute, and two runs in the same minute by their seconds: they are two points, not one.
 */
const CATALOG = staffCatalog({ fields: [{ name: 'phone', title: '办公电话', required: true }] });

describe('check pages: trend labels', () => {
  let t: TestApp;
  let steward: Session;

  beforeAll(async () => {
    ({ t, session: steward } = await startCheckPages({
      hub: { staff: { columns: ['staff_no', 'phone'], rows: [{ staff_no: '1', phone: null }] } },
      catalog: CATALOG,
      as: 'steward',
    }));
  });
  afterAll(() => t?.close());

  /** A run checking the hub as it is now, its results stamped `at`; then one more phone left empty. */
  const runAt = async (at: string) => {
    const { runId, status } = await runNow(checkRunnerDeps({ ...t.ctx, now: () => new Date(at) }), { trigger: 'cli' });
    expect(status).toBe('completed');
    await t.db.knex('staff').insert({ staff_no: `n${runId}`, phone: null });
    return runId;
  };
  const trend = async () =>
    (await steward.agent.get('/checks/trend').query({ table: 'staff', check: 'required', field: 'phone' }).expect(200)).body as {
      label: string;
      violations: number;
    }[];

  it('labels runs by the minute, and two runs of one minute by their seconds', async () => {
    await runAt('2025-05-11T00:00:00Z'); // 05-11 08:00 in Shanghai
    await runAt('2025-05-12T01:30:15Z'); // 05-12 09:30:15
    await runAt('2025-05-12T01:30:47Z'); // 05-12 09:30:47: the same minute
    await runAt('2025-05-12T01:31:05Z'); // 05-12 09:31, a minute of its own
    // One empty phone before the first run, one more after each.
    expect((await trend()).map((p) => [p.label, p.violations])).toEqual([
      ['05-11 08:00', 1],
      ['05-12 09:30:15', 2],
      ['05-12 09:30:47', 3],
      ['05-12 09:31', 4],
    ]);
  });

  it('adds the run number to two runs of one second', async () => {
    const first = await runAt('2025-05-13T01:00:05.100Z');
    const second = await runAt('2025-05-13T01:00:05.600Z');
    const points = await trend();
    expect(points.slice(-2)).toEqual([
      expect.objectContaining({ label: `05-13 09:00:05 #${first}`, violations: 5 }),
      expect.objectContaining({ label: `05-13 09:00:05 #${second}`, violations: 6 }),
    ]);
    // Every label of the chart is its own.
    expect(new Set(points.map((p) => p.label)).size).toBe(points.length);
  });
});
