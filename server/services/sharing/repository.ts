import type { Knex } from 'knex';
import { OFFICE_ROLES } from '../../policies/rule';
import { DEPARTMENT_REVIEWER_ROLES } from '../../policies/sharing';
import type { StageRow } from './access';
import type { SharingInput } from './types';

/** Reading requests back: one request with everything it holds, and its input for the edit form. */
type Db = Knex | Knex.Transaction;

/** A row as knex returns it (untyped); columns are read by name and converted where used. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- knex rows are untyped
export type DbRow = Record<string, any>;

export interface LoadedRequest {
  request: DbRow;
  items: { id: number; position: number; table_name: string; fields: string[]; range: string; note: string }[];
  people: {
    kind: 'member' | 'vendor';
    position: number;
    name: string;
    organisation: string;
    staff_no: string | null;
    id_card: string | null;
    phone: string;
  }[];
  returned: { id: number; position: number; description: string; delivered_at: Date | null; delivered_by: number | null }[];
  stages: StageRow[];
  grant: DbRow | null;
  applicant: { id: number; login: string; name: string; department_code: string } | null;
}

export function stageOrder(q: Knex.QueryBuilder) {
  return q.orderBy([{ column: 'stage' }, { column: 'department_code' }, { column: 'id' }]);
}

/**
 * SQL over a stage row `s`: it is a department's review (the applicant unit's or a data source's) that nobody could
 * ever decide — no active user of that department but the applicant holds a reviewer role
 * (DEPARTMENT_REVIEWER_ROLES), and the applicant never decides their own request. The IT office then decides it in
 * the department's place (access.ts holdsStage). Read with the stages, never stored: a steward added or disabled
 * later changes it. The roles are the policy's constants, not input.
 */
export const NO_OTHER_REVIEWER_SQL =
  `(s.kind IN ('applicant_unit', 'source') AND NOT EXISTS (SELECT 1 FROM users AS u JOIN sharing_requests AS ur ON ur.id = s.request_id` +
  ` WHERE u.department_code = s.department_code AND u.id <> ur.applicant_id AND NOT u.disabled` +
  ` AND u.roles && ARRAY[${DEPARTMENT_REVIEWER_ROLES.map((r) => `'${r}'`).join(', ')}]::text[]))`;

/**
 * SQL over a stage row `s`: it is the university leader's approval and no active university leader but the applicant
 * exists (a leader's own request, or no leader account yet). Nobody may give it — the applicant never decides their
 * own request and, unlike a department's review, the IT office does not stand in for a university leader — so the
 * request page says so, for an administrator to give a leader an account. Read with the stages, never stored.
 */
export const NO_LEADER_SQL =
  `(s.kind = 'leader' AND NOT EXISTS (SELECT 1 FROM users AS u JOIN sharing_requests AS ur ON ur.id = s.request_id` +
  ` WHERE u.id <> ur.applicant_id AND NOT u.disabled AND 'univ_leader' = ANY(u.roles)))`;

/**
 * SQL over a stage row `s`: no active IT office account (OFFICE_ROLES) exists but the request's applicant and the
 * people `excluded` (an SQL condition over `u`) — the IT office's decisions that one person may not take twice.
 */
const noOfficeMemberBut = (excluded: string) =>
  `NOT EXISTS (SELECT 1 FROM users AS u JOIN sharing_requests AS ur ON ur.id = s.request_id` +
  ` WHERE u.id <> ur.applicant_id AND NOT u.disabled AND u.roles && ARRAY[${OFFICE_ROLES.map((r) => `'${r}'`).join(', ')}]::text[]` +
  ` AND NOT (${excluded}))`;

/**
 * SQL over a stage row `s`: it is the IT office's final review and nobody may give it — every active office account
 * is the applicant or decided the first review (access.ts decidedFirstReview). Shown while it is pending, for an
 * administrator to give the office another account; read with the stages, never stored.
 */
export const NO_FINAL_REVIEWER_SQL = `(s.kind = 'it_final' AND ${noOfficeMemberBut(
  `EXISTS (SELECT 1 FROM sharing_stages AS f WHERE f.request_id = s.request_id AND f.kind = 'it_first' AND f.decided_by = u.id)`,
)})`;

/**
 * SQL over a stage row `s`: it is a data source's refusal and nobody may conclude an arbitration of it — every active
 * office account is the applicant or made this refusal (in an overdue department's place; access.ts decidedRefusal).
 */
export const NO_ARBITER_SQL = `(s.kind = 'source' AND s.status = 'rejected' AND ${noOfficeMemberBut('u.id = s.decided_by')})`;

/**
 * A request's stages in order, with `no_other_reviewer` (see NO_OTHER_REVIEWER_SQL), `no_leader` (NO_LEADER_SQL),
 * `no_final_reviewer` (NO_FINAL_REVIEWER_SQL), `no_arbiter` (NO_ARBITER_SQL) and the department's `department_name`.
 */
