import fs from 'node:fs';
import { importCatalog } from '../../server/services/catalog/repository';
import { buildUser } from '../factories';
import { EXAMPLE_CATALOG } from '../factories/tickets';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * Working-day deadlines in a year without holiday data count weekends only (chinese-days knows holidays up to the
 * latest State Council notice; the catalog's calendar.holidays adds later ones). Those who maintain the catalog are
 * told on their home page: this year's missing at any time, next year's from November, when deadlines start to reach
 * into January and the Spring Festival. The years here are far beyond any chinese-days release: the catalog alone
 * decides which of them have holidays.
 */
describe('the home page asks for missing holidays', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const at = (iso: string) => {
    t.ctx.now = () => new Date(iso);
  };
  /** Imports the example catalog with `holidays` as its calendar's holidays. */
  async function catalogWithHolidays(holidays: string[]) {
    const yaml = fs
      .readFileSync(EXAMPLE_CATALOG, 'utf8')
      .replace(
        'calendar:\n  timezone: Asia/Shanghai\n',
        `calendar:\n  timezone: Asia/Shanghai\n  holidays: [${holidays.join(', ')}]\n`,
      );
    expect(yaml).toContain(`holidays: [${holidays.join(', ')}]`);
    const imported = await importCatalog(t.db.knex, yaml);
    expect(imported.problems.filter((p) => p.severity === 'error')).toEqual([]);
  }
  /** The statutory festivals of a year (元旦, a Spring Festival day, 劳动节, 国庆节): the year counts as entered. */
  const festivals = (year: number) => [`${year}-01-01`, `${year}-02-01`, `${year}-05-01`, `${year}-10-01`];
  /** The holiday card's HTML on the user's home page, or null. */
  async function holidayCard(user: { login: string; password: string }): Promise<string | null> {
    const { agent } = await signIn(t.app, user.login, user.password);
    const page = (await agent.get('/').expect(200)).text;
    // The holidays card (the calendar events card links to the import).
    const start = page.indexOf('<a class="card card-warning" href="/calendar');
    return start < 0 ? null : page.slice(start, page.indexOf('</a>', start));
  }

  it('from November the IT office is asked for next year’s holidays, linking to that year’s calendar; a steward is not', async () => {
    await catalogWithHolidays(festivals(2098));
    at('2098-12-04T02:00:00Z');
    const office = await buildUser(t.db.knex, { department: 'ITC', roles: ['it_office'] });
    const card = await holidayCard(office);
    expect(card).toContain('href="/calendar?year&#x3D;2099"');
    expect(card).toContain('<h2>节假日数据待补充</h2>');
    expect(card).toContain('2099 年没有法定节假日数据：按工作日计算的时限可能不准。');
    const steward = await buildUser(t.db.knex, { department: 'HR', roles: ['steward'] });
    expect(await holidayCard(steward)).toBeNull();
  });

  it('before November next year is not asked for; a year with no data at all is, at any time', async () => {
    await catalogWithHolidays(festivals(2098));
    at('2098-10-31T02:00:00Z');
    const admin = await buildUser(t.db.knex, { department: 'ITC', roles: ['admin'] });
    expect(await holidayCard(admin)).toBeNull();
    at('2099-03-01T02:00:00Z');
    expect(await holidayCard(admin)).toContain('2099 年没有法定节假日数据');
  });

  it('holidays entered in the catalog for next year end the question, in English too', async () => {
    await catalogWithHolidays(festivals(2098));
    at('2098-12-04T02:00:00Z');
    const office = await buildUser(t.db.knex, { department: 'ITC', roles: ['it_office'] });
    await t.db.knex('users').where({ id: office.id }).update({ locale: 'en' });
    expect(await holidayCard(office)).toContain('No official holiday data for 2099');
    await catalogWithHolidays([...festivals(2098), ...festivals(2099)]);
    expect(await holidayCard(office)).toBeNull();
  });

  it('one date of next year does not end the question: the card and the calendar name the festivals still missing', async () => {
    // 元旦 alone: the Spring Festival, Labour Day and National Day would be counted as working days.
    await catalogWithHolidays([...festivals(2098), '2099-01-01']);
    at('2098-12-04T02:00:00Z');
    const office = await buildUser(t.db.knex, { department: 'ITC', roles: ['it_office'] });
    const card = await holidayCard(office);
    expect(card).toContain('<h2>节假日数据待补充</h2>');
    expect(card).toContain('2099 年的法定节假日数据不全（尚缺：春节、劳动节、国庆节）：按工作日计算的时限可能不准。');
    const { agent } = await signIn(t.app, office.login, office.password);
    const page = (await agent.get('/calendar').query({ year: 2099 }).expect(200)).text;
    const warning = /<div class="flash flash-warning" role="alert" id="holiday-data-warning">(.*?)<\/div>/s.exec(page)?.[1];
    expect(warning).toContain('2099 年的法定节假日数据不全（尚缺：春节、劳动节、国庆节）');
    // The office goes from the warning to where holidays are entered.
    expect(warning).toContain('<a href="/catalog/import">导入数据目录</a>');
    await t.db.knex('users').where({ id: office.id }).update({ locale: 'en' });
    expect(await holidayCard(office)).toContain(
      'Incomplete official holiday data for 2099 (missing: Spring Festival, Labour Day, National Day)',
    );
    // A reader without the catalog's chores is told the holidays are not all entered, with no link to the import.
    const steward = await buildUser(t.db.knex, { department: 'HR', roles: ['steward'] });
    const reader = await signIn(t.app, steward.login, steward.password);
    const readerPage = (await reader.agent.get('/calendar').query({ year: 2099 }).expect(200)).text;
    expect(readerPage).toContain('2099 年的法定节假日尚未录入完整');
    expect(readerPage).not.toContain('href="/catalog/import"');

    // A Spring Festival day, Labour Day and National Day entered: the question ends.
    await catalogWithHolidays([...festivals(2098), '2099-01-01', '2099-02-06', '2099-05-01', '2099-10-01']);
    expect(await holidayCard(office)).toBeNull();
  });

  it('the calendar shows the names the catalog gives its holidays', async () => {
    await catalogWithHolidays([
      '{ date: 2099-01-01, name: 元旦 }',
      '{ date: 2099-02-06, name: 春节 }',
      '{ date: 2099-02-07, name: 春节 }',
      '2099-05-01',
    ]);
    const office = await buildUser(t.db.knex, { department: 'ITC', roles: ['it_office'] });
    const { agent } = await signIn(t.app, office.login, office.password);
    const page = (await agent.get('/calendar').query({ year: 2099 }).expect(200)).text;
    expect(page).toContain('<li>元旦：2099-01-01</li>');
    expect(page).toContain('<li>春节：2099-02-06 – 2099-02-07</li>');
    // A date given without a name still says where it comes from.
    expect(page).toContain('<li>目录补充的假日：2099-05-01</li>');
  });
  it('a year the built-in data lacks lists its holidays as not entered, not as none, on its own page', async () => {
    // 2098 entered, 2099 with 元旦 alone, 2100 with nothing: the page for 2100 warned of 2099 only (this year and next)
    // and listed 节假日：无 / 调休上班日：无, as if 2100 had no holidays at all.
    await catalogWithHolidays([...festivals(2098), '2099-01-01']);
    at('2098-06-01T02:00:00Z');
    const steward = await buildUser(t.db.knex, { department: 'HR', roles: ['steward'] });
    const { agent } = await signIn(t.app, steward.login, steward.password);
    const holidays = (page: string) => /<ul class="holiday-list">(.*?)<\/ul>/s.exec(page)?.[1] ?? '';
    const workdays = (page: string) => /<ul class="workday-list">(.*?)<\/ul>/s.exec(page)?.[1] ?? '';
    const y2100 = (await agent.get('/calendar').query({ year: 2100 }).expect(200)).text;
    expect(holidays(y2100)).toContain('2100 年的法定节假日尚未录入（内置数据不含这一年）：这一年按工作日计算的时限只跳过周末。');
    expect(holidays(y2100)).not.toContain('>无<');
    expect(workdays(y2100)).toContain('目录没有补充 2100 年的调休上班日');
    // A year with some of its festivals entered lists them and names the others.
    const y2099 = (await agent.get('/calendar').query({ year: 2099 }).expect(200)).text;
    expect(holidays(y2099)).toContain('<li>目录补充的假日：2099-01-01</li>');
    expect(holidays(y2099)).toContain('尚未录入：春节、劳动节、国庆节（内置数据不含这一年）');
    // A year entered in full, and one the built-in data covers, say nothing of the kind.
    const y2098 = (await agent.get('/calendar').query({ year: 2098 }).expect(200)).text;
    expect(holidays(y2098)).not.toContain('尚未录入');
    const y2025 = (await agent.get('/calendar').query({ year: 2025 }).expect(200)).text;
    expect(holidays(y2025)).toContain('国庆节');
    expect(holidays(y2025) + workdays(y2025)).not.toContain('内置数据不含');
    await t.db.knex('users').where({ id: steward.id }).update({ locale: 'en' });
    const english = await signIn(t.app, steward.login, steward.password);
    const en = (await english.agent.get('/calendar').query({ year: 2100 }).expect(200)).text;
    expect(holidays(en)).toContain('The official holidays of 2100 are not entered (the built-in data does not cover that year)');
    expect(workdays(en)).toContain('The catalog adds no make-up working days for 2100');
  });
});
