import { maskStoredCheckErrors } from '../../migrations/20261207000000_check_errors_masked';
import { createMigratedTestDatabase, TestDatabase } from '../helpers/database';

/**
 * Check errors stored before the service stored them masked (migration 20261207000000): a table's hub error that
 * quoted a row's ID number and mobile, and a run's error, are masked in the database itself; errors without
 * personal numbers stay word for word, and a second pass changes nothing.
 */
const ID = '110101199003070016';
const MOBILE = '13912345678';

describe('stored check errors are masked (migration)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createMigratedTestDatabase('errmask');
  });
  afterAll(() => db.close());

  it('masks the personal numbers of stored table and run errors, and leaves every other error as it was', async () => {
    const knex = db.knex;
    const run = (error: string | null) =>
      knex('check_runs')
        .insert({ trigger: 'cli', status: error ? 'failed' : 'completed', instance_id: 'test', error })
        .returning('id')
        .then(([r]) => Number(r.id));
    const failedRun = await run(`ticket service refused ${ID}`);
    const plainRun = await run('no catalog imported yet / 尚未导入数据目录');
    const okRun = await run(null);
    const tableRow = (run_id: number, table_name: string, error_message: string | null) => ({
      run_id,
      table_name,
      status: error_message ? 'error' : 'ok',
      error_code: error_message ? 'query_failed' : null,
      error_message,
      duration_ms: 5,
    });
    await knex('check_run_tables').insert([
      tableRow(okRun, 'staff', `invalid input syntax for type bigint: "${ID}/${MOBILE}"`),
      tableRow(okRun, 'student', 'canceling statement due to statement timeout'),
      tableRow(okRun, 'grades', 'relation "grades" does not exist at 2026-11-22 10:00'),
      tableRow(okRun, 'org', null),
      tableRow(plainRun, 'staff', `mobile ${MOBILE} refused`),
    ]);

    expect(await maskStoredCheckErrors(knex)).toBe(3);

    const tables = await knex('check_run_tables')
      .orderBy(['run_id', 'table_name'])
      .select('run_id', 'table_name', 'error_message');
    expect(tables.map((r) => [Number(r.run_id), r.table_name, r.error_message])).toEqual([
      [plainRun, 'staff', 'mobile 139****5678 refused'],
      [okRun, 'grades', 'relation "grades" does not exist at 2026-11-22 10:00'],
      [okRun, 'org', null],
      [okRun, 'staff', 'invalid input syntax for type bigint: "110101********0016/139****5678"'],
      [okRun, 'student', 'canceling statement due to statement timeout'],
    ]);
    const runs = await knex('check_runs').orderBy('id').select('id', 'error');
    expect(runs.map((r) => [Number(r.id), r.error])).toEqual([
      [failedRun, 'ticket service refused 110101********0016'],
      [plainRun, 'no catalog imported yet / 尚未导入数据目录'],
      [okRun, null],
    ]);

    // Masked text masks to itself: the migration can run again (a database restored from a backup) harmlessly.
    expect(await maskStoredCheckErrors(knex)).toBe(0);
  });
});
