import request from 'supertest';
import { applyCheckResults } from '../../server/services/tickets';
import { issueApiToken } from '../../server/services/users';
import { buildUser } from '../factories';
import { checkResult, exampleCalendar, exampleCatalog, seedCatalogDepartments } from '../factories/tickets';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * A ticket's history in the API names the check run that filed, updated or resolved it as `run_id`, a number, as
 * every other key of the API is snake_case (it was `runId`, the string "12", as stored); the ticket page still links
 * the run from what is stored.
 */
const catalog = exampleCatalog();
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
  await seedCatalogDepartments(t.db.knex, catalog);
});
afterAll(() => t.close());

it('gives run_id as a number in a ticket history; the page links the run', async () => {
  const apply = (runId: string, passed: boolean, now: string) =>
    applyCheckResults(t.db.knex, {
      runId,
      results: [checkResult({ passed })],
      catalog,
      calendar: exampleCalendar(catalog),
      now: new Date(now),
    });
  const filed = await apply('12', false, '2026-03-02T02:00:00Z');
  const id = filed.filed[0];
  await apply('13', true, '2026-03-03T02:00:00Z');
  // Stored as it was: the pages and the run's own look-ups read it.
  expect((await t.db.knex('ticket_events').where({ ticket_id: id }).orderBy('id')).map((e) => e.details.runId)).toEqual([
    '12',
    '13',
  ]);

  const office = await buildUser(t.db.knex, { department: 'ITC', roles: ['it_office'] });
  const token = await issueApiToken(t.db.knex, office.id);
  const res = await request(t.app).get(`/api/v1/tickets/${id}`).set('Authorization', `Bearer ${token}`).expect(200);
  expect(res.body.history.map((e: { kind: string; details: Record<string, unknown> }) => [e.kind, e.details])).toEqual([
    ['filed', { run_id: 12, violations: 3, due_at: expect.any(String) }],
    ['transition', { run_id: 13, reason: 'check_passed' }],
  ]);
  expect(JSON.stringify(res.body)).not.toContain('runId');

  const session = await signIn(t.app, office.login, office.password);
  const page = await session.agent.get(`/tickets/${id}`).expect(200);
  expect(page.text).toContain('href="/runs/13"');
});
