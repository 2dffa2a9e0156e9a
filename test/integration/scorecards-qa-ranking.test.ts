import { run as snapshotJob } from '../../jobs/snapshot-scorecards';
import { importCatalog } from '../../server/services/catalog/repository';
import { buildUser } from '../factories';
import { buildCheckRun, createScorecardTestApp } from '../factories/scorecards';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * Found by a QA pass of the dashboard's ranking and its exports. "Today" is 2026-11-22 in Beijing;
 * snapshots of 2026-11-14 and 2026-11-21, a week apart. Each department has one `required` check of
 * 10,000 rows and no tickets, so its score is 50 × (completeness + 1):
 *
 * - HR:  100.00 on 11-14, 99.87 on 11-21 (26 empty): the change is −0.13
 * - ORG: 100.00 on 11-14, 99.96 on 11-21 (8 empty): −0.04
 * - STU:  95.00 on 11-14, 100.00 on 11-21 (1,000 empty, then none): +5.00
 */
const visibleText = (html: string) =>
  html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');

describe('scorecards: the ranking as people compare it', () => {
  let t: TestApp;
  let office: Awaited<ReturnType<typeof signIn>>;

  const rankingRows = async (query: string) => {
    const page = (await office.agent.get(`/dashboard?${query}`).expect(200)).text;
    const table = page.slice(page.indexOf('<table class="table sc-ranking">'));
    return table
      .slice(table.indexOf('<tbody>'), table.indexOf('</tbody>'))
      .split('</tr>')
      .map(visibleText)
      .map((r) => r.trim())
      .filter(Boolean);
  };

  beforeAll(async () => {
    t = await createScorecardTestApp();
    const o = await buildUser(t.db.knex, { department: 'ORG', roles: ['it_office'] });
    const day = async (at: string, empty: { hr: number; org: number; stu: number }) => {
      await buildCheckRun(t.db.knex, `${at}T10:00:00+08:00`, [
        { table: 'staff', field: 'staff_no', check: 'required', department: 'HR', violations: empty.hr, checked: 10000 },
        {
          table: 'staff',
          field: 'political_status',
          check: 'required',
          department: 'ORG',
          violations: empty.org,
          checked: 10000,
        },
        { table: 'student', field: 'student_no', check: 'required', department: 'STU', violations: empty.stu, checked: 10000 },
      ]);
      await snapshotJob(t.ctx, { day: at });
    };
    await day('2026-11-14', { hr: 0, org: 0, stu: 1000 });
    await day('2026-11-21', { hr: 26, org: 8, stu: 0 });
    office = await signIn(t.app, o.login, o.password);
  });
  afterAll(() => t.close());

  it("shows the change against 7 days ago with the scores' two decimals, its sign once, and a small change as a change", async () => {
    const rows = await rankingRows('from=2026-11-14&to=2026-11-21');
    const row = (code: string) => rows.find((r) => r.includes(` ${code} `))!;
    // Rank, name, code, period score, latest day's score, change.
    expect(row('HR')).toMatch(/人事处 HR \d+\.\d\d 99\.87 ▼ 0\.13 /);
    // 0.04 down is down, not "＝" (it was rounded to one decimal first: −0.0).
    expect(row('ORG')).toMatch(/党委组织部 ORG \d+\.\d\d 99\.96 ▼ 0\.04 /);
    // The arrow says the direction: no minus sign after ▼ (it read ▼ -0.10).
    expect(rows.join('\n')).not.toMatch(/▼ -/);
    expect(row('STU')).toMatch(/学生处 STU 97\.50 100\.00 ▲ 5\.00 /);
    const page = (await office.agent.get('/dashboard?from=2026-11-14&to=2026-11-21').expect(200)).text;
    expect(page).toMatch(/<span class="sc-down">▼ 0\.13<\/span>/);
  });
});

/**
 * The CSV as Excel reads it. Departments are the catalog's: a university's codes are often digits
 * (007, 0102) and a name is whatever was typed, a formula included. "Today" is 2026-11-22; one
 * snapshot of 2026-11-21, each department one `required` check of 100 rows with 10 empty.
 */
