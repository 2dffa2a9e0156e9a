import fs from 'node:fs';
import { importCatalog } from '../../server/services/catalog/repository';
import { buildUser } from '../factories';
import { EXAMPLE_CATALOG } from '../factories/tickets';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * Deadlines `after_event: semester_start` count from the latest occurrence on or before today: with the spring
 * semester's start not entered they keep counting from the autumn's, and the checks stop asking for the new term's
 * updates. Those who maintain the catalog are told on their home page and the calendar page from 30 days before the
 * next one is expected (the example catalog's 2026-02-23 and 2026-09-07: about every half year, next around
 * 2027-03-22, asked for from 2027-01-22).
 */
describe('the home page and the calendar ask for a missing event occurrence', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const at = (iso: string) => {
    t.ctx.now = () => new Date(iso);
  };
  async function importYaml(yaml: string) {
    const imported = await importCatalog(t.db.knex, yaml);
    expect(imported.problems.filter((p) => p.severity === 'error')).toEqual([]);
  }
  const example = () => fs.readFileSync(EXAMPLE_CATALOG, 'utf8');
  /** The user's home page and calendar page: the event card's HTML and the calendar's event warning, or null. */
  async function pages(user: { login: string; password: string }) {
    const { agent } = await signIn(t.app, user.login, user.password);
    const home = (await agent.get('/').expect(200)).text;
    const cards = [...home.matchAll(/<a class="card card-warning"[^>]*>.*?<\/a>/gs)].map((m) => m[0]);
    const calendar = (await agent.get('/calendar').expect(200)).text;
    return {
      card: cards.find((c) => c.includes('校历事件待补充') || c.includes('Calendar events to be entered')) ?? null,
      warning: /<div class="flash flash-warning" role="alert" id="event-data-warning">(.*?)<\/div>/s.exec(calendar)?.[1] ?? null,
    };
  }

  it('the IT office is told from 30 days before the next semester start is expected; a steward is not', async () => {
    await importYaml(example());
    const office = await buildUser(t.db.knex, { department: 'ITC', roles: ['it_office'] });
    const steward = await buildUser(t.db.knex, { department: 'HR', roles: ['steward'] });
    at('2026-12-06T02:00:00Z');
    expect(await pages(office)).toEqual({ card: null, warning: null });
    at('2027-01-22T02:00:00Z');
    const { card, warning } = await pages(office);
    const text =
      '事件“semester_start”尚未录入下一次日期（最近一次 2026-09-07，按以往约每半年一次，下一次约在 2027-03 前后）：' +
      '按它计算的维护时限仍从 2026-09-07 起算。请在数据目录的 calendar.events 中补充下一次的日期。';
    expect(card).toContain('href="/catalog/import"');
    expect(card).toContain('<h2>校历事件待补充</h2>');
    expect(card).toContain(text);
    expect(warning).toContain(text);
    expect(warning).toContain('<a href="/catalog/import">导入数据目录</a>');
    expect(await pages(steward)).toEqual({ card: null, warning: null });
  });

  it('names the event by its title, in English too; the next date entered ends the question', async () => {
    await importYaml(
      example().replace(
        'semester_start: [2026-02-23, 2026-09-07]',
        'semester_start: { dates: [2026-02-23, 2026-09-07], title: 开学 }',
      ),
    );
    at('2027-03-01T02:00:00Z');
    const office = await buildUser(t.db.knex, { department: 'ITC', roles: ['it_office'] });
    expect((await pages(office)).card).toContain('事件“开学”尚未录入下一次日期');
    await t.db.knex('users').where({ id: office.id }).update({ locale: 'en' });
    const en = await pages(office);
    expect(en.card).toContain('<h2>Calendar events to be entered</h2>');
    expect(en.card).toContain(
      '“开学” has no next date entered (latest 2026-09-07; about every half year so far, so the next is expected around 2027-03)',
    );
    expect(en.warning).toContain('deadlines counted from it still count from 2026-09-07');
    await importYaml(
      example().replace('semester_start: [2026-02-23, 2026-09-07]', 'semester_start: [2026-02-23, 2026-09-07, 2027-03-08]'),
    );
    expect(await pages(office)).toEqual({ card: null, warning: null });
  });
});
