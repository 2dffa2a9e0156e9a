/**
 * The kinds of object an audit row is about (AuditEntry.objectType, as the server writes it) and how each one's id is
 * written (objectId): what the audit log's filter by object takes. A type added to an appendAudit call is added here
 * and named in admin.audit.objects (test/unit/audit-object-types holds the three together).
 *
 * - `number`: a row id (`12`), typed with or without `#`, in ASCII or full-width digits;
 * - `account`: an account's id, or its login (in any case, as sign-in takes it);
 * - `code`: a department's code (in any case, as /departments/hr takes it);
 * - `day`: a day, YYYY-MM-DD (a scorecard snapshot's);
 * - `text`: as stored (a setting's key, the hub record's `table.field`, the login a failed sign-in typed).
 */
export const AUDIT_OBJECT_TYPES = {
  ticket: 'number',
  report: 'number',
  hub_record: 'text',
  sharing_request: 'number',
  structure_change: 'number',
  department: 'code',
  user: 'account',
  login: 'text',
  check_run: 'number',
  catalog_version: 'number',
  settings: 'text',
  assessment_period: 'number',
  scorecard_appeal: 'number',
  scorecard_weights: 'number',
  scorecard_snapshot: 'day',
} as const satisfies Record<string, 'number' | 'account' | 'code' | 'day' | 'text'>;

export type AuditObjectType = keyof typeof AUDIT_OBJECT_TYPES;
export type AuditObjectIdKind = (typeof AUDIT_OBJECT_TYPES)[AuditObjectType];

export const isAuditObjectType = (type: string): type is AuditObjectType => Object.hasOwn(AUDIT_OBJECT_TYPES, type);

/** The longest object id a row holds (audit_log.object_id). */
export const AUDIT_OBJECT_ID_MAX = 200;

/**
 * The filter that lists one object's rows (its audit trail): `/admin/audit?object_type=ticket&object_id=12`. The page
 * that links it decides who sees the link (`audit.view`, as the audit page).
 */
export function auditTrailHref(type: AuditObjectType, id: string | number): string {
  return `/admin/audit?${new URLSearchParams({ object_type: type, object_id: String(id) }).toString()}`;
}
