import { run as snapshotJob } from '../../jobs/snapshot-scorecards';
import { translator } from '../../server/i18n';
import { buildUser } from '../factories';
import { buildCheckRun, createScorecardTestApp } from '../factories/scorecards';
import { signIn, TestApp } from '../helpers/app';

/**
 * Bad input on the scorecard pages brings the same page back with the message under the field, in
 * the user's language and naming the field by its label, what was typed kept and nothing written —
 * never the bare error page listing raw parameter names ("comment : 请填写内容"). "Today" is
 * 2026-11-22 in Beijing; 2026-11-20 is snapshotted and closed as “11月20日考核”.
 */
const zh = translator('zh-CN');
const en = translator('en');
const escaped = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;').replace(/=/g, '&#x3D;');

type Session = Awaited<ReturnType<typeof signIn>>;

describe('scorecard forms with bad input', () => {
  let t: TestApp;
  let periodId: number;
  let office: Session;
  let officeEn: Session;
  let steward: Session;
  let stewardEn: Session;
  let stewardId: number;
  let officeId: number;

  /**
   * Signs in and switches the session to `locale` (always: a switch is saved with the account, so a later
   * sign-in of the same user would otherwise start in the language an earlier session chose).
   */
  const session = async (user: { login: string; password: string }, locale: 'zh-CN' | 'en') => {
    const s = await signIn(t.app, user.login, user.password);
    await s.agent.post('/locale').type('form').send({ _csrf: s.csrf, locale, next: '/' }).expect(302);
    return s;
  };
  /** What a failed attempt must not have written. */
  const written = async () => ({
    appeals: await t.db.knex('scorecard_appeals').select('department_code', 'comment', 'answer'),
    audit: await t.db.knex('audit_log').whereIn('action', ['scorecards.appeal', 'scorecards.answer']).pluck('action'),
    notices: await t.db
      .knex('notifications')
      .whereIn('user_id', [stewardId, officeId])
      .whereLike('kind', 'scorecards.appeal%')
      .count({ n: '*' }),
  });
  /** The markup from an element's id up to the end of its form. */
  const formAround = (html: string, id: string) => {
    const at = html.indexOf(`id="${id}"`);
    expect(at).toBeGreaterThan(-1);
    return html.slice(at, html.indexOf('</form>', at));
  };

  beforeAll(async () => {
    t = await createScorecardTestApp();
    const o = await buildUser(t.db.knex, { department: 'ORG', roles: ['it_office'] });
    const s = await buildUser(t.db.knex, { department: 'HR', roles: ['steward'] });
    officeId = o.id;
    stewardId = s.id;
    await buildCheckRun(t.db.knex, '2026-11-20T10:00:00+08:00', [
      { table: 'staff', check: 'freshness', department: 'HR', passed: true },
    ]);
    await snapshotJob(t.ctx, { day: '2026-11-20' });
    [office, officeEn, steward, stewardEn] = [
      await session(o, 'zh-CN'),
      await session(o, 'en'),
      await session(s, 'zh-CN'),
      await session(s, 'en'),
    ];
    const closing = await office.agent
      .post('/scorecards/periods')
      .type('form')
      .send({ _csrf: office.csrf, from: '2026-11-20', to: '2026-11-20', label: '11月20日考核' })
      .expect(302);
    periodId = Number(String(closing.headers.location).split('/').pop());
  });
  afterAll(() => t.close());

  it('brings the appeal form back with the message under the reason, the text kept, nothing written', async () => {
    const before = await written();
    const empty = await steward.agent
      .post(`/scorecards/periods/${periodId}/appeals`)
      .type('form')
      .send({ _csrf: steward.csrf, comment: '   ' })
      .expect(422);
    expect(empty.text).toContain('<h1>11月20日考核</h1>'); // the period's page, not the error page
    expect(empty.text).not.toContain('error-page');
    expect(zh('scorecards.errors.commentRequired')).toBe('请填写申诉理由');
    expect(formAround(empty.text, 'comment')).toContain(
      '<p class="field-error" role="alert" id="comment-error">请填写申诉理由</p>',
    );
    expect(empty.text).not.toMatch(/comment\s*<\/strong>|comment :/);
    // Switching the language from the re-rendered form goes back to the page the form was on (its
    // Referer, which our pages send to this site only), not to a GET of the POST URL, which is no page.
    expect(empty.headers['referrer-policy']).toBe('same-origin');
    expect(empty.text).toContain('<input type="hidden" name="next" value="/">');
    const withReferer = await steward.agent
      .post(`/scorecards/periods/${periodId}/appeals`)
      .set('Host', 'hub.test')
      .set('Referer', `http://hub.test/scorecards/periods/${periodId}`)
      .type('form')
      .send({ _csrf: steward.csrf, comment: '   ' })
      .expect(422);
    expect(withReferer.text).toContain(`<input type="hidden" name="next" value="/scorecards/periods/${periodId}">`);

    // Too long, on the English UI: the 4001 characters come back in the textarea.
    const long = `工资表${'长'.repeat(3998)}`;
    const tooLong = await stewardEn.agent
      .post(`/scorecards/periods/${periodId}/appeals`)
      .type('form')
      .send({ _csrf: stewardEn.csrf, comment: long })
      .expect(422);
    const form = formAround(tooLong.text, 'comment');
    expect(form).toContain(`>${long}</textarea>`);
    // The message says how much was typed, as the other too-long messages do: it gave only the limit.
    expect(form).toContain('>the reason can be at most 4000 characters (4001 given)</p>');
    const tooLongZh = await steward.agent
      .post(`/scorecards/periods/${periodId}/appeals`)
      .type('form')
      .send({ _csrf: steward.csrf, comment: long })
      .expect(422);
    expect(formAround(tooLongZh.text, 'comment')).toContain('>申诉理由不能超过 4000 字（已填写 4001 字）</p>');
    const emptyEn = await stewardEn.agent
      .post(`/scorecards/periods/${periodId}/appeals`)
      .type('form')
      .send({ _csrf: stewardEn.csrf, comment: '' })
      .expect(422);
    expect(formAround(emptyEn.text, 'comment')).toContain('>fill in the reason for the appeal</p>');
    expect(await written()).toEqual(before);
  });

  it('counts an appeal in characters as people count them: 4000 emoji or rare name characters are taken', async () => {
    // Each of these is two UTF-16 units: 2001 of them were "over 4000".
    const comment = `${'😀'.repeat(2000)}${'𠮷'.repeat(2000)}`;
    await steward.agent
      .post(`/scorecards/periods/${periodId}/appeals`)
      .type('form')
      .send({ _csrf: steward.csrf, comment })
      .expect(302);
    const appeal = await t.db.knex('scorecard_appeals').where({ period_id: periodId }).first();
    expect(appeal.comment).toBe(comment);
    // The office reads it under the department's name, as the rest of the page names departments.
    const page = (await office.agent.get(`/scorecards/periods/${periodId}`).expect(200)).text;
    expect(page).toMatch(
      new RegExp(
        `<div class="panel sc-appeal" id="appeal-${appeal.id}">\\s*<p><strong>人事处</strong> <small class="muted">HR</small> · `,
      ),
    );
    await t.db.knex('scorecard_appeals').where({ id: appeal.id }).delete();
  });

  it("brings the answer form back under that appeal, the IT office's text kept, nothing written", async () => {
    await steward.agent
      .post(`/scorecards/periods/${periodId}/appeals`)
      .type('form')
      .send({ _csrf: steward.csrf, comment: '工资表 20 日凌晨已同步。' })
      .expect(302);
    const appeal = await t.db.knex('scorecard_appeals').where({ period_id: periodId }).first();
    const before = await written();
    const empty = await office.agent
      .post(`/scorecards/appeals/${appeal.id}/answer`)
      .type('form')
      .send({ _csrf: office.csrf, answer: ' \n ' })
      .expect(422);
    expect(empty.text).toContain('<h1>11月20日考核</h1>');
    expect(empty.text).toContain('工资表 20 日凌晨已同步。'); // the appeal it answers is on the page
    expect(formAround(empty.text, `answer-${appeal.id}`)).toContain(
      `<p class="field-error" role="alert" id="answer-${appeal.id}-error">请填写答复</p>`,
    );
    const long = '维'.repeat(4001);
    const tooLong = await officeEn.agent
      .post(`/scorecards/appeals/${appeal.id}/answer`)
      .type('form')
      .send({ _csrf: officeEn.csrf, answer: long })
      .expect(422);
    const form = formAround(tooLong.text, `answer-${appeal.id}`);
    expect(form).toContain(`>${long}</textarea>`);
    expect(form).toContain('>the answer can be at most 4000 characters (4001 given)</p>');
    const tooLongZh = await office.agent
      .post(`/scorecards/appeals/${appeal.id}/answer`)
      .type('form')
      .send({ _csrf: office.csrf, answer: long })
      .expect(422);
    expect(formAround(tooLongZh.text, `answer-${appeal.id}`)).toContain('>答复不能超过 4000 字（已填写 4001 字）</p>');
    expect(await written()).toEqual(before);
    // A missing appeal is still a 404, whatever the answer.
    await office.agent.post('/scorecards/appeals/99999/answer').type('form').send({ _csrf: office.csrf, answer: '' }).expect(404);
    // Answered, then answered again with another text (a form open on the old page): the period's page comes back
    // (409) saying who answered when, the first answer there and the refused text under it to copy — it was lost.
    await office.agent
      .post(`/scorecards/appeals/${appeal.id}/answer`)
      .type('form')
      .send({ _csrf: office.csrf, answer: '已核实，维持。' })
      .expect(302);
    const again = await office.agent
      .post(`/scorecards/appeals/${appeal.id}/answer`)
      .type('form')
      .send({ _csrf: office.csrf, answer: '第二个答复 <b>' })
      .expect(409);
    expect(again.text).toMatch(/flash-error[^>]*>该申诉已由.+于 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 答复：你的答复未发送/);
    expect(again.text).toContain('已核实，维持。');
    expect(again.text).toContain(`<textarea id="answer-${appeal.id}-unsent" rows="3" readonly>第二个答复 &lt;b&gt;</textarea>`);
    // The same text sent again by the one who answered (a double click): done, nothing changed.
    const same = await office.agent
      .post(`/scorecards/appeals/${appeal.id}/answer`)
      .type('form')
      .send({ _csrf: office.csrf, answer: ' 已核实，维持。' })
      .expect(303);
    expect(same.headers.location).toBe(`/scorecards/periods/${periodId}#appeal-${appeal.id}`);
    const page = (await office.agent.get(`/scorecards/periods/${periodId}`).expect(200)).text;
    expect(page).toMatch(/flash-info[^>]*>你已提交过这条答复，本次提交未作改动/);
    expect((await t.db.knex('scorecard_appeals').where({ id: appeal.id }).first()).answer).toBe('已核实，维持。');
    expect(await t.db.knex('audit_log').where({ action: 'scorecards.answer' }).count({ n: '*' })).toEqual([{ n: 1 }]);
  });

  it('brings the dashboard back with a reversed range under the end date, the dates as typed', async () => {
    const res = await office.agent.get('/dashboard?from=2026-12-31&to=2026-12-01').expect(422);
    expect(res.text).toContain(`<h1>${zh('scorecards.dashboard.title')}</h1>`);
    expect(res.text).not.toContain('error-page');
    const form = formAround(res.text, 'sc-range-to');
    expect(form).toContain('value="2026-12-01" aria-invalid="true"');
    expect(form).toContain(`>${escaped(zh('calendar.errors.range', { from: '2026-12-31' }))}</p>`);
    expect(zh('calendar.errors.range', { from: '2026-12-31' })).toBe('结束日期不能早于开始日期 2026-12-31');
    expect(res.text).toContain('name="from" value="2026-12-31"');
    // The page shows the default period (this month) meanwhile, and says so.
    expect(res.text).toContain(zh('scorecards.period.showing', { from: '2026-11-01', to: '2026-11-30' }));

    const english = await officeEn.agent.get('/dashboard?from=2026-12-31&to=someday').expect(422);
    expect(formAround(english.text, 'sc-range-to')).toContain(
      `>${escaped(en('calendar.errors.toDate', { value: 'someday' }))}</p>`,
    );
    expect(english.text).toContain('value="someday"');
    // A good range is still a 200 with its dates in the form.
    const good = await office.agent.get('/dashboard?from=2026-11-20&to=2026-11-21').expect(200);
    expect(good.text).toContain('name="to" value="2026-11-21"');
    expect(good.text).not.toContain('field-error');
  });

  it('says what is wrong with each date: missing, not a real date, or before 1900', async () => {
    const cases: [string, string, string][] = [
      ['from=2026-12-01', 'sc-range-to', '请填写结束日期（YYYY-MM-DD，如 2026-11-30）'],
      [
        'from=2026-02-30&to=2026-03-05',
        'sc-range-from',
        '开始日期应为真实存在的日期，格式 YYYY-MM-DD（如 2026-11-01），收到“2026-02-30”',
      ],
      [
        'from=2026-2-3&to=2026-03-05',
        'sc-range-from',
        '开始日期应为真实存在的日期，格式 YYYY-MM-DD（如 2026-11-01），收到“2026-2-3”',
      ],
      ['from=1000-01-01&to=2026-03-05', 'sc-range-from', '开始日期应为 1900 年以后的日期，收到“1000-01-01”'],
    ];
    for (const [query, input, message] of cases) {
      const res = await office.agent.get(`/dashboard?${query}`);
      expect({ query, status: res.status, error: formAround(res.text, input).includes(`>${escaped(message)}</p>`) }).toEqual({
        query,
        status: 422,
        error: true,
      });
    }
    // The exports' error page names the field by its label, not by the query's `to`.
    const exported = await office.agent.get('/scorecards/export.csv?from=2026-12-01').expect(422);
    expect(exported.text).toContain('<li><strong>结束日期</strong>：请填写结束日期（YYYY-MM-DD，如 2026-11-30）</li>');
    const english = await officeEn.agent.get('/dashboard?to=2026-03-05').expect(422);
    expect(formAround(english.text, 'sc-range-from')).toContain(
      `>${escaped('please fill in the start date (YYYY-MM-DD, e.g. 2026-11-01)')}</p>`,
    );
  });

  it('says an unknown or repeated period under the period menu, on pages and exports, instead of showing this month', async () => {
    const res = await office.agent.get('/dashboard?period=academic_yaer').expect(422);
    const menu = res.text.slice(
      res.text.indexOf('<select name="period"'),
      res.text.indexOf('</form>', res.text.indexOf('<select name="period"')),
    );
    expect(menu).toContain('aria-invalid="true" aria-describedby="sc-period-error"');
    expect(menu).toContain(
      `id="sc-period-error">${escaped('未知的考核周期：academic_yaer（可选 month / semester / academic_year / previous_month / previous_semester / previous_academic_year，或已关账周期的编号）')}</p>`,
    );
    // Meanwhile the page shows this month, and the range form its dates.
    expect(res.text).toContain(zh('scorecards.period.showing', { from: '2026-11-01', to: '2026-11-30' }));
    expect(res.text).toContain('name="from" value="2026-11-01"');

    const twice = await steward.agent.get('/scorecards/HR?period=month&period=semester').expect(422);
    expect(twice.text).toContain('id="sc-period-error">参数 period 只能给一个值（收到了多个值或列表）</p>');
    await steward.agent.get('/scorecards/HR?period[]=month').expect(422);
    // A date given twice is said as such, under that date (not as a bad date).
    const twoFroms = await steward.agent.get('/scorecards/HR?from=2026-11-01&from=2026-11-02&to=2026-11-30').expect(422);
    expect(twoFroms.text).toContain('参数 from 只能给一个值（收到了多个值或列表）');
    expect(twoFroms.text).not.toContain('开始日期应为真实存在的日期');

    // An export of the wrong period is no file at all.
    const exported = await office.agent.get('/scorecards/export.xlsx?period=semster').expect(422);
    expect(exported.headers['content-disposition']).toBeUndefined();
    expect(exported.text).toContain('<li><strong>考核周期</strong>：未知的考核周期：semster');
    const english = await officeEn.agent.get('/dashboard?period=week').expect(422);
    expect(english.text).toContain(
      `>${escaped('unknown period “week” (one of month / semester / academic_year / previous_month / previous_semester / previous_academic_year, or the number of a closed period)')}</p>`,
    );
    // A number that is no closed period is said the same way (it was a 404 page), on pages and exports.
    const missing = await office.agent.get(`/dashboard?period=${periodId + 100}`).expect(422);
    expect(missing.text).toContain(`id="sc-period-error">没有编号为 ${periodId + 100} 的已关账周期</p>`);
    const missingExport = await office.agent.get(`/scorecards/export.csv?period=${periodId + 100}`).expect(422);
    expect(missingExport.headers['content-disposition']).toBeUndefined();
    // A period and dates together (a mixed-up link) exported the closed period, or the dates, without a word.
    for (const both of [
      `period=${periodId}&from=2020-01-01&to=2020-01-02`,
      `period=${periodId}&from=garbage`,
      'period=month&to=2020-01-02',
    ]) {
      const mixed = await office.agent.get(`/scorecards/export.csv?${both}`).expect(422);
      expect(mixed.headers['content-disposition']).toBeUndefined();
      expect(mixed.text).toContain('周期（period）与起止日期（from、to）只能任选其一：请去掉其中一个');
    }
    // The known ones still answer.
    await office.agent.get('/dashboard?period=semester').expect(200);
    await office.agent.get(`/scorecards/export.csv?period=${periodId}`).expect(200);
  });

  it('says a known period the calendar cannot work out (上学年 with no earlier academic year) instead of showing this month', async () => {
    // The catalog's calendar starts one academic year, 2026-09-07: there is no academic year before it, so the
    // picker does not offer 上学年. Asked for it (a bookmark, an export link kept from another year's calendar) the
    // dashboard showed this month (200) and the export was this month's file, under 上学年's address.
    const res = await office.agent.get('/dashboard?period=previous_academic_year').expect(422);
    const menu = res.text.slice(
      res.text.indexOf('<select name="period"'),
      res.text.indexOf('</form>', res.text.indexOf('<select name="period"')),
    );
    expect(menu).toContain(
      `id="sc-period-error">${escaped('校历中没有更早的学年开始日期（academic_year_start），无法确定“上学年”：请选择其他考核周期，或按日期范围查看')}</p>`,
    );
    const card = await steward.agent.get('/scorecards/HR?period=previous_academic_year').expect(422);
    expect(card.text).toContain('无法确定“上学年”');
    const exported = await office.agent.get('/scorecards/export.xlsx?period=previous_academic_year').expect(422);
    expect(exported.headers['content-disposition']).toBeUndefined();
    expect(exported.text).toContain('<li><strong>考核周期</strong>：校历中没有更早的学年开始日期');
    const own = await steward.agent.get('/scorecards/export.csv?period=previous_academic_year').expect(422);
    expect(own.headers['content-disposition']).toBeUndefined();
    const english = await officeEn.agent.get('/dashboard?period=previous_academic_year').expect(422);
    expect(english.text).toContain(
      `>${escaped('the catalog calendar lists no earlier start of an academic year (academic_year_start), so there is no “Last academic year”: choose another period or a date range')}</p>`,
    );
    // The periods the calendar has still answer.
    await office.agent.get('/dashboard?period=previous_semester').expect(200);
    await office.agent.get('/scorecards/export.csv?period=academic_year').expect(200);
  });

  it("brings a department's scorecard back the same way", async () => {
    const res = await steward.agent.get('/scorecards/HR?from=2026-13-01&to=2026-11-20').expect(422);
    expect(res.text).toContain(zh('scorecards.scorecard.title', { name: '人事处' }));
    expect(formAround(res.text, 'sc-range-from')).toContain(
      `>${escaped(zh('calendar.errors.fromDate', { value: '2026-13-01' }))}</p>`,
    );
    expect(zh('calendar.errors.fromDate', { value: 'x' })).toBe(
      '开始日期应为真实存在的日期，格式 YYYY-MM-DD（如 2026-11-01），收到“x”',
    );
    // Another department's scorecard is refused before its dates are read.
    await steward.agent.get('/scorecards/ORG?from=2026-13-01&to=2026-11-20').expect(403);
  });

  // The bare error page (提交的内容有误…) named the period's name by its parameter, `label`, and lost the seven weights
  // and the dates typed.
  it("a NUL or a direction override in a weights change's note or a period's name: the form again, the message beside the box, nothing saved", async () => {
    const versions = await t.db.knex('scorecard_weights').count({ n: '*' }).first();
    const weights = await office.agent
      .post('/scorecards/weights')
      .type('form')
      .send({
        _csrf: office.csrf,
        'weights.freshness': '30',
        'weights.deadline': '20',
        'weights.validity': '20',
        'weights.completeness': '10',
        'weights.tickets': '10',
        'weights.reports': '10',
        'weights.sharing': '0',
        note: '按校发\u202A〔2026〕12号\u202C文件调整\u0000',
      })
      .expect(422);
    expect(formAround(weights.text, 'note')).toContain(
      `value="按校发\u202A〔2026〕12号\u202C文件调整\ufffd" aria-invalid="true" aria-describedby="note-error">`,
    );
    expect(formAround(weights.text, 'note')).toContain(
      `>${escaped(zh('errors.nulCharacter', { codes: '\\u202A \\u202C \\u0000', count: 3 }))}</p>`,
    );
    expect(formAround(weights.text, 'w-freshness')).toContain('value="30"');
    expect(await t.db.knex('scorecard_weights').count({ n: '*' }).first()).toEqual(versions);

    const closing = await officeEn.agent
      .post('/scorecards/periods')
      .type('form')
      .send({ _csrf: officeEn.csrf, from: '2026-11-01', to: '2026-11-19', label: '十一月上旬\u202E考核', confirm_empty: '1' })
      .expect(422);
    // The message is tied to its box, as on the other forms.
    expect(formAround(closing.text, 'label')).toContain(
      `value="十一月上旬\u202E考核" placeholder="${escaped(en('scorecards.periods.labelHint'))}" aria-invalid="true" aria-describedby="label-error">`,
    );
    expect(formAround(closing.text, 'label')).toContain(
      `id="label-error">${escaped(en('errors.nulCharacter', { codes: '\\u202E', count: 1 }))}</p>`,
    );
    expect(formAround(closing.text, 'from')).toContain('value="2026-11-01"');
    expect(await t.db.knex('assessment_periods').where({ from: '2026-11-01' }).first()).toBeUndefined();
    // A date's message is tied to its box too.
    const running = await office.agent
      .post('/scorecards/periods')
      .type('form')
      .send({ _csrf: office.csrf, from: '2026-11-21', to: '2026-11-22', label: '' })
      .expect(422);
    expect(formAround(running.text, 'to')).toContain(
      'value="2026-11-22" max="2026-11-21" aria-invalid="true" aria-describedby="to-error">',
    );
    expect(formAround(running.text, 'to')).toContain('id="to-error">');
  });
});
