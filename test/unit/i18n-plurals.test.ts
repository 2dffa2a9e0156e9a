import { allKeys, translate } from '../../server/i18n';

// English counts read "Acknowledged 1 ticket", "2 tickets": they read "1 ticket(s)". A `{name|one|other}` placeholder
// takes its first form when the number is 1; Chinese has no plural and keeps its plain placeholders.
describe('plural forms in messages', () => {
  it('takes the singular for 1 and the plural otherwise, zero included', () => {
    expect(translate('en', 'tickets.list.bulk.done', { count: 1 })).toBe('Acknowledged 1 ticket');
    expect(translate('en', 'tickets.list.bulk.done', { count: 2 })).toBe('Acknowledged 2 tickets');
    expect(translate('en', 'tickets.list.bulk.done', { count: 0 })).toBe('Acknowledged 0 tickets');
    expect(translate('zh-CN', 'tickets.list.bulk.done', { count: 1 })).not.toMatch(/[|{}]/);
  });

  it('agrees each count with its own number, and a verb with its noun', () => {
    expect(translate('en', 'catalog.import.problems', { errors: 1, warnings: 3 })).toBe('1 error, 3 warnings');
    expect(translate('en', 'scorecards.dashboard.awaitingTriage', { count: 1, label: 'x' })).toMatch(
      /^1 more error report waits for the IT office to route it,/,
    );
  });

  it('leaves a placeholder without its value as written', () => {
    expect(translate('en', 'tickets.list.bulk.done', {})).toBe('Acknowledged {count} {count|ticket|tickets}');
  });

  it('no English message says "(s)" any more', () => {
    const odd = allKeys('en').filter((k) => /\w\(s\)/.test(translate('en', k)));
    expect(odd).toEqual([]);
  });
});
