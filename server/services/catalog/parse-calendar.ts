/** `calendar:` — timezone, named events, extra holidays and make-up working days. */
import { isMap, isScalar, isSeq } from 'yaml';
import { dayOfWeek } from '../calendar/dates';
import { officialHoliday, officialWorkday } from '../calendar/official';
import { type AnyNode, Reader, at, byKey, item } from './reader';
import type { CalendarEvent, CatalogCalendar } from './types';
import { isIsoDate, isMonthDay, TEXT_LIMITS } from './values';

export const DEFAULT_TIMEZONE = 'Asia/Shanghai';

export function isTimezone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** A list of ISO dates; reports bad and repeated dates. */
function readDates(r: Reader, node: AnyNode, path: string): { value: string; node: AnyNode; path: string }[] {
  const texts = r.texts(node, path) ?? [];
  const valid = texts.filter((d) => checkDate(r, d.value, d.node, d.path));
  r.duplicates(valid, '日期', 'date');
  return valid;
}

/** A `holidays:` or `workdays:` entry: its date, and the name it was given (`{ date: 2027-02-11, name: 春节 }`). */
interface CalendarDay {
  value: string;
  node: AnyNode;
  path: string;
  name?: string;
}

/**
 * The dates of `holidays:` or `workdays:`: each a date (2027-02-11) or a date with its name (`{ date: 2027-02-11,
 * name: 春节 }`), which the calendar page shows — without one a day entered for a year the built-in data does not
 * know yet read only 目录补充的假日.
 */
function readCalendarDays(r: Reader, node: AnyNode, path: string): CalendarDay[] {
  const list = r.seq(node, path);
  if (!list) return [];
  const days: CalendarDay[] = [];
  list.items.forEach((entry, index) => {
    const entryPath = item(path, index);
    const entryNode = entry as AnyNode;
    if (!isMap(entryNode)) {
      const value = r.text(entryNode, entryPath);
      if (value !== null && checkDate(r, value, entryNode, entryPath)) days.push({ value, node: entryNode, path: entryPath });
      return;
    }
    const fields = byKey(r.entries(entryNode, entryPath, ['date', 'name']));
    const date = r.require(fields, entryNode, entryPath, 'date', '日期，YYYY-MM-DD', 'the date, YYYY-MM-DD');
    const value = date ? r.text(date.value, at(entryPath, 'date')) : null;
    const nameEntry = fields.get('name');
    const name = nameEntry ? r.optionalText(nameEntry.value, at(entryPath, 'name'), TEXT_LIMITS.title) : null;
    if (value === null || !checkDate(r, value, date!.value, at(entryPath, 'date'))) return;
    days.push({ value, node: date!.value, path: at(entryPath, 'date'), ...(name ? { name } : {}) });
  });
  r.duplicates(days, '日期', 'date');
  return days;
}

function checkDate(r: Reader, value: string, node: AnyNode, path: string): boolean {
  if (isIsoDate(value)) return true;
  r.report(
    node,
    path,
    'bad_date',
    `"${value}" 不是有效日期（应为 YYYY-MM-DD，如 2026-09-07）`,
    `"${value}" is not a date (expected YYYY-MM-DD, e.g. 2026-09-07)`,
  );
  return false;
}

function readYearly(r: Reader, node: AnyNode, path: string): string[] {
  const values = isSeq(node) ? (r.texts(node, path) ?? []) : [{ value: r.text(node, path), node, path }];
  const result: string[] = [];
  for (const entry of values) {
    if (entry.value === null) continue;
    if (isMonthDay(entry.value)) {
      if (!result.includes(entry.value)) result.push(entry.value);
      // Valid, and kept (the calendar counts it in leap years only), but three years in four a deadline after it
      // never comes due: most likely a "last day of February" meant otherwise.
      if (entry.value === '02-29')
        r.report(
          entry.node,
          entry.path,
          'leap_day_yearly',
          '"02-29" 只在闰年出现：其余年份没有这一天，依赖它的期限在那些年不会到期',
          '"02-29" comes only in leap years: in other years there is no such day, and deadlines after it are not due',
          'warning',
        );
    } else {
      r.report(
        entry.node,
        entry.path,
        'bad_yearly',
        `"${entry.value}" 不是有效的每年日期（应为 "MM-DD"，如 "10-01"）`,
        `"${entry.value}" is not a yearly date (expected "MM-DD", e.g. "10-01")`,
      );
    }
  }
  return result;
}

