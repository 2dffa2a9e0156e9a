import { reportBody, STAFF, useReportsWorld } from '../factories/reports';

/**
 * A report on a value that is missing (姓名为空): its page said only "the record was in the hub when sent" although
 * the look-up, which tells anyone whether the field is empty, had found it empty. The page says so, to the reporter
 * (staff_basic is shared on condition: they never see its values) and to the department that reads the values.
 */
const world = useReportsWorld({ apiTokens: true });

const sentLine = (html: string) =>
  (html.match(/<dt>(?:提交时中台中的值|Hub value when sent)<\/dt><dd>([\s\S]*?)<\/dd>/)?.[1] ?? '')
    .replace(/<[^>]+>/g, '')
    .trim();

it('says the field was empty in the hub when the report was sent', async () => {
  await world.db('staff_basic').where({ staff_no: STAFF.staff_no }).update({ mobile: null });
  try {
    const filed = (
      await world
        .api('reporter')
        .post('/reports', reportBody({ field: 'mobile', suggested_value: undefined, description: '移动手机为空' }))
        .expect(201)
    ).body as { id: number };
    const page = async (who: 'reporter' | 'office', locale: string) =>
      sentLine((await (await world.as(who)).agent.get(`/reports/${filed.id}`).set('Accept-Language', locale).expect(200)).text);
    expect(await page('reporter', 'zh-CN')).toBe('提交时中台中该记录的“移动手机”为空');
    expect(await page('reporter', 'en')).toBe('When sent, the hub&#x27;s “移动手机” of this record was empty');
    // The IT office, which may read the values, is told the same rather than shown nothing.
    expect(await page('office', 'zh-CN')).toBe('提交时中台中该记录的“移动手机”为空');

    // A value the hub held is still only "the record was there" for the reporter.
    await world.db('staff_basic').where({ staff_no: STAFF.staff_no }).update({ mobile: STAFF.mobile });
    const held = (
      await world
        .api('reporter2')
        .post('/reports', reportBody({ field: 'mobile', suggested_value: undefined, description: '手机号已停用' }))
        .expect(201)
    ).body as { id: number };
    const heldPage = (await (await world.as('reporter2')).agent.get(`/reports/${held.id}`).expect(200)).text;
    expect(sentLine(heldPage)).toBe('提交时中台中有该记录');
  } finally {
    await world.db('staff_basic').where({ staff_no: STAFF.staff_no }).update({ mobile: STAFF.mobile });
  }
});
