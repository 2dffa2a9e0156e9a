import { run as snapshotJob } from '../../jobs/snapshot-scorecards';
import { buildUser } from '../factories';
import { buildCheckRun, createScorecardTestApp } from '../factories/scorecards';
import { signIn, TestApp } from '../helpers/app';
import { usingRealPostgres } from '../helpers/database';

/**
 * A closed period takes one appeal per department. A second one — a colleague's sent at the same moment, or one's own
 * form sent twice — is refused without losing what was typed: the colleague gets the period's page back (409) saying
 * who appealed when, with their own text on it to copy; the same text sent again by the same person is "done already,
 * nothing changed". Either way one appeal is written, one audit row and one notice to the IT office.
 * "Today" is 2026-11-22 in Beijing; 2026-11-20 is snapshotted, and each test closes a day of its own.
 */
describe('a second appeal on a closed period', () => {
  let t: TestApp;
  let steward: Awaited<ReturnType<typeof buildUser>>;
  let leader: Awaited<ReturnType<typeof buildUser>>;
  let office: Awaited<ReturnType<typeof buildUser>>;
  type Session = Awaited<ReturnType<typeof signIn>>;
  let stewardSession: Session;
  let leaderSession: Session;

  /** Closes one day (its snapshot first) and returns the period's id. */
  const closeDay = async (day: string) => {
    await buildCheckRun(t.db.knex, `${day}T10:00:00+08:00`, [
      { table: 'staff', check: 'freshness', department: 'HR', passed: true },
    ]);
    await snapshotJob(t.ctx, { day });
    const o = await signIn(t.app, office.login, office.password);
    const closing = await o.agent
      .post('/scorecards/periods')
      .type('form')
      .send({ _csrf: o.csrf, from: day, to: day, label: `${day} 考核` })
      .expect(302);
    return Number(String(closing.headers.location).split('/').pop());
  };
  const appeal = (s: Session, periodId: number, comment: string) =>
    s.agent.post(`/scorecards/periods/${periodId}/appeals`).type('form').send({ _csrf: s.csrf, comment });
  /** What the appeals of a period left behind: the appeals, their audit rows, the IT office's notices of them. */
  const written = async (periodId: number) => ({
    appeals: await t.db.knex('scorecard_appeals').where({ period_id: periodId }).pluck('comment'),
    audit: Number(
      (
        await t.db
          .knex('audit_log')
          .where({ action: 'scorecards.appeal' })
          .whereIn(
            'object_id',
            (await t.db.knex('scorecard_appeals').where({ period_id: periodId }).pluck('id')).map((id) => String(id)),
          )
          .count({ n: '*' })
          .first()
      )?.n,
    ),
    notices: Number(
      (
        await t.db
          .knex('notifications')
          .where({ user_id: office.id, kind: 'scorecards.appeal', link: `/scorecards/periods/${periodId}` })
          .count({ n: '*' })
          .first()
      )?.n,
    ),
  });
  /** The refused text, as the page shows it to be copied (in a box of its own, not sent). */
  const keptBox = (html: string) =>
    /<div class="panel no-print sc-refused" id="appeal">[\s\S]*?<\/textarea>/.exec(html)?.[0] ?? '';

  beforeAll(async () => {
    t = await createScorecardTestApp();
    office = await buildUser(t.db.knex, { department: 'ORG', roles: ['it_office'], name: '信息办王老师' });
    steward = await buildUser(t.db.knex, { department: 'HR', roles: ['steward'], name: '人事处李专员' });
    leader = await buildUser(t.db.knex, { department: 'HR', roles: ['dept_leader'], name: '人事处张处长' });
    stewardSession = await signIn(t.app, steward.login, steward.password);
    leaderSession = await signIn(t.app, leader.login, leader.password);
  });
  afterAll(() => t.close());

  it("gives a colleague sending at the same moment the period's page back, naming who appealed when, their text kept", async () => {
    const periodId = await closeDay('2026-11-18');
    const texts = { steward: '工资表 18 日已同步，检查时间早于同步。', leader: '请复核 18 日的时效性：系统维护窗口内无法更新。' };
    const [fromSteward, fromLeader] = await Promise.all([
      appeal(stewardSession, periodId, texts.steward),
      appeal(leaderSession, periodId, texts.leader),
    ]);
    // One of them is taken (whichever the database took first), the other refused.
    expect([fromSteward.status, fromLeader.status].sort()).toEqual([302, 409]);
    const [taken, refused] = fromSteward.status === 302 ? [fromSteward, fromLeader] : [fromLeader, fromSteward];
    const first =
      refused === fromLeader ? { name: '人事处李专员', text: texts.steward } : { name: '人事处张处长', text: texts.leader };
    const lost = refused === fromLeader ? texts.leader : texts.steward;
    expect(taken.headers.location).toBe(`/scorecards/periods/${periodId}`);
    // The period's page (not the error page), saying the department appealed already, by whom and when…
    expect(refused.text).toContain('<h1>2026-11-18 考核</h1>');
    expect(refused.text).toContain(`本部门已由${first.name}于 2026-11-22 10:00 提出申诉，每个周期只能申诉一次：你的申诉未发送。`);
    expect(refused.text).toMatch(/<div class="flash flash-error" role="alert"/);
    // …with the first appeal on it, and the refused text in a box to copy.
    expect(refused.text).toContain(first.text);
    expect(keptBox(refused.text)).toContain(`readonly>${lost}</textarea>`);
    expect(await written(periodId)).toEqual({ appeals: [first.text], audit: 1, notices: 1 });
  });

  it("gives the page back when the colleague's appeal is committed while this one waits on the unique key", async () => {
    // PostgreSQL only: the colleague's transaction stays open while the request runs, which PGlite's one connection
    // cannot do. Both pass the look-up for an existing appeal; the request's insert waits for the colleague's commit.
    if (!usingRealPostgres()) return;
    const periodId = await closeDay('2026-11-17');
    const colleague = await t.db.knex.transaction();
    try {
      await colleague('scorecard_appeals').insert({
        period_id: periodId,
        department_code: 'HR',
        comment: '张处长先提交的申诉',
        created_by: leader.id,
        created_by_name: '人事处张处长',
        created_at: new Date('2026-11-22T09:30:00+08:00'),
      });
      const sent = appeal(stewardSession, periodId, '李专员同时填写的申诉理由').then((res) => res);
      // Until the request's insert waits on the colleague's row (the unique key of period and department).
      let waiting = false;
      for (let i = 0; i < 200 && !waiting; i++) {
        const { rows } = await t.db.knex.raw(
          `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
        );
        waiting = rows[0].n > 0;
        if (!waiting) await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(waiting).toBe(true);
      await colleague.commit();
      const res = await sent;
      expect(res.status).toBe(409);
      expect(res.text).toContain('本部门已由人事处张处长于 2026-11-22 09:30 提出申诉');
      expect(keptBox(res.text)).toContain('readonly>李专员同时填写的申诉理由</textarea>');
    } finally {
      if (!colleague.isCompleted()) await colleague.rollback();
    }
    expect(await t.db.knex('scorecard_appeals').where({ period_id: periodId }).pluck('comment')).toEqual(['张处长先提交的申诉']);
  });

  it('heads an appeal of a department without a result in the period by its name, not its code twice', async () => {
    // A day nobody scored (no snapshot), closed anyway: the department may still appeal (its scores are missing).
    const o = await signIn(t.app, office.login, office.password);
    const closing = await o.agent
      .post('/scorecards/periods')
      .type('form')
      .send({ _csrf: o.csrf, from: '2026-11-13', to: '2026-11-13', label: '2026-11-13 考核', confirm_empty: '1' })
      .expect(302);
    const periodId = Number(String(closing.headers.location).split('/').pop());
    await appeal(stewardSession, periodId, '本日有检查运行，却没有评分').expect(302);
    for (const s of [stewardSession, o]) {
      const page = (await s.agent.get(`/scorecards/periods/${periodId}`).expect(200)).text;
      expect(page).toContain('<p><strong>人事处</strong> <small class="muted">HR</small> · 人事处李专员');
    }
  });

  it('takes the same text sent twice by the same person as done already: nothing written twice', async () => {
    const periodId = await closeDay('2026-11-16');
    const text = '16 日工资表按时同步，请复核。';
    const both = await Promise.all([appeal(stewardSession, periodId, text), appeal(stewardSession, periodId, text)]);
    expect(both.map((r) => r.status).sort()).toEqual([302, 303]);
    const again = both.find((r) => r.status === 303)!;
    const id = (await t.db.knex('scorecard_appeals').where({ period_id: periodId }).first('id')).id;
    expect(again.headers.location).toBe(`/scorecards/periods/${periodId}#appeal-${id}`);
    // Sent once more later (a resent form, spaces around it as typed): the same.
    const later = await appeal(stewardSession, periodId, `  ${text}\n`).expect(303);
    expect(later.headers.location).toBe(`/scorecards/periods/${periodId}#appeal-${id}`);
    const page = (await stewardSession.agent.get(`/scorecards/periods/${periodId}`).expect(200)).text;
    expect(page).toMatch(/<div class="flash flash-info" role="status">你已提交过这条申诉，本次提交未作改动<\/div>/);
    expect(await written(periodId)).toEqual({ appeals: [text], audit: 1, notices: 1 });
  });

  it('refuses another text from the same person on the page, the text kept; the English page says so too', async () => {
    const periodId = await closeDay('2026-11-15');
    await appeal(stewardSession, periodId, '第一次的申诉理由').expect(302);
    const other = await appeal(stewardSession, periodId, '补充：另一张表也受影响 <b>').expect(409);
    expect(other.text).toContain('本部门已由人事处李专员于 2026-11-22 10:00 提出申诉');
    expect(keptBox(other.text)).toContain('readonly>补充：另一张表也受影响 &lt;b&gt;</textarea>');
    const en = await signIn(t.app, leader.login, leader.password);
    await en.agent.post('/locale').type('form').send({ _csrf: en.csrf, locale: 'en', next: '/' }).expect(302);
    const refused = await appeal(en, periodId, 'The leader adds a line').expect(409);
    expect(refused.text).toContain(
      'Your department has already appealed this period (人事处李专员, 2026-11-22 10:00); a period takes one appeal, so yours was not sent.',
    );
    expect(keptBox(refused.text)).toContain('readonly>The leader adds a line</textarea>');
    await en.agent.post('/locale').type('form').send({ _csrf: en.csrf, locale: 'zh-CN', next: '/' }).expect(302);
    expect(await written(periodId)).toEqual({ appeals: ['第一次的申诉理由'], audit: 1, notices: 1 });
    // The refusal's address opened again (a reload without resending): the period's page, not a 404.
    const again = await stewardSession.agent.get(`/scorecards/periods/${periodId}/appeals`).expect(302);
    expect(again.headers.location).toBe(`/scorecards/periods/${periodId}`);
    await stewardSession.agent.get('/scorecards/periods/x1/appeals').expect(404);
  });

  // Windows wraps a phone number copied from its apps in U+202A … U+202C; a NUL comes with text pasted from some
  // programs. The app-wide refusal was the bare error page (提交的内容有误… 返回首页): an appeal of up to 4000
  // characters, or the office's answer, was lost.
  it('a NUL or a direction override in an appeal or its answer: the period page again (422), the text as typed beside the message, nothing written', async () => {
    const periodId = await closeDay('2026-11-14');
    const typed = '时效性得分有误，请联系 \u202A0371-67781234\u202C 核实';
    const refused = await appeal(stewardSession, periodId, typed).expect(422);
    expect(refused.text).toContain('<p class="field-error" role="alert" id="comment-error">文本中含有看不见的控制字符');
    expect(refused.text).toContain(`aria-invalid="true" aria-describedby="comment-error">${typed}</textarea>`);
    // A NUL is shown as a browser shows it, so that the box sent again holds no NUL either.
    const withNul = await appeal(stewardSession, periodId, '第一行\u0000第二行').expect(422);
    expect(withNul.text).toContain('>第一行\ufffd第二行</textarea>');
    expect(await written(periodId)).toEqual({ appeals: [], audit: 0, notices: 0 });

    // The IT office's answer: the same, in English too.
    await appeal(stewardSession, periodId, '时效性得分有误，请复核').expect(302);
    const [appealId] = await t.db.knex('scorecard_appeals').where({ period_id: periodId }).pluck('id');
    const o = await signIn(t.app, office.login, office.password);
    await o.agent.post('/locale').type('form').send({ _csrf: o.csrf, locale: 'en', next: '/' }).expect(302);
    const answer = '已复核 \u202E维持原评分';
    const page = await o.agent
      .post(`/scorecards/appeals/${appealId}/answer`)
      .type('form')
      .send({ _csrf: o.csrf, answer })
      .expect(422);
    expect(page.text).toContain(
      `<p class="field-error" role="alert" id="answer-${appealId}-error">The text contains an invisible control character`,
    );
    expect(page.text).toContain(`aria-describedby="answer-${appealId}-error">${answer}</textarea>`);
    await o.agent.post('/locale').type('form').send({ _csrf: o.csrf, locale: 'zh-CN', next: '/' }).expect(302);
    expect(await t.db.knex('scorecard_appeals').where({ id: appealId }).first('answer')).toEqual({ answer: null });
    // The sent-back answer's address opened again (a reload without resending, an error page's reload): the appeal on
    // its period's page, not a 404. Only for those who answer appeals; an appeal that does not exist stays a 404.
    const again = await o.agent.get(`/scorecards/appeals/${appealId}/answer`).expect(302);
    expect(again.headers.location).toBe(`/scorecards/periods/${periodId}#appeal-${appealId}`);
    await o.agent.get('/scorecards/appeals/999999/answer').expect(404);
    await stewardSession.agent.get(`/scorecards/appeals/${appealId}/answer`).expect(403);
    // So after a refused CSRF token (403, the page expired): the address the error page stands at leads back.
    const expired = await o.agent.post(`/scorecards/appeals/${appealId}/answer`).type('form').send({ _csrf: 'x', answer: 'a' });
    expect(expired.status).toBe(403);
    await o.agent.get(`/scorecards/appeals/${appealId}/answer`).expect(302);
  });
});
