import { AUDIT_OBJECT_ID_MAX } from '../services/audit/objects';
import { TRIAGE_REASON_MAX } from '../services/reports/submit';
import { MAX_DESCRIPTION, MAX_KEY_VALUE, MAX_SUGGESTED_VALUE } from '../services/reports/types';
import { WITHDRAW_REASON_MAX } from '../services/reports/withdraw';
import { PERIOD_LABEL_MAX } from '../services/scorecards/periods';
import { MAX_WEIGHTS_NOTE } from '../services/scorecards/weights';
import { BOX_MAX } from '../services/sharing/form-fields';
import { ID_CARD_LENGTH } from '../services/sharing/identity';
import { MAX_ACTION_TEXT } from '../services/sharing/sent-text';
import { STRUCTURE_TEXT_MAX } from '../services/sharing/structure-changes';
import { MAX_COMMENT } from '../services/tickets/transitions';
import { API_TOKEN_LABEL_MAX, LOGIN_MAX, USER_FILTER_MAX } from '../services/users';
import { MAX_PASSWORD_LENGTH } from '../services/users/passwords';
import { USER_LIMITS } from '../services/users/validate';

/**
 * The text boxes' limits, by name: every `maxlength` in views/ is `{{limit "name"}}` (or `{{limit "name" "field"}}` for
 * a service's table of limits by field), so the browser stops a text where the service checking it refuses it, and
 * no page types a number of its own nor depends on its route passing one. Each entry is the service's own exported
 * constant, never a number written here (test/unit/view-limits.test.ts compares them). A browser counts UTF-16 units
 * where the services count characters (services/characters.ts), so with an emoji or a rare character of Extension B
 * a box stops a little early, never late; the server still measures and says 最多 2000 个字符（已填写 N 个）.
 */
export const VIEW_LIMITS = {
  // An account: its login (also the audit log's actor filter: an actor is a login), name, e-mail, password (the
  // administrator's reset and one's own change) and an API token's label.
  'account.login': LOGIN_MAX,
  'account.name': USER_LIMITS.name,
  'account.email': USER_LIMITS.email,
  'account.password': MAX_PASSWORD_LENGTH,
  'account.tokenLabel': API_TOKEN_LABEL_MAX,
  // The accounts list's search text (read up to there, the rest cut); the audit log's object id filter.
  'admin.userFilter': USER_FILTER_MAX,
  'audit.objectId': AUDIT_OBJECT_ID_MAX,
  // The report form (services/reports/validate.ts): a key value, the value seen, what is wrong, the correct value. A
  // key's box added by the page's script (public/js/reports.js) takes its limit from the page's `data-key-max`.
  'report.key': MAX_KEY_VALUE,
  'report.observed': MAX_SUGGESTED_VALUE,
  'report.description': MAX_DESCRIPTION,
  'report.suggested': MAX_SUGGESTED_VALUE,
  // The triage queue's reason to turn a report down (rejectTriagedReport); the reporter's reason to withdraw.
  'report.rejectReason': TRIAGE_REASON_MAX,
  'report.withdrawReason': WITHDRAW_REASON_MAX,
  // Every comment and reason of a ticket (fix note, dispute, more time, reassignment, dismissal, closing, comment), a
  // report ticket's answer and the reasons to reopen one (the office's, the reporter's): the ticket service's.
  'ticket.comment': MAX_COMMENT,
  // The sharing request form's boxes by their column (`purpose`, `members.phone`): `{{limit "sharing.box" "purpose"}}`.
  'sharing.box': BOX_MAX,
  // A vendor's resident ID number: its 18 characters, as no longer text is one (a longer one sent is measured by the
  // wider `sharing.box` limit).
  'sharing.idCard': ID_CARD_LENGTH,
  // A request's decision comment, objection, arbitration note or conclusion, reason to revoke (sentText).
  'sharing.actionText': MAX_ACTION_TEXT,
  // A structure change's description and contact, the IT office's review note: `{{limit "sharing.structure" "note"}}`.
  'sharing.structure': STRUCTURE_TEXT_MAX,
  // A closed assessment period's name; a weights version's note.
  'scorecards.periodLabel': PERIOD_LABEL_MAX,
  'scorecards.weightsNote': MAX_WEIGHTS_NOTE,
} as const satisfies Readonly<Record<string, number | Readonly<Record<string, number>>>>;

export type ViewLimitName = keyof typeof VIEW_LIMITS;

/**
 * A text box's limit by its name (VIEW_LIMITS), and its field's in a table of limits by field. A name or field not
 * there, a field given for a single limit or none for a table throws: the page is not rendered (a 500 in every test
 * that opens it) rather than a box rendered with `maxlength=""`, i.e. none, after a typo.
 */
export function viewLimit(name: unknown, field?: unknown): number {
  if (typeof name !== 'string' || !Object.hasOwn(VIEW_LIMITS, name))
    throw new Error(`{{limit}}: no text box limit is named ${JSON.stringify(name)} (server/views/limits.ts VIEW_LIMITS)`);
  const entry: number | Readonly<Record<string, number>> = VIEW_LIMITS[name as ViewLimitName];
  if (typeof entry === 'number') {
    if (field !== undefined)
      throw new Error(`{{limit "${name}"}} is one number: no field ${JSON.stringify(field)} (server/views/limits.ts)`);
    return entry;
  }
  if (typeof field !== 'string' || !Object.hasOwn(entry, field))
    throw new Error(
      `{{limit "${name}" …}}: ${field === undefined ? 'a field is needed' : `no field ${JSON.stringify(field)}`}; it has ${Object.keys(entry).join(', ')} (server/views/limits.ts)`,
    );
  return entry[field];
}

/**
 * The `limit` helper (views/engine.ts): `{{limit "ticket.comment"}}`, `{{limit "sharing.box" "members.phone"}}`. Handlebars
 * passes its options last; more arguments than a name and a field throw, as an unknown name does.
 */
export function limitHelper(...args: unknown[]): number {
  const given = args.slice(0, -1);
  if (given.length < 1 || given.length > 2)
    throw new Error(`{{limit}} takes a name and, for a table of limits, a field; got ${given.length} arguments`);
  // `{{limit "sharing.box" typo}}`: a field that names nothing is a mistake, not a request for the single limit.
  if (given.length === 2 && typeof given[1] !== 'string')
    throw new Error(`{{limit ${JSON.stringify(given[0])} …}}: the field is ${String(given[1])}, not a name`);
  return viewLimit(given[0], given[1]);
}