/**
 * `name: [dates]`, `name: 2026-09-07`, `name: {yearly: "MM-DD"}` or `name: {dates: [...], yearly: [...]}`;
 * the map form may carry a `title`, the event in words for messages and pages (职称文件出台).
 */
function readEvent(r: Reader, name: string, node: AnyNode, path: string): CalendarEvent {
  const event: CalendarEvent = { name, dates: [], yearly: [] };
  const reported = r.problems.length;
  if (isSeq(node)) {
    event.dates = readDates(r, node, path).map((d) => d.value);
  } else if (isMap(node)) {
    for (const entry of r.entries(node, path, ['dates', 'yearly', 'title'])) {
      if (entry.key === 'dates') event.dates = readDates(r, entry.value, at(path, 'dates')).map((d) => d.value);
      else if (entry.key === 'yearly') event.yearly = readYearly(r, entry.value, at(path, 'yearly'));
      else {
        const title = r.optionalText(entry.value, at(path, 'title'), TEXT_LIMITS.title);
        if (title) event.title = title;
      }
    }
  } else if (isScalar(node) && typeof node.value === 'string') {
    event.dates = checkDate(r, node.value, node, path) ? [node.value] : [];
  } else {
    r.wrongType(node, path, '日期列表或 {yearly: "MM-DD"}', 'a list of dates or {yearly: "MM-DD"}');
    return event;
  }
  // An event whose only dates were refused (2026-02-30, "13-01") was reported at them: "it has no dates" said again of
  // each mistyped date was no news, and read as if the dates had been left out.
  const refused = r.problems.slice(reported).some((p) => p.severity === 'error');
  if (event.dates.length === 0 && event.yearly.length === 0 && !refused) {
    r.report(
      node,
      path,
      'empty_event',
      `事件 "${name}" 没有任何日期，依赖它的期限永远不会到期`,
      `event "${name}" has no dates; deadlines after it are never due`,
      'warning',
    );
  }
  return event;
}

export function readCalendar(r: Reader, node: AnyNode, path: string): CatalogCalendar {
  const calendar: CatalogCalendar = { timezone: DEFAULT_TIMEZONE, events: [], holidays: [], workdays: [] };
  if (node === undefined) return calendar;
  const map = r.map(node, path);
  if (!map) return calendar;
  const entries = byKey(r.entries(map, path, ['timezone', 'events', 'holidays', 'workdays']));

  const timezone = entries.get('timezone');
  if (timezone) {
    const value = r.text(timezone.value, at(path, 'timezone'));
    if (value !== null && isTimezone(value)) calendar.timezone = value;
    else if (value !== null) {
      r.report(
        timezone.value,
        at(path, 'timezone'),
        'bad_timezone',
        `"${value}" 不是有效时区（应为 IANA 时区名，如 Asia/Shanghai）`,
        `"${value}" is not a time zone (expected an IANA name such as Asia/Shanghai)`,
      );
    }
  }

  const events = entries.get('events');
  if (events) {
    const eventsPath = at(path, 'events');
    const eventsMap = r.map(events.value, eventsPath);
    if (eventsMap) {
      for (const pair of eventsMap.items) {
        const keyNode = pair.key as AnyNode;
        if (!isScalar(keyNode) || typeof keyNode.value !== 'string' || keyNode.value.trim() === '') {
          r.report(keyNode ?? eventsMap, eventsPath, 'wrong_type', '事件名应为文本', 'event names must be text');
          continue;
        }
        calendar.events.push(readEvent(r, keyNode.value, pair.value as AnyNode, at(eventsPath, keyNode.value)));
      }
    }
  }

  const holidays = entries.get('holidays');
  const workdays = entries.get('workdays');
  const holidayDates = holidays ? readCalendarDays(r, holidays.value, at(path, 'holidays')) : [];
  const workdayDates = workdays ? readCalendarDays(r, workdays.value, at(path, 'workdays')) : [];
  calendar.holidays = [...new Set(holidayDates.map((d) => d.value))];
  calendar.workdays = [...new Set(workdayDates.map((d) => d.value))];
  const named = [...holidayDates, ...workdayDates].filter((d) => d.name);
  if (named.length) calendar.dayNames = Object.fromEntries(named.map((d) => [d.value, d.name!]));
  const holidaySet = new Set(calendar.holidays);
  const workdaySet = new Set(calendar.workdays);
  // A date in both lists is reported once, as a conflict below.
  for (const holiday of holidayDates) if (!workdaySet.has(holiday.value)) oddHoliday(r, holiday);
  for (const workday of workdayDates) {
    if (holidaySet.has(workday.value)) {
      r.report(
        workday.node,
        workday.path,
        'conflicting_dates',
        `${workday.value} 同时列在 holidays 与 workdays 中`,
        `${workday.value} is listed both in holidays and in workdays`,
      );
    } else oddWorkday(r, workday);
  }
  return calendar;
}

