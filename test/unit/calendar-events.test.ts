import { createCalendar } from '../../server/services/calendar';
import type { CatalogCalendar } from '../../server/services/catalog/types';

const calendar = createCalendar({
  timezone: 'Asia/Shanghai',
  events: [
    { name: 'semester_start', dates: ['2026-02-23', '2026-09-07'], yearly: [] },
    { name: 'year_end', dates: [], yearly: ['12-31'] },
    { name: 'student_status_review', dates: [], yearly: ['10-01'] },
    { name: 'winter_and_spring', dates: ['2026-03-02'], yearly: ['12-20', '01-10'] },
    { name: 'leap_day', dates: [], yearly: ['02-29'] },
  ],
  holidays: [],
  workdays: [],
} satisfies CatalogCalendar);

describe('eventOccurrences', () => {
  it('lists yearly occurrences across a year boundary', () => {
    expect(calendar.eventOccurrences('year_end', '2025-12-01', '2027-01-15')).toEqual(['2025-12-31', '2026-12-31']);
    expect(calendar.eventOccurrences('winter_and_spring', '2025-12-01', '2026-03-31')).toEqual([
      '2025-12-20',
      '2026-01-10',
      '2026-03-02',
    ]);
  });

  it('includes both ends and only explicit dates inside the range', () => {
    expect(calendar.eventOccurrences('semester_start', '2026-02-23', '2026-09-07')).toEqual(['2026-02-23', '2026-09-07']);
    expect(calendar.eventOccurrences('semester_start', '2026-02-24', '2026-09-06')).toEqual([]);
  });

  it('puts 02-29 in leap years only', () => {
    expect(calendar.eventOccurrences('leap_day', '2027-01-01', '2028-12-31')).toEqual(['2028-02-29']);
  });

  it('refuses an unknown event', () => {
    expect(() => calendar.eventOccurrences('graduation', '2026-01-01', '2026-12-31')).toThrow(
      'unknown calendar event "graduation"',
    );
  });
});

describe('latestOccurrenceBefore (on or before the date)', () => {
  it('goes back over the year boundary for yearly events', () => {
    expect(calendar.latestOccurrenceBefore('year_end', '2026-01-10')).toBe('2025-12-31');
    expect(calendar.latestOccurrenceBefore('year_end', '2026-12-31')).toBe('2026-12-31');
    expect(calendar.latestOccurrenceBefore('winter_and_spring', '2026-01-09')).toBe('2025-12-20');
    expect(calendar.latestOccurrenceBefore('winter_and_spring', '2026-04-01')).toBe('2026-03-02');
    expect(calendar.latestOccurrenceBefore('leap_day', '2027-03-01')).toBe('2024-02-29');
  });

  it('is null before the first explicit date', () => {
    expect(calendar.latestOccurrenceBefore('semester_start', '2026-02-22')).toBeNull();
    expect(calendar.latestOccurrenceBefore('semester_start', '2026-03-01')).toBe('2026-02-23');
  });

  it('combined with latestCutoff, finds the occurrence whose deadline has run out', () => {
    // 学籍信息: every 10-01, within 30 days. On 2026-10-31 this year's review is due; a day earlier, last year's.
    const due = (today: string) =>
      calendar.latestOccurrenceBefore('student_status_review', calendar.latestCutoff(today, { amount: 30, unit: 'd' }));
    expect(due('2026-10-31')).toBe('2026-10-01');
    expect(due('2026-10-30')).toBe('2025-10-01');
    // 每学期开学 within 5 working days: from 2026-02-23 (a holiday Monday) they are 02-24..27 and the
    // make-up Saturday 02-28, so the deadline runs out on 02-28.
    const semester = (today: string) =>
      calendar.latestOccurrenceBefore('semester_start', calendar.latestCutoff(today, { amount: 5, unit: 'wd' }));
    expect(semester('2026-02-28')).toBe('2026-02-23');
    expect(semester('2026-02-27')).toBeNull();
  });
});
