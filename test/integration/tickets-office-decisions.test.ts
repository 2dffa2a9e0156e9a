import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { issueApiToken } from '../../server/services/users';
import { buildUser } from '../factories';
import { buildTicket, exampleCatalog, seedCatalogDepartments } from '../factories/tickets';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * What the IT office's decisions on a ticket do beyond the ticket: who is told, and what a decision sent after a
 * colleague (or another tab) decided otherwise does. October 2026: a medium ticket filed Monday 10-12 is due 10-19.
 */
const catalog = exampleCatalog();
const T0 = new Date('2026-10-12T02:00:00Z');
type Person = Awaited<ReturnType<typeof buildUser>>;

let t: TestApp;
let dataDir: string;
let hrSteward: Person;
let hrLeader: Person;
let orgSteward: Person;
let office: Person;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hw-office-'));
  t = await createTestApp({ DATA_DIR: dataDir });
  t.ctx.now = () => new Date('2026-10-13T02:00:00Z');
  const db = t.db.knex;
  await seedCatalogDepartments(db, catalog);
  hrSteward = await buildUser(db, { department: 'HR', roles: ['steward'] });
  hrLeader = await buildUser(db, { department: 'HR', roles: ['dept_leader'] });
  orgSteward = await buildUser(db, { department: 'ORG', roles: ['steward'] });
  office = await buildUser(db, { department: 'ITC', roles: ['it_office'] });
});
afterAll(async () => {
  await t.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const fileTicket = async (field: string) => (await buildTicket(t.db.knex, catalog, T0, { field })).id;
const notices = (person: Person, kind: string) =>
  t.db
    .knex('notifications')
    .where({ user_id: person.id, kind })
    .orderBy('id')
    .select('title', 'body', 'title_en', 'body_en', 'link');
const outbox = () => {
  const dir = path.join(dataDir, 'outbox');
  return fs.existsSync(dir) ? fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')) : [];
};

describe('closing a ticket', () => {
  it("tells the department's stewards and leaders, with the office's reason masked, from the page and the API", async () => {
    const id = await fileTicket('staff_no');
    const it = await signIn(t.app, office.login, office.password);
    const mailsBefore = outbox().length;
    // Refused (no reason): nobody hears anything.
    await it.agent
      .post(`/tickets/${id}/transition`)
      .type('form')
      .send({ _csrf: it.csrf, to: 'closed', comment: ' ' })
      .expect(422);
    expect(await notices(hrSteward, 'ticket.closed')).toEqual([]);
    await it.agent
      .post(`/tickets/${id}/transition`)
      .type('form')
      .send({ _csrf: it.csrf, to: 'closed', comment: '职工号规则已调整，不再检查；联系 13812345678' })
      .expect(302);
    for (const person of [hrSteward, hrLeader])
      expect(await notices(person, 'ticket.closed')).toEqual([
        {
          title: `【已关闭】质量工单 #${id} 已由信息化办公室关闭，无需再整改`,
          body: expect.stringContaining('关闭原因：职工号规则已调整，不再检查；联系 138****5678'),
          title_en: `[Closed] Quality ticket #${id} was closed by the IT office; nothing more to fix`,
          body_en: expect.stringContaining('Reason: 职工号规则已调整，不再检查；联系 138****5678'),
          link: `/tickets/${id}`,
        },
      ]);
    expect(await notices(orgSteward, 'ticket.closed')).toEqual([]);
    // By e-mail too (the department's steward address), the reason masked there as well.
    const mails = outbox().slice(mailsBefore);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatch(/^To: hr-steward@example\.edu\.cn$/m);
    const mailBody = Buffer.from(
      mails[0]
        .split(/\r?\n\r?\n/)
        .slice(1)
        .join(''),
      'base64',
    ).toString('utf8');
    expect(mailBody).toContain('关闭原因：职工号规则已调整，不再检查；联系 138****5678');
    // The same form sent again closes nothing and tells nobody again.
    await it.agent
      .post(`/tickets/${id}/transition`)
      .type('form')
      .send({ _csrf: it.csrf, to: 'closed', comment: '再次' })
      .expect(302);
    expect(await notices(hrSteward, 'ticket.closed')).toHaveLength(1);

    // The API's close tells them too.
    const other = await fileTicket('name');
    const token = await issueApiToken(t.db.knex, office.id);
    await request(t.app)
      .post(`/api/v1/tickets/${other}/transitions`)
      .set('Authorization', `Bearer ${token}`)
      .send({ to: 'closed', comment: '重复工单' })
      .expect(200);
    expect((await notices(hrSteward, 'ticket.closed')).map((n) => n.title)).toEqual([
      `【已关闭】质量工单 #${id} 已由信息化办公室关闭，无需再整改`,
      `【已关闭】质量工单 #${other} 已由信息化办公室关闭，无需再整改`,
    ]);
  });
});