/**
 * A warning (the import goes on) for a holiday the official data has as a make-up working day (调休上班): the
 * catalog's day wins, so the Saturday or Sunday people work to make up for a break becomes a day off, and due dates
 * counted over it get a day more — most likely a date copied one line off. A holiday on any other day is not
 * questioned (a university may close on days of its own).
 */
function oddHoliday(r: Reader, holiday: { value: string; node: AnyNode; path: string }): void {
  const date = holiday.value;
  const workday = officialWorkday(date);
  if (!workday) return;
  const weekday = dayOfWeek(date);
  r.report(
    holiday.node,
    holiday.path,
    'holiday_official_workday',
    `${date}（${WEEKDAYS_ZH[weekday]}）在国家法定节假日数据中是${workday.name}的调休上班日：列入 holidays 会使这天改为放假，是否写错了日期？`,
    `${date} (a ${WEEKDAYS_EN[weekday]}) is a make-up working day for ${workday.nameEn} in the official data: listing it in holidays makes it a day off — is the date a typo?`,
    'warning',
  );
}

const WEEKDAYS_ZH = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];
const WEEKDAYS_EN = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/**
 * Warnings (the import goes on) for a make-up working day that is likely a typo: one the official data has as a
 * holiday (the catalog's day wins, so the holiday is worked), and one on a Monday–Friday, which is a working day
 * anyway (a make-up day is a Saturday or Sunday worked). A holiday on a weekend is no typo: official lists name the
 * weekend days of a break.
 */
function oddWorkday(r: Reader, workday: { value: string; node: AnyNode; path: string }): void {
  const date = workday.value;
  const holiday = officialHoliday(date);
  if (holiday) {
    r.report(
      workday.node,
      workday.path,
      'workday_official_holiday',
      `${date} 在国家法定节假日数据中是${holiday.name}假期：列入 workdays 会使这天改为上班，是否写错了日期？`,
      `${date} is a ${holiday.nameEn} holiday in the official data: listing it in workdays makes it a working day — is the date a typo?`,
      'warning',
    );
    return;
  }
  const weekday = dayOfWeek(date);
  if (weekday !== 0 && weekday !== 6) {
    r.report(
      workday.node,
      workday.path,
      'workday_weekday',
      `${date} 是${WEEKDAYS_ZH[weekday]}，本来就是工作日：workdays 只列周六、周日调休上班的日期，列入它不起作用，是否写错了日期（或应列入 holidays）？`,
      `${date} is a ${WEEKDAYS_EN[weekday]}, a working day anyway: workdays lists Saturdays and Sundays worked to make up for a holiday, so this entry does nothing — is the date a typo (or meant for holidays)?`,
      'warning',
    );
  }
}
