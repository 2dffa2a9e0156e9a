/**
 * One year of the catalog's calendar: a month grid (Monday first) with holidays, make-up working days
 * and events, plus lists of each.
 */
import type { Translator } from '../../i18n';
import { createCalendar, dayOfWeek, officialDataCovers } from '../../services/calendar';
import { eventLabel, type Locale } from '../../services/catalog/describe';
import type { CatalogCalendar } from '../../services/catalog/types';

interface DayCell {
  day: number;
  /** Not `date`: that is a template helper's name. */
  iso: string;
  /** The university's today: marked, and `aria-current="date"` for a screen reader. */
  today: boolean;
  classes: string;
  note: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Consecutive days with the same holiday name as one range: 国庆节 2025-10-01 – 2025-10-08. */
function ranges(days: { date: string; name: string | null }[]): { name: string; from: string; to: string; days: number }[] {
  const result: { name: string; from: string; to: string; days: number }[] = [];
  for (const d of days) {
    const last = result.at(-1);
    const name = d.name ?? '';
    const previousDay = last ? new Date(Date.parse(`${last.to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10) : null;
    if (last && last.name === name && previousDay === d.date) {
      last.to = d.date;
      last.days++;
    } else {
      result.push({ name, from: d.date, to: d.date, days: 1 });
    }
  }
  return result;
}

/** A year's months as the calendar page draws them; `today` (the university's date) is marked where it falls. */
export function calendarYear(calendar: CatalogCalendar, year: number, locale: Locale, t: Translator, today?: string) {
  const cal = createCalendar(calendar);
  const from = `${year}-01-01`;
  const to = `${year}-12-31`;
  const events = calendar.events.map((e) => ({
    name: e.name,
    // As deadlines and ticket messages name it: its title, a common name's, a yearly event's date (每年10月1日), else its name.
    title: eventLabel(e.name, { locale, events: calendar.events }),
    dates: cal.eventOccurrences(e, from, to),
  }));
  const eventDays = new Map<string, string[]>();
  for (const e of events) for (const d of e.dates) eventDays.set(d, [...(eventDays.get(d) ?? []), e.title]);

  const holidays: { date: string; name: string | null }[] = [];
  const workdays: { date: string; name: string | null }[] = [];
  const months = [];
  for (let month = 1; month <= 12; month++) {
    const cells: (DayCell | null)[] = [];
    const first = `${year}-${pad(month)}-01`;
    const lead = (dayOfWeek(first) + 6) % 7; // Monday = 0
    for (let i = 0; i < lead; i++) cells.push(null);
    for (let day = 1; day <= daysInMonth(year, month); day++) {
      const date = `${year}-${pad(month)}-${pad(day)}`;
      const info = cal.describeDay(date);
      // chinese-days names official days in both languages.
      const name = (locale === 'en' ? info.nameEn : null) ?? info.name;
      const classes: string[] = [];
      const notes: string[] = [];
      if (info.reason === 'official_holiday' || info.reason === 'catalog_holiday') {
        classes.push('holiday');
        holidays.push({ date, name: name ?? t('calendar.catalogHoliday') });
        notes.push(name ?? t('calendar.catalogHoliday'));
      } else if (info.reason === 'official_workday' || info.reason === 'catalog_workday') {
        classes.push('workday');
        workdays.push({ date, name: name ?? t('calendar.catalogWorkday') });
        notes.push(`${t('calendar.legend.workday')}${name ? (locale === 'en' ? ` (${name})` : `（${name}）`) : ''}`);
      } else if (info.reason === 'weekend') {
        classes.push('weekend');
      }
      const onEvent = eventDays.get(date);
      if (onEvent) {
        classes.push('event');
        notes.push(...onEvent);
      }
      if (date === today) {
        classes.push('today');
        notes.unshift(t('calendar.legend.today'));
      }
      cells.push({
        day,
        iso: date,
        today: date === today,
        classes: classes.join(' '),
        note: notes.join(t('common.listSeparator')),
      });
    }
    while (cells.length % 7 !== 0) cells.push(null);
    const weeks = [];
    for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
    months.push({
      month,
      title: t('calendar.month', {
        month:
          locale === 'en'
            ? new Date(Date.UTC(year, month - 1, 1)).toLocaleString('en', { month: 'long', timeZone: 'UTC' })
            : month,
      }),
      weeks,
    });
  }
  // A year the built-in data does not know lists only what the catalog adds: its empty lists are not "none" but not
  // entered, and a partial one names the festivals still missing (2028's page read 节假日：无, warned of 2027 alone).
  const missing = cal.missingFestivals(year);
  const separator = t('common.enumSeparator');
  return {
    months,
    events,
    holidayGap:
      missing.length === 0
        ? null
        : holidays.length === 0
          ? t('calendar.yearNoHolidays', { year })
          : t('calendar.yearMissingFestivals', { missing: missing.map((f) => t(`calendar.festivals.${f}`)).join(separator) }),
    workdayGap: !officialDataCovers(year) && workdays.length === 0 ? t('calendar.yearNoWorkdays', { year }) : null,
    holidays: ranges(holidays),
    workdays: workdays.map((w) => ({ iso: w.date, name: w.name })),
    weekdays: [0, 1, 2, 3, 4, 5, 6].map((i) => t(`calendar.weekdays.${i}`)),
    missingFestivals: (y: number) => cal.missingFestivals(y),
  };
}
