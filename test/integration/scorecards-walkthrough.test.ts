import ExcelJS from 'exceljs';
import { run as snapshotJob } from '../../jobs/snapshot-scorecards';
import { translator } from '../../server/i18n';
import { appendAudit } from '../../server/services/audit';
import { buildUser } from '../factories';
import { buildCheckRun, createScorecardTestApp } from '../factories/scorecards';
import { signIn, TestApp } from '../helpers/app';

/**
 * Defects found in a walkthrough of the department scorecards, as the IT office and the departments meet them:
 * closing a period without any score, the audit rows of the snapshot button and of appeals, the weights' English
 * names, and the departments' own exports.
 *
 * "Today" is 2026-11-22 in Beijing (10:00). HR is scored on 2026-11-20 (one check run, snapshotted); October has no
 * snapshot at all, as every past period on a fresh install.
 */
const zh = translator('zh-CN');
const en = translator('en');
/** As Handlebars writes text into the page. */
const html = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#x27;')
    .replace(/`/g, '&#x60;')
    .replace(/=/g, '&#x3D;');

/** The cells of the audit page's row `seq`. */
function cellsOf(page: string, seq: number): string[] {
  const start = page.search(new RegExp(`<td[^>]*>${seq}</td>`));
  expect(start).toBeGreaterThan(-1);
  const row = page.slice(start, page.indexOf('</tr>', start));
  return row
    .split(/<td[^>]*>/)
    .slice(1)
    .map((cell) => cell.replace(/<\/td>\s*$/, '').trim());
}

type Session = Awaited<ReturnType<typeof signIn>>;

describe('scorecards walkthrough', () => {
  let t: TestApp;
  let office: Session;
  let officeEn: Session;
  const session = async (user: { login: string; password: string }, locale: 'zh-CN' | 'en') => {
    const s = await signIn(t.app, user.login, user.password);
    await s.agent.post('/locale').type('form').send({ _csrf: s.csrf, locale, next: '/' }).expect(302);
    return s;
  };
  const periods = async () => Number((await t.db.knex('assessment_periods').count({ n: '*' }))[0].n);
  const audited = async (action: string) => t.db.knex('audit_log').where({ action }).orderBy('seq');

  beforeAll(async () => {
    t = await createScorecardTestApp();
    const o = await buildUser(t.db.knex, { department: 'ORG', roles: ['it_office'] });
    await buildCheckRun(t.db.knex, '2026-11-20T10:00:00+08:00', [
      { table: 'staff', check: 'freshness', department: 'HR', passed: true },
    ]);
    await snapshotJob(t.ctx, { day: '2026-11-20' });
    office = await session(o, 'zh-CN');
    officeEn = await session(o, 'en');
  });
  afterAll(() => t.close());

  describe('closing a period without any score', () => {
    const close = (s: Session, body: Record<string, string>) =>
      s.agent
        .post('/scorecards/periods')
        .type('form')
        .send({ _csrf: s.csrf, ...body });

    it('refuses, saying why, and shows the form again with the box to close it anyway; nothing is written', async () => {
      const res = await close(office, { from: '2026-10-01', to: '2026-10-31', label: '10月' }).expect(422);
      expect(res.text).toContain(html(zh('scorecards.errors.closeEmpty', { from: '2026-10-01', to: '2026-10-31' })));
      expect(res.text).toContain('本期没有任何评分数据');
      expect(res.text).toContain('<input type="checkbox" id="confirm_empty" name="confirm_empty" value="1"');
      expect(res.text).toContain(`${zh('scorecards.periods.confirmEmpty')}</label>`);
      // What was typed comes back.
      expect(res.text).toContain('id="from" name="from" type="date" aria-required="true" value="2026-10-01"');
      expect(res.text).toContain('value="10月"');
      expect(await periods()).toBe(0);
      expect(await audited('scorecards.close')).toEqual([]);
      // The days stay open: a later snapshot of one still writes.
      expect((await snapshotJob(t.ctx, { day: '2026-10-15' })).skipped).toBeNull();
    });

    it('says so in English', async () => {
      const res = await close(officeEn, { from: '2026-10-01', to: '2026-10-31', label: '' }).expect(422);
      expect(res.text).toContain(html(en('scorecards.errors.closeEmpty', { from: '2026-10-01', to: '2026-10-31' })));
      expect(res.text).toContain(`${html(en('scorecards.periods.confirmEmpty'))}</label>`);
      expect(await periods()).toBe(0);
    });

    it('closes it when the IT office ticks the box, and the audit row says it was confirmed', async () => {
      const res = await close(office, { from: '2026-10-01', to: '2026-10-31', label: '10月', confirm_empty: '1' }).expect(302);
      expect(res.headers.location).toMatch(/^\/scorecards\/periods\/\d+$/);
      expect(await periods()).toBe(1);
      const [row] = await audited('scorecards.close');
      const page = (await office.agent.get('/admin/audit?action=scorecards.close').expect(200)).text;
      const summary = cellsOf(page, Number(row.seq))[5];
      expect(summary).toContain(`${zh('admin.audit.keys.confirmed_empty')}</span>: 是`);
    });

    it('closes a period with scores as before, without the box', async () => {
      const res = await close(office, { from: '2026-11-20', to: '2026-11-20', label: '11月20日' }).expect(302);
      expect(res.headers.location).toMatch(/^\/scorecards\/periods\/\d+$/);
      expect(await periods()).toBe(2);
      const page = (await office.agent.get('/admin/audit?action=scorecards.close').expect(200)).text;
      const rows = await audited('scorecards.close');
      expect(cellsOf(page, Number(rows[1].seq))[5]).not.toContain('confirmed_empty');
    });
  });

  describe('立即生成今日快照', () => {
    it('writes an audit row: who, when, which day, how many departments; the audit page names it in both languages', async () => {
      const res = await office.agent.post('/scorecards/snapshot').type('form').send({ _csrf: office.csrf }).expect(302);
      expect(res.headers.location).toBe('/dashboard');
      const departments = Number((await t.db.knex('scorecard_snapshots').where({ day: '2026-11-22' }).count({ n: '*' }))[0].n);
      expect(departments).toBeGreaterThan(0);
      const rows = await audited('scorecards.snapshot');
      expect(rows).toHaveLength(1);
      const seq = Number(rows[0].seq);
      const [, , actor, action, object, summary] = cellsOf(
        (await office.agent.get('/admin/audit?action=scorecards.snapshot').expect(200)).text,
        seq,
      );
      expect(actor).toContain(rows[0].actor_login ?? 'missing login');
      expect(action).toBe(`${zh('admin.audit.actions.scorecards.snapshot')}<br><code>scorecards.snapshot</code>`);
      expect(action).toContain('立即生成评分快照');
      expect(object).toBe(`${zh('admin.audit.objects.scorecard_snapshot')} #2026-11-22`);
      expect(summary).toContain(`<span class="k" title="day">日期</span>: 2026-11-22`);
      expect(summary).toContain(`<span class="k" title="departments">部门数</span>: ${departments}`);
      const english = cellsOf((await officeEn.agent.get('/admin/audit?action=scorecards.snapshot').expect(200)).text, seq);
      expect(english[3]).toBe('Scorecard snapshot taken now<br><code>scorecards.snapshot</code>');
      expect(english[5]).toContain(`<span class="k" title="departments">Departments</span>: ${departments}`);
    });

    it('writes none when the day belongs to a closed period (nothing was snapshotted)', async () => {
      await t.db.knex('assessment_periods').insert({
        label: '今天',
        from: '2026-11-22',
        to: '2026-11-22',
        closed_at: new Date(),
        results: JSON.stringify([]),
      });
      try {
        await office.agent.post('/scorecards/snapshot').type('form').send({ _csrf: office.csrf }).expect(302);
        expect(await audited('scorecards.snapshot')).toHaveLength(1);
      } finally {
        await t.db.knex('assessment_periods').where({ from: '2026-11-22', to: '2026-11-22' }).delete();
      }
    });

    it("comes back to the period the dashboard showed, not this month (only the period's own keys carried)", async () => {
      const dashboard = (await office.agent.get('/dashboard?period=previous_month').expect(200)).text;
      expect(dashboard).toContain('<input type="hidden" name="period_query" value="period&#x3D;previous_month">');
      const back = await office.agent
        .post('/scorecards/snapshot')
        .type('form')
        .send({ _csrf: office.csrf, period_query: 'period=previous_month' })
        .expect(302);
      expect(back.headers.location).toBe('/dashboard?period=previous_month');
      const range = await office.agent
        .post('/scorecards/snapshot')
        .type('form')
        .send({ _csrf: office.csrf, period_query: 'from=2026-11-01&to=2026-11-20&next=//evil.example&x=<b>' })
        .expect(302);
      expect(range.headers.location).toBe('/dashboard?from=2026-11-01&to=2026-11-20');
    });
  });

  describe("appeals' audit rows", () => {
    it('name the period and the department by their names on /admin/audit; rows written before still show', async () => {
      const hr = await buildUser(t.db.knex, { department: 'HR', roles: ['steward'] });
      const steward = await session(hr, 'zh-CN');
      // A period with HR's score in it (closed above, or here when run alone).
      let period = await t.db.knex('assessment_periods').where({ from: '2026-11-20', to: '2026-11-20' }).first('id');
      if (!period) {
        await office.agent
          .post('/scorecards/periods')
          .type('form')
          .send({ _csrf: office.csrf, from: '2026-11-20', to: '2026-11-20', label: '11月20日' })
          .expect(302);
        period = await t.db.knex('assessment_periods').where({ from: '2026-11-20', to: '2026-11-20' }).first('id');
      }
      const id = Number(period.id);
      await steward.agent
        .post(`/scorecards/periods/${id}/appeals`)
        .type('form')
        .send({ _csrf: steward.csrf, comment: '11月20日的时效性有误' })
        .expect(302);
      const appeal = await t.db.knex('scorecard_appeals').where({ period_id: id, department_code: 'HR' }).first('id');
      await office.agent
        .post(`/scorecards/appeals/${appeal.id}/answer`)
        .type('form')
        .send({ _csrf: office.csrf, answer: '已核实' })
        .expect(302);
      // Written by the version before: the period's number and the department's code.
      const { seq: old } = await appendAudit(t.db.knex, {
        action: 'scorecards.appeal',
        objectType: 'scorecard_appeal',
        objectId: 99,
        summary: { period: 3, department: 'HR' },
      });
      const page = (await office.agent.get('/admin/audit').expect(200)).text;
      for (const action of ['scorecards.appeal', 'scorecards.answer']) {
        const [row] = await t.db.knex('audit_log').where({ action, object_id: String(appeal.id) });
        const [, , , label, , summary] = cellsOf(page, Number(row.seq));
        expect(label).toContain(`<code>${action}</code>`);
        const lines = [...summary.matchAll(/<li>(.*?)<\/li>/g)].map((m) => m[1]).sort();
        expect(lines).toEqual(
          [
            '<span class="k" title="period">考核周期</span>: 11月20日',
            '<span class="k" title="department">部门</span>: 人事处',
            '<span class="k" title="department_code">部门代码</span>: HR',
          ].sort(),
        );
      }
      expect(cellsOf(page, old)[5]).toBe(
        '<ul class="kv"><li><span class="k" title="period">考核周期</span>: 3</li><li><span class="k" title="department">部门</span>: HR</li></ul>',
      );
      const english = (await officeEn.agent.get('/admin/audit').expect(200)).text;
      const [answered] = await t.db.knex('audit_log').where({ action: 'scorecards.answer', object_id: String(appeal.id) });
      expect(cellsOf(english, Number(answered.seq))[5]).toContain('<span class="k" title="department">Department</span>: 人事处');
    });
  });

  describe("the weights' names", () => {
    it('are the same on the weights page and in the audit log, in English and Chinese', async () => {
      const weights = { freshness: 20, deadline: 15, validity: 15, completeness: 15, tickets: 15, reports: 10, sharing: 10 };
      await office.agent
        .post('/scorecards/weights')
        .type('form')
        .send({
          _csrf: office.csrf,
          ...Object.fromEntries(Object.entries(weights).map(([k, v]) => [`weights.${k}`, String(v)])),
          valid_from: '2026-11-22',
          note: '走查',
        })
        .expect(302);
      const [row] = await audited('scorecards.weights');
      for (const [s, tr] of [
        [officeEn, en],
        [office, zh],
      ] as const) {
        const page = (await s.agent.get('/scorecards/weights').expect(200)).text;
        const summary = cellsOf(
          (await s.agent.get('/admin/audit?action=scorecards.weights').expect(200)).text,
          Number(row.seq),
        )[5];
        for (const [c, v] of Object.entries(weights)) {
          const name = html(tr(`scorecards.columns.${c}`));
          expect(page).toContain(`<label for="w-${c}">${name}</label>`);
          expect(summary).toContain(
            `<span class="k" title="weights.${c}">${html(tr('admin.audit.keys.weights'))} · ${name}</span>: ${v}`,
          );
        }
      }
      // The one the walkthrough found: "Reports on time" on the page, "Reports answered in time" in the log.
      const log = (await officeEn.agent.get('/admin/audit?action=scorecards.weights').expect(200)).text;
      expect(log).toContain('Weights · Reports on time</span>: 10');
      expect(log).not.toContain('answered in time');
    });
  });

  describe("a department's own export", () => {
    it("gives a department's leader and steward their own row only, from their scorecard; others are kept out", async () => {
      // STU scored too, so that the IT office's file has another department's row to keep out.
      await buildCheckRun(t.db.knex, '2026-11-21T10:00:00+08:00', [
        { table: 'staff', check: 'freshness', department: 'HR', passed: true },
        { table: 'student', check: 'freshness', department: 'STU', passed: false },
      ]);
      await snapshotJob(t.ctx, { day: '2026-11-21' });
      const query = 'from=2026-11-21&to=2026-11-21';
      const officeCsv = (await office.agent.get(`/scorecards/export.csv?${query}`).expect(200)).text;
      expect(officeCsv).toContain('人事处');
      expect(officeCsv).toContain('学生处');
      const ranked = officeCsv
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n')
        .slice(1)
        .filter((line) => /^\d+,/.test(line)).length;
      expect(ranked).toBeGreaterThanOrEqual(2);
      for (const role of ['dept_leader', 'steward'] as const) {
        const user = await buildUser(t.db.knex, { department: 'HR', roles: [role] });
        const s = await session(user, 'zh-CN');
        // Offered on their scorecard, for the period shown.
        const scorecard = (await s.agent.get(`/scorecards/HR?${query}`).expect(200)).text;
        expect(scorecard).toContain(`<a href="/scorecards/export.xlsx?${html(query)}">${zh('scorecards.export.xlsx')}</a>`);
        expect(scorecard).toContain(`<a href="/scorecards/export.csv?${html(query)}">${zh('scorecards.export.csv')}</a>`);
        const csv = await s.agent.get(`/scorecards/export.csv?${query}`).expect(200);
        expect(csv.headers['content-disposition']).toBe('attachment; filename="scorecards-HR-2026-11-21-2026-11-21.csv"');
        const lines = csv.text
          .replace(/^\uFEFF/, '')
          .trim()
          .split('\r\n');
        expect(lines).toHaveLength(2);
        expect(lines[1]).toContain(',HR,人事处,');
        expect(csv.text).not.toContain('学生处');
        expect(csv.text).not.toContain('STU');
        const xlsx = await s.agent
          .get(`/scorecards/export.xlsx?${query}`)
          .buffer(true)
          .parse((res, done) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => done(null, Buffer.concat(chunks)));
          })
          .expect(200);
        expect(xlsx.headers['content-disposition']).toBe('attachment; filename="scorecards-HR-2026-11-21-2026-11-21.xlsx"');
        const book = new ExcelJS.Workbook();
        await book.xlsx.load(xlsx.body as unknown as Parameters<typeof book.xlsx.load>[0]);
        const text = JSON.stringify(book.worksheets.map((ws) => ws.getSheetValues()));
        expect(text).toContain('人事处');
        expect(text).not.toContain('学生处');
        // Its one row's rank says out of how many, as the scorecard's 2 / 8 does (the office's file lists them all).
        expect(book.worksheets[0].getCell('A1').value).toBe(
          `部门数据质量考核 2026-11-21 至 2026-11-21 · 排名为全校 ${ranked} 个参评部门中的名次`,
        );
      }
      // An account with no scorecard to see (no steward or leader role) exports nothing.
      const plain = await buildUser(t.db.knex, { department: 'HR', roles: ['user'] });
      const p = await session(plain, 'zh-CN');
      await p.agent.get(`/scorecards/export.csv?${query}`).expect(403);
      await p.agent.get(`/scorecards/export.xlsx?${query}`).expect(403);
    });
  });
});
