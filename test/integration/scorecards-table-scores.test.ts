import { DEFAULT_WEIGHTS } from '../../server/services/scorecards/components';
import { tableScores } from '../../server/services/scorecards';
import { createTestApp, TestApp } from '../helpers/app';

// A table's quality score (shown on sharing requests): the scorecards' formula over the table's own
// checks on the latest snapshot day that holds them, with the weights valid that day.

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const check = (day: string, table: string, kind: string, passed: boolean, violations: number, checked: number) => ({
  department_code: 'HR',
  day,
  table_name: table,
  field_name: kind === 'freshness' ? null : 'f',
  check_kind: kind,
  passed,
  violations,
  checked_rows: checked,
});

it('scores each table from its latest day: freshness, deadline, validity, completeness weighed as for departments', async () => {
  const db = t.db.knex;
  await db('scorecard_check_days').insert([
    // An older day, superseded.
    check('2026-11-20', 'staff_basic', 'required', false, 100, 100),
    // The latest day of staff_basic: stale (0), deadline 0.9, validity (pattern + codes) 1 − 30/200 = 0.85,
    // completeness 1; a custom rule is not scored.
    check('2026-11-21', 'staff_basic', 'freshness', false, 0, 0),
    check('2026-11-21', 'staff_basic', 'deadline', false, 10, 100),
    check('2026-11-21', 'staff_basic', 'pattern', false, 20, 100),
    check('2026-11-21', 'staff_basic', 'codes', false, 10, 100),
    check('2026-11-21', 'staff_basic', 'required', true, 0, 100),
    check('2026-11-21', 'staff_basic', 'rule:headcount', false, 1, 0),
    // Another table, on another day: only a required check, all passing.
    check('2026-11-19', 'org_unit', 'required', true, 0, 60),
  ]);
  const scores = await tableScores(db, ['staff_basic', 'org_unit', 'never_checked']);
  const w = DEFAULT_WEIGHTS;
  const expected =
    (100 * (w.freshness * 0 + w.deadline * 0.9 + w.validity * 0.85 + w.completeness * 1)) /
    (w.freshness + w.deadline + w.validity + w.completeness);
  expect(scores.get('staff_basic')).toEqual({ score: Math.round(expected * 100) / 100, day: '2026-11-21' });
  expect(scores.get('staff_basic')!.score).toBe(66.67); // (20·0 + 20·0.9 + 20·0.85 + 15·1) / 75;
  expect(scores.get('org_unit')).toEqual({ score: 100, day: '2026-11-19' });
  expect(scores.has('never_checked')).toBe(false);
});
