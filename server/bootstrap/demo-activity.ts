/**
 * The demo's history (first start only, after the demo accounts): a few error reports and data-sharing
 * requests in different stages, so the report and sharing pages show something to a newcomer. Everything goes
 * through the services the routes call — submit, route, answer and reject a report; save, submit and decide a
 * request — so states, history, audit rows, notices and tickets are what real use would leave.
 *
 * Only accounts this first start created act: an account that existed already (someone made it by hand) is
 * someone else's, and nothing is done in its name; the stories needing it are left out. A story that fails
 * stops there (what it did so far stays, consistent, as each step is one service call) and the others go on:
 * the first start must still print the accounts.
 */
import type { Logger } from 'pino';
import type { AppContext } from '../context';
import { translator } from '../i18n';
import type { CurrentUser } from '../policies';
import type { Runtime } from '../runtime';
import { auditActorOf } from '../services/audit';
import { notifierFromConfig } from '../services/notifications';
import {
  notifyReporters,
  rejectTriagedReport,
  routeTriagedReport,
  saveReportSettings,
  submitReport,
  type RawReport,
  type ReportDeps,
} from '../services/reports';
import { emptyInput } from '../services/sharing/input';
import type { SharingInput } from '../services/sharing/types';
import { decide, saveDraft, submitRequest, type Actor } from '../services/sharing/workflow';
import { answerReport, requestExtension } from '../services/tickets';
import { tellExtensionRequested } from '../routes/tickets/notices';
import { toCurrentUser, type UserRow } from '../services/users';

export interface DemoActivity {
  /** Reports filed and requests made (drafts included). */
  reports: number;
  requests: number;
  /** Stories left out or stopped, one line each (bilingual), for the first start's output. */
  notes: string[];
}

/** The logins the stories act as (all demo accounts, server/bootstrap/embedded-demo.ts). */
const REPORTER = 'aca.user';
const APPLICANT = 'stu.user';
const OFFICE = 'itoffice';
const OFFICE_HEAD = 'itchief';

type People = Map<string, CurrentUser>;

export async function seedDemoActivity(
  runtime: Runtime,
  created: readonly string[],
  logger: Logger,
  now: () => Date = () => new Date(),
): Promise<DemoActivity> {
  const ctx: AppContext = { config: runtime.config, db: runtime.db, hub: runtime.hub, logger, now };
  const rows = (await runtime
    .db('users')
    .whereIn('login', [...created])
    .where({ disabled: false })) as UserRow[];
  const people: People = new Map(rows.map((r) => [r.login, toCurrentUser({ ...r, id: Number(r.id) })]));
  const result: DemoActivity = { reports: 0, requests: 0, notes: [] };
  await story(result, logger, 'reports', people, [REPORTER, OFFICE, 'hr.steward', 'stu.steward', 'fin.steward'], () =>
    reportStories(ctx, people, result),
  );
  await story(result, logger, 'sharing', people, [APPLICANT, 'stu.steward', OFFICE, 'fin.steward', OFFICE_HEAD], () =>
    sharingStories(ctx, people, result),
  );
  return result;
}

async function story(
  result: DemoActivity,
  logger: Logger,
  name: 'reports' | 'sharing',
  people: People,
  needs: string[],
  run: () => Promise<void>,
): Promise<void> {
  const missing = needs.filter((login) => !people.has(login));
  const what = name === 'reports' ? '演示错误报告 / demo error reports' : '演示数据共享申请 / demo sharing requests';
  if (missing.length) {
    result.notes.push(
      `${what}：未生成，账号 ${missing.join(', ')} 在首次启动前已存在 / not made: ${missing.join(', ')} existed before`,
    );
    return;
  }
  try {
    await run();
  } catch (err) {
    logger.warn({ err, story: name }, 'demo activity stopped');
    result.notes.push(`${what}：生成中断 / stopped: ${err instanceof Error ? err.message : String(err)}`);
  }
}

const who = (people: People, login: string): CurrentUser => people.get(login)!;

// ── error reports ──────────────────────────────────────────────────────────────────────────────

/** A record of the demo hub (its first of a kind, so the same on every first start of a seed). */
async function hubKey(ctx: AppContext, sql: string): Promise<Record<string, unknown> | null> {
  const result = await ctx.hub.knex.raw(sql);
  const rows = (result.rows ?? result[0] ?? []) as Record<string, unknown>[];
  return rows[0] ?? null;
}

