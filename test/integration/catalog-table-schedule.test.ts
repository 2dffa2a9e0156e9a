import { importCatalog } from '../../server/services/catalog/repository';
import { buildUser } from '../factories';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * A table's page says when it is checked: its own `schedule` or the global CHECK_SCHEDULE (marked as the default), as
 * the cron expression and in words where simple, and the next time it comes in the catalog's zone. It listed the
 * owner, domain, key and timestamp column, and nothing of when the table is checked.
 */
const CATALOG = `
calendar: { timezone: Asia/Shanghai }
departments:
  - { code: HR, name: 人事处 }
tables:
  - { name: nightly, title: 每晚检查的表, department: HR, sharing: none, key: [id], schedule: "0 3 * * *" }
  - { name: usual, title: 按默认计划检查的表, department: HR, sharing: none, key: [id] }
  - { name: mondays, title: 每周一检查的表, department: HR, sharing: none, key: [id], schedule: "30 8 * * 1" }
`;

let t: TestApp;
let user: Awaited<ReturnType<typeof signIn>>;
beforeAll(async () => {
  // The default is configurable: here every hour at a quarter past.
  t = await createTestApp({ CHECK_SCHEDULE: '15 * * * *' });
  const result = await importCatalog(t.db.knex, CATALOG);
  expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);
  const u = await buildUser(t.db.knex, { department: 'HR', roles: ['user'] });
  user = await signIn(t.app, u.login, u.password);
});
afterAll(() => t.close());

/** The schedule's line of the table's facts, tags and spaces as the page has them. */
async function scheduleOf(table: string, locale: 'zh-CN' | 'en'): Promise<string> {
  const page = (await user.agent.get(`/catalog/tables/${table}`).set('Accept-Language', locale).expect(200)).text;
  const match = /<dt>([^<]*)<\/dt><dd class="check-schedule">(.*?)<\/dd>/s.exec(page);
  expect(match).not.toBeNull();
  return `${match![1]}: ${match![2]}`;
}

const HOUR = 3600_000;
/** The next Shanghai (UTC+8, no summer time) wall-clock time after now matching hour:minute (hour null: every hour). */
function nextShanghai(hour: number | null, minute: number): string {
  const wall = Date.now() + 8 * HOUR;
  const period = hour === null ? HOUR : 24 * HOUR;
  let next = Math.floor(wall / period) * period + (hour ?? 0) * HOUR + minute * 60_000;
  if (next <= wall) next += period;
  return new Date(next).toISOString().slice(0, 16).replace('T', ' ');
}

it("shows a table's own schedule in words, and when it next comes in the catalog's zone", async () => {
  expect(await scheduleOf('nightly', 'zh-CN')).toBe(
    `检查时间: <code>0 3 * * *</code> 每天 03:00<br><small class="muted">下次检查：${nextShanghai(3, 0)}（Asia/Shanghai）</small>`,
  );
  expect(await scheduleOf('nightly', 'en')).toBe(
    `Check schedule: <code>0 3 * * *</code> daily at 03:00<br><small class="muted">next check: ${nextShanghai(3, 0)} (Asia/Shanghai)</small>`,
  );
});

it('a table without one shows the global schedule (CHECK_SCHEDULE), marked as the default', async () => {
  expect(await scheduleOf('usual', 'zh-CN')).toBe(
    `检查时间: <code>15 * * * *</code> 每小时第 15 分 <span class="badge">默认计划</span><br><small class="muted">下次检查：${nextShanghai(null, 15)}（Asia/Shanghai）</small>`,
  );
  expect(await scheduleOf('usual', 'en')).toBe(
    `Check schedule: <code>15 * * * *</code> every hour at 15 minutes past the hour <span class="badge">default schedule</span><br><small class="muted">next check: ${nextShanghai(null, 15)} (Asia/Shanghai)</small>`,
  );
});

it('a schedule not simply read in words is shown as its expression, with its next time', async () => {
  const line = await scheduleOf('mondays', 'zh-CN');
  expect(line).toMatch(
    /^检查时间: <code>30 8 \* \* 1<\/code><br><small class="muted">下次检查：\d{4}-\d\d-\d\d 08:30（Asia\/Shanghai）<\/small>$/,
  );
  // A Monday.
  const date = /下次检查：(\d{4}-\d\d-\d\d)/.exec(line)![1];
  expect(new Date(`${date}T00:00:00Z`).getUTCDay()).toBe(1);
});
