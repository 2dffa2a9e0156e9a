import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { importCatalog } from '../../server/services/catalog/repository';
import { saveReportSettings } from '../../server/services/reports/settings';
import { issueApiToken } from '../../server/services/users';
import { buildUser } from '../factories';
import { MONDAY, reportBody, useReportsWorld } from '../factories/reports';
import { signIn } from '../helpers/app';

/**
 * What reporters type (a full ID number as the correct value, in the description too) is for the
 * stewards who must fix the record. The IT office and the university leader read it masked — as the
 * audit log keeps it — on the ticket and report pages and in the API; a report ticket's record key is
 * shown masked when its key column is sensitive.
 */
const ID = '110101199003077777';
const MASKED_ID = '110101********7777';
const EXAMPLE = path.resolve(__dirname, '../../server/services/catalog/examples/university.catalog.yaml');

let leader: Awaited<ReturnType<typeof buildUser>>;
const tokens: Record<string, string> = {};
let idReport: { id: number; ticket_id: number };
let nameReport: { id: number; ticket_id: number };
let partyReport: { id: number; ticket_id: number };

const api = (token: string) => ({
  get: (p: string) => request(world.app).get(`/api/v1${p}`).set('Authorization', `Bearer ${token}`),
  post: (p: string, body: object) => request(world.app).post(`/api/v1${p}`).set('Authorization', `Bearer ${token}`).send(body),
});
type Session = Awaited<ReturnType<typeof signIn>>;
const sessions = new Map<string, Session>();
async function as(person: { login: string; password: string }): Promise<Session> {
  if (!sessions.has(person.login)) sessions.set(person.login, await signIn(world.app, person.login, person.password));
  return sessions.get(person.login)!;
}
const reported = (history: { kind: string; comment: string; details: { suggested_value?: string } }[]) =>
  history.find((e) => e.kind === 'reported')!;

const world = useReportsWorld({
  setup: async () => {
    leader = await buildUser(world.db, { department: 'ITC', roles: ['univ_leader'] });
    for (const [who, person] of Object.entries(world.people)) tokens[who] = await issueApiToken(world.db, person.id);
    tokens.leader = await issueApiToken(world.db, leader.id);
    const file = async (over: Record<string, unknown>) =>
      (await api(tokens.reporter).post('/reports', reportBody(over)).expect(201)).body;
    idReport = await file({ field: 'id_card', description: `身份证号应为${ID}，联系 13812345678`, suggested_value: ID });
    nameReport = await file({ field: 'name', description: '姓名错别字，应为张叁', suggested_value: '张叁' });
    partyReport = await file({});
  },
});

describe('the ticket API', () => {
  it('masks suggested values and descriptions for the IT office and the university leader', async () => {
    for (const token of [tokens.office, tokens.leader]) {
      const e = reported((await api(token).get(`/tickets/${idReport.ticket_id}`).expect(200)).body.history);
      expect(e.details.suggested_value).toBe(MASKED_ID);
      expect(e.comment).toBe(`身份证号应为${MASKED_ID}，联系 138****5678`);
      expect(
        reported((await api(token).get(`/tickets/${nameReport.ticket_id}`).expect(200)).body.history).details.suggested_value,
      ).toBe('张*');
      // Not personal data: as typed.
      expect(
        reported((await api(token).get(`/tickets/${partyReport.ticket_id}`).expect(200)).body.history).details.suggested_value,
      ).toBe('中共党员');
    }
  });

  it('shows them in full to the stewards of the department that fixes the record', async () => {
    const e = reported((await api(tokens.hrSteward).get(`/tickets/${idReport.ticket_id}`).expect(200)).body.history);
    expect(e.details.suggested_value).toBe(ID);
    expect(e.comment).toContain(ID);
  });

  it("masks a closed report ticket's reason alike in the list and the ticket: the value reporters suggested", async () => {
    const { version } = (await api(tokens.office).get(`/tickets/${nameReport.ticket_id}`).expect(200)).body;
    await api(tokens.office)
      .post(`/tickets/${nameReport.ticket_id}/transitions`, {
        to: 'closed',
        comment: '经核实，张叁为曾用名，以档案为准',
        version,
      })
      .expect(200);
    const masked = '经核实，张*为曾用名，以档案为准';
    for (const token of [tokens.office, tokens.leader]) {
      expect((await api(token).get(`/tickets/${nameReport.ticket_id}`).expect(200)).body.closed_reason).toBe(masked);
      const listed = (await api(token).get('/tickets?status=closed&per_page=200').expect(200)).body.items;
      expect(listed.find((t: { id: number }) => t.id === nameReport.ticket_id).closed_reason).toBe(masked);
    }
    const own = (await api(tokens.hrSteward).get('/tickets?status=closed&per_page=200').expect(200)).body.items;
    expect(own.find((t: { id: number }) => t.id === nameReport.ticket_id).closed_reason).toBe('经核实，张叁为曾用名，以档案为准');
  });
});

