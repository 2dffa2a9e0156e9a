import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { translator } from '../../server/i18n';
import { eventDataWarning, eventGaps } from '../../server/presenters/event-data';
import { parseCatalog } from '../../server/services/catalog/parse';
import type { CalendarEvent, Catalog } from '../../server/services/catalog/types';

/**
 * Deadlines `after_event: semester_start` count from the latest occurrence on or before today. When the IT office does
 * not enter the next one (the spring semester's start), they keep counting from the previous one and the checks stop
 * asking for the new term's updates. The IT office is warned from 30 days before the next one is expected (the latest
 * plus the median gap between occurrences; a year for a single one).
 */
type Shape = Pick<Catalog, 'calendar' | 'tables'>;

/** A catalog with `events`, whose one table has a field counting from each name in `used`. */
function catalog(events: Partial<CalendarEvent>[], used: string[]): Shape {
  return {
    calendar: {
      timezone: 'Asia/Shanghai',
      holidays: [],
      workdays: [],
      events: events.map((e) => ({ name: 'x', dates: [], yearly: [], ...e })),
    },
    tables: [
      {
        fields: used.map((event) => ({ name: event, deadline: { kind: 'afterEvent', event, within: { amount: 7, unit: 'd' } } })),
      },
    ] as unknown as Catalog['tables'],
  };
}

const semester = { name: 'semester_start', dates: ['2026-02-23', '2026-09-07'] };

describe('eventGaps', () => {
  it('warns from 30 days plus 15 % of the period before the expected next occurrence (latest + the gap): not before', () => {
    // 2026-02-23 → 2026-09-07 is 196 days: the next is expected 2027-03-22, asked for 59 days before, from 2027-01-22
    // (the real spring start, ~2027-02-22, comes a month after: autumn → spring is the shorter gap).
    const c = catalog([semester], ['semester_start']);
    expect(eventGaps(c, '2027-01-21')).toEqual([]);
    expect(eventGaps(c, '2027-01-22')).toEqual([
      { name: 'semester_start', label: 'semester_start', latest: '2026-09-07', periodDays: 196, expected: '2027-03-22' },
    ]);
    // Past the expected date it still warns: deadlines still count from 2026-09-07.
    expect(eventGaps(c, '2027-06-01')).toHaveLength(1);
  });

  it('an occurrence after today ends the warning', () => {
    const c = catalog([{ ...semester, dates: [...semester.dates, '2027-02-22'] }], ['semester_start']);
    expect(eventGaps(c, '2027-02-20')).toEqual([]);
  });

  it('takes the median gap, a year for a single date, and skips gaps under 60 days and yearly events', () => {
    const median = catalog([{ name: 'm', dates: ['2024-01-01', '2024-03-01', '2024-07-01', '2025-07-01'] }], ['m']);
    // Gaps 60, 122, 365: the median 122 days; next expected 2025-10-31, asked for 48 days before.
    expect(eventGaps(median, '2025-09-13')).toMatchObject([{ periodDays: 122, expected: '2025-10-31' }]);
    expect(eventGaps(median, '2025-09-12')).toEqual([]);
    const single = catalog([{ name: 'rank', dates: ['2026-06-15'] }], ['rank']);
    expect(eventGaps(single, '2027-03-22')).toMatchObject([{ periodDays: 365, expected: '2027-06-15' }]);
    expect(eventGaps(single, '2027-03-21')).toEqual([]);
    const frequent = catalog([{ name: 'f', dates: ['2026-01-01', '2026-02-01', '2026-03-01'] }], ['f']);
    expect(eventGaps(frequent, '2027-01-01')).toEqual([]);
    const yearly = catalog([{ name: 'y', dates: ['2020-01-01'], yearly: ['12-31'] }], ['y']);
    expect(eventGaps(yearly, '2027-01-01')).toEqual([]);
  });

  it('only events some after_event deadline uses; named by their title when the catalog gives one', () => {
    const c = catalog([semester, { name: 'unused', dates: ['2026-01-01'] }], ['semester_start']);
    expect(eventGaps(c, '2027-03-01').map((g) => g.name)).toEqual(['semester_start']);
    const titled = catalog([{ ...semester, title: '开学' }], ['semester_start']);
    expect(eventGaps(titled, '2027-03-01')[0].label).toBe('开学');
    expect(eventGaps(null, '2027-03-01')).toEqual([]);
  });

  it('the example catalog warns of nothing on 2026-12-06; of semester_start from 2027-01-22', () => {
    const text = readFileSync(join(__dirname, '../../server/services/catalog/examples/university.catalog.yaml'), 'utf8');
    const { catalog: example } = parseCatalog(text);
    expect(eventGaps(example!, '2026-12-06')).toEqual([]);
    expect(eventGaps(example!, '2027-01-21').map((g) => g.name)).toEqual([]);
    expect(eventGaps(example!, '2027-01-22').map((g) => g.name)).toEqual(['semester_start']);
    // rank_documents_issued and academic_year_start (one date each) from 85 days before a year after theirs.
    expect(eventGaps(example!, '2027-03-22').map((g) => g.name)).toEqual(['semester_start', 'rank_documents_issued']);
    expect(eventGaps(example!, '2027-06-14').map((g) => g.name)).toEqual([
      'semester_start',
      'academic_year_start',
      'rank_documents_issued',
    ]);
  });
});

describe('eventDataWarning', () => {
  const gaps = eventGaps(catalog([{ ...semester, title: '开学' }], ['semester_start']), '2027-03-01');

  it('names the event, its latest occurrence, the period and the expected month, and what to do', () => {
    expect(eventDataWarning(translator('zh-CN'), gaps)).toBe(
      '事件“开学”尚未录入下一次日期（最近一次 2026-09-07，按以往约每半年一次，下一次约在 2027-03 前后）：' +
        '按它计算的维护时限仍从 2026-09-07 起算。请在数据目录的 calendar.events 中补充下一次的日期。',
    );
    expect(eventDataWarning(translator('en'), gaps)).toBe(
      '“开学” has no next date entered (latest 2026-09-07; about every half year so far, so the next is expected around ' +
        '2027-03): deadlines counted from it still count from 2026-09-07. Add the next date to calendar.events in the catalog.',
    );
  });

  it('a year, years, months', () => {
    const t = translator('zh-CN');
    const words = (dates: string[]) =>
      eventDataWarning(t, eventGaps(catalog([{ name: 'e', dates }], ['e']), '2040-01-01')).match(/按以往约(.*?)一次/)?.[1];
    expect(words(['2026-06-15'])).toBe('每年');
    expect(words(['2024-06-15', '2026-06-15'])).toBe('每 2 年');
    expect(words(['2026-01-15', '2026-05-15'])).toBe('每 4 个月');
    const en = translator('en');
    expect(eventDataWarning(en, eventGaps(catalog([{ name: 'e', dates: ['2026-06-15'] }], ['e']), '2040-01-01'))).toContain(
      'about every year so far',
    );
  });
});
