import type { Knex } from 'knex';
import { importCatalog } from '../../server/services/catalog/repository';
import { createTestApp, TestApp } from '../helpers/app';

/**
 * Hand-made check runs, tickets and sharing reviews for scorecard tests. Instants are given in
 * Beijing time ("2026-11-20T10:00+08:00") so that a test reads like the day it is about.
 */
export const SCORECARD_CATALOG = `
calendar:
  timezone: Asia/Shanghai
  events:
    semester_start: [2026-02-23, 2026-09-07]
    academic_year_start: [2026-09-07]
departments:
  - { code: HR, name: 人事处 }
  - { code: ORG, name: 党委组织部 }
  - { code: STU, name: 学生处 }
tables:
  - name: staff
    title: 教职工基本信息
    department: HR
    sharing: conditional
    key: [staff_no]
    updated_at: update_time
    fields:
      - { name: staff_no, title: 职工号, required: true, pattern: '^[0-9]{8}$' }
      - { name: political_status, title: 政治面貌, department: ORG }
  - name: payroll
    title: 工资发放
    department: HR
    sharing: conditional
    key: [staff_no]
    fields:
      - { name: staff_no, title: 职工号, required: true }
  - name: student
    title: 本专科生学籍基本信息
    department: STU
    sharing: conditional
    key: [student_no]
    fields:
      - { name: student_no, title: 学号, required: true }
`;

export async function seedScorecardCatalog(db: Knex): Promise<void> {
  const result = await importCatalog(db, SCORECARD_CATALOG);
  if (!result.ok) throw new Error(`scorecard catalog does not import: ${JSON.stringify(result.problems)}`);
}

/** The scorecard tests' "now": 2026-11-22 10:00 in Beijing (a Sunday). */
export const SCORECARD_NOW = new Date('2026-11-22T10:00:00+08:00');

/** A test app on its own database, its clock at SCORECARD_NOW, with the scorecard catalog imported. */
export async function createScorecardTestApp(): Promise<TestApp> {
  const t = await createTestApp();
  t.ctx.now = () => SCORECARD_NOW;
  await seedScorecardCatalog(t.db.knex);
  return t;
}

export interface ResultSpec {
  table: string;
  field?: string | null;
  check: string;
  department: string;
  passed?: boolean;
  violations?: number;
  checked?: number;
}

/** One completed check run at `at` with these results (and table outcomes with hours since update). */
export async function buildCheckRun(
  db: Knex,
  at: string,
  results: ResultSpec[],
  tables: Record<string, number | null> = {},
): Promise<number> {
  const when = new Date(at);
  const [run] = await db('check_runs')
    .insert({
      trigger: 'manual',
      status: 'completed',
      started_at: when,
      finished_at: when,
      heartbeat_at: when,
      instance_id: 'test',
      tables_total: Object.keys(tables).length,
    })
    .returning('id');
  const runId = Number(run.id ?? run);
  if (results.length) {
    await db('check_results').insert(
      results.map((r) => ({
        run_id: runId,
        checked_at: when,
        table_name: r.table,
        field_name: r.field ?? null,
        check_kind: r.check,
        department_code: r.department,
        passed: r.passed ?? (r.violations ?? 0) === 0,
        violations: r.violations ?? 0,
        checked_rows: r.checked ?? 0,
        severity: 'medium',
      })),
    );
  }
  for (const [table, hours] of Object.entries(tables)) {
    await db('check_run_tables').insert({
      run_id: runId,
      table_name: table,
      status: 'ok',
      duration_ms: 5,
      row_count: 100,
      facts: JSON.stringify({ hours_since_update: hours }),
      finished_at: when,
    });
  }
  return runId;
}

let ticketCounter = 0;

export interface TicketSpec {
  department: string;
  check?: string;
  status?: 'open' | 'acknowledged' | 'fixed' | 'resolved' | 'closed';
  due: string;
  firstSeen: string;
  resolvedAt?: string | null;
  escalatedAt?: string | null;
  /** The last change (closed tickets: when they were closed). */
  updatedAt?: string;
  table?: string;
}

/** A ticket row as the tickets service would leave it (written directly: the scorecards only read it). */
export async function insertTicket(db: Knex, spec: TicketSpec): Promise<number> {
  const n = ++ticketCounter;
  const [row] = await db('tickets')
    .insert({
      fingerprint: `scorecard-test-${n}`,
      check_kind: spec.check ?? 'required',
      table_name: spec.table ?? 'staff',
      field_name: 'staff_no',
      fingerprint_department: spec.department,
      department_code: spec.department,
      status: spec.status ?? 'open',
      severity: 'medium',
      message: `测试工单 ${n}`,
      first_seen: new Date(spec.firstSeen),
      last_seen: new Date(spec.firstSeen),
      due_at: spec.due,
      resolved_at: spec.resolvedAt ? new Date(spec.resolvedAt) : null,
      escalated_at: spec.escalatedAt ? new Date(spec.escalatedAt) : null,
      updated_at: new Date(spec.updatedAt ?? spec.resolvedAt ?? spec.firstSeen),
    })
    .returning('id');
  return Number(row.id ?? row);
}

export async function ticketTransition(db: Knex, ticketId: number, at: string, to: string, from = 'open'): Promise<void> {
  await db('ticket_events').insert({
    ticket_id: ticketId,
    at: new Date(at),
    kind: 'transition',
    from_status: from,
    to_status: to,
  });
}

/** A sharing request with one source-department review stage per spec (the request itself is a stub). */
export async function insertSourceReviews(
  db: Knex,
  applicantId: number,
  applicantDepartment: string,
  stages: {
    department: string;
    due: string;
    status: string;
    decidedAt?: string | null;
    onBehalf?: boolean;
    onBehalfReason?: 'overdue' | 'no_other_reviewer';
  }[],
): Promise<void> {
  const [request] = await db('sharing_requests')
    .insert({
      applicant_id: applicantId,
      department_code: applicantDepartment,
      status: 'in_review',
      purpose: '评分测试',
      method: 'api',
    })
    .returning('id');
  const requestId = Number(request.id ?? request);
  await db('sharing_stages').insert(
    stages.map((s) => ({
      request_id: requestId,
      stage: 3,
      kind: 'source',
      department_code: s.department,
      status: s.status,
      due_on: s.due,
      decided_at: s.decidedAt ? new Date(s.decidedAt) : null,
      on_behalf: s.onBehalf ?? false,
      on_behalf_reason: s.onBehalfReason ?? null,
    })),
  );
}

/** A page's visible text: scripts (JSON data islands) and tags removed, the entities handlebars writes decoded, whitespace collapsed. */
export const visibleText = (html: string): string =>
  html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&#x3D;/g, '=')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
