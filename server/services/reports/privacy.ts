import type { Catalog } from '../catalog/types';
import { maskFreeText, maskIdCard, maskPersonal, personalKind, type FieldLike } from '../privacy';
import { ticketField, type TicketEventRow } from '../tickets';
import { shownKey } from './describe';
import type { ReportRow } from './types';

/**
 * Personal data in error reports (数据纠错). What reporters and the responsible department type — the
 * description, the values seen and suggested, the department's answer, a reopen reason, a "not ours"
 * reason, a comment — is for the department that fixes the record. Everyone else who reads a report
 * (the IT office, the university leader) reads every piece of that free text masked by one rule,
 * `maskReportText`, wherever it is shown: the report ticket's page and history, someone else's report,
 * the triage queue, the APIs, the IT office's notices.
 */

/** On a report about an ID number: any 15 to 18 digits (the last may be X), valid or not, is one. */
const ID_LIKE = /(?<![0-9A-Za-z*])\d{14,17}[\dXx](?![0-9A-Za-z*])/g;

type Known = readonly (string | null | undefined)[];

/**
 * Free text of a report (its description, an answer, a reason, a comment) for a reader outside the
 * responsible department. Masked, each once and each by the same rule as everywhere else in reports:
 * - the report's own values of a personal field (what reporters saw and suggested, `known`) wherever
 *   the text repeats them, as the field's values are masked (`张叁` → `张*`, `12012347932` → `120****7932`);
 * - ID numbers, mobile numbers, e-mail addresses and other phone-like numbers (`maskFreeText`), and on
 *   an ID-number field any ID-like run of digits.
 * Text that is already masked stays as it is.
 */
export function maskReportText(text: string, field: FieldLike | null, known: Known = []): string {
  const kind = field ? personalKind(field) : null;
  let out = text;
  if (field && kind) {
    const values = [...new Set(known.map((v) => (v ?? '').trim()))]
      .filter((v) => Array.from(v).length >= 2 && !v.includes('*'))
      .sort((a, b) => b.length - a.length);
    for (const v of values) out = out.split(v).join(maskPersonal(v, field));
  }
  out = maskFreeText(out);
  return kind === 'cn_id_card' ? out.replace(ID_LIKE, (m) => maskIdCard(m)) : out;
}

/** A value of the report's field (seen, suggested, the hub's) for a reader outside the department: masked by the field's kind of personal data, then as free text. */
export function maskReportValue(value: string, field: FieldLike | null): string {
  return maskReportText(field ? maskPersonal(value, field) : value, field);
}

/**
 * A report ticket's history for a reader outside the responsible department: every comment (reporters'
 * descriptions, answers, reopen and "not ours" reasons, reassignment notes, comments) through
 * `maskReportText`, and reporters' suggested values through `maskReportValue`. `known`: values of the
 * ticket's reports the text may repeat (seen values; the suggested ones are read from the history).
 * Same signature as the ticket service's `historyForReader`, which it replaces for report tickets.
 */
export function maskReportHistory<E extends Pick<TicketEventRow, 'kind' | 'comment' | 'details'>>(
  history: E[],
  field: FieldLike | null,
  known: Known = [],
): E[] {
  const suggested = history
    .filter((e) => e.kind === 'reported')
    .map((e) => e.details?.suggested_value)
    .filter((v): v is string => typeof v === 'string');
  const values = [...known, ...suggested];
  return history.map((e) => {
    const comment = e.comment === null ? null : maskReportText(e.comment, field, values);
    if (typeof e.details?.suggested_value !== 'string') return { ...e, comment };
    return { ...e, comment, details: { ...e.details, suggested_value: maskReportValue(e.details.suggested_value, field) } };
  });
}

/** The values of reports that their free text may repeat (see `maskReportText`). */
export function knownValues(reports: Pick<ReportRow, 'suggested_value' | 'observed_value' | 'hub_value'>[]): string[] {
  return reports.flatMap((r) => [r.suggested_value, r.observed_value, r.hub_value]).filter((v): v is string => !!v);
}

type Masked = Pick<
  ReportRow,
  | 'table_name'
  | 'field_name'
  | 'record_key'
  | 'description'
  | 'suggested_value'
  | 'observed_value'
  | 'hub_value'
  | 'hub_value_masked'
> &
  Partial<Record<'answer_comment' | 'closed_reason' | 'triage_reason', string | null>>;

const NO_CATALOG: Catalog = {
  calendar: { timezone: 'Asia/Shanghai', events: [], holidays: [], workdays: [] },
  departments: [],
  systems: [],
  tables: [],
  rules: [],
};

/**
 * A report as someone other than its reporter and the responsible department's stewards sees it (the
 * IT office triaging or overseeing, leaders): the values seen and suggested masked by the field's kind
 * of personal data, the record key as tickets show it, and every free text — the description, the
 * department's answer, the closing reason, the triage reason — through `maskReportText`. The hub's
 * value stored masked (its field was sensitive at filing: `hub_value_masked`) is shown as stored (masking
 * it again made `120****7932` into `1********32`); any other is masked as read, so a field the catalog
 * marks sensitive later, or a name no catalog calls sensitive, is not shown in full. The stewards, who must fix the record, and
 * the reporter, who wrote it, see it in full. `known`: other values of the same ticket's reports.
 */
export function maskReportFor<T extends Masked>(catalog: Catalog | null | undefined, r: T, known: Known = []): T {
  const field = ticketField(catalog, r.table_name, r.field_name);
  const values = [...known, r.suggested_value, r.observed_value, r.hub_value];
  const text = <V extends string | null | undefined>(v: V): V =>
    (typeof v === 'string' ? maskReportText(v, field, values) : v) as V;
  const value = (v: string | null) => (v === null ? null : maskReportValue(v, field));
  return {
    ...r,
    record_key: shownKey(catalog ?? NO_CATALOG, r.table_name, r.record_key),
    description: text(r.description),
    suggested_value: value(r.suggested_value),
    observed_value: value(r.observed_value),
    hub_value: r.hub_value_masked ? r.hub_value : value(r.hub_value),
    ...('answer_comment' in r ? { answer_comment: text(r.answer_comment) } : {}),
    ...('closed_reason' in r ? { closed_reason: text(r.closed_reason) } : {}),
    ...('triage_reason' in r ? { triage_reason: text(r.triage_reason) } : {}),
    ...('withdraw_reason' in r ? { withdraw_reason: text(r.withdraw_reason as string | null) } : {}),
  };
}

/** A reporter's objection to the department's answer (a reopen by a reporter, with their reason). */
export function isReportersObjection(e: { kind: string; details?: unknown }): boolean {
  return e.kind === 'reopened' && (e.details as { by?: unknown } | null | undefined)?.by === 'reporter';
}

/**
 * A history entry as a reporter reads it: another reporter's objection is shown as such, without their
 * words (those are for the department, which reads them on the ticket's page; the inbox notice says the
 * same, `notifyReporters`).
 */
export function withoutOtherReportersWords<
  E extends { kind: string; actor_login: string | null; comment: string | null; details?: unknown },
>(e: E, readerLogin: string): E & { by_other_reporter?: boolean } {
  if (!isReportersObjection(e) || e.actor_login === readerLogin) return e;
  return { ...e, comment: null, by_other_reporter: true };
}
