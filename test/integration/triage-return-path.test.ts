import type { CurrentUser } from '../../server/policies';
import { disputeTicket } from '../../server/services/tickets';
import { buildTicket, exampleCatalog } from '../factories/tickets';
import { MONDAY, STAFF, useReportsWorld } from '../factories/reports';
import { csrfFrom, signIn } from '../helpers/app';

/**
 * Acting from a paged, filtered list returns to that list page (page and filters kept): the triage
 * queue's route/reject/setting, the ticket queue's bulk acknowledge, and the IT office's reassign or
 * close of a ticket opened from the queue. The return path comes from the form and is used only when
 * it is that very list on this site; anything else falls back to the usual page.
 */
const catalog = exampleCatalog();

type Session = Awaited<ReturnType<typeof signIn>>;

// The example catalog and its departments, the hub's staff_basic, the people of a report.
const world = useReportsWorld();

/** How a path appears in an HTML attribute (handlebars escapes `=` and `&`). */
const attr = (path: string) => path.replace(/&/g, '&amp;').replace(/=/g, '&#x3D;');
const post = (s: Session, path: string, form: Record<string, string | string[]>) =>
  s.agent
    .post(path)
    .type('form')
    .send({ _csrf: s.csrf, ...form });
const flashOf = (html: string) => /<div class="flash flash-(\w+)"[^>]*>([^<]*)<\/div>/.exec(html)?.slice(1);

/** Places a return path may not lead: other sites, other pages, look-alikes. */
const HOSTILE = (list: string) => [
  `//evil.example${list}`,
  `https://evil.example${list}`,
  '/\\evil.example',
  `${list}/../../admin/users`,
  `${list}X?page=2`,
  `${list}?page=2#x`,
  ` ${list}?page=2`,
  'javascript:alert(1)',
];

