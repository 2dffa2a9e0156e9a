import { createTestApp, signIn, TestApp } from '../helpers/app';
import { buildSharingWorld, SharingPeople } from '../factories/sharing';

/** The request form as read: what its script is given to draw the field picker. */
let t: TestApp;
let people: SharingPeople;
let s: Awaited<ReturnType<typeof signIn>>;

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.now = () => new Date('2026-03-02T02:00:00Z');
  people = await buildSharingWorld(t.db.knex);
  s = await signIn(t.app, people.applicant.login, people.applicant.password);
});
afterAll(() => t.close());

it("gives the field picker's script the sensitive badge's text in the page's language (the browser test: e2e sharing-field-picker)", async () => {
  const zh = (await s.agent.get('/sharing/new').expect(200)).text;
  expect(zh).toContain('data-sharing-form data-sensitive-label="敏感"');
  const en = (await s.agent.get('/sharing/new').set('Accept-Language', 'en').expect(200)).text;
  expect(en).toContain('data-sharing-form data-sensitive-label="sensitive"');
});
