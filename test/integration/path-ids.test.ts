import request from 'supertest';
import { issueApiToken } from '../../server/services/users';
import { buildUser } from '../factories';
import { buildCheckRun, insertTicket, seedScorecardCatalog } from '../factories/scorecards';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * A record has one address: `/tickets/8`, never `/tickets/0x8`, `/tickets/8.0` or `/tickets/1e1` (Number()
 * read all of them as numbers, so every record also answered at addresses nobody wrote). Digits only;
 * anything else is a 404, on pages and in the API alike.
 */
let t: TestApp;
let ticketId: number;
let runId: number;
let admin: Awaited<ReturnType<typeof buildUser>>;
let token: string;

beforeAll(async () => {
  t = await createTestApp();
  await seedScorecardCatalog(t.db.knex);
  admin = await buildUser(t.db.knex, { department: 'ORG', roles: ['admin', 'it_office'] });
  token = await issueApiToken(t.db.knex, admin.id);
  ticketId = await insertTicket(t.db.knex, { department: 'HR', due: '2026-11-30', firstSeen: '2026-11-20T09:00:00+08:00' });
  runId = await buildCheckRun(t.db.knex, '2026-11-21T10:00:00+08:00', []);
});
afterAll(() => t.close());

const spellings = (id: number) => [`0x${id.toString(16)}`, `${id}.0`, `${id}e0`, `+${id}`, `%20${id}`, `0b${id.toString(2)}`];

it('opens a ticket, a run and an account at their digits only; every other spelling of the number is a 404', async () => {
  const { agent } = await signIn(t.app, admin.login, admin.password);
  const pages = [(id: string) => `/tickets/${id}`, (id: string) => `/reports/tickets/${id}/answer`];
  await agent.get(`/tickets/${ticketId}`).expect(200);
  await agent.get(`/runs/${runId}`).expect(200);
  await agent.get(`/admin/users/${admin.id}`).expect(200);
  for (const odd of spellings(ticketId)) {
    for (const page of pages) expect([odd, (await agent.get(page(odd))).status]).toEqual([odd, 404]);
    expect((await request(t.app).get(`/api/v1/tickets/${odd}`).set('Authorization', `Bearer ${token}`)).status).toBe(404);
  }
  for (const odd of spellings(runId)) expect([odd, (await agent.get(`/runs/${odd}`)).status]).toEqual([odd, 404]);
  for (const odd of spellings(admin.id)) expect([odd, (await agent.get(`/admin/users/${odd}`)).status]).toEqual([odd, 404]);
});

// A NUL or other invisible character typed into a ticket's number reached the 404 page's title and message as is.
it("repeats a ticket number typed with an invisible character written out, on the page and in the API's answer", async () => {
  const { agent } = await signIn(t.app, admin.login, admin.password);
  const page = await agent.get(`/tickets/${ticketId}%00`).expect(404);
  expect(page.text).not.toContain('\u0000');
  expect(page.text).toContain(`#${ticketId}\\u0000`);
  const api = await request(t.app)
    .get(`/api/v1/tickets/${ticketId}%E2%80%AE`)
    .set('Authorization', `Bearer ${token}`)
    .expect(404);
  expect(JSON.stringify(api.body)).not.toContain('\u202e');
});
