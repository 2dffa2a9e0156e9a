import { describeDeadline, describeDuration } from '../../server/services/catalog/describe';
import type { CalendarEvent, Deadline } from '../../server/services/catalog/types';

const after = (column: string, within: string): Deadline => ({ kind: 'after', column, within: duration(within) });
const afterEvent = (event: string, within: string): Deadline => ({ kind: 'afterEvent', event, within: duration(within) });
function duration(text: string) {
  const [, amount, unit] = /^(\d+)(h|d|wd)$/.exec(text)!;
  return { amount: Number(amount), unit: unit as 'h' | 'd' | 'wd' };
}

const events: CalendarEvent[] = [
  { name: 'student_status_review', dates: [], yearly: ['10-01'] },
  { name: 'year_end', dates: [], yearly: ['12-31'] },
  { name: 'budget_review', dates: [], yearly: ['03-15', '09-15'] },
  { name: 'rank_notice', dates: ['2026-06-15'], yearly: [] },
];

describe('describeDuration', () => {
  it.each([
    ['24h', '24小时', '24 hours'],
    ['7d', '7天', '7 days'],
    ['1d', '1天', '1 day'],
    ['5wd', '5个工作日', '5 working days'],
    ['1wd', '1个工作日', '1 working day'],
  ])('%s', (text, zh, en) => {
    expect(describeDuration(duration(text), 'zh-CN')).toBe(zh);
    expect(describeDuration(duration(text), 'en')).toBe(en);
  });
});

describe('describeDeadline', () => {
  it('names the column, or its title when given', () => {
    expect(describeDeadline(after('report_date', '7d'), { locale: 'zh-CN' })).toBe('report_date 后7天内');
    expect(describeDeadline(after('report_date', '7d'), { locale: 'en' })).toBe('within 7 days after report_date');
    expect(describeDeadline(after('report_date', '7d'), { locale: 'zh-CN', columnTitles: { report_date: '教师报到' } })).toBe(
      '教师报到后7天内',
    );
  });

  it('uses the titles of common events', () => {
    expect(describeDeadline(afterEvent('semester_start', '7d'), { locale: 'zh-CN' })).toBe('每学期开学后7天内');
    expect(describeDeadline(afterEvent('academic_year_start', '7d'), { locale: 'zh-CN' })).toBe('每学年开学后7天内');
    expect(describeDeadline(afterEvent('year_end', '15d'), { locale: 'zh-CN', events })).toBe('每年年末后15天内');
    expect(describeDeadline(afterEvent('semester_start', '7d'), { locale: 'en' })).toBe(
      'within 7 days after the start of each semester',
    );
  });

  it('reads a yearly event without a title as its date', () => {
    expect(describeDeadline(afterEvent('student_status_review', '30d'), { locale: 'zh-CN', events })).toBe('每年10月1日后30天内');
    expect(describeDeadline(afterEvent('student_status_review', '30d'), { locale: 'en', events })).toBe(
      'within 30 days after October 1 each year',
    );
    expect(describeDeadline(afterEvent('budget_review', '5wd'), { locale: 'zh-CN', events })).toBe(
      '每年3月15日、9月15日后5个工作日内',
    );
  });

  it("falls back to the event name; an event's catalog title comes first, before the common one", () => {
    expect(describeDeadline(afterEvent('rank_notice', '5wd'), { locale: 'zh-CN', events })).toBe('rank_notice 后5个工作日内');
    const titled = [
      { name: 'rank_notice', dates: ['2026-06-15'], yearly: [], title: '职称文件出台' },
      { name: 'semester_start', dates: ['2026-09-07'], yearly: [], title: '秋季学期报到' },
    ];
    expect(describeDeadline(afterEvent('rank_notice', '5wd'), { locale: 'zh-CN', events: titled })).toBe(
      '职称文件出台后5个工作日内',
    );
    expect(describeDeadline(afterEvent('semester_start', '2wd'), { locale: 'zh-CN', events: titled })).toBe(
      '秋季学期报到后2个工作日内',
    );
  });
});
