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
    // In the command line's language (Chinese here; it said both languages on one line).
    expect(first.stdout).toBe('已发送 1 个部门的日报：HR\n');
    const again = await runCli(['jobs', 'run', 'digest'], cli.env);
    // It said only "sent to 0": HR's digest went out earlier today, which the second run names.
    expect(again.stdout).toBe('已发送 0 个部门的日报\n今天已发送过，不再重发：HR\n');
    const english = await runCli(['jobs', 'run', 'digest'], { ...cli.env, HUBWATCH_LOCALE: 'en' });
    expect(english.stdout).toBe('digests sent to 0 departments\nalready sent today, not sent again: HR\n');
    // The steward's inbox holds the one digest.
    const digests = await cli.withDb((db) => db('notifications').where({ user_id: steward.id, kind: 'tickets.digest' }));
    expect(digests).toHaveLength(1);
  });

  // It said "sent" of digests nobody got (a department without stewards) and of those whose e-mail failed (exit 0), and
  // a digest that reached nobody used up the day: one sent once someone was there waited until tomorrow.
  it('says which digests reached nobody (sent again today once someone is there) and which e-mails failed (exit 1)', async () => {
    await cli.withDb(async (db) => {
      const catalog = exampleCatalog();
      // 各学院 (COL) has no steward and no address; 学生处 only the catalog's addresses; 党委组织部 a steward (inbox) and
      // the catalog's addresses. The e-mail server is down.
      await buildTicket(db, catalog, new Date(), { field: 'research_area', department: 'COL', check: 'deadline' });
      await buildTicket(db, catalog, new Date(), {
        table: 'student_status',
        field: 'id_card',
        department: 'STU',
        check: 'validate',
      });
      await buildTicket(db, catalog, new Date(), { field: 'political_status', department: 'ORG', check: 'codes' });
      await buildUser(db, { department: 'ORG', roles: ['steward'] });
    });
    // Said in English here (the Chinese lines are the other runs').
    const down = await runCli(['jobs', 'run', 'digest'], { ...cli.env, SMTP_URL: 'smtp://127.0.0.1:1', HUBWATCH_LOCALE: 'en' });
    expect(down.code).toBe(1);
    expect(down.stdout).toBe(
      [
        'digests sent to 1 department: ORG',
        'not delivered, may be sent again today: COL (no recipients), STU (e-mail failed)',
        'partly delivered (the other channels reached them; not sent again today): ORG (e-mail failed)',
        // The first test's digest.
        'already sent today, not sent again: HR',
        '',
      ].join('\n'),
    );
    // The e-mail server back, and 各学院 with a steward: both digests go out the same day; 党委组织部's does not again.
    await cli.withDb((db) => buildUser(db, { department: 'COL', roles: ['steward'] }));
    const later = await runCli(['jobs', 'run', 'digest'], cli.env);
    expect(later).toMatchObject({
      code: 0,
      stdout: '已发送 2 个部门的日报：COL、STU\n今天已发送过，不再重发：HR、ORG\n',
    });
  });

  it('takes today’s scorecard snapshot, and reminds and escalates (nothing due here)', async () => {
    const snapshot = await runCli(['jobs', 'run', 'snapshot'], cli.env);
    expect(snapshot.code).toBe(0);
    expect(snapshot.stdout).toMatch(/^已生成 \d{4}-\d{2}-\d{2} 的评分快照：\d+ 个部门\n$/);
    const reminders = await runCli(['jobs', 'run', 'reminders'], cli.env);
    expect(reminders).toMatchObject({ code: 0, stdout: '已提醒 0 个工单，督办 0 个\n' });
    expect((await runCli(['jobs', 'run', 'report-confirmations'], cli.env)).stdout).toBe('已视为解决 0 个纠错工单\n');
    expect((await runCli(['jobs', 'run', 'sharing-reminders'], cli.env)).stdout).toBe(
      '已提醒 0 个审核环节，标记逾期 0 个，授权到期提醒 0 个\n',
    );
    // English counts agree with their number, as on the pages: they read "0 report ticket(s)", "0 stage(s)".
    const english = { ...cli.env, HUBWATCH_LOCALE: 'en' };
    expect((await runCli(['jobs', 'run', 'snapshot'], english)).stdout).toMatch(
      /^snapshot of \d{4}-\d{2}-\d{2}: \d+ departments?\n$/,
    );
    expect((await runCli(['jobs', 'run', 'reminders'], english)).stdout).toBe('reminded 0 tickets, escalated 0\n');
    expect((await runCli(['jobs', 'run', 'report-confirmations'], english)).stdout).toBe('0 report tickets resolved\n');
    expect((await runCli(['jobs', 'run', 'sharing-reminders'], english)).stdout).toBe(
      'reminded 0 stages, flagged 0 overdue, 0 grants expiring\n',
    );
  });

  it('an unknown or missing job name is exit 2, naming the jobs there are; nothing runs', async () => {
    // `constructor` and `__proto__` are no jobs either (they opened the databases, then failed inside: exit 1).
    for (const args of [
      ['jobs', 'run', 'digests'],
      ['jobs', 'run'],
      ['jobs', 'run', 'constructor'],
      ['jobs', 'run', '__proto__'],
    ]) {
      const res = await runCli(args, cli.env);
      expect(res.code).toBe(2);
      expect(res.stderr).toContain('可选：reminders, digest, report-confirmations, sharing-reminders, snapshot');
    }
    // A job with more after its name: that is what is wrong, not the job.
    const extra = await runCli(['jobs', 'run', 'digest', 'extra'], cli.env);
    expect(extra).toMatchObject({ code: 2, stderr: '多余的参数：extra（hubwatch jobs run digest）\n' });
    const en = await runCli(['jobs', 'run', 'digest', 'extra'], { ...cli.env, HUBWATCH_LOCALE: 'en' });
    expect(en).toMatchObject({ code: 2, stderr: 'unexpected argument: extra (hubwatch jobs run digest)\n' });
  });
});
