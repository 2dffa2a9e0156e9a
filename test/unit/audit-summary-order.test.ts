import { translator } from '../../server/i18n';
import { summaryLines } from '../../server/presenters/audit';

/**
 * The audit log's summaries as they come back from PostgreSQL: jsonb keeps an object's keys shortest first, so what
 * was written `{from, to, label}` is read `{to, from, label}`. The page lists them in reading order.
 */
const zh = translator('zh-CN');

it('a closed period reads from before to, whatever order the database returns its keys in', () => {
  const stored = { to: '2026-12-05', from: '2026-12-01', label: '2026年11月', departments: 10 };
  expect(summaryLines(stored, zh).map((l) => l.key)).toEqual(['from', 'to', 'label', 'departments']);
});

it("a weights change lists its start date, then the components in the scorecard's order", () => {
  const stored = {
    weights: { tickets: 10, reports: 10, sharing: 10, deadline: 20, validity: 20, freshness: 20, completeness: 10 },
    valid_from: '2026-12-07',
  };
  expect(summaryLines(stored, zh).map((l) => l.key)).toEqual([
    'valid_from',
    'weights.freshness',
    'weights.deadline',
    'weights.validity',
    'weights.completeness',
    'weights.tickets',
    'weights.reports',
    'weights.sharing',
  ]);
});

it('a before/after change keeps its other keys after the changes, in the order stored', () => {
  const stored = { before: { roles: ['user'] }, after: { roles: ['steward'] }, sessionsEnded: 1 };
  expect(summaryLines(stored, zh).map((l) => l.key)).toEqual(['roles', 'sessionsEnded']);
});
