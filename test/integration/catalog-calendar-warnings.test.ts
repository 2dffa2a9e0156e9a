import fs from 'node:fs';
import path from 'node:path';
import { EXAMPLE_CATALOG_PATH } from '../../server/bootstrap/embedded-demo';
import { importCatalog } from '../../server/services/catalog/repository';
import { buildUser } from '../factories';
import { createTestApp, signIn, TestApp } from '../helpers/app';
import { cliEnvironment, runCli } from '../helpers/cli';

/**
 * Calendar typos the import accepted silently: a make-up working day (`workdays:`) on a weekday does nothing, one
 * the built-in data has as a statutory holiday makes that holiday a working day, and a holiday the built-in data has
 * as a make-up working day makes that worked weekend day a day off. Both are warnings (the import goes
 * on), named with their date, in the page's and the CLI's result and in the dry run. A holiday on a weekend is no
 * typo (official lists name the weekend days of a break).
 */
const EXAMPLE = fs.readFileSync(EXAMPLE_CATALOG_PATH, 'utf8');
const withCalendar = (lines: string) => {
  const yaml = EXAMPLE.replace('calendar:\n  timezone: Asia/Shanghai\n', `calendar:\n  timezone: Asia/Shanghai\n${lines}`);
  expect(yaml).toContain(lines);
  return yaml;
};
// 2026-10-01: National Day (Thursday); 2027-02-10: a Wednesday; 2027-02-20: a Saturday (a real make-up day);
// 2027-02-06/07: a weekend inside the Spring Festival break; 2026-09-20: a Sunday the official data has as a make-up
// working day for National Day.
const TYPOS = withCalendar(
  '  holidays: [2027-02-06, 2027-02-07, 2027-02-08, 2026-09-20]\n  workdays: [2026-10-01, 2027-02-10, 2027-02-20]\n',
);
const calendarCodes = ['workday_weekday', 'workday_official_holiday', 'holiday_official_workday'];

describe('catalog import: odd make-up working days are warnings', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('names each odd date in both languages; a weekend holiday and a Saturday make-up day are fine', async () => {
    const result = await importCatalog(t.db.knex, TYPOS, { dryRun: true });
    expect(result.ok).toBe(true);
    const odd = result.problems.filter((p) => calendarCodes.includes(p.code));
    expect(odd).toEqual([
      {
        line: 7,
        path: 'calendar.holidays[3]',
        code: 'holiday_official_workday',
        severity: 'warning',
        message: {
          'zh-CN':
            '2026-09-20（星期日）在国家法定节假日数据中是国庆节的调休上班日：列入 holidays 会使这天改为放假，是否写错了日期？',
          en: '2026-09-20 (a Sunday) is a make-up working day for National Day in the official data: listing it in holidays makes it a day off — is the date a typo?',
        },
      },
      {
        line: 8,
        path: 'calendar.workdays[0]',
        code: 'workday_official_holiday',
        severity: 'warning',
        message: {
          'zh-CN': '2026-10-01 在国家法定节假日数据中是国庆节假期：列入 workdays 会使这天改为上班，是否写错了日期？',
          en: '2026-10-01 is a National Day holiday in the official data: listing it in workdays makes it a working day — is the date a typo?',
        },
      },
      {
        line: 8,
        path: 'calendar.workdays[1]',
        code: 'workday_weekday',
        severity: 'warning',
        message: {
          'zh-CN':
            '2027-02-10 是星期三，本来就是工作日：workdays 只列周六、周日调休上班的日期，列入它不起作用，是否写错了日期（或应列入 holidays）？',
          en: '2027-02-10 is a Wednesday, a working day anyway: workdays lists Saturdays and Sundays worked to make up for a holiday, so this entry does nothing — is the date a typo (or meant for holidays)?',
        },
      },
    ]);
  });

  it('the contract example gives no such warning', async () => {
    const result = await importCatalog(t.db.knex, EXAMPLE, { dryRun: true });
    expect(result.problems.filter((p) => calendarCodes.includes(p.code))).toEqual([]);
  });

  it('the import page shows them as warnings, in the dry run and the import', async () => {
    const it = await buildUser(t.db.knex, { department: 'ITC', roles: ['it_office'] });
    const office = await signIn(t.app, it.login, it.password);
    for (const dryRun of [true, false]) {
      let req = office.agent.post('/catalog/import').field('_csrf', office.csrf);
      if (dryRun) req = req.field('dry_run', '1');
      const res = await req.attach('file', Buffer.from(TYPOS), 'catalog.yaml');
      expect(res.status).toBe(200);
      expect(res.text).toContain('2026-10-01 在国家法定节假日数据中是国庆节假期：列入 workdays 会使这天改为上班');
      expect(res.text).toContain('2027-02-10 是星期三，本来就是工作日');
      expect(res.text).toContain('2026-09-20（星期日）在国家法定节假日数据中是国庆节的调休上班日');
      expect(res.text).not.toContain('2027-02-20 是');
      expect(res.text).not.toContain('2027-02-06 是');
    }
  });

  it('the CLI prints them, in the dry run too', async () => {
    const env = cliEnvironment();
    try {
      const file = path.join(env.dataDir, 'typos.yaml');
      fs.writeFileSync(file, TYPOS);
      const dry = await runCli(['catalog', 'import', '--dry-run', file], { ...env.env, HUBWATCH_LOCALE: 'en' });
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain(
        'line 8, calendar.workdays[0]: warning: 2026-10-01 is a National Day holiday in the official data: listing it in workdays makes it a working day',
      );
      expect(dry.stdout).toContain('line 8, calendar.workdays[1]: warning: 2027-02-10 is a Wednesday, a working day anyway');
      expect(dry.stdout).toContain(
        'line 7, calendar.holidays[3]: warning: 2026-09-20 (a Sunday) is a make-up working day for National Day in the official data',
      );
    } finally {
      env.cleanup();
    }
  });
});
