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
