import { buildUser } from '../factories';
import { reportBody, useReportsWorld } from '../factories/reports';
import { signIn } from '../helpers/app';

/**
 * 审计记录 / Audit trail on an error report's page (for the IT office, not the reporter nor the department's steward)
 * and on an account's page (administrators: the account by its login, so the trail is that account's rows).
 */
const world = useReportsWorld({ apiTokens: true });

const trailLinks = (html: string) =>
  [...html.matchAll(/<p class="audit-trail"><a href="([^"]*)">([^<]*)<\/a><\/p>/g)].map((m) => ({
    href: m[1].replace(/&#x3D;/g, '=').replace(/&amp;/g, '&'),
    text: m[2],
  }));
const seqsOf = (html: string) => [...html.matchAll(/<td class="num">(\d+)<\/td>/g)].map((m) => Number(m[1]));
const rowsAbout = async (type: string, id: string | number) =>
  (
    await world
      .db('audit_log')
      .where({ object_type: type, object_id: String(id) })
      .orderBy('seq', 'desc')
      .pluck('seq')
  ).map(Number);

it("an error report's page links its trail for the IT office, not for its reporter or the department's steward", async () => {
  // Triaged first: the report's own rows (report.file; filed straight onto a ticket, its filing is the ticket's row).
  await world.triageFirst(true);
  const id = (await world.api('reporter').post('/reports', reportBody()).expect(201)).body.id as number;
  const office = await world.as('office');
  const page = (await office.agent.get(`/reports/${id}`).expect(200)).text;
  expect(trailLinks(page)).toEqual([{ href: `/admin/audit?object_type=report&object_id=${id}`, text: '审计记录' }]);
  const own = await rowsAbout('report', id);
  expect(own.length).toBeGreaterThan(0);
  expect(seqsOf((await office.agent.get(trailLinks(page)[0].href).expect(200)).text)).toEqual(own);
  for (const who of ['reporter', 'hrSteward'] as const) {
    const s = await world.as(who);
    const res = await s.agent.get(`/reports/${id}`);
    // The steward reads it as the report's ticket page shows it, or not at all: either way, no link.
    expect({ who, links: trailLinks(res.text) }).toEqual({ who, links: [] });
    await s.agent.get(`/admin/audit?object_type=report&object_id=${id}`).expect(403);
  }
});

it("an account's page links the account's trail, by its login, for administrators", async () => {
  const a = await buildUser(world.db, { login: 'root', department: 'ITC', roles: ['admin'] });
  const admin = await signIn(world.app, a.login, a.password);
  const account = world.people.hrSteward;
  // Signing in writes rows about the account (as root’s sign-in wrote rows about root).
  await world.as('hrSteward');
  const page = (await admin.agent.get(`/admin/users/${account.id}`).expect(200)).text;
  expect(trailLinks(page)).toEqual([
    { href: `/admin/audit?object_type=user&object_id=${encodeURIComponent(account.login)}`, text: '审计记录' },
  ]);
  const own = await rowsAbout('user', account.id);
  expect(own.length).toBeGreaterThan(0);
  const trail = (await admin.agent.get(trailLinks(page)[0].href).expect(200)).text;
  expect(seqsOf(trail)).toEqual(own);
  expect(seqsOf(trail)).not.toEqual(expect.arrayContaining(await rowsAbout('user', a.id)));
});