describe('the audit log', () => {
  const auditedReport = async (reportId: number) =>
    (
      await world
        .db('audit_log')
        .where({ action: 'ticket.report' })
        .whereRaw("summary->>'report_id' = ?", [String(reportId)])
        .first('summary')
    ).summary as { comment: string; suggested_value?: string };

  it("keeps what reporters typed as the IT office reads it: a name field's value masked, in the description too", async () => {
    const named = (
      await api(tokens.reporter)
        .post('/reports', reportBody({ field: 'name', description: '姓名应为张叁，系统里是张三', suggested_value: '张叁' }))
        .expect(201)
    ).body;
    const summary = await auditedReport(named.id);
    expect(summary.suggested_value).toBe('张*');
    expect(summary.comment).toBe('姓名应为张*，系统里是张三');
    expect(JSON.stringify(summary)).not.toContain('张叁');
    // The ticket's history keeps it as typed, for the stewards who fix the record.
    const e = reported((await api(tokens.hrSteward).get(`/tickets/${named.ticket_id}`).expect(200)).body.history.reverse());
    expect(e.details.suggested_value).toBe('张叁');

    expect((await auditedReport(idReport.id)).suggested_value).toBe(MASKED_ID);
    expect((await auditedReport(partyReport.id)).suggested_value).toBe('中共党员');
  });
});

describe('the pages', () => {
  it('the report answer page and the ticket page mask them for the IT office and the leader, not for the stewards', async () => {
    for (const who of [world.people.office, leader]) {
      const s = await as(who);
      for (const page of [`/reports/tickets/${idReport.ticket_id}`, `/tickets/${idReport.ticket_id}`]) {
        const html = (await s.agent.get(page).expect(200)).text;
        expect(html).not.toContain(ID);
        expect(html).toContain(MASKED_ID);
      }
      expect((await s.agent.get(`/reports/tickets/${nameReport.ticket_id}`).expect(200)).text).not.toContain('张叁');
    }
    const steward = await as(world.people.hrSteward);
    expect((await steward.agent.get(`/reports/tickets/${idReport.ticket_id}`).expect(200)).text).toContain(`<td>${ID}</td>`);
    expect((await steward.agent.get(`/reports/tickets/${nameReport.ticket_id}`).expect(200)).text).toContain('<td>张叁</td>');
  });

  it('someone else’s report is masked for the IT office (page and API); the reporter sees what they wrote', async () => {
    const office = await as(world.people.office);
    const page = (await office.agent.get(`/reports/${idReport.id}`).expect(200)).text;
    expect(page).not.toContain(ID);
    expect(page).toContain(MASKED_ID);
    expect((await api(tokens.office).get(`/reports/${idReport.id}`).expect(200)).body.suggested_value).toBe(MASKED_ID);
    expect((await api(tokens.reporter).get(`/reports/${idReport.id}`).expect(200)).body.suggested_value).toBe(ID);
    expect((await (await as(world.people.reporter)).agent.get(`/reports/${idReport.id}`).expect(200)).text).toContain(ID);
  });

  it('the reporter’s list masks what they typed (their report’s page shows it in full)', async () => {
    const html = (await (await as(world.people.reporter)).agent.get('/reports/mine').expect(200)).text;
    expect(html).toContain(`身份证号应为${MASKED_ID}，联系 138****5678`);
    expect(html).not.toContain(ID);
    expect(html).not.toContain('13812345678');
  });

  it("the IT office's reason for not accepting a report reaches its reporter masked, as the notice of it does", async () => {
    await saveReportSettings(world.db, { triage: true }, null);
    try {
      const filed = (
        await api(tokens.reporter)
          .post('/reports', reportBody({ field: 'name', description: '姓名有误' }))
          .expect(201)
      ).body;
      const office = await as(world.people.office);
      await office.agent
        .post(`/reports/${filed.id}/reject`)
        .type('form')
        .send({ _csrf: office.csrf, reason: `重复报告，请联系 13900001111，身份证 ${ID}` })
        .expect(302);
      const shown = `重复报告，请联系 139****1111，身份证 ${MASKED_ID}`;
      const reporter = await as(world.people.reporter);
      for (const path of [`/reports/${filed.id}`, '/reports/mine']) {
        const page = (await reporter.agent.get(path).expect(200)).text;
        expect({ path, shown: page.includes(shown), full: page.includes('13900001111') }).toEqual({
          path,
          shown: true,
          full: false,
        });
      }
      expect((await api(tokens.reporter).get(`/reports/${filed.id}`).expect(200)).body.triage_reason).toBe(shown);
      const mine = (await api(tokens.reporter).get('/reports/mine?status=rejected').expect(200)).body.items;
      expect(mine.find((r: { id: number }) => r.id === filed.id).triage_reason).toBe(shown);
    } finally {
      await saveReportSettings(world.db, { triage: false }, null);
    }
  });

  it('the triage queue masks them', async () => {
    await world
      .db('settings')
      .insert({ key: 'reports.triage', value: JSON.stringify(true), updated_at: MONDAY })
      .onConflict('key')
      .merge();
    try {
      await api(tokens.reporter2)
        .post('/reports', reportBody({ field: 'mobile', description: '手机应为 13900001111', suggested_value: '13900001111' }))
        .expect(201);
      const html = (await (await as(world.people.office)).agent.get('/reports/triage').expect(200)).text;
      expect(html).not.toContain('13900001111');
      expect(html).toContain('139****1111');
    } finally {
      await world.db('settings').where({ key: 'reports.triage' }).delete();
    }
  });
});

