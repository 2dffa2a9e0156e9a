import request from 'supertest';
import { issueApiToken } from '../../server/services/users';
import { buildTicket, exampleCatalog, useTicketsWorld } from '../factories/tickets';

/**
 * "Not our data" (不属于本单位数据): the steward's dispute reaches the IT office at once (inbox and
 * e-mail), and the office's queue has a view of the disputed tickets waiting to be reassigned.
 */
const catalog = exampleCatalog();
const T0 = new Date('2026-09-30T02:00:00Z');

let hrTicket: number;
let stuTicket: number;
let officeToken: string;

const w = useTicketsWorld({
  now: new Date('2026-10-09T02:00:00Z'),
  people: { hrSteward: { department: 'HR', roles: ['steward'] }, office: { department: 'ITC', roles: ['it_office'] } },
  setup: async ({ db, people }) => {
    hrTicket = (await buildTicket(db, catalog, T0, { field: 'staff_no' })).id;
    stuTicket = (
      await buildTicket(db, catalog, T0, { table: 'student_status', field: 'grade', department: 'STU', check: 'required' })
    ).id;
    await db('users').where({ id: people.office.id }).update({ email: 'itc-office@example.edu.cn' });
    officeToken = await issueApiToken(db, people.office.id);
  },
});
const { people } = w;

const officeInbox = () =>
  w
    .db('notifications')
    .where({ user_id: people.office.id, kind: 'ticket.disputed' })
    .orderBy('id')
    .select('title', 'body', 'link');
const api = (path: string) => request(w.app).get(`/api/v1${path}`).set('Authorization', `Bearer ${officeToken}`);

describe('a steward disputes a ticket', () => {
  it('refuses a dispute without a reason and tells nobody', async () => {
    const s = await w.signIn('hrSteward');
    const res = await s.agent.post(`/tickets/${hrTicket}/dispute`).type('form').send({ _csrf: s.csrf, reason: '  ' });
    expect(res.status).toBe(422);
    expect(await officeInbox()).toEqual([]);
    expect(w.outbox()).toEqual([]);
  });

  it('refuses a reason over 2000 characters under the reason box, keeping the text, and tells nobody', async () => {
    const s = await w.signIn('hrSteward');
    const res = await s.agent
      .post(`/tickets/${hrTicket}/dispute`)
      .type('form')
      .send({ _csrf: s.csrf, reason: '长'.repeat(2001) });
    expect(res.status).toBe(422);
    // The message is the reason box's own (it was filed under `comment`, which no form on the page shows).
    expect(res.text).toMatch(/id="dispute-reason"[^>]*aria-invalid="true"/);
    expect(res.text).toMatch(/id="dispute-reason-error"[^>]*>[^<]*最多 2000 个字符/);
    expect(res.text).toContain('长'.repeat(2001));
    expect(await w.db('tickets').where({ id: hrTicket }).first('disputed_at')).toEqual({ disputed_at: null });
    expect(await officeInbox()).toEqual([]);
  });

  it('tells the IT office in its inbox and by e-mail, with the reason and a link to the ticket', async () => {
    const s = await w.signIn('hrSteward');
    const res = await s.agent
      .post(`/tickets/${hrTicket}/dispute`)
      .type('form')
      .send({ _csrf: s.csrf, reason: '职工号由人事系统外的博士后系统维护' });
    expect(res.status).toBe(302);
    const page = await s.agent.get(`/tickets/${hrTicket}`).expect(200);
    expect(page.text).toContain('异议已提交信息化办公室。');
    expect(await officeInbox()).toEqual([
      {
        // The department by its name (the IT office reads about every department): 人事处, not HR.
        title: `【改派】质量工单 #${hrTicket}：人事处（HR）认为不属于本单位数据`,
        body: expect.stringContaining('理由：职工号由人事系统外的博士后系统维护'),
        link: `/tickets/${hrTicket}`,
      },
    ]);
    const mails = w.outbox();
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatch(/^To: itc-office@example\.edu\.cn$/m);
  });
});

describe("the IT office's disputed view", () => {
  it('lists the active disputed tickets only, on the page and in the API', async () => {
    const s = await w.signIn('office');
    const all = await s.agent.get('/tickets').expect(200);
    expect(all.text).toContain('href="/tickets?view=disputed"');
    const page = await s.agent.get('/tickets?view=disputed').expect(200);
    expect(page.text).toContain(`href="/tickets/${hrTicket}"`);
    expect(page.text).not.toContain(`href="/tickets/${stuTicket}"`);
    expect(page.text).toContain('共 1 条');
    const res = await api('/tickets?view=disputed').expect(200);
    expect(res.body.items.map((x: { id: number }) => x.id)).toEqual([hrTicket]);
    expect(res.body.total).toBe(1);
    const bad = await api('/tickets?view=argued').expect(422);
    expect(bad.body.fields.view).toBe('未知的视图：argued（可选 overdue、escalated、disputed、extension）');
  });

  it('refuses a reassignment reason over 2000 characters under the reassignment reason box, changing nothing', async () => {
    const s = await w.signIn('office');
    const res = await s.agent
      .post(`/tickets/${hrTicket}/reassign`)
      .type('form')
      .send({ _csrf: s.csrf, department: 'COL', reason: 'x'.repeat(2001) });
    expect(res.status).toBe(422);
    expect(res.text).toMatch(/id="reassign-reason-error"[^>]*>[^<]*最多 2000 个字符/);
    expect(await w.db('tickets').where({ id: hrTicket }).first('department_code')).toEqual({ department_code: 'HR' });
  });

  it('drops a ticket once the IT office has reassigned it', async () => {
    const s = await w.signIn('office');
    await s.agent
      .post(`/tickets/${hrTicket}/reassign`)
      .type('form')
      .send({ _csrf: s.csrf, department: 'COL', reason: '博士后由学院维护' })
      .expect(302);
    const res = await api('/tickets?view=disputed').expect(200);
    expect(res.body).toMatchObject({ items: [], total: 0 });
  });
});
