import { translator } from '../../server/i18n';
import { nextScheduled, scheduleWords } from '../../server/presenters/check-schedule';

/** A check schedule in words on the catalog table page: the simple ones only, else the expression says it. */
const zh = translator('zh-CN');
const en = translator('en');

it.each([
  ['0 * * * *', '每小时整点', 'every hour, on the hour'],
  ['5 * * * *', '每小时第 5 分', 'every hour at 5 minutes past the hour'],
  ['1 * * * *', '每小时第 1 分', 'every hour at 1 minute past the hour'],
  ['0 3 * * *', '每天 03:00', 'daily at 03:00'],
  ['30 18 * * *', '每天 18:30', 'daily at 18:30'],
  ['0 0 3 * * *', '每天 03:00', 'daily at 03:00'],
])('%s reads %s / %s', (expression, zhWords, enWords) => {
  expect(scheduleWords(expression, zh)).toBe(zhWords);
  expect(scheduleWords(expression, en)).toBe(enWords);
});

it.each(['*/5 * * * *', '0 3 * * 1', '0 3 1 * *', '0 3,15 * * *', '0 3 * 7 *', '30 0 * * * *', '*/10 * * * * *', '0 8-18 * * *'])(
  '%s is not put in words',
  (expression) => {
    expect(scheduleWords(expression, zh)).toBeNull();
  },
);

it('says when a schedule next comes in a zone, after now', () => {
  const next = nextScheduled('0 3 * * *', 'Asia/Shanghai')!;
  expect(next.getTime()).toBeGreaterThan(Date.now());
  expect(next.getTime() - Date.now()).toBeLessThanOrEqual(24 * 3600_000);
  // 03:00 in Shanghai is 19:00 UTC.
  expect([next.getUTCHours(), next.getUTCMinutes()]).toEqual([19, 0]);
  expect(nextScheduled('not cron', 'Asia/Shanghai')).toBeNull();
});