describe('the responsible department’s notice of a new report', () => {
  // Notices carry no personal data (they may be mailed): the description in full is on the ticket's page. One rule
  // with the IT office's triage notice: the report's own values of a personal field are masked where repeated.
  it('carries the description masked as the IT office reads it: the suggested name where the text repeats it', async () => {
    const bodies = async (ticketId: number) =>
      (await world
        .db('notifications')
        .where({ kind: 'report.new', link: `/reports/tickets/${ticketId}` })
        .pluck('body')) as string[];
    const name = await bodies(nameReport.ticket_id);
    expect(name.length).toBeGreaterThan(0);
    for (const body of name) {
      expect(body).toContain('姓名错别字，应为张*');
      expect(body).not.toContain('张叁');
    }
  });
});

describe('a report ticket keyed by a sensitive column', () => {
  it('never shows the raw key in the ticket shape (API list and ticket, pages)', async () => {
    const yaml = fs.readFileSync(EXAMPLE, 'utf8').replace(
      '\nrules:\n',
      `
  - name: person_contact
    title: 人员联系方式
    department: HR
    sharing: conditional
    key: [id_card]
    fields:
      - { name: id_card, title: 身份证号, validate: cn_id_card, sensitive: true }
      - { name: phone_note, title: 联系备注 }

rules:
`,
    );
    const imported = await importCatalog(world.db, yaml);
    if (!imported.ok) throw new Error(JSON.stringify(imported.problems));
    const r = (
      await api(tokens.reporter)
        .post('/reports', { table: 'person_contact', field: 'phone_note', record_key: { id_card: ID }, description: '备注有误' })
        .expect(201)
    ).body;
    expect((await world.db('tickets').where({ id: r.ticket_id }).first()).record_key).toEqual({ id_card: ID });
    for (const token of [tokens.hrSteward, tokens.office]) {
      const one = await api(token).get(`/tickets/${r.ticket_id}`).expect(200);
      expect(one.body.record_key).toEqual({ id_card: MASKED_ID });
      expect(JSON.stringify(one.body)).not.toContain(ID);
      const list = await api(token).get('/tickets?table=person_contact').expect(200);
      expect(list.body.items.map((x: { record_key: unknown }) => x.record_key)).toEqual([{ id_card: MASKED_ID }]);
    }
    const html = (await (await as(world.people.office)).agent.get(`/reports/tickets/${r.ticket_id}`).expect(200)).text;
    expect(html).not.toContain(ID);
  });
});