describe('the triage queue', () => {
  /** Reports waiting for triage, oldest first: three on staff_basic, two on student_status. */
  let staff: number[];
  beforeAll(async () => {
    const rows = await world.db('reports').insert(
      [
        ...['姓名有误', '邮箱有误', '手机号有误'].map((description) => ({
          table_name: 'staff_basic',
          field_name: 'email',
          record_key: JSON.stringify({ staff_no: STAFF.staff_no }),
          department_code: 'HR',
          description,
        })),
        ...['年级有误', '专业有误'].map((description) => ({
          table_name: 'student_status',
          field_name: 'grade',
          record_key: JSON.stringify({ student_no: '2024000001' }),
          department_code: 'STU',
          description,
        })),
      ].map((r, i) => ({
        ...r,
        reporter_id: world.people.reporter.id,
        status: 'triage',
        created_at: new Date(MONDAY.getTime() - (10 - i) * 60_000),
      })),
      ['id'],
    );
    staff = rows.slice(0, 3).map((r: { id: number }) => Number(r.id));
  });

  it('returns each action to the queue page it was taken on, table filter and page kept', async () => {
    const s = await signIn(world.app, world.people.office.login, world.people.office.password);
    const list = '/reports/triage?table=staff_basic&per_page=1&page=2';
    const page = await s.agent.get(list).expect(200);
    expect(page.text).toContain(`href="/reports/${staff[1]}"`);
    expect(page.text).not.toContain(`href="/reports/${staff[0]}"`);
    // Every form on the page (the setting, route and reject of the one report) says where it was sent from.
    expect(page.text.split(`name="back" value="${attr(list)}"`)).toHaveLength(4);

    // A reject without a reason: refused, and the message is shown on the same queue page, at the report's row.
    const refused = await post(s, `/reports/${staff[1]}/reject`, { reason: '', back: list });
    expect([refused.status, refused.headers.location]).toEqual([302, `${list}#report-${staff[1]}`]);
    expect(flashOf((await s.agent.get(list).expect(200)).text)?.[0]).toBe('error');

    // An over-long reason is refused whole, with its limit, not cut: the message names the report (the queue
    // has a form per report) and stands at its row too, with the reason as typed (it was lost).
    const typed = `不是数据问题，${'长'.repeat(2000)}`;
    const long = await post(s, `/reports/${staff[1]}/reject`, { reason: typed, back: list });
    expect([long.status, long.headers.location]).toEqual([302, `${list}#report-${staff[1]}`]);
    const shown = (await s.agent.get(list).expect(200)).text;
    expect(flashOf(shown)).toEqual(['error', `报告 #${staff[1]}：理由最多 2000 个字符`]);
    expect(shown).toContain(`value="${typed}" aria-invalid="true" aria-describedby="triage-error-${staff[1]}"`);
    // The reason box is labelled in sight (its placeholder was its only visible label), and each row's buttons name
    // their report to a screen reader (every row's said 分派 and 不受理 alike).
    expect(shown).toContain('<label>不受理原因（必填）\n');
    expect(shown).toContain(`不受理<span class="visually-hidden"> #${staff[1]}</span></button>`);
    // Not accepting asks first, as closing a ticket does.
    expect(shown).toContain(`data-confirm="确定不受理报告 #${staff[1]}？报告人会收到您填写的原因。"`);
    expect(shown).toContain(`<p class="field-error" role="alert" id="triage-error-${staff[1]}">理由最多 2000 个字符</p>`);
    // Once: the next view of the queue is as before.
    const later = (await s.agent.get(list).expect(200)).text;
    expect(later).not.toContain('field-error');
    expect(later).not.toContain(typed);
    expect((await world.db('reports').where({ id: staff[1] }).first()).status).toBe('triage');

    // Page 2 now shows the third report (the first one left page 1).
    const rejected = await post(s, `/reports/${staff[0]}/reject`, { reason: '重复报告', back: list });
    expect([rejected.status, rejected.headers.location]).toEqual([302, list]);
    const after = (await s.agent.get(list).expect(200)).text;
    expect(flashOf(after)).toEqual(['success', `报告 #${staff[0]} 已标记为不受理。`]);
    expect(after).toContain(`href="/reports/${staff[2]}"`);
    // The same report turned down again (a second tab, a colleague): said on the queue, not a bare 409 page —
    // done already, nothing changed (qa-reports-double-submit).
    const again = await post(s, `/reports/${staff[0]}/reject`, { reason: '重复报告', back: list });
    expect([again.status, again.headers.location]).toEqual([302, list]);
    expect(flashOf((await s.agent.get(list).expect(200)).text)).toEqual([
      'info',
      `报告 #${staff[0]} 已标记为不受理，本次提交未作改动`,
    ]);

    // Routing the last report of page 2 empties it: the queue shows its last page instead of an empty one.
    const routed = await post(s, `/reports/${staff[2]}/route`, { department: 'HR', back: list });
    expect([routed.status, routed.headers.location]).toEqual([302, list]);
    const gone = await s.agent.get(list).expect(302);
    expect(gone.headers.location).toBe('/reports/triage?table=staff_basic&per_page=1&page=1');
    const first = await s.agent.get(gone.headers.location).expect(200);
    // The flash of the action survives the extra redirect.
    // It says where the report went, and its ticket: the queue no longer shows it.
    const { ticket_id: ticket } = await world.db('reports').where({ id: staff[2] }).first('ticket_id');
    expect(flashOf(first.text)).toEqual(['success', `报告 #${staff[2]} 已分派给人事处（工单 #${ticket}）。`]);
    expect(first.text).toContain(`href="/reports/${staff[1]}"`);
    expect(first.text).toContain('共 1 条');
    // A table with no report waiting says so, not that the queue is empty.
    const none = (await s.agent.get('/reports/triage?table=org_unit').expect(200)).text;
    expect(none).toContain('这张表没有待分派的报告。');
    expect(none).not.toContain('<p class="muted">没有待分派的报告。');
    expect((await world.db('reports').whereIn('id', staff).orderBy('id').select('status')).map((r) => r.status)).toEqual([
      'rejected',
      'triage',
      'routed',
    ]);

    const saved = await post(s, '/reports/settings', { triage: 'on', back: '/reports/triage?table=student_status' });
    expect(saved.headers.location).toBe('/reports/triage?table=student_status');
    await post(s, '/reports/settings', { back: '/reports/triage?table=student_status' }).expect(302);
  });

  it('goes to the first queue page when the return path is anything but the queue on this site', async () => {
    const s = await signIn(world.app, world.people.office.login, world.people.office.password);
    for (const back of [...HOSTILE('/reports/triage'), '/tickets?view=disputed', '/reports/mine']) {
      const res = await post(s, `/reports/${staff[1]}/reject`, { reason: '', back });
      expect({ back, to: res.headers.location }).toEqual({ back, to: `/reports/triage#report-${staff[1]}` });
    }
    // Two `back` fields (an array) are no path either: refused as any field sent twice is, leading nowhere.
    const twice = await post(s, `/reports/${staff[1]}/reject`, {
      reason: '',
      back: ['/reports/triage?page=2', '//evil.example'],
    });
    expect(twice.status).toBe(422);
    expect(twice.headers.location).toBeUndefined();
    // Without a return path (an old page, a script): the queue, as before.
    expect((await post(s, `/reports/${staff[1]}/reject`, { reason: '' })).headers.location).toBe(
      `/reports/triage#report-${staff[1]}`,
    );
  });
});

