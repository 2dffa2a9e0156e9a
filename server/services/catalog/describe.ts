/**
 * Deadlines and durations in words for the catalog browser: "每学期开学后7天内",
 * "within 7 days after the start of each semester".
 */
import type { CalendarEvent, Deadline, Duration } from './types';

export type Locale = 'zh-CN' | 'en';

/** Titles of event names that catalogs commonly use; a catalog's own names fall back to the name. */
export const COMMON_EVENT_TITLES: Record<string, { 'zh-CN': string; en: string }> = {
  semester_start: { 'zh-CN': '每学期开学', en: 'the start of each semester' },
  semester_end: { 'zh-CN': '每学期末', en: 'the end of each semester' },
  academic_year_start: { 'zh-CN': '每学年开学', en: 'the start of each academic year' },
  academic_year_end: { 'zh-CN': '每学年末', en: 'the end of each academic year' },
  year_start: { 'zh-CN': '每年年初', en: 'the start of each year' },
  year_end: { 'zh-CN': '每年年末', en: 'the end of each year' },
  rank_documents_issued: { 'zh-CN': '职称职务文件出台', en: 'the rank documents are issued' },
  documents_issued: { 'zh-CN': '文件出台', en: 'the documents are issued' },
  scholarship_announced: { 'zh-CN': '奖学金评定公示', en: 'the scholarship results are announced' },
};

const MONTHS_EN = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

export function describeDuration(duration: Duration, locale: Locale): string {
  const n = duration.amount;
  if (locale === 'zh-CN') {
    return duration.unit === 'h' ? `${n}小时` : duration.unit === 'd' ? `${n}天` : `${n}个工作日`;
  }
  const word = duration.unit === 'h' ? 'hour' : duration.unit === 'd' ? 'day' : 'working day';
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** "每年10月1日" / "October 1 each year" for an event that recurs yearly on "10-01". */
function describeYearly(yearly: string[], locale: Locale): string {
  const days = yearly.map((md) => {
    const [month, day] = md.split('-').map(Number);
    return locale === 'zh-CN' ? `${month}月${day}日` : `${MONTHS_EN[month - 1]} ${day}`;
  });
  return locale === 'zh-CN' ? `每年${days.join('、')}` : `${days.join(', ')} each year`;
}

/** Chinese text runs straight on; an ASCII name needs a space before the following 后. */
function joinZh(label: string, rest: string): string {
  return /[A-Za-z0-9_]$/.test(label) ? `${label} ${rest}` : `${label}${rest}`;
}

export interface DescribeOptions {
  locale: Locale;
  /** Column name → what the date in it means, e.g. { report_date: '教师报到' }. */
  columnTitles?: Record<string, string>;
  /** The catalog's events: their titles, and a yearly event without one reads as its date. */
  events?: CalendarEvent[];
}

/** An event in words: its catalog title, the common one for its name, a yearly event's date ("每年10月1日"), else its name. */
export function eventLabel(name: string, options: DescribeOptions): string {
  const event = options.events?.find((e) => e.name === name);
  if (event?.title) return event.title;
  const common = COMMON_EVENT_TITLES[name];
  if (common) return common[options.locale];
  if (event && event.yearly.length > 0 && event.dates.length === 0) return describeYearly(event.yearly, options.locale);
  return name;
}

/**
 * `{after: report_date, within: 7d}` → "report_date 后7天内" (or "教师报到后7天内" with a column title);
 * `{after_event: semester_start, within: 7d}` → "每学期开学后7天内"; working days → "5个工作日内".
 */
export function describeDeadline(deadline: Deadline, options: DescribeOptions): string {
  const within = describeDuration(deadline.within, options.locale);
  const label =
    deadline.kind === 'after'
      ? (options.columnTitles?.[deadline.column] ?? deadline.column)
      : eventLabel(deadline.event, options);
  if (options.locale === 'zh-CN') return joinZh(label, `后${within}内`);
  return `within ${within} after ${label}`;
}
