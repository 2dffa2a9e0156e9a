import { createTestApp, signIn, TestApp } from '../helpers/app';
import { apiRequest, buildHubTable, buildSharingWorld, SharingPeople, sharingActor } from '../factories/sharing';
import { inputFromBody } from '../../server/services/sharing/input';
import { saveDraft, submitRequest, withdraw } from '../../server/services/sharing/workflow';
import { translator } from '../../server/i18n';

/**
 * The audit log names every sharing request, and links it where its reader may open it: a draft is its author's alone
 * (a 404, as a missing request, for the IT office too), so its rows are not links; once submitted, they are.
 */
let t: TestApp;
let people: SharingPeople;

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.now = () => new Date('2026-03-02T02:00:00Z');
  people = await buildSharingWorld(t.db.knex);
  await buildHubTable(t.db.knex, 'staff_basic', 1999);
});
afterAll(() => t.close());

it('links a sharing request in the audit log only when the reader may open it', async () => {
  const input = () => inputFromBody(apiRequest([{ table: 'org_unit', fields: ['unit_code', 'unit_name'] }]));
  const draft = await saveDraft(t.ctx, sharingActor(people.applicant), input(), { t: translator('zh-CN') });
  const submitted = (await submitRequest(t.ctx, sharingActor(people.applicant), input(), { mode: 'api', t: translator('zh-CN') }))
    .id;
  const office = await signIn(t.app, people.office.login, people.office.password);
  const page = (await office.agent.get('/admin/audit').expect(200)).text;
  // The draft's row names it without a link (its page would be a 404, as a missing one) …
  expect(page).toContain(`共享申请 #${draft}`);
  expect(page).not.toContain(`href="/sharing/${draft}"`);
  await office.agent.get(`/sharing/${draft}`).expect(404);
  // … the submitted request's rows link to its page, which opens.
  expect(page).toContain(`<a href="/sharing/${submitted}">`);
  await office.agent.get(`/sharing/${submitted}`).expect(200);

  // Withdrawn as a draft, it was never submitted: still its author's alone, still no link.
  await withdraw(t.ctx, sharingActor(people.applicant), draft);
  const after = (await office.agent.get('/admin/audit').expect(200)).text;
  expect(after).toContain(`共享申请 #${draft}`);
  expect(after).not.toContain(`href="/sharing/${draft}"`);
  await office.agent.get(`/sharing/${draft}`).expect(404);
});
