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

  it('says "1 minute" when a password lock has a minute left, and "1 department" or "1 table" where there is one', () => {
    expect(translate('en', 'auth.password.locked', { minutes: 1 })).toMatch(
      /^Too many wrong current passwords: try again in 1 minute\./,
    );
    expect(translate('en', 'auth.password.locked', { minutes: 15 })).toMatch(/try again in 15 minutes\./);
    expect(translate('en', 'scorecards.snapshot.done', { day: '2026-12-07', count: 1 })).toBe(
      'Snapshot of 2026-12-07 taken (1 department)',
    );
    expect(translate('en', 'scorecards.heat.note', { shown: 1, total: 1 })).toMatch(/^1 of 1 table,/);
    expect(translate('en', 'scorecards.notices.closedScored', { rank: 1, ranked: 1 })).toContain('ranked 1 of 1 department.');
  });

  it('says "1 working day" and "1 row" in the tickets\' history and messages', () => {
    expect(translate('en', 'tickets.history.recheckFailed', { violations: '1' })).toBe(
      'Re-check failed: 1 row still violates the check',
    );
    expect(translate('en', 'tickets.history.recheckFailed', { violations: '3,000' })).toBe(
      'Re-check failed: 3,000 rows still violate the check',
    );
    expect(translate('en', 'tickets.history.disputeDismissed', { days: 1, due: '2026-03-10' })).toBe(
      'the department keeps it; due date moved on by 1 working day to 2026-03-10',
    );
    expect(translate('en', 'tickets.history.noReply', { days: 1 })).toBe(
      'No objection from the reporters within 1 working day of the fix: confirmed automatically',
    );
    expect(translate('en', 'tickets.errors.extensionMoreThanAsked', { asked: 1 })).toBe(
      'may not be more than the 1 working day asked for',
    );
    expect(translate('en', 'tickets.errors.extensionMoreThanAsked', { asked: 3 })).toBe(
      'may not be more than the 3 working days asked for',
    );
    // The grant form's line: the page fills in {days} (more than 1) and {newDue} as the office types.
    expect(translate('en', 'tickets.actions.grantPreview', { days: '{days}', due: '2026-04-02', newDue: '{newDue}' })).toBe(
      'Granting {days} working days moves the due date from 2026-04-02 to {newDue}.',
    );
    expect(translate('en', 'tickets.actions.grantPreview', { days: 1, due: '2026-04-02', newDue: '{newDue}' })).toBe(
      'Granting 1 working day moves the due date from 2026-04-02 to {newDue}.',
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
