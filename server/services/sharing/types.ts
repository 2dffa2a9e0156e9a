/** The vocabulary of data-sharing requests (seed 000's form and workflow). */
import type { Knex } from 'knex';
import type { FieldError } from '../../errors';

export const REQUEST_STATUSES = ['draft', 'submitted', 'in_review', 'granted', 'rejected', 'withdrawn'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export const METHODS = ['api', 'file', 'other'] as const;
export type Method = (typeof METHODS)[number];

export const SYSTEM_STATUSES = ['building', 'running'] as const;

/** 数据集名称 (seed 000): the eight dataset categories; `other` takes a text. */
export const DATASETS = ['school', 'staff', 'student', 'teaching', 'assets', 'card', 'public_service', 'other'] as const;
export type Dataset = (typeof DATASETS)[number];

/** The IT office's standard reasons for 不共享 (seed 000), plus `other` with free text. */
export const REJECTION_REASONS = [
  'not_current_staff',
  'data_not_available',
  'data_incomplete',
  'scope_too_large',
  'other',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** 1 applicant unit's steward, 2 IT office first review, 3 data-source departments, 4 univ leader, 5 IT office final. */
export type StageKind = 'applicant_unit' | 'it_first' | 'source' | 'leader' | 'it_final';
export const STAGE_NUMBER: Record<StageKind, number> = { applicant_unit: 1, it_first: 2, source: 3, leader: 4, it_final: 5 };

export type StageStatus = 'waiting' | 'pending' | 'approved' | 'rejected' | 'cancelled' | 'overturned';

/** Seed 000 note 3: sensitive personal information of this many records or more needs the leader. */
export const LEADER_ROW_THRESHOLD = 2000;
/** Seed 002 art. 22: the data-source department answers within 5 working days. */
export const SOURCE_REVIEW_WORKING_DAYS = 5;
/** Grants are reminded this many days before they expire. */
export const EXPIRY_REMINDER_DAYS = 30;
/** The text of the "other" integration method, in characters. */
export const METHOD_OTHER_MAX = 200;
/**
 * The most a request's free text may hold, in characters, drafts included (a draft skips the
 * completeness checks, not these): what the boxes of seed 000's form hold. `short`: names, numbers,
 * addresses, a table or field name, a choice; `itemText`: a table's data range and note; `purpose`
 * and the multi-line lists (whitelist, returned data items, one per line) as a whole: `long`.
 */
export const SHARING_TEXT_MAX = { short: 200, itemText: 500, long: 2000 } as const;
/** The most rows of each list of a request (tables, fields of one table, project members, vendor developers). */
export const SHARING_ROWS_MAX = { items: 50, fields: 1000, members: 50, vendors: 50 } as const;
/**
 * Data-structure change requests (数据结构变更申请, seed 003 Att. 1): submitted → approved → completed, or
 * rejected. A change is pending — its tables carry the "structure change pending" marker, on the request
 * pages and on the change list — until it is rejected or reported done. The one definition of both.
 */
export const STRUCTURE_CHANGE_STATUSES = ['submitted', 'approved', 'rejected', 'completed'] as const;
export type StructureChangeStatus = (typeof STRUCTURE_CHANGE_STATUSES)[number];
export const STRUCTURE_CHANGE_PENDING: readonly StructureChangeStatus[] = ['submitted', 'approved'];
export function isStructureChangePending(status: string): boolean {
  return (STRUCTURE_CHANGE_PENDING as readonly string[]).includes(status);
}

/** Data-structure change requests: the contact and the system name, as their columns hold them (varchar(200)). */
export const STRUCTURE_CONTACT_MAX = 200;
export const STRUCTURE_SYSTEM_MAX = 200;

/** Length in characters (code points), as PostgreSQL counts a varchar's. */
export function charCount(text: string): number {
  return [...text].length;
}
/** A grant without an explicit expiry lasts one year. */
export const DEFAULT_GRANT_DAYS = 365;
/**
 * The longest a grant may last, in years from the day it is given (the final review): an expiry after that day three
 * years on is refused (422 on `expires_on`), on the page and the API — 9999-12-31 gave the data for good. The decision
 * form's label says it (sharing.detail.expiresOn: 最长三年).
 */
export const GRANT_MAX_YEARS = 3;

export interface RequestItem {
  table: string;
  fields: string[];
  range: string;
  note: string;
}

export interface ProjectMember {
  name: string;
  unit: string;
  staffNo: string;
  phone: string;
}

export interface VendorDeveloper {
  name: string;
  company: string;
  idCard: string;
  phone: string;
}

/** Everything the form holds, as typed (strings stay strings so a failed submit shows them again). */
export interface SharingInput {
  applicant: { name: string; staffNo: string; officePhone: string; email: string; contact: string };
  system: {
    name: string;
    status: string;
    domain: string;
    address: string;
    onCampus: string;
    campusAddress: string;
  };
  whitelist: string[];
  method: string;
  methodOther: string;
  members: ProjectMember[];
  vendors: VendorDeveloper[];
  datasets: string[];
  datasetOther: string;
  items: RequestItem[];
  purpose: string;
  returnedItems: string[];
  pledgeAccepted: boolean;
  /** Values of the wrong JSON type in an API body (`"members": "x"`), by field; reported with the rest. */
  typeErrors?: FieldError[];
}

/**
 * A request nobody but its applicant may see: a draft, and a draft its applicant withdrew before submitting it (it
 * never reached an approver; it may hold vendors' ID numbers and phones). Withdrawing a draft made it `withdrawn`,
 * which every other rule read as a request the IT office oversees: on 全部申请, its page and files in full.
 */
export function neverSubmitted(request: { status?: unknown; submitted_at?: unknown }): boolean {
  return request.status === 'draft' || request.submitted_at == null;
}

/** neverSubmitted as a query's condition, on `sharing_requests` (`alias`: its alias in the query, e.g. `r`). */
export function whereNeverSubmitted(q: Knex.QueryBuilder, alias?: string): Knex.QueryBuilder {
  const column = (name: string) => (alias ? `${alias}.${name}` : name);
  return q.where(column('status'), 'draft').orWhereNull(column('submitted_at'));
}