describe('the free text of a report’s history', () => {
  // The hub holds a wrong (not a valid mobile) number; the report, the answers and the reasons repeat it.
  const WRONG = '12012347932';
  const NEW = '13912345678';
  let report: { id: number; ticket_id: number };

  beforeAll(async () => {
    await world.db('staff_basic').insert({ staff_no: '20190009', name: '李四', political_status: '群众', mobile: WRONG });
    report = (
      await api(tokens.reporter)
        .post(
          '/reports',
          reportBody({
            field: 'mobile',
            record_key: { staff_no: '20190009' },
            description: `手机号 ${WRONG} 打不通`,
            observed_value: WRONG,
            suggested_value: NEW,
          }),
        )
        .expect(201)
    ).body;
    const steward = await as(world.people.hrSteward);
    const answer = (fields: Record<string, string>) => {
      let req = steward.agent.post(`/reports/tickets/${report.ticket_id}/answer`).field('_csrf', steward.csrf);
      for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
      return req.expect(302);
    };
    await answer({ answer: 'fixed', comment: `已更正为 ${NEW}` });
    const reporter = await as(world.people.reporter);
    await reporter.agent
      .post(`/reports/${report.id}/reopen`)
      .type('form')
      .send({ _csrf: reporter.csrf, comment: `还是 ${WRONG}` })
      .expect(302);
    await steward.agent
      .post(`/tickets/${report.ticket_id}/comment`)
      .type('form')
      .send({ _csrf: steward.csrf, comment: '已致电本人 13700001111 核实' })
      .expect(302);
    await answer({ answer: 'not_ours', comment: '号码由 0371-67781234 登记的保卫处维护' });
  });

  const RAW = [WRONG, NEW, '13700001111', '67781234'];

  it('is masked for the IT office and the university leader on the report ticket’s page, one rule for every phone', async () => {
    for (const who of [world.people.office, leader]) {
      const html = (await (await as(who)).agent.get(`/reports/tickets/${report.ticket_id}`).expect(200)).text;
      for (const raw of RAW) expect(html).not.toContain(raw);
      // The reporter's description, the value seen, the hub's value and the reopen reason: the same number, masked alike.
      expect(html.match(/120\*\*\*\*7932/g)!.length).toBeGreaterThanOrEqual(4);
      expect(html).not.toContain('1********32');
      expect(html).toContain('已更正为 139****5678');
      expect(html).toContain('还是 120****7932');
      expect(html).toContain('已致电本人 137****1111 核实');
      // The current answer ("not ours") and its history entry.
      expect(html.match(/号码由 037\*-\*\*\*\*1234 登记的保卫处维护/g)).toHaveLength(2);
    }
  });

  it('is masked alike on the ticket’s own page and in the tickets API, whose link only offers to read the reports', async () => {
    for (const who of [world.people.office, leader]) {
      const html = (await (await as(who)).agent.get(`/tickets/${report.ticket_id}`).expect(200)).text;
      for (const raw of RAW) expect(html).not.toContain(raw);
      expect(html).toContain('还是 120****7932');
      expect(html).toContain('已更正为 139****5678');
      expect(html).toContain('>查看报告</a>');
      expect(html).not.toContain('查看报告并答复');
    }
    const body = (await api(tokens.office).get(`/tickets/${report.ticket_id}`).expect(200)).body;
    for (const raw of RAW) expect(JSON.stringify(body)).not.toContain(raw);
    expect(body.history.map((e: { comment: string | null }) => e.comment)).toContain('还是 120****7932');
    const own = (await (await as(world.people.hrSteward)).agent.get(`/tickets/${report.ticket_id}`).expect(200)).text;
    expect(own).toContain('查看报告并答复');
  });

  it('is masked on the IT office’s view of the report, page and API', async () => {
    const html = (await (await as(world.people.office)).agent.get(`/reports/${report.id}`).expect(200)).text;
    for (const raw of RAW) expect(html).not.toContain(raw);
    expect(html).toContain('还是 120****7932');
    const body = (await api(tokens.office).get(`/reports/${report.id}`).expect(200)).body;
    for (const raw of RAW) expect(JSON.stringify(body)).not.toContain(raw);
    expect(body).toMatchObject({
      observed_value: '120****7932',
      suggested_value: '139****5678',
      description: '手机号 120****7932 打不通',
      answer: { kind: 'not_ours', comment: '号码由 037*-****1234 登记的保卫处维护' },
    });
  });

  it('reaches the IT office’s inbox masked ("not ours" reason)', async () => {
    const notices = await world
      .db('notifications')
      .where({ user_id: world.people.office.id, kind: 'report.disputed' })
      .select('body');
    expect(notices.map((n) => n.body)).toEqual([expect.stringContaining('理由：号码由 037*-****1234 登记的保卫处维护')]);
  });

  it('reaches the reporter’s inbox as their report’s page shows it (the department’s answer masked)', async () => {
    const notices = await world
      .db('notifications')
      .where({ user_id: world.people.reporter.id, kind: 'report.answered' })
      .select('body');
    expect(notices.map((n) => n.body)).toEqual(['已更正为 139****5678']);
    const page = (await (await as(world.people.reporter)).agent.get(`/reports/${report.id}`).expect(200)).text;
    expect(page).toContain('已更正为 139****5678');
    expect(page).not.toContain(`已更正为 ${NEW}`);
    // The department's current answer ("not ours", with a landline), as the IT office reads it: page and API.
    expect(page).toContain('号码由 037*-****1234 登记的保卫处维护');
    expect(page).not.toContain('67781234');
    const body = (await api(tokens.reporter).get(`/reports/${report.id}`).expect(200)).body;
    expect(body.answer).toMatchObject({ kind: 'not_ours', comment: '号码由 037*-****1234 登记的保卫处维护' });
  });

  it('is in full for the stewards who fix the record: what reporters saw and suggested', async () => {
    const html = (await (await as(world.people.hrSteward)).agent.get(`/reports/tickets/${report.ticket_id}`).expect(200)).text;
    expect(html).toContain(`<td>${NEW}</td>`);
    expect(html).toContain(`：${WRONG}</small>`);
  });
});
