import { reportBody, STAFF, useReportsWorld } from '../factories/reports';

/**
 * A reporter asked to confirm a fix (已整改，请核对) sees what the hub holds now for the reported record — as the
 * report form's look-up shows it to them: staff_basic is shared on condition, so not its value, only whether it now
 * equals the value they suggested. Without it they confirmed on the department's word, or let silence confirm it.
 */
const world = useReportsWorld({ apiTokens: true });

async function reportPage(id: number): Promise<string> {
  const s = await world.as('reporter');
  return (await s.agent.get(`/reports/${id}`).expect(200)).text;
}

const hubNow = (html: string) =>
  (html.match(/<p class="hub-now">([\s\S]*?)<\/p>/)?.[1] ?? '')
    .replace(/<[^>]+>/g, '')
    .replace(/\s+/g, ' ')
    .trim();

it('says whether the hub now holds the suggested value, read afresh on every view, only while the fix waits for them', async () => {
  const filed = (await world.api('reporter').post('/reports', reportBody()).expect(201)).body as {
    id: number;
    ticket_id: number;
  };
  // Before the answer there is nothing to confirm, and the hub is not read for it.
  expect(hubNow(await reportPage(filed.id))).toBe('');

  const org = await world.as('orgSteward');
  await org.agent
    .post(`/reports/tickets/${filed.ticket_id}/answer`)
    .field('_csrf', org.csrf)
    .field('answer', 'fixed')
    .expect(302);
  // Answered "fixed", but the hub still holds 群众: the reporter is told it is not what they suggested.
  expect(hubNow(await reportPage(filed.id))).toBe('中台中该记录的“政治面貌”现与您建议的值不一致；如未更正，请重新打开。');

  await world.db('staff_basic').where({ staff_no: STAFF.staff_no }).update({ political_status: '中共党员' });
  try {
    const page = await reportPage(filed.id);
    expect(hubNow(page)).toBe('中台中该记录的“政治面貌”现与您建议的值一致。');
    // A conditional table's value itself is not shown to a data user.
    expect(page).not.toContain('class="hub-value"');
    const english = (await (await world.as('reporter')).agent.get(`/reports/${filed.id}`).set('Accept-Language', 'en')).text;
    expect(hubNow(english)).toBe('The hub&#x27;s “政治面貌” of this record now equals the value you suggested.');
  } finally {
    await world.db('staff_basic').where({ staff_no: STAFF.staff_no }).update({ political_status: STAFF.political_status });
  }
});

it('without a suggested value, says whether the hub still holds the value the reporter saw', async () => {
  // The reporter saw a wrong mobile and did not know the right one: the look-up compared the hub with what they saw,
  // and so does the page that asks them to confirm the fix (the page said only "check in your own system").
  const filed = (
    await world
      .api('reporter2')
      .post(
        '/reports',
        reportBody({ field: 'mobile', suggested_value: undefined, observed_value: STAFF.mobile, description: '手机号已停用' }),
      )
      .expect(201)
  ).body as { id: number; ticket_id: number };
  const hr = await world.as('hrSteward');
  await hr.agent
    .post(`/reports/tickets/${filed.ticket_id}/answer`)
    .field('_csrf', hr.csrf)
    .field('answer', 'fixed')
    .field('comment', '已更正')
    .expect(302);
  const page = async (locale: 'zh-CN' | 'en') =>
    hubNow(
      (await (await world.as('reporter2')).agent.get(`/reports/${filed.id}`).set('Accept-Language', locale).expect(200)).text,
    );
  // Answered "fixed", but the hub still holds the number they saw.
  expect(await page('zh-CN')).toBe('中台中该记录的“移动手机”仍是您看到的值，可能尚未更正；如未更正，请重新打开。');
  expect(await page('en')).toBe(
    'The hub&#x27;s “移动手机” of this record still holds the value you saw: it may not be fixed yet; if it is not, reopen the report.',
  );
  await world.db('staff_basic').where({ staff_no: STAFF.staff_no }).update({ mobile: '13900001111' });
  try {
    expect(await page('zh-CN')).toBe('中台中该记录的“移动手机”已不是您看到的值；请在您使用的系统中核对是否已正确。');
    expect(await page('en')).toBe(
      'The hub&#x27;s “移动手机” of this record no longer holds the value you saw; check in the system you use that it is now right.',
    );
  } finally {
    await world.db('staff_basic').where({ staff_no: STAFF.staff_no }).update({ mobile: STAFF.mobile });
  }
});

it('where the value is shown, marks whether it is still the value the reporter saw', async () => {
  // HR's steward reads staff_basic's values (HR owns the table); the field is ORG's, which answers.
  const filed = (
    await world
      .api('hrSteward')
      .post('/reports', reportBody({ suggested_value: undefined, observed_value: STAFF.political_status }))
      .expect(201)
  ).body as { id: number; ticket_id: number };
  const org = await world.as('orgSteward');
  await org.agent
    .post(`/reports/tickets/${filed.ticket_id}/answer`)
    .field('_csrf', org.csrf)
    .field('answer', 'fixed')
    .field('comment', '已更正')
    .expect(302);
  const page = async () => hubNow((await (await world.as('hrSteward')).agent.get(`/reports/${filed.id}`).expect(200)).text);
  expect(await page()).toBe('中台中该记录的“政治面貌”现为： 群众 （仍是您看到的值，可能尚未更正）');
  await world.db('staff_basic').where({ staff_no: STAFF.staff_no }).update({ political_status: '中共党员' });
  try {
    expect(await page()).toBe('中台中该记录的“政治面貌”现为： 中共党员 （已不是您看到的值）');
  } finally {
    await world.db('staff_basic').where({ staff_no: STAFF.staff_no }).update({ political_status: STAFF.political_status });
  }
});

it('does not tell a reporter who can no longer reopen to reopen: the page says whom to ask instead', async () => {
  // Reopened once already and answered "fixed" again: the hub still does not hold the suggested value. The page said
  // 如未更正，请重新打开 right above 已重新打开过一次 — with no reopen form to be found.
  const filed = (
    await world
      .api('reporter')
      .post('/reports', reportBody({ field: 'name', suggested_value: '张四', description: '姓名应为张四' }))
      .expect(201)
  ).body as { id: number; ticket_id: number };
  const hr = await world.as('hrSteward');
  const answerFixed = () =>
    hr.agent.post(`/reports/tickets/${filed.ticket_id}/answer`).field('_csrf', hr.csrf).field('answer', 'fixed').expect(302);
  await answerFixed();
  const reporter = await world.as('reporter');
  await reporter.agent
    .post(`/reports/${filed.id}/reopen`)
    .type('form')
    .send({ _csrf: reporter.csrf, comment: '中台里还是张三' })
    .expect(302);
  await answerFixed();

  const zh = (await reporter.agent.get(`/reports/${filed.id}`).set('Accept-Language', 'zh-CN').expect(200)).text;
  expect(hubNow(zh)).toBe('中台中该记录的“姓名”现与您建议的值不一致。');
  expect(zh).toContain('已重新打开过一次。如仍有异议，请联系信息化办公室。');
  expect(zh).not.toContain(`action="/reports/${filed.id}/reopen"`);
  const en = (await reporter.agent.get(`/reports/${filed.id}`).set('Accept-Language', 'en').expect(200)).text;
  expect(hubNow(en)).toBe('The hub&#x27;s “姓名” of this record is not the value you suggested.');
});
