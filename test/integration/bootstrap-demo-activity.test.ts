import { bootstrapEmbeddedDemo } from '../../server/bootstrap/embedded-demo';
import { demoPdf } from '../../server/bootstrap/demo-activity';
import { loadConfig } from '../../server/config';
import { openRuntime, type Runtime } from '../../server/runtime';
import { detectFileType } from '../../server/services/uploads';
import { createUser } from '../../server/services/users';
import { cliEnvironment } from '../helpers/cli';

/**
 * The first start leaves the demo with error reports and data-sharing requests in their stages, made through
 * the services (states, tickets, history, audit rows, notices as real use leaves them), and only then.
 */
const count = async (runtime: Runtime, table: string) => Number((await runtime.db(table).count({ n: '*' }).first())?.n);

async function auditActions(runtime: Runtime, objectType: string) {
  const rows = await runtime
    .db('audit_log')
    .where({ object_type: objectType })
    .orderBy('seq')
    .select('action', 'actor_login', 'object_id');
  return rows.map((r) => `${r.object_id} ${r.action} ${r.actor_login}`);
}

describe('the demo’s reports and sharing requests on the first start', () => {
  const env = cliEnvironment();
  afterAll(() => env.cleanup());

  it('are made once, in their stages, with their audit rows; a second start adds nothing', async () => {
    const config = loadConfig({ ...env.env, HUB_DATABASE_URL: '' }, process.cwd());
    const runtime = await openRuntime(config, 'test');
    const lines: string[] = [];
    try {
      const first = await bootstrapEmbeddedDemo(runtime, (l) => lines.push(l));
      expect(first.activity).toEqual({ reports: 5, requests: 4, notes: [] });
      expect(lines).toContain('演示数据：5 份错误报告、4 份数据共享申请 / demo data: 5 error reports, 4 sharing requests');
      const db = runtime.db;
      const user = async (login: string) => Number((await db('users').where({ login }).first('id')).id);

      // ── reports: by the demo data user, through the IT office's triage ──
      expect((await db('settings').where({ key: 'reports.triage' }).first()).value).toBe(true);
      const reports = await db('reports as r')
        .leftJoin('tickets as t', 't.id', 'r.ticket_id')
        .orderBy('r.id')
        .select(
          'r.id',
          'r.reporter_id',
          'r.status',
          'r.table_name',
          'r.field_name',
          'r.triage_reason',
          't.status as ticket',
          't.department_code',
        );
      expect(reports.map((r) => [r.table_name, r.field_name, r.status, r.ticket, r.department_code])).toEqual([
        ['research_output', 'staff_no', 'triage', null, null],
        ['staff_basic', 'mobile', 'routed', 'open', 'HR'],
        ['student_status', 'name', 'routed', 'fixed', 'STU'],
        ['student_payment', 'amount', 'routed', 'closed', 'FIN'],
        ['org_unit', 'unit_name', 'rejected', null, null],
      ]);
      expect(new Set(reports.map((r) => Number(r.reporter_id)))).toEqual(new Set([await user('aca.user')]));
      expect(reports[4].triage_reason).toContain('以学校正式发文为准');
      const answers = await db('report_tickets').orderBy('ticket_id').select('answer', 'answer_comment');
      expect(answers.map((a) => a.answer)).toEqual([null, 'fixed', 'not_error']);
      expect((await db('tickets').where({ status: 'closed' }).first('closed_reason')).closed_reason).toContain('数据无误');
      // Every step in the audit log, by whom it was done.
      expect(await auditActions(runtime, 'report')).toEqual([
        '1 report.file aca.user',
        '2 report.file aca.user',
        '2 report.route itoffice',
        '3 report.file aca.user',
        '3 report.route itoffice',
        '4 report.file aca.user',
        '4 report.route itoffice',
        '5 report.file aca.user',
        '5 report.reject itoffice',
      ]);
      const ticketAudit = await db('audit_log').where({ object_type: 'ticket' }).orderBy('seq').select('action', 'actor_login');
      expect(ticketAudit.map((a) => `${a.action} ${a.actor_login}`)).toEqual(
        expect.arrayContaining(['ticket.answer stu.steward', 'ticket.answer fin.steward']),
      );
      expect((await db('audit_log').where({ action: 'reports.settings' }).first('actor_login')).actor_login).toBe('itoffice');
      // 人事处 asked for more time on its report ticket; the IT office has it to decide.
      expect(ticketAudit.map((a) => `${a.action} ${a.actor_login}`)).toContain('ticket.extension_request hr.steward');
      expect(
        await db('tickets').where({ department_code: 'HR' }).whereNotNull('extension_requested_at').pluck('extension_days'),
      ).toEqual([5]);
      expect(
        await db('notifications')
          .where({ user_id: await user('itoffice'), kind: 'ticket.extension_asked' })
          .count({ n: '*' }),
      ).toEqual([{ n: 1 }]);
      // Notices as the routes leave them: the reporter hears of the rejection and the answers, 人事处 of its new ticket.
      const reporterNotices = await db('notifications')
        .where({ user_id: await user('aca.user') })
        .pluck('kind');
      expect(reporterNotices).toEqual(expect.arrayContaining(['report.rejected']));
      expect(reporterNotices.length).toBeGreaterThanOrEqual(3);
      expect(
        await db('notifications')
          .where({ user_id: await user('hr.steward') })
          .pluck('kind'),
      ).toEqual(['report.new']);

      // ── sharing requests: the demo applicant of 学生处 ──
      const applicant = await user('stu.user');
      const requests = await db('sharing_requests').orderBy('id').select('id', 'status', 'applicant_id', 'department_code');
      expect(requests.map((r) => [Number(r.applicant_id), r.department_code, r.status])).toEqual([
        [applicant, 'STU', 'draft'],
        [applicant, 'STU', 'in_review'],
        [applicant, 'STU', 'in_review'],
        [applicant, 'STU', 'granted'],
      ]);
      const stages = await db('sharing_stages')
        .orderBy(['request_id', 'stage', 'department_code'])
        .select('request_id', 'kind', 'department_code', 'status');
      const of = (id: number) =>
        stages
          .filter((s) => Number(s.request_id) === id)
          .map((s) => `${s.kind}${s.department_code ? `:${s.department_code}` : ''} ${s.status}`);
      const [draft, scholarship, access, aid] = requests.map((r) => Number(r.id));
      expect(of(draft)).toEqual([]);
      // 学生处 asks 教务处 for grades (奖学金评定): waiting for 教务处.
      expect(of(scholarship)).toEqual([
        'applicant_unit:STU approved',
        'it_first approved',
        'source:ACA pending',
        'source:STU approved',
        'it_final waiting',
      ]);
      // ID numbers of more than 2,000 students: waiting for the university leader.
      expect(of(access)).toEqual([
        'applicant_unit:STU approved',
        'it_first approved',
        'source:STU approved',
        'leader pending',
        'it_final waiting',
      ]);
      expect(of(aid)).toEqual(['applicant_unit:STU approved', 'it_first approved', 'source:FIN approved', 'it_final approved']);
      const grant = await db('sharing_grants').where({ request_id: aid }).first('method', 'granted_by');
      expect([grant.method, Number(grant.granted_by)]).toEqual(['file', await user('itchief')]);
      // Each request has its approval material (the form requires it), a real PDF.
      const material = await db('sharing_requests as r')
        .join('uploads as u', 'u.id', 'r.material_upload_id')
        .whereNot('r.status', 'draft')
        .select('u.file_type');
      expect(material.map((m) => m.file_type)).toEqual(['pdf', 'pdf', 'pdf']);
      expect(await auditActions(runtime, 'sharing_request')).toEqual([
        `${draft} sharing.draft stu.user`,
        `${scholarship} sharing.submit stu.user`,
        `${scholarship} sharing.decision stu.steward`,
        `${scholarship} sharing.decision itoffice`,
        `${scholarship} sharing.decision stu.steward`,
        `${access} sharing.submit stu.user`,
        `${access} sharing.decision stu.steward`,
        `${access} sharing.decision itoffice`,
        `${access} sharing.decision stu.steward`,
        `${aid} sharing.submit stu.user`,
        `${aid} sharing.decision stu.steward`,
        `${aid} sharing.decision itoffice`,
        `${aid} sharing.decision fin.steward`,
        `${aid} sharing.decision itchief`,
        `${aid} sharing.grant itchief`,
      ]);
      // The vendor's ID number is stored as typed (fake, valid), for the approvers; the pages mask it for others.
      expect(await db('sharing_people').where({ request_id: access, kind: 'vendor' }).pluck('id_card')).toEqual([
        '410105199203153010',
      ]);
    } finally {
      await runtime.close();
    }

    // The audit chain is intact, and a second start adds nothing.
    const again = await openRuntime(config, 'test');
    try {
      const before = await Promise.all(
        ['reports', 'sharing_requests', 'sharing_stages', 'tickets', 'audit_log'].map((n) => count(again, n)),
      );
      expect(await bootstrapEmbeddedDemo(again, () => undefined)).toEqual({ ran: false, accounts: [] });
      expect(
        await Promise.all(['reports', 'sharing_requests', 'sharing_stages', 'tickets', 'audit_log'].map((n) => count(again, n))),
      ).toEqual(before);
    } finally {
      await again.close();
    }
  }, 240_000);

  it('leaves out what needs an account that existed before, which acts on nothing; the rest is made', async () => {
    const other = cliEnvironment();
    const config = loadConfig({ ...other.env, HUB_DATABASE_URL: '' }, process.cwd());
    const runtime = await openRuntime(config, 'test');
    try {
      // Made by hand before the first start: the demo's applicant, and the administrator in another case of its login
      // (the first start stopped there: 登录名已被 ADMIN 使用).
      await createUser(runtime.db, {
        login: 'stu.user',
        name: '王老师',
        department: 'HR',
        departmentName: '人事处',
        roles: ['steward'],
      });
      await createUser(runtime.db, { login: 'ADMIN', name: '李老师', department: 'HR', roles: ['admin'] });
      const lines: string[] = [];
      const first = await bootstrapEmbeddedDemo(runtime, (l) => lines.push(l));
      expect(first.ran).toBe(true);
      // Both kept as they were: not made again, not printed.
      expect(first.accounts.map((a) => a.login)).not.toContain('stu.user');
      expect(first.accounts.map((a) => a.login.toLowerCase())).not.toContain('admin');
      expect(await runtime.db('users').whereRaw("lower(login) in ('stu.user', 'admin')").orderBy('login').pluck('name')).toEqual([
        '李老师',
        '王老师',
      ]);
      // The reports are made; the sharing requests, which need the applicant, are not, and the output says why.
      expect(first.activity).toEqual({
        reports: 5,
        requests: 0,
        notes: [
          '演示数据共享申请 / demo sharing requests：未生成，账号 stu.user 在首次启动前已存在 / not made: stu.user existed before',
        ],
      });
      expect(lines).toContain(first.activity!.notes[0]);
      expect(await count(runtime, 'reports')).toBe(5);
      expect(await count(runtime, 'sharing_requests')).toBe(0);
      // Nothing in the kept accounts' names.
      const acted = await runtime.db('audit_log').whereIn('actor_login', ['stu.user', 'ADMIN']).count({ n: '*' }).first();
      expect(Number(acted?.n)).toBe(0);
    } finally {
      await runtime.close();
      other.cleanup();
    }
  }, 240_000);

  it('stands the approval material in with a small PDF the upload check accepts', () => {
    const pdf = demoPdf(['Hubwatch demo', 'a (sample) line']);
    expect(detectFileType(pdf)).toBe('pdf');
    const text = pdf.toString('latin1');
    // The cross-reference table points at each object.
    const offsets = [...text.matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
    expect(offsets.map((o) => text.slice(o, o + 7))).toEqual(['1 0 obj', '2 0 obj', '3 0 obj', '4 0 obj', '5 0 obj']);
    expect(text).toContain('(a \\(sample\\) line) Tj');
  });
});
