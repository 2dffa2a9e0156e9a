import type { Knex } from 'knex';
import { runTableChecks } from '../../rules/engine';
import { catalogTable } from '../../rules/testing';
import type { CheckContext, TableCheckOutcome } from '../../rules/types';
import { createCalendar } from '../../server/services/calendar';
import { createTestDatabase, TestDatabase } from '../helpers/database';

// Freshness: now − newest updated_at > bound fails; exactly at the bound passes; an empty table
// fails; outside maintained_in months there is no freshness result.

const TZ = 'Asia/Shanghai';
const calendar = createCalendar({ timezone: TZ, events: [], holidays: [], workdays: [] });
const NOW = new Date('2026-03-10T10:00:00+08:00');
const ctx: CheckContext = { now: NOW, timezone: TZ, calendar, dialect: 'postgres' };

const freshnessOf = (o: TableCheckOutcome) => o.results.find((r) => r.check === 'freshness');
async function exec(knex: Knex, ...statements: string[]) {
  for (const s of statements) await knex.raw(s);
}
const table = (name: string, over: Parameters<typeof catalogTable>[1] = {}) =>
  catalogTable(name, { department: 'FIN', updatedAt: 'sync_time', freshness: { amount: 24, unit: 'h' }, ...over });

describe('check engine: freshness', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('hw_checks_fresh');
  });
  afterAll(() => db.close());

  it('passes when the newest row is exactly 24h old and fails one second later', async () => {
    await exec(
      db.knex,
      'CREATE TABLE pay_tz (id int, sync_time timestamptz)',
      `INSERT INTO pay_tz VALUES (1, '2026-03-09 10:00:00+08'), (2, '2026-03-01 00:00:00+08'), (3, NULL)`,
    );
    const atBound = await runTableChecks(db.knex, table('pay_tz'), ctx);
    expect(freshnessOf(atBound)).toMatchObject({
      check: 'freshness',
      department: 'FIN',
      field: null,
      passed: true,
      violations: 0,
      checkedRows: 1,
      sampleKeys: [],
    });
    expect(atBound.facts).toMatchObject({ row_count: 3, newest_update: '2026-03-09T02:00:00.000Z', hours_since_update: 24 });
    const late = await runTableChecks(db.knex, table('pay_tz'), { ...ctx, now: new Date(NOW.getTime() + 1000) });
    expect(freshnessOf(late)).toMatchObject({
      passed: false,
      violations: 1,
      details: { bound: '24h', newestUpdate: '2026-03-09T02:00:00.000Z' },
    });
  });

  it('reads a naive timestamp in the catalog timezone', async () => {
    // 09:59:59 in Shanghai is 24h00m01s before now: stale. Read as UTC it would be only 16h old.
    await exec(
      db.knex,
      'CREATE TABLE pay_local (id int, sync_time timestamp)',
      `INSERT INTO pay_local VALUES (1, '2026-03-09 09:59:59')`,
    );
    const o = await runTableChecks(db.knex, table('pay_local'), ctx);
    expect(freshnessOf(o)).toMatchObject({ passed: false, violations: 1, details: { newestUpdate: '2026-03-09T01:59:59.000Z' } });
  });

  it('fails on an empty table', async () => {
    await exec(db.knex, 'CREATE TABLE pay_empty (id int, sync_time timestamptz)');
    const o = await runTableChecks(db.knex, table('pay_empty'), ctx);
    expect(o.facts).toMatchObject({ row_count: 0, newest_update: null, hours_since_update: null });
    expect(freshnessOf(o)).toMatchObject({ passed: false, violations: 1, details: { reason: 'empty_table' } });
  });

  it('applies only in maintained_in months, judged by the month of now in the catalog timezone', async () => {
    await exec(
      db.knex,
      'CREATE TABLE admission (id int, update_time timestamptz)',
      `INSERT INTO admission VALUES (1, '2025-09-30 12:00:00+08')`,
    );
    const seasonal = table('admission', { updatedAt: 'update_time', maintainedIn: [7, 8, 9] });
    const march = await runTableChecks(db.knex, seasonal, ctx);
    expect(march.status).toBe('ok');
    expect(freshnessOf(march)).toBeUndefined();
    // 2026-06-30 23:00 UTC is already 07-01 in Shanghai: freshness applies and fails.
    const july = await runTableChecks(db.knex, seasonal, { ...ctx, now: new Date('2026-06-30T23:00:00Z') });
    expect(freshnessOf(july)).toMatchObject({ passed: false, violations: 1 });
  });

  it('counts days of a date-typed updated_at from the start of the day', async () => {
    await exec(db.knex, 'CREATE TABLE daily (id int, sync_date date)', `INSERT INTO daily VALUES (1, '2026-03-09')`);
    const daily = table('daily', { updatedAt: 'sync_date', freshness: { amount: 1, unit: 'd' } });
    // 2026-03-09 00:00 + 1 day = 2026-03-10 00:00 Shanghai.
    expect(
      freshnessOf(await runTableChecks(db.knex, daily, { ...ctx, now: new Date('2026-03-10T00:00:00+08:00') })),
    ).toMatchObject({ passed: true });
    expect(
      freshnessOf(await runTableChecks(db.knex, daily, { ...ctx, now: new Date('2026-03-10T00:00:01+08:00') })),
    ).toMatchObject({ passed: false });
  });
  it('reads the newest naive timestamp exactly also next to a spring-forward gap (max converted once, re-checked there)', async () => {
    // New York springs forward on 2026-03-08 at 02:00: the wall-clock 02:30 does not exist and PostgreSQL
    // reads it with the earlier offset (07:30Z), later than 03:15 EDT (07:15Z), the larger wall-clock value.
    const NY = 'America/New_York';
    const nyCtx: CheckContext = {
      now: new Date('2026-03-08T12:00:00Z'),
      timezone: NY,
      calendar: createCalendar({ timezone: NY, events: [], holidays: [], workdays: [] }),
      dialect: 'postgres',
    };
    await exec(
      db.knex,
      'CREATE TABLE pay_gap (id int, sync_time timestamp)',
      `INSERT INTO pay_gap VALUES (1, '2026-03-08 02:30:00'), (2, '2026-03-08 03:15:00'), (3, '2026-03-01 09:00:00')`,
    );
    const o = await runTableChecks(db.knex, table('pay_gap'), nyCtx);
    expect(o.facts).toMatchObject({ newest_update: '2026-03-08T07:30:00.000Z', hours_since_update: 4.5 });
    // Far from any offset change the converted max() is used as it is: 09:00 EST = 14:00Z.
    await exec(db.knex, 'DELETE FROM pay_gap WHERE id < 3');
    const plain = await runTableChecks(db.knex, table('pay_gap'), nyCtx);
    expect(plain.facts).toMatchObject({ newest_update: '2026-03-01T14:00:00.000Z' });
  });
});