/**
 * Five reports by the demo data user (教务处教师) on other departments' tables, routed by the IT office, which
 * triages them first: one waiting for triage, one routed (the department has an open ticket), one answered
 * fixed and waiting for the reporter's confirmation, one answered "not an error" (closed with the reason), and
 * one not accepted at triage, with the reason the reporter reads.
 */
async function reportStories(ctx: AppContext, people: People, result: DemoActivity): Promise<void> {
  const { db } = ctx;
  const notifier = notifierFromConfig(db, ctx.config, ctx.logger);
  const deps: ReportDeps = { db, hub: ctx.hub, timezone: ctx.config.timezone, notifier };
  const reporter = who(people, REPORTER);
  const office = who(people, OFFICE);
  await saveReportSettings(db, { triage: true }, auditActorOf(office));

  const file = async (raw: RawReport) => {
    const { report } = await submitReport(deps, { raw, reporter, now: ctx.now() });
    result.reports += 1;
    return Number(report.id);
  };
  const route = async (reportId: number) => {
    const { ticket } = await routeTriagedReport(deps, { reportId, actor: office, now: ctx.now() });
    await notifyReporters(db, [ticket.id]);
    return ticket.id;
  };
  const answer = async (ticketId: number, login: string, kind: 'fixed' | 'not_error', comment: string) => {
    await answerReport(db, { ticketId, answer: kind, actor: who(people, login), comment, now: ctx.now() });
    await notifyReporters(db, [ticketId]);
  };

  // 1. Waiting for triage: a research output without its author's staff number.
  const output = await hubKey(
    ctx,
    'SELECT output_id, title FROM research_output WHERE staff_no IS NULL ORDER BY output_id LIMIT 1',
  );
  if (output)
    await file({
      table: 'research_output',
      field: 'staff_no',
      record_key: { output_id: String(output.output_id) },
      description: `科研成果《${String(output.title)}》没有填写职工号，教务处统计教师教学科研工作量时无法对应到作者本人，请核实作者后补录职工号。`,
    });

  // 2. Routed: the department (人事处) has an open ticket, and has asked for more time. The wrong mobile number as the
  // reporter saw it.
  const staff = await hubKey(
    ctx,
    "SELECT staff_no, mobile FROM staff_basic WHERE employment_status = '在职' AND mobile !~ '^1[3-9][0-9]{9}$' ORDER BY staff_no LIMIT 1",
  );
  if (staff) {
    const id = await file({
      table: 'staff_basic',
      field: 'mobile',
      record_key: { staff_no: String(staff.staff_no) },
      observed_value: String(staff.mobile),
      description: '这位老师的移动手机号码不是有效的11位手机号，教务处发送调课通知短信失败，请与本人核实后更正。',
    });
    const ticketId = await route(id);
    // 人事处 cannot reach the teacher before the due date, and asks the IT office for more time (its decision waits).
    const reason = '该教师在外访学，需待其下周返校后与本人当面核实手机号码。';
    const ticket = await requestExtension(db, {
      ticketId,
      actor: who(people, 'hr.steward'),
      days: 5,
      reason,
      now: ctx.now(),
    });
    await tellExtensionRequested(db, notifier, ticket, reason);
  }

  // 3. Answered fixed by 学生处, waiting for the reporter to confirm (or 5 working days of silence).
  const student = await hubKey(
    ctx,
    "SELECT student_no FROM student_status WHERE name IS NULL OR trim(name) = '' ORDER BY student_no LIMIT 1",
  );
  if (student) {
    const id = await file({
      table: 'student_status',
      field: 'name',
      record_key: { student_no: String(student.student_no) },
      suggested_value: '李明轩',
      description: '该学生学籍信息中的姓名为空，期末成绩单和学位审核名单上姓名一栏是空白。按班级花名册应为“李明轩”。',
    });
    const ticket = await route(id);
    await answer(ticket, 'stu.steward', 'fixed', '已按学籍档案补录姓名，请核对成绩单是否已正常显示。');
  }

  // 4. Answered "not an error" by 财务处: closed, with the reason the reporter reads.
  const payment = await hubKey(ctx, 'SELECT payment_id FROM student_payment WHERE amount IS NULL ORDER BY payment_id LIMIT 1');
  if (payment) {
    const id = await file({
      table: 'student_payment',
      field: 'amount',
      record_key: { payment_id: String(payment.payment_id) },
      description: '这条学费缴费记录的金额为空，教务处核对欠费学生的选课资格时无法判断是否已缴清。',
    });
    const ticket = await route(id);
    await answer(
      ticket,
      'fin.steward',
      'not_error',
      '该记录为办理缓缴手续学生的应缴记录，金额待学生资助中心核定后录入，按规定暂为空，数据无误。',
    );
  }

  // 5. Not accepted at triage: a renaming the university has not yet made official.
  const unit = await hubKey(
    ctx,
    "SELECT unit_code FROM org_unit WHERE unit_name = '信息与网络管理中心' ORDER BY unit_code LIMIT 1",
  );
  if (unit) {
    const id = await file({
      table: 'org_unit',
      field: 'unit_name',
      record_key: { unit_code: String(unit.unit_code) },
      suggested_value: '信息化建设与管理处',
      description: '单位名称应为“信息化建设与管理处”，听说学校已经调整了这个部门。',
    });
    await rejectTriagedReport(db, {
      reportId: id,
      reason: '机构名称以学校正式发文为准，更名文件尚未印发，暂不更改；文件印发后由人事处统一更新组织机构信息。',
      actor: office,
      now: ctx.now(),
    });
  }
}