describe('scorecards: the CSV export as a spreadsheet reads it', () => {
  let t: TestApp;
  let office: Awaited<ReturnType<typeof signIn>>;
  const CATALOG = `
calendar:
  timezone: Asia/Shanghai
departments:
  - { code: '007', name: 人事处 }
  - { code: '1-2', name: '=HYPERLINK("http://evil.example/","点我")' }
  - { code: '12E3', name: '-Infinity' }
  - { code: 'TRUE', name: '2026-01' }
  - { code: 'ORG', name: '+86 党委组织部' }
tables:
${['007', '1-2', '12E3', 'TRUE', 'ORG']
  .map(
    (code, i) => `  - name: t${i}
    department: '${code}'
    sharing: none
    key: [id]
    fields:
      - { name: id, required: true }`,
  )
  .join('\n')}
`;

  beforeAll(async () => {
    t = await createTestApp();
    t.ctx.now = () => new Date('2026-11-22T10:00:00+08:00');
    const imported = await importCatalog(t.db.knex, CATALOG);
    if (!imported.ok) throw new Error(JSON.stringify(imported.problems));
    const o = await buildUser(t.db.knex, { department: 'ORG', roles: ['it_office'] });
    await buildCheckRun(
      t.db.knex,
      '2026-11-21T10:00:00+08:00',
      ['007', '1-2', '12E3', 'TRUE', 'ORG'].map((code, i) => ({
        table: `t${i}`,
        field: 'id',
        check: 'required',
        department: code,
        violations: 10,
        checked: 100,
      })),
    );
    await snapshotJob(t.ctx, { day: '2026-11-21' });
    office = await signIn(t.app, o.login, o.password);
  });
  afterAll(() => t.close());

  /** The CSV's cells, by RFC 4180 (quoted fields, doubled quotes). */
  const cells = (line: string) => {
    const out: string[] = [];
    const re = /("((?:[^"]|"")*)"|[^,]*)(,|$)/g;
    for (let m = re.exec(line); m && m.index < line.length; m = re.exec(line)) {
      out.push(m[2] !== undefined ? m[2].replace(/""/g, '"') : m[1]);
      if (m[3] === '') break;
    }
    return out;
  };

  it('keeps codes and names that look like numbers, dates or booleans as text, and no name runs as a formula', async () => {
    const csv = (await office.agent.get('/scorecards/export.csv?from=2026-11-21&to=2026-11-21').expect(200)).text;
    const rows = csv
      .replace(/^\uFEFF/, '')
      .split('\r\n')
      .filter(Boolean)
      .slice(1)
      .map(cells);
    // Every department scored (15 × 0.9 + 15 × 1) / 30 = 95.00 (completeness, no tickets): ranked 1 alike.
    const byName = Object.fromEntries(rows.map((r) => [r[2], r]));
    expect(rows.map((r) => r[3])).toEqual(Array(5).fill('95.00'));
    // Excel read 007 as the number 7, 1-2 as the 2nd of January, 12E3 as 12000, TRUE as a boolean,
    // 2026-01 as a month: each is written as a text formula ="…", which Excel shows as typed.
    expect(rows.map((r) => r[1]).sort()).toEqual(['="007"', '="1-2"', '="12E3"', '="TRUE"', 'ORG'].sort());
    expect(byName['="2026-01"']).toBeDefined();
    // A name that starts a formula is text (a leading '), -Infinity too (Number() read it as a number, so
    // it was let through; Excel takes -Infinity for a formula).
    expect(byName[`'=HYPERLINK("http://evil.example/","点我")`]).toBeDefined();
    expect(byName["'-Infinity"]).toBeDefined();
    expect(byName["'+86 党委组织部"]).toBeDefined();
    // The figures stay plain numbers.
    expect(rows[0].slice(3, 8)).toEqual(['95.00', '', '', '', '90.0']);
  });
});
