/**
 * China's official holidays and make-up working days (调休) from the `chinese-days` package. Its data
 * is read directly (not through its date functions, which parse dates in the process time zone).
 * Coverage: 2004 up to the latest State Council notice the installed version knows (1.5.7: 2026-10-10).
 */
import data from 'chinese-days/dist/chinese-days.json';

/** Value format in the package: "English name,中文名,days". */
type NamedDays = Record<string, string>;

const holidays = data.holidays as NamedDays;
const workdays = data.workdays as NamedDays;

export interface OfficialDay {
  /** Chinese name of the holiday the day belongs to, e.g. 春节. */
  name: string;
  nameEn: string;
}

function describe(value: string | undefined): OfficialDay | null {
  if (value === undefined) return null;
  const [nameEn, name] = value.split(',');
  return { name: name ?? nameEn, nameEn };
}

export function officialHoliday(date: string): OfficialDay | null {
  return describe(holidays[date]);
}

/** A weekend day that is worked to make up for a holiday. */
export function officialWorkday(date: string): OfficialDay | null {
  return describe(workdays[date]);
}

const yearsWithHolidays = new Set(Object.keys(holidays).map((date) => Number(date.slice(0, 4))));

export function officialDataCovers(year: number): boolean {
  return yearsWithHolidays.has(year);
}
