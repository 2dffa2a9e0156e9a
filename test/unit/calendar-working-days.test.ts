import { createCalendar, todayIn } from '../../server/services/calendar';
import type { CatalogCalendar } from '../../server/services/catalog/types';

const plain: CatalogCalendar = { timezone: 'Asia/Shanghai', events: [], holidays: [], workdays: [] };
const calendar = createCalendar(plain);

describe('National Day 2025 (holidays 10-01..10-08, make-up workdays Sun 09-28 and Sat 10-11)', () => {
  it.each([
    ['2025-09-26', true], // Friday
    ['2025-09-27', false], // Saturday
    ['2025-09-28', true], // Sunday, worked
    ['2025-10-01', false],
    ['2025-10-06', false], // Mid-Autumn, inside the break
    ['2025-10-08', false],
    ['2025-10-09', true],
    ['2025-10-11', true], // Saturday, worked
    ['2025-10-12', false], // Sunday
  ])('%s is a working day: %s', (date, working) => {
    expect(calendar.isWorkingDay(date)).toBe(working);
  });

  it('names the reason and the holiday', () => {
    expect(calendar.describeDay('2025-10-01')).toEqual({
      date: '2025-10-01',
      working: false,
      reason: 'official_holiday',
      name: '国庆节',
      nameEn: 'National Day',
    });
    expect(calendar.describeDay('2025-09-28')).toEqual({
      date: '2025-09-28',
      working: true,
      reason: 'official_workday',
      name: '国庆节',
      nameEn: 'National Day',
    });
    expect(calendar.describeDay('2025-09-27')).toEqual({ date: '2025-09-27', working: false, reason: 'weekend', name: null });
  });

  it('adds working days across the break', () => {
    expect(calendar.addWorkingDays('2025-09-26', 1)).toBe('2025-09-28');
    expect(calendar.addWorkingDays('2025-09-30', 1)).toBe('2025-10-09');
    expect(calendar.addWorkingDays('2025-09-30', 3)).toBe('2025-10-11');
    expect(calendar.addWorkingDays('2025-09-30', 4)).toBe('2025-10-13');
    expect(calendar.addWorkingDays('2025-10-03', 0)).toBe('2025-10-03');
  });

  it('counts working days in (a, b]', () => {
    expect(calendar.workingDaysBetween('2025-09-30', '2025-10-12')).toBe(3);
    expect(calendar.workingDaysBetween('2025-09-26', '2025-10-12')).toBe(6);
    expect(calendar.workingDaysBetween('2025-10-12', '2025-09-26')).toBe(-6);
    expect(calendar.workingDaysBetween('2025-10-01', '2025-10-08')).toBe(0);
  });

  it('finds the latest date whose n working days have run out by today', () => {
    expect(calendar.latestCutoffForWorkingDays('2025-10-11', 3)).toBe('2025-10-08');
    expect(calendar.addWorkingDays('2025-10-08', 3)).toBe('2025-10-11');
    expect(calendar.addWorkingDays('2025-10-09', 3)).toBe('2025-10-13');
    // Today a holiday: the last working day before the break is 09-30.
    expect(calendar.latestCutoffForWorkingDays('2025-10-08', 1)).toBe('2025-09-29');
    expect(calendar.latestCutoffForWorkingDays('2025-10-08', 0)).toBe('2025-10-08');
  });
});

describe('Spring Festival 2026 (holidays 02-15..02-23, make-up workdays Sat 02-14 and Sat 02-28)', () => {
  it('5 working days after 2026-02-13 is 2026-02-27', () => {
    expect(calendar.addWorkingDays('2026-02-13', 5)).toBe('2026-02-27');
    expect(calendar.addWorkingDays('2026-02-13', 1)).toBe('2026-02-14');
    expect(calendar.addWorkingDays('2026-02-13', 6)).toBe('2026-02-28');
    expect(calendar.isWorkingDay('2026-02-23')).toBe(false); // a Monday inside the break
  });

  it('works back from 2026-02-27 to 2026-02-13 for 5 working days', () => {
    expect(calendar.latestCutoffForWorkingDays('2026-02-27', 5)).toBe('2026-02-13');
    expect(calendar.latestCutoff('2026-02-27', { amount: 5, unit: 'wd' })).toBe('2026-02-13');
    expect(calendar.workingDaysBetween('2026-02-13', '2026-02-27')).toBe(5);
  });
});

