import {
  DEFAULT_WEIGHTS,
  formatPercent,
  formatScore,
  percentOf,
  roundWithinBounds,
  scoreOf,
} from '../../server/services/scorecards/components';
import { resultsCsv } from '../../server/services/scorecards/export';
import type { PeriodResult } from '../../server/services/scorecards/periods';
import { translator } from '../../server/i18n';

/**
 * How the scorecards show a ratio or a score: rounded half up to what is shown, except that a figure below 100 never
 * reads 100 and one above 0 never reads 0 (a usability review: 规范性 "100.0%" beside "3 条有问题").
 */
describe('scorecard figures as shown', () => {
  it('writes a ratio in percent with one decimal, rounded half up', () => {
    expect(formatPercent(0.9805)).toBe('98.1%');
    expect(formatPercent(0.5)).toBe('50.0%');
    expect(formatPercent(0.12345)).toBe('12.3%');
    expect(formatPercent(0.99949)).toBe('99.9%');
  });

  it('rounds half up what is exactly half way, though binary floating point holds it a hair below', () => {
    // A period's mean component is kept to 4 decimals: 0.5005 (mean of 0.500 and 0.501) is 50.05 %, which half up is
    // 50.1 %; 0.5005 × 1000 is 500.49999999999994 in floating point, and the pages, charts and exports read 50.0 %.
    expect(formatPercent(0.5005)).toBe('50.1%');
    expect(percentOf(0.5005)).toBe(50.1);
    expect(formatPercent(0.0285)).toBe('2.9%');
    // A period's score is the mean of its daily scores: 90.07 and 90.08 average 90.075 (90.07499999999999 as the
    // database's avg returns it), which is 90.08 half up, as Excel's ROUND(AVERAGE(…), 2) says — the pages said 90.07.
    expect(formatScore((90.07 + 90.08) / 2)).toBe('90.08');
    expect(roundWithinBounds(90.07499999999999, 2, 100)).toBe(90.08);
    expect(roundWithinBounds(1.005, 2, 100)).toBe(1.01);
    // What is below half way still rounds down.
    expect(formatScore(90.0749)).toBe('90.07');
    expect(formatPercent(0.50049)).toBe('50.0%');
  });

  it('never writes a ratio below 1 as 100.0%, nor one above 0 as 0.0%', () => {
    // 3 bad records in 20,000.
    expect(formatPercent(1 - 3 / 20_000)).toBe('99.9%');
    expect(formatPercent(0.9995)).toBe('99.9%');
    expect(formatPercent(0.999999)).toBe('99.9%');
    expect(formatPercent(0.0004)).toBe('0.1%');
    expect(formatPercent(0.0000001)).toBe('0.1%');
    // The bounds themselves stay as they are.
    expect(formatPercent(1)).toBe('100.0%');
    expect(formatPercent(0)).toBe('0.0%');
    expect(formatPercent('1')).toBe('100.0%');
  });

  it('gives charts and exports the same numbers', () => {
    expect(percentOf(0.9805)).toBe(98.1);
    expect(percentOf(0.99985)).toBe(99.9);
    expect(percentOf(0.00001)).toBe(0.1);
    expect(percentOf(1)).toBe(100);
    expect(percentOf(0)).toBe(0);
  });

  it('writes a score with two decimals, never 100.00 below 100 nor 0.00 above 0', () => {
    expect(formatScore(77)).toBe('77.00');
    expect(formatScore(99.9)).toBe('99.90');
    expect(formatScore(99.996)).toBe('99.99');
    expect(formatScore(99.999999)).toBe('99.99');
    expect(formatScore(100)).toBe('100.00');
    expect(formatScore(0.001)).toBe('0.01');
    expect(formatScore(0)).toBe('0.00');
    expect(formatScore('56.03')).toBe('56.03');
  });

  it('rounds within bounds at any precision and scale', () => {
    expect(roundWithinBounds(0.99996, 4, 1)).toBe(0.9999);
    expect(roundWithinBounds(0.98765, 4, 1)).toBe(0.9877);
    expect(roundWithinBounds(1, 4, 1)).toBe(1);
    expect(roundWithinBounds(0.00001, 4, 1)).toBe(0.0001);
    // Above the bound (a clamped ratio never is, but the rule leaves it to plain rounding).
    expect(roundWithinBounds(100.004, 2, 100)).toBe(100);
  });

  it('scores a department with 3 problems in 100,000 records below one without any', () => {
    const values = {
      freshness: 1,
      deadline: 1,
      validity: 1 - 3 / 100_000,
      completeness: 1,
      tickets: 1,
      reports: null,
      sharing: null,
    };
    // 100 × (20 + 20 + 20 × 0.99997 + 15 + 15) / 90 = 99.99933…: 99.99, not 100.
    expect(scoreOf(values, DEFAULT_WEIGHTS)).toBe(99.99);
    expect(scoreOf({ ...values, validity: 1 }, DEFAULT_WEIGHTS)).toBe(100);
  });

  it('writes the CSV export with the same figures', () => {
    const result = {
      rank: 1,
      department: 'STU',
      name: '学生处',
      score: 99.996,
      days: 1,
      freshness: null,
      deadline: null,
      validity: 1 - 3 / 20_000,
      completeness: 1,
      tickets: null,
      reports: null,
      sharing: null,
      tickets_active: 0,
      tickets_overdue: 0,
      tickets_escalated: 0,
      median_resolve_hours: null,
      reports_received: 0,
    } as unknown as PeriodResult;
    const line = resultsCsv([result], translator('zh-CN')).split('\r\n')[1].split(',');
    // rank, code, name, score, freshness, deadline, validity, completeness…
    expect(line.slice(0, 8)).toEqual(['1', 'STU', '学生处', '99.99', '', '', '99.9', '100.0']);
  });
});