export function stageRows(db: Db, requestId: number) {
  return stageOrder(
    db('sharing_stages as s')
      .where('s.request_id', requestId)
      .select(
        's.*',
        db.raw(`${NO_OTHER_REVIEWER_SQL} AS no_other_reviewer`),
        db.raw(`${NO_LEADER_SQL} AS no_leader`),
        db.raw(`${NO_FINAL_REVIEWER_SQL} AS no_final_reviewer`),
        db.raw(`${NO_ARBITER_SQL} AS no_arbiter`),
        // The department by the name people know it by (notices say 数据来源部门审核（人事处）, not its code).
        db.raw('(SELECT d.name FROM departments AS d WHERE d.code = s.department_code) AS department_name'),
      ),
  );
}

export async function loadRequest(db: Db, id: number): Promise<LoadedRequest | null> {
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  const request = await db('sharing_requests').where({ id }).first();
  if (!request) return null;
  const [items, people, returned, stages, grant, applicant] = await Promise.all([
    db('sharing_items').where({ request_id: id }).orderBy('position'),
    db('sharing_people').where({ request_id: id }).orderBy(['kind', 'position']),
    db('sharing_returned_items').where({ request_id: id }).orderBy('position'),
    stageRows(db, id),
    db('sharing_grants').where({ request_id: id }).first(),
    db('users').where({ id: request.applicant_id }).first('id', 'login', 'name', 'department_code'),
  ]);
  const normStage = (s: DbRow) =>
    ({
      ...s,
      id: Number(s.id),
      request_id: Number(s.request_id),
      decided_by: s.decided_by == null ? null : Number(s.decided_by),
    }) as unknown as StageRow;
  return {
    request: { ...request, id: Number(request.id), applicant_id: Number(request.applicant_id) },
    items: items.map((i: DbRow) => ({ ...i, id: Number(i.id) })) as LoadedRequest['items'],
    people,
    returned: returned.map((r: DbRow) => ({ ...r, id: Number(r.id) })) as LoadedRequest['returned'],
    stages: stages.map(normStage),
    grant: grant ?? null,
    applicant: applicant ? { ...applicant, id: Number(applicant.id) } : null,
  };
}

/** The stored request as form input (to edit a draft, or to show it). */
export function inputOf(loaded: LoadedRequest): SharingInput {
  const form = (loaded.request.form ?? {}) as Partial<SharingInput> & DbRow;
  return {
    applicant: { name: '', staffNo: '', officePhone: '', email: '', contact: '', ...(form.applicant ?? {}) },
    system: { name: '', status: '', domain: '', address: '', onCampus: '', campusAddress: '', ...(form.system ?? {}) },
    whitelist: (loaded.request.whitelist as string[]) ?? [],
    method: loaded.request.method ?? '',
    methodOther: loaded.request.method_other ?? '',
    members: loaded.people
      .filter((p) => p.kind === 'member')
      .map((p) => ({ name: p.name, unit: p.organisation, staffNo: p.staff_no ?? '', phone: p.phone })),
    vendors: loaded.people
      .filter((p) => p.kind === 'vendor')
      .map((p) => ({ name: p.name, company: p.organisation, idCard: p.id_card ?? '', phone: p.phone })),
    datasets: form.datasets ?? [],
    datasetOther: form.datasetOther ?? '',
    items: loaded.items.map((i) => ({ table: i.table_name, fields: i.fields, range: i.range, note: i.note })),
    purpose: loaded.request.purpose ?? '',
    returnedItems: loaded.returned.map((r) => r.description),
    pledgeAccepted: !!loaded.request.pledge_accepted,
  };
}

/** Replaces what the form holds (a draft being saved or submitted). */
export async function writeInput(trx: Knex.Transaction, requestId: number, input: SharingInput): Promise<void> {
  await trx('sharing_items').where({ request_id: requestId }).delete();
  await trx('sharing_people').where({ request_id: requestId }).delete();
  await trx('sharing_returned_items').where({ request_id: requestId }).delete();
  if (input.items.length) {
    await trx('sharing_items').insert(
      input.items.map((i, position) => ({
        request_id: requestId,
        position,
        table_name: i.table.slice(0, 200),
        fields: i.fields,
        range: i.range,
        note: i.note,
      })),
    );
  }
  const people = [
    ...input.members.map((m, position) => ({
      request_id: requestId,
      kind: 'member',
      position,
      name: m.name,
      organisation: m.unit,
      staff_no: m.staffNo,
      id_card: null,
      phone: m.phone,
    })),
    ...input.vendors.map((v, position) => ({
      request_id: requestId,
      kind: 'vendor',
      position,
      name: v.name,
      organisation: v.company,
      staff_no: null,
      id_card: v.idCard,
      phone: v.phone,
    })),
  ];
  if (people.length) await trx('sharing_people').insert(people);
  if (input.returnedItems.length) {
    await trx('sharing_returned_items').insert(
      input.returnedItems.map((description, position) => ({ request_id: requestId, position, description })),
    );
  }
}

export function formColumns(input: SharingInput) {
  return {
    form: JSON.stringify({
      applicant: input.applicant,
      system: input.system,
      datasets: input.datasets,
      datasetOther: input.datasetOther,
    }),
    purpose: input.purpose,
    method: ['api', 'file', 'other'].includes(input.method) ? input.method : null,
    // The text belongs to method "other" only (a draft without a choice yet keeps what was typed).
    method_other: input.method === 'api' || input.method === 'file' ? null : input.methodOther.trim() || null,
    whitelist: JSON.stringify(input.whitelist),
    pledge_accepted: input.pledgeAccepted,
  };
}
