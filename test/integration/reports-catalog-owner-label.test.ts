import { saveReportSettings } from '../../server/services/reports/settings';
import { reportBody, useReportsWorld } from '../factories/reports';

/**
 * A report waiting for the IT office's triage, or not accepted by it, has no department yet: its page named the
 * catalog's owner of the field 责任单位 / Responsible department, so a reporter read that 党委组织部 had it (or, once
 * turned down, that it had turned it down). It is the 目录责任单位 / Catalog owner, as the triage queue calls it, until
 * the report is routed; then the ticket's department is the 责任单位.
 */
const world = useReportsWorld({ apiTokens: true });

const dt = (html: string) => /<dt>([^<]*)<\/dt><dd>党委组织部/.exec(html)?.[1];

it('names the field’s catalog owner as such until the IT office routes the report', async () => {
  await saveReportSettings(world.db, { triage: true }, null);
  try {
    const filed = (await world.api('reporter').post('/reports', reportBody()).expect(201)).body as { id: number };
    const reporter = await world.as('reporter');
    const page = (locale: string) => reporter.agent.get(`/reports/${filed.id}`).set('Accept-Language', locale).expect(200);
    expect(dt((await page('zh-CN')).text)).toBe('目录责任单位');
    expect((await page('en')).text).toMatch(/<dt>Catalog owner<\/dt><dd>党委组织部/);

    const office = await world.as('office');
    await office.agent
      .post(`/reports/${filed.id}/route`)
      .type('form')
      .send({ _csrf: office.csrf, department: 'ORG' })
      .expect(302);
    expect(dt((await page('zh-CN')).text)).toBe('责任单位');
  } finally {
    await saveReportSettings(world.db, { triage: false }, null);
  }
});
