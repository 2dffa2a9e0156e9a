import { buildUser } from '../factories';
import { buildTicket, exampleCatalog, seedCatalogDepartments } from '../factories/tickets';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * The IT office triaging disputed tickets, two officers at once: a reassignment sent from a page shown
 * before the other officer's reassignment is a conflict (409, the ticket page as it is now, what was
 * typed kept), not a second reassignment that silently overrides the first.
 */
const catalog = exampleCatalog();
const T0 = new Date('2026-09-30T02:00:00Z');

let t: TestApp;
let first: { login: string; password: string };
let second: { login: string; password: string };

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.now = () => new Date('2026-10-01T02:00:00Z');
  await seedCatalogDepartments(t.db.knex, catalog);
  first = await buildUser(t.db.knex, { department: 'ITC', roles: ['it_office'] });
  second = await buildUser(t.db.knex, { department: 'ITC', roles: ['it_office'] });
});
afterAll(() => t.close());

const versionOf = (html: string) =>
  /action="\/tickets\/\d+\/reassign" class="panel">\s*<input type="hidden" name="_csrf" value="[^"]*">\s*<input type="hidden" name="version" value="(\d+)">/.exec(
    html,
  )?.[1];

describe('reassigning from a page shown before another reassignment', () => {
  it('answers 409 with the ticket as it is now and the typed reason kept; the first reassignment stands', async () => {
    const db = t.db.knex;
    const ticket = (await buildTicket(db, catalog, T0, { field: 'political_status', department: 'HR', check: 'codes' })).id;
    const a = await signIn(t.app, first.login, first.password);
    const b = await signIn(t.app, second.login, second.password);
    // Both officers open the ticket.
    const pageA = (await a.agent.get(`/tickets/${ticket}`).expect(200)).text;
    const pageB = (await b.agent.get(`/tickets/${ticket}`).expect(200)).text;
    const version = versionOf(pageB);
    expect(version).toBe(versionOf(pageA));

    await a.agent
      .post(`/tickets/${ticket}/reassign`)
      .type('form')
      .send({ _csrf: a.csrf, version: versionOf(pageA), department: 'ORG', reason: '政治面貌由组织部维护' })
      .expect(302);
    const afterFirst = await db('tickets').where({ id: ticket }).first('department_code', 'version');
    expect(afterFirst.department_code).toBe('ORG');
    const events = async () => Number((await db('ticket_events').where({ ticket_id: ticket }).count({ n: '*' }))[0].n);
    const eventsBefore = await events();

    const stale = await b.agent
      .post(`/tickets/${ticket}/reassign`)
      .type('form')
      .send({ _csrf: b.csrf, version, department: 'STU', reason: '学生处核对' })
      .expect(409);
    expect(stale.text).toContain(
      `<div class="flash flash-error" role="alert" data-sent-back>工单 #${ticket} 已被他人修改，请查看当前状态后重试</div>`,
    );
    expect(stale.text).toContain('<dd>党委组织部 (ORG)</dd>');
    expect(stale.text).toContain('学生处核对</textarea>');
    expect(await db('tickets').where({ id: ticket }).first('department_code', 'version')).toEqual(afterFirst);
    expect(await events()).toBe(eventsBefore);

    // Sent again from the page as it is now, it is done.
    await b.agent
      .post(`/tickets/${ticket}/reassign`)
      .type('form')
      .send({ _csrf: b.csrf, version: versionOf(stale.text), department: 'STU', reason: '学生处核对' })
      .expect(302);
    expect((await db('tickets').where({ id: ticket }).first('department_code')).department_code).toBe('STU');
  });

  it('still takes the same reassignment sent twice as done, whatever version it carries', async () => {
    const db = t.db.knex;
    const ticket = (await buildTicket(db, catalog, T0, { field: 'ethnicity', department: 'HR', check: 'codes' })).id;
    const a = await signIn(t.app, first.login, first.password);
    const version = versionOf((await a.agent.get(`/tickets/${ticket}`).expect(200)).text);
    const form = { _csrf: a.csrf, version, department: 'ORG', reason: '组织部维护' };
    await a.agent.post(`/tickets/${ticket}/reassign`).type('form').send(form).expect(302);
    const twice = await a.agent.post(`/tickets/${ticket}/reassign`).type('form').send(form).expect(302);
    expect(twice.headers.location).toBe(`/tickets/${ticket}`);
    expect((await a.agent.get(`/tickets/${ticket}`).expect(200)).text).toContain(
      `工单 #${ticket} 已属于该单位，本次提交未作改动`,
    );
  });
});
