import { parseOptionalRange, parseRange } from '../../server/services/calendar';
import { dayEndIn, dayStartIn, wallClockText } from '../../server/services/calendar/zone';
import { ValidationError } from '../../server/errors';

/** Where a university's day begins, as an instant, in zones with and without daylight saving. */
describe('dayStartIn / dayEndIn', () => {
  const iso = (d: Date) => d.toISOString();

  it('is local midnight in a zone without daylight saving', () => {
    expect(iso(dayStartIn('2026-11-01', 'Asia/Shanghai'))).toBe('2026-10-31T16:00:00.000Z');
    expect(iso(dayEndIn('2026-11-30', 'Asia/Shanghai'))).toBe('2026-11-30T16:00:00.000Z');
    expect(iso(dayStartIn('2026-11-01', 'UTC'))).toBe('2026-11-01T00:00:00.000Z');
    // The last day of a year, and of 9999 (isIsoDate's dates all have an end).
    expect(iso(dayEndIn('2026-12-31', 'Asia/Shanghai'))).toBe('2026-12-31T16:00:00.000Z');
    expect(dayEndIn('9999-12-31', 'Asia/Shanghai').getTime()).toBe(Date.UTC(10000, 0, 1) - 8 * 3_600_000);
  });

  it('follows daylight saving: the offset of that day, not of today', () => {
    // New York: EST (−5) in winter, EDT (−4) in summer; the clocks change at 02:00.
    expect(iso(dayStartIn('2026-01-15', 'America/New_York'))).toBe('2026-01-15T05:00:00.000Z');
    expect(iso(dayStartIn('2026-07-15', 'America/New_York'))).toBe('2026-07-15T04:00:00.000Z');
    // The days the clocks change: 23 and 25 hours long.
    expect(iso(dayStartIn('2026-03-08', 'America/New_York'))).toBe('2026-03-08T05:00:00.000Z');
    expect(iso(dayEndIn('2026-03-08', 'America/New_York'))).toBe('2026-03-09T04:00:00.000Z');
    expect(iso(dayStartIn('2026-11-01', 'America/New_York'))).toBe('2026-11-01T04:00:00.000Z');
    expect(iso(dayEndIn('2026-11-01', 'America/New_York'))).toBe('2026-11-02T05:00:00.000Z');
    // East of Greenwich: Berlin, CET (+1) → CEST (+2) on 2026-03-29 at 02:00.
    expect(iso(dayStartIn('2026-03-29', 'Europe/Berlin'))).toBe('2026-03-28T23:00:00.000Z');
    expect(iso(dayEndIn('2026-03-29', 'Europe/Berlin'))).toBe('2026-03-29T22:00:00.000Z');
  });

  it('begins a day whose midnight the clocks skip at the jump (São Paulo, 2018-11-04 00:00 → 01:00)', () => {
    const start = dayStartIn('2018-11-04', 'America/Sao_Paulo');
    expect(iso(start)).toBe('2018-11-04T03:00:00.000Z');
    expect(wallClockText(start, 'America/Sao_Paulo')).toBe('2018-11-04 01:00:00');
    expect(wallClockText(new Date(start.getTime() - 1000), 'America/Sao_Paulo')).toBe('2018-11-03 23:59:59');
  });

  it('begins a day whose clock passes midnight twice at the first (São Paulo, 2019-02-17 00:00 → 23:00 the day before)', () => {
    // 2019-02-16 24:00 (−2) became 23:00 (−3): the 16th's midnight-to-be, then the 17th's midnight at 03:00Z.
    expect(iso(dayStartIn('2019-02-17', 'America/Sao_Paulo'))).toBe('2019-02-17T03:00:00.000Z');
    expect(iso(dayStartIn('2019-02-16', 'America/Sao_Paulo'))).toBe('2019-02-16T02:00:00.000Z');
  });

  it('writes an instant as the zone’s clock shows it, to the second', () => {
    expect(wallClockText(new Date('2026-11-30T15:59:59.900Z'), 'Asia/Shanghai')).toBe('2026-11-30 23:59:59');
    expect(wallClockText(new Date('2026-11-30T16:00:00Z'), 'Asia/Shanghai')).toBe('2026-12-01 00:00:00');
    expect(wallClockText(new Date('2026-07-01T12:00:00Z'), 'America/New_York')).toBe('2026-07-01 08:00:00');
  });

  it('refuses what is not a date', () => {
    expect(() => dayStartIn('2026-02-30', 'UTC')).toThrow(RangeError);
  });
});

describe('parseOptionalRange', () => {
  const fieldsOf = (input: { from?: unknown; to?: unknown }) => {
    try {
      parseOptionalRange(input);
      return null;
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      return (err as ValidationError).fields.map((f) => `${f.field}:${f.key}`);
    }
  };

  it('leaves out a day not given (or only spaces), checks the others as parseRange does', () => {
    expect(parseOptionalRange({})).toEqual({ from: undefined, to: undefined });
    expect(parseOptionalRange({ from: ' 2026-11-01 ', to: '' })).toEqual({ from: '2026-11-01', to: undefined });
    expect(parseOptionalRange({ to: '2026-11-30' })).toEqual({ from: undefined, to: '2026-11-30' });
    expect(fieldsOf({ from: '2026-11-31' })).toEqual(['from:calendar.errors.fromDate']);
    expect(fieldsOf({ to: '1899-12-31' })).toEqual(['to:calendar.errors.toBefore1900']);
    expect(fieldsOf({ from: '2026-12-01', to: '2026-11-30' })).toEqual(['to:calendar.errors.range']);
    // Both required in parseRange.
    expect(() => parseRange({ from: '2026-11-01' })).toThrow(ValidationError);
  });
});
