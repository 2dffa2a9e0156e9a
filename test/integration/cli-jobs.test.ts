import { buildTicket, exampleCatalog, seedCatalogDepartments } from '../factories/tickets';
import { buildUser } from '../factories';
import { CliDatabase, runCli, startCliDatabase } from '../helpers/cli';

/**
 * `hubwatch jobs run NAME`: a scheduled job run once by hand (to try the e-mail set-up with today's digest, to catch up
 * after the service was down at a job's hour). Each says what it did; running one again sends nothing twice.
 */
describe('hubwatch jobs run', () => {
  let cli: CliDatabase;
  beforeAll(async () => {
    cli = await startCliDatabase();
    // The database as a command leaves it (migrated), for the tickets below.
    expect((await runCli(['migrate'], cli.env)).code).toBe(0);
  });
  afterAll(() => cli?.close());

  it('sends the digest of each department with active tickets once a day: a second run sends none', async () => {
    const steward = await cli.withDb(async (db) => {
      const catalog = exampleCatalog();
      await seedCatalogDepartments(db, catalog);
      await buildTicket(db, catalog, new Date(), { field: 'staff_no' });
      return buildUser(db, { department: 'HR', roles: ['steward'] });
    });
    const first = await runCli(['jobs', 'run', 'digest'], cli.env);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toBe('已发送 1 个部门的日报：HR / digests sent to 1 department(s): HR\n');
    const again = await runCli(['jobs', 'run', 'digest'], cli.env);
    expect(again.stdout).toBe('已发送 0 个部门的日报 / digests sent to 0 department(s)\n');
    // The steward's inbox holds the one digest.
    const digests = await cli.withDb((db) => db('notifications').where({ user_id: steward.id, kind: 'tickets.digest' }));
    expect(digests).toHaveLength(1);
  });

  it('takes today’s scorecard snapshot, and reminds and escalates (nothing due here)', async () => {
    const snapshot = await runCli(['jobs', 'run', 'snapshot'], cli.env);
    expect(snapshot.code).toBe(0);
    expect(snapshot.stdout).toMatch(
      /^已生成 \d{4}-\d{2}-\d{2} 的评分快照：\d+ 个部门 \/ snapshot of \d{4}-\d{2}-\d{2}: \d+ department\(s\)\n$/,
    );
    const reminders = await runCli(['jobs', 'run', 'reminders'], cli.env);
    expect(reminders).toMatchObject({ code: 0, stdout: '已提醒 0 个工单，督办 0 个 / reminded 0 ticket(s), escalated 0\n' });
  });

  it('an unknown or missing job name is exit 2, naming the jobs there are; nothing runs', async () => {
    for (const args of [
      ['jobs', 'run', 'digests'],
      ['jobs', 'run'],
      ['jobs', 'run', 'digest', 'extra'],
    ]) {
      const res = await runCli(args, cli.env);
      expect(res.code).toBe(2);
      expect(res.stderr).toContain('可选 / one of: reminders, digest, report-confirmations, sharing-reminders, snapshot');
    }
  });
});
