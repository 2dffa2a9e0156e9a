import fs from 'node:fs';
import path from 'node:path';
import type { AppContext } from '../../server/context';
import { translator } from '../../server/i18n';
import { CurrentUser, Role, ROLES } from '../../server/policies';
import { importCatalog } from '../../server/services/catalog/repository';
import { submitReport } from '../../server/services/reports';
import { addAppeal, closePeriod, snapshotDay } from '../../server/services/scorecards';
import { emptyInput, inputFromBody } from '../../server/services/sharing/input';
import { fileStructureChange } from '../../server/services/sharing/structure-changes';
import { saveDraft, submitRequest } from '../../server/services/sharing/workflow';
import { issueApiToken, toCurrentUser, UserRow } from '../../server/services/users';
import { createTestApp, type TestApp } from '../helpers/app';
import { installChangeLog } from '../helpers/change-log';
import { buildUser } from './index';
import { PNG, STAFF } from './reports';
import { buildCheckRun } from './scorecards';
import { apiRequest } from './sharing';
import { buildTicket, exampleCatalog } from './tickets';

const EXAMPLE = path.resolve(__dirname, '../../server/services/catalog/examples/university.catalog.yaml');

/** The two departments of the access matrix: each one's people act on their own and on the other's things. */
export const DEPARTMENTS = ['HR', 'STU'] as const;
export type DepartmentCode = (typeof DEPARTMENTS)[number];

export const STUDENT = { student_no: '2024000001', name: '李四', grade: '2024', id_card: '11010519491231002X' };

export type Person = UserRow & { password: string; token: string; current: CurrentUser };

/** What one department holds: the objects a department-scoped route is tried on. */
export interface DepartmentObjects {
  /** A quality ticket (failing check) of the department. */
  ticket: number;
  /** The ticket of the reports about the department's data (every member of the department reported). */
  reportTicket: number;
  /** A report filed by the department's plain user. */
  report: number;
  /** A sharing request by the department's plain user, submitted: stage 1 pending with this department. */
  request: number;
  /** A data-structure change the department's steward filed (still waiting for review). */
  structureChange: number;
  /** The department's appeal against the closed period. */
  appeal: number;
  /** An unread notice for the department's plain user. */
  notice: number;
}

/** What one person owns: the objects an owner-scoped route is tried on. */
export interface OwnObjects {
  report: number;
  draft: number;
}

export interface AccessWorld {
  /** One person per role and department: people.HR.steward… */
  people: Record<DepartmentCode, Record<Role, Person>>;
  /** Someone holding every role (HR): may do the most, so the CSRF and GET checks are strongest as them. */
  everything: Person;
  objects: Record<DepartmentCode, DepartmentObjects>;
  own: Map<number, OwnObjects>;
  checkRun: number;
  closedPeriod: number;
}

export const otherDepartment = (code: string): DepartmentCode => (code === 'HR' ? 'STU' : 'HR');

async function person(ctx: AppContext, department: string, roles: Role[], login: string): Promise<Person> {
  const user = await buildUser(ctx.db, { login, name: `${department}-${roles.join('+')}`, department, roles });
  const row = (await ctx.db('users').where({ id: user.id }).first()) as UserRow;
  return { ...user, token: await issueApiToken(ctx.db, user.id), current: toCurrentUser(row) };
}

/**
 * The example catalog, the hub's staff_basic and student_status tables (the test hub is the test
 * database), people of every role in HR and STU, and in each department: a ticket, a report ticket,
 * reports with attachments, sharing drafts and a submitted request, a structure change, a check
 * run, snapshots, a closed period with appeals and notices. `ctx.now()` is "today" for all of it.
 */