describe('the ticket queue', () => {
  it("returns the steward's bulk acknowledge to the filtered page it was sent from, and to the queue otherwise", async () => {
    const db = world.db;
    const tickets = [];
    for (const field of ['name', 'gender', 'birth_date'])
      tickets.push(await buildTicket(db, catalog, MONDAY, { table: 'staff_basic', field, check: 'required', department: 'HR' }));
    const s = await signIn(world.app, world.people.hrSteward.login, world.people.hrSteward.password);
    const list = '/tickets?status=open&check=required&per_page=1&page=3';
    const page = await s.agent.get(list).expect(200);
    expect(page.text).toContain(`name="back" value="${attr(list)}"`);
    const onPage = Number(/name="ids" value="(\d+)"/.exec(page.text)![1]);
    const res = await post(s, '/tickets/acknowledge', { ids: [String(onPage)], back: list });
    expect([res.status, res.headers.location]).toEqual([302, list]);
    expect((await db('tickets').where({ id: onPage }).first()).status).toBe('acknowledged');
    // Two open tickets are left: page 3 is past the end, the queue shows page 2.
    const past = await s.agent.get(list).expect(302);
    expect(past.headers.location).toBe('/tickets?status=open&check=required&per_page=1&page=2');
    const last = await s.agent.get(past.headers.location).expect(200);
    expect(flashOf(last.text)).toEqual(['success', '已签收 1 个工单']);

    for (const back of HOSTILE('/tickets')) {
      const other = await post(s, '/tickets/acknowledge', { ids: [], back });
      expect({ back, to: other.headers.location }).toEqual({ back, to: '/tickets' });
    }
    await db('tickets')
      .whereIn(
        'id',
        tickets.map((x) => x.id),
      )
      .update({ status: 'closed', closed_reason: '测试结束' });
  });
});

