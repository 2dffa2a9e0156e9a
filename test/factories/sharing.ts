import type { Knex } from 'knex';
import type TestAgent from 'supertest/lib/agent';
import { importCatalog } from '../../server/services/catalog/repository';
import type { Actor } from '../../server/services/sharing/workflow';
import { toCurrentUser } from '../../server/services/users';
import { buildUser } from './index';

/**
 * A small catalog for data-sharing tests: universal, conditional (one field owned by another
 * department: 一数一源) and not-shared tables, sensitive fields, and the people of every stage.
 */
export const SHARING_CATALOG = `
calendar:
  timezone: Asia/Shanghai
departments:
  - { code: CS, name: 计算机学院 }
  - { code: IT, name: 信息化办公室 }
  - { code: HR, name: 人事处 }
  - { code: ORG, name: 党委组织部 }
  - { code: STU, name: 学生处 }
  - { code: LIB, name: 图书馆 }
systems:
  - { name: 人事管理系统, department: HR }
  - { name: 学工管理系统, department: STU }
tables:
  - name: org_unit
    title: 组织机构
    department: HR
    sharing: universal
    key: [unit_code]
    fields:
      - { name: unit_code, title: 单位号 }
      - { name: unit_name, title: 单位名称 }
  - name: library_loan
    title: 图书借阅
    department: LIB
    sharing: universal
    key: [loan_id]
  - name: staff_basic
    title: 教职工基本信息
    department: HR
    system: 人事管理系统
    sharing: conditional
    key: [staff_no]
    fields:
      - { name: staff_no, title: 职工号 }
      - { name: name, title: 姓名 }
      - { name: id_card, title: 身份证号, sensitive: true }
      - { name: political_status, title: 政治面貌, department: ORG }
  - name: student_status
    title: 本专科生学籍基本信息
    department: STU
    system: 学工管理系统
    sharing: conditional
    key: [student_no]
    fields:
      - { name: student_no, title: 学号 }
      - { name: grade, title: 年级 }
      - { name: id_card, title: 身份证号, sensitive: true }
  - name: alumni_contact
    title: 校友联系方式
    department: STU
    sharing: conditional
    key: [alumni_no]
    fields:
      - { name: alumni_no, title: 校友号 }
      - { name: mobile, title: 手机, sensitive: true }
  - name: salary_detail
    title: 工资明细
    department: HR
    sharing: none
    key: [staff_no]
`;

export interface SharingPeople {
  applicant: Awaited<ReturnType<typeof buildUser>>;
  csSteward: Awaited<ReturnType<typeof buildUser>>;
  office: Awaited<ReturnType<typeof buildUser>>;
  office2: Awaited<ReturnType<typeof buildUser>>;
  hrSteward: Awaited<ReturnType<typeof buildUser>>;
  orgSteward: Awaited<ReturnType<typeof buildUser>>;
  stuSteward: Awaited<ReturnType<typeof buildUser>>;
  leader: Awaited<ReturnType<typeof buildUser>>;
  outsider: Awaited<ReturnType<typeof buildUser>>;
}

export async function buildSharingWorld(db: Knex): Promise<SharingPeople> {
  const result = await importCatalog(db, SHARING_CATALOG, { origin: { source: 'test' } });
  if (!result.ok) throw new Error(`test catalog did not import: ${JSON.stringify(result.problems)}`);
  return {
    applicant: await buildUser(db, { login: 'zhang', name: '张三', department: 'CS' }),
    csSteward: await buildUser(db, { login: 'cs-steward', name: '计院专员', department: 'CS', roles: ['steward'] }),
    office: await buildUser(db, { login: 'it-li', name: '李琳琳', department: 'IT', roles: ['it_office'] }),
    office2: await buildUser(db, { login: 'it-wang', name: '王信息', department: 'IT', roles: ['it_office'] }),
    hrSteward: await buildUser(db, { login: 'hr-steward', name: '人事专员', department: 'HR', roles: ['steward'] }),
    orgSteward: await buildUser(db, { login: 'org-steward', name: '组织部专员', department: 'ORG', roles: ['dept_leader'] }),
    stuSteward: await buildUser(db, { login: 'stu-steward', name: '学生处专员', department: 'STU', roles: ['steward'] }),
    leader: await buildUser(db, { login: 'leader', name: '分管校领导', department: 'IT', roles: ['univ_leader'] }),
    outsider: await buildUser(db, { login: 'outsider', name: '旁人', department: 'LIB', roles: ['steward'] }),
  };
}

/** `person` acting in the sharing workflow (submitRequest, decide) as signed in. */
export function sharingActor(person: SharingPeople[keyof SharingPeople]): Actor {
  return { user: toCurrentUser(person) };
}

/** A hub table with `rows` rows (the test hub is the test database). */
export async function buildHubTable(db: Knex, table: string, rows: number): Promise<void> {
  await db.raw(`drop table if exists "${table}"`);
  await db.raw(`create table "${table}" (id integer primary key)`);
  if (rows > 0) await db.raw(`insert into "${table}" select g from generate_series(1, ?::int) g`, [rows]);
}

/** A valid GB 11643 number (check digit computed by hand: 11010519491231002X). */
export const VALID_ID_CARD = '11010519491231002X';

/** The smallest API body that submits. */
export function apiRequest(
  items: { table: string; fields: string[]; range?: string; note?: string }[],
  extra: Record<string, unknown> = {},
) {
  return {
    purpose: '迎新系统需要学生基本信息',
    method: 'api',
    items: items.map((i) => ({ range: '', ...i })),
    pledge_accepted: true,
    ...extra,
  };
}

/** Submits a request through the API in a signed-in session (the applicant's); its id. */
export async function submitThroughApi(
  session: { agent: TestAgent; csrf: string },
  items: Parameters<typeof apiRequest>[0] = [{ table: 'staff_basic', fields: ['staff_no'] }],
  extra: Record<string, unknown> = {},
): Promise<number> {
  const res = await session.agent
    .post('/api/v1/sharing-requests')
    .set('X-CSRF-Token', session.csrf)
    .send(apiRequest(items, extra));
  expect(res.status).toBe(201);
  return res.body.id as number;
}

/** The approval material (立项批复) a web submission carries: a small file the upload check takes as a PDF. */
export const MATERIAL_PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

/**
 * The request form as a browser sends it (bracket names, as multer parses them), filled enough to submit: the
 * applicant, a running on-campus system read by API, one member and one vendor, org_unit's unit code, the pledge.
 * `overrides` changes or adds fields. Written once here: the web-form suites (a form sent twice, a stale draft, the
 * pages) each spelled out the same fields.
 */
export function submittableForm(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    'applicant[name]': '张三',
    'applicant[staff_no]': '20230001',
    'applicant[office_phone]': '0371-67781505',
    'applicant[email]': 'zhang@example.edu.cn',
    'system[name]': '体育学院迎新系统',
    'system[status]': 'running',
    'system[on_campus]': 'yes',
    'system[campus_address]': 'yes',
    method: 'api',
    'members[0][name]': '李四',
    'members[0][unit]': '体育学院',
    'members[0][staff_no]': '20230002',
    'members[0][phone]': '13800000001',
    'vendors[0][name]': '王五',
    'vendors[0][company]': '某某软件有限公司',
    'vendors[0][id_card]': VALID_ID_CARD,
    'vendors[0][phone]': '13900000002',
    'datasets[]': 'staff',
    'items[0][table]': 'org_unit',
    'items[0][fields][]': 'unit_code',
    purpose: '迎新系统核对单位信息',
    pledge_accepted: 'on',
    action: 'submit',
    ...overrides,
  };
}
