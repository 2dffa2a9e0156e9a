import { checkErrorText } from '../../rules/messages';
import { checkRunnerDeps } from '../../server/services/checks/deps';
import { claimRun, runNow } from '../../server/services/checks/runs';
import { Session, staffCatalog, startCheckPages } from '../factories/checks';
import type { TestApp } from '../helpers/app';

/**
 * Why a run or a table could not be checked, in the reader's language only: the runner's sentences are stored in
 * both ("中台中不存在表 absent / hub table absent does not exist"), and were shown so on a page in either language.
 */
const CATALOG = staffCatalog({ office: true, absent: true, fields: [{ name: 'nickname', title: '昵称' }] });

describe('check errors in the reader’s language', () => {
  let t: TestApp;
  let office: Session;
  let runId: number;

  beforeAll(async () => {
    ({ t, session: office } = await startCheckPages({
      hub: { staff: { columns: ['staff_no'], rows: [{ staff_no: '1' }] } },
      catalog: CATALOG,
      as: 'office',
    }));
    // A real run: the hub has no table `absent`, and its `staff` no column `nickname`.
    ({ runId } = await runNow(checkRunnerDeps(t.ctx), { trigger: 'manual' }));
  });
  afterAll(() => t?.close());

  const inLocale = async (locale: string) =>
    office.agent.post('/locale').type('form').send({ locale, next: '/', _csrf: office.csrf }).expect(302);
  const cellOf = (html: string, code: string) => new RegExp(`<code>${code}</code> ([^<]*)</small>`).exec(html)?.[1];

  /** A failed run with `error` stored, as the runner stores it (or an older version did). */
  const failedRun = async (error: string, status = 'failed') => {
    const id = (await claimRun(t.db.knex, { trigger: 'manual' }))!;
    await t.db.knex('check_runs').where({ id }).update({ status, error, finished_at: new Date() });
    return id;
  };
  const runError = async (id: number) =>
    /<strong>([^<]*)<\/strong><\/p>/.exec((await office.agent.get(`/runs/${id}`).expect(200)).text)?.[1];

  it('says why a table could not be checked in English only, then in Chinese only', async () => {
    await inLocale('en');
    const en = (await office.agent.get(`/runs/${runId}`).expect(200)).text;
    expect(cellOf(en, 'table_missing')).toBe('hub table absent does not exist');
    expect(cellOf(en, 'column_missing')).toMatch(/^table staff has no column nickname \([^)]*nickname[^)]*\)$/);
    const enTable = (await office.agent.get('/catalog/tables/absent').expect(200)).text;
    expect(cellOf(enTable, 'table_missing')).toBe('hub table absent does not exist');

    await inLocale('zh-CN');
    const zh = (await office.agent.get(`/runs/${runId}`).expect(200)).text;
    expect(cellOf(zh, 'table_missing')).toBe('中台中不存在表 absent');
    expect(cellOf(zh, 'column_missing')).toMatch(/^表 staff 没有列 nickname（[^）]*nickname[^）]*）$/);
    const zhTable = (await office.agent.get('/catalog/tables/absent').expect(200)).text;
    expect(cellOf(zhTable, 'table_missing')).toBe('中台中不存在表 absent');
  });

  it('says why a run failed or stopped in the reader’s language, rows stored before the change too', async () => {
    const noCatalog = await failedRun(checkErrorText('noCatalog'));
    const hubDown = await failedRun(checkErrorText('hubUnreachable', {}, 'connect ECONNREFUSED 127.0.0.1:1'));
    const stopped = await failedRun(checkErrorText('instanceStopped'), 'interrupted');
    // As older versions stored them: English first; a column's sentence without the space before "/".
    const oldNoCatalog = await failedRun('no catalog imported yet / 尚未导入数据目录');
    const oldColumn = await failedRun(
      '表 student_status 没有列 nickname（fields.nickname）/ table student_status has no column nickname (fields.nickname)',
    );
    // The hub's own words are not a bilingual sentence: shown as they are.
    const hubWords = await failedRun('relation "a / b" does not exist');

    await inLocale('en');
    expect(await runError(noCatalog)).toBe('no catalog imported yet');
    expect(await runError(hubDown)).toBe('the hub could not be reached: connect ECONNREFUSED 127.0.0.1:1');
    expect(await runError(stopped)).toBe('instance stopped before finishing');
    expect(await runError(oldNoCatalog)).toBe('no catalog imported yet');
    expect(await runError(oldColumn)).toBe('table student_status has no column nickname (fields.nickname)');
    expect(await runError(hubWords)).toBe('relation &quot;a / b&quot; does not exist');

    await inLocale('zh-CN');
    expect(await runError(noCatalog)).toBe('尚未导入数据目录');
    expect(await runError(hubDown)).toBe('数据中台无法连接：connect ECONNREFUSED 127.0.0.1:1');
    expect(await runError(stopped)).toBe('执行实例中断');
    expect(await runError(oldNoCatalog)).toBe('尚未导入数据目录');
    expect(await runError(oldColumn)).toBe('表 student_status 没有列 nickname（fields.nickname）');
    expect(await runError(hubWords)).toBe('relation &quot;a / b&quot; does not exist');
  });

  it('tells the IT office of a table it could not check in each notice’s own language', async () => {
    const told = await t.db.knex('notifications').where({ kind: 'check.table_error', link: `/runs/${runId}` });
    const absent = told.find((n) => n.body.includes('absent'))!;
    expect(absent.body).toContain('中台中不存在表 absent');
    expect(absent.body).not.toContain('does not exist');
    expect(absent.body_en).toContain('hub table absent does not exist');
    expect(absent.body_en).not.toContain('中台中不存在表');
  });
});
