import { translate } from '../../server/i18n';
import { claimRun } from '../../server/services/checks/runs';
import { Session, staffCatalog, startCheckPages } from '../factories/checks';
import type { TestApp } from '../helpers/app';

/**
 * A table page's "run checks now" pressed while a colleague's run checks it (or after it has): the message said to
 * press “Run now” on the list again (回到列表) — the button is labelled “Run checks now” (立即检查), it was pressed on
 * the table's page, and the list's button runs every table. It now names the button as labelled and sends no one
 * to the list.
 */
let t: TestApp;
let office: Session;

beforeAll(async () => {
  ({ t, session: office } = await startCheckPages({
    hub: { staff: { columns: ['staff_no'], rows: [{ staff_no: '1' }] } },
    catalog: staffCatalog({ office: true }),
    as: 'office',
  }));
});
afterAll(() => t?.close());

const flashOf = (html: string) => /<div class="flash flash-info"[^>]*>([\s\S]*?)<\/div>/.exec(html)?.[1] ?? '';
const inLocale = (s: Session, locale: 'zh-CN' | 'en') =>
  s.agent.post('/locale').type('form').send({ _csrf: s.csrf, locale, next: '/' }).expect(302);
const settled = async (location: string) => {
  const id = Number(location.replace('/runs/', ''));
  for (let i = 0; i < 200; i++) {
    if ((await t.db.knex('check_runs').where({ id }).first('status')).status !== 'running') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`run ${id} still running`);
};

/** The message names the button as labelled, in its language, and not the list. */
function expectNamesTheButton(text: string, locale: 'zh-CN' | 'en') {
  expect(text).toContain(`“${translate(locale, 'checks.runNow')}”`);
  expect(text).not.toMatch(/on the list|列表|“Run now”/);
}

it('pressed while a run checks the table: names “Run checks now” to press once it has finished', async () => {
  const going = (await claimRun(t.db.knex, { trigger: 'schedule' }))!;
  for (const locale of ['zh-CN', 'en'] as const) {
    await inLocale(office, locale);
    const res = await office.agent.post('/runs').type('form').send({ _csrf: office.csrf, table: 'staff' }).expect(302);
    expect(res.headers.location).toBe(`/runs/${going}`);
    const text = flashOf((await office.agent.get(res.headers.location).expect(200)).text);
    expectNamesTheButton(text, locale);
    expect(text).toContain(locale === 'en' ? 'again when it has finished' : '在它结束后再点一次');
  }
  await t.db.knex('check_runs').where({ id: going }).update({ status: 'interrupted', finished_at: new Date() });
});

it('pressed after a run has checked the table since the page was opened: names “Run checks now”, not the list', async () => {
  const seen = String((await t.db.knex('check_runs').max({ id: 'id' }).first())!.id);
  const first = await office.agent.post('/runs').type('form').send({ _csrf: office.csrf, seen, table: 'staff' }).expect(302);
  await settled(first.headers.location);
  for (const locale of ['zh-CN', 'en'] as const) {
    await inLocale(office, locale);
    const res = await office.agent.post('/runs').type('form').send({ _csrf: office.csrf, seen, table: 'staff' }).expect(302);
    expect(res.headers.location).toBe(first.headers.location);
    const text = flashOf((await office.agent.get(res.headers.location).expect(200)).text);
    expect(text).toContain(locale === 'en' ? 'has checked these tables' : '已检查了这些表');
    expectNamesTheButton(text, locale);
  }
});
