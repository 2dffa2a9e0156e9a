import type { Knex } from 'knex';
import { NO_OTHER_REVIEWER_SQL, type DbRow } from './repository';
import type { CurrentUser } from '../../policies';
import { can } from '../../policies';
import { loadCurrentCatalog } from '../catalog/repository';
import { maskFreeText } from '../privacy';
import { catalogTable } from '../catalog/names';
import { whereNeverSubmitted } from './types';

/** The lists: my requests, my review queue, all requests (IT office), each with tables and current stages. */
export interface ListFilters {
  /** Who reads the list: a draft is its author's alone, whoever else may list every request. */
  viewerId: number;
  applicantId?: number;
  status?: string;
  department?: string;
  ids?: number[];
  /** Requests with a stage this user decided (approved or refused) or an arbitration they concluded: 我审核过的. */
  decidedBy?: number;
}

export interface ListStage {
  id: number;
  stage: number;
  kind: string;
  department: string | null;
  status: string;
  due_on: string | null;
  decided_by: number | null;
  decided_by_name: string | null;
  decided_at: Date | null;
}

export interface ListRow {
  id: number;
  status: string;
  purpose: string;
  applicant_id: number;
  applicant_name: string;
  department_code: string;
  /** The form's 系统名称 (masked as the purpose), what tells one request of the same tables from another; null when blank. */
  system_name: string | null;
  submitted_at: Date | null;
  created_at: Date;
  /** The requested tables as the current catalog spells them (a draft saved as `Staff_Basic` lists `staff_basic`). */
  tables: string[];
  /** The same tables with their catalog titles, for the pages (学生缴费信息 student_payment); null for a table the catalog no longer has. */
  tableLabels: { name: string; title: string | null }[];
  /** Every stage, in order (the API shows them); `pending` are those waiting for a decision now. */
  stages: ListStage[];
  /** `no_other_reviewer`: a department's review nobody but the applicant could give (the IT office stands in). */
  pending: { kind: string; department: string | null; due_on: string | null; no_other_reviewer: boolean }[];
  /** `requested` while the applicant's objection to a refusal waits for the IT office (seed 002 art. 22). */
  arbitration: string | null;
  /** A granted request's grant: its last day and whether it was revoked (grants.ts grantState tells its state). */
  grant: { expires_on: string; revoked_at: Date | null } | null;
}

export async function listRequests(
  db: Knex,
  filters: ListFilters,
  limit: number,
  offset: number,
): Promise<{ rows: ListRow[]; total: number }> {
  const base = db('sharing_requests as r');
  // Never submitted (a draft, or one withdrawn as a draft: neverSubmitted): its applicant's alone.
  base.where((q) => q.whereNot((never) => whereNeverSubmitted(never, 'r')).orWhere('r.applicant_id', filters.viewerId));
  if (filters.applicantId !== undefined) base.where('r.applicant_id', filters.applicantId);
  if (filters.status) base.where('r.status', filters.status);
  if (filters.department) base.where('r.department_code', filters.department);
  if (filters.ids) base.whereIn('r.id', filters.ids.length ? filters.ids : [-1]);
  // A stage they decided, or the arbitration they concluded (seed 002 art. 22: the IT office's conclusion is a review).
  if (filters.decidedBy !== undefined)
    base.where((q) =>
      q
        .whereExists((stage) =>
          stage
            .select(db.raw('1'))
            .from('sharing_stages as ds')
            .whereRaw('ds.request_id = r.id')
            .where('ds.decided_by', filters.decidedBy!),
        )
        .orWhere('r.arbitrated_by', filters.decidedBy!),
    );
  const [{ n }] = await base.clone().count({ n: '*' });
  const rows = await base
    .clone()
    .join('users as u', 'u.id', 'r.applicant_id')
    .orderBy('r.id', 'desc')
    .limit(limit)
    .offset(offset)
    .select(
      'r.id',
      'r.status',
      'r.purpose',
      'r.applicant_id',
      'u.name as applicant_name',
      'r.department_code',
      'r.submitted_at',
      'r.created_at',
      'r.arbitration',
      // The one value the list shows of the form, read in SQL: the whole form (members, vendors, items) is not loaded.
      db.raw(`r.form->'system'->>'name' AS system_name`),
    );
  const ids = rows.map((r: { id: number }) => Number(r.id));
  const [items, stages, current, grants] = await Promise.all([
    db('sharing_items')
      .whereIn('request_id', ids.length ? ids : [-1])
      .orderBy(['request_id', 'position'])
      .select('request_id', 'table_name'),
    db('sharing_stages as s')
      .whereIn('s.request_id', ids.length ? ids : [-1])
      .orderBy(['s.request_id', 's.stage', 's.department_code', 's.id'])
      .select(
        's.id',
        's.request_id',
        's.stage',
        's.kind',
        's.department_code',
        's.status',
        's.due_on',
        's.decided_by',
        's.decided_by_name',
        's.decided_at',
        db.raw(`${NO_OTHER_REVIEWER_SQL} AS no_other_reviewer`),
      ),
    loadCurrentCatalog(db),
    db('sharing_grants')
      .whereIn('request_id', ids.length ? ids : [-1])
      .select('request_id', 'expires_on', 'revoked_at'),
  ]);
  // Rows stored before drafts were saved in the catalog's spelling keep what was typed: shown as the catalog spells it.
  const tableName = (name: string) => catalogTable(current?.catalog, name)?.name ?? name;
  const tablesOf = (requestId: number): string[] =>
    items
      .filter((i: { request_id: number }) => Number(i.request_id) === requestId)
      .map((i: { table_name: string }) => tableName(i.table_name));
  const stagesOf = (requestId: number) => stages.filter((s: { request_id: number }) => Number(s.request_id) === requestId);
  return {
    total: Number(n),
    rows: rows.map((r: DbRow) => ({
      ...r,
      // Masked as the purpose is; null when left blank.
      system_name: typeof r.system_name === 'string' && r.system_name.trim() ? maskFreeText(r.system_name.trim()) : null,
      // Free text: lists show no personal data, so an ID or phone number typed into the purpose is masked.
      purpose: typeof r.purpose === 'string' ? maskFreeText(r.purpose) : r.purpose,
      id: Number(r.id),
      applicant_id: Number(r.applicant_id),
      arbitration: r.arbitration ?? null,
      tables: tablesOf(Number(r.id)),
      tableLabels: tablesOf(Number(r.id)).map((name) => ({ name, title: catalogTable(current?.catalog, name)?.title ?? null })),
      stages: stagesOf(Number(r.id)).map((s: DbRow) => ({
        id: Number(s.id),
        stage: s.stage,
        kind: s.kind,
        department: s.department_code,
        status: s.status,
        due_on: s.due_on,
        decided_by: s.decided_by == null ? null : Number(s.decided_by),
        decided_by_name: s.decided_by_name,
        decided_at: s.decided_at,
      })),
      pending: stagesOf(Number(r.id))
        .filter((s: DbRow) => s.status === 'pending')
        .map((s: DbRow) => ({
          kind: s.kind,
          department: s.department_code,
          due_on: s.due_on,
          no_other_reviewer: s.no_other_reviewer === true,
        })),
      grant:
        grants
          .filter((g: DbRow) => Number(g.request_id) === Number(r.id))
          .map((g: DbRow) => ({ expires_on: g.expires_on, revoked_at: g.revoked_at ?? null }))[0] ?? null,
    })) as ListRow[],
  };
}

