/**
 * Working days and event dates of a catalog's calendar. A working day is Monday–Friday, except
 * official holidays, plus official make-up working days; the catalog's `holidays` and `workdays`
 * lists override and extend the official data (for years the package does not know yet).
 */
import type { CalendarEvent, CatalogCalendar, Duration } from '../catalog/types';
import { addDays, dayOfWeek, isLeapYear, todayIn } from './dates';
import { officialDataCovers, officialHoliday, officialWorkday } from './official';

export type DayReason = 'catalog_holiday' | 'catalog_workday' | 'official_holiday' | 'official_workday' | 'weekend' | 'weekday';

/**
 * The statutory festivals a year's holiday data must hold before working-day deadlines in it can be trusted: one
 * entered date (元旦 alone) leaves the Spring Festival, Labour Day and National Day counted as working days.
 */
export const FESTIVALS = ['new_year', 'spring_festival', 'labour_day', 'national_day'] as const;
export type Festival = (typeof FESTIVALS)[number];

export interface DayInfo {
  date: string;
  working: boolean;
  reason: DayReason;
  /** Holiday name for official days, e.g. 国庆节; for the catalog's days, the name the catalog gives (or none). */
  name: string | null;
  /** The same in English (National Day), for the English pages. */
  nameEn?: string;
}

export class WorkingDayCalendar {
  readonly timezone: string;
  private readonly holidays: Set<string>;
  private readonly workdays: Set<string>;
  /** The catalog's names of its holidays and workdays (春节), by date. */
  private readonly dayNames: Readonly<Record<string, string>>;
  private readonly events: Map<string, CalendarEvent>;

  constructor(calendar: CatalogCalendar) {
    this.timezone = calendar.timezone;
    this.holidays = new Set(calendar.holidays);
    this.workdays = new Set(calendar.workdays);
    this.dayNames = calendar.dayNames ?? {};
    this.events = new Map(calendar.events.map((e) => [e.name, e]));
  }

  describeDay(date: string): DayInfo {
    if (this.workdays.has(date)) return { date, working: true, reason: 'catalog_workday', name: this.dayNames[date] ?? null };
    if (this.holidays.has(date)) return { date, working: false, reason: 'catalog_holiday', name: this.dayNames[date] ?? null };
    const workday = officialWorkday(date);
    if (workday) return { date, working: true, reason: 'official_workday', name: workday.name, nameEn: workday.nameEn };
    const holiday = officialHoliday(date);
    if (holiday) return { date, working: false, reason: 'official_holiday', name: holiday.name, nameEn: holiday.nameEn };
    const weekday = dayOfWeek(date);
    return weekday === 0 || weekday === 6
      ? { date, working: false, reason: 'weekend', name: null }
      : { date, working: true, reason: 'weekday', name: null };
  }

  isWorkingDay(date: string): boolean {
    return this.describeDay(date).working;
  }

  /** The n-th working day strictly after `date` (n = 0 gives `date`). */
  addWorkingDays(date: string, n: number): string {
    assertCount(n);
    let day = date;
    for (let found = 0; found < n;) {
      day = addDays(day, 1);
      if (this.isWorkingDay(day)) found++;
    }
    return day;
  }

  /** Working days d with a < d ≤ b, so that workingDaysBetween(a, addWorkingDays(a, n)) = n; negative when b < a. */
  workingDaysBetween(a: string, b: string): number {
    if (b < a) return -this.workingDaysBetween(b, a);
    let count = 0;
    for (let day = addDays(a, 1); day <= b; day = addDays(day, 1)) if (this.isWorkingDay(day)) count++;
    return count;
  }

  /**
   * The latest date d with addWorkingDays(d, n) ≤ today: rows whose date is ≤ d have reached their
   * `n wd` deadline by today. That is the day before the n-th working day counting back from today
   * (today included). For "overdue" (the deadline day itself is over) pass yesterday as `today`.
   */
  latestCutoffForWorkingDays(today: string, n: number): string {
    assertCount(n);
    if (n === 0) return today;
    let day = today;
    let found = this.isWorkingDay(day) ? 1 : 0;
    while (found < n) {
      day = addDays(day, -1);
      if (this.isWorkingDay(day)) found++;
    }
    return addDays(day, -1);
  }

