import cron from 'node-cron';
import type { Translator } from '../i18n';

export interface CheckScheduleView {
  /** The cron expression the table is checked on: its own `schedule`, else CHECK_SCHEDULE. */
  expression: string;
  /** The expression in words where it is simple (每天 03:00, 每小时整点), else null: the expression says it. */
  words: string | null;
  /** No `schedule` of its own: the global CHECK_SCHEDULE. */
  isDefault: boolean;
  /** When the schedule next comes, null when node-cron cannot say. */
  next: Date | null;
  /** The zone the schedule is read in (the catalog calendar's), named beside the next time. */
  timezone: string;
}

const whole = (field: string, max: number): number | null =>
  /^\d{1,2}$/.test(field) && Number(field) <= max ? Number(field) : null;
const two = (n: number) => String(n).padStart(2, '0');

/**
 * A cron expression in words where it says one simple thing: every hour at a minute (每小时整点 / every hour, on the
 * hour; 每小时第 15 分) or every day at a time (每天 03:00 / daily at 03:00). Anything else (weekdays, steps, lists)
 * is null: the expression is shown on its own rather than half-read. A leading seconds field counts when it is 0.
 */
export function scheduleWords(expression: string, t: Translator): string | null {
  let fields = expression.trim().split(/\s+/);
  if (fields.length === 6 && whole(fields[0], 59) === 0) fields = fields.slice(1);
  if (fields.length !== 5) return null;
  const [minuteField, hourField, day, month, weekday] = fields;
  if (day !== '*' || month !== '*' || weekday !== '*') return null;
  const minute = whole(minuteField, 59);
  if (minute === null) return null;
  if (hourField === '*')
    return minute === 0 ? t('catalog.table.scheduleHourly') : t('catalog.table.scheduleHourlyAt', { minute });
  const hour = whole(hourField, 23);
  return hour === null ? null : t('catalog.table.scheduleDaily', { time: `${two(hour)}:${two(minute)}` });
}

/**
 * The next time `expression` comes in `timezone`, as the check scheduler (node-cron, jobs/check-hub.ts) reads it;
 * node-cron counts from the clock, as the scheduler does. The task is only asked, never started, and then destroyed.
 */
export function nextScheduled(expression: string, timezone: string): Date | null {
  try {
    const task = cron.createTask(expression, () => undefined, { timezone });
    try {
      return task.getNextRuns(1)[0] ?? null;
    } finally {
      void task.destroy();
    }
  } catch {
    return null;
  }
}

/** When a catalog table is checked: its own schedule or the global one, in words where simple, and next when. */
export function checkScheduleView(
  table: { schedule: string | null },
  globalSchedule: string,
  timezone: string,
  t: Translator,
): CheckScheduleView {
  const expression = table.schedule ?? globalSchedule;
  return {
    expression,
    words: scheduleWords(expression, t),
    isDefault: table.schedule === null,
    next: nextScheduled(expression, timezone),
    timezone,
  };
}