// ── data-sharing requests ──────────────────────────────────────────────────────────────────────

/** What every request of the demo applicant (学生处教师) has in common: the applicant and the system's address. */
function requestOf(applicant: CurrentUser, parts: Partial<SharingInput> & Pick<SharingInput, 'items' | 'purpose'>): SharingInput {
  const base = emptyInput();
  return {
    ...base,
    applicant: {
      name: applicant.name,
      staffNo: '20150123',
      officePhone: '0371-67781234',
      email: 'stu.user@example.edu.cn',
      contact: '手机 13800000001（同微信）',
    },
    method: 'api',
    members: [{ name: '学生处教师', unit: '学生处', staffNo: '20150123', phone: '13800000001' }],
    pledgeAccepted: true,
    ...parts,
  };
}

const system = (name: string, domain: string, address: string): SharingInput['system'] => ({
  name,
  status: 'running',
  domain,
  address,
  onCampus: 'yes',
  campusAddress: 'yes',
});

/**
 * A small valid PDF (one page of ASCII text) standing for the system's approval document: the web form requires
 * one, and the request page offers it for download as it would a real one.
 */
export function demoPdf(lines: string[]): Buffer {
  const escape = (s: string) => s.replace(/[\\()]/g, (c) => `\\${c}`);
  const text = lines.map((l, i) => `${i ? '0 -22 Td ' : ''}(${escape(l)}) Tj`).join('\n');
  const stream = `BT /F1 14 Tf 72 770 Td\n${text}\nET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(pdf, 'latin1'));
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(pdf, 'latin1');
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  pdf += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

const material = (filename: string, title: string) => ({
  filename,
  buffer: demoPdf(['Hubwatch demo', title, 'Sample approval material - not a real document.']),
});

/**
 * Four requests of the demo applicant (学生处教师), each in another stage: a draft; a scholarship review asking
 * 教务处 for grades, waiting for 教务处 (学生处 approved its own data beside it); a dormitory access system asking
 * for ID numbers of more than 2,000 students, waiting for the university leader; and a student-aid system
 * granted by the IT office's head, its printable form complete.
 */
async function sharingStories(ctx: AppContext, people: People, result: DemoActivity): Promise<void> {
  const t = translator('zh-CN');
  const applicant: Actor = { user: who(people, APPLICANT) };
  const as = (login: string): Actor => ({ user: who(people, login) });
  const approve = (login: string, id: number, comment: string) => decide(ctx, as(login), id, { decision: 'approve', comment });
  const submit = async (input: SharingInput, file: ReturnType<typeof material>) => {
    const { id } = await submitRequest(ctx, applicant, input, { mode: 'web', t, files: { material: file } });
    result.requests += 1;
    return id;
  };

  // 1. A draft: only its applicant sees it, and may go on with it.
  await saveDraft(
    ctx,
    applicant,
    requestOf(applicant.user, {
      system: { ...system('迎新服务系统', 'yx.example.edu.cn', ''), status: 'building' },
      datasets: ['student'],
      items: [{ table: 'freshman_admission', fields: ['exam_no', 'name', 'major'], range: '2027级录取新生', note: '' }],
      purpose: '新生报到前在迎新服务系统中预分配宿舍和班级，需要录取新生的考生号、姓名和录取专业。（草稿，待补充系统地址）',
    }),
    { t },
  );
  result.requests += 1;

  // 2. 奖学金评定: 学生处 asks 教务处 for grades. Its unit and the IT office approved, 学生处 approved its own
  // data as a source; 教务处's review is pending, due in 5 working days.
  const scholarship = await submit(
    requestOf(applicant.user, {
      system: system('学生奖助学金评审系统', 'jzxj.example.edu.cn', '10.20.30.41:8443'),
      whitelist: ['10.20.30.41'],
      datasets: ['student', 'teaching'],
      items: [
        { table: 'course_grade', fields: ['student_no', 'score'], range: '2025–2026学年全部本专科生课程成绩', note: '' },
        { table: 'student_status', fields: ['student_no', 'name', 'grade'], range: '在读本专科生', note: '' },
      ],
      purpose: '2026–2027学年国家奖学金、国家励志奖学金和校级奖学金评定，需按学生课程成绩计算学业成绩排名。',
      returnedItems: ['奖学金评定结果（学号、奖项名称、等级）'],
    }),
    material('学生奖助学金评审系统立项批复（演示）.pdf', 'Scholarship review system: project approval'),
  );
  await approve('stu.steward', scholarship, '同意。数据仅用于本学年奖学金评定工作。');
  await approve(OFFICE, scholarship, '申请材料齐全，用途明确，同意提交数据源单位审核。');
  await approve('stu.steward', scholarship, '同意共享本单位学籍数据。');

  // 3. 学生公寓门禁: ID numbers of more than 2,000 students bring the university leader in; waiting there.
  const access = await submit(
    requestOf(applicant.user, {
      system: system('学生公寓门禁管理系统', 'mj.example.edu.cn', '10.20.31.12:443'),
      whitelist: ['10.20.31.12', '10.20.31.0/28'],
      datasets: ['student', 'card'],
      vendors: [{ name: '赵工程师', company: '某某智能科技有限公司', idCard: '410105199203153010', phone: '13900000002' }],
      items: [
        {
          table: 'student_status',
          fields: ['student_no', 'name', 'gender', 'id_card'],
          range: '在读本专科生（住校）',
          note: '身份证号用于人脸识别门禁实名核验',
        },
      ],
      purpose: '学生公寓人脸识别门禁系统上线，需要住校学生的学号、姓名、性别和身份证号进行实名核验。',
      returnedItems: ['门禁通行记录（学号、通行时间、门禁点）'],
    }),
    material('学生公寓门禁管理系统建设方案（演示）.pdf', 'Dormitory access control: project plan'),
  );
  await approve('stu.steward', access, '同意。门禁实名核验是学生公寓安全管理的需要。');
  await approve(OFFICE, access, '涉及身份证号等敏感个人信息，已核对厂商人员信息，同意提交数据源单位审核。');
  await approve('stu.steward', access, '同意共享，请严格按承诺书要求保管身份证号。');

  // 4. 学生资助: granted by the IT office's head (a year, the default); the print form has every opinion.
  const aid = await submit(
    requestOf(applicant.user, {
      system: system('学生资助管理系统', 'zz.example.edu.cn', '10.20.30.52:8080'),
      whitelist: ['10.20.30.52'],
      method: 'file',
      datasets: ['student', 'school'],
      items: [
        { table: 'student_payment', fields: ['student_no', 'amount'], range: '2026–2027学年学费缴费记录', note: '' },
        { table: 'org_unit', fields: ['unit_code', 'unit_name'], range: '全部单位', note: '' },
      ],
      purpose: '家庭经济困难学生学费减免和助学金发放，需要核对学生本学年学费缴纳情况。',
      returnedItems: ['学费减免审批结果（学号、减免金额）'],
    }),
    material('学生资助管理系统立项批复（演示）.pdf', 'Student aid system: project approval'),
  );
  await approve('stu.steward', aid, '同意。');
  await approve(OFFICE, aid, '同意提交数据源单位审核。');
  await approve('fin.steward', aid, '同意共享学费缴费数据，仅限资助工作使用。');
  await approve(OFFICE_HEAD, aid, '同意共享，按申请范围以文件方式提供，有效期一年。');
}