describe('catalog holidays and workdays', () => {
  // Spring Festival 2027 as a catalog would add it: Mon 02-08..Fri 02-12 off, Sat 02-20 worked.
  const with2027 = createCalendar({
    ...plain,
    holidays: ['2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11', '2027-02-12'],
    workdays: ['2027-02-20'],
  });

  it('the package knows nothing of 2027, so the plain calendar only skips weekends', () => {
    expect(calendar.addWorkingDays('2027-02-05', 1)).toBe('2027-02-08');
    expect(calendar.hasHolidayData(2027)).toBe(false);
  });

  it('added holidays and make-up days count in 2027', () => {
    expect(with2027.addWorkingDays('2027-02-05', 1)).toBe('2027-02-15');
    expect(with2027.addWorkingDays('2027-02-05', 5)).toBe('2027-02-19');
    expect(with2027.addWorkingDays('2027-02-05', 6)).toBe('2027-02-20');
    expect(with2027.describeDay('2027-02-08')).toEqual({
      date: '2027-02-08',
      working: false,
      reason: 'catalog_holiday',
      name: null,
    });
    // The Spring Festival alone: New Year's Day, Labour Day and National Day are still missing.
    expect(with2027.hasHolidayData(2027)).toBe(false);
    expect(with2027.missingFestivals(2027)).toEqual(['new_year', 'labour_day', 'national_day']);
    expect(with2027.hasHolidayData(2028)).toBe(false);
  });

  it('catalog lists override the official data', () => {
    const overridden = createCalendar({ ...plain, holidays: ['2026-02-28'], workdays: ['2026-10-05'] });
    expect(calendar.isWorkingDay('2026-02-28')).toBe(true);
    expect(overridden.isWorkingDay('2026-02-28')).toBe(false);
    expect(calendar.isWorkingDay('2026-10-05')).toBe(false);
    expect(overridden.isWorkingDay('2026-10-05')).toBe(true);
  });

  it('a year counts as entered only with its statutory festivals: one date (元旦) is not enough', () => {
    const only = (holidays: string[]) => createCalendar({ ...plain, holidays });
    expect(only(['2027-01-01']).hasHolidayData(2027)).toBe(false);
    expect(only(['2027-01-01']).missingFestivals(2027)).toEqual(['spring_festival', 'labour_day', 'national_day']);
    expect(calendar.missingFestivals(2027)).toEqual(['new_year', 'spring_festival', 'labour_day', 'national_day']);
    // A Spring Festival day is one from 01-20 to 02-25 (the festival moves with the lunar calendar).
    expect(only(['2027-01-01', '2027-02-26', '2027-05-01', '2027-10-01']).missingFestivals(2027)).toEqual(['spring_festival']);
    expect(only(['2027-01-01', '2027-01-20', '2027-05-01', '2027-10-01']).hasHolidayData(2027)).toBe(true);
    expect(only(['2027-01-01', '2027-02-25', '2027-05-01', '2027-10-01']).hasHolidayData(2027)).toBe(true);
    // The built-in data covers its years as they are.
    expect(only([]).missingFestivals(2026)).toEqual([]);
  });

  it('has holiday data for the years chinese-days covers', () => {
    expect(calendar.hasHolidayData(2025)).toBe(true);
    expect(calendar.hasHolidayData(2026)).toBe(true);
    expect(calendar.hasHolidayData(2003)).toBe(false);
  });
});

describe('calendar-day durations and today', () => {
  it('latestCutoff for days and hours (hours round up to whole days)', () => {
    expect(calendar.latestCutoff('2026-03-10', { amount: 7, unit: 'd' })).toBe('2026-03-03');
    expect(calendar.latestCutoff('2026-03-10', { amount: 36, unit: 'h' })).toBe('2026-03-08');
    expect(calendar.latestCutoff('2026-03-01', { amount: 1, unit: 'd' })).toBe('2026-02-28');
    expect(calendar.addDuration('2026-02-13', { amount: 5, unit: 'wd' })).toBe('2026-02-27');
    expect(calendar.addDuration('2024-02-28', { amount: 24, unit: 'h' })).toBe('2024-02-29');
  });

  it('todayIn uses the given time zone, not the process one', () => {
    const instant = new Date('2026-01-01T17:00:00Z');
    expect(todayIn('Asia/Shanghai', instant)).toBe('2026-01-02');
    expect(todayIn('UTC', instant)).toBe('2026-01-01');
    expect(todayIn('America/Los_Angeles', new Date('2026-01-01T07:00:00Z'))).toBe('2025-12-31');
    expect(calendar.today(instant)).toBe('2026-01-02');
  });

  it('refuses negative counts and malformed dates', () => {
    expect(() => calendar.addWorkingDays('2026-01-05', -1)).toThrow(RangeError);
    expect(() => calendar.isWorkingDay('2026-1-5')).toThrow(RangeError);
  });
});