/**
 * Requests waiting at a stage this user holds now (never their own); the IT office also sees overdue source stages,
 * departments' reviews nobody but the applicant could give (access.ts lacksOtherReviewer), and refusals whose
 * applicant asked it to arbitrate (the request is 不共享 with no stage pending, and waits for the office all the same).
 */
export async function queueIds(db: Knex, user: CurrentUser, today: string): Promise<number[]> {
  const q = db('sharing_stages as s')
    .join('sharing_requests as r', 'r.id', 's.request_id')
    .where('s.status', 'pending')
    .whereIn('r.status', ['submitted', 'in_review'])
    .whereNot('r.applicant_id', user.id)
    .where((w) => {
      w.whereRaw('false');
      if (can(user, 'sharing.decide_unit', { department: user.department }))
        w.orWhere((x) => x.where('s.kind', 'applicant_unit').where('s.department_code', user.department));
      if (can(user, 'sharing.decide_source', { department: user.department }))
        w.orWhere((x) => x.where('s.kind', 'source').where('s.department_code', user.department));
      if (can(user, 'sharing.decide_office')) {
        w.orWhere('s.kind', 'it_first');
        // The final review, unless this user decided the first one (another person decides it).
        w.orWhere((x) =>
          x
            .where('s.kind', 'it_final')
            .whereNotExists((f) =>
              f
                .select(db.raw('1'))
                .from('sharing_stages as f')
                .whereRaw('f.request_id = s.request_id')
                .where('f.kind', 'it_first')
                .where('f.decided_by', user.id),
            ),
        );
        w.orWhere((x) => x.where('s.kind', 'source').where('s.due_on', '<', today));
        w.orWhereRaw(NO_OTHER_REVIEWER_SQL);
      }
      if (can(user, 'sharing.decide_leader')) w.orWhere('s.kind', 'leader');
    })
    .distinct('s.request_id');
  const ids = (await q).map((r: { request_id: number }) => Number(r.request_id));
  if (!can(user, 'sharing.decide_office')) return ids;
  // Not to whoever made the refusal in dispute (workflow.ts arbitrate refuses them).
  const arbitrations = await db('sharing_requests as r')
    .where({ 'r.status': 'rejected', 'r.arbitration': 'requested' })
    .whereNot('r.applicant_id', user.id)
    .whereNotExists((q) =>
      q
        .select(db.raw('1'))
        .from('sharing_stages as s')
        .whereRaw('s.request_id = r.id')
        .where({ 's.kind': 'source', 's.status': 'rejected', 's.decided_by': user.id }),
    )
    .pluck('r.id');
  return [...ids, ...arbitrations.map(Number)];
}