  /**
   * The latest date d with d + within ≤ today, for any duration. Dates are taken at the start of their
   * day, so hours round up to whole days (36h from d reaches today when d ≤ today − 2).
   */
  latestCutoff(today: string, within: Duration): string {
    if (within.unit === 'wd') return this.latestCutoffForWorkingDays(today, within.amount);
    const days = within.unit === 'd' ? within.amount : Math.ceil(within.amount / 24);
    return addDays(today, -days);
  }

  /** The date `within` after `date`: calendar days, working days, or hours rounded up to days. */
  addDuration(date: string, within: Duration): string {
    if (within.unit === 'wd') return this.addWorkingDays(date, within.amount);
    return addDays(date, within.unit === 'd' ? within.amount : Math.ceil(within.amount / 24));
  }

  private event(event: CalendarEvent | string): CalendarEvent {
    if (typeof event !== 'string') return event;
    const found = this.events.get(event);
    if (!found) throw new Error(`unknown calendar event "${event}"`);
    return found;
  }

  /** Every occurrence from `fromDate` to `toDate` (both included), sorted: explicit dates and yearly "MM-DD". */
  eventOccurrences(event: CalendarEvent | string, fromDate: string, toDate: string): string[] {
    const { dates, yearly } = this.event(event);
    const found = new Set(dates.filter((d) => d >= fromDate && d <= toDate));
    for (let year = Number(fromDate.slice(0, 4)); year <= Number(toDate.slice(0, 4)); year++) {
      for (const monthDay of yearly) {
        if (monthDay === '02-29' && !isLeapYear(year)) continue;
        const date = `${year}-${monthDay}`;
        if (date >= fromDate && date <= toDate) found.add(date);
      }
    }
    return [...found].sort();
  }

  /** The latest occurrence on or before `date`, or null when the event has none. */
  latestOccurrenceBefore(event: CalendarEvent | string, date: string): string | null {
    const { dates, yearly } = this.event(event);
    let latest: string | null = null;
    for (const d of dates) if (d <= date && (latest === null || d > latest)) latest = d;
    const year = Number(date.slice(0, 4));
    for (const monthDay of yearly) {
      // Looking back at most 8 years finds a 02-29; other days are found in this or last year.
      for (let y = year; y >= year - 8; y--) {
        if (monthDay === '02-29' && !isLeapYear(y)) continue;
        const candidate = `${String(y).padStart(4, '0')}-${monthDay}`;
        if (candidate <= date) {
          if (latest === null || candidate > latest) latest = candidate;
          break;
        }
      }
    }
    return latest;
  }

  /**
   * The statutory festivals of `year` that neither the official data nor the catalog has as a holiday: New Year's Day
   * (01-01), the Spring Festival (a holiday from 01-20 to 02-25), Labour Day (05-01) and National Day (10-01). None for a
   * year the built-in data (chinese-days) covers.
   */
  missingFestivals(year: number): Festival[] {
    if (officialDataCovers(year)) return [];
    const y = String(year).padStart(4, '0');
    const holiday = (date: string) => {
      const { reason } = this.describeDay(date);
      return reason === 'catalog_holiday' || reason === 'official_holiday';
    };
    let springFestival = false;
    for (let day = `${y}-01-20`; day <= `${y}-02-25` && !springFestival; day = addDays(day, 1)) springFestival = holiday(day);
    const found: Record<Festival, boolean> = {
      new_year: holiday(`${y}-01-01`),
      spring_festival: springFestival,
      labour_day: holiday(`${y}-05-01`),
      national_day: holiday(`${y}-10-01`),
    };
    return FESTIVALS.filter((f) => !found[f]);
  }

  /** Whether holidays are known for `year` (officially, or its statutory festivals from the catalog); the UI warns when not. */
  hasHolidayData(year: number): boolean {
    return this.missingFestivals(year).length === 0;
  }

  today(now: Date = new Date()): string {
    return todayIn(this.timezone, now);
  }
}

function assertCount(n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`working-day count must be a whole number ≥ 0, got ${n}`);
}

export function createCalendar(calendar: CatalogCalendar): WorkingDayCalendar {
  return new WorkingDayCalendar(calendar);
}
