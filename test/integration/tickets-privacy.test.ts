import fs from 'node:fs';
import request from 'supertest';
import { importCatalog } from '../../server/services/catalog/repository';
import { run as snapshotJob } from '../../jobs/snapshot-scorecards';
import { issueApiToken } from '../../server/services/users';
import { buildUser } from '../factories';
import { buildTicket, EXAMPLE_CATALOG, exampleCatalog, seedCatalogDepartments } from '../factories/tickets';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * Personal data people type into a ticket — comments, the reasons of a dispute, a reassignment and a
 * close — is masked for every reader, its author included, wherever the ticket is shown (the ticket
 * page, the API's ticket and list, the IT office's dispute notice), as report descriptions are for
 * readers outside the department. It is stored as typed.
 */
const catalog = exampleCatalog();
const T0 = new Date('2026-09-30T02:00:00Z');
const ID = '110101199003077777';
const ID_MASKED = '110101********7777';
const PHONE = '13812345678';
const PHONE_MASKED = '138****5678';
const OTHER_PHONE = '13912345678';
const OTHER_PHONE_MASKED = '139****5678';

describe('personal data in ticket comments and reasons', () => {
  let t: TestApp;
  let hrTicket: number;
  let hrSteward: Awaited<ReturnType<typeof buildUser>>;
  let office: Awaited<ReturnType<typeof buildUser>>;
  let leader: Awaited<ReturnType<typeof buildUser>>;
  let officeToken: string;

  beforeAll(async () => {
    t = await createTestApp();
    t.ctx.now = () => new Date('2026-10-09T02:00:00Z');
    const db = t.db.knex;
    await seedCatalogDepartments(db, catalog);
    hrTicket = (await buildTicket(db, catalog, T0, { field: 'staff_no' })).id;
    hrSteward = await buildUser(db, { department: 'HR', roles: ['steward'] });
    office = await buildUser(db, { department: 'ITC', roles: ['it_office'] });
    leader = await buildUser(db, { department: 'XXB', roles: ['univ_leader'] });
    officeToken = await issueApiToken(db, office.id);
  });
  afterAll(() => t.close());

  const api = (path: string) => request(t.app).get(`/api/v1${path}`).set('Authorization', `Bearer ${officeToken}`);

  it('masks ID numbers and phones in comments, dispute and close reasons for everyone, and stores them as typed', async () => {
    const db = t.db.knex;
    const steward = await signIn(t.app, hrSteward.login, hrSteward.password);
    await steward.agent
      .post(`/tickets/${hrTicket}/comment`)
      .type('form')
      .send({ _csrf: steward.csrf, comment: `身份证号 ${ID} 电话 ${PHONE}` })
      .expect(302);
    await steward.agent
      .post(`/tickets/${hrTicket}/dispute`)
      .type('form')
      .send({ _csrf: steward.csrf, reason: `该职工由博士后办公室维护，联系人电话 ${OTHER_PHONE}` })
      .expect(302);
    const o = await signIn(t.app, office.login, office.password);
    await o.agent
      .post(`/tickets/${hrTicket}/transition`)
      .type('form')
      .send({ _csrf: o.csrf, to: 'closed', comment: `已核实：${ID} 为退休人员` })
      .expect(302);

    // The ticket page: the IT office, the university leader and the steward who wrote the comment.
    for (const who of [office, leader, hrSteward]) {
      const s = await signIn(t.app, who.login, who.password);
      const page = (await s.agent.get(`/tickets/${hrTicket}`).expect(200)).text;
      expect(page).toContain(`身份证号 ${ID_MASKED} 电话 ${PHONE_MASKED}`);
      expect(page).toContain(`联系人电话 ${OTHER_PHONE_MASKED}`);
      expect(page).toContain(`已核实：${ID_MASKED} 为退休人员`);
      for (const raw of [ID, PHONE, OTHER_PHONE]) expect(page).not.toContain(raw);
    }

    // The API: the ticket's history and close reason, and the list.
    const one = (await api(`/tickets/${hrTicket}`).expect(200)).body;
    expect(one.closed_reason).toBe(`已核实：${ID_MASKED} 为退休人员`);
    expect(one.history.filter((e: { comment: string | null }) => e.comment).map((e: { comment: string }) => e.comment)).toEqual([
      `身份证号 ${ID_MASKED} 电话 ${PHONE_MASKED}`,
      `该职工由博士后办公室维护，联系人电话 ${OTHER_PHONE_MASKED}`,
      `已核实：${ID_MASKED} 为退休人员`,
    ]);
    const list = (await api('/tickets?status=closed').expect(200)).body;
    expect(list.items.find((x: { id: number }) => x.id === hrTicket).closed_reason).toBe(`已核实：${ID_MASKED} 为退休人员`);
    expect(JSON.stringify([one, list])).not.toMatch(new RegExp(`${ID}|${PHONE}|${OTHER_PHONE}`));

    // The IT office's notice of the dispute.
    const notices = await db('notifications').where({ user_id: office.id, kind: 'ticket.disputed' }).select('body');
    expect(notices).toHaveLength(1);
    expect(notices[0].body).toContain(`联系人电话 ${OTHER_PHONE_MASKED}`);
    expect(notices[0].body).not.toContain(OTHER_PHONE);

    // Stored as typed.
    const stored = await db('ticket_events')
      .where({ ticket_id: hrTicket })
      .whereNotNull('comment')
      .orderBy('id')
      .pluck('comment');
    expect(stored).toEqual([
      `身份证号 ${ID} 电话 ${PHONE}`,
      `该职工由博士后办公室维护，联系人电话 ${OTHER_PHONE}`,
      `已核实：${ID} 为退休人员`,
    ]);
    expect((await db('tickets').where({ id: hrTicket }).first('closed_reason')).closed_reason).toBe(`已核实：${ID} 为退休人员`);
  });

  it('masks every phone and ID number as the audit log does: landlines, spaced or mistyped mobiles, 15-digit IDs', async () => {
    const db = t.db.knex;
    const ticket = (await buildTicket(db, catalog, T0, { field: 'name' })).id;
    const typed = '座机0371-67781234，手机 139 0000 1234，错号12012347932，旧证410102900101123';
    const shown = '座机037*-****1234，手机 139 **** 1234，错号120****7932，旧证41010*******123';
    const steward = await signIn(t.app, hrSteward.login, hrSteward.password);
    await steward.agent.post(`/tickets/${ticket}/comment`).type('form').send({ _csrf: steward.csrf, comment: typed }).expect(302);
    await steward.agent
      .post(`/tickets/${ticket}/dispute`)
      .type('form')
      .send({ _csrf: steward.csrf, reason: `联系人 ${typed}` })
      .expect(302);
    const raw = /67781234|0000 1234|12012347932|410102900101123/;
    for (const who of [office, leader, hrSteward]) {
      const page = (await (await signIn(t.app, who.login, who.password)).agent.get(`/tickets/${ticket}`).expect(200)).text;
      expect(page).toContain(shown);
      expect(page).not.toMatch(raw);
    }
    const one = (await api(`/tickets/${ticket}`).expect(200)).body;
    expect(one.history.map((e: { comment: string | null }) => e.comment)).toEqual(
      expect.arrayContaining([shown, `联系人 ${shown}`]),
    );
    expect(JSON.stringify(one)).not.toMatch(raw);
    const inbox = (await (await signIn(t.app, office.login, office.password)).agent.get('/inbox').expect(200)).text;
    expect(inbox).toContain(`联系人 ${shown}`);
    expect(inbox).not.toMatch(raw);
  });

  it('masks an ID number a ticket stored whole (its key column was not known to hold one) as it is read', async () => {
    const db = t.db.knex;
    // The catalog now says staff_basic's gmsfhm holds ID numbers (its name does not say so): tickets filed before
    // stored its values whole.
    const yaml = fs
      .readFileSync(EXAMPLE_CATALOG, 'utf8')
      .replace(
        '      - name: staff_no\n',
        '      - { name: gmsfhm, title: 公民身份号码, validate: cn_id_card }\n      - name: staff_no\n',
      );
    expect((await importCatalog(db, yaml)).ok).toBe(true);
    const ticket = (await buildTicket(db, catalog, T0, { field: 'political_status', check: 'codes' })).id;
    // As a ticket filed while the catalog keyed a table by an ID-number column without saying so stored it.
    await db('tickets')
      .where({ id: ticket })
      .update({
        due_at: '2026-10-01',
        record_key: JSON.stringify({ gmsfhm: '210102200501103731' }),
        sample_keys: JSON.stringify([{ gmsfhm: '210102200501103731' }]),
        message: '数据使用者报告记录（证件号码 210102200501103731）有误',
        message_en: 'A data user reported record (证件号码 210102200501103731) as wrong',
      });
    await db('notifications').insert({
      user_id: office.id,
      kind: 'ticket.new',
      title: '#1 数据使用者报告记录（证件号码 210102200501103731）有误；另有学号 17210240123',
      body: '',
      link: `/tickets/${ticket}`,
    });
    const one = (await api(`/tickets/${ticket}`).expect(200)).body;
    // Masked by what the catalog says the column holds now.
    expect(one.sample_keys).toEqual([{ gmsfhm: '210102********3731' }]);
    expect(one.record_key).toEqual({ gmsfhm: '210102********3731' });
    expect(one.message).toBe('数据使用者报告记录（证件号码 210102********3731）有误');
    expect(one.message_en).toBe('A data user reported record (证件号码 210102********3731) as wrong');
    const o = await signIn(t.app, office.login, office.password);
    // The department's scorecard lists its overdue tickets by their sentences (once a snapshot scored it).
    await snapshotJob(t.ctx, { day: '2026-10-09' });
    for (const path of [`/tickets/${ticket}`, '/tickets', '/inbox', '/scorecards/HR']) {
      const page = (await o.agent.get(path).expect(200)).text;
      expect(page).not.toContain('210102200501103731');
    }
    expect((await o.agent.get(`/tickets/${ticket}`).expect(200)).text).toContain('210102********3731');
    // The inbox masks a stored sentence's ID number, and only that: a student number is the record's identity.
    expect((await o.agent.get('/inbox').expect(200)).text).toContain('另有学号 17210240123');
    expect((await o.agent.get('/scorecards/HR').expect(200)).text).toContain('证件号码 210102********3731');
  });

  it("masks a reassignment's reason for the new department and the IT office", async () => {
    const db = t.db.knex;
    const ticket = (await buildTicket(db, catalog, T0, { field: 'gender', check: 'codes' })).id;
    const o = await signIn(t.app, office.login, office.password);
    await o.agent
      .post(`/tickets/${ticket}/reassign`)
      .type('form')
      .send({ _csrf: o.csrf, department: 'STU', reason: `学生处王老师（${PHONE}）确认由学生处维护` })
      .expect(302);
    const stuSteward = await buildUser(db, { department: 'STU', roles: ['steward'] });
    for (const who of [office, stuSteward]) {
      const s = await signIn(t.app, who.login, who.password);
      const page = (await s.agent.get(`/tickets/${ticket}`).expect(200)).text;
      expect(page).toContain(`学生处王老师（${PHONE_MASKED}）确认由学生处维护`);
      expect(page).not.toContain(PHONE);
    }
  });
});
