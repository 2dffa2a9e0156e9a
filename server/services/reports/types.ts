import type { CatalogField, CatalogTable } from '../catalog/types';

/** A report as the database gives it back. */
export interface ReportRow {
  id: number;
  reporter_id: number;
  ticket_id: number | null;
  status: ReportStatus;
  table_name: string;
  field_name: string;
  record_key: Record<string, string>;
  department_code: string;
  description: string;
  suggested_value: string | null;
  /** The value the reporter saw and believes wrong (optional). */
  observed_value: string | null;
  attachment_id: number | null;
  hub_found: boolean | null;
  /** Masked when the field is sensitive; for the people entitled to the hub's value (lookupAccess). */
  hub_value: string | null;
  /** Whether `hub_value` was stored masked (its field was sensitive at filing): shown as stored, never masked again. */
  hub_value_masked: boolean;
  /** Whether the hub held exactly `observed_value` at filing; null when none was given or the hub was not asked. */
  hub_matches: boolean | null;
  triage_reason: string | null;
  triaged_at: Date | null;
  triaged_by: string | null;
  ip: string | null;
  created_at: Date;
  /** When its reporter withdrew it (status `withdrawn`), and their optional reason. */
  withdrawn_at: Date | null;
  withdraw_reason: string | null;
}

/**
 * `triage`: waiting for the IT office (triage-first setting); `routed`: has a ticket; `rejected`: turned down at triage;
 * `withdrawn`: taken back by its reporter (withdraw.ts; a routed one keeps `ticket_id`, the ticket it left).
 */
export type ReportStatus = 'triage' | 'routed' | 'rejected' | 'withdrawn';

/** What the body of a report may hold (form or API), before validation. */
export interface RawReport {
  table?: unknown;
  field?: unknown;
  record_key?: unknown;
  description?: unknown;
  suggested_value?: unknown;
  observed_value?: unknown;
}

/** A valid report: the catalog's table and field, the key by the table's key columns. */
export interface ReportInput {
  table: CatalogTable;
  field: CatalogField;
  recordKey: Record<string, string>;
  description: string;
  suggestedValue: string | null;
  observedValue: string | null;
}

export interface Attachment {
  filename: string;
  buffer: Buffer;
}

/** Reports one user may file per rolling hour (counted in the database, so it holds across instances). */
export const REPORTS_PER_HOUR = 20;
/** Look-ups of the report form one user may make per hour (counted in the database, whatever the outcome). */
export const LOOKUPS_PER_HOUR = 30;
export const MAX_DESCRIPTION = 2000;
export const MAX_SUGGESTED_VALUE = 500;
export const MAX_KEY_VALUE = 200;
