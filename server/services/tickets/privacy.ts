import type { Catalog } from '../catalog/types';
import { classifyKey, maskFreeText, maskPersonal, maskValue, type FieldLike } from '../privacy';
import type { TicketEventRow } from './queries';
import type { TicketRow } from './types';

/**
 * Personal data on tickets. The responsible department's stewards fix the record and see what
 * reporters wrote in full; everyone else who reads tickets (the IT office, leaders) sees it masked,
 * as the audit log keeps it.
 */

/** The catalog's field (for its validator and `sensitive` flag), or just its name when the catalog no longer has it. */
export function ticketField(catalog: Catalog | null | undefined, table: string, field: string | null): FieldLike | null {
  if (!field) return null;
  return catalog?.tables.find((t) => t.name === table)?.fields.find((f) => f.name === field) ?? { name: field, sensitive: false };
}

/** A suggested value as a reader outside the department sees it: masked by the field's kind of personal data, and any ID number, mobile or e-mail inside it. */
export function maskSuggestedValue(value: string, field: FieldLike | null): string {
  return maskFreeText(field ? maskPersonal(value, field) : value);
}

/**
 * Free text people type into a ticket — comments, and the reasons and notes given with a transition
 * (fixed, closed), a dispute, a reassignment, a reopen or a report answer — as everyone reads it,
 * its author included: ID numbers, phone numbers (mobiles, landlines, mistyped or spaced ones) and e-mails inside
 * it masked (`110101********7777`, `138****5678`, `037*-****1234`), as the audit log and the sharing pages mask
 * typed text (`maskFreeText`). The text is stored as typed (`ticket_events.comment`, `tickets.closed_reason`), as
 * evidence; what it says about a person is nobody's to read on a page, in the API or in an export —
 * the record itself is in the hub, for those who may read it there. Reporters' descriptions (`reported`)
 * are the exception: the department that fixes the record reads them in full (`historyForReader`).
 */
export function shownFreeText(text: string | null): string | null {
  return text === null ? null : maskFreeText(text);
}

/** A ticket's history as every reader sees it: every comment but reporters' descriptions through `shownFreeText`. */
export function historyAsShown(history: TicketEventRow[]): TicketEventRow[] {
  return history.map((e) => (e.kind === 'reported' || e.comment === null ? e : { ...e, comment: shownFreeText(e.comment) }));
}

/**
 * A ticket's history for a reader outside the responsible department: reporters' suggested values
 * masked (`maskSuggestedValue`), and ID numbers, phone numbers and e-mails inside reporters' descriptions.
 */
export function historyForReader(history: TicketEventRow[], field: FieldLike | null): TicketEventRow[] {
  return history.map((e) => {
    if (e.kind !== 'reported') return e;
    const details = { ...e.details };
    if (typeof details.suggested_value === 'string') details.suggested_value = maskSuggestedValue(details.suggested_value, field);
    return { ...e, comment: e.comment === null ? null : maskFreeText(e.comment), details };
  });
}

/**
 * A report ticket's record key as anyone who reads tickets may see it: the copy masked at filing
 * (its one sample key: sensitive key columns masked, as in every sample). `tickets.record_key` keeps
 * the raw key to match later reports to the ticket; it is never shown. Without that copy every value
 * is masked (by its column's name, else as text).
 */
export function shownRecordKey(t: Pick<TicketRow, 'record_key' | 'sample_keys'>): Record<string, string> | null {
  if (!t.record_key) return null;
  const sample = t.sample_keys?.[0];
  const columns = Object.keys(t.record_key);
  if (sample && columns.length === Object.keys(sample).length && columns.every((c) => c in sample)) return sample;
  return Object.fromEntries(columns.map((c) => [c, String(maskValue(t.record_key![c], classifyKey(c) ?? 'text') ?? '')]));
}
