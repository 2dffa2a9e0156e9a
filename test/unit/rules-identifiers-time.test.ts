import { deadlineCutoff } from '../../rules/deadlines';
import { IdentifierError, quoteIdent, quoteTable, splitTableName } from '../../rules/identifiers';
import { addDays, localDate, localDateTime, localMonth, minusDays, startOfDay, zonedInstant } from '../../rules/time';
import type { CheckCalendar } from '../../rules/types';

describe('identifier quoting', () => {
  it('quotes PostgreSQL identifiers with double quotes, doubling embedded ones', () => {
    expect(quoteIdent('postgres', 'staff_no')).toBe('"staff_no"');
    expect(quoteIdent('postgres', 'x"; drop table t; --')).toBe('"x""; drop table t; --"');
  });
  it('quotes MySQL identifiers with backticks, doubling embedded ones', () => {
    expect(quoteIdent('mysql', 'a`b')).toBe('`a``b`');
    expect(quoteIdent('mysql', 'x"; drop')).toBe('`x"; drop`');
  });
  it('splits schema.table at the first dot and quotes each part', () => {
    expect(splitTableName('hub.staff_basic')).toEqual({ schema: 'hub', table: 'staff_basic' });
    expect(splitTableName('staff')).toEqual({ schema: null, table: 'staff' });
    expect(quoteTable('postgres', 'hub.staff')).toBe('"hub"."staff"');
    expect(quoteTable('mysql', 'hub.staff')).toBe('`hub`.`staff`');
    expect(quoteTable('postgres', 'a"b.c')).toBe('"a""b"."c"');
  });
  it('refuses ? (a binding placeholder to knex) and NUL', () => {
    expect(() => quoteIdent('postgres', 'what?')).toThrow(IdentifierError);
    expect(() => quoteIdent('mysql', 'a\0b')).toThrow(IdentifierError);
    expect(() => quoteIdent('postgres', '')).toThrow(IdentifierError);
  });
});

describe('catalog-timezone arithmetic', () => {
  const TZ = 'Asia/Shanghai';
  it('reads dates, months and wall-clock times in the timezone', () => {
    const at = new Date('2026-06-30T16:30:00Z'); // 2026-07-01 00:30 in Shanghai
    expect(localDate(at, TZ)).toBe('2026-07-01');
    expect(localMonth(at, TZ)).toBe(7);
    expect(localDateTime(at, TZ)).toBe('2026-07-01 00:30:00.000');
  });
  it('turns wall-clock times into instants', () => {
    expect(startOfDay('2026-03-10', TZ).toISOString()).toBe('2026-03-09T16:00:00.000Z');
    expect(zonedInstant('2026-03-09 10:00:00.250000', TZ).toISOString()).toBe('2026-03-09T02:00:00.250Z');
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
  });
  it('subtracts calendar days of wall-clock time across a DST change', () => {
    // New York springs forward on 2026-03-08: 7 days before 03-10 12:00 local is 03-03 12:00 local, 167 hours earlier.
    const now = new Date('2026-03-10T16:00:00Z');
    expect(minusDays(now, 7, 'America/New_York').toISOString()).toBe('2026-03-03T17:00:00.000Z');
  });
});

describe('deadline cut-offs', () => {
  const TZ = 'Asia/Shanghai';
  const calendar: CheckCalendar = {
    addWorkingDays: () => {
      throw new Error('not used');
    },
    latestCutoffForWorkingDays: (today, n) => `cutoff(${today},${n})`,
    latestOccurrenceBefore: () => null,
  };
  const now = new Date('2026-03-10T02:00:00Z'); // 10:00 in Shanghai
  it('7d: dates up to today − 7 and timestamps up to now − 7 days are due', () => {
    expect(deadlineCutoff({ amount: 7, unit: 'd' }, now, TZ, calendar)).toEqual({
      cutoffDate: '2026-03-03',
      instant: { op: '<=', at: new Date('2026-03-03T02:00:00Z') },
    });
  });
  it('24h: timestamps up to now − 24h; dates whose start is that long ago', () => {
    expect(deadlineCutoff({ amount: 24, unit: 'h' }, now, TZ, calendar)).toEqual({
      cutoffDate: '2026-03-09',
      instant: { op: '<=', at: new Date('2026-03-09T02:00:00Z') },
    });
    // 11h before 10:00 is 23:00 the previous day.
    expect(deadlineCutoff({ amount: 11, unit: 'h' }, now, TZ, calendar).cutoffDate).toBe('2026-03-09');
    expect(deadlineCutoff({ amount: 10, unit: 'h' }, now, TZ, calendar).cutoffDate).toBe('2026-03-10');
  });
  it('5wd: the calendar decides the date; timestamps before the next day starts are due', () => {
    const fake = { ...calendar, latestCutoffForWorkingDays: () => '2026-02-13' };
    expect(deadlineCutoff({ amount: 5, unit: 'wd' }, now, TZ, fake)).toEqual({
      cutoffDate: '2026-02-13',
      instant: { op: '<', at: new Date('2026-02-13T16:00:00Z') },
    });
  });
});