describe("the IT office's disputed view", () => {
  it('returns a reassign or close of a ticket opened from the view to that view page; a ticket opened elsewhere stays on its page', async () => {
    const db = world.db;
    const { id, login, name } = world.people.hrSteward;
    const steward: CurrentUser = { id, login, name, department: 'HR', roles: ['steward'], locale: 'zh-CN' };
    const ids: number[] = [];
    for (const field of ['political_status', 'mobile', 'id_card']) {
      const ticket = await buildTicket(db, catalog, MONDAY, { table: 'staff_basic', field, check: 'validate', department: 'HR' });
      await disputeTicket(db, { ticketId: ticket.id, actor: steward, reason: '非本单位数据', now: MONDAY });
      ids.push(ticket.id);
    }
    const s = await signIn(world.app, world.people.office.login, world.people.office.password);
    const list = '/tickets?view=disputed&per_page=1&page=3';
    const listed = await s.agent.get(list).expect(200);
    const onPage = [...listed.text.matchAll(/<td><a href="\/tickets\/(\d+)">#/g)].map((m) => Number(m[1]));
    expect(onPage).toHaveLength(1);
    const [opened] = onPage;
    const elsewhere = ids.find((id) => id !== opened)!;

    // Opened from the view: the page links back to it, and the office's triage forms carry it (reassign, keep, close).
    const page = await s.agent.get(`/tickets/${opened}`).expect(200);
    expect(page.text).toContain(`<a href="${attr(list)}">← 质量工单</a>`);
    expect(page.text.split(`name="back" value="${attr(list)}"`)).toHaveLength(4);
    const csrf = csrfFrom(page.text);

    // A mistake re-renders the page with the return path still in the forms.
    const bad = await s.agent
      .post(`/tickets/${opened}/reassign`)
      .type('form')
      .send({ _csrf: csrf, department: 'STU', reason: '', back: list });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain(`name="back" value="${attr(list)}"`);

    const done = await s.agent
      .post(`/tickets/${opened}/reassign`)
      .type('form')
      .send({ _csrf: csrf, department: 'STU', reason: '学籍信息归学生处', back: list });
    expect([done.status, done.headers.location]).toEqual([302, list]);
    expect((await db('tickets').where({ id: opened }).first()).department_code).toBe('STU');
    // Two disputed tickets are left: page 3 is past the end, the view shows page 2 with the flash.
    const past = await s.agent.get(list).expect(302);
    expect(past.headers.location).toBe('/tickets?view=disputed&per_page=1&page=2');
    expect(flashOf((await s.agent.get(past.headers.location).expect(200)).text)).toEqual([
      'success',
      '工单已改派，已通知新的责任单位和原责任单位。',
    ]);

    // A ticket not on the list page last shown (opened from the inbox, a link): no return path; it stays on its page.
    const direct = await s.agent.get(`/tickets/${elsewhere}`).expect(200);
    expect(direct.text).not.toContain('name="back"');
    expect(direct.text).toContain('<a href="/tickets">← 质量工单</a>');
    const closed = await s.agent
      .post(`/tickets/${elsewhere}/transition`)
      .type('form')
      .send({ _csrf: csrf, to: 'closed', comment: '重复工单' });
    expect(closed.headers.location).toBe(`/tickets/${elsewhere}`);

    // Closing from the view returns to it too; a return path that is not the ticket queue is ignored.
    const third = ids.find((id) => id !== opened && id !== elsewhere)!;
    const view = '/tickets?view=disputed';
    expect((await s.agent.get(view).expect(200)).text).toContain(`href="/tickets/${third}"`);
    expect((await s.agent.get(`/tickets/${third}`).expect(200)).text).toContain(`name="back" value="${attr(view)}"`);
    const bounced = await s.agent
      .post(`/tickets/${third}/transition`)
      .type('form')
      .send({ _csrf: csrf, to: 'closed', comment: '重复工单', back: '//evil.example/tickets' });
    expect(bounced.headers.location).toBe(`/tickets/${third}`);
    await db('tickets')
      .where({ id: third })
      .update({ status: 'open', closed_reason: null, version: db.raw('version + 1') });
    const back = await s.agent
      .post(`/tickets/${third}/transition`)
      .type('form')
      .send({ _csrf: csrf, to: 'closed', comment: '重复工单', back: view });
    expect(back.headers.location).toBe(view);
  });
});
