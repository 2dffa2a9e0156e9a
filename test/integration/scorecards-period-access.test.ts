import { run as snapshotJob } from '../../jobs/snapshot-scorecards';
import { translator } from '../../server/i18n';
import { buildUser } from '../factories';
import { buildCheckRun, createScorecardTestApp } from '../factories/scorecards';
import { signIn, TestApp } from '../helpers/app';

/**
 * Departments find the closed periods they may appeal: the periods list opens read-only to a
 * department's stewards and leaders (every closed period, with their own result and appeal only), and
 * closing a period tells each scored department's stewards and leaders in their inbox, linking to the period.
 *
 * 2026-11-20 (as in scorecards-http.test.ts): ORG 88.57 (rank 1), HR 77 (rank 2), STU not scored.
 * "Today" is 2026-11-22 in Beijing.
 */
const zh = translator('zh-CN');

describe('closed periods for departments', () => {
  let t: TestApp;
  let office: Awaited<ReturnType<typeof signIn>>;
  let hrSteward: Awaited<ReturnType<typeof signIn>>;
  let hrLeader: Awaited<ReturnType<typeof signIn>>;
  let orgSteward: Awaited<ReturnType<typeof signIn>>;
  let hrPlain: Awaited<ReturnType<typeof signIn>>;
  const ids: Record<string, number> = {};
  let periodPath = '';

  const noticesOf = (userId: number) =>
    t.db
      .knex('notifications')
      .where({ user_id: userId, kind: 'scorecards.period_closed' })
      .orderBy('id')
      .select('title', 'body', 'link');

  beforeAll(async () => {
    t = await createScorecardTestApp();
    const users = {
      office: await buildUser(t.db.knex, { department: 'ORG', roles: ['it_office'] }),
      hrSteward: await buildUser(t.db.knex, { department: 'HR', roles: ['steward'] }),
      hrLeader: await buildUser(t.db.knex, { department: 'HR', roles: ['dept_leader'] }),
      orgSteward: await buildUser(t.db.knex, { department: 'ORG', roles: ['steward'] }),
      stuSteward: await buildUser(t.db.knex, { department: 'STU', roles: ['steward'] }),
      hrPlain: await buildUser(t.db.knex, { department: 'HR', roles: ['user'] }),
    };
    for (const [k, u] of Object.entries(users)) ids[k] = u.id;
    await buildCheckRun(t.db.knex, '2026-11-20T10:00:00+08:00', [
      { table: 'staff', check: 'freshness', department: 'HR', passed: true },
      { table: 'payroll', check: 'freshness', department: 'HR', passed: false },
      { table: 'staff', field: 'staff_no', check: 'required', department: 'HR', violations: 10, checked: 100 },
      { table: 'staff', field: 'political_status', check: 'codes', department: 'ORG', violations: 10, checked: 50 },
    ]);
    await snapshotJob(t.ctx, { day: '2026-11-20' });
    office = await signIn(t.app, users.office.login, users.office.password);
    hrSteward = await signIn(t.app, users.hrSteward.login, users.hrSteward.password);
    hrLeader = await signIn(t.app, users.hrLeader.login, users.hrLeader.password);
    orgSteward = await signIn(t.app, users.orgSteward.login, users.orgSteward.password);
    hrPlain = await signIn(t.app, users.hrPlain.login, users.hrPlain.password);
  });
  afterAll(() => t.close());

  it('opens the periods list to stewards and department leaders, read-only; not to other staff', async () => {
    const scorecard = (await hrSteward.agent.get('/scorecards/HR').expect(200)).text;
    expect(scorecard).toContain('href="/scorecards/periods"');
    for (const who of [hrSteward, hrLeader]) {
      const page = (await who.agent.get('/scorecards/periods').expect(200)).text;
      expect(page).toContain(zh('scorecards.periods.none'));
      expect(page).not.toContain('action="/scorecards/periods"'); // no closing form
    }
    await hrPlain.agent.get('/scorecards/periods').expect(403);
    await hrSteward.agent
      .post('/scorecards/periods')
      .type('form')
      .send({ _csrf: hrSteward.csrf, from: '2026-11-20', to: '2026-11-20' })
      .expect(403);
  });

  it("tells each scored department's stewards and leaders in their inbox when a period is closed, with their result and the link", async () => {
    const closing = await office.agent
      .post('/scorecards/periods')
      .type('form')
      .send({ _csrf: office.csrf, from: '2026-11-20', to: '2026-11-20', label: '11月20日考核' })
      .expect(302);
    periodPath = closing.headers.location as string;
    expect(periodPath).toMatch(/^\/scorecards\/periods\/\d+$/);
    const title = '【考核关账】“11月20日考核”考核结果已冻结';
    expect(await noticesOf(ids.hrSteward)).toEqual([
      {
        title,
        body: '人事处在“11月20日考核”（2026-11-20 至 2026-11-20）的得分为 77.00，在 2 个参评部门中排名第 2。如对结果有异议，可在周期页面提出申诉。',
        link: periodPath,
      },
    ]);
    expect(await noticesOf(ids.orgSteward)).toEqual([
      {
        title,
        body: '党委组织部在“11月20日考核”（2026-11-20 至 2026-11-20）的得分为 88.57，在 2 个参评部门中排名第 1。如对结果有异议，可在周期页面提出申诉。',
        link: periodPath,
      },
    ]);
    expect(await noticesOf(ids.stuSteward)).toEqual([
      {
        title,
        body: '学生处在“11月20日考核”（2026-11-20 至 2026-11-20）没有得分，未参与排名。如对结果有异议，可在周期页面提出申诉。',
        link: periodPath,
      },
    ]);
    // The department's leader hears it too (its result is the leader's business); not its other staff, and not
    // the IT office, which closed it and knows.
    expect(await noticesOf(ids.hrLeader)).toEqual(await noticesOf(ids.hrSteward));
    for (const who of ['hrPlain', 'office']) expect(await noticesOf(ids[who])).toEqual([]);
    // The inbox shows it with its link.
    const inbox = (await hrSteward.agent.get('/inbox').expect(200)).text;
    expect(inbox).toContain(title);
    expect(inbox).toContain(periodPath);
  });

  it('lists the closed period to a department with its own score, rank and appeal link only', async () => {
    for (const who of [hrSteward, hrLeader]) {
      const page = (await who.agent.get('/scorecards/periods').expect(200)).text;
      expect(page).toContain(`<a href="${periodPath}">11月20日考核</a>`);
      expect(page).toContain('<td class="num sc-score">77.00</td>');
      expect(page).toContain('<td class="num">2 / 2</td>');
      expect(page).toContain(`<a href="${periodPath}#appeal">${zh('scorecards.periods.appealLink')}</a>`);
      expect(page).not.toContain('88.57');
      expect(page).not.toContain('党委组织部');
    }
    // The link leads to the appeal form.
    const period = (await hrSteward.agent.get(periodPath).expect(200)).text;
    expect(period).toContain(`action="${periodPath}/appeals" class="panel no-print" id="appeal"`);
  });

  it("shows a department its own appeal's state, and the IT office every appeal waiting for an answer", async () => {
    await hrSteward.agent
      .post(`${periodPath}/appeals`)
      .type('form')
      .send({ _csrf: hrSteward.csrf, comment: '工资表 20 日凌晨已同步。' })
      .expect(302);
    const hr = (await hrLeader.agent.get('/scorecards/periods').expect(200)).text;
    expect(hr).toContain(`<span class="badge warn">${zh('scorecards.appeals.pending')}</span>`);
    expect(hr).not.toContain(`${periodPath}#appeal`);
    // ORG has not appealed: it still gets the link, and learns nothing of HR's appeal.
    const org = (await orgSteward.agent.get('/scorecards/periods').expect(200)).text;
    expect(org).toContain(`${periodPath}#appeal`);
    expect(org).toContain('<td class="num sc-score">88.57</td>');
    expect(org).not.toContain(zh('scorecards.appeals.pending'));
    const all = (await office.agent.get('/scorecards/periods').expect(200)).text;
    expect(all).toContain(zh('scorecards.periods.appealCount', { pending: 1, appeals: 1 }));
    expect(all).toContain('action="/scorecards/periods"');
  });

  it("links a closed period's frozen badge on the scorecard to the period's page", async () => {
    const id = periodPath.split('/').pop();
    const page = (await hrSteward.agent.get(`/scorecards/HR?period=${id}`).expect(200)).text;
    expect(page).toContain(`<a class="badge closed" href="${periodPath}">`);
  });
});