export async function buildAccessWorld(ctx: AppContext): Promise<AccessWorld> {
  const db = ctx.db;
  const imported = await importCatalog(db, fs.readFileSync(EXAMPLE, 'utf8'));
  if (!imported.ok) throw new Error(`example catalog did not import: ${JSON.stringify(imported.problems)}`);
  const catalog = exampleCatalog();
  await db.schema.createTable('staff_basic', (t) => {
    t.string('staff_no', 8).primary();
    for (const c of ['name', 'id_card', 'political_status', 'mobile']) t.string(c);
  });
  await db('staff_basic').insert(STAFF);
  await db.schema.createTable('student_status', (t) => {
    t.string('student_no', 12).primary();
    for (const c of ['name', 'grade', 'id_card']) t.string(c);
  });
  await db('student_status').insert(STUDENT);

  const people = {} as AccessWorld['people'];
  for (const code of DEPARTMENTS) {
    people[code] = {} as Record<Role, Person>;
    for (const role of ROLES)
      people[code][role] = await person(ctx, code, [role], `${role.replace('_', '-')}-${code.toLowerCase()}`);
  }
  const everything = await person(ctx, 'HR', [...ROLES], 'everything-hr');

  const now = ctx.now();
  const origin = { ip: '127.0.0.1', requestId: 'access-world' };
  const t = translator('zh-CN');
  const own = new Map<number, OwnObjects>();
  const objects = {} as AccessWorld['objects'];
  const reportOn: Record<DepartmentCode, Record<string, unknown>> = {
    HR: { table: 'staff_basic', field: 'name', record_key: { staff_no: STAFF.staff_no } },
    STU: { table: 'student_status', field: 'name', record_key: { student_no: STUDENT.student_no } },
  };
  // The plain user of each department asks for the other department's conditional table.
  const requestFor: Record<DepartmentCode, string> = { HR: 'student_status', STU: 'staff_basic' };
  const systemOf: Record<DepartmentCode, { system: string; table: string }> = {
    HR: { system: '人事管理系统', table: 'staff_basic' },
    STU: { system: '学工管理系统', table: 'student_status' },
  };

  for (const code of DEPARTMENTS) {
    const ticket = await buildTicket(
      db,
      catalog,
      now,
      code === 'HR'
        ? { department: 'HR', table: 'staff_basic', field: 'staff_no' }
        : { department: 'STU', table: 'student_status', field: 'student_no', sampleKeys: [{ student_no: STUDENT.student_no }] },
    );
    let reportTicket = 0;
    for (const who of [...ROLES, 'everything'] as const) {
      const p = who === 'everything' ? (code === 'HR' ? everything : null) : people[code][who];
      if (!p) continue;
      const filed = await submitReport(
        { db, hub: ctx.hub, timezone: ctx.config.timezone },
        {
          raw: { ...reportOn[code], description: `${p.login} 认为姓名有误`, suggested_value: '更正后的姓名' } as never,
          attachment: { filename: 'evidence.png', buffer: PNG },
          reporter: p.current,
          now,
          origin,
        },
      );
      reportTicket = Number(filed.ticket!.id);
      const draft = await saveDraft(ctx, { user: p.current, ...origin }, emptyInput(), { t });
      own.set(p.id, { report: Number(filed.report.id), draft });
    }
    const applicant = people[code].user;
    const submitted = await submitRequest(
      ctx,
      { user: applicant.current, ...origin },
      inputFromBody(
        apiRequest([{ table: requestFor[code], fields: [requestFor[code] === 'staff_basic' ? 'staff_no' : 'student_no'] }]),
      ),
      { mode: 'api', t },
    );
    const structureChange = await fileStructureChange(
      ctx,
      { user: people[code].steward.current, ...origin },
      {
        system: systemOf[code].system,
        department: code,
        tables: [systemOf[code].table],
        description: '字段长度调整',
        plannedOn: '2026-12-31',
        contact: '13800000000',
      },
      t,
    );
    const [notice] = await db('notifications')
      .insert({ user_id: applicant.id, kind: 'test', title: `${code} 的通知`, body: '' })
      .returning('id');
    objects[code] = {
      ticket: Number(ticket.id),
      reportTicket,
      report: own.get(applicant.id)!.report,
      request: submitted.id,
      structureChange,
      appeal: 0,
      notice: Number(notice.id ?? notice),
    };
  }

  const checkRun = await buildCheckRun(db, now.toISOString(), [
    { table: 'staff_basic', field: 'staff_no', check: 'required', department: 'HR', violations: 3, checked: 100 },
    { table: 'student_status', field: 'student_no', check: 'required', department: 'STU', violations: 1, checked: 100 },
  ]);
  // A snapshot last month and today; last month is closed, each department appealed against it.
  await snapshotDay(db, { day: '2026-02-27', timezone: ctx.config.timezone });
  await snapshotDay(db, { day: '2026-03-02', timezone: ctx.config.timezone });
  const closedPeriod = await db.transaction(async (trx) => {
    const period = await closePeriod(trx, {
      from: '2026-02-01',
      to: '2026-02-28',
      label: '2026年2月',
      today: '2026-03-02',
      userId: null,
      login: null,
      now,
    });
    for (const code of DEPARTMENTS) {
      const steward = people[code].steward;
      const appeal = await addAppeal(trx, {
        periodId: period.id,
        department: code,
        comment: '申诉',
        userId: steward.id,
        userName: steward.name,
        now,
      });
      objects[code].appeal = Number(appeal.id);
    }
    return period.id;
  });
  return { people, everything, objects, own, checkRun, closedPeriod };
}

/** The access world's Monday (10:00 in Beijing): the due dates, stages and sessions its suites expect. */
export const ACCESS_MONDAY = new Date('2026-03-02T02:00:00Z');

/**
 * A test app on the access world's Monday with the world built and the change log installed (changedSince then
 * says what a request wrote): the set-up of the suites that try every route as every person.
 */
export async function createAccessWorldApp(): Promise<{ t: TestApp; w: AccessWorld }> {
  const t = await createTestApp();
  t.ctx.now = () => ACCESS_MONDAY;
  const w = await buildAccessWorld(t.ctx);
  await installChangeLog(t.db.knex);
  return { t, w };
}
