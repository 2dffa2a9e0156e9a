import type { Translator } from '../i18n';
import { FESTIVALS, type Festival } from '../services/calendar';

/** A year whose statutory festivals are not all known: the home card and the calendar page say which. */
export interface HolidayGap {
  year: number;
  missing: Festival[];
}

/** The years of `years` that miss any statutory festival (WorkingDayCalendar.missingFestivals), with what they miss. */
export function holidayGaps(calendar: { missingFestivals(year: number): Festival[] }, years: number[]): HolidayGap[] {
  return years.map((year) => ({ year, missing: calendar.missingFestivals(year) })).filter((g) => g.missing.length > 0);
}

/**
 * What the IT office is told: the years with no holiday at all together (2027 年没有法定节假日数据), each other year
 * with the festivals it still lacks (2027 年的法定节假日数据不全，尚缺：春节、劳动节、国庆节), then what to do.
 */
export function holidayDataWarning(t: Translator, gaps: HolidayGap[]): string {
  const none = gaps.filter((g) => g.missing.length === FESTIVALS.length).map((g) => g.year);
  const parts = [
    ...(none.length ? [t('calendar.holidayGap.none', { years: none.join(t('common.enumSeparator')) })] : []),
    ...gaps
      .filter((g) => g.missing.length < FESTIVALS.length)
      .map((g) =>
        t('calendar.holidayGap.partial', {
          year: g.year,
          missing: g.missing.map((f) => t(`calendar.festivals.${f}`)).join(t('common.enumSeparator')),
        }),
      ),
  ];
  return t('calendar.noHolidayData', { gaps: parts.join(t('common.listSeparator')) });
}

/** What everyone else reads: due dates in those years may be off (no chores). */
export function holidayDataNote(t: Translator, gaps: HolidayGap[]): string {
  const years = gaps.map((g) => g.year).join(t('common.enumSeparator'));
  return gaps.every((g) => g.missing.length === FESTIVALS.length)
    ? t('calendar.noHolidayDataReader', { years })
    : t('calendar.incompleteHolidayDataReader', { years });
}
