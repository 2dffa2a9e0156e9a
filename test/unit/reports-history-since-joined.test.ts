import { answeredBeforeJoining, joinedTicketAt } from '../../server/services/reports/queries';
import { historySinceJoined } from '../../server/services/reports/ticket-history';

/** Which part of a report ticket's history, and of its current answer, is one report's (its 进展). */
const t = (hhmm: string) => new Date(`2026-03-02T${hhmm}:00+08:00`);
const event = (id: number, kind: string, at: string, details: Record<string, unknown> = {}) => ({
  id,
  kind,
  at: t(at),
  details,
});
const history = [
  event(1, 'reported', '09:00', { report_id: 1 }),
  event(2, 'disputed', '09:30'),
  event(3, 'reported', '10:00', { report_id: 2 }),
  // Same instant as report 2 (an objection reopening the fix): after it.
  event(4, 'reopened', '10:00', { by: 'report', report_id: 2 }),
  event(5, 'answered', '11:00'),
];

describe('historySinceJoined', () => {
  it("starts at the report's own `reported` event", () => {
    const later = { id: 2, status: 'routed' as const, created_at: t('08:00'), triaged_at: null };
    expect(historySinceJoined(history, later).map((e) => e.id)).toEqual([3, 4, 5]);
    const first = { id: 1, status: 'routed' as const, created_at: t('09:00'), triaged_at: null };
    expect(historySinceJoined(history, first).map((e) => e.id)).toEqual([1, 2, 3, 4, 5]);
  });

  it('without one, starts when the report joined: when routed for a report the IT office triaged, else when sent', () => {
    const routed = { id: 9, status: 'routed' as const, created_at: t('08:00'), triaged_at: t('10:00') };
    expect(historySinceJoined(history, routed).map((e) => e.id)).toEqual([3, 4, 5]);
    const direct = { id: 9, status: 'routed' as const, created_at: t('09:30'), triaged_at: null };
    expect(historySinceJoined(history, direct).map((e) => e.id)).toEqual([2, 3, 4, 5]);
  });
});

describe('answeredBeforeJoining', () => {
  const report = { status: 'routed' as const, created_at: t('08:00'), triaged_at: t('10:00') };
  it('is an answer given before the report joined the ticket, not one given as or after it joined', () => {
    expect(joinedTicketAt(report)).toEqual(t('10:00'));
    expect(answeredBeforeJoining({ ...report, answer: 'not_ours', answered_at: t('09:30') })).toBe(true);
    expect(answeredBeforeJoining({ ...report, answer: 'fixed', answered_at: t('10:00') })).toBe(false);
    expect(answeredBeforeJoining({ ...report, answer: null, answered_at: null })).toBe(false);
    // Still waiting for triage: it has joined nothing, and its sending is what counts.
    expect(joinedTicketAt({ status: 'triage', created_at: t('08:00'), triaged_at: null })).toEqual(t('08:00'));
  });
});
