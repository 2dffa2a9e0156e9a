import { translator } from '../../server/i18n';
import { inputFromBody } from '../../server/services/sharing/input';
import { submitRequest } from '../../server/services/sharing/workflow';
import { buildUser } from '../factories';
import { apiRequest, buildHubTable, buildSharingWorld, type SharingPeople, sharingActor } from '../factories/sharing';
import { buildTicket, exampleCatalog, seedCatalogDepartments } from '../factories/tickets';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * 审计记录 / Audit trail: a ticket's and a sharing request's pages link the audit log filtered to their rows, for those
 * who may read the log (audit.view: the IT office, administrators) — "who did what on sharing request #5" was a search
 * through every row. A department steward reads the same pages without the link (and the log stays a 403 to them).
 */

/** The page's audit-trail links as a browser reads them (handlebars writes = as &#x3D;), with their text. */
const trailLinks = (html: string) =>
  [...html.matchAll(/<a (?:class="[^"]*audit-trail[^"]*" )?href="(\/admin\/audit\?[^"]*)">([^<]*)<\/a>/g)].map((m) => ({
    href: m[1].replace(/&#x3D;/g, '=').replace(/&amp;/g, '&'),
    text: m[2],
  }));
const seqsOf = (html: string) => [...html.matchAll(/<td class="num">(\d+)<\/td>/g)].map((m) => Number(m[1]));

const toEnglish = (s: Awaited<ReturnType<typeof signIn>>) =>
  s.agent.post('/locale').type('form').send({ _csrf: s.csrf, locale: 'en', next: '/' }).expect(302);

describe("a sharing request's page", () => {
  let t: TestApp;
  let people: SharingPeople;
  let id: number;

  beforeAll(async () => {
    t = await createTestApp();
    t.ctx.now = () => new Date('2026-03-02T02:00:00Z');
    people = await buildSharingWorld(t.db.knex);
    await buildHubTable(t.db.knex, 'staff_basic', 1999);
    const input = () => inputFromBody(apiRequest([{ table: 'org_unit', fields: ['unit_code', 'unit_name'] }]));
    // Another request first: its rows are not this one's trail.
    await submitRequest(t.ctx, sharingActor(people.applicant), input(), { mode: 'api', t: translator('zh-CN') });
    id = (await submitRequest(t.ctx, sharingActor(people.applicant), input(), { mode: 'api', t: translator('zh-CN') })).id;
  });
  afterAll(() => t.close());

  it('links its audit trail for the IT office, in its language, and the trail is its rows alone', async () => {
    const office = await signIn(t.app, people.office.login, people.office.password);
    const page = (await office.agent.get(`/sharing/${id}`).expect(200)).text;
    expect(trailLinks(page)).toEqual([{ href: `/admin/audit?object_type=sharing_request&object_id=${id}`, text: '审计记录' }]);
    const trail = (await office.agent.get(`/admin/audit?object_type=sharing_request&object_id=${id}`).expect(200)).text;
    const own = (
      await t.db
        .knex('audit_log')
        .where({ object_type: 'sharing_request', object_id: String(id) })
        .orderBy('seq', 'desc')
        .pluck('seq')
    ).map(Number);
    expect(own.length).toBeGreaterThan(0);
    expect(seqsOf(trail)).toEqual(own);
    await toEnglish(office);
    expect(trailLinks((await office.agent.get(`/sharing/${id}`).expect(200)).text)).toEqual([
      { href: `/admin/audit?object_type=sharing_request&object_id=${id}`, text: 'Audit trail' },
    ]);
  });

  it('has no such link for its department steward or its applicant, who may not read the log (403)', async () => {
    for (const who of [people.csSteward, people.applicant]) {
      const s = await signIn(t.app, who.login, who.password);
      const page = (await s.agent.get(`/sharing/${id}`).expect(200)).text;
      expect({ who: who.login, links: trailLinks(page), text: page.includes('审计记录') }).toEqual({
        who: who.login,
        links: [],
        text: false,
      });
      await s.agent.get(`/admin/audit?object_type=sharing_request&object_id=${id}`).expect(403);
    }
  });
});

describe("a ticket's page", () => {
  const catalog = exampleCatalog();
  let t: TestApp;
  let ticket: number;

  beforeAll(async () => {
    t = await createTestApp();
    t.ctx.now = () => new Date('2026-10-01T02:00:00Z');
    await seedCatalogDepartments(t.db.knex, catalog);
    await buildTicket(t.db.knex, catalog, new Date('2026-09-30T02:00:00Z'), { field: 'name', check: 'required' });
    ticket = (await buildTicket(t.db.knex, catalog, new Date('2026-09-30T02:00:00Z'), { field: 'staff_no' })).id;
  });
  afterAll(() => t.close());

  it('links its audit trail for the IT office and administrators; the trail is its rows alone', async () => {
    for (const roles of [['it_office'], ['admin']] as const) {
      const u = await buildUser(t.db.knex, { department: 'ITC', roles: [...roles] });
      const s = await signIn(t.app, u.login, u.password);
      const page = (await s.agent.get(`/tickets/${ticket}`).expect(200)).text;
      expect({ roles, links: trailLinks(page) }).toEqual({
        roles,
        links: [{ href: `/admin/audit?object_type=ticket&object_id=${ticket}`, text: '审计记录' }],
      });
      const trail = (await s.agent.get(`/admin/audit?object_type=ticket&object_id=${ticket}`).expect(200)).text;
      const own = (
        await t.db
          .knex('audit_log')
          .where({ object_type: 'ticket', object_id: String(ticket) })
          .orderBy('seq', 'desc')
          .pluck('seq')
      ).map(Number);
      expect(own.length).toBeGreaterThan(0);
      expect(seqsOf(trail)).toEqual(own);
      await toEnglish(s);
      expect(trailLinks((await s.agent.get(`/tickets/${ticket}`).expect(200)).text)).toEqual([
        { href: `/admin/audit?object_type=ticket&object_id=${ticket}`, text: 'Audit trail' },
      ]);
    }
  });

  it("has no such link for the department's steward, who still may not read the log (403)", async () => {
    const u = await buildUser(t.db.knex, { department: 'HR', roles: ['steward'] });
    const s = await signIn(t.app, u.login, u.password);
    const page = (await s.agent.get(`/tickets/${ticket}`).expect(200)).text;
    expect(trailLinks(page)).toEqual([]);
    expect(page).not.toContain('审计记录');
    await s.agent.get('/admin/audit').expect(403);
    await s.agent.get(`/admin/audit?object_type=ticket&object_id=${ticket}`).expect(403);
  });
});
